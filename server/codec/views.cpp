// What each audience may see. Facilitators see everything in the meeting: preferences, speaking
// figures, overrides. Participants and the room display see names, roles, places and the queue with
// its reasons (the queue's fairness is public by design), but not preferences or figures.
// Tokens and keys never appear here: the welcome message is the only place a token is sent.
#include "codec/views.hpp"

#include "core/equity.hpp"
#include "core/go_round.hpp"
#include "core/meeting.hpp"
#include "core/speaking_queue.hpp"

namespace everyvoice::codec::views {

using nlohmann::json;
using namespace everyvoice::core;

namespace {

std::string_view name_of(OverrideKind k) {
  switch (k) {
    case OverrideKind::called_out_of_order: return "called_out_of_order";
    case OverrideKind::moved: return "moved";
    case OverrideKind::removed_hand: return "removed_hand";
  }
  return "unknown";
}

std::string_view name_of(RoundStepKind k) {
  switch (k) {
    case RoundStepKind::spoke: return "spoke";
    case RoundStepKind::passed: return "passed";
    case RoundStepKind::skipped: return "skipped";
  }
  return "unknown";
}

json group(const GroupFigures& g) {
  return {{"people", g.people},       {"people_share", g.people_share}, {"spoken_ms", g.spoken_ms},
          {"speaking_share", g.speaking_share}, {"waits", g.waits}, {"mean_wait_ms", g.mean_wait_ms},
          {"longest_wait_ms", g.longest_wait_ms}};
}

}  // namespace

json meeting(const MeetingState& s, std::string_view code) {
  return {{"code", code},
          {"title", s.title},
          {"locked", s.locked},
          {"policy", core::name_of(s.policy)},
          {"turn_limit_seconds", s.turn_limit_seconds}};
}

json person(const Participant& p, Audience audience) {
  json j{{"id", p.id},
         {"name", p.name},
         {"role", core::name_of(p.role)},
         {"location", core::name_of(p.location)},
         {"presence", core::name_of(p.presence)},
         {"proxy", p.proxy}};
  if (audience == Audience::facilitator) {
    j["preference"] = core::name_of(p.preference);
    j["turns"] = p.turns;
    j["spoken_ms"] = p.spoken_ms;
  }
  return j;
}

json people(const MeetingState& s, Audience audience) {
  json list = json::array();
  for (const auto& p : s.participants)
    if (!p.removed) list.push_back(person(p, audience));
  return list;
}

json queue(const MeetingState& s) {
  json list = json::array();
  for (const auto& place : ordered_queue(s)) {
    list.push_back({{"participant", place.who},
                    {"kind", core::name_of(place.kind)},
                    {"position", place.position},
                    {"reason_code", core::name_of(place.reason_code)},
                    {"reason", place.reason},
                    {"raised_at", place.raised_at},
                    {"away", place.away}});
  }
  return list;
}

json turn(const MeetingState& s, Millis now) {
  if (!s.turn) return nullptr;
  json j{{"participant", s.turn->who},
         {"started_at", s.turn->started_at},
         {"in_round", s.turn->in_round},
         {"limit_seconds", s.turn_limit_seconds}};
  if (auto over = turn_overrun(s, now)) j["over_limit_ms"] = *over;
  return j;
}

json round(const MeetingState& s) {
  const GoRound* r = s.active_round();
  if (!r) return nullptr;
  json steps = json::array();
  for (const auto& step : r->steps) {
    json st{{"participant", step.who}, {"outcome", name_of(step.kind)}};
    if (!step.reason.empty()) st["reason"] = step.reason;
    steps.push_back(std::move(st));
  }
  const ParticipantId up = round_up_next(s);
  return {{"round_no", r->round_no},
          {"topic", r->topic},
          {"order_kind", core::name_of(r->order_kind)},
          {"order", r->order},
          {"up", up == 0 ? json(nullptr) : json(up)},
          {"steps", std::move(steps)}};
}

json figures(const MeetingState& s, Millis now) {
  const EquityFigures f = equity_figures(s, now);
  json people_list = json::array();
  for (const auto& p : f.people) {
    people_list.push_back({{"participant", p.id},
                           {"name", p.name},
                           {"location", core::name_of(p.location)},
                           {"present", p.present},
                           {"proxy", p.proxy},
                           {"spoken_ms", p.spoken_ms},
                           {"turns", p.turns},
                           {"share", p.share}});
  }
  json overrides = json::array();
  for (const auto& o : f.overrides)
    overrides.push_back({{"kind", name_of(o.kind)}, {"by", o.by}, {"participant", o.target}, {"reason", o.reason}, {"at", o.at}});
  return {{"total_spoken_ms", f.total_spoken_ms},
          {"people", std::move(people_list)},
          {"not_spoken", f.not_spoken},
          {"gini", f.gini},
          {"top_fifth_share", f.top_fifth_share},
          {"in_room", group(f.in_room)},
          {"remote", group(f.remote)},
          {"overrides", std::move(overrides)}};
}

json event(const MeetingState& s, const Stamped& stamped, Audience audience) {
  json j{{"seq", stamped.seq}, {"at", stamped.at}};
  const auto person_of = [&](ParticipantId id) { return person(s.participants[id - 1], audience); };
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, MeetingOpened>) {
          j["kind"] = "meeting_opened";
          j["title"] = e.title;
        } else if constexpr (std::is_same_v<E, ParticipantJoined>) {
          j["kind"] = "participant_joined";
          j["person"] = person_of(e.id);
        } else if constexpr (std::is_same_v<E, ProfileChanged>) {
          j["kind"] = "profile_changed";
          j["person"] = person_of(e.id);
        } else if constexpr (std::is_same_v<E, PresenceChanged>) {
          j["kind"] = "presence_changed";
          j["person"] = person_of(e.id);
        } else if constexpr (std::is_same_v<E, RoleChanged>) {
          j["kind"] = "role_changed";
          j["person"] = person_of(e.id);
        } else if constexpr (std::is_same_v<E, ParticipantRemoved>) {
          j["kind"] = "participant_removed";
          j["participant"] = e.id;
        } else if constexpr (std::is_same_v<E, LockChanged>) {
          j["kind"] = "lock_changed";
          j["locked"] = e.locked;
        } else if constexpr (std::is_same_v<E, HandRaised>) {
          j["kind"] = "hand_raised";
          j["participant"] = e.id;
          j["hand_kind"] = core::name_of(e.kind);
        } else if constexpr (std::is_same_v<E, HandLowered>) {
          j["kind"] = "hand_lowered";
          j["participant"] = e.id;
        } else if constexpr (std::is_same_v<E, EntryRemoved>) {
          j["kind"] = "entry_removed";
          j["participant"] = e.id;
          j["by"] = e.by;
          j["reason"] = e.reason;
        } else if constexpr (std::is_same_v<E, EntryMoved>) {
          j["kind"] = "entry_moved";
          j["participant"] = e.id;
          j["position"] = e.position;
          j["by"] = e.by;
          j["reason"] = e.reason;
        } else if constexpr (std::is_same_v<E, TurnStarted>) {
          j["kind"] = "turn_started";
          j["participant"] = e.id;
          j["by"] = e.by;
          j["in_round"] = e.in_round;
          if (!e.override_reason.empty()) j["override_reason"] = e.override_reason;
          if (e.from_queue) j["waited_ms"] = e.waited_ms;
        } else if constexpr (std::is_same_v<E, TurnEnded>) {
          j["kind"] = "turn_ended";
          j["participant"] = e.id;
          j["duration_ms"] = e.duration_ms;
        } else if constexpr (std::is_same_v<E, PolicyChanged>) {
          j["kind"] = "policy_changed";
          j["policy"] = core::name_of(e.policy);
        } else if constexpr (std::is_same_v<E, TurnLimitChanged>) {
          j["kind"] = "turn_limit_changed";
          j["seconds"] = e.seconds;
        } else if constexpr (std::is_same_v<E, RoundStarted>) {
          j["kind"] = "round_started";
          j["round_no"] = e.round_no;
          j["topic"] = e.topic;
          j["order_kind"] = core::name_of(e.order_kind);
          j["order"] = e.order;
        } else if constexpr (std::is_same_v<E, RoundPassed>) {
          j["kind"] = "round_passed";
          j["participant"] = e.id;
        } else if constexpr (std::is_same_v<E, RoundSkipped>) {
          j["kind"] = "round_skipped";
          j["participant"] = e.id;
          j["reason"] = e.reason;
        } else if constexpr (std::is_same_v<E, RoundEnded>) {
          j["kind"] = "round_ended";
          j["round_no"] = e.round_no;
          j["completed"] = e.completed;
        } else {
          static_assert(sizeof(E) == 0, "every event needs a wire form");
        }
      },
      stamped.event);
  return j;
}

}  // namespace everyvoice::codec::views
