// What a person reads when the server refuses something: plain words chosen by the error's code
// (PROTOCOL.md, section 9), never the server's own text, which is written for client authors.
// `what` adds what the page knows (the name someone typed, the meeting code).
import { t } from './i18n.js';

const WORDS = {
  // The connection and the meeting.
  rate_limited: t('common.errors.rate_limited'),
  not_joined: t('common.errors.not_joined'),
  already_joined: t('common.errors.already_joined'),
  bad_key: t('common.errors.bad_key'),
  bad_token: t('common.errors.bad_token'),
  meeting_full: t('common.errors.meeting_full'),
  storage_unavailable: t('common.errors.storage_unavailable'),
  already_signalled: t('common.errors.already_signalled'),
  id_reused: t('common.errors.id_reused'),
  meeting_locked: t('common.errors.meeting_locked'),
  meeting_ended: t('common.errors.meeting_ended'),
  not_started: t('common.errors.not_started'),
  // People and the queue.
  name_invalid: t('common.errors.name_invalid'),
  name_taken: t('common.errors.name_taken'),
  unknown_participant: t('common.errors.unknown_participant'),
  not_allowed: t('common.errors.not_allowed'),
  already_in_queue: t('common.errors.already_in_queue'),
  hand_not_raised: t('common.errors.hand_not_raised'),
  queue_empty: t('common.errors.queue_empty'),
  reason_required: t('common.errors.reason_required'),
  no_current_turn: t('common.errors.no_current_turn'),
  round_in_progress: t('common.errors.round_in_progress'),
  no_round: t('common.errors.no_round'),
  not_your_turn: t('common.errors.not_your_turn'),
  last_facilitator: t('common.errors.last_facilitator'),
  participant_away: t('common.errors.participant_away'),
  already_speaking: t('common.errors.already_speaking'),
  // Decisions and contributions.
  text_invalid: t('common.errors.text_invalid'),
  not_found: t('common.errors.not_found'),
  closed: t('common.errors.closed'),
  already_voted: t('common.errors.already_voted'),
  invalid_ballot: t('common.errors.invalid_ballot'),
  wrong_phase: t('common.errors.wrong_phase'),
  objection_open: t('common.errors.objection_open'),
  invalid_argument: t('common.errors.invalid_argument'),
  // The page or the network.
  not_connected: t('common.errors.not_connected'),
  connection_lost: t('common.errors.connection_lost'),
  connection_failed: t('common.errors.connection_failed'),
  no_answer: t('common.errors.no_answer'),
};

// Decoding errors mean this page sent something wrong: not the person's fault.
const DECODING = ['bad_json', 'not_an_object', 'too_deep', 'missing_field', 'wrong_type', 'bad_value', 'too_long',
  'unknown_type', 'unknown_field', 'not_text'];

export function sayError(err, what = {}) {
  const code = err && err.code;
  if (code === 'wrong_code') return what.code ? t('common.errors.wrong_code_named', { code: what.code }) : t('common.errors.wrong_code');
  if (code === 'name_taken' && what.name) return t('common.errors.name_taken_named', { name: what.name.trim() });
  if (DECODING.includes(code)) return t('common.errors.page_fault');
  return WORDS[code] || t('common.errors.unknown');
}

export const errorCodes = () => [...Object.keys(WORDS), 'wrong_code', ...DECODING];
