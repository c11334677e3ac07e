// One meeting's owner. Every command of the meeting runs in order on the room's strand, against
// the pure core. Accepted events go to the durable log first; only once their transaction has
// committed are they acknowledged and broadcast, encoded once per audience, the same frame queued
// on every connection of that audience. The room keeps two states:
//   state_      what the next command is decided against: every accepted event, committed or not;
//   committed_  what clients are shown: only events the log has committed.
// When a write fails, every command waiting on it gets "storage_unavailable", state_ goes back to
// committed_, and the next command tries the disk again.
// It also keeps the recent events for resuming clients, coalesces counts and the facilitators'
// figures, sends heartbeats, and marks people away after a grace period.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "codec/client_message.hpp"
#include "core/meeting.hpp"
#include "net/connection.hpp"
#include "net/resume_history.hpp"
#include "net/secrets.hpp"
#include "core/group.hpp"
#include "net/settings.hpp"
#include "net/update_batching.hpp"
#include "store/event_log.hpp"

namespace everyvoice::net {

class MeetingRoom : public std::enable_shared_from_this<MeetingRoom> {
 public:
  MeetingRoom(boost::asio::io_context& ioc, const Settings& settings, store::EventLog& log, store::LoadedMeeting loaded);

  const std::string& code() const { return code_; }
  std::int64_t id() const { return id_; }
  // Ended meetings are read-only and do not count toward the limit of meetings. Any thread.
  bool ended() const { return ended_.load(std::memory_order_relaxed); }

  // Where a meeting of a group reports what its group follows (GroupRegistry::sync), after a
  // commit that changed its agreement or decision record or carried a point forward, and once at
  // start. Before start().
  // And where it asks which member of its group holds one of the member keys someone joins with
  // (GroupRegistry::member_of): 0 if none.
  using GroupSink = std::function<void(const std::string& group, core::GroupFacts facts)>;
  using MemberLookup = std::function<std::uint32_t(const std::string& group, const std::vector<std::string>& member_keys)>;
  void set_group_sink(GroupSink sink, MemberLookup members) {
    group_sink_ = std::move(sink);
    member_lookup_ = std::move(members);
  }

  // Shared store (several servers): called on the strand when a write was refused because another
  // server took the meeting over (store::lease_lost). Before start().
  using LeaseLost = std::function<void(std::int64_t id)>;
  void set_lease_lost(LeaseLost lost) { lease_lost_ = std::move(lost); }
  std::int64_t epoch() const { return epoch_; }  // the lease it is served under (0: not leased)

  void start();  // starts the heartbeat (and reports to the meeting's group, if it has one)

  // Thread-safe entry points: each posts its work to the room's strand.
  void join(std::shared_ptr<Connection> conn, std::string id, codec::JoinRequest request);
  void resume(std::shared_ptr<Connection> conn, std::string id, codec::ResumeRequest request);
  // `fingerprint` identifies the message text: the same id with another text is a reused id.
  void command(std::shared_ptr<Connection> conn, std::string id, core::Command command, std::uint64_t fingerprint);
  void ping(std::shared_ptr<Connection> conn, std::string id);
  void send_snapshot(std::shared_ptr<Connection> conn);  // a client that fell behind has drained
  void leave(std::shared_ptr<Connection> conn);
  // The minutes in "md", "json" or "csv", if `key` is this meeting's facilitator key; "" otherwise.
  void minutes(std::string key, std::string format, std::function<void(bool authorized, std::string body)> done);
  // This meeting's agenda, as events that add the same items to a new meeting, if `key` is its
  // facilitator key (a new meeting copies it: POST /api/meetings `agenda_from`).
  void agenda(std::string key, std::function<void(bool authorized, std::vector<core::Event> items)> done);
  // The events that add a meeting's agenda items to a new meeting.
  static std::vector<core::Event> agenda_of(const core::MeetingState& state);
  // Checks the facilitator key, then closes every connection (4002) and stops the room.
  void close_for_deletion(std::string key, std::function<void(bool authorized)> done);
  // The same, for a meeting whose group is deleted (its organisers' key was checked).
  void close_for_group_deletion(std::function<void()> done);
  void stop();  // cancels timers so the room can be destroyed
  // Another server holds the meeting now, or asks for it: every connection is closed with
  // close_code::moved (its client reconnects, resumes and retries what was not answered, on the
  // server that holds it), the room stops, and `done` runs on the strand, after every write the
  // room made has been handed to the log (so a release queued from it follows them).
  void move_away(std::function<void()> done);
  // Test-only (faults.hpp): a task on this meeting's strand, or a store callback, that throws.
  void inject_fault(std::shared_ptr<Connection> conn, bool in_store);

 private:
  struct Member {
    std::shared_ptr<Connection> conn;
    core::ParticipantId who = 0;
    codec::Audience audience = codec::Audience::participant;
    // The seq of the last snapshot sent to it outside a broadcast (on joining, after falling
    // behind): the events up to it, some perhaps still held for a batch, are not sent again.
    core::Seq snapshot_seq = 0;
    bool corked = false;             // has frames queued by this batch, not yet flushed
  };
  // Accepted events waiting for their commit, with whom to answer once it comes.
  struct Pending {
    enum class Kind { command, join, server } kind = Kind::server;
    std::shared_ptr<Connection> conn;
    std::string id;
    std::vector<std::shared_ptr<Connection>> retries;  // the same command id sent again meanwhile
    std::vector<core::Stamped> events;
    std::string token;  // join: the new person's token, sent in their welcome
    core::ParticipantId who = 0;
    core::Millis now = 0;
    std::uint64_t fingerprint = 0;
    // Pings that came while this was being saved: their pongs follow its answer (a ping is a barrier).
    std::vector<std::pair<std::shared_ptr<Connection>, std::string>> pongs;
    bool snapshot = true;  // join: the snapshot follows the welcome (JoinRequest::snapshot)
  };
  struct DoneCommand {
    core::Seq seq = 0;
    std::uint64_t fingerprint = 0;
  };

  template <class F>
  void guarded(const std::shared_ptr<Connection>& conn, const char* what, F&& task) noexcept;
  void do_join(const std::shared_ptr<Connection>& conn, const std::string& id, codec::JoinRequest& request);
  void do_resume(const std::shared_ptr<Connection>& conn, const std::string& id, const codec::ResumeRequest& request);
  void do_command(const std::shared_ptr<Connection>& conn, const std::string& id, core::Command& command,
                  std::uint64_t fingerprint);
  void do_leave(const std::shared_ptr<Connection>& conn);

  // Applies accepted events to state_ and sends them to the log; publish() runs once committed.
  void propose(std::vector<core::Event> events, core::Millis now, Pending pending, std::optional<store::TokenRecord> token);
  // Runs decide for the server itself (presence changes) and proposes what it accepts.
  void server_command(const core::Command& command);
  void on_written(std::uint64_t generation, bool ok, const std::string& error);
  // Broadcasts queue frames corked; the outermost batch flushes every connection it touched.
  template <class F>
  void corked(F&& task);  // runs task as (part of) one batch of corked frames
  void cork(Member& m, const Frame& frame, FrameKind kind);
  // A frame for one connection: corked with the batch being published when it is a member (a
  // group commit's acks, welcomes and snapshots leave in one SendBatch), else delivered at once.
  void answer(const std::shared_ptr<Connection>& conn, const Frame& frame, FrameKind kind);
  void uncork();
  void publish_committed();  // publishes the front committed_waiting_ pendings, in order
  void publish(Pending& pending);
  void broadcast(const std::vector<core::Stamped>& events, core::Millis now);
  void send(std::optional<Outgoing> out, core::Millis now);  // then arms the timer for what is still held
  void send_update(const Outgoing& out, core::Millis now);
  void fail_pending(const std::string& error);

  void admit(const std::shared_ptr<Connection>& conn, core::ParticipantId who);
  void send_pongs(Pending& pending);
  void refuse_join(Connection& conn, const std::string& id, std::string_view code, std::string_view message);
  void reply_error(Connection& conn, const std::string& id, std::string_view code, std::string_view message);
  void remember_command(core::ParticipantId who, std::string id, DoneCommand done);
  bool connected(core::ParticipantId who) const;
  void forget_member(core::ParticipantId who);  // one connection of `who` left members_
  void start_away_timer(core::ParticipantId who);
  void schedule_figures();
  void on_figures();
  void schedule_heartbeat();
  void arm_batch_timer();
  void send_poll_results(const std::set<std::uint32_t>& polls);
  void schedule_signal_refresh();
  void halt();  // stop() and move_away(), on the strand: no timer, no member, nothing more served

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  const Settings& settings_;
  store::EventLog& log_;
  GroupSink group_sink_;
  MemberLookup member_lookup_;
  const std::int64_t id_;
  const std::int64_t epoch_;
  LeaseLost lease_lost_;
  const std::string code_;
  SecretHash facilitator_key_hash_{};
  core::MeetingState state_;      // decided against: every accepted event
  core::MeetingState committed_;  // shown: committed events only
  // A stored snapshot costs its whole size (a 5,000-person meeting's is about 200 KB): the next
  // waits for snapshot_every events and for events of snapshot_bytes_percent of its size, so
  // that snapshots never write more than the events do, and loading reads at most about twice
  // the snapshot.
  core::Seq last_snapshot_seq_ = 0;
  std::size_t last_snapshot_bytes_ = 0;      // 0: none written since loading (count alone)
  std::size_t event_bytes_since_snapshot_ = 0;
  std::deque<Pending> pending_;
  unsigned cork_depth_ = 0;
  std::vector<Connection*> corked_;  // members corked by the batch in progress (each once)
  std::size_t committed_waiting_ = 0;  // front pendings whose commit came, not yet published
  bool publish_posted_ = false;
  std::uint64_t generation_ = 0;  // bumped when a write fails: later callbacks of that run are stale
  bool recovering_ = false;
  ResumeHistory history_;  // committed, for clients that resume
  std::unordered_map<Connection*, Member> members_;
  std::unordered_map<core::ParticipantId, unsigned> connections_of_;  // members_ per person
  std::set<Connection*> joining_;
  std::map<SecretHash, core::ParticipantId> tokens_;  // hashes only: a token is never stored
  std::map<std::pair<core::ParticipantId, std::string>, DoneCommand> done_commands_;  // exactly once
  std::unordered_map<core::ParticipantId, std::deque<std::string>> done_order_;        // its ids, oldest first
  std::map<core::ParticipantId, std::unique_ptr<boost::asio::steady_timer>> away_timers_;
  // When each person last sent each signal: kept in memory only, never stored or sent, so that one
  // person counts once per signal and window ("N people agree") while signals stay anonymous.
  std::map<std::pair<core::ParticipantId, core::SignalKind>, core::Millis> last_signal_;
  boost::asio::steady_timer figures_timer_;
  boost::asio::steady_timer heartbeat_timer_;
  UpdateBatching batching_;  // when committed changes go out (update_batching.hpp)
  boost::asio::steady_timer batch_timer_;
  boost::asio::steady_timer signals_timer_;
  std::optional<std::chrono::steady_clock::time_point> batch_timer_at_;  // when the armed batch timer fires
  std::uint64_t batch_timer_turn_ = 0;  // which arming the timer's handler belongs to
  bool signals_armed_ = false;
  bool figures_armed_ = false;
  bool figures_dirty_ = false;
  bool stopped_ = false;
  std::atomic<bool> ended_{false};
};

core::Millis now_ms();

}  // namespace everyvoice::net
