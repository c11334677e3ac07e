#include "core/signals.hpp"

#include "core/rules.hpp"

namespace everyvoice::core {

std::array<std::uint32_t, signal_kind_count> signal_counts(const MeetingState& s, Millis now) {
  std::array<std::uint32_t, signal_kind_count> counts{};
  const Millis since = now - Millis{s.signal_window_seconds} * 1000;
  for (const auto& mark : s.signals)
    if (mark.at > since && mark.at <= now) ++counts[static_cast<std::size_t>(mark.kind)];
  return counts;
}

namespace rules {

Outcome decide_command(const Context& ctx, const SendSignal& c) {
  const Participant* p = ctx.actor_participant();
  if (!p || p->role == Role::observer) return not_allowed("send a signal");
  return Outcome::of({SignalSent{c.kind}});
}

Outcome decide_command(const Context& ctx, const SetSignalSettings& c) {
  if (!ctx.actor_is_facilitator()) return not_allowed("change the signal settings");
  if (c.window_seconds < 10 || c.window_seconds > 3600)
    return Outcome::reject(ErrorCode::invalid_argument, "the window is from 10 to 3600 seconds");
  if (c.display_threshold < 1 || c.display_threshold > 1000)
    return Outcome::reject(ErrorCode::invalid_argument, "the display threshold is from 1 to 1000 people");
  return Outcome::of({SignalSettingsChanged{c.window_seconds, c.display_threshold}});
}

void apply_event(MeetingState& s, const SignalSent& e, Millis at) {
  // Marks older than the window can never count again: forget them.
  const Millis since = at - Millis{s.signal_window_seconds} * 1000;
  std::erase_if(s.signals, [&](const SignalMark& m) { return m.at <= since; });
  s.signals.push_back(SignalMark{e.kind, at});
}

void apply_event(MeetingState& s, const SignalSettingsChanged& e, Millis) {
  s.signal_window_seconds = e.window_seconds;
  s.signal_display_threshold = e.display_threshold;
}

}  // namespace rules
}  // namespace everyvoice::core
