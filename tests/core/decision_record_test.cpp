// The decision record: append-only, every entry chained to the one before by SHA-256, a check that
// finds the first edited entry, review dates, and the agenda item each decision belongs to.
#include "core/decision_record.hpp"

#include "meeting_fixture.hpp"

#include <string>
#include <vector>

#include "core/sha256.hpp"

namespace everyvoice::core {
namespace {

using testing::MeetingFixture;

class DecisionRecordTest : public MeetingFixture {
 protected:
  ParticipantId fac = 0, ana = 0, bo = 0, cy = 0;

  void SetUp() override {
    fac = join("Fac", Role::facilitator);
    ana = join("Ana");
    bo = join("Bo");
    cy = join("Cy");
  }

  // Three decisions made three ways: a quick consent check, a decision poll, a consent round.
  void make_three_decisions() {
    ok(ana, ProposeAgreementItem{"Phones on silent", false});
    ok(fac, QuickConsentCheck{1, true});
    advance(60'000);
    PollSpec spec;
    spec.question = "Meet monthly?";
    spec.options = {"Yes", "No"};
    spec.is_decision = true;
    ok(fac, OpenPoll{spec});
    ok(ana, CastVote{1, ana, Ballot{{0}, 0, ""}});
    ok(bo, CastVote{1, bo, Ballot{{1}, 0, ""}});
    ok(cy, CastVote{1, cy, Ballot{{0}, 0, ""}});
    ok(fac, ClosePoll{1, "2030-06-30"});
    advance(60'000);
    ok(fac, PresentProposal{"Rota", "Ana hosts in May.", 0, false});
    ok(fac, SetConsentPhase{1, ConsentPhase::consent});
    ok(ana, AnswerConsent{1, ana, ConsentAnswer::consent, ""});
    ok(bo, AnswerConsent{1, bo, ConsentAnswer::stand_aside, ""});
    ok(fac, AdoptProposal{1, ""});
    ASSERT_EQ(state.decisions.size(), 3u);
  }
};

TEST_F(DecisionRecordTest, EntriesAreNumberedAndChained) {
  EXPECT_EQ(genesis_hash, std::string(64, '0'));
  make_three_decisions();
  const auto& r = state.decisions;
  EXPECT_EQ(r[0].method, "quick consent check");
  EXPECT_EQ(r[1].method, "poll (single_choice, named)");
  EXPECT_EQ(r[2].method, "consent round (version 1)");
  for (std::size_t i = 0; i < r.size(); ++i) {
    EXPECT_EQ(r[i].id, i + 1);
    EXPECT_EQ(r[i].prev_hash, i == 0 ? genesis_hash : r[i - 1].hash) << "entry " << i;
    EXPECT_EQ(r[i].hash, decision_hash(r[i])) << "entry " << i;
    EXPECT_EQ(r[i].hash, sha256_hex(decision_digest_input(r[i])));
    EXPECT_EQ(r[i].hash.size(), 64u);
  }
  EXPECT_NE(r[0].hash, r[1].hash);
  EXPECT_NE(r[1].hash, r[2].hash);
  EXPECT_EQ(r[1].at, r[0].at + 60'000);
  EXPECT_FALSE(verify_decision_chain(r).has_value());
  // The record replays to the same chain.
  EXPECT_EQ(replay(log).decisions, r);
}

TEST_F(DecisionRecordTest, AnEmptyRecordVerifies) {
  EXPECT_FALSE(verify_decision_chain({}).has_value());
}

TEST_F(DecisionRecordTest, AnEditedResultIsFound) {
  make_three_decisions();
  auto record = state.decisions;
  record[1].result = "No: 2 of 3 voters";
  EXPECT_EQ(verify_decision_chain(record), std::optional<std::size_t>{1});
}

TEST_F(DecisionRecordTest, AnEditedNameIsFound) {
  make_three_decisions();
  auto record = state.decisions;
  ASSERT_FALSE(record[0].present_names.empty());
  record[0].present_names[1] = "Someone else";
  EXPECT_EQ(verify_decision_chain(record), std::optional<std::size_t>{0});
  record = state.decisions;
  record[2].present_names.pop_back();  // dropping a name is an edit too
  EXPECT_EQ(verify_decision_chain(record), std::optional<std::size_t>{2});
}

TEST_F(DecisionRecordTest, AnEditedPrevHashIsFound) {
  make_three_decisions();
  auto record = state.decisions;
  record[2].prev_hash = genesis_hash;
  EXPECT_EQ(verify_decision_chain(record), std::optional<std::size_t>{2});
  record = state.decisions;
  record[0].prev_hash = std::string(64, 'f');
  EXPECT_EQ(verify_decision_chain(record), std::optional<std::size_t>{0});
}

TEST_F(DecisionRecordTest, RehashingAnEditedEntryBreaksTheNextLink) {
  make_three_decisions();
  auto record = state.decisions;
  record[0].text = "Phones may ring";
  record[0].hash = decision_hash(record[0]);  // the editor covers their tracks in that entry...
  EXPECT_EQ(verify_decision_chain(record), std::optional<std::size_t>{1});  // ...but the next link breaks
}

TEST_F(DecisionRecordTest, RemovingOrReorderingEntriesIsFound) {
  make_three_decisions();
  auto record = state.decisions;
  record.erase(record.begin());
  EXPECT_EQ(verify_decision_chain(record), std::optional<std::size_t>{0});
  record = state.decisions;
  record.erase(record.begin() + 1);
  EXPECT_EQ(verify_decision_chain(record), std::optional<std::size_t>{1});
  record = state.decisions;
  std::swap(record[1], record[2]);
  EXPECT_EQ(verify_decision_chain(record), std::optional<std::size_t>{1});
  // Dropping the last entry leaves a valid (shorter) chain: the chain cannot see truncation.
  record = state.decisions;
  record.pop_back();
  EXPECT_FALSE(verify_decision_chain(record).has_value());
}

TEST_F(DecisionRecordTest, EveryFieldIsCoveredByTheHash) {
  make_three_decisions();
  const Decision original = state.decisions[1];
  std::vector<Decision> edits(12, original);
  edits[0].id = 9;
  edits[1].title += "!";
  edits[2].text += "!";
  edits[3].method = "consent round";
  edits[4].present_count += 1;
  edits[5].present_names.push_back("Ghost");
  edits[6].result += "!";
  edits[7].dissent.clear();
  edits[8].at += 1;
  edits[9].review_date = "2031-01-01";
  edits[10].agenda_item = 4;
  edits[11].prev_hash = std::string(64, '1');
  for (std::size_t i = 0; i < edits.size(); ++i)
    EXPECT_NE(decision_hash(edits[i]), original.hash) << "edit " << i << " went unnoticed";
}

TEST_F(DecisionRecordTest, FieldsAreLengthPrefixedSoMovingTextBetweenThemChangesTheHash) {
  Decision a;
  a.title = "ab";
  a.text = "c";
  Decision b;
  b.title = "a";
  b.text = "bc";
  EXPECT_NE(decision_digest_input(a), decision_digest_input(b));
  EXPECT_NE(decision_hash(a), decision_hash(b));
  Decision names_a;
  names_a.present_names = {"Ana", "Bo"};
  Decision names_b;
  names_b.present_names = {"Ana\nBo"};
  EXPECT_NE(decision_hash(names_a), decision_hash(names_b));
}

TEST_F(DecisionRecordTest, ReviewDatesAreYearMonthDay) {
  PollSpec spec;
  spec.question = "Meet monthly?";
  spec.options = {"Yes", "No"};
  spec.is_decision = true;
  ok(fac, OpenPoll{spec});
  for (const char* bad : {"2030-1-01", "2030-01-1", "2030/01/01", "01-01-2030", "2030-00-10", "2030-13-01",
                          "2030-12-00", "2030-12-32", "abcd-ef-gh", " 2030-01-01", "2030-01-01 ", "20300101",
                          "2030-01-01T00:00",
                          // Not days of the calendar: 30-day months, February, leap years by the century rule.
                          "2030-02-31", "2030-04-31", "2030-02-29", "2100-02-29"}) {
    refused(fac, ClosePoll{1, bad}, ErrorCode::invalid_argument);
  }
  ok(fac, PresentProposal{"Rota", "Ana hosts in May.", 0, false});
  ok(fac, SetConsentPhase{1, ConsentPhase::consent});
  refused(fac, AdoptProposal{1, "next month"}, ErrorCode::invalid_argument);
  refused(fac, AdoptProposal{1, "2030-09-31"}, ErrorCode::invalid_argument);
  ok(fac, ClosePoll{1, "2032-02-29"});  // a leap day
  EXPECT_EQ(state.decisions.at(0).review_date, "2032-02-29");
  ok(fac, AdoptProposal{1, ""});  // a review date is optional
  EXPECT_EQ(state.decisions.at(1).review_date, "");
}

TEST_F(DecisionRecordTest, DecisionsCarryTheCurrentAgendaItem) {
  ok(fac, AddAgendaItem{"Welcome", 5});
  ok(fac, AddAgendaItem{"Agreement", 10});
  ok(ana, ProposeAgreementItem{"Phones on silent", false});
  ok(ana, ProposeAgreementItem{"One voice at a time", false});
  ok(ana, ProposeAgreementItem{"Breaks every hour", false});
  ok(fac, QuickConsentCheck{1, true});  // before any item is current
  ok(fac, StartAgendaItem{2});
  ok(fac, QuickConsentCheck{2, true});
  ok(fac, StartAgendaItem{1});
  ok(fac, QuickConsentCheck{3, true});
  ASSERT_EQ(state.decisions.size(), 3u);
  EXPECT_EQ(state.decisions[0].agenda_item, 0u);
  EXPECT_EQ(state.decisions[1].agenda_item, 2u);
  EXPECT_EQ(state.decisions[2].agenda_item, 1u);
  EXPECT_FALSE(verify_decision_chain(state.decisions).has_value());
}

TEST_F(DecisionRecordTest, PresentMeansHereAndNotTheRoomDisplay) {
  join("Room display", Role::observer, Location::in_room);
  ok(bo, SetPresence{bo, Presence::away});
  ok(ana, ProposeAgreementItem{"Phones on silent", false});
  ok(fac, QuickConsentCheck{1, true});
  const Decision& d = state.decisions.at(0);
  EXPECT_EQ(d.present_count, 3u);
  EXPECT_EQ(d.present_names, (std::vector<std::string>{"Fac", "Ana", "Cy"}));
}

}  // namespace
}  // namespace everyvoice::core
