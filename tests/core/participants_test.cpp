#include "core/meeting.hpp"

#include "core/speaking_queue.hpp"
#include "meeting_fixture.hpp"

namespace everyvoice::core {
namespace {

using testing::MeetingFixture;

class ParticipantsTest : public MeetingFixture {};

TEST_F(ParticipantsTest, JoinTrimsNameAndNumbersPeopleInOrder) {
  const auto fac = join("  Amina  ", Role::facilitator);
  const auto bo = join("Bo", Role::participant, Location::in_room);
  ASSERT_EQ(state.participants.size(), 2u);
  EXPECT_EQ(fac, 1u);
  EXPECT_EQ(bo, 2u);
  EXPECT_EQ(state.participants[0].name, "Amina");
  EXPECT_EQ(state.participants[0].role, Role::facilitator);
  EXPECT_EQ(state.participants[1].location, Location::in_room);
  EXPECT_EQ(state.participants[1].presence, Presence::here);
  EXPECT_EQ(state.participants[1].joined_at, now);
}

TEST_F(ParticipantsTest, NamesAreUniqueIgnoringCaseAndSpacing) {
  join("Mary Jones");
  refused(server_actor, Join{"mary   JONES", Role::participant, Location::remote, Preference::none},
          ErrorCode::name_taken);
}

TEST_F(ParticipantsTest, NameLengthIsCountedInCharactersNotBytes) {
  refused(server_actor, Join{"   ", Role::participant, Location::remote, Preference::none}, ErrorCode::name_invalid);
  std::string sixty_accented;
  for (int i = 0; i < 60; ++i) sixty_accented += "\xC3\xA9";  // é, two bytes each
  ok(server_actor, Join{sixty_accented, Role::participant, Location::remote, Preference::none});
  refused(server_actor, Join{std::string(61, 'x'), Role::participant, Location::remote, Preference::none},
          ErrorCode::name_invalid);
  refused(server_actor, Join{"bad\x01name", Role::participant, Location::remote, Preference::none},
          ErrorCode::name_invalid);
  refused(server_actor, Join{"\xFF\xFE", Role::participant, Location::remote, Preference::none}, ErrorCode::name_invalid);
}

// A meeting prepared before it starts (issue 16): people can join and wait; facilitators build the
// agenda, polls prepared in advance and the agreement; nothing runs the meeting until a facilitator
// (or co-facilitator) starts it, and then everything does.
TEST_F(ParticipantsTest, APreparedMeetingWaitsForAFacilitatorToStartIt) {
  for (const auto& e : stamp(state, {MeetingOpened{"Budget night"}, MeetingScheduled{}}, now)) apply(state, e);
  EXPECT_FALSE(state.started);
  const ParticipantId fac = join("Fatima", Role::facilitator);
  const ParticipantId co = join("Cy", Role::participant);
  const ParticipantId ana = join("Ana");  // people may arrive early
  ok(fac, SetRole{co, Role::co_facilitator});
  ok(ana, UpdateProfile{ana, Location::in_room, Preference::write});
  ok(fac, AddAgendaItem{"Budget", 20});
  PollSpec poll;
  poll.question = "Which line first?";
  poll.options = {"Rent", "Repairs"};
  ok(fac, OpenPoll{poll, true});  // a draft
  ok(co, ProposeAgreementItem{"One voice at a time", false});
  ok(fac, SetCallLink{"https://meet.example.org/budget"});
  // What runs the meeting waits, for everyone.
  refused(ana, RaiseHand{ana, HandKind::new_point}, ErrorCode::not_started);
  refused(ana, SubmitPoint{PointKind::question, "When do we vote?", false}, ErrorCode::not_started);
  refused(ana, SendSignal{SignalKind::slow_down}, ErrorCode::not_started);
  refused(ana, ProposeAgreementItem{"No phones", false}, ErrorCode::not_started);
  refused(fac, OpenPoll{poll, false}, ErrorCode::not_started);
  refused(fac, OpenDraftPoll{1}, ErrorCode::not_started);
  refused(fac, StartAgendaItem{1}, ErrorCode::not_started);
  refused(fac, StartRound{"check-in", RoundOrder::join_order, 1}, ErrorCode::not_started);
  refused(fac, PresentProposal{"Repairs first", "Fix the roof", 0, false}, ErrorCode::not_started);
  refused(ana, StartMeeting{}, ErrorCode::not_allowed);

  advance(60'000);
  ok(co, StartMeeting{});
  EXPECT_TRUE(state.started);
  EXPECT_EQ(state.started_at, now);
  EXPECT_TRUE(std::holds_alternative<MeetingStarted>(log.back().event));
  ok(ana, RaiseHand{ana, HandKind::new_point});
  ok(fac, OpenDraftPoll{1});
  ok(fac, StartAgendaItem{1});
  const std::size_t events = log.size();
  ok(fac, StartMeeting{});  // started already: nothing happens
  EXPECT_EQ(log.size(), events);
}

TEST_F(ParticipantsTest, LockedMeetingRefusesJoinsUntilUnlocked) {
  const auto fac = join("Fac", Role::facilitator);
  const auto p = join("Pat");
  refused(p, SetLocked{true}, ErrorCode::not_allowed);
  ok(fac, SetLocked{true});
  EXPECT_TRUE(state.locked);
  refused(server_actor, Join{"Late", Role::participant, Location::remote, Preference::none}, ErrorCode::meeting_locked);
  ok(fac, SetLocked{false});
  join("Late");
  EXPECT_EQ(state.participants.size(), 3u);
}

// The video call's link: a facilitator sets it (an https:// address), changes it, takes it away.
TEST_F(ParticipantsTest, OnlyAFacilitatorSetsTheCallLinkAndOnlyAnHttpsAddress) {
  const auto fac = join("Fac", Role::facilitator);
  const auto co = join("Co");
  const auto p = join("Pat");
  ok(fac, SetRole{co, Role::co_facilitator});
  refused(p, SetCallLink{"https://meet.example.org/forum"}, ErrorCode::not_allowed);
  refused(co, SetCallLink{"https://meet.example.org/forum"}, ErrorCode::not_allowed);
  ok(fac, SetCallLink{"  https://meet.example.org/forum?pwd=abc#x  "});
  EXPECT_EQ(state.call_link, "https://meet.example.org/forum?pwd=abc#x") << "trimmed";
  EXPECT_EQ(log.back().event, (Event{CallLinkSet{"https://meet.example.org/forum?pwd=abc#x"}}));
  const auto before = log.size();
  ok(fac, SetCallLink{"https://meet.example.org/forum?pwd=abc#x"});
  EXPECT_EQ(log.size(), before) << "the same link again changes nothing";
  for (const std::string bad : std::vector<std::string>{"http://meet.example.org/forum", "javascript:alert(1)", "https://", "https:///path",
                                "https://user:pw@meet.example.org/", "https://meet.example.org/a b", "https://:443/",
                                "https://meet.example.org/\x01", "ftp://files.example.org", "HTTPS//meet.example.org",
                                "https://m\xC3\xA9et.example.org/", "https://meet.example.org/" + std::string(480, 'a')})
    refused(fac, SetCallLink{bad}, ErrorCode::invalid_argument);
  ok(fac, SetCallLink{"HTTPS://[2001:db8::1]:8443/room"});  // any case of the scheme, an IPv6 literal and a port
  ok(fac, SetCallLink{""});
  EXPECT_EQ(state.call_link, "");
  ok(fac, EndMeeting{});
  refused(fac, SetCallLink{"https://meet.example.org/after"}, ErrorCode::meeting_ended);
}

TEST_F(ParticipantsTest, FacilitatorAddsProxyAndActsForThem) {
  const auto fac = join("Fac", Role::facilitator);
  const auto p = join("Pat");
  refused(p, AddProxy{"Gran", Location::in_room}, ErrorCode::not_allowed);
  ok(fac, AddProxy{"Gran", Location::in_room});
  const ParticipantId gran = 3;
  EXPECT_TRUE(state.participants[gran - 1].proxy);
  ok(fac, RaiseHand{gran, HandKind::new_point});
  EXPECT_NE(state.queue_entry(gran), nullptr);
  // A participant cannot act for a proxy, nor for another participant.
  refused(p, LowerHand{gran}, ErrorCode::not_allowed);
  refused(p, RaiseHand{fac, HandKind::new_point}, ErrorCode::not_allowed);
  ok(fac, LowerHand{gran});
  EXPECT_EQ(state.queue_entry(gran), nullptr);
}

TEST_F(ParticipantsTest, HandOverMakesTheOtherFacilitatorAndTheGiverAParticipant) {
  const auto fac = join("Fac", Role::facilitator);
  const auto p = join("Pat");
  ok(fac, HandOverFacilitation{p});
  EXPECT_EQ(state.participants[p - 1].role, Role::facilitator);
  EXPECT_EQ(state.participants[fac - 1].role, Role::participant);
  refused(fac, SetLocked{true}, ErrorCode::not_allowed);
}

TEST_F(ParticipantsTest, SharedFacilitationKeepsAtLeastOneFacilitator) {
  const auto fac = join("Fac", Role::facilitator);
  const auto p = join("Pat");
  refused(fac, SetRole{fac, Role::participant}, ErrorCode::last_facilitator);
  ok(fac, SetRole{p, Role::facilitator});
  ok(fac, SetRole{fac, Role::co_facilitator});
  EXPECT_EQ(state.participants[fac - 1].role, Role::co_facilitator);
  EXPECT_EQ(state.participants[p - 1].role, Role::facilitator);
}

TEST_F(ParticipantsTest, RemovingASpeakerEndsTheirTurnAndFreesTheirName) {
  const auto fac = join("Fac", Role::facilitator);
  const auto p = join("Pat");
  ok(p, RaiseHand{p, HandKind::new_point});
  ok(fac, CallNext{});
  advance(5'000);
  ok(fac, RemoveParticipant{p});
  EXPECT_FALSE(state.turn.has_value());
  EXPECT_TRUE(state.participants[p - 1].removed);
  EXPECT_EQ(state.participants[p - 1].spoken_ms, 5'000);
  refused(p, RaiseHand{p, HandKind::new_point}, ErrorCode::unknown_participant);
  join("pat");  // the name is free again
}

TEST_F(ParticipantsTest, PresenceIsAnEventAndAwayPeopleKeepTheirHand) {
  const auto fac = join("Fac", Role::facilitator);
  const auto p = join("Pat");
  const auto q = join("Quinn");
  ok(p, RaiseHand{p, HandKind::new_point});
  ok(q, RaiseHand{q, HandKind::new_point});
  ok(server_actor, SetPresence{p, Presence::away});
  EXPECT_EQ(state.participants[p - 1].presence, Presence::away);
  ASSERT_NE(state.queue_entry(p), nullptr);
  // Call next passes over the away person without removing them.
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, q);
  EXPECT_NE(state.queue_entry(p), nullptr);
  refused(fac, CallSpeaker{p, "urgent"}, ErrorCode::participant_away);
  ok(p, SetPresence{p, Presence::here});
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, p);
}

TEST_F(ParticipantsTest, ParticipantsCannotChangeOthersPresenceOrProfile) {
  join("Fac", Role::facilitator);
  const auto p = join("Pat");
  const auto q = join("Quinn");
  refused(p, SetPresence{q, Presence::away}, ErrorCode::not_allowed);
  refused(p, UpdateProfile{q, Location::in_room, Preference::listen}, ErrorCode::not_allowed);
  ok(q, UpdateProfile{q, Location::in_room, Preference::listen});
  EXPECT_EQ(state.participants[q - 1].preference, Preference::listen);
}

TEST_F(ParticipantsTest, UnknownActorIsRefused) {
  join("Fac", Role::facilitator);
  refused(42, RaiseHand{42, HandKind::new_point}, ErrorCode::unknown_participant);
}

}  // namespace
}  // namespace everyvoice::core

namespace everyvoice::core::testing {
namespace {

class EndMeetingTest : public MeetingFixture {};

// Ending the meeting ends what still runs, each as its own command would, in the minutes' order.
TEST_F(EndMeetingTest, EndsTheTurnCancelsOpenPollsClosesProposalsAndStopsTheAgenda) {
  const ParticipantId fac = join("Fatima", Role::facilitator);
  const ParticipantId ana = join("Ana");
  ok(fac, AddAgendaItem{"Rota", 10});
  ok(fac, StartAgendaItem{1});
  PollSpec spec;
  spec.question = "Meet monthly?";
  spec.options = {"Yes", "No"};
  ok(fac, OpenPoll{spec});
  ok(ana, CastVote{1, ana, Ballot{{0}, 0, ""}});
  ok(fac, OpenPoll{spec});
  ok(fac, ClosePoll{2, ""});  // already closed: stays as it is
  ok(fac, PresentProposal{"Rota", "Ana hosts in May.", 0, false});
  ok(fac, PresentProposal{"Snacks", "We bring fruit.", 0, false});
  ok(fac, CloseProposal{2, true, ""});  // already withdrawn: stays as it is
  ok(fac, CallSpeaker{ana, "to present"});
  advance(30'000);
  refused(ana, EndMeeting{}, ErrorCode::not_allowed);
  const std::size_t decisions_before = state.decisions.size();
  const Handled h = run(fac, EndMeeting{});
  ASSERT_TRUE(h.accepted());
  std::vector<std::size_t> kinds;
  for (const auto& e : h.events) kinds.push_back(e.event.index());
  const std::vector<std::size_t> expected = {Event{TurnEnded{}}.index(), Event{PollCancelled{}}.index(),
                                             Event{ProposalEnded{}}.index(), Event{DecisionRecorded{}}.index(),
                                             Event{AgendaItemStarted{}}.index(), Event{MeetingEnded{}}.index()};
  EXPECT_EQ(kinds, expected);
  EXPECT_TRUE(state.ended);
  EXPECT_FALSE(state.turn.has_value());
  EXPECT_EQ(state.participants[ana - 1].spoken_ms, 30'000);
  EXPECT_EQ(state.polls[0].status, PollStatus::cancelled);
  EXPECT_EQ(state.polls[1].status, PollStatus::closed);
  EXPECT_EQ(state.proposals[0].phase, ConsentPhase::not_adopted);
  EXPECT_EQ(state.proposals[0].end_reason, "the meeting ended");
  EXPECT_EQ(state.proposals[1].phase, ConsentPhase::withdrawn);
  ASSERT_EQ(state.decisions.size(), decisions_before + 1);
  EXPECT_NE(state.decisions.back().result.find("the meeting ended"), std::string::npos);
  EXPECT_EQ(state.current_item, 0u);
  // Replaying the log gives the same state.
  EXPECT_EQ(replay(log), state);
}

}  // namespace
}  // namespace everyvoice::core::testing
