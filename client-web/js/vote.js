// The participant's polls and consent rounds (loaded once there is a poll or a proposal): ballots
// that say if they are anonymous and when results show, results once shown, consent answers, my
// objection and its withdrawal. Cards are kept, not rebuilt: an update never wipes a choice.
import { t } from './i18n.js';
import { $, h, redraw, setText, toast, place } from './dom.js';
import * as msg from './protocol.js';
import * as words from './words.js';
import { ballotForm, answerForm } from './ballot.js';
import { drawResult, pollTags, turnout, pollState } from './results.js';

export function mountVoting(model, send, announcer) {
  const pollCards = new Map();
  const proposalCards = new Map();
  const changing = new Set();  // named polls (and proposals) where I asked to change my answer

  // --- polls ---
  function pollCard(poll) {
    let card = pollCards.get(poll.id);
    if (card) return card;
    const form = ballotForm(poll, async (ballot, button) => {
      if (await send(button, msg.vote(poll.id, ballot))) {
        model.voted.add(poll.id);
        changing.delete(poll.id);
        announcer.say(t('participant.poll.counted'));
        render();
        card.querySelector('[data-part=voted]').focus();
      }
    });
    card = h('article', { class: 'card poll', dataset: { poll: String(poll.id) }, 'aria-labelledby': `poll-${poll.id}-h` },
      h('p', { class: 'label' }, t('participant.poll.label')),
      h('h3', { id: `poll-${poll.id}-h`, class: 'question', dir: 'auto' }, poll.question),
      h('p', { class: 'tags', dataset: { part: 'tags' } }),
      h('p', { class: 'hint', dataset: { part: 'rules' } }, words.whenResults(poll)),
      h('p', { class: 'turnout', dataset: { part: 'turnout' } }),
      h('p', { class: 'you-voted', dataset: { part: 'voted' }, tabindex: '-1' }),
      form,
      h('button', { type: 'button', class: 'secondary', dataset: { part: 'change' }, onclick: () => { changing.add(poll.id); render(); } }, t('participant.poll.change')),
      h('div', { dataset: { part: 'result' } }));
    pollCards.set(poll.id, card);
    return card;
  }

  function drawPolls() {
    const open = model.polls.filter((p) => p.status === 'open').reverse();
    const closed = model.polls.filter((p) => p.status === 'closed').reverse().slice(0, 2);
    const shown = [...open, ...closed];
    $('#polls').hidden = !shown.length;
    for (const poll of shown) {
      const card = pollCard(poll);
      const part = (name) => card.querySelector(`[data-part=${name}]`);
      const voted = model.voted.has(poll.id);
      const isOpen = poll.status === 'open' && !model.ended;
      redraw(part('tags'), pollTags(poll));
      setText(part('turnout'), pollState(poll, model.ended) + turnout(poll));
      setText(part('voted'), voted ? (isOpen && !poll.anonymous ? t('participant.poll.voted_open') : t('participant.poll.voted')) : '');
      part('voted').hidden = !voted;
      card.querySelector('form').hidden = !isOpen || (voted && !changing.has(poll.id));
      part('change').hidden = !isOpen || !voted || poll.anonymous || changing.has(poll.id);
      card.classList.toggle('closed', !isOpen);
      part('rules').hidden = !isOpen;
      const result = model.resultOf(poll);
      redraw(part('result'), result ? [h('h4', null, isOpen ? t('participant.poll.results_so_far') : t('participant.poll.results')), drawResult(poll, result)]
        : isOpen && poll.results === 'after_vote' && voted && !poll.anonymous ? h('p', { class: 'hint' }, t('participant.poll.results_coming')) : null);
    }
    place($('#poll-cards'), shown.map((p) => pollCards.get(p.id)));
  }

  // --- consent rounds ---
  function proposalCard(p) {
    let card = proposalCards.get(p.id);
    if (card) return card;
    const form = answerForm(async (answer, button) => {
      if (!answer) { toast(t('participant.proposal.choose_first')); return false; }
      const ok = await send(button, msg.answerConsent(p.id, answer.answer, answer.text));
      if (ok) {
        changing.delete(`p${p.id}`);
        announcer.say(t('participant.proposal.recorded', { answer: words.ANSWER[answer.answer].label }));
        render();
      }
      return ok;
    });
    card = h('article', { class: 'card proposal', dataset: { proposal: String(p.id) }, 'aria-labelledby': `proposal-${p.id}-h` },
      h('p', { class: 'label' }, t('participant.proposal.label')),
      h('h3', { id: `proposal-${p.id}-h`, dir: 'auto', dataset: { part: 'title' } }),
      h('p', { class: 'phase', dataset: { part: 'phase' } }),
      h('blockquote', { class: 'proposal-text pre', dir: 'auto', dataset: { part: 'text' } }),
      h('div', { dataset: { part: 'mine' } }),
      form,
      h('button', { type: 'button', class: 'secondary', dataset: { part: 'change' }, onclick: () => { changing.add(`p${p.id}`); render(); } }, t('participant.proposal.change')),
      h('div', { dataset: { part: 'answers' } }));
    card.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-action=withdraw]');
      if (b) send(b, msg.withdrawObjection(Number(b.dataset.id))).then((ok) => ok && announcer.say(t('participant.proposal.withdrawn')));
    });
    proposalCards.set(p.id, card);
    return card;
  }

  function drawProposals() {
    const active = model.proposals.filter((p) => ['clarifying', 'reactions', 'consent'].includes(p.phase));
    const ended = model.proposals.filter((p) => !active.includes(p)).slice(-1);
    const shown = [...active.reverse(), ...ended];
    $('#consent').hidden = !shown.length;
    for (const p of shown) {
      const card = proposalCard(p);
      const part = (name) => card.querySelector(`[data-part=${name}]`);
      const phase = words.PHASE[p.phase] || { label: p.phase, hint: '' };
      setText(part('title'), p.version > 1 ? t('participant.proposal.title_version', { title: p.title, version: p.version }) : p.title);
      redraw(part('phase'), h('strong', null, `${active.includes(p) ? t('participant.proposal.phase_now', { phase: phase.label }) : t('participant.proposal.phase', { phase: phase.label })} `), phase.hint,
        p.end_reason ? ` ${p.end_reason}` : '');
      setText(part('text'), p.versions[p.versions.length - 1]);
      const mine = p.answers.find((a) => a.participant === model.you);
      const myObjection = p.objections.find((o) => o.participant === model.you && o.status === 'open');
      redraw(part('mine'),
        mine && !myObjection ? h('p', { class: 'my-answer' }, `${t('participant.proposal.your_answer')} `, h('strong', null, words.ANSWER[mine.answer].label), mine.text ? ` · ${t('participant.proposal.comment', { text: mine.text })}` : '') : null,
        myObjection ? h('div', { class: 'notice notice-warn' },
          h('p', null, h('strong', null, t('participant.proposal.objection_open')), ` ${t('participant.proposal.objection_version', { version: myObjection.version, reason: myObjection.reason })}`),
          h('p', { class: 'hint' }, t('participant.proposal.objection_hint')),
          h('button', { type: 'button', class: 'secondary small', dataset: { action: 'withdraw', id: String(myObjection.id), key: `withdraw-${myObjection.id}` } }, t('participant.proposal.withdraw'))) : null);
      const answering = p.phase === 'consent' && !model.ended;
      card.querySelector('form').hidden = !answering || (!!mine && !changing.has(`p${p.id}`));
      part('change').hidden = !answering || !mine || changing.has(`p${p.id}`);
      const open = p.objections.filter((o) => o.status === 'open');
      redraw(part('answers'),
        p.answers.length ? [h('h4', null, t('participant.proposal.answers', { version: p.version, count: p.answers.length })),
          h('ul', { class: 'plain answers-list' }, p.answers.map((a) => h('li', null,
            h('strong', null, a.participant === model.you ? t('participant.you_name', { name: model.name(a.participant) }) : model.name(a.participant)), ': ',
            h('span', { class: `tag answer-${a.answer}` }, words.ANSWER[a.answer].label), a.text ? ` ${a.text}` : '')))] : null,
        open.length ? h('p', { class: 'notice notice-error', role: 'note' }, t('participant.proposal.open_objections', { count: open.length })) : null);
    }
    place($('#proposal-cards'), shown.map((p) => proposalCards.get(p.id)));
  }

  function render() {
    drawPolls();
    drawProposals();
  }
  return render;
}
