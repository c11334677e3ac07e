// The event log's PostgreSQL backend (--store=postgresql://...), for servers that share one
// database (README, "When one machine is not enough"). One connection (libpq), used by the log's
// writer thread; a group commit is sent as one pipeline whose statements form one implicit
// transaction, committed at its sync point before any command of it is acknowledged. The layout
// version is kept in the everyvoice_schema table; several servers starting at once create the
// tables once (under an advisory lock).
//
// Anonymous ballots: rows with a random uuid, no person, seq or time. A heap keeps rows in the
// order they were written, so when a poll closes its ballots are rewritten in sorted order in the
// same transaction, and scrub() vacuums the tables. Unlike SQLite's secure_delete, PostgreSQL does
// not overwrite the bytes of removed rows in its files and write-ahead log at once: they stay until
// PostgreSQL reuses that space (README, "What PostgreSQL keeps").
//
// Leases (table `leases`): a meeting is served by the one server whose lease on it is live. The
// database's clock decides expiry, so the servers' clocks need not agree. Claiming a meeting
// held by another live server marks it wanted; that server lets it go at its next renewal.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "store/backend.hpp"

struct pg_conn;

namespace everyvoice::store {

enum class Durability;

class PostgresBackend final : public Backend {
 public:
  // Connects (libpq's URL: postgresql://user@host:port/db?options; a password belongs in
  // ~/.pgpass or PGPASSWORD, not in the URL) and creates or migrates the tables. nullptr with
  // `error` set on failure; the error never holds the password.
  static std::unique_ptr<PostgresBackend> open(const std::string& url, Durability durability, std::string& error);
  ~PostgresBackend() override;

  std::vector<std::int64_t> meeting_ids() override;
  std::optional<std::int64_t> meeting_id(const std::string& code) override;
  std::optional<MeetingRow> meeting(std::int64_t id) override;
  std::optional<EventRow> snapshot(std::int64_t meeting) override;
  void events(std::int64_t meeting, core::Seq after, const std::function<void(EventRow)>& each) override;
  std::vector<EventRow> recent_events(std::int64_t meeting, std::size_t count) override;
  void ballots(std::int64_t meeting, const std::function<void(std::uint32_t, std::string)>& each) override;
  void tokens(std::int64_t meeting, const std::function<void(std::string, core::ParticipantId)>& each) override;
  void commands(std::int64_t meeting,
                const std::function<void(core::ParticipantId, std::string, core::Seq, std::uint64_t)>& each) override;
  std::vector<GroupRow> groups() override;
  void group_events(std::int64_t group, const std::function<void(EventRow)>& each) override;

  std::int64_t create_meeting(const MeetingRow& meeting, const std::vector<row::Event>& events) override;
  std::vector<std::int64_t> commit(const std::vector<row::Any>& rows, const std::vector<Fence>& fences) override;
  void delete_meeting(std::int64_t id) override;
  std::vector<std::int64_t> ended_before(core::Millis cutoff) override;
  std::int64_t create_group(const GroupRow& group, const std::vector<EventRow>& events) override;
  void append_group(std::int64_t group, const std::vector<EventRow>& events, const std::vector<core::Seq>& redact,
                    std::string_view redacted) override;
  void delete_group(std::int64_t id) override;
  bool scrub() override;
  std::uint64_t bytes() override;
  std::string describe() const override;
  bool shared() const override { return true; }
  void set_owner(const std::string& node, std::int64_t lease_ms) override;
  Claim claim(const std::string& code) override;
  std::vector<HeldLease> renew(const std::vector<std::int64_t>& meetings) override;
  void release(std::int64_t meeting, std::int64_t epoch) override;

  class Pipeline;  // statements sent together, one transaction (postgres_backend.cpp)
  void note_skipped() { skipped_ = true; }  // a VACUUM passed over a table another one held

 private:
  PostgresBackend(pg_conn* conn, std::string description, bool synchronous)
      : conn_(conn), description_(std::move(description)), synchronous_(synchronous) {}
  // Reconnects when the connection was lost (a restarted database); statements are prepared again.
  void ensure_connected();
  void configure_session();
  // The name of `sql` prepared on this connection (prepared on first use).
  const std::string& prepared(const char* sql);
  // Sends `rows` but those of meetings `skipped` says, as one pipeline; `then_commit` ends the
  // explicit transaction commit() began.
  template <class Skip>
  void commit_rows(const std::vector<row::Any>& rows, const Skip& skipped, bool then_commit);

  pg_conn* conn_;
  std::string description_;
  bool synchronous_;
  std::map<const char*, std::string> statements_;
  bool skipped_ = false;
  std::string node_;
  std::int64_t lease_ms_ = 6000;
};

}  // namespace everyvoice::store
