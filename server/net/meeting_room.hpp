// One meeting's owner. Every command of the meeting runs in order on the room's strand, against
// the pure core; the room then encodes each change once per audience and queues the same frame on
// every connection of that audience. It also keeps the recent events for resuming clients,
// coalesces the facilitators' figures, sends heartbeats, and marks people away after a grace period.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "codec/client_message.hpp"
#include "core/meeting.hpp"
#include "net/connection.hpp"
#include "net/secrets.hpp"
#include "net/settings.hpp"

namespace everyvoice::net {

class MeetingRoom : public std::enable_shared_from_this<MeetingRoom> {
 public:
  MeetingRoom(boost::asio::io_context& ioc, const Settings& settings, std::uint64_t number, std::string code,
              SecretHash facilitator_key_hash, std::string title);

  const std::string& code() const { return code_; }
  std::uint64_t number() const { return number_; }

  void start();  // opens the meeting (its first event) and starts the heartbeat

  // Thread-safe entry points: each posts its work to the room's strand.
  void join(std::shared_ptr<Connection> conn, std::string id, codec::JoinRequest request);
  void resume(std::shared_ptr<Connection> conn, std::string id, codec::ResumeRequest request);
  void command(std::shared_ptr<Connection> conn, std::string id, core::Command command);
  void ping(std::shared_ptr<Connection> conn, std::string id);
  void send_snapshot(std::shared_ptr<Connection> conn);  // a client that fell behind has drained
  void leave(std::shared_ptr<Connection> conn);
  void stop();  // cancels timers so the room can be destroyed

 private:
  struct Member {
    std::shared_ptr<Connection> conn;
    core::ParticipantId who = 0;
    codec::Audience audience = codec::Audience::participant;
  };

  void do_join(const std::shared_ptr<Connection>& conn, const std::string& id, codec::JoinRequest& request);
  void do_resume(const std::shared_ptr<Connection>& conn, const std::string& id, const codec::ResumeRequest& request);
  void do_command(const std::shared_ptr<Connection>& conn, const std::string& id, core::Command& command);
  void do_leave(const std::shared_ptr<Connection>& conn);

  // Applies accepted events, records them for resume and fans the change out.
  void commit(std::vector<core::Stamped> events, core::Millis now);
  void admit(const std::shared_ptr<Connection>& conn, core::ParticipantId who);
  void reply_error(Connection& conn, const std::string& id, std::string_view code, std::string_view message);
  bool connected(core::ParticipantId who) const;
  void start_away_timer(core::ParticipantId who);
  void schedule_figures();
  void on_figures();
  void schedule_heartbeat();
  void schedule_coalesced();
  void flush_coalesced();
  void send_poll_results();
  void schedule_signal_refresh();

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  const Settings& settings_;
  const std::uint64_t number_;
  const std::string code_;
  const SecretHash facilitator_key_hash_;
  core::MeetingState state_;
  std::deque<core::Stamped> history_;
  std::unordered_map<Connection*, Member> members_;
  std::map<SecretHash, core::ParticipantId> tokens_;  // hashes only: a token is never stored
  std::map<core::ParticipantId, std::unique_ptr<boost::asio::steady_timer>> away_timers_;
  boost::asio::steady_timer figures_timer_;
  boost::asio::steady_timer heartbeat_timer_;
  boost::asio::steady_timer coalesce_timer_;
  boost::asio::steady_timer signals_timer_;
  std::uint32_t pending_sections_ = 0;  // sections changed by count events, not yet sent
  std::set<std::uint32_t> results_dirty_;  // named after-vote polls with new votes
  bool coalesce_armed_ = false;
  bool signals_armed_ = false;
  bool figures_armed_ = false;
  bool figures_dirty_ = false;
  bool stopped_ = false;
  std::string title_;
};

core::Millis now_ms();

}  // namespace everyvoice::net
