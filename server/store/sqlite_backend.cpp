#include "store/sqlite_backend.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <random>
#include <stdexcept>

#include "store/event_format.hpp"
#include "store/event_log.hpp"

namespace everyvoice::store {
namespace {

using core::Millis;

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS meetings(
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  key_hash BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  ended_at INTEGER);
CREATE TABLE IF NOT EXISTS events(
  meeting INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY(meeting, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ballots(
  id INTEGER NOT NULL,
  meeting INTEGER NOT NULL,
  poll INTEGER NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY(meeting, poll, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshots(
  meeting INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
  hash BLOB PRIMARY KEY,
  meeting INTEGER NOT NULL,
  participant INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS commands(
  meeting INTEGER NOT NULL,
  participant INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  fingerprint INTEGER NOT NULL,
  PRIMARY KEY(meeting, participant, seq, client_id)) WITHOUT ROWID;
)sql";

// The database's layout version, kept in PRAGMA user_version. 0 is 722a9e2's (which set none).
// migrations[v] takes a database from version v to v + 1, in one transaction with the new number,
// when a newer binary opens it; an older binary refuses a database whose number it does not know.
constexpr int schema_version = 5;
struct Migration {
  const char* what;  // for the log, while it runs
  const char* sql;
};
constexpr Migration migrations[schema_version] = {
    // 1: exactly-once keeps each person's newest commands only; pruning finds them by this index.
    {"an index of commands by person",
     "CREATE INDEX IF NOT EXISTS commands_by_person ON commands(meeting, participant, seq);"},
    // 2: groups (core/group.hpp): each with its code, the hash of its key, and its own events.
    {"the groups' tables",
     "CREATE TABLE IF NOT EXISTS groups(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, key_hash BLOB NOT NULL,"
     " created_at INTEGER NOT NULL);"
     "CREATE TABLE IF NOT EXISTS group_events(grp INTEGER NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL,"
     " body BLOB NOT NULL, PRIMARY KEY(grp, seq)) WITHOUT ROWID;"},
    // 3: ballots in one B-tree keyed by (meeting, poll, random id), no longer a table by random rowid
    // plus an index by poll: a vote writes one page of ballots, not two (a 5,000-vote storm wrote
    // 58 MB, now 41 MB). The rows are copied as they are, in the new key's order (about 5 s for a
    // million ballots), which also erases the voting order that the old pages kept (see 5);
    // secure_delete zeroes the old table's pages.
    {"the ballots table is rebuilt, keyed by poll",
     "CREATE TABLE ballots_v3(id INTEGER NOT NULL, meeting INTEGER NOT NULL, poll INTEGER NOT NULL, body BLOB NOT NULL,"
     " PRIMARY KEY(meeting, poll, id)) WITHOUT ROWID;"
     "INSERT INTO ballots_v3(id, meeting, poll, body) SELECT id, meeting, poll, body FROM ballots ORDER BY meeting, poll, id;"
     "DROP TABLE ballots;"
     "ALTER TABLE ballots_v3 RENAME TO ballots;"},
    // 4: each person's remembered commands in one B-tree keyed by (meeting, person, seq, id), no
    // longer keyed by id with an index by seq: a command writes one page of them, not two, and
    // pruning a person's oldest walks the key. An id used again replaces its old row, as before.
    {"the commands table is rebuilt, keyed by person and seq",
     "CREATE TABLE commands_v4(meeting INTEGER NOT NULL, participant INTEGER NOT NULL, client_id TEXT NOT NULL,"
     " seq INTEGER NOT NULL, fingerprint INTEGER NOT NULL, PRIMARY KEY(meeting, participant, seq, client_id)) WITHOUT ROWID;"
     "INSERT INTO commands_v4(meeting, participant, client_id, seq, fingerprint)"
     " SELECT meeting, participant, client_id, seq, fingerprint FROM commands ORDER BY meeting, participant, seq, client_id;"
     "DROP TABLE commands;"
     "ALTER TABLE commands_v4 RENAME TO commands;"},
    // 5: a closed poll's ballots. SQLite writes each new cell of a page below the one before, so
    // where a ballot lies in its page tells when it was written, whatever its key: beside the
    // events' "has voted", that is who voted what. Closing a poll moves its ballots here in the
    // order of their random ids, and deletes (zeroes) them in `ballots`; the WAL is then emptied.
    {"a table for the ballots of closed polls",
     "CREATE TABLE IF NOT EXISTS closed_ballots(id INTEGER NOT NULL, meeting INTEGER NOT NULL, poll INTEGER NOT NULL,"
     " body BLOB NOT NULL, PRIMARY KEY(meeting, poll, id)) WITHOUT ROWID;"},
};

std::string last_error(sqlite3* db) { return sqlite3_errmsg(db); }

// A prepared statement, finalized when it goes out of scope.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) throw std::runtime_error(last_error(db));
  }
  // A statement from the log's cache: reset for its next use instead of finalized.
  Statement(sqlite3* db, sqlite3_stmt* cached) : db_(db), stmt_(cached), owned_(false) {}
  ~Statement() {
    if (owned_) {
      sqlite3_finalize(stmt_);
    } else {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind_blob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind_text(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // One step of a query: true while there is a row.
  bool row() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(last_error(db_));
  }
  // Runs a statement that returns no rows, then resets it for the next use.
  int run() {
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    if (rc != SQLITE_DONE) return rc;
    return SQLITE_OK;
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string blob(int col) const {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool owned_ = true;
};

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string error = message ? message : "sqlite error";
    sqlite3_free(message);
    throw std::runtime_error(error);
  }
}

int user_version(sqlite3* db) {
  Statement q(db, "PRAGMA user_version");
  return q.row() ? static_cast<int>(q.integer(0)) : 0;
}

std::int64_t random_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto id = static_cast<std::int64_t>(rng() >> 1);  // 0 .. 2^63 - 1
  return id == 0 ? 1 : id;
}


template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

}  // namespace

std::unique_ptr<SqliteBackend> SqliteBackend::open(const std::string& path, Durability durability, std::string& error,
                                                   const std::function<void(const std::string&)>& note) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    error = db ? last_error(db) : "cannot open the database";
    sqlite3_close(db);
    return nullptr;
  }
  try {
    sqlite3_busy_timeout(db, 5000);
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, durability == Durability::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec(db, "PRAGMA secure_delete=ON");
    exec(db, "PRAGMA foreign_keys=OFF");
    const int found = user_version(db);
    if (found > schema_version)
      throw std::runtime_error("this database was written by a newer everyvoice (storage schema " + std::to_string(found) +
                               "; this version reads up to " + std::to_string(schema_version) +
                               "). Run that version or a newer one, or restore a backup made by this one. Nothing was changed.");
    // A new database is created by `schema` (the base tables, some already in their newest layout)
    // and the migrations, which then have little or nothing to move; they run in silence.
    const bool fresh = !Statement(db, "SELECT 1 FROM sqlite_master WHERE name = 'meetings'").row();
    exec(db, schema);
    for (int v = found; v < schema_version; ++v) {
      const auto started = std::chrono::steady_clock::now();
      if (!fresh && note)
        note("upgrading the database from storage schema " + std::to_string(v) + " to " + std::to_string(v + 1) + ": " +
             migrations[v].what + " (one transaction: if stopped, it runs again at the next start)");
      try {
        exec(db, "BEGIN IMMEDIATE");
        exec(db, migrations[v].sql);
        exec(db, ("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
        exec(db, "COMMIT");
      } catch (const std::exception& e) {
        throw std::runtime_error("upgrading the database from storage schema " + std::to_string(v) + " to " +
                                 std::to_string(v + 1) + " failed (" + e.what() + "); that step changed nothing");
      }
      if (!fresh && note) {
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        note("storage schema " + std::to_string(v + 1) + " reached in " + std::to_string(ms.count()) + " ms");
      }
    }
  } catch (const std::exception& e) {
    error = e.what();
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return nullptr;
  }
  return std::unique_ptr<SqliteBackend>(new SqliteBackend(db, path));
}

SqliteBackend::~SqliteBackend() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

std::string SqliteBackend::describe() const { return "SQLite " + path_; }

sqlite3_stmt* SqliteBackend::cached(const char* sql) {
  auto& stmt = statements_[sql];
  if (!stmt && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    stmt = nullptr;
    throw std::runtime_error(last_error(db_));
  }
  return stmt;
}

// Runs `body` between BEGIN IMMEDIATE and COMMIT; on any failure rolls back and rethrows.
template <class F>
void SqliteBackend::transaction(F&& body) {
  try {
    if (Statement(db_, cached("BEGIN IMMEDIATE")).run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
    body();
    if (Statement(db_, cached("COMMIT")).run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

// --- reading ---

std::vector<std::int64_t> SqliteBackend::meeting_ids() {
  std::vector<std::int64_t> ids;
  Statement q(db_, "SELECT id FROM meetings ORDER BY id");
  while (q.row()) ids.push_back(q.integer(0));
  return ids;
}

std::optional<std::int64_t> SqliteBackend::meeting_id(const std::string& code) {
  Statement q(db_, "SELECT id FROM meetings WHERE code = ?");
  q.bind_text(1, code);
  if (!q.row()) return std::nullopt;
  return q.integer(0);
}

std::optional<MeetingRow> SqliteBackend::meeting(std::int64_t id) {
  Statement q(db_, "SELECT code, key_hash, created_at, ended_at FROM meetings WHERE id = ?");
  q.bind(1, id);
  if (!q.row()) return std::nullopt;
  MeetingRow m;
  m.id = id;
  m.code = q.blob(0);
  m.key_hash = q.blob(1);
  m.created_at = q.integer(2);
  if (!q.is_null(3)) m.ended_at = q.integer(3);
  return m;
}

std::optional<EventRow> SqliteBackend::snapshot(std::int64_t meeting) {
  Statement q(db_, "SELECT seq, body FROM snapshots WHERE meeting = ?");
  q.bind(1, meeting);
  if (!q.row()) return std::nullopt;
  return EventRow{static_cast<core::Seq>(q.integer(0)), 0, q.blob(1)};
}

void SqliteBackend::events(std::int64_t meeting, core::Seq after, const std::function<void(EventRow)>& each) {
  Statement q(db_, "SELECT seq, at, body FROM events WHERE meeting = ? AND seq > ? ORDER BY seq");
  q.bind(1, meeting).bind(2, static_cast<std::int64_t>(after));
  while (q.row()) each(EventRow{static_cast<core::Seq>(q.integer(0)), q.integer(1), q.blob(2)});
}

std::vector<EventRow> SqliteBackend::recent_events(std::int64_t meeting, std::size_t count) {
  std::vector<EventRow> out;
  Statement q(db_, "SELECT seq, at, body FROM events WHERE meeting = ? ORDER BY seq DESC LIMIT ?");
  q.bind(1, meeting).bind(2, static_cast<std::int64_t>(count));
  while (q.row()) out.push_back(EventRow{static_cast<core::Seq>(q.integer(0)), q.integer(1), q.blob(2)});
  std::reverse(out.begin(), out.end());
  return out;
}

void SqliteBackend::ballots(std::int64_t meeting, const std::function<void(std::uint32_t, std::string)>& each) {
  Statement q(db_, "SELECT poll, body FROM ballots WHERE meeting = ?1 UNION ALL SELECT poll, body FROM closed_ballots WHERE meeting = ?1");
  q.bind(1, meeting);
  while (q.row()) each(static_cast<std::uint32_t>(q.integer(0)), q.blob(1));
}

void SqliteBackend::tokens(std::int64_t meeting, const std::function<void(std::string, core::ParticipantId)>& each) {
  Statement q(db_, "SELECT hash, participant FROM tokens WHERE meeting = ?");
  q.bind(1, meeting);
  while (q.row()) each(q.blob(0), static_cast<core::ParticipantId>(q.integer(1)));
}

void SqliteBackend::commands(std::int64_t meeting,
                             const std::function<void(core::ParticipantId, std::string, core::Seq, std::uint64_t)>& each) {
  Statement q(db_, "SELECT participant, client_id, seq, fingerprint FROM commands WHERE meeting = ?");
  q.bind(1, meeting);
  while (q.row())
    each(static_cast<core::ParticipantId>(q.integer(0)), q.blob(1), static_cast<core::Seq>(q.integer(2)),
         static_cast<std::uint64_t>(q.integer(3)));
}

std::vector<GroupRow> SqliteBackend::groups() {
  std::vector<GroupRow> out;
  Statement q(db_, "SELECT id, code, key_hash, created_at FROM groups ORDER BY id");
  while (q.row()) out.push_back(GroupRow{q.integer(0), q.blob(1), q.blob(2), q.integer(3)});
  return out;
}

void SqliteBackend::group_events(std::int64_t group, const std::function<void(EventRow)>& each) {
  Statement q(db_, "SELECT seq, at, body FROM group_events WHERE grp = ? ORDER BY seq");
  q.bind(1, group);
  while (q.row()) each(EventRow{static_cast<core::Seq>(q.integer(0)), q.integer(1), q.blob(2)});
}

// --- writing ---

std::int64_t SqliteBackend::create_meeting(const MeetingRow& meeting, const std::vector<row::Event>& events) {
  std::int64_t id = 0;
  transaction([&] {
    Statement insert(db_, "INSERT INTO meetings(code, key_hash, created_at) VALUES (?, ?, ?)");
    insert.bind_text(1, meeting.code).bind_blob(2, meeting.key_hash).bind(3, meeting.created_at);
    if (insert.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
    id = sqlite3_last_insert_rowid(db_);
    Statement event(db_, cached("INSERT INTO events(meeting, seq, at, body) VALUES (?, ?, ?, ?)"));
    for (const auto& e : events) {
      event.bind(1, id).bind(2, static_cast<std::int64_t>(e.seq)).bind(3, e.at).bind_blob(4, e.body);
      if (event.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
    }
  });
  return id;
}

Claim SqliteBackend::claim(const std::string&) { throw std::logic_error("a SQLite store is not shared: nothing to claim"); }

std::vector<std::int64_t> SqliteBackend::commit(const std::vector<row::Any>& rows, const std::vector<Fence>& fences) {
  if (!fences.empty()) throw std::logic_error("a SQLite store is not shared: no fences");
  const auto check = [&](int rc) {
    if (rc != SQLITE_OK) throw std::runtime_error(last_error(db_));
  };
  transaction([&] {
    Statement event(db_, cached("INSERT INTO events(meeting, seq, at, body) VALUES (?, ?, ?, ?)"));
    Statement ballot(db_, cached("INSERT INTO ballots(id, meeting, poll, body) VALUES (?, ?, ?, ?)"));
    Statement drop_ballots(db_, cached("DELETE FROM ballots WHERE meeting = ? AND poll = ?"));
    Statement drop_closed(db_, cached("DELETE FROM closed_ballots WHERE meeting = ? AND poll = ?"));
    Statement move_closed(db_, cached("INSERT INTO closed_ballots(id, meeting, poll, body) SELECT id, meeting, poll, body "
                                      "FROM ballots WHERE meeting = ? AND poll = ? ORDER BY id"));
    Statement token(db_, cached("INSERT INTO tokens(hash, meeting, participant) VALUES (?, ?, ?)"));
    // An id used again once forgotten (pruned from memory, perhaps not yet from here): its new row replaces
    // the old. The person's rows are one range of the key, at most remembered_commands and a few long.
    Statement reused(db_, cached("DELETE FROM commands WHERE meeting = ? AND participant = ? AND client_id = ?"));
    Statement command(db_, cached("INSERT OR REPLACE INTO commands(meeting, participant, client_id, seq, fingerprint) VALUES (?, ?, ?, ?, ?)"));
    Statement prune(db_, cached("DELETE FROM commands WHERE meeting = ?1 AND participant = ?2 AND seq < "
                                "(SELECT seq FROM commands WHERE meeting = ?1 AND participant = ?2 ORDER BY seq DESC LIMIT 1 OFFSET ?3)"));
    Statement snapshot(db_, cached("INSERT OR REPLACE INTO snapshots(meeting, seq, body) VALUES (?, ?, ?)"));
    Statement ended(db_, cached("UPDATE meetings SET ended_at = ? WHERE id = ?"));
    for (const auto& r : rows) {
      std::visit(overloaded{
                     [&](const row::Event& e) {
                       event.bind(1, e.meeting).bind(2, static_cast<std::int64_t>(e.seq)).bind(3, e.at).bind_blob(4, e.body);
                       check(event.run());
                     },
                     [&](const row::Ballot& b) {
                       // A random id, so that the key's order says nothing of the voting order. (The
                       // order of cells in a page does, until the poll closes: see PollClosed.)
                       for (int attempt = 0;; ++attempt) {
                         ballot.bind(1, random_id()).bind(2, b.meeting).bind(3, b.poll).bind_blob(4, b.body);
                         const int rc = ballot.run();
                         if (rc == SQLITE_OK) break;
                         if (rc != SQLITE_CONSTRAINT || attempt > 3) check(rc);
                       }
                     },
                     [&](const row::DropBallots& d) {
                       drop_ballots.bind(1, d.meeting).bind(2, d.poll);
                       check(drop_ballots.run());
                       drop_closed.bind(1, d.meeting).bind(2, d.poll);
                       check(drop_closed.run());
                     },
                     [&](const row::PollClosed& c) {
                       // Rewritten in the order of their random ids, away from the pages whose cells kept
                       // the voting order (those are zeroed: secure_delete); scrub() then empties the WAL.
                       move_closed.bind(1, c.meeting).bind(2, c.poll);
                       check(move_closed.run());
                       drop_ballots.bind(1, c.meeting).bind(2, c.poll);
                       check(drop_ballots.run());
                     },
                     [&](const row::Ended& e) {
                       ended.bind(1, e.at).bind(2, e.meeting);
                       check(ended.run());
                     },
                     [&](const row::Token& t) {
                       token.bind_blob(1, t.hash).bind(2, t.meeting).bind(3, t.participant);
                       check(token.run());
                     },
                     [&](const row::Command& c) {
                       reused.bind(1, c.meeting).bind(2, c.participant).bind_text(3, c.client_id);
                       check(reused.run());
                       command.bind(1, c.meeting).bind(2, c.participant).bind_text(3, c.client_id)
                           .bind(4, static_cast<std::int64_t>(c.seq)).bind(5, static_cast<std::int64_t>(c.fingerprint));
                       check(command.run());
                       prune.bind(1, c.meeting).bind(2, c.participant).bind(3, static_cast<std::int64_t>(c.keep - 1));
                       check(prune.run());
                     },
                     [&](const row::Snapshot& s) {
                       snapshot.bind(1, s.meeting).bind(2, static_cast<std::int64_t>(s.seq)).bind_blob(3, s.body);
                       check(snapshot.run());
                     },
                 },
                 r);
    }
  });
  return {};
}

void SqliteBackend::delete_rows(std::initializer_list<const char*> sqls, std::int64_t id) {
  transaction([&] {
    for (const char* sql : sqls) {
      Statement del(db_, sql);
      del.bind(1, id);
      if (del.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
    }
  });
}

void SqliteBackend::delete_meeting(std::int64_t id) {
  delete_rows({"DELETE FROM events WHERE meeting = ?", "DELETE FROM ballots WHERE meeting = ?",
               "DELETE FROM closed_ballots WHERE meeting = ?",
               "DELETE FROM snapshots WHERE meeting = ?", "DELETE FROM tokens WHERE meeting = ?",
               "DELETE FROM commands WHERE meeting = ?", "DELETE FROM meetings WHERE id = ?"},
              id);
}

std::vector<std::int64_t> SqliteBackend::ended_before(core::Millis cutoff) {
  std::vector<std::int64_t> ids;
  Statement q(db_, "SELECT id FROM meetings WHERE ended_at IS NOT NULL AND ended_at < ?");
  q.bind(1, cutoff);
  while (q.row()) ids.push_back(q.integer(0));
  return ids;
}

namespace {
void insert_group_events(sqlite3* db, std::int64_t group, const std::vector<EventRow>& events) {
  Statement event(db, "INSERT INTO group_events(grp, seq, at, body) VALUES (?, ?, ?, ?)");
  for (const auto& e : events) {
    event.bind(1, group).bind(2, static_cast<std::int64_t>(e.seq)).bind(3, e.at).bind_blob(4, e.body);
    if (event.run() != SQLITE_OK) throw std::runtime_error(last_error(db));
  }
}
}  // namespace

std::int64_t SqliteBackend::create_group(const GroupRow& group, const std::vector<EventRow>& events) {
  std::int64_t id = 0;
  transaction([&] {
    Statement insert(db_, "INSERT INTO groups(code, key_hash, created_at) VALUES (?, ?, ?)");
    insert.bind_text(1, group.code).bind_blob(2, group.key_hash).bind(3, group.created_at);
    if (insert.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
    id = sqlite3_last_insert_rowid(db_);
    insert_group_events(db_, id, events);
  });
  return id;
}

void SqliteBackend::append_group(std::int64_t group, const std::vector<EventRow>& events,
                                 const std::vector<core::Seq>& redact, std::string_view redacted) {
  transaction([&] {
    insert_group_events(db_, group, events);
    // secure_delete is on: the old bodies' bytes are overwritten, not only unlinked.
    Statement update(db_, "UPDATE group_events SET body = ? WHERE grp = ? AND seq = ?");
    for (const auto seq : redact) {
      update.bind_blob(1, redacted).bind(2, group).bind(3, static_cast<std::int64_t>(seq));
      if (update.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
      if (sqlite3_changes(db_) != 1) throw std::runtime_error("group event " + std::to_string(seq) + " to redact is not stored");
    }
  });
}

void SqliteBackend::delete_group(std::int64_t id) {
  delete_rows({"DELETE FROM group_events WHERE grp = ?", "DELETE FROM groups WHERE id = ?"}, id);
}

// TRUNCATE checkpoint without waiting: with a reader on the WAL it fails at once (SQLITE_BUSY)
// instead of holding the one writer thread, which commits for every meeting, for seconds.
bool SqliteBackend::scrub() {
  sqlite3_busy_timeout(db_, 0);
  int log_frames = -1, checkpointed = -1;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed);
  sqlite3_busy_timeout(db_, 5000);
  return rc == SQLITE_OK && log_frames == 0;
}

std::uint64_t SqliteBackend::bytes() {
  std::uint64_t total = 0;
  for (const std::string& file : {path_, path_ + "-wal"}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec) total += size;
  }
  return total;
}

// --- tools that open the file themselves ---

bool SqliteBackend::backup(const std::string& path, const std::string& destination, std::string& report) {
  sqlite3* src = nullptr;
  sqlite3* dst = nullptr;
  const std::string partial = destination + ".partial";
  std::remove(partial.c_str());
  const auto fail = [&](const std::string& why) {
    report = why;
    if (dst) sqlite3_close(dst);
    if (src) sqlite3_close(src);
    std::remove(partial.c_str());
    return false;
  };
  if (sqlite3_open_v2(path.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    return fail("cannot open " + path + ": " + (src ? last_error(src) : "out of memory"));
  sqlite3_busy_timeout(src, 5000);
  if (sqlite3_open_v2(partial.c_str(), &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
    return fail("cannot create " + partial + ": " + (dst ? last_error(dst) : "out of memory"));
  // One step copies every page inside one read transaction of the source: a consistent state,
  // however many commits the server makes meanwhile (this read sees none that came after it began).
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) return fail("backup: " + last_error(dst));
  const int rc = sqlite3_backup_step(b, -1);
  const int pages = sqlite3_backup_pagecount(b);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return fail("backup: " + std::string(sqlite3_errstr(rc)));
  std::string integrity;
  try {
    {
      Statement q(dst, "PRAGMA integrity_check");
      if (q.row()) integrity = q.blob(0);
    }
    exec(dst, "PRAGMA journal_mode=DELETE");  // one self-contained file, ready to restore
  } catch (const std::exception& e) {
    return fail(std::string("checking the copy: ") + e.what());
  }
  if (integrity != "ok") return fail("the copy failed its integrity check: " + integrity);
  int meetings = 0;
  try {
    Statement q(dst, "SELECT count(*) FROM meetings");
    if (q.row()) meetings = static_cast<int>(q.integer(0));
  } catch (const std::exception&) {
  }
  sqlite3_close(dst);
  dst = nullptr;
  sqlite3_close(src);
  src = nullptr;
  if (std::rename(partial.c_str(), destination.c_str()) != 0) return fail("cannot rename " + partial + " to " + destination);
  report = std::to_string(pages) + " pages, " + std::to_string(meetings) + " meetings, integrity_check ok";
  return true;
}

bool SqliteBackend::export_events(const std::string& path, std::int64_t meeting, std::ostream& out, std::string& error) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    error = "cannot open " + path;
    sqlite3_close(db);
    return false;
  }
  sqlite3_busy_timeout(db, 5000);
  bool found = false;
  try {
    Statement m(db, "SELECT created_at, ended_at FROM meetings WHERE id = ?");
    m.bind(1, meeting);
    found = m.row();
    Statement q(db, "SELECT seq, at, body FROM events WHERE meeting = ? ORDER BY seq");
    q.bind(1, meeting);
    static const char* digits = "0123456789abcdef";
    while (q.row()) {
      const std::string body = q.blob(2);
      std::string hex;
      for (unsigned char c : body) {
        hex.push_back(digits[c >> 4]);
        hex.push_back(digits[c & 15]);
      }
      // The tag is the varint after the version byte (stored_tags.hpp).
      std::uint64_t tag = 0;
      for (std::size_t i = 1, shift = 0; i < body.size() && shift < 64; ++i, shift += 7) {
        tag |= std::uint64_t{static_cast<unsigned char>(body[i]) & 0x7Fu} << shift;
        if (!(static_cast<unsigned char>(body[i]) & 0x80)) break;
      }
      std::string readable = "true";
      try {
        decode_event(body);
      } catch (const std::exception& e) {
        readable = "false";
      }
      out << "{\"seq\":" << q.integer(0) << ",\"at\":" << q.integer(1) << ",\"tag\":" << tag << ",\"readable\":" << readable
          << ",\"bytes\":\"" << hex << "\"}\n";
      found = true;
    }
  } catch (const std::exception& e) {
    error = e.what();
    sqlite3_close(db);
    return false;
  }
  sqlite3_close(db);
  if (!found) error = "no meeting " + std::to_string(meeting) + " in " + path;
  return found;
}

}  // namespace everyvoice::store
