#include "codec/minutes.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <map>
#include <sstream>

#include "codec/csv.hpp"
#include "codec/minutes_words.hpp"
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
// from UTC the facilitator's browser gave at creation), or in UTC for a meeting created without one,
// in the meeting's language.
class LocalTime {
 public:
  LocalTime(const MeetingState& s, const MinutesWords& words)
      : offset_ms_(Millis{std::clamp<std::int32_t>(s.utc_offset_minutes, -720, 840)} * 60'000), zone_(s.time_zone), words_(words) {}

  std::string day(Millis ms) const {
    const std::tm tm = local(ms);
    return words_.day(tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
  }
  std::string clock(Millis ms) const {
    const std::tm tm = local(ms);
    char out[8];
    std::snprintf(out, sizeof out, "%02d:%02d", tm.tm_hour, tm.tm_min);
    return out;
  }
  std::string moment(Millis ms) const { return words_("date.moment", {{"date", day(ms)}, {"time", clock(ms)}}); }
  // "Times are UTC." or "Times are Europe/London time (UTC+01:00)."
  std::string sentence() const {
    if (offset_ms_ == 0 && (zone_.empty() || zone_ == "UTC" || zone_ == "Etc/UTC")) return words_("time.utc");
    const Millis minutes = (offset_ms_ < 0 ? -offset_ms_ : offset_ms_) / 60'000;
    char offset[16];
    std::snprintf(offset, sizeof offset, "UTC%c%02d:%02d", offset_ms_ < 0 ? '-' : '+', static_cast<int>(minutes / 60),
                  static_cast<int>(minutes % 60));
    return zone_.empty() ? words_("time.offset", {{"offset", offset}}) : words_("time.zone", {{"zone", zone_}, {"offset", offset}});
  }

 private:
  std::tm local(Millis ms) const {
    const std::time_t t = static_cast<std::time_t>((ms + offset_ms_) / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
  }
  Millis offset_ms_;
  std::string zone_;
  const MinutesWords& words_;
};

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

std::string csv(std::string_view text) { return csv_field(text); }

std::string_view poll_kind_key(PollKind k) {
  switch (k) {
    case PollKind::single_choice: return "poll_kind.single_choice";
    case PollKind::multiple_choice: return "poll_kind.multiple_choice";
    case PollKind::scale: return "poll_kind.scale";
    case PollKind::ranked_choice: return "poll_kind.ranked_choice";
    case PollKind::open_text: return "poll_kind.open_text";
  }
  return "poll_kind.single_choice";
}

// One person's answer ("consents"), or several people's ("consent").
std::string_view answer_key(ConsentAnswer a, bool several) {
  switch (a) {
    case ConsentAnswer::consent: return several ? "answers.consent" : "answer.consent";
    case ConsentAnswer::concern: return several ? "answers.concern" : "answer.concern";
    case ConsentAnswer::objection: return several ? "answers.objection" : "answer.objection";
    case ConsentAnswer::stand_aside: return several ? "answers.stand_aside" : "answer.stand_aside";
  }
  return "answer.consent";
}

std::string_view outcome_key(ConsentPhase phase) {
  switch (phase) {
    case ConsentPhase::clarifying: return "outcome.clarifying";
    case ConsentPhase::reactions: return "outcome.reactions";
    case ConsentPhase::consent: return "outcome.consent";
    case ConsentPhase::adopted: return "outcome.adopted";
    case ConsentPhase::not_adopted: return "outcome.not_adopted";
    case ConsentPhase::withdrawn: return "outcome.withdrawn";
    case ConsentPhase::draft: return "outcome.clarifying";  // never reached: drafts are left out of the minutes
  }
  return "outcome.clarifying";
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

// Someone's name, or "someone (anonymous)" for an id the meeting does not hold.
std::string name_of_id(const MeetingState& s, ParticipantId id, const MinutesWords& say) {
  const Participant* p = s.find(id);
  return p ? p->name : say("someone");
}

// Each proposal's whole path: every version, every objection and how it was resolved (in the
// objector's own words where they answered again), and the answers to the last version.
void proposal_path(Writer& w, const MeetingState& s, const Proposal& p, const MinutesWords& say) {
  w.subsection(say("proposal.heading", {{"id", std::to_string(p.id)}, {"title", said(p.title)}}));
  const std::string outcome = say(outcome_key(p.phase));
  w.para(p.end_reason.empty() ? say("proposal.outcome", {{"outcome", outcome}})
                              : say("proposal.outcome_reason", {{"outcome", outcome}, {"reason", said(p.end_reason)}}));
  for (std::size_t v = 0; v < p.versions.size(); ++v) {
    // A version that came with a new title says so: the decision names the title of the version adopted.
    const bool retitled = v > 0 && v < p.titles.size() && p.titles[v] != p.titles[v - 1];
    const bool last = v + 1 == p.versions.size() && p.versions.size() > 1;
    const std::string_view key = last ? (retitled ? "proposal.version_last_titled" : "proposal.version_last")
                                      : (retitled ? "proposal.version_titled" : "proposal.version");
    w.item(say(key, {{"n", std::to_string(v + 1)}, {"title", retitled ? said(p.titles[v]) : ""}, {"text", said(p.versions[v])}}));
  }
  for (const auto& x : s.objections) {
    if (x.proposal != p.id) continue;
    const std::string name = name_of_id(s, x.author, say);
    std::string_view key = "objection.open";
    std::string answer, text;
    switch (x.status) {
      case ObjectionStatus::open: break;
      case ObjectionStatus::withdrawn: key = "objection.withdrawn"; break;
      case ObjectionStatus::closed: key = "objection.closed"; break;
      case ObjectionStatus::integrated: {
        key = "objection.amended";
        const auto again = p.answers.find(x.author);
        if (x.version + 1 == p.versions.size() && again != p.answers.end()) {
          answer = say(answer_key(again->second.answer, false));
          text = said(again->second.text);
          key = text.empty() ? "objection.amended_then" : "objection.amended_then_said";
        } else if (x.version + 1 == p.versions.size()) {
          key = "objection.amended_silent";
        }
        break;
      }
    }
    w.item(say(key, {{"name", name},
                     {"n", std::to_string(x.version)},
                     {"next", std::to_string(x.version + 1)},
                     {"reason", said(x.reason)},
                     {"answer", answer},
                     {"text", text}}));
  }
  if (!p.answers.empty()) {
    std::map<ConsentAnswer, std::vector<std::string>> by;
    for (const auto& [who, a] : p.answers)
      by[a.answer].push_back(a.text.empty() ? name_of_id(s, who, say)
                                            : say("answers.said", {{"name", name_of_id(s, who, say)}, {"text", said(a.text)}}));
    std::string groups;
    for (const auto& [answer, list] : by)
      groups += (groups.empty() ? "" : "; ") +
                say("answers.group", {{"names", say.list(list)}, {"answer", say(answer_key(answer, list.size() != 1))}});
    w.item(say("answers.line", {{"n", std::to_string(p.versions.size())}, {"groups", groups}}));
  }
}

// A poll's result in words (core::describe_result says it in English for the decision record).
std::string poll_result(const Poll& poll, const PollResult& r, const MinutesWords& say) {
  const auto& spec = poll.spec;
  const std::string voters = say.count("voters", r.voters);
  if (r.withheld) return say("result.withheld", {{"voters", std::to_string(r.voters)}, {"needed", std::to_string(spec.min_voters)}});
  const auto winner = [&] { return said(spec.options[static_cast<std::size_t>(r.winner)]); };
  switch (spec.kind) {
    case PollKind::single_choice:
    case PollKind::multiple_choice:
      if (r.winner < 0) return say("result.tie");
      return say("result.choice", {{"option", winner()},
                                   {"votes", std::to_string(r.counts[static_cast<std::size_t>(r.winner)])},
                                   {"voters", voters}});
    case PollKind::ranked_choice:
      if (r.winner < 0) return say("result.ranked_none");
      return say("result.ranked", {{"option", winner()}, {"rounds", say.count("rounds", r.rounds.size())}, {"voters", voters}});
    case PollKind::scale: {
      char mean[32];
      std::snprintf(mean, sizeof mean, "%.2f", r.mean);
      return say("result.scale", {{"mean", mean},
                                  {"min", std::to_string(spec.scale_min)},
                                  {"max", std::to_string(spec.scale_max)},
                                  {"voters", voters}});
    }
    case PollKind::open_text: return say.count("answers_count", r.answers.size());
  }
  return "";
}

Doc minutes_doc(const MeetingState& s, std::string_view code, Millis now) {
  const MinutesWords say(s.language);
  Writer w;
  const EquityFigures f = equity_figures(s, now);
  const LocalTime local(s, say);
  const auto names_or_nobody = [&](const std::vector<std::string>& list) { return list.empty() ? say("nobody") : say.list(list); };
  w.title(said(s.title));
  std::string head = say("head.code", {{"code", std::string(code)}, {"day", local.day(s.opened_at ? s.opened_at : now)}});
  // A meeting prepared in advance started when a facilitator started it, not when it was created.
  const Millis start = s.started_at.value_or(s.opened_at);
  if (!s.started)
    head += " " + say(s.ended_at ? "head.never_started" : "head.prepared", {{"now", local.moment(now)}});
  else if (!start)
    head += " " + say("head.not_started", {{"now", local.moment(now)}});
  else if (s.ended_at)
    head += " " + say("head.ended", {{"start", local.clock(start)},
                                     {"end", local.day(*s.ended_at) == local.day(start) ? local.clock(*s.ended_at)
                                                                                        : local.moment(*s.ended_at)}});
  else
    head += " " + say("head.running", {{"start", local.clock(start)}, {"now", local.moment(now)}});
  w.para(head + " " + local.sentence());

  w.section(say("section.people"));
  std::vector<std::string> room, remote, proxies, gone, facilitators;
  for (const auto& p : s.participants) {
    if (p.role == Role::observer) continue;
    if (p.removed) {
      gone.push_back(p.name);
      continue;
    }
    if (p.role == Role::facilitator || p.role == Role::co_facilitator)
      facilitators.push_back(p.role == Role::co_facilitator ? say("people.co_facilitator", {{"name", p.name}}) : p.name);
    if (p.proxy) proxies.push_back(p.name);
    else (p.location == Location::in_room ? room : remote).push_back(p.name);
  }
  if (!facilitators.empty()) w.item(say("people.facilitated", {{"names", say.list(facilitators)}}));
  w.item(say("people.in_room", {{"names", names_or_nobody(room)}}));
  w.item(say("people.remote", {{"names", names_or_nobody(remote)}}));
  if (!proxies.empty()) w.item(say("people.proxies", {{"names", say.list(proxies)}}));
  if (!gone.empty()) w.item(say("people.removed", {{"names", say.list(gone)}}));
  if (!s.roles.empty()) {
    std::vector<std::string> roles;
    for (const auto& r : s.roles) {
      const std::string_view key = r.role == MeetingRole::note_taker ? "role.note_taker"
                                   : r.role == MeetingRole::timekeeper ? "role.timekeeper"
                                                                        : "role.greeter";
      roles.push_back(say(key, {{"name", r.name}}));
    }
    w.item(say("people.roles", {{"roles", say.list(roles)}}));
  }

  if (!s.agenda.empty()) {
    w.section(say("section.agenda"));
    for (const auto& item : s.agenda) {
      std::string line = say(item.timebox_minutes ? "agenda.item_planned" : "agenda.item",
                             {{"id", std::to_string(item.id)},
                              {"title", said(item.title)},
                              {"used", spoken_duration(agenda_time_used(item, now))},
                              {"minutes", std::to_string(item.timebox_minutes)}});
      w.item(s.current_item == item.id && !s.ended ? say("agenda.current", {{"item", line}}) : line);
    }
  }

  w.section(say("section.decisions"));
  if (s.decisions.empty()) w.para(say("decisions.none"));
  for (const auto& d : s.decisions) {
    // The method and the result are quoted as the record holds them (its hash covers their words).
    w.subsection(say("decision.heading", {{"id", std::to_string(d.id)}, {"title", said(d.title)}}));
    w.para(said(d.text));
    w.item(say("decision.how",
               {{"method", said(d.method)}, {"day", local.day(d.at)}, {"time", local.clock(d.at)}, {"result", said(d.result)}}));
    const std::string people = say.count("people", d.present_count);
    w.item(d.present_names.empty() ? say("decision.present", {{"people", people}})
                                   : say("decision.present_names", {{"people", people}, {"names", say.list(d.present_names)}}));
    for (const auto& x : d.dissent) w.item(say("decision.dissent", {{"text", said(x)}}));
    if (!d.review_date.empty()) w.item(say("decision.review", {{"date", d.review_date}}));
    w.item(say("decision.check", {{"hash", d.hash.substr(0, 16)}}));
  }
  if (!s.decisions.empty()) w.para(say(verify_decision_chain(s.decisions) ? "record.broken" : "record.intact"));

  // Drafts never presented were never put to anyone: not in the record.
  if (std::any_of(s.proposals.begin(), s.proposals.end(), [](const Proposal& p) { return p.presented; })) {
    w.section(say("section.proposals"));
    for (const auto& p : s.proposals)
      if (p.presented) proposal_path(w, s, p, say);
  }

  w.section(say("section.polls"));
  // Drafts never opened (and drafts deleted unopened) were never put to anyone: not in the record.
  if (std::none_of(s.polls.begin(), s.polls.end(), [](const Poll& p) { return p.opened; })) w.para(say("polls.none"));
  for (const auto& p : s.polls) {
    if (!p.opened) continue;
    std::string result;
    if (p.status == PollStatus::cancelled) result = say("poll.cancelled");
    else if (p.status == PollStatus::open)
      result = say("poll.open", {{"voted", std::to_string(p.voters.size())}, {"eligible", std::to_string(p.eligible)}});
    else result = poll_result(p, *p.result, say);
    w.item(say(p.spec.anonymous ? "poll.anonymous" : "poll.named",
               {{"question", said(p.spec.question)}, {"kind", say(poll_kind_key(p.spec.kind))}, {"result", result}}));
  }

  if (!s.rounds.empty()) {
    w.section(say("section.rounds"));
    for (const auto& r : s.rounds) {
      std::string line = r.topic.empty() ? say("round.heading", {{"n", std::to_string(r.round_no)}})
                                         : say("round.heading_topic", {{"n", std::to_string(r.round_no)}, {"topic", said(r.topic)}});
      std::vector<std::string> spoke, passed, skipped;
      for (const auto& step : r.steps) {
        const std::string who = name_of_id(s, step.who, say);
        if (step.kind == RoundStepKind::spoke) spoke.push_back(who);
        else if (step.kind == RoundStepKind::passed) passed.push_back(who);
        else skipped.push_back(step.reason.empty() ? who : say("answers.said", {{"name", who}, {"text", said(step.reason)}}));
      }
      if (!spoke.empty()) line += " " + say("round.spoke", {{"names", say.list(spoke)}});
      if (!passed.empty()) line += " " + say("round.passed", {{"names", say.list(passed)}});
      if (!skipped.empty()) line += " " + say("round.skipped", {{"names", say.list(skipped)}});
      if (r.active) line += " " + say("round.running");
      else if (!r.completed) line += " " + say("round.ended_early");
      w.item(line);
    }
  }

  w.section(say("section.agreement"));
  bool any = false;
  for (const auto& item : s.agreement)
    if (item.status == AgreementStatus::adopted) any = true, w.item(said(item.text));
  if (!any) w.para(say("agreement.none"));

  const auto point_line = [&](const WrittenPoint& p) {
    w.item(say(p.kind == PointKind::question ? "point.question" : "point.point",
               {{"text", said(p.text)}, {"upvotes", say.count("upvotes", p.upvoters.size())}}));
  };
  w.section(say("section.points_done"));
  any = false;
  for (const auto& p : s.points)
    if (p.status == PointStatus::taken_up || p.status == PointStatus::answered) any = true, point_line(p);
  if (!any) w.para(say("points.none"));
  w.section(say("section.points_open"));
  any = false;
  for (const auto& p : s.points)
    if (p.status == PointStatus::open) any = true, point_line(p);
  if (!any) w.para(say("points.none"));
  // Points never approved in a moderated meeting: counted, not quoted (nobody else saw them).
  std::size_t pending = 0;
  for (const auto& p : s.points) pending += p.status == PointStatus::pending ? 1 : 0;
  if (pending > 0) w.para(say.count("points.pending", pending));

  w.section(say("section.floor"));
  for (const auto& p : f.people)
    w.item(say("floor.person", {{"name", p.name},
                                {"where", say(p.location == Location::in_room ? "where.in_room" : "where.remote")},
                                {"turns", say.count("turns", p.turns)},
                                {"spoken", spoken_duration(p.spoken_ms)},
                                {"share", say.percent(p.share)}}));
  if (!f.not_spoken.empty()) {
    std::vector<std::string> quiet;
    for (ParticipantId id : f.not_spoken) quiet.push_back(name_of_id(s, id, say));
    w.para(say("floor.quiet", {{"names", say.list(quiet)}}));
  }
  w.para(say("floor.balance", {{"room_people", say.percent(f.in_room.people_share)},
                               {"room_speaking", say.percent(f.in_room.speaking_share)},
                               {"remote_people", say.percent(f.remote.people_share)},
                               {"remote_speaking", say.percent(f.remote.speaking_share)}}) +
         " " + (f.overrides.empty() ? say("floor.order_kept") : say.count("floor.order_set_aside", f.overrides.size())));
  for (const auto& ov : f.overrides) w.item(name_of_id(s, ov.target, say) + ": " + said(ov.reason));
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
    return json{{"title", s.title},
                {"code", code},
                {"language", s.language},
                {"generated_at", now},
                {"blocks", doc_json(minutes_doc(s, code, now))}}
        .dump(
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
