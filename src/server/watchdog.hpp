#pragma once
// Deadlines for HTTP connections. Poco's socket timeout bounds each read,
// not a request: a client sending one byte a second would hold a thread
// forever. The watchdog shuts down (SHUT_RDWR) the socket of a connection
// whose deadline passed, which ends its blocked read at once.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace relief {

class Watchdog {
 public:
  explicit Watchdog(int tick_ms);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Watches a connection on the calling thread until the Scope ends. The
  // socket is dup()ed so that the watchdog never touches a reused fd number.
  class Scope {
   public:
    Scope(Watchdog& w, int fd, int ms);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Watchdog& w_;
    std::uint64_t id_;
  };
  // Sets the deadline of the connection watched on this thread (if any) to
  // now + ms.
  static void rearm_current(int ms);

  std::int64_t connections_cut() const;
  // Shuts every watched connection down (server stop).
  void cut_all();

 private:
  struct Entry {
    int fd;
    std::chrono::steady_clock::time_point deadline;
    bool cut = false;
  };
  std::uint64_t add(int fd, int ms);
  void rearm(std::uint64_t id, int ms);
  void remove(std::uint64_t id);
  void loop();

  int tick_ms_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 1;
  std::int64_t cut_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace relief
