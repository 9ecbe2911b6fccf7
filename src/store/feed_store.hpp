#pragma once
// Feeds, claims and rejections in the database (the intake's side).
#include <Poco/Data/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

// Prepared statements for one feed's intake, inside the caller's transaction.
class FeedWriter {
 public:
  explicit FeedWriter(Db& db);
  std::int64_t next_feed_seq();
  void insert_feed(const FeedRecord& f);
  void finish_feed(std::int64_t seq, const std::string& verdict, const std::string& detail, std::int64_t total,
                   std::int64_t accepted, std::int64_t rejected);
  bool claim_taken(const std::string& hospital_code, const std::string& claim_id);
  void insert_claim(const Claim& c);
  void insert_rejection(const RejectionRecord& r);

 private:
  Db& db_;
  // bound values for the prepared statements
  std::string h_, id_, pid_, pname_, birth_, sex_, vtype_, adm_, dis_, diag_, sa_;
  Poco::Int64 feed_seq_ = 0, pos_ = 0, acc_ = 0, total_ = 0, ins_ = 0, in_ = 0, out_ = 0, found_ = 0;
  std::string rh_, rf_, rc_, rr_, rd_;
  Poco::Int64 rseq_ = 0, rpos_ = 0;
  Poco::Data::Statement taken_;
  Poco::Data::Statement claim_;
  Poco::Data::Statement rejection_;
};

bool hospital_exists(Db& db, const std::string& code);
std::optional<FeedRecord> find_feed_by_sha(Db& db, const std::string& sha256, bool accepted_only);
std::optional<FeedRecord> find_accepted_feed(Db& db, const std::string& hospital_code, const std::string& feed_id);
std::optional<FeedRecord> find_unreported_refusal(Db& db, const std::string& sha256, const std::string& source);
std::vector<RejectionRecord> feed_rejections(Db& db, std::int64_t feed_seq, std::size_t limit);
std::vector<FeedRecord> feeds_by_id(Db& db, const std::string& hospital_code, const std::string& feed_id);

std::string encode_diagnoses(const std::vector<std::string>& codes);
std::vector<std::string> decode_diagnoses(const std::string& text);

}  // namespace relief
