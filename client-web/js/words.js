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

export const POLL_KIND = {
  single_choice: 'Single choice', multiple_choice: 'Multiple choice', scale: 'Scale',
  ranked_choice: 'Ranked choice', open_text: 'Open text',
};
export const POLL_STATUS = { open: 'open', closed: 'closed', cancelled: 'cancelled', draft: 'prepared' };
// When a poll shows its results, in plain words (k: the fewest voters for an anonymous result).
export function whenResults(poll) {
  if (poll.anonymous) return `Anonymous: nobody, not even the facilitator, can see what you chose. Results show only when the poll closes, and only if at least ${poll.min_voters} people voted.`;
  const when = { live: 'Results show live, to everyone, as votes come in.', after_vote: 'You see the results once you have voted.', at_close: 'Results show when the poll closes.' }[poll.results] || '';
  return `Named: your vote is stored with your name, and you can change it while the poll is open. ${when}`;
}

export const PHASE = {
  clarifying: { label: 'Clarifying questions', hint: 'Ask what is unclear. Raise a hand with “Clarifying question”.' },
  reactions: { label: 'Reactions', hint: 'A go-round: each person says briefly how they feel about it.' },
  consent: { label: 'Consent', hint: 'Each person answers: consent, concern, objection or stand aside.' },
  adopted: { label: 'Adopted', hint: '' },
  not_adopted: { label: 'Not adopted', hint: '' },
  withdrawn: { label: 'Withdrawn', hint: '' },
};
export const ANSWER = {
  consent: { label: 'Consent', hint: 'I can live with it and support trying it.' },
  concern: { label: 'Concern', hint: 'I consent, and want my concern recorded.', text: 'Your concern' },
  objection: { label: 'Objection', hint: 'It would harm what we are here for. Blocks adoption until it is resolved.', text: 'Why you object' },
  stand_aside: { label: 'Stand aside', hint: 'I will not block it, and do not take part in it.' },
};
export const OBJECTION = { open: 'open', withdrawn: 'withdrawn', integrated: 'answered by an amendment: the objector is asked again', closed: 'closed with the proposal, unresolved' };

export const SIGNAL = {
  slow_down: 'Slow down', lost: 'I’m lost', cant_hear: 'Can’t hear', off_topic: 'Off topic',
  need_break: 'Need a break', not_heard: 'I haven’t been heard',
};
export const POINT_KIND = { point: 'Point', question: 'Question' };
export const POINT_STATUS = { open: 'open', taken_up: 'taken up', answered: 'answered', hidden: 'hidden', pending: 'waiting for approval' };
export const ITEM_STATUS = { proposed: 'proposed', adopted: 'adopted', removed: 'removed' };

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
