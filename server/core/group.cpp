#include "core/group.hpp"

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

void apply(GroupState& state, const GroupStamped& stamped) {
  std::visit([&](const auto& e) { apply_group_event(state, e, stamped.at); }, stamped.event);
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
