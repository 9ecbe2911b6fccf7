// Issue 7: the run's pipeline (loader thread with the registry read whole or
// its person cache, adjudicator, database thread; chunks in flight) must not
// change a byte of any batch. The generated acceptance case runs with tiny
// chunks and caches (every chunk and cache boundary crossed, the cache emptied
// again and again) and must give the files and results of the default
// settings, over two batches (the ledger of the first is loaded by the second).
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <tuple>

#include "adapters/registry/registry_csv.hpp"
#include "batch/outputs.hpp"
#include "batch/run.hpp"
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

Outcome run_case(std::size_t claims_per_chunk, std::size_t patients_cached_max, std::size_t image_persons_max) {
  const std::string dir = std::string(RELIEF_SHARED_DIR) + "/cases/generated-1001";
  TempDir tmp;
  auto db = open_with_case_registries(tmp.file("relief.db"), dir);
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  Outcome o;
  const std::pair<const char*, const char*> steps[] = {{"batch-1", "2017-01-02"}, {"batch-2", "2017-01-03"}};
  for (const auto& [folder, date] : steps) {
    std::vector<std::string> feeds;
    for (const auto& e : fs::directory_iterator(dir + "/" + folder)) feeds.push_back(e.path().string());
    std::sort(feeds.begin(), feeds.end());
    for (const auto& f : feeds) ingest_path(*db, f);
    RunOptions opt;
    opt.date = date;
    opt.out_dir = tmp.file("out");
    opt.claims_per_chunk = claims_per_chunk;
    opt.patients_cached_max = patients_cached_max;
    opt.registry_image_persons_max = image_persons_max;
    std::ostringstream out, err;
    RunResult r = run_batch(*db, channels, opt, out, err);
    BOOST_REQUIRE(!r.batch_id.empty());
    o.files.push_back(render_batch_files(*db, r.batch_id));
    std::map<std::string, std::string> written;
    for (const auto& e : fs::directory_iterator(opt.out_dir + "/" + r.batch_id))
      written[e.path().filename().string()] = read_file(e.path().string());
    BOOST_TEST((written == o.files.back()), "the run's files equal the export of batch " << r.batch_id);
    std::vector<std::string> lines;
    for (const auto& row : load_results(*db, r.batch_id))
      lines.push_back(std::to_string(row.position) + " " + row.hospital_code + " " + row.claim_id + " " + row.paid +
                      " " + row.trace);
    o.results.push_back(std::move(lines));
  }
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_pipeline)

BOOST_AUTO_TEST_CASE(chunk_and_cache_sizes_change_nothing) {
  const Outcome base = run_case(2'000, 32'768, kWhole);  // the registry read whole
  BOOST_REQUIRE_EQUAL(base.files.size(), 2u);
  BOOST_REQUIRE(base.results[0].size() > 100);
  BOOST_REQUIRE(base.results[1].size() > 100);
  // Image bound 0: the registry is looked up chunk by chunk through the cache.
  const std::tuple<std::size_t, std::size_t, std::size_t> settings[] = {
      {1, 1, 0}, {7, 5, 0}, {13, 0, 0}, {64, 100, 0}, {2'000, 32'768, 0}, {1, 0, kWhole}, {7, 0, kWhole}};
  for (const auto& [chunk, cache, image] : settings) {
    const Outcome o = run_case(chunk, cache, image);
    BOOST_REQUIRE_EQUAL(o.files.size(), base.files.size());
    for (std::size_t b = 0; b < base.files.size(); ++b) {
      BOOST_TEST(o.results[b] == base.results[b], boost::test_tools::per_element());
      for (const auto& [name, bytes] : base.files[b]) {
        auto it = o.files[b].find(name);
        BOOST_REQUIRE_MESSAGE(it != o.files[b].end(), name << " missing with chunk " << chunk << ", cache " << cache << ", image " << image);
        BOOST_TEST((it->second == bytes), name << " differs with chunk " << chunk << ", cache " << cache << ", image " << image);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
