// A group across its meetings (core/group.hpp): each meeting starts with the group's current
// agreement; what a meeting consents to becomes the group's next version; every decision reaches
// the group's chained log; a review date that comes near puts the decision on the next agenda. The
// group catches up with a meeting by group_sync, which must be idempotent and lose nothing when
// two meetings run at once.
#include "core/group.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/meeting.hpp"
#include "core/sha256.hpp"

namespace everyvoice::core {
namespace {

constexpr Millis day_ms = 86'400'000;
constexpr Millis jan_10_2027 = 1'799'539'200'000;  // 2027-01-10T00:00:00Z

// One meeting of the group, driven as the server drives it.
struct GroupMeetingRun {
  std::string code;
  MeetingState state;
  Millis now;
  ParticipantId fac = 0, ana = 0;

  GroupMeetingRun(std::string code_, const GroupState& group, Millis at, const std::string& language = "en")
      : code(std::move(code_)), now(at) {
    std::vector<Event> first{MeetingOpened{"Meeting " + code}};
    if (language != "en") first.emplace_back(LanguageSet{language});
    for (auto& e : open_group_meeting(group, "GROUP1", day(), language, 1, 1)) first.push_back(std::move(e));
    for (const auto& e : stamp(state, std::move(first), now)) apply(state, e);
    fac = join("Fac", Role::facilitator);
    ana = join("Ana");
  }
  std::string day() const { return add_days("1970-01-01", static_cast<int>(now / day_ms)); }
  ParticipantId join(const std::string& name, Role role = Role::participant) {
    EXPECT_TRUE(handle(state, server_actor, Join{name, role, Location::remote, Preference::none}, now).accepted());
    return static_cast<ParticipantId>(state.participants.size());
  }
  void ok(ParticipantId actor, const Command& c) {
    const Handled h = handle(state, actor, c, now);
    ASSERT_TRUE(h.accepted()) << h.rejection->message;
  }
  // A rule proposed by Ana and adopted by a quick consent check; its meeting item id.
  std::uint32_t adopt(const std::string& text) {
    ok(ana, ProposeAgreementItem{text, false});
    const auto id = static_cast<std::uint32_t>(state.agreement.size());
    ok(fac, QuickConsentCheck{id, true});
    return id;
  }
  std::uint32_t item_id(const std::string& text) const {
    for (const auto& item : state.agreement)
      if (item.text == text) return item.id;
    ADD_FAILURE() << "no agreement item " << text;
    return 0;
  }
  std::vector<std::string> adopted() const {
    std::vector<std::string> out;
    for (const auto& item : state.agreement)
      if (item.status == AgreementStatus::adopted) out.push_back(item.text);
    return out;
  }
};

class GroupTest : public ::testing::Test {
 protected:
  GroupState group;
  Millis now = jan_10_2027;

  void SetUp() override { append({GroupCreated{"Tenants' panel"}}); }
  void append(std::vector<GroupEvent> events) {
    for (auto& e : events) apply(group, GroupStamped{group.seq + 1, now, std::move(e)});
  }
  // The group catches up with a meeting; returns how many events that took.
  std::size_t sync(const GroupMeetingRun& m) {
    auto events = group_sync(group, group_facts(m.code, m.state));
    const auto n = events.size();
    append(std::move(events));
    return n;
  }
  std::vector<std::string> current() const {
    std::vector<std::string> out;
    for (const GroupItem* item : group.current_items()) out.push_back(item->text);
    return out;
  }
};

TEST_F(GroupTest, EachMeetingStartsWithTheGroupsCurrentAgreement) {
  GroupMeetingRun first("AAA111", group, now);
  EXPECT_TRUE(first.state.agreement.empty());
  EXPECT_EQ(first.state.group.group, "GROUP1");
  EXPECT_EQ(first.state.group.agreement_version, 0u);
  first.adopt("We listen");
  first.adopt("Phones on silent");
  sync(first);
  EXPECT_EQ(group.version(), 2u);
  EXPECT_EQ(current(), (std::vector<std::string>{"We listen", "Phones on silent"}));

  GroupMeetingRun second("BBB222", group, now + 7 * day_ms);
  EXPECT_EQ(second.adopted(), (std::vector<std::string>{"We listen", "Phones on silent"}));
  EXPECT_EQ(second.state.group.agreement_version, 2u);
  EXPECT_EQ(second.state.group.name, "Tenants' panel");
}

TEST_F(GroupTest, AChangeConsentedInAMeetingIsTheGroupsNextVersionWithItsHistory) {
  GroupMeetingRun first("AAA111", group, now);
  first.adopt("We listen");
  sync(first);
  GroupMeetingRun second("BBB222", group, now + 7 * day_ms);
  second.ok(second.fac, QuickConsentCheck{second.item_id("We listen"), false});  // removed
  second.adopt("We start on time");
  sync(second);

  EXPECT_EQ(current(), (std::vector<std::string>{"We start on time"}));
  ASSERT_EQ(group.version(), 3u);
  EXPECT_EQ(group.versions[0].meeting, "AAA111");
  EXPECT_EQ(group.versions[1].meeting, "BBB222");
  EXPECT_EQ(group.versions[1].removed, (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(group.versions[2].added, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(group.items[0].added_in, 1u);
  EXPECT_EQ(group.items[0].removed_in, 2u);
  EXPECT_EQ(group.items[1].meeting, "BBB222");
}

TEST_F(GroupTest, SyncIsIdempotentAndAnItemAdoptedThenRemovedInOneMeetingLeavesTheGroupAsItWas) {
  GroupMeetingRun m("AAA111", group, now);
  m.adopt("We listen");
  EXPECT_GT(sync(m), 0u);
  const GroupState after = group;
  EXPECT_EQ(sync(m), 0u) << "nothing new: nothing to append";
  EXPECT_EQ(group, after);

  const auto id = m.adopt("Short-lived rule");
  m.ok(m.fac, QuickConsentCheck{id, false});
  sync(m);  // adopted and removed between two syncs: no change reaches the group
  EXPECT_EQ(current(), (std::vector<std::string>{"We listen"}));
  EXPECT_EQ(group.version(), 1u);
}

TEST_F(GroupTest, TwoMeetingsAtOnceBothReachTheGroupAndNeitherUndoesTheOther) {
  GroupMeetingRun a("AAA111", group, now);
  GroupMeetingRun b("BBB222", group, now);  // both start with version 0
  a.adopt("We listen");
  b.adopt("Plain words, no jargon");
  sync(a);
  sync(b);
  sync(a);
  EXPECT_EQ(current(), (std::vector<std::string>{"We listen", "Plain words, no jargon"}));
  EXPECT_EQ(group.meetings.size(), 2u);
}

TEST_F(GroupTest, AMeetingTheGroupHasNotRecordedIsAddedFirst) {
  // As after a crash between the meeting's commit and the group's: the meeting carries all the
  // group needs (its GroupLink) to be added late.
  GroupMeetingRun m("AAA111", group, now);
  m.adopt("We listen");
  const auto events = group_sync(group, group_facts(m.code, m.state));
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(std::holds_alternative<GroupMeetingAdded>(events.front()));
  append(events);
  ASSERT_NE(group.meeting("AAA111"), nullptr);
  EXPECT_EQ(group.meeting("AAA111")->title, "Meeting AAA111");
}

TEST_F(GroupTest, EveryDecisionReachesTheGroupsChainedLog) {
  GroupMeetingRun a("AAA111", group, now);
  a.adopt("We listen");
  sync(a);
  GroupMeetingRun b("BBB222", group, now + 7 * day_ms);
  b.adopt("We start on time");
  sync(b);
  ASSERT_EQ(group.decisions.size(), 2u);
  EXPECT_EQ(group.decisions[0].meeting, "AAA111");
  EXPECT_EQ(group.decisions[1].meeting, "BBB222");
  EXPECT_EQ(group.decisions[0].decision, a.state.decisions[0]) << "the meeting's own record, unchanged";
  EXPECT_EQ(group.decisions[1].prev_hash, group.decisions[0].hash);
  EXPECT_EQ(verify_group_chain(group.decisions), std::nullopt);

  auto tampered = group.decisions;
  tampered[0].decision.result = "rejected";
  EXPECT_EQ(verify_group_chain(tampered), 0u) << "the meeting's hash no longer matches";
  tampered = group.decisions;
  tampered[1].meeting = "AAA111";
  EXPECT_EQ(verify_group_chain(tampered), 1u) << "the group's link no longer matches";
}

TEST_F(GroupTest, ADecisionDueForReviewIsOnTheNextAgendaOnce) {
  GroupMeetingRun a("AAA111", group, now);
  a.ok(a.fac, PresentProposal{"Meet monthly", "We meet on the first Monday.", 0, false});
  a.ok(a.fac, SetConsentPhase{1, ConsentPhase::consent});
  a.ok(a.ana, AnswerConsent{1, a.ana, ConsentAnswer::consent, ""});
  a.ok(a.fac, AdoptProposal{1, "2027-02-01"});
  a.adopt("We listen");  // a decision without a review date
  sync(a);
  ASSERT_EQ(group.decisions.size(), 2u);

  // 2027-01-17: the review (2027-02-01) is 15 days away, not yet on the agenda.
  GroupMeetingRun early("BBB222", group, now + 7 * day_ms);
  EXPECT_TRUE(early.state.agenda.empty());
  sync(early);
  // 2027-01-24: 8 days away: on the agenda.
  GroupMeetingRun due("CCC333", group, now + 14 * day_ms);
  ASSERT_EQ(due.state.agenda.size(), 1u);
  EXPECT_EQ(due.state.agenda[0].title, "Review: Meet monthly (decided 2027-01-10, review by 2027-02-01)");
  sync(due);
  EXPECT_EQ(group.decisions[0].review_in, "CCC333");
  // Once taken up, never again, even overdue.
  GroupMeetingRun later("DDD444", group, now + 40 * day_ms);
  EXPECT_TRUE(later.state.agenda.empty());
}

TEST_F(GroupTest, AReviewItemIsWordedInTheMeetingsLanguage) {
  GroupMeetingRun a("AAA111", group, now);
  a.ok(a.fac, PresentProposal{"Meet monthly", "We meet on the first Monday.", 0, false});
  a.ok(a.fac, SetConsentPhase{1, ConsentPhase::consent});
  a.ok(a.ana, AnswerConsent{1, a.ana, ConsentAnswer::consent, ""});
  a.ok(a.fac, AdoptProposal{1, "2027-01-20"});
  sync(a);
  GroupMeetingRun es("BBB222", group, now + day_ms, "es");
  ASSERT_EQ(es.state.agenda.size(), 1u);
  EXPECT_EQ(es.state.agenda[0].title, "Revisión: Meet monthly (decidido el 2027-01-10, revisar antes del 2027-01-20)");
}

TEST_F(GroupTest, ACarriedPointBecomesAnIdeaWhoseStatusItsAuthorCanFollow) {
  GroupMeetingRun m("AAA111", group, now);
  const std::string secret = "0123456789abcdef0123456789abcdef";
  m.ok(m.ana, SubmitPoint{PointKind::point, "A bench by the door", true, secret});
  EXPECT_EQ(m.state.points[0].follow_hash, sha256_hex(secret)) << "only the hash is kept";
  EXPECT_EQ(handle(m.state, m.ana, CarryPointForward{1}, m.now).rejection->code, ErrorCode::not_allowed);
  m.ok(m.fac, CarryPointForward{1});
  EXPECT_TRUE(handle(m.state, m.fac, CarryPointForward{1}, m.now).events.empty()) << "once";
  sync(m);
  ASSERT_EQ(group.ideas.size(), 1u);
  EXPECT_EQ(group.ideas[0].text, "A bench by the door");
  EXPECT_EQ(group.ideas[0].follow_hash, sha256_hex(secret));
  EXPECT_EQ(group.ideas[0].status(), IdeaStatus::open);
  EXPECT_EQ(sync(m), 0u) << "carried once, added once";

  EXPECT_FALSE(set_idea_status(group, 1, IdeaStatus::not_possible, "  ").event) << "not possible needs a reason";
  EXPECT_FALSE(set_idea_status(group, 2, IdeaStatus::done, "").event);
  EXPECT_FALSE(set_idea_status(group, 1, IdeaStatus::open, "").event) << "unchanged: nothing to record";
  EXPECT_TRUE(set_idea_status(group, 1, IdeaStatus::open, "").error.empty());
  const auto working = set_idea_status(group, 1, IdeaStatus::working, " Asked the landlord ");
  ASSERT_TRUE(working.event);
  EXPECT_EQ(working.event->reason, "Asked the landlord");
  append({*working.event});
  EXPECT_EQ(group.ideas[0].history.size(), 2u);
  EXPECT_EQ(group.ideas[0].status(), IdeaStatus::working);
}

TEST_F(GroupTest, OnlyAVisiblePointOfAMeetingInAGroupIsCarriedForward) {
  MeetingState alone;
  for (const auto& e : stamp(alone, {MeetingOpened{"On its own"}}, now)) apply(alone, e);
  ASSERT_TRUE(handle(alone, server_actor, Join{"Fac", Role::facilitator, Location::remote, Preference::none}, now).accepted());
  ASSERT_TRUE(handle(alone, 1, SubmitPoint{PointKind::point, "x", false, ""}, now).accepted());
  EXPECT_EQ(handle(alone, 1, CarryPointForward{1}, now).rejection->code, ErrorCode::invalid_argument) << "no group";

  GroupMeetingRun m("AAA111", group, now);
  m.ok(m.fac, SetPointsModerated{true});
  m.ok(m.ana, SubmitPoint{PointKind::point, "Waiting", false, ""});
  EXPECT_EQ(handle(m.state, m.fac, CarryPointForward{1}, m.now).rejection->code, ErrorCode::invalid_argument) << "pending";
  m.ok(m.fac, SetPointStatus{1, PointStatus::hidden, "off topic"});
  EXPECT_EQ(handle(m.state, m.fac, CarryPointForward{1}, m.now).rejection->code, ErrorCode::invalid_argument) << "hidden";
  EXPECT_EQ(handle(m.state, m.fac, CarryPointForward{2}, m.now).rejection->code, ErrorCode::not_found);
}

TEST(GroupDates, AddDaysCrossesMonthsYearsAndLeapDaysAndRefusesWhatIsNotADate) {
  EXPECT_EQ(add_days("2027-01-25", 14), "2027-02-08");
  EXPECT_EQ(add_days("2027-12-25", 14), "2028-01-08");
  EXPECT_EQ(add_days("2028-02-20", 9), "2028-02-29");
  EXPECT_EQ(add_days("2027-02-20", 9), "2027-03-01");
  EXPECT_EQ(add_days("1970-01-01", 0), "1970-01-01");
  EXPECT_EQ(add_days("2027-02-30", 1), "");
  EXPECT_EQ(add_days("2027-1-5", 1), "");
  EXPECT_EQ(add_days("", 1), "");
  EXPECT_EQ(add_days("2027-01-05x", 1), "");
}

// Members and their offers: each meeting's roles come from the offers, rotate across meetings,
// and go to someone without a role yet when there is one. Roles nobody offers stay out.
class MemberTest : public GroupTest {
 protected:
  std::vector<Seq> seqs;  // every event appended, by its seq: what the log holds
  std::uint32_t add(const std::string& name, std::uint8_t offers, bool record, Preference p = Preference::none) {
    auto added = add_member(group, name, std::string(64, static_cast<char>('a' + group.members.size())), 50);
    EXPECT_TRUE(added.error.empty()) << added.error;
    append(std::move(added.events));
    const auto id = static_cast<std::uint32_t>(group.members.size());
    auto changed = change_member(group, id, name, p, offers, record);
    EXPECT_TRUE(changed.error.empty()) << changed.error;
    append(std::move(changed.events));
    return id;
  }
  static constexpr std::uint8_t notes = 1U << static_cast<unsigned>(Offer::notes);
  static constexpr std::uint8_t time = 1U << static_cast<unsigned>(Offer::timekeeping);
  static constexpr std::uint8_t welcome = 1U << static_cast<unsigned>(Offer::welcoming);
  std::vector<std::string> roles_of(const MeetingState& m) const {
    std::vector<std::string> out;
    for (const auto& r : m.roles) out.push_back(std::string(name_of(r.role)) + " " + r.name);
    return out;
  }
};

TEST_F(MemberTest, RolesComeFromOffersAndRotateAcrossMeetings) {
  add("Rosa", notes | welcome, false);
  add("Sam", notes, false);
  add("Tia", time, false);
  add("Uma", 0, false);  // offers nothing: never handed a role
  GroupMeetingRun first("AAA111", group, now);
  EXPECT_EQ(roles_of(first.state), (std::vector<std::string>{"note_taker Rosa", "timekeeper Tia", "greeter Rosa"}))
      << "Sam offers notes too, but Rosa comes first; only Rosa offers to welcome people, so she greets too";
  sync(first);
  GroupMeetingRun second("BBB222", group, now + day_ms);
  EXPECT_EQ(roles_of(second.state), (std::vector<std::string>{"note_taker Sam", "timekeeper Tia", "greeter Rosa"}))
      << "notes rotate to Sam";
  sync(second);
  GroupMeetingRun third("CCC333", group, now + 2 * day_ms);
  EXPECT_EQ(roles_of(third.state), (std::vector<std::string>{"note_taker Rosa", "timekeeper Tia", "greeter Rosa"}))
      << "and back to Rosa";
  sync(third);
  add("Vi", welcome, false);
  GroupMeetingRun fourth("DDD444", group, now + 3 * day_ms);
  EXPECT_EQ(roles_of(fourth.state), (std::vector<std::string>{"note_taker Sam", "timekeeper Tia", "greeter Vi"}))
      << "Vi, new, has never greeted";
  EXPECT_EQ(group_sync(group, group_facts("BBB222", second.state)).size(), 0u) << "the roles are synced once";
}

TEST_F(MemberTest, ParticipationIsRecordedOnlyForMembersWhoAgreedAndNeverForAnonymousActs) {
  const auto rosa = add("Rosa", 0, true);
  const auto sam = add("Sam", 0, false);
  GroupMeetingRun m("AAA111", group, now);
  ASSERT_TRUE(handle(m.state, server_actor, Join{"Rosa", Role::participant, Location::remote, Preference::none, rosa}, m.now).accepted());
  const auto rosa_here = static_cast<ParticipantId>(m.state.participants.size());
  ASSERT_TRUE(handle(m.state, server_actor, Join{"Sam", Role::participant, Location::remote, Preference::none, sam}, m.now).accepted());
  const auto sam_here = static_cast<ParticipantId>(m.state.participants.size());
  for (auto who : {rosa_here, sam_here}) {
    m.ok(m.fac, CallSpeaker{who, "next"});
    m.now += 90'000;
    m.ok(m.fac, EndTurn{});
  }
  // An anonymous point and an anonymous vote: nothing of them reaches the group's record.
  m.ok(rosa_here, SubmitPoint{PointKind::point, "Quietly: more breaks", true, ""});
  sync(m);
  ASSERT_EQ(group.attendance.size(), 1u) << "Sam did not agree to a record";
  EXPECT_EQ(group.attendance[0].member, rosa);
  EXPECT_EQ(group.attendance[0].spoken_ms, 90'000);
  EXPECT_EQ(group.attendance[0].turns, 1u);
  EXPECT_EQ(sync(m), 0u) << "unchanged: nothing recorded again";
  m.ok(m.fac, CallSpeaker{rosa_here, "again"});
  m.now += 30'000;
  m.ok(m.fac, EndTurn{});
  EXPECT_EQ(sync(m), 1u);
  ASSERT_EQ(group.attendance.size(), 1u) << "one row per member per meeting, as it now stands";
  EXPECT_EQ(group.attendance[0].spoken_ms, 120'000);

  // Withdrawing consent erases what was recorded, and the events that held it are redacted.
  // Every event that recorded it, not only the last (the record was updated once).
  const auto withdrawn = change_member(group, rosa, "Rosa", Preference::none, 0, false);
  EXPECT_EQ(withdrawn.redact, group.attendance[0].seqs);
  EXPECT_EQ(withdrawn.redact.size(), 2u);
  append(withdrawn.events);
  EXPECT_TRUE(group.attendance.empty());
  EXPECT_EQ(sync(m), 0u) << "nothing is recorded without consent";
  // Agreeing again starts the record from the next meeting: this one, which reports its figures
  // whenever it changes or the server starts, never comes back into it.
  append(change_member(group, rosa, "Rosa", Preference::none, 0, true).events);
  EXPECT_EQ(sync(m), 0u) << "a meeting before consent is never recorded";
  GroupMeetingRun next("BBB222", group, now + day_ms);
  ASSERT_TRUE(handle(next.state, server_actor, Join{"Rosa", Role::participant, Location::remote, Preference::none, rosa}, next.now).accepted());
  sync(next);
  ASSERT_EQ(group.attendance.size(), 1u);
  EXPECT_EQ(group.attendance[0].meeting, "BBB222");
}

TEST_F(MemberTest, JoiningAsAMemberCountsOnlyInAMeetingOfTheGroup) {
  MeetingState alone;
  for (const auto& e : stamp(alone, {MeetingOpened{"On its own"}}, now)) apply(alone, e);
  const auto h = handle(alone, server_actor, Join{"Rosa", Role::participant, Location::remote, Preference::none, 1}, now);
  ASSERT_TRUE(h.accepted());
  EXPECT_EQ(alone.participants[0].member, 0u);
  EXPECT_EQ(h.events.size(), 1u) << "no MemberAttended outside a group";

  GroupMeetingRun m("AAA111", group, now);
  const auto screen = handle(m.state, server_actor, Join{"Room screen", Role::observer, Location::in_room, Preference::none, 1}, now);
  ASSERT_TRUE(screen.accepted());
  ASSERT_EQ(screen.events.size(), 2u) << "every join to a group's meeting says whether it is a member's";
  EXPECT_EQ(std::get<MemberAttended>(screen.events[1].event).member, 0u) << "a room display is not a member present";
  const auto stranger = handle(m.state, server_actor, Join{"Stranger", Role::participant, Location::remote, Preference::none, 0}, now);
  ASSERT_EQ(stranger.events.size(), 2u) << "a non-member's join looks like a member's: same events, same seqs";
  EXPECT_EQ(std::get<MemberAttended>(stranger.events[1].event).member, 0u);
}

// Leaving erases a member's data: the events that held it are redacted (what the store writes in
// place of them), and replaying the redacted log gives the same group, with later members' ids
// unchanged.
TEST_F(MemberTest, ALeavingMembersDataIsErasedAndTheRedactedLogReplaysToTheSameGroup) {
  std::vector<GroupStamped> log{GroupStamped{1, now, GroupCreated{"Tenants' panel"}}};
  const auto record = [&](std::vector<GroupEvent> events) {
    for (auto& e : events) {
      log.push_back(GroupStamped{group.seq + 1, now, std::move(e)});
      apply(group, log.back());
    }
  };
  record(add_member(group, "Rosa", std::string(64, 'a'), 50).events);
  record(change_member(group, 1, "Rosa", Preference::write, notes, true).events);
  record(add_member(group, "Sam", std::string(64, 'b'), 50).events);
  record(change_member(group, 2, "Sam", Preference::speak, time, true).events);
  GroupMeetingRun m("AAA111", group, now);
  ASSERT_TRUE(handle(m.state, server_actor, Join{"Rosa", Role::participant, Location::remote, Preference::none, 1}, m.now).accepted());
  record(group_sync(group, group_facts(m.code, m.state)));
  ASSERT_EQ(group.attendance.size(), 1u);
  EXPECT_EQ(add_member(group, "Vi", "", 2).error, "the group has its limit of 2 members");

  ASSERT_EQ(group.meetings[0].roles.size(), 2u) << "Rosa takes notes, Sam keeps time";
  const auto left = remove_member(group, 1);
  ASSERT_TRUE(left.error.empty());
  EXPECT_EQ(left.redact.size(), 3u) << "added, changed, attendance";
  record(left.events);
  std::vector<Seq> redacted = left.redact;
  // The member with the highest id leaves too: a replay meets their role before any trace of them.
  const auto sam_left = remove_member(group, 2);
  redacted.insert(redacted.end(), sam_left.redact.begin(), sam_left.redact.end());
  record(sam_left.events);
  for (auto& e : log)
    if (std::find(redacted.begin(), redacted.end(), e.seq) != redacted.end()) e.event = GroupRedacted{};
  GroupState replayed;
  for (const auto& e : log) apply(replayed, e);
  EXPECT_EQ(replayed.members, group.members);
  EXPECT_EQ(replayed.attendance, group.attendance);
  EXPECT_EQ(group.member(1), nullptr);
  EXPECT_TRUE(group.members[0].name.empty());
  EXPECT_EQ(replayed.member(2), nullptr);
  EXPECT_EQ(replayed.member_by_key_hash(std::string(64, 'a')), nullptr) << "the link no longer works";
  EXPECT_FALSE(remove_member(group, 1).error.empty()) << "gone already";
  EXPECT_TRUE(assign_roles(replayed).empty()) << "nobody is left to offer";
}

}  // namespace
}  // namespace everyvoice::core
