// Message builders for what only facilitators and co-facilitators send (PROTOCOL.md section 5),
// with everything of protocol.js re-exported: the console imports this one module. As there,
// optional fields left undefined take the server's default, and no rule lives here.
export * from './protocol.js';

export const POLICIES = ['progressive', 'fifo', 'hybrid'];
export const ROLES = ['participant', 'co_facilitator', 'facilitator', 'observer'];
export const ROUND_ORDERS = ['join_order', 'shuffled', 'quietest_first'];
export const POLL_KINDS = ['single_choice', 'multiple_choice', 'scale', 'ranked_choice', 'open_text'];
export const POLL_RESULTS = ['live', 'after_vote', 'at_close'];
export const CONSENT_PHASES = ['clarifying', 'reactions', 'consent'];

// --- people and the meeting ---
export const addProxy = (name, location) => ({ type: 'add_proxy', name, location });
export const setRole = (participant, role) => ({ type: 'set_role', participant, role });
export const handOver = (participant) => ({ type: 'hand_over', participant });
export const removeParticipant = (participant) => ({ type: 'remove_participant', participant });
export const setLocked = (locked) => ({ type: 'set_locked', locked });
export const endMeeting = () => ({ type: 'end_meeting' });
export const startMeeting = () => ({ type: 'start_meeting' });  // a meeting created to be prepared first

// --- speaking queue and turns ---
export const callNext = () => ({ type: 'call_next' });
export const callSpeaker = (participant, reason) => ({ type: 'call_speaker', participant, reason: reason || undefined });
export const moveEntry = (participant, position, reason) => ({ type: 'move_entry', participant, position, reason });
export const removeEntry = (participant, reason) => ({ type: 'remove_entry', participant, reason });
export const setPolicy = (policy) => ({ type: 'set_policy', policy });
export const setTurnLimit = (seconds) => ({ type: 'set_turn_limit', seconds });
export const setCallLink = (link) => ({ type: 'set_call_link', link });  // '' takes it away
export const setPointsShown = (count) => ({ type: 'set_points_shown', count });  // 0 to 5 on the room display
export const setPointsModerated = (moderated) => ({ type: 'set_points_moderated', moderated: !!moderated });  // approve first

// --- go-rounds ---
export const startRound = (topic, order) => ({ type: 'start_round', topic: topic || undefined, order });
export const roundSkip = (reason) => ({ type: 'round_skip', reason });
export const endRound = () => ({ type: 'end_round' });

// --- polls: spec {question, kind, options, maxChoices, scaleMin, scaleMax, minLabel, maxLabel,
// preset, anonymous, results, minVoters, decision} ---
export const openPoll = (spec) => ({
  type: 'open_poll', question: spec.question, kind: spec.kind, options: spec.options, max_choices: spec.maxChoices,
  scale_min: spec.scaleMin, scale_max: spec.scaleMax, min_label: spec.minLabel, max_label: spec.maxLabel,
  preset: spec.preset, anonymous: spec.anonymous, results: spec.results, min_voters: spec.minVoters, decision: spec.decision,
  draft: spec.draft || undefined,  // prepared in advance: opened later with openDraftPoll
});
export const openDraftPoll = (poll) => ({ type: 'open_draft_poll', poll });
export const closePoll = (poll, reviewDate) => ({ type: 'close_poll', poll, review_date: reviewDate || undefined });
export const cancelPoll = (poll) => ({ type: 'cancel_poll', poll });

// --- consent rounds ---
export const presentProposal = (title, text, agreementItem, removesItem, draft) =>
  ({ type: 'present_proposal', title, text, agreement_item: agreementItem || undefined, removes_item: removesItem || undefined, draft: draft || undefined });
export const presentDraftProposal = (proposal) => ({ type: 'present_draft_proposal', proposal });  // prepared in advance
export const setConsentPhase = (proposal, phase) => ({ type: 'set_consent_phase', proposal, phase });
// `title`: a new title for the new version (left out when it stays the same).
export const amendProposal = (proposal, text, title) => ({ type: 'amend_proposal', proposal, text, title: title || undefined });
export const adoptProposal = (proposal, reviewDate) => ({ type: 'adopt_proposal', proposal, review_date: reviewDate || undefined });
export const closeProposal = (proposal, withdrawn, reason) =>
  ({ type: 'close_proposal', proposal, withdrawn: withdrawn || undefined, reason: reason || undefined });

// --- the agreement, written points, signals, agenda ---
export const consentCheck = (item, adopt = true) => ({ type: 'consent_check', item, adopt });
export const setPointStatus = (point, status, reason) => ({ type: 'set_point_status', point, status, reason: reason || undefined });
export const carryPointForward = (point) => ({ type: 'carry_point_forward', point });  // to the meeting's group
export const setSignalSettings = (windowSeconds, displayThreshold) =>
  ({ type: 'set_signal_settings', window_seconds: windowSeconds, display_threshold: displayThreshold });
export const addAgendaItem = (title, timeboxMinutes) => ({ type: 'add_agenda_item', title, timebox_minutes: timeboxMinutes });
export const startAgendaItem = (item) => ({ type: 'start_agenda_item', item });
