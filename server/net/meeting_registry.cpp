#include "net/meeting_registry.hpp"

#include "net/log.hpp"
#include "net/metrics.hpp"
#include "net/secrets.hpp"

namespace everyvoice::net {

std::optional<MeetingRegistry::Created> MeetingRegistry::create(std::string title) {
  Created created{"", new_secret()};
  std::shared_ptr<MeetingRoom> room;
  {
    std::lock_guard lock(mutex_);
    if (rooms_.size() >= settings_.meetings) return std::nullopt;
    do created.code = new_meeting_code();
    while (rooms_.contains(created.code));
    room = std::make_shared<MeetingRoom>(ioc_, settings_, next_number_++, created.code,
                                         hash_secret(created.facilitator_key), std::move(title));
    rooms_.emplace(created.code, room);
  }
  metrics().meetings_open++;
  room->start();
  log(LogLevel::info, "meeting " + std::to_string(room->number()) + " created");
  return created;
}

std::shared_ptr<MeetingRoom> MeetingRegistry::find(const std::string& code) const {
  std::lock_guard lock(mutex_);
  const auto it = rooms_.find(code);
  return it == rooms_.end() ? nullptr : it->second;
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
  for (auto& [code, room] : rooms) room->stop();
}

}  // namespace everyvoice::net
