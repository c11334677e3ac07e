// The durable event log: every meeting's events, and every group's (core/group.hpp), in one
// database behind store/backend.hpp: SQLite in the data folder (the default) or PostgreSQL. One
// connection on its own thread does every write (Debian 12's SQLite 3.40 has a WAL-reset bug with
// several writers) and commits in groups: writes that arrive while a commit is in flight go into
// the next transaction. A command is acknowledged after its transaction commits. Callbacks run on
// the writer thread: post them to where they belong.
//
// Anonymous ballots are not stored with their event: the event row keeps a placeholder (a ballot
// with nothing in it), and the ballot goes to the `ballots` table under a random id, with no person,
// no sequence number and no time. After an anonymous poll closes, the backend drops the order the
// ballots were written in, which the places of their rows in the pages keep (SQLite: the poll's
// ballots move to `closed_ballots` in the order of their ids, their old cells are zeroed, the WAL
// is checkpointed and truncated; PostgreSQL: they are rewritten in sorted order and the table
// vacuumed).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <algorithm>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/events.hpp"
#include "core/group.hpp"
#include "core/meeting_state.hpp"
#include "store/backend.hpp"
#include "store/commit_pacing.hpp"


namespace everyvoice::store {

// full: a commit survives power loss (SQLite synchronous=FULL; PostgreSQL synchronous_commit=on).
// normal: it may not, but the database stays whole (synchronous=NORMAL; synchronous_commit=off).
enum class Durability { full, normal };

struct CommandRecord {
  core::ParticipantId participant = 0;
  std::string client_id;
  core::Seq seq = 0;              // the meeting's seq after the command: its ack
  std::uint64_t fingerprint = 0;  // of the message text, to tell a retry from a reused id
};

struct TokenRecord {
  std::string hash;  // SHA-256 of the token, 32 bytes
  core::ParticipantId participant = 0;
};

struct LoadedMeeting {
  std::int64_t id = 0;
  std::string code;
  std::string key_hash;  // SHA-256 of the facilitator key, 32 bytes
  core::Millis created_at = 0;
  std::optional<core::Millis> ended_at;
  core::MeetingState state;
  std::vector<core::Stamped> recent;  // the newest events, for resuming clients
  std::vector<TokenRecord> tokens;
  std::vector<CommandRecord> commands;
  std::string note;  // how it was loaded, when not as usual (e.g. replayed: its snapshot was unreadable)
  std::int64_t epoch = 0;  // its lease's epoch, when claimed from a shared database (0: SQLite)
};

// A group (core/group.hpp) as stored: its events replayed.
struct LoadedGroup {
  std::int64_t id = 0;
  std::string code;
  std::string key_hash;  // SHA-256 of the group key, 32 bytes
  core::Millis created_at = 0;
  core::GroupState state;
};

// A meeting whose events could not be read: it stays on disk, untouched, and is reported.
struct Unloadable {
  std::int64_t id = 0;
  std::string reason;
};

// One command's durable change: committed whole, with the others of its group, or not at all.
struct Write {
  std::int64_t meeting = 0;
  std::vector<core::Stamped> events;
  std::optional<TokenRecord> token;
  std::optional<CommandRecord> command;
  std::optional<std::string> snapshot;  // encode_state of the state after `events`
  std::int64_t epoch = 0;  // the meeting's lease (LoadedMeeting::epoch); 0: not leased (SQLite)
};

// The error of a write refused because another server took the meeting over (its lease's epoch
// moved on): this server must let the meeting go.
inline constexpr const char* lease_lost = "another server took this meeting over";

// What claiming a meeting gave (EventLog::claim).
struct Claimed {
  std::optional<LoadedMeeting> meeting;  // held by this server now, loaded
  std::string held_by;                   // else: the live server that holds it (asked to let it go)
  std::string error;                     // else: why not ("" with nothing else: no meeting has this code)
};

struct LogStats {
  std::uint64_t commits = 0;
  std::uint64_t writes = 0;     // Write values committed
  std::uint64_t failures = 0;   // transactions that failed
  double latency_p50_ms = 0;    // commit latency (BEGIN to COMMIT), over the last 1024 commits
  double latency_p99_ms = 0;
  double batch_mean = 0;        // Writes per commit, over the last 1024 commits
  std::uint64_t batch_max = 0;
  std::uint64_t database_bytes = 0;  // SQLite: the database file and its WAL; PostgreSQL: the database
  bool wal_pending = false;          // removed data could not be scrubbed yet (SQLite: a reader holds the WAL)
  std::uint64_t wal_deferred = 0;    // times scrubbing had to wait for a reader
  std::uint64_t paced = 0;           // commits that waited for the pacing window (commit_pacing.hpp)
};

class EventLog {
 public:
  // Opens (or creates) the database and its tables: `where` is a PostgreSQL URL
  // (postgresql://...) or the path of a SQLite file. nullptr with `error` set on failure.
  // `note` hears what takes a while before the log is ready (an upgrade of the database's layout).
  static std::unique_ptr<EventLog> open(const std::string& where, Durability durability, std::string& error,
                                        const std::function<void(const std::string&)>& note = {});
  static bool is_postgresql(const std::string& where);
  explicit EventLog(std::unique_ptr<Backend> backend);
  ~EventLog();   // close()
  void close();  // finishes queued work, stops the writer and closes the database
  std::string describe() const { return description_; }  // where the data is, without a password

  // Every meeting in the log, each as its newest snapshot plus the events after it. Call before
  // any other method (it runs on the caller's thread, before the writer starts). Meetings whose
  // events cannot be read are left out and listed by unloadable().
  std::vector<LoadedMeeting> load_all(std::size_t recent_events, std::string& error);
  const std::vector<Unloadable>& unloadable() const { return unloadable_; }
  // Every group, replayed from its events (before start(), as load_all). A group whose events
  // cannot be read stays on disk, untouched, and is listed by unloadable_groups().
  std::vector<LoadedGroup> load_groups(std::string& error);
  const std::vector<Unloadable>& unloadable_groups() const { return unloadable_groups_; }
  // Exactly-once ids kept per person on disk (the room keeps as many in memory). Before start().
  void set_remembered_commands(std::size_t n) { remembered_commands_ = std::max<std::size_t>(1, n); }
  // When many people write at once, commits start at most once per `window` (commit_pacing.hpp;
  // 0: each commit at once). Before start().
  void set_commit_pacing(std::chrono::microseconds window, std::size_t siblings) { pacing_ = CommitPacing(window, siblings); }

  // Several servers may share this database (PostgreSQL): then a server serves only the meetings
  // it claims (one owner each, by lease), instead of loading all of them at start.
  bool shared() const { return shared_; }
  // This server's name in leases and how long a lease lasts unrenewed (it is renewed every third
  // of that). Before start().
  void set_ownership(std::string node, std::chrono::milliseconds lease);
  // Called on the writer thread after a renewal: meetings this server lost (another server took
  // them over while this one was paused or cut off: it must stop serving them at once) and
  // meetings another server asks for (this one lets them go: closes their connections, then
  // release()). Set before start().
  using LeaseHandler = std::function<void(std::vector<std::int64_t> lost, std::vector<std::int64_t> wanted)>;
  void set_lease_handler(LeaseHandler handler) { on_leases_ = std::move(handler); }
  void start();

  using Done = std::function<void(bool ok, const std::string& error)>;
  // A new meeting with its first events; `done` receives its id (0 on failure).
  void create_meeting(std::string code, std::string key_hash, core::Millis now, std::vector<core::Stamped> events,
                      std::function<void(std::int64_t id, const std::string& error)> done);
  void append(Write write, Done done);
  // After a failed write the meeting's later writes are refused (they were decided against events
  // that never reached the disk) until the meeting has rolled back and calls this.
  void recover(std::int64_t meeting, Done done);
  void delete_meeting(std::int64_t meeting, Done done);
  // Shared databases: takes the lease of the meeting with this code and loads it (after the lease
  // is held, so every write of an earlier holder is in what is loaded).
  void claim(std::string code, std::size_t recent_events, std::function<void(Claimed)> done);
  // A meeting as stored now, read without a lease (nothing of it is served from this): for a look
  // at a meeting another server may hold, such as copying its agenda. nullopt: no such meeting.
  void read(std::string code, std::function<void(std::optional<LoadedMeeting>)> done);
  // Lets a claimed meeting go (after its room stopped: its writes are queued before this).
  void release(std::int64_t meeting, std::int64_t epoch, Done done);
  // Meetings that ended before `cutoff`: their ids, to be deleted.
  void ended_before(core::Millis cutoff, std::function<void(std::vector<std::int64_t>)> done);

  // A new group with its first events; `done` receives its id (0 on failure).
  void create_group(std::string code, std::string key_hash, core::Millis now, std::vector<core::GroupStamped> events,
                    std::function<void(std::int64_t id, const std::string& error)> done);
  // Appends a group's events; in the same transaction, the events numbered in `redact` are
  // replaced by GroupRedacted (a member's data erased, core::GroupChange), and the old bodies are
  // then scrubbed (Backend::scrub).
  void append_group(std::int64_t group, std::vector<core::GroupStamped> events, Done done,
                    std::vector<core::Seq> redact = {});
  // Deletes a group's row and events (its meetings are deleted one by one, as any meeting).
  void delete_group(std::int64_t group, Done done);

  LogStats stats() const;

  // Where an exception thrown by a `done` callback goes (the callbacks are the shell's code, run
  // on the writer thread): it is caught there, handed to this, and the writer carries on. Set
  // before start(); without one the fault is written to stderr.
  using FaultHandler = std::function<void(const char* callback, const std::exception* e)>;
  void set_fault_handler(FaultHandler handler) { on_fault_ = std::move(handler); }
  // Runs `task` on the writer thread as a callback is run (test hook for the fault handling).
  void run_on_writer(std::function<void()> task);

 private:
  struct Job;
  void run();
  void push(Job job);
  void commit_group(std::vector<Job>& group);
  // The rows one command's write becomes (the anonymity rules of the header comment).
  void plan(const Write& write, std::vector<row::Any>& rows, bool& scrub) const;
  std::optional<LoadedMeeting> load_meeting(std::int64_t id, std::size_t recent_events, std::string& error);
  void scrub();
  void record_commit(double ms, std::size_t writes);
  // Calls a `done` callback; an exception it throws goes to on_fault_.
  template <class F, class... Args>
  void notify(const char* what, F& done, Args&&... args) noexcept;

  void renew_leases();

  std::unique_ptr<Backend> db_;
  std::string description_;
  bool shared_ = false;
  std::chrono::milliseconds lease_{6000};
  LeaseHandler on_leases_;
  std::map<std::int64_t, std::int64_t> held_;  // meeting -> epoch of the leases this server holds (writer thread only)
  std::size_t remembered_commands_ = 100;
  std::vector<Unloadable> unloadable_;
  std::vector<Unloadable> unloadable_groups_;
  bool scrub_pending_ = false;  // writer thread only
  CommitPacing pacing_{std::chrono::microseconds(0), 0};  // writer thread only
  std::mutex mutex_;
  std::condition_variable wake_;       // a job arrived, or close()
  std::condition_variable stop_wake_;  // close() only: ends a pacing wait
  std::deque<Job> jobs_;
  bool stopping_ = false;
  bool closed_ = false;
  std::thread writer_;
  FaultHandler on_fault_;
  std::vector<std::int64_t> poisoned_;  // meetings whose writes failed, until reloaded (writer thread only)
  std::vector<std::int64_t> lost_;      // meetings another server took over, until claimed again (writer thread only)

  mutable std::mutex stats_mutex_;
  std::uint64_t commits_ = 0, writes_ = 0, failures_ = 0, wal_deferred_ = 0, paced_ = 0;
  bool wal_pending_ = false;
  std::uint64_t bytes_ = 0;  // the backend's size, taken on the writer thread after commits
  std::vector<double> latencies_;  // ring of the last 1024
  std::vector<std::size_t> batches_;
  std::size_t ring_pos_ = 0;
};

}  // namespace everyvoice::store
