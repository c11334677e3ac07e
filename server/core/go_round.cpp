// Go-rounds: starting, speaking, passing, skipping and ending.
#include "core/go_round.hpp"

#include <algorithm>
#include <optional>

#include "core/rules.hpp"
#include "core/text.hpp"

namespace everyvoice::core {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<ParticipantId> round_order(const MeetingState& s, RoundOrder kind, std::uint64_t seed) {
  std::vector<ParticipantId> order;
  for (const auto& p : s.participants)
    if (is_present(p)) order.push_back(p.id);
  switch (kind) {
    case RoundOrder::join_order: break;
    case RoundOrder::shuffled:
      for (std::size_t i = order.size(); i > 1; --i) {
        const std::size_t j = static_cast<std::size_t>(splitmix64(seed) % i);
        std::swap(order[i - 1], order[j]);
      }
      break;
    case RoundOrder::quietest_first:
      // The facilitator, who holds the meeting rather than the floor, goes last: not first for
      // having "not spoken yet".
      std::stable_sort(order.begin(), order.end(), [&](ParticipantId a, ParticipantId b) {
        const auto& pa = s.participants[a - 1];
        const auto& pb = s.participants[b - 1];
        const bool fa = pa.role == Role::facilitator, fb = pb.role == Role::facilitator;
        if (fa != fb) return fb;
        if (pa.spoken_ms != pb.spoken_ms) return pa.spoken_ms < pb.spoken_ms;
        return pa.turns < pb.turns;
      });
      break;
  }
  return order;
}

ParticipantId round_up_next(const MeetingState& s) {
  const GoRound* r = s.active_round();
  if (!r || r->next >= r->order.size()) return 0;
  return r->order[r->next];
}

namespace rules {
namespace {

// The round is over once the person who is up now has had their go.
void finish_if_last(const GoRound& r, std::vector<Event>& events) {
  if (r.next + 1 >= r.order.size()) events.push_back(RoundEnded{r.round_no, true});
}

// Checks that `ctx.actor` may answer for the person who is up, and that nobody is mid-turn.
std::optional<Outcome> check_answer(const Context& ctx, std::string_view what) {
  const GoRound* r = ctx.state.active_round();
  if (!r) return Outcome::reject(ErrorCode::no_round, "no go-round is running");
  if (ctx.state.turn && ctx.state.turn->in_round)
    return Outcome::reject(ErrorCode::already_speaking, "the person who is up is speaking; end their turn first");
  const ParticipantId up = round_up_next(ctx.state);
  if (up != ctx.actor && !ctx.actor_runs_queue())
    return Outcome::reject(ErrorCode::not_your_turn, "it is not your go in this round, so you cannot " + std::string(what));
  return std::nullopt;
}

}  // namespace

Outcome decide_command(const Context& ctx, const StartRound& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("start a go-round");
  if (ctx.state.active_round()) return Outcome::reject(ErrorCode::round_in_progress, "a go-round is already running");
  if (!acceptable_text(c.topic, max_topic_chars))
    return Outcome::reject(ErrorCode::text_invalid,
                           "the topic must be valid text of at most " + std::to_string(max_topic_chars) + " characters");
  auto events = end_current_turn(ctx);
  // The round is ordered as things stand once the current turn has ended: its length counts for
  // quietest_first, as the TurnEnded above records it.
  std::optional<MeetingState> ended;
  if (ctx.state.turn) {
    ended = ctx.state;
    ended->participants[ctx.state.turn->who - 1].spoken_ms += std::max<Millis>(0, ctx.now - ctx.state.turn->started_at);
  }
  auto order = round_order(ended ? *ended : ctx.state, c.order, c.seed);
  if (order.empty()) return Outcome::reject(ErrorCode::invalid_argument, "nobody is present for a go-round");
  events.push_back(RoundStarted{static_cast<std::uint32_t>(ctx.state.rounds.size() + 1), std::string(trim(c.topic)),
                                c.order, c.order == RoundOrder::shuffled ? c.seed : 0, std::move(order)});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const RoundSpeak&) {
  if (auto bad = check_answer(ctx, "speak")) return *bad;
  const ParticipantId up = round_up_next(ctx.state);
  const Participant* p = ctx.state.find_active(up);
  if (!p) return Outcome::reject(ErrorCode::unknown_participant, "the person who is up has left; skip them");
  if (p->role == Role::observer)
    return Outcome::reject(ErrorCode::invalid_argument, "the room display cannot take the floor; skip them");
  if (p->presence == Presence::away)
    return Outcome::reject(ErrorCode::participant_away, p->name + " is away; skip them or wait");
  auto events = end_current_turn(ctx);
  events.push_back(TurnStarted{up, ctx.actor, false, 0, "", true});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const RoundPass&) {
  if (auto bad = check_answer(ctx, "pass")) return *bad;
  const GoRound& r = *ctx.state.active_round();
  std::vector<Event> events{RoundPassed{r.order[r.next]}};
  finish_if_last(r, events);
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const RoundSkip& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("skip someone in a go-round");
  const GoRound* r = ctx.state.active_round();
  if (!r) return Outcome::reject(ErrorCode::no_round, "no go-round is running");
  if (ctx.state.turn && ctx.state.turn->in_round)
    return Outcome::reject(ErrorCode::already_speaking, "the person who is up is speaking; end their turn first");
  if (auto bad = check_reason(c.reason, "Skipping someone in a round")) return *bad;
  std::vector<Event> events{RoundSkipped{r->order[r->next], std::string(trim(c.reason))}};
  finish_if_last(*r, events);
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const EndRound&) {
  if (!ctx.actor_runs_queue()) return not_allowed("end a go-round");
  const GoRound* r = ctx.state.active_round();
  if (!r) return Outcome::reject(ErrorCode::no_round, "no go-round is running");
  std::vector<Event> events;
  if (ctx.state.turn && ctx.state.turn->in_round) {
    events.push_back(TurnEnded{ctx.state.turn->who, std::max<Millis>(0, ctx.now - ctx.state.turn->started_at)});
    if (r->next + 1 >= r->order.size()) {  // that was the last go: the round completed
      events.push_back(RoundEnded{r->round_no, true});
      return Outcome::of(std::move(events));
    }
  }
  events.push_back(RoundEnded{r->round_no, false});
  return Outcome::of(std::move(events));
}

void apply_event(MeetingState& s, const RoundStarted& e, Millis) {
  GoRound r;
  r.round_no = e.round_no;
  r.topic = e.topic;
  r.order_kind = e.order_kind;
  r.seed = e.seed;
  r.order = e.order;
  s.rounds.push_back(std::move(r));
}

void apply_event(MeetingState& s, const RoundPassed& e, Millis) {
  auto& r = s.rounds.back();
  r.steps.push_back(RoundStep{e.id, RoundStepKind::passed, {}});
  ++r.next;
}

void apply_event(MeetingState& s, const RoundSkipped& e, Millis) {
  auto& r = s.rounds.back();
  r.steps.push_back(RoundStep{e.id, RoundStepKind::skipped, e.reason});
  ++r.next;
}

void apply_event(MeetingState& s, const RoundEnded& e, Millis) {
  auto& r = s.rounds.back();
  r.active = false;
  r.completed = e.completed;
}

}  // namespace rules
}  // namespace everyvoice::core
