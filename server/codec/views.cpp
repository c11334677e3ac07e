// What each audience may see. Facilitators see everything in the meeting: preferences, speaking
// figures, overrides, hidden points, flag counts, all signal counts, per-item figures.
// Participants and the room display see names, roles, places and the queue with its reasons (the
// queue's fairness is public by design), polls, proposals, decisions, the agreement and written
// points, and the signals that reached the display threshold; not preferences or figures.
// Anonymity: no section pairs a person with a secret choice. Polls carry counts of voters, never
// who; anonymous polls carry no result until closed (and none when withheld); anonymous points,
// items and signals carry no author.
// Tokens and keys never appear here: the welcome message is the only place a token is sent.
#include "codec/views.hpp"

#include <algorithm>

#include "core/agenda.hpp"
#include "core/consent_round.hpp"
#include "core/decision_record.hpp"
#include "core/equity.hpp"
#include "core/go_round.hpp"
#include "core/meeting.hpp"
#include "core/polls.hpp"
#include "core/signals.hpp"
#include "core/speaking_queue.hpp"

namespace everyvoice::codec {

Audience audience_for(core::Role role) {
  switch (role) {
    case core::Role::facilitator:
    case core::Role::co_facilitator: return Audience::facilitator;
    case core::Role::observer: return Audience::display;
    case core::Role::participant: return Audience::participant;
  }
  return Audience::participant;
}

std::string_view audience_name(Audience audience) {
  switch (audience) {
    case Audience::facilitator: return "facilitator";
    case Audience::display: return "display";
    case Audience::participant: return "participant";
  }
  return "participant";
}

bool receives_updates(const core::Participant& person) { return !person.removed; }

bool receives_figures(Audience audience) { return audience == Audience::facilitator; }

bool receives_poll_results(const core::MeetingState& state, std::uint32_t poll, Audience audience,
                           core::ParticipantId who) {
  if (poll == 0 || poll > state.polls.size()) return false;
  const auto& p = state.polls[poll - 1];
  if (p.status != core::PollStatus::open || p.spec.anonymous || p.spec.shown != core::ResultsShown::after_vote)
    return false;
  return audience != Audience::facilitator && p.voters.contains(who);
}

}  // namespace everyvoice::codec

namespace everyvoice::codec::views {

using nlohmann::json;
using namespace everyvoice::core;

namespace {

std::string_view name_of(OverrideKind k) {
  switch (k) {
    case OverrideKind::called_out_of_order: return "called_out_of_order";
    case OverrideKind::moved: return "moved";
    case OverrideKind::removed_hand: return "removed_hand";
  }
  return "unknown";
}

std::string_view name_of(RoundStepKind k) {
  switch (k) {
    case RoundStepKind::spoke: return "spoke";
    case RoundStepKind::passed: return "passed";
    case RoundStepKind::skipped: return "skipped";
  }
  return "unknown";
}

json group(const GroupFigures& g) {
  return {{"people", g.people},       {"people_share", g.people_share}, {"spoken_ms", g.spoken_ms},
          {"speaking_share", g.speaking_share}, {"waits", g.waits}, {"mean_wait_ms", g.mean_wait_ms},
          {"longest_wait_ms", g.longest_wait_ms}, {"waiting", g.waiting}, {"longest_waiting_ms", g.longest_waiting_ms}};
}

}  // namespace

std::size_t people_count(const MeetingState& s) {
  std::size_t n = 0;
  for (const auto& p : s.participants)
    if (!p.removed && p.role != core::Role::observer) ++n;
  return n;
}

bool big_meeting(const MeetingState& s) {
  std::size_t n = 0;
  for (const auto& p : s.participants)
    if (!p.removed && ++n > people_listed_max) return true;
  return false;
}

bool lists_everyone(const MeetingState& s, Audience audience) {
  return audience == Audience::facilitator || !big_meeting(s);
}

json meeting(const MeetingState& s, std::string_view code, Audience audience) {
  json j{{"title", s.title},
         {"locked", s.locked},
         {"ended", s.ended},
         {"policy", core::name_of(s.policy)},
         {"turn_limit_seconds", s.turn_limit_seconds}};
  j["points_shown"] = s.points_shown;
  j["points_moderated"] = s.points_moderated;
  j["people_count"] = people_count(s);
  j["language"] = s.language;
  j["started"] = s.started;
  if (!code.empty()) j["code"] = code;
  if (audience != Audience::display) j["call_link"] = s.call_link;
  // The group's name and the agreement version the meeting started with; never the group's code.
  if (!s.group.group.empty()) j["group"] = {{"name", s.group.name}, {"agreement_version", s.group.agreement_version}};
  if (!s.roles.empty()) {
    json roles = json::array();
    for (const auto& r : s.roles) roles.push_back({{"role", core::name_of(r.role)}, {"name", r.name}});
    j["roles"] = std::move(roles);
  }
  return j;
}

json person(const Participant& p, Audience audience) {
  json j{{"id", p.id},
         {"name", p.name},
         {"role", core::name_of(p.role)},
         {"location", core::name_of(p.location)},
         {"presence", core::name_of(p.presence)},
         {"proxy", p.proxy}};
  if (audience == Audience::facilitator) {
    j["preference"] = core::name_of(p.preference);
    j["turns"] = p.turns;
    j["spoken_ms"] = p.spoken_ms;
  }
  return j;
}

json you(const MeetingState& s, ParticipantId you) {
  const auto& p = s.participants.at(you - 1);
  json j = person(p, audience_for(p.role));
  j["preference"] = core::name_of(p.preference);  // others see it only as facilitators
  json voted = json::array();
  for (const auto& poll : s.polls)
    if (poll.voters.contains(you)) voted.push_back(poll.id);
  json upvoted = json::array();
  for (const auto& point : s.points)
    if (point.upvoters.contains(you)) upvoted.push_back(point.id);
  j["voted_polls"] = std::move(voted);
  j["upvoted_points"] = std::move(upvoted);
  return j;
}

json people(const MeetingState& s, Audience audience) {
  const bool everyone = lists_everyone(s, audience);
  json list = json::array();
  for (const auto& p : s.participants)
    if (!p.removed && (everyone || p.role == core::Role::facilitator || p.role == core::Role::co_facilitator))
      list.push_back(person(p, audience));
  return list;
}

// Each entry with what a client needs to word its reason itself (since 1.1), and nothing more:
// this section goes to every connection on every change of the queue. `turns` only where the
// sentence tells the person's history, `spoken_ms` only when they have spoken, `alternating` only
// when true, `moved_reason` only on a moved entry.
json queue(const MeetingState& s) {
  json list = json::array();
  for (const auto& place : ordered_queue(s)) {
    const auto& p = s.participants[place.who - 1];
    json entry{{"participant", place.who},
               {"name", p.name},
               {"location", core::name_of(p.location)},
               {"proxy", p.proxy},
               {"kind", core::name_of(place.kind)},
               {"position", place.position},
               {"reason_code", core::name_of(place.reason_code)},
               {"reason", place.reason},
               {"raised_at", place.raised_at},
               {"away", place.away}};
    if (place.history) {
      entry["turns"] = place.turns;
      if (place.turns > 0) entry["spoken_ms"] = place.spoken_ms;
      if (place.alternating) entry["alternating"] = true;
    }
    if (place.reason_code == core::ReasonCode::moved_by_facilitator) entry["moved_reason"] = place.moved_reason;
    list.push_back(std::move(entry));
  }
  return list;
}

json turn(const MeetingState& s, Millis now) {
  if (!s.turn) return nullptr;
  json j{{"participant", s.turn->who},
         {"name", s.participants[s.turn->who - 1].name},
         {"started_at", s.turn->started_at},
         {"in_round", s.turn->in_round},
         {"limit_seconds", s.turn_limit_seconds}};
  if (auto over = turn_overrun(s, now)) j["over_limit_ms"] = *over;
  return j;
}

json round(const MeetingState& s) {
  const GoRound* r = s.active_round();
  if (!r) return nullptr;
  json steps = json::array();
  for (const auto& step : r->steps) {
    json st{{"participant", step.who}, {"outcome", name_of(step.kind)}};
    if (!step.reason.empty()) st["reason"] = step.reason;
    steps.push_back(std::move(st));
  }
  const ParticipantId up = round_up_next(s);
  json names = json::array();
  for (const ParticipantId who : r->order) names.push_back(s.participants[who - 1].name);
  return {{"round_no", r->round_no},
          {"topic", r->topic},
          {"order_kind", core::name_of(r->order_kind)},
          {"order", r->order},
          {"names", std::move(names)},
          {"up", up == 0 ? json(nullptr) : json(up)},
          {"steps", std::move(steps)}};
}

json figures(const MeetingState& s, Millis now, bool every_row) {
  const EquityFigures f = equity_figures(s, now);
  json people_list = json::array();
  bool complete = true;
  for (const auto& p : f.people) {
    if (!every_row && p.spoken_ms == 0 && p.turns == 0) {
      complete = false;  // a row of zeros: the client makes it from `people`
      continue;
    }
    people_list.push_back({{"participant", p.id},
                           {"name", p.name},
                           {"location", core::name_of(p.location)},
                           {"present", p.present},
                           {"proxy", p.proxy},
                           {"spoken_ms", p.spoken_ms},
                           {"turns", p.turns},
                           {"share", p.share}});
  }
  json overrides = json::array();
  for (const auto& o : f.overrides)
    overrides.push_back({{"kind", name_of(o.kind)}, {"by", o.by}, {"participant", o.target}, {"reason", o.reason}, {"at", o.at}});
  return {{"total_spoken_ms", f.total_spoken_ms},
          {"people", std::move(people_list)},
          {"people_complete", complete},
          {"not_spoken", f.not_spoken},
          {"gini", f.gini},
          {"top_fifth_share", f.top_fifth_share},
          {"in_room", group(f.in_room)},
          {"remote", group(f.remote)},
          {"overrides", std::move(overrides)}};
}

json poll_result(const Poll& poll, const PollResult& r) {
  json j{{"voters", r.voters}, {"withheld", r.withheld}};
  if (r.withheld) return j;
  j["counts"] = r.counts;
  if (poll.spec.kind == PollKind::scale) j["mean"] = r.mean;
  if (poll.spec.kind == PollKind::ranked_choice) {
    json rounds = json::array();
    for (const auto& round : r.rounds)
      rounds.push_back({{"counts", round.counts}, {"eliminated", round.eliminated < 0 ? json(nullptr) : json(round.eliminated)}});
    j["rounds"] = std::move(rounds);
  }
  if (poll.spec.kind == PollKind::open_text) j["answers"] = r.answers;
  if (poll.spec.kind != PollKind::scale && poll.spec.kind != PollKind::open_text)
    j["winner"] = r.winner < 0 ? json(nullptr) : json(r.winner);
  return j;
}

// Facilitators also see the polls prepared in advance (`draft`, and drafts deleted unopened); the
// others see a poll from when it opens.
json polls(const MeetingState& s, Audience audience) {
  json list = json::array();
  for (const auto& p : s.polls) {
    if (!p.opened && audience != Audience::facilitator) continue;
    json j{{"id", p.id},
           {"question", p.spec.question},
           {"kind", core::name_of(p.spec.kind)},
           {"options", p.spec.options},
           {"anonymous", p.spec.anonymous},
           {"results", core::name_of(p.spec.shown)},
           {"min_voters", p.spec.min_voters},
           {"decision", p.spec.is_decision},
           {"status", core::name_of(p.status)},
           {"eligible", p.eligible},
           {"voted", p.voters.size()},
           {"agenda_item", p.agenda_item}};
    if (p.spec.kind == PollKind::multiple_choice) j["max_choices"] = p.spec.max_choices;
    if (p.spec.kind == PollKind::scale) {
      j["scale_min"] = p.spec.scale_min;
      j["scale_max"] = p.spec.scale_max;
      j["min_label"] = p.spec.min_label;
      j["max_label"] = p.spec.max_label;
    }
    // Results: at close (unless withheld); while open only for named polls, live ones to everyone
    // and after-vote ones to facilitators (voters get them by poll_results on their own connection).
    if (p.status == PollStatus::closed && p.result) {
      j["result"] = poll_result(p, *p.result);
    } else if (results_visible(p, audience == Audience::facilitator)) {
      j["result"] = poll_result(p, count_poll(p));
    }
    list.push_back(std::move(j));
  }
  return list;
}

// Facilitators also see the proposals prepared in advance (`draft`, and drafts deleted unpresented);
// the others see a proposal from when it is presented.
json proposals(const MeetingState& s, Audience audience) {
  json list = json::array();
  for (const auto& p : s.proposals) {
    if (!p.presented && audience != Audience::facilitator) continue;
    json answers = json::array();
    for (const auto& [who, record] : p.answers) {
      json a{{"participant", who}, {"name", s.participants[who - 1].name}, {"answer", core::name_of(record.answer)}};
      if (!record.text.empty()) a["text"] = record.text;
      answers.push_back(std::move(a));
    }
    json objections = json::array();
    for (const auto& o : s.objections) {
      if (o.proposal != p.id) continue;
      objections.push_back({{"id", o.id}, {"participant", o.author}, {"name", s.participants[o.author - 1].name}, {"reason", o.reason}, {"version", o.version},
                            {"status", core::name_of(o.status)}});
    }
    json j{{"id", p.id},
           {"title", p.title},
           {"versions", p.versions},
           {"titles", p.titles},
           {"version", p.version()},
           {"phase", core::name_of(p.phase)},
           {"answers", std::move(answers)},
           {"objections", std::move(objections)},
           {"agreement_item", p.agreement_item},
           {"removes_item", p.removes_item},
           {"agenda_item", p.agenda_item}};
    if (!p.end_reason.empty()) j["end_reason"] = p.end_reason;
    if (!p.presented) j["presented"] = false;  // facilitators only: a draft, or a draft deleted unpresented
    list.push_back(std::move(j));
  }
  return list;
}

json decisions(const MeetingState& s, std::size_t from) {
  json list = json::array();
  for (std::size_t i = from; i < s.decisions.size(); ++i) {
    const Decision& d = s.decisions[i];
    list.push_back({{"id", d.id},
                    {"title", d.title},
                    {"text", d.text},
                    {"method", d.method},
                    {"present_count", d.present_count},
                    {"present_names", d.present_names},
                    {"result", d.result},
                    {"dissent", d.dissent},
                    {"at", d.at},
                    {"review_date", d.review_date},
                    {"agenda_item", d.agenda_item},
                    {"prev_hash", d.prev_hash},
                    {"hash", d.hash}});
  }
  return list;
}

json agreement(const MeetingState& s, Audience audience) {
  json list = json::array();
  for (const auto& item : s.agreement) {
    json j{{"id", item.id},
           {"text", item.text},
           {"author", item.author == 0 ? json(nullptr) : json(item.author)},
           {"status", core::name_of(item.status)},
           {"version", item.version}};
    if (item.author != 0) j["author_name"] = s.participants[item.author - 1].name;
    if (audience == Audience::facilitator) j["flags"] = item.flags;
    list.push_back(std::move(j));
  }
  return list;
}

// Facilitators see every point. Participants do not see hidden points, and see a pending one (not
// yet approved, in a moderated meeting) as a stub without its text or author, so that its author's
// page can show its state; the room display shows neither.
json points(const MeetingState& s, Audience audience) {
  std::vector<const WrittenPoint*> shown;
  for (const auto& p : s.points) {
    if (audience == Audience::facilitator) shown.push_back(&p);
    else if (p.status == PointStatus::pending) { if (audience == Audience::participant) shown.push_back(&p); }
    else if (p.status != PointStatus::hidden) shown.push_back(&p);
  }
  std::stable_sort(shown.begin(), shown.end(), [](const WrittenPoint* a, const WrittenPoint* b) {
    return a->upvoters.size() > b->upvoters.size();
  });
  json list = json::array();
  for (const WrittenPoint* p : shown) {
    if (p->status == PointStatus::pending && audience != Audience::facilitator) {
      list.push_back({{"id", p->id}, {"kind", core::name_of(p->kind)}, {"text", ""}, {"author", nullptr},
                      {"status", "pending"}, {"upvotes", 0}, {"at", p->at}});
      continue;
    }
    json j{{"id", p->id},
           {"kind", core::name_of(p->kind)},
           {"text", p->text},
           {"author", p->author == 0 ? json(nullptr) : json(p->author)},
           {"status", core::name_of(p->status)},
           {"upvotes", p->upvoters.size()},
           {"at", p->at}};
    if (!p->reason.empty()) j["reason"] = p->reason;
    if (p->author != 0) j["author_name"] = s.participants[p->author - 1].name;
    if (p->carried) j["carried"] = true;  // carried forward to the meeting's group (the follow hash is never sent)
    list.push_back(std::move(j));
  }
  return list;
}

json signals(const MeetingState& s, Audience audience, Millis now) {
  const auto counts = signal_counts(s, now);
  json active = json::object();
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const bool shown = audience == Audience::facilitator ? counts[k] > 0 : counts[k] >= s.signal_display_threshold;
    if (shown) active[std::string(core::name_of(static_cast<SignalKind>(k)))] = counts[k];
  }
  return {{"window_seconds", s.signal_window_seconds}, {"display_threshold", s.signal_display_threshold},
          {"counts", std::move(active)}};
}

json agenda(const MeetingState& s, Audience audience, Millis now) {
  json items = json::array();
  for (const auto& item : s.agenda) {
    json decided = json::array();
    for (const auto& d : s.decisions)
      if (d.agenda_item == item.id) decided.push_back(d.id);
    json j{{"id", item.id},
           {"title", item.title},
           {"timebox_minutes", item.timebox_minutes},
           {"used_ms", agenda_time_used(item, now)},
           {"current", s.current_item == item.id},
           {"decisions", std::move(decided)}};
    if (audience == Audience::facilitator) {
      json people_list = json::array();
      for (const auto& [who, ms] : item.spoken_ms) {
        const auto t = item.turns.find(who);
        people_list.push_back({{"participant", who}, {"spoken_ms", ms}, {"turns", t == item.turns.end() ? 0u : t->second}});
      }
      j["figures"] = {{"gini", agenda_item_gini(s, item)}, {"people", std::move(people_list)}};
    }
    items.push_back(std::move(j));
  }
  return {{"current", s.current_item == 0 ? json(nullptr) : json(s.current_item)}, {"items", std::move(items)}};
}

void add_sections(json& out, const MeetingState& s, std::string_view code, Audience audience, Millis now,
                  std::uint32_t mask, std::size_t first_decision) {
  if (mask & section_meeting) out["meeting"] = meeting(s, code, audience);
  if (mask & section_queue) out["queue"] = queue(s);
  if (mask & section_turn) out["turn"] = turn(s, now);
  if (mask & section_round) out["round"] = round(s);
  if (mask & section_polls) out["polls"] = polls(s, audience);
  if (mask & section_proposals) out["proposals"] = proposals(s, audience);
  if (mask & section_decisions) {
    // The chain flag is about the whole record in the state, also when only the new entries are
    // sent: a client holding the earlier ones learns whether the record is still intact.
    out["decisions"] = decisions(s, first_decision);
    out["decisions_chain_ok"] = !verify_decision_chain(s.decisions).has_value();
  }
  if (mask & section_agreement) out["agreement"] = agreement(s, audience);
  if (mask & section_points) out["points"] = points(s, audience);
  if (mask & section_signals) out["signals"] = signals(s, audience, now);
  if (mask & section_agenda) out["agenda"] = agenda(s, audience, now);
}

bool event_shown(const MeetingState& s, const Stamped& stamped, Audience audience) {
  if (lists_everyone(s, audience)) return true;
  ParticipantId who = 0;
  if (const auto* joined = std::get_if<ParticipantJoined>(&stamped.event)) who = joined->id;
  else if (const auto* profile = std::get_if<ProfileChanged>(&stamped.event)) who = profile->id;
  else if (const auto* presence = std::get_if<PresenceChanged>(&stamped.event)) who = presence->id;
  if (who == 0) return true;
  const Role role = s.participants[who - 1].role;
  return role == Role::facilitator || role == Role::co_facilitator;
}

json event(const MeetingState& s, const Stamped& stamped, Audience audience) {
  json j{{"seq", stamped.seq}, {"at", stamped.at}};
  const auto person_of = [&](ParticipantId id) { return person(s.participants[id - 1], audience); };
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, MeetingOpened>) {
          j["kind"] = "meeting_opened";
          j["title"] = e.title;
        } else if constexpr (std::is_same_v<E, PollDrafted>) {
          j["kind"] = "poll_drafted";  // the poll itself is in the facilitators' polls section only
          j["poll"] = e.poll;
        } else if constexpr (std::is_same_v<E, DraftPollOpened>) {
          j["kind"] = "poll_opened";  // to participants, a prepared poll opens as any other
          j["poll"] = e.poll;
        } else if constexpr (std::is_same_v<E, PointsModerationChanged>) {
          j["kind"] = "points_moderation_changed";
          j["moderated"] = e.moderated;
        } else if constexpr (std::is_same_v<E, PointsShownChanged>) {
          j["kind"] = "points_shown_changed";
          j["count"] = e.count;
        } else if constexpr (std::is_same_v<E, CallLinkSet>) {
          j["kind"] = "call_link_changed";  // the link itself is in the meeting section, not on the display
          j["set"] = !e.link.empty();
        } else if constexpr (std::is_same_v<E, GroupAgreementCarried>) {
          j["kind"] = "group_agreement_carried";  // the items are in the agreement section
          j["agreement_version"] = e.link.agreement_version;
        } else if constexpr (std::is_same_v<E, LanguageSet>) {
          j["kind"] = "language_set";
          j["language"] = e.language;
        } else if constexpr (std::is_same_v<E, TimeZoneSet>) {
          j["kind"] = "time_zone_set";
          j["time_zone"] = e.zone;
          j["utc_offset_minutes"] = e.utc_offset_minutes;
        } else if constexpr (std::is_same_v<E, ParticipantJoined>) {
          j["kind"] = "participant_joined";
          j["person"] = person_of(e.id);
        } else if constexpr (std::is_same_v<E, ProfileChanged>) {
          j["kind"] = "profile_changed";
          j["person"] = person_of(e.id);
        } else if constexpr (std::is_same_v<E, PresenceChanged>) {
          j["kind"] = "presence_changed";
          j["person"] = person_of(e.id);
        } else if constexpr (std::is_same_v<E, RoleChanged>) {
          j["kind"] = "role_changed";
          j["person"] = person_of(e.id);
        } else if constexpr (std::is_same_v<E, ParticipantRemoved>) {
          j["kind"] = "participant_removed";
          j["participant"] = e.id;
        } else if constexpr (std::is_same_v<E, MeetingEnded>) {
          j["kind"] = "meeting_ended";
        } else if constexpr (std::is_same_v<E, MeetingScheduled>) {
          j["kind"] = "meeting_scheduled";
        } else if constexpr (std::is_same_v<E, MeetingStarted>) {
          j["kind"] = "meeting_started";
        } else if constexpr (std::is_same_v<E, LockChanged>) {
          j["kind"] = "lock_changed";
          j["locked"] = e.locked;
        } else if constexpr (std::is_same_v<E, HandRaised>) {
          j["kind"] = "hand_raised";
          j["participant"] = e.id;
          j["hand_kind"] = core::name_of(e.kind);
        } else if constexpr (std::is_same_v<E, HandLowered>) {
          j["kind"] = "hand_lowered";
          j["participant"] = e.id;
        } else if constexpr (std::is_same_v<E, EntryRemoved>) {
          j["kind"] = "entry_removed";
          j["participant"] = e.id;
          j["by"] = e.by;
          j["reason"] = e.reason;
        } else if constexpr (std::is_same_v<E, EntryMoved>) {
          j["kind"] = "entry_moved";
          j["participant"] = e.id;
          j["position"] = e.position;
          j["by"] = e.by;
          j["reason"] = e.reason;
        } else if constexpr (std::is_same_v<E, TurnStarted>) {
          j["kind"] = "turn_started";
          j["participant"] = e.id;
          j["by"] = e.by;
          j["in_round"] = e.in_round;
          if (!e.override_reason.empty()) j["override_reason"] = e.override_reason;
          if (e.from_queue) j["waited_ms"] = e.waited_ms;
          j["person"] = person_of(e.id);  // their turns, for facilitators (since 1.1)
        } else if constexpr (std::is_same_v<E, TurnEnded>) {
          j["kind"] = "turn_ended";
          j["participant"] = e.id;
          j["duration_ms"] = e.duration_ms;
          j["person"] = person_of(e.id);  // their spoken_ms, for facilitators (since 1.1)
        } else if constexpr (std::is_same_v<E, PolicyChanged>) {
          j["kind"] = "policy_changed";
          j["policy"] = core::name_of(e.policy);
        } else if constexpr (std::is_same_v<E, TurnLimitChanged>) {
          j["kind"] = "turn_limit_changed";
          j["seconds"] = e.seconds;
        } else if constexpr (std::is_same_v<E, RoundStarted>) {
          j["kind"] = "round_started";
          j["round_no"] = e.round_no;
          j["topic"] = e.topic;
          j["order_kind"] = core::name_of(e.order_kind);
          j["order"] = e.order;
        } else if constexpr (std::is_same_v<E, RoundPassed>) {
          j["kind"] = "round_passed";
          j["participant"] = e.id;
        } else if constexpr (std::is_same_v<E, RoundSkipped>) {
          j["kind"] = "round_skipped";
          j["participant"] = e.id;
          j["reason"] = e.reason;
        } else if constexpr (std::is_same_v<E, RoundEnded>) {
          j["kind"] = "round_ended";
          j["round_no"] = e.round_no;
          j["completed"] = e.completed;
        } else if constexpr (std::is_same_v<E, PollOpened>) {
          j["kind"] = "poll_opened";
          j["poll"] = e.poll;
        } else if constexpr (std::is_same_v<E, VoteRecorded> || std::is_same_v<E, VoterRecorded> ||
                             std::is_same_v<E, BallotCounted>) {
          j["kind"] = "vote_counted";  // never sent: count events go out as sections only
          j["poll"] = e.poll;
        } else if constexpr (std::is_same_v<E, PollClosed>) {
          j["kind"] = "poll_closed";
          j["poll"] = e.poll;
        } else if constexpr (std::is_same_v<E, PollCancelled>) {
          j["kind"] = "poll_cancelled";
          j["poll"] = e.poll;
        } else if constexpr (std::is_same_v<E, ProposalPresented>) {
          j["kind"] = "proposal_presented";
          j["proposal"] = e.proposal;
        } else if constexpr (std::is_same_v<E, ProposalDrafted>) {
          j["kind"] = "proposal_drafted";  // the proposal itself is in the facilitators' proposals section only
          j["proposal"] = e.proposal;
        } else if constexpr (std::is_same_v<E, DraftProposalPresented>) {
          j["kind"] = "proposal_presented";  // to participants, a prepared proposal is presented as any other
          j["proposal"] = e.proposal;
        } else if constexpr (std::is_same_v<E, ConsentPhaseChanged>) {
          j["kind"] = "consent_phase_changed";
          j["proposal"] = e.proposal;
          j["phase"] = core::name_of(e.phase);
        } else if constexpr (std::is_same_v<E, ConsentAnswered>) {
          j["kind"] = "consent_answered";
          j["proposal"] = e.proposal;
          j["participant"] = e.who;
          j["answer"] = core::name_of(e.answer);
        } else if constexpr (std::is_same_v<E, ObjectionWithdrawn>) {
          j["kind"] = "objection_withdrawn";
          j["objection"] = e.objection;
        } else if constexpr (std::is_same_v<E, ProposalAmended>) {
          j["kind"] = "proposal_amended";
          j["proposal"] = e.proposal;
          j["version"] = e.version;
        } else if constexpr (std::is_same_v<E, ProposalRetitled>) {
          j["kind"] = "proposal_retitled";
          j["proposal"] = e.proposal;
          j["title"] = e.title;
        } else if constexpr (std::is_same_v<E, ProposalEnded>) {
          j["kind"] = "proposal_ended";
          j["proposal"] = e.proposal;
          j["outcome"] = core::name_of(e.outcome);
        } else if constexpr (std::is_same_v<E, DecisionRecorded>) {
          j["kind"] = "decision_recorded";
          j["decision"] = e.decision.id;
        } else if constexpr (std::is_same_v<E, AgreementItemProposed>) {
          j["kind"] = "agreement_item_proposed";
          j["item"] = e.item;
        } else if constexpr (std::is_same_v<E, AgreementItemChanged>) {
          j["kind"] = "agreement_item_changed";
          j["item"] = e.item;
          j["status"] = core::name_of(e.status);
        } else if constexpr (std::is_same_v<E, AgreementFlagged>) {
          j["kind"] = "agreement_flagged";  // a count event: never sent
          j["item"] = e.item;
        } else if constexpr (std::is_same_v<E, PointSubmitted>) {
          j["kind"] = "point_submitted";
          j["point"] = e.point;
        } else if constexpr (std::is_same_v<E, PointFollowable>) {
          j["kind"] = "point_followable";  // its author can follow it; the hash is never sent
          j["point"] = e.point;
        } else if constexpr (std::is_same_v<E, PointCarried>) {
          j["kind"] = "point_carried";
          j["point"] = e.point;
        } else if constexpr (std::is_same_v<E, MemberAttended>) {
          j["kind"] = "member_attended";  // never sent: who is a member of the group is never shown
        } else if constexpr (std::is_same_v<E, RolesAssigned>) {
          j["kind"] = "roles_assigned";
        } else if constexpr (std::is_same_v<E, PointUpvoted>) {
          j["kind"] = "point_upvoted";  // a count event: never sent
          j["point"] = e.point;
        } else if constexpr (std::is_same_v<E, PointStatusChanged>) {
          j["kind"] = "point_status_changed";
          j["point"] = e.point;
          j["status"] = core::name_of(e.status);
        } else if constexpr (std::is_same_v<E, SignalSent>) {
          j["kind"] = "signal_sent";  // a count event: never sent
        } else if constexpr (std::is_same_v<E, SignalSettingsChanged>) {
          j["kind"] = "signal_settings_changed";
        } else if constexpr (std::is_same_v<E, AgendaItemAdded>) {
          j["kind"] = "agenda_item_added";
          j["item"] = e.item;
        } else if constexpr (std::is_same_v<E, AgendaItemStarted>) {
          j["kind"] = "agenda_item_started";
          j["item"] = e.item == 0 ? json(nullptr) : json(e.item);
        } else {
          static_assert(sizeof(E) == 0, "every event needs a wire form");
        }
      },
      stamped.event);
  return j;
}

}  // namespace everyvoice::codec::views

namespace everyvoice::codec {

using namespace everyvoice::core;

std::uint32_t sections_of(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::uint32_t {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, MeetingEnded>)
          return section_meeting | section_queue | section_turn | section_round;
        else if constexpr (std::is_same_v<E, MeetingOpened> || std::is_same_v<E, TimeZoneSet> || std::is_same_v<E, LanguageSet> ||
                           std::is_same_v<E, MeetingScheduled> || std::is_same_v<E, MeetingStarted> || std::is_same_v<E, CallLinkSet> ||
                           std::is_same_v<E, PointsShownChanged> || std::is_same_v<E, PointsModerationChanged> ||
                           std::is_same_v<E, LockChanged> ||
                      std::is_same_v<E, TurnLimitChanged>)
          return section_meeting | section_turn;
        else if constexpr (std::is_same_v<E, PolicyChanged>)
          return section_meeting | section_queue;
        else if constexpr (std::is_same_v<E, ProfileChanged> || std::is_same_v<E, PresenceChanged>)
          return section_queue | section_turn | section_round;
        else if constexpr (std::is_same_v<E, ParticipantJoined> || std::is_same_v<E, RoleChanged> ||
                           std::is_same_v<E, ParticipantRemoved>)
          return section_meeting | section_queue | section_turn | section_round;  // and the count
        else if constexpr (std::is_same_v<E, HandRaised> || std::is_same_v<E, HandLowered> ||
                           std::is_same_v<E, EntryRemoved> || std::is_same_v<E, EntryMoved>)
          return section_queue;
        else if constexpr (std::is_same_v<E, TurnStarted> || std::is_same_v<E, TurnEnded>)
          return section_queue | section_turn | section_round | section_agenda;
        else if constexpr (std::is_same_v<E, RoundStarted> || std::is_same_v<E, RoundPassed> ||
                           std::is_same_v<E, RoundSkipped> || std::is_same_v<E, RoundEnded>)
          return section_round | section_turn;
        else if constexpr (std::is_same_v<E, PollOpened> || std::is_same_v<E, PollDrafted> ||
                           std::is_same_v<E, DraftPollOpened> || std::is_same_v<E, VoteRecorded> ||
                           std::is_same_v<E, VoterRecorded> || std::is_same_v<E, BallotCounted> ||
                           std::is_same_v<E, PollClosed> || std::is_same_v<E, PollCancelled>)
          return section_polls;
        else if constexpr (std::is_same_v<E, ProposalPresented> || std::is_same_v<E, ProposalDrafted> ||
                           std::is_same_v<E, DraftProposalPresented> || std::is_same_v<E, ConsentPhaseChanged> ||
                           std::is_same_v<E, ConsentAnswered> || std::is_same_v<E, ObjectionWithdrawn> ||
                           std::is_same_v<E, ProposalAmended> || std::is_same_v<E, ProposalRetitled> ||
                           std::is_same_v<E, ProposalEnded>)
          return section_proposals;
        else if constexpr (std::is_same_v<E, DecisionRecorded>)
          return section_decisions | section_agenda;
        else if constexpr (std::is_same_v<E, AgreementItemProposed> || std::is_same_v<E, AgreementItemChanged> ||
                           std::is_same_v<E, AgreementFlagged>)
          return section_agreement;
        else if constexpr (std::is_same_v<E, GroupAgreementCarried>)
          return section_meeting | section_agreement;
        else if constexpr (std::is_same_v<E, RolesAssigned>)
          return section_meeting;
        else if constexpr (std::is_same_v<E, MemberAttended>)
          return 0;
        else if constexpr (std::is_same_v<E, PointSubmitted> || std::is_same_v<E, PointUpvoted> ||
                           std::is_same_v<E, PointFollowable> || std::is_same_v<E, PointCarried> ||
                           std::is_same_v<E, PointStatusChanged>)
          return section_points;
        else if constexpr (std::is_same_v<E, SignalSent> || std::is_same_v<E, SignalSettingsChanged>)
          return section_signals;
        else if constexpr (std::is_same_v<E, AgendaItemAdded> || std::is_same_v<E, AgendaItemStarted>)
          return section_agenda;
        else
          static_assert(sizeof(E) == 0, "every event needs its sections");
      },
      event);
}

bool is_count_event(const Event& event) {
  return std::holds_alternative<VoteRecorded>(event) || std::holds_alternative<VoterRecorded>(event) ||
         std::holds_alternative<BallotCounted>(event) || std::holds_alternative<PointUpvoted>(event) ||
         std::holds_alternative<AgreementFlagged>(event) || std::holds_alternative<SignalSent>(event) ||
         std::holds_alternative<MemberAttended>(event);
}

bool is_batched_event(const Event& event) {
  return std::holds_alternative<ParticipantJoined>(event) || std::holds_alternative<PresenceChanged>(event) ||
         std::holds_alternative<MemberAttended>(event);
}

}  // namespace everyvoice::codec
