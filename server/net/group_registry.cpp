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

std::string GroupRegistry::new_member_key(const std::string& code) { return code + "." + new_secret(); }

std::string GroupRegistry::member_key_hash(const std::string& member_key) { return core::sha256_hex(member_key); }

GroupRegistry::Access GroupRegistry::find_member_locked(const std::string& member_key, std::string& code,
                                                        std::uint32_t& member) const {
  const auto dot = member_key.find('.');
  if (dot == std::string::npos) return Access::not_found;
  code = member_key.substr(0, dot);
  const auto it = groups_.find(code);
  if (it == groups_.end()) return Access::not_found;
  const core::GroupMember* m = it->second.state.member_by_key_hash(member_key_hash(member_key));
  if (!m) return Access::wrong_key;
  member = m->id;
  return Access::ok;
}

GroupRegistry::Access GroupRegistry::read_as_member(const std::string& member_key, core::GroupState& out,
                                                    std::uint32_t& member) const {
  std::lock_guard lock(mutex_);
  std::string code;
  const Access a = find_member_locked(member_key, code, member);
  if (a == Access::ok) out = groups_.at(code).state;
  return a;
}

std::uint32_t GroupRegistry::member_of(const std::string& group, const std::vector<std::string>& member_keys) const {
  std::lock_guard lock(mutex_);
  for (const auto& key : member_keys) {
    if (key.rfind(group + ".", 0) != 0) continue;
    std::string code;
    std::uint32_t member = 0;
    if (find_member_locked(key, code, member) == Access::ok) return member;
  }
  return 0;
}

void GroupRegistry::queue_locked(const std::string& code, Entry& entry, Entry::Request r, std::function<void()>& start) {
  entry.requests.push_back(std::move(r));
  start = next_write_locked(code, entry);
}

namespace {
std::function<void()> refusal(std::function<void(GroupRegistry::Answer)> done, GroupRegistry::Access access) {
  GroupRegistry::Answer answer;
  answer.access = access;
  return [done = std::move(done), answer] { done(answer); };
}
}  // namespace

// An organiser's change waits for the group's next write, once the key is checked.
void GroupRegistry::change(const std::string& code, const std::string& key, Decide decide, std::function<void(Answer)> done) {
  std::function<void()> start;
  {
    std::lock_guard lock(mutex_);
    const Entry* found = nullptr;
    const Access a = find_locked(code, key, found);
    if (a != Access::ok) start = refusal(std::move(done), a);
    else queue_locked(code, groups_.at(code), Entry::Request{std::move(decide), std::move(done), 0}, start);
  }
  if (start) start();
}

void GroupRegistry::change_as_member(const std::string& member_key,
                                     std::function<core::GroupChange(const core::GroupState&, std::uint32_t)> decide,
                                     std::function<void(Answer)> done) {
  std::function<void()> start;
  {
    std::lock_guard lock(mutex_);
    std::string code;
    std::uint32_t member = 0;
    const Access a = find_member_locked(member_key, code, member);
    if (a != Access::ok) {
      start = refusal(std::move(done), a);
    } else {
      Decide as_member = [decide = std::move(decide), member](const core::GroupState& g) { return decide(g, member); };
      queue_locked(code, groups_.at(code), Entry::Request{std::move(as_member), std::move(done), member}, start);
    }
  }
  if (start) start();
}

void GroupRegistry::set_idea_status(const std::string& code, const std::string& key, std::uint32_t idea,
                                    core::IdeaStatus status, std::string reason, std::function<void(IdeaAnswer)> done) {
  change(
      code, key,
      [idea, status, reason = std::move(reason)](const core::GroupState& g) {
        const auto outcome = core::set_idea_status(g, idea, status, reason);
        core::GroupChange c;
        c.error = outcome.error;
        if (outcome.event) c.events.emplace_back(*outcome.event);
        return c;
      },
      [idea, done = std::move(done)](Answer a) {
        IdeaAnswer answer{a.access, a.error, std::nullopt};
        if (a.state) answer.idea = a.state->ideas[idea - 1];
        done(std::move(answer));
      });
}

void GroupRegistry::set_retention(const std::string& code, const std::string& key, std::uint32_t days,
                                  std::function<void(IdeaAnswer)> done) {
  change(
      code, key,
      [days](const core::GroupState& g) {
        core::GroupChange c;
        if (g.retention_days != days) c.events.emplace_back(core::GroupRetentionSet{days});
        return c;
      },
      [done = std::move(done)](Answer a) { done(IdeaAnswer{a.access, a.error, std::nullopt}); });
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
  // Organisers' and members' changes, each decided against the state the events before it leave.
  // Answered after the write (or at once, when refused).
  std::vector<std::pair<std::function<void(Answer)>, Answer>> answered;  // now
  std::vector<std::pair<std::function<void(Answer)>, std::uint32_t>> waiting;  // after the write (member)
  std::vector<core::Seq> redact;
  for (auto& r : std::exchange(entry.requests, {})) {
    auto change = r.decide(next);
    if (!change.error.empty()) {
      Answer a;
      a.error = std::move(change.error);
      a.member = r.member;
      answered.emplace_back(std::move(r.done), std::move(a));
      continue;
    }
    for (auto& e : change.events) {
      events.push_back(core::GroupStamped{next.seq + 1, now, std::move(e)});
      core::apply(next, events.back());
    }
    redact.insert(redact.end(), change.redact.begin(), change.redact.end());
    waiting.emplace_back(std::move(r.done), r.member);
  }
  if (events.empty()) {
    // Nothing to write: the unchanged are answered with the group as it stands.
    if (answered.empty() && waiting.empty()) return {};
    return [answered = std::move(answered), waiting = std::move(waiting), next = std::move(next)]() mutable {
      for (auto& [done, answer] : answered) done(std::move(answer));
      for (auto& [done, member] : waiting) {
        Answer a;
        a.state = &next;
        a.member = member;
        done(std::move(a));
      }
    };
  }
  entry.writing = true;
  return [this, code, id = entry.id, events_to_write = std::move(events), next = std::move(next), reports = std::move(reports),
          answered = std::move(answered), waiting = std::move(waiting), redact = std::move(redact)]() mutable {
    for (auto& [done, answer] : answered) done(std::move(answer));
    log_.append_group(id, std::move(events_to_write), [this, code, next = std::move(next), reports = std::move(reports),
                                   waiting = std::move(waiting)](bool ok, const std::string& error) mutable {
      // The answers: the group as it now stands, or that nothing could be saved. Given after the
      // registry took the new state, from a copy that outlives the lock.
      std::shared_ptr<core::GroupState> after;
      if (ok && !waiting.empty()) after = std::make_shared<core::GroupState>(next);
      std::vector<std::pair<std::function<void(Answer)>, Answer>> answers;
      for (auto& [done, member] : waiting) {
        Answer a;
        a.member = member;
        if (!ok) a.error = "storage";
        else a.state = after.get();
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
    }, std::move(redact));
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
    Answer answer;
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
