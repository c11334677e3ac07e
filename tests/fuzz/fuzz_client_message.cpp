// Client messages as the server handles them: JSON text decoded (codec::decode_client_message),
// a command decided on a meeting in progress (core::decide), its events stamped, applied and
// written as the event log writes them, and the update every audience would be sent encoded
// (codec::encode_update). At the end of an input, the state as a snapshot row (store::encode_state)
// and the other messages the server writes from a state (snapshot, figures, poll results, welcome).
//
// Input: one or more messages separated by NUL bytes (a NUL cannot occur in JSON text, so each
// piece is what one WebSocket text frame could carry); later messages act on the state the earlier
// ones left. The protocol's examples (protocol/examples/client) are single messages and work as
// seeds as they are.
//
// Who sends a message is chosen by its id, which the fuzzer can change without breaking the JSON:
// the id's last byte picks the actor among the room's people (facilitator, co-facilitator,
// participants, the room display, someone away, someone removed); the first message's id length
// picks the room (modulo 3: 2 busy, as for most ids of the examples; 0 a go-round running; 1 just
// opened). Joins are decided with the server as actor, as the server does.
//
// FUZZ_TRACE=1 in the environment prints what happened to each message (for reading an artifact).
//
// A finding: any crash, sanitizer report, exception out of the codec, core or store, or a broken
// check below.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "codec/client_message.hpp"
#include "codec/server_message.hpp"
#include "core/decision_record.hpp"
#include "core/meeting.hpp"
#include "core/text.hpp"
#include "fuzz_meeting.hpp"
#include "store/event_format.hpp"

namespace {

using namespace everyvoice;

constexpr std::size_t max_messages = 16;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_client_message: check failed: %s\n", what);
  std::abort();
}

// By id length modulo 3.
const std::array<fuzz::Room, 3>& rooms() {
  static const std::array<fuzz::Room, 3> built{fuzz::round_room(), fuzz::quiet_room(), fuzz::busy_room()};
  return built;
}

const bool tracing = std::getenv("FUZZ_TRACE") != nullptr;

bool valid_utf8(std::string_view text) { return core::utf8_length(text).has_value(); }

bool known_error_code(std::string_view code) {
  for (std::string_view c : {"bad_json", "not_an_object", "too_deep", "missing_field", "wrong_type", "bad_value",
                             "too_long", "unknown_type", "unknown_field"})
    if (code == c) return true;
  return false;
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// What the server sends every audience after accepting a command, and the events it stores.
void publish(const core::MeetingState& state, const std::vector<core::Stamped>& events, core::Millis now) {
  std::uint32_t sections = 0;
  std::size_t new_decisions = 0;
  for (const auto& e : events) {
    sections |= codec::sections_of(e.event);
    new_decisions += std::holds_alternative<core::DecisionRecorded>(e.event) ? 1 : 0;
    // Each event survives the event log's byte format.
    const std::string bytes = store::encode_event(e.event);
    check(store::encode_event(store::decode_event(bytes)) == bytes, "an event changed on its way through the store");
  }
  check(new_decisions <= state.decisions.size(), "more new decisions than decisions");
  for (auto audience : {codec::Audience::participant, codec::Audience::facilitator, codec::Audience::display}) {
    const std::string update = codec::encode_update(state, events, audience, now, sections, new_decisions);
    check(valid_utf8(update), "an update is not UTF-8");
  }
}

// Once per input, as the state stands at its end (the slower checks):
// - the snapshot row: the state comes back from its bytes, but for anonymous ballots (kept apart);
// - the decision record's hash chain verifies;
// - what else the server sends: a snapshot (a role changed, a resume), the equity figures, running
//   results of open after_vote polls, and the welcome of each person who joined or sent a message.
void check_end_state(const core::MeetingState& state, const std::set<core::ParticipantId>& people, core::Millis now) {
  const std::string bytes = store::encode_state(state);
  core::MeetingState expected = state;
  for (auto& poll : expected.polls) poll.anonymous.clear();
  check(store::decode_state(bytes) == expected, "the state changed on its way through the store");
  check(!core::verify_decision_chain(state.decisions), "the decision record's hash chain does not verify");

  const auto audience = static_cast<codec::Audience>(state.seq % codec::audience_count);  // one, for speed
  check(valid_utf8(codec::encode_snapshot(state, "ACDEFH", audience, now)), "a snapshot is not UTF-8");
  check(valid_utf8(codec::encode_figures(state, now)), "the figures are not UTF-8");
  for (const auto& poll : state.polls)
    if (poll.status == core::PollStatus::open && !poll.spec.anonymous &&
        poll.spec.shown == core::ResultsShown::after_vote)
      check(valid_utf8(codec::encode_poll_results(state, poll.id)), "poll results are not UTF-8");
  for (core::ParticipantId who : people)
    if (state.find_active(who))
      check(valid_utf8(codec::encode_welcome("w", "ACDEFH", state, who, std::string(32, 'f'), now)),
            "a welcome is not UTF-8");
}

// `decoded`: the text decoded as from nobody in particular (self 0).
// `people` collects who sent a command or joined.
void handle(core::MeetingState& state, const fuzz::Room& room, std::string_view text, const codec::Decoded& decoded,
            core::Millis now, std::set<core::ParticipantId>& people) {
  check(decoded.message.has_value() != decoded.error.has_value(), "a decode gives a message or an error");
  check(core::utf8_length(decoded.id).value_or(0) <= codec::max_id_chars, "the id is UTF-8 of at most 64 characters");
  if (decoded.error) {
    if (tracing) {
      const codec::DecodeError& e = *decoded.error;
      std::fprintf(stderr, "  refused by the codec: %s: %s\n", e.code.c_str(), e.message.c_str());
    }
    check(known_error_code(decoded.error->code), "an error code the protocol does not list");
    check(!decoded.error->message.empty(), "an error without words");
    check(valid_utf8(codec::encode_error(decoded.id, decoded.error->code, decoded.error->message)),
          "an error is not UTF-8");
    return;
  }
  const std::string_view id = decoded.id;
  check(!id.empty(), "a decoded message without an id");
  const core::ParticipantId actor = room.actors[static_cast<unsigned char>(id.back()) % room.actors.size()];

  core::Command command;
  core::ParticipantId by = actor;
  if (auto* join = std::get_if<codec::JoinRequest>(&*decoded.message)) {
    // The server checks the key; a message with one stands for a key that matched.
    const core::Role role = join->facilitator_key ? core::Role::facilitator : join->role;
    command = core::Join{join->name, role, join->location, join->preference};
    by = core::server_actor;
  } else if (std::holds_alternative<core::Command>(*decoded.message)) {
    // Decoded again as the actor, for commands that act on the sender by default.
    codec::Decoded as_actor = codec::decode_client_message(text, actor);
    check(as_actor.message && std::holds_alternative<core::Command>(*as_actor.message) && as_actor.id == decoded.id,
          "a message decodes differently for another sender");
    command = std::get<core::Command>(*as_actor.message);
    if (auto* round = std::get_if<core::StartRound>(&command); round && round->order == core::RoundOrder::shuffled)
      round->seed = fnv1a(text);  // the server draws it at random
  } else {
    if (tracing) std::fprintf(stderr, "  resume or ping: nothing to decide\n");
    return;  // resume and ping change nothing
  }

  core::Outcome outcome = core::decide(state, by, command, now);
  if (tracing) {
    std::fprintf(stderr, "  command %zu by %u: ", command.index(), by);
    if (outcome.accepted()) std::fprintf(stderr, "accepted, %zu events\n", outcome.events.size());
    else std::fprintf(stderr, "refused: %s\n", outcome.rejection->message.c_str());
  }
  if (!outcome.accepted()) {
    check(outcome.events.empty(), "a refusal with events");
    check(!outcome.rejection->message.empty(), "a refusal without words");
    check(valid_utf8(codec::encode_error(id, core::name_of(outcome.rejection->code), outcome.rejection->message)),
          "a refusal is not UTF-8");
    return;
  }
  const std::vector<core::Stamped> events = core::stamp(state, std::move(outcome.events), now);
  for (const auto& e : events) {
    core::apply(state, e);
    if (const auto* joined = std::get_if<core::ParticipantJoined>(&e.event)) people.insert(joined->id);
  }
  if (by != core::server_actor) people.insert(by);
  if (!events.empty()) publish(state, events, now);
  check(valid_utf8(codec::encode_ack(id, state.seq)), "an ack is not UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> messages;
  while (messages.size() < max_messages) {
    const std::size_t end = input.find('\0');
    messages.push_back(input.substr(0, end));
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  std::vector<codec::Decoded> decoded;
  for (std::string_view text : messages) decoded.push_back(codec::decode_client_message(text, 0));
  const fuzz::Room& room = rooms()[decoded.front().id.size() % rooms().size()];
  if (tracing) std::fprintf(stderr, "room %s, %zu messages\n", room.name.c_str(), messages.size());
  core::MeetingState state = room.state;
  core::Millis now = room.now;
  std::set<core::ParticipantId> people;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    now += 2500;
    handle(state, room, messages[i], decoded[i], now, people);
  }
  if (state.seq != room.state.seq) check_end_state(state, people, now);
  return 0;
}
