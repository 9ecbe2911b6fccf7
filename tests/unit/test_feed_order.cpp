// Issue 7: a feed held whole stores its accepted claims in processing order,
// in consecutive rows from feeds.first_claim_row; a feed stored in document
// order (too big to hold, or held 0) has none. Either way the verdicts, the
// claims accepted, their columns and the rejections (their order included)
// are the same.
#include <boost/test/unit_test.hpp>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <sstream>

#include "batch/outputs.hpp"
#include "batch/run.hpp"
#include "src/intake/ingest.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

FeedClaim claim(const std::string& id, const std::string& admission, const std::string& discharge) {
  FeedClaim c;
  c.claim_id = id;
  c.admission = admission;
  c.discharge = discharge;
  return c;
}

// Three feeds of one hospital, claims out of processing order: within a
// feed, a ClaimId twice (its second claim earlier in processing order), a
// claim refused by SPEC 3's checks, claims on the same days told apart by
// admission and ClaimId; the second feed repeats a ClaimId of the first
// (a DUPLICATE found by the insert, after a later claim's rejection).
std::vector<std::string> feed_files(TempDir& dir) {
  std::vector<FeedClaim> a = {claim("A9", "2016-05-03", "2016-05-20"), claim("A1", "2016-05-02", "2016-05-10"),
                              claim("A5", "2016-05-01", "2016-05-10"), claim("A10", "2016-05-01", "2016-05-10"),
                              claim("A2", "2016-05-04", "2016-05-09"), claim("A5", "2016-04-01", "2016-04-02"),
                              claim("A7", "2016-05-01", "2016-05-15")};
  a[6].id_number = "440106198001010010";  // wrong check character: ID_CHECKSUM
  std::vector<FeedClaim> b = {claim("B3", "2016-06-01", "2016-06-03"), claim("A1", "2016-01-01", "2016-01-02"),
                              claim("B1", "2016-06-01", "2016-06-02"), claim("B2", "2016-05-30", "2016-06-03")};
  b[3].id_number = "440106198001010010";  // after the DUPLICATE in the document, found before it
  std::vector<FeedClaim> c;
  for (int i = 0; i < 12; ++i) {
    const std::string day = std::to_string(10 + (i * 7) % 12);
    c.push_back(claim("C" + std::to_string(i), "2016-07-0" + std::to_string(1 + i % 9), "2016-07-" + day));
  }
  std::vector<std::string> paths;
  int n = 0;
  for (const auto& [id, claims] : std::vector<std::pair<std::string, std::vector<FeedClaim>>>{
           {"F-A", a}, {"F-B", b}, {"F-C", c}}) {
    FeedHeader h;
    h.feed_id = id;
    paths.push_back(dir.file("feed-" + std::to_string(n++) + ".xml"));
    write_file(paths.back(), feed_xml(h, claims));
  }
  return paths;
}

// What must not depend on the storage order.
struct Stored {
  std::string verdicts, feeds, claims, rejections;
};

std::string rows_text(Db& db, const std::string& sql) {
  Poco::Data::Statement st(db.session());
  st << sql;
  st.execute();
  Poco::Data::RecordSet rs(st);
  std::ostringstream s;
  for (std::size_t row = 0; row < rs.rowCount(); ++row) {
    for (std::size_t col = 0; col < rs.columnCount(); ++col) {
      auto value = rs.value(col, row);
      s << (value.isEmpty() ? std::string("NULL") : value.convert<std::string>()) << '|';
    }
    s << '\n';
  }
  return s.str();
}

Stored ingest_all(Db& db, const std::vector<std::string>& paths, std::size_t held_max) {
  IngestOptions opt = default_ingest_options();
  opt.feed_items_held_max = held_max;
  Stored out;
  for (const auto& p : paths) {
    FeedVerdict v = ingest_feed(db, FeedSource{p, nullptr}, opt);
    out.verdicts += outcome_name(v.outcome) + " " + v.code + " " + std::to_string(v.claims_accepted) + "/" +
                    std::to_string(v.claims_rejected) + "\n";
    for (const auto& r : v.rejections) out.verdicts += "  " + std::to_string(r.position) + " " + r.claim_id + " " + r.reason + "\n";
  }
  out.feeds = rows_text(db, "SELECT seq, hospital_code, feed_id, verdict, detail, claims_total, claims_accepted,"
                            " claims_rejected FROM feeds ORDER BY seq");
  // Every column but the row id, in a fixed order.
  out.claims = rows_text(db, "SELECT hospital_code, claim_id, feed_seq, position, patient_id, patient_name, birth_date,"
                             " sex, visit_type, admission_date, discharge_date, diagnoses, accident, total_fen,"
                             " insurance_fen, in_scope_fen, out_of_scope_fen, special_approval FROM claims"
                             " ORDER BY hospital_code, claim_id");
  out.rejections = rows_text(db, "SELECT * FROM rejections ORDER BY seq");
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(feed_order)

BOOST_AUTO_TEST_CASE(held_feeds_are_stored_in_processing_order_with_the_same_outcome) {
  TempDir dir;
  const auto paths = feed_files(dir);
  TestDb held, document, mixed;
  const Stored h = ingest_all(*held.db, paths, limits::feed_items_held_for_order_max);
  const Stored d = ingest_all(*document.db, paths, 0);
  const Stored m = ingest_all(*mixed.db, paths, 8);  // F-C (12 claims) is too big to hold

  // A5 twice: the first in the document is accepted, the second a DUPLICATE;
  // A1 again in F-B: a DUPLICATE; A7: ID_CHECKSUM.
  BOOST_TEST(h.verdicts.find("6 A5 DUPLICATE") != std::string::npos, h.verdicts);
  BOOST_TEST(h.verdicts.find("2 A1 DUPLICATE\n  4 B2 ID_CHECKSUM") != std::string::npos, h.verdicts);
  BOOST_TEST(h.verdicts.find("7 A7 ID_CHECKSUM") != std::string::npos, h.verdicts);
  BOOST_TEST(count_rows(*held.db, "SELECT count(*) FROM claims WHERE claim_id = 'A5' AND position = 3") == 1);
  for (const Stored* other : {&d, &m}) {
    BOOST_TEST(other->verdicts == h.verdicts);
    BOOST_TEST(other->feeds == h.feeds);
    BOOST_TEST(other->claims == h.claims);
    BOOST_TEST(other->rejections == h.rejections);
  }

  // Held: each feed's claims in consecutive rows from first_claim_row, in
  // processing order, and nothing else in those rows.
  const std::string order = " ORDER BY discharge_date, admission_date, hospital_code, claim_id";
  BOOST_TEST(count_rows(*held.db, "SELECT count(*) FROM feeds WHERE first_claim_row IS NULL") == 0);
  for (std::int64_t seq = 1; seq <= 3; ++seq) {
    const std::string f = std::to_string(seq);
    const std::string range =
        "(SELECT first_claim_row FROM feeds WHERE seq = " + f + ") AND (SELECT first_claim_row + claims_accepted - 1"
        " FROM feeds WHERE seq = " + f + ")";
    const std::string by_row = rows_text(*held.db, "SELECT claim_id, feed_seq FROM claims WHERE rowid BETWEEN " +
                                                       range + " ORDER BY rowid");
    BOOST_TEST(by_row == rows_text(*held.db, "SELECT claim_id, feed_seq FROM claims WHERE feed_seq = " + f + order),
               "feed " << f);
  }
  // Document order: none; mixed: the feeds held only.
  BOOST_TEST(count_rows(*document.db, "SELECT count(*) FROM feeds WHERE first_claim_row IS NOT NULL") == 0);
  BOOST_TEST(rows_text(*mixed.db, "SELECT feed_id FROM feeds WHERE first_claim_row IS NULL") == "F-C|\n");
  BOOST_TEST(rows_text(*document.db, "SELECT claim_id FROM claims WHERE feed_seq = 1 ORDER BY rowid") ==
             "A9|\nA1|\nA5|\nA10|\nA2|\n");
  BOOST_TEST(rows_text(*held.db, "SELECT claim_id FROM claims WHERE feed_seq = 1 ORDER BY rowid") ==
             "A2|\nA10|\nA5|\nA1|\nA9|\n");
}

// A held feed whose first 40 claims in processing order were all accepted
// from an earlier feed, then 60 new ones: the same verdicts, rows and
// rejections as in document order, and its claims still in consecutive rows.
BOOST_AUTO_TEST_CASE(claims_stored_many_to_a_statement_keep_their_duplicates_apart) {
  TempDir dir;
  std::vector<FeedClaim> d, e;
  for (int i = 0; i < 40; ++i)
    d.push_back(claim("D" + std::to_string(i), "2016-03-01", "2016-03-" + std::to_string(10 + i % 19)));
  for (int i = 0; i < 60; ++i)
    e.push_back(claim("E" + std::to_string(i), "2016-02-01", "2016-02-" + std::to_string(10 + (i * 7) % 19)));
  for (int i = 0; i < 40; ++i)  // D0-D39 again, earliest of all: the first 32 sort first
    e.insert(e.begin() + i * 2, claim("D" + std::to_string(i), "2016-01-01", "2016-01-" + std::to_string(10 + i % 19)));
  std::vector<std::string> paths;
  for (const auto& [id, claims] : std::vector<std::pair<std::string, std::vector<FeedClaim>>>{{"F-D", d}, {"F-E", e}}) {
    FeedHeader h;
    h.feed_id = id;
    paths.push_back(dir.file(id + ".xml"));
    write_file(paths.back(), feed_xml(h, claims));
  }
  TestDb held, document;
  const Stored h = ingest_all(*held.db, paths, limits::feed_items_held_for_order_max);
  const Stored doc = ingest_all(*document.db, paths, 0);
  BOOST_TEST(h.verdicts == doc.verdicts);
  BOOST_TEST(h.feeds == doc.feeds);
  BOOST_TEST(h.claims == doc.claims);
  BOOST_TEST(h.rejections == doc.rejections);
  BOOST_TEST(count_rows(*held.db, "SELECT claims_accepted FROM feeds WHERE feed_id = 'F-E'") == 60);
  BOOST_TEST(count_rows(*held.db, "SELECT count(*) FROM rejections WHERE reason = 'DUPLICATE' AND feed_id = 'F-E'") == 40);
  // F-E's 60 claims in consecutive rows from its first_claim_row, in processing order.
  const std::string by_row = rows_text(*held.db,
                                       "SELECT claim_id FROM claims WHERE rowid BETWEEN (SELECT first_claim_row FROM"
                                       " feeds WHERE seq = 2) AND (SELECT first_claim_row + claims_accepted - 1 FROM"
                                       " feeds WHERE seq = 2) ORDER BY rowid");
  BOOST_TEST(by_row == rows_text(*held.db, "SELECT claim_id FROM claims WHERE feed_seq = 2 ORDER BY discharge_date,"
                                           " admission_date, hospital_code, claim_id"));
  BOOST_TEST(count_rows(*held.db, "SELECT count(*) FROM claims WHERE feed_seq = 2") == 60);
}

BOOST_AUTO_TEST_CASE(a_batch_refuses_feed_rows_that_are_not_what_the_feed_says) {
  TempDir dir;
  const auto paths = feed_files(dir);
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  // One row off: the range starts inside the feed and ends in the next one;
  // one claim fewer: the range misses one; rows reordered: out of order.
  for (const std::string tamper : {"UPDATE feeds SET first_claim_row = first_claim_row + 1 WHERE seq = 1",
                                   "UPDATE feeds SET claims_accepted = claims_accepted + 1 WHERE seq = 3",
                                   "UPDATE claims SET discharge_date = '2016-12-31' WHERE claim_id = 'A2'"}) {
    TestDb t;
    ingest_all(*t.db, paths, limits::feed_items_held_for_order_max);
    t.db->session() << tamper, Poco::Data::Keywords::now;
    RunOptions opt;
    opt.date = "2017-01-02";
    opt.out_dir = dir.file("out");
    std::ostringstream out, err;
    // Found by the merge (DbError) or, for a range that overlaps the next
    // feed's, before it starts (where the results are recorded: logic_error).
    if (tamper.find("first_claim_row") != std::string::npos)
      BOOST_CHECK_THROW(run_batch(*t.db, channels, opt, out, err), std::logic_error);
    else
      BOOST_CHECK_THROW(run_batch(*t.db, channels, opt, out, err), DbError);
    BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM batches") == 0, tamper);
    // Sorted by SQLite instead: claims out of order are fine then, but a
    // range that is not the feed's rows still fails (where the results of
    // the feed's claims are recorded, feed_results), and commits nothing.
    opt.merged_feeds_max = 0;
    if (tamper.find("discharge_date") != std::string::npos) {
      BOOST_TEST(!run_batch(*t.db, channels, opt, out, err).batch_id.empty(), tamper);
    } else {
      BOOST_CHECK_THROW(run_batch(*t.db, channels, opt, out, err), std::logic_error);
      BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM batches") == 0, tamper);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_results_paid_object_is_rebuilt_from_the_payments) {
  // The generated acceptance case's first batch: it pays on every channel.
  const std::string case_dir = std::string(RELIEF_SHARED_DIR) + "/cases/generated-1001";
  TempDir dir;
  struct {
    std::unique_ptr<Db> db;
  } t{open_with_case_registries(dir.file("relief.db"), case_dir)};
  std::vector<std::string> paths;
  for (const auto& e : std::filesystem::directory_iterator(case_dir + "/batch-1")) paths.push_back(e.path().string());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) ingest_feed(*t.db, FeedSource{path, nullptr}, default_ingest_options());
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  RunOptions opt;
  opt.date = "2017-01-02";
  opt.out_dir = dir.file("out");
  std::ostringstream out, err;
  const RunResult r = run_batch(*t.db, channels, opt, out, err);
  BOOST_REQUIRE(!r.batch_id.empty());
  BOOST_REQUIRE(count_rows(*t.db, "SELECT count(DISTINCT channel) FROM payments") > 1);
  // Stored whole in layout-2 blocks, without `paid`: the run's results.jsonl
  // and the export agree (the export rebuilds `paid` from the payments).
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM results") == 0);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM result_traces WHERE layout = 2") > 1);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM result_traces WHERE layout <> 2") == 0);
  const auto files = render_batch_files(*t.db, r.batch_id);
  BOOST_TEST(files.at("results.jsonl") == read_file(opt.out_dir + "/" + r.batch_id + "/results.jsonl"));
  // A payment whose result is not there is an error, not a silent 0.00.
  const std::string first_payment = "(SELECT min(rowid) FROM payments)";
  const std::int64_t was = count_rows(*t.db, "SELECT result_position FROM payments WHERE rowid = " + first_payment);
  t.db->session() << "UPDATE payments SET result_position = 0 WHERE rowid = " + first_payment, Poco::Data::Keywords::now;
  BOOST_CHECK_THROW(render_batch_files(*t.db, r.batch_id), DbError);
  t.db->session() << "UPDATE payments SET result_position = " + std::to_string(was) + " WHERE rowid = " + first_payment,
      Poco::Data::Keywords::now;
  // Results stored as before schema 10 (rows, with or without `paid`; traces
  // in blocks or in the rows) are read as they are.
  const std::int64_t results = count_rows(*t.db, "SELECT sum(results) FROM result_traces");
  for (OldResults how : {OldResults::kRowsTracesInBlocks, OldResults::kRowsWithPaidTracesInBlocks,
                         OldResults::kRowsWithTraces}) {
    store_results_as_before(*t.db, r.batch_id, how);
    BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM results") == results);
    BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM results WHERE paid = ''") ==
               (how == OldResults::kRowsTracesInBlocks ? results : 0));
    BOOST_TEST((render_batch_files(*t.db, r.batch_id) == files));
  }
  // The same tampered payment, for rows stored without `paid`.
  store_results_as_before(*t.db, r.batch_id, OldResults::kRowsTracesInBlocks);
  t.db->session() << "UPDATE payments SET result_position = 0 WHERE rowid = " + first_payment, Poco::Data::Keywords::now;
  BOOST_CHECK_THROW(render_batch_files(*t.db, r.batch_id), DbError);
}

BOOST_AUTO_TEST_SUITE_END()
