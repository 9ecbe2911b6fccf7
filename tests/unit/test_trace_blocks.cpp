// Issue 7: traces are stored in zstd blocks. They come back byte for byte
// (cursor, explain look-up, results.jsonl), and a damaged block is an error,
// never a wrong trace.
#include <boost/test/unit_test.hpp>

#include <thread>

#include <nlohmann/json.hpp>

#include <Poco/Data/Session.h>

#include "adapters/registry/registry_csv.hpp"
#include "batch/run.hpp"
#include "src/engine/engine.hpp"
#include "src/store/batch_store.hpp"
#include "src/store/trace_blocks.hpp"
#include "src/util/compress.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;
using namespace Poco::Data::Keywords;

BOOST_AUTO_TEST_SUITE(trace_blocks)

namespace {
std::vector<std::string> sample_traces(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back("{\"government\":{\"amount\":\"" + std::to_string(i * 7919 % 100000) +
                  ".00\",\"rules\":[{\"detail\":\"户口 广州 \\\"quoted\\\"\",\"ok\":true}]}}");
  out.push_back("");  // an empty text is a line too
  return out;
}
std::vector<std::string_view> views(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }
}  // namespace

BOOST_AUTO_TEST_CASE(round_trip) {
  auto traces = sample_traces(kTracesPerBlock - 1);
  TraceBlock b = pack_traces(129, views(traces));
  BOOST_TEST(b.first_position == 129);
  BOOST_TEST(b.results == static_cast<std::int64_t>(kTracesPerBlock));
  BOOST_TEST(b.zstd.size() < static_cast<std::size_t>(b.text_bytes) / 4);
  BOOST_TEST(unpack_traces(b) == traces, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(damage_is_an_error) {
  auto traces = sample_traces(20);
  const TraceBlock good = pack_traces(1, views(traces));
  TraceBlock b = good;
  b.zstd.resize(b.zstd.size() / 2);  // truncated
  BOOST_CHECK_THROW(unpack_traces(b), CompressError);
  b = good;
  b.zstd[b.zstd.size() / 2] = static_cast<char>(b.zstd[b.zstd.size() / 2] ^ 0x55);  // one byte changed
  BOOST_CHECK_THROW(unpack_traces(b), CompressError);
  b = good;
  b.results += 1;  // the row says more traces than the block holds
  BOOST_CHECK_THROW(unpack_traces(b), CompressError);
  b = good;
  b.text_bytes -= 1;
  BOOST_CHECK_THROW(unpack_traces(b), CompressError);
  BOOST_CHECK_THROW(zstd_decompress(zstd_compress(std::string(1000, 'x')), 999), CompressError);  // over the limit
  BOOST_CHECK_THROW(zstd_decompress("not zstd", 1000), CompressError);
}

// zstd_compress reuses a per-thread buffer: small, large, small again (and
// from a second thread) must each give back exactly their input.
BOOST_AUTO_TEST_CASE(compression_round_trips_across_sizes_and_threads) {
  auto text = [](std::size_t n, char seed) {
    std::string t(n, ' ');
    for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<char>('a' + (i * 7 + static_cast<std::size_t>(seed)) % 26);
    return t;
  };
  for (std::size_t n : {0u, 10u, 1u << 20, 10u, 300'000u, 1u}) {
    const std::string in = text(n, static_cast<char>(n % 5));
    BOOST_TEST(zstd_decompress(zstd_compress(in), n) == in, "size " << n);
  }
  std::string other;
  std::thread t([&] { other = zstd_decompress(zstd_compress(text(5000, 3)), 5000); });
  t.join();
  BOOST_TEST(other == text(5000, 3));
}

// results.jsonl and the stored traces escape strings exactly as nlohmann's dump().
BOOST_AUTO_TEST_CASE(json_strings_escape_as_dump_does) {
  std::vector<std::string> cases = {"", "plain", "\"", "\\", "a\"b\\c", "户口 广州 䶮", "tab\there", "\n\r\b\f"};
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls += static_cast<char>(c);
  cases.push_back(all_controls + "end");
  std::uint32_t x = 12345;
  for (int n = 0; n < 200; ++n) {  // random mixes of the characters that matter
    std::string s;
    for (int k = 0; k < 30; ++k) {
      x = x * 1103515245u + 12345u;
      const char* pick[] = {"a", "\"", "\\", "\x01", "\x1f", " ", "中", "\n", "/", "\x7f"};
      s += pick[(x >> 16) % 10];
    }
    cases.push_back(s);
  }
  // Each character that matters at every place of a 40-byte run: before, on and
  // after the 16-byte steps of the vector scan, and in its byte-by-byte tail.
  for (const char* special : {"\"", "\\", "\x01", "\x1f", "\n"})
    for (std::size_t at = 0; at <= 40; ++at) {
      std::string s(40, 'x');
      s.insert(at, special);
      cases.push_back(s);
      cases.push_back(s + s);  // two of them
    }
  for (const auto& c : cases) {
    std::string got;
    append_json_string(got, c);
    BOOST_TEST(got == nlohmann::json(c).dump());
  }
}

namespace {
std::vector<ResultRow> sample_rows(std::int64_t first_position, const std::vector<std::string>& traces) {
  std::vector<ResultRow> rows;
  for (std::size_t k = 0; k < traces.size(); ++k) {
    ResultRow r;
    r.position = first_position + static_cast<std::int64_t>(k);
    r.hospital_code = "GZ" + std::to_string(1000 + k % 7);
    r.claim_id = "C-" + std::to_string(k) + " 二";
    r.feed_id = k % 2 ? "F1" : "";  // an empty field is kept
    r.patient_id = "44010619900101" + std::to_string(1000 + k);
    r.discharge_date = "2026-11-2" + std::to_string(k % 10);
    r.burden_fen = static_cast<std::int64_t>(k) * 123457 - 5;  // -5 too: the block does not judge
    r.total_paid_fen = static_cast<std::int64_t>(k) * 99991;
    r.trace = traces[k];
    rows.push_back(r);
  }
  return rows;
}
std::vector<std::string_view> trace_views(const std::vector<ResultRow>& rows) {
  std::vector<std::string_view> out;
  for (const auto& r : rows) out.emplace_back(r.trace);
  return out;
}
bool same(const ResultRow& a, const ResultRow& b) {
  return a.position == b.position && a.hospital_code == b.hospital_code && a.claim_id == b.claim_id &&
         a.feed_id == b.feed_id && a.patient_id == b.patient_id && a.discharge_date == b.discharge_date &&
         a.burden_fen == b.burden_fen && a.total_paid_fen == b.total_paid_fen && a.trace == b.trace;
}
}  // namespace

BOOST_AUTO_TEST_CASE(whole_results_round_trip) {
  const auto rows = sample_rows(4097, sample_traces(kTracesPerBlock - 1));
  const TraceBlock b = pack_results(rows, trace_views(rows));
  BOOST_TEST(b.layout == kBlockLayoutResults);
  BOOST_TEST(b.first_position == 4097);
  BOOST_TEST(b.results == static_cast<std::int64_t>(kTracesPerBlock));
  const auto back = unpack_results(b);
  BOOST_REQUIRE(back.size() == rows.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    BOOST_TEST(same(back[k], rows[k]), "result " << k);
    BOOST_TEST(back[k].paid.empty());
  }
  // Each layout is read as itself only.
  BOOST_CHECK_THROW(unpack_traces(b), CompressError);
  std::vector<std::string> traces = sample_traces(3);
  BOOST_CHECK_THROW(unpack_results(pack_traces(1, views(traces))), CompressError);
}

BOOST_AUTO_TEST_CASE(whole_results_refuse_what_they_cannot_hold_and_damage) {
  auto rows = sample_rows(1, sample_traces(5));
  for (int which = 0; which < 3; ++which) {
    for (const char* bad : {"\x1f", "\n"}) {
      auto copy = rows;
      std::string& f = which == 0 ? copy[2].claim_id : which == 1 ? copy[2].feed_id : copy[2].hospital_code;
      f += bad;
      BOOST_CHECK_THROW(pack_results(copy, trace_views(copy)), CompressError);
    }
  }
  auto with_newline = rows;
  with_newline[1].trace = "{}\n{}";
  BOOST_CHECK_THROW(pack_results(with_newline, trace_views(with_newline)), CompressError);

  const TraceBlock good = pack_results(rows, trace_views(rows));
  TraceBlock b = good;
  b.results += 1;
  BOOST_CHECK_THROW(unpack_results(b), CompressError);
  b = good;
  b.results -= 1;
  BOOST_CHECK_THROW(unpack_results(b), CompressError);
  b = good;
  b.zstd.resize(b.zstd.size() - 3);
  BOOST_CHECK_THROW(unpack_results(b), CompressError);
  // A line that lost a field, or a number that is not one: repacked text.
  for (const std::string& text : {std::string("GZ1\x1f" "C1\x1f" "F\x1f" "P\x1f" "2026-01-01\x1f" "5\x1f" "{}\n"),
                                  std::string("GZ1\x1f" "C1\x1f" "F\x1f" "P\x1f" "2026-01-01\x1f" "5x\x1f" "1\x1f" "{}\n")}) {
    TraceBlock t;
    t.first_position = 1;
    t.results = 1;
    t.layout = kBlockLayoutResults;
    t.text_bytes = static_cast<std::int64_t>(text.size());
    t.zstd = zstd_compress(text);
    BOOST_CHECK_THROW(unpack_results(t), CompressError);
  }
}

// The generated acceptance case's first batch: ~180 results in several blocks.
BOOST_AUTO_TEST_CASE(batch_traces_come_back_byte_for_byte) {
  const std::string dir = std::string(RELIEF_SHARED_DIR) + "/cases/generated-1001";
  BOOST_REQUIRE(fs::exists(dir + "/batch-1"));
  TempDir tmp;
  auto db = open_with_case_registries(tmp.file("relief.db"), dir);
  for (const auto& e : fs::directory_iterator(dir + "/batch-1")) ingest_path(*db, e.path().string());
  RunOptions opt;
  opt.date = "2026-11-29";
  opt.out_dir = tmp.file("out");
  std::ostringstream out, err;
  RunResult r = run_batch(*db, ChannelSet::load(RELIEF_SOURCE_DIR "/channels"), opt, out, err);
  BOOST_REQUIRE(!r.batch_id.empty());

  auto results = load_results(*db, r.batch_id);
  BOOST_REQUIRE(results.size() > 2 * kTracesPerBlock);
  Poco::Int64 in_rows = -1, blocks = 0, in_blocks = 0;
  std::string b = r.batch_id;
  db->session() << "SELECT count(*) FROM results", into(in_rows), now;
  db->session() << "SELECT count(*), sum(results) FROM result_traces WHERE batch_id = ?", use(b), into(blocks),
      into(in_blocks), now;
  BOOST_TEST(in_rows == 0);
  BOOST_TEST(in_blocks == static_cast<Poco::Int64>(results.size()));
  BOOST_TEST(blocks >= static_cast<Poco::Int64>(results.size() / kTracesPerBlock));

  std::istringstream jsonl(read_file(opt.out_dir + "/" + r.batch_id + "/results.jsonl"));
  std::string line;
  std::size_t k = 0;
  for (; std::getline(jsonl, line); ++k) {
    BOOST_REQUIRE(k < results.size());
    const ResultRow& row = results[k];
    auto trace = nlohmann::json::parse(row.trace);
    BOOST_TEST(trace.size() == 4u);
    BOOST_TEST(nlohmann::json::parse(line).at("trace").dump() == row.trace);
    if (k % 97 == 0 || k + 1 == results.size()) {
      auto found = find_result(*db, row.hospital_code, row.claim_id);
      BOOST_REQUIRE(found.has_value());
      BOOST_TEST(found->first == r.batch_id);
      BOOST_TEST(same(found->second, row));
    }
  }
  BOOST_TEST(k == results.size());
  BOOST_TEST(!find_result(*db, results[0].hospital_code, results[0].claim_id + "x").has_value());

  // Results stored as before schema 10 are found alike.
  for (OldResults how : {OldResults::kRowsTracesInBlocks, OldResults::kRowsWithTraces,
                         OldResults::kRowsTracesInBlocks}) {
    store_results_as_before(*db, r.batch_id, how);
    for (std::size_t j = 0; j < results.size(); j += 41) {
      auto found = find_result(*db, results[j].hospital_code, results[j].claim_id);
      BOOST_REQUIRE(found.has_value());
      BOOST_TEST(same(found->second, results[j]), "result " << j);
    }
  }

  // A damaged block: the look-up fails loudly.
  db->session() << "UPDATE result_traces SET zstd = substr(zstd, 1, 10) WHERE batch_id = ? AND first_position = 1",
      use(b), now;
  BOOST_CHECK_THROW(find_result(*db, results[0].hospital_code, results[0].claim_id), CompressError);
  BOOST_CHECK_THROW(load_results(*db, r.batch_id), CompressError);
}

BOOST_AUTO_TEST_SUITE_END()
