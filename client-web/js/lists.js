// Lists that stay light whatever the meeting's size.
//
// keyed(): one DOM node per item, found again by the item's key on the next draw; a node is
// rebuilt only when its item's signature (the text it shows) changed, and moved only when the
// order changed. A live update of one row touches one row, and keyboard focus and open <details>
// survive a rebuild.
//
// Windowed: a long list shows a page of it (50 by default), with a search by name and "Show more";
// the heading keeps the whole count, so a screen reader still reaches everyone by searching.
import { t } from './i18n.js';
import { h, setText } from './dom.js';

const rowsOf = new WeakMap();  // container -> Map(key -> {node, sig})

// Where focus goes when the row holding it leaves: the list's section (focusable: tabindex=-1).
function keepFocusNear(container) {
  const section = container.closest('section, [tabindex]') || container;
  if (!section.hasAttribute('tabindex') && section !== container) section.setAttribute('tabindex', '-1');
  section.focus({ preventScroll: true });
}

// A rebuilt row keeps what the person was doing in the old one: open <details>, focus.
function carryOver(old, fresh) {
  for (const d of old.querySelectorAll('details[open][data-key]')) {
    const again = fresh.querySelector(`details[data-key="${CSS.escape(d.dataset.key)}"]`);
    if (again) again.open = true;
  }
  if (old.matches('details[open]') && fresh.matches('details')) fresh.open = true;
  const active = document.activeElement;
  if (!active || !old.contains(active)) return null;
  const key = active.dataset.key;
  return () => {
    const again = key ? fresh.querySelector(`[data-key="${CSS.escape(key)}"]`) : null;
    if (again) again.focus({ preventScroll: true }); else keepFocusNear(fresh.parentNode);
  };
}

// Draws `items` into `container` in order: key(item) names a row, sign(item) is a string that
// changes whenever the row would look different, draw(item) makes the row's node.
export function keyed(container, items, { key, sign, draw }) {
  let rows = rowsOf.get(container);
  if (!rows) {
    rows = new Map();
    rowsOf.set(container, rows);
    container.replaceChildren();
  }
  const seen = new Set();
  const refocus = [];
  let cursor = container.firstChild;
  for (const item of items) {
    const k = key(item);
    seen.add(k);
    const sig = sign(item);
    let row = rows.get(k);
    if (!row) {
      row = { node: draw(item), sig };
      rows.set(k, row);
    } else if (row.sig !== sig) {
      const fresh = draw(item);
      const again = carryOver(row.node, fresh);
      if (row.node === cursor) cursor = fresh;
      if (row.node.parentNode === container) row.node.replaceWith(fresh);
      row.node = fresh;
      row.sig = sig;
      if (again) refocus.push(again);
    }
    if (row.node === cursor) cursor = cursor.nextSibling;
    else container.insertBefore(row.node, cursor);
  }
  let lostFocus = false;
  for (const [k, row] of rows) {
    if (seen.has(k)) continue;
    if (row.node.contains(document.activeElement)) lostFocus = true;
    row.node.remove();
    rows.delete(k);
  }
  if (lostFocus) keepFocusNear(container);
  for (const again of refocus) again();
}

// Forgets a container's rows (its children are replaced by someone else).
export function unkey(container) { rowsOf.delete(container); }

const fold = (s) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

// What a long list says about itself, for each kind of thing it lists (`noun`: 'people' or
// 'points'): the whole count, how many match a search, how many are shown.
const COUNTS = {
  people: {
    match: (matched, count) => t('common.list.people_match', { matched, count }),
    showingAll: (shown, count) => t('common.list.showing_people', { shown, count }),
    showingMatch: (shown, matched, count) => t('common.list.showing_people_match', { shown, matched, count }),
  },
  points: {
    match: (matched, count) => t('common.list.points_match', { matched, count }),
    showingAll: (shown, count) => t('common.list.showing_points', { shown, count }),
    showingMatch: (shown, matched, count) => t('common.list.showing_points_match', { shown, matched, count }),
  },
};

// A long list with search and paging around an existing <ul>/<ol>. Up to `page` items are drawn;
// "Show more" adds a page; the search (shown once the list is longer than a page) keeps the items
// whose name contains what was typed, accents and case aside.
export class Windowed {
  constructor(list, { noun = 'people', page = 50, name, key, sign, draw, searchLabel = t('common.list.search') }) {
    this.list = list;
    this.page = page;
    this.shown = page;
    this.items = [];
    this.opts = { name, key, sign, draw };
    this.query = '';
    const id = list.id || `list-${Math.random().toString(36).slice(2)}`;
    this.search = h('input', { type: 'search', id: `${id}-search`, autocomplete: 'off', class: 'list-search-input' });
    this.status = h('p', { class: 'hint list-status', id: `${id}-status` });
    this.live = h('p', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.more = h('button', { type: 'button', class: 'small secondary list-more' });
    this.searchBox = h('div', { class: 'list-search', hidden: true },
      h('label', { for: this.search.id }, searchLabel), this.search);
    this.search.setAttribute('aria-describedby', this.status.id);
    this.footer = h('div', { class: 'list-footer', hidden: true }, this.status, this.more, this.live);
    this.noun = noun;
    list.before(this.searchBox);
    list.after(this.footer);
    let timer = 0;
    this.search.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        this.query = fold(this.search.value.trim());
        this.shown = this.page;
        this.draw();
        this.live.textContent = this.query ? this.statusText() : '';
      }, 120);
    });
    this.more.addEventListener('click', () => {
      this.shown += this.page;
      this.draw();
      this.live.textContent = this.statusText();
    });
  }

  // The whole list, in its order (not copied: the caller hands over a fresh array).
  set(items) {
    this.items = items;
    this.draw();
  }

  matching() {
    if (!this.query) return this.items;
    const name = this.opts.name;
    return this.items.filter((item) => fold(name(item)).includes(this.query));
  }

  statusText() {
    const n = this.lastMatching;
    const shown = Math.min(this.shown, n);
    const say = COUNTS[this.noun] || COUNTS.people;
    const all = this.items.length;
    if (shown < n) return this.query ? say.showingMatch(shown, n, all) : say.showingAll(shown, all);
    return this.query ? say.match(n, all) : '';
  }

  draw() {
    const long = this.items.length > this.page;
    if (!long && this.query) { this.query = ''; this.search.value = ''; }
    this.searchBox.hidden = !long;
    const matching = this.matching();
    this.lastMatching = matching.length;
    keyed(this.list, matching.slice(0, this.shown), this.opts);
    const rest = matching.length - this.shown;
    this.more.hidden = rest <= 0;
    setText(this.more, t('common.list.show_more', { count: Math.min(rest, this.page) }));
    setText(this.status, this.statusText());
    this.footer.hidden = !long;
  }
}
