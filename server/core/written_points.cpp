// Written points and questions: named or anonymous, upvoted once per person, taken up, answered or
// hidden (with a reason) by a facilitator.
#include "core/rules.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

namespace everyvoice::core::rules {
namespace {

const WrittenPoint* find_point(const MeetingState& s, std::uint32_t id) {
  return id >= 1 && id <= s.points.size() ? &s.points[id - 1] : nullptr;
}

Outcome no_point(std::uint32_t id) {
  return Outcome::reject(ErrorCode::not_found, "there is no written point " + std::to_string(id));
}

}  // namespace

Outcome decide_command(const Context& ctx, const SubmitPoint& c) {
  const Participant* p = ctx.actor_participant();
  if (!p || p->role == Role::observer) return not_allowed("write a point");
  if (auto bad = check_text(c.text, max_point_chars, "A written point", true)) return *bad;
  const auto id = static_cast<std::uint32_t>(ctx.state.points.size() + 1);
  std::vector<Event> events{PointSubmitted{id, c.kind, std::string(trim(c.text)), c.anonymous ? 0 : ctx.actor}};
  // Only the secret's hash is kept: the secret stays in its author's browser.
  if (!c.follow.empty()) events.emplace_back(PointFollowable{id, sha256_hex(c.follow)});
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const UpvotePoint& c) {
  const Participant* p = ctx.actor_participant();
  if (!p || p->role == Role::observer) return not_allowed("upvote");
  const WrittenPoint* point = find_point(ctx.state, c.point);
  if (!point) return no_point(c.point);
  if (point->status == PointStatus::hidden) return Outcome::reject(ErrorCode::closed, "this point was hidden");
  if (point->status == PointStatus::pending)
    return Outcome::reject(ErrorCode::closed, "this point waits for a facilitator's approval");
  if (point->upvoters.contains(ctx.actor))
    return Outcome::reject(ErrorCode::already_voted, "you have upvoted this point already");
  return Outcome::of({PointUpvoted{c.point, ctx.actor}});
}

Outcome decide_command(const Context& ctx, const SetPointStatus& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("take up, answer or hide written points");
  const WrittenPoint* point = find_point(ctx.state, c.point);
  if (!point) return no_point(c.point);
  if (c.status == PointStatus::pending)
    return Outcome::reject(ErrorCode::invalid_argument, "a point is pending only from when it is written until it is approved");
  std::string reason;
  if (c.status == PointStatus::hidden) {
    if (auto bad = check_reason(c.reason, "Hiding a point")) return *bad;
    reason = std::string(trim(c.reason));
  }
  if (point->status == c.status) return Outcome::of({});
  return Outcome::of({PointStatusChanged{c.point, c.status, std::move(reason)}});
}

// The room display shows written points: those taken up, then the most upvoted open ones.
Outcome decide_command(const Context& ctx, const SetPointsShown& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("choose the points on the room display");
  if (c.count > max_points_shown)
    return Outcome::reject(ErrorCode::invalid_argument, "the room display shows 0 to " + std::to_string(max_points_shown) + " points");
  if (ctx.state.points_shown == c.count) return Outcome::of({});
  return Outcome::of({PointsShownChanged{c.count}});
}

// While points are moderated, a new point is pending until a facilitator opens (approves) or hides
// it, unless its named author runs the queue.
Outcome decide_command(const Context& ctx, const SetPointsModerated& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("choose whether points are approved first");
  if (ctx.state.points_moderated == c.moderated) return Outcome::of({});
  return Outcome::of({PointsModerationChanged{c.moderated}});
}

void apply_event(MeetingState& s, const PointSubmitted& e, Millis at) {
  WrittenPoint p;
  p.id = e.point;
  p.kind = e.kind;
  p.text = e.text;
  p.author = e.author;
  p.at = at;
  if (s.points_moderated && !(e.author != 0 && runs_queue(s.participants[e.author - 1].role))) p.status = PointStatus::pending;
  s.points.push_back(std::move(p));
}

// "You said, we did": a point goes on to the meeting's group, where it has a status its author can
// follow. Only a point others can see (not pending, not hidden), once.
Outcome decide_command(const Context& ctx, const CarryPointForward& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("carry a point forward to the group");
  if (ctx.state.group.group.empty())
    return Outcome::reject(ErrorCode::invalid_argument, "this meeting is not part of a group: there is nowhere to carry a point to");
  const WrittenPoint* point = find_point(ctx.state, c.point);
  if (!point) return no_point(c.point);
  if (point->status == PointStatus::hidden || point->status == PointStatus::pending)
    return Outcome::reject(ErrorCode::invalid_argument, "only a point others can see can be carried forward");
  if (point->carried) return Outcome::of({});
  return Outcome::of({PointCarried{c.point}});
}

void apply_event(MeetingState& s, const PointFollowable& e, Millis) { s.points[e.point - 1].follow_hash = e.follow_hash; }

void apply_event(MeetingState& s, const PointCarried& e, Millis) { s.points[e.point - 1].carried = true; }

void apply_event(MeetingState& s, const PointUpvoted& e, Millis) { s.points[e.point - 1].upvoters.insert(e.who); }

void apply_event(MeetingState& s, const PointStatusChanged& e, Millis) {
  auto& p = s.points[e.point - 1];
  p.status = e.status;
  p.reason = e.reason;
}

void apply_event(MeetingState& s, const PointsShownChanged& e, Millis) { s.points_shown = e.count; }

void apply_event(MeetingState& s, const PointsModerationChanged& e, Millis) { s.points_moderated = e.moderated; }

}  // namespace everyvoice::core::rules
