#include "core/agenda.hpp"

#include "core/equity.hpp"
#include "core/rules.hpp"
#include "core/text.hpp"

namespace everyvoice::core {

Millis agenda_time_used(const AgendaItem& item, Millis now) {
  return item.used_ms + (item.started_at ? std::max<Millis>(0, now - *item.started_at) : 0);
}

double agenda_item_gini(const MeetingState& s, const AgendaItem& item) {
  std::vector<Millis> times;
  for (const auto& p : s.participants) {
    if (!is_present(p)) continue;
    const auto it = item.spoken_ms.find(p.id);
    times.push_back(it == item.spoken_ms.end() ? 0 : it->second);
  }
  return gini_coefficient(std::move(times));
}

namespace rules {

Outcome decide_command(const Context& ctx, const AddAgendaItem& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("change the agenda");
  if (auto bad = check_text(c.title, max_title_chars, "An agenda item", true)) return *bad;
  if (c.timebox_minutes > 600) return Outcome::reject(ErrorCode::invalid_argument, "a timebox is at most 600 minutes");
  if (ctx.state.agenda.size() >= 100) return Outcome::reject(ErrorCode::invalid_argument, "an agenda holds at most 100 items");
  return Outcome::of({AgendaItemAdded{static_cast<std::uint32_t>(ctx.state.agenda.size() + 1),
                                      std::string(trim(c.title)), c.timebox_minutes}});
}

Outcome decide_command(const Context& ctx, const StartAgendaItem& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("change the agenda");
  if (c.item > ctx.state.agenda.size())
    return Outcome::reject(ErrorCode::not_found, "there is no agenda item " + std::to_string(c.item));
  if (ctx.state.current_item == c.item) return Outcome::of({});
  return Outcome::of({AgendaItemStarted{c.item}});
}

void apply_event(MeetingState& s, const AgendaItemAdded& e, Millis) {
  AgendaItem item;
  item.id = e.item;
  item.title = e.title;
  item.timebox_minutes = e.timebox_minutes;
  s.agenda.push_back(std::move(item));
}

void apply_event(MeetingState& s, const AgendaItemStarted& e, Millis at) {
  if (s.current_item != 0) {
    auto& previous = s.agenda[s.current_item - 1];
    previous.used_ms = agenda_time_used(previous, at);
    previous.started_at.reset();
  }
  s.current_item = e.item;
  if (e.item != 0) s.agenda[e.item - 1].started_at = at;
}

}  // namespace rules
}  // namespace everyvoice::core
