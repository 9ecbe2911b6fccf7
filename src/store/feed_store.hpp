#pragma once
// Feeds, claims and rejections in the database (the intake's side).
#include <Poco/Data/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/core/limits.hpp"
#include "src/core/model.hpp"
#include "src/store/db.hpp"

namespace relief {

struct FeedRecord {
  std::int64_t seq = 0;
  std::string hospital_code, feed_id, sha256, source, received_at, verdict, detail;
  std::int64_t bytes = 0, claims_total = 0, claims_accepted = 0, claims_rejected = 0;
  std::optional<std::string> batch_id;
};

struct RejectionRecord {
  std::int64_t feed_seq = 0;
  std::int64_t position = 0;  // 0: the whole feed
  std::string hospital_code, feed_id, claim_id, reason, detail;
  std::optional<std::string> batch_id;
};

// One feed's intake, inside the caller's transaction. Claims and rejections
// are queued in document order and written in bulk by flush(), which also
// decides DUPLICATE (against every claim accepted before, in the database,
// and the claims queued ahead in this feed). A feed of at most
// `items_held_max` items is held whole and its accepted claims are stored in
// processing order, in consecutive rows (first_claim_row() is the first);
// a bigger one (any, when it is 0) is flushed every kFlushItems and stored in
// document order.
// Either way the same claims are accepted, the same rejections written, in
// document order. Memory: `items_held_max` items at most.
class FeedWriter {
 public:
  static constexpr std::size_t kFlushItems = 2'000;

  explicit FeedWriter(Db& db, std::size_t items_held_max = limits::feed_items_held_for_order_max);
  std::int64_t next_feed_seq();
  void insert_feed(const FeedRecord& f);
  void finish_feed(std::int64_t seq, const std::string& verdict, const std::string& detail, std::int64_t total,
                   std::int64_t accepted, std::int64_t rejected);
  void insert_rejection(const RejectionRecord& r);

  void queue_claim(Claim c);             // passed SPEC 3's checks (c.feed_seq set)
  void queue_rejection(RejectionRecord r);
  bool flush_due() const { return items_.size() >= (in_order_ ? items_held_max_ : kFlushItems); }
  struct Flushed {
    std::int64_t accepted = 0;
    std::vector<RejectionRecord> rejections;  // in document order, DUPLICATEs included
  };
  // store=false (a feed that will be refused anyway): decide, write nothing.
  // A flush before the feed's last gives up processing order for the feed.
  Flushed flush(bool store, bool last);
  // The row of the feed's first claim in processing order, after the last
  // flush stored its claims in order; 0 when they are not (or none was accepted).
  std::int64_t first_claim_row() const { return first_claim_row_; }

 private:
  struct Item {
    bool is_claim = false;
    Claim claim;
    RejectionRecord rejection;
  };
  Flushed flush_in_order();
  Db& db_;
  std::size_t items_held_max_;
  bool in_order_ = true;
  std::int64_t first_claim_row_ = 0;
  std::vector<Item> items_;
};

bool hospital_exists(Db& db, const std::string& code);
std::optional<FeedRecord> find_feed_by_sha(Db& db, const std::string& sha256, bool accepted_only);
std::optional<FeedRecord> find_accepted_feed(Db& db, const std::string& hospital_code, const std::string& feed_id);
std::optional<FeedRecord> find_unreported_refusal(Db& db, const std::string& sha256, const std::string& source);
std::vector<RejectionRecord> feed_rejections(Db& db, std::int64_t feed_seq, std::size_t limit);

// "SELECT <kRejectionColumns> FROM rejections ..." statements share one row
// mapping: executes `st` and returns its rows in the statement's order.
inline constexpr const char* kRejectionColumns =
    "feed_seq, position, hospital_code, feed_id, claim_id, reason, detail, batch_id";
std::vector<RejectionRecord> read_rejections(Poco::Data::Statement& st);
std::vector<FeedRecord> feeds_by_id(Db& db, const std::string& hospital_code, const std::string& feed_id);

std::string encode_diagnoses(const std::vector<std::string>& codes);
std::vector<std::string> decode_diagnoses(const std::string& text);

}  // namespace relief
