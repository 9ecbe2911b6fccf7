#pragma once
// A blocking queue with a fixed capacity, for handing work between two
// threads in order. close() ends it: pop() then drains and returns false.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

namespace relief {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}
  // False when the queue was closed (the item is dropped).
  bool push(T item) {
    std::unique_lock lk(mu_);
    changed_.wait(lk, [&] { return items_.size() < capacity_ || closed_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    changed_.notify_all();
    return true;
  }
  bool pop(T& out) {
    std::unique_lock lk(mu_);
    changed_.wait(lk, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return false;
    out = std::move(items_.front());
    items_.pop_front();
    changed_.notify_all();
    return true;
  }
  void close() {
    std::lock_guard lk(mu_);
    closed_ = true;
    changed_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace relief
