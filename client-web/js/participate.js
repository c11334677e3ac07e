// The participant's part beyond the queue: written points and upvotes, signals, the agreement and
// its flags, the decisions so far (polls and consent: vote.js, loaded when needed). Each button
// sends one protocol message; the server says whether it is allowed.
import { $, h, redraw, setText, act, toast } from './dom.js';
import * as msg from './protocol.js';
import * as words from './words.js';
import { drawDecisions, agreementItems, activeSignals } from './decide.js';
import { loadMyPoints, saveMyPoints } from './storage.js';
import { Windowed } from './lists.js';
import { EVERYTHING } from './meeting.js';

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
    if (sentSignals.has(b.dataset.kind)) return toast('Already sent: it counts for a few minutes.', 'info');
    if (await send(b, msg.sendSignal(b.dataset.kind))) {
      sentSignals.set(b.dataset.kind, Date.now());
      toast(`Sent anonymously: “${words.SIGNAL[b.dataset.kind]}”.`, 'info');
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
      setText(b, sent ? `${words.SIGNAL[b.dataset.kind]} ✓ sent` : words.SIGNAL[b.dataset.kind]);
    }
    const active = activeSignals(model);
    const el = $('#signals-active');
    el.hidden = !active.length;
    setText(el, active.length ? `The room is signalling: ${active.map((s) => `${s.label} (${s.count})`).join(', ')}` : '');
  }

  // --- written points ---
  $('#point-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    const kind = form.querySelector('input[name=point-kind]:checked').value;
    const text = form.elements.text.value.trim();
    let ack = null;
    if (await act(form.querySelector('button'), async () => { ack = await conn.send(msg.submitPoint(kind, text, form.elements.anonymous.checked)); })) {
      // The update with the point came before the ack (PROTOCOL 4.2): its seq names the point, even
      // an anonymous one, so this browser can tell its author what becomes of it.
      const id = ack && model.pointSeqs.get(ack.seq);
      if (id) {
        saveMyPoints(model.code, [...loadMyPoints(model.code), { id, text }]);
        drawPoints();
      }
      form.elements.text.value = '';
      const waiting = id && (model.points.find((p) => p.id === id) || {}).status === 'pending';
      toast(waiting ? `Your ${words.POINT_KIND[kind].toLowerCase()} waits for a facilitator's approval before others see it.`
        : `Your ${words.POINT_KIND[kind].toLowerCase()} is posted${form.elements.anonymous.checked ? ' anonymously' : ''}.`, 'info');
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
    redraw(notice, hidden.map((p) => h('p', null, `A facilitator hid your point “${p.text.slice(0, 80)}${p.text.length > 80 ? '…' : ''}” from the list. `
      + 'You can ask them why.')));
    const myTexts = new Map(loadMyPoints(model.code).map((p) => [p.id, p.text]));
    const mine = (p) => p.author === model.you || myTexts.has(p.id);
    // A point waiting for approval (moderated) comes as a stub without its words: only its author
    // shows it, with the words this browser kept when it was written.
    const points = model.points.filter((p) => p.status !== 'pending' || mine(p))
      .map((p) => (p.status === 'pending' ? { ...p, text: myTexts.get(p.id) || p.text } : p));
    $('#points-none').hidden = points.length > 0;
    pointList.set(points.map((p) => ({ p, mine: mine(p), upvoted: model.upvoted.has(p.id) })));
  }
  // A page of points at a time, with a search by text once there are many (js/lists.js).
  const pointList = new Windowed($('#point-list'), {
    noun: 'points', name: (x) => x.p.text, key: (x) => x.p.id, searchLabel: 'Find a point by its words',
    sign: ({ p, mine, upvoted }) => `${p.status}|${p.upvotes}|${mine}|${upvoted}|${model.ended}|${p.author ? model.name(p.author) : ''}|${p.text}`,
    draw: ({ p, mine, upvoted }) => h('li', { class: `point point-${p.status}` },
      h('p', { class: 'point-head' },
        h('span', { class: `tag kind-${p.kind}` }, words.POINT_KIND[p.kind]),
        p.status !== 'open' ? h('span', { class: 'tag tag-status' }, words.POINT_STATUS[p.status]) : null,
        h('span', { class: 'muted' }, p.status === 'pending' ? ' you' : ` ${p.author ? model.name(p.author) : 'anonymous'}${mine ? ' (you)' : ''}`)),
      h('p', { class: 'point-text' }, p.text || 'Your point'),
      p.status === 'pending' ? h('p', { class: 'hint' }, 'Only you and the facilitators see it until a facilitator approves it.') : null,
      p.status === 'pending' ? null : h('p', { class: 'point-foot' },
        h('span', { class: 'votes' }, words.plural(p.upvotes, 'upvote')),
        model.ended ? null : h('button', { type: 'button', class: 'small secondary', disabled: upvoted, 'aria-pressed': String(upvoted),
          'aria-label': upvoted ? `You upvoted: ${p.text.slice(0, 60)}` : `Upvote: ${p.text.slice(0, 60)}`,
          dataset: { action: 'upvote', id: String(p.id), key: `upvote-${p.id}` } }, upvoted ? '▲ Upvoted' : '▲ Upvote'))),
  });

  // --- the working agreement ---
  $('#agreement-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const form = e.currentTarget;
    if (await send(form.querySelector('button'), msg.proposeAgreementItem(form.elements.text.value.trim(), form.elements.anonymous.checked))) {
      form.reset();
      $('#agreement-propose').open = false;
      toast('Your ground rule is proposed. The group adopts it by consent.', 'info');
    }
  });
  $('#agreement-list').addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-action=flag]');
    if (b && await send(b, msg.flagAgreementItem(Number(b.dataset.id)))) toast('Flagged anonymously. The facilitator sees it.', 'info');
  });
  function drawAgreement() {
    const items = agreementItems(model);
    redraw($('#agreement-list'), items.length ? items.map((i) => h('li', { class: `item item-${i.status}` },
      h('p', null, i.text, i.status === 'proposed' ? h('span', { class: 'tag tag-plain' }, 'proposed') : null),
      i.status === 'adopted' && !model.ended ? h('button', { type: 'button', class: 'small secondary',
        'aria-label': `Flag “${i.text}” as being broken`, dataset: { action: 'flag', id: String(i.id), key: `flag-${i.id}` } }, '⚑ Being broken') : null))
      : h('li', { class: 'muted' }, 'No ground rules yet. Propose one below.'));
  }

  // --- announcements of decision news ---
  function announce(events) {
    const news = [];
    for (const ev of events) {
      const poll = ev.poll && model.polls.find((p) => p.id === ev.poll);
      const proposal = ev.proposal && model.proposals.find((p) => p.id === ev.proposal);
      if (ev.kind === 'poll_opened' && poll) news.push(`A poll has opened: ${poll.question}`);
      if (ev.kind === 'poll_closed' && poll) news.push(`The poll “${poll.question}” has closed.`);
      if (ev.kind === 'proposal_presented' && proposal) news.push(`A proposal: ${proposal.title}.`);
      if (ev.kind === 'consent_phase_changed' && proposal && ev.phase === 'consent') news.push(`The consent round on “${proposal.title}” has started: please answer.`);
      if (ev.kind === 'proposal_amended' && proposal) {
        const before = proposal.titles ? proposal.titles[ev.version - 2] : proposal.title;  // version ev.version - 1
        news.push(before && before !== proposal.title
          ? `“${before}” was amended to version ${ev.version} and is now called “${proposal.title}”: please answer again.`
          : `“${proposal.title}” was amended to version ${ev.version}: please answer again.`);
      }
      if (ev.kind === 'proposal_ended' && proposal) news.push(`“${proposal.title}”: ${words.PHASE[ev.outcome].label.toLowerCase()}.`);
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
          .catch(() => { voting = null; toast('Polls could not be loaded. Reload the page to try again.'); });
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
