// What a database behind the event log does (store/event_log.hpp): reads a meeting's rows, and
// commits rows in one transaction. The log decides everything else in one place for every
// database: which rows a command writes (an anonymous ballot apart from its event, the ballots a
// cancelled or withheld poll drops), group commit, the writer thread, the meetings whose writes
// failed. Two backends: SQLite (store/sqlite_backend.cpp, the embedded default) and PostgreSQL
// (store/postgres_backend.cpp).
//
// A backend is used by one thread at a time: the caller's before EventLog::start(), then the
// writer's. Its methods throw std::runtime_error on failure, after rolling back what they began.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/types.hpp"

namespace everyvoice::store {

// Rows one group commit writes, in order. Bodies are already encoded (store/event_format.hpp).
namespace row {
struct Event {  // events(meeting, seq, at, body)
  std::int64_t meeting;
  core::Seq seq;
  core::Millis at;
  std::string body;
};
struct Ballot {  // ballots: a random id, the meeting, the poll, the ballot; no person, seq or time
  std::int64_t meeting;
  std::uint32_t poll;
  std::string body;
};
struct DropBallots {  // every ballot of a poll
  std::int64_t meeting;
  std::uint32_t poll;
};
struct PollClosed {  // a poll's ballots stay, but nothing may keep the order they were written in
  std::int64_t meeting;
  std::uint32_t poll;
};
struct Ended {  // meetings.ended_at
  std::int64_t meeting;
  core::Millis at;
};
struct Token {  // tokens(hash, meeting, participant)
  std::int64_t meeting;
  std::string hash;
  core::ParticipantId participant;
};
struct Command {  // commands: insert or replace, then keep the person's newest `keep` only
  std::int64_t meeting;
  core::ParticipantId participant;
  std::string client_id;
  core::Seq seq;
  std::uint64_t fingerprint;
  std::size_t keep;
};
struct Snapshot {  // snapshots(meeting, seq, body): insert or replace
  std::int64_t meeting;
  core::Seq seq;
  std::string body;
};
using Any = std::variant<Event, Ballot, DropBallots, PollClosed, Ended, Token, Command, Snapshot>;
}  // namespace row

struct MeetingRow {
  std::int64_t id = 0;
  std::string code;
  std::string key_hash;
  core::Millis created_at = 0;
  std::optional<core::Millis> ended_at;
};

struct GroupRow {
  std::int64_t id = 0;
  std::string code;
  std::string key_hash;
  core::Millis created_at = 0;
};

struct EventRow {
  core::Seq seq = 0;
  core::Millis at = 0;
  std::string body;
};

class Backend {
 public:
  virtual ~Backend() = default;

  // Reading (a meeting or group is read whole before it is served).
  virtual std::vector<std::int64_t> meeting_ids() = 0;
  virtual std::optional<MeetingRow> meeting(std::int64_t id) = 0;
  virtual std::optional<EventRow> snapshot(std::int64_t meeting) = 0;
  // Events with seq > after, in seq order.
  virtual void events(std::int64_t meeting, core::Seq after, const std::function<void(EventRow)>& each) = 0;
  // The newest `count` events, in seq order.
  virtual std::vector<EventRow> recent_events(std::int64_t meeting, std::size_t count) = 0;
  virtual void ballots(std::int64_t meeting, const std::function<void(std::uint32_t poll, std::string body)>& each) = 0;
  virtual void tokens(std::int64_t meeting, const std::function<void(std::string hash, core::ParticipantId)>& each) = 0;
  virtual void commands(std::int64_t meeting,
                        const std::function<void(core::ParticipantId, std::string client_id, core::Seq seq,
                                                 std::uint64_t fingerprint)>& each) = 0;
  virtual std::vector<GroupRow> groups() = 0;
  virtual void group_events(std::int64_t group, const std::function<void(EventRow)>& each) = 0;

  // Writing, each in one transaction.
  virtual std::int64_t create_meeting(const MeetingRow& meeting, const std::vector<row::Event>& events) = 0;  // its id
  virtual void commit(const std::vector<row::Any>& rows) = 0;
  virtual void delete_meeting(std::int64_t id) = 0;
  virtual std::vector<std::int64_t> ended_before(core::Millis cutoff) = 0;
  virtual std::int64_t create_group(const GroupRow& group, const std::vector<EventRow>& events) = 0;  // its id
  // Appends events, and replaces the bodies of the events numbered in `redact` by `redacted`; an
  // event to redact that is not stored is an error (data would stay while the log says it went).
  virtual void append_group(std::int64_t group, const std::vector<EventRow>& events, const std::vector<core::Seq>& redact,
                            std::string_view redacted) = 0;
  virtual void delete_group(std::int64_t id) = 0;

  // After a commit that removed or replaced data that must not linger (a closed anonymous poll, a
  // deletion, a redaction): make the database drop its old copies. False when it cannot yet (a
  // reader holds them); the log tries again after each commit and every second.
  virtual bool scrub() = 0;

  // Bytes the database takes, where the backend can tell (0 when it cannot).
  virtual std::uint64_t bytes() = 0;
  // Where the data is, for log lines: never with a password.
  virtual std::string describe() const = 0;
};

}  // namespace everyvoice::store
