#include "store/event_format.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../core/meeting_fixture.hpp"
#include "store/stored_tags.hpp"

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
    // Added after the rest (so that the pinned lines before it keep their places): an amendment
    // with a new title (ProposalRetitled), left open for the end of the meeting to close.
    ok(fac, PresentProposal{"Second rule", "Be brief", 0, false});
    ok(fac, AmendProposal{2, "Be brief, please", "Brevity"});
    // Added later still: the meeting's time zone (TimeZoneSet; the shell stamps it at seq 2, but
    // where it stands makes no difference to its bytes or to the state it gives).
    const auto zone = stamp(state, {TimeZoneSet{"America/Argentina/Buenos_Aires", -180}}, now);
    apply(state, zone[0]);
    log.push_back(zone[0]);
    ok(fac, SetCallLink{"https://meet.example.org/format-test"});
    ok(fac, SetPointsShown{3});
    // Moderated points (PointsModerationChanged), and a point left pending (PointStatus::pending).
    ok(fac, SetPointsModerated{true});
    ok(pat, SubmitPoint{PointKind::question, "Pending until approved", false});
    // Polls prepared in advance (PollDrafted, DraftPollOpened, PollStatus::draft): one opened, one
    // left a draft.
    PollSpec prepared;
    prepared.question = "Prepared";
    prepared.kind = PollKind::open_text;
    ok(fac, OpenPoll{prepared, true});
    ok(fac, OpenDraftPoll{static_cast<std::uint32_t>(state.polls.size())});
    ok(fac, OpenPoll{prepared, true});
    // Proposals prepared in advance (ProposalDrafted, DraftProposalPresented, ConsentPhase::draft,
    // Proposal::presented): one presented, one deleted, one left a draft.
    ok(fac, PresentProposal{"Prepared rule", "Be on time", 0, false, true});
    ok(fac, PresentDraftProposal{static_cast<std::uint32_t>(state.proposals.size())});
    ok(fac, PresentProposal{"Deleted rule", "Never shown", 0, false, true});
    ok(fac, CloseProposal{static_cast<std::uint32_t>(state.proposals.size()), true, ""});
    ok(fac, PresentProposal{"Still a draft", "Later", 0, false, true});
    // The meeting's language (LanguageSet; stamped by the shell after TimeZoneSet at creation).
    const auto language = stamp(state, {LanguageSet{"en"}}, now);  // "es" would word the end's records in Spanish
    apply(state, language[0]);
    log.push_back(language[0]);
    // A meeting prepared before it starts (MeetingScheduled, then StartMeeting: MeetingStarted).
    const auto scheduled = stamp(state, {MeetingScheduled{}}, now);
    apply(state, scheduled[0]);
    log.push_back(scheduled[0]);
    ok(fac, StartMeeting{});
    // A meeting of a group (GroupAgreementCarried; core/group.hpp): the group's agreement, one item
    // adopted in an earlier meeting, is carried in.
    group_log = {GroupStamped{1, now, GroupCreated{"Tenants' panel"}},
                 GroupStamped{2, now, GroupMeetingAdded{"EARLY1", "Kick-off", now, 0, {}, 1, {}}},
                 GroupStamped{3, now, GroupAgreementChanged{"EARLY1", 1, 1, "We listen", true}}};
    for (const auto& e : group_log) core::apply(group, e);
    const auto carried = stamp(state, open_group_meeting(group, "GRP234", "2027-01-01", "en",
                                                               static_cast<std::uint32_t>(state.agreement.size() + 1), 2),
                               now);
    for (const auto& e : carried) {
      apply(state, e);
      log.push_back(e);
    }
    // "You said, we did": a point its author can follow (PointFollowable), carried forward
    // (PointCarried).
    ok(pat, SubmitPoint{PointKind::point, "A bench by the door", true, "0123456789abcdef0123456789abcdef"});
    ok(fac, SetPointStatus{static_cast<std::uint32_t>(state.points.size()), PointStatus::open, ""});  // approved
    ok(fac, CarryPointForward{static_cast<std::uint32_t>(state.points.size())});
    ok(fac, EndMeeting{});
    // The group catches up with the meeting: the meeting, its agreement changes, its decisions,
    // the idea; then an organiser sets the idea's status.
    for (auto& e : group_sync(group, group_facts("FMT234", state))) {
      group_log.push_back(GroupStamped{group.seq + 1, now, std::move(e)});
      core::apply(group, group_log.back());
    }
    const auto changed = set_idea_status(group, 1, IdeaStatus::working, "Asked the landlord");
    ASSERT_TRUE(changed.event) << changed.error;
    group_log.push_back(GroupStamped{group.seq + 1, now, *changed.event});
    core::apply(group, group_log.back());
    group_log.push_back(GroupStamped{group.seq + 1, now, GroupRetentionSet{365}});
    core::apply(group, group_log.back());
    // Added after the lines above were pinned, so appended: the group's members, the roles they
    // held (RolesAssigned), a member's attendance (MemberAttended), a member leaving (redacted).
    const auto add_group = [&](GroupEvent e) {
      group_log.push_back(GroupStamped{group.seq + 1, now, std::move(e)});
      core::apply(group, group_log.back());
    };
    add_group(GroupMemberAdded{1, "Rosa", std::string(64, 'a')});
    add_group(GroupMemberChanged{1, "Rosa", Preference::write, 0b1001, true});
    add_group(GroupMemberAdded{2, "Sam", std::string(64, 'b')});
    const auto roles = assign_roles(group);
    ASSERT_EQ(roles.size(), 2U) << "Rosa takes notes; nobody keeps time; Sam has no offer, so Rosa greets too";
    const auto more = stamp(state, {RolesAssigned{roles}, MemberAttended{pat, 1}}, now);
    for (const auto& e : more) {
      apply(state, e);
      log.push_back(e);
    }
    for (auto& e : group_sync(group, group_facts("FMT234", state))) add_group(std::move(e));
    // Rosa agreed to a record after this meeting was added, so group_sync does not record it (the
    // record starts with the next meeting); her attendance is written here as it would be then.
    const auto facts = group_facts("FMT234", state);
    ASSERT_EQ(facts.members.size(), 1U);
    add_group(GroupAttendanceRecorded{"FMT234", 1, facts.members[0].spoken_ms, facts.members[0].turns});
    ASSERT_EQ(group.attendance.size(), 1U);
    const auto left = remove_member(group, 2);
    ASSERT_EQ(left.redact.size(), 1U);
    for (const auto& e : left.events) add_group(e);
    add_group(GroupRedacted{});
  }
  ParticipantId fac = 0, pat = 0, quinn = 0;
  GroupState group;
  std::vector<GroupStamped> group_log;
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

TEST_F(EventFormatTest, EveryGroupEventSurvivesTheRoundTrip) {
  std::set<std::size_t> kinds;
  for (const auto& e : group_log) {
    EXPECT_EQ(decode_group_event(encode_group_event(e.event)), e.event) << "group event kind " << e.event.index();
    kinds.insert(e.event.index());
  }
  for (std::size_t k = 0; k < std::variant_size_v<GroupEvent>; ++k)
    EXPECT_TRUE(kinds.contains(k)) << "no group event of kind " << k << " in the test group";
}

TEST_F(EventFormatTest, ReplayingDecodedEventsGivesTheSameState) {
  std::vector<Stamped> decoded;
  for (const auto& e : log) decoded.push_back(Stamped{e.seq, e.at, decode_event(encode_event(e.event))});
  EXPECT_EQ(replay(decoded), state);
}

// The room counts a meeting's event bytes for its snapshot rule without encoding them.
TEST_F(EventFormatTest, EncodedSizeIsTheLengthOfTheEncoding) {
  for (const auto& e : log) EXPECT_EQ(encoded_size(e.event), encode_event(e.event).size()) << "event kind " << e.event.index();
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

// --- What is stored outlives the code: the tags and the bytes are pinned -------------------------
// tests/store/golden/format.txt holds, for the meeting above, every event's tag and bytes, every
// enum's tags and the snapshot's bytes. A change to stored_tags.hpp or to a field list changes
// what every stored meeting means: these tests fail first. To change the format on purpose: a new
// event kind or enum value takes a new tag (append); a changed event gets a new kind; a changed
// state layout bumps state_layout in event_format.cpp. Then rewrite the file with
// EVERYVOICE_WRITE_GOLDEN=1 ./store_tests and review its diff: old lines must not change.

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

template <class E>
std::string enum_line(const char* name) {
  std::string line = std::string("enum ") + name;
  for (const E value : StoredEnum<E>::by_tag) line += " " + std::to_string(static_cast<int>(value));
  return line;
}

std::string format_text(const std::vector<Stamped>& log, const MeetingState& state) {
  std::ostringstream out;
  for (const auto& e : log)
    out << "event " << std::visit([](const auto& x) { return event_tag<std::decay_t<decltype(x)>>; }, e.event) << " "
        << hex(encode_event(e.event)) << "\n";
  for (const std::string& line :
       {enum_line<Role>("Role"), enum_line<Location>("Location"), enum_line<Preference>("Preference"),
        enum_line<Presence>("Presence"), enum_line<HandKind>("HandKind"), enum_line<QueuePolicy>("QueuePolicy"),
        enum_line<RoundOrder>("RoundOrder"), enum_line<PollKind>("PollKind"), enum_line<ResultsShown>("ResultsShown"),
        enum_line<PollStatus>("PollStatus"), enum_line<ConsentPhase>("ConsentPhase"),
        enum_line<ConsentAnswer>("ConsentAnswer"), enum_line<ObjectionStatus>("ObjectionStatus"),
        enum_line<PointKind>("PointKind"), enum_line<PointStatus>("PointStatus"), enum_line<SignalKind>("SignalKind"),
        enum_line<AgreementStatus>("AgreementStatus"), enum_line<OverrideKind>("OverrideKind"),
        enum_line<RoundStepKind>("RoundStepKind")})
    out << line << "\n";
  out << "state " << hex(encode_state(state)) << "\n";
  return out.str();
}

std::string group_format_text(const std::vector<GroupStamped>& log) {
  std::ostringstream out;
  for (const auto& e : log)
    out << "group_event " << std::visit([](const auto& x) { return event_tag<std::decay_t<decltype(x)>>; }, e.event) << " "
        << hex(encode_group_event(e.event)) << "\n";
  return out.str();
}

TEST_F(EventFormatTest, StoredTagsAndBytesArePinned) {
  const std::string path = EVERYVOICE_GOLDEN_DIR "/format.txt";
  const std::string now_text = format_text(log, state) + group_format_text(group_log);
  if (const char* write = std::getenv("EVERYVOICE_WRITE_GOLDEN"); write && std::string_view(write) == "1") {
    std::ofstream(path) << now_text;
    GTEST_SKIP() << "wrote " << path;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing " << path;
  std::stringstream pinned;
  pinned << in.rdbuf();
  std::istringstream want(pinned.str()), got(now_text);
  std::string want_line, got_line;
  for (int n = 1; std::getline(want, want_line); ++n) {
    ASSERT_TRUE(std::getline(got, got_line)) << "line " << n << " is gone: " << want_line;
    EXPECT_EQ(got_line, want_line) << "line " << n << " of " << path
                                   << " changed: stored meetings would change meaning (see the comment above)";
  }
  EXPECT_FALSE(std::getline(got, got_line)) << "more lines than pinned: rewrite the file (see the comment above)";
}

TEST_F(EventFormatTest, PinnedBytesDecodeToTheSameEvents) {
  std::ifstream in(EVERYVOICE_GOLDEN_DIR "/format.txt");
  ASSERT_TRUE(in);
  std::size_t i = 0;
  for (std::string kind, bytes; in >> kind && kind == "event" && in >> bytes >> bytes; ++i) {
    ASSERT_LT(i, log.size());
    std::string raw;
    for (std::size_t k = 0; k + 1 < bytes.size(); k += 2) raw.push_back(static_cast<char>(std::stoi(bytes.substr(k, 2), nullptr, 16)));
    EXPECT_EQ(decode_event(raw), log[i].event) << "event " << i;
  }
  EXPECT_EQ(i, log.size());
}

TEST_F(EventFormatTest, PinnedBytesDecodeToTheSameGroupEvents) {
  std::ifstream in(EVERYVOICE_GOLDEN_DIR "/format.txt");
  ASSERT_TRUE(in);
  std::size_t i = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string kind, tag, bytes;
    if (!(words >> kind >> tag >> bytes) || kind != "group_event") continue;
    ASSERT_LT(i, group_log.size());
    std::string raw;
    for (std::size_t k = 0; k + 1 < bytes.size(); k += 2) raw.push_back(static_cast<char>(std::stoi(bytes.substr(k, 2), nullptr, 16)));
    EXPECT_EQ(decode_group_event(raw), group_log[i].event) << "group event " << i;
    ++i;
  }
  EXPECT_EQ(i, group_log.size());
}

TEST_F(EventFormatTest, ASnapshotOfAnotherLayoutIsRefusedAsOutdatedNotAsDamage) {
  std::string bytes = encode_state(state);
  ASSERT_EQ(bytes[0], 2) << "snapshots are version 2: a layout number follows";
  bytes[1] = 99;  // a layout this version does not read
  EXPECT_THROW(decode_state(bytes), SnapshotOutdated);
}

// Layout 1 snapshots may hold objections open on a proposal that ended unadopted (before they were
// closed with it): such a snapshot is not read, so the meeting is replayed and they read `closed`.
TEST_F(EventFormatTest, ALayoutOneSnapshotIsOutdated) {
  std::string bytes = encode_state(state);
  ASSERT_EQ(bytes[0], 2);
  bytes[1] = 1;
  EXPECT_THROW(decode_state(bytes), SnapshotOutdated);
  std::string version_one = encode_state(state).substr(2);  // 722a9e2's: version 1, no layout number
  version_one.insert(version_one.begin(), 1);
  EXPECT_THROW(decode_state(version_one), SnapshotOutdated);
}

TEST(StoredTags, TagsAreDistinctAndEnumTablesCoverEveryValueOnce) {
  const auto distinct = [](const auto& table) {
    std::set<int> seen;
    for (const auto value : table) seen.insert(static_cast<int>(value));
    return seen.size() == table.size();
  };
  EXPECT_TRUE(distinct(StoredEnum<Role>::by_tag));
  EXPECT_TRUE(distinct(StoredEnum<HandKind>::by_tag));
  EXPECT_TRUE(distinct(StoredEnum<ConsentPhase>::by_tag));
  EXPECT_TRUE(distinct(StoredEnum<SignalKind>::by_tag));
  EXPECT_TRUE(distinct(StoredEnum<PollKind>::by_tag));
  std::set<std::uint32_t> tags;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (tags.insert(event_tag<std::variant_alternative_t<I, Event>>), ...);
  }(std::make_index_sequence<std::variant_size_v<Event>>{});
  EXPECT_EQ(tags.size(), std::variant_size_v<Event>);
}

}  // namespace
}  // namespace everyvoice::store
