// Views of the decision features shared by the pages: the decision record, the working agreement,
// the signals, an agenda item's time. They draw the server's words and numbers as sent.
import { h } from './dom.js';
import * as words from './words.js';

// The decision record, newest first: what, how, the result, dissent, who was present, when.
export function drawDecisions(model, { limit = 0 } = {}) {
  const list = model.decisions.slice().reverse();
  const shown = limit ? list.slice(0, limit) : list;
  if (!shown.length) return h('p', { class: 'muted' }, 'No decisions yet.');
  return h('ol', { class: 'plain decisions', reversed: true }, shown.map((d) => h('li', { class: 'decision', id: `decision-${d.id}` },
    h('p', { class: 'decision-title' }, h('span', { class: 'muted' }, `${d.id}. `), h('strong', null, d.title)),
    h('p', null, d.result),
    h('p', { class: 'hint' }, `${d.method} · ${words.timeOfDay(d.at)} · ${words.plural(d.present_count, 'person', 'people')} present`,
      d.review_date ? ` · review by ${d.review_date}` : ''),
    d.dissent && d.dissent.length ? h('p', { class: 'hint' }, `Dissent: ${d.dissent.join('; ')}`) : null,
    h('details', { class: 'manage', dataset: { key: `text-${d.id}` } }, h('summary', null, 'Full text'),
      h('p', { class: 'pre' }, d.text),
      d.present_names && d.present_names.length ? h('p', { class: 'hint' }, `Present: ${d.present_names.join(', ')}`) : null,
      h('p', { class: 'hint hash' }, `Hash ${d.hash.slice(0, 16)}… (follows ${d.prev_hash.slice(0, 16)}…)`)))));
}

// Adopted agreement items first, then proposed ones; removed ones are left out.
export function agreementItems(model) {
  const order = { adopted: 0, proposed: 1 };
  return model.agreement.filter((i) => i.status !== 'removed').sort((a, b) => order[a.status] - order[b.status] || a.id - b.id);
}

// The signals shown to this audience, most first: [{kind, label, count}].
export function activeSignals(model) {
  const counts = (model.signals && model.signals.counts) || {};
  return Object.entries(counts).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => ({ kind, count, label: words.SIGNAL[kind] || kind }));
}

// An agenda item's time used against its timebox.
export function timeboxText(model, item) {
  const used = model.usedMs(item);
  if (!item.timebox_minutes) return `${words.clock(used)} used`;
  const box = item.timebox_minutes * 60000;
  return used <= box ? `${words.clock(used)} of ${item.timebox_minutes} min` : `${words.clock(used - box)} over its ${item.timebox_minutes} min`;
}
