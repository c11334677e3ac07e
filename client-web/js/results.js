// A poll's result as the server sent it (counts, winner, mean, runoff rounds, answers, or why it
// is withheld), its turnout and tags. Bars only scale the server's numbers.
import { h } from './dom.js';
import * as words from './words.js';

const pct = (n, of) => (of ? Math.round((n / of) * 100) : 0);

// One bar row: the words carry the numbers; the bar itself is decoration.
function barRow(label, n, of, mark) {
  return h('li', { class: `result-row${mark ? ' winner' : ''}` },
    h('div', { class: 'bar-label' }, h('span', null, label, mark ? h('span', { class: 'tag tag-win' }, mark) : null),
      h('span', { class: 'figs' }, `${words.plural(n, 'vote')} · ${pct(n, of)}%`)),
    h('div', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width:${pct(n, of)}%` })));
}

export function drawResult(poll, r) {
  if (!r) return null;
  const voters = `${words.plural(r.voters, 'person', 'people')} voted`;
  if (r.withheld) {
    return h('div', { class: 'result' }, h('p', { class: 'withheld' },
      `Result withheld: ${voters}, fewer than the ${poll.min_voters} needed to show an anonymous result.`));
  }
  const out = [h('p', { class: 'muted' }, voters)];
  if (poll.kind === 'scale') {
    const rows = (r.counts || []).map((n, i) => barRow(scaleLabel(poll, poll.scale_min + i), n, r.voters));
    out.push(h('ul', { class: 'plain result-rows' }, rows));
    if (r.voters) out.push(h('p', { class: 'mean' }, `Average: ${Number(r.mean).toFixed(1)}`));
  } else if (poll.kind === 'open_text') {
    out.push(r.answers && r.answers.length
      ? h('ul', { class: 'answers' }, r.answers.map((a) => h('li', null, a)))
      : h('p', { class: 'muted' }, 'No answers.'));
  } else {
    // While the poll is open nothing has won yet: the leader is "leading", not "wins".
    const open = poll.status === 'open';
    const lead = poll.kind === 'ranked_choice' ? (open ? 'leading' : 'wins') : (open ? 'most votes so far' : 'most votes');
    const rows = (r.counts || []).map((n, i) => barRow(poll.options[i], n, r.voters, r.winner === i ? lead : ''));
    if (poll.kind === 'ranked_choice') out.push(h('p', { class: 'hint' }, 'Bars: first choices.'));
    out.push(h('ul', { class: 'plain result-rows' }, rows));
    if (r.voters && r.winner == null) out.push(h('p', null, open ? 'A tie so far.' : 'No winner: a tie.'));
    if (r.rounds && r.rounds.length > 1) {
      out.push(h('details', { class: 'rounds', dataset: { key: `rounds-${poll.id}` } }, h('summary', null, 'How the runoff went'),
        h('ol', null, r.rounds.map((round, i) => h('li', null,
          `Round ${i + 1}: `, round.counts.map((n, o) => `${poll.options[o]} ${n}`).join(', '),
          round.eliminated != null ? `; ${poll.options[round.eliminated]} is out.` : '.')))));
    }
  }
  return h('div', { class: 'result' }, out);
}

export function scaleLabel(poll, value) {
  const end = value === poll.scale_min ? poll.min_label : value === poll.scale_max ? poll.max_label : '';
  return end && !end.startsWith(String(value)) ? `${value} (${end})` : end || String(value);
}

// "3 of 7 have voted" (voted of the people present when the poll opened).
// A poll left open when the meeting ended was never closed: it has no result.
export const pollState = (poll, ended) => (poll.status === 'open' ? (ended ? 'Not closed before the meeting ended · ' : '') : 'Closed · ');
export const turnout = (poll) => `${poll.voted} of ${poll.eligible} ${poll.voted === 1 && poll.eligible === 1 ? 'has' : 'have'} voted`;

export function pollTags(poll) {
  return [
    h('span', { class: 'tag tag-plain' }, words.POLL_KIND[poll.kind] || poll.kind),
    h('span', { class: `tag ${poll.anonymous ? 'tag-anon' : 'tag-plain'}` }, poll.anonymous ? 'anonymous' : 'named'),
    poll.status !== 'open' ? h('span', { class: 'tag tag-plain' }, words.POLL_STATUS[poll.status]) : null,
    poll.decision ? h('span', { class: 'tag tag-role' }, 'decision') : null,
  ];
}

