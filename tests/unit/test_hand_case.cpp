// Issue 2 item 8: the feeds of ../shared/cases/hand produce exactly the claim
// rejections and feed refusals of its expected/rejections.csv. The steps are
// followed through the library (imports, ingest, batches).
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "adapters/registry/registry_csv.hpp"
#include "batch/run.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

std::vector<std::string> words_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hand_case)

BOOST_AUTO_TEST_CASE(rejections_match_expected) {
  const std::string dir = std::string(RELIEF_SHARED_DIR) + "/cases/hand";
  if (!fs::exists(dir + "/steps.txt")) {
    BOOST_TEST_MESSAGE("skipped: " << dir << " is missing");
    return;
  }
  TempDir tmp;
  auto db = Db::open(tmp.file("relief.db"));
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  std::vector<std::string> got = {"batch,hospital_code,feed_id,claim_id,reason"};
  int batch = 1;
  for (const auto& step : lines(read_file(dir + "/steps.txt"))) {
    auto words = words_of(step);
    BOOST_REQUIRE(!words.empty());
    if (words.size() == 3 && words[1] == "import") {
      std::vector<CsvError> errors;
      std::string bytes = read_file(dir + "/" + words[2]);
      if (words[0] == "hospitals") upsert_hospitals(*db, read_hospitals_csv(bytes, errors));
      else upsert_persons(*db, read_registry_csv(bytes, errors));
      BOOST_REQUIRE(errors.empty());
    } else if (words[0] == "ingest") {
      for (std::size_t i = 1; i < words.size(); ++i) {
        auto v = ingest_path(*db, dir + "/" + words[i]);
        const std::string prefix = std::to_string(batch) + "," + v.hospital_code + "," + v.feed_id + ",";
        if (v.outcome == FeedOutcome::refused) got.push_back(prefix + "," + v.code);
        else if (v.outcome == FeedOutcome::accepted)
          for (const auto& r : v.rejections) got.push_back(prefix + r.claim_id + "," + r.reason);
      }
    } else if (words[0] == "run") {
      RunOptions opt;
      if (words.size() >= 3 && words[1] == "--date") opt.date = words[2];
      opt.out_dir = tmp.file("out");
      opt.feed_bytes_max = default_ingest_options().feed_bytes_max;
      std::ostringstream out, err;
      run_batch(*db, channels, opt, out, err);
      ++batch;
    } else {
      BOOST_FAIL("unknown step: " << step);
    }
  }
  auto expected = lines(read_file(dir + "/expected/rejections.csv"));
  BOOST_TEST(got == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
