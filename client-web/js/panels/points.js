// Console panel: written points and questions, most upvoted first (the server's order), hidden
// ones too with their reason. Take one up, mark it answered, hide it with a reason, or reopen it.
// Moderated (approve first): new points wait, listed first, until approved or hidden.
import { t } from '../i18n.js';
import { h } from '../dom.js';
import { Windowed } from '../lists.js';
import * as msg from '../protocol-console.js';
import * as words from '../words.js';

// What each status offers next: [status to set, button label].
const TAKE_UP = t('console.points.take_up');
const ANSWERED = t('console.points.answered');
const REOPEN = t('console.points.reopen');
const NEXT = {
  open: [['taken_up', TAKE_UP], ['answered', ANSWERED]],
  taken_up: [['answered', ANSWERED], ['open', REOPEN]],
  answered: [['taken_up', TAKE_UP], ['open', REOPEN]],
  hidden: [['open', t('console.points.show_again')]],
  pending: [['open', t('console.points.approve')]],
};

export function mount(root, { model, conn, send, ask }) {
  const list = h('ul', { class: 'plain point-list', id: 'fpoint-list', 'aria-labelledby': 'fpoints-h' });
  root.append(h('section', { class: 'card', 'aria-labelledby': 'fpoints-h' },
    h('h2', { id: 'fpoints-h' }, t('console.points.heading')),
    h('p', { class: 'hint' }, t('console.points.hint')),
    h('div', { class: 'field inline-field' },
      h('label', { for: 'points-shown' }, t('console.points.shown_label')),
      h('select', { id: 'points-shown', 'aria-describedby': 'points-shown-hint' },
        [0, 1, 3, 5].map((n) => h('option', { value: String(n) }, n ? t('console.points.shown_top', { count: n }) : t('console.points.shown_none')))),
      h('p', { class: 'hint', id: 'points-shown-hint' }, t('console.points.shown_hint'))),
    h('div', { class: 'field' },
      h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'points-moderated', 'aria-describedby': 'points-moderated-hint' }),
        t('console.points.moderated')),
      h('p', { class: 'hint', id: 'points-moderated-hint' }, t('console.points.moderated_hint'))),
    list, h('p', { class: 'muted', id: 'fpoints-none', hidden: true }, t('console.points.none'))));
  const shown = root.querySelector('#points-shown');
  shown.addEventListener('change', () => send(shown, msg.setPointsShown(Number(shown.value))).then((ok) => ok || render()));
  const moderated = root.querySelector('#points-moderated');
  moderated.addEventListener('change', () => send(moderated, msg.setPointsModerated(moderated.checked)).then((ok) => ok || render()));
  list.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-action]');
    if (!b) return;
    const id = Number(b.dataset.id);
    if (b.dataset.action === 'hide') {
      const waiting = (model.points.find((p) => p.id === id) || {}).status === 'pending';
      ask({ title: waiting ? t('console.points.decline_title') : t('console.points.hide_title'), text: t('console.points.hide_text'), ok: t('console.points.hide_ok'),
        run: ({ reason }) => conn.send(msg.setPointStatus(id, 'hidden', reason)) });
    } else {
      if (b.dataset.action === 'carry') send(b, msg.carryPointForward(id));
      else send(b, msg.setPointStatus(id, b.dataset.action));
    }
  });

  // A page of points at a time, with a search by text once there are many (js/lists.js).
  const points = new Windowed(list, {
    noun: 'points', name: (p) => p.text, key: (p) => p.id, searchLabel: t('console.points.search'),
    sign: (p) => `${p.status}|${p.upvotes}|${p.reason}|${model.ended}|${p.carried}|${!!(model.meeting || {}).group}|${p.author ? model.name(p.author) : ''}|${p.text}`,
    draw: (p) => h('li', { class: `point point-${p.status}` },
      h('p', { class: 'point-head' },
        h('span', { class: `tag kind-${p.kind}` }, words.POINT_KIND[p.kind]),
        p.status !== 'open' ? h('span', { class: `tag ${p.status === 'hidden' ? 'tag-away' : 'tag-status'}` }, words.POINT_STATUS[p.status]) : null,
        p.carried ? h('span', { class: 'tag tag-status' }, t('console.points.carried')) : null,
        h('span', { class: 'muted' }, ` ${p.author ? model.name(p.author) : t('console.points.anonymous')} · ${words.timeOfDay(p.at)}`)),
      h('p', { class: 'point-text' }, p.text),
      p.reason ? h('p', { class: 'hint' }, t('console.points.hidden_reason', { reason: p.reason })) : null,
      h('div', { class: 'point-foot' },
        h('span', { class: 'votes' }, t('console.points.upvotes', { count: p.upvotes })),
        model.ended ? null : [
          NEXT[p.status].map(([s, label]) =>
            h('button', { type: 'button', class: s === 'taken_up' ? 'small' : 'small secondary', dataset: { action: s, id: String(p.id), key: `${s}-${p.id}` } }, label)),
          p.status !== 'hidden' ? h('button', { type: 'button', class: 'small danger', dataset: { action: 'hide', id: String(p.id), key: `hide-${p.id}` } }, t('console.points.hide')) : null,
          // "You said, we did": in a meeting of a group, a visible point goes on to the group.
          (model.meeting || {}).group && !p.carried && p.status !== 'hidden' && p.status !== 'pending'
            ? h('button', { type: 'button', class: 'small secondary', dataset: { action: 'carry', id: String(p.id), key: `carry-${p.id}` } }, t('console.points.carry')) : null])),
  });

  function render() {
    const count = (model.meeting || {}).points_shown || 0;
    if (![...shown.options].some((o) => Number(o.value) === count)) shown.append(h('option', { value: String(count) }, t('console.points.shown_top', { count })));
    if (document.activeElement !== shown) shown.value = String(count);
    shown.disabled = model.ended;
    moderated.checked = !!(model.meeting || {}).points_moderated;
    moderated.disabled = model.ended;
    root.querySelector('#fpoints-none').hidden = model.points.length > 0;
    // Waiting for approval first (oldest first), then the server's order.
    const waiting = model.points.filter((p) => p.status === 'pending').sort((a, b) => a.id - b.id);
    points.set(waiting.length ? [...waiting, ...model.points.filter((p) => p.status !== 'pending')] : model.points);
  }
  return render;
}
