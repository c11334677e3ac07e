// Live polls: opening (and what a poll may not be), ballots of every kind, one ballot per person,
// counting by hand-computed tallies, instant runoff round by round, closing, cancelling, and the
// five anonymity promises of design.md, each in its own test.
#include "core/polls.hpp"

#include "meeting_fixture.hpp"

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

#include "core/decision_record.hpp"
#include "core/signals.hpp"

namespace everyvoice::core {
namespace {

using testing::MeetingFixture;

class PollsTest : public MeetingFixture {
 protected:
  ParticipantId fac = 0, co = 0, ana = 0, bo = 0, cy = 0, dee = 0, display = 0;

  void SetUp() override {
    fac = join("Fac", Role::facilitator);
    co = join("Co", Role::co_facilitator);
    ana = join("Ana");
    bo = join("Bo");
    cy = join("Cy");
    dee = join("Dee");
    display = join("Room display", Role::observer, Location::in_room);
  }

  static PollSpec choice(std::vector<std::string> options, PollKind kind = PollKind::single_choice) {
    PollSpec s;
    s.question = "Which one?";
    s.kind = kind;
    s.options = std::move(options);
    return s;
  }
  static PollSpec scale_spec(std::int32_t lo = 0, std::int32_t hi = 5) {
    PollSpec s;
    s.question = "How sure are you?";
    s.kind = PollKind::scale;
    s.scale_min = lo;
    s.scale_max = hi;
    s.min_label = "not at all";
    s.max_label = "completely";
    return s;
  }
  static PollSpec text_spec() {
    PollSpec s;
    s.question = "One word for today?";
    s.kind = PollKind::open_text;
    return s;
  }
  static PollSpec anonymous(PollSpec s, std::uint32_t k = 3) {
    s.anonymous = true;
    s.shown = ResultsShown::at_close;
    s.min_voters = k;
    return s;
  }
  static Ballot picks(std::vector<std::uint32_t> choices) { return Ballot{std::move(choices), 0, ""}; }
  static Ballot value(std::int32_t v) { return Ballot{{}, v, ""}; }
  static Ballot answer(std::string text) { return Ballot{{}, 0, std::move(text)}; }

  std::uint32_t open(const PollSpec& spec) {
    Handled h = run(fac, OpenPoll{spec});
    EXPECT_TRUE(h.accepted()) << (h.rejection ? h.rejection->message : "");
    return static_cast<std::uint32_t>(state.polls.size());
  }
  const Poll& poll(std::uint32_t id) const { return state.polls.at(id - 1); }
  void vote(std::uint32_t id, ParticipantId who, Ballot b) { ok(who, CastVote{id, who, std::move(b)}); }
  void bad_ballot(std::uint32_t id, ParticipantId who, Ballot b) {
    refused(who, CastVote{id, who, std::move(b)}, ErrorCode::invalid_ballot);
  }
  // Each ballot cast by a newly joined person.
  void cast_by_new_people(std::uint32_t id, const std::vector<Ballot>& ballots) {
    for (const auto& b : ballots) vote(id, join("Voter " + std::to_string(state.participants.size() + 1)), b);
  }
};

// --- opening ---

TEST_F(PollsTest, OpenRecordsTheSpecTrimmedAndHowManyArePresent) {
  ASSERT_TRUE(state.polls.empty());
  PollSpec spec = choice({"  Soup ", "Salad"});
  spec.question = "  Lunch?  ";
  const Handled h = run(co, OpenPoll{spec});  // a co-facilitator may open a poll
  ASSERT_TRUE(h.accepted());
  PollSpec clean = spec;
  clean.question = "Lunch?";
  clean.options = {"Soup", "Salad"};
  ASSERT_EQ(h.events.size(), 1u);
  // Six present: the room display (observer) does not count.
  EXPECT_EQ(h.events[0].event, (Event{PollOpened{1, clean, 6}}));
  ASSERT_EQ(state.polls.size(), 1u);
  const Poll& p = poll(1);
  EXPECT_EQ(p.id, 1u);
  EXPECT_EQ(p.spec, clean);
  EXPECT_EQ(p.status, PollStatus::open);
  EXPECT_EQ(p.eligible, 6u);
  EXPECT_EQ(p.opened_at, now);
  EXPECT_TRUE(p.voters.empty());
  EXPECT_FALSE(p.result.has_value());
  // An away person is not counted as eligible.
  ok(bo, SetPresence{bo, Presence::away});
  open(choice({"A", "B"}));
  EXPECT_EQ(poll(2).eligible, 5u);
}

// Prepared in advance: a draft is checked and numbered like a poll, but nobody votes in it or
// closes it until it is opened; opening counts who is present then, not when it was prepared; a
// draft can be deleted (cancel_poll); only queue runners prepare or open drafts.
TEST_F(PollsTest, APollPreparedInAdvanceOpensWithOneCommandCountingWhoIsHereThen) {
  refused(ana, OpenPoll{choice({"Yes", "No"}), true}, ErrorCode::not_allowed);
  refused(fac, OpenPoll{choice({"Only one"}), true}, ErrorCode::invalid_argument);
  ok(fac, OpenPoll{choice({"Yes", "No"}), true});
  ok(co, OpenPoll{text_spec(), true});
  ASSERT_EQ(state.polls.size(), 2u);
  EXPECT_EQ(state.polls[0].status, PollStatus::draft);
  EXPECT_FALSE(state.polls[0].opened);
  EXPECT_EQ(log.back().event, (Event{PollDrafted{2, text_spec()}}));
  refused(ana, CastVote{1, ana, Ballot{{0}, 0, ""}}, ErrorCode::closed);
  refused(fac, ClosePoll{1, ""}, ErrorCode::closed);
  refused(ana, OpenDraftPoll{1}, ErrorCode::not_allowed);
  refused(fac, OpenDraftPoll{9}, ErrorCode::not_found);
  ok(bo, SetPresence{bo, Presence::away});  // present now: Fac, Co, Ana, Cy, Dee
  ok(fac, OpenDraftPoll{1});
  EXPECT_EQ(log.back().event, (Event{DraftPollOpened{1, 5}}));
  EXPECT_EQ(state.polls[0].status, PollStatus::open);
  EXPECT_TRUE(state.polls[0].opened);
  EXPECT_EQ(state.polls[0].eligible, 5u);
  EXPECT_EQ(state.polls[0].opened_at, now);
  refused(fac, OpenDraftPoll{1}, ErrorCode::closed);
  ok(ana, CastVote{1, ana, Ballot{{0}, 0, ""}});
  ok(fac, CancelPoll{2});  // a draft deleted
  EXPECT_EQ(state.polls[1].status, PollStatus::cancelled);
  EXPECT_FALSE(state.polls[1].opened);
  refused(fac, OpenDraftPoll{2}, ErrorCode::closed);
}

TEST_F(PollsTest, OnlyFacilitatorsOpenPolls) {
  refused(ana, OpenPoll{choice({"A", "B"})}, ErrorCode::not_allowed);
  refused(display, OpenPoll{choice({"A", "B"})}, ErrorCode::not_allowed);
  EXPECT_TRUE(state.polls.empty());
}

TEST_F(PollsTest, OpenRefusesTooFewOrTooManyOptions) {
  for (PollKind kind : {PollKind::single_choice, PollKind::multiple_choice, PollKind::ranked_choice}) {
    refused(fac, OpenPoll{choice({}, kind)}, ErrorCode::invalid_argument);
    refused(fac, OpenPoll{choice({"Only one"}, kind)}, ErrorCode::invalid_argument);
    std::vector<std::string> many;
    for (std::size_t i = 0; i <= max_poll_options; ++i) many.push_back("Option " + std::to_string(i));
    refused(fac, OpenPoll{choice(many, kind)}, ErrorCode::invalid_argument);
    many.pop_back();  // exactly max_poll_options is fine
    ok(fac, OpenPoll{choice(many, kind)});
  }
  EXPECT_EQ(state.polls.size(), 3u);
}

TEST_F(PollsTest, OpenRefusesDuplicateOrEmptyOptions) {
  refused(fac, OpenPoll{choice({"Yes", "No", "Yes"})}, ErrorCode::invalid_argument);
  // Options that read the same (case and spacing aside) are duplicates too.
  refused(fac, OpenPoll{choice({"Go ahead", "  go   AHEAD "})}, ErrorCode::invalid_argument);
  refused(fac, OpenPoll{choice({"Yes", "   "})}, ErrorCode::text_invalid);
  refused(fac, OpenPoll{choice({"Yes", std::string(max_option_chars + 1, 'x')})}, ErrorCode::text_invalid);
  refused(fac, OpenPoll{choice({"Yes", "bad\x01option"})}, ErrorCode::text_invalid);
  EXPECT_TRUE(state.polls.empty());
}

TEST_F(PollsTest, OpenRefusesEmptyOrOverlongQuestion) {
  PollSpec spec = choice({"A", "B"});
  spec.question = "  ";
  refused(fac, OpenPoll{spec}, ErrorCode::text_invalid);
  spec.question = std::string(max_question_chars + 1, 'q');
  refused(fac, OpenPoll{spec}, ErrorCode::text_invalid);
}

TEST_F(PollsTest, OpenRefusesABadScale) {
  refused(fac, OpenPoll{scale_spec(5, 5)}, ErrorCode::invalid_argument);    // min must be below max
  refused(fac, OpenPoll{scale_spec(5, 0)}, ErrorCode::invalid_argument);
  refused(fac, OpenPoll{scale_spec(-101, -90)}, ErrorCode::invalid_argument);  // within -100..100
  refused(fac, OpenPoll{scale_spec(95, 101)}, ErrorCode::invalid_argument);
  refused(fac, OpenPoll{scale_spec(0, 21)}, ErrorCode::invalid_argument);   // at most 20 steps
  PollSpec long_label = scale_spec();
  long_label.max_label = std::string(61, 'l');
  refused(fac, OpenPoll{long_label}, ErrorCode::text_invalid);
  PollSpec with_options = scale_spec();
  with_options.options = {"A", "B"};
  refused(fac, OpenPoll{with_options}, ErrorCode::invalid_argument);
  EXPECT_TRUE(state.polls.empty());
  ok(fac, OpenPoll{scale_spec(-10, 10)});  // exactly 20 steps
  ok(fac, OpenPoll{scale_spec()});          // fist-to-five
  PollSpec no_labels = scale_spec(1, 3);
  no_labels.min_label.clear();
  no_labels.max_label.clear();
  ok(fac, OpenPoll{no_labels});  // labels are optional
  EXPECT_EQ(state.polls.size(), 3u);
}

TEST_F(PollsTest, OpenTextHasNoOptions) {
  PollSpec spec = text_spec();
  spec.options = {"A", "B"};
  refused(fac, OpenPoll{spec}, ErrorCode::invalid_argument);
  ok(fac, OpenPoll{text_spec()});
}

TEST_F(PollsTest, MultipleChoiceMaximumMustFitTheOptions) {
  PollSpec spec = choice({"A", "B", "C"}, PollKind::multiple_choice);
  spec.max_choices = 0;
  refused(fac, OpenPoll{spec}, ErrorCode::invalid_argument);
  spec.max_choices = 4;
  refused(fac, OpenPoll{spec}, ErrorCode::invalid_argument);
  spec.max_choices = 3;
  ok(fac, OpenPoll{spec});
}

TEST_F(PollsTest, AnonymousPollWithResultsBeforeCloseIsRefused) {
  PollSpec spec = anonymous(choice({"A", "B"}));
  spec.shown = ResultsShown::live;
  refused(fac, OpenPoll{spec}, ErrorCode::invalid_argument);
  spec.shown = ResultsShown::after_vote;
  refused(fac, OpenPoll{spec}, ErrorCode::invalid_argument);
  spec.shown = ResultsShown::at_close;
  ok(fac, OpenPoll{spec});
  EXPECT_TRUE(poll(1).spec.anonymous);
}

TEST_F(PollsTest, MinVotersIsFromOneToAThousand) {
  refused(fac, OpenPoll{anonymous(choice({"A", "B"}), 0)}, ErrorCode::invalid_argument);
  refused(fac, OpenPoll{anonymous(choice({"A", "B"}), 1001)}, ErrorCode::invalid_argument);
  ok(fac, OpenPoll{anonymous(choice({"A", "B"}), 1)});
  ok(fac, OpenPoll{anonymous(choice({"A", "B"}), 1000)});
  EXPECT_EQ(poll(1).spec.min_voters, 1u);
  EXPECT_EQ(poll(2).spec.min_voters, 1000u);
}

// --- ballots ---

TEST_F(PollsTest, SingleChoiceBallots) {
  const auto id = open(choice({"A", "B", "C"}));
  bad_ballot(id, ana, picks({}));         // no choice
  bad_ballot(id, ana, picks({3}));        // an option that does not exist
  bad_ballot(id, ana, picks({0, 1}));     // too many choices
  bad_ballot(id, ana, Ballot{{0}, 2, ""});   // a scale value in a choice poll
  bad_ballot(id, ana, Ballot{{0}, 0, "hi"}); // a text answer in a choice poll
  EXPECT_TRUE(poll(id).voters.empty());
  const Handled h = run(ana, CastVote{id, ana, picks({2})});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{VoteRecorded{id, ana, picks({2})}}));
  EXPECT_EQ(poll(id).voters, std::set<ParticipantId>{ana});
  EXPECT_EQ(poll(id).named.at(ana), picks({2}));
  EXPECT_TRUE(poll(id).anonymous.empty());
}

TEST_F(PollsTest, MultipleChoiceBallots) {
  PollSpec spec = choice({"A", "B", "C", "D"}, PollKind::multiple_choice);
  spec.max_choices = 2;
  const auto id = open(spec);
  bad_ballot(id, ana, picks({}));
  bad_ballot(id, ana, picks({0, 1, 2}));  // more than the maximum
  bad_ballot(id, ana, picks({1, 1}));     // the same option twice
  bad_ballot(id, ana, picks({0, 4}));     // an option that does not exist
  vote(id, ana, picks({3, 0}));
  EXPECT_EQ(poll(id).named.at(ana), picks({0, 3}));  // stored in option order
  vote(id, bo, picks({1}));                          // fewer than the maximum is fine
  EXPECT_EQ(poll(id).voters.size(), 2u);
}

TEST_F(PollsTest, ScaleBallots) {
  const auto id = open(scale_spec(0, 5));
  bad_ballot(id, ana, value(6));
  bad_ballot(id, ana, value(-1));
  bad_ballot(id, ana, Ballot{{1}, 3, ""});  // options in a scale poll
  bad_ballot(id, ana, Ballot{{}, 3, "three"});
  vote(id, ana, value(0));  // both ends are allowed
  vote(id, bo, value(5));
  EXPECT_EQ(poll(id).named.at(ana).scale, 0);
  EXPECT_EQ(poll(id).named.at(bo).scale, 5);
}

TEST_F(PollsTest, RankedChoiceBallots) {
  const auto id = open(choice({"A", "B", "C"}, PollKind::ranked_choice));
  bad_ballot(id, ana, picks({}));
  bad_ballot(id, ana, picks({0, 0}));     // ranked twice
  bad_ballot(id, ana, picks({2, 3}));     // an option that does not exist
  bad_ballot(id, ana, picks({0, 1, 2, 0}));
  vote(id, ana, picks({2, 0, 1}));  // a full ranking, in preference order (not sorted)
  vote(id, bo, picks({1}));         // a partial ranking
  EXPECT_EQ(poll(id).named.at(ana), picks({2, 0, 1}));
  EXPECT_EQ(poll(id).named.at(bo), picks({1}));
}

TEST_F(PollsTest, OpenTextBallots) {
  const auto id = open(text_spec());
  bad_ballot(id, ana, answer(""));
  bad_ballot(id, ana, answer("   \t "));
  bad_ballot(id, ana, answer(std::string(max_answer_chars + 1, 'w')));
  bad_ballot(id, ana, answer("bad\x01text"));
  bad_ballot(id, ana, Ballot{{0}, 0, "hello"});
  vote(id, ana, answer("  hopeful  "));
  EXPECT_EQ(poll(id).named.at(ana).text, "hopeful");  // trimmed
  vote(id, bo, answer(std::string(max_answer_chars, 'w')));
}

TEST_F(PollsTest, VotesNeedAPollAndAVoterWhoMayVote) {
  const auto id = open(choice({"A", "B"}));
  refused(ana, CastVote{id + 1, ana, picks({0})}, ErrorCode::not_found);
  refused(ana, CastVote{0, ana, picks({0})}, ErrorCode::not_found);
  refused(fac, CastVote{id, 99, picks({0})}, ErrorCode::unknown_participant);
  refused(display, CastVote{id, display, picks({0})}, ErrorCode::not_allowed);  // the room display
  refused(ana, CastVote{id, bo, picks({0})}, ErrorCode::not_allowed);           // someone else
  refused(fac, CastVote{id, bo, picks({0})}, ErrorCode::not_allowed);           // not a proxy
  EXPECT_TRUE(poll(id).voters.empty());
}

TEST_F(PollsTest, NamedVoteCastAgainReplacesTheFirst) {
  const auto id = open(choice({"A", "B", "C"}));
  vote(id, ana, picks({0}));
  vote(id, bo, picks({0}));
  vote(id, ana, picks({2}));
  EXPECT_EQ(poll(id).voters.size(), 2u);
  EXPECT_EQ(poll(id).named.size(), 2u);
  EXPECT_EQ(poll(id).named.at(ana), picks({2}));
  const PollResult r = count_poll(poll(id));
  EXPECT_EQ(r.voters, 2u);
  EXPECT_EQ(r.counts, (std::vector<std::uint32_t>{1, 0, 1}));
}

TEST_F(PollsTest, AnonymousVoteCannotBeCastTwice) {
  const auto id = open(anonymous(choice({"A", "B"})));
  vote(id, ana, picks({0}));
  refused(ana, CastVote{id, ana, picks({0})}, ErrorCode::already_voted);
  refused(ana, CastVote{id, ana, picks({1})}, ErrorCode::already_voted);
  EXPECT_EQ(poll(id).voters.size(), 1u);
  EXPECT_EQ(poll(id).anonymous.size(), 1u);
}

TEST_F(PollsTest, VotingInAClosedOrCancelledPollIsRefused) {
  const auto closed_id = open(choice({"A", "B"}));
  vote(closed_id, ana, picks({0}));
  ok(fac, ClosePoll{closed_id, ""});
  refused(bo, CastVote{closed_id, bo, picks({1})}, ErrorCode::closed);
  refused(ana, CastVote{closed_id, ana, picks({1})}, ErrorCode::closed);  // no change after close either
  const auto cancelled_id = open(anonymous(choice({"A", "B"})));
  vote(cancelled_id, ana, picks({0}));
  ok(fac, CancelPoll{cancelled_id});
  refused(bo, CastVote{cancelled_id, bo, picks({1})}, ErrorCode::closed);
  // Even an invalid ballot is answered "closed": the poll's state is checked first.
  refused(bo, CastVote{closed_id, bo, picks({9})}, ErrorCode::closed);
}

TEST_F(PollsTest, FacilitatorRecordsProxyVotesInNamedPollsOnly) {
  ok(fac, AddProxy{"Gran", Location::in_room});
  const ParticipantId gran = static_cast<ParticipantId>(state.participants.size());
  const auto named_id = open(choice({"A", "B"}));
  refused(ana, CastVote{named_id, gran, picks({1})}, ErrorCode::not_allowed);  // only facilitators act for proxies
  ok(co, CastVote{named_id, gran, picks({1})});
  EXPECT_EQ(poll(named_id).named.at(gran), picks({1}));
  ok(fac, CastVote{named_id, gran, picks({0})});  // changed, as any named vote may be
  EXPECT_EQ(poll(named_id).named.at(gran), picks({0}));
  EXPECT_EQ(poll(named_id).voters, std::set<ParticipantId>{gran});

  const auto anon_id = open(anonymous(choice({"A", "B"})));
  refused(fac, CastVote{anon_id, gran, picks({1})}, ErrorCode::not_allowed);
  EXPECT_TRUE(poll(anon_id).voters.empty());
}

// --- counting ---

TEST_F(PollsTest, CountSingleChoice) {
  const auto id = open(choice({"A", "B", "C"}));
  vote(id, ana, picks({0}));
  vote(id, bo, picks({1}));
  vote(id, cy, picks({1}));
  vote(id, dee, picks({2}));
  vote(id, fac, picks({1}));
  const PollResult r = count_poll(poll(id));
  EXPECT_EQ(r.voters, 5u);
  EXPECT_FALSE(r.withheld);
  EXPECT_EQ(r.counts, (std::vector<std::uint32_t>{1, 3, 1}));
  EXPECT_EQ(r.winner, 1);
  EXPECT_TRUE(r.rounds.empty());
  EXPECT_TRUE(r.answers.empty());
  EXPECT_EQ(describe_result(poll(id), r), "B: 3 of 5 voters");
}

TEST_F(PollsTest, CountSingleChoiceTieHasNoWinner) {
  const auto id = open(choice({"A", "B", "C"}));
  EXPECT_EQ(count_poll(poll(id)).winner, -1);  // no votes
  EXPECT_EQ(count_poll(poll(id)).counts, (std::vector<std::uint32_t>{0, 0, 0}));
  vote(id, ana, picks({0}));
  vote(id, bo, picks({2}));
  const PollResult r = count_poll(poll(id));
  EXPECT_EQ(r.counts, (std::vector<std::uint32_t>{1, 0, 1}));
  EXPECT_EQ(r.winner, -1);
  EXPECT_EQ(describe_result(poll(id), r), "no single option won (a tie or no votes)");
}

TEST_F(PollsTest, CountMultipleChoice) {
  PollSpec spec = choice({"A", "B", "C"}, PollKind::multiple_choice);
  spec.max_choices = 2;
  const auto id = open(spec);
  vote(id, ana, picks({0, 1}));
  vote(id, bo, picks({1, 2}));
  vote(id, cy, picks({1}));
  vote(id, dee, picks({2, 0}));
  const PollResult r = count_poll(poll(id));
  EXPECT_EQ(r.voters, 4u);
  EXPECT_EQ(r.counts, (std::vector<std::uint32_t>{2, 3, 2}));
  EXPECT_EQ(r.winner, 1);
}

TEST_F(PollsTest, CountScaleMean) {
  const auto id = open(scale_spec(0, 5));
  vote(id, ana, value(1));
  vote(id, bo, value(4));
  vote(id, cy, value(5));
  vote(id, dee, value(5));
  const PollResult r = count_poll(poll(id));
  EXPECT_EQ(r.voters, 4u);
  EXPECT_EQ(r.counts, (std::vector<std::uint32_t>{0, 1, 0, 0, 1, 2}));  // per value 0..5
  EXPECT_DOUBLE_EQ(r.mean, 3.75);
  EXPECT_EQ(r.winner, -1);
  EXPECT_EQ(describe_result(poll(id), r), "mean 3.75 on 0 to 5, of 4 voters");
}

TEST_F(PollsTest, CountScaleWithNegativeValues) {
  const auto id = open(scale_spec(-2, 2));
  vote(id, ana, value(-2));
  vote(id, bo, value(-1));
  vote(id, cy, value(2));
  const PollResult r = count_poll(poll(id));
  EXPECT_EQ(r.counts, (std::vector<std::uint32_t>{1, 1, 0, 0, 1}));  // per value -2..2
  EXPECT_DOUBLE_EQ(r.mean, -1.0 / 3.0);
}

TEST_F(PollsTest, CountOpenTextSortsTheAnswers) {
  const auto id = open(text_spec());
  vote(id, ana, answer("zebra"));
  vote(id, bo, answer("Apple"));
  vote(id, cy, answer("mango"));
  vote(id, dee, answer("mango"));
  const PollResult r = count_poll(poll(id));
  EXPECT_EQ(r.voters, 4u);
  EXPECT_EQ(r.answers, (std::vector<std::string>{"Apple", "mango", "mango", "zebra"}));
  EXPECT_EQ(describe_result(poll(id), r), "4 answers");
}

// Ten people rank A, B, C, D (options 0..3):
//   4 x A only;  3 x B > C;  2 x C > B;  1 x D > C.
// Round 1: A 4, B 3, C 2, D 1 of 10: no majority (more than 5); D has fewest and goes.
// Round 2: D's ballot moves to C: A 4, B 3, C 3. B and C tie for fewest; in round 1 C had fewer
//          (2 against 3), so C goes.
// Round 3: C's two ballots move to B; the D > C ballot has nobody left and stops counting:
//          A 4, B 5 of 9 counting: B has a majority and wins, though A led on first preferences.
TEST_F(PollsTest, InstantRunoffRoundByRound) {
  const auto id = open(choice({"A", "B", "C", "D"}, PollKind::ranked_choice));
  for (int i = 0; i < 4; ++i) join("A voter " + std::to_string(i));
  for (int i = 0; i < 6; ++i) join("Other voter " + std::to_string(i));
  std::vector<Ballot> ballots;
  for (int i = 0; i < 4; ++i) ballots.push_back(picks({0}));
  for (int i = 0; i < 3; ++i) ballots.push_back(picks({1, 2}));
  for (int i = 0; i < 2; ++i) ballots.push_back(picks({2, 1}));
  ballots.push_back(picks({3, 2}));
  ParticipantId voter = display + 1;
  for (const auto& b : ballots) vote(id, voter++, b);
  ASSERT_EQ(poll(id).voters.size(), 10u);

  const PollResult r = count_poll(poll(id));
  EXPECT_EQ(r.voters, 10u);
  EXPECT_EQ(r.counts, (std::vector<std::uint32_t>{4, 3, 2, 1}));  // first preferences
  ASSERT_EQ(r.rounds.size(), 3u);
  EXPECT_EQ(r.rounds[0], (RunoffRound{{4, 3, 2, 1}, 3}));
  EXPECT_EQ(r.rounds[1], (RunoffRound{{4, 3, 3, 0}, 2}));
  EXPECT_EQ(r.rounds[2], (RunoffRound{{4, 5, 0, 0}, -1}));
  EXPECT_EQ(r.winner, 1);
  EXPECT_EQ(describe_result(poll(id), r), "B won by instant runoff after 3 rounds, of 10 voters");
}

// Fewest-votes ties. With no earlier round to look at, the later-listed option goes first.
// Four options A, B, C, D; eight ballots: 3 x A, 3 x B, 1 x C > A, 1 x D > C.
// Round 1: A 3, B 3, C 1, D 1 of 8: C and D tie for fewest; D is listed later and goes.
// Round 2: D's ballot moves to C: A 3, B 3, C 2: C goes.
// Round 3: C > A moves to A; D > C has nobody left: A 4, B 3 of 7 counting: A wins.
TEST_F(PollsTest, InstantRunoffFirstRoundTieEliminatesTheLaterListed) {
  const auto id = open(choice({"A", "B", "C", "D"}, PollKind::ranked_choice));
  std::vector<Ballot> ballots;
  for (int i = 0; i < 3; ++i) ballots.push_back(picks({0}));
  for (int i = 0; i < 3; ++i) ballots.push_back(picks({1}));
  ballots.push_back(picks({2, 0}));
  ballots.push_back(picks({3, 2}));
  cast_by_new_people(id, ballots);
  const PollResult r = count_poll(poll(id));
  ASSERT_EQ(r.rounds.size(), 3u);
  EXPECT_EQ(r.rounds[0], (RunoffRound{{3, 3, 1, 1}, 3}));
  EXPECT_EQ(r.rounds[1], (RunoffRound{{3, 3, 2, 0}, 2}));
  EXPECT_EQ(r.rounds[2], (RunoffRound{{4, 3, 0, 0}, -1}));
  EXPECT_EQ(r.winner, 0);
}

// A tie that earlier rounds narrow but do not settle: of the options tied for fewest, those with
// fewest votes in the earliest round where they differ remain, and of those the later-listed goes.
// Options A, B, C, D, X; seventeen ballots: 5 x A, 3 x B, 3 x C, 4 x D, 1 x X > B, 1 x X > C.
// Round 1: A 5, B 3, C 3, D 4, X 2: X goes.
// Round 2: its ballots move to B and C: A 5, B 4, C 4, D 4. B, C and D tie; in round 1 B and C
//          had 3 against D's 4, so B and C remain, and C, listed later, goes.
// Round 3: C's ballots have nobody left: A 5, B 4, D 4 of 13. B and D tie; in round 1 B had fewer.
// Round 4: B's ballots have nobody left: A 5, D 4 of 9 counting: A has a majority.
TEST_F(PollsTest, InstantRunoffTieNarrowedByEarlierRoundsEliminatesTheLaterListed) {
  const auto id = open(choice({"A", "B", "C", "D", "X"}, PollKind::ranked_choice));
  std::vector<Ballot> ballots;
  for (int i = 0; i < 5; ++i) ballots.push_back(picks({0}));
  for (int i = 0; i < 3; ++i) ballots.push_back(picks({1}));
  for (int i = 0; i < 3; ++i) ballots.push_back(picks({2}));
  for (int i = 0; i < 4; ++i) ballots.push_back(picks({3}));
  ballots.push_back(picks({4, 1}));
  ballots.push_back(picks({4, 2}));
  cast_by_new_people(id, ballots);
  const PollResult r = count_poll(poll(id));
  EXPECT_EQ(r.voters, 17u);
  ASSERT_EQ(r.rounds.size(), 4u);
  EXPECT_EQ(r.rounds[0], (RunoffRound{{5, 3, 3, 4, 2}, 4}));
  EXPECT_EQ(r.rounds[1], (RunoffRound{{5, 4, 4, 4, 0}, 2}));
  EXPECT_EQ(r.rounds[2], (RunoffRound{{5, 4, 0, 4, 0}, 1}));
  EXPECT_EQ(r.rounds[3], (RunoffRound{{5, 0, 0, 4, 0}, -1}));
  EXPECT_EQ(r.winner, 0);
}

TEST_F(PollsTest, InstantRunoffMajorityInTheFirstRoundEndsAtOnce) {
  const auto id = open(choice({"A", "B", "C"}, PollKind::ranked_choice));
  vote(id, ana, picks({1, 0}));
  vote(id, bo, picks({1}));
  vote(id, cy, picks({0, 2, 1}));
  const PollResult r = count_poll(poll(id));
  ASSERT_EQ(r.rounds.size(), 1u);
  EXPECT_EQ(r.rounds[0], (RunoffRound{{1, 2, 0}, -1}));
  EXPECT_EQ(r.winner, 1);
}

TEST_F(PollsTest, InstantRunoffEvenSplitIsATie) {
  const auto id = open(choice({"A", "B"}, PollKind::ranked_choice));
  vote(id, ana, picks({0, 1}));
  vote(id, bo, picks({1, 0}));
  const PollResult r = count_poll(poll(id));
  ASSERT_EQ(r.rounds.size(), 1u);
  EXPECT_EQ(r.rounds[0], (RunoffRound{{1, 1}, -1}));
  EXPECT_EQ(r.winner, -1);
  EXPECT_EQ(describe_result(poll(id), r), "no winner by instant runoff (a tie or no votes)");
}

// A 2, B 2, C 1: C goes; its ballot ranks nobody else, so A 2, B 2 of 4 remain: a tie.
TEST_F(PollsTest, InstantRunoffTieAfterAnElimination) {
  const auto id = open(choice({"A", "B", "C"}, PollKind::ranked_choice));
  vote(id, ana, picks({0}));
  vote(id, bo, picks({0}));
  vote(id, cy, picks({1}));
  vote(id, dee, picks({1}));
  vote(id, fac, picks({2}));
  const PollResult r = count_poll(poll(id));
  ASSERT_EQ(r.rounds.size(), 2u);
  EXPECT_EQ(r.rounds[0], (RunoffRound{{2, 2, 1}, 2}));
  EXPECT_EQ(r.rounds[1], (RunoffRound{{2, 2, 0}, -1}));
  EXPECT_EQ(r.winner, -1);
}

TEST_F(PollsTest, InstantRunoffWithNoBallotsHasNoRounds) {
  const auto id = open(choice({"A", "B"}, PollKind::ranked_choice));
  const PollResult r = count_poll(poll(id));
  EXPECT_TRUE(r.rounds.empty());
  EXPECT_EQ(r.winner, -1);
  EXPECT_EQ(r.counts, (std::vector<std::uint32_t>{0, 0}));
}

// --- closing and cancelling ---

TEST_F(PollsTest, CloseGivesTheResult) {
  const auto id = open(choice({"A", "B"}));
  vote(id, ana, picks({0}));
  vote(id, bo, picks({0}));
  vote(id, cy, picks({1}));
  refused(ana, ClosePoll{id, ""}, ErrorCode::not_allowed);
  refused(fac, ClosePoll{id + 1, ""}, ErrorCode::not_found);
  const PollResult expected = count_poll(poll(id));
  const Handled h = run(co, ClosePoll{id, ""});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);  // not a decision: nothing enters the record
  EXPECT_EQ(h.events[0].event, (Event{PollClosed{id, expected}}));
  EXPECT_EQ(poll(id).status, PollStatus::closed);
  ASSERT_TRUE(poll(id).result.has_value());
  EXPECT_EQ(poll(id).result->counts, (std::vector<std::uint32_t>{2, 1}));
  EXPECT_EQ(poll(id).result->winner, 0);
  EXPECT_TRUE(state.decisions.empty());
  // The ballots are kept after close (named poll): the record of who voted what stays with it.
  EXPECT_EQ(poll(id).named.size(), 3u);
}

TEST_F(PollsTest, ClosingADecisionPollRecordsTheDecision) {
  PollSpec spec = choice({"Soup", "Salad", "Stew"});
  spec.question = "Lunch for the next meeting?";
  spec.is_decision = true;
  const auto id = open(spec);
  vote(id, ana, picks({0}));
  vote(id, bo, picks({0}));
  vote(id, cy, picks({1}));
  vote(id, dee, picks({0}));
  vote(id, fac, picks({2}));
  refused(fac, ClosePoll{id, "next week"}, ErrorCode::invalid_argument);
  advance(1'000);
  const Handled h = run(fac, ClosePoll{id, "2030-01-15"});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<PollClosed>(h.events[0].event));
  ASSERT_TRUE(std::holds_alternative<DecisionRecorded>(h.events[1].event));
  ASSERT_EQ(state.decisions.size(), 1u);
  const Decision& d = state.decisions[0];
  EXPECT_EQ(d.id, 1u);
  EXPECT_EQ(d.title, "Lunch for the next meeting?");
  EXPECT_EQ(d.text, "Lunch for the next meeting?\n1. Soup\n2. Salad\n3. Stew");
  EXPECT_EQ(d.method, "poll (single_choice, named)");
  EXPECT_EQ(d.present_count, 6u);
  EXPECT_EQ(d.present_names, (std::vector<std::string>{"Fac", "Co", "Ana", "Bo", "Cy", "Dee"}));
  EXPECT_EQ(d.result, "Soup: 3 of 5 voters");
  EXPECT_EQ(d.dissent, (std::vector<std::string>{"1 vote for Salad", "1 vote for Stew"}));
  EXPECT_EQ(d.at, now);
  EXPECT_EQ(d.review_date, "2030-01-15");
  EXPECT_EQ(d.prev_hash, genesis_hash);
  EXPECT_EQ(d.hash, decision_hash(d));
}

TEST_F(PollsTest, CancelEndsThePollWithoutAResultOrDecision) {
  PollSpec spec = choice({"A", "B"});
  spec.is_decision = true;
  const auto id = open(spec);
  vote(id, ana, picks({0}));
  refused(ana, CancelPoll{id}, ErrorCode::not_allowed);
  refused(fac, CancelPoll{id + 1}, ErrorCode::not_found);
  ok(co, CancelPoll{id});
  EXPECT_EQ(poll(id).status, PollStatus::cancelled);
  EXPECT_TRUE(poll(id).named.empty());
  EXPECT_FALSE(poll(id).result.has_value());
  EXPECT_TRUE(state.decisions.empty());
  refused(fac, CancelPoll{id}, ErrorCode::closed);
  refused(fac, ClosePoll{id, ""}, ErrorCode::closed);
  EXPECT_FALSE(results_visible(poll(id), true));
}

TEST_F(PollsTest, ResultsVisibleForNamedPolls) {
  PollSpec live = choice({"A", "B"});
  live.shown = ResultsShown::live;
  PollSpec after = choice({"A", "B"});
  after.shown = ResultsShown::after_vote;
  PollSpec at_close = choice({"A", "B"});
  at_close.shown = ResultsShown::at_close;
  const auto live_id = open(live);
  const auto after_id = open(after);
  const auto close_id = open(at_close);
  EXPECT_TRUE(results_visible(poll(live_id), false));
  EXPECT_TRUE(results_visible(poll(live_id), true));
  EXPECT_FALSE(results_visible(poll(after_id), false));
  EXPECT_TRUE(results_visible(poll(after_id), true));
  EXPECT_FALSE(results_visible(poll(close_id), false));
  EXPECT_FALSE(results_visible(poll(close_id), true));
  for (auto id : {live_id, after_id, close_id}) {
    ok(fac, ClosePoll{id, ""});
    EXPECT_TRUE(results_visible(poll(id), false)) << "poll " << id;  // everyone sees a closed named poll
  }
}

// --- anonymity: the five promises of design.md ---

// Promise 1: "has voted" and the tally are stored apart; no event holds a person and a choice.
TEST_F(PollsTest, AnonymityPromise1_AVoteIsTwoEventsThatShareNothing) {
  // The event types themselves: VoterRecorded has exactly {poll, who}, BallotCounted exactly
  // {poll, ballot} (structured bindings compile only with exactly that many members).
  {
    const auto [poll_no, who] = VoterRecorded{7, 9};
    EXPECT_EQ(poll_no + who, 16u);
    const auto [poll_no2, ballot] = BallotCounted{7, picks({1})};
    EXPECT_EQ(poll_no2, 7u);
    EXPECT_EQ(ballot, picks({1}));
  }
  const auto id = open(anonymous(choice({"A", "B", "C"})));
  const std::size_t logged = log.size();
  const Handled h = run(bo, CastVote{id, bo, picks({2})});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[0].event, (Event{VoterRecorded{id, bo}}));
  EXPECT_EQ(h.events[1].event, (Event{BallotCounted{id, picks({2})}}));
  vote(id, ana, picks({0}));
  vote(id, cy, picks({2}));
  // Nothing in the log is a named vote.
  for (std::size_t i = logged; i < log.size(); ++i)
    EXPECT_FALSE(std::holds_alternative<VoteRecorded>(log[i].event)) << "event " << log[i].seq;
  // The poll keeps who voted and the ballots apart, the ballots sorted.
  const Poll& p = poll(id);
  EXPECT_TRUE(p.named.empty());
  EXPECT_EQ(p.voters, (std::set<ParticipantId>{ana, bo, cy}));
  EXPECT_EQ(p.anonymous, (std::vector<Ballot>{picks({0}), picks({2}), picks({2})}));
  EXPECT_TRUE(std::is_sorted(p.anonymous.begin(), p.anonymous.end()));
  // Closing keeps them apart as well: the result holds counts, not people.
  ok(fac, ClosePoll{id, ""});
  EXPECT_EQ(poll(id).result->counts, (std::vector<std::uint32_t>{1, 0, 2}));
  EXPECT_TRUE(poll(id).named.empty());
}

// Promise 1, continued: the state after the same ballots cast by the same people in different
// orders is identical, so the stored ballots say nothing about who cast which.
TEST_F(PollsTest, AnonymityPromise1_BallotOrderSaysNothingAboutWhoCastThem) {
  const auto final_state = [&](const std::vector<std::pair<ParticipantId, Ballot>>& votes) {
    MeetingState s;
    const Millis t = 1'000;
    for (const char* name : {"Fac", "Ana", "Bo", "Cy", "Dee"})
      EXPECT_TRUE(handle(s, server_actor, Join{name, s.participants.empty() ? Role::facilitator : Role::participant,
                                               Location::remote, Preference::none},
                         t)
                      .accepted());
    EXPECT_TRUE(handle(s, 1, OpenPoll{anonymous(choice({"A", "B", "C"}, PollKind::ranked_choice))}, t).accepted());
    for (const auto& [who, b] : votes) EXPECT_TRUE(handle(s, who, CastVote{1, who, b}, t).accepted());
    return s;
  };
  // The same person casts the same ballot in both runs; only the order of casting differs.
  const std::pair<ParticipantId, Ballot> a{2, picks({2, 0})}, b{3, picks({0, 1, 2})}, c{4, picks({1})},
      d{5, picks({0, 2})};
  const MeetingState one = final_state({a, b, c, d});
  const MeetingState two = final_state({d, c, b, a});
  const MeetingState three = final_state({c, a, d, b});
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, three);
  EXPECT_EQ(one.polls[0].anonymous,
            (std::vector<Ballot>{picks({0, 1, 2}), picks({0, 2}), picks({1}), picks({2, 0})}));
}

// Promise 2: while an anonymous poll is open, nobody sees a running tally (voted or not,
// facilitator or not: results_visible takes no role, so it holds for every viewer).
TEST_F(PollsTest, AnonymityPromise2_NoRunningTallyWhileOpen) {
  const auto id = open(anonymous(choice({"A", "B"})));
  EXPECT_FALSE(results_visible(poll(id), false));
  EXPECT_FALSE(results_visible(poll(id), true));
  vote(id, ana, picks({0}));
  vote(id, bo, picks({0}));
  vote(id, cy, picks({1}));
  vote(id, fac, picks({1}));
  EXPECT_FALSE(results_visible(poll(id), false));
  EXPECT_FALSE(results_visible(poll(id), true));
  // results_visible guards anonymity itself, even for a poll value whose settings say "live"
  // (OpenPoll refuses such a poll, so one can only be built by hand).
  Poll odd = poll(id);
  odd.spec.shown = ResultsShown::live;
  EXPECT_FALSE(results_visible(odd, false));
  EXPECT_FALSE(results_visible(odd, true));
  odd.spec.shown = ResultsShown::after_vote;
  EXPECT_FALSE(results_visible(odd, true));
  // Only the number who have voted is known while open.
  EXPECT_EQ(poll(id).voters.size(), 4u);
  EXPECT_FALSE(poll(id).result.has_value());
  ok(fac, ClosePoll{id, ""});
  EXPECT_TRUE(results_visible(poll(id), false));
  EXPECT_TRUE(results_visible(poll(id), true));
}

// Promise 3: below k voters the result is withheld at close, and the decision record says so
// without any names.
TEST_F(PollsTest, AnonymityPromise3_BelowKTheResultIsWithheldAndTheRecordSaysSo) {
  PollSpec spec = anonymous(choice({"Keep", "Change"}), 3);
  spec.question = "Keep the meeting time?";
  spec.is_decision = true;
  const auto id = open(spec);
  vote(id, ana, picks({1}));
  vote(id, bo, picks({1}));
  const Handled h = run(fac, ClosePoll{id, ""});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  PollResult withheld;
  withheld.voters = 2;
  withheld.withheld = true;
  EXPECT_EQ(h.events[0].event, (Event{PollClosed{id, withheld}}));
  const Poll& p = poll(id);
  ASSERT_TRUE(p.result.has_value());
  EXPECT_TRUE(p.result->withheld);
  EXPECT_EQ(p.result->voters, 2u);
  EXPECT_TRUE(p.result->counts.empty());
  EXPECT_EQ(p.result->winner, -1);
  EXPECT_FALSE(results_visible(p, true));
  EXPECT_FALSE(results_visible(p, false));

  ASSERT_EQ(state.decisions.size(), 1u);
  const Decision& d = state.decisions[0];
  EXPECT_EQ(d.method, "poll (single_choice, anonymous)");
  EXPECT_EQ(d.result, "withheld: 2 voted, fewer than the 3 needed to show an anonymous result");
  EXPECT_TRUE(d.present_names.empty());
  EXPECT_EQ(d.present_count, 6u);
  EXPECT_TRUE(d.dissent.empty());
  for (const char* name : {"Ana", "Bo", "Fac", "Co", "Cy", "Dee"}) {
    EXPECT_EQ(d.title.find(name), std::string::npos);
    EXPECT_EQ(d.text.find(name), std::string::npos);
    EXPECT_EQ(d.result.find(name), std::string::npos);
  }
}

TEST_F(PollsTest, AnonymityPromise3_AnOpenTextResultBelowKHidesTheAnswers) {
  const auto id = open(anonymous(text_spec(), 4));
  vote(id, ana, answer("tired"));
  vote(id, bo, answer("hopeful"));
  vote(id, cy, answer("curious"));
  ok(fac, ClosePoll{id, ""});
  EXPECT_TRUE(poll(id).result->withheld);
  EXPECT_TRUE(poll(id).result->answers.empty());
}

TEST_F(PollsTest, AnonymityPromise3_AtKTheResultIsShownWithoutNames) {
  PollSpec spec = anonymous(choice({"Keep", "Change"}), 3);
  spec.is_decision = true;
  const auto id = open(spec);
  vote(id, ana, picks({1}));
  vote(id, bo, picks({1}));
  vote(id, cy, picks({0}));
  ok(fac, ClosePoll{id, ""});
  EXPECT_FALSE(poll(id).result->withheld);
  EXPECT_EQ(poll(id).result->counts, (std::vector<std::uint32_t>{1, 2}));
  const Decision& d = state.decisions.at(0);
  EXPECT_EQ(d.result, "Change: 2 of 3 voters");
  EXPECT_TRUE(d.present_names.empty());
  EXPECT_EQ(d.dissent, (std::vector<std::string>{"1 vote for Keep"}));
}

// Promise 4: no command turns an anonymous poll named, and a closed poll stays closed.
TEST_F(PollsTest, AnonymityPromise4_NeverNamedAndNeverReopened) {
  const auto id = open(anonymous(choice({"A", "B"})));
  // Every poll command, including ones that should fail, leaves the poll anonymous.
  ok(fac, AddProxy{"Gran", Location::in_room});
  const ParticipantId gran = static_cast<ParticipantId>(state.participants.size());
  refused(fac, CastVote{id, gran, picks({0})}, ErrorCode::not_allowed);  // a proxy vote would be named
  refused(fac, CastVote{id, ana, picks({0})}, ErrorCode::not_allowed);   // and so would any vote for another
  vote(id, ana, picks({0}));
  vote(id, bo, picks({1}));
  vote(id, cy, picks({1}));
  refused(ana, CastVote{id, ana, picks({1})}, ErrorCode::already_voted);  // no changing a secret vote
  EXPECT_TRUE(poll(id).spec.anonymous);
  EXPECT_TRUE(poll(id).named.empty());
  // Opening another poll with the same question, named, makes a new poll; this one is untouched.
  PollSpec named = choice({"A", "B"});
  const auto other = open(named);
  EXPECT_NE(other, id);
  EXPECT_TRUE(poll(id).spec.anonymous);

  ok(fac, ClosePoll{id, ""});
  const Poll closed = poll(id);
  refused(fac, ClosePoll{id, ""}, ErrorCode::closed);
  refused(fac, ClosePoll{id, "2030-01-01"}, ErrorCode::closed);
  refused(fac, CancelPoll{id}, ErrorCode::closed);
  refused(dee, CastVote{id, dee, picks({0})}, ErrorCode::closed);
  refused(ana, CastVote{id, ana, picks({1})}, ErrorCode::closed);
  EXPECT_EQ(poll(id), closed);
  EXPECT_EQ(poll(id).status, PollStatus::closed);
  EXPECT_TRUE(poll(id).spec.anonymous);
  // Replaying the log gives the same anonymous, closed poll.
  EXPECT_EQ(replay(log), state);
}

// Promise 5: anonymous written points, agreement items, flags and signals carry no author, in
// their events or in the state.
TEST_F(PollsTest, AnonymityPromise5_AnonymousInputCarriesNoAuthor) {
  // By type: a flag is exactly {item}, a signal exactly {kind}, a signal mark exactly {kind, at}.
  {
    const auto [item] = AgreementFlagged{3};
    EXPECT_EQ(item, 3u);
    const auto [kind] = SignalSent{SignalKind::lost};
    EXPECT_EQ(kind, SignalKind::lost);
    const auto [mark_kind, at] = SignalMark{SignalKind::lost, 5};
    EXPECT_EQ(mark_kind, SignalKind::lost);
    EXPECT_EQ(at, 5);
  }
  const std::size_t logged = log.size();

  Handled h = run(ana, SubmitPoint{PointKind::question, "Who pays for travel?", true});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{PointSubmitted{1, PointKind::question, "Who pays for travel?", 0}}));
  EXPECT_EQ(state.points.at(0).author, 0u);

  h = run(bo, ProposeAgreementItem{"No interrupting", true});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{AgreementItemProposed{1, "No interrupting", 0}}));
  EXPECT_EQ(state.agreement.at(0).author, 0u);

  ok(fac, QuickConsentCheck{1, true});
  h = run(cy, FlagAgreementItem{1});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{AgreementFlagged{1}}));
  EXPECT_EQ(state.agreement.at(0).flags, 1u);

  h = run(dee, SendSignal{SignalKind::not_heard});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{SignalSent{SignalKind::not_heard}}));
  ASSERT_EQ(state.signals.size(), 1u);
  EXPECT_EQ(state.signals[0], (SignalMark{SignalKind::not_heard, now}));

  // Every authored event since `logged` was anonymous, and says so with author 0.
  for (std::size_t i = logged; i < log.size(); ++i) {
    const Event& e = log[i].event;
    if (const auto* p = std::get_if<PointSubmitted>(&e)) {
      EXPECT_EQ(p->author, 0u);
    }
    if (const auto* a = std::get_if<AgreementItemProposed>(&e)) {
      EXPECT_EQ(a->author, 0u);
    }
  }
  // The named forms, for contrast, do carry the author.
  ok(ana, SubmitPoint{PointKind::point, "I agree with Bo", false});
  EXPECT_EQ(state.points.at(1).author, ana);
  ok(bo, ProposeAgreementItem{"Phones on silent", false});
  EXPECT_EQ(state.agreement.at(1).author, bo);
}

// --- away people vote (PROTOCOL.md, Polls: "whoever votes takes part") ---

// Nobody connected is refused a vote for being away: someone away, a late joiner and an away proxy
// (voted for by a facilitator) all vote. Each voter not counted when the poll opened is counted
// then, so `eligible` never falls below `voted` (a turnout of "3 of 2"), and the decision lists
// every voter among the people present, also those away when it closes.
TEST_F(PollsTest, AwayVotersAndLateJoinersCountAsEligibleAndAsPresentInTheDecision) {
  ok(ana, SetPresence{ana, Presence::away});
  ok(bo, SetPresence{bo, Presence::away});
  ok(cy, SetPresence{cy, Presence::away});
  ok(dee, SetPresence{dee, Presence::away});
  PollSpec spec = choice({"Soup", "Salad"});
  spec.is_decision = true;
  const auto id = open(spec);
  EXPECT_EQ(poll(id).eligible, 2u);  // Fac and Co
  vote(id, ana, picks({0}));         // away, and votes
  vote(id, bo, picks({0}));
  const ParticipantId eve = join("Eve");  // joined after the poll opened
  vote(id, eve, picks({1}));
  EXPECT_EQ(poll(id).voters.size(), 3u);
  EXPECT_EQ(poll(id).eligible, 5u);
  vote(id, ana, picks({1}));  // a second vote by someone already counted changes nothing
  vote(id, fac, picks({1}));  // counted at open
  EXPECT_EQ(poll(id).eligible, 5u);
  EXPECT_EQ(poll(id).voters.size(), 4u);
  ok(fac, AddProxy{"Gus", Location::in_room});
  const ParticipantId gus = static_cast<ParticipantId>(state.participants.size());
  ok(fac, SetPresence{gus, Presence::away});
  ok(fac, CastVote{id, gus, picks({0})});
  EXPECT_EQ(poll(id).eligible, 6u);
  EXPECT_EQ(poll(id).voters.size(), 5u);
  ok(eve, SetPresence{eve, Presence::away});  // voted, then stepped away before the close

  ok(fac, ClosePoll{id, ""});
  const Decision& d = state.decisions.at(0);
  EXPECT_EQ(d.result, "Salad: 3 of 5 voters");
  // Present: Fac and Co (here), and every voter, in join order; Cy and Dee, away and silent, are not.
  EXPECT_EQ(d.present_names, (std::vector<std::string>{"Fac", "Co", "Ana", "Bo", "Eve", "Gus"}));
  EXPECT_EQ(d.present_count, 6u);
  EXPECT_EQ(d.hash, decision_hash(d));
  EXPECT_EQ(replay(log), state);
}

// Issue 14, item 8: a proxy cannot vote in an anonymous poll (a facilitator voting for them would
// see their choice), so they are not counted as eligible there and "N of M voted" can reach M.
TEST_F(PollsTest, ProxiesAreEligibleInNamedPollsOnlyBecauseOnlyThereSomeoneCanVoteForThem) {
  ok(fac, AddProxy{"Gus", Location::in_room});
  const ParticipantId gus = static_cast<ParticipantId>(state.participants.size());
  const auto named = open(choice({"Soup", "Salad"}));
  PollSpec secret = choice({"Yes", "No"});
  secret.anonymous = true;
  const auto anonymous = open(secret);
  EXPECT_EQ(poll(anonymous).eligible + 1, poll(named).eligible);
  refused(fac, CastVote{anonymous, gus, picks({0})}, ErrorCode::not_allowed);
  for (const auto& p : state.participants)
    if (is_present(p) && !p.proxy) ok(p.id, CastVote{anonymous, p.id, picks({0})});
  EXPECT_EQ(poll(anonymous).voters.size(), poll(anonymous).eligible) << "everyone who can vote has, and it shows as all";
  EXPECT_EQ(replay(log), state);
}

TEST_F(PollsTest, AnAwayVoterInAnAnonymousPollIsCountedButNotNamed) {
  ok(ana, SetPresence{ana, Presence::away});
  PollSpec spec = anonymous(choice({"Keep", "Change"}), 3);
  spec.is_decision = true;
  const auto id = open(spec);
  EXPECT_EQ(poll(id).eligible, 5u);
  vote(id, ana, picks({1}));
  vote(id, bo, picks({1}));
  vote(id, cy, picks({0}));
  EXPECT_EQ(poll(id).eligible, 6u);
  ok(fac, ClosePoll{id, ""});
  const Decision& d = state.decisions.at(0);
  EXPECT_EQ(d.result, "Change: 2 of 3 voters");
  EXPECT_EQ(d.present_count, 6u);
  EXPECT_TRUE(d.present_names.empty());
  EXPECT_EQ(replay(log), state);
}

TEST_F(PollsTest, PollsCarryTheCurrentAgendaItem) {
  ok(fac, AddAgendaItem{"Budget", 20});
  ok(fac, StartAgendaItem{1});
  const auto id = open(choice({"A", "B"}));
  EXPECT_EQ(poll(id).agenda_item, 1u);
}

TEST_F(PollsTest, ReplayRebuildsPollsOfEveryKind) {
  const auto single_id = open(choice({"A", "B"}));
  const auto ranked_id = open(anonymous(choice({"A", "B", "C"}, PollKind::ranked_choice)));
  const auto text_id = open(text_spec());
  vote(single_id, ana, picks({1}));
  vote(ranked_id, ana, picks({2, 1}));
  vote(ranked_id, bo, picks({0}));
  vote(ranked_id, cy, picks({1, 0, 2}));
  vote(text_id, dee, answer("fine"));
  ok(fac, ClosePoll{ranked_id, ""});
  ok(fac, CancelPoll{text_id});
  EXPECT_EQ(replay(log), state);
}

}  // namespace
}  // namespace everyvoice::core
