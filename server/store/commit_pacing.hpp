// When the event log's writer commits the writes waiting for it: at once, or a moment later with
// more of them. A pure policy: no threads, no clock of its own; the writer tells it each commit
// and asks it before the next.
//
// Every commit costs an fsync (synchronous=FULL), and on a virtual machine's disk an fsync costs
// far more CPU than the rows it carries. A group commit takes what arrived during the last one;
// when many people act at once (5,000 votes in 2 s) each commit still carries one or two writes,
// because each is quick. So, as PostgreSQL's commit_delay with commit_siblings: when the recent
// writes came from at least `siblings` different people (meeting and person), the writer starts
// a commit no sooner than `window` after the start of the last one, and the writes that arrive
// meanwhile share it. Each of those commands waits at most `window` longer for its ack.
//
// One person sending as fast as they can (their next command waits for the last one's ack) gains
// nothing from waiting, as nothing else would arrive: with fewer than `siblings` people the writer
// commits at once. Nothing here changes durability: every command is still acknowledged only
// after the commit that holds it is on disk.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace everyvoice::store {

class CommitPacing {
 public:
  using Time = std::chrono::steady_clock::time_point;
  // Who a write is for: a meeting and a person in it (0: the server).
  struct Writer {
    std::int64_t meeting = 0;
    std::uint32_t person = 0;
    bool operator==(const Writer&) const = default;
  };
  static constexpr std::size_t remembered = 16;  // the recent writes whose people are counted

  // window 0: always at once.
  CommitPacing(std::chrono::microseconds window, std::size_t siblings) : window_(window), siblings_(siblings) {}

  // A commit that started at `started` carried a write for `writer` (called once per write).
  void wrote(Writer writer, Time started);
  // When the next commit may start, for writes waiting at `now`: nothing means at once.
  std::optional<Time> start_at(Time now) const;
  // Different people among the remembered writes.
  std::size_t recent_people() const;

 private:
  std::chrono::microseconds window_;
  std::size_t siblings_;
  std::array<Writer, remembered> recent_{};
  std::size_t count_ = 0;  // writes remembered (at most `remembered`)
  std::size_t next_ = 0;   // where the next one goes
  std::optional<Time> last_start_;
};

}  // namespace everyvoice::store
