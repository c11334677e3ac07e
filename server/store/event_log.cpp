#include "store/event_log.hpp"

#include <cstdio>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <ostream>
#include <map>
#include <random>
#include <variant>

#include "core/meeting.hpp"
#include "store/event_format.hpp"

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
  id INTEGER PRIMARY KEY,
  meeting INTEGER NOT NULL,
  poll INTEGER NOT NULL,
  body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS ballots_by_poll ON ballots(meeting, poll);
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
  PRIMARY KEY(meeting, participant, client_id)) WITHOUT ROWID;
)sql";

// The database's layout version, kept in PRAGMA user_version. 0 is 722a9e2's (which set none).
// migrations[v] takes a database from version v to v + 1, in one transaction with the new number,
// when a newer binary opens it; an older binary refuses a database whose number it does not know.
constexpr int schema_version = 2;
constexpr const char* migrations[schema_version] = {
    // 1: exactly-once keeps each person's newest commands only; pruning finds them by this index.
    "CREATE INDEX IF NOT EXISTS commands_by_person ON commands(meeting, participant, seq);",
    // 2: groups (core/group.hpp): each with its code, the hash of its key, and its own events.
    "CREATE TABLE IF NOT EXISTS groups(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, key_hash BLOB NOT NULL,"
    " created_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS group_events(grp INTEGER NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL,"
    " body BLOB NOT NULL, PRIMARY KEY(grp, seq)) WITHOUT ROWID;",
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

std::int64_t random_rowid() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return static_cast<std::int64_t>(rng() >> 1) + 1;  // 1 .. 2^63
}


}  // namespace

struct EventLog::Job {
  struct Create {
    std::string code, key_hash;
    Millis now;
    std::vector<core::Stamped> events;
    std::function<void(std::int64_t, const std::string&)> done;
  };
  struct Append {
    Write write;
    Done done;
  };
  struct Recover {
    std::int64_t meeting;
    Done done;
  };
  struct Delete {
    std::int64_t meeting;
    Done done;
  };
  struct EndedBefore {
    Millis cutoff;
    std::function<void(std::vector<std::int64_t>)> done;
  };
  struct Run {
    std::function<void()> done;
  };
  struct CreateGroup {
    std::string code, key_hash;
    Millis now;
    std::vector<core::GroupStamped> events;
    std::function<void(std::int64_t, const std::string&)> done;
  };
  struct AppendGroup {
    std::int64_t group;
    std::vector<core::GroupStamped> events;
    Done done;
    std::vector<core::Seq> redact;
  };
  struct DeleteGroup {
    std::int64_t group;
    Done done;
  };
  std::variant<Create, Append, Recover, Delete, EndedBefore, Run, CreateGroup, AppendGroup, DeleteGroup> work;
};

template <class F, class... Args>
void EventLog::notify(const char* what, F& done, Args&&... args) noexcept {
  try {
    try {
      done(std::forward<Args>(args)...);
    } catch (const std::exception& e) {
      if (!on_fault_) throw;
      on_fault_(what, &e);
    } catch (...) {
      if (!on_fault_) throw;
      on_fault_(what, nullptr);
    }
  } catch (...) {
    std::fputs("everyvoice: an event log callback failed\n", stderr);
  }
}

void EventLog::run_on_writer(std::function<void()> task) { push(Job{Job::Run{std::move(task)}}); }

std::unique_ptr<EventLog> EventLog::open(const std::string& path, Durability durability, std::string& error) {
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
    exec(db, schema);
    for (int v = found; v < schema_version; ++v) {
      exec(db, "BEGIN IMMEDIATE");
      exec(db, migrations[v]);
      exec(db, ("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
      exec(db, "COMMIT");
    }
  } catch (const std::exception& e) {
    error = e.what();
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return nullptr;
  }
  return std::unique_ptr<EventLog>(new EventLog(db, path));
}

EventLog::EventLog(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

EventLog::~EventLog() { close(); }

sqlite3_stmt* EventLog::cached(const char* sql) {
  auto& stmt = statements_[sql];
  if (!stmt && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    stmt = nullptr;
    throw std::runtime_error(last_error(db_));
  }
  return stmt;
}

void EventLog::close() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  statements_.clear();
  if (db_) sqlite3_close(db_);
  db_ = nullptr;
}

void EventLog::start() { writer_ = std::thread([this] { run(); }); }

void EventLog::push(Job job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void EventLog::create_meeting(std::string code, std::string key_hash, Millis now, std::vector<core::Stamped> events,
                              std::function<void(std::int64_t, const std::string&)> done) {
  push(Job{Job::Create{std::move(code), std::move(key_hash), now, std::move(events), std::move(done)}});
}

void EventLog::append(Write write, Done done) { push(Job{Job::Append{std::move(write), std::move(done)}}); }

void EventLog::recover(std::int64_t meeting, Done done) { push(Job{Job::Recover{meeting, std::move(done)}}); }

void EventLog::delete_meeting(std::int64_t meeting, Done done) { push(Job{Job::Delete{meeting, std::move(done)}}); }

void EventLog::ended_before(Millis cutoff, std::function<void(std::vector<std::int64_t>)> done) {
  push(Job{Job::EndedBefore{cutoff, std::move(done)}});
}

void EventLog::create_group(std::string code, std::string key_hash, Millis now, std::vector<core::GroupStamped> events,
                            std::function<void(std::int64_t id, const std::string& error)> done) {
  push(Job{Job::CreateGroup{std::move(code), std::move(key_hash), now, std::move(events), std::move(done)}});
}

void EventLog::append_group(std::int64_t group, std::vector<core::GroupStamped> events, Done done,
                            std::vector<core::Seq> redact) {
  push(Job{Job::AppendGroup{group, std::move(events), std::move(done), std::move(redact)}});
}

void EventLog::delete_group(std::int64_t group, Done done) { push(Job{Job::DeleteGroup{group, std::move(done)}}); }

namespace {
void insert_group_events(sqlite3* db, std::int64_t group, const std::vector<core::GroupStamped>& events) {
  Statement event(db, "INSERT INTO group_events(grp, seq, at, body) VALUES (?, ?, ?, ?)");
  for (const auto& e : events) {
    event.bind(1, group).bind(2, static_cast<std::int64_t>(e.seq)).bind(3, e.at).bind_blob(4, encode_group_event(e.event));
    if (event.run() != SQLITE_OK) throw std::runtime_error(last_error(db));
  }
}
}  // namespace

// The writer: takes everything queued, commits consecutive appends as one transaction, runs the
// other jobs one by one, in order.
void EventLog::run() {
  for (;;) {
    std::deque<Job> batch;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [&] { return stopping_ || !jobs_.empty(); };
      if (wal_to_empty_) wake_.wait_for(lock, std::chrono::seconds(1), ready);
      else wake_.wait(lock, ready);
      if (jobs_.empty() && stopping_) return;
      batch.swap(jobs_);
    }
    std::vector<Job> group;
    const auto flush = [&] {
      if (!group.empty()) commit_group(group);
      group.clear();
    };
    for (auto& job : batch) {
      if (std::holds_alternative<Job::Append>(job.work)) {
        group.push_back(std::move(job));
        continue;
      }
      flush();
      std::visit(
          [&](auto& w) {
            using W = std::decay_t<decltype(w)>;
            if constexpr (std::is_same_v<W, Job::Create>) {
              std::string error;
              std::int64_t id = 0;
              try {
                exec(db_, "BEGIN IMMEDIATE");
                Statement insert(db_, "INSERT INTO meetings(code, key_hash, created_at) VALUES (?, ?, ?)");
                insert.bind_text(1, w.code).bind_blob(2, w.key_hash).bind(3, w.now);
                if (insert.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
                id = sqlite3_last_insert_rowid(db_);
                Statement event(db_, "INSERT INTO events(meeting, seq, at, body) VALUES (?, ?, ?, ?)");
                for (const auto& e : w.events) {
                  event.bind(1, id).bind(2, static_cast<std::int64_t>(e.seq)).bind(3, e.at).bind_blob(4, encode_event(e.event));
                  if (event.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
                }
                exec(db_, "COMMIT");
              } catch (const std::exception& e) {
                error = e.what();
                id = 0;
                sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
              }
              notify("create", w.done, id, error);
            } else if constexpr (std::is_same_v<W, Job::Recover>) {
              std::erase(poisoned_, w.meeting);
              notify("recover", w.done, true, "");
            } else if constexpr (std::is_same_v<W, Job::Delete>) {
              const std::string error = delete_rows(
                  {"DELETE FROM events WHERE meeting = ?", "DELETE FROM ballots WHERE meeting = ?",
                   "DELETE FROM snapshots WHERE meeting = ?", "DELETE FROM tokens WHERE meeting = ?",
                   "DELETE FROM commands WHERE meeting = ?", "DELETE FROM meetings WHERE id = ?"},
                  w.meeting);
              notify("delete", w.done, error.empty(), error);
            } else if constexpr (std::is_same_v<W, Job::EndedBefore>) {
              std::vector<std::int64_t> ids;
              try {
                Statement q(db_, "SELECT id FROM meetings WHERE ended_at IS NOT NULL AND ended_at < ?");
                q.bind(1, w.cutoff);
                while (q.row()) ids.push_back(q.integer(0));
              } catch (const std::exception&) {
              }
              notify("ended_before", w.done, std::move(ids));
            } else if constexpr (std::is_same_v<W, Job::Run>) {
              notify("run", w.done);
            } else if constexpr (std::is_same_v<W, Job::CreateGroup>) {
              std::string error;
              std::int64_t id = 0;
              try {
                exec(db_, "BEGIN IMMEDIATE");
                Statement insert(db_, "INSERT INTO groups(code, key_hash, created_at) VALUES (?, ?, ?)");
                insert.bind_text(1, w.code).bind_blob(2, w.key_hash).bind(3, w.now);
                if (insert.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
                id = sqlite3_last_insert_rowid(db_);
                insert_group_events(db_, id, w.events);
                exec(db_, "COMMIT");
              } catch (const std::exception& e) {
                error = e.what();
                id = 0;
                sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
              }
              notify("create_group", w.done, id, error);
            } else if constexpr (std::is_same_v<W, Job::AppendGroup>) {
              // A group's events are few (one per meeting, agreement change and decision): each
              // append is its own transaction, with synchronous=FULL as every other.
              std::string error;
              try {
                exec(db_, "BEGIN IMMEDIATE");
                insert_group_events(db_, w.group, w.events);
                if (!w.redact.empty()) {
                  // secure_delete is on: the old bodies' bytes are overwritten, not only unlinked.
                  Statement redact(db_, "UPDATE group_events SET body = ? WHERE grp = ? AND seq = ?");
                  const std::string body = encode_group_event(core::GroupRedacted{});
                  for (const auto seq : w.redact) {
                    redact.bind_blob(1, body).bind(2, w.group).bind(3, static_cast<std::int64_t>(seq));
                    if (redact.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
                    // An event that is not there would leave data unerased while saying it was.
                    if (sqlite3_changes(db_) != 1)
                      throw std::runtime_error("group event " + std::to_string(seq) + " to redact is not stored");
                  }
                }
                exec(db_, "COMMIT");
                if (!w.redact.empty()) {
                  wal_to_empty_ = true;
                  empty_wal();
                }
              } catch (const std::exception& e) {
                error = e.what();
                sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
              }
              notify("append_group", w.done, error.empty(), error);
            } else if constexpr (std::is_same_v<W, Job::DeleteGroup>) {
              const std::string error =
                  delete_rows({"DELETE FROM group_events WHERE grp = ?", "DELETE FROM groups WHERE id = ?"}, w.group);
              notify("delete_group", w.done, error.empty(), error);
            }
          },
          job.work);
    }
    flush();
    if (wal_to_empty_) empty_wal();
  }
}

// Deletes what `sqls` select by `id` (each binds it as its one parameter), in one transaction, then
// empties the WAL so that no copy of the deleted rows stays in it. "" on success, else the error.
std::string EventLog::delete_rows(std::initializer_list<const char*> sqls, std::int64_t id) {
  try {
    exec(db_, "BEGIN IMMEDIATE");
    for (const char* sql : sqls) {
      Statement del(db_, sql);
      del.bind(1, id);
      if (del.run() != SQLITE_OK) throw std::runtime_error(last_error(db_));
    }
    exec(db_, "COMMIT");
    wal_to_empty_ = true;
    empty_wal();
    return "";
  } catch (const std::exception& e) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return e.what();
  }
}

// TRUNCATE checkpoint without waiting: with a reader on the WAL it fails at once (SQLITE_BUSY)
// instead of holding the one writer thread, which commits for every meeting, for seconds.
void EventLog::empty_wal() {
  sqlite3_busy_timeout(db_, 0);
  int log_frames = -1, checkpointed = -1;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed);
  sqlite3_busy_timeout(db_, 5000);
  const bool emptied = rc == SQLITE_OK && log_frames == 0;
  std::lock_guard lock(stats_mutex_);
  if (emptied) {
    wal_to_empty_ = false;
    wal_pending_ = false;
  } else {
    if (!wal_pending_) ++wal_deferred_;
    wal_pending_ = true;
  }
}

void EventLog::commit_group(std::vector<Job>& group) {
  // Writes of meetings whose earlier writes failed are refused until the meeting is reloaded:
  // they were decided against events that never reached the disk.
  std::vector<Job*> live;
  for (auto& job : group) {
    auto& append = std::get<Job::Append>(job.work);
    if (std::find(poisoned_.begin(), poisoned_.end(), append.write.meeting) != poisoned_.end())
      notify("append", append.done, false, "an earlier write of this meeting failed");
    else
      live.push_back(&job);
  }
  if (live.empty()) return;

  const auto started = std::chrono::steady_clock::now();
  std::string error;
  bool truncate_wal = false;
  try {
    const auto check = [&](int rc) {
      if (rc != SQLITE_OK) throw std::runtime_error(last_error(db_));
    };
    check(Statement(db_, cached("BEGIN IMMEDIATE")).run());
    Statement event(db_, cached("INSERT INTO events(meeting, seq, at, body) VALUES (?, ?, ?, ?)"));
    Statement ballot(db_, cached("INSERT INTO ballots(id, meeting, poll, body) VALUES (?, ?, ?, ?)"));
    Statement drop_ballots(db_, cached("DELETE FROM ballots WHERE meeting = ? AND poll = ?"));
    Statement token(db_, cached("INSERT INTO tokens(hash, meeting, participant) VALUES (?, ?, ?)"));
    Statement command(db_, cached("INSERT OR REPLACE INTO commands(meeting, participant, client_id, seq, fingerprint) VALUES (?, ?, ?, ?, ?)"));
    Statement prune(db_, cached("DELETE FROM commands WHERE meeting = ?1 AND participant = ?2 AND seq < "
                                "(SELECT seq FROM commands WHERE meeting = ?1 AND participant = ?2 ORDER BY seq DESC LIMIT 1 OFFSET ?3)"));
    Statement snapshot(db_, cached("INSERT OR REPLACE INTO snapshots(meeting, seq, body) VALUES (?, ?, ?)"));
    Statement ended(db_, cached("UPDATE meetings SET ended_at = ? WHERE id = ?"));
    for (Job* job : live) {
      const Write& w = std::get<Job::Append>(job->work).write;
      for (const auto& e : w.events) {
        core::Event stored = e.event;
        if (const auto* counted = std::get_if<core::BallotCounted>(&e.event)) {
          // The ballot goes apart, under a random id; the log keeps an empty placeholder.
          for (int attempt = 0;; ++attempt) {
            ballot.bind(1, random_rowid()).bind(2, w.meeting).bind(3, counted->poll).bind_blob(4, encode_ballot(counted->ballot));
            const int rc = ballot.run();
            if (rc == SQLITE_OK) break;
            if (rc != SQLITE_CONSTRAINT || attempt > 3) check(rc);
          }
          stored = core::BallotCounted{counted->poll, {}};
        } else if (const auto* cancelled = std::get_if<core::PollCancelled>(&e.event)) {
          drop_ballots.bind(1, w.meeting).bind(2, cancelled->poll);
          check(drop_ballots.run());
        } else if (const auto* closed = std::get_if<core::PollClosed>(&e.event)) {
          truncate_wal = true;
          if (closed->result.withheld) {  // a withheld result must not be recomputable from the disk
            drop_ballots.bind(1, w.meeting).bind(2, closed->poll);
            check(drop_ballots.run());
          }
        } else if (std::holds_alternative<core::MeetingEnded>(e.event)) {
          ended.bind(1, e.at).bind(2, w.meeting);
          check(ended.run());
        }
        event.bind(1, w.meeting).bind(2, static_cast<std::int64_t>(e.seq)).bind(3, e.at).bind_blob(4, encode_event(stored));
        check(event.run());
      }
      if (w.token) {
        token.bind_blob(1, w.token->hash).bind(2, w.meeting).bind(3, w.token->participant);
        check(token.run());
      }
      if (w.command) {
        command.bind(1, w.meeting).bind(2, w.command->participant).bind_text(3, w.command->client_id)
            .bind(4, static_cast<std::int64_t>(w.command->seq))
            .bind(5, static_cast<std::int64_t>(w.command->fingerprint));
        check(command.run());
        // Exactly-once needs each person's newest remembered_commands ids only (as the room keeps).
        prune.bind(1, w.meeting).bind(2, w.command->participant).bind(3, static_cast<std::int64_t>(remembered_commands_ - 1));
        check(prune.run());
      }
      if (w.snapshot) {
        snapshot.bind(1, w.meeting).bind(2, static_cast<std::int64_t>(w.events.back().seq)).bind_blob(3, *w.snapshot);
        check(snapshot.run());
      }
    }
    check(Statement(db_, cached("COMMIT")).run());
  } catch (const std::exception& e) {
    error = e.what();
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!error.empty()) {
    {
      std::lock_guard lock(stats_mutex_);
      ++failures_;
    }
    for (Job* job : live) {
      auto& append = std::get<Job::Append>(job->work);
      if (std::find(poisoned_.begin(), poisoned_.end(), append.write.meeting) == poisoned_.end())
        poisoned_.push_back(append.write.meeting);
      notify("append", append.done, false, error);
    }
    return;
  }
  record_commit(ms, live.size());
  // A closed poll: move everything into the database file and empty the WAL before answering, so
  // the frames written while it was open are gone from the WAL file. While a reader (an online
  // backup) holds the WAL this cannot happen: it is tried again after each commit and every second.
  if (truncate_wal) {
    wal_to_empty_ = true;
    empty_wal();
  }
  for (Job* job : live) notify("append", std::get<Job::Append>(job->work).done, true, "");
}

void EventLog::record_commit(double ms, std::size_t writes) {
  std::lock_guard lock(stats_mutex_);
  ++commits_;
  writes_ += writes;
  if (latencies_.size() < 1024) {
    latencies_.push_back(ms);
    batches_.push_back(writes);
  } else {
    latencies_[ring_pos_] = ms;
    batches_[ring_pos_] = writes;
    ring_pos_ = (ring_pos_ + 1) % 1024;
  }
}

LogStats EventLog::stats() const {
  std::lock_guard lock(stats_mutex_);
  LogStats s;
  s.commits = commits_;
  s.writes = writes_;
  s.failures = failures_;
  s.wal_pending = wal_pending_;
  s.wal_deferred = wal_deferred_;
  for (const std::string& file : {path_, path_ + "-wal"}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (!ec) s.database_bytes += size;
  }
  if (!latencies_.empty()) {
    std::vector<double> sorted = latencies_;
    std::sort(sorted.begin(), sorted.end());
    s.latency_p50_ms = sorted[sorted.size() / 2];
    s.latency_p99_ms = sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
    std::size_t total = 0;
    for (std::size_t b : batches_) {
      total += b;
      s.batch_max = std::max<std::uint64_t>(s.batch_max, b);
    }
    s.batch_mean = static_cast<double>(total) / static_cast<double>(batches_.size());
  }
  return s;
}

std::vector<LoadedMeeting> EventLog::load_all(std::size_t recent_events, std::string& error) {
  std::vector<LoadedMeeting> out;
  std::vector<std::int64_t> ids;
  try {
    Statement q(db_, "SELECT id FROM meetings ORDER BY id");
    while (q.row()) ids.push_back(q.integer(0));
  } catch (const std::exception& e) {
    error = e.what();
    return out;
  }
  for (std::int64_t id : ids) {
    std::string why;
    if (auto m = load_meeting(id, recent_events, why)) out.push_back(std::move(*m));
    else unloadable_.push_back(Unloadable{id, why});
  }
  return out;
}

std::vector<LoadedGroup> EventLog::load_groups(std::string& error) {
  std::vector<LoadedGroup> out;
  try {
    Statement q(db_, "SELECT id, code, key_hash, created_at FROM groups ORDER BY id");
    while (q.row()) {
      LoadedGroup g;
      g.id = q.integer(0);
      g.code = q.blob(1);
      g.key_hash = q.blob(2);
      g.created_at = q.integer(3);
      out.push_back(std::move(g));
    }
  } catch (const std::exception& e) {
    error = e.what();
    return {};
  }
  std::vector<LoadedGroup> loaded;
  for (auto& g : out) {
    try {
      Statement q(db_, "SELECT seq, at, body FROM group_events WHERE grp = ? ORDER BY seq");
      q.bind(1, g.id);
      while (q.row()) {
        core::GroupStamped e{static_cast<core::Seq>(q.integer(0)), q.integer(1), decode_group_event(q.blob(2))};
        if (e.seq != g.state.seq + 1) throw std::runtime_error("a gap in the group's events at seq " + std::to_string(e.seq));
        core::apply(g.state, e);
      }
      loaded.push_back(std::move(g));
    } catch (const std::exception& e) {
      unloadable_groups_.push_back(Unloadable{g.id, e.what()});
    }
  }
  return loaded;
}

std::optional<LoadedMeeting> EventLog::load_meeting(std::int64_t id, std::size_t recent_events, std::string& error) {
  try {
    LoadedMeeting m;
    m.id = id;
    {
      Statement q(db_, "SELECT code, key_hash, created_at, ended_at FROM meetings WHERE id = ?");
      q.bind(1, id);
      if (!q.row()) throw std::runtime_error("no such meeting");
      m.code = q.blob(0);
      m.key_hash = q.blob(1);
      m.created_at = q.integer(2);
      if (!q.is_null(3)) m.ended_at = q.integer(3);
    }
    // The newest snapshot, if it can be read; a snapshot is a cache: when it cannot (another
    // layout, or damaged), the meeting is replayed from its first event.
    core::Seq from = 0;
    {
      Statement q(db_, "SELECT seq, body FROM snapshots WHERE meeting = ?");
      q.bind(1, id);
      if (q.row()) {
        try {
          m.state = decode_state(q.blob(1));
          from = static_cast<core::Seq>(q.integer(0));
          if (m.state.seq != from) throw FormatError("its seq does not match its row");
        } catch (const std::exception& e) {
          m.note = std::string("snapshot not used (") + e.what() + "): replayed from the first event";
          m.state = core::MeetingState{};
          from = 0;
        }
      }
    }
    {
      Statement q(db_, "SELECT seq, at, body FROM events WHERE meeting = ? AND seq > ? ORDER BY seq");
      q.bind(1, id).bind(2, static_cast<std::int64_t>(from));
      while (q.row()) {
        core::Stamped e{static_cast<core::Seq>(q.integer(0)), q.integer(1), decode_event(q.blob(2))};
        if (e.seq != m.state.seq + 1) throw std::runtime_error("a gap in the event log at seq " + std::to_string(e.seq));
        core::apply(m.state, e);
      }
    }
    // Anonymous ballots: whatever order they were stored in, the poll keeps them sorted.
    {
      std::map<std::uint32_t, std::vector<core::Ballot>> ballots;
      Statement q(db_, "SELECT poll, body FROM ballots WHERE meeting = ?");
      q.bind(1, id);
      while (q.row()) ballots[static_cast<std::uint32_t>(q.integer(0))].push_back(decode_ballot(q.blob(1)));
      for (auto& poll : m.state.polls) {
        if (!poll.spec.anonymous || poll.status == core::PollStatus::cancelled) continue;
        auto& list = ballots[poll.id];
        std::sort(list.begin(), list.end());
        poll.anonymous = std::move(list);
      }
    }
    {
      Statement q(db_, "SELECT seq, at, body FROM events WHERE meeting = ? ORDER BY seq DESC LIMIT ?");
      q.bind(1, id).bind(2, static_cast<std::int64_t>(recent_events));
      while (q.row())
        m.recent.push_back(core::Stamped{static_cast<core::Seq>(q.integer(0)), q.integer(1), decode_event(q.blob(2))});
      std::reverse(m.recent.begin(), m.recent.end());
    }
    {
      Statement q(db_, "SELECT hash, participant FROM tokens WHERE meeting = ?");
      q.bind(1, id);
      while (q.row()) m.tokens.push_back(TokenRecord{q.blob(0), static_cast<core::ParticipantId>(q.integer(1))});
    }
    {
      Statement q(db_, "SELECT participant, client_id, seq, fingerprint FROM commands WHERE meeting = ?");
      q.bind(1, id);
      while (q.row())
        m.commands.push_back(CommandRecord{static_cast<core::ParticipantId>(q.integer(0)), q.blob(1),
                                           static_cast<core::Seq>(q.integer(2)), static_cast<std::uint64_t>(q.integer(3))});
    }
    return m;
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

bool EventLog::backup(const std::string& path, const std::string& destination, std::string& report) {
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

bool EventLog::export_events(const std::string& path, std::int64_t meeting, std::ostream& out, std::string& error) {
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
