#include "net/meeting_room.hpp"

#include <boost/asio/post.hpp>
#include <algorithm>
#include <chrono>
#include <set>

#include "codec/server_message.hpp"
#include "core/errors.hpp"
#include "net/log.hpp"
#include "net/metrics.hpp"

namespace everyvoice::net {

namespace asio = boost::asio;
using core::Millis;
using core::ParticipantId;

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

MeetingRoom::MeetingRoom(asio::io_context& ioc, const Settings& settings, std::uint64_t number, std::string code,
                         SecretHash facilitator_key_hash, std::string title)
    : strand_(asio::make_strand(ioc)),
      settings_(settings),
      number_(number),
      code_(std::move(code)),
      facilitator_key_hash_(facilitator_key_hash),
      figures_timer_(strand_),
      heartbeat_timer_(strand_),
      coalesce_timer_(strand_),
      signals_timer_(strand_),
      title_(std::move(title)) {}

void MeetingRoom::start() {
  asio::post(strand_, [self = shared_from_this()] {
    self->commit(core::stamp(self->state_, {core::MeetingOpened{self->title_}}, now_ms()), now_ms());
    self->schedule_heartbeat();
  });
}

void MeetingRoom::join(std::shared_ptr<Connection> conn, std::string id, codec::JoinRequest request) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), id = std::move(id),
                       request = std::move(request)]() mutable { self->do_join(conn, id, request); });
}

void MeetingRoom::resume(std::shared_ptr<Connection> conn, std::string id, codec::ResumeRequest request) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), id = std::move(id),
                       request = std::move(request)] { self->do_resume(conn, id, request); });
}

void MeetingRoom::command(std::shared_ptr<Connection> conn, std::string id, core::Command command) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), id = std::move(id),
                       command = std::move(command)]() mutable { self->do_command(conn, id, command); });
}

void MeetingRoom::ping(std::shared_ptr<Connection> conn, std::string id) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn), id = std::move(id)] {
    conn->deliver(make_frame(codec::encode_pong(id, self->state_.seq, now_ms())), FrameKind::reply);
  });
}

void MeetingRoom::send_snapshot(std::shared_ptr<Connection> conn) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn)] {
    auto it = self->members_.find(conn.get());
    if (it == self->members_.end()) return;
    metrics().slow_client_snapshots++;
    conn->deliver(make_frame(codec::encode_snapshot(self->state_, self->code_, it->second.audience, now_ms())),
                  FrameKind::snapshot);
  });
}

void MeetingRoom::leave(std::shared_ptr<Connection> conn) {
  asio::post(strand_, [self = shared_from_this(), conn = std::move(conn)] { self->do_leave(conn); });
}

void MeetingRoom::stop() {
  asio::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->figures_timer_.cancel();
    self->heartbeat_timer_.cancel();
    self->coalesce_timer_.cancel();
    self->signals_timer_.cancel();
    self->away_timers_.clear();
    self->members_.clear();
  });
}

void MeetingRoom::reply_error(Connection& conn, const std::string& id, std::string_view code, std::string_view message) {
  metrics().commands_rejected++;
  conn.deliver(make_frame(codec::encode_error(id, code, message)), FrameKind::reply);
}

bool MeetingRoom::connected(ParticipantId who) const {
  for (const auto& [ptr, m] : members_)
    if (m.who == who) return true;
  return false;
}

void MeetingRoom::admit(const std::shared_ptr<Connection>& conn, ParticipantId who) {
  const auto& p = state_.participants[who - 1];
  members_[conn.get()] = Member{conn, who, codec::audience_for(p.role)};
  away_timers_.erase(who);
  conn->bind(shared_from_this(), who);
}

void MeetingRoom::do_join(const std::shared_ptr<Connection>& conn, const std::string& id, codec::JoinRequest& request) {
  if (stopped_) return;
  if (members_.contains(conn.get())) return reply_error(*conn, id, "already_joined", "this connection has joined already");
  core::Role role = request.role;
  if (request.facilitator_key) {
    if (hash_secret(*request.facilitator_key) != facilitator_key_hash_)
      return reply_error(*conn, id, "bad_key", "the facilitator key does not match this meeting");
    role = core::Role::facilitator;
  }
  std::size_t active = 0;
  for (const auto& p : state_.participants) active += p.removed ? 0 : 1;
  if (active >= settings_.participants_per_meeting)
    return reply_error(*conn, id, "meeting_full",
                       "this meeting has reached its limit of " + std::to_string(settings_.participants_per_meeting) +
                           " people");
  const Millis now = now_ms();
  core::Outcome outcome = core::decide(
      state_, core::server_actor, core::Join{std::move(request.name), role, request.location, request.preference}, now);
  if (!outcome.accepted())
    return reply_error(*conn, id, core::name_of(outcome.rejection->code), outcome.rejection->message);
  commit(core::stamp(state_, std::move(outcome.events), now), now);
  const auto who = static_cast<ParticipantId>(state_.participants.size());
  std::string token = new_secret();
  tokens_[hash_secret(token)] = who;
  admit(conn, who);
  metrics().commands_accepted++;
  const auto audience = members_[conn.get()].audience;
  conn->deliver(make_frame(codec::encode_welcome(id, code_, state_, who, token, now)), FrameKind::reply);
  conn->deliver(make_frame(codec::encode_snapshot(state_, code_, audience, now)), FrameKind::snapshot);
  log(LogLevel::debug, "meeting " + std::to_string(number_) + ": participant " + std::to_string(who) + " joined");
}

void MeetingRoom::do_resume(const std::shared_ptr<Connection>& conn, const std::string& id,
                            const codec::ResumeRequest& request) {
  if (stopped_) return;
  if (members_.contains(conn.get())) return reply_error(*conn, id, "already_joined", "this connection has joined already");
  const auto found = tokens_.find(hash_secret(request.token));
  if (found == tokens_.end() || !state_.find_active(found->second))
    return reply_error(*conn, id, "bad_token", "this token does not belong to anyone in this meeting; join again");
  const ParticipantId who = found->second;
  admit(conn, who);
  const Millis now = now_ms();
  const auto audience = members_[conn.get()].audience;
  conn->deliver(make_frame(codec::encode_welcome(id, code_, state_, who, std::nullopt, now)), FrameKind::reply);
  if (request.last_seq != state_.seq) {
    // The events missed, if all are still held; otherwise (or from a seq we never had) a snapshot.
    const bool held = request.last_seq < state_.seq && !history_.empty() && history_.front().seq <= request.last_seq + 1;
    if (held) {
      std::vector<core::Stamped> missed;
      for (const auto& e : history_)
        if (e.seq > request.last_seq) missed.push_back(e);
      // Every section, so that changes coalesced away (counts) are caught up too; decisions: the
      // ones added since last_seq.
      std::size_t new_decisions = 0;
      for (const auto& e : missed) new_decisions += std::holds_alternative<core::DecisionRecorded>(e.event) ? 1 : 0;
      conn->deliver(make_frame(codec::encode_update(state_, missed, audience, now, codec::all_sections, new_decisions)),
                    FrameKind::snapshot);
    } else {
      conn->deliver(make_frame(codec::encode_snapshot(state_, code_, audience, now)), FrameKind::snapshot);
    }
  }
  if (audience == codec::Audience::facilitator)
    conn->deliver(make_frame(codec::encode_figures(state_, now)), FrameKind::update);
  metrics().commands_accepted++;
  if (state_.participants[who - 1].presence == core::Presence::away) {
    core::Outcome back = core::decide(state_, core::server_actor, core::SetPresence{who, core::Presence::here}, now);
    if (back.accepted()) commit(core::stamp(state_, std::move(back.events), now), now);
  }
}

void MeetingRoom::do_command(const std::shared_ptr<Connection>& conn, const std::string& id, core::Command& command) {
  if (stopped_) return;
  const auto it = members_.find(conn.get());
  if (it == members_.end()) return reply_error(*conn, id, "not_joined", "join or resume a meeting first");
  if (auto* round = std::get_if<core::StartRound>(&command); round && round->order == core::RoundOrder::shuffled)
    round->seed = random_u64();
  const Millis now = now_ms();
  core::Outcome outcome = core::decide(state_, it->second.who, command, now);
  if (!outcome.accepted())
    return reply_error(*conn, id, core::name_of(outcome.rejection->code), outcome.rejection->message);
  metrics().commands_accepted++;
  if (!outcome.events.empty()) commit(core::stamp(state_, std::move(outcome.events), now), now);
  conn->deliver(make_frame(codec::encode_ack(id, state_.seq)), FrameKind::reply);
}

void MeetingRoom::do_leave(const std::shared_ptr<Connection>& conn) {
  const auto it = members_.find(conn.get());
  if (it == members_.end()) return;
  const ParticipantId who = it->second.who;
  members_.erase(it);
  if (!stopped_ && !connected(who) && state_.find_active(who)) start_away_timer(who);
}

void MeetingRoom::start_away_timer(ParticipantId who) {
  auto& timer = away_timers_[who];
  timer = std::make_unique<asio::steady_timer>(strand_, std::chrono::seconds(settings_.away_grace_seconds));
  timer->async_wait([self = shared_from_this(), who](boost::system::error_code ec) {
    if (ec || self->stopped_ || self->connected(who)) return;
    self->away_timers_.erase(who);
    const Millis now = now_ms();
    core::Outcome away = core::decide(self->state_, core::server_actor, core::SetPresence{who, core::Presence::away}, now);
    if (away.accepted() && !away.events.empty()) self->commit(core::stamp(self->state_, std::move(away.events), now), now);
  });
}

void MeetingRoom::commit(std::vector<core::Stamped> events, Millis now) {
  std::uint32_t sections = 0;
  bool only_counts = true;
  std::size_t new_decisions = 0;
  std::set<std::uint32_t> voted_polls;
  for (const auto& e : events) {
    core::apply(state_, e);
    history_.push_back(e);
    sections |= codec::sections_of(e.event);
    only_counts = only_counts && codec::is_count_event(e.event);
    new_decisions += std::holds_alternative<core::DecisionRecorded>(e.event) ? 1 : 0;
    if (const auto* v = std::get_if<core::VoteRecorded>(&e.event)) voted_polls.insert(v->poll);
  }
  while (history_.size() > settings_.history_events) history_.pop_front();
  figures_dirty_ = true;
  schedule_figures();
  for (std::uint32_t poll : voted_polls) results_dirty_.insert(poll);
  if (std::any_of(events.begin(), events.end(), [](const auto& e) { return std::holds_alternative<core::SignalSent>(e.event); }))
    schedule_signal_refresh();

  // Counts (votes, upvotes, flags, signals) are not sent one by one: their sections go out
  // together, at most once per coalesce interval.
  if (only_counts) {
    pending_sections_ |= sections;
    schedule_coalesced();
    return;
  }
  sections |= std::exchange(pending_sections_, 0);

  // A person whose role changed moves to another audience and gets that audience's snapshot;
  // a removed person's connections are closed.
  std::vector<Member*> to_snapshot;
  std::vector<Connection*> to_remove;
  for (auto& [ptr, m] : members_) {
    const auto& p = state_.participants[m.who - 1];
    if (p.removed) {
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
  std::array<Frame, codec::audience_count> frames;
  for (auto& [ptr, m] : members_) {
    if (state_.participants[m.who - 1].removed) continue;
    if (std::find(to_snapshot.begin(), to_snapshot.end(), &m) != to_snapshot.end()) continue;
    auto& frame = frames[static_cast<std::size_t>(m.audience)];
    if (!frame) frame = make_frame(codec::encode_update(state_, events, m.audience, now, sections, new_decisions));
    m.conn->deliver(frame, FrameKind::update);
  }
  for (Member* m : to_snapshot)
    m->conn->deliver(make_frame(codec::encode_snapshot(state_, code_, m->audience, now)), FrameKind::snapshot);
  for (Connection* ptr : to_remove) {
    auto node = members_.extract(ptr);
    node.mapped().conn->close(close_code::removed, "removed from the meeting by a facilitator");
  }
  send_poll_results();
}

void MeetingRoom::schedule_coalesced() {
  if (coalesce_armed_ || stopped_) return;
  coalesce_armed_ = true;
  coalesce_timer_.expires_after(std::chrono::milliseconds(settings_.coalesce_ms));
  coalesce_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->coalesce_armed_ = false;
    if (ec || self->stopped_) return;
    self->flush_coalesced();
  });
}

void MeetingRoom::flush_coalesced() {
  const std::uint32_t sections = std::exchange(pending_sections_, 0);
  if (sections != 0) {
    const Millis now = now_ms();
    std::array<Frame, codec::audience_count> frames;
    for (auto& [ptr, m] : members_) {
      auto& frame = frames[static_cast<std::size_t>(m.audience)];
      if (!frame) frame = make_frame(codec::encode_update(state_, {}, m.audience, now, sections, 0));
      m.conn->deliver(frame, FrameKind::update);
    }
  }
  send_poll_results();
}

// Named after-vote polls: their running result goes to the people who voted, on their own
// connections, one frame per poll.
void MeetingRoom::send_poll_results() {
  for (std::uint32_t id : std::exchange(results_dirty_, {})) {
    const auto& poll = state_.polls[id - 1];
    if (poll.status != core::PollStatus::open || poll.spec.anonymous || poll.spec.shown != core::ResultsShown::after_vote)
      continue;
    Frame frame;
    for (auto& [ptr, m] : members_) {
      if (m.audience == codec::Audience::facilitator || !poll.voters.contains(m.who)) continue;
      if (!frame) frame = make_frame(codec::encode_poll_results(state_, id));
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
    self->pending_sections_ |= codec::section_signals;
    self->flush_coalesced();
    const Millis since = now_ms() - core::Millis{self->state_.signal_window_seconds} * 1000;
    if (!self->state_.signals.empty() && self->state_.signals.back().at > since) self->schedule_signal_refresh();
  });
}

void MeetingRoom::schedule_figures() {
  if (figures_armed_ || stopped_) return;
  figures_armed_ = true;
  figures_timer_.expires_after(std::chrono::milliseconds(settings_.figures_interval_ms));
  figures_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->figures_armed_ = false;
    if (!ec) self->on_figures();
  });
}

void MeetingRoom::on_figures() {
  // While someone speaks the figures change by the second, so they stay live; otherwise they are
  // sent once after a change.
  if (!figures_dirty_ && !state_.turn) return;
  figures_dirty_ = false;
  Frame frame;
  for (auto& [ptr, m] : members_) {
    if (m.audience != codec::Audience::facilitator) continue;
    if (!frame) frame = make_frame(codec::encode_figures(state_, now_ms()));
    m.conn->deliver(frame, FrameKind::update);
  }
  if (state_.turn) {
    figures_dirty_ = true;
    schedule_figures();
  }
}

void MeetingRoom::schedule_heartbeat() {
  if (stopped_) return;
  heartbeat_timer_.expires_after(std::chrono::seconds(settings_.heartbeat_seconds));
  heartbeat_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->stopped_) return;
    if (!self->members_.empty()) {
      const Frame frame = make_frame(codec::encode_heartbeat(self->state_.seq, now_ms()));
      for (auto& [ptr, m] : self->members_) m.conn->deliver(frame, FrameKind::update);
    }
    self->schedule_heartbeat();
  });
}

}  // namespace everyvoice::net
