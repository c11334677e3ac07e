// The working together agreement: items proposed named or anonymously, adopted and removed by a
// quick consent check (each a decision), versioned, and flagged anonymously once adopted.
#include "core/meeting.hpp"

#include "meeting_fixture.hpp"

#include <string>
#include <variant>
#include <vector>

#include "core/decision_record.hpp"

namespace everyvoice::core {
namespace {

using testing::MeetingFixture;

class AgreementTest : public MeetingFixture {
 protected:
  ParticipantId fac = 0, co = 0, ana = 0, bo = 0, display = 0;

  void SetUp() override {
    fac = join("Fac", Role::facilitator);
    co = join("Co", Role::co_facilitator);
    ana = join("Ana");
    bo = join("Bo");
    display = join("Room display", Role::observer, Location::in_room);
  }
  const AgreementItem& item(std::uint32_t id) const { return state.agreement.at(id - 1); }
};

TEST_F(AgreementTest, AnyoneProposesANamedItem) {
  ASSERT_TRUE(state.agreement.empty());
  const Handled h = run(ana, ProposeAgreementItem{"  No interrupting  ", false});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{AgreementItemProposed{1, "No interrupting", ana}}));
  EXPECT_EQ(item(1), (AgreementItem{1, "No interrupting", ana, AgreementStatus::proposed, 1, 0}));
  ok(fac, ProposeAgreementItem{"Start on time", false});
  EXPECT_EQ(item(2).author, fac);
  EXPECT_TRUE(state.decisions.empty());  // proposing decides nothing
}

TEST_F(AgreementTest, AnAnonymousItemHasNoAuthor) {
  const Handled h = run(bo, ProposeAgreementItem{"Say when you are lost", true});
  ASSERT_TRUE(h.accepted());
  EXPECT_EQ(h.events[0].event, (Event{AgreementItemProposed{1, "Say when you are lost", 0}}));
  EXPECT_EQ(item(1).author, 0u);
  EXPECT_EQ(replay(log).agreement.at(0).author, 0u);
}

TEST_F(AgreementTest, ProposalsAreCheckedText) {
  refused(display, ProposeAgreementItem{"No phones", false}, ErrorCode::not_allowed);
  refused(ana, ProposeAgreementItem{"   ", false}, ErrorCode::text_invalid);
  refused(ana, ProposeAgreementItem{std::string(max_agreement_chars + 1, 'x'), false}, ErrorCode::text_invalid);
  refused(ana, ProposeAgreementItem{"bad\x01", true}, ErrorCode::text_invalid);
  ok(ana, ProposeAgreementItem{std::string(max_agreement_chars, 'x'), false});
}

TEST_F(AgreementTest, QuickConsentCheckAdoptsAndRecordsADecision) {
  ok(ana, ProposeAgreementItem{"No interrupting", false});
  refused(ana, QuickConsentCheck{1, true}, ErrorCode::not_allowed);
  refused(fac, QuickConsentCheck{2, true}, ErrorCode::not_found);
  refused(fac, QuickConsentCheck{1, false}, ErrorCode::invalid_argument);  // not adopted: nothing to remove
  const Handled h = run(co, QuickConsentCheck{1, true});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].event, (Event{AgreementItemChanged{1, AgreementStatus::adopted, 2}}));
  ASSERT_TRUE(std::holds_alternative<DecisionRecorded>(h.events[1].event));
  EXPECT_EQ(item(1).status, AgreementStatus::adopted);
  EXPECT_EQ(item(1).version, 2u);
  EXPECT_EQ(item(1).text, "No interrupting");
  const Decision& d = state.decisions.at(0);
  EXPECT_EQ(d.title, "Agreement item adopted");
  EXPECT_EQ(d.text, "No interrupting");
  EXPECT_EQ(d.method, "quick consent check");
  EXPECT_EQ(d.result, "adopted into the working together agreement");
  EXPECT_EQ(d.present_count, 4u);
  EXPECT_EQ(d.present_names, (std::vector<std::string>{"Fac", "Co", "Ana", "Bo"}));
  EXPECT_TRUE(d.dissent.empty());
  refused(fac, QuickConsentCheck{1, true}, ErrorCode::invalid_argument);  // adopted already
}

TEST_F(AgreementTest, QuickConsentCheckRemovesAnAdoptedItem) {
  ok(ana, ProposeAgreementItem{"No interrupting", false});
  ok(fac, QuickConsentCheck{1, true});
  ok(fac, QuickConsentCheck{1, false});
  EXPECT_EQ(item(1).status, AgreementStatus::removed);
  EXPECT_EQ(item(1).version, 3u);
  ASSERT_EQ(state.decisions.size(), 2u);
  EXPECT_EQ(state.decisions[1].title, "Agreement item removed");
  EXPECT_EQ(state.decisions[1].result, "removed from the working together agreement");
  EXPECT_EQ(state.decisions[1].prev_hash, state.decisions[0].hash);
  refused(fac, QuickConsentCheck{1, false}, ErrorCode::invalid_argument);  // removed already
  refused(fac, QuickConsentCheck{1, true}, ErrorCode::invalid_argument);   // a removed item is not re-adopted
}

TEST_F(AgreementTest, FlagsCountOnlyOnAdoptedItems) {
  ok(ana, ProposeAgreementItem{"No interrupting", false});
  refused(bo, FlagAgreementItem{1}, ErrorCode::invalid_argument);  // only proposed
  refused(bo, FlagAgreementItem{2}, ErrorCode::not_found);
  ok(fac, QuickConsentCheck{1, true});
  refused(display, FlagAgreementItem{1}, ErrorCode::not_allowed);
  const Handled h = run(bo, FlagAgreementItem{1});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{AgreementFlagged{1}}));  // no author
  EXPECT_EQ(item(1).flags, 1u);
  ok(ana, FlagAgreementItem{1});
  ok(fac, FlagAgreementItem{1});
  EXPECT_EQ(item(1).flags, 3u);
  EXPECT_EQ(item(1).version, 2u);  // a flag does not change the item
  ok(fac, QuickConsentCheck{1, false});
  refused(bo, FlagAgreementItem{1}, ErrorCode::invalid_argument);  // removed
  EXPECT_EQ(item(1).flags, 3u);
}

TEST_F(AgreementTest, FlagsAreNotLimitedPerPerson) {
  // The flag carries nobody, so the core cannot tell a second flag from the same person apart from
  // a first flag by another: each counts.
  ok(ana, ProposeAgreementItem{"No interrupting", false});
  ok(fac, QuickConsentCheck{1, true});
  ok(bo, FlagAgreementItem{1});
  ok(bo, FlagAgreementItem{1});
  EXPECT_EQ(item(1).flags, 2u);
}

TEST_F(AgreementTest, ItemsAreNumberedAndReplayed) {
  ok(ana, ProposeAgreementItem{"One", false});
  ok(bo, ProposeAgreementItem{"Two", true});
  ok(co, ProposeAgreementItem{"Three", false});
  ok(fac, QuickConsentCheck{2, true});
  ok(ana, FlagAgreementItem{2});
  ASSERT_EQ(state.agreement.size(), 3u);
  for (std::uint32_t i = 1; i <= 3; ++i) EXPECT_EQ(item(i).id, i);
  EXPECT_EQ(item(1).status, AgreementStatus::proposed);
  EXPECT_EQ(item(2).status, AgreementStatus::adopted);
  EXPECT_EQ(replay(log), state);
}

}  // namespace
}  // namespace everyvoice::core
