#include "store/event_format.hpp"

#include <gtest/gtest.h>

#include "../core/meeting_fixture.hpp"

namespace everyvoice::store {
namespace {

using core::testing::MeetingFixture;
using namespace everyvoice::core;

// A meeting that touches every kind of event, so that every field list is exercised.
class EventFormatTest : public MeetingFixture {
 protected:
  void SetUp() override {
    const auto opened = stamp(state, {MeetingOpened{"Format test"}}, now);  // the shell's first event
    apply(state, opened[0]);
    log.push_back(opened[0]);
    fac = join("Fatima", Role::facilitator, Location::in_room);
    pat = join("Pat");
    quinn = join("Quinn", Role::participant, Location::in_room);
    ok(fac, AddProxy{"Joe", Location::in_room});
    ok(pat, UpdateProfile{pat, Location::remote, Preference::write});
    ok(fac, SetRole{quinn, Role::co_facilitator});
    ok(fac, AddAgendaItem{"Check-in", 10});
    ok(fac, StartAgendaItem{1});
    ok(pat, RaiseHand{pat, HandKind::direct_reply});
    ok(quinn, RaiseHand{quinn, HandKind::new_point});
    ok(fac, MoveEntry{quinn, 0, "time-sensitive"});
    ok(fac, CallNext{});
    advance(4000);
    ok(fac, EndTurn{});
    ok(fac, SetPolicy{QueuePolicy::hybrid});
    ok(fac, SetTurnLimit{90});
    ok(fac, StartRound{"How are you?", RoundOrder::shuffled, 99});
    ok(fac, RoundPass{});
    ok(fac, RoundSkip{"away"});
    ok(fac, EndRound{});
    PollSpec spec;
    spec.question = "Ranked";
    spec.kind = PollKind::ranked_choice;
    spec.options = {"A", "B", "C"};
    spec.is_decision = true;
    ok(fac, OpenPoll{spec});
    ok(pat, CastVote{1, pat, Ballot{{2, 0}, 0, ""}});
    ok(fac, ClosePoll{1, "2027-01-01"});
    PollSpec anon;
    anon.question = "Scale";
    anon.kind = PollKind::scale;
    anon.anonymous = true;
    anon.min_voters = 1;
    ok(fac, OpenPoll{anon});
    ok(pat, CastVote{2, pat, Ballot{{}, 4, ""}});
    ok(fac, ClosePoll{2, ""});
    ok(fac, PresentProposal{"Rule", "Be kind", 0, false});
    ok(fac, SetConsentPhase{1, ConsentPhase::consent});
    ok(pat, AnswerConsent{1, pat, ConsentAnswer::objection, "too vague"});
    ok(pat, WithdrawObjection{1});
    ok(pat, AnswerConsent{1, pat, ConsentAnswer::objection, "far too vague"});
    ok(fac, AmendProposal{1, "Be kind and brief"});
    ok(pat, AnswerConsent{1, pat, ConsentAnswer::concern, "still vague"});
    ok(fac, AdoptProposal{1, ""});
    ok(pat, ProposeAgreementItem{"One voice at a time", true});
    ok(fac, QuickConsentCheck{1, true});
    ok(pat, FlagAgreementItem{1});
    ok(pat, SubmitPoint{PointKind::question, "Why?", false});
    ok(quinn, UpvotePoint{1});
    ok(fac, SetPointStatus{1, PointStatus::hidden, "duplicate"});
    ok(pat, SendSignal{SignalKind::lost});
    ok(fac, SetSignalSettings{60, 2});
    ok(fac, RaiseHand{4, HandKind::new_point});  // for the proxy
    ok(fac, LowerHand{4});
    ok(fac, RaiseHand{4, HandKind::point_of_process});
    ok(fac, RemoveEntry{4, "asked to"});
    PollSpec later;
    later.question = "Cancelled";
    later.kind = PollKind::open_text;
    ok(fac, OpenPoll{later});
    ok(fac, CancelPoll{3});
    ok(fac, SetPresence{pat, Presence::away});
    ok(fac, SetLocked{true});
    ok(fac, RemoveParticipant{quinn});
    ok(fac, EndMeeting{});
  }
  ParticipantId fac = 0, pat = 0, quinn = 0;
};

TEST_F(EventFormatTest, EveryEventSurvivesTheRoundTrip) {
  std::set<std::size_t> kinds;
  for (const auto& e : log) {
    EXPECT_EQ(decode_event(encode_event(e.event)), e.event) << "event kind " << e.event.index();
    kinds.insert(e.event.index());
  }
  for (std::size_t k = 0; k < std::variant_size_v<Event>; ++k)
    EXPECT_TRUE(kinds.contains(k)) << "no event of kind " << k << " in the test meeting";
}

TEST_F(EventFormatTest, ReplayingDecodedEventsGivesTheSameState) {
  std::vector<Stamped> decoded;
  for (const auto& e : log) decoded.push_back(Stamped{e.seq, e.at, decode_event(encode_event(e.event))});
  EXPECT_EQ(replay(decoded), state);
}

TEST_F(EventFormatTest, StateSurvivesTheRoundTripButForAnonymousBallots) {
  MeetingState expected = state;
  for (auto& p : expected.polls) p.anonymous.clear();  // kept apart, in the ballots table
  EXPECT_EQ(decode_state(encode_state(state)), expected);
  ASSERT_FALSE(state.polls[1].anonymous.empty());
}

TEST_F(EventFormatTest, DamagedBytesAreRefused) {
  const std::string bytes = encode_event(log[5].event);
  EXPECT_THROW(decode_event(bytes.substr(0, bytes.size() - 1)), FormatError);
  EXPECT_THROW(decode_event(bytes + "x"), FormatError);
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  EXPECT_THROW(decode_event(wrong_version), FormatError);
  EXPECT_THROW(decode_state(""), FormatError);
}

}  // namespace
}  // namespace everyvoice::store
