// Message builders: one function per message a client may send (server/codec/client_message.cpp
// is the truth; protocol/PROTOCOL.md describes it). Each returns the message without its "id":
// the connection (connection.js) numbers messages as it sends them. Optional fields are left out
// (undefined is dropped by JSON.stringify) so the server applies its documented default.
// This module has what anyone may send; protocol-console.js adds what only facilitators send (and
// re-exports this one), so the participant page does not load the console's builders.
//
// No rule lives here: who may do what, and in which order people speak, is decided by the server.

export const PROTOCOL_VERSION = 1;

// Wire values, in the order the pages offer them.
export const HAND_KINDS = ['new_point', 'direct_reply', 'clarifying_question', 'point_of_process'];
export const LOCATIONS = ['in_room', 'remote'];
export const PREFERENCES = ['none', 'speak', 'write', 'listen'];
export const CONSENT_ANSWERS = ['consent', 'concern', 'objection', 'stand_aside'];
export const POINT_KINDS = ['point', 'question'];
export const SIGNAL_KINDS = ['slow_down', 'lost', 'cant_hear', 'off_topic', 'need_break', 'not_heard'];

// Meeting codes: the server ignores spaces and dashes and letter case.
export const normalizeCode = (typed) => String(typed || '').replace(/[\s-]/g, '').toUpperCase();

// --- entering a meeting ---
export const join = ({ code, name, location, preference, role, facilitatorKey }) => ({
  type: 'join', code, name, location, preference, role, facilitator_key: facilitatorKey,
});
export const resume = (code, token, lastSeq) => ({ type: 'resume', code, token, last_seq: lastSeq });
export const ping = () => ({ type: 'ping' });

// --- me (forId: a facilitator acting for a proxy, or for anyone's presence) ---
export const updateProfile = (location, preference, forId) =>
  ({ type: 'update_profile', location, preference, for: forId });
export const setPresence = (presence, forId) => ({ type: 'set_presence', presence, for: forId });

// --- speaking queue, turns, go-rounds ---
export const raiseHand = (kind, forId) => ({ type: 'raise_hand', kind, for: forId });
export const lowerHand = (forId) => ({ type: 'lower_hand', for: forId });
export const endTurn = () => ({ type: 'end_turn' });
export const roundSpeak = () => ({ type: 'round_speak' });
export const roundPass = () => ({ type: 'round_pass' });

// --- polls and consent rounds (ballot: {choices} | {value} | {text}) ---
export const vote = (poll, ballot, forId) => ({ type: 'vote', poll, ...ballot, for: forId });
export const answerConsent = (proposal, answer, text, forId) =>
  ({ type: 'answer_consent', proposal, answer, text: text || undefined, for: forId });
export const withdrawObjection = (objection) => ({ type: 'withdraw_objection', objection });

// --- the working agreement, written points, process signals ---
export const proposeAgreementItem = (text, anonymous) => ({ type: 'propose_agreement_item', text, anonymous: anonymous || undefined });
export const flagAgreementItem = (item) => ({ type: 'flag_agreement_item', item });
export const submitPoint = (kind, text, anonymous, follow) => ({ type: 'submit_point', kind, text, anonymous: anonymous || undefined, follow });
export const upvotePoint = (point) => ({ type: 'upvote_point', point });
export const sendSignal = (kind) => ({ type: 'send_signal', kind });
