// The Markdown minutes as a secretary would sign them (issue 14, items 4 and 11): date, start and
// end; who was there, by place; a contested decision's whole path (versions, the objection and how
// it was resolved in the objector's own answer, the concern, the stand-aside); go-rounds; open
// points; plain words: no enum names, no escapes, no HTML.
// EVERYVOICE_PRINT_MINUTES=1 prints the minutes rendered here.
#include "codec/minutes.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "../core/meeting_fixture.hpp"

namespace everyvoice::codec {
namespace {

using namespace everyvoice::core;

class MinutesTest : public core::testing::MeetingFixture {
 protected:
  ParticipantId fac = 0, ana = 0, bo = 0, cy = 0, gran = 0;

  void SetUp() override {
    now = 1'796'148'000'000;  // 1 December 2026, 18:00 UTC
    const auto opened = stamp(state, {MeetingOpened{"Tenants' forum: the garden"}}, now);
    for (const auto& e : opened) apply(state, e);
    log.insert(log.end(), opened.begin(), opened.end());
    fac = join("Fatima", Role::facilitator, Location::in_room);
    ana = join("Ana", Role::participant, Location::in_room);
    bo = join("Bo", Role::participant, Location::remote);
    cy = join("Cy", Role::participant, Location::remote);
    ok(fac, AddProxy{"Gran", Location::in_room});
    gran = static_cast<ParticipantId>(state.participants.size());
  }

  std::string minutes() {
    const std::string md = render_minutes(state, "K7MQ4T", "md", now);
    if (const char* print = std::getenv("EVERYVOICE_PRINT_MINUTES"); print && *print == '1') std::cout << md << "\n";
    return md;
  }
  static bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
};

// The creating browser's time zone (TimeZoneSet, seq 2) sets every date and time of the minutes,
// and the minutes say which zone and offset they use.
TEST_F(MinutesTest, DatesAndTimesAreInTheMeetingsOwnTimeZone) {
  const auto zone = stamp(state, {TimeZoneSet{"Pacific/Auckland", 13 * 60}}, now);
  for (const auto& e : zone) apply(state, e);
  // Opened 18:00 UTC on 1 December: 07:00 on 2 December in Auckland.
  ok(fac, PresentProposal{"Open the garden", "On Sundays.", 0, false});
  ok(fac, SetConsentPhase{1, ConsentPhase::consent});
  advance(30 * 60 * 1000);
  ok(fac, AdoptProposal{1, ""});
  advance(17 * 60 * 60 * 1000);  // ended 11:30 UTC on 2 December: 00:30 on 3 December there
  ok(fac, EndMeeting{});
  const std::string md = minutes();
  EXPECT_TRUE(has(md, "on 2 December 2026. Started 07:00, ended 3 December 2026, 00:30. "
                      "Times are Pacific/Auckland time (UTC+13:00).")) << md;
  EXPECT_TRUE(has(md, "Decided by ")) << md;
  EXPECT_TRUE(has(md, ", 2 December 2026 at 07:30: ")) << md;
  EXPECT_FALSE(has(md, "UTC,")) << md;

  // West of UTC, with half hours, and a zone named only by its offset.
  state.time_zone = "";
  state.utc_offset_minutes = -(3 * 60 + 30);
  const std::string west = minutes();
  EXPECT_TRUE(has(west, "on 1 December 2026. Started 14:30, ended 2 December 2026, 08:00. Times are UTC-03:30.")) << west;
}

TEST_F(MinutesTest, AContestedDecisionShowsItsWholePathInPlainWords) {
  ok(fac, PresentProposal{"Open the garden on Sundays", "The garden opens every Sunday.\nKeys stay with Ana.", 0, false});
  ok(fac, SetConsentPhase{1, ConsentPhase::consent});
  ok(bo, AnswerConsent{1, bo, ConsentAnswer::objection, "Nobody has said who locks up"});
  ok(fac, AmendProposal{1, "The garden opens every Sunday; Bo and Ana take turns to lock up.", "Open and lock the garden on Sundays"});
  ok(bo, AnswerConsent{1, bo, ConsentAnswer::consent, "Happy with that"});
  ok(ana, AnswerConsent{1, ana, ConsentAnswer::concern, "Winter evenings are dark"});
  ok(cy, AnswerConsent{1, cy, ConsentAnswer::stand_aside, "I never go there"});
  ok(fac, AnswerConsent{1, fac, ConsentAnswer::consent, ""});
  advance(65 * 60 * 1000);
  ok(fac, AdoptProposal{1, "2027-06-30"});
  ok(fac, EndMeeting{});
  const std::string md = minutes();

  EXPECT_TRUE(has(md, "on 1 December 2026. Started 18:00, ended 19:05. Times are UTC.")) << md;
  EXPECT_TRUE(has(md, "- In the room: Fatima and Ana\n")) << md;
  EXPECT_TRUE(has(md, "- Remote: Bo and Cy\n")) << md;
  EXPECT_TRUE(has(md, "- Taking part through a facilitator (proxy): Gran\n")) << md;
  // Both versions, the objection and how it ended in Bo's own answer, the concern and the stand-aside.
  EXPECT_TRUE(has(md, "- Version 1: The garden opens every Sunday. / Keys stay with Ana.\n")) << md;
  EXPECT_TRUE(has(md, "- Version 2 (the last), titled \"Open and lock the garden on Sundays\": The garden opens every Sunday; "
                      "Bo and Ana take turns to lock up.")) << md;
  EXPECT_TRUE(has(md, "### Decision 1: Open and lock the garden on Sundays")) << md;
  EXPECT_TRUE(has(md, "- Objection by Bo to version 1: Nobody has said who locks up. Answered by amending the proposal "
                      "(version 2); Bo then consents: Happy with that.")) << md;
  EXPECT_TRUE(has(md, "Ana (Winter evenings are dark) consents with a concern")) << md;
  EXPECT_TRUE(has(md, "Cy (I never go there) stands aside")) << md;
  EXPECT_TRUE(has(md, "To be reviewed by 2027-06-30.")) << md;
  // Plain words: no enum names, no Markdown escapes, no HTML, no "1 upvotes".
  for (const char* raw : {"in_room", "stand_aside", "taken_up", "consent_round", "\\.", "\\-", "<br>", "1 upvotes"})
    EXPECT_FALSE(has(md, raw)) << "the minutes show " << raw << ":\n" << md;
}

TEST_F(MinutesTest, GoRoundsAndOpenPointsAreKept) {
  ok(fac, StartRound{"Check-in", RoundOrder::join_order, 0});
  ok(fac, RoundSpeak{});
  advance(20'000);
  ok(fac, EndTurn{});
  ok(ana, RoundPass{});
  ok(fac, RoundSkip{"stepped out"});
  ok(cy, RoundPass{});
  ok(fac, RoundPass{});  // for Gran
  ok(ana, SubmitPoint{PointKind::question, "Who pays for the seeds?", false});
  ok(bo, UpvotePoint{1});
  ok(cy, SubmitPoint{PointKind::point, "More benches", true});
  ok(fac, SetPointStatus{2, PointStatus::taken_up, ""});
  const std::string md = minutes();
  EXPECT_TRUE(has(md, "- Go-round 1: Check-in. Spoke: Fatima. Passed: Ana, Cy and Gran. Skipped: Bo (stepped out).")) << md;
  EXPECT_TRUE(has(md, "## Written points still open\n\n- Question: Who pays for the seeds? (1 upvote)\n")) << md;
  EXPECT_TRUE(has(md, "## Written points taken up or answered\n\n- Point: More benches (0 upvotes)\n")) << md;
  EXPECT_TRUE(has(md, "still running when these minutes were made")) << md;
}

// A point still waiting for approval in a moderated meeting is counted, never quoted: nobody but
// the facilitators and its writer saw it.
TEST_F(MinutesTest, PointsStillWaitingForApprovalAreCountedNotQuoted) {
  ok(fac, SetPointsModerated{true});
  ok(ana, SubmitPoint{PointKind::point, "Something I wrote in anger", false});
  ok(bo, SubmitPoint{PointKind::question, "Approved question?", false});
  ok(fac, SetPointStatus{2, PointStatus::open, ""});
  const std::string md = minutes();
  EXPECT_TRUE(has(md, "## Written points still open\n\n- Question: Approved question? (0 upvotes)\n\n1 written point still waited for a facilitator's approval.")) << md;
  EXPECT_FALSE(has(md, "in anger")) << md;
}

}  // namespace
}  // namespace everyvoice::codec
