// What every connection shares: settings, the meetings, per-address connection counts and the set
// of open connections (for shutdown). Each piece guards itself; no lock is held while calling out.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "net/connection.hpp"
#include "net/meeting_registry.hpp"
#include "net/settings.hpp"

namespace everyvoice::net {

// Counts open connections per remote address; a Slot gives its count back when destroyed.
class AddressLimiter {
 public:
  explicit AddressLimiter(std::size_t limit) : limit_(limit) {}
  class Slot {
   public:
    Slot() = default;
    Slot(AddressLimiter* owner, std::string address) : owner_(owner), address_(std::move(address)) {}
    Slot(Slot&& o) noexcept : owner_(std::exchange(o.owner_, nullptr)), address_(std::move(o.address_)) {}
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_) owner_->release(address_);
    }
    const std::string& address() const { return address_; }

   private:
    AddressLimiter* owner_ = nullptr;
    std::string address_;
  };
  // A slot, or nullopt when the address holds its limit.
  std::optional<Slot> acquire(const std::string& address) {
    std::lock_guard lock(mutex_);
    auto& n = counts_[address];
    if (n >= limit_) return std::nullopt;
    ++n;
    return Slot(this, address);
  }

 private:
  void release(const std::string& address) {
    std::lock_guard lock(mutex_);
    if (auto it = counts_.find(address); it != counts_.end() && --it->second == 0) counts_.erase(it);
  }
  std::size_t limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> counts_;
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
      : io(ioc), settings(std::move(s)), log(event_log), meetings(ioc, settings, event_log),
        addresses(settings.connections_per_ip) {}
  boost::asio::io_context& io;
  const Settings settings;
  store::EventLog& log;
  MeetingRegistry meetings;
  AddressLimiter addresses;
  ConnectionSet connections;
};

}  // namespace everyvoice::net
