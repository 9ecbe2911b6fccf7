#pragma once
// Helpers shared by the unit tests: temporary folders, files, identity
// numbers with a correct check character, a claim-feed builder and a
// database with the test hospitals.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "src/core/date.hpp"
#include "src/core/idnumber.hpp"
#include "src/core/model.hpp"
#include "src/intake/ingest.hpp"
#include "src/store/db.hpp"
#include "src/store/registry_store.hpp"

namespace relief::test {

namespace fs = std::filesystem;

// A fresh folder under the system temp folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "relief-test-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

inline std::string fixture(const std::string& relative) { return std::string(RELIEF_TEST_FIXTURES) + "/" + relative; }

inline Date date(const std::string& iso) {
  auto d = parse_date(iso);
  if (!d) throw std::runtime_error("bad test date " + iso);
  return *d;
}

// An identity number for a person born on `birth`: region 440106, a
// three-digit sequence whose last digit gives the sex, and the right check character.
inline std::string make_id(const Date& birth, int sequence, char sex) {
  int seq = sequence % 50 * 2 + (sex == 'M' ? 1 : 0);  // 0..99, parity = sex
  char first17[18];
  std::snprintf(first17, sizeof first17, "440106%04d%02d%02d%03d", birth.year, birth.month, birth.day, seq);
  std::string s(first17, 17);
  return s + id_check_character(s);
}

// ---- claim feeds -----------------------------------------------------------

struct FeedClaim {
  std::string claim_id = "C1";
  std::string id_number = "440106198001010019";  // born 1980-01-01, male
  std::string name = "张三";
  std::string birth_date = "1980-01-01";
  std::string sex = "M";
  std::string type = "inpatient";
  std::string admission = "2016-05-01";
  std::string discharge = "2016-05-10";
  std::vector<std::string> diagnoses = {"J18.9"};
  std::string accident;  // empty: element absent
  std::string total = "1100.00", insurance = "1000.00", in_scope = "100.00", out_of_scope = "0.00";
  std::string special_approval;  // empty: element absent
  std::string extra;             // raw XML appended inside <Claim> (schema tests)
};

struct FeedHeader {
  std::string feed_id = "F1";
  std::string hospital = "H0001";
  std::string created_at = "2016-12-31T22:00:00+08:00";
  std::optional<std::string> claim_count;  // default: the number of claims
  std::optional<std::string> control_sum;  // default: the sum of the claims' Total
  std::string encoding = "UTF-8";
};

std::string feed_xml(const FeedHeader& h, const std::vector<FeedClaim>& claims);

// ---- database --------------------------------------------------------------

// H0001 designated, H0002 not designated.
std::vector<Hospital> test_hospitals();

struct TestDb {
  TempDir dir;
  std::unique_ptr<Db> db;
  TestDb() : db(Db::open(dir.file("relief.db"))) { upsert_hospitals(*db, test_hospitals()); }
  std::string path() const { return dir.file("relief.db"); }
};

IngestOptions default_ingest_options();
FeedVerdict ingest_bytes(Db& db, const std::string& bytes, const std::string& label = "feed.xml");
FeedVerdict ingest_path(Db& db, const std::string& path);
// reason of the claim rejection with this ClaimId, or "" if none
std::string rejection_of(const FeedVerdict& v, const std::string& claim_id);
std::int64_t count_rows(Db& db, const std::string& sql);
// A database at DB_PATH with the hospitals and registry of an acceptance case
// (../shared/cases/<name>).
std::unique_ptr<Db> open_with_case_registries(const std::string& db_path, const std::string& case_dir);

}  // namespace relief::test

namespace relief::test {
// One string for a query's text result (empty when NULL): to compare a table before and after.
std::string query_text(Db& db, const std::string& sql);
}  // namespace relief::test

#include "channels/channel.hpp"
#include "src/engine/engine.hpp"

namespace relief::test {
// The project's channels/ folder, loaded once.
const ChannelSet& project_channels();
// The outcome of one channel in a claim's result (fails the test if absent).
const ChannelOutcome& outcome(const ClaimResult& r, const std::string& channel);
std::int64_t paid(const ClaimResult& r, const std::string& channel);
}  // namespace relief::test

namespace relief::test {
// Rewrites a batch's stored results (schema 10: whole in layout-2 blocks) as
// older releases stored them, to check that they are still read alike:
enum class OldResults {
  kRowsTracesInBlocks,         // schema 4 to 9: `results` rows, traces in layout-1 blocks
  kRowsWithPaidTracesInBlocks, // the same, each row with its `paid` (before session 6)
  kRowsWithTraces,             // before schema 4: `paid` and trace in the row, no blocks
};
void store_results_as_before(Db& db, const std::string& batch_id, OldResults how);
}  // namespace relief::test
