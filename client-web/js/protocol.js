// Message builders: one function per message a client may send (server/codec/client_message.cpp
// is the truth; protocol/PROTOCOL.md describes it). Each returns the message without its "id":
// the connection (connection.js) numbers messages as it sends them. Optional fields are left out
// (undefined is dropped by JSON.stringify) so the server applies its documented default.
//
// No rule lives here: who may do what, and in which order people speak, is decided by the server.

export const PROTOCOL_VERSION = 1;

// Wire values, in the order the pages offer them.
export const HAND_KINDS = ['new_point', 'direct_reply', 'clarifying_question', 'point_of_process'];
export const POLICIES = ['progressive', 'fifo', 'hybrid'];
export const ROLES = ['participant', 'co_facilitator', 'facilitator', 'observer'];
export const LOCATIONS = ['in_room', 'remote'];
export const PREFERENCES = ['none', 'speak', 'write', 'listen'];
export const ROUND_ORDERS = ['join_order', 'shuffled', 'quietest_first'];

// Meeting codes: the server ignores spaces and dashes and letter case.
export const normalizeCode = (typed) => String(typed || '').replace(/[\s-]/g, '').toUpperCase();

// --- entering a meeting ---
export const join = ({ code, name, location, preference, role, facilitatorKey }) => ({
  type: 'join', code, name, location, preference, role, facilitator_key: facilitatorKey,
});
export const resume = (code, token, lastSeq) => ({ type: 'resume', code, token, last_seq: lastSeq });
export const ping = () => ({ type: 'ping' });

// --- people ---
export const addProxy = (name, location) => ({ type: 'add_proxy', name, location });
export const updateProfile = (location, preference, forId) =>
  ({ type: 'update_profile', location, preference, for: forId });
export const setPresence = (presence, forId) => ({ type: 'set_presence', presence, for: forId });
export const setRole = (participant, role) => ({ type: 'set_role', participant, role });
export const handOver = (participant) => ({ type: 'hand_over', participant });
export const removeParticipant = (participant) => ({ type: 'remove_participant', participant });
export const setLocked = (locked) => ({ type: 'set_locked', locked });

// --- speaking queue and turns ---
export const raiseHand = (kind, forId) => ({ type: 'raise_hand', kind, for: forId });
export const lowerHand = (forId) => ({ type: 'lower_hand', for: forId });
export const callNext = () => ({ type: 'call_next' });
export const callSpeaker = (participant, reason) => ({ type: 'call_speaker', participant, reason: reason || undefined });
export const moveEntry = (participant, position, reason) => ({ type: 'move_entry', participant, position, reason });
export const removeEntry = (participant, reason) => ({ type: 'remove_entry', participant, reason });
export const endTurn = () => ({ type: 'end_turn' });
export const setPolicy = (policy) => ({ type: 'set_policy', policy });
export const setTurnLimit = (seconds) => ({ type: 'set_turn_limit', seconds });

// --- go-rounds ---
export const startRound = (topic, order) => ({ type: 'start_round', topic: topic || undefined, order });
export const roundSpeak = () => ({ type: 'round_speak' });
export const roundPass = () => ({ type: 'round_pass' });
export const roundSkip = (reason) => ({ type: 'round_skip', reason });
export const endRound = () => ({ type: 'end_round' });

// Issue 4 (polls, consent rounds, decisions, agreement, written points, signals, agenda) adds its
// builders here once the server accepts those messages.
