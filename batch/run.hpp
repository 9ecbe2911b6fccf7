#pragma once
// relief run: the nightly batch (SPEC 5).
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "channels/channel.hpp"
#include "src/core/limits.hpp"
#include "src/store/db.hpp"

namespace relief {

struct RunOptions {
  std::optional<std::string> date;   // YYYY-MM-DD; default today
  std::optional<std::string> inbox;  // ingest *.xml from here first
  std::string out_dir = "out";
  std::int64_t feed_bytes_max = 0;
  bool progress = false;             // a terminal is watching
  // Memory bounds of the run's pipeline (tests make them small to cross
  // chunk and cache boundaries often; the files must not change).
  std::size_t claims_per_chunk = 2'000;       // x 2 chunks in flight x ~5 KB of results and text each
  // A registry of at most this many persons is read whole (~50 bytes each);
  // a bigger one is looked up chunk by chunk through a cache of this many:
  std::size_t registry_image_persons_max = 1'048'576;
  std::size_t patients_cached_max = 98'304;   // persons the loader remembers, parents too (~120 bytes each)
  // Feeds stored in processing order that the run merges (one statement each);
  // with more, every claim goes through SQLite's sort (as feeds stored otherwise do).
  std::size_t merged_feeds_max = limits::merged_feeds_max;
};

struct RunResult {
  std::string batch_id;  // empty: no batch
  bool any_feed_refused = false;
  std::int64_t claims = 0, rejections = 0, payments = 0, total_paid_fen = 0;
  double seconds = 0;
};

// Thrown when a run-time invariant breaks: the batch commits nothing.
struct InvariantError : std::logic_error {
  using std::logic_error::logic_error;
};

RunResult run_batch(Db& db, const ChannelSet& channels, const RunOptions& opt, std::ostream& out, std::ostream& err);

}  // namespace relief
