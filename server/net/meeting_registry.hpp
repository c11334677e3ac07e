// Meetings by join code. The lock guards only the map and is never held while calling a room.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "net/meeting_room.hpp"
#include "net/settings.hpp"

namespace everyvoice::net {

class MeetingRegistry {
 public:
  MeetingRegistry(boost::asio::io_context& ioc, const Settings& settings) : ioc_(ioc), settings_(settings) {}

  struct Created {
    std::string code;
    std::string facilitator_key;  // returned once to the creator; only its hash is kept
  };
  // A new meeting, or nullopt when the server holds its limit of meetings.
  std::optional<Created> create(std::string title);
  std::shared_ptr<MeetingRoom> find(const std::string& code) const;
  std::size_t size() const;
  void stop_all();

 private:
  boost::asio::io_context& ioc_;
  const Settings& settings_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<MeetingRoom>> rooms_;
  std::uint64_t next_number_ = 1;
};

}  // namespace everyvoice::net
