// The participant's part beyond the queue: written points and upvotes, signals, the agreement and
// its flags, the decisions so far (polls and consent: vote.js, loaded when needed). Each button
// sends one protocol message; the server says whether it is allowed.
import { t, language } from './i18n.js';
import { $, h, redraw, setText, act, toast } from './dom.js';
import * as msg from './protocol.js';
import * as words from './words.js';
import { drawDecisions, agreementItems, activeSignals } from './decide.js';
import { loadMyPoints, saveMyPoints, newFollowSecret, saveFollow } from './storage.js';
import { Windowed } from './lists.js';
import { EVERYTHING } from './meeting.js';

// "Slow down (3), Lost (2)": a list in this page's language.
const list = new Intl.ListFormat(language, { type: 'unit', style: 'short' });

export function mountParticipation(model, conn, announcer) {
  const send = (button, message) => act(button, () => conn.send(message));
  const sentSignals = new Map();  // kind -> time sent from this page (a courtesy pause, not a rule)
  let voting = null;              // vote.js's render, once loaded

  // --- signals ---
  $('#signal-buttons').replaceChildren(...msg.SIGNAL_KINDS.map((kind) =>
    h('button', { type: 'button', class: 'secondary signal', dataset: { kind } }, words.SIGNAL[kind])));
  $('#signal-buttons').addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-kind]');
    if (!b) return;
    if (sentSignals.has(b.dataset.kind)) return toast(t('participant.signals.already'), 'info');
    if (await send(b, msg.sendSignal(b.dataset.kind))) {
      sentSignals.set(b.dataset.kind, Date.now());
      toast(t('participant.signals.sent_toast', { signal: words.SIGNAL[b.dataset.kind] }), 'info');
      drawSignals();
    }
  });
  function drawSignals() {
    const windowMs = ((model.signals && model.signals.window_seconds) || 120) * 1000;
    for (const b of $('#signal-buttons').children) {
      const at = sentSignals.get(b.dataset.kind);
      if (at && Date.now() - at > windowMs) sentSignals.delete(b.dataset.kind);
      const sent = sentSignals.has(b.dataset.kind);
      b.setAttribute('aria-pressed', String(sent));
      setText(b, sent ? t('participant.signals.sent', { signal: words.SIGNAL[b.dataset.kind] }) : words.SIGNAL[b.dataset.kind]);
    }
    const active = activeSignals(model);
    const el = $('#signals-active');
    el.hidden = !active.length;
    setText(el, active.length ? t('participant.signals.active', { list: list.format(active.map((s) => t('participant.signals.count', { signal: s.label, count: s.count }))) }) : '');
  }

  // --- written points ---
  $('#point-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const kind = form.querySelector('input[name=point-kind]:checked').value;
    const text = form.elements.text.value.trim();
    let ack = null;
    // A secret only this browser keeps: if the point is carried forward to the group, its author
    // can follow what becomes of it (the join page asks), named or anonymous.
    const follow = newFollowSecret();
    if (await act(form.querySelector('button'), async () => { ack = await conn.send(msg.submitPoint(kind, text, form.elements.anonymous.checked, follow)); })) {
      saveFollow({ follow, text, code: model.code });
      // The update with the point came before the ack (PROTOCOL 4.2): its seq names the point, even
      // an anonymous one, so this browser can tell its author what becomes of it.
      const id = ack && model.pointSeqs.get(ack.seq);
      if (id) {
        saveMyPoints(model.code, [...loadMyPoints(model.code), { id, text }]);
        drawPoints();
      }
      form.elements.text.value = '';
      const waiting = id && (model.points.find((p) => p.id === id) || {}).status === 'pending';
      const anonymous = form.elements.anonymous.checked;
      const question = kind === 'question';
      toast(waiting ? (question ? t('participant.points.waiting_question') : t('participant.points.waiting_point'))
        : anonymous ? (question ? t('participant.points.posted_question_anonymously') : t('participant.points.posted_point_anonymously'))
          : (question ? t('participant.points.posted_question') : t('participant.points.posted_point')), 'info');
    }
  });
  $('#point-list').addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-action=upvote]');
    if (!b) return;
    const id = Number(b.dataset.id);
    if (await send(b, msg.upvotePoint(id))) { model.upvoted.add(id); drawPoints(); }
  });
  function drawPoints() {
    // A point hidden by a facilitator leaves everyone's list but its author's: they are told.
    const shown = new Set(model.points.map((p) => p.id));
    const hidden = loadMyPoints(model.code).filter((p) => !shown.has(p.id));
    const notice = $('#my-hidden-points');
    notice.hidden = !hidden.length;
    redraw(notice, hidden.map((p) => h('p', null, t('participant.points.hidden', { text: `${p.text.slice(0, 80)}${p.text.length > 80 ? '…' : ''}` }))));
    const myTexts = new Map(loadMyPoints(model.code).map((p) => [p.id, p.text]));
    const mine = (p) => p.author === model.you || myTexts.has(p.id);
    // A point waiting for approval (moderated) comes as a stub without its words: only its author
    // shows it, with the words this browser kept when it was written.
    const points = model.points.filter((p) => p.status !== 'pending' || mine(p))
      .map((p) => (p.status === 'pending' ? { ...p, text: myTexts.get(p.id) || p.text } : p));
    $('#points-none').hidden = points.length > 0;
    pointList.set(points.map((p) => ({ p, mine: mine(p), upvoted: model.upvoted.has(p.id) })));
  }
  // Who wrote a point: a name, "Ana (you)", or "anonymous".
  const author = (p, mine) => {
    if (!p.author) return mine ? t('participant.points.anonymous_you') : t('participant.points.anonymous');
    return mine ? t('participant.you_name', { name: model.name(p.author) }) : model.name(p.author);
  };
  // A page of points at a time, with a search by text once there are many (js/lists.js).
  const pointList = new Windowed($('#point-list'), {
    noun: 'points', name: (x) => x.p.text, key: (x) => x.p.id, searchLabel: t('participant.points.search'),
    sign: ({ p, mine, upvoted }) => `${p.status}|${p.upvotes}|${mine}|${upvoted}|${model.ended}|${p.carried}|${p.author ? model.name(p.author) : ''}|${p.text}`,
    draw: ({ p, mine, upvoted }) => h('li', { class: `point point-${p.status}` },
      h('p', { class: 'point-head' },
        h('span', { class: `tag kind-${p.kind}` }, words.POINT_KIND[p.kind]),
        p.status !== 'open' ? h('span', { class: 'tag tag-status' }, words.POINT_STATUS[p.status]) : null,
        p.carried ? h('span', { class: 'tag tag-status' }, t('participant.points.carried')) : null,
        h('span', { class: 'muted' }, ` ${p.status === 'pending' ? t('participant.points.by_you') : author(p, mine)}`)),
      h('p', { class: 'point-text', dir: 'auto' }, p.text || t('participant.points.yours')),
      p.status === 'pending' ? h('p', { class: 'hint' }, t('participant.points.pending')) : null,
      p.status === 'pending' ? null : h('p', { class: 'point-foot' },
        h('span', { class: 'votes' }, t('participant.points.upvotes', { count: p.upvotes })),
        model.ended ? null : h('button', { type: 'button', class: 'small secondary', disabled: upvoted, 'aria-pressed': String(upvoted),
          'aria-label': upvoted ? t('participant.points.upvoted_label', { text: p.text.slice(0, 60) }) : t('participant.points.upvote_label', { text: p.text.slice(0, 60) }),
          dataset: { action: 'upvote', id: String(p.id), key: `upvote-${p.id}` } }, upvoted ? t('participant.points.upvoted') : t('participant.points.upvote')))),
  });

  // --- the working agreement ---
  $('#agreement-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (await send(form.querySelector('button'), msg.proposeAgreementItem(form.elements.text.value.trim(), form.elements.anonymous.checked))) {
      form.reset();
      $('#agreement-propose').open = false;
      toast(t('participant.agreement.proposed_toast'), 'info');
    }
  });
  $('#agreement-list').addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-action=flag]');
    if (b && await send(b, msg.flagAgreementItem(Number(b.dataset.id)))) toast(t('participant.agreement.flagged'), 'info');
  });
  function drawAgreement() {
    const items = agreementItems(model);
    redraw($('#agreement-list'), items.length ? items.map((i) => h('li', { class: `item item-${i.status}` },
      h('p', { dir: 'auto' }, i.text, i.status === 'proposed' ? h('span', { class: 'tag tag-plain' }, t('participant.agreement.proposed')) : null),
      i.status === 'adopted' && !model.ended ? h('button', { type: 'button', class: 'small secondary',
        'aria-label': t('participant.agreement.flag_label', { text: i.text }), dataset: { action: 'flag', id: String(i.id), key: `flag-${i.id}` } }, t('participant.agreement.flag')) : null))
      : h('li', { class: 'muted' }, t('participant.agreement.none')));
  }

  // --- announcements of decision news ---
  function announce(events) {
    const news = [];
    for (const ev of events) {
      const poll = ev.poll && model.polls.find((p) => p.id === ev.poll);
      const proposal = ev.proposal && model.proposals.find((p) => p.id === ev.proposal);
      if (ev.kind === 'poll_opened' && poll) news.push(t('participant.news.poll_opened', { question: poll.question }));
      if (ev.kind === 'poll_closed' && poll) news.push(t('participant.news.poll_closed', { question: poll.question }));
      if (ev.kind === 'proposal_presented' && proposal) news.push(t('participant.news.proposal', { title: proposal.title }));
      if (ev.kind === 'consent_phase_changed' && proposal && ev.phase === 'consent') news.push(t('participant.news.consent_round', { title: proposal.title }));
      if (ev.kind === 'proposal_amended' && proposal) {
        const before = proposal.titles ? proposal.titles[ev.version - 2] : proposal.title;  // version ev.version - 1
        news.push(before && before !== proposal.title
          ? t('participant.news.amended_renamed', { before, version: ev.version, title: proposal.title })
          : t('participant.news.amended', { title: proposal.title, version: ev.version }));
      }
      if (ev.kind === 'proposal_ended' && proposal) {
        const title = proposal.title;
        const ended = { adopted: t('participant.news.adopted', { title }), not_adopted: t('participant.news.not_adopted', { title }),
          withdrawn: t('participant.news.withdrawn', { title }) }[ev.outcome];
        if (ended) news.push(ended);
      }
    }
    if (news.length) announcer.say(news.join(' '));
  }

  // Draws what changed (detail.changed, js/meeting.js): a hand going up redraws none of this.
  function render(e) {
    const changed = (e && e.detail && e.detail.changed) || EVERYTHING;
    const has = (...parts) => parts.some((x) => changed.has(x));
    if (has('polls', 'proposals', 'people', 'meeting')) {
      if (voting) voting();
      else if (voting === null && (model.polls.length || model.proposals.length)) {
        voting = false;
        import('./vote.js').then((m) => { voting = m.mountVoting(model, send, announcer); voting(); })
          .catch(() => { voting = null; toast(t('participant.poll.failed')); });
      }
    }
    if (has('signals')) drawSignals();
    if (has('points', 'people', 'meeting')) drawPoints();
    if (has('agreement', 'meeting')) drawAgreement();
    if (has('decisions', 'meeting')) redraw($('#decision-list'), drawDecisions(model, { limit: 10 }));
    if (has('meeting')) for (const el of ['#signals', '#point-form', '#agreement-propose']) $(el).hidden = model.ended;
    if (e && e.detail && e.detail.type === 'update') announce(e.detail.events);
  }
  setInterval(drawSignals, 5000);
  return render;
}
