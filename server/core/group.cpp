#include "core/group.hpp"

#include <algorithm>
#include <cstdio>
#include <type_traits>
#include <utility>

#include "core/decision_record.hpp"
#include "core/record_words.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

namespace everyvoice::core {
namespace {

// Days since 1970-01-01 of a Gregorian date, and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char out[16];
  std::snprintf(out, sizeof out, "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2)), m, d);
  return out;
}

std::optional<std::int64_t> parse_day(const std::string& date) {
  unsigned y = 0, m = 0, d = 0;
  char rest = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &rest) != 3) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const auto days = days_from_civil(y, m, d);
  if (civil_from_days(days) != date) return std::nullopt;  // 2027-02-30 and the like
  return days;
}

std::string day_of(Millis at) { return civil_from_days(at >= 0 ? at / 86400000 : (at - 86399999) / 86400000); }

void apply_group_event(GroupState& s, const GroupCreated& e, Millis at) {
  s.name = e.name;
  s.created_at = at;
}

void apply_group_event(GroupState& s, const GroupMeetingAdded& e, Millis) {
  GroupMeeting m;
  m.code = e.code;
  m.title = e.title;
  m.created_at = e.created_at;
  m.agreement_version = e.agreement_version;
  for (std::size_t i = 0; i < e.carried.size(); ++i) {
    const auto meeting_item = static_cast<std::uint32_t>(e.first_item + i);
    m.items[meeting_item] = e.carried[i];
    m.synced[meeting_item] = AgreementStatus::adopted;
  }
  for (const auto index : e.reviews)
    if (index < s.decisions.size() && s.decisions[index].review_in.empty()) s.decisions[index].review_in = e.code;
  s.meetings.push_back(std::move(m));
}

void apply_group_event(GroupState& s, const GroupAgreementChanged& e, Millis at) {
  GroupVersion v;
  v.number = s.version() + 1;
  v.at = at;
  v.meeting = e.meeting;
  GroupMeeting* m = nullptr;
  for (auto& x : s.meetings)
    if (x.code == e.meeting) m = &x;
  if (e.adopted) {
    GroupItem item;
    item.id = static_cast<std::uint32_t>(s.items.size() + 1);
    item.text = e.text;
    item.meeting = e.meeting;
    item.added_in = v.number;
    v.added.push_back(item.id);
    s.items.push_back(std::move(item));
    if (m) m->items[e.meeting_item] = v.added.back();
  } else {
    if (e.group_item >= 1 && e.group_item <= s.items.size()) s.items[e.group_item - 1].removed_in = v.number;
    v.removed.push_back(e.group_item);
  }
  if (m) m->synced[e.meeting_item] = e.adopted ? AgreementStatus::adopted : AgreementStatus::removed;
  s.versions.push_back(std::move(v));
}

void apply_group_event(GroupState& s, const GroupIdeaAdded& e, Millis at) {
  GroupIdea idea;
  idea.id = static_cast<std::uint32_t>(s.ideas.size() + 1);
  idea.meeting = e.meeting;
  idea.point = e.point;
  idea.kind = e.kind;
  idea.text = e.text;
  idea.follow_hash = e.follow_hash;
  idea.history.push_back(IdeaChange{IdeaStatus::open, "", at});
  s.ideas.push_back(std::move(idea));
}

void apply_group_event(GroupState& s, const GroupIdeaStatusChanged& e, Millis at) {
  s.ideas[e.idea - 1].history.push_back(IdeaChange{e.status, e.reason, at});
}

void apply_group_event(GroupState& s, const GroupRetentionSet& e, Millis) { s.retention_days = e.days; }

// A member's slot, made if need be: ids are explicit, so that a redacted GroupMemberAdded leaves
// the ids of later members as they were.
GroupMember& member_slot(GroupState& s, std::uint32_t id) {
  while (s.members.size() < id) {
    s.members.emplace_back();
    s.members.back().id = static_cast<std::uint32_t>(s.members.size());
  }
  return s.members[id - 1];
}

void apply_group_event(GroupState& s, const GroupMemberAdded& e, Millis, Seq seq) {
  GroupMember& m = member_slot(s, e.member);
  m.name = e.name;
  m.key_hash = e.key_hash;
  m.data.push_back(seq);
}

void apply_group_event(GroupState& s, const GroupMemberChanged& e, Millis, Seq seq) {
  GroupMember& m = member_slot(s, e.member);
  m.name = e.name;
  m.preference = e.preference;
  m.offers = e.offers;
  if (m.record && !e.record) std::erase_if(s.attendance, [&](const Attendance& a) { return a.member == e.member; });
  if (!m.record && e.record) m.record_from = static_cast<std::uint32_t>(s.meetings.size());
  m.record = e.record;
  m.data.push_back(seq);
}

void apply_group_event(GroupState& s, const GroupMemberLeft& e, Millis, Seq) {
  GroupMember& m = member_slot(s, e.member);
  // Nothing of them stays, not even when they last held a role (a member who left is never handed
  // one, and a replay, which has no trace of them before this event, must reach the same state).
  const auto id = m.id;
  m = GroupMember{};
  m.id = id;
  m.left = true;
  std::erase_if(s.attendance, [&](const Attendance& a) { return a.member == e.member; });
}

void apply_group_event(GroupState& s, const GroupRolesAssigned& e, Millis, Seq) {
  for (std::size_t i = 0; i < s.meetings.size(); ++i) {
    if (s.meetings[i].code != e.meeting) continue;
    s.meetings[i].roles = e.roles;
    s.meetings[i].roles_logged = true;
    for (const auto& r : e.roles)
      if (r.member >= 1 && r.member <= s.members.size())
        s.members[r.member - 1].last_held[static_cast<std::size_t>(r.role)] = static_cast<std::uint32_t>(i + 1);
  }
}

void apply_group_event(GroupState& s, const GroupAttendanceRecorded& e, Millis, Seq seq) {
  for (auto& a : s.attendance)
    if (a.meeting == e.meeting && a.member == e.member) {
      a.spoken_ms = e.spoken_ms;
      a.turns = e.turns;
      a.seqs.push_back(seq);
      return;
    }
  s.attendance.push_back(Attendance{e.meeting, e.member, e.spoken_ms, e.turns, {seq}});
}

void apply_group_event(GroupState&, const GroupRedacted&, Millis) {}

void apply_group_event(GroupState& s, const GroupDecisionLogged& e, Millis) {
  GroupDecision d;
  d.meeting = e.meeting;
  d.decision = e.decision;
  d.prev_hash = s.decisions.empty() ? genesis_hash : s.decisions.back().hash;
  d.hash = e.hash;
  s.decisions.push_back(std::move(d));
  for (auto& m : s.meetings)
    if (m.code == e.meeting) ++m.decisions_logged;
}

}  // namespace

const GroupMeeting* GroupState::meeting(const std::string& code) const {
  for (const auto& m : meetings)
    if (m.code == code) return &m;
  return nullptr;
}

std::vector<const GroupItem*> GroupState::current_items() const {
  std::vector<const GroupItem*> out;
  for (const auto& item : items)
    if (item.removed_in == 0) out.push_back(&item);
  return out;
}

const GroupMember* GroupState::member_by_key_hash(const std::string& key_hash) const {
  for (const auto& m : members)
    if (!m.left && !key_hash.empty() && m.key_hash == key_hash) return &m;
  return nullptr;
}

void apply(GroupState& state, const GroupStamped& stamped) {
  std::visit(
      [&](const auto& e) {
        if constexpr (requires { apply_group_event(state, e, stamped.at, stamped.seq); })
          apply_group_event(state, e, stamped.at, stamped.seq);
        else
          apply_group_event(state, e, stamped.at);
      },
      stamped.event);
  state.seq = stamped.seq;
}

std::string_view name_of(IdeaStatus s) {
  switch (s) {
    case IdeaStatus::open: return "open";
    case IdeaStatus::working: return "working";
    case IdeaStatus::done: return "done";
    case IdeaStatus::not_possible: return "not_possible";
  }
  return "open";
}

std::optional<IdeaStatus> parse_idea_status(std::string_view name) {
  for (auto s : {IdeaStatus::open, IdeaStatus::working, IdeaStatus::done, IdeaStatus::not_possible})
    if (name_of(s) == name) return s;
  return std::nullopt;
}

IdeaStatusOutcome set_idea_status(const GroupState& group, std::uint32_t idea, IdeaStatus status, std::string_view reason) {
  if (idea < 1 || idea > group.ideas.size()) return {std::nullopt, "there is no idea " + std::to_string(idea) + " in this group"};
  const std::string trimmed(trim(reason));
  if (!trimmed.empty() && !acceptable_text(trimmed, max_idea_reason_chars))
    return {std::nullopt, "the reason must be at most " + std::to_string(max_idea_reason_chars) + " characters of text"};
  if (status == IdeaStatus::not_possible && trimmed.empty())
    return {std::nullopt, "say why it is not possible: its author will read the reason"};
  const auto& current = group.ideas[idea - 1].history.back();
  if (current.status == status && current.reason == trimmed) return {std::nullopt, ""};  // nothing changes
  return {GroupIdeaStatusChanged{idea, status, trimmed}, ""};
}

std::string_view name_of(Offer o) {
  switch (o) {
    case Offer::notes: return "notes";
    case Offer::timekeeping: return "timekeeping";
    case Offer::writing_up: return "writing_up";
    case Offer::welcoming: return "welcoming";
  }
  return "notes";
}

std::optional<Offer> parse_offer(std::string_view name) {
  for (auto o : {Offer::notes, Offer::timekeeping, Offer::writing_up, Offer::welcoming})
    if (name_of(o) == name) return o;
  return std::nullopt;
}

std::string_view name_of(MeetingRole r) {
  switch (r) {
    case MeetingRole::note_taker: return "note_taker";
    case MeetingRole::timekeeper: return "timekeeper";
    case MeetingRole::greeter: return "greeter";
  }
  return "note_taker";
}

Offer offer_for(MeetingRole r) {
  switch (r) {
    case MeetingRole::note_taker: return Offer::notes;
    case MeetingRole::timekeeper: return Offer::timekeeping;
    case MeetingRole::greeter: return Offer::welcoming;
  }
  return Offer::notes;
}

namespace {
GroupChange refused(std::string error) {
  GroupChange c;
  c.error = std::move(error);
  return c;
}

std::optional<std::string> member_name(std::string_view name, std::string& out) {
  out = std::string(trim(name));
  if (out.empty() || !acceptable_text(out, max_member_name_chars))
    return "a member's name must be 1 to " + std::to_string(max_member_name_chars) + " characters of text";
  return std::nullopt;
}
}  // namespace

GroupChange add_member(const GroupState& group, std::string_view name, const std::string& key_hash, std::size_t max_members) {
  GroupChange c;
  std::string trimmed;
  if (auto bad = member_name(name, trimmed)) return refused(*bad);
  std::size_t active = 0;
  for (const auto& m : group.members) active += m.left ? 0 : 1;
  if (active >= max_members) return refused("the group has its limit of " + std::to_string(max_members) + " members");
  c.events.emplace_back(GroupMemberAdded{static_cast<std::uint32_t>(group.members.size() + 1), std::move(trimmed), key_hash});
  return c;
}

GroupChange change_member(const GroupState& group, std::uint32_t member, std::string_view name, Preference preference,
                          std::uint8_t offers, bool record) {
  GroupChange c;
  const GroupMember* m = group.member(member);
  if (!m) return refused("there is no member " + std::to_string(member) + " in this group");
  std::string trimmed;
  if (auto bad = member_name(name, trimmed)) return refused(*bad);
  if (offers >= (1U << offer_count)) return refused("unknown offer");
  if (trimmed == m->name && preference == m->preference && offers == m->offers && record == m->record) return c;
  if (m->record && !record)
    for (const auto& a : group.attendance)
      if (a.member == member) c.redact.insert(c.redact.end(), a.seqs.begin(), a.seqs.end());
  c.events.emplace_back(GroupMemberChanged{member, std::move(trimmed), preference, offers, record});
  return c;
}

GroupChange remove_member(const GroupState& group, std::uint32_t member) {
  GroupChange c;
  const GroupMember* m = group.member(member);
  if (!m) return refused("there is no member " + std::to_string(member) + " in this group");
  c.redact = m->data;
  for (const auto& a : group.attendance)
    if (a.member == member) c.redact.insert(c.redact.end(), a.seqs.begin(), a.seqs.end());
  c.events.emplace_back(GroupMemberLeft{member});
  return c;
}

std::vector<RoleHolder> assign_roles(const GroupState& group) {
  std::vector<RoleHolder> out;
  std::vector<std::uint32_t> taken;
  for (auto role : {MeetingRole::note_taker, MeetingRole::timekeeper, MeetingRole::greeter}) {
    const auto index = static_cast<std::size_t>(role);
    const GroupMember* best = nullptr;
    bool best_free = false;
    for (const auto& m : group.members) {
      if (m.left || !m.offers_to(offer_for(role))) continue;
      const bool free = std::find(taken.begin(), taken.end(), m.id) == taken.end();
      // Someone without a role in this meeting first; then whoever held this role longest ago.
      if (!best || (free && !best_free) || (free == best_free && m.last_held[index] < best->last_held[index])) {
        best = &m;
        best_free = free;
      }
    }
    if (!best) continue;
    taken.push_back(best->id);
    out.push_back(RoleHolder{role, best->id, best->name});
  }
  return out;
}

std::string add_days(const std::string& date, int days) {
  const auto day = parse_day(date);
  return day ? civil_from_days(*day + days) : std::string();
}

std::vector<Event> open_group_meeting(const GroupState& group, const std::string& group_code, const std::string& today,
                                      const std::string& language, std::uint32_t first_agreement_item,
                                      std::uint32_t first_agenda_item) {
  GroupAgreementCarried carried;
  carried.link.group = group_code;
  carried.link.name = group.name;
  carried.link.agreement_version = group.version();
  carried.link.first_item = first_agreement_item;
  for (const GroupItem* item : group.current_items()) {
    carried.link.carried.push_back(item->id);
    carried.texts.push_back(item->text);
  }
  std::vector<Event> out;
  const std::string horizon = add_days(today, static_cast<int>(review_lead_days));
  std::vector<Event> reviews;
  for (std::size_t i = 0; i < group.decisions.size(); ++i) {
    const auto& d = group.decisions[i];
    // Dates as YYYY-MM-DD compare as strings.
    if (d.decision.review_date.empty() || !d.review_in.empty() || horizon.empty() || d.decision.review_date > horizon) continue;
    carried.link.reviews.push_back(static_cast<std::uint32_t>(i));
    const auto id = static_cast<std::uint32_t>(first_agenda_item + reviews.size());
    reviews.emplace_back(AgendaItemAdded{id,
                                         record_words(language, "group.review_item",
                                                      {{"title", d.decision.title},
                                                       {"decided", day_of(d.decision.at)},
                                                       {"review_date", d.decision.review_date}}),
                                         0});
  }
  out.emplace_back(std::move(carried));
  if (auto roles = assign_roles(group); !roles.empty()) out.emplace_back(RolesAssigned{std::move(roles)});
  for (auto& r : reviews) out.push_back(std::move(r));
  return out;
}

GroupFacts group_facts(const std::string& code, const MeetingState& meeting) {
  GroupFacts f;
  f.code = code;
  f.title = meeting.title;
  f.created_at = meeting.opened_at;
  f.link = meeting.group;
  f.agreement = meeting.agreement;
  f.decisions = meeting.decisions;
  for (const auto& p : meeting.points)
    if (p.carried) {
      WrittenPoint copy = p;
      copy.upvoters.clear();
      f.carried.push_back(std::move(copy));
    }
  f.roles = meeting.roles;
  for (const auto& p : meeting.participants) {
    if (p.member == 0) continue;
    auto it = std::find_if(f.members.begin(), f.members.end(), [&](const GroupFacts::Present& x) { return x.member == p.member; });
    if (it == f.members.end()) it = f.members.insert(f.members.end(), GroupFacts::Present{p.member, 0, 0});
    it->spoken_ms += p.spoken_ms;
    it->turns += p.turns;
  }
  return f;
}

std::vector<GroupEvent> group_sync(const GroupState& group, const GroupFacts& meeting) {
  std::vector<GroupEvent> out;
  if (meeting.link.group.empty()) return out;
  // Work on a copy, so that each event is derived from the state the ones before it leave.
  GroupState s = group;
  const auto emit = [&](GroupEvent e) {
    apply(s, GroupStamped{s.seq + 1, 0, e});
    out.push_back(std::move(e));
  };
  if (!s.meeting(meeting.code)) {
    std::vector<std::uint32_t> reviews;
    for (const auto index : meeting.link.reviews)
      if (index < s.decisions.size()) reviews.push_back(index);
    emit(GroupMeetingAdded{meeting.code, meeting.title, meeting.created_at, meeting.link.agreement_version,
                           meeting.link.carried, meeting.link.first_item, std::move(reviews)});
  }
  for (const auto& item : meeting.agreement) {
    const GroupMeeting& m = *s.meeting(meeting.code);
    const auto synced = m.synced.find(item.id);
    const bool was_adopted = synced != m.synced.end() && synced->second == AgreementStatus::adopted;
    const bool was_removed = synced != m.synced.end() && synced->second == AgreementStatus::removed;
    if (item.status == AgreementStatus::adopted && synced == m.synced.end()) {
      emit(GroupAgreementChanged{meeting.code, item.id, static_cast<std::uint32_t>(s.items.size() + 1), item.text, true});
    } else if (item.status == AgreementStatus::removed && was_adopted && !was_removed) {
      const auto group_item = m.items.find(item.id);
      if (group_item != m.items.end())
        emit(GroupAgreementChanged{meeting.code, item.id, group_item->second, item.text, false});
    }
  }
  for (const auto& point : meeting.carried) {
    bool known = false;
    for (const auto& idea : s.ideas) known = known || (idea.meeting == meeting.code && idea.point == point.id);
    if (!known) emit(GroupIdeaAdded{meeting.code, point.id, point.kind, point.text, point.follow_hash});
  }
  for (std::size_t i = s.meeting(meeting.code)->decisions_logged; i < meeting.decisions.size(); ++i) {
    const std::string prev = s.decisions.empty() ? genesis_hash : s.decisions.back().hash;
    emit(GroupDecisionLogged{meeting.code, meeting.decisions[i], group_decision_hash(prev, meeting.code, meeting.decisions[i])});
  }
  if (!meeting.roles.empty() && !s.meeting(meeting.code)->roles_logged) {
    std::vector<RoleHolder> roles = meeting.roles;
    for (auto& r : roles) r.name.clear();
    emit(GroupRolesAssigned{meeting.code, std::move(roles)});
  }
  std::uint32_t index = 0;  // the meeting's place in the group
  while (index < s.meetings.size() && s.meetings[index].code != meeting.code) ++index;
  for (const auto& present : meeting.members) {
    const GroupMember* m = s.member(present.member);
    if (!m || !m->record || index < m->record_from) continue;
    const auto recorded = std::find_if(s.attendance.begin(), s.attendance.end(), [&](const Attendance& a) {
      return a.meeting == meeting.code && a.member == present.member;
    });
    if (recorded != s.attendance.end() && recorded->spoken_ms == present.spoken_ms && recorded->turns == present.turns) continue;
    emit(GroupAttendanceRecorded{meeting.code, present.member, present.spoken_ms, present.turns});
  }
  return out;
}

std::string group_decision_hash(const std::string& prev_hash, const std::string& meeting, const Decision& d) {
  std::string bytes;
  for (const std::string* field : {&prev_hash, &meeting, &d.hash}) {
    bytes += std::to_string(field->size());
    bytes += ':';
    bytes += *field;
  }
  return sha256_hex(bytes);
}

std::optional<std::size_t> verify_group_chain(const std::vector<GroupDecision>& log) {
  std::string prev = genesis_hash;
  for (std::size_t i = 0; i < log.size(); ++i) {
    const auto& e = log[i];
    if (e.prev_hash != prev || e.hash != group_decision_hash(prev, e.meeting, e.decision) ||
        e.decision.hash != decision_hash(e.decision))
      return i;
    prev = e.hash;
  }
  return std::nullopt;
}

}  // namespace everyvoice::core
