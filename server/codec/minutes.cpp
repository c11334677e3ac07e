#include "codec/minutes.hpp"

#include <ctime>
#include <nlohmann/json.hpp>
#include <map>
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

// A date and time as people write them, in UTC (the meeting's own time zone is not known yet).
std::string date_time(Millis ms, const char* format) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, format, &tm);
  std::string text = out;
  if (!text.empty() && text.front() == '0') text.erase(0, 1);  // "1 December", not "01 December"
  return text;
}
std::string day(Millis ms) { return date_time(ms, "%d %B %Y"); }
std::string clock(Millis ms) { return date_time(ms, "%H:%M UTC"); }
std::string moment(Millis ms) { return date_time(ms, "%d %B %Y, %H:%M UTC"); }

std::string percent(double share) {
  char out[16];
  std::snprintf(out, sizeof out, "%.0f%%", share * 100);
  return out;
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// What people typed, as they typed it, on one line: line breaks become " / ". Nothing is escaped
// (the minutes are read as text as often as rendered), but a line can never start a heading or a
// list of its own, as every text follows a label or a list marker.
std::string said(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') out += " / ";
    else out.push_back(c);
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
  return p ? p->name : "someone (anonymous)";
}

std::string_view where(Location l) { return l == Location::in_room ? "in the room" : "remote"; }

std::string_view poll_kind(PollKind k) {
  switch (k) {
    case PollKind::single_choice: return "one choice";
    case PollKind::multiple_choice: return "several choices";
    case PollKind::scale: return "a scale";
    case PollKind::ranked_choice: return "ranked choice";
    case PollKind::open_text: return "open answers";
  }
  return "poll";
}

std::string_view answer_word(ConsentAnswer a) {
  switch (a) {
    case ConsentAnswer::consent: return "consents";
    case ConsentAnswer::concern: return "consents with a concern";
    case ConsentAnswer::objection: return "objects";
    case ConsentAnswer::stand_aside: return "stands aside";
  }
  return "answered";
}

std::string_view answer_word_many(ConsentAnswer a) {
  switch (a) {
    case ConsentAnswer::consent: return "consent";
    case ConsentAnswer::concern: return "consent with concerns";
    case ConsentAnswer::objection: return "object";
    case ConsentAnswer::stand_aside: return "stand aside";
  }
  return "answered";
}

std::string_view outcome(ConsentPhase phase) {
  switch (phase) {
    case ConsentPhase::clarifying: return "still open (clarifying questions)";
    case ConsentPhase::reactions: return "still open (reactions)";
    case ConsentPhase::consent: return "still open (asking for consent)";
    case ConsentPhase::adopted: return "adopted";
    case ConsentPhase::not_adopted: return "not adopted";
    case ConsentPhase::withdrawn: return "withdrawn";
  }
  return "";
}

std::string names(const std::vector<std::string>& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) out += (i == 0 ? "" : i + 1 == list.size() ? " and " : ", ") + list[i];
  return out;
}

// Each proposal's whole path: every version, every objection and how it was resolved (in the
// objector's own words where they answered again), and the answers to the last version.
void proposal_path(std::ostringstream& o, const MeetingState& s, const Proposal& p) {
  o << "### Proposal " << p.id << ": " << said(p.title) << "\n\n";
  o << "Outcome: " << outcome(p.phase);
  if (!p.end_reason.empty()) o << " (" << said(p.end_reason) << ")";
  o << ".\n\n";
  for (std::size_t v = 0; v < p.versions.size(); ++v)
    o << "- Version " << v + 1 << (v + 1 == p.versions.size() && p.versions.size() > 1 ? " (the last)" : "") << ": "
      << said(p.versions[v]) << "\n";
  for (const auto& x : s.objections) {
    if (x.proposal != p.id) continue;
    o << "- Objection by " << name_of_id(s, x.author) << " to version " << x.version << ": " << said(x.reason) << ". ";
    switch (x.status) {
      case ObjectionStatus::open: o << "Still open."; break;
      case ObjectionStatus::withdrawn: o << "Withdrawn by " << name_of_id(s, x.author) << "."; break;
      case ObjectionStatus::integrated: {
        o << "Answered by amending the proposal (version " << x.version + 1 << ")";
        const auto again = p.answers.find(x.author);
        if (x.version + 1 == p.versions.size() && again != p.answers.end())
          o << "; " << name_of_id(s, x.author) << " then " << answer_word(again->second.answer)
            << (again->second.text.empty() ? "" : ": " + said(again->second.text)) << ".";
        else if (x.version + 1 == p.versions.size())
          o << "; " << name_of_id(s, x.author) << " did not answer the new version.";
        else
          o << ".";
        break;
      }
      case ObjectionStatus::closed: o << "Never resolved: the proposal ended with it open."; break;
    }
    o << "\n";
  }
  if (!p.answers.empty()) {
    std::map<ConsentAnswer, std::vector<std::string>> by;
    for (const auto& [who, a] : p.answers)
      by[a.answer].push_back(name_of_id(s, who) + (a.text.empty() ? "" : " (" + said(a.text) + ")"));
    std::vector<std::string> parts;
    for (const auto& [answer, list] : by)
      parts.push_back(names(list) + " " + std::string(list.size() == 1 ? answer_word(answer) : answer_word_many(answer)));
    o << "- Answers to version " << p.versions.size() << ": ";
    for (std::size_t i = 0; i < parts.size(); ++i) o << (i ? "; " : "") << parts[i];
    o << ".\n";
  }
}

std::string markdown(const MeetingState& s, std::string_view code, Millis now) {
  std::ostringstream o;
  const EquityFigures f = equity_figures(s, now);
  o << "# " << said(s.title) << "\n\n";
  o << "Minutes of the meeting " << code << " on " << day(s.opened_at ? s.opened_at : now) << ". ";
  if (s.opened_at) o << "Started " << clock(s.opened_at);
  if (s.ended_at) o << ", ended " << (day(*s.ended_at) == day(s.opened_at) ? clock(*s.ended_at) : moment(*s.ended_at)) << ".";
  else o << "; still running when these minutes were made, at " << moment(now) << ".";
  o << "\n\n";

  o << "## People\n\n";
  std::vector<std::string> room, remote, proxies, gone;
  std::vector<std::string> facilitators;
  for (const auto& p : s.participants) {
    if (p.role == Role::observer) continue;
    if (p.removed) { gone.push_back(p.name); continue; }
    if (p.role == Role::facilitator || p.role == Role::co_facilitator)
      facilitators.push_back(p.name + (p.role == Role::co_facilitator ? " (co-facilitator)" : ""));
    if (p.proxy) proxies.push_back(p.name);
    else (p.location == Location::in_room ? room : remote).push_back(p.name);
  }
  if (!facilitators.empty()) o << "- Facilitated by " << names(facilitators) << "\n";
  o << "- In the room: " << (room.empty() ? "nobody" : names(room)) << "\n";
  o << "- Remote: " << (remote.empty() ? "nobody" : names(remote)) << "\n";
  if (!proxies.empty()) o << "- Taking part through a facilitator (proxy): " << names(proxies) << "\n";
  if (!gone.empty()) o << "- Removed during the meeting: " << names(gone) << "\n";

  if (!s.agenda.empty()) {
    o << "\n## Agenda\n\n";
    for (const auto& item : s.agenda) {
      o << item.id << ". " << said(item.title) << ": " << spoken_duration(agenda_time_used(item, now)) << " used";
      if (item.timebox_minutes) o << " of " << item.timebox_minutes << " min planned";
      o << (s.current_item == item.id && !s.ended ? " (current)" : "") << "\n";
    }
  }

  o << "\n## Decisions\n\n";
  if (s.decisions.empty()) o << "No decisions were recorded.\n";
  for (const auto& d : s.decisions) {
    o << "### Decision " << d.id << ": " << said(d.title) << "\n\n" << said(d.text) << "\n\n- Decided by " << said(d.method)
      << ", " << day(d.at) << " at " << clock(d.at) << ": " << said(d.result) << ".\n- Present: "
      << plural(d.present_count, "person", "people");
    if (!d.present_names.empty()) o << " (" << names(d.present_names) << ")";
    o << ".\n";
    for (const auto& x : d.dissent) o << "- Not with it: " << said(x) << "\n";
    if (!d.review_date.empty()) o << "- To be reviewed by " << d.review_date << ".\n";
    o << "- Record check: " << d.hash.substr(0, 16) << "\n\n";
  }
  if (!s.decisions.empty())
    o << "The record of decisions is " << (verify_decision_chain(s.decisions) ? "BROKEN: it was changed after it was written" : "intact (each entry is chained to the one before)") << ".\n";

  if (!s.proposals.empty()) {
    o << "\n## Proposals, step by step\n\n";
    for (const auto& p : s.proposals) {
      if (p.id > 1) o << "\n";
      proposal_path(o, s, p);
    }
  }

  o << "\n## Polls\n\n";
  if (s.polls.empty()) o << "No polls.\n";
  for (const auto& p : s.polls) {
    o << "- " << said(p.spec.question) << " (" << poll_kind(p.spec.kind) << ", " << (p.spec.anonymous ? "anonymous" : "named")
      << "): ";
    if (p.status == PollStatus::cancelled) o << "cancelled.";
    else if (p.status == PollStatus::open) o << "still open, " << p.voters.size() << " of " << p.eligible << " had voted.";
    else o << said(describe_result(p, *p.result)) << ".";
    o << "\n";
  }

  if (!s.rounds.empty()) {
    o << "\n## Go-rounds\n\n";
    for (const auto& r : s.rounds) {
      o << "- Go-round " << r.round_no << (r.topic.empty() ? "" : ": " + said(r.topic)) << ".";
      std::vector<std::string> spoke, passed, skipped;
      for (const auto& step : r.steps) {
        if (step.kind == RoundStepKind::spoke) spoke.push_back(name_of_id(s, step.who));
        else if (step.kind == RoundStepKind::passed) passed.push_back(name_of_id(s, step.who));
        else skipped.push_back(name_of_id(s, step.who) + (step.reason.empty() ? "" : " (" + said(step.reason) + ")"));
      }
      if (!spoke.empty()) o << " Spoke: " << names(spoke) << ".";
      if (!passed.empty()) o << " Passed: " << names(passed) << ".";
      if (!skipped.empty()) o << " Skipped: " << names(skipped) << ".";
      if (r.active) o << " Still running.";
      else if (!r.completed) o << " Ended early.";
      o << "\n";
    }
  }

  o << "\n## Working together agreement\n\n";
  bool any = false;
  for (const auto& item : s.agreement) {
    if (item.status != AgreementStatus::adopted) continue;
    any = true;
    o << "- " << said(item.text) << "\n";
  }
  if (!any) o << "Nothing adopted yet.\n";

  const auto point_line = [&](const WrittenPoint& p) {
    o << "- " << (p.kind == PointKind::question ? "Question" : "Point") << ": " << said(p.text) << " ("
      << plural(p.upvoters.size(), "upvote", "upvotes") << ")\n";
  };
  o << "\n## Written points taken up or answered\n\n";
  any = false;
  for (const auto& p : s.points)
    if (p.status == PointStatus::taken_up || p.status == PointStatus::answered) any = true, point_line(p);
  if (!any) o << "None.\n";
  o << "\n## Written points still open\n\n";
  any = false;
  for (const auto& p : s.points)
    if (p.status == PointStatus::open) any = true, point_line(p);
  if (!any) o << "None.\n";

  o << "\n## How the floor was shared\n\n";
  for (const auto& p : f.people)
    o << "- " << p.name << " (" << where(p.location) << "): " << plural(p.turns, "turn", "turns") << ", "
      << spoken_duration(p.spoken_ms) << " (" << percent(p.share) << " of speaking time)\n";
  if (!f.not_spoken.empty()) {
    std::vector<std::string> quiet;
    for (ParticipantId id : f.not_spoken) quiet.push_back(name_of_id(s, id));
    o << "\nDid not speak: " << names(quiet) << ".";
  }
  o << "\nIn the room: " << percent(f.in_room.people_share) << " of the people, " << percent(f.in_room.speaking_share)
    << " of the speaking time. Remote: " << percent(f.remote.people_share) << " of the people, "
    << percent(f.remote.speaking_share) << " of the speaking time.";
  if (!f.overrides.empty()) {
    o << " The queue's order was set aside " << plural(f.overrides.size(), "time", "times") << ":\n\n";
    for (const auto& ov : f.overrides) o << "- " << name_of_id(s, ov.target) << ": " << said(ov.reason) << "\n";
  } else {
    o << " The queue's order was never set aside.\n";
  }
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
