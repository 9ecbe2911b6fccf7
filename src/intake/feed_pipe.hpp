#pragma once
// The reading half of one feed's intake, on its own thread: parse and
// validate (Xerces), apply SPEC 3's claim checks, and hand the results over
// in order through a bounded queue to the thread that owns the database.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
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
  static constexpr std::size_t kMessagesQueuedMax = 8;  // memory: at most ~4,000 claims in flight

  struct Item {
    std::optional<Claim> claim;  // passed the checks; else `rejection`
    RejectionRecord rejection;
  };
  struct Message {
    enum Kind { kHeader, kItems } kind = kItems;
    RawHeader header;
    std::vector<Item> items;
  };

  FeedPipe(const FeedSource& src, const std::string& encoding);
  ~FeedPipe();  // stops the reader and joins it
  FeedPipe(const FeedPipe&) = delete;
  FeedPipe& operator=(const FeedPipe&) = delete;

  // The next message in document order; false when the reader is done.
  // Rethrows an exception the reader thread hit.
  bool next(Message& out);
  // Asks the reader to stop at its next claim; next() then drains to the end.
  void stop();
  // After next() returned false.
  FeedParse result() const { return parse_; }
  std::int64_t valid_total_fen() const { return valid_total_fen_; }

 private:
  void read(FeedSource src, std::string encoding);
  void push(Message m);

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<Message> queue_;
  bool done_ = false, stop_ = false;
  std::exception_ptr error_;
  FeedParse parse_;
  std::int64_t valid_total_fen_ = 0;
  std::thread reader_;
};

}  // namespace relief
