// Words people read for the protocol's values, and number formatting. Labels only: the rules
// themselves (order, reasons) come from the server; a queue entry's reason is worded here from
// the parts the server sends beside its English sentence (queueReason).
// Every word comes from the page's message catalogue (i18n.js), section "common".
import { t, formatNumber, formatTime } from './i18n.js';

export const HAND_KIND = {
  new_point: { label: t('common.hand_kind.new_point'), hint: t('common.hand_kind.new_point_hint') },
  direct_reply: { label: t('common.hand_kind.direct_reply'), hint: t('common.hand_kind.direct_reply_hint') },
  clarifying_question: { label: t('common.hand_kind.clarifying_question'), hint: t('common.hand_kind.clarifying_question_hint') },
  point_of_process: { label: t('common.hand_kind.point_of_process'), hint: t('common.hand_kind.point_of_process_hint') },
};

export const POLICY = {
  progressive: { label: t('common.policy.progressive'), hint: t('common.policy.progressive_hint') },
  fifo: { label: t('common.policy.fifo'), hint: t('common.policy.fifo_hint') },
  hybrid: { label: t('common.policy.hybrid'), hint: t('common.policy.hybrid_hint') },
};

export const ROLE = {
  facilitator: t('common.role.facilitator'),
  co_facilitator: t('common.role.co_facilitator'),
  participant: t('common.role.participant'),
  observer: t('common.role.observer'),
};

export const LOCATION = { in_room: t('common.location.in_room'), remote: t('common.location.remote') };
export const PREFERENCE = {
  none: t('common.preference.none'),
  speak: t('common.preference.speak'),
  write: t('common.preference.write'),
  listen: t('common.preference.listen'),
};
export const ROUND_ORDER = {
  join_order: t('common.round_order.join_order'),
  shuffled: t('common.round_order.shuffled'),
  quietest_first: t('common.round_order.quietest_first'),
};
export const OUTCOME = { spoke: t('common.outcome.spoke'), passed: t('common.outcome.passed'), skipped: t('common.outcome.skipped') };
export const OVERRIDE = {
  called_out_of_order: t('common.override.called_out_of_order'),
  moved: t('common.override.moved'),
  removed_hand: t('common.override.removed_hand'),
};

export const POLL_KIND = {
  single_choice: t('common.poll_kind.single_choice'),
  multiple_choice: t('common.poll_kind.multiple_choice'),
  scale: t('common.poll_kind.scale'),
  ranked_choice: t('common.poll_kind.ranked_choice'),
  open_text: t('common.poll_kind.open_text'),
};
export const POLL_STATUS = {
  open: t('common.poll_status.open'),
  closed: t('common.poll_status.closed'),
  cancelled: t('common.poll_status.cancelled'),
  draft: t('common.poll_status.draft'),
};
// When a poll shows its results, in plain words (k: the fewest voters for an anonymous result).
export function whenResults(poll) {
  if (poll.anonymous) return t('common.poll_rules.anonymous', { count: poll.min_voters });
  if (poll.results === 'live') return t('common.poll_rules.named_live');
  if (poll.results === 'after_vote') return t('common.poll_rules.named_after_vote');
  if (poll.results === 'at_close') return t('common.poll_rules.named_at_close');
  return t('common.poll_rules.named');
}

export const PHASE = {
  clarifying: { label: t('common.phase.clarifying'), hint: t('common.phase.clarifying_hint') },
  reactions: { label: t('common.phase.reactions'), hint: t('common.phase.reactions_hint') },
  consent: { label: t('common.phase.consent'), hint: t('common.phase.consent_hint') },
  adopted: { label: t('common.phase.adopted'), hint: '' },
  not_adopted: { label: t('common.phase.not_adopted'), hint: '' },
  withdrawn: { label: t('common.phase.withdrawn'), hint: '' },
};
export const ANSWER = {
  consent: { label: t('common.answer.consent'), hint: t('common.answer.consent_hint') },
  concern: { label: t('common.answer.concern'), hint: t('common.answer.concern_hint'), text: t('common.answer.concern_text') },
  objection: { label: t('common.answer.objection'), hint: t('common.answer.objection_hint'), text: t('common.answer.objection_text') },
  stand_aside: { label: t('common.answer.stand_aside'), hint: t('common.answer.stand_aside_hint') },
};
export const OBJECTION = {
  open: t('common.objection.open'),
  withdrawn: t('common.objection.withdrawn'),
  integrated: t('common.objection.integrated'),
  closed: t('common.objection.closed'),
};

export const SIGNAL = {
  slow_down: t('common.signal.slow_down'),
  lost: t('common.signal.lost'),
  cant_hear: t('common.signal.cant_hear'),
  off_topic: t('common.signal.off_topic'),
  need_break: t('common.signal.need_break'),
  not_heard: t('common.signal.not_heard'),
};
export const POINT_KIND = { point: t('common.point_kind.point'), question: t('common.point_kind.question') };
export const POINT_STATUS = {
  open: t('common.point_status.open'),
  taken_up: t('common.point_status.taken_up'),
  answered: t('common.point_status.answered'),
  hidden: t('common.point_status.hidden'),
  pending: t('common.point_status.pending'),
};
export const ITEM_STATUS = {
  proposed: t('common.item_status.proposed'),
  adopted: t('common.item_status.adopted'),
  removed: t('common.item_status.removed'),
};

const label = (table, value) => (table[value] && (table[value].label || table[value])) || String(value).replace(/_/g, ' ');
export const handKind = (v) => label(HAND_KIND, v);
export const policy = (v) => label(POLICY, v);
export const role = (v) => label(ROLE, v);
export const location = (v) => label(LOCATION, v);

// Who holds a meeting's roles, from its group's offers (meeting.roles; the group page's meetings):
// "Rosa takes notes · Tia keeps time · Rosa welcomes people". `left`: the words for a member who
// has since left (the group record drops their name). Roles this page does not know are left out.
export function rolesLine(roles, left = '') {
  return (roles || []).map((r) => {
    const name = r.name || left;
    if (r.role === 'note_taker') return t('common.meeting_role.note_taker', { name });
    if (r.role === 'timekeeper') return t('common.meeting_role.timekeeper', { name });
    if (r.role === 'greeter') return t('common.meeting_role.greeter', { name });
    return '';
  }).filter(Boolean).join(' · ');
}

// 75000 -> "1:15"; 3725000 -> "1:02:05" (a timer's digits, the same in every language here)
export function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

// 75000 -> "1 min 15 s"; 4000 -> "4 s"
export function duration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('common.duration.seconds', { s });
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? t('common.duration.minutes_seconds', { m, s: s % 60 }) : t('common.duration.minutes', { m });
  return t('common.duration.hours_minutes', { h: Math.floor(m / 60), m: m % 60 });
}

// A whole number as the queue's reasons write it: the page's digits, never grouped ("1234 turns",
// as the server's English sentence has it). Below 1000 it stays a number, formatted like any other.
const whole = (n) => (n < 1000 ? n : formatNumber(n, { useGrouping: false }));

// Speaking time in a queue reason, exactly as the server's sentence writes it (PROTOCOL.md 7.3):
// whole seconds rounded down; 45000 -> "45 s", 180000 -> "3 min 0 s" (seconds kept),
// 3725000 -> "1 h 2 min" (seconds dropped). Not duration(), which rounds and drops "0 s".
export function spokenDuration(ms) {
  const total = Math.max(0, Math.floor((ms || 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t('common.duration.hours_minutes', { h: whole(h), m });
  if (m > 0) return t('common.duration.minutes_seconds', { m, s });
  return t('common.duration.seconds', { s });
}

// Why a queue entry is in its place, in this page's language, from its reason_code and the parts
// the server sends beside it since protocol 1.1 (turns, spoken_ms, alternating, moved_reason;
// PROTOCOL.md 7.3). `policy` is the meeting's. In English this is the server's `reason` to the
// letter (tests/codec/queue_reasons.mjs); from an older server without those parts, `reason` as sent.
export function queueReason(e, policy) {
  let history = null;  // "has not spoken yet" or "2 turns so far, 3 min 10 s", maybe after "take turns"
  if (typeof e.turns === 'number') {
    history = e.turns === 0 ? t('common.reason.not_spoken_yet')
      : t('common.reason.spoken_before', { count: e.turns, turns: whole(e.turns), duration: spokenDuration(e.spoken_ms) });
    if (e.alternating) history = t('common.reason.alternating', { history });
  }
  // The policy part of a kind's reason: the history, or under fifo (no history sent) the arrival.
  const policyPart = history ?? (policy === 'fifo' ? t('common.reason.first_come') : null);
  let text = null;
  switch (e.reason_code) {
    case 'moved_by_facilitator':
      if (typeof e.moved_reason === 'string') text = t('common.reason.moved', { reason: e.moved_reason });
      break;
    case 'point_of_process': text = t('common.reason.point_of_process'); break;
    case 'clarifying_question': if (policyPart !== null) text = t('common.reason.clarifying_question', { policy: policyPart }); break;
    case 'direct_reply': if (policyPart !== null) text = t('common.reason.direct_reply', { policy: policyPart }); break;
    case 'not_spoken_yet':
    case 'spoken_before': text = history; break;
    case 'first_come': text = t('common.reason.first_come'); break;
    default: break;
  }
  if (text === null) return e.reason || '';
  return e.away ? t('common.reason.away', { reason: text }) : text;
}

// 0.333 -> "33%" (Spanish "33 %")
export const percent = (x) => formatNumber(Math.round((x || 0) * 100) / 100, { style: 'percent', maximumFractionDigits: 0 });

// 1 -> "1st", 22 -> "22nd" (Spanish "1.º")
export const ordinal = (n) => t('common.ordinal', { ordinal: n });

export const timeOfDay = (ms) => formatTime(ms);
