// Words people read for the protocol's values, and number formatting. Labels only: the rules
// themselves (order, reasons) come from the server, which sends each queue reason as a sentence.

export const HAND_KIND = {
  new_point: { label: 'New point', hint: 'Something new to add' },
  direct_reply: { label: 'Direct reply', hint: 'Answer what was just said' },
  clarifying_question: { label: 'Clarifying question', hint: 'Ask what something means' },
  point_of_process: { label: 'Point of process', hint: 'Something is wrong with how we are working. Goes first.' },
};

export const POLICY = {
  progressive: { label: 'Progressive', hint: 'People who have not spoken go first, then fewer turns, then less speaking time, then the earlier hand.' },
  fifo: { label: 'First come, first served', hint: 'In the order hands went up.' },
  hybrid: { label: 'Hybrid balance', hint: 'While people in the room and online both wait, the two groups take turns.' },
};

export const ROLE = {
  facilitator: 'Facilitator',
  co_facilitator: 'Co-facilitator',
  participant: 'Participant',
  observer: 'Room display',
};

export const LOCATION = { in_room: 'In the room', remote: 'Remote' };
export const PREFERENCE = { none: 'No preference', speak: 'Prefers speaking', write: 'Prefers writing', listen: 'Prefers listening' };
export const ROUND_ORDER = { join_order: 'Join order', shuffled: 'Shuffled', quietest_first: 'Quietest first' };
export const OUTCOME = { spoke: 'spoke', passed: 'passed', skipped: 'skipped' };
export const OVERRIDE = {
  called_out_of_order: 'called out of order',
  moved: 'moved in the queue',
  removed_hand: 'hand taken down',
};

const label = (table, value) => (table[value] && (table[value].label || table[value])) || String(value).replace(/_/g, ' ');
export const handKind = (v) => label(HAND_KIND, v);
export const policy = (v) => label(POLICY, v);
export const role = (v) => label(ROLE, v);
export const location = (v) => label(LOCATION, v);

// 75000 -> "1:15"; 3725000 -> "1:02:05"
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
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const percent = (x) => `${Math.round((x || 0) * 100)}%`;

export function ordinal(n) {
  const t = n % 100;
  const suffix = t >= 11 && t <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] || 'th';
  return `${n}${suffix}`;
}

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const timeOfDay = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
