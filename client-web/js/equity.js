// The equity dashboard: draws the server's "figures" (server/core/equity.hpp) for facilitators.
// Every number here is the server's; the page only scales bars and words them.
import { h, redraw, setText } from './dom.js';
import { Windowed } from './lists.js';
import * as words from './words.js';

const tile = (value, what) => h('div', { class: 'tile' }, h('span', { class: 'value' }, value), h('span', { class: 'what' }, what));

function bar(fraction, cls, label) {
  const pct = Math.max(0, Math.min(100, Math.round(fraction * 1000) / 10));
  return h('div', { class: `bar ${cls}`, role: 'img', 'aria-label': label }, h('span', { style: `width:${pct}%` }));
}

// The bars: a page of them, with a search, once the meeting is large (js/lists.js).
const barLists = new WeakMap();
function barList(list) {
  if (!barLists.has(list)) {
    barLists.set(list, new Windowed(list, {
      noun: 'people', name: (x) => x.p.name, key: (x) => x.p.participant, searchLabel: 'Find someone in the figures',
      sign: (x) => `${x.p.name}|${x.p.location}|${x.p.proxy}|${x.p.present}|${x.p.turns}|${x.p.spoken_ms}|${x.p.share}|${x.most}`,
      draw: ({ p, most }) => h('li', null,
        h('div', { class: 'bar-label' },
          h('span', null, h('strong', null, p.name),
            h('span', { class: 'tag tag-plain' }, words.location(p.location)),
            p.proxy ? h('span', { class: 'tag tag-plain' }, 'proxy') : null,
            p.present ? null : h('span', { class: 'tag tag-away' }, 'not here')),
          h('span', { class: 'figs' }, `${words.plural(p.turns, 'turn')} · ${words.duration(p.spoken_ms)} · ${words.percent(p.share)}`)),
        bar(p.share, 'time', `${p.name}: ${words.percent(p.share)} of speaking time`),
        bar(p.turns / most, 'turns', `${p.name}: ${words.plural(p.turns, 'turn')}`)),
    }));
  }
  return barLists.get(list);
}

// Names in a sentence, at most `limit` of them: "Ada, Ben and 4,998 more".
function someNames(names, limit = 30) {
  if (names.length <= limit) return names.join(', ');
  return `${names.slice(0, limit).join(', ')} and ${(names.length - limit).toLocaleString()} more`;
}

// Every row of the figures. A big meeting's figures leave out the rows of zeros (people_complete
// false, PROTOCOL 7.6): those are the present people (not room displays) not listed, made here
// once per change of people and merged in join order.
export function figureRows(f, model) {
  if (f.people_complete !== false) return f.people;
  const zeros = model.fromPeople('equity rows of zeros', () => [...model.people.values()]
    .filter((p) => p.presence === 'here' && p.role !== 'observer')
    .sort((a, b) => a.id - b.id)
    .map((p) => ({ participant: p.id, name: p.name, location: p.location, present: true, proxy: p.proxy, spoken_ms: 0, turns: 0, share: 0 })));
  const rows = [];
  let i = 0;
  for (const z of zeros) {
    while (i < f.people.length && f.people[i].participant < z.participant) rows.push(f.people[i++]);
    if (i < f.people.length && f.people[i].participant === z.participant) continue;  // listed: it has spoken
    rows.push(z);
  }
  while (i < f.people.length) rows.push(f.people[i++]);
  return rows;
}

export function drawEquity(root, figures, model) {
  if (!figures) return;
  const f = { ...figures, people: figureRows(figures, model) };
  const q = (sel) => root.querySelector(sel);
  // Names: from the people section, else from the figures' rows (someone removed who had spoken).
  let byId = null;
  const name = (id) => {
    const p = model.people.get(id);
    if (p) return p.name;
    byId = byId || new Map(f.people.map((x) => [x.participant, x]));
    return (byId.get(id) || {}).name || model.name(id);
  };

  redraw(q('#tiles'),
    tile(words.clock(f.total_spoken_ms), 'total speaking time'),
    tile(f.gini.toFixed(2), 'Gini of speaking time (0 is equal; near 1, one person)'),
    tile(words.percent(f.top_fifth_share), 'held by the top fifth of speakers'),
    tile(String(f.not_spoken.length), 'present and not yet spoken'),
    tile(String(f.overrides.length), 'overrides of the queue'));

  let mostTurns = 1;
  for (const p of f.people) if (p.turns > mostTurns) mostTurns = p.turns;
  const bars = barList(q('#bars'));
  bars.set(f.people.map((p) => ({ p, most: mostTurns })));
  const none = q('#bars-none');
  if (none) none.hidden = f.people.length > 0;

  setText(q('#not-spoken'), f.not_spoken.length ? someNames(f.not_spoken.map(name)) : 'Everyone present has spoken.');

  const group = (label, g) => h('li', { class: 'group' },
    h('p', null, h('strong', null, label), ` · ${words.plural(g.people, 'person', 'people')} present (${words.percent(g.people_share)} of people)`),
    h('div', { class: 'bar-label' }, h('span', null, 'Share of speaking time'), h('span', { class: 'figs' }, words.percent(g.speaking_share))),
    bar(g.speaking_share, 'time', `${label}: ${words.percent(g.speaking_share)} of speaking time`),
    h('div', { class: 'bar-label' }, h('span', null, 'Share of people'), h('span', { class: 'figs' }, words.percent(g.people_share))),
    bar(g.people_share, 'people-share', `${label}: ${words.percent(g.people_share)} of people present`),
    h('p', { class: 'figs' }, g.waits
      ? `Waited in the queue: mean ${words.duration(g.mean_wait_ms)} (${words.plural(g.waits, 'call')} from the queue)`
      : 'Nobody called from the queue yet'),
    // Someone still waiting shows now, not only once called: the wait grows since the figures came.
    g.waiting ? h('p', { class: `figs${waitingFor(g) >= 120000 ? ' long-wait' : ''}` },
      `Waiting now: ${words.plural(g.waiting, 'person', 'people')}, the longest for ${words.duration(waitingFor(g))}`) : null);
  const waitingFor = (g) => (g.longest_waiting_ms || 0) + Math.max(0, model.serverNow() - (model.figuresAt || model.serverNow()));
  redraw(q('#groups'), group('In the room', f.in_room), group('Remote', f.remote));

  redraw(q('#overrides'), f.overrides.length ? f.overrides.slice().reverse().map((o) => h('li', null,
    h('span', { class: 'muted' }, words.timeOfDay(o.at), ' '),
    h('strong', null, name(o.participant)), ` ${words.OVERRIDE[o.kind] || o.kind} by ${model.name(o.by)}: `, h('q', null, o.reason)))
    : h('li', { class: 'muted' }, 'No overrides so far.'));
}
