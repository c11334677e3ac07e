// The event log's SQLite backend (the embedded default): one file in the data folder, WAL mode,
// its layout version in PRAGMA user_version with migrations from every earlier one. Freed pages
// are zeroed (secure_delete) and scrub() checkpoints and truncates the WAL, so deleted and closed
// data leaves no copy in the files.
#pragma once

#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>

#include "store/backend.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace everyvoice::store {

enum class Durability;

class SqliteBackend final : public Backend {
 public:
  // Opens (or creates and migrates) the database at `path`. nullptr with `error` set on failure.
  // `note` hears each migration of an existing database as it starts and ends (some take seconds).
  static std::unique_ptr<SqliteBackend> open(const std::string& path, Durability durability, std::string& error,
                                             const std::function<void(const std::string&)>& note = {});
  ~SqliteBackend() override;

  // An online backup of the database at `path` into `destination` (SQLite's backup API: a
  // consistent copy while the server runs), checked with integrity_check. Runs in its own
  // connection, a reader: no write of the server waits for it.
  static bool backup(const std::string& path, const std::string& destination, std::string& report);
  // One meeting's stored events as JSON lines (seq, at, tag, bytes in hex, and whether this
  // version can read them), for an operator whose meeting could not be loaded.
  static bool export_events(const std::string& path, std::int64_t meeting, std::ostream& out, std::string& error);

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
  // One server owns every meeting of a SQLite file: no leases.
  void set_owner(const std::string&, std::int64_t) override {}
  Claim claim(const std::string& code) override;
  std::vector<HeldLease> renew(const std::vector<std::int64_t>&) override { return {}; }
  void release(std::int64_t, std::int64_t) override {}
  std::uint64_t bytes() override;
  std::string describe() const override;

 private:
  SqliteBackend(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  // The writer's statements, prepared once (a commit used to spend a fifth of its time preparing).
  sqlite3_stmt* cached(const char* sql);
  void delete_rows(std::initializer_list<const char*> sqls, std::int64_t id);
  template <class F>
  void transaction(F&& body);

  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace everyvoice::store
