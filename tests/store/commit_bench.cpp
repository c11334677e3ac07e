// Commit latency and throughput of the event log at synchronous=FULL and NORMAL: `writers` threads
// each append `per_writer` one-event writes, waiting for each commit (as a client waits for its
// ack); group commit batches what arrives together. Prints figures; asserts nothing.
//   usage: commit_bench [folder | postgresql | postgresql://URL] [writers] [per_writer]
// `postgresql` starts a private PostgreSQL cluster (tests/store/postgres_cluster.hpp: initdb in a
// temporary folder, a unix socket, fsync on) and writes there; a URL names an empty database.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "store/event_log.hpp"
#include "store/postgres_cluster.hpp"

using namespace everyvoice;

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "/tmp/everyvoice-commit-bench";
  std::unique_ptr<testing::PostgresCluster> cluster;
  if (dir == "postgresql") {
    std::string error;
    cluster = testing::PostgresCluster::start(error);
    if (!cluster || !cluster->create_database("bench", error)) {
      std::fprintf(stderr, "PostgreSQL: %s\n", error.c_str());
      return 1;
    }
    dir = cluster->url("bench");
  }
  const int writers = argc > 2 ? std::atoi(argv[2]) : 8;
  const int per_writer = argc > 3 ? std::atoi(argv[3]) : 250;
  const bool postgresql = store::EventLog::is_postgresql(dir);
  for (auto mode : {store::Durability::full, store::Durability::normal}) {
    if (!postgresql) {
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
    }
    std::string error;
    auto log = store::EventLog::open(postgresql ? dir : dir + "/bench.db", mode, error);
    if (!log) {
      std::fprintf(stderr, "open: %s\n", error.c_str());
      return 1;
    }
    log->start();
    std::vector<std::int64_t> meetings(writers);
    for (int w = 0; w < writers; ++w) {
      std::mutex m;
      std::condition_variable cv;
      bool done = false;
      log->create_meeting(std::string(mode == store::Durability::full ? "FULL" : "NORMAL") + std::to_string(w), std::string(32, 'k'), 0,
                          {core::Stamped{1, 0, core::MeetingOpened{"bench"}}}, [&](std::int64_t id, const std::string&) {
                            std::lock_guard lock(m);
                            meetings[w] = id;
                            done = true;
                            cv.notify_one();
                          });
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return done; });
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        for (int i = 0; i < per_writer; ++i) {
          std::mutex m;
          std::condition_variable cv;
          bool done = false;
          store::Write write;
          write.meeting = meetings[w];
          write.events = {core::Stamped{static_cast<core::Seq>(i + 2), i,
                                        core::PointSubmitted{static_cast<std::uint32_t>(i + 1), core::PointKind::point,
                                                             "a written point of ordinary length", 1}}};
          write.command = store::CommandRecord{1, "c" + std::to_string(i), static_cast<core::Seq>(i + 2)};
          log->append(std::move(write), [&](bool, const std::string&) {
            std::lock_guard lock(m);
            done = true;
            cv.notify_one();
          });
          std::unique_lock lock(m);
          cv.wait(lock, [&] { return done; });
        }
      });
    }
    for (auto& t : threads) t.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto s = log->stats();
    std::printf("%s synchronous=%-6s writers=%d commands=%d: %.0f commands/s, commit p50 %.2f ms p99 %.2f ms, "
                "%.1f commands per commit (max %llu)\n",
                postgresql ? "PostgreSQL" : "SQLite", mode == store::Durability::full ? "FULL" : "NORMAL", writers, writers * per_writer,
                writers * per_writer / seconds, s.latency_p50_ms, s.latency_p99_ms, s.batch_mean,
                static_cast<unsigned long long>(s.batch_max));
    log->close();
  }
  if (!postgresql) std::filesystem::remove_all(dir);
  return 0;
}
