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
#include <vector>

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
  // The meeting with this code, claimed from a shared store when this server does not hold it yet
  // (store::EventLog::claim). `done` gets the room, or nullptr with the server that holds it (it
  // was asked to let it go: the caller tells its client to come back) or with "" when no meeting
  // has the code. Runs `done` at once when the room is here, else on the log's thread.
  using Opened = std::function<void(std::shared_ptr<MeetingRoom> room, const std::string& held_by)>;
  void open(const std::string& code, Opened done);
  // The agenda of the meeting with this code as events for a new meeting (POST /api/meetings
  // agenda_from), if `key` is its facilitator key. A meeting this server does not hold is read
  // from a shared store as it stands, without taking it over. Any thread may get `done`.
  using AgendaDone = std::function<void(bool found, bool authorized, std::vector<core::Event> items)>;
  void agenda(const std::string& code, std::string key, AgendaDone done);
  // From the log's renewal: meetings this server lost to another, and meetings another asks for.
  void leases_changed(const std::vector<std::int64_t>& lost, const std::vector<std::int64_t>& wanted);
  std::shared_ptr<MeetingRoom> find_id(std::int64_t id) const;
  // Takes a meeting out (its connections are already closed) and deletes its data.
  void remove(const std::shared_ptr<MeetingRoom>& room, std::function<void(bool ok)> done);
  std::size_t size() const;
  std::size_t active() const;  // meetings not ended: what settings.meetings limits
  void stop_all();

 private:
  std::shared_ptr<MeetingRoom> add(store::LoadedMeeting meeting);
  // Takes a room out without deleting its data (another server holds the meeting); `release`: the
  // lease is handed back once the room has stopped.
  void let_go(std::int64_t id, bool release);
  std::size_t active_locked() const;

  boost::asio::io_context& ioc_;
  const Settings& settings_;
  store::EventLog& log_;
  MeetingRoom::GroupSink group_sink_;
  MeetingRoom::MemberLookup member_lookup_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<MeetingRoom>> rooms_;
  std::set<std::string> reserved_;  // codes being created
  std::unordered_map<std::string, std::vector<Opened>> claiming_;  // codes being claimed, and who waits
};

}  // namespace everyvoice::net
