// send_bench: one small frame to each of N loopback sockets, sent two ways, interleaved round by
// round, to decide between them (tests/load/README.md, "io_uring against gathered sends"):
//
//   sendmsg   one non-blocking sendmsg per socket (what the server does for a broadcast: each
//             connection's queued frames leave in one gathered sendmsg)
//   io_uring  one IORING_OP_SENDMSG per socket, all of them submitted with one io_uring_enter,
//             then every completion reaped
//
// Prints the process's CPU time (user + system: the sender, and io_uring's workers if it uses any;
// the reader sleeps meanwhile) per send for each way: median and range over the rounds. After each
// timed send, untimed, a reader thread empties every receiving end. Loopback only; every loop is
// bounded.
//
//   send_bench [--sockets=1000] [--rounds=200] [--bytes=256] [--sender-cpu=0] [--reader-cpu=1]
#include <liburing.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "send_bench: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

void pin(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

double process_cpu_us() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

struct Options {
  int sockets = 1000;
  int rounds = 200;
  int bytes = 256;
  int sender_cpu = 0;
  int reader_cpu = 1;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto eq = a.find('=');
    const auto value = [&](int lo, int hi) {
      const int v = std::atoi(std::string(a.substr(eq + 1)).c_str());
      if (eq == std::string_view::npos || v < lo || v > hi) {
        std::fprintf(stderr, "send_bench: bad %s\n", argv[i]);
        std::exit(2);
      }
      return v;
    };
    if (a.starts_with("--sockets=")) o.sockets = value(1, 10000);
    else if (a.starts_with("--rounds=")) o.rounds = value(1, 100000);
    else if (a.starts_with("--bytes=")) o.bytes = value(1, 65536);
    else if (a.starts_with("--sender-cpu=")) o.sender_cpu = value(-1, 1023);
    else if (a.starts_with("--reader-cpu=")) o.reader_cpu = value(-1, 1023);
    else {
      std::fprintf(stderr,
                   "usage: send_bench [--sockets=1000] [--rounds=200] [--bytes=256] [--sender-cpu=0] [--reader-cpu=1]\n");
      std::exit(2);
    }
  }
  return o;
}

struct Stat {
  double median = 0, min = 0, max = 0;
};

Stat stat(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  // N connected pairs on 127.0.0.1: `senders` are the accepted ends (as the server's are).
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 4096) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    die("listen");
  std::vector<int> senders, readers;
  for (int i = 0; i < o.sockets; ++i) {
    const int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0 || connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("connect (raise ulimit -n)");
    const int s = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (s < 0) die("accept");
    const int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    readers.push_back(c);
    senders.push_back(s);
  }

  // The reader drains every receiving end when asked, and sleeps while the sender is timed, so that
  // the process's CPU time over a timed send is the sender's (and any io_uring worker's) alone.
  const auto expected = static_cast<std::uint64_t>(o.sockets) * static_cast<std::uint64_t>(o.rounds) * 2 *
                        static_cast<std::uint64_t>(o.bytes);
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t drain_to = 0;  // guarded by mu: drain until this many bytes in all
  bool stop = false;
  std::atomic<std::uint64_t> received{0};
  std::thread reader([&] {
    pin(o.reader_cpu);
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    for (std::size_t i = 0; i < readers.size(); ++i) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = i;
      epoll_ctl(ep, EPOLL_CTL_ADD, readers[i], &ev);
    }
    std::vector<char> buf(1 << 16);
    epoll_event events[256];
    for (;;) {
      std::uint64_t target = 0;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || drain_to > received.load(); });
        if (stop) break;
        target = drain_to;
      }
      for (int guard = 0; received.load() < target && guard < 100000; ++guard) {
        const int n = epoll_wait(ep, events, 256, 50);
        for (int k = 0; k < n; ++k) {
          const ssize_t r = recv(readers[events[k].data.u64], buf.data(), buf.size(), MSG_DONTWAIT);
          if (r > 0) received += static_cast<std::uint64_t>(r);
        }
      }
      cv.notify_all();
    }
    close(ep);
  });
  const auto drain = [&](std::uint64_t to) {
    std::unique_lock lock(mu);
    drain_to = to;
    cv.notify_all();
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return received.load() >= to; });
  };

  pin(o.sender_cpu);
  io_uring ring{};
  const unsigned entries = 4096;
  if (const int rc = io_uring_queue_init(entries, &ring, 0); rc < 0) {
    errno = -rc;
    die("io_uring_queue_init");
  }
  const std::string frame(static_cast<std::size_t>(o.bytes), 'x');
  iovec iov{const_cast<char*>(frame.data()), frame.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;

  std::uint64_t short_sends = 0, failed = 0;
  const auto by_sendmsg = [&] {
    for (const int s : senders) {
      const ssize_t n = sendmsg(s, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) ++failed;
      else if (n != static_cast<ssize_t>(frame.size())) ++short_sends;
    }
  };
  const auto by_io_uring = [&] {
    std::size_t next = 0;
    while (next < senders.size()) {
      const std::size_t batch = std::min<std::size_t>(entries, senders.size() - next);
      for (std::size_t k = 0; k < batch; ++k) {
        io_uring_sqe* sqe = io_uring_get_sqe(&ring);
        io_uring_prep_sendmsg(sqe, senders[next + k], &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      io_uring_submit_and_wait(&ring, static_cast<unsigned>(batch));
      unsigned seen = 0;
      io_uring_cqe* cqe = nullptr;
      unsigned head = 0;
      io_uring_for_each_cqe(&ring, head, cqe) {
        if (cqe->res < 0) ++failed;
        else if (cqe->res != static_cast<int>(frame.size())) ++short_sends;
        ++seen;
      }
      io_uring_cq_advance(&ring, seen);
      // Completions not yet posted (should not happen: submit_and_wait waited for them all).
      for (unsigned left = static_cast<unsigned>(batch) - seen; left > 0; --left) {
        if (io_uring_wait_cqe(&ring, &cqe) != 0) break;
        if (cqe->res < 0) ++failed;
        io_uring_cqe_seen(&ring, cqe);
      }
      next += batch;
    }
  };

  std::vector<double> us_sendmsg, us_uring, wall_sendmsg, wall_uring;
  double cpu_total[2] = {0, 0};
  std::uint64_t sent = 0;
  for (int r = 0; r < o.rounds; ++r) {
    for (int way = 0; way < 2; ++way) {
      const bool uring = (r + way) % 2 == 1;  // alternate which goes first
      const double before = process_cpu_us();
      const auto t0 = std::chrono::steady_clock::now();
      if (uring) by_io_uring();
      else by_sendmsg();
      const double wall = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
      const double cpu = process_cpu_us() - before;
      cpu_total[uring ? 1 : 0] += cpu;
      (uring ? us_uring : us_sendmsg).push_back(cpu / static_cast<double>(o.sockets));
      (uring ? wall_uring : wall_sendmsg).push_back(wall / static_cast<double>(o.sockets));
      sent += static_cast<std::uint64_t>(o.sockets) * static_cast<std::uint64_t>(o.bytes);
      drain(sent);  // untimed: the reader empties every socket before the next send
    }
  }
  {
    std::lock_guard lock(mu);
    stop = true;
  }
  cv.notify_all();
  reader.join();
  io_uring_queue_exit(&ring);

  // CPU time is counted by the scheduler's ticks on some kernels: per round it is coarse, so the
  // figure is the total over every round; the sender's wall time per round is exact.
  const double sends = static_cast<double>(o.sockets) * o.rounds;
  const double cpu_a = cpu_total[0] / sends, cpu_b = cpu_total[1] / sends;
  const Stat wa = stat(wall_sendmsg), wb = stat(wall_uring);
  std::printf("send_bench: %d sockets, %d rounds each way (interleaved), %d-byte frames, sender on cpu %d, reader on cpu %d\n",
              o.sockets, o.rounds, o.bytes, o.sender_cpu, o.reader_cpu);
  std::printf("  sendmsg, one per socket:         %.2f µs of CPU per send (all rounds); wall %.2f µs (median, %.2f–%.2f)\n",
              cpu_a, wa.median, wa.min, wa.max);
  std::printf("  io_uring, one submission of all: %.2f µs of CPU per send (all rounds); wall %.2f µs (median, %.2f–%.2f)\n",
              cpu_b, wb.median, wb.min, wb.max);
  std::printf("  io_uring / sendmsg: CPU %.2f ×, wall %.2f ×; received %llu of %llu bytes; short sends %llu, failed %llu\n",
              cpu_b / cpu_a, wb.median / wa.median, static_cast<unsigned long long>(received.load()),
              static_cast<unsigned long long>(expected), static_cast<unsigned long long>(short_sends),
              static_cast<unsigned long long>(failed));
  std::printf("RESULT bench=send sockets=%d rounds=%d bytes=%d sendmsg_cpu_us=%.3f io_uring_cpu_us=%.3f sendmsg_wall_us=%.3f "
              "io_uring_wall_us=%.3f cpu_ratio=%.3f wall_ratio=%.3f failed=%llu\n",
              o.sockets, o.rounds, o.bytes, cpu_a, cpu_b, wa.median, wb.median, cpu_b / cpu_a, wb.median / wa.median,
              static_cast<unsigned long long>(failed));
  for (const int s : senders) close(s);
  for (const int c : readers) close(c);
  close(listener);
  return failed > 0 ? 1 : 0;
}
