// Groups by code (core/group.hpp), and the path by which a group catches up with its meetings.
// A meeting room reports, after a commit that changed its agreement or its decision record, what
// the group follows (sync); the registry derives the group's missing events (core::group_sync)
// and appends them. One write per group is in flight at a time; reports that arrive meanwhile are
// kept (the newest per meeting) and handled when it commits. The lock guards only the map and is
// never held while calling the log. No Boost: the log's writer thread runs the callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/group.hpp"
#include "net/settings.hpp"
#include "store/event_log.hpp"

namespace everyvoice::net {

class GroupRegistry {
 public:
  GroupRegistry(const Settings& settings, store::EventLog& log) : settings_(settings), log_(log) {}

  // The groups the log held at startup (before any meeting reports).
  void restore(std::vector<store::LoadedGroup> groups);

  struct Created {
    std::string code;
    std::string group_key;  // returned once to the creator; only its hash is kept
    std::string name;
  };
  // Creates a group once its first event is committed; `done` runs on the log's thread, with
  // nullopt and a reason when the server holds its limit of groups or the log cannot be written.
  void create(std::string name, std::function<void(std::optional<Created>, const std::string& error)> done);

  enum class Access { ok, not_found, wrong_key };
  // A copy of the group's state, for whoever holds its key.
  Access read(const std::string& code, const std::string& key, core::GroupState& out) const;
  // The events a new meeting of the group starts with (core::open_group_meeting), for whoever
  // holds its key.
  Access opening(const std::string& code, const std::string& key, const std::string& today, const std::string& language,
                 std::uint32_t first_agenda_item, std::vector<core::Event>& out) const;
  // A meeting of group `group` reports what the group follows; the group catches up (later, on
  // the log's thread). Any thread.
  void sync(const std::string& group, core::GroupFacts facts);
  // The answer to an organiser's or a member's change: the refusal (not_found / wrong_key: the
  // group or the key; access ok with an error: a bad request, or "storage": it could not be saved),
  // or the group as it stands once the change is written (`state`, valid during the callback only).
  struct Answer {
    Access access = Access::ok;
    std::string error;
    const core::GroupState* state = nullptr;
    std::uint32_t member = 0;  // a member's change: who they are
  };
  using Decide = std::function<core::GroupChange(const core::GroupState&)>;
  // An organiser's change (by the group key): `decide` runs against the group as the writes
  // before it leave it; `done` runs once the change is written (on the log's thread) or at once.
  // Any thread.
  void change(const std::string& code, const std::string& key, Decide decide, std::function<void(Answer)> done);
  // A member's change, by their member key ("<group code>.<secret>"): as `change`, with their id.
  void change_as_member(const std::string& member_key,
                        std::function<core::GroupChange(const core::GroupState&, std::uint32_t member)> decide,
                        std::function<void(Answer)> done);
  // The group and the member holding this member key.
  Access read_as_member(const std::string& member_key, core::GroupState& out, std::uint32_t& member) const;
  // Which member of group `group` holds one of these member keys (keys of other groups are
  // ignored): 0 if none. What a meeting of the group asks when someone joins.
  std::uint32_t member_of(const std::string& group, const std::vector<std::string>& member_keys) const;
  // Makes a member key for group `code`: returned once to the organiser; only its hash is kept.
  static std::string new_member_key(const std::string& code);
  static std::string member_key_hash(const std::string& member_key);

  // An organiser sets an idea's status ("you said, we did"). `done` gets the idea as it stands,
  // or the refusal as for `change` (no such idea, no reason for "not possible").
  struct IdeaAnswer {
    Access access = Access::ok;
    std::string error;
    std::optional<core::GroupIdea> idea;
  };
  void set_idea_status(const std::string& code, const std::string& key, std::uint32_t idea, core::IdeaStatus status,
                       std::string reason, std::function<void(IdeaAnswer)> done);
  // The ideas whose authors hold these follow secrets (the secrets are hashed here, never kept),
  // with their group's name: what a browser shows its person about the points they wrote.
  struct Followed {
    std::string secret;  // which of the secrets asked about
    std::string group_name;
    std::string meeting_title;
    core::GroupIdea idea;
  };
  std::vector<Followed> follow(const std::vector<std::string>& secrets) const;
  // How long the group keeps its ended meetings (0: as the server does). `done` as for ideas,
  // without an idea. Any thread.
  void set_retention(const std::string& code, const std::string& key, std::uint32_t days, std::function<void(IdeaAnswer)> done);
  // The groups that keep their meetings for a limited time: days, and their meetings' codes.
  std::vector<std::pair<std::uint32_t, std::vector<std::string>>> retention() const;

  // Takes the group out, for whoever holds its key: `meetings` gets the codes of its meetings (to
  // be deleted by the caller), `id` its row; its events are deleted by the caller
  // (EventLog::delete_group) once they are.
  Access remove(const std::string& code, const std::string& key, std::vector<std::string>& meetings, std::int64_t& id);

  std::size_t size() const;

 private:
  struct Entry {
    std::int64_t id = 0;
    std::string key_hash;
    core::GroupState state;
    bool writing = false;
    std::map<std::string, core::GroupFacts> pending;  // by meeting code: the newest report
    struct Request {
      Decide decide;
      std::function<void(Answer)> done;
      std::uint32_t member = 0;
    };
    std::vector<Request> requests;  // organisers' and members' changes waiting for the next write
  };
  Access find_locked(const std::string& code, const std::string& key, const Entry*& out) const;
  // The group and member of a member key (Access::wrong_key: no member holds it).
  Access find_member_locked(const std::string& member_key, std::string& code, std::uint32_t& member) const;
  void queue_locked(const std::string& code, Entry& entry, Entry::Request r, std::function<void()>& start);
  // Starts the next write of group `code` if reports wait and none is in flight. Called with the
  // lock held; returns the work to start after releasing it.
  std::function<void()> next_write_locked(const std::string& code, Entry& entry);

  const Settings& settings_;
  store::EventLog& log_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> groups_;
  std::set<std::string> reserved_;  // codes being created
  // Follow hash -> (group code, idea id): following looks ideas up here, not by a scan of every
  // group (the endpoint needs no key, so its cost must not grow with the number of ideas).
  std::unordered_map<std::string, std::vector<std::pair<std::string, std::uint32_t>>> followed_;
  void index_ideas_locked(const std::string& code, const core::GroupState& state, std::size_t from);
};

}  // namespace everyvoice::net
