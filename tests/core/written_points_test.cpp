// Written points and questions: submitted named or anonymously, upvoted once per person, taken up,
// marked answered, or hidden with a recorded reason by a facilitator.
#include "core/meeting.hpp"

#include "meeting_fixture.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace everyvoice::core {
namespace {


class WrittenPointsTest : public testing::RoomFixture {
 protected:
  const WrittenPoint& point(std::uint32_t id) const { return state.points.at(id - 1); }
};

// The room display shows the top written points: the facilitators choose how many (0 to 5).
TEST_F(WrittenPointsTest, FacilitatorsChooseHowManyPointsTheRoomDisplayShows) {
  EXPECT_EQ(state.points_shown, 0u) << "none until asked";
  refused(ana, SetPointsShown{3}, ErrorCode::not_allowed);
  refused(display, SetPointsShown{3}, ErrorCode::not_allowed);
  ok(co, SetPointsShown{3});
  EXPECT_EQ(state.points_shown, 3u);
  EXPECT_EQ(log.back().event, (Event{PointsShownChanged{3}}));
  const auto before = log.size();
  ok(fac, SetPointsShown{3});
  EXPECT_EQ(log.size(), before) << "unchanged: no event";
  refused(fac, SetPointsShown{6}, ErrorCode::invalid_argument);
  ok(fac, SetPointsShown{0});
  EXPECT_EQ(state.points_shown, 0u);
}

// Moderated points (as Slido's moderated Q&A): while on, a new point is pending until a facilitator
// opens it (approves) or hides it with a reason; nobody can upvote it meanwhile; a point written by
// someone who runs the queue is open at once; turning moderation off leaves waiting points waiting.
TEST_F(WrittenPointsTest, ModeratedPointsWaitForAFacilitatorsApproval) {
  EXPECT_FALSE(state.points_moderated);
  refused(ana, SetPointsModerated{true}, ErrorCode::not_allowed);
  refused(display, SetPointsModerated{true}, ErrorCode::not_allowed);
  ok(co, SetPointsModerated{true});
  EXPECT_TRUE(state.points_moderated);
  EXPECT_EQ(log.back().event, (Event{PointsModerationChanged{true}}));
  const auto before = log.size();
  ok(fac, SetPointsModerated{true});
  EXPECT_EQ(log.size(), before) << "unchanged: no event";

  ok(ana, SubmitPoint{PointKind::question, "Who books the room?", false});
  ok(bo, SubmitPoint{PointKind::point, "Something rude", true});
  ok(co, SubmitPoint{PointKind::point, "Break at eight", false});
  EXPECT_EQ(point(1).status, PointStatus::pending);
  EXPECT_EQ(point(2).status, PointStatus::pending);
  EXPECT_EQ(point(3).status, PointStatus::open) << "a co-facilitator's own point needs no approval";
  refused(bo, UpvotePoint{1}, ErrorCode::closed);
  refused(fac, SetPointStatus{3, PointStatus::pending, ""}, ErrorCode::invalid_argument);
  refused(ana, SetPointStatus{1, PointStatus::open, ""}, ErrorCode::not_allowed);
  ok(fac, SetPointStatus{1, PointStatus::open, ""});  // approved
  EXPECT_EQ(point(1).status, PointStatus::open);
  ok(bo, UpvotePoint{1});
  refused(fac, SetPointStatus{2, PointStatus::hidden, ""}, ErrorCode::reason_required);
  ok(fac, SetPointStatus{2, PointStatus::hidden, "not about the agenda"});  // declined, with a reason

  ok(fac, SubmitPoint{PointKind::point, "Anonymous, even from a facilitator", true});
  EXPECT_EQ(point(4).status, PointStatus::pending) << "anonymous: nobody knows who runs the queue";
  ok(fac, SetPointsModerated{false});
  EXPECT_EQ(point(4).status, PointStatus::pending) << "still waiting once moderation ends";
  ok(ana, SubmitPoint{PointKind::point, "Open at once", false});
  EXPECT_EQ(point(5).status, PointStatus::open);
}

TEST_F(WrittenPointsTest, SubmitANamedPointOrQuestion) {
  ASSERT_TRUE(state.points.empty());
  const Handled h = run(ana, SubmitPoint{PointKind::question, "  Who books the room?  ", false});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{PointSubmitted{1, PointKind::question, "Who books the room?", ana}}));
  const WrittenPoint& p = point(1);
  EXPECT_EQ(p.id, 1u);
  EXPECT_EQ(p.kind, PointKind::question);
  EXPECT_EQ(p.text, "Who books the room?");
  EXPECT_EQ(p.author, ana);
  EXPECT_EQ(p.status, PointStatus::open);
  EXPECT_TRUE(p.reason.empty());
  EXPECT_TRUE(p.upvoters.empty());
  EXPECT_EQ(p.at, now);
  advance(1'000);
  ok(fac, SubmitPoint{PointKind::point, "Budget is tight", false});
  EXPECT_EQ(point(2).kind, PointKind::point);
  EXPECT_EQ(point(2).at, now);
}

TEST_F(WrittenPointsTest, AnAnonymousPointHasNoAuthor) {
  const Handled h = run(bo, SubmitPoint{PointKind::point, "I feel rushed", true});
  ASSERT_TRUE(h.accepted());
  EXPECT_EQ(h.events[0].event, (Event{PointSubmitted{1, PointKind::point, "I feel rushed", 0}}));
  EXPECT_EQ(point(1).author, 0u);
  EXPECT_EQ(replay(log).points.at(0).author, 0u);
}

TEST_F(WrittenPointsTest, SubmittingChecksRoleAndText) {
  refused(display, SubmitPoint{PointKind::point, "Hello", false}, ErrorCode::not_allowed);
  refused(ana, SubmitPoint{PointKind::point, "", false}, ErrorCode::text_invalid);
  refused(ana, SubmitPoint{PointKind::point, " \n\t ", true}, ErrorCode::text_invalid);
  refused(ana, SubmitPoint{PointKind::point, std::string(max_point_chars + 1, 'p'), false}, ErrorCode::text_invalid);
  refused(ana, SubmitPoint{PointKind::question, "bad\x01text", false}, ErrorCode::text_invalid);
  ok(ana, SubmitPoint{PointKind::point, std::string(max_point_chars, 'p'), false});
  ok(ana, SubmitPoint{PointKind::point, "two lines\nare fine", false});
}

TEST_F(WrittenPointsTest, EachPersonUpvotesAPointOnce) {
  ok(ana, SubmitPoint{PointKind::question, "Who books the room?", false});
  const Handled h = run(bo, UpvotePoint{1});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{PointUpvoted{1, bo}}));
  refused(bo, UpvotePoint{1}, ErrorCode::already_voted);
  ok(cy, UpvotePoint{1});
  ok(ana, UpvotePoint{1});  // the author may upvote too
  EXPECT_EQ(point(1).upvoters, (std::set<ParticipantId>{ana, bo, cy}));
  refused(cy, UpvotePoint{1}, ErrorCode::already_voted);
  refused(cy, UpvotePoint{2}, ErrorCode::not_found);
  refused(cy, UpvotePoint{0}, ErrorCode::not_found);
  refused(display, UpvotePoint{1}, ErrorCode::not_allowed);
  EXPECT_EQ(point(1).upvoters.size(), 3u);
}

TEST_F(WrittenPointsTest, SortedByVotesTheMostSupportedComeFirst) {
  ok(ana, SubmitPoint{PointKind::point, "First", false});
  ok(bo, SubmitPoint{PointKind::point, "Second", true});
  ok(cy, SubmitPoint{PointKind::question, "Third", false});
  for (ParticipantId who : {fac, co, ana}) ok(who, UpvotePoint{3});
  ok(fac, UpvotePoint{2});
  std::vector<WrittenPoint> sorted = state.points;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const WrittenPoint& a, const WrittenPoint& b) { return a.upvoters.size() > b.upvoters.size(); });
  EXPECT_EQ(sorted[0].id, 3u);
  EXPECT_EQ(sorted[1].id, 2u);
  EXPECT_EQ(sorted[2].id, 1u);
}

TEST_F(WrittenPointsTest, FacilitatorTakesUpAndAnswers) {
  ok(ana, SubmitPoint{PointKind::question, "Who books the room?", false});
  refused(ana, SetPointStatus{1, PointStatus::taken_up, ""}, ErrorCode::not_allowed);
  refused(fac, SetPointStatus{2, PointStatus::taken_up, ""}, ErrorCode::not_found);
  const Handled h = run(co, SetPointStatus{1, PointStatus::taken_up, ""});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{PointStatusChanged{1, PointStatus::taken_up, ""}}));
  EXPECT_EQ(point(1).status, PointStatus::taken_up);
  // The same status again changes nothing and logs nothing.
  const MeetingState before = state;
  const Handled same = run(fac, SetPointStatus{1, PointStatus::taken_up, ""});
  ASSERT_TRUE(same.accepted());
  EXPECT_TRUE(same.events.empty());
  EXPECT_EQ(state, before);
  ok(fac, SetPointStatus{1, PointStatus::answered, "ignored for anything but hiding"});
  EXPECT_EQ(point(1).status, PointStatus::answered);
  EXPECT_TRUE(point(1).reason.empty());
  ok(bo, UpvotePoint{1});  // an answered point may still be upvoted
}

TEST_F(WrittenPointsTest, HidingNeedsAReasonAndStopsUpvotes) {
  ok(ana, SubmitPoint{PointKind::point, "Off-topic rant", false});
  ok(bo, UpvotePoint{1});
  refused(fac, SetPointStatus{1, PointStatus::hidden, ""}, ErrorCode::reason_required);
  refused(fac, SetPointStatus{1, PointStatus::hidden, "   "}, ErrorCode::reason_required);
  refused(fac, SetPointStatus{1, PointStatus::hidden, std::string(max_reason_chars + 1, 'r')}, ErrorCode::text_invalid);
  refused(ana, SetPointStatus{1, PointStatus::hidden, "mine"}, ErrorCode::not_allowed);
  ok(fac, SetPointStatus{1, PointStatus::hidden, "  personal details  "});
  EXPECT_EQ(point(1).status, PointStatus::hidden);
  EXPECT_EQ(point(1).reason, "personal details");
  EXPECT_EQ(log.back().event, (Event{PointStatusChanged{1, PointStatus::hidden, "personal details"}}));
  refused(cy, UpvotePoint{1}, ErrorCode::closed);
  EXPECT_EQ(point(1).upvoters.size(), 1u);
  // Showing it again clears the reason.
  ok(fac, SetPointStatus{1, PointStatus::open, ""});
  EXPECT_EQ(point(1).status, PointStatus::open);
  EXPECT_TRUE(point(1).reason.empty());
  ok(cy, UpvotePoint{1});
}

TEST_F(WrittenPointsTest, ReplayRebuildsThePoints) {
  ok(ana, SubmitPoint{PointKind::point, "One", false});
  advance(5'000);
  ok(bo, SubmitPoint{PointKind::question, "Two", true});
  ok(cy, UpvotePoint{1});
  ok(fac, SetPointStatus{2, PointStatus::taken_up, ""});
  ok(fac, SetPointStatus{1, PointStatus::hidden, "duplicate"});
  EXPECT_EQ(replay(log), state);
}

}  // namespace
}  // namespace everyvoice::core
