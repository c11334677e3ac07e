#include "codec/minutes.hpp"

#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "codec/views.hpp"
#include "core/agenda.hpp"
#include "core/decision_record.hpp"
#include "core/equity.hpp"
#include "core/polls.hpp"
#include "core/text.hpp"

namespace everyvoice::codec {
namespace {

using nlohmann::json;
using namespace everyvoice::core;

std::string utc(Millis ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%d %H:%M UTC", &tm);
  return out;
}

std::string percent(double share) {
  char out[16];
  std::snprintf(out, sizeof out, "%.0f%%", share * 100);
  return out;
}

// Markdown text with the characters that would change its meaning escaped.
std::string md(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "<br>";
      continue;
    }
    if (std::string_view("\\`*_{}[]<>()#+-.!|").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// A CSV field: quoted, quotes doubled, and a leading = + - @ made harmless for spreadsheets.
std::string csv(std::string_view text) {
  std::string out = "\"";
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) out.push_back('\'');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string name_of_id(const MeetingState& s, ParticipantId id) {
  const Participant* p = s.find(id);
  return p ? p->name : "(anonymous)";
}

std::string markdown(const MeetingState& s, std::string_view code, Millis now) {
  std::ostringstream o;
  const EquityFigures f = equity_figures(s, now);
  o << "# " << md(s.title) << "\n\nMeeting " << code << ", minutes as of " << utc(now)
    << (s.ended ? " (the meeting has ended)" : "") << ".\n\n";

  o << "## Attendance\n\n";
  for (const auto& p : s.participants) {
    if (p.role == Role::observer) continue;
    o << "- " << md(p.name) << " (" << name_of(p.location) << (p.proxy ? ", proxy" : "")
      << (p.role == Role::facilitator ? ", facilitator" : p.role == Role::co_facilitator ? ", co-facilitator" : "")
      << (p.removed ? ", removed" : "") << ")\n";
  }

  if (!s.agenda.empty()) {
    o << "\n## Agenda\n\n| # | item | timebox | time used |\n| --- | --- | --- | --- |\n";
    for (const auto& item : s.agenda)
      o << "| " << item.id << " | " << md(item.title) << " | " << item.timebox_minutes << " min | "
        << spoken_duration(agenda_time_used(item, now)) << " |\n";
  }

  o << "\n## Speaking\n\n| person | where | speaking time | turns | share |\n| --- | --- | --- | --- | --- |\n";
  for (const auto& p : f.people)
    o << "| " << md(p.name) << " | " << name_of(p.location) << " | " << spoken_duration(p.spoken_ms) << " | " << p.turns
      << " | " << percent(p.share) << " |\n";
  char gini[16];
  std::snprintf(gini, sizeof gini, "%.2f", f.gini);
  o << "\nGini coefficient of speaking time: " << gini << "; the top fifth of speakers held "
    << percent(f.top_fifth_share) << ". In the room: " << percent(f.in_room.people_share) << " of people, "
    << percent(f.in_room.speaking_share) << " of speaking time; remote: " << percent(f.remote.people_share)
    << " of people, " << percent(f.remote.speaking_share) << " of speaking time.";
  if (!f.not_spoken.empty()) {
    o << " Did not speak:";
    for (std::size_t i = 0; i < f.not_spoken.size(); ++i) o << (i ? ", " : " ") << md(name_of_id(s, f.not_spoken[i]));
    o << ".";
  }
  o << " Queue overrides: " << f.overrides.size() << ".\n";
  for (const auto& ov : f.overrides) o << "- " << md(name_of_id(s, ov.target)) << ": " << md(ov.reason) << "\n";

  o << "\n## Decisions\n\n";
  if (s.decisions.empty()) o << "None recorded.\n";
  for (const auto& d : s.decisions) {
    o << "### " << d.id << ". " << md(d.title) << "\n\n" << md(d.text) << "\n\n- How: " << md(d.method)
      << "\n- Result: " << md(d.result) << "\n- Present: " << d.present_count;
    if (!d.present_names.empty()) {
      o << " (";
      for (std::size_t i = 0; i < d.present_names.size(); ++i) o << (i ? ", " : "") << md(d.present_names[i]);
      o << ")";
    }
    o << "\n- When: " << utc(d.at) << "\n";
    if (!d.review_date.empty()) o << "- Review: " << d.review_date << "\n";
    for (const auto& x : d.dissent) o << "- Dissent: " << md(x) << "\n";
    o << "- Hash: `" << d.hash << "` (previous `" << d.prev_hash.substr(0, 16) << "…`)\n\n";
  }
  o << "Hash chain: " << (verify_decision_chain(s.decisions) ? "BROKEN, the record was edited" : "verified") << ".\n";

  o << "\n## Polls\n\n";
  if (s.polls.empty()) o << "None.\n";
  for (const auto& p : s.polls) {
    o << "- " << md(p.spec.question) << " (" << name_of(p.spec.kind) << (p.spec.anonymous ? ", anonymous" : ", named")
      << "): ";
    if (p.status == PollStatus::cancelled) o << "cancelled";
    else if (p.status == PollStatus::open) o << "still open";
    else o << md(describe_result(p, *p.result));
    o << "\n";
  }

  o << "\n## Working together agreement\n\n";
  bool any = false;
  for (const auto& item : s.agreement) {
    if (item.status != AgreementStatus::adopted) continue;
    any = true;
    o << "- " << md(item.text) << " (version " << item.version << ")\n";
  }
  if (!any) o << "No items adopted.\n";

  o << "\n## Written points taken up\n\n";
  any = false;
  for (const auto& p : s.points) {
    if (p.status != PointStatus::taken_up && p.status != PointStatus::answered) continue;
    any = true;
    o << "- " << (p.kind == PointKind::question ? "Question" : "Point") << " (" << p.upvoters.size() << " upvotes, "
      << name_of(p.status) << "): " << md(p.text) << "\n";
  }
  if (!any) o << "None.\n";
  return o.str();
}

std::string figures_csv(const MeetingState& s, Millis now) {
  std::ostringstream o;
  o << "participant,name,location,present,spoken_seconds,turns,share\n";
  for (const auto& p : equity_figures(s, now).people) {
    char share[16];
    std::snprintf(share, sizeof share, "%.4f", p.share);
    o << p.id << ',' << csv(p.name) << ',' << name_of(p.location) << ',' << (p.present ? "yes" : "no") << ','
      << p.spoken_ms / 1000 << ',' << p.turns << ',' << share << '\n';
  }
  return o.str();
}

}  // namespace

std::string render_minutes(const MeetingState& s, std::string_view code, std::string_view format, Millis now) {
  if (format == "md") return markdown(s, code, now);
  if (format == "csv") return figures_csv(s, now);
  if (format == "json") {
    json out{{"title", s.title}, {"code", code}, {"generated_at", now}, {"ended", s.ended},
             {"people", views::people(s, Audience::facilitator)}, {"figures", views::figures(s, now)}};
    views::add_sections(out, s, code, Audience::facilitator, now,
                        section_polls | section_proposals | section_decisions | section_agreement | section_points |
                            section_agenda,
                        0);
    return out.dump(2, ' ', false, json::error_handler_t::replace);
  }
  return "";
}

std::string_view minutes_content_type(std::string_view format) {
  if (format == "md") return "text/markdown; charset=utf-8";
  if (format == "csv") return "text/csv; charset=utf-8";
  return "application/json";
}

}  // namespace everyvoice::codec
