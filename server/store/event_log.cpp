#include "store/event_log.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <variant>

#include "core/meeting.hpp"
#include "store/event_format.hpp"
#include "store/postgres_backend.hpp"
#include "store/sqlite_backend.hpp"

namespace everyvoice::store {

using core::Millis;

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
  struct Claim {
    std::string code;
    std::size_t recent_events;
    std::function<void(Claimed)> done;
  };
  struct Release {
    std::int64_t meeting, epoch;
    Done done;
  };
  struct Read {
    std::string code;
    std::function<void(std::optional<LoadedMeeting>)> done;
  };
  std::variant<Create, Append, Recover, Delete, EndedBefore, Run, CreateGroup, AppendGroup, DeleteGroup, Claim, Release,
               Read>
      work;
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

void EventLog::set_ownership(std::string node, std::chrono::milliseconds lease) {
  lease_ = lease;
  db_->set_owner(node, lease.count());
}

void EventLog::claim(std::string code, std::size_t recent_events, std::function<void(Claimed)> done) {
  push(Job{Job::Claim{std::move(code), recent_events, std::move(done)}});
}

void EventLog::read(std::string code, std::function<void(std::optional<LoadedMeeting>)> done) {
  push(Job{Job::Read{std::move(code), std::move(done)}});
}

void EventLog::release(std::int64_t meeting, std::int64_t epoch, Done done) {
  push(Job{Job::Release{meeting, epoch, std::move(done)}});
}

void EventLog::run_on_writer(std::function<void()> task) { push(Job{Job::Run{std::move(task)}}); }

bool EventLog::is_postgresql(const std::string& where) {
  return where.rfind("postgresql://", 0) == 0 || where.rfind("postgres://", 0) == 0;
}

std::unique_ptr<EventLog> EventLog::open(const std::string& where, Durability durability, std::string& error,
                                         const std::function<void(const std::string&)>& note) {
  std::unique_ptr<Backend> backend;
  if (is_postgresql(where)) backend = PostgresBackend::open(where, durability, error);
  else backend = SqliteBackend::open(where, durability, error, note);
  if (!backend) return nullptr;
  return std::make_unique<EventLog>(std::move(backend));
}

EventLog::EventLog(std::unique_ptr<Backend> backend)
    : db_(std::move(backend)), description_(db_->describe()), shared_(db_->shared()) {
  try {
    bytes_ = db_->bytes();
  } catch (const std::exception&) {
  }
}

EventLog::~EventLog() { close(); }

void EventLog::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  stop_wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  db_.reset();
  std::lock_guard lock(mutex_);
  closed_ = true;
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

// The writer: takes everything queued, commits consecutive appends as one transaction, runs the
// other jobs one by one, in order.
void EventLog::run() {
  auto sized_at = std::chrono::steady_clock::now();
  auto renewed_at = sized_at;
  const auto renew_every = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(50), lease_ / 3);
  const auto tick = std::min<std::chrono::milliseconds>(std::chrono::seconds(1), renew_every);
  for (;;) {
    if (shared_ && std::chrono::steady_clock::now() - renewed_at >= renew_every) {
      renewed_at = std::chrono::steady_clock::now();
      renew_leases();
    }
    std::deque<Job> batch;
    bool paced = false;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [&] { return stopping_ || !jobs_.empty(); };
      wake_.wait_for(lock, tick, ready);
      if (jobs_.empty() && stopping_) return;
      // Many people writing at once: the next commit waits for the pacing window, and what
      // arrives meanwhile joins it (commit_pacing.hpp). The wait is on stop_wake_, which only
      // close() signals, not on wake_, which every arrival signals.
      const auto appends = [&] {
        return std::any_of(jobs_.begin(), jobs_.end(), [](const Job& job) { return std::holds_alternative<Job::Append>(job.work); });
      };
      if (const auto at = pacing_.start_at(std::chrono::steady_clock::now()); at && !stopping_ && appends()) {
        stop_wake_.wait_until(lock, *at, [&] { return stopping_; });
        paced = true;
      }
      batch.swap(jobs_);
    }
    if (paced) {
      std::lock_guard lock(stats_mutex_);
      ++paced_;
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
                std::vector<row::Event> events;
                for (const auto& e : w.events) events.push_back(row::Event{0, e.seq, e.at, encode_event(e.event)});
                id = db_->create_meeting(MeetingRow{0, w.code, w.key_hash, w.now, std::nullopt}, events);
              } catch (const std::exception& e) {
                error = e.what();
                id = 0;
              }
              notify("create", w.done, id, error);
            } else if constexpr (std::is_same_v<W, Job::Recover>) {
              std::erase(poisoned_, w.meeting);
              notify("recover", w.done, true, "");
            } else if constexpr (std::is_same_v<W, Job::Delete>) {
              std::string error;
              try {
                db_->delete_meeting(w.meeting);  // its lease too
                held_.erase(w.meeting);
                scrub_pending_ = true;
                scrub();
              } catch (const std::exception& e) {
                error = e.what();
              }
              notify("delete", w.done, error.empty(), error);
            } else if constexpr (std::is_same_v<W, Job::EndedBefore>) {
              std::vector<std::int64_t> ids;
              try {
                ids = db_->ended_before(w.cutoff);
              } catch (const std::exception&) {
              }
              notify("ended_before", w.done, std::move(ids));
            } else if constexpr (std::is_same_v<W, Job::Run>) {
              notify("run", w.done);
            } else if constexpr (std::is_same_v<W, Job::CreateGroup>) {
              std::string error;
              std::int64_t id = 0;
              try {
                std::vector<EventRow> events;
                for (const auto& e : w.events) events.push_back(EventRow{e.seq, e.at, encode_group_event(e.event)});
                id = db_->create_group(GroupRow{0, w.code, w.key_hash, w.now}, events);
              } catch (const std::exception& e) {
                error = e.what();
                id = 0;
              }
              notify("create_group", w.done, id, error);
            } else if constexpr (std::is_same_v<W, Job::AppendGroup>) {
              // A group's events are few (one per meeting, agreement change and decision): each
              // append is its own transaction, as durable as every other.
              std::string error;
              try {
                std::vector<EventRow> events;
                for (const auto& e : w.events) events.push_back(EventRow{e.seq, e.at, encode_group_event(e.event)});
                db_->append_group(w.group, events, w.redact, encode_group_event(core::GroupRedacted{}));
                if (!w.redact.empty()) {
                  scrub_pending_ = true;
                  scrub();
                }
              } catch (const std::exception& e) {
                error = e.what();
              }
              notify("append_group", w.done, error.empty(), error);
            } else if constexpr (std::is_same_v<W, Job::Claim>) {
              Claimed claimed;
              try {
                const auto c = db_->claim(w.code);
                if (c.epoch > 0) {
                  held_[c.meeting] = c.epoch;
                  std::string why;
                  claimed.meeting = load_meeting(c.meeting, w.recent_events, why);
                  if (claimed.meeting) {
                    claimed.meeting->epoch = c.epoch;
                    std::erase(poisoned_, c.meeting);  // an earlier holding's failures do not carry over
                    std::erase(lost_, c.meeting);
                  } else {
                    claimed.error = "meeting " + std::to_string(c.meeting) + " could not be loaded: " + why;
                    db_->release(c.meeting, c.epoch);
                    held_.erase(c.meeting);
                  }
                } else {
                  claimed.held_by = c.holder;
                }
              } catch (const std::exception& e) {
                claimed.error = e.what();
              }
              notify("claim", w.done, std::move(claimed));
            } else if constexpr (std::is_same_v<W, Job::Read>) {
              std::optional<LoadedMeeting> found;
              try {
                if (const auto id = db_->meeting_id(w.code)) {
                  std::string why;
                  found = load_meeting(*id, 0, why);
                }
              } catch (const std::exception&) {
              }
              notify("read", w.done, std::move(found));
            } else if constexpr (std::is_same_v<W, Job::Release>) {
              std::string error;
              // Not renewed from now on, even when the database cannot be told: the lease runs out.
              if (auto it = held_.find(w.meeting); it != held_.end() && it->second == w.epoch) held_.erase(it);
              try {
                db_->release(w.meeting, w.epoch);
              } catch (const std::exception& e) {
                error = e.what();
              }
              notify("release", w.done, error.empty(), error);
            } else if constexpr (std::is_same_v<W, Job::DeleteGroup>) {
              std::string error;
              try {
                db_->delete_group(w.group);
                scrub_pending_ = true;
                scrub();
              } catch (const std::exception& e) {
                error = e.what();
              }
              notify("delete_group", w.done, error.empty(), error);
            }
          },
          job.work);
    }
    flush();
    if (scrub_pending_) scrub();
    if (std::chrono::steady_clock::now() - sized_at >= std::chrono::seconds(1)) {
      sized_at = std::chrono::steady_clock::now();
      try {
        const auto bytes = db_->bytes();
        std::lock_guard lock(stats_mutex_);
        bytes_ = bytes;
      } catch (const std::exception&) {
      }
    }
  }
}

// Extends this server's leases and tells the handler which it lost and which are wanted elsewhere.
// While the database cannot be reached nothing is renewed: once a lease runs out another server
// may take the meeting over, and this one's next write of it is refused (lease_lost).
void EventLog::renew_leases() {
  if (held_.empty()) return;
  std::vector<std::int64_t> meetings;
  for (const auto& [meeting, epoch] : held_) meetings.push_back(meeting);
  std::vector<HeldLease> still;
  try {
    still = db_->renew(meetings);
  } catch (const std::exception&) {
    return;
  }
  std::vector<std::int64_t> lost, wanted;
  for (auto it = held_.begin(); it != held_.end();) {
    const auto found = std::find_if(still.begin(), still.end(), [&](const HeldLease& l) { return l.meeting == it->first; });
    if (found == still.end() || found->epoch != it->second) {
      lost.push_back(it->first);
      if (std::find(lost_.begin(), lost_.end(), it->first) == lost_.end()) lost_.push_back(it->first);
      it = held_.erase(it);
      continue;
    }
    if (found->wanted) wanted.push_back(it->first);
    ++it;
  }
  if ((!lost.empty() || !wanted.empty()) && on_leases_) notify("leases", on_leases_, std::move(lost), std::move(wanted));
}

// Asks the backend to drop old copies of removed data; while it cannot, retries after each commit
// and every second.
void EventLog::scrub() {
  bool done = false;
  try {
    done = db_->scrub();
  } catch (const std::exception&) {
  }
  std::lock_guard lock(stats_mutex_);
  if (done) {
    scrub_pending_ = false;
    wal_pending_ = false;
  } else {
    if (!wal_pending_) ++wal_deferred_;
    wal_pending_ = true;
  }
}

void EventLog::plan(const Write& w, std::vector<row::Any>& rows, bool& scrub) const {
  for (const auto& e : w.events) {
    core::Event stored = e.event;
    if (const auto* counted = std::get_if<core::BallotCounted>(&e.event)) {
      // The ballot goes apart; the log keeps an empty placeholder.
      rows.push_back(row::Ballot{w.meeting, counted->poll, encode_ballot(counted->ballot)});
      stored = core::BallotCounted{counted->poll, {}};
    } else if (const auto* cancelled = std::get_if<core::PollCancelled>(&e.event)) {
      rows.push_back(row::DropBallots{w.meeting, cancelled->poll});
    } else if (const auto* closed = std::get_if<core::PollClosed>(&e.event)) {
      scrub = true;
      if (closed->result.withheld)  // a withheld result must not be recomputable from the disk
        rows.push_back(row::DropBallots{w.meeting, closed->poll});
      else
        rows.push_back(row::PollClosed{w.meeting, closed->poll});
    } else if (std::holds_alternative<core::MeetingEnded>(e.event)) {
      rows.push_back(row::Ended{w.meeting, e.at});
    }
    rows.push_back(row::Event{w.meeting, e.seq, e.at, encode_event(stored)});
  }
  if (w.token) rows.push_back(row::Token{w.meeting, w.token->hash, w.token->participant});
  if (w.command)
    rows.push_back(row::Command{w.meeting, w.command->participant, w.command->client_id, w.command->seq,
                                w.command->fingerprint, remembered_commands_});
  if (w.snapshot) rows.push_back(row::Snapshot{w.meeting, w.events.back().seq, *w.snapshot});
}

void EventLog::commit_group(std::vector<Job>& group) {
  // Writes of meetings whose earlier writes failed are refused until the meeting is reloaded:
  // they were decided against events that never reached the disk.
  std::vector<Job*> live;
  for (auto& job : group) {
    auto& append = std::get<Job::Append>(job.work);
    if (std::find(lost_.begin(), lost_.end(), append.write.meeting) != lost_.end())
      notify("append", append.done, false, std::string(lease_lost));
    else if (std::find(poisoned_.begin(), poisoned_.end(), append.write.meeting) != poisoned_.end())
      notify("append", append.done, false, std::string("an earlier write of this meeting failed"));
    else
      live.push_back(&job);
  }
  if (live.empty()) return;

  const auto started = std::chrono::steady_clock::now();
  std::string error;
  bool scrub_after = false;
  std::vector<std::int64_t> fenced;
  try {
    std::vector<row::Any> rows;
    std::vector<Fence> fences;
    for (Job* job : live) {
      const Write& w = std::get<Job::Append>(job->work).write;
      plan(w, rows, scrub_after);
      if (w.epoch != 0 && std::none_of(fences.begin(), fences.end(), [&](const Fence& f) { return f.meeting == w.meeting; }))
        fences.push_back(Fence{w.meeting, w.epoch});
    }
    fenced = db_->commit(rows, fences);
  } catch (const std::exception& e) {
    error = e.what();
  }
  // Writes of meetings another server took over: refused, nothing of them written; the meeting's
  // later writes too, until the room has stopped.
  if (error.empty() && !fenced.empty()) {
    std::erase_if(live, [&](Job* job) {
      auto& append = std::get<Job::Append>(job->work);
      if (std::find(fenced.begin(), fenced.end(), append.write.meeting) == fenced.end()) return false;
      if (std::find(lost_.begin(), lost_.end(), append.write.meeting) == lost_.end()) lost_.push_back(append.write.meeting);
      held_.erase(append.write.meeting);
      notify("append", append.done, false, std::string(lease_lost));
      return true;
    });
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
  for (Job* job : live) {
    const Write& w = std::get<Job::Append>(job->work).write;
    const core::ParticipantId person = w.command ? w.command->participant : w.token ? w.token->participant : 0;
    pacing_.wrote(CommitPacing::Writer{w.meeting, person}, started);
  }
  // A closed poll: the backend drops the order its ballots were written in before anyone is
  // answered. While a reader (an online backup) holds SQLite's WAL this cannot happen: it is
  // tried again after each commit and every second.
  if (scrub_after) {
    scrub_pending_ = true;
    scrub();
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
  s.paced = paced_;
  s.database_bytes = bytes_;
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
    ids = db_->meeting_ids();
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
  std::vector<GroupRow> rows;
  try {
    rows = db_->groups();
  } catch (const std::exception& e) {
    error = e.what();
    return {};
  }
  std::vector<LoadedGroup> loaded;
  for (auto& r : rows) {
    LoadedGroup g;
    g.id = r.id;
    g.code = std::move(r.code);
    g.key_hash = std::move(r.key_hash);
    g.created_at = r.created_at;
    try {
      db_->group_events(g.id, [&](EventRow row) {
        core::GroupStamped e{row.seq, row.at, decode_group_event(row.body)};
        if (e.seq != g.state.seq + 1) throw std::runtime_error("a gap in the group's events at seq " + std::to_string(e.seq));
        core::apply(g.state, e);
      });
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
    const auto stored = db_->meeting(id);
    if (!stored) throw std::runtime_error("no such meeting");
    m.id = id;
    m.code = stored->code;
    m.key_hash = stored->key_hash;
    m.created_at = stored->created_at;
    m.ended_at = stored->ended_at;
    // The newest snapshot, if it can be read; a snapshot is a cache: when it cannot (another
    // layout, or damaged), the meeting is replayed from its first event.
    core::Seq from = 0;
    if (const auto snapshot = db_->snapshot(id)) {
      try {
        m.state = decode_state(snapshot->body);
        from = snapshot->seq;
        if (m.state.seq != from) throw FormatError("its seq does not match its row");
      } catch (const std::exception& e) {
        m.note = std::string("snapshot not used (") + e.what() + "): replayed from the first event";
        m.state = core::MeetingState{};
        from = 0;
      }
    }
    db_->events(id, from, [&](EventRow row) {
      core::Stamped e{row.seq, row.at, decode_event(row.body)};
      if (e.seq != m.state.seq + 1) throw std::runtime_error("a gap in the event log at seq " + std::to_string(e.seq));
      core::apply(m.state, e);
    });
    // Anonymous ballots: whatever order they were stored in, the poll keeps them sorted.
    {
      std::map<std::uint32_t, std::vector<core::Ballot>> ballots;
      db_->ballots(id, [&](std::uint32_t poll, std::string body) { ballots[poll].push_back(decode_ballot(body)); });
      for (auto& poll : m.state.polls) {
        if (!poll.spec.anonymous || poll.status == core::PollStatus::cancelled) continue;
        auto& list = ballots[poll.id];
        std::sort(list.begin(), list.end());
        poll.anonymous = std::move(list);
      }
    }
    for (auto& row : db_->recent_events(id, recent_events))
      m.recent.push_back(core::Stamped{row.seq, row.at, decode_event(row.body)});
    db_->tokens(id, [&](std::string hash, core::ParticipantId p) { m.tokens.push_back(TokenRecord{std::move(hash), p}); });
    db_->commands(id, [&](core::ParticipantId p, std::string client_id, core::Seq seq, std::uint64_t fingerprint) {
      m.commands.push_back(CommandRecord{p, std::move(client_id), seq, fingerprint});
    });
    return m;
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

}  // namespace everyvoice::store
