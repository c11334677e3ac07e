// Meetings by join code. The lock guards only the map and is never held while calling a room or
// the log.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "net/meeting_room.hpp"
#include "net/settings.hpp"
#include "store/event_log.hpp"

namespace everyvoice::net {

class MeetingRegistry {
 public:
  MeetingRegistry(boost::asio::io_context& ioc, const Settings& settings, store::EventLog& log)
      : ioc_(ioc), settings_(settings), log_(log) {}

  // Where every room reports to its group (MeetingRoom::set_group_sink). Before restore().
  void set_group_sink(MeetingRoom::GroupSink sink, MeetingRoom::MemberLookup members) {
    group_sink_ = std::move(sink);
    member_lookup_ = std::move(members);
  }
  // The meetings the log held at startup.
  void restore(std::vector<store::LoadedMeeting> meetings);

  struct Created {
    std::string code;
    std::string facilitator_key;  // returned once to the creator; only its hash is kept
    std::string title;
  };
  // Creates a meeting once its first event is committed. `done` gets nullopt and a reason when the
  // server holds its limit of meetings or the log cannot be written; it runs on the log's thread.
  // `settings` (TimeZoneSet, LanguageSet: what the creator's page gave) are stamped right after the
  // meeting's opening, in one commit with it.
  void create(std::string title, std::vector<core::Event> settings,
              std::function<void(std::optional<Created>, const std::string& error)> done);
  std::shared_ptr<MeetingRoom> find(const std::string& code) const;
  std::shared_ptr<MeetingRoom> find_id(std::int64_t id) const;
  // Takes a meeting out (its connections are already closed) and deletes its data.
  void remove(const std::shared_ptr<MeetingRoom>& room, std::function<void(bool ok)> done);
  std::size_t size() const;
  std::size_t active() const;  // meetings not ended: what settings.meetings limits
  void stop_all();

 private:
  std::shared_ptr<MeetingRoom> add(store::LoadedMeeting meeting);
  std::size_t active_locked() const;

  boost::asio::io_context& ioc_;
  const Settings& settings_;
  store::EventLog& log_;
  MeetingRoom::GroupSink group_sink_;
  MeetingRoom::MemberLookup member_lookup_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<MeetingRoom>> rooms_;
  std::set<std::string> reserved_;  // codes being created
};

}  // namespace everyvoice::net
