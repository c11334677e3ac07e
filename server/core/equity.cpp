#include "core/equity.hpp"

#include <algorithm>
#include <functional>
#include <numeric>

namespace everyvoice::core {

double gini_coefficient(std::vector<Millis> values) {
  const std::size_t n = values.size();
  if (n == 0) return 0.0;
  std::sort(values.begin(), values.end());
  long double total = 0;
  long double weighted = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total += static_cast<long double>(values[i]);
    weighted += static_cast<long double>(i + 1) * static_cast<long double>(values[i]);
  }
  if (total == 0) return 0.0;
  // With values sorted ascending and ranks 1..n: G = 2 * sum(i * x_i) / (n * sum x) - (n + 1) / n.
  const long double g = 2.0L * weighted / (static_cast<long double>(n) * total) -
                        static_cast<long double>(n + 1) / static_cast<long double>(n);
  return static_cast<double>(std::max<long double>(0.0L, g));
}

double top_fifth_share(std::vector<Millis> values) {
  const std::size_t n = values.size();
  const Millis total = std::accumulate(values.begin(), values.end(), Millis{0});
  if (n == 0 || total == 0) return 0.0;
  const std::size_t k = (n + 4) / 5;
  std::partial_sort(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end(), std::greater<>());
  const Millis top = std::accumulate(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), Millis{0});
  return static_cast<double>(top) / static_cast<double>(total);
}

EquityFigures equity_figures(const MeetingState& s, Millis now) {
  EquityFigures f;
  std::vector<Millis> present_times;
  std::array<GroupFigures*, 2> groups{&f.in_room, &f.remote};
  std::uint32_t present_count = 0;

  for (const auto& p : s.participants) {
    Millis spoken = p.spoken_ms;
    if (s.turn && s.turn->who == p.id) spoken += std::max<Millis>(0, now - s.turn->started_at);
    const bool present = is_present(p);
    if (!present && p.turns == 0) continue;
    if (p.role == Role::observer && p.turns == 0) continue;
    f.people.push_back(PersonFigures{p.id, p.name, p.location, present, p.proxy, spoken, p.turns, 0.0});
    f.total_spoken_ms += spoken;
    GroupFigures& g = *groups[static_cast<std::size_t>(p.location)];
    g.spoken_ms += spoken;
    if (present) {
      ++present_count;
      ++g.people;
      present_times.push_back(spoken);
      if (p.turns == 0 && p.role != Role::facilitator) f.not_spoken.push_back(p.id);
    }
  }

  for (auto& person : f.people)
    person.share = f.total_spoken_ms > 0
                       ? static_cast<double>(person.spoken_ms) / static_cast<double>(f.total_spoken_ms)
                       : 0.0;
  for (std::size_t i = 0; i < 2; ++i) {
    GroupFigures& g = *groups[i];
    const WaitStats& w = s.waits[i];
    g.people_share = present_count > 0 ? static_cast<double>(g.people) / present_count : 0.0;
    g.speaking_share = f.total_spoken_ms > 0 ? static_cast<double>(g.spoken_ms) / static_cast<double>(f.total_spoken_ms) : 0.0;
    g.waits = w.count;
    g.mean_wait_ms = w.count > 0 ? w.total_ms / w.count : 0;
    g.longest_wait_ms = w.longest_ms;
  }
  // Someone still waiting counts too: a starved person must show, not only those who were called.
  for (const auto& q : s.queue) {
    const auto& p = s.participants[q.who - 1];
    GroupFigures& g = *groups[static_cast<std::size_t>(p.location)];
    const Millis waited = std::max<Millis>(0, now - q.raised_at);
    ++g.waiting;
    g.longest_waiting_ms = std::max(g.longest_waiting_ms, waited);
    g.longest_wait_ms = std::max(g.longest_wait_ms, waited);
  }
  f.top_fifth_share = top_fifth_share(present_times);
  f.gini = gini_coefficient(std::move(present_times));
  f.overrides = s.overrides;
  return f;
}

}  // namespace everyvoice::core
