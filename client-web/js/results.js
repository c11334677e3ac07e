// A poll's result as the server sent it (counts, winner, mean, runoff rounds, answers, or why it
// is withheld), its turnout and tags. Bars only scale the server's numbers.
import { t, formatNumber, formatList } from './i18n.js';
import { h } from './dom.js';
import * as words from './words.js';

const share = (n, of) => (of ? n / of : 0);

// One bar row: the words carry the numbers; the bar itself is decoration.
function barRow(label, n, of, mark) {
  return h('li', { class: `result-row${mark ? ' winner' : ''}` },
    h('div', { class: 'bar-label' }, h('span', null, h('bdi', null, label), mark ? h('span', { class: 'tag tag-win' }, mark) : null),
      h('span', { class: 'figs' }, t('common.result.votes', { count: n, percent: words.percent(share(n, of)) }))),
    h('div', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.round(share(n, of) * 100)}%` })));
}

export function drawResult(poll, r) {
  if (!r) return null;
  if (r.withheld) {
    return h('div', { class: 'result' }, h('p', { class: 'withheld' },
      t('common.result.withheld', { count: r.voters, min: poll.min_voters })));
  }
  const out = [h('p', { class: 'muted' }, t('common.result.voters', { count: r.voters }))];
  if (poll.kind === 'scale') {
    const rows = (r.counts || []).map((n, i) => barRow(scaleLabel(poll, poll.scale_min + i), n, r.voters));
    out.push(h('ul', { class: 'plain result-rows' }, rows));
    if (r.voters) out.push(h('p', { class: 'mean' }, t('common.result.average', { mean: formatNumber(Number(r.mean), { minimumFractionDigits: 1, maximumFractionDigits: 1 }) })));
  } else if (poll.kind === 'open_text') {
    out.push(r.answers && r.answers.length
      ? h('ul', { class: 'answers' }, r.answers.map((a) => h('li', { dir: 'auto' }, a)))
      : h('p', { class: 'muted' }, t('common.result.no_answers')));
  } else {
    // While the poll is open nothing has won yet: the leader is "leading", not "wins".
    const open = poll.status === 'open';
    const lead = poll.kind === 'ranked_choice' ? (open ? t('common.result.leading') : t('common.result.wins'))
      : (open ? t('common.result.most_votes_so_far') : t('common.result.most_votes'));
    const rows = (r.counts || []).map((n, i) => barRow(poll.options[i], n, r.voters, r.winner === i ? lead : ''));
    if (poll.kind === 'ranked_choice') out.push(h('p', { class: 'hint' }, t('common.result.first_choices')));
    out.push(h('ul', { class: 'plain result-rows' }, rows));
    if (r.voters && r.winner == null) out.push(h('p', null, open ? t('common.result.tie_so_far') : t('common.result.tie')));
    if (r.rounds && r.rounds.length > 1) {
      out.push(h('details', { class: 'rounds', dataset: { key: `rounds-${poll.id}` } }, h('summary', null, t('common.result.runoff')),
        h('ol', null, r.rounds.map((round, i) => {
          const counts = formatList(round.counts.map((n, o) => t('common.result.runoff_count', { option: poll.options[o], count: n })));
          return h('li', null, round.eliminated != null
            ? t('common.result.runoff_round_out', { number: i + 1, counts, out: poll.options[round.eliminated] })
            : t('common.result.runoff_round', { number: i + 1, counts }));
        }))));
    }
  }
  return h('div', { class: 'result' }, out);
}

export function scaleLabel(poll, value) {
  const end = value === poll.scale_min ? poll.min_label : value === poll.scale_max ? poll.max_label : '';
  return end && !end.startsWith(String(value)) ? t('common.result.scale_end', { value, label: end }) : end || formatNumber(value);
}

// "3 of 7 have voted" (voted of the people present when the poll opened).
// A poll left open when the meeting ended was never closed: it has no result.
// The state ends with " · ", to go before the turnout.
export const pollState = (poll, ended) => (poll.status === 'open' ? (ended ? `${t('common.poll.not_closed')} · ` : '') : `${t('common.poll.closed')} · `);
export const turnout = (poll) => (poll.voted === 1 && poll.eligible === 1 ? t('common.poll.turnout_one_of_one')
  : t('common.poll.turnout', { count: poll.voted, total: poll.eligible }));

export function pollTags(poll) {
  return [
    h('span', { class: 'tag tag-plain' }, words.POLL_KIND[poll.kind] || poll.kind),
    h('span', { class: `tag ${poll.anonymous ? 'tag-anon' : 'tag-plain'}` }, poll.anonymous ? t('common.poll.anonymous') : t('common.poll.named')),
    poll.status !== 'open' ? h('span', { class: 'tag tag-plain' }, words.POLL_STATUS[poll.status]) : null,
    poll.decision ? h('span', { class: 'tag tag-role' }, t('common.poll.decision')) : null,
  ];
}

