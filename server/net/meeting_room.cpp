#include "net/meeting_room.hpp"

#include <boost/asio/post.hpp>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>

#include "codec/minutes.hpp"
#include "codec/server_message.hpp"
#include "core/errors.hpp"
#include "net/faults.hpp"
#include "net/log.hpp"
#include "net/metrics.hpp"
#include "net/update_frames.hpp"
#include "store/event_format.hpp"

namespace everyvoice::net {

namespace asio = boost::asio;
using core::Millis;
using core::ParticipantId;

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {
SecretHash to_hash(const std::string& bytes) {
  SecretHash h{};
  if (bytes.size() == h.size()) std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}
}  // namespace

MeetingRoom::MeetingRoom(asio::io_context& ioc, const Settings& settings, store::EventLog& log, store::LoadedMeeting loaded)
    : strand_(asio::make_strand(ioc)),
      settings_(settings),
      log_(log),
      id_(loaded.id),
      epoch_(loaded.epoch),
      code_(std::move(loaded.code)),
      facilitator_key_hash_(to_hash(loaded.key_hash)),
      state_(std::move(loaded.state)),
      committed_(state_),
      last_snapshot_seq_(state_.seq),
      history_(settings.history_events),
      figures_timer_(strand_),
      heartbeat_timer_(strand_),
      batching_(BatchingTimes{std::chrono::milliseconds(settings.coalesce_ms),
                              std::chrono::milliseconds(settings.count_settle_ms), settings.count_frames_per_second}),
      batch_timer_(strand_),
      signals_timer_(strand_) {
  ended_ = state_.ended;
  for (const auto& e : loaded.recent) history_.push(e);
  for (const auto& t : loaded.tokens) tokens_[to_hash(t.hash)] = t.participant;
  // Oldest first, so that each person keeps their latest remembered_commands.
  std::sort(loaded.commands.begin(), loaded.commands.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
  for (auto& c : loaded.commands) remember_command(c.participant, std::move(c.client_id), DoneCommand{c.seq, c.fingerprint});
}

// Exactly-once needs the ids of recent commands only: each person's last remembered_commands, so
// that memory does not grow with the length of a meeting.
void MeetingRoom::remember_command(ParticipantId who, std::string id, DoneCommand done) {
  auto& order = done_order_[who];
  const auto [it, added] = done_commands_.insert_or_assign({who, id}, done);
  if (added) order.push_back(std::move(id));
  while (order.size() > settings_.remembered_commands) {
    done_commands_.erase({who, order.front()});
    order.pop_front();
  }
}

// A task of this meeting that throws ends there: the fault is logged and counted, the connection
// it served (if any) is closed with 1011, and the strand goes on with the meeting's other work.
template <class F>
void MeetingRoom::guarded(const std::shared_ptr<Connection>& conn, const char* what, F&& task) noexcept {
  try {
    task();
  } catch (const std::exception& e) {
    report_fault(FaultPlace::room, "meeting " + std::to_string(id_) + ", " + what, &e);
    if (conn) conn->close(close_code::internal, "internal error");
  } catch (...) {
    report_fault(FaultPlace::room, "meeting " + std::to_string(id_) + ", " + what, nullptr);
    if (conn) conn->close(close_code::internal, "internal error");
  }
}

void MeetingRoom::inject_fault(std::shared_ptr<Connection> conn, bool in_store) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), in_store] {
    if (!in_store) return self->guarded(conn, "injected", [] { throw InjectedFault(); });
    self->log_.run_on_writer([] { throw InjectedFault(); });
  });
}

void MeetingRoom::start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->schedule_heartbeat();
    // A new meeting of a group is added to it; a restored one catches its group up with whatever
    // the group missed (a crash between the meeting's commit and the group's).
    if (self->group_sink_ && !self->committed_.group.group.empty())
      self->group_sink_(self->committed_.group.group, core::group_facts(self->code_, self->committed_));
  });
}

void MeetingRoom::join(std::shared_ptr<Connection> conn, std::string id, codec::JoinRequest request) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), id = std::move(id),
                       request = std::move(request)]() mutable {
    self->guarded(conn, "join", [&] { self->do_join(conn, id, request); });
  });
}

void MeetingRoom::resume(std::shared_ptr<Connection> conn, std::string id, codec::ResumeRequest request) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), id = std::move(id),
                       request = std::move(request)] {
    self->guarded(conn, "resume", [&] { self->do_resume(conn, id, request); });
  });
}

void MeetingRoom::command(std::shared_ptr<Connection> conn, std::string id, core::Command command,
                          std::uint64_t fingerprint) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), id = std::move(id), command = std::move(command),
                       fingerprint]() mutable {
    self->guarded(conn, "command", [&] { self->do_command(conn, id, command, fingerprint); });
  });
}

void MeetingRoom::ping(std::shared_ptr<Connection> conn, std::string id) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), id = std::move(id)] {
    self->guarded(conn, "ping", [&] {
      // The pong follows the answers to every command sent before the ping (PROTOCOL.md 4.2): while
      // something is being saved, it waits for the last of it.
      if (self->pending_.empty())
        conn->deliver(make_frame(codec::encode_pong(id, self->committed_.seq, now_ms())), FrameKind::reply);
      else
        self->pending_.back().pongs.emplace_back(conn, id);
    });
  });
}

void MeetingRoom::send_snapshot(std::shared_ptr<Connection> conn) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn)] {
    self->guarded(conn, "snapshot", [&] {
      auto it = self->members_.find(conn.get());
      if (it == self->members_.end()) return;
      metrics().slow_client_snapshots++;
      it->second.snapshot_seq = self->committed_.seq;
      conn->deliver(make_frame(codec::encode_snapshot(self->committed_, self->code_, it->second.audience, now_ms())),
                    FrameKind::snapshot);
    });
  });
}

void MeetingRoom::leave(std::shared_ptr<Connection> conn) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn)] {
    self->guarded(nullptr, "leave", [&] { self->do_leave(conn); });
  });
}

void MeetingRoom::minutes(std::string key, std::string format, std::function<void(bool, std::string)> done) {
  asio::post(strand_, [self = shared_from_this(), key = std::move(key), format = std::move(format), done = std::move(done)] {
    if (hash_secret(key) != self->facilitator_key_hash_) return done(false, "");
    std::string body;
    bool rendered = false;
    self->guarded(nullptr, "minutes", [&] {
      body = codec::render_minutes(self->committed_, self->code_, format, now_ms());
      rendered = true;
    });
    if (!rendered) throw std::runtime_error("the minutes could not be rendered");  // the HTTP request answers 500
    done(true, std::move(body));
  });
}

void MeetingRoom::agenda(std::string key, std::function<void(bool, std::vector<core::Event>)> done) {
  asio::post(strand_, [self = shared_from_this(), key = std::move(key), done = std::move(done)] {
    if (hash_secret(key) != self->facilitator_key_hash_) return done(false, {});
    done(true, agenda_of(self->committed_));
  });
}

std::vector<core::Event> MeetingRoom::agenda_of(const core::MeetingState& state) {
  std::vector<core::Event> items;
  for (const auto& item : state.agenda)
    items.emplace_back(core::AgendaItemAdded{static_cast<std::uint32_t>(items.size() + 1), item.title, item.timebox_minutes});
  return items;
}

void MeetingRoom::close_for_deletion(std::string key, std::function<void(bool)> done) {
  asio::post(strand_, [self = shared_from_this(), key = std::move(key), done = std::move(done)] {
    if (hash_secret(key) != self->facilitator_key_hash_) return done(false);
    for (auto& [ptr, m] : self->members_) m.conn->close(close_code::deleted, "the meeting was deleted");
    self->stopped_ = true;
    done(true);
  });
}

void MeetingRoom::close_for_group_deletion(std::function<void()> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
    for (auto& [ptr, m] : self->members_) m.conn->close(close_code::deleted, "the meeting was deleted with its group");
    self->stopped_ = true;
    done();
  });
}

void MeetingRoom::move_away(std::function<void()> done) {
  asio::post(strand_, [self = shared_from_this(), done = std::move(done)] {
    for (auto& [ptr, m] : self->members_)
      m.conn->close(close_code::moved, "this meeting moved to another server: reconnect");
    for (auto& p : self->pending_)
      if (p.kind == Pending::Kind::join && p.conn) p.conn->close(close_code::moved, "this meeting moved to another server: reconnect");
    self->pending_.clear();
    ++self->generation_;  // answers of writes still in the log are stale
    self->halt();
    done();
  });
}

void MeetingRoom::stop() {
  asio::post(strand_, [self = shared_from_this()] { self->halt(); });
}

void MeetingRoom::halt() {
  stopped_ = true;
  figures_timer_.cancel();
  heartbeat_timer_.cancel();
  batch_timer_.cancel();
  signals_timer_.cancel();
  away_timers_.clear();
  members_.clear();
  connections_of_.clear();
}

void MeetingRoom::reply_error(Connection& conn, const std::string& id, std::string_view code, std::string_view message) {
  metrics().commands_rejected++;
  conn.deliver(make_frame(codec::encode_error(id, code, message)), FrameKind::reply);
}

// A join or resume that fails leaves the connection free to try again (PROTOCOL.md 3.2).
// The connection is freed for another join before the refusal leaves: the client's next join can
// only arrive after the refusal, so the session handles it after the freeing (a post to the same
// executor, queued first). The other way round, a quick client's next join could find the first
// still under way (seen under ASan).
void MeetingRoom::refuse_join(Connection& conn, const std::string& id, std::string_view code, std::string_view message) {
  conn.join_failed();
  reply_error(conn, id, code, message);
}

bool MeetingRoom::connected(ParticipantId who) const { return connections_of_.contains(who); }

void MeetingRoom::forget_member(ParticipantId who) {
  if (auto it = connections_of_.find(who); it != connections_of_.end() && --it->second == 0) connections_of_.erase(it);
}

void MeetingRoom::admit(const std::shared_ptr<Connection>& conn, ParticipantId who) {
  const auto& p = committed_.participants[who - 1];
  if (members_.insert_or_assign(conn.get(), Member{conn, who, codec::audience_for(p.role)}).second) ++connections_of_[who];
  away_timers_.erase(who);
  conn->bind(shared_from_this(), who);
}

constexpr std::string_view storage_unavailable = "storage_unavailable";
constexpr std::string_view storage_message =
    "the server cannot save changes right now, so nothing was changed; please try again in a moment";

void MeetingRoom::do_join(const std::shared_ptr<Connection>& conn, const std::string& id, codec::JoinRequest& request) {
  if (stopped_) return refuse_join(*conn, id, "wrong_code", "no meeting has this code");
  if (members_.contains(conn.get()) || joining_.contains(conn.get()))
    return refuse_join(*conn, id, "already_joined", "this connection has joined already");
  if (recovering_) return refuse_join(*conn, id, storage_unavailable, storage_message);
  core::Role role = request.role;
  if (request.facilitator_key) {
    if (hash_secret(*request.facilitator_key) != facilitator_key_hash_)
      return refuse_join(*conn, id, "bad_key", "the facilitator key does not match this meeting");
    role = core::Role::facilitator;
  }
  std::size_t active = 0;
  for (const auto& p : state_.participants) active += p.removed ? 0 : 1;
  if (active >= settings_.participants_per_meeting)
    return refuse_join(*conn, id, "meeting_full",
                       "this meeting has reached its limit of " + std::to_string(settings_.participants_per_meeting) +
                           " people");
  const Millis now = now_ms();
  // A member of the meeting's group, by a member key they keep (the group's participation record).
  std::uint32_t member = 0;
  if (!request.member_keys.empty() && member_lookup_ && !state_.group.group.empty())
    member = member_lookup_(state_.group.group, request.member_keys);
  core::Outcome outcome = core::decide(
      state_, core::server_actor, core::Join{std::move(request.name), role, request.location, request.preference, member},
      now);
  if (!outcome.accepted())
    return refuse_join(*conn, id, core::name_of(outcome.rejection->code), outcome.rejection->message);
  const auto who = static_cast<ParticipantId>(state_.participants.size() + 1);
  Pending pending{Pending::Kind::join, conn, id, {}, {}, new_secret(), who, now, 0, {}};
  pending.snapshot = request.snapshot;
  const SecretHash hash = hash_secret(pending.token);
  joining_.insert(conn.get());
  propose(std::move(outcome.events), now, std::move(pending),
          store::TokenRecord{std::string(reinterpret_cast<const char*>(hash.data()), hash.size()), who});
}

void MeetingRoom::do_resume(const std::shared_ptr<Connection>& conn, const std::string& id,
                            const codec::ResumeRequest& request) {
  if (stopped_) return refuse_join(*conn, id, "wrong_code", "no meeting has this code");
  if (members_.contains(conn.get()) || joining_.contains(conn.get()))
    return refuse_join(*conn, id, "already_joined", "this connection has joined already");
  const auto found = tokens_.find(hash_secret(request.token));
  if (found == tokens_.end() || !committed_.find_active(found->second))
    return refuse_join(*conn, id, "bad_token", "this token does not belong to anyone in this meeting; join again");
  const ParticipantId who = found->second;
  // Joins held for the next batch are in the history already: send them to everyone now, so that
  // the catch-up below holds each missed event once and no later batch repeats one (PROTOCOL.md 3.5).
  send(batching_.flush_events(std::chrono::steady_clock::now()), now_ms());
  admit(conn, who);
  const Millis now = now_ms();
  const auto audience = members_[conn.get()].audience;
  conn->deliver(make_frame(codec::encode_welcome(id, code_, committed_, who, std::nullopt, now)), FrameKind::reply);
  if (request.last_seq != committed_.seq) {
    // The events missed, if all are still held; otherwise (or from a seq we never had) a snapshot.
    // last_seq 0 is a client that has nothing: it gets a snapshot.
    // A person whose role changed meanwhile sees the meeting as another audience now: the events
    // alone would leave their copy in the old audience's shape, so they get a snapshot.
    ResumeHistory::Since since;
    if (request.last_seq > 0 && request.last_seq < committed_.seq) since = history_.since(request.last_seq);
    const bool held = since.complete;
    const std::vector<core::Stamped>& missed = since.events;
    const bool role_changed = std::any_of(missed.begin(), missed.end(), [who](const core::Stamped& e) {
      const auto* changed = std::get_if<core::RoleChanged>(&e.event);
      return changed && changed->id == who;
    });
    if (held && !role_changed) {
      // Every section, so that changes coalesced away (counts) are caught up too; decisions: the
      // ones added since last_seq.
      std::size_t new_decisions = 0;
      for (const auto& e : missed) new_decisions += std::holds_alternative<core::DecisionRecorded>(e.event) ? 1 : 0;
      conn->deliver(make_frame(codec::encode_update(committed_, missed, audience, now, codec::all_sections, new_decisions)),
                    FrameKind::snapshot);
    } else {
      conn->deliver(make_frame(codec::encode_snapshot(committed_, code_, audience, now)), FrameKind::snapshot);
    }
  }
  if (codec::receives_figures(audience))
    conn->deliver(make_frame(codec::encode_figures(committed_, now)), FrameKind::update);
  metrics().commands_accepted++;
  if (state_.participants[who - 1].presence == core::Presence::away && !recovering_)
    server_command(core::SetPresence{who, core::Presence::here});
}

void MeetingRoom::do_command(const std::shared_ptr<Connection>& conn, const std::string& id, core::Command& command,
                             std::uint64_t fingerprint) {
  if (stopped_) return;
  const auto it = members_.find(conn.get());
  if (it == members_.end()) return reply_error(*conn, id, "not_joined", "join or resume a meeting first");
  const ParticipantId who = it->second.who;
  // Exactly once: a command id seen before gets the answer it got then, and changes nothing.
  const auto key = std::make_pair(who, id);
  // The same id with another message is not a retry: refused, so that it is not silently dropped.
  const auto reused = [&] {
    reply_error(*conn, id, "id_reused", "you used this id for another command; send each command with a new id");
  };
  if (const auto done = done_commands_.find(key); done != done_commands_.end()) {
    if (done->second.fingerprint != fingerprint) return reused();
    conn->deliver(make_frame(codec::encode_ack(id, done->second.seq)), FrameKind::reply);
    return;
  }
  for (auto& p : pending_) {
    if (p.kind == Pending::Kind::command && p.who == who && p.id == id) {
      if (p.fingerprint != fingerprint) return reused();
      p.retries.push_back(conn);
      return;
    }
  }
  if (recovering_) return reply_error(*conn, id, storage_unavailable, storage_message);
  if (auto* round = std::get_if<core::StartRound>(&command); round && round->order == core::RoundOrder::shuffled)
    round->seed = random_u64();
  const Millis now = now_ms();
  if (const auto* signal = std::get_if<core::SendSignal>(&command)) {
    const auto last = last_signal_.find({who, signal->kind});
    if (last != last_signal_.end() && now - last->second < core::Millis{state_.signal_window_seconds} * 1000)
      return reply_error(*conn, id, "already_signalled",
                         "you sent this signal a moment ago; it still counts until it fades");
  }
  core::Outcome outcome = core::decide(state_, who, command, now);
  if (!outcome.accepted())
    return reply_error(*conn, id, core::name_of(outcome.rejection->code), outcome.rejection->message);
  metrics().commands_accepted++;
  if (const auto* signal = std::get_if<core::SendSignal>(&command)) last_signal_[{who, signal->kind}] = now;
  if (outcome.events.empty()) {  // nothing to change (a policy set to what it is): answer at once,
    // after any held events up to the seq the ack names
    send(batching_.flush_events(std::chrono::steady_clock::now()), now);
    conn->deliver(make_frame(codec::encode_ack(id, committed_.seq)), FrameKind::reply);
    return;
  }
  propose(std::move(outcome.events), now, Pending{Pending::Kind::command, conn, id, {}, {}, {}, who, now, fingerprint, {}},
          std::nullopt);
}

void MeetingRoom::server_command(const core::Command& command) {
  const Millis now = now_ms();
  core::Outcome outcome = core::decide(state_, core::server_actor, command, now);
  if (outcome.accepted() && !outcome.events.empty())
    propose(std::move(outcome.events), now, Pending{Pending::Kind::server, nullptr, {}, {}, {}, {}, 0, now, 0, {}}, std::nullopt);
}

void MeetingRoom::do_leave(const std::shared_ptr<Connection>& conn) {
  joining_.erase(conn.get());
  const auto it = members_.find(conn.get());
  if (it == members_.end()) return;
  const ParticipantId who = it->second.who;
  members_.erase(it);
  forget_member(who);
  if (!stopped_ && !connected(who) && committed_.find_active(who)) start_away_timer(who);
}

void MeetingRoom::start_away_timer(ParticipantId who) {
  auto& timer = away_timers_[who];
  timer = std::make_unique<asio::steady_timer>(strand_, std::chrono::seconds(settings_.away_grace_seconds));
  timer->async_wait([self = shared_from_this(), who](boost::system::error_code ec) {
    if (ec || self->stopped_ || self->connected(who) || self->recovering_) return;
    self->away_timers_.erase(who);
    self->guarded(nullptr, "away", [&] { self->server_command(core::SetPresence{who, core::Presence::away}); });
  });
}

void MeetingRoom::propose(std::vector<core::Event> events, Millis now, Pending pending,
                          std::optional<store::TokenRecord> token) {
  pending.events = core::stamp(state_, std::move(events), now);
  for (const auto& e : pending.events) {
    core::apply(state_, e);
    event_bytes_since_snapshot_ += store::encoded_size(e.event);
  }
  store::Write write;
  write.meeting = id_;
  write.epoch = epoch_;
  write.events = pending.events;
  write.token = std::move(token);
  if (pending.kind == Pending::Kind::command)
    write.command = store::CommandRecord{pending.who, pending.id, state_.seq, pending.fingerprint};
  if (state_.seq - last_snapshot_seq_ >= settings_.snapshot_every &&
      event_bytes_since_snapshot_ * 100 >= last_snapshot_bytes_ * settings_.snapshot_bytes_percent) {
    write.snapshot = store::encode_state(state_);
    last_snapshot_seq_ = state_.seq;
    last_snapshot_bytes_ = write.snapshot->size();
    event_bytes_since_snapshot_ = 0;
  }
  pending_.push_back(std::move(pending));
  log_.append(std::move(write), [weak = weak_from_this(), generation = generation_](bool ok, const std::string& error) {
    if (auto self = weak.lock())
      asio::post(self->strand_, [self, generation, ok, error] {
        self->guarded(nullptr, "commit", [&] { self->on_written(generation, ok, error); });
      });
  });
}

// A group commit answers several writes at once, each with its own post. They are published
// together, in one turn of the strand, so that the frames they queue on a connection leave in one
// gathered write instead of one write each.
void MeetingRoom::on_written(std::uint64_t generation, bool ok, const std::string& error) {
  if (generation != generation_ || pending_.size() <= committed_waiting_) return;  // a run that already failed
  if (!ok && error == store::lease_lost && lease_lost_) {
    // Another server holds the meeting: it is let go (move_away), nothing is rolled back here.
    ++generation_;
    return lease_lost_(id_);
  }
  if (!ok) return fail_pending(error);
  ++committed_waiting_;
  if (publish_posted_) return;
  publish_posted_ = true;
  asio::post(strand_, [self = shared_from_this()] {
    self->publish_posted_ = false;
    self->guarded(nullptr, "publish", [&] { self->publish_committed(); });
  });
}

// What `task` corks leaves when the outermost batch ends, also when the task throws (guarded()
// reports it): nothing corked is left waiting for a batch that will not end.
template <class F>
void MeetingRoom::corked(F&& task) {
  ++cork_depth_;
  try {
    task();
  } catch (...) {
    if (--cork_depth_ == 0) uncork();
    throw;
  }
  if (--cork_depth_ == 0) uncork();
}

// One publish that throws (a fault, reported) closes its sender's connection, whose client then
// resumes; the others are still published and answered.
void MeetingRoom::publish_committed() {
  corked([&] {
    while (committed_waiting_ > 0 && !pending_.empty()) {
      --committed_waiting_;
      Pending pending = std::move(pending_.front());
      pending_.pop_front();
      guarded(pending.conn, "publish", [&] { publish(pending); });
    }
    committed_waiting_ = 0;
  });
}

void MeetingRoom::cork(Member& m, const Frame& frame, FrameKind kind) {
  if (!m.corked) {
    corked_.push_back(m.conn.get());
    m.corked = true;
  }
  m.conn->deliver_corked(frame, kind);
}

void MeetingRoom::answer(const std::shared_ptr<Connection>& conn, const Frame& frame, FrameKind kind) {
  if (cork_depth_ > 0)
    if (const auto it = members_.find(conn.get()); it != members_.end()) return cork(it->second, frame, kind);
  conn->deliver(frame, kind);
}

// A broadcast corks every member: one pass over the members collects their sends. A batch that
// corked a few (a vote storm's acks, a join's snapshot) finds those by lookup, not by a pass over
// thousands of members for each commit. A member removed meanwhile is being closed, and its close
// flushes what it holds. The sends are then written together (send_batch.hpp).
void MeetingRoom::uncork() {
  SendBatch& batch = SendBatch::for_this_thread();
  if (corked_.size() * 2 >= members_.size()) {
    for (auto& [ptr, m] : members_) {
      if (!m.corked) continue;
      m.corked = false;
      m.conn->add_corked(batch);
    }
  } else {
    for (Connection* conn : corked_) {
      const auto it = members_.find(conn);
      if (it == members_.end() || !it->second.corked) continue;
      it->second.corked = false;
      it->second.conn->add_corked(batch);
    }
  }
  corked_.clear();
  batch.send();
}

// Nothing of the failed run reached the disk: everyone waiting is told so, the decided-against
// state returns to what was committed, and the log is asked to take this meeting's writes again.
void MeetingRoom::fail_pending(const std::string& error) {
  publish_committed();  // what committed before the failure is shown and answered first
  log(LogLevel::warn, "meeting " + std::to_string(id_) + ": write failed: " + error);
  metrics().storage_failures++;
  std::size_t unstored_bytes = 0;  // counted toward the next snapshot in propose, never stored
  for (auto& p : pending_) {
    for (const auto& e : p.events) unstored_bytes += store::encoded_size(e.event);
    if (p.kind == Pending::Kind::join) {
      joining_.erase(p.conn.get());
      refuse_join(*p.conn, p.id, storage_unavailable, storage_message);
    } else if (p.conn) {
      reply_error(*p.conn, p.id, storage_unavailable, storage_message);
    }
    for (auto& retry : p.retries) reply_error(*retry, p.id, storage_unavailable, storage_message);
    send_pongs(p);
  }
  pending_.clear();
  ++generation_;
  state_ = committed_;
  if (last_snapshot_seq_ > committed_.seq) {  // that snapshot was not stored: the next goes by count alone
    last_snapshot_seq_ = committed_.seq;
    last_snapshot_bytes_ = 0;
  } else {
    event_bytes_since_snapshot_ -= std::min(event_bytes_since_snapshot_, unstored_bytes);
  }
  recovering_ = true;
  log_.recover(id_, [weak = weak_from_this()](bool, const std::string&) {
    if (auto self = weak.lock()) asio::post(self->strand_, [self] { self->recovering_ = false; });
  });
}

void MeetingRoom::publish(Pending& pending) {
  // The agreement, the decision record, the carried points or a member's participation changed.
  bool group_follows = false;
  for (const auto& e : pending.events) {
    core::apply(committed_, e);
    history_.push(e);
    const auto* turn = std::get_if<core::TurnEnded>(&e.event);
    group_follows = group_follows || std::holds_alternative<core::AgreementItemChanged>(e.event) ||
                    std::holds_alternative<core::DecisionRecorded>(e.event) ||
                    std::holds_alternative<core::PointCarried>(e.event) ||
                    std::holds_alternative<core::MemberAttended>(e.event) ||
                    (turn && committed_.participants[turn->id - 1].member != 0);
  }
  if (group_follows && group_sink_ && !committed_.group.group.empty())
    group_sink_(committed_.group.group, core::group_facts(code_, committed_));
  if (committed_.ended) ended_ = true;
  if (pending.kind == Pending::Kind::command)
    remember_command(pending.who, pending.id, DoneCommand{committed_.seq, pending.fingerprint});
  if (pending.kind != Pending::Kind::join) broadcast(pending.events, pending.now);
  switch (pending.kind) {
    case Pending::Kind::command: {
      // A command's update comes before its ack (PROTOCOL.md 4.2): batching only delays events no
      // command waits on (joins, presence changes of people who dropped), so a command whose
      // events were held (set_presence, add_proxy) sends the batch now.
      send(batching_.flush_events(std::chrono::steady_clock::now()), pending.now);
      const Frame ack = make_frame(codec::encode_ack(pending.id, committed_.seq));
      if (pending.conn) answer(pending.conn, ack, FrameKind::reply);
      for (auto& retry : pending.retries) answer(retry, ack, FrameKind::reply);
      break;
    }
    case Pending::Kind::join: {
      joining_.erase(pending.conn.get());
      const SecretHash hash = hash_secret(pending.token);
      tokens_[hash] = pending.who;
      admit(pending.conn, pending.who);
      metrics().commands_accepted++;
      // The snapshot follows at once, though joins before this one may wait for the next batch:
      // it holds them, and that batch leaves them out for this member (update_frames.hpp). A
      // joiner who asked for none gets the same updates: those after the welcome's seq.
      Member& member = members_[pending.conn.get()];
      const Frame welcome =
          make_frame(codec::encode_welcome(pending.id, code_, committed_, pending.who, pending.token, pending.now));
      const Frame snapshot =
          pending.snapshot ? make_frame(codec::encode_snapshot(committed_, code_, member.audience, pending.now)) : nullptr;
      member.snapshot_seq = committed_.seq;
      answer(pending.conn, welcome, FrameKind::reply);
      if (snapshot) answer(pending.conn, snapshot, FrameKind::snapshot);
      if (!pending.events.empty()) broadcast(pending.events, pending.now);
      break;
    }
    case Pending::Kind::server: break;
  }
  send_pongs(pending);
}

void MeetingRoom::send_pongs(Pending& pending) {
  for (auto& [conn, id] : std::exchange(pending.pongs, {}))
    conn->deliver(make_frame(codec::encode_pong(id, committed_.seq, now_ms())), FrameKind::reply);
}

void MeetingRoom::broadcast(const std::vector<core::Stamped>& events, Millis now) {
  bool only_counts = true;
  bool signalled = false;
  for (const auto& e : events) {
    only_counts = only_counts && codec::is_count_event(e.event);
    signalled = signalled || std::holds_alternative<core::SignalSent>(e.event);
  }
  if (signalled) schedule_signal_refresh();
  // The equity figures are about people and speaking: counts (a vote storm) do not change them.
  if (!only_counts) {
    figures_dirty_ = true;
    schedule_figures();
  }
  send(batching_.committed(events, std::chrono::steady_clock::now(), members_.size()), now);
}

void MeetingRoom::send(std::optional<Outgoing> out, Millis now) {
  if (out) send_update(*out, now);
  arm_batch_timer();
}

// Sends `out` to every member; a member who has just joined (or changed audience) gets its
// audience's snapshot instead.
void MeetingRoom::send_update(const Outgoing& out, Millis now) {
  // A person whose role changed moves to another audience and gets that audience's snapshot;
  // a removed person's connections are closed.
  std::vector<Member*> to_snapshot;
  std::vector<Connection*> to_remove;
  for (auto& [ptr, m] : members_) {
    const auto& p = committed_.participants[m.who - 1];
    if (!codec::receives_updates(p)) {
      to_remove.push_back(ptr);
      continue;
    }
    const auto audience = codec::audience_for(p.role);
    if (audience != m.audience) {
      m.audience = audience;
      to_snapshot.push_back(&m);
    }
  }

  // Encode once per audience that has a member, then queue the same frame on each connection.
  corked([&] {
    UpdateFrames frames(committed_, code_, out, now);
    for (auto& [ptr, m] : members_) {
      if (!codec::receives_updates(committed_.participants[m.who - 1])) continue;
      if (std::find(to_snapshot.begin(), to_snapshot.end(), &m) != to_snapshot.end()) {
        cork(m, frames.snapshot(m.audience), FrameKind::snapshot);
        continue;
      }
      if (const Frame* frame = frames.update(m.audience, m.snapshot_seq)) cork(m, *frame, FrameKind::update);
    }
  });
  for (Connection* ptr : to_remove) {
    auto node = members_.extract(ptr);
    forget_member(node.mapped().who);
    node.mapped().conn->close(close_code::removed, "removed from the meeting by a facilitator");
  }
  send_poll_results(out.voted_polls);
}

// The batching policy says when held changes are due; one timer wakes it then. A timer armed for
// that time or earlier is left alone (it finds nothing due, or what is due, and is armed again);
// one armed for later is moved earlier, and the wait it cancels is ignored by its turn.
void MeetingRoom::arm_batch_timer() {
  const auto at = batching_.wake_at();
  if (!at || stopped_ || (batch_timer_at_ && *batch_timer_at_ <= *at)) return;
  batch_timer_at_ = *at;
  batch_timer_.expires_at(*at);
  batch_timer_.async_wait([self = shared_from_this(), turn = ++batch_timer_turn_](boost::system::error_code ec) {
    if (turn != self->batch_timer_turn_) return;  // armed again, earlier: that wait carries on
    self->batch_timer_at_.reset();
    if (ec || self->stopped_) return;
    self->guarded(nullptr, "batched update",
                  [&] { self->send(self->batching_.due(std::chrono::steady_clock::now()), now_ms()); });
  });
}

// Named after-vote polls: their running result goes to the people who voted, on their own
// connections, one frame per poll.
void MeetingRoom::send_poll_results(const std::set<std::uint32_t>& polls) {
  for (std::uint32_t id : polls) {
    Frame frame;
    for (auto& [ptr, m] : members_) {
      if (!codec::receives_poll_results(committed_, id, m.audience, m.who)) continue;
      if (!frame) frame = make_frame(codec::encode_poll_results(committed_, id));
      m.conn->deliver(frame, FrameKind::update);
    }
  }
}

// Signals fade as the window slides, with no event: while any is in the window, the signals
// section is sent again every few seconds.
void MeetingRoom::schedule_signal_refresh() {
  if (signals_armed_ || stopped_) return;
  signals_armed_ = true;
  signals_timer_.expires_after(std::chrono::seconds(5));
  signals_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->signals_armed_ = false;
    if (ec || self->stopped_) return;
    self->guarded(nullptr, "signals", [&] {
      self->batching_.touch(codec::section_signals);
      self->send(self->batching_.flush(std::chrono::steady_clock::now()), now_ms());
      const Millis since = now_ms() - core::Millis{self->committed_.signal_window_seconds} * 1000;
      if (!self->committed_.signals.empty() && self->committed_.signals.back().at > since) self->schedule_signal_refresh();
    });
  });
}

void MeetingRoom::schedule_figures() {
  if (figures_armed_ || stopped_) return;
  figures_armed_ = true;
  figures_timer_.expires_after(std::chrono::milliseconds(settings_.figures_interval_ms));
  figures_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->figures_armed_ = false;
    if (!ec) self->guarded(nullptr, "figures", [&] { self->on_figures(); });
  });
}

void MeetingRoom::on_figures() {
  // While someone speaks the figures change by the second, so they stay live; otherwise they are
  // sent once after a change.
  if (!figures_dirty_ && !committed_.turn) return;
  figures_dirty_ = false;
  Frame frame;
  for (auto& [ptr, m] : members_) {
    if (!codec::receives_figures(m.audience)) continue;
    if (!frame) frame = make_frame(codec::encode_figures(committed_, now_ms()));
    m.conn->deliver(frame, FrameKind::update);
  }
  if (committed_.turn) {
    figures_dirty_ = true;
    schedule_figures();
  }
}

void MeetingRoom::schedule_heartbeat() {
  if (stopped_) return;
  heartbeat_timer_.expires_after(std::chrono::seconds(settings_.heartbeat_seconds));
  heartbeat_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped_) return;
    self->guarded(nullptr, "heartbeat", [&] {
      if (!self->members_.empty()) {
        const Frame frame = make_frame(codec::encode_heartbeat(self->committed_.seq, now_ms()));
        for (auto& [ptr, m] : self->members_) m.conn->deliver(frame, FrameKind::update);
      }
    });
    self->schedule_heartbeat();
  });
}

}  // namespace everyvoice::net
