#include "codec/group_record.hpp"

#include <ctime>

#include "codec/csv.hpp"

namespace everyvoice::codec {
namespace {

using nlohmann::json;

// A UTC day, YYYY-MM-DD: the group's record spans time zones (each meeting keeps its own).
std::string day(core::Millis at) {
  const std::time_t t = static_cast<std::time_t>(at / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

const core::GroupMeeting* meeting_of(const core::GroupState& g, const std::string& code) { return g.meeting(code); }

std::string meeting_title(const core::GroupState& g, const std::string& code) {
  const auto* m = meeting_of(g, code);
  return m ? m->title : code;
}

json item_refs(const core::GroupState& g, const std::vector<std::uint32_t>& ids) {
  json out = json::array();
  for (const auto id : ids)
    if (id >= 1 && id <= g.items.size()) out.push_back({{"id", id}, {"text", g.items[id - 1].text}});
  return out;
}

json roles_of(const core::GroupState& g, const std::vector<core::RoleHolder>& roles) {
  json out = json::array();
  for (const auto& r : roles) {
    json j{{"role", core::name_of(r.role)}, {"member", r.member}};
    if (const auto* m = g.member(r.member)) j["name"] = m->name;
    out.push_back(std::move(j));
  }
  return out;
}

json offers_of(const core::GroupMember& m) {
  json out = json::array();
  for (auto o : {core::Offer::notes, core::Offer::timekeeping, core::Offer::writing_up, core::Offer::welcoming})
    if (m.offers_to(o)) out.push_back(core::name_of(o));
  return out;
}

}  // namespace

json group_member(const core::GroupState& g, const core::GroupMember& m) {
  std::size_t attended = 0;
  for (const auto& a : g.attendance) attended += a.member == m.id ? 1 : 0;
  return json{{"id", m.id},
              {"name", m.name},
              {"preference", core::name_of(m.preference)},
              {"offers", offers_of(m)},
              {"record", m.record},
              {"meetings_recorded", attended}};
}

json member_view(const core::GroupState& g, const core::GroupMember& m) {
  json attendance = json::array();
  for (const auto& a : g.attendance)
    if (a.member == m.id) {
      const auto* meeting = g.meeting(a.meeting);
      attendance.push_back({{"meeting_title", meeting ? meeting->title : ""},
                            {"day", meeting ? day(meeting->created_at) : ""},
                            {"spoken_seconds", a.spoken_ms / 1000},
                            {"turns", a.turns}});
    }
  json roles = json::array();
  for (const auto& meeting : g.meetings)
    for (const auto& r : meeting.roles)
      if (r.member == m.id)
        roles.push_back({{"role", core::name_of(r.role)}, {"meeting_title", meeting.title}, {"day", day(meeting.created_at)}});
  return json{{"group", g.name}, {"member", group_member(g, m)}, {"attendance", std::move(attendance)}, {"roles", std::move(roles)}};
}

std::string participation_csv(const core::GroupState& g) {
  std::string csv = "member,name,meeting,meeting_title,day,spoken_seconds,turns\r\n";
  for (const auto& a : g.attendance) {
    const auto* m = g.member(a.member);
    if (!m || !m->record) continue;
    const auto* meeting = g.meeting(a.meeting);
    csv += std::to_string(m->id) + "," + csv_field(m->name) + "," + a.meeting + "," +
           csv_field(meeting ? meeting->title : "") + "," + (meeting ? day(meeting->created_at) : "") + "," +
           std::to_string(a.spoken_ms / 1000) + "," + std::to_string(a.turns) + "\r\n";
  }
  return csv;
}

json group_idea(const core::GroupIdea& idea) {
  json history = json::array();
  for (const auto& h : idea.history) {
    json c{{"status", core::name_of(h.status)}, {"at", h.at}};
    if (!h.reason.empty()) c["reason"] = h.reason;
    history.push_back(std::move(c));
  }
  json j{{"id", idea.id},       {"meeting", idea.meeting}, {"point", idea.point}, {"kind", core::name_of(idea.kind)},
         {"text", idea.text},   {"status", core::name_of(idea.status())},
         {"history", std::move(history)}};
  if (!idea.history.back().reason.empty()) j["reason"] = idea.history.back().reason;
  return j;
}

json group_record(const core::GroupState& g, std::string_view code) {
  json meetings = json::array();
  for (const auto& m : g.meetings)
    meetings.push_back({{"code", m.code}, {"title", m.title}, {"created_at", m.created_at},
                        {"agreement_version", m.agreement_version}, {"decisions", m.decisions_logged},
                        {"roles", roles_of(g, m.roles)}});
  json members = json::array();
  for (const auto& m : g.members)
    if (!m.left) members.push_back(group_member(g, m));
  json items = json::array();
  for (const core::GroupItem* item : g.current_items())
    items.push_back({{"id", item->id}, {"text", item->text}, {"meeting", item->meeting}, {"since_version", item->added_in}});
  json history = json::array();
  for (const auto& v : g.versions)
    history.push_back({{"version", v.number}, {"at", v.at}, {"meeting", v.meeting},
                       {"added", item_refs(g, v.added)}, {"removed", item_refs(g, v.removed)}});
  json ideas = json::array();
  for (const auto& idea : g.ideas) ideas.push_back(group_idea(idea));
  json decisions = json::array();
  for (const auto& e : g.decisions) {
    const auto& d = e.decision;
    json j{{"meeting", e.meeting},      {"id", d.id},
           {"title", d.title},          {"text", d.text},
           {"method", d.method},        {"present_count", d.present_count},
           {"present_names", d.present_names},
           {"result", d.result},        {"dissent", d.dissent},
           {"at", d.at},                {"review_date", d.review_date},
           {"meeting_hash", d.hash},    {"prev_hash", e.prev_hash},
           {"hash", e.hash}};
    if (!e.review_in.empty()) j["review_in"] = e.review_in;
    decisions.push_back(std::move(j));
  }
  return json{{"code", code},
              {"name", g.name},
              {"created_at", g.created_at},
              {"meetings", std::move(meetings)},
              {"agreement", {{"version", g.version()}, {"items", std::move(items)}, {"history", std::move(history)}}},
              {"decisions", std::move(decisions)},
              {"ideas", std::move(ideas)},
              {"members", std::move(members)},
              {"retention_days", g.retention_days},
              {"chain_intact", !core::verify_group_chain(g.decisions).has_value()}};
}

std::string group_report_md(const core::GroupState& g, std::string_view code) {
  std::string md = "# " + g.name + "\n\nGroup " + std::string(code) + ", since " + day(g.created_at) + ".\n\n";
  md += "## Meetings\n\n";
  if (g.meetings.empty()) md += "None yet.\n";
  static constexpr const char* role_words[] = {"note-taker", "timekeeper", "greeter"};
  for (const auto& m : g.meetings) {
    md += "- " + day(m.created_at) + ": " + m.title + " (" + m.code + "), " + std::to_string(m.decisions_logged) +
          (m.decisions_logged == 1 ? " decision" : " decisions");
    std::string roles;
    for (const auto& r : m.roles)
      if (const auto* member = g.member(r.member))
        roles += std::string(roles.empty() ? "" : ", ") + role_words[static_cast<int>(r.role)] + " " + member->name;
    md += (roles.empty() ? "" : "; " + roles) + "\n";
  }
  md += "\n## Members and what they offer\n\n";
  static constexpr const char* offer_words[] = {"taking notes", "timekeeping", "writing up", "welcoming newcomers"};
  bool any_member = false;
  for (const auto& m : g.members) {
    if (m.left) continue;
    any_member = true;
    std::string offers;
    for (std::size_t o = 0; o < core::offer_count; ++o)
      if (m.offers_to(static_cast<core::Offer>(o))) offers += std::string(offers.empty() ? "" : ", ") + offer_words[o];
    md += "- " + m.name + (offers.empty() ? "" : ": " + offers) + "\n";
  }
  if (!any_member) md += "No members yet.\n";
  md += "\n## Working together agreement, version " + std::to_string(g.version()) + "\n\n";
  const auto current = g.current_items();
  if (current.empty()) md += "No items yet.\n";
  for (std::size_t i = 0; i < current.size(); ++i) md += std::to_string(i + 1) + ". " + current[i]->text + "\n";
  if (!g.versions.empty()) {
    md += "\n### How it changed\n\n";
    for (const auto& v : g.versions) {
      md += "- Version " + std::to_string(v.number) + ", " + day(v.at) + ", " + meeting_title(g, v.meeting) + ":";
      for (const auto id : v.added) md += " added \"" + g.items[id - 1].text + "\"";
      for (const auto id : v.removed) md += " removed \"" + g.items[id - 1].text + "\"";
      md += "\n";
    }
  }
  md += "\n## Decision log\n\n";
  if (g.decisions.empty()) md += "No decisions yet.\n";
  for (const auto& e : g.decisions) {
    const auto& d = e.decision;
    md += "### " + day(d.at) + ": " + d.title + "\n\n";
    md += "- Meeting: " + meeting_title(g, e.meeting) + " (" + e.meeting + ")\n";
    md += "- Method: " + d.method + ", " + std::to_string(d.present_count) + " present\n";
    md += "- Result: " + d.result + "\n";
    for (const auto& x : d.dissent) md += "- Dissent: " + x + "\n";
    if (!d.review_date.empty())
      md += "- Review by " + d.review_date + (e.review_in.empty() ? "" : " (on the agenda of " + meeting_title(g, e.review_in) + ")") + "\n";
    md += "\n";
  }
  md += "## You said, we did\n\n";
  if (g.ideas.empty()) md += "No ideas carried forward yet.\n\n";
  for (const auto& idea : g.ideas) {
    static constexpr const char* words[] = {"open", "being worked on", "done", "not possible"};
    const auto& last = idea.history.back();
    md += "- \"" + idea.text + "\" (" + meeting_title(g, idea.meeting) + "): " + words[static_cast<int>(last.status)] +
          (last.reason.empty() ? "" : ": " + last.reason) + "\n";
  }
  if (!g.ideas.empty()) md += "\n";
  const auto broken = core::verify_group_chain(g.decisions);
  md += broken ? "The decision log's hash chain is BROKEN at entry " + std::to_string(*broken + 1) + ".\n"
               : "The decision log's hash chain is intact (" + std::to_string(g.decisions.size()) + " entries).\n";
  return md;
}

}  // namespace everyvoice::codec
