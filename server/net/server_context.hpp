// What every connection shares: settings, the meetings, per-address connection counts and the set
// of open connections (for shutdown). Each piece guards itself; no lock is held while calling out.
#pragma once

#include <boost/asio/io_context.hpp>
#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "net/connection.hpp"
#include "net/forwarded.hpp"
#include "net/group_registry.hpp"
#include "net/meeting_registry.hpp"
#include "net/settings.hpp"
#include "net/static_files.hpp"

namespace everyvoice::net {

// Counts open connections per remote address; a Slot gives its count back when destroyed. The
// counts are shared with the slots: a connection whose handler is destroyed only when the
// io_context is, after the server's context, gives its count back to memory that still exists.
class AddressLimiter {
  struct Counts {
    std::size_t limit;
    std::mutex mutex;
    std::unordered_map<std::string, std::size_t> by_address;
    void release(const std::string& address) {
      std::lock_guard lock(mutex);
      if (auto it = by_address.find(address); it != by_address.end() && --it->second == 0) by_address.erase(it);
    }
  };

 public:
  explicit AddressLimiter(std::size_t limit) : counts_(std::make_shared<Counts>()) { counts_->limit = limit; }
  class Slot {
   public:
    Slot() = default;
    Slot(std::shared_ptr<Counts> owner, std::string address) : owner_(std::move(owner)), address_(std::move(address)) {}
    Slot(Slot&& o) noexcept : owner_(std::move(o.owner_)), address_(std::move(o.address_)) { o.owner_.reset(); }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_) owner_->release(address_);
    }
    const std::string& address() const { return address_; }

   private:
    std::shared_ptr<Counts> owner_;
    std::string address_;
  };
  // A slot, or nullopt when the address holds its limit.
  std::optional<Slot> acquire(const std::string& address) {
    std::lock_guard lock(counts_->mutex);
    auto& n = counts_->by_address[address];
    if (n >= counts_->limit) return std::nullopt;
    ++n;
    return Slot(counts_, address);
  }

 private:
  std::shared_ptr<Counts> counts_;
};

// A token bucket per address (meeting creation): `per_minute` refill, a burst of the same size.
// Full buckets are forgotten once many addresses are held, so memory stays bounded.
class AddressRate {
 public:
  explicit AddressRate(double per_minute) : per_second_(per_minute / 60.0), burst_(std::max(1.0, per_minute)) {}
  bool take(const std::string& address) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (buckets_.size() >= max_addresses) forget_full(now);
    if (buckets_.size() >= max_addresses) buckets_.clear();  // more addresses at once than held: start over
    auto [it, added] = buckets_.try_emplace(address, Bucket{burst_, now});
    Bucket& b = it->second;
    b.tokens = std::min(burst_, b.tokens + std::chrono::duration<double>(now - b.at).count() * per_second_);
    b.at = now;
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
  }

 private:
  static constexpr std::size_t max_addresses = 4096;
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  void forget_full(std::chrono::steady_clock::time_point now) {
    std::erase_if(buckets_, [&](const auto& kv) {
      return kv.second.tokens + std::chrono::duration<double>(now - kv.second.at).count() * per_second_ >= burst_;
    });
  }
  double per_second_, burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// Open WebSocket connections, so that shutdown can close each with 1001.
class ConnectionSet {
 public:
  void add(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mutex_);
    set_.insert(c);
  }
  void remove(const std::shared_ptr<Connection>& c) {
    std::lock_guard lock(mutex_);
    set_.erase(c);
  }
  void close_all(std::uint16_t code, const std::string& reason) {
    std::set<std::weak_ptr<Connection>, std::owner_less<>> copy;
    {
      std::lock_guard lock(mutex_);
      copy = set_;
    }
    for (auto& w : copy)
      if (auto c = w.lock()) c->close(code, reason);
  }

 private:
  std::mutex mutex_;
  std::set<std::weak_ptr<Connection>, std::owner_less<>> set_;
};

struct ServerContext {
  ServerContext(boost::asio::io_context& ioc, Settings s, store::EventLog& event_log)
      : io(ioc), settings(std::move(s)), log(event_log), meetings(ioc, settings, event_log), groups(settings, event_log),
        addresses(settings.connections_per_ip), creates(settings.meeting_creates_per_minute),
        proxies(trusted_proxies(settings)), static_files(settings.static_dir) {
    meetings.set_group_sink([this](const std::string& group, core::GroupFacts facts) { groups.sync(group, std::move(facts)); },
                            [this](const std::string& group, const std::vector<std::string>& member_keys) {
                              return groups.member_of(group, member_keys);
                            });
  }
  boost::asio::io_context& io;
  const Settings settings;
  store::EventLog& log;
  MeetingRegistry meetings;
  GroupRegistry groups;
  AddressLimiter addresses;
  AddressRate creates;
  const TrustedProxies proxies;  // connections from these are counted by the client they name
  StaticFiles static_files;
  ConnectionSet connections;

 private:
  static TrustedProxies trusted_proxies(const Settings& s) {
    std::string error;  // parse_settings has refused a bad list already
    return TrustedProxies::parse(s.trusted_proxies, error).value_or(TrustedProxies{});
  }
};

}  // namespace everyvoice::net
