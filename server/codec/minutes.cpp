#include "codec/minutes.hpp"

#include <algorithm>
#include <cstdio>
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

// Dates and times as people write them, in the meeting's own time zone (TimeZoneSet: the offset
// from UTC the facilitator's browser gave at creation), or in UTC for a meeting created without one.
class LocalTime {
 public:
  explicit LocalTime(const MeetingState& s)
      : offset_ms_(Millis{std::clamp<std::int32_t>(s.utc_offset_minutes, -720, 840)} * 60'000), zone_(s.time_zone) {}

  std::string day(Millis ms) const { return format(ms, "%d %B %Y"); }
  std::string clock(Millis ms) const { return format(ms, "%H:%M"); }
  std::string moment(Millis ms) const { return format(ms, "%d %B %Y, %H:%M"); }
  // "Times are UTC." or "Times are Europe/London time (UTC+01:00)."
  std::string sentence() const {
    if (offset_ms_ == 0 && (zone_.empty() || zone_ == "UTC" || zone_ == "Etc/UTC")) return "Times are UTC.";
    const Millis minutes = (offset_ms_ < 0 ? -offset_ms_ : offset_ms_) / 60'000;
    char offset[16];
    std::snprintf(offset, sizeof offset, "UTC%c%02d:%02d", offset_ms_ < 0 ? '-' : '+', static_cast<int>(minutes / 60),
                  static_cast<int>(minutes % 60));
    return zone_.empty() ? "Times are " + std::string(offset) + "." : "Times are " + zone_ + " time (" + offset + ").";
  }

 private:
  std::string format(Millis ms, const char* pattern) const {
    const std::time_t t = static_cast<std::time_t>((ms + offset_ms_) / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[64];
    std::strftime(out, sizeof out, pattern, &tm);
    std::string text = out;
    if (pattern[1] == 'd' && !text.empty() && text.front() == '0') text.erase(0, 1);  // "1 December", not "01 December"; "07:00" stays
    return text;
  }
  Millis offset_ms_;
  std::string zone_;
};

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

// The minutes as a document: headings, paragraphs and list items, in order. Written out as
// Markdown, or as JSON blocks the browser's minutes page draws as text (never as HTML).
struct Block {
  enum class Kind { title, section, subsection, para, item } kind;
  std::string text;
};
using Doc = std::vector<Block>;

struct Writer {
  Doc doc;
  void title(std::string t) { doc.push_back({Block::Kind::title, std::move(t)}); }
  void section(std::string t) { doc.push_back({Block::Kind::section, std::move(t)}); }
  void subsection(std::string t) { doc.push_back({Block::Kind::subsection, std::move(t)}); }
  void para(std::string t) { doc.push_back({Block::Kind::para, std::move(t)}); }
  void item(std::string t) { doc.push_back({Block::Kind::item, std::move(t)}); }
};

// Each proposal's whole path: every version, every objection and how it was resolved (in the
// objector's own words where they answered again), and the answers to the last version.
void proposal_path(Writer& w, const MeetingState& s, const Proposal& p) {
  w.subsection("Proposal " + std::to_string(p.id) + ": " + said(p.title));
  w.para("Outcome: " + std::string(outcome(p.phase)) + (p.end_reason.empty() ? "" : " (" + said(p.end_reason) + ")") + ".");
  for (std::size_t v = 0; v < p.versions.size(); ++v) {
    // A version that came with a new title says so: the decision names the title of the version adopted.
    const bool retitled = v > 0 && v < p.titles.size() && p.titles[v] != p.titles[v - 1];
    w.item("Version " + std::to_string(v + 1) + (v + 1 == p.versions.size() && p.versions.size() > 1 ? " (the last)" : "") +
           (retitled ? ", titled \"" + said(p.titles[v]) + "\"" : "") + ": " + said(p.versions[v]));
  }
  for (const auto& x : s.objections) {
    if (x.proposal != p.id) continue;
    std::string line = "Objection by " + name_of_id(s, x.author) + " to version " + std::to_string(x.version) + ": " +
                       said(x.reason) + ". ";
    switch (x.status) {
      case ObjectionStatus::open: line += "Still open."; break;
      case ObjectionStatus::withdrawn: line += "Withdrawn by " + name_of_id(s, x.author) + "."; break;
      case ObjectionStatus::integrated: {
        line += "Answered by amending the proposal (version " + std::to_string(x.version + 1) + ")";
        const auto again = p.answers.find(x.author);
        if (x.version + 1 == p.versions.size() && again != p.answers.end())
          line += "; " + name_of_id(s, x.author) + " then " + std::string(answer_word(again->second.answer)) +
                  (again->second.text.empty() ? "" : ": " + said(again->second.text)) + ".";
        else if (x.version + 1 == p.versions.size())
          line += "; " + name_of_id(s, x.author) + " did not answer the new version.";
        else
          line += ".";
        break;
      }
      case ObjectionStatus::closed: line += "Never resolved: the proposal ended with it open."; break;
    }
    w.item(line);
  }
  if (!p.answers.empty()) {
    std::map<ConsentAnswer, std::vector<std::string>> by;
    for (const auto& [who, a] : p.answers)
      by[a.answer].push_back(name_of_id(s, who) + (a.text.empty() ? "" : " (" + said(a.text) + ")"));
    std::string line = "Answers to version " + std::to_string(p.versions.size()) + ": ";
    bool first = true;
    for (const auto& [answer, list] : by) {
      line += (first ? "" : "; ") + names(list) + " " + std::string(list.size() == 1 ? answer_word(answer) : answer_word_many(answer));
      first = false;
    }
    w.item(line + ".");
  }
}

Doc minutes_doc(const MeetingState& s, std::string_view code, Millis now) {
  Writer w;
  const EquityFigures f = equity_figures(s, now);
  const LocalTime local(s);
  w.title(said(s.title));
  std::string head =
      "Minutes of the meeting " + std::string(code) + " on " + local.day(s.opened_at ? s.opened_at : now) + ".";
  if (s.opened_at) head += " Started " + local.clock(s.opened_at);
  if (s.ended_at)
    head += ", ended " +
            (local.day(*s.ended_at) == local.day(s.opened_at) ? local.clock(*s.ended_at) : local.moment(*s.ended_at)) + ".";
  else
    head += std::string(s.opened_at ? ";" : "") + " still running when these minutes were made, at " + local.moment(now) + ".";
  w.para(head + " " + local.sentence());

  w.section("People");
  std::vector<std::string> room, remote, proxies, gone, facilitators;
  for (const auto& p : s.participants) {
    if (p.role == Role::observer) continue;
    if (p.removed) {
      gone.push_back(p.name);
      continue;
    }
    if (p.role == Role::facilitator || p.role == Role::co_facilitator)
      facilitators.push_back(p.name + (p.role == Role::co_facilitator ? " (co-facilitator)" : ""));
    if (p.proxy) proxies.push_back(p.name);
    else (p.location == Location::in_room ? room : remote).push_back(p.name);
  }
  if (!facilitators.empty()) w.item("Facilitated by " + names(facilitators));
  w.item("In the room: " + (room.empty() ? std::string("nobody") : names(room)));
  w.item("Remote: " + (remote.empty() ? std::string("nobody") : names(remote)));
  if (!proxies.empty()) w.item("Taking part through a facilitator (proxy): " + names(proxies));
  if (!gone.empty()) w.item("Removed during the meeting: " + names(gone));

  if (!s.agenda.empty()) {
    w.section("Agenda");
    for (const auto& item : s.agenda)
      w.item(std::to_string(item.id) + ". " + said(item.title) + ": " + spoken_duration(agenda_time_used(item, now)) + " used" +
             (item.timebox_minutes ? " of " + std::to_string(item.timebox_minutes) + " min planned" : "") +
             (s.current_item == item.id && !s.ended ? " (current)" : ""));
  }

  w.section("Decisions");
  if (s.decisions.empty()) w.para("No decisions were recorded.");
  for (const auto& d : s.decisions) {
    w.subsection("Decision " + std::to_string(d.id) + ": " + said(d.title));
    w.para(said(d.text));
    w.item("Decided by " + said(d.method) + ", " + local.day(d.at) + " at " + local.clock(d.at) + ": " + said(d.result) + ".");
    w.item("Present: " + plural(d.present_count, "person", "people") + (d.present_names.empty() ? "" : " (" + names(d.present_names) + ")") + ".");
    for (const auto& x : d.dissent) w.item("Not with it: " + said(x));
    if (!d.review_date.empty()) w.item("To be reviewed by " + d.review_date + ".");
    w.item("Record check: " + d.hash.substr(0, 16));
  }
  if (!s.decisions.empty())
    w.para(std::string("The record of decisions is ") +
           (verify_decision_chain(s.decisions) ? "BROKEN: it was changed after it was written" : "intact (each entry is chained to the one before)") + ".");

  if (!s.proposals.empty()) {
    w.section("Proposals, step by step");
    for (const auto& p : s.proposals) proposal_path(w, s, p);
  }

  w.section("Polls");
  // Drafts never opened (and drafts deleted unopened) were never put to anyone: not in the record.
  if (std::none_of(s.polls.begin(), s.polls.end(), [](const Poll& p) { return p.opened; })) w.para("No polls.");
  for (const auto& p : s.polls) {
    if (!p.opened) continue;
    std::string line = said(p.spec.question) + " (" + std::string(poll_kind(p.spec.kind)) + ", " +
                       (p.spec.anonymous ? "anonymous" : "named") + "): ";
    if (p.status == PollStatus::cancelled) line += "cancelled.";
    else if (p.status == PollStatus::open) line += "still open, " + std::to_string(p.voters.size()) + " of " + std::to_string(p.eligible) + " had voted.";
    else line += said(describe_result(p, *p.result)) + ".";
    w.item(line);
  }

  if (!s.rounds.empty()) {
    w.section("Go-rounds");
    for (const auto& r : s.rounds) {
      std::string line = "Go-round " + std::to_string(r.round_no) + (r.topic.empty() ? "" : ": " + said(r.topic)) + ".";
      std::vector<std::string> spoke, passed, skipped;
      for (const auto& step : r.steps) {
        if (step.kind == RoundStepKind::spoke) spoke.push_back(name_of_id(s, step.who));
        else if (step.kind == RoundStepKind::passed) passed.push_back(name_of_id(s, step.who));
        else skipped.push_back(name_of_id(s, step.who) + (step.reason.empty() ? "" : " (" + said(step.reason) + ")"));
      }
      if (!spoke.empty()) line += " Spoke: " + names(spoke) + ".";
      if (!passed.empty()) line += " Passed: " + names(passed) + ".";
      if (!skipped.empty()) line += " Skipped: " + names(skipped) + ".";
      if (r.active) line += " Still running.";
      else if (!r.completed) line += " Ended early.";
      w.item(line);
    }
  }

  w.section("Working together agreement");
  bool any = false;
  for (const auto& item : s.agreement)
    if (item.status == AgreementStatus::adopted) any = true, w.item(said(item.text));
  if (!any) w.para("Nothing adopted yet.");

  const auto point_line = [&](const WrittenPoint& p) {
    w.item(std::string(p.kind == PointKind::question ? "Question" : "Point") + ": " + said(p.text) + " (" +
           plural(p.upvoters.size(), "upvote", "upvotes") + ")");
  };
  w.section("Written points taken up or answered");
  any = false;
  for (const auto& p : s.points)
    if (p.status == PointStatus::taken_up || p.status == PointStatus::answered) any = true, point_line(p);
  if (!any) w.para("None.");
  w.section("Written points still open");
  any = false;
  for (const auto& p : s.points)
    if (p.status == PointStatus::open) any = true, point_line(p);
  if (!any) w.para("None.");
  // Points never approved in a moderated meeting: counted, not quoted (nobody else saw them).
  std::size_t pending = 0;
  for (const auto& p : s.points) pending += p.status == PointStatus::pending ? 1 : 0;
  if (pending > 0) w.para(plural(pending, "written point", "written points") + " still waited for a facilitator's approval.");

  w.section("How the floor was shared");
  for (const auto& p : f.people)
    w.item(p.name + " (" + std::string(where(p.location)) + "): " + plural(p.turns, "turn", "turns") + ", " +
           spoken_duration(p.spoken_ms) + " (" + percent(p.share) + " of speaking time)");
  if (!f.not_spoken.empty()) {
    std::vector<std::string> quiet;
    for (ParticipantId id : f.not_spoken) quiet.push_back(name_of_id(s, id));
    w.para("Did not speak: " + names(quiet) + ".");
  }
  w.para("In the room: " + percent(f.in_room.people_share) + " of the people, " + percent(f.in_room.speaking_share) +
         " of the speaking time. Remote: " + percent(f.remote.people_share) + " of the people, " +
         percent(f.remote.speaking_share) + " of the speaking time." +
         (f.overrides.empty() ? " The queue's order was never set aside."
                              : " The queue's order was set aside " + plural(f.overrides.size(), "time", "times") + ":"));
  for (const auto& ov : f.overrides) w.item(name_of_id(s, ov.target) + ": " + said(ov.reason));
  return std::move(w.doc);
}

std::string markdown(const Doc& doc) {
  std::ostringstream o;
  Block::Kind last = Block::Kind::title;
  bool first = true;
  for (const auto& b : doc) {
    // A blank line between blocks, except between items of one list.
    if (!first && !(b.kind == Block::Kind::item && last == Block::Kind::item)) o << "\n";
    first = false;
    switch (b.kind) {
      case Block::Kind::title: o << "# " << b.text << "\n"; break;
      case Block::Kind::section: o << "## " << b.text << "\n"; break;
      case Block::Kind::subsection: o << "### " << b.text << "\n"; break;
      case Block::Kind::para: o << b.text << "\n"; break;
      case Block::Kind::item: o << "- " << b.text << "\n"; break;
    }
    last = b.kind;
  }
  return o.str();
}

json doc_json(const Doc& doc) {
  json blocks = json::array();
  for (const auto& b : doc) {
    const char* kind = b.kind == Block::Kind::title        ? "title"
                       : b.kind == Block::Kind::section    ? "section"
                       : b.kind == Block::Kind::subsection ? "subsection"
                       : b.kind == Block::Kind::para       ? "para"
                                                            : "item";
    blocks.push_back({{"kind", kind}, {"text", b.text}});
  }
  return blocks;
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
  if (format == "md") return markdown(minutes_doc(s, code, now));
  if (format == "doc")
    return json{{"title", s.title}, {"code", code}, {"generated_at", now}, {"blocks", doc_json(minutes_doc(s, code, now))}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
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
  if (format == "doc") return "application/json";
  return "application/json";
}

}  // namespace everyvoice::codec
