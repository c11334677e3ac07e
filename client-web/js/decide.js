// Views of the decision features shared by the pages: the decision record, the working agreement,
// the signals, an agenda item's time. They draw the server's words and numbers as sent.
import { t, formatTime } from './i18n.js';
import { h } from './dom.js';
import * as words from './words.js';

// The decision record, newest first: what, how, the result, dissent, who was present, when.
export function drawDecisions(model, { limit = 0 } = {}) {
  const list = model.decisions.slice().reverse();
  const shown = limit ? list.slice(0, limit) : list;
  if (!shown.length) return h('p', { class: 'muted' }, t('participant.decision.none'));
  return h('ol', { class: 'plain decisions', reversed: true }, shown.map((d) => h('li', { class: 'decision', id: `decision-${d.id}` },
    h('p', { class: 'decision-title' }, h('span', { class: 'muted' }, `${d.id}. `), h('strong', null, d.title)),
    h('p', null, d.result),
    h('p', { class: 'hint' }, t('participant.decision.how', { method: d.method, time: formatTime(d.at), count: d.present_count }),
      d.review_date ? ` · ${t('participant.decision.review', { date: d.review_date })}` : ''),
    d.dissent && d.dissent.length ? h('p', { class: 'hint' }, t('participant.decision.dissent', { dissent: d.dissent.join('; ') })) : null,
    h('details', { class: 'manage', dataset: { key: `text-${d.id}` } }, h('summary', null, t('participant.decision.full_text')),
      h('p', { class: 'pre' }, d.text),
      d.present_names && d.present_names.length ? h('p', { class: 'hint' }, t('participant.decision.present', { names: d.present_names.join(', ') })) : null,
      h('p', { class: 'hint hash' }, t('participant.decision.hash', { hash: d.hash.slice(0, 16), previous: d.prev_hash.slice(0, 16) }))))));
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
  if (!item.timebox_minutes) return t('participant.timebox.used', { used: words.clock(used) });
  const box = item.timebox_minutes * 60000;
  return used <= box ? t('participant.timebox.of', { used: words.clock(used), count: item.timebox_minutes })
    : t('participant.timebox.over', { over: words.clock(used - box), count: item.timebox_minutes });
}

