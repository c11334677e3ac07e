// Consent rounds: presenting, the three phases (the reaction phase runs a go-round), answers in the
// consent phase only, objections as tracked objects that block adoption until integrated by an
// amendment or withdrawn by their author, the endings, and the decision each ending records.
#include "core/consent_round.hpp"

#include "meeting_fixture.hpp"

#include <string>
#include <variant>
#include <vector>

#include "core/decision_record.hpp"
#include "core/text.hpp"
#include "core/go_round.hpp"
#include "core/record_words.hpp"

#include <algorithm>

namespace everyvoice::core {
namespace {


class ConsentRoundTest : public testing::RoomFixture {
 protected:

  const Proposal& proposal(std::uint32_t id) const { return state.proposals.at(id - 1); }

  // Presents a proposal and moves it to the consent phase.
  std::uint32_t in_consent(const std::string& title = "Meeting day", const std::string& text = "We meet on Tuesdays.") {
    ok(fac, PresentProposal{title, text, 0, false});
    const auto id = static_cast<std::uint32_t>(state.proposals.size());
    ok(fac, SetConsentPhase{id, ConsentPhase::consent});
    return id;
  }
  void answer(std::uint32_t id, ParticipantId who, ConsentAnswer a, const std::string& text = "") {
    ok(who, AnswerConsent{id, who, a, text});
  }
};

// --- the record in the meeting's language ---

// A meeting in Spanish (LanguageSet) records its decisions in Spanish: the method, the result, the
// dissent and the reaction round's topic are written once, in the meeting's language, and kept.
TEST_F(ConsentRoundTest, AMeetingInSpanishRecordsItsDecisionsInSpanish) {
  for (const auto& e : stamp(state, {LanguageSet{"es"}}, now)) apply(state, e);
  ok(fac, PresentProposal{"Día de reunión", "Nos reunimos los martes.", 0, false});
  ok(fac, SetConsentPhase{1, ConsentPhase::reactions});
  ASSERT_FALSE(state.rounds.empty());
  EXPECT_EQ(state.rounds.back().topic, "Reacciones: Día de reunión");
  ok(fac, EndRound{});
  ok(fac, SetConsentPhase{1, ConsentPhase::consent});
  answer(1, ana, ConsentAnswer::concern, "Los martes llueve");
  answer(1, bo, ConsentAnswer::stand_aside);
  answer(1, cy, ConsentAnswer::consent);
  ok(fac, AdoptProposal{1, ""});
  const Decision& d = state.decisions.back();
  EXPECT_EQ(d.method, "ronda de consentimiento (versión 1)");
  EXPECT_EQ(d.result, "adoptada: consentimiento: 1, preocupación: 1, objeción: 0, a un lado: 1");
  EXPECT_EQ(d.dissent, (std::vector<std::string>{"Ana (preocupación): Los martes llueve", "Bo se hizo a un lado"}));
  EXPECT_FALSE(verify_decision_chain(state.decisions).has_value()) << "the chain holds, whatever the language";
}

// Every record word has a Spanish form with the same {placeholders}; English stays as stored
// records have it (a stored record is never reworded).
TEST(RecordWords, SpanishHasEveryKeyWithTheSamePlaceholders) {
  const auto names = [](std::string_view text) {
    std::vector<std::string> out;
    for (std::size_t at = text.find('{'); at != std::string_view::npos; at = text.find('{', at + 1))
      out.emplace_back(text.substr(at, text.find('}', at) - at + 1));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  const auto all = record_catalogues();
  ASSERT_EQ(all.size(), 2u);
  const auto& english = all[0].second;
  const auto& spanish = all[1].second;
  ASSERT_EQ(spanish.size(), english.size());
  for (std::size_t i = 0; i < english.size(); ++i) {
    EXPECT_EQ(spanish[i].first, english[i].first);
    EXPECT_EQ(names(spanish[i].second), names(english[i].second)) << english[i].first;
  }
  EXPECT_EQ(record_words("en", "summary", {{"consent", "2"}, {"concern", "1"}, {"objection", "0"}, {"stand_aside", "0"}}),
            "2 consent, 1 concern, 0 objection, 0 stand aside");
  EXPECT_EQ(record_count("fr", "votes_for", 1, {{"option", "{count} A"}}), "1 vote for {count} A");  // English; filled once
}

// --- presenting ---

// Prepared in advance (issue 16): a draft is numbered and checked but nobody can answer it, move it
// or end it until it is presented with one command; deleting it records nothing.
TEST_F(ConsentRoundTest, AProposalPreparedInAdvanceIsPresentedWithOneCommand) {
  ok(fac, PresentProposal{"Rotate the note-taker", "Each meeting, someone new takes notes.", 0, false, true});
  ok(fac, PresentProposal{"A second draft", "Never presented.", 0, false, true});
  ASSERT_EQ(state.proposals.size(), 2u);
  EXPECT_EQ(proposal(1).phase, ConsentPhase::draft);
  EXPECT_FALSE(proposal(1).presented);
  refused(fac, SetConsentPhase{1, ConsentPhase::consent}, ErrorCode::closed);
  refused(ana, AnswerConsent{1, ana, ConsentAnswer::consent, ""}, ErrorCode::closed);
  refused(fac, AdoptProposal{1, ""}, ErrorCode::closed);
  refused(ana, PresentDraftProposal{1}, ErrorCode::not_allowed);
  refused(fac, PresentDraftProposal{9}, ErrorCode::not_found);
  ok(fac, AddAgendaItem{"Roles", 10});
  ok(fac, StartAgendaItem{1});
  ok(co, PresentDraftProposal{1});
  EXPECT_EQ(proposal(1).phase, ConsentPhase::clarifying);
  EXPECT_TRUE(proposal(1).presented);
  EXPECT_EQ(proposal(1).agenda_item, 1u) << "the agenda item current when presented";
  refused(fac, PresentDraftProposal{1}, ErrorCode::closed);  // not a draft any more
  // Deleting the other: withdrawn, still unpresented, and nothing in the decision record.
  const std::size_t decisions = state.decisions.size();
  ok(fac, CloseProposal{2, true, ""});
  EXPECT_EQ(proposal(2).phase, ConsentPhase::withdrawn);
  EXPECT_FALSE(proposal(2).presented);
  EXPECT_EQ(state.decisions.size(), decisions);
  refused(fac, PresentDraftProposal{2}, ErrorCode::closed);
}

// A draft that adopts an agreement item is presented only while the item is still proposed.
TEST_F(ConsentRoundTest, ADraftWhoseAgreementItemChangedIsNotPresented) {
  ok(ana, ProposeAgreementItem{"Phones on silent", false});
  ok(fac, PresentProposal{"Adopt: phones on silent", "Phones stay on silent.", 1, false, true});
  ok(fac, QuickConsentCheck{1, true});  // adopted meanwhile, another way
  refused(fac, PresentDraftProposal{1}, ErrorCode::invalid_argument);
}

TEST_F(ConsentRoundTest, PresentStartsInClarifyingWithTheFirstVersion) {
  ASSERT_TRUE(state.proposals.empty());
  const Handled h = run(co, PresentProposal{"  Meeting day ", "  We meet on Tuesdays.\n", 0, false});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{ProposalPresented{1, "Meeting day", "We meet on Tuesdays.", 0, false}}));
  ASSERT_EQ(state.proposals.size(), 1u);
  const Proposal& p = proposal(1);
  EXPECT_EQ(p.id, 1u);
  EXPECT_EQ(p.title, "Meeting day");
  EXPECT_EQ(p.versions, (std::vector<std::string>{"We meet on Tuesdays."}));
  EXPECT_EQ(p.version(), 1u);
  EXPECT_EQ(p.phase, ConsentPhase::clarifying);
  EXPECT_TRUE(p.active());
  EXPECT_TRUE(p.answers.empty());
  EXPECT_EQ(p.agenda_item, 0u);
}

TEST_F(ConsentRoundTest, PresentIsForFacilitatorsAndNeedsTitleAndText) {
  refused(ana, PresentProposal{"T", "Text", 0, false}, ErrorCode::not_allowed);
  refused(display, PresentProposal{"T", "Text", 0, false}, ErrorCode::not_allowed);
  refused(fac, PresentProposal{"  ", "Text", 0, false}, ErrorCode::text_invalid);
  refused(fac, PresentProposal{"T", "", 0, false}, ErrorCode::text_invalid);
  refused(fac, PresentProposal{std::string(max_title_chars + 1, 't'), "Text", 0, false}, ErrorCode::text_invalid);
  refused(fac, PresentProposal{"T", std::string(max_proposal_chars + 1, 'x'), 0, false}, ErrorCode::text_invalid);
  ok(fac, PresentProposal{std::string(max_title_chars, 't'), std::string(max_proposal_chars, 'x'), 0, false});
}

TEST_F(ConsentRoundTest, PresentForAnAgreementItemChecksTheItem) {
  refused(fac, PresentProposal{"T", "Text", 1, false}, ErrorCode::not_found);
  refused(fac, PresentProposal{"T", "Text", 0, true}, ErrorCode::invalid_argument);  // removes nothing
  ok(ana, ProposeAgreementItem{"Phones on silent", false});
  refused(fac, PresentProposal{"T", "Text", 1, true}, ErrorCode::invalid_argument);  // not adopted yet
  ok(fac, PresentProposal{"T", "Text", 1, false});
  EXPECT_EQ(proposal(1).agreement_item, 1u);
  EXPECT_FALSE(proposal(1).removes_item);
}

// --- phases ---

TEST_F(ConsentRoundTest, ReactionsPhaseStartsAGoRoundOverEveryonePresent) {
  ok(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  EXPECT_EQ(state.active_round(), nullptr);
  refused(ana, SetConsentPhase{1, ConsentPhase::reactions}, ErrorCode::not_allowed);
  const Handled h = run(fac, SetConsentPhase{1, ConsentPhase::reactions});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].event, (Event{ConsentPhaseChanged{1, ConsentPhase::reactions}}));
  EXPECT_EQ(h.events[1].event, (Event{RoundStarted{1, "Reactions: Meeting day", RoundOrder::join_order, 0,
                                                   std::vector<ParticipantId>{fac, co, ana, bo, cy}}}));
  EXPECT_EQ(proposal(1).phase, ConsentPhase::reactions);
  ASSERT_NE(state.active_round(), nullptr);
  EXPECT_EQ(round_up_next(state), fac);
  // The go-round runs as any other: each speaks or passes in turn.
  ok(fac, RoundPass{});
  ok(co, RoundPass{});
  EXPECT_EQ(round_up_next(state), ana);
}

TEST_F(ConsentRoundTest, ReactionsRoundTopicOfALongTitleIsCutToTheTopicLimit) {
  std::string title;
  for (int i = 0; i < 200; ++i) title += "é";  // 200 characters, 400 bytes: the longest title
  ok(fac, PresentProposal{title, "Text.", 0, false});
  ok(fac, SetConsentPhase{1, ConsentPhase::reactions});
  ASSERT_NE(state.active_round(), nullptr);
  const std::string& topic = state.active_round()->topic;
  EXPECT_EQ(utf8_length(topic), std::optional<std::size_t>(max_topic_chars));
  EXPECT_EQ(topic.rfind("Reactions: é", 0), 0u);
}

TEST_F(ConsentRoundTest, ReactionsPhaseEndsARunningTurnFirst) {
  ok(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  ok(fac, CallSpeaker{ana, "to present"});
  advance(20'000);
  const Handled h = run(fac, SetConsentPhase{1, ConsentPhase::reactions});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 3u);
  EXPECT_EQ(h.events[0].event, (Event{TurnEnded{ana, 20'000}}));
  EXPECT_TRUE(std::holds_alternative<ConsentPhaseChanged>(h.events[1].event));
  EXPECT_TRUE(std::holds_alternative<RoundStarted>(h.events[2].event));
  EXPECT_FALSE(state.turn.has_value());
  EXPECT_EQ(state.participants[ana - 1].spoken_ms, 20'000);
}

TEST_F(ConsentRoundTest, ReactionsPhaseDuringARoundStartsNoSecondRound) {
  ok(fac, StartRound{"Check-in", RoundOrder::join_order, 0});
  ok(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  const Handled h = run(fac, SetConsentPhase{1, ConsentPhase::reactions});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(state.rounds.size(), 1u);
  EXPECT_EQ(state.rounds[0].topic, "Check-in");
}

TEST_F(ConsentRoundTest, PhaseChangesAreCheckedAndTheSamePhaseIsANoOp) {
  ok(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  refused(fac, SetConsentPhase{2, ConsentPhase::consent}, ErrorCode::not_found);
  refused(fac, SetConsentPhase{1, ConsentPhase::adopted}, ErrorCode::invalid_argument);
  refused(fac, SetConsentPhase{1, ConsentPhase::not_adopted}, ErrorCode::invalid_argument);
  refused(fac, SetConsentPhase{1, ConsentPhase::withdrawn}, ErrorCode::invalid_argument);
  const MeetingState before = state;
  const Handled same = run(fac, SetConsentPhase{1, ConsentPhase::clarifying});
  ASSERT_TRUE(same.accepted());
  EXPECT_TRUE(same.events.empty());
  EXPECT_EQ(state, before);
  ok(co, SetConsentPhase{1, ConsentPhase::consent});  // phases may be skipped
  EXPECT_EQ(proposal(1).phase, ConsentPhase::consent);
  ok(co, SetConsentPhase{1, ConsentPhase::clarifying});  // and gone back to
  EXPECT_EQ(proposal(1).phase, ConsentPhase::clarifying);
}

// --- answers ---

TEST_F(ConsentRoundTest, AnswersOnlyInTheConsentPhase) {
  ok(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  refused(ana, AnswerConsent{1, ana, ConsentAnswer::consent, ""}, ErrorCode::wrong_phase);
  ok(fac, SetConsentPhase{1, ConsentPhase::reactions});
  refused(ana, AnswerConsent{1, ana, ConsentAnswer::consent, ""}, ErrorCode::wrong_phase);
  ok(fac, EndRound{});
  ok(fac, SetConsentPhase{1, ConsentPhase::consent});
  const Handled h = run(ana, AnswerConsent{1, ana, ConsentAnswer::consent, ""});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{ConsentAnswered{1, 1, ana, ConsentAnswer::consent, "", 0}}));
  EXPECT_EQ(proposal(1).answers.at(ana), (ConsentRecord{ConsentAnswer::consent, ""}));
  // Back to clarifying: answering stops again, answers given so far stay.
  ok(fac, SetConsentPhase{1, ConsentPhase::clarifying});
  refused(bo, AnswerConsent{1, bo, ConsentAnswer::consent, ""}, ErrorCode::wrong_phase);
  EXPECT_EQ(proposal(1).answers.size(), 1u);
}

TEST_F(ConsentRoundTest, ConcernAndObjectionNeedText) {
  const auto id = in_consent();
  refused(ana, AnswerConsent{id, ana, ConsentAnswer::concern, ""}, ErrorCode::text_invalid);
  refused(ana, AnswerConsent{id, ana, ConsentAnswer::concern, "   "}, ErrorCode::text_invalid);
  refused(ana, AnswerConsent{id, ana, ConsentAnswer::objection, ""}, ErrorCode::text_invalid);
  refused(ana, AnswerConsent{id, ana, ConsentAnswer::objection, std::string(max_comment_chars + 1, 'o')},
          ErrorCode::text_invalid);
  refused(ana, AnswerConsent{id, ana, ConsentAnswer::consent, "bad\x01"}, ErrorCode::text_invalid);
  answer(id, ana, ConsentAnswer::concern, "  It is late for some  ");
  EXPECT_EQ(proposal(id).answers.at(ana), (ConsentRecord{ConsentAnswer::concern, "It is late for some"}));
  answer(id, bo, ConsentAnswer::consent, "happy with it");  // a comment with consent is allowed
  answer(id, cy, ConsentAnswer::stand_aside);               // so is standing aside without one
  EXPECT_EQ(proposal(id).answers.size(), 3u);
  EXPECT_TRUE(state.objections.empty());
}

TEST_F(ConsentRoundTest, AnswersAreOwnOrForAProxy) {
  const auto id = in_consent();
  ok(fac, AddProxy{"Gran", Location::in_room});
  const auto gran = static_cast<ParticipantId>(state.participants.size());
  refused(ana, AnswerConsent{id, bo, ConsentAnswer::consent, ""}, ErrorCode::not_allowed);
  refused(fac, AnswerConsent{id, bo, ConsentAnswer::consent, ""}, ErrorCode::not_allowed);
  refused(ana, AnswerConsent{id, gran, ConsentAnswer::consent, ""}, ErrorCode::not_allowed);
  refused(display, AnswerConsent{id, display, ConsentAnswer::consent, ""}, ErrorCode::not_allowed);
  refused(fac, AnswerConsent{id, 99, ConsentAnswer::consent, ""}, ErrorCode::unknown_participant);
  refused(ana, AnswerConsent{id + 1, ana, ConsentAnswer::consent, ""}, ErrorCode::not_found);
  ok(fac, AnswerConsent{id, gran, ConsentAnswer::stand_aside, ""});
  EXPECT_EQ(proposal(id).answers.at(gran).answer, ConsentAnswer::stand_aside);
}

TEST_F(ConsentRoundTest, AnObjectionIsATrackedObjectWithItsAuthor) {
  const auto id = in_consent();
  const Handled h = run(bo, AnswerConsent{id, bo, ConsentAnswer::objection, " Tuesdays clash with school pickup "});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{ConsentAnswered{id, 1, bo, ConsentAnswer::objection,
                                                      "Tuesdays clash with school pickup", 1}}));
  ASSERT_EQ(state.objections.size(), 1u);
  EXPECT_EQ(state.objections[0],
            (Objection{1, id, 1, bo, "Tuesdays clash with school pickup", ObjectionStatus::open}));
  const auto open = open_objections(state, id);
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]->author, bo);
  EXPECT_TRUE(open_objections(state, id + 1).empty());
}

TEST_F(ConsentRoundTest, AdoptingWithAnOpenObjectionIsRefusedAndChangesNothing) {
  const auto id = in_consent();
  answer(id, ana, ConsentAnswer::consent);
  answer(id, bo, ConsentAnswer::objection, "Tuesdays clash with school pickup");
  answer(id, cy, ConsentAnswer::consent);
  refused(fac, AdoptProposal{id, ""}, ErrorCode::objection_open);
  refused(fac, AdoptProposal{id, "2030-01-01"}, ErrorCode::objection_open);
  EXPECT_EQ(proposal(id).phase, ConsentPhase::consent);
  EXPECT_TRUE(state.decisions.empty());
  EXPECT_EQ(state.objections[0].status, ObjectionStatus::open);
}

TEST_F(ConsentRoundTest, AdoptingNeedsTheConsentPhaseAndAFacilitator) {
  ok(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  refused(fac, AdoptProposal{1, ""}, ErrorCode::wrong_phase);
  ok(fac, SetConsentPhase{1, ConsentPhase::consent});
  refused(ana, AdoptProposal{1, ""}, ErrorCode::not_allowed);
  refused(fac, AdoptProposal{2, ""}, ErrorCode::not_found);
  refused(fac, AdoptProposal{1, "2030-1-1"}, ErrorCode::invalid_argument);
  ok(co, AdoptProposal{1, ""});
  EXPECT_EQ(proposal(1).phase, ConsentPhase::adopted);
}

TEST_F(ConsentRoundTest, AmendingMakesANewVersionIntegratesObjectionsAndAsksAgain) {
  const auto id = in_consent();
  answer(id, ana, ConsentAnswer::consent);
  answer(id, bo, ConsentAnswer::objection, "Tuesdays clash with school pickup");
  answer(id, cy, ConsentAnswer::concern, "Rooms are hard to book");
  refused(ana, AmendProposal{id, "We meet on Tuesdays at 7pm."}, ErrorCode::not_allowed);
  refused(fac, AmendProposal{id, " We meet on Tuesdays. "}, ErrorCode::invalid_argument);  // the same text
  refused(fac, AmendProposal{id, ""}, ErrorCode::text_invalid);
  const Handled h = run(fac, AmendProposal{id, "  We meet on Tuesdays at 7pm.  "});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{ProposalAmended{id, 2, "We meet on Tuesdays at 7pm."}}));
  const Proposal& p = proposal(id);
  EXPECT_EQ(p.versions, (std::vector<std::string>{"We meet on Tuesdays.", "We meet on Tuesdays at 7pm."}));
  EXPECT_EQ(p.titles, (std::vector<std::string>{"Meeting day", "Meeting day"}));  // no new title: it stays
  EXPECT_EQ(p.version(), 2u);
  EXPECT_TRUE(p.answers.empty());  // consent is asked again
  EXPECT_EQ(p.phase, ConsentPhase::consent);
  EXPECT_EQ(state.objections[0].status, ObjectionStatus::integrated);
  EXPECT_TRUE(open_objections(state, id).empty());
  // Answers now count for version 2, and adoption works.
  const Handled again = run(bo, AnswerConsent{id, bo, ConsentAnswer::consent, ""});
  ASSERT_TRUE(again.accepted());
  EXPECT_EQ(std::get<ConsentAnswered>(again.events[0].event).version, 2u);
  answer(id, ana, ConsentAnswer::consent);
  ok(fac, AdoptProposal{id, ""});
  EXPECT_EQ(proposal(id).phase, ConsentPhase::adopted);
}

TEST_F(ConsentRoundTest, AmendingFromClarifyingGoesStraightToConsent) {
  ok(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  ok(fac, AmendProposal{1, "We meet on Wednesdays."});
  EXPECT_EQ(proposal(1).phase, ConsentPhase::consent);
  EXPECT_EQ(proposal(1).version(), 2u);
}

// Issue 14, item 4: an amendment may give the new version a new title; the decision then names the
// title of the version adopted, and the proposal keeps the title of every version.
TEST_F(ConsentRoundTest, AmendingWithANewTitleRetitlesTheNewVersionAndTheDecisionNamesIt) {
  const auto id = in_consent("Meeting day", "We meet on Tuesdays.");
  answer(id, bo, ConsentAnswer::objection, "Tuesdays clash with school pickup");
  const Handled h = run(fac, AmendProposal{id, "We meet on Wednesdays.", "  Meeting day: Wednesdays "});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].event, (Event{ProposalAmended{id, 2, "We meet on Wednesdays."}}));
  EXPECT_EQ(h.events[1].event, (Event{ProposalRetitled{id, "Meeting day: Wednesdays"}}));
  EXPECT_EQ(proposal(id).title, "Meeting day: Wednesdays");
  EXPECT_EQ(proposal(id).titles, (std::vector<std::string>{"Meeting day", "Meeting day: Wednesdays"}));
  EXPECT_EQ(state.objections[0].status, ObjectionStatus::integrated);
  answer(id, ana, ConsentAnswer::consent);
  answer(id, bo, ConsentAnswer::consent);
  ok(fac, AdoptProposal{id, ""});
  const Decision& d = state.decisions.at(0);
  EXPECT_EQ(d.title, "Meeting day: Wednesdays");
  EXPECT_EQ(d.text, "We meet on Wednesdays.");
  EXPECT_EQ(d.method, "consent round (version 2)");
  EXPECT_EQ(d.hash, decision_hash(d));
  EXPECT_FALSE(verify_decision_chain(state.decisions));
  const Proposal& p = proposal(id);
  EXPECT_EQ(p.versions, (std::vector<std::string>{"We meet on Tuesdays.", "We meet on Wednesdays."}));
  EXPECT_EQ(p.titles, (std::vector<std::string>{"Meeting day", "Meeting day: Wednesdays"}));
  EXPECT_EQ(replay(log), state);
}

TEST_F(ConsentRoundTest, AnAmendmentsTitleIsCheckedAndKeptWhenNotGivenOrTheSame) {
  const auto id = in_consent("Meeting day", "We meet on Tuesdays.");
  refused(fac, AmendProposal{id, "We meet on Wednesdays.", "   "}, ErrorCode::text_invalid);
  refused(fac, AmendProposal{id, "We meet on Wednesdays.", std::string(max_title_chars + 1, 'x')},
          ErrorCode::text_invalid);
  refused(fac, AmendProposal{id, "We meet on Tuesdays.", " Meeting day "}, ErrorCode::invalid_argument);  // nothing new
  // No title, or the same title: one event, the title stays.
  const Handled same = run(fac, AmendProposal{id, "We meet on Wednesdays.", "Meeting day"});
  ASSERT_TRUE(same.accepted());
  EXPECT_EQ(same.events.size(), 1u);
  ok(fac, AmendProposal{id, "We meet on Thursdays."});
  EXPECT_EQ(proposal(id).titles, (std::vector<std::string>{"Meeting day", "Meeting day", "Meeting day"}));
  // A new title alone makes a new version (an objection may be to the title): the text repeats.
  const Handled retitled = run(fac, AmendProposal{id, "We meet on Thursdays.", "Thursdays"});
  ASSERT_TRUE(retitled.accepted());
  ASSERT_EQ(retitled.events.size(), 2u);
  EXPECT_EQ(proposal(id).version(), 4u);
  EXPECT_EQ(proposal(id).versions.back(), "We meet on Thursdays.");
  EXPECT_EQ(proposal(id).title, "Thursdays");
  EXPECT_EQ(proposal(id).titles.size(), proposal(id).versions.size());
  // The reaction round's topic follows the title.
  ok(fac, SetConsentPhase{id, ConsentPhase::reactions});
  EXPECT_EQ(state.rounds.back().topic, "Reactions: Thursdays");
  // Closing unadopted names the last title too.
  ok(fac, CloseProposal{id, false, ""});
  EXPECT_EQ(state.decisions.at(0).title, "Thursdays");
  EXPECT_EQ(replay(log), state);
}

TEST_F(ConsentRoundTest, AnsweringAgainReplacesOnesOwnObjection) {
  const auto id = in_consent();
  answer(id, bo, ConsentAnswer::objection, "Clashes with pickup");
  const Handled h = run(bo, AnswerConsent{id, bo, ConsentAnswer::concern, "Still not ideal"});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].event, (Event{ObjectionWithdrawn{1}}));
  EXPECT_EQ(h.events[1].event, (Event{ConsentAnswered{id, 1, bo, ConsentAnswer::concern, "Still not ideal", 0}}));
  EXPECT_EQ(state.objections[0].status, ObjectionStatus::withdrawn);
  EXPECT_EQ(proposal(id).answers.at(bo).answer, ConsentAnswer::concern);
  ok(fac, AdoptProposal{id, ""});
  // A second objection by the same person replaces the first: one open objection each.
  const auto id2 = in_consent("Second", "Another text.");
  answer(id2, bo, ConsentAnswer::objection, "First reason");
  answer(id2, bo, ConsentAnswer::objection, "Better reason");
  ASSERT_EQ(open_objections(state, id2).size(), 1u);
  EXPECT_EQ(open_objections(state, id2)[0]->reason, "Better reason");
}

TEST_F(ConsentRoundTest, OnlyItsAuthorWithdrawsAnObjection) {
  const auto id = in_consent();
  answer(id, bo, ConsentAnswer::objection, "Clashes with pickup");
  answer(id, ana, ConsentAnswer::consent);
  refused(ana, WithdrawObjection{1}, ErrorCode::not_allowed);
  refused(fac, WithdrawObjection{1}, ErrorCode::not_allowed);  // not even a facilitator (Bo is no proxy)
  refused(bo, WithdrawObjection{2}, ErrorCode::not_found);
  refused(bo, WithdrawObjection{0}, ErrorCode::not_found);
  const Handled h = run(bo, WithdrawObjection{1});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{ObjectionWithdrawn{1}}));
  EXPECT_EQ(state.objections[0].status, ObjectionStatus::withdrawn);
  EXPECT_FALSE(proposal(id).answers.contains(bo));  // Bo answers again
  EXPECT_TRUE(proposal(id).answers.contains(ana));
  refused(bo, WithdrawObjection{1}, ErrorCode::closed);
  ok(fac, AdoptProposal{id, ""});
  EXPECT_EQ(proposal(id).phase, ConsentPhase::adopted);
}

TEST_F(ConsentRoundTest, AFacilitatorWithdrawsAProxysObjection) {
  ok(fac, AddProxy{"Gran", Location::in_room});
  const auto gran = static_cast<ParticipantId>(state.participants.size());
  const auto id = in_consent();
  ok(fac, AnswerConsent{id, gran, ConsentAnswer::objection, "Too far to travel"});
  EXPECT_EQ(state.objections[0].author, gran);
  refused(ana, WithdrawObjection{1}, ErrorCode::not_allowed);
  ok(co, WithdrawObjection{1});
  EXPECT_EQ(state.objections[0].status, ObjectionStatus::withdrawn);
}

// --- endings and the record ---

TEST_F(ConsentRoundTest, AdoptionRecordsTheFinalVersionMethodPresentAndDissent) {
  const auto id = in_consent();
  answer(id, bo, ConsentAnswer::objection, "Tuesdays clash with school pickup");
  ok(fac, AmendProposal{id, "We meet on Tuesdays at 7pm."});
  answer(id, fac, ConsentAnswer::consent);
  answer(id, co, ConsentAnswer::consent);
  answer(id, ana, ConsentAnswer::concern, "Late for some");
  answer(id, bo, ConsentAnswer::consent);
  answer(id, cy, ConsentAnswer::stand_aside);
  advance(60'000);
  const Handled h = run(fac, AdoptProposal{id, "2026-06-01"});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].event, (Event{ProposalEnded{id, ConsentPhase::adopted, ""}}));
  ASSERT_TRUE(std::holds_alternative<DecisionRecorded>(h.events[1].event));
  EXPECT_EQ(proposal(id).phase, ConsentPhase::adopted);
  EXPECT_FALSE(proposal(id).active());
  ASSERT_EQ(state.decisions.size(), 1u);
  const Decision& d = state.decisions[0];
  EXPECT_EQ(d.id, 1u);
  EXPECT_EQ(d.title, "Meeting day");
  EXPECT_EQ(d.text, "We meet on Tuesdays at 7pm.");  // exactly the version adopted
  EXPECT_EQ(d.method, "consent round (version 2)");
  EXPECT_EQ(d.present_count, 5u);
  EXPECT_EQ(d.present_names, (std::vector<std::string>{"Fac", "Co", "Ana", "Bo", "Cy"}));
  EXPECT_EQ(d.result, "adopted: 3 consent, 1 concern, 0 objection, 1 stand aside");
  EXPECT_EQ(d.dissent, (std::vector<std::string>{"Ana (concern): Late for some", "Cy stood aside"}));
  EXPECT_EQ(d.at, now);
  EXPECT_EQ(d.review_date, "2026-06-01");
  EXPECT_EQ(d.prev_hash, genesis_hash);
  EXPECT_EQ(d.hash, decision_hash(d));
  // Both versions are kept.
  EXPECT_EQ(proposal(id).versions.size(), 2u);
}

TEST_F(ConsentRoundTest, ClosingAsNotAdoptedRecordsTheOpenObjection) {
  const auto id = in_consent();
  answer(id, ana, ConsentAnswer::consent);
  answer(id, bo, ConsentAnswer::objection, "Tuesdays clash with school pickup");
  answer(id, cy, ConsentAnswer::stand_aside);
  refused(ana, CloseProposal{id, false, ""}, ErrorCode::not_allowed);
  refused(fac, CloseProposal{id, false, std::string(max_reason_chars + 1, 'r')}, ErrorCode::text_invalid);
  const Handled h = run(fac, CloseProposal{id, false, " no agreement today "});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].event, (Event{ProposalEnded{id, ConsentPhase::not_adopted, "no agreement today"}}));
  EXPECT_EQ(proposal(id).phase, ConsentPhase::not_adopted);
  EXPECT_EQ(proposal(id).end_reason, "no agreement today");
  const Decision& d = state.decisions.at(0);
  EXPECT_EQ(d.text, "We meet on Tuesdays.");
  EXPECT_EQ(d.method, "consent round (version 1)");
  EXPECT_EQ(d.result, "not adopted: 1 consent, 0 concern, 1 objection, 1 stand aside (no agreement today)");
  EXPECT_EQ(d.dissent, (std::vector<std::string>{"Cy stood aside",
                                                  "Bo (objection): Tuesdays clash with school pickup"}));
  EXPECT_EQ(d.present_count, 5u);
  EXPECT_EQ(d.present_names.size(), 5u);
  EXPECT_TRUE(d.review_date.empty());
}

// An objection does not outlive its proposal: closing it unadopted (not adopted, withdrawn, or by
// the meeting's end) closes the objections still open. They were not resolved: they read `closed`,
// not `integrated` or `withdrawn`, and the decision lists them as dissent. Objections resolved
// before keep their status.
// Someone away may answer (nobody connected is refused); whoever answered the version decided is
// among the people the decision lists as present, so "adopted: 4 consent" never comes with fewer
// than four people present.
TEST_F(ConsentRoundTest, AnAwayPersonWhoAnsweredIsPresentInTheDecision) {
  const auto id = in_consent();
  ok(ana, SetPresence{ana, Presence::away});
  ok(bo, SetPresence{bo, Presence::away});
  answer(id, ana, ConsentAnswer::consent);                  // away, and answers
  answer(id, cy, ConsentAnswer::concern, "Late for some");
  answer(id, fac, ConsentAnswer::consent);
  ok(cy, SetPresence{cy, Presence::away});                  // answered, then stepped away
  ok(fac, AdoptProposal{id, ""});
  const Decision& d = state.decisions.at(0);
  EXPECT_EQ(d.result, "adopted: 2 consent, 1 concern, 0 objection, 0 stand aside");
  // Bo, away and silent, is not listed; Ana and Cy, away but answering, are.
  EXPECT_EQ(d.present_names, (std::vector<std::string>{"Fac", "Co", "Ana", "Cy"}));
  EXPECT_EQ(d.present_count, 4u);

  // The same when the proposal is closed unadopted: its answerers took part.
  const auto second = in_consent("Second", "Text.");
  answer(second, bo, ConsentAnswer::objection, "No");
  ok(fac, CloseProposal{second, false, ""});
  EXPECT_EQ(state.decisions.at(1).present_names, (std::vector<std::string>{"Fac", "Co", "Bo"}));
  EXPECT_EQ(replay(log), state);
}

TEST_F(ConsentRoundTest, ClosingUnadoptedClosesItsOpenObjectionsAsUnresolved) {
  const auto id = in_consent();
  answer(id, bo, ConsentAnswer::objection, "Tuesdays clash with school pickup");
  ok(fac, AmendProposal{id, "We meet on Tuesdays at 7pm."});
  answer(id, bo, ConsentAnswer::objection, "Still clashes");
  answer(id, cy, ConsentAnswer::objection, "Too late for me");
  ok(cy, WithdrawObjection{3});
  answer(id, cy, ConsentAnswer::objection, "Too late for me, really");
  ASSERT_EQ(state.objections.size(), 4u);
  ok(fac, CloseProposal{id, true, "start again next month"});
  EXPECT_EQ(state.objections[0].status, ObjectionStatus::integrated);
  EXPECT_EQ(state.objections[1].status, ObjectionStatus::closed);
  EXPECT_EQ(state.objections[2].status, ObjectionStatus::withdrawn);
  EXPECT_EQ(state.objections[3].status, ObjectionStatus::closed);
  EXPECT_TRUE(open_objections(state, id).empty());
  EXPECT_EQ(state.decisions.at(0).dissent,
            (std::vector<std::string>{"Bo (objection): Still clashes", "Cy (objection): Too late for me, really"}));
  // A closed objection is no longer open: it cannot be withdrawn.
  refused(bo, WithdrawObjection{2}, ErrorCode::closed);
  EXPECT_EQ(replay(log), state);

  // Closed as not adopted, and by the end of the meeting: the same.
  const auto second = in_consent("Second", "Text.");
  answer(second, ana, ConsentAnswer::objection, "No");
  ok(fac, CloseProposal{second, false, ""});
  EXPECT_EQ(state.objections.at(4).status, ObjectionStatus::closed);
  const auto third = in_consent("Third", "Text.");
  answer(third, ana, ConsentAnswer::objection, "Still no");
  ok(fac, EndMeeting{});
  EXPECT_EQ(proposal(third).phase, ConsentPhase::not_adopted);
  EXPECT_EQ(state.objections.at(5).status, ObjectionStatus::closed);
  EXPECT_EQ(state.decisions.back().dissent, (std::vector<std::string>{"Ana (objection): Still no"}));
  for (const auto& o : state.objections) EXPECT_NE(o.status, ObjectionStatus::open) << "objection " << o.id;
  EXPECT_EQ(replay(log), state);
}

TEST_F(ConsentRoundTest, ClosingAsWithdrawnFromAnyPhase) {
  ok(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  ok(fac, CloseProposal{1, true, ""});
  EXPECT_EQ(proposal(1).phase, ConsentPhase::withdrawn);
  const Decision& d = state.decisions.at(0);
  EXPECT_EQ(d.result, "withdrawn");
  EXPECT_EQ(d.text, "We meet on Tuesdays.");
  EXPECT_EQ(d.method, "consent round (version 1)");
  EXPECT_TRUE(d.dissent.empty());
  ok(fac, PresentProposal{"Second", "Text.", 0, false});
  ok(fac, CloseProposal{2, true, "presenter is ill"});
  EXPECT_EQ(state.decisions.at(1).result, "withdrawn (presenter is ill)");
  EXPECT_EQ(state.decisions.at(1).prev_hash, state.decisions.at(0).hash);
}

TEST_F(ConsentRoundTest, AnEndedProposalTakesNoMoreSteps) {
  const auto id = in_consent();
  answer(id, ana, ConsentAnswer::consent);
  ok(fac, AdoptProposal{id, ""});
  refused(bo, AnswerConsent{id, bo, ConsentAnswer::consent, ""}, ErrorCode::closed);
  refused(fac, AdoptProposal{id, ""}, ErrorCode::closed);
  refused(fac, AmendProposal{id, "New text."}, ErrorCode::closed);
  refused(fac, SetConsentPhase{id, ConsentPhase::consent}, ErrorCode::closed);
  refused(fac, CloseProposal{id, true, ""}, ErrorCode::closed);
  EXPECT_EQ(state.decisions.size(), 1u);
}

TEST_F(ConsentRoundTest, AdoptingAProposalAdoptsItsAgreementItem) {
  ok(ana, ProposeAgreementItem{"Phones on silent", false});
  ok(fac, PresentProposal{"Agreement: phones", "Phones on silent", 1, false});
  ok(fac, SetConsentPhase{1, ConsentPhase::consent});
  answer(1, ana, ConsentAnswer::consent);
  const Handled h = run(fac, AdoptProposal{1, ""});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 3u);
  EXPECT_EQ(h.events[2].event, (Event{AgreementItemChanged{1, AgreementStatus::adopted, 2}}));
  EXPECT_EQ(state.agreement[0].status, AgreementStatus::adopted);
  EXPECT_EQ(state.agreement[0].version, 2u);

  // And a proposal that removes it.
  ok(fac, PresentProposal{"Agreement: drop phones", "Phones may be on.", 1, true});
  ok(fac, SetConsentPhase{2, ConsentPhase::consent});
  ok(fac, AdoptProposal{2, ""});
  EXPECT_EQ(state.agreement[0].status, AgreementStatus::removed);
  EXPECT_EQ(state.agreement[0].version, 3u);
  EXPECT_EQ(state.decisions.size(), 2u);
}

TEST_F(ConsentRoundTest, AProposalForAnItemThatIsNotAdoptedLeavesTheItem) {
  ok(ana, ProposeAgreementItem{"Phones on silent", false});
  ok(fac, PresentProposal{"Agreement: phones", "Phones on silent", 1, false});
  ok(fac, CloseProposal{1, false, ""});
  EXPECT_EQ(state.agreement[0].status, AgreementStatus::proposed);
  EXPECT_EQ(state.agreement[0].version, 1u);
}

TEST_F(ConsentRoundTest, ProposalsAndTheirDecisionsCarryTheAgendaItem) {
  ok(fac, AddAgendaItem{"Rota", 15});
  ok(fac, StartAgendaItem{1});
  const auto id = in_consent();
  EXPECT_EQ(proposal(id).agenda_item, 1u);
  ok(fac, AdoptProposal{id, ""});
  EXPECT_EQ(state.decisions.at(0).agenda_item, 1u);
}

TEST_F(ConsentRoundTest, ReplayRebuildsTheWholeRound) {
  const auto id = in_consent();
  answer(id, bo, ConsentAnswer::objection, "Clashes");
  answer(id, ana, ConsentAnswer::concern, "Hmm");
  ok(fac, AmendProposal{id, "Better text."});
  answer(id, bo, ConsentAnswer::objection, "Still clashes");
  ok(bo, WithdrawObjection{2});
  answer(id, cy, ConsentAnswer::stand_aside);
  ok(fac, AdoptProposal{id, "2030-12-31"});
  EXPECT_EQ(replay(log), state);
}

}  // namespace
}  // namespace everyvoice::core
