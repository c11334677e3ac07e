#include "net/group_registry.hpp"

#include <chrono>
#include <utility>

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "net/log.hpp"
#include "net/secrets.hpp"

namespace everyvoice::net {
namespace {

core::Millis wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string as_bytes(const SecretHash& hash) { return std::string(reinterpret_cast<const char*>(hash.data()), hash.size()); }

}  // namespace

void GroupRegistry::restore(std::vector<store::LoadedGroup> groups) {
  std::lock_guard lock(mutex_);
  for (auto& g : groups) {
    Entry e;
    e.id = g.id;
    e.key_hash = std::move(g.key_hash);
    e.state = std::move(g.state);
    index_ideas_locked(g.code, e.state, 0);
    groups_[g.code] = std::move(e);
  }
}

void GroupRegistry::index_ideas_locked(const std::string& code, const core::GroupState& state, std::size_t from) {
  for (std::size_t i = from; i < state.ideas.size(); ++i)
    if (!state.ideas[i].follow_hash.empty()) followed_[state.ideas[i].follow_hash].emplace_back(code, state.ideas[i].id);
}

void GroupRegistry::create(std::string name, std::function<void(std::optional<Created>, const std::string&)> done) {
  Created created{"", new_secret(), name};
  {
    std::lock_guard lock(mutex_);
    if (groups_.size() + reserved_.size() >= settings_.groups)
      return done(std::nullopt, "the server holds its limit of groups; raise --groups");
    do created.code = new_meeting_code();
    while (groups_.contains(created.code) || reserved_.contains(created.code));
    reserved_.insert(created.code);
  }
  const std::string key_hash = as_bytes(hash_secret(created.group_key));
  const core::Millis now = wall_ms();
  std::vector<core::GroupStamped> events{core::GroupStamped{1, now, core::GroupCreated{std::move(name)}}};
  std::string code = created.code;
  log_.create_group(std::move(code), key_hash, now, events,
                    [this, created = std::move(created), key_hash, events, done = std::move(done)](std::int64_t id,
                                                                                                  const std::string& error) {
                      {
                        std::lock_guard lock(mutex_);
                        reserved_.erase(created.code);
                        if (id != 0) {
                          Entry e;
                          e.id = id;
                          e.key_hash = key_hash;
                          for (const auto& stamped : events) core::apply(e.state, stamped);
                          groups_[created.code] = std::move(e);
                        }
                      }
                      if (id == 0) {
                        log(LogLevel::warn, "creating a group failed: " + error);
                        return done(std::nullopt, "the server cannot save a new group right now");
                      }
                      log(LogLevel::info, "group " + std::to_string(id) + " created");
                      done(created, "");
                    });
}

GroupRegistry::Access GroupRegistry::find_locked(const std::string& code, const std::string& key, const Entry*& out) const {
  const auto it = groups_.find(code);
  if (it == groups_.end()) return Access::not_found;
  if (as_bytes(hash_secret(key)) != it->second.key_hash) return Access::wrong_key;
  out = &it->second;
  return Access::ok;
}

GroupRegistry::Access GroupRegistry::read(const std::string& code, const std::string& key, core::GroupState& out) const {
  std::lock_guard lock(mutex_);
  const Entry* e = nullptr;
  const Access a = find_locked(code, key, e);
  if (a == Access::ok) out = e->state;
  return a;
}

GroupRegistry::Access GroupRegistry::opening(const std::string& code, const std::string& key, const std::string& today,
                                             const std::string& language, std::uint32_t first_agenda_item,
                                             std::vector<core::Event>& out) const {
  std::lock_guard lock(mutex_);
  const Entry* e = nullptr;
  const Access a = find_locked(code, key, e);
  if (a == Access::ok) out = core::open_group_meeting(e->state, code, today, language, 1, first_agenda_item);
  return a;
}

void GroupRegistry::sync(const std::string& group, core::GroupFacts facts) {
  std::function<void()> start;
  {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group);
    if (it == groups_.end()) {
      log(LogLevel::warn, "a meeting names a group this server does not hold; its changes stay in the meeting");
      return;
    }
    const std::string meeting = facts.code;
    it->second.pending.insert_or_assign(meeting, std::move(facts));
    start = next_write_locked(group, it->second);
  }
  if (start) start();
}

// An organiser's change waits for the group's next write, once the key is checked.
void GroupRegistry::request(const std::string& code, const std::string& key, Entry::IdeaRequest r) {
  std::function<void()> start;
  {
    std::lock_guard lock(mutex_);
    const Entry* found = nullptr;
    const Access a = find_locked(code, key, found);
    if (a != Access::ok) {
      IdeaAnswer answer;
      answer.access = a;
      start = [done = std::move(r.done), answer = std::move(answer)] { done(answer); };
    } else {
      Entry& e = groups_.at(code);
      e.requests.push_back(std::move(r));
      start = next_write_locked(code, e);
    }
  }
  if (start) start();
}

void GroupRegistry::set_idea_status(const std::string& code, const std::string& key, std::uint32_t idea,
                                    core::IdeaStatus status, std::string reason, std::function<void(IdeaAnswer)> done) {
  request(code, key, Entry::IdeaRequest{idea, status, std::move(reason), 0, std::move(done)});
}

void GroupRegistry::set_retention(const std::string& code, const std::string& key, std::uint32_t days,
                                  std::function<void(IdeaAnswer)> done) {
  request(code, key, Entry::IdeaRequest{0, core::IdeaStatus::open, "", days, std::move(done)});
}

std::vector<std::pair<std::uint32_t, std::vector<std::string>>> GroupRegistry::retention() const {
  std::vector<std::pair<std::uint32_t, std::vector<std::string>>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [code, e] : groups_) {
    if (e.state.retention_days == 0) continue;
    std::vector<std::string> meetings;
    for (const auto& m : e.state.meetings) meetings.push_back(m.code);
    out.emplace_back(e.state.retention_days, std::move(meetings));
  }
  return out;
}

std::vector<GroupRegistry::Followed> GroupRegistry::follow(const std::vector<std::string>& secrets) const {
  std::map<std::string, std::string> by_hash;  // hash -> secret
  for (const auto& secret : secrets) by_hash[core::sha256_hex(secret)] = secret;
  std::vector<Followed> out;
  std::lock_guard lock(mutex_);
  for (const auto& [hash, secret] : by_hash) {
    const auto found = followed_.find(hash);
    if (found == followed_.end()) continue;
    for (const auto& [code, id] : found->second) {
      const auto g = groups_.find(code);
      if (g == groups_.end() || id < 1 || id > g->second.state.ideas.size()) continue;
      const auto& idea = g->second.state.ideas[id - 1];
      const auto* m = g->second.state.meeting(idea.meeting);
      out.push_back(Followed{secret, g->second.state.name, m ? m->title : "", idea});
    }
  }
  return out;
}

std::function<void()> GroupRegistry::next_write_locked(const std::string& code, Entry& entry) {
  if (entry.writing) return {};
  // Each report in turn, on a copy that takes every event derived before it.
  core::GroupState next = entry.state;
  std::vector<core::GroupStamped> events;
  const core::Millis now = wall_ms();
  auto reports = std::exchange(entry.pending, {});
  for (const auto& [meeting, facts] : reports)
    for (auto& e : core::group_sync(next, facts)) {
      events.push_back(core::GroupStamped{next.seq + 1, now, std::move(e)});
      core::apply(next, events.back());
    }
  // Organisers' changes, each checked against the state the events before it leave. Answered
  // after the write (or at once, when refused or when nothing changes).
  std::vector<std::pair<std::function<void(IdeaAnswer)>, IdeaAnswer>> answered;  // now
  std::vector<std::pair<std::function<void(IdeaAnswer)>, std::uint32_t>> waiting;  // after the write
  for (auto& r : std::exchange(entry.requests, {})) {
    if (r.idea == 0) {  // retention
      if (next.retention_days != r.retention_days) {
        events.push_back(core::GroupStamped{next.seq + 1, now, core::GroupRetentionSet{r.retention_days}});
        core::apply(next, events.back());
      }
      waiting.emplace_back(std::move(r.done), 0);
      continue;
    }
    const auto outcome = core::set_idea_status(next, r.idea, r.status, r.reason);
    if (!outcome.error.empty()) {
      IdeaAnswer a;
      a.error = outcome.error;
      answered.emplace_back(std::move(r.done), std::move(a));
      continue;
    }
    if (outcome.event) {
      events.push_back(core::GroupStamped{next.seq + 1, now, *outcome.event});
      core::apply(next, events.back());
    }
    waiting.emplace_back(std::move(r.done), r.idea);
  }
  if (events.empty()) {
    // Nothing to write: the unchanged ideas are answered as they stand.
    for (auto& [done, idea] : waiting) {
      IdeaAnswer a;
      if (idea != 0) a.idea = next.ideas[idea - 1];
      answered.emplace_back(std::move(done), std::move(a));
    }
    if (answered.empty()) return {};
    return [answered = std::move(answered)]() mutable {
      for (auto& [done, answer] : answered) done(std::move(answer));
    };
  }
  entry.writing = true;
  return [this, code, id = entry.id, events = std::move(events), next = std::move(next), reports = std::move(reports),
          answered = std::move(answered), waiting = std::move(waiting)]() mutable {
    for (auto& [done, answer] : answered) done(std::move(answer));
    log_.append_group(id, events, [this, code, next = std::move(next), reports = std::move(reports),
                                   waiting = std::move(waiting)](bool ok, const std::string& error) mutable {
      // The organisers' answers: the idea as it now stands, or that nothing could be saved.
      std::vector<std::pair<std::function<void(IdeaAnswer)>, IdeaAnswer>> answers;
      for (auto& [done, idea] : waiting) {
        IdeaAnswer a;
        if (!ok) a.error = "storage";
        else if (idea != 0) a.idea = next.ideas[idea - 1];
        answers.emplace_back(std::move(done), std::move(a));
      }
      const auto reply = [&answers] {
        for (auto& [done, answer] : answers) done(std::move(answer));
      };
      std::function<void()> start;
      {
        std::lock_guard lock(mutex_);
        const auto it = groups_.find(code);
        if (it == groups_.end()) return reply();
        Entry& e = it->second;
        e.writing = false;
        if (ok) {
          const std::size_t known = e.state.ideas.size();
          e.state = std::move(next);
          index_ideas_locked(code, e.state, known);
        } else {
          // Nothing was written: the reports wait for the meeting's next one (a newer report of
          // the same meeting replaces its own), and a restart reports every meeting again. Not
          // retried at once: a disk that refuses a write would refuse it in a loop.
          log(LogLevel::error, "a group's catching up with its meetings could not be saved: " + error);
          for (auto& [meeting, facts] : reports) e.pending.try_emplace(meeting, std::move(facts));
        }
        // After a failure, only organisers' waiting requests start another write (each is answered,
        // saved or "storage"), so a refusing disk is not written to in a loop.
        if (ok || !e.requests.empty()) start = next_write_locked(code, e);
      }
      reply();
      if (start) start();
    });
  };
}

GroupRegistry::Access GroupRegistry::remove(const std::string& code, const std::string& key, std::vector<std::string>& meetings,
                                            std::int64_t& id) {
  std::lock_guard lock(mutex_);
  const Entry* e = nullptr;
  const Access a = find_locked(code, key, e);
  if (a != Access::ok) return a;
  for (const auto& m : e->state.meetings) meetings.push_back(m.code);
  id = e->id;
  for (const auto& idea : e->state.ideas) {
    const auto it = followed_.find(idea.follow_hash);
    if (it == followed_.end()) continue;
    std::erase_if(it->second, [&](const auto& entry) { return entry.first == code; });
    if (it->second.empty()) followed_.erase(it);
  }
  // Waiting organisers' requests are answered: the group is gone.
  for (auto& r : groups_.at(code).requests) {
    IdeaAnswer answer;
    answer.access = Access::not_found;
    r.done(answer);
  }
  groups_.erase(code);
  return Access::ok;
}

std::size_t GroupRegistry::size() const {
  std::lock_guard lock(mutex_);
  return groups_.size();
}

}  // namespace everyvoice::net
