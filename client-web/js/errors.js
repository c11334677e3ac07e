// What a person reads when the server refuses something: plain words chosen by the error's code
// (PROTOCOL.md, section 9), never the server's own text, which is written for client authors.
// `what` adds what the page knows (the name someone typed, the meeting code).

const WORDS = {
  // The connection and the meeting.
  rate_limited: 'That was a lot at once. Wait a moment, then try again.',
  not_joined: 'You are not connected to the meeting yet. Wait a moment and try again.',
  already_joined: 'This page is already in a meeting. Reload the page and try again.',
  bad_key: 'That facilitator key is not the key of this meeting. Check it on your facilitator card.',
  bad_token: 'This browser is no longer in the meeting. Join again.',
  meeting_full: 'This meeting is full: nobody more can join. Ask the facilitator.',
  storage_unavailable: 'The server cannot save anything right now, so nothing changed. Try again in a moment.',
  already_signalled: 'You sent this signal a moment ago. It still counts until it fades.',
  id_reused: 'Something went wrong on this page. Reload it and try again.',
  meeting_locked: 'The meeting is locked: nobody new can join right now. Ask the facilitator to unlock it.',
  meeting_ended: 'This meeting has ended, so nothing more can change.',
  // People and the queue.
  name_invalid: 'Please type a name, up to 60 letters.',
  name_taken: 'Someone in this meeting already uses that name. Please add something, like an initial.',
  unknown_participant: 'That person is no longer in the meeting.',
  not_allowed: 'Your role in this meeting cannot do that.',
  already_in_queue: 'Your hand is already up.',
  hand_not_raised: 'That hand is not up any more.',
  queue_empty: 'Nobody is waiting to speak (or everyone waiting has stepped away).',
  reason_required: 'Please give a short reason: everyone sees it.',
  no_current_turn: 'Nobody has the floor.',
  round_in_progress: 'A go-round is running. End it first.',
  no_round: 'No go-round is running.',
  not_your_turn: 'It is not your turn in the go-round yet.',
  last_facilitator: 'The meeting needs a facilitator: make someone else facilitator first.',
  participant_away: 'That person has stepped away. Skip them or wait until they are back.',
  already_speaking: 'Someone has the floor: end that turn first.',
  // Decisions and contributions.
  text_invalid: 'Please check the text: it is empty, too long or has characters that cannot be used.',
  not_found: 'That is not there any more. The page will catch up in a moment.',
  closed: 'That has already closed.',
  already_voted: 'You have already voted in this poll.',
  invalid_ballot: 'That vote does not fit this poll. Check your choice and try again.',
  wrong_phase: 'The proposal is not at that step yet.',
  objection_open: 'An objection is still open: it has to be resolved before the proposal can be adopted.',
  invalid_argument: 'That value cannot be used here. Check it and try again.',
  // The page or the network.
  not_connected: 'Not connected right now. Try again once the page says "Connected".',
  connection_lost: 'The connection closed before the server answered. Check whether it worked, then try again if needed.',
  connection_failed: 'Could not reach the server. Check your connection and try again.',
  no_answer: 'The server did not answer in time. Check the page, then try again if needed.',
};

// Decoding errors mean this page sent something wrong: not the person's fault.
const PAGE_FAULT = 'Something went wrong on this page. Reload it and try again.';
const DECODING = ['bad_json', 'not_an_object', 'too_deep', 'missing_field', 'wrong_type', 'bad_value', 'too_long',
  'unknown_type', 'unknown_field', 'not_text'];

export function sayError(err, what = {}) {
  const code = err && err.code;
  if (code === 'wrong_code') return what.code ? `No meeting has the code "${what.code}". Check it and try again.` : 'No meeting has that code. Check it and try again.';
  if (code === 'name_taken' && what.name) return `Someone in this meeting already uses the name "${what.name.trim()}". Please add something, like an initial.`;
  if (DECODING.includes(code)) return PAGE_FAULT;
  return WORDS[code] || 'That did not work. Try again in a moment.';
}

export const errorCodes = () => [...Object.keys(WORDS), 'wrong_code', ...DECODING];
