#pragma once
// The reading half of one feed's intake, on its own thread: the byte guard
// (size, encoding, DOCTYPE, SHA-256), then parse and validate (Xerces), apply
// SPEC 3's claim checks, and hand the results over in order through a bounded
// queue to the thread that owns the database. A pipe may be started ahead of
// time (ingest_feeds keeps two feeds of look-ahead): it guards and parses at
// once, buffers until its queue is full, and touches nothing but the feed's
// bytes.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "adapters/feed/feed_reader.hpp"
#include "src/core/model.hpp"
#include "src/store/feed_store.hpp"

namespace relief {

class FeedPipe {
 public:
  static constexpr std::size_t kItemsPerMessage = 500;
  // Claims (checked or rejected) buffered ahead of the database thread: a
  // whole typical feed (5,000 claims) and then some, so the next feed can be
  // read while this one is stored. At ~1 KB an item, ~20 MB a pipe at most.
  static constexpr std::size_t kItemsQueuedMax = 20'000;
  static constexpr std::size_t kMessagesQueuedMax = kItemsQueuedMax / kItemsPerMessage;

  struct Item {
    std::optional<Claim> claim;  // passed the checks; else `rejection`
    RejectionRecord rejection;
  };
  struct Message {
    enum Kind { kHeader, kItems } kind = kItems;
    RawHeader header;
    std::vector<Item> items;
  };

  // Starts the reader at once. `src` (and its buffer, if any) must outlive the
  // pipe. Two pipes may parse at once: each parse leases a grammar of its own
  // (adapters/feed/feed_reader.cpp says why).
  FeedPipe(const FeedSource& src, std::int64_t feed_bytes_max);
  ~FeedPipe();  // stops the reader and joins it
  FeedPipe(const FeedPipe&) = delete;
  FeedPipe& operator=(const FeedPipe&) = delete;

  // Waits for the byte guard. When it refused the bytes (!ok) nothing is
  // parsed: next() returns false at once. Rethrows an exception the guard hit.
  const GuardResult& guard();
  // The next message in document order; false when the reader is done.
  // Rethrows an exception the reader thread hit.
  bool next(Message& out);
  // Asks the reader to stop at its next claim; next() then drains to the end.
  void stop();
  // After next() returned false.
  FeedParse result() const { return parse_; }
  std::int64_t valid_total_fen() const { return valid_total_fen_; }

 private:
  void read(FeedSource src, std::int64_t feed_bytes_max);
  void parse_feed(const FeedSource& src, const std::string& encoding);
  void push(Message m);

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Message> queue_;
  bool guarded_ = false, done_ = false, stop_ = false;
  std::exception_ptr error_;
  GuardResult guard_;
  FeedParse parse_;
  std::int64_t valid_total_fen_ = 0;
  std::thread reader_;
};

}  // namespace relief
