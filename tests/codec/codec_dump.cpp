// codec_dump: drives one core meeting through many commands, the way the server's meeting room
// does (server/net/meeting_room.cpp), and writes every server message the codec produces to
// stdout, one JSON text per line. Nothing is random and no clock is read: times are fixed, the
// shuffled round has a fixed seed, tokens are constants.
//
// tests/codec/check_schemas.py runs it and validates every line against protocol/schema; it also
// checks that the lines use every server message type, every event kind and every error code.
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/group.hpp"
#include "codec/client_message.hpp"
#include "codec/server_message.hpp"
#include "core/meeting.hpp"

namespace {

using namespace everyvoice;
using namespace everyvoice::core;
using codec::Audience;

constexpr Audience all_audiences[] = {Audience::participant, Audience::facilitator, Audience::display};
constexpr const char* code = "K7MQ4T";

class Driver {
 public:
  MeetingState state;
  std::vector<Stamped> history;
  Millis now = 1'700'000'000'000;
  int next_id = 1;
  std::uint32_t pending_sections = 0;   // sections changed by count events, not yet sent
  std::set<std::uint32_t> results_dirty;  // named after-vote polls with new votes

  static void emit(const std::string& line) { std::cout << line << '\n'; }

  std::string id() { return "c" + std::to_string(next_id++); }

  void advance(Millis ms) { now += ms; }

  // Events as the room commits them: applied and recorded; counts (votes, upvotes, flags,
  // signals) wait for flush(); anything else goes out at once as one update per audience,
  // carrying the sections its events touched (and any counts still pending).
  void commit(const std::vector<Stamped>& events) {
    std::uint32_t sections = 0;
    bool only_counts = true;
    std::size_t new_decisions = 0;
    for (const auto& e : events) {
      apply(state, e);
      history.push_back(e);
      sections |= codec::sections_of(e.event);
      only_counts = only_counts && codec::is_count_event(e.event);
      new_decisions += std::holds_alternative<DecisionRecorded>(e.event) ? 1 : 0;
      if (const auto* v = std::get_if<VoteRecorded>(&e.event)) results_dirty.insert(v->poll);
    }
    if (only_counts) {
      pending_sections |= sections;
      return;
    }
    sections |= std::exchange(pending_sections, 0u);
    for (Audience a : all_audiences) emit(codec::encode_update(state, events, a, now, sections, new_decisions));
    send_poll_results();
  }

  // The coalescing timer: the sections counts changed, with no events.
  void flush() {
    const std::uint32_t sections = std::exchange(pending_sections, 0u);
    if (sections != 0)
      for (Audience a : all_audiences) emit(codec::encode_update(state, {}, a, now, sections, 0));
    send_poll_results();
  }

  void send_poll_results() {
    for (std::uint32_t poll : std::exchange(results_dirty, {})) {
      const Poll& p = state.polls[poll - 1];
      if (p.status == PollStatus::open && !p.spec.anonymous && p.spec.shown == ResultsShown::after_vote)
        emit(codec::encode_poll_results(state, poll));
    }
  }

  void open(const std::string& title) {
    commit(stamp(state, {MeetingOpened{title}, TimeZoneSet{"Europe/London", 60}, LanguageSet{"en"}}, now));
  }

  // A command from `actor`: updates (if anything changed) then the ack, or the error.
  bool command(ParticipantId actor, const Command& c) {
    const std::string cid = id();
    Outcome outcome = decide(state, actor, c, now);
    if (!outcome.accepted()) {
      emit(codec::encode_error(cid, name_of(outcome.rejection->code), outcome.rejection->message));
      return false;
    }
    if (!outcome.events.empty()) commit(stamp(state, std::move(outcome.events), now));
    emit(codec::encode_ack(cid, state.seq));
    return true;
  }

  // A join as the room runs it: updates for those already in, then welcome (with the token) and
  // the joiner's snapshot.
  ParticipantId join(const std::string& name, Role role, Location location, Preference preference) {
    const std::string cid = id();
    Outcome outcome = decide(state, server_actor, Join{name, role, location, preference}, now);
    if (!outcome.accepted()) {
      emit(codec::encode_error(cid, name_of(outcome.rejection->code), outcome.rejection->message));
      return 0;
    }
    commit(stamp(state, std::move(outcome.events), now));
    const auto who = static_cast<ParticipantId>(state.participants.size());
    const std::string token = "5f1e0c9a7b3d42e8a6c4b2d0e8f6a4c" + std::to_string(who % 10);
    emit(codec::encode_welcome(cid, code, state, who, token, now));
    emit(codec::encode_snapshot(state, code, codec::audience_for(role), now));
    return who;
  }

  // A resume from `last_seq`: welcome without a token, then the missed events with every section.
  void resume(ParticipantId who, Seq last_seq) {
    emit(codec::encode_welcome(id(), code, state, who, std::nullopt, now));
    std::vector<Stamped> missed;
    std::size_t new_decisions = 0;
    for (const auto& e : history) {
      if (e.seq <= last_seq) continue;
      missed.push_back(e);
      new_decisions += std::holds_alternative<DecisionRecorded>(e.event) ? 1 : 0;
    }
    emit(codec::encode_update(state, missed, codec::audience_for(state.participants[who - 1].role), now,
                              codec::all_sections, new_decisions));
  }

  void snapshots() {
    for (Audience a : all_audiences) emit(codec::encode_snapshot(state, code, a, now));
  }
  void figures() { emit(codec::encode_figures(state, now)); }
};

PollSpec poll_spec(std::string question, PollKind kind, std::vector<std::string> options) {
  PollSpec spec;
  spec.question = std::move(question);
  spec.kind = kind;
  spec.options = std::move(options);
  spec.shown = ResultsShown::live;
  return spec;
}

Ballot choose(std::vector<std::uint32_t> choices) { return Ballot{std::move(choices), 0, ""}; }

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  Driver d;

  // Before anyone joins: a ping answered with seq 0, a command refused, decoding errors.
  Driver::emit(codec::encode_pong("p1", 0, d.now));
  Driver::emit(codec::encode_error("c0", "not_joined", "join or resume a meeting first"));
  for (const char* bad : {"{not json", "[1,2]", R"({"type":"join","id":"j1","code":"K7MQ4T"})",
                          R"({"type":"raise_hand","id":"r1","kind":"shout"})", R"({"type":"wave","id":"w1"})",
                          R"({"type":"ping","id":"p2","extra":true})", R"({"type":"ping","id":7})",
                          R"({"type":"ping","id":"p3","x":[[[[[]]]]]})",
                          R"({"type":"join","id":"j5","code":"K7MQ4T-K7MQ4T-K7MQ4T","name":"Ann"})"}) {
    const auto decoded = codec::decode_client_message(bad, 0);
    if (decoded.error) Driver::emit(codec::encode_error(decoded.id, decoded.error->code, decoded.error->message));
  }
  Driver::emit(codec::encode_error("j2", "wrong_code", "no meeting has this code"));
  Driver::emit(codec::encode_error("", "not_text", "messages are JSON text frames"));

  d.open("Budget: who decides?");
  d.snapshots();
  const auto fatima = d.join("Fatima", Role::facilitator, Location::in_room, Preference::speak);
  d.figures();
  const auto sam = d.join("Sam", Role::participant, Location::remote, Preference::listen);
  const auto ada = d.join("Ada", Role::participant, Location::in_room, Preference::write);
  const auto screen = d.join("Room screen", Role::observer, Location::in_room, Preference::none);
  const auto ben = d.join("Ben", Role::participant, Location::remote, Preference::none);
  d.join(" sam ", Role::participant, Location::remote, Preference::none);  // name_taken
  d.join("", Role::participant, Location::remote, Preference::none);       // name_invalid
  Driver::emit(codec::encode_error("j3", "bad_key", "the facilitator key does not match this meeting"));
  Driver::emit(codec::encode_error("j4", "meeting_full", "this meeting has reached its limit of 5000 people"));

  d.command(fatima, AddProxy{"Grace", Location::in_room});
  const auto grace = static_cast<ParticipantId>(d.state.participants.size());
  d.command(ben, UpdateProfile{ben, Location::in_room, Preference::speak});
  d.command(ben, UpdateProfile{ben, Location::in_room, Preference::speak});  // no change: ack only
  d.command(sam, UpdateProfile{ada, Location::remote, Preference::none});    // not_allowed
  d.command(fatima, SetRole{ada, Role::co_facilitator});
  d.command(ada, SetRole{sam, Role::observer});           // not_allowed: only a facilitator sets roles
  d.command(fatima, SetRole{fatima, Role::participant});  // last_facilitator
  d.command(fatima, SetRole{grace, Role::observer});      // invalid_argument: a proxy stays a participant
  d.command(fatima, SetRole{99, Role::participant});      // unknown_participant

  // The agenda: the discussion below happens under its first item.
  d.command(ada, AddAgendaItem{"Budget lines", 30});
  d.command(ada, AddAgendaItem{"Any other business", 0});
  d.command(fatima, StartAgendaItem{1});
  d.command(fatima, StartAgendaItem{9});  // not_found

  // Hands of every kind; the queue's reasons under the progressive policy.
  d.advance(5'000);
  d.command(sam, RaiseHand{sam, HandKind::new_point});
  d.advance(1'000);
  d.command(ben, RaiseHand{ben, HandKind::direct_reply});
  d.advance(1'000);
  d.command(fatima, RaiseHand{grace, HandKind::clarifying_question});
  d.advance(1'000);
  d.command(ada, RaiseHand{ada, HandKind::point_of_process});
  d.command(sam, RaiseHand{sam, HandKind::new_point});        // already_in_queue
  d.command(sam, RaiseHand{ben, HandKind::new_point});        // not_allowed
  d.command(screen, RaiseHand{screen, HandKind::new_point});  // not_allowed: the room display
  d.command(sam, LowerHand{fatima});                          // not_allowed
  d.command(fatima, LowerHand{fatima});                       // hand_not_raised
  d.command(sam, CallNext{});                                 // not_allowed
  d.command(fatima, EndTurn{});                               // no_current_turn
  d.command(fatima, RoundPass{});                             // no_round
  d.snapshots();

  // Turns: the point of process first, then an out-of-order call with a reason.
  d.advance(2'000);
  d.command(fatima, CallNext{});
  d.command(ada, RaiseHand{ada, HandKind::new_point});  // already_speaking
  d.advance(45'000);
  d.command(ada, EndTurn{});
  d.command(fatima, SetPolicy{QueuePolicy::hybrid});
  d.command(fatima, SetPolicy{QueuePolicy::hybrid});  // no change: ack only
  d.snapshots();
  d.command(fatima, MoveEntry{sam, 0, "time-sensitive: has to leave at 11"});
  d.command(fatima, MoveEntry{sam, 9, "too far"});                    // invalid_argument
  d.command(fatima, MoveEntry{sam, 0, "   "});                        // reason_required
  d.command(fatima, CallSpeaker{ben, ""});                            // reason_required: out of order
  d.command(fatima, CallSpeaker{ben, std::string("bad\x01reason")});  // text_invalid
  d.command(fatima, CallSpeaker{ben, "direct reply to Ada's point"});
  d.advance(30'000);
  d.command(ada, SetTurnLimit{60});
  d.advance(40'000);
  d.snapshots();  // the turn is 10 s over its limit
  d.figures();
  d.command(fatima, EndTurn{});
  d.command(ada, RemoveEntry{grace, "asked it in the chat instead"});
  d.command(sam, LowerHand{sam});

  // Presence: away people keep their place but are passed over.
  d.command(sam, SetPresence{sam, Presence::away});
  d.command(sam, RaiseHand{sam, HandKind::new_point});
  d.snapshots();
  d.command(fatima, CallNext{});            // queue_empty: everyone waiting is away
  d.command(fatima, CallSpeaker{sam, ""});  // participant_away
  d.command(fatima, SetPresence{sam, Presence::here});
  d.advance(3'000);
  d.command(fatima, CallNext{});
  d.advance(20'000);
  d.command(sam, SetPresence{sam, Presence::away});  // gives up the floor
  d.command(sam, SetPresence{sam, Presence::here});

  // First come, first served.
  d.command(ada, SetPolicy{QueuePolicy::fifo});
  d.command(fatima, RaiseHand{grace, HandKind::new_point});
  d.advance(1'000);
  d.command(ben, RaiseHand{ben, HandKind::new_point});
  d.snapshots();
  // A clarifying question under fifo, then the hybrid balance among people who have spoken: the
  // entries carry turns and time, and which ones the alternation placed (PROTOCOL.md 7.3).
  d.command(sam, RaiseHand{sam, HandKind::clarifying_question});
  d.command(ada, RaiseHand{ada, HandKind::new_point});
  d.snapshots();
  d.command(fatima, SetPolicy{QueuePolicy::hybrid});
  d.command(sam, LowerHand{sam});
  d.command(sam, RaiseHand{sam, HandKind::new_point});
  d.snapshots();
  d.command(sam, LowerHand{sam});
  d.command(ada, LowerHand{ada});
  d.command(fatima, SetPolicy{QueuePolicy::fifo});
  d.command(fatima, SetTurnLimit{0});

  // The video call's link: set, then taken away.
  d.command(fatima, SetCallLink{"https://meet.example.org/budget"});
  d.command(fatima, SetCallLink{""});
  d.command(fatima, SetPointsShown{3});

  // The lock.
  d.command(fatima, SetLocked{true});
  d.join("Late Lee", Role::participant, Location::remote, Preference::none);  // meeting_locked
  d.command(fatima, SetLocked{false});

  // Go-rounds: a whole quietest-first round with a speaker, a pass and a skip.
  d.command(fatima, StartRound{"Check-in: one word", RoundOrder::quietest_first, 0});
  d.command(fatima, StartRound{"again", RoundOrder::join_order, 0});  // round_in_progress
  d.command(fatima, CallNext{});                                      // round_in_progress
  d.snapshots();
  for (int guard = 0; guard < 20 && d.state.active_round(); ++guard) {
    const GoRound& r = *d.state.active_round();
    const ParticipantId up = r.order[r.next];
    const std::size_t step = r.steps.size();
    if (step == 0) {
      d.command(up == sam ? ben : sam, RoundPass{});  // not_your_turn (unless that is the facilitator)
      d.command(up, RoundSpeak{});
      d.command(up, RoundPass{});  // already_speaking
      d.advance(12'000);
      d.snapshots();
      d.command(up, EndTurn{});
    } else if (step == 1) {
      d.command(fatima, RoundSkip{"stepped out for a call"});
    } else if (up == grace) {
      d.command(fatima, RoundPass{});  // a facilitator answers for the proxy
    } else {
      d.command(up, RoundPass{});
    }
  }
  d.figures();

  // A shuffled round (fixed seed) ended early, then one ended while someone speaks.
  d.command(fatima, StartRound{"Reactions", RoundOrder::shuffled, 42});
  {
    const GoRound& r = *d.state.active_round();
    d.command(r.order[r.next], RoundPass{});
  }
  d.command(sam, EndRound{});  // not_allowed
  d.command(ada, EndRound{});
  d.command(fatima, StartRound{"", RoundOrder::join_order, 0});
  d.command(fatima, RoundSpeak{});
  d.advance(8'000);
  d.command(fatima, EndRound{});
  d.command(fatima, RoundSkip{"x"});  // no_round

  // --- polls: every kind, named and anonymous ---
  d.advance(10'000);
  d.command(sam, OpenPoll{poll_spec("Which budget line first?", PollKind::single_choice, {"Housing", "Transport", "Youth"})});  // not_allowed
  {
    PollSpec spec = poll_spec("Which budget line first?", PollKind::single_choice, {"Housing", "Transport", "Youth"});
    spec.is_decision = true;
    d.command(fatima, OpenPoll{spec});  // poll 1: named, live, a decision
  }
  d.command(sam, CastVote{1, sam, choose({0})});
  d.command(ada, CastVote{1, ada, choose({0})});
  d.advance(200);
  d.flush();
  d.command(ben, CastVote{1, ben, choose({1})});
  d.command(fatima, CastVote{1, grace, choose({2})});  // for the proxy
  d.command(sam, CastVote{1, sam, choose({1})});       // a named vote can be changed
  d.command(sam, CastVote{1, sam, choose({5})});       // invalid_ballot
  d.command(sam, CastVote{1, sam, choose({0, 1})});    // invalid_ballot: one option
  d.command(screen, CastVote{1, screen, choose({0})});  // not_allowed
  d.command(sam, CastVote{9, sam, choose({0})});        // not_found
  d.advance(200);
  d.flush();
  d.snapshots();
  d.command(fatima, ClosePoll{1, "15-01-2027"});  // invalid_argument: a review date is YYYY-MM-DD
  d.command(fatima, ClosePoll{1, "2027-01-15"});
  d.command(fatima, CastVote{1, fatima, choose({0})});  // closed
  d.command(fatima, ClosePoll{1, ""});                  // closed

  {
    PollSpec spec = poll_spec("Which two evenings suit you?", PollKind::multiple_choice, {"Mon", "Tue", "Wed", "Thu"});
    spec.max_choices = 2;
    spec.shown = ResultsShown::after_vote;
    d.command(ada, OpenPoll{spec});  // poll 2: named, results after voting
  }
  d.command(sam, CastVote{2, sam, choose({0, 2})});
  d.command(ben, CastVote{2, ben, choose({0, 1, 2})});  // invalid_ballot: at most 2
  d.command(ben, CastVote{2, ben, choose({2})});
  d.advance(200);
  d.flush();  // the polls section (voted 2), and poll_results for the voters
  d.snapshots();

  {
    PollSpec spec = poll_spec("Fist to five: the housing plan", PollKind::scale, {});
    spec.scale_min = 0;
    spec.scale_max = 5;
    spec.min_label = "0: block";
    spec.max_label = "5: full support";
    spec.anonymous = true;
    spec.shown = ResultsShown::live;
    d.command(fatima, OpenPoll{spec});  // invalid_argument: anonymous results only at close
    spec.shown = ResultsShown::at_close;
    spec.is_decision = true;
    d.command(fatima, OpenPoll{spec});  // poll 3: anonymous scale
  }
  d.command(sam, CastVote{3, sam, Ballot{{}, 4, ""}});
  d.command(sam, CastVote{3, sam, Ballot{{}, 5, ""}});      // already_voted
  d.command(fatima, CastVote{3, grace, Ballot{{}, 3, ""}});  // not_allowed: nobody votes for another here
  d.command(ada, CastVote{3, ada, Ballot{{}, 5, ""}});
  d.command(ben, CastVote{3, ben, Ballot{{}, 2, ""}});
  d.command(fatima, CastVote{3, fatima, Ballot{{}, 9, ""}});  // invalid_ballot
  d.advance(200);
  d.flush();
  d.snapshots();  // voted 3, no result while open
  d.command(fatima, ClosePoll{3, ""});

  d.command(fatima, OpenPoll{poll_spec("Rank the youth projects", PollKind::ranked_choice, {"Garden", "Studio", "Football", "Garden"})});  // invalid_argument: twice the same option
  d.command(fatima, OpenPoll{poll_spec("Rank the youth projects", PollKind::ranked_choice, {"Garden", "Studio", "Football"})});  // poll 4
  d.command(sam, CastVote{4, sam, choose({0, 1, 2})});
  d.command(ada, CastVote{4, ada, choose({1, 0})});
  d.command(ben, CastVote{4, ben, choose({2, 1})});
  d.command(fatima, CastVote{4, fatima, choose({1})});
  d.command(fatima, CastVote{4, grace, choose({0, 2, 1})});
  d.advance(200);
  d.flush();
  d.command(fatima, ClosePoll{4, ""});  // instant runoff over rounds

  {
    PollSpec spec = poll_spec("One word for today", PollKind::open_text, {});
    spec.anonymous = true;
    spec.shown = ResultsShown::at_close;
    d.command(fatima, OpenPoll{spec});  // poll 5
  }
  d.command(sam, CastVote{5, sam, Ballot{{}, 0, "hopeful"}});
  d.command(ada, CastVote{5, ada, Ballot{{}, 0, "   "}});  // invalid_ballot: empty
  d.command(ada, CastVote{5, ada, Ballot{{}, 0, "tired"}});
  d.advance(200);
  d.flush();
  d.command(fatima, ClosePoll{5, ""});  // 2 of the 3 needed: withheld
  d.command(fatima, CancelPoll{2});
  d.command(fatima, CancelPoll{2});  // closed

  // Polls prepared in advance: drafts seen by facilitators only; one opened, one deleted.
  d.command(fatima, OpenPoll{poll_spec("Shall we meet monthly?", PollKind::single_choice, {"Yes", "No"}), true});  // poll 6
  d.command(fatima, OpenPoll{poll_spec("Which room next time?", PollKind::single_choice, {"Hall", "Library"}), true});  // poll 7
  d.command(sam, CastVote{6, sam, choose({0})});  // closed: not opened yet
  d.command(sam, OpenDraftPoll{6});                // not_allowed
  d.snapshots();  // drafts: in the facilitators' polls only
  d.command(fatima, OpenDraftPoll{6});
  d.command(fatima, OpenDraftPoll{6});  // closed: not a draft any more
  d.command(fatima, CancelPoll{7});     // a draft deleted
  d.command(sam, CastVote{6, sam, choose({0})});
  d.command(fatima, ClosePoll{6, ""});

  // --- the working together agreement, written points, signals ---
  d.advance(10'000);
  d.command(sam, ProposeAgreementItem{"We do not interrupt", false});
  d.command(ada, ProposeAgreementItem{"Phones on silent", true});
  d.command(screen, ProposeAgreementItem{"x", false});  // not_allowed
  d.command(ada, ProposeAgreementItem{"  ", false});    // text_invalid
  d.command(fatima, QuickConsentCheck{2, true});
  d.command(fatima, QuickConsentCheck{2, true});  // invalid_argument: adopted already
  d.command(fatima, QuickConsentCheck{7, true});  // not_found
  d.command(ben, FlagAgreementItem{2});
  d.command(sam, FlagAgreementItem{1});  // invalid_argument: only adopted items
  d.advance(200);
  d.flush();

  d.command(sam, SubmitPoint{PointKind::point, "The youth budget should be ring-fenced", false});
  d.command(ben, SubmitPoint{PointKind::question, "Who decides the housing list?", true});
  d.command(ada, SubmitPoint{PointKind::point, "Buy a new minibus now", false});
  d.command(ada, UpvotePoint{2});
  d.command(fatima, UpvotePoint{2});
  d.command(ada, UpvotePoint{2});  // already_voted
  d.command(sam, UpvotePoint{1});
  d.advance(200);
  d.flush();
  d.command(fatima, SetPointStatus{2, PointStatus::taken_up, ""});
  d.command(fatima, SetPointStatus{1, PointStatus::answered, ""});
  d.command(ada, SetPointStatus{3, PointStatus::hidden, ""});  // reason_required
  d.command(ada, SetPointStatus{3, PointStatus::hidden, "off topic for this meeting"});
  d.command(sam, UpvotePoint{3});  // closed: hidden
  d.command(sam, SetPointStatus{1, PointStatus::open, ""});  // not_allowed
  d.snapshots();  // the hidden point: facilitators only

  // Moderated points: one waits (pending: a stub for participants), is approved, moderation ends.
  d.command(sam, SetPointsModerated{true});  // not_allowed
  d.command(fatima, SetPointsModerated{true});
  d.command(ben, SubmitPoint{PointKind::question, "Can we meet later in the day?", false});
  d.command(sam, UpvotePoint{4});  // closed: pending
  d.snapshots();  // pending: facilitators see it whole, participants a stub, the display nothing
  d.command(fatima, SetPointStatus{4, PointStatus::open, ""});
  d.command(fatima, SetPointsModerated{false});

  d.command(ada, SetSignalSettings{60, 2});  // not_allowed: facilitators only
  d.command(fatima, SetSignalSettings{5, 2});  // invalid_argument: window from 10 s
  d.command(fatima, SetSignalSettings{60, 2});
  d.command(sam, SendSignal{SignalKind::slow_down});
  d.command(ben, SendSignal{SignalKind::slow_down});
  d.command(ada, SendSignal{SignalKind::lost});
  d.command(screen, SendSignal{SignalKind::cant_hear});  // not_allowed
  d.advance(200);
  d.flush();  // slow_down reached the threshold: everyone sees it; "lost" only facilitators
  d.advance(5'000);
  d.command(sam, SendSignal{SignalKind::not_heard});
  d.command(fatima, AddAgendaItem{"Housing list", 20});  // counts still pending go out with this update

  // --- a consent round that adopts an agreement item ---
  d.advance(10'000);
  d.command(fatima, PresentProposal{"Adopt: we do not interrupt", "We let each person finish before anyone speaks.", 1, false});
  d.command(sam, PresentProposal{"x", "y", 0, false});                  // not_allowed
  d.command(fatima, PresentProposal{"x", "y", 0, true});                // invalid_argument: removes nothing
  d.command(sam, AnswerConsent{1, sam, ConsentAnswer::consent, ""});  // wrong_phase: still clarifying
  d.command(fatima, SetConsentPhase{1, ConsentPhase::reactions});       // starts a reaction go-round
  d.command(fatima, EndRound{});
  d.command(fatima, SetConsentPhase{1, ConsentPhase::adopted});  // invalid_argument
  d.command(fatima, SetConsentPhase{1, ConsentPhase::consent});
  d.command(sam, AnswerConsent{1, sam, ConsentAnswer::consent, ""});
  d.command(ben, AnswerConsent{1, ben, ConsentAnswer::concern, ""});  // text_invalid: a concern needs text
  d.command(ben, AnswerConsent{1, ben, ConsentAnswer::concern, "It may silence points of process"});
  d.command(ada, AnswerConsent{1, ada, ConsentAnswer::objection, "Points of process must be able to interrupt"});
  d.command(fatima, AnswerConsent{1, grace, ConsentAnswer::stand_aside, ""});
  d.command(screen, AnswerConsent{1, screen, ConsentAnswer::consent, ""});  // not_allowed
  d.command(fatima, AdoptProposal{1, ""});  // objection_open
  d.command(sam, WithdrawObjection{1});     // not_allowed: Ada's objection
  d.command(fatima, AmendProposal{1, "We let each person finish before anyone speaks, except for a point of process.",
                                  "Adopt: we do not interrupt, except for a point of process"});  // proposal_retitled too
  d.command(fatima, AmendProposal{1, "We let each person finish before anyone speaks, except for a point of process."});  // invalid_argument: same text
  d.command(ada, WithdrawObjection{1});  // closed: integrated by the amendment
  d.command(ada, AnswerConsent{1, ada, ConsentAnswer::objection, "Say who may call a point of process"});
  d.command(ada, WithdrawObjection{2});
  d.command(ada, AnswerConsent{1, ada, ConsentAnswer::consent, "Thanks"});
  d.command(sam, AnswerConsent{1, sam, ConsentAnswer::consent, ""});
  d.command(ben, AnswerConsent{1, ben, ConsentAnswer::stand_aside, ""});
  d.snapshots();
  d.command(fatima, AdoptProposal{1, "2027-06-30"});
  d.command(fatima, AdoptProposal{1, ""});  // closed
  d.command(fatima, PresentProposal{"Move the meeting to Tuesdays", "From March, we meet on Tuesdays.", 0, false});
  d.command(fatima, CloseProposal{2, true, "the venue is not free on Tuesdays"});
  // Proposals prepared in advance: one presented with one click, one deleted unpresented.
  d.command(fatima, PresentProposal{"Rotate the note-taker", "Each meeting, someone new takes notes.", 0, false, true});
  d.command(fatima, PresentProposal{"A second draft", "Never presented.", 0, false, true});
  d.snapshots();
  d.command(sam, PresentDraftProposal{3});  // not_allowed
  d.command(fatima, PresentDraftProposal{3});
  d.command(fatima, PresentDraftProposal{3});  // closed: not a draft any more
  d.command(fatima, CloseProposal{4, true, ""});
  d.command(fatima, SetConsentPhase{7, ConsentPhase::consent});  // not_found
  d.command(fatima, StartAgendaItem{2});
  d.command(fatima, StartAgendaItem{0});  // no item is current
  d.snapshots();

  // Facilitation moves: hand over, removal, a role change that takes a hand down.
  d.command(fatima, RaiseHand{fatima, HandKind::new_point});
  d.command(fatima, HandOverFacilitation{fatima});  // invalid_argument: already a facilitator
  d.command(fatima, HandOverFacilitation{ada});
  d.command(ada, CallSpeaker{ben, "we need the budget figures now"});
  d.advance(15'000);
  d.command(ada, RemoveParticipant{ben});  // ends Ben's turn, removes him (his connection closes, 4001)
  d.command(ada, RemoveParticipant{ada});  // invalid_argument
  d.command(ada, RemoveParticipant{ben});  // unknown_participant
  d.command(sam, RaiseHand{sam, HandKind::direct_reply});
  d.command(ada, SetRole{sam, Role::observer});  // lowers Sam's hand
  d.command(ada, SetRole{fatima, Role::co_facilitator});
  d.command(ada, UpdateProfile{grace, Location::remote, Preference::write});  // for a proxy
  d.command(fatima, SetPresence{grace, Presence::away});
  d.command(ada, StartRound{"nobody?", RoundOrder::join_order, 0});  // fine: people are present
  d.command(ada, EndRound{});
  d.snapshots();
  d.figures();

  // A late joiner, then resumes: welcome without a token, then the events missed since seq 10.
  d.advance(60'000);
  const auto kofi = d.join("Kofi", Role::participant, Location::remote, Preference::write);
  d.resume(kofi, 10);
  d.resume(fatima, 10);
  d.resume(sam, 10);
  d.resume(ada, d.state.seq - 3);
  // The end: the meeting becomes read-only.
  d.advance(1'000);
  // Preparation (not as the shell does it, at creation, but the bytes are the same): while the
  // meeting is not started a hand is refused with not_started; a facilitator starts it.
  d.commit(stamp(d.state, {MeetingScheduled{}}, d.now));
  d.command(kofi, RaiseHand{kofi, HandKind::new_point});  // not_started
  d.command(kofi, StartMeeting{});  // not_allowed
  d.command(ada, StartMeeting{});
  d.command(ada, StartMeeting{});  // already started: nothing
  d.command(kofi, EndMeeting{});  // not_allowed
  d.command(ada, EndMeeting{});
  d.command(fatima, RaiseHand{fatima, HandKind::new_point});  // meeting_ended
  d.join("Zed", Role::participant, Location::remote, Preference::none);  // meeting_ended
  d.snapshots();
  Driver::emit(codec::encode_error("r4", "bad_token", "this token does not belong to anyone in this meeting; join again"));
  Driver::emit(codec::encode_error("r5", "already_joined", "this connection has joined already"));
  Driver::emit(codec::encode_error("c99", "rate_limited", "too many commands; slow down"));
  Driver::emit(codec::encode_error(
      "c98", "storage_unavailable",
      "the server cannot save changes right now, so nothing was changed; please try again in a moment"));
  Driver::emit(codec::encode_error("c97", "id_reused",
                                   "you used this id for another command; send each command with a new id"));
  Driver::emit(codec::encode_error("c96", "already_signalled",
                                   "you sent this signal a moment ago; it still counts until it fades"));
  Driver::emit(codec::encode_heartbeat(d.state.seq, d.now));
  Driver::emit(codec::encode_pong("p9", d.state.seq, d.now));

  // A meeting of a group (issue 17): it starts with the group's agreement (group_agreement_carried),
  // its roles from its members' offers, and a review that falls due on its agenda; `meeting.group`
  // names the group.
  Driver g;
  GroupState group;
  for (const auto& e : std::vector<GroupStamped>{
           {1, g.now, GroupCreated{"Tenants' panel"}},
           {2, g.now, GroupMeetingAdded{"T6HNFX", "March forum", g.now, 0, {}, 1, {}}},
           {3, g.now, GroupAgreementChanged{"T6HNFX", 1, 1, "We listen to each other", true}},
           // A member who offers to take notes: the meeting's note-taker (roles_assigned, meeting.roles).
           {4, g.now, GroupMemberAdded{1, "Rosa", std::string(64, 'a')}},
           {5, g.now, GroupMemberChanged{1, "Rosa", Preference::write, 1, true}}})
    apply(group, e);
  std::vector<Event> opening{MeetingOpened{"April forum"}, LanguageSet{"en"}};
  for (auto& e : open_group_meeting(group, "R4TQ9N", "2027-01-10", "en", 1, 1)) opening.push_back(std::move(e));
  g.commit(stamp(g.state, std::move(opening), g.now));
  const auto host = g.join("Fatima", Role::facilitator, Location::in_room, Preference::speak);
  const auto ana = g.join("Ana", Role::participant, Location::remote, Preference::write);
  g.command(ana, SubmitPoint{PointKind::point, "A bench by the front door", true, "3f9c2a7e5b1d4c8e9a0b6d2f4e8c1a7b"});
  g.command(ana, CarryPointForward{1});  // not_allowed
  g.command(host, CarryPointForward{1});
  g.snapshots();
  return 0;
}
