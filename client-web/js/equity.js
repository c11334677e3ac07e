// The equity dashboard: draws the server's "figures" (server/core/equity.hpp) for facilitators.
// Every number here is the server's; the page only scales bars and words them.
import { t, language } from './i18n.js';
import { h, redraw, setText } from './dom.js';
import { Windowed } from './lists.js';
import * as words from './words.js';

// Two decimals (the Gini coefficient), as toFixed(2) rounds them, written the language's way.
const twoDecimals = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const fixed2 = (x) => twoDecimals.format(Number(Number(x).toFixed(2)));

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
      noun: 'people', name: (x) => x.p.name, key: (x) => x.p.participant, searchLabel: t('console.equity.search'),
      sign: (x) => `${x.p.name}|${x.p.location}|${x.p.proxy}|${x.p.present}|${x.p.turns}|${x.p.spoken_ms}|${x.p.share}|${x.most}`,
      draw: ({ p, most }) => h('li', null,
        h('div', { class: 'bar-label' },
          h('span', null, h('strong', null, p.name),
            h('span', { class: 'tag tag-plain' }, words.location(p.location)),
            p.proxy ? h('span', { class: 'tag tag-plain' }, t('console.equity.proxy')) : null,
            p.present ? null : h('span', { class: 'tag tag-away' }, t('console.equity.not_here'))),
          h('span', { class: 'figs' }, t('console.equity.person_figs', { count: p.turns, duration: words.duration(p.spoken_ms), percent: words.percent(p.share) }))),
        bar(p.share, 'time', t('console.equity.bar_time', { name: p.name, percent: words.percent(p.share) })),
        bar(p.turns / most, 'turns', t('console.equity.bar_turns', { name: p.name, count: p.turns }))),
    }));
  }
  return barLists.get(list);
}

// Names in a sentence, at most `limit` of them: "Ada, Ben and 4,998 more".
function someNames(names, limit = 30) {
  if (names.length <= limit) return names.join(', ');
  return t('console.equity.some_names', { names: names.slice(0, limit).join(', '), count: names.length - limit });
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
    tile(words.clock(f.total_spoken_ms), t('console.equity.tile_total')),
    tile(fixed2(f.gini), t('console.equity.tile_gini')),
    tile(words.percent(f.top_fifth_share), t('console.equity.tile_top_fifth')),
    tile(String(f.not_spoken.length), t('console.equity.tile_not_spoken')),
    tile(String(f.overrides.length), t('console.equity.tile_overrides')));

  let mostTurns = 1;
  for (const p of f.people) if (p.turns > mostTurns) mostTurns = p.turns;
  const bars = barList(q('#bars'));
  bars.set(f.people.map((p) => ({ p, most: mostTurns })));
  const none = q('#bars-none');
  if (none) none.hidden = f.people.length > 0;

  setText(q('#not-spoken'), f.not_spoken.length ? someNames(f.not_spoken.map(name)) : t('console.equity.all_spoken'));

  const group = (label, g) => h('li', { class: 'group' },
    h('p', null, h('strong', null, label), ` · ${t('console.equity.group_present', { count: g.people, percent: words.percent(g.people_share) })}`),
    h('div', { class: 'bar-label' }, h('span', null, t('console.equity.share_time')), h('span', { class: 'figs' }, words.percent(g.speaking_share))),
    bar(g.speaking_share, 'time', t('console.equity.bar_time', { name: label, percent: words.percent(g.speaking_share) })),
    h('div', { class: 'bar-label' }, h('span', null, t('console.equity.share_people')), h('span', { class: 'figs' }, words.percent(g.people_share))),
    bar(g.people_share, 'people-share', t('console.equity.bar_people', { name: label, percent: words.percent(g.people_share) })),
    h('p', { class: 'figs' }, g.waits
      ? t('console.equity.waited', { duration: words.duration(g.mean_wait_ms), count: g.waits })
      : t('console.equity.none_called')),
    // Someone still waiting shows now, not only once called: the wait grows since the figures came.
    g.waiting ? h('p', { class: `figs${waitingFor(g) >= 120000 ? ' long-wait' : ''}` },
      t('console.equity.waiting_now', { count: g.waiting, duration: words.duration(waitingFor(g)) })) : null);
  const waitingFor = (g) => (g.longest_waiting_ms || 0) + Math.max(0, model.serverNow() - (model.figuresAt || model.serverNow()));
  redraw(q('#groups'), group(t('console.people.in_room'), f.in_room), group(t('console.people.remote'), f.remote));

  redraw(q('#overrides'), f.overrides.length ? f.overrides.slice().reverse().map((o) => h('li', null,
    h('span', { class: 'muted' }, words.timeOfDay(o.at), ' '),
    h('strong', null, name(o.participant)), ` ${t('console.equity.override', { what: words.OVERRIDE[o.kind] || o.kind, name: model.name(o.by) })} `, h('q', null, o.reason)))
    : h('li', { class: 'muted' }, t('console.equity.overrides_none')));
}
