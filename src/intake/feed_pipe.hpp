#pragma once
// The reading half of one feed's intake, on its own thread: the byte guard
// (size, encoding, DOCTYPE, SHA-256), then parse and validate (Xerces), apply
// SPEC 3's claim checks, and hand the results over in order through a bounded
// queue to the thread that owns the database. A pipe may be started ahead of
// time (ingest_feeds keeps one feed of look-ahead): it guards at once, parses
// when the pipe before has parsed, buffers until its queue is full, and
// touches nothing but the feed's bytes.
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

  // Set once a pipe's reader is done with Xerces (parsed, refused, stopped or failed).
  class ParseDone {
   public:
    void set();
    void wait();

   private:
    std::mutex mu_;
    std::condition_variable set_;
    bool done_ = false;
  };

  // Starts the reader at once. `src` (and its buffer, if any) must outlive the
  // pipe. With `parse_after`, the reader guards the bytes at once but starts
  // parsing only when that (the pipe before's) is set: Xerces-C 3.2's
  // validators, shared through the one grammar, are not safe to use from two
  // threads at once (RangeToken::createMap fills a pattern's character map
  // lazily, unsynchronised: a value could fail its pattern in one thread
  // while another thread builds the map).
  FeedPipe(const FeedSource& src, std::int64_t feed_bytes_max, std::shared_ptr<ParseDone> parse_after = nullptr);
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
  // For the pipe after this one.
  std::shared_ptr<ParseDone> parse_done() const { return parse_done_; }

 private:
  void read(FeedSource src, std::int64_t feed_bytes_max, std::shared_ptr<ParseDone> parse_after);
  void guard_and_parse(const FeedSource& src, std::int64_t feed_bytes_max, ParseDone* parse_after);
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
  std::shared_ptr<ParseDone> parse_done_ = std::make_shared<ParseDone>();
  std::thread reader_;
};

}  // namespace relief
