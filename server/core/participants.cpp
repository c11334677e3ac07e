// Joining, roles, presence, proxies, removal and the join lock.
#include <algorithm>

#include "core/record_words.hpp"
#include "core/rules.hpp"
#include "core/speaking_queue.hpp"
#include "core/text.hpp"

namespace everyvoice::core::rules {
namespace {

// The id the next person to join will get.
ParticipantId next_id(const MeetingState& s) { return static_cast<ParticipantId>(s.participants.size() + 1); }

std::size_t facilitator_count(const MeetingState& s) {
  std::size_t n = 0;
  for (const auto& p : s.participants)
    if (!p.removed && p.role == Role::facilitator) ++n;
  return n;
}

// Checks a new display name: valid, and not used by anyone still in the meeting.
std::optional<Outcome> check_new_name(const MeetingState& s, std::string_view raw, std::string& clean) {
  std::string why;
  auto name = clean_display_name(raw, max_name_chars, why);
  if (!name) return Outcome::reject(ErrorCode::name_invalid, why);
  if (s.name_keys.contains(fold_name(*name)))
    return Outcome::reject(ErrorCode::name_taken,
                           "someone in this meeting is already called \"" + *name + "\"; please add something");
  clean = std::move(*name);
  return std::nullopt;
}

// The events that take a person out of the floor and the queue, for removal or leaving the role.
void leave_floor(const Context& ctx, ParticipantId who, std::vector<Event>& events) {
  if (ctx.state.turn && ctx.state.turn->who == who) {
    auto ended = end_current_turn(ctx);
    events.insert(events.end(), ended.begin(), ended.end());
  }
}

}  // namespace

Outcome decide_command(const Context& ctx, const Join& c) {
  // A facilitator (the shell checked their key) gets in even when locked: they must never be locked out.
  if (ctx.state.locked && c.role != Role::facilitator)
    return Outcome::reject(ErrorCode::meeting_locked, "the meeting is locked to new joins");
  std::string name;
  if (auto bad = check_new_name(ctx.state, c.name, name)) return *bad;
  const ParticipantId id = next_id(ctx.state);
  std::vector<Event> events{ParticipantJoined{id, std::move(name), c.role, c.location, c.preference, false}};
  // In a meeting of a group every join says whether the person is a member present (0: not, or
  // not known), so that the events of a member's join look like anyone's (the seq advances by two
  // for everyone). A room display (an observer) is a screen, not a person: never a member.
  if (!ctx.state.group.group.empty())
    events.emplace_back(MemberAttended{id, c.role == Role::observer ? 0 : c.member});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const AddProxy& c) {
  if (!ctx.actor_is_facilitator()) return not_allowed("add a proxy participant");
  std::string name;
  if (auto bad = check_new_name(ctx.state, c.name, name)) return *bad;
  return Outcome::of({ParticipantJoined{next_id(ctx.state), std::move(name), Role::participant, c.location,
                                        Preference::none, true}});
}

Outcome decide_command(const Context& ctx, const UpdateProfile& c) {
  const Participant* p = ctx.state.find_active(c.who);
  if (!p) return unknown(c.who);
  if (!ctx.acts_for(c.who)) return not_allowed("change someone else's details");
  if (p->location == c.location && p->preference == c.preference) return Outcome::of({});
  return Outcome::of({ProfileChanged{c.who, c.location, c.preference}});
}

Outcome decide_command(const Context& ctx, const SetPresence& c) {
  const Participant* p = ctx.state.find_active(c.who);
  if (!p) return unknown(c.who);
  if (ctx.actor != server_actor && !ctx.acts_for(c.who) && !ctx.actor_runs_queue())
    return not_allowed("change someone else's presence");
  if (p->presence == c.presence) return Outcome::of({});
  std::vector<Event> events;
  // Someone who steps away while holding the floor gives it up; their hand keeps its place.
  if (c.presence == Presence::away) leave_floor(ctx, c.who, events);
  events.push_back(PresenceChanged{c.who, c.presence});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const SetRole& c) {
  if (!ctx.actor_is_facilitator()) return not_allowed("change roles");
  const Participant* p = ctx.state.find_active(c.who);
  if (!p) return unknown(c.who);
  if (p->proxy && c.role != Role::participant)
    return Outcome::reject(ErrorCode::invalid_argument, "a proxy participant can only be a participant");
  if (p->role == c.role) return Outcome::of({});
  if (p->role == Role::facilitator && facilitator_count(ctx.state) == 1)
    return Outcome::reject(ErrorCode::last_facilitator,
                           "the meeting needs a facilitator: hand the role over to someone first");
  std::vector<Event> events;
  if (c.role == Role::observer) {
    leave_floor(ctx, c.who, events);
    if (ctx.state.queue_entry(c.who)) events.push_back(HandLowered{c.who});
  }
  events.push_back(RoleChanged{c.who, c.role});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const HandOverFacilitation& c) {
  if (!ctx.actor_is_facilitator()) return not_allowed("hand over facilitation");
  const Participant* to = ctx.state.find_active(c.to);
  if (!to) return unknown(c.to);
  if (c.to == ctx.actor) return Outcome::reject(ErrorCode::invalid_argument, "you are already a facilitator");
  if (to->proxy || to->role == Role::observer)
    return Outcome::reject(ErrorCode::invalid_argument,
                           "facilitation goes to a person with a device, not a proxy or a room display");
  std::vector<Event> events;
  if (to->role != Role::facilitator) events.push_back(RoleChanged{c.to, Role::facilitator});
  events.push_back(RoleChanged{ctx.actor, Role::participant});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const RemoveParticipant& c) {
  if (!ctx.actor_is_facilitator()) return not_allowed("remove a participant");
  const Participant* p = ctx.state.find_active(c.who);
  if (!p) return unknown(c.who);
  if (c.who == ctx.actor) return Outcome::reject(ErrorCode::invalid_argument, "you cannot remove yourself");
  std::vector<Event> events;
  leave_floor(ctx, c.who, events);
  events.push_back(ParticipantRemoved{c.who});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const SetLocked& c) {
  if (!ctx.actor_is_facilitator()) return not_allowed("lock or unlock the meeting");
  if (ctx.state.locked == c.locked) return Outcome::of({});
  return Outcome::of({LockChanged{c.locked}});
}

// The video call's link: facilitators only (co-facilitators run the queue, not the meeting's
// settings); an https:// address, or empty to take it away.
Outcome decide_command(const Context& ctx, const SetCallLink& c) {
  if (!ctx.actor_is_facilitator()) return not_allowed("set the meeting's call link");
  const std::string_view link = trim(c.link);
  if (!link.empty())
    if (auto why = call_link_problem(link, max_call_link_bytes)) return Outcome::reject(ErrorCode::invalid_argument, *why);
  if (ctx.state.call_link == link) return Outcome::of({});
  return Outcome::of({CallLinkSet{std::string(link)}});
}

// What still runs ends with the meeting, each as its own command would end it, so that the minutes
// tell how: the turn and the go-round end; an open poll is cancelled (its votes are not counted:
// close it first to keep its result); a proposal still under discussion closes as not adopted,
// "the meeting ended", with its entry in the decision record; the agenda has no current item.
Outcome decide_command(const Context& ctx, const StartMeeting&) {
  if (!ctx.actor_runs_queue()) return not_allowed("start the meeting");
  if (ctx.state.started) return Outcome::of({});  // already started: nothing to do
  return Outcome::of({MeetingStarted{}});
}

Outcome decide_command(const Context& ctx, const EndMeeting&) {
  if (!ctx.actor_is_facilitator()) return not_allowed("end the meeting");
  MeetingState after = ctx.state;  // the state as each ending leaves it, for the next to decide on
  std::vector<Event> events;
  const auto take = [&](std::vector<Event> more) {
    for (const auto& stamped : stamp(after, more, ctx.now)) apply(after, stamped);
    events.insert(events.end(), more.begin(), more.end());
  };
  take(end_current_turn(ctx));
  if (const GoRound* r = after.active_round()) take({RoundEnded{r->round_no, false}});
  for (const Poll& poll : ctx.state.polls) {
    if (poll.status != PollStatus::open) continue;
    if (auto o = decide(after, ctx.actor, CancelPoll{poll.id}, ctx.now); o.accepted()) take(std::move(o.events));
  }
  for (const Proposal& p : ctx.state.proposals) {
    if (p.phase != ConsentPhase::clarifying && p.phase != ConsentPhase::reactions && p.phase != ConsentPhase::consent) continue;
    if (auto o = decide(after, ctx.actor, CloseProposal{p.id, false, record_words(ctx.state.language, "reason.meeting_ended")}, ctx.now); o.accepted())
      take(std::move(o.events));
  }
  if (after.current_item != 0) take({AgendaItemStarted{0}});
  events.push_back(MeetingEnded{});
  return Outcome::of(std::move(events));
}

void apply_event(MeetingState& s, const MeetingEnded&, Millis at) {
  s.ended = true;
  s.ended_at = at;
  s.queue.clear();
}

void apply_event(MeetingState& s, const MeetingOpened& e, Millis at) {
  s.title = e.title;
  s.opened_at = at;
}

void apply_event(MeetingState& s, const TimeZoneSet& e, Millis) {
  s.time_zone = e.zone;
  s.utc_offset_minutes = e.utc_offset_minutes;
}

void apply_event(MeetingState& s, const LanguageSet& e, Millis) { s.language = e.language; }

void apply_event(MeetingState& s, const MeetingScheduled&, Millis) { s.started = false; }

void apply_event(MeetingState& s, const MeetingStarted&, Millis at) {
  s.started = true;
  s.started_at = at;
}

void apply_event(MeetingState& s, const ParticipantJoined& e, Millis at) {
  Participant p;
  p.id = e.id;
  p.name = e.name;
  p.role = e.role;
  p.location = e.location;
  p.preference = e.preference;
  p.proxy = e.proxy;
  p.joined_at = at;
  s.name_keys.emplace(fold_name(e.name), e.id);
  s.participants.push_back(std::move(p));
}

void apply_event(MeetingState& s, const ProfileChanged& e, Millis) {
  auto& p = s.participants[e.id - 1];
  p.location = e.location;
  p.preference = e.preference;
}

void apply_event(MeetingState& s, const PresenceChanged& e, Millis) { s.participants[e.id - 1].presence = e.presence; }

void apply_event(MeetingState& s, const RoleChanged& e, Millis) { s.participants[e.id - 1].role = e.role; }

void apply_event(MeetingState& s, const ParticipantRemoved& e, Millis) {
  auto& p = s.participants[e.id - 1];
  p.removed = true;
  s.name_keys.erase(fold_name(p.name));
  leave_queue(s, e.id);
}

void apply_event(MeetingState& s, const LockChanged& e, Millis) { s.locked = e.locked; }
void apply_event(MeetingState& s, const CallLinkSet& e, Millis) { s.call_link = e.link; }

}  // namespace everyvoice::core::rules
