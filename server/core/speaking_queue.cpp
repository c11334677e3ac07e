// The speaking queue: raising and lowering hands, calling people, overrides, turns and the order.
#include "core/speaking_queue.hpp"

#include <algorithm>

#include "core/rules.hpp"
#include "core/text.hpp"

namespace everyvoice::core {

std::string_view name_of(ReasonCode code) {
  switch (code) {
    case ReasonCode::moved_by_facilitator: return "moved_by_facilitator";
    case ReasonCode::point_of_process: return "point_of_process";
    case ReasonCode::clarifying_question: return "clarifying_question";
    case ReasonCode::direct_reply: return "direct_reply";
    case ReasonCode::not_spoken_yet: return "not_spoken_yet";
    case ReasonCode::spoken_before: return "spoken_before";
    case ReasonCode::first_come: return "first_come";
  }
  return "unknown";
}

std::string reason_sentence(const QueuePlace& place) {
  std::string policy_part = "first come, first served";
  if (place.history) {
    policy_part = place.turns == 0 ? "has not spoken yet"
                                   : std::to_string(place.turns) + (place.turns == 1 ? " turn" : " turns") +
                                         " so far, " + spoken_duration(place.spoken_ms);
    if (place.alternating) policy_part = "in-room and remote take turns; " + policy_part;
  }
  std::string sentence;
  switch (place.reason_code) {
    case ReasonCode::moved_by_facilitator: sentence = "moved by the facilitator: " + place.moved_reason; break;
    case ReasonCode::point_of_process: sentence = "point of process goes first"; break;
    case ReasonCode::clarifying_question:
      sentence = "clarifying question goes before replies and new points; " + policy_part;
      break;
    case ReasonCode::direct_reply: sentence = "direct reply goes before new points; " + policy_part; break;
    case ReasonCode::not_spoken_yet:
    case ReasonCode::spoken_before:
    case ReasonCode::first_come: sentence = policy_part; break;
  }
  if (place.away) sentence += " (away: passed over until back)";
  return sentence;
}

namespace {

// Progressive order between two hands of the same kind.
bool heard_less(const MeetingState& s, const QueueEntry& a, const QueueEntry& b) {
  const Participant& pa = s.participants[a.who - 1];
  const Participant& pb = s.participants[b.who - 1];
  if (pa.turns != pb.turns) return pa.turns < pb.turns;  // never spoken (0 turns) comes first
  if (pa.spoken_ms != pb.spoken_ms) return pa.spoken_ms < pb.spoken_ms;
  return a.hand_no < b.hand_no;
}

// `alternating`: under hybrid, the alternation between in-room and remote people placed this entry.
QueuePlace place_for(const MeetingState& s, const QueueEntry& e, bool alternating) {
  const Participant& p = s.participants[e.who - 1];
  QueuePlace place;
  place.who = e.who;
  place.kind = e.kind;
  place.raised_at = e.raised_at;
  place.away = p.presence == Presence::away;
  const bool fifo = s.policy == QueuePolicy::fifo;
  if (e.pinned_at) {
    place.reason_code = ReasonCode::moved_by_facilitator;
    place.moved_reason = e.pin_reason;
  } else {
    switch (e.kind) {
      case HandKind::point_of_process: place.reason_code = ReasonCode::point_of_process; break;
      case HandKind::clarifying_question: place.reason_code = ReasonCode::clarifying_question; break;
      case HandKind::direct_reply: place.reason_code = ReasonCode::direct_reply; break;
      case HandKind::new_point:
        place.reason_code = fifo ? ReasonCode::first_come
                            : p.turns == 0 ? ReasonCode::not_spoken_yet
                                           : ReasonCode::spoken_before;
        break;
    }
    // Every kind but a point of process says how the policy placed it among its kind.
    if (!fifo && e.kind != HandKind::point_of_process) {
      place.history = true;
      place.turns = p.turns;
      place.spoken_ms = p.spoken_ms;
      place.alternating = alternating;
    }
  }
  place.reason = reason_sentence(place);
  return place;
}

}  // namespace

std::vector<QueuePlace> ordered_queue(const MeetingState& s) {
  std::vector<const QueueEntry*> free;
  std::vector<const QueueEntry*> pinned;
  for (const auto& e : s.queue) (e.pinned_at ? pinned : free).push_back(&e);

  const auto by_hand = [](const QueueEntry* a, const QueueEntry* b) { return a->hand_no < b->hand_no; };
  const auto by_kind = [](const QueueEntry* a, const QueueEntry* b) { return a->kind < b->kind; };
  if (s.policy == QueuePolicy::fifo) {
    std::sort(free.begin(), free.end(), by_hand);
  } else {
    std::sort(free.begin(), free.end(), [&](const QueueEntry* a, const QueueEntry* b) { return heard_less(s, *a, *b); });
  }
  std::stable_sort(free.begin(), free.end(), by_kind);

  std::vector<QueuePlace> order;
  order.reserve(s.queue.size());
  if (s.policy == QueuePolicy::hybrid) {
    // Alternate groups across the whole order, kind by kind, starting with the group that did not
    // speak last (or, with no speaker yet, the group of the first in progressive order).
    Location due = s.last_speaker_location
                       ? (*s.last_speaker_location == Location::in_room ? Location::remote : Location::in_room)
                       : (free.empty() ? Location::in_room : s.participants[free.front()->who - 1].location);
    std::size_t i = 0;
    while (i < free.size()) {
      std::size_t end = i;
      while (end < free.size() && free[end]->kind == free[i]->kind) ++end;
      std::array<std::vector<const QueueEntry*>, 2> groups;
      for (std::size_t k = i; k < end; ++k)
        groups[static_cast<std::size_t>(s.participants[free[k]->who - 1].location)].push_back(free[k]);
      std::array<std::size_t, 2> next{0, 0};
      for (std::size_t k = i; k < end; ++k) {
        const auto d = static_cast<std::size_t>(due);
        const auto o = 1 - d;
        const bool both_wait = next[d] < groups[d].size() && next[o] < groups[o].size();
        const std::size_t g = next[d] < groups[d].size() ? d : o;
        order.push_back(place_for(s, *groups[g][next[g]++], both_wait));
        due = g == 0 ? Location::remote : Location::in_room;
      }
      i = end;
    }
  } else {
    for (const QueueEntry* e : free) order.push_back(place_for(s, *e, false));
  }

  // Entries pinned at the same position: the one moved there last takes it (it is inserted last).
  // The overrides record every move in order.
  const auto last_move = [&](const QueueEntry* e) {
    for (std::size_t k = s.overrides.size(); k-- > 0;)
      if (s.overrides[k].kind == OverrideKind::moved && s.overrides[k].target == e->who) return k;
    return std::size_t{0};
  };
  std::sort(pinned.begin(), pinned.end(), [&](const QueueEntry* a, const QueueEntry* b) {
    return *a->pinned_at != *b->pinned_at ? *a->pinned_at < *b->pinned_at : last_move(a) < last_move(b);
  });
  for (const QueueEntry* e : pinned) {
    const std::size_t at = std::min<std::size_t>(*e->pinned_at, order.size());
    order.insert(order.begin() + static_cast<std::ptrdiff_t>(at), place_for(s, *e, false));
  }
  for (std::size_t k = 0; k < order.size(); ++k) order[k].position = static_cast<std::uint32_t>(k);
  return order;
}

void leave_queue(MeetingState& s, ParticipantId who) {
  const bool any_moved = std::any_of(s.queue.begin(), s.queue.end(), [&](const QueueEntry& q) { return q.pinned_at && q.who != who; });
  if (any_moved) {
    const auto order = ordered_queue(s);
    const auto place_of = [&](ParticipantId id) {
      return std::find_if(order.begin(), order.end(), [&](const QueuePlace& p) { return p.who == id; }) - order.begin();
    };
    const auto leaving = place_of(who);
    if (leaving < static_cast<std::ptrdiff_t>(order.size()))
      for (auto& q : s.queue)
        if (q.pinned_at && q.who != who && *q.pinned_at > 0 && leaving < place_of(q.who)) --*q.pinned_at;
  }
  std::erase_if(s.queue, [&](const QueueEntry& q) { return q.who == who; });
}

const QueuePlace* next_to_call(const std::vector<QueuePlace>& order) {
  for (const auto& place : order)
    if (!place.away) return &place;
  return nullptr;
}

namespace rules {
namespace {

std::optional<Outcome> check_can_take_floor(const MeetingState& s, ParticipantId who) {
  const Participant* p = s.find_active(who);
  if (!p) return unknown(who);
  if (p->role == Role::observer)
    return Outcome::reject(ErrorCode::invalid_argument, "the room display cannot take the floor");
  if (p->presence == Presence::away)
    return Outcome::reject(ErrorCode::participant_away, p->name + " is away");
  return std::nullopt;
}

// Events that give the floor to `who`: the current turn ends first.
std::vector<Event> give_floor(const Context& ctx, ParticipantId who, std::string override_reason) {
  auto events = end_current_turn(ctx);
  const QueueEntry* entry = ctx.state.queue_entry(who);
  const Millis waited = entry ? std::max<Millis>(0, ctx.now - entry->raised_at) : 0;
  events.push_back(TurnStarted{who, ctx.actor, entry != nullptr, waited, std::move(override_reason), false});
  return events;
}

}  // namespace

Outcome decide_command(const Context& ctx, const RaiseHand& c) {
  const Participant* p = ctx.state.find_active(c.who);
  if (!p) return unknown(c.who);
  if (!ctx.acts_for(c.who)) return not_allowed("raise someone else's hand");
  if (p->role == Role::observer) return Outcome::reject(ErrorCode::not_allowed, "the room display cannot raise a hand");
  if (ctx.state.queue_entry(c.who))
    return Outcome::reject(ErrorCode::already_in_queue, p->name + " is already in the queue");
  if (ctx.state.turn && ctx.state.turn->who == c.who)
    return Outcome::reject(ErrorCode::already_speaking, p->name + " has the floor now");
  return Outcome::of({HandRaised{c.who, c.kind}});
}

Outcome decide_command(const Context& ctx, const LowerHand& c) {
  const Participant* p = ctx.state.find_active(c.who);
  if (!p) return unknown(c.who);
  if (!ctx.acts_for(c.who)) return not_allowed("lower someone else's hand (remove the entry with a reason instead)");
  if (!ctx.state.queue_entry(c.who)) return Outcome::reject(ErrorCode::hand_not_raised, p->name + "'s hand is not raised");
  return Outcome::of({HandLowered{c.who}});
}

Outcome decide_command(const Context& ctx, const CallNext&) {
  if (!ctx.actor_runs_queue()) return not_allowed("call the next speaker");
  if (ctx.state.active_round())
    return Outcome::reject(ErrorCode::round_in_progress, "a go-round is running; end it to use the queue");
  const auto order = ordered_queue(ctx.state);
  const QueuePlace* next = next_to_call(order);
  if (!next)
    return Outcome::reject(ErrorCode::queue_empty,
                           order.empty() ? "nobody is waiting to speak" : "everyone waiting is away");
  return Outcome::of(give_floor(ctx, next->who, ""));
}

Outcome decide_command(const Context& ctx, const CallSpeaker& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("give someone the floor");
  if (ctx.state.active_round())
    return Outcome::reject(ErrorCode::round_in_progress, "a go-round is running; end it to use the queue");
  if (auto bad = check_can_take_floor(ctx.state, c.who)) return *bad;
  if (ctx.state.turn && ctx.state.turn->who == c.who)
    return Outcome::reject(ErrorCode::already_speaking, "they already have the floor");
  const auto order = ordered_queue(ctx.state);
  const QueuePlace* next = next_to_call(order);
  const bool in_order = next == nullptr || next->who == c.who;
  std::string reason;
  if (!in_order) {
    if (auto bad = check_reason(c.reason, "Calling someone out of order")) return *bad;
    reason = std::string(trim(c.reason));
  }
  return Outcome::of(give_floor(ctx, c.who, std::move(reason)));
}

Outcome decide_command(const Context& ctx, const MoveEntry& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("move entries in the queue");
  const Participant* p = ctx.state.find_active(c.who);
  if (!p) return unknown(c.who);
  if (!ctx.state.queue_entry(c.who)) return Outcome::reject(ErrorCode::hand_not_raised, p->name + " is not in the queue");
  if (c.position >= ctx.state.queue.size())
    return Outcome::reject(ErrorCode::invalid_argument,
                           "position must be below " + std::to_string(ctx.state.queue.size()));
  if (auto bad = check_reason(c.reason, "Moving someone in the queue")) return *bad;
  return Outcome::of({EntryMoved{c.who, c.position, ctx.actor, std::string(trim(c.reason))}});
}

Outcome decide_command(const Context& ctx, const RemoveEntry& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("remove entries from the queue");
  const Participant* p = ctx.state.find_active(c.who);
  if (!p) return unknown(c.who);
  if (!ctx.state.queue_entry(c.who)) return Outcome::reject(ErrorCode::hand_not_raised, p->name + " is not in the queue");
  if (auto bad = check_reason(c.reason, "Removing someone from the queue")) return *bad;
  return Outcome::of({EntryRemoved{c.who, ctx.actor, std::string(trim(c.reason))}});
}

Outcome decide_command(const Context& ctx, const EndTurn&) {
  if (!ctx.state.turn) return Outcome::reject(ErrorCode::no_current_turn, "nobody has the floor");
  if (!ctx.actor_runs_queue() && ctx.state.turn->who != ctx.actor)
    return not_allowed("end someone else's turn");
  return Outcome::of(end_current_turn(ctx));
}

Outcome decide_command(const Context& ctx, const SetPolicy& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("change the queue policy");
  if (ctx.state.policy == c.policy) return Outcome::of({});
  return Outcome::of({PolicyChanged{c.policy}});
}

Outcome decide_command(const Context& ctx, const SetTurnLimit& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("set the turn limit");
  if (c.seconds > 3600) return Outcome::reject(ErrorCode::invalid_argument, "a turn limit is at most 3600 seconds");
  if (ctx.state.turn_limit_seconds == c.seconds) return Outcome::of({});
  return Outcome::of({TurnLimitChanged{c.seconds}});
}

void apply_event(MeetingState& s, const HandRaised& e, Millis at) {
  s.queue.push_back(QueueEntry{e.id, e.kind, at, ++s.hands_raised, std::nullopt, {}});
}

void apply_event(MeetingState& s, const HandLowered& e, Millis) { leave_queue(s, e.id); }

void apply_event(MeetingState& s, const EntryRemoved& e, Millis at) {
  leave_queue(s, e.id);
  s.overrides.push_back(Override{OverrideKind::removed_hand, e.by, e.id, e.reason, at});
}

void apply_event(MeetingState& s, const EntryMoved& e, Millis at) {
  for (auto& q : s.queue) {
    if (q.who == e.id) {
      q.pinned_at = e.position;
      q.pin_reason = e.reason;
    }
  }
  s.overrides.push_back(Override{OverrideKind::moved, e.by, e.id, e.reason, at});
}

void apply_event(MeetingState& s, const TurnStarted& e, Millis at) {
  auto& p = s.participants[e.id - 1];
  if (e.from_queue) {
    leave_queue(s, e.id);
    auto& w = s.waits[static_cast<std::size_t>(p.location)];
    ++w.count;
    w.total_ms += e.waited_ms;
    w.longest_ms = std::max(w.longest_ms, e.waited_ms);
  }
  if (!e.override_reason.empty())
    s.overrides.push_back(Override{OverrideKind::called_out_of_order, e.by, e.id, e.override_reason, at});
  ++p.turns;
  if (s.current_item != 0) ++s.agenda[s.current_item - 1].turns[e.id];
  s.turn = Turn{e.id, at, e.in_round};
  s.last_speaker_location = p.location;
}

void apply_event(MeetingState& s, const TurnEnded& e, Millis) {
  s.participants[e.id - 1].spoken_ms += e.duration_ms;
  if (s.current_item != 0) s.agenda[s.current_item - 1].spoken_ms[e.id] += e.duration_ms;
  if (s.turn && s.turn->in_round && !s.rounds.empty() && s.rounds.back().active) {
    auto& round = s.rounds.back();
    round.steps.push_back(RoundStep{e.id, RoundStepKind::spoke, {}});
    ++round.next;
  }
  s.turn.reset();
}

void apply_event(MeetingState& s, const PolicyChanged& e, Millis) { s.policy = e.policy; }

void apply_event(MeetingState& s, const TurnLimitChanged& e, Millis) { s.turn_limit_seconds = e.seconds; }

}  // namespace rules
}  // namespace everyvoice::core
