#include "core/meeting.hpp"

#include <cassert>

#include "core/rules.hpp"
#include "core/text.hpp"

namespace everyvoice::core {

namespace rules {

bool Context::acts_for(ParticipantId who) const {
  if (who == actor) return true;
  const Participant* target = state.find_active(who);
  return target && target->proxy && actor_runs_queue();
}

Outcome unknown(ParticipantId who) {
  return Outcome::reject(ErrorCode::unknown_participant, "there is no participant " + std::to_string(who) +
                                                             " in this meeting");
}

Outcome not_allowed(std::string_view what) {
  return Outcome::reject(ErrorCode::not_allowed, "your role may not " + std::string(what));
}

std::optional<Outcome> check_reason(std::string_view reason, std::string_view what) {
  if (trim(reason).empty())
    return Outcome::reject(ErrorCode::reason_required, std::string(what) + " needs a short reason");
  if (!acceptable_text(reason, max_reason_chars))
    return Outcome::reject(ErrorCode::text_invalid, "the reason must be valid text of at most " +
                                                        std::to_string(max_reason_chars) + " characters");
  return std::nullopt;
}

std::vector<Event> end_current_turn(const Context& ctx) {
  std::vector<Event> events;
  const auto& turn = ctx.state.turn;
  if (!turn) return events;
  events.push_back(TurnEnded{turn->who, std::max<Millis>(0, ctx.now - turn->started_at)});
  if (turn->in_round) {
    const GoRound* round = ctx.state.active_round();
    if (round && round->next + 1 >= round->order.size()) events.push_back(RoundEnded{round->round_no, true});
  }
  return events;
}

// What may happen in a meeting being prepared (MeetingScheduled, before MeetingStarted): people join
// and set their profile and presence, and wait; facilitators prepare: settings, roles and proxies,
// the agenda, polls as drafts, the agreement's proposed items, the call link; and start (or end) it.
// Nothing that runs the meeting itself: no hand, turn, round, vote, proposal, point or signal.
bool preparation(const Context& ctx, const Command& command) {
  return std::visit(
      [&](const auto& c) {
        using C = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<C, OpenPoll> || std::is_same_v<C, PresentProposal>) return c.draft;
        else if constexpr (std::is_same_v<C, CloseProposal>) {
          const Proposal* p = c.proposal >= 1 && c.proposal <= ctx.state.proposals.size() ? &ctx.state.proposals[c.proposal - 1] : nullptr;
          return p && p->phase == ConsentPhase::draft;  // deleting a draft
        }
        else if constexpr (std::is_same_v<C, ProposeAgreementItem>) return ctx.actor_runs_queue();
        else
          return std::is_same_v<C, Join> || std::is_same_v<C, UpdateProfile> || std::is_same_v<C, SetPresence> ||
                 std::is_same_v<C, AddProxy> || std::is_same_v<C, SetRole> || std::is_same_v<C, HandOverFacilitation> ||
                 std::is_same_v<C, RemoveParticipant> || std::is_same_v<C, SetLocked> || std::is_same_v<C, EndMeeting> ||
                 std::is_same_v<C, SetPolicy> || std::is_same_v<C, SetTurnLimit> || std::is_same_v<C, CancelPoll> ||
                 std::is_same_v<C, SetSignalSettings> || std::is_same_v<C, AddAgendaItem> || std::is_same_v<C, SetCallLink> ||
                 std::is_same_v<C, SetPointsShown> || std::is_same_v<C, SetPointsModerated> || std::is_same_v<C, StartMeeting>;
      },
      command);
}

}  // namespace rules

Outcome decide(const MeetingState& state, ParticipantId actor, const Command& command, Millis now) {
  const rules::Context ctx{state, actor, now};
  if (state.ended) return Outcome::reject(ErrorCode::meeting_ended, "this meeting has ended; it can be read, not changed");
  // Every command but a join comes from someone in the meeting (or from the server itself).
  if (!std::holds_alternative<Join>(command) && actor != server_actor && !state.find_active(actor))
    return rules::unknown(actor);
  if (!state.started && actor != server_actor && !rules::preparation(ctx, command))
    return Outcome::reject(ErrorCode::not_started,
                           "the meeting has not started yet: a facilitator starts it (start_meeting) when everyone is ready");
  return std::visit([&](const auto& c) { return rules::decide_command(ctx, c); }, command);
}

void apply(MeetingState& state, const Stamped& stamped) {
  assert(stamped.seq == state.seq + 1);
  std::visit([&](const auto& e) { rules::apply_event(state, e, stamped.at); }, stamped.event);
  state.seq = stamped.seq;
}

MeetingState replay(const std::vector<Stamped>& log) {
  MeetingState state;
  for (const auto& stamped : log) apply(state, stamped);
  return state;
}

std::vector<Stamped> stamp(const MeetingState& state, std::vector<Event> events, Millis now) {
  std::vector<Stamped> stamped;
  stamped.reserve(events.size());
  Seq seq = state.seq;
  for (auto& e : events) stamped.push_back(Stamped{++seq, now, std::move(e)});
  return stamped;
}

Handled handle(MeetingState& state, ParticipantId actor, const Command& command, Millis now) {
  Outcome outcome = decide(state, actor, command, now);
  if (!outcome.accepted()) return Handled{{}, std::move(outcome.rejection)};
  Handled handled{stamp(state, std::move(outcome.events), now), std::nullopt};
  for (const auto& e : handled.events) apply(state, e);
  return handled;
}

std::optional<Millis> turn_overrun(const MeetingState& state, Millis now) {
  if (!state.turn || state.turn_limit_seconds == 0) return std::nullopt;
  const Millis over = now - state.turn->started_at - Millis{state.turn_limit_seconds} * 1000;
  if (over <= 0) return std::nullopt;
  return over;
}

}  // namespace everyvoice::core
