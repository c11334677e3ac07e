// Meetings in progress for the fuzz harnesses and the store seed generator: built once from
// commands, the way the server builds them (decide, stamp, apply), so every state is one the
// server can reach. Standard library and server/core only: no gtest here.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "core/meeting.hpp"

namespace everyvoice::fuzz {

// The people of a room, by what they are there. Ids follow protocol/examples/client: the proxy
// is 6 ("for": 6 there).
struct People {
  core::ParticipantId fac = 1;      // facilitator, in the room
  core::ParticipantId co = 2;       // co-facilitator
  core::ParticipantId ana = 3;      // participant
  core::ParticipantId bo = 4;       // participant
  core::ParticipantId cy = 5;       // participant
  core::ParticipantId proxy = 6;    // in the room without a device: facilitators act for them
  core::ParticipantId display = 7;  // the room display (an observer)
  core::ParticipantId dee = 8;      // participant, away
  core::ParticipantId eve = 9;      // removed by the facilitator
};

struct Room {
  std::string name;
  core::MeetingState state;
  std::vector<core::Stamped> log;
  core::Millis now = 1'700'000'000'000;
  People people;
  std::vector<core::ParticipantId> actors;  // who may send commands in the harnesses

  // Runs a command that must be accepted: a refusal means the fixture no longer matches the core's
  // rules, which is the harness's fault, so it stops with the reason.
  void ok(core::ParticipantId actor, const core::Command& command) {
    core::Handled h = core::handle(state, actor, command, now);
    if (!h.accepted()) {
      std::fprintf(stderr, "fuzz fixture \"%s\": command %zu by %u refused: %s\n", name.c_str(), command.index(),
                   actor, h.rejection->message.c_str());
      std::abort();
    }
    log.insert(log.end(), h.events.begin(), h.events.end());
    now += 1500;
  }
  void open(std::string title) {
    auto opened = core::stamp(state, {core::MeetingOpened{std::move(title)}}, now);  // the shell's first event
    core::apply(state, opened[0]);
    log.push_back(opened[0]);
  }
  void join(const std::string& who, core::Role role, core::Location where = core::Location::remote) {
    ok(core::server_actor, core::Join{who, role, where, core::Preference::none});
  }
};

inline core::PollSpec poll_spec(std::string question, core::PollKind kind, std::vector<std::string> options = {}) {
  core::PollSpec spec;
  spec.question = std::move(question);
  spec.kind = kind;
  spec.options = std::move(options);
  spec.max_choices = kind == core::PollKind::multiple_choice ? static_cast<std::uint32_t>(spec.options.size()) : 1;
  spec.shown = core::ResultsShown::live;
  return spec;
}

// Everyone of People joined, in that order; Dee away, Eve removed; an agenda with a current item.
inline Room people_room(std::string name) {
  using namespace core;
  Room r;
  r.name = std::move(name);
  const People& p = r.people;
  r.open("Fuzz meeting");
  r.join("Fac", Role::facilitator, Location::in_room);
  r.join("Co", Role::participant);
  r.ok(p.fac, SetRole{p.co, Role::co_facilitator});
  r.join("Ana", Role::participant);
  r.join("Bo", Role::participant, Location::in_room);
  r.join("Cy", Role::participant);
  r.ok(p.fac, AddProxy{"Grace", Location::in_room});
  r.join("Room display", Role::observer, Location::in_room);
  r.join("Dee", Role::participant);
  r.ok(p.dee, SetPresence{p.dee, Presence::away});
  r.join("Eve", Role::participant);
  r.ok(p.fac, RemoveParticipant{p.eve});
  r.ok(p.fac, AddAgendaItem{"Check-in", 10});
  r.ok(p.fac, AddAgendaItem{"Budget lines", 30});
  r.ok(p.fac, StartAgendaItem{1});
  r.actors = {p.fac, p.co, p.ana, p.bo, p.cy, p.display, p.dee, p.eve};
  return r;
}

// The room most commands find something to act on: a queue and a speaker, six polls (one of each
// kind, ids as in protocol/examples/client) with votes, a closed decision poll, three proposals (one
// in its consent phase with an objection), agreement items, written points, signals, a finished
// go-round.
inline Room busy_room() {
  using namespace core;
  Room r = people_room("busy");
  const People& p = r.people;
  r.ok(p.fac, SetPolicy{QueuePolicy::hybrid});
  r.ok(p.fac, SetTurnLimit{120});
  r.ok(p.fac, StartRound{"How are you arriving?", RoundOrder::join_order, 0});
  r.ok(p.fac, RoundSpeak{});
  r.ok(p.fac, EndTurn{});
  r.ok(p.co, RoundPass{});
  r.ok(p.fac, RoundSkip{"stepped out"});
  r.ok(p.fac, EndRound{});

  r.ok(p.fac, OpenPoll{poll_spec("Which evening?", PollKind::single_choice, {"Mon", "Tue", "Wed"})});     // 1
  r.ok(p.fac, OpenPoll{poll_spec("Snacks?", PollKind::multiple_choice, {"fruit", "bread", "cheese"})});  // 2
  PollSpec scale = poll_spec("How sure are we?", PollKind::scale);
  scale.anonymous = true;
  scale.shown = ResultsShown::at_close;
  scale.min_voters = 2;
  r.ok(p.fac, OpenPoll{scale});                                                                       // 3
  r.ok(p.fac, OpenPoll{poll_spec("Rank the venues", PollKind::ranked_choice, {"Hall", "Cafe", "Park"})});  // 4
  r.ok(p.fac, OpenPoll{poll_spec("One word for today", PollKind::open_text)});                           // 5
  PollSpec wide = poll_spec("Energy level", PollKind::scale);
  wide.scale_min = -5;
  wide.scale_max = 5;
  wide.shown = ResultsShown::after_vote;
  r.ok(p.fac, OpenPoll{wide});  // 6
  PollSpec decision = poll_spec("Meet monthly?", PollKind::single_choice, {"yes", "no"});
  decision.is_decision = true;
  r.ok(p.fac, OpenPoll{decision});  // 7, closed below
  r.ok(p.ana, CastVote{1, p.ana, Ballot{{0}, 0, ""}});
  r.ok(p.fac, CastVote{1, p.proxy, Ballot{{1}, 0, ""}});
  r.ok(p.bo, CastVote{2, p.bo, Ballot{{0, 2}, 0, ""}});
  r.ok(p.ana, CastVote{3, p.ana, Ballot{{}, 4, ""}});
  r.ok(p.bo, CastVote{3, p.bo, Ballot{{}, 2, ""}});
  r.ok(p.cy, CastVote{4, p.cy, Ballot{{2, 0, 1}, 0, ""}});
  r.ok(p.ana, CastVote{5, p.ana, Ballot{{}, 0, "hopeful"}});
  r.ok(p.cy, CastVote{6, p.cy, Ballot{{}, -3, ""}});
  r.ok(p.ana, CastVote{7, p.ana, Ballot{{0}, 0, ""}});
  r.ok(p.bo, CastVote{7, p.bo, Ballot{{0}, 0, ""}});
  r.ok(p.fac, ClosePoll{7, "2027-01-15"});

  r.ok(p.ana, ProposeAgreementItem{"One voice at a time", false});  // 1, adopted below
  r.ok(p.bo, ProposeAgreementItem{"Phones face down", true});       // 2, proposed
  r.ok(p.fac, QuickConsentCheck{1, true});
  r.ok(p.cy, FlagAgreementItem{1});

  r.ok(p.fac, PresentProposal{"Turn-taking", "We let each person finish before anyone speaks.", 0, false});  // 1
  r.ok(p.fac, SetConsentPhase{1, ConsentPhase::consent});
  r.ok(p.ana, AnswerConsent{1, p.ana, ConsentAnswer::consent, ""});
  r.ok(p.bo, AnswerConsent{1, p.bo, ConsentAnswer::concern, "hard to keep to"});
  r.ok(p.cy, AnswerConsent{1, p.cy, ConsentAnswer::objection, "points of process must interrupt"});  // objection 1
  r.ok(p.fac, PresentProposal{"Tuesday venue", "We meet at the hall on Tuesdays.", 0, false});  // 2
  r.ok(p.fac, PresentProposal{"Adopt the phones item", "Phones face down.", 2, false});        // 3
  r.ok(p.fac, SetConsentPhase{3, ConsentPhase::consent});
  r.ok(p.bo, AnswerConsent{3, p.bo, ConsentAnswer::objection, "some of us are on call"});  // objection 2

  r.ok(p.ana, SubmitPoint{PointKind::point, "The budget needs a line for childcare", false, ""});  // 1
  r.ok(p.bo, SubmitPoint{PointKind::question, "Who books the hall?", false, ""});                 // 2
  r.ok(p.cy, SubmitPoint{PointKind::point, "Off topic, sorry", true, ""});                        // 3
  r.ok(p.cy, UpvotePoint{2});
  r.ok(p.fac, SetPointStatus{1, PointStatus::taken_up, ""});
  r.ok(p.ana, SendSignal{SignalKind::slow_down});
  r.ok(p.bo, SendSignal{SignalKind::lost});

  r.ok(p.bo, RaiseHand{p.bo, HandKind::new_point});
  r.ok(p.fac, CallNext{});  // Bo speaks
  r.ok(p.ana, RaiseHand{p.ana, HandKind::new_point});
  r.ok(p.fac, RaiseHand{p.proxy, HandKind::direct_reply});
  r.ok(p.cy, RaiseHand{p.cy, HandKind::clarifying_question});
  r.ok(p.co, RaiseHand{p.co, HandKind::point_of_process});
  r.ok(p.fac, MoveEntry{p.cy, 0, "time-sensitive"});
  return r;
}

// A go-round running (Ana up after the facilitator spoke and Co passed), a proposal in its
// reactions phase, hands waiting for the round to end.
inline Room round_room() {
  using namespace core;
  Room r = people_room("round");
  const People& p = r.people;
  r.ok(p.ana, RaiseHand{p.ana, HandKind::new_point});
  r.ok(p.fac, RaiseHand{p.proxy, HandKind::new_point});
  r.ok(p.fac, PresentProposal{"Quiet hour", "No meetings before ten.", 0, false});
  r.ok(p.fac, SetConsentPhase{1, ConsentPhase::reactions});
  r.ok(p.fac, RoundSpeak{});
  r.ok(p.fac, EndTurn{});
  r.ok(p.co, RoundPass{});
  return r;
}

// Just opened: the facilitator and one participant, nothing else.
inline Room quiet_room() {
  using namespace core;
  Room r;
  r.name = "quiet";
  r.open("Fuzz meeting");
  r.join("Fac", Role::facilitator, Location::in_room);
  r.join("Co", Role::participant);
  r.actors = {1, 2};
  return r;
}

}  // namespace everyvoice::fuzz
