#pragma once
// The one intake path: `relief ingest`, the inbox of `relief run` and
// POST /api/v1/feeds all call ingest_feed (or ingest_feeds for many) with the
// bytes and get the same verdict; only the way it is shown differs.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "adapters/feed/feed_reader.hpp"
#include "src/core/limits.hpp"
#include "src/store/db.hpp"
#include "src/store/feed_store.hpp"

namespace relief {

enum class FeedOutcome { accepted, refused, same_bytes };

struct FeedVerdict {
  std::string source;
  FeedOutcome outcome = FeedOutcome::refused;
  std::string code;    // feed-level code when refused
  std::string detail;
  std::string hospital_code, feed_id, sha256;
  std::int64_t bytes = 0;
  std::int64_t feed_seq = 0;
  std::int64_t claims_total = 0, claims_accepted = 0, claims_rejected = 0;
  std::vector<RejectionRecord> rejections;  // claim rejections (listed up to a limit)
  std::string received_at;
  // false only for a HOSPITAL_MISMATCH refusal: nothing was written.
  bool stored = true;
};

// The refusal code when the header's hospital is not IngestOptions::expected_hospital.
inline constexpr const char* kHospitalMismatch = "HOSPITAL_MISMATCH";

struct IngestOptions {
  std::int64_t feed_bytes_max = limits::feed_bytes_max_default;
  // The inbox passes true: bytes already refused from the same file name and
  // not yet reported are not refused a second time (crash between the
  // database commit and the move to refused/).
  bool skip_unreported_refusal_of_same_source = false;
  // The upload API passes the token's hospital: a feed whose HospitalCode is
  // another hospital's is refused as HOSPITAL_MISMATCH and nothing at all is
  // stored (no feed row, no rejection, no claim). Empty: any hospital.
  std::string expected_hospital = {};
  // A feed of at most this many claims (and claim rejections) is held whole
  // and its claims stored in processing order (FeedWriter); 0: document order
  // always (tests: what a batch sorts instead of merging).
  std::size_t feed_items_held_max = limits::feed_items_held_for_order_max;
};

FeedVerdict ingest_feed(Db& db, const FeedSource& src, const IngestOptions& opt);

// Many feeds in the given order, with the verdicts and the database of one
// ingest_feed after the other, but on two cores: while this thread stores
// feed i, feed i+1 is already being read (guarded, then parsed and checked
// once feed i is parsed) on a thread of its own. on_verdict(v, i) is called
// after feed i is committed (or refused), in order, while feed i+1 is being
// read; an exception from it ends the call.
// The sources (and their buffers) must outlive the call.
void ingest_feeds(Db& db, const std::vector<FeedSource>& sources, const IngestOptions& opt,
                  const std::function<void(const FeedVerdict&, std::size_t index)>& on_verdict);

std::string outcome_name(FeedOutcome o);
std::string now_iso8601();

}  // namespace relief
