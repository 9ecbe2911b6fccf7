#include "src/server/watchdog.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cassert>

namespace relief {

namespace {
struct Current {
  Watchdog* watchdog = nullptr;
  std::uint64_t id = 0;
};
thread_local Current t_current;
}  // namespace

Watchdog::Watchdog(int tick_ms) : tick_ms_(tick_ms), thread_([this] { loop(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard lk(m_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  for (auto& [id, e] : entries_) ::close(e.fd);
}

std::uint64_t Watchdog::add(int fd, int ms) {
  int copy = ::dup(fd);
  std::lock_guard lk(m_);
  std::uint64_t id = next_id_++;
  entries_[id] = Entry{copy, std::chrono::steady_clock::now() + std::chrono::milliseconds(ms)};
  return id;
}

void Watchdog::rearm(std::uint64_t id, int ms) {
  std::lock_guard lk(m_);
  auto it = entries_.find(id);
  if (it != entries_.end() && !it->second.cut)
    it->second.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
}

void Watchdog::remove(std::uint64_t id) {
  std::lock_guard lk(m_);
  auto it = entries_.find(id);
  assert(it != entries_.end());
  if (it->second.fd >= 0) ::close(it->second.fd);
  entries_.erase(it);
}

std::int64_t Watchdog::connections_cut() const {
  std::lock_guard lk(m_);
  return cut_;
}

void Watchdog::cut_all() {
  std::lock_guard lk(m_);
  for (auto& [id, e] : entries_) e.deadline = std::chrono::steady_clock::time_point::min();
  cv_.notify_all();
}

void Watchdog::loop() {
  std::unique_lock lk(m_);
  while (!stop_) {
    cv_.wait_for(lk, std::chrono::milliseconds(tick_ms_));
    auto t = std::chrono::steady_clock::now();
    for (auto& [id, e] : entries_) {
      if (e.cut || e.fd < 0 || e.deadline > t) continue;
      ::shutdown(e.fd, SHUT_RDWR);  // the connection's blocked read or write returns at once
      e.cut = true;
      ++cut_;
    }
  }
}

Watchdog::Scope::Scope(Watchdog& w, int fd, int ms) : w_(w), id_(w.add(fd, ms)) {
  assert(t_current.watchdog == nullptr && "one watched connection per thread at a time");
  t_current = Current{&w_, id_};
}

Watchdog::Scope::~Scope() {
  t_current = Current{};
  w_.remove(id_);
}

void Watchdog::rearm_current(int ms) {
  if (t_current.watchdog) t_current.watchdog->rearm(t_current.id, ms);
}

}  // namespace relief
