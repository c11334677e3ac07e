// Views shared by the pages. Each draws what the server sent (MeetingModel) and nothing else:
// queue order and reasons (worded in the page's language from the parts the server sends), turn,
// round and people are the server's. Buttons in redrawn lists carry data-action / data-id and are
// handled by one delegated listener per page, so a redraw never loses a handler.
import { t } from './i18n.js';
import { h, setText } from './dom.js';
import { keyed } from './lists.js';
import * as words from './words.js';

// Why an entry is in its place, in this page's language (for "your place" too).
export const queueReason = (e, model) => words.queueReason(e, model.meeting && model.meeting.policy);

// The meeting's roles in its group (who takes notes, keeps time, welcomes people), after the
// group's name; hidden in a meeting without roles.
export function drawMeetingRoles(el, meeting) {
  const m = meeting || {};
  const line = words.rolesLine(m.roles);
  el.hidden = !line;
  setText(el, line && m.group && m.group.name ? `${m.group.name} · ${line}` : line);
}

// --- connection state, visible and announced ---
const STATE_TEXT = {
  idle: t('common.connection.connecting'),
  connecting: t('common.connection.connecting'),
  live: t('common.connection.live'),
  lost: t('common.connection.lost'),
  offline: t('common.connection.offline'),
  removed: t('common.connection.removed'),
  'need-join': t('common.connection.need_join'),
  'no-meeting': t('common.connection.no_meeting'),
  stopped: t('common.connection.stopped'),
};

export function bindConnectionStatus(conn, el, announcer) {
  let alarmed = false;  // "connection lost" was said, so "reconnected" is owed
  conn.addEventListener('state', (e) => {
    const { state, why } = e.detail;
    const key = state === 'live' || state === 'connecting' ? state : STATE_TEXT[why] ? why : state;
    el.dataset.state = state;
    document.body.classList.toggle('conn-trouble', el.dataset.state === 'lost' || el.dataset.state === 'closed');
    setText(el, STATE_TEXT[key] || STATE_TEXT[state]);
    if (state === 'lost' && !alarmed) {
      alarmed = true;
      announcer.say(why === 'offline' ? t('common.connection.lost_offline') : t('common.connection.lost'), { assertive: true });
    } else if (state === 'live' && alarmed) {
      alarmed = false;
      announcer.say(t('common.connection.reconnected'));
    }
  });
}

// --- the floor: who speaks, and the turn timer ---
// With a turn limit the timer counts down, then shows how far over it is; without, it counts up.
export function turnTimer(model) {
  const turn = model.turn;
  if (!turn) return { text: '', over: false, label: '' };
  const elapsed = Math.max(0, model.serverNow() - turn.started_at);
  const limit = (turn.limit_seconds || 0) * 1000;
  if (!limit) return { text: words.clock(elapsed), over: false, label: t('common.timer.speaking_for', { duration: words.duration(elapsed) }) };
  if (elapsed <= limit) {
    return {
      text: t('common.timer.left', { clock: words.clock(limit - elapsed) }),
      over: false,
      label: t('common.timer.left_label', { left: words.duration(limit - elapsed), limit: words.duration(limit) }),
    };
  }
  return {
    text: t('common.timer.over', { clock: words.clock(elapsed - limit) }),
    over: true,
    label: t('common.timer.over_label', { limit: words.duration(limit), over: words.duration(elapsed - limit) }),
  };
}

// Fills a floor block: [data-part=speaker], [data-part=timer], [data-part=detail].
export function drawFloor(root, model) {
  const turn = model.turn;
  const speaker = root.querySelector('[data-part=speaker]');
  const timer = root.querySelector('[data-part=timer]');
  const detail = root.querySelector('[data-part=detail]');
  root.classList.toggle('has-turn', !!turn);
  if (!turn) {
    setText(speaker, t('common.floor.nobody'));
    setText(timer, '');
    const round = model.round;
    if (detail) {
      setText(detail, round ? (round.up ? t('common.floor.round_up', { name: model.name(round.up) }) : t('common.floor.round_running'))
        : model.queue.length ? t('common.floor.waiting_for_call') : t('common.floor.queue_empty'));
    }
    timer.classList.remove('over');
    return;
  }
  const name = turn.participant === model.you ? t('common.name_you', { name: model.name(turn.participant) }) : model.name(turn.participant);
  setText(speaker, name);
  tickFloor(root, model);
  if (detail) {
    const limit = turn.limit_seconds ? words.duration(turn.limit_seconds * 1000) : '';
    setText(detail, turn.in_round
      ? (limit ? t('common.floor.round_turn_limit', { duration: limit }) : t('common.floor.round_no_turn_limit'))
      : (limit ? t('common.floor.turn_limit', { duration: limit }) : t('common.floor.no_turn_limit')));
  }
}

// Updates only the timer text, once a second.
export function tickFloor(root, model) {
  const timer = root.querySelector('[data-part=timer]');
  const { text, over, label } = turnTimer(model);
  setText(timer, text);
  if (label) timer.setAttribute('aria-label', label); else timer.removeAttribute('aria-label');
  timer.classList.toggle('over', over);
}

// --- the speaking queue, in the server's order, each entry with the server's reason ---
// The reason is worded in the page's language from its parts (words.queueReason; in English, the
// server's sentence to the letter).
// actions(entry, person) returns extra nodes for an entry (the console's buttons), or nothing;
// actionsSign(entry, person) says when those would change. Only the first `limit` entries are
// drawn (and mine, wherever it is): a line after the list says how many more wait.
export function drawQueue(list, model, { actions = null, actionsSign = () => '', empty = t('common.queue.empty'), limit = 50, beyondLine = true } = {}) {
  const queue = model.queue;
  let shown = queue.length > limit ? queue.slice(0, limit) : queue;
  const mine = queue.length > limit ? queue.find((e) => e.participant === model.you && e.position >= limit) : null;
  if (mine) shown = [...shown, mine];
  const rows = shown.length ? shown : [{ empty: true }];
  const reasons = new Map(shown.map((e) => [e, queueReason(e, model)]));
  keyed(list, rows, {
    key: (e) => (e.empty ? 'empty' : e.participant),
    sign: (e) => {
      if (e.empty) return empty;
      const p = entryPerson(e, model);
      return `${e.position}|${e.kind}|${e.away}|${reasons.get(e)}|${p.name}|${p.location}|${p.proxy}|${e.participant === model.you}|${actionsSign(e, p)}`;
    },
    draw: (e) => (e.empty ? h('li', { class: 'empty' }, empty) : queueEntry(e, model, actions, reasons.get(e))),
  });
  const beyond = queue.length - shown.length;
  list.dataset.beyond = String(beyond);  // the room display adds it to its own "+N more"
  if (!beyondLine) return;
  const more = lineAfter(list, 'queue-beyond');
  more.hidden = beyond <= 0;
  setText(more, beyond > 0 ? t('common.queue.beyond', { count: beyond }) : '');
}

// A hint line of this class among the list's following siblings, made once.
function lineAfter(list, cls) {
  for (let el = list.nextElementSibling; el; el = el.nextElementSibling) if (el.classList.contains(cls)) return el;
  const line = h('p', { class: `hint ${cls}` });
  list.after(line);
  return line;
}

// The person an entry names: their record if I hold it, else what the entry carries (since 1.1).
function entryPerson(e, model) {
  const p = model.people.get(e.participant);
  return p || { id: e.participant, name: e.name || model.name(e.participant), location: e.location, proxy: !!e.proxy };
}

function queueEntry(e, model, actions, reason) {
  const p = entryPerson(e, model);
  const mine = e.participant === model.you;
  return h('li', { class: `entry${mine ? ' mine' : ''}${e.away ? ' away' : ''}`, dataset: { participant: String(e.participant) } },
    h('span', { class: 'pos', 'aria-hidden': 'true' }, String(e.position + 1)),
    h('div', { class: 'entry-body' },
      h('p', { class: 'entry-who' },
        h('strong', { class: 'name', dir: 'auto' }, model.name(e.participant)),
        mine ? h('span', { class: 'tag tag-me' }, t('common.tag.you')) : null,
        h('span', { class: `tag kind-${e.kind}` }, words.handKind(e.kind)),
        p.location ? h('span', { class: 'tag tag-plain' }, words.location(p.location)) : null,
        p.proxy ? h('span', { class: 'tag tag-plain' }, t('common.tag.proxy')) : null,
        e.away ? h('span', { class: 'tag tag-away' }, t('common.tag.away')) : null),
      h('p', { class: 'reason', dir: 'auto' }, reason),
      actions ? actions(e, p) : null));
}

// --- the go-round: topic, order, who is up, what each did ---
// A long round shows a window of its order: the last few who had their go, who is up, and what
// follows (`limit` in all), with a line for the rest.
export function drawRound(root, model, { limit = 40 } = {}) {
  const r = model.round;
  root.hidden = !r;
  if (!r) return;
  setText(root.querySelector('[data-part=topic]'), r.topic ? t('common.round.title_topic', { number: r.round_no, topic: r.topic }) : t('common.round.title', { number: r.round_no }));
  const done = new Map(r.steps.map((s) => [s.participant, s]));
  const speaking = model.turn && model.turn.in_round ? model.turn.participant : 0;
  const upName = r.up ? model.name(r.up) : '';
  const upText = !r.up ? t('common.round.all_done')
    : r.up === model.you ? (speaking === r.up ? t('common.round.up_you_speaking', { name: upName }) : t('common.round.up_you', { name: upName }))
      : speaking === r.up ? t('common.round.up_speaking', { name: upName }) : t('common.round.up', { name: upName });
  setText(root.querySelector('[data-part=up]'), upText);
  const at = r.up ? r.order.indexOf(r.up) : r.order.length;
  const from = r.order.length > limit ? Math.max(0, Math.min(at - 3, r.order.length - limit)) : 0;
  const order = r.order.slice(from, from + limit);
  const step = (id) => {
    const s = done.get(id);
    const state = s ? s.outcome : id === r.up ? 'up' : 'waiting';
    const outcome = s ? words.OUTCOME[s.outcome] || s.outcome : '';
    const label = s ? (s.reason ? t('common.round.outcome_reason', { outcome, reason: s.reason }) : outcome)
      : id === r.up ? (speaking === id ? t('common.round.speaking_now') : t('common.round.up_now')) : t('common.round.waiting');
    return { id, state, label };
  };
  const list = root.querySelector('[data-part=order]');
  keyed(list, order.map(step), {
    key: (x) => x.id,
    sign: (x) => `${x.state}|${x.label}|${model.name(x.id)}|${x.id === model.you}`,
    draw: (x) => h('li', { class: `step step-${x.state}${x.id === model.you ? ' mine' : ''}` },
      h('span', { class: 'name', dir: 'auto' }, x.id === model.you ? t('common.name_you', { name: model.name(x.id) }) : model.name(x.id)),
      h('span', { class: 'step-state' }, x.label)),
  });
  const rest = lineAfter(list, 'round-rest');
  const before = from, after = r.order.length - from - order.length;
  rest.hidden = !before && !after;
  const beforeText = before ? t('common.round.before', { count: before }) : '';
  const afterText = after ? t('common.round.after', { count: after }) : '';
  setText(rest, before && after ? t('common.round.rest_both', { before: beforeText, after: afterText })
    : before || after ? t('common.round.rest_one', { rest: beforeText || afterText }) : '');
}

// --- people: names, roles, where they are ---
export function personTags(p) {
  return [
    p.role !== 'participant' ? h('span', { class: 'tag tag-role' }, words.role(p.role)) : null,
    h('span', { class: 'tag tag-plain' }, words.location(p.location)),
    p.proxy ? h('span', { class: 'tag tag-plain' }, t('common.tag.proxy')) : null,
    p.presence === 'away' ? h('span', { class: 'tag tag-away' }, t('common.tag.away')) : null,
  ];
}

// Everyone in the order they joined (computed once per change of people).
export function peopleInOrder(model, { withDisplays = false } = {}) {
  return model.fromPeople(withDisplays ? 'in order, displays too' : 'in order', () =>
    [...model.people.values()].filter((p) => withDisplays || p.role !== 'observer').sort((a, b) => a.id - b.id));
}
