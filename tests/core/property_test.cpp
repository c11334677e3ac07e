// A long, seeded random meeting: thousands of commands from a dozen people of mixed roles and
// locations, with time moving on at random. After every step the rules that must always hold are
// checked; every 1000 steps, and at the end, replaying the log must give the same state.
// About one step in five is a decision command (polls, consent rounds, the agreement, written
// points, signals, the agenda), so those rules are checked against the queue and rounds too.
#include "core/meeting.hpp"

#include "meeting_fixture.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/agenda.hpp"
#include "core/consent_round.hpp"
#include "core/decision_record.hpp"
#include "core/equity.hpp"
#include "core/go_round.hpp"
#include "core/polls.hpp"
#include "core/signals.hpp"
#include "core/speaking_queue.hpp"

namespace everyvoice::core {
namespace {

using testing::MeetingFixture;

constexpr int kSteps = 15'000;  // about 12,000 of them queue, round and people commands
// People in the meeting (not removed) stay between these: joins stop above, removals below.
constexpr std::size_t kMostPeople = 16;
constexpr std::size_t kFewestPeople = 8;

template <class T, std::size_t I = 0>
constexpr std::size_t command_index() {
  if constexpr (std::is_same_v<std::variant_alternative_t<I, Command>, T>)
    return I;
  else
    return command_index<T, I + 1>();
}

// The commands this test sends (participants, the speaking queue, go-rounds and the decision
// commands), found by type in the Command variant, which may have other commands too.
struct Generated {
  std::size_t index;
  const char* name;
};
constexpr std::array kGenerated{
    Generated{command_index<Join>(), "Join"},
    Generated{command_index<AddProxy>(), "AddProxy"},
    Generated{command_index<UpdateProfile>(), "UpdateProfile"},
    Generated{command_index<SetPresence>(), "SetPresence"},
    Generated{command_index<SetRole>(), "SetRole"},
    Generated{command_index<HandOverFacilitation>(), "HandOverFacilitation"},
    Generated{command_index<RemoveParticipant>(), "RemoveParticipant"},
    Generated{command_index<SetLocked>(), "SetLocked"},
    Generated{command_index<RaiseHand>(), "RaiseHand"},
    Generated{command_index<LowerHand>(), "LowerHand"},
    Generated{command_index<CallNext>(), "CallNext"},
    Generated{command_index<CallSpeaker>(), "CallSpeaker"},
    Generated{command_index<MoveEntry>(), "MoveEntry"},
    Generated{command_index<RemoveEntry>(), "RemoveEntry"},
    Generated{command_index<EndTurn>(), "EndTurn"},
    Generated{command_index<SetPolicy>(), "SetPolicy"},
    Generated{command_index<SetTurnLimit>(), "SetTurnLimit"},
    Generated{command_index<StartRound>(), "StartRound"},
    Generated{command_index<RoundSpeak>(), "RoundSpeak"},
    Generated{command_index<RoundPass>(), "RoundPass"},
    Generated{command_index<RoundSkip>(), "RoundSkip"},
    Generated{command_index<EndRound>(), "EndRound"},
    Generated{command_index<OpenPoll>(), "OpenPoll"},
    Generated{command_index<CastVote>(), "CastVote"},
    Generated{command_index<ClosePoll>(), "ClosePoll"},
    Generated{command_index<CancelPoll>(), "CancelPoll"},
    Generated{command_index<OpenDraftPoll>(), "OpenDraftPoll"},
    Generated{command_index<PresentProposal>(), "PresentProposal"},
    Generated{command_index<PresentDraftProposal>(), "PresentDraftProposal"},
    Generated{command_index<CarryPointForward>(), "CarryPointForward"},
    Generated{command_index<SetConsentPhase>(), "SetConsentPhase"},
    Generated{command_index<AnswerConsent>(), "AnswerConsent"},
    Generated{command_index<WithdrawObjection>(), "WithdrawObjection"},
    Generated{command_index<AmendProposal>(), "AmendProposal"},
    Generated{command_index<AdoptProposal>(), "AdoptProposal"},
    Generated{command_index<CloseProposal>(), "CloseProposal"},
    Generated{command_index<ProposeAgreementItem>(), "ProposeAgreementItem"},
    Generated{command_index<QuickConsentCheck>(), "QuickConsentCheck"},
    Generated{command_index<FlagAgreementItem>(), "FlagAgreementItem"},
    Generated{command_index<SubmitPoint>(), "SubmitPoint"},
    Generated{command_index<UpvotePoint>(), "UpvotePoint"},
    Generated{command_index<SetPointStatus>(), "SetPointStatus"},
    Generated{command_index<SendSignal>(), "SendSignal"},
    Generated{command_index<SetSignalSettings>(), "SetSignalSettings"},
    Generated{command_index<AddAgendaItem>(), "AddAgendaItem"},
    Generated{command_index<StartAgendaItem>(), "StartAgendaItem"},
    Generated{command_index<SetCallLink>(), "SetCallLink"},
    Generated{command_index<SetPointsShown>(), "SetPointsShown"},
    Generated{command_index<SetPointsModerated>(), "SetPointsModerated"},
    Generated{command_index<StartMeeting>(), "StartMeeting"},
};
const char* command_name(std::size_t index) {
  for (const auto& g : kGenerated)
    if (g.index == index) return g.name;
  return "another command";
}

class RandomMeeting : public MeetingFixture, public ::testing::WithParamInterface<std::uint64_t> {
 protected:
  std::mt19937_64 rng{GetParam()};
  int joined = 0;  // names handed out so far
  std::array<int, std::variant_size_v<Command>> accepted{};
  std::array<int, std::variant_size_v<Command>> tried{};
  std::deque<std::string> recent;  // the last few steps, to explain a failure

  // --- random choices ---
  std::uint64_t below(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng); }
  template <class T>
  T pick(const std::vector<T>& v) { return v[below(v.size())]; }

  // Usually someone in the meeting; sometimes anyone who ever joined (removed people included),
  // and now and then an id nobody has.
  ParticipantId anyone() {
    if (state.participants.empty() || chance(0.03)) return static_cast<ParticipantId>(state.participants.size() + 1 + below(3));
    const auto in_meeting = active_where([](const Participant&) { return true; });
    if (!in_meeting.empty() && chance(0.85)) return pick(in_meeting);
    return static_cast<ParticipantId>(1 + below(state.participants.size()));
  }
  std::size_t people_in_meeting() const { return active_where([](const Participant&) { return true; }).size(); }
  std::vector<ParticipantId> active_where(bool (*keep)(const Participant&)) const {
    std::vector<ParticipantId> ids;
    for (const auto& p : state.participants)
      if (!p.removed && keep(p)) ids.push_back(p.id);
    return ids;
  }
  // Someone who runs the queue, usually; sometimes anyone at all, to exercise refusals.
  ParticipantId runner() {
    auto runners = active_where([](const Participant& p) { return runs_queue(p.role); });
    if (runners.empty() || chance(0.12)) return anyone();
    return pick(runners);
  }
  ParticipantId facilitator() {
    auto facs = active_where([](const Participant& p) { return p.role == Role::facilitator; });
    if (facs.empty() || chance(0.1)) return anyone();
    return pick(facs);
  }
  // The person themself, a facilitator acting for a proxy, or (rarely) someone else.
  ParticipantId actor_for(ParticipantId who) {
    const Participant* p = state.find(who);
    if (p && p->proxy && chance(0.9)) return facilitator();
    if (chance(0.9)) return who;
    return anyone();
  }
  ParticipantId queued_or_anyone() {
    if (!state.queue.empty() && chance(0.8)) return state.queue[below(state.queue.size())].who;
    return anyone();
  }
  std::string reason() {
    switch (below(10)) {
      case 0: return "";
      case 1: return "   ";
      case 2: return std::string(201, 'r');
      case 3: return "bad\x01text";
      default: return "reason " + std::to_string(below(1000));
    }
  }
  HandKind kind() {
    // New points are the most common, as in a real meeting.
    const auto r = below(10);
    return r == 0 ? HandKind::point_of_process
                  : r == 1 ? HandKind::clarifying_question : r <= 3 ? HandKind::direct_reply : HandKind::new_point;
  }
  Location location() { return chance(0.5) ? Location::in_room : Location::remote; }

  // --- decisions ---
  // A number in 1..count, usually one that `wanted` accepts; now and then one past the end.
  template <class Pred>
  std::uint32_t some_id(std::size_t count, Pred wanted) {
    if (count == 0 || chance(0.04)) return static_cast<std::uint32_t>(count + 1);
    std::vector<std::uint32_t> good;
    for (std::uint32_t i = 1; i <= count; ++i)
      if (wanted(i)) good.push_back(i);
    if (!good.empty() && chance(0.85)) return pick(good);
    return static_cast<std::uint32_t>(1 + below(count));
  }
  std::uint32_t poll_id() {
    return some_id(state.polls.size(), [&](std::uint32_t i) { return state.polls[i - 1].status == PollStatus::open; });
  }
  std::uint32_t proposal_id(bool in_consent = false) {
    return some_id(state.proposals.size(), [&](std::uint32_t i) {
      const Proposal& p = state.proposals[i - 1];
      return p.active() && (!in_consent || p.phase == ConsentPhase::consent);
    });
  }
  std::string text(const char* what) {
    switch (below(12)) {
      case 0: return "";
      case 1: return "  ";
      case 2: return "bad\x01text";
      default: return std::string(what) + " " + std::to_string(below(1000));
    }
  }
  std::string review_date() {
    const auto r = below(6);
    return r < 3 ? "" : r < 5 ? "2030-0" + std::to_string(1 + below(9)) + "-15" : "15/01/2030";
  }
  PollSpec poll_spec() {
    PollSpec s;
    s.question = chance(0.03) ? "" : "Question " + std::to_string(below(1000));
    s.kind = static_cast<PollKind>(below(5));
    const bool has_options =
        s.kind == PollKind::single_choice || s.kind == PollKind::multiple_choice || s.kind == PollKind::ranked_choice;
    if (has_options || chance(0.03)) {
      const auto n = chance(0.05) ? 1 : 2 + below(3);
      for (std::uint64_t i = 0; i < n; ++i) s.options.push_back("Option " + std::to_string(i));
      if (chance(0.03)) s.options.push_back("option 0");  // a duplicate
    }
    s.max_choices = static_cast<std::uint32_t>(chance(0.05) ? 0 : 1 + below(3));
    s.scale_min = 0;
    s.scale_max = chance(0.05) ? 0 : static_cast<std::int32_t>(1 + below(5));
    s.anonymous = chance(0.4);
    s.shown = static_cast<ResultsShown>(s.anonymous && chance(0.9) ? 2 : below(3));
    s.min_voters = static_cast<std::uint32_t>(chance(0.03) ? 0 : 1 + below(4));
    s.is_decision = chance(0.5);
    return s;
  }
  // A ballot that usually fits the poll.
  Ballot ballot_for(std::uint32_t id) {
    Ballot b;
    const Poll* p = id >= 1 && id <= state.polls.size() ? &state.polls[id - 1] : nullptr;
    const std::size_t n = p ? p->spec.options.size() : 3;
    const bool wild = !p || chance(0.08);
    const PollKind kind = wild ? static_cast<PollKind>(below(5)) : p->spec.kind;
    switch (kind) {
      case PollKind::single_choice: b.choices = {static_cast<std::uint32_t>(below(n + 1))}; break;
      case PollKind::multiple_choice:
      case PollKind::ranked_choice: {
        std::vector<std::uint32_t> all;
        for (std::uint32_t i = 0; i < n; ++i) all.push_back(i);
        std::shuffle(all.begin(), all.end(), rng);
        all.resize(std::min<std::size_t>(all.size(), 1 + below(std::max<std::size_t>(n, 1))));
        if (chance(0.05) && !all.empty()) all.push_back(all.front());
        b.choices = all;
        break;
      }
      case PollKind::scale: b.scale = static_cast<std::int32_t>(below(7)) - (chance(0.05) ? 3 : 0); break;
      case PollKind::open_text: b.text = text("answer"); break;
    }
    return b;
  }

  std::pair<ParticipantId, Command> decision_command() {
    const auto r = below(100);
    if (r < 5) {
      if (chance(0.3)) {  // prepared in advance, or a prepared one opened
        const auto draft = some_id(state.polls.size(), [&](std::uint32_t i) { return state.polls[i - 1].status == PollStatus::draft; });
        if (draft && chance(0.6)) return {chance(0.8) ? runner() : anyone(), OpenDraftPoll{draft}};
        return {runner(), OpenPoll{poll_spec(), true}};
      }
      return {runner(), OpenPoll{poll_spec()}};
    }
    if (r < 27) {
      const auto id = poll_id();
      const auto who = anyone();
      return {actor_for(who), CastVote{id, who, ballot_for(id)}};
    }
    if (r < 31) return {runner(), ClosePoll{poll_id(), review_date()}};
    if (r < 33) return {runner(), CancelPoll{poll_id()}};
    if (r < 38) {
      std::uint32_t item = 0;
      bool removes = false;
      if (!state.agreement.empty() && chance(0.3)) {
        item = static_cast<std::uint32_t>(1 + below(state.agreement.size() + 1));
        removes = state.agreement[std::min<std::size_t>(item, state.agreement.size()) - 1].status ==
                  AgreementStatus::adopted;
        if (chance(0.1)) removes = !removes;
      }
      // A draft now and then, presented (or deleted) later; presenting one that is not a draft is refused.
      if (chance(0.15) && !state.proposals.empty())
        return {chance(0.8) ? runner() : anyone(), PresentDraftProposal{static_cast<std::uint32_t>(1 + below(state.proposals.size()))}};
      return {runner(), PresentProposal{text("Title"), text("Proposal text"), item, removes, chance(0.2)}};
    }
    if (r < 43) {
      const auto ph = below(10);
      const ConsentPhase phase = ph < 6 ? ConsentPhase::consent : ph < 7 ? ConsentPhase::reactions
                                 : ph < 9 ? ConsentPhase::clarifying : ConsentPhase::adopted;
      return {runner(), SetConsentPhase{proposal_id(), phase}};
    }
    if (r < 56) {
      const auto who = anyone();
      const auto a = below(10);
      const ConsentAnswer answer = a < 4 ? ConsentAnswer::consent : a < 6 ? ConsentAnswer::concern
                                   : a < 9 ? ConsentAnswer::objection : ConsentAnswer::stand_aside;
      return {actor_for(who), AnswerConsent{proposal_id(true), who, answer, chance(0.7) ? text("Because") : ""}};
    }
    if (r < 59) {
      const auto id = some_id(state.objections.size(), [&](std::uint32_t i) {
        return state.objections[i - 1].status == ObjectionStatus::open;
      });
      const ParticipantId author = id <= state.objections.size() ? state.objections[id - 1].author : anyone();
      return {actor_for(author), WithdrawObjection{id}};
    }
    if (r < 61) {
      auto amended = text("Amended text");
      return {runner(), AmendProposal{proposal_id(), std::move(amended),
                                      chance(0.4) ? std::optional<std::string>(text("New title")) : std::nullopt}};
    }
    if (r < 66) return {runner(), AdoptProposal{proposal_id(true), review_date()}};
    if (r < 67) return {runner(), CloseProposal{proposal_id(), chance(0.3), chance(0.5) ? "" : reason()}};
    if (r < 71) return {anyone(), ProposeAgreementItem{text("Ground rule"), chance(0.5)}};
    if (r < 74) {
      const auto id = some_id(state.agreement.size(), [&](std::uint32_t i) {
        return state.agreement[i - 1].status != AgreementStatus::removed;
      });
      const bool adopt = id > state.agreement.size() || state.agreement[id - 1].status != AgreementStatus::adopted;
      return {runner(), QuickConsentCheck{id, chance(0.9) ? adopt : !adopt}};
    }
    if (r < 77) {
      const auto id = some_id(state.agreement.size(), [&](std::uint32_t i) {
        return state.agreement[i - 1].status == AgreementStatus::adopted;
      });
      return {anyone(), FlagAgreementItem{id}};
    }
    if (r < 81) {
      return {anyone(), SubmitPoint{chance(0.5) ? PointKind::point : PointKind::question, text("Point"), chance(0.5),
                                    chance(0.5) ? "0123456789abcdef0123456789abcdef" : ""}};
    }
    if (r < 86) {
      // Carried forward to the group: only a visible point, by a queue runner, once.
      if (chance(0.3)) return {chance(0.8) ? runner() : anyone(), CarryPointForward{some_id(state.points.size(), [](std::uint32_t) { return true; })}};
      return {anyone(), UpvotePoint{some_id(state.points.size(), [](std::uint32_t) { return true; })}};
    }
    if (r < 89) {
      return {runner(), SetPointStatus{some_id(state.points.size(), [](std::uint32_t) { return true; }),
                                       static_cast<PointStatus>(below(5)), reason()}};  // pending: refused
    }
    if (r < 93) return {anyone(), SendSignal{static_cast<SignalKind>(below(6))}};
    if (r < 94) return {chance(0.5) ? runner() : anyone(), StartMeeting{}};  // started: nothing; anyone: refused
    if (r < 95) {
      if (chance(0.5)) return {chance(0.7) ? runner() : anyone(), SetPointsModerated{chance(0.5)}};  // anyone: refused
      return {runner(), SetPointsShown{static_cast<std::uint32_t>(below(7))}};
    }
    if (r < 96) {
      const std::uint32_t windows[] = {5, 30, 120, 600, 4000};
      return {facilitator(), SetSignalSettings{windows[below(5)], static_cast<std::uint32_t>(below(5))}};
    }
    if (r < 97) {
      const char* links[] = {"https://meet.example.org/tenants", "", "http://meet.example.org/", "https://", " https://a.example "};
      return {facilitator(), SetCallLink{links[below(5)]}};
    }
    if (r < 98) return {runner(), AddAgendaItem{text("Agenda item"), static_cast<std::uint32_t>(chance(0.05) ? 700 : below(60))}};
    return {runner(), StartAgendaItem{static_cast<std::uint32_t>(below(state.agenda.size() + 2))}};
  }

  // One random command and who sends it.
  std::pair<ParticipantId, Command> next_command() {
    if (chance(0.2)) return decision_command();
    const auto r = below(100);
    if (r < 3) {  // join: a new person, or a name already in use
      const bool fresh = people_in_meeting() < kMostPeople && chance(0.8);
      std::string name = fresh ? "Person " + std::to_string(++joined)
                               : (state.participants.empty() ? "x" : state.participants[below(state.participants.size())].name);
      if (chance(0.2)) name = "  " + name + " ";
      const auto role_roll = below(10);
      const Role role = role_roll == 0 ? Role::observer : role_roll == 1 ? Role::co_facilitator : Role::participant;
      return {server_actor, Join{name, role, location(), Preference::none}};
    }
    if (r < 4) {
      const bool fresh = people_in_meeting() < kMostPeople && chance(0.8);
      return {facilitator(), AddProxy{fresh ? "Proxy " + std::to_string(++joined) : "Facilitator", location()}};
    }
    if (r < 22) {
      const auto who = anyone();
      return {actor_for(who), RaiseHand{who, kind()}};
    }
    if (r < 27) {
      const auto who = queued_or_anyone();
      return {actor_for(who), LowerHand{who}};
    }
    if (r < 39) return {runner(), CallNext{}};
    if (r < 45) {
      const auto who = chance(0.5) ? queued_or_anyone() : anyone();
      return {runner(), CallSpeaker{who, chance(0.4) ? std::string() : reason()}};
    }
    if (r < 49) {
      const auto size = static_cast<std::uint32_t>(state.queue.size());
      const auto position = static_cast<std::uint32_t>(below(size + 2));
      return {runner(), MoveEntry{queued_or_anyone(), position, reason()}};
    }
    if (r < 52) return {runner(), RemoveEntry{queued_or_anyone(), reason()}};
    if (r < 62) {
      if (state.turn && chance(0.5)) return {chance(0.9) ? state.turn->who : anyone(), EndTurn{}};
      return {runner(), EndTurn{}};
    }
    if (r < 64) {
      const auto p = below(3);
      return {runner(), SetPolicy{p == 0 ? QueuePolicy::fifo : p == 1 ? QueuePolicy::progressive : QueuePolicy::hybrid}};
    }
    if (r < 65) {
      const std::uint32_t limits[] = {0, 30, 60, 120, 3600, 4000};
      return {runner(), SetTurnLimit{limits[below(6)]}};
    }
    if (r < 71) {
      const auto who = anyone();
      const auto a = below(3);
      const ParticipantId actor = a == 0 ? server_actor : a == 1 ? actor_for(who) : runner();
      return {actor, SetPresence{who, chance(0.5) ? Presence::away : Presence::here}};
    }
    if (r < 73) {
      const auto who = anyone();
      return {actor_for(who), UpdateProfile{who, location(), Preference::none}};
    }
    if (r < 75) {
      const auto ro = below(10);
      const Role role = ro < 2   ? Role::facilitator
                        : ro < 4 ? Role::co_facilitator
                        : ro < 5 ? Role::observer
                                 : Role::participant;
      return {facilitator(), SetRole{anyone(), role}};
    }
    if (r < 76) return {facilitator(), HandOverFacilitation{anyone()}};
    if (r < 78) {
      // Keep the meeting populated: removals only while enough people remain.
      if (people_in_meeting() <= kFewestPeople) return {facilitator(), SetLocked{false}};
      return {facilitator(), RemoveParticipant{anyone()}};
    }
    if (r < 81) return {facilitator(), SetLocked{chance(0.3)}};
    if (r < 83) {
      const auto o = below(3);
      const RoundOrder order = o == 0 ? RoundOrder::join_order : o == 1 ? RoundOrder::shuffled : RoundOrder::quietest_first;
      return {runner(), StartRound{"topic " + std::to_string(below(100)), order, rng()}};
    }
    const ParticipantId up = round_up_next(state);
    const auto up_or_runner = [&]() -> ParticipantId {
      if (up != 0 && chance(0.6)) return up;
      return chance(0.8) ? runner() : anyone();
    };
    if (r < 90) return {up_or_runner(), RoundSpeak{}};
    if (r < 96) return {up_or_runner(), RoundPass{}};
    if (r < 98) return {runner(), RoundSkip{reason()}};
    return {runner(), EndRound{}};
  }

  // --- the rules that always hold ---
  void check_invariants() {
    // The queue: one entry per person, nobody removed, no room display.
    std::set<ParticipantId> in_queue;
    for (const auto& e : state.queue) {
      EXPECT_TRUE(in_queue.insert(e.who).second) << "participant " << e.who << " is in the queue twice";
      const Participant* p = state.find(e.who);
      ASSERT_NE(p, nullptr) << "queue entry for unknown participant " << e.who;
      EXPECT_FALSE(p->removed) << "removed participant " << e.who << " is in the queue";
      EXPECT_NE(p->role, Role::observer) << "observer " << e.who << " is in the queue";
    }

    // The floor: held by someone in the meeting and here, who is not also waiting. The exception is
    // a go-round turn: the queue is paused during a round, and a hand raised before the round keeps
    // its place while its owner has their go (go_round_test: HandRaisedBeforeARoundKeepsItsPlace).
    if (state.turn) {
      const Participant* p = state.find_active(state.turn->who);
      ASSERT_NE(p, nullptr) << "the floor is held by " << state.turn->who << ", who is not in the meeting";
      EXPECT_EQ(p->presence, Presence::here) << "the floor is held by " << p->id << ", who is away";
      EXPECT_NE(p->role, Role::observer) << "the floor is held by the room display " << p->id;
      if (!state.turn->in_round) {
        EXPECT_EQ(state.queue_entry(state.turn->who), nullptr)
            << "the speaker " << state.turn->who << " is also in the queue";
      }
      EXPECT_LE(state.turn->started_at, now);
      if (state.turn->in_round) {
        EXPECT_NE(state.active_round(), nullptr) << "a round turn runs with no round";
        EXPECT_EQ(round_up_next(state), state.turn->who) << "a round turn by someone who is not up";
      }
    }

    // The order: every entry once, positions 0..n-1, each with a reason.
    const auto order = ordered_queue(state);
    ASSERT_EQ(order.size(), state.queue.size());
    std::set<ParticipantId> in_order;
    for (std::size_t i = 0; i < order.size(); ++i) {
      EXPECT_EQ(order[i].position, i);
      EXPECT_FALSE(order[i].reason.empty()) << "no reason for participant " << order[i].who;
      in_order.insert(order[i].who);
    }
    EXPECT_EQ(in_order, in_queue);

    // The figures: shares add up to the whole.
    const auto f = equity_figures(state, now);
    Millis total = 0;
    double shares = 0.0;
    for (const auto& p : f.people) {
      total += p.spoken_ms;
      shares += p.share;
    }
    EXPECT_EQ(total, f.total_spoken_ms);
    // ... and the whole is all the speaking there was: nobody's time goes missing from the figures.
    Millis recorded = state.turn ? now - state.turn->started_at : 0;
    for (const auto& p : state.participants) recorded += p.spoken_ms;
    EXPECT_EQ(f.total_spoken_ms, recorded);
    if (f.total_spoken_ms > 0) {
      EXPECT_NEAR(shares, 1.0, 1e-9);
    }
    EXPECT_GE(f.gini, 0.0);
    EXPECT_LT(f.gini, 1.0);

    // Rounds: only the last may run, and its next person is in range.
    for (std::size_t i = 0; i + 1 < state.rounds.size(); ++i) EXPECT_FALSE(state.rounds[i].active);
    if (const GoRound* r = state.active_round()) {
      EXPECT_LT(r->next, r->order.size());
    }

    // Polls: who voted and what was chosen are kept apart in anonymous polls; every ballot fits.
    for (const auto& p : state.polls) {
      EXPECT_EQ(p.result.has_value(), p.status == PollStatus::closed) << "poll " << p.id;
      if (p.spec.anonymous) {
        EXPECT_TRUE(p.named.empty()) << "anonymous poll " << p.id << " holds named ballots";
        EXPECT_TRUE(std::is_sorted(p.anonymous.begin(), p.anonymous.end())) << "poll " << p.id;
        EXPECT_EQ(p.spec.shown, ResultsShown::at_close);
        if (p.status == PollStatus::open) {
          EXPECT_FALSE(results_visible(p, true));
        }
        if (p.status != PollStatus::cancelled && !(p.result && p.result->withheld)) {
          EXPECT_EQ(p.anonymous.size(), p.voters.size()) << "poll " << p.id;
        }
        if (p.result && p.result->withheld) {
          EXPECT_TRUE(p.anonymous.empty()) << "a withheld result's ballots are discarded, poll " << p.id;
        }
        if (p.result && p.result->voters < p.spec.min_voters) {
          EXPECT_TRUE(p.result->withheld) << "poll " << p.id;
        }
      } else {
        EXPECT_TRUE(p.anonymous.empty()) << "named poll " << p.id << " holds anonymous ballots";
        if (p.status != PollStatus::cancelled) {
          EXPECT_EQ(p.named.size(), p.voters.size()) << "poll " << p.id;
        }
        for (const auto& [who, b] : p.named) EXPECT_TRUE(p.voters.contains(who));
      }
      for (const auto& b : p.anonymous) EXPECT_FALSE(ballot_problem(p.spec, b).has_value());
      for (const auto& [who, b] : p.named) EXPECT_FALSE(ballot_problem(p.spec, b).has_value());
      // Turnout never reads "more voted than could": every voter is counted as eligible.
      EXPECT_EQ(p.eligible, p.counted.size()) << "poll " << p.id;
      for (const ParticipantId who : p.voters) EXPECT_TRUE(p.counted.contains(who)) << "poll " << p.id << ", voter " << who;
    }
    // Proposals: a title for every version, the current one last.
    for (const auto& p : state.proposals) {
      ASSERT_EQ(p.titles.size(), p.versions.size()) << "proposal " << p.id;
      EXPECT_EQ(p.title, p.titles.back()) << "proposal " << p.id;
    }
    // Proposals: an open objection to an active proposal is to its current version (amending
    // integrates the others).
    for (const auto& o : state.objections) {
      ASSERT_GE(o.proposal, 1u);
      ASSERT_LE(o.proposal, state.proposals.size());
      const Proposal& p = state.proposals[o.proposal - 1];
      EXPECT_LE(o.version, p.version());
      if (o.status == ObjectionStatus::open && p.active()) {
        EXPECT_EQ(o.version, p.version()) << "objection " << o.id;
      }
    }
    // The decision record is a valid chain.
    if (!state.decisions.empty()) {
      const Decision& last = state.decisions.back();
      EXPECT_EQ(last.id, state.decisions.size());
      EXPECT_EQ(last.hash, decision_hash(last));
      EXPECT_EQ(last.prev_hash, state.decisions.size() == 1 ? genesis_hash : state.decisions[state.decisions.size() - 2].hash);
    }
    // The agreement: an item is proposed exactly while at its first version, and only items that
    // were adopted were flagged.
    for (const auto& a : state.agreement) {
      EXPECT_EQ(a.status == AgreementStatus::proposed, a.version == 1) << "agreement item " << a.id;
      if (a.status == AgreementStatus::proposed) {
        EXPECT_EQ(a.flags, 0u);
      }
    }
    // Written points: a hidden point says why; upvoters are people who joined.
    for (const auto& pt : state.points) {
      if (pt.status == PointStatus::hidden) {
        EXPECT_FALSE(pt.reason.empty());
      }
      // A pending point (moderated) has no upvotes: nobody but facilitators and its author saw it.
      if (pt.status == PointStatus::pending) EXPECT_TRUE(pt.upvoters.empty());
      for (ParticipantId who : pt.upvoters) EXPECT_NE(state.find(who), nullptr);
      EXPECT_TRUE(pt.author == 0 || state.find(pt.author) != nullptr);
    }
    // Signals: in time order, none from the future, counts no more than the marks held.
    for (std::size_t i = 0; i < state.signals.size(); ++i) {
      EXPECT_LE(state.signals[i].at, now);
      if (i > 0) {
        EXPECT_LE(state.signals[i - 1].at, state.signals[i].at);
      }
    }
    std::uint32_t counted = 0;
    for (auto c : signal_counts(state, now)) counted += c;
    EXPECT_LE(counted, state.signals.size());
    // The agenda: only the current item's clock runs.
    EXPECT_LE(state.current_item, state.agenda.size());
    for (const auto& item : state.agenda) {
      EXPECT_EQ(item.started_at.has_value(), item.id == state.current_item) << "agenda item " << item.id;
      EXPECT_GE(agenda_time_used(item, now), item.used_ms);
    }

    // The meeting always keeps a facilitator; the log and the state agree on where they are.
    EXPECT_FALSE(active_where([](const Participant& p) { return p.role == Role::facilitator; }).empty());
    EXPECT_EQ(state.seq, log.size());
  }

  void step(int i) {
    const auto [actor, command] = next_command();
    const std::size_t type = command.index();
    ++tried[type];
    const MeetingState before = state;
    const std::size_t logged = log.size();
    const Handled h = run(actor, command);
    std::ostringstream line;
    line << "step " << i << " t=" << now << " actor " << actor << " " << command_name(type) << ": "
         << (h.accepted() ? "accepted, " + std::to_string(h.events.size()) + " events"
                          : "refused " + std::string(name_of(h.rejection->code)) + " (" + h.rejection->message + ")");
    recent.push_back(line.str());
    if (recent.size() > 12) recent.pop_front();
    if (h.accepted()) {
      ++accepted[type];
      // The decision record only grows; what is in it never changes.
      EXPECT_GE(state.decisions.size(), before.decisions.size());
      EXPECT_TRUE(std::equal(before.decisions.begin(), before.decisions.end(), state.decisions.begin()))
          << "the decision record was changed";
      // An anonymous vote is a voter and a ballot in two events; nothing else.
      if (const auto* vote = std::get_if<CastVote>(&command);
          vote && before.polls.at(vote->poll - 1).spec.anonymous) {
        ASSERT_EQ(h.events.size(), 2u);
        EXPECT_TRUE(std::holds_alternative<VoterRecorded>(h.events[0].event));
        EXPECT_TRUE(std::holds_alternative<BallotCounted>(h.events[1].event));
      }
    } else {
      EXPECT_EQ(state, before) << "a refused command changed the state";
      EXPECT_EQ(log.size(), logged) << "a refused command logged events";
      EXPECT_FALSE(h.rejection->message.empty());
    }
    check_invariants();
  }

  std::string history() const {
    std::string out = "last steps:\n";
    for (const auto& l : recent) out += "  " + l + "\n";
    return out;
  }

  void setup_people() {
    // A meeting of a group (core/group.hpp): it starts with the group's agreement.
    for (const auto& e : stamp(state, {GroupAgreementCarried{GroupLink{"GROUP1", "Test group", 1, {1}, 1, {}}, {"We listen"}}}, now)) {
      apply(state, e);
      log.push_back(e);
    }
    ok(server_actor, Join{"Facilitator", Role::facilitator, Location::in_room, Preference::none});
    ok(server_actor, Join{"Co-facilitator", Role::co_facilitator, Location::remote, Preference::none});
    ok(server_actor, Join{"Room display", Role::observer, Location::in_room, Preference::none});
    for (int i = 0; i < 8; ++i) {
      ok(server_actor, Join{"Person " + std::to_string(++joined), Role::participant,
                            i % 3 == 0 ? Location::in_room : Location::remote, Preference::speak});
    }
    ok(1, AddProxy{"Proxy " + std::to_string(++joined), Location::in_room});
    ASSERT_EQ(state.participants.size(), 12u);
  }
};

TEST_P(RandomMeeting, InvariantsHoldAndReplayMatches) {
  setup_people();
  for (int i = 1; i <= kSteps; ++i) {
    if (chance(0.7)) advance(static_cast<Millis>(below(45'000)));
    step(i);
    if (HasFailure()) {
      ADD_FAILURE() << history();
      return;
    }
    if (i % 1000 == 0) {
      ASSERT_EQ(replay(log), state) << "replay differs after step " << i;
      ASSERT_FALSE(verify_decision_chain(state.decisions).has_value());
    }
  }
  ASSERT_EQ(replay(log), state);
  ASSERT_FALSE(verify_decision_chain(state.decisions).has_value());

  // The run really exercised the meeting: every kind of command was both accepted and refused
  // along the way, so the invariants above were checked against all of them.
  for (const auto& g : kGenerated) {
    EXPECT_GT(accepted[g.index], 0) << g.name << " was never accepted (" << tried[g.index] << " tried)";
    EXPECT_LT(accepted[g.index], tried[g.index]) << g.name << " was never refused";
  }
  EXPECT_GT(accepted[command_index<CallNext>()], 300);
  EXPECT_GT(accepted[command_index<RaiseHand>()], 500);
  EXPECT_GT(state.overrides.size(), 100u);
  EXPECT_GT(state.rounds.size(), 20u);
  std::size_t completed = 0;
  for (const auto& r : state.rounds) completed += r.completed ? 1 : 0;
  EXPECT_GT(completed, 5u);
  // The decision commands reached their endings too.
  std::size_t closed_polls = 0, withheld = 0, anonymous_closed = 0;
  for (const auto& p : state.polls) {
    if (p.status != PollStatus::closed) continue;
    ++closed_polls;
    anonymous_closed += p.spec.anonymous ? 1 : 0;
    withheld += p.result->withheld ? 1 : 0;
  }
  EXPECT_GT(closed_polls, 20u);
  EXPECT_GT(anonymous_closed, 5u);
  EXPECT_GT(withheld, 0u);
  std::size_t adopted = 0;
  for (const auto& p : state.proposals) adopted += p.phase == ConsentPhase::adopted ? 1 : 0;
  EXPECT_GT(adopted, 3u);
  EXPECT_GT(state.decisions.size(), 20u);
}

INSTANTIATE_TEST_SUITE_P(FixedSeeds, RandomMeeting, ::testing::Values(0x5eed'0001ULL, 0xC0FF'EE00'2024ULL));

}  // namespace
}  // namespace everyvoice::core
