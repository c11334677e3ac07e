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

// A write of a meeting this server holds by lease (shared databases): committed only while the
// lease still has this epoch, i.e. no other server took the meeting over.
struct Fence {
  std::int64_t meeting;
  std::int64_t epoch;
};

// A lease this server holds, as its renewal found it.
struct HeldLease {
  std::int64_t meeting = 0;
  std::int64_t epoch = 0;
  bool wanted = false;  // another server asks for the meeting (a client of it was sent there)
};

// What claiming a meeting gave.
struct Claim {
  std::int64_t meeting = 0;  // 0: no meeting has this code
  std::int64_t epoch = 0;    // 0: another live server holds it (`holder`), and was asked to let it go
  std::string holder;
};

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
  virtual std::optional<std::int64_t> meeting_id(const std::string& code) = 0;
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
  // Commits `rows`, except those of meetings whose fence fails: their ids are returned, nothing of
  // them is written. The fences are checked in the same transaction, which keeps the leases from
  // changing hands until it ends.
  virtual std::vector<std::int64_t> commit(const std::vector<row::Any>& rows, const std::vector<Fence>& fences) = 0;
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

  // Servers that share one database (PostgreSQL): each meeting has one owner at a time, by a lease
  // (owner, epoch, expiry) kept in the database and renewed while the owner serves it. A takeover
  // raises the epoch; a write under an older epoch is refused (Fence). SQLite has one server: it
  // is not shared and these are never called.
  virtual bool shared() const { return false; }
  // This server's name in the leases, and how long a lease lasts unrenewed.
  virtual void set_owner(const std::string& node, std::int64_t lease_ms) = 0;
  // Takes the lease of the meeting with this code when it is free, expired, or this server's.
  virtual Claim claim(const std::string& code) = 0;
  // Extends the leases of these meetings while this server holds them; returns the ones it still
  // holds (a lease taken over is not).
  virtual std::vector<HeldLease> renew(const std::vector<std::int64_t>& meetings) = 0;
  // Lets a meeting go: the lease expires now, for whoever asks next.
  virtual void release(std::int64_t meeting, std::int64_t epoch) = 0;

  // Bytes the database takes, where the backend can tell (0 when it cannot).
  virtual std::uint64_t bytes() = 0;
  // Where the data is, for log lines: never with a password.
  virtual std::string describe() const = 0;
};

}  // namespace everyvoice::store
