// The meeting's vocabulary: identifiers, time, roles and the enums every rule speaks in.
// Standard library only: server/core never sees a socket, a clock or JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace everyvoice::core {

// Participants are numbered 1, 2, 3... in join order within a meeting; 0 is the server itself
// (used as the actor of commands the server issues, such as marking a dropped person away).
using ParticipantId = std::uint32_t;
inline constexpr ParticipantId server_actor = 0;

// Milliseconds since the Unix epoch. The core never reads a clock: the shell passes time in.
using Millis = std::int64_t;

// Position of an event in its meeting's log, starting at 1.
using Seq = std::uint64_t;

enum class Role : std::uint8_t { facilitator, co_facilitator, participant, observer };
enum class Location : std::uint8_t { in_room, remote };
enum class Preference : std::uint8_t { none, speak, write, listen };
enum class Presence : std::uint8_t { here, away };

// Declared in the order the queue serves them: a point of process goes first.
enum class HandKind : std::uint8_t { point_of_process, clarifying_question, direct_reply, new_point };

enum class QueuePolicy : std::uint8_t { fifo, progressive, hybrid };
enum class RoundOrder : std::uint8_t { join_order, shuffled, quietest_first };

// Decisions (issue 4): polls, consent rounds, the agreement, written points, signals.
enum class PollKind : std::uint8_t { single_choice, multiple_choice, scale, ranked_choice, open_text };
enum class ResultsShown : std::uint8_t { live, after_vote, at_close };
enum class PollStatus : std::uint8_t { open, closed, cancelled, draft };  // draft: prepared, not opened yet
// draft: prepared in advance, seen by facilitators only until presented (PresentDraftProposal).
enum class ConsentPhase : std::uint8_t { clarifying, reactions, consent, adopted, not_adopted, withdrawn, draft };
enum class ConsentAnswer : std::uint8_t { consent, concern, objection, stand_aside };
// closed: still open when its proposal ended without being adopted; it was never resolved.
enum class ObjectionStatus : std::uint8_t { open, withdrawn, integrated, closed };
enum class PointKind : std::uint8_t { point, question };
enum class PointStatus : std::uint8_t { open, taken_up, answered, hidden, pending };  // pending: moderated, not yet approved
enum class SignalKind : std::uint8_t { slow_down, lost, cant_hear, off_topic, need_break, not_heard };
enum class AgreementStatus : std::uint8_t { proposed, adopted, removed };

// Stable wire names ("co_facilitator", "point_of_process", ...). parse_* returns nullopt for an
// unknown name; the codec turns that into an error.
std::string_view name_of(Role);
std::string_view name_of(Location);
std::string_view name_of(Preference);
std::string_view name_of(Presence);
std::string_view name_of(HandKind);
std::string_view name_of(QueuePolicy);
std::string_view name_of(RoundOrder);
std::string_view name_of(PollKind);
std::string_view name_of(ResultsShown);
std::string_view name_of(PollStatus);
std::string_view name_of(ConsentPhase);
std::string_view name_of(ConsentAnswer);
std::string_view name_of(ObjectionStatus);
std::string_view name_of(PointKind);
std::string_view name_of(PointStatus);
std::string_view name_of(SignalKind);
std::string_view name_of(AgreementStatus);

std::optional<Role> parse_role(std::string_view);
std::optional<Location> parse_location(std::string_view);
std::optional<Preference> parse_preference(std::string_view);
std::optional<Presence> parse_presence(std::string_view);
std::optional<HandKind> parse_hand_kind(std::string_view);
std::optional<QueuePolicy> parse_queue_policy(std::string_view);
std::optional<RoundOrder> parse_round_order(std::string_view);
std::optional<PollKind> parse_poll_kind(std::string_view);
std::optional<ResultsShown> parse_results_shown(std::string_view);
std::optional<ConsentPhase> parse_consent_phase(std::string_view);
std::optional<ConsentAnswer> parse_consent_answer(std::string_view);
std::optional<PointKind> parse_point_kind(std::string_view);
std::optional<SignalKind> parse_signal_kind(std::string_view);

// Whether a role may run the queue (call, move, remove, start and end turns).
constexpr bool runs_queue(Role r) { return r == Role::facilitator || r == Role::co_facilitator; }

}  // namespace everyvoice::core
