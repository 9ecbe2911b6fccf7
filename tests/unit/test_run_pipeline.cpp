// Issue 7: the run's pipeline (loader thread merging the feeds stored in
// processing order and SQLite's sort of the others, with the registry read
// whole or its person cache; adjudicator, database thread; chunks in flight)
// must not change a byte of any batch. The generated acceptance case runs with tiny
// chunks and caches (every chunk and cache boundary crossed, the cache emptied
// again and again) and must give the files and results of the default
// settings, over two batches (the ledger of the first is loaded by the second).
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <tuple>

#include "adapters/registry/registry_csv.hpp"
#include "batch/outputs.hpp"
#include "batch/run.hpp"
#include "src/intake/ingest.hpp"
#include "src/store/batch_store.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

struct Outcome {
  std::vector<std::map<std::string, std::string>> files;  // per batch: name -> bytes
  std::vector<std::vector<std::string>> results;          // per batch: one line per result
};

constexpr std::size_t kWhole = RunOptions{}.registry_image_persons_max;

struct Settings {
  std::size_t claims_per_chunk = 2'000;
  std::size_t patients_cached_max = 32'768;
  std::size_t image_persons_max = kWhole;  // 0: the registry looked up through the cache
  // Feeds stored in processing order: 'a' all, 'n' none (SQLite sorts every
  // claim), 'x' every other feed (merged feeds and sorted ones together).
  char feeds_in_order = 'a';
  std::size_t merged_feeds_max = limits::merged_feeds_max;  // 0: feeds in order sorted too
};

std::ostream& operator<<(std::ostream& os, const Settings& s) {
  return os << "chunk " << s.claims_per_chunk << ", cache " << s.patients_cached_max << ", image "
            << s.image_persons_max << ", feeds in order " << s.feeds_in_order << ", merged max "
            << s.merged_feeds_max;
}

Outcome run_case(const Settings& set) {
  const std::string dir = std::string(RELIEF_SHARED_DIR) + "/cases/generated-1001";
  TempDir tmp;
  auto db = open_with_case_registries(tmp.file("relief.db"), dir);
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  Outcome o;
  const std::pair<const char*, const char*> steps[] = {{"batch-1", "2017-01-02"}, {"batch-2", "2017-01-03"}};
  std::int64_t in_order = 0, feeds = 0;
  for (const auto& [folder, date] : steps) {
    std::vector<std::string> paths;
    for (const auto& e : fs::directory_iterator(dir + "/" + folder)) paths.push_back(e.path().string());
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      IngestOptions ingest = default_ingest_options();
      const bool held = set.feeds_in_order == 'a' || (set.feeds_in_order == 'x' && feeds % 2 == 0);
      if (!held) ingest.feed_items_held_max = 0;
      ++feeds;
      ingest_feed(*db, FeedSource{path, nullptr}, ingest);
    }
    in_order += count_rows(*db, "SELECT count(*) FROM feeds WHERE first_claim_row IS NOT NULL AND batch_id IS NULL");
    RunOptions opt;
    opt.date = date;
    opt.out_dir = tmp.file("out");
    opt.claims_per_chunk = set.claims_per_chunk;
    opt.patients_cached_max = set.patients_cached_max;
    opt.registry_image_persons_max = set.image_persons_max;
    opt.merged_feeds_max = set.merged_feeds_max;
    std::ostringstream out, err;
    RunResult r = run_batch(*db, channels, opt, out, err);
    BOOST_REQUIRE(!r.batch_id.empty());
    o.files.push_back(render_batch_files(*db, r.batch_id));
    std::map<std::string, std::string> written;
    for (const auto& e : fs::directory_iterator(opt.out_dir + "/" + r.batch_id))
      written[e.path().filename().string()] = read_file(e.path().string());
    BOOST_TEST((written == o.files.back()), "the run's files equal the export of batch " << r.batch_id);
    std::vector<std::string> lines;
    for (const auto& row : load_results(*db, r.batch_id)) {
      // How explain and the API find it (feed_results or claim_results).
      const auto found = find_result(*db, row.hospital_code, row.claim_id);
      BOOST_TEST((found && found->first == r.batch_id && found->second.position == row.position &&
                  found->second.trace == row.trace),
                 row.hospital_code << " " << row.claim_id << " with " << set);
      lines.push_back(std::to_string(row.position) + " " + row.hospital_code + " " + row.claim_id + " " + row.paid +
                      " " + row.trace);
    }
    o.results.push_back(std::move(lines));
  }
  // The feeds were stored as the settings say.
  const std::int64_t expected_in_order =
      set.feeds_in_order == 'a' ? feeds : set.feeds_in_order == 'x' ? (feeds + 1) / 2 : 0;
  BOOST_TEST(in_order == expected_in_order, set);
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_pipeline)

BOOST_AUTO_TEST_CASE(chunk_and_cache_sizes_change_nothing) {
  const Outcome base = run_case(Settings{});  // the registry read whole, every feed merged
  BOOST_REQUIRE_EQUAL(base.files.size(), 2u);
  BOOST_REQUIRE(base.results[0].size() > 100);
  BOOST_REQUIRE(base.results[1].size() > 100);
  std::vector<Settings> settings;
  // The registry through the cache (image bound 0), chunks and cache tiny to huge.
  for (const auto& [chunk, cache] : std::vector<std::pair<std::size_t, std::size_t>>{
           {1, 1}, {7, 5}, {13, 0}, {64, 100}, {2'000, 32'768}})
    settings.push_back(Settings{chunk, cache, 0});
  settings.push_back(Settings{1, 0, kWhole});
  settings.push_back(Settings{7, 0, kWhole});
  // Claims sorted by SQLite instead of merged: none stored in order, more
  // feeds in order than the bound, and both kinds in one batch.
  settings.push_back(Settings{2'000, 32'768, kWhole, 'n'});
  settings.push_back(Settings{5, 32'768, kWhole, 'a', 0});
  settings.push_back(Settings{2'000, 32'768, kWhole, 'x'});
  settings.push_back(Settings{3, 7, 0, 'x'});
  for (const auto& set : settings) {
    const Outcome o = run_case(set);
    BOOST_REQUIRE_EQUAL(o.files.size(), base.files.size());
    for (std::size_t b = 0; b < base.files.size(); ++b) {
      BOOST_TEST(o.results[b] == base.results[b], boost::test_tools::per_element());
      for (const auto& [name, bytes] : base.files[b]) {
        auto it = o.files[b].find(name);
        BOOST_REQUIRE_MESSAGE(it != o.files[b].end(), name << " missing with " << set);
        BOOST_TEST((it->second == bytes), name << " differs with " << set);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
