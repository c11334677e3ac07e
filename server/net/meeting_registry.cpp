#include "net/meeting_registry.hpp"

#include <algorithm>

#include "net/log.hpp"
#include "net/metrics.hpp"
#include "net/secrets.hpp"

namespace everyvoice::net {

std::shared_ptr<MeetingRoom> MeetingRegistry::add(store::LoadedMeeting meeting) {
  const std::string code = meeting.code;
  auto room = std::make_shared<MeetingRoom>(ioc_, settings_, log_, std::move(meeting));
  room->set_group_sink(group_sink_, member_lookup_);
  if (log_.shared()) room->set_lease_lost([this](std::int64_t id) { let_go(id, false); });
  {
    std::lock_guard lock(mutex_);
    rooms_[code] = room;
    reserved_.erase(code);
  }
  metrics().meetings_open++;
  room->start();
  return room;
}

void MeetingRegistry::restore(std::vector<store::LoadedMeeting> meetings) {
  for (auto& m : meetings) add(std::move(m));
}

void MeetingRegistry::create(std::string title, std::vector<core::Event> settings,
                             std::function<void(std::optional<Created>, const std::string&)> done) {
  Created created{"", new_secret(), title};
  {
    std::lock_guard lock(mutex_);
    if (active_locked() + reserved_.size() >= settings_.meetings)
      return done(std::nullopt, "the server holds its limit of active meetings; end one, or raise --meetings");
    do created.code = new_meeting_code();
    while (rooms_.contains(created.code) || reserved_.contains(created.code));
    reserved_.insert(created.code);
  }
  const SecretHash hash = hash_secret(created.facilitator_key);
  std::string key_hash(reinterpret_cast<const char*>(hash.data()), hash.size());
  const core::Millis now = now_ms();
  core::MeetingState empty;
  std::vector<core::Event> opening{core::MeetingOpened{std::move(title)}};
  for (auto& e : settings) opening.push_back(std::move(e));
  auto events = core::stamp(empty, std::move(opening), now);
  std::string code = created.code;  // not created.code: the lambda below takes `created` over
  log_.create_meeting(
      std::move(code), key_hash, now, events,
      [this, created = std::move(created), key_hash, events, now, done = std::move(done)](std::int64_t id,
                                                                                           const std::string& error) {
        if (id == 0) {
          std::lock_guard lock(mutex_);
          reserved_.erase(created.code);
          log(LogLevel::warn, "creating a meeting failed: " + error);
          return done(std::nullopt, "the server cannot save a new meeting right now");
        }
        if (log_.shared()) {
          // Several servers: whichever the meeting's first client is sent to claims it.
          {
            std::lock_guard lock(mutex_);
            reserved_.erase(created.code);
          }
          log(LogLevel::info, "meeting " + std::to_string(id) + " created");
          return done(created, "");
        }
        store::LoadedMeeting m;
        m.id = id;
        m.code = created.code;
        m.key_hash = key_hash;
        m.created_at = now;
        m.state = core::replay(events);
        m.recent = events;
        add(std::move(m));
        log(LogLevel::info, "meeting " + std::to_string(id) + " created");
        done(created, "");
      });
}

std::shared_ptr<MeetingRoom> MeetingRegistry::find(const std::string& code) const {
  std::lock_guard lock(mutex_);
  const auto it = rooms_.find(code);
  return it == rooms_.end() ? nullptr : it->second;
}

void MeetingRegistry::open(const std::string& code, Opened done) {
  if (auto room = find(code)) return done(room, "");
  if (!log_.shared() || code.empty()) return done(nullptr, "");
  {
    std::lock_guard lock(mutex_);
    auto& waiting = claiming_[code];
    waiting.push_back(std::move(done));
    if (waiting.size() > 1) return;  // a claim of this code is under way: its answer is for all
  }
  log_.claim(code, settings_.history_events, [this, code](store::Claimed claimed) {
    std::shared_ptr<MeetingRoom> room;
    if (claimed.meeting) {
      if (!claimed.meeting->note.empty()) log(LogLevel::warn, "meeting " + std::to_string(claimed.meeting->id) + ": " + claimed.meeting->note);
      room = add(std::move(*claimed.meeting));
      log(LogLevel::info, "meeting " + std::to_string(room->id()) + " claimed (lease epoch " + std::to_string(room->epoch()) + ")");
    } else if (!claimed.error.empty()) {
      log(LogLevel::error, "claiming a meeting failed: " + claimed.error);
    }
    std::vector<Opened> waiting;
    {
      std::lock_guard lock(mutex_);
      waiting = std::move(claiming_[code]);
      claiming_.erase(code);
    }
    for (auto& w : waiting) w(room, room ? "" : claimed.held_by);
  });
}

void MeetingRegistry::agenda(const std::string& code, std::string key, AgendaDone done) {
  if (auto room = find(code))
    return room->agenda(std::move(key), [done = std::move(done)](bool ok, std::vector<core::Event> items) {
      done(true, ok, std::move(items));
    });
  if (!log_.shared() || code.empty()) return done(false, false, {});
  log_.read(code, [key = std::move(key), done = std::move(done)](std::optional<store::LoadedMeeting> m) {
    if (!m) return done(false, false, {});
    const SecretHash hash = hash_secret(key);
    const bool ok = m->key_hash == std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
    done(true, ok, ok ? MeetingRoom::agenda_of(m->state) : std::vector<core::Event>{});
  });
}

void MeetingRegistry::leases_changed(const std::vector<std::int64_t>& lost, const std::vector<std::int64_t>& wanted) {
  for (const auto id : lost) {
    log(LogLevel::warn, "meeting " + std::to_string(id) + ": another server took it over; its clients are sent there");
    let_go(id, false);
  }
  for (const auto id : wanted) {
    log(LogLevel::info, "meeting " + std::to_string(id) + ": another server asks for it; letting it go");
    let_go(id, true);
  }
}

void MeetingRegistry::let_go(std::int64_t id, bool release) {
  std::shared_ptr<MeetingRoom> room;
  {
    std::lock_guard lock(mutex_);
    for (auto it = rooms_.begin(); it != rooms_.end(); ++it) {
      if (it->second->id() != id) continue;
      room = it->second;
      rooms_.erase(it);
      break;
    }
  }
  if (!room) return;  // let go already
  metrics().meetings_open--;
  room->move_away([this, room, release] {
    if (!release) return;
    log_.release(room->id(), room->epoch(), [id = room->id()](bool ok, const std::string& error) {
      if (!ok) log(LogLevel::warn, "meeting " + std::to_string(id) + ": its lease could not be released (" + error +
                                       "); it runs out by itself");
    });
  });
}

std::shared_ptr<MeetingRoom> MeetingRegistry::find_id(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  for (const auto& [code, room] : rooms_)
    if (room->id() == id) return room;
  return nullptr;
}

void MeetingRegistry::remove(const std::shared_ptr<MeetingRoom>& room, std::function<void(bool)> done) {
  {
    std::lock_guard lock(mutex_);
    rooms_.erase(room->code());
  }
  metrics().meetings_open--;
  room->stop();
  const auto id = room->id();
  log_.delete_meeting(id, [id, done = std::move(done)](bool ok, const std::string& error) {
    if (ok) log(LogLevel::info, "meeting " + std::to_string(id) + " deleted");
    else log(LogLevel::error, "deleting meeting " + std::to_string(id) + " failed: " + error);
    done(ok);
  });
}

std::size_t MeetingRegistry::active_locked() const {
  return static_cast<std::size_t>(std::count_if(rooms_.begin(), rooms_.end(), [](const auto& kv) { return !kv.second->ended(); }));
}

std::size_t MeetingRegistry::active() const {
  std::lock_guard lock(mutex_);
  return active_locked();
}

std::size_t MeetingRegistry::size() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

void MeetingRegistry::stop_all() {
  std::unordered_map<std::string, std::shared_ptr<MeetingRoom>> rooms;
  {
    std::lock_guard lock(mutex_);
    rooms = rooms_;
  }
  // A shared store: the leases are handed back, so that other servers take the meetings at once.
  if (log_.shared()) {
    for (auto& [code, room] : rooms) let_go(room->id(), true);
    return;
  }
  for (auto& [code, room] : rooms) room->stop();
}

}  // namespace everyvoice::net
