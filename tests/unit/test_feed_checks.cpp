// SPEC 3: every feed-level and claim-level code, each with its own fixture
// under tests/fixtures/feeds/, the precedence between them, and the same
// bytes sent again.
#include <boost/test/unit_test.hpp>

#include <sstream>

#include "batch/run.hpp"
#include "channels/channel.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

FeedVerdict ingest_fixture(TestDb& t, const std::string& name) { return ingest_path(*t.db, fixture("feeds/" + name)); }

std::int64_t claims_stored(TestDb& t) { return count_rows(*t.db, "SELECT count(*) FROM claims"); }

std::string detail_of(const FeedVerdict& v, const std::string& claim_id) {
  for (const auto& r : v.rejections)
    if (r.claim_id == claim_id) return r.detail;
  return "";
}

void expect_claim(const FeedVerdict& v, const std::string& claim_id, const std::string& reason,
                  const std::string& element) {
  BOOST_TEST_CONTEXT("claim " << claim_id) {
    BOOST_TEST(rejection_of(v, claim_id) == reason);
    BOOST_TEST(detail_of(v, claim_id).find(element) != std::string::npos, detail_of(v, claim_id));
  }
}

void expect_refused(TestDb& t, const FeedVerdict& v, const std::string& code) {
  BOOST_TEST((v.outcome == FeedOutcome::refused));
  BOOST_TEST(v.code == code);
  BOOST_TEST(!v.detail.empty());
  BOOST_TEST(v.claims_accepted == 0);
  // None of its claims counts, and the refusal is recorded for the next batch.
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM claims WHERE feed_seq = " + std::to_string(v.feed_seq)) == 0);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM rejections WHERE position = 0 AND reason = '" + code + "'") >= 1);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(feed_checks)

BOOST_AUTO_TEST_CASE(valid_feed_is_accepted) {
  TestDb t;
  auto v = ingest_fixture(t, "valid.xml");
  BOOST_TEST((v.outcome == FeedOutcome::accepted));
  BOOST_TEST(v.hospital_code == "H0001");
  BOOST_TEST(v.feed_id == "F-VALID");
  BOOST_TEST(v.claims_total == 2);
  BOOST_TEST(v.claims_accepted == 2);
  BOOST_TEST(v.rejections.empty());
  BOOST_TEST(claims_stored(t) == 2);
  BOOST_TEST(query_text(*t.db, "SELECT patient_name FROM claims WHERE claim_id = 'A1'") == "张三");
  BOOST_TEST(count_rows(*t.db, "SELECT in_scope_fen FROM claims WHERE claim_id = 'A2'") == 60000);
}

BOOST_AUTO_TEST_CASE(schema) {
  TestDb t;
  auto v = ingest_fixture(t, "schema.xml");
  BOOST_TEST((v.outcome == FeedOutcome::accepted));  // the rest of the feed goes on
  expect_claim(v, "S1", "SCHEMA", "Patient");        // Sex missing
  expect_claim(v, "S2", "SCHEMA", "Total");          // 1,100.00
  expect_claim(v, "S3", "SCHEMA", "AdmissionDate");  // 2016-02-30
  expect_claim(v, "S4", "SCHEMA", "Diagnosis");      // XYZ
  expect_claim(v, "S5", "SCHEMA", "Claim");          // an extra element
  BOOST_TEST(rejection_of(v, "OK1") == "");
  BOOST_TEST(v.claims_rejected == 5);
  BOOST_TEST(claims_stored(t) == 1);
}

BOOST_AUTO_TEST_CASE(id_checksum) {
  TestDb t;
  auto v = ingest_fixture(t, "id_checksum.xml");
  BOOST_TEST((v.outcome == FeedOutcome::accepted));
  expect_claim(v, "K1", "ID_CHECKSUM", "Patient/IdNumber");  // wrong check character
  expect_claim(v, "K2", "ID_CHECKSUM", "Patient/IdNumber");  // 17 characters (the XSD does not pattern-check it)
  expect_claim(v, "K3", "ID_CHECKSUM", "Patient/IdNumber");  // a letter inside
  for (const auto& r : v.rejections) BOOST_TEST(r.detail.find("440106198001010018") == std::string::npos);
  BOOST_TEST(claims_stored(t) == 0);
}

BOOST_AUTO_TEST_CASE(id_mismatch) {
  TestDb t;
  auto v = ingest_fixture(t, "id_mismatch.xml");
  expect_claim(v, "M1", "ID_MISMATCH", "BirthDate");
  expect_claim(v, "M2", "ID_MISMATCH", "Sex");
  BOOST_TEST(rejection_of(v, "M3") == "");  // lower-case x, female, all agree
  BOOST_TEST(query_text(*t.db, "SELECT patient_id FROM claims WHERE claim_id = 'M3'") == "11010519491231002X");
}

BOOST_AUTO_TEST_CASE(amounts) {
  TestDb t;
  auto v = ingest_fixture(t, "amounts.xml");
  expect_claim(v, "AM1", "AMOUNTS", "Costs/Total");
  BOOST_TEST(rejection_of(v, "AM2") == "");
  BOOST_TEST(claims_stored(t) == 1);
}

BOOST_AUTO_TEST_CASE(dates) {
  TestDb t;
  auto v = ingest_fixture(t, "dates.xml");
  expect_claim(v, "D1", "DATES", "DischargeDate");  // before admission
  expect_claim(v, "D2", "DATES", "BirthDate");      // born after admission
  expect_claim(v, "D3", "DATES", "CreatedAt");      // discharged after the feed was created
  BOOST_TEST(rejection_of(v, "D4") == "");          // discharged on the CreatedAt date
  BOOST_TEST(rejection_of(v, "D5") == "");          // admitted on the day of birth
  BOOST_TEST(claims_stored(t) == 2);
}

BOOST_AUTO_TEST_CASE(duplicate_within_a_feed) {
  TestDb t;
  auto v = ingest_fixture(t, "duplicate_within_feed.xml");
  BOOST_TEST((v.outcome == FeedOutcome::accepted));
  BOOST_REQUIRE(v.rejections.size() == 2u);
  BOOST_TEST(v.rejections[0].claim_id == "U1");
  BOOST_TEST(v.rejections[0].reason == "DUPLICATE");
  BOOST_TEST(v.rejections[0].position == 2);
  BOOST_TEST(v.rejections[1].claim_id == "U2");
  BOOST_TEST(v.rejections[1].reason == "AMOUNTS");  // a rejected claim does not take its ClaimId...
  BOOST_TEST(count_rows(*t.db, "SELECT position FROM claims WHERE claim_id = 'U2'") == 4);  // ...the next one does
  BOOST_TEST(count_rows(*t.db, "SELECT position FROM claims WHERE claim_id = 'U1'") == 1);
}

BOOST_AUTO_TEST_CASE(duplicate_across_feeds) {
  TestDb t;
  BOOST_TEST((ingest_fixture(t, "valid.xml").outcome == FeedOutcome::accepted));
  auto v = ingest_fixture(t, "duplicate_other_feed.xml");
  BOOST_TEST((v.outcome == FeedOutcome::accepted));
  expect_claim(v, "A1", "DUPLICATE", "A1");
  BOOST_TEST(rejection_of(v, "A3") == "");
  // The first A1 stays, from the first feed.
  BOOST_TEST(query_text(*t.db, "SELECT discharge_date FROM claims WHERE claim_id = 'A1'") == "2016-05-10");
}

BOOST_AUTO_TEST_CASE(duplicate_across_batches) {
  TestDb t;
  BOOST_TEST((ingest_fixture(t, "valid.xml").outcome == FeedOutcome::accepted));
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  RunOptions opt;
  opt.date = "2017-01-02";
  opt.out_dir = t.dir.file("out");
  opt.feed_bytes_max = default_ingest_options().feed_bytes_max;
  std::ostringstream out, err;
  RunResult r = run_batch(*t.db, channels, opt, out, err);
  BOOST_REQUIRE_MESSAGE(!r.batch_id.empty(), err.str());
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM claims c JOIN feeds f ON f.seq = c.feed_seq WHERE f.batch_id IS NULL") == 0);
  auto v = ingest_fixture(t, "duplicate_other_feed.xml");
  expect_claim(v, "A1", "DUPLICATE", "A1");
  BOOST_TEST(rejection_of(v, "A3") == "");
}

BOOST_AUTO_TEST_CASE(malformed) {
  TestDb t;
  auto v = ingest_fixture(t, "malformed.xml");
  expect_refused(t, v, "MALFORMED");
  BOOST_TEST(v.detail.find("line") != std::string::npos, v.detail);
}

BOOST_AUTO_TEST_CASE(unknown_hospital) {
  TestDb t;
  auto v = ingest_fixture(t, "unknown_hospital.xml");
  expect_refused(t, v, "UNKNOWN_HOSPITAL");
  BOOST_TEST(v.hospital_code == "H9999");
  BOOST_TEST(v.detail.find("H9999") != std::string::npos);
  BOOST_TEST(claims_stored(t) == 0);
}

BOOST_AUTO_TEST_CASE(control_count) {
  TestDb t;
  auto v = ingest_fixture(t, "control_count.xml");
  expect_refused(t, v, "CONTROL");
  BOOST_TEST(v.detail.find("ClaimCount") != std::string::npos, v.detail);
  BOOST_TEST(claims_stored(t) == 0);
}

BOOST_AUTO_TEST_CASE(control_sum) {
  TestDb t;
  auto v = ingest_fixture(t, "control_sum.xml");
  expect_refused(t, v, "CONTROL");
  BOOST_TEST(v.detail.find("ControlSum") != std::string::npos, v.detail);
}

BOOST_AUTO_TEST_CASE(control_sum_counts_only_valid_totals) {
  TestDb t;
  // ControlSum 2200.00 counts a Total of "1100.000", which is no valid amount.
  auto v = ingest_fixture(t, "control_sum_invalid_total.xml");
  expect_refused(t, v, "CONTROL");
  BOOST_TEST(v.detail.find("1100.00") != std::string::npos, v.detail);
  // schema.xml's ControlSum leaves out S2's "1,100.00" but keeps the valid
  // Totals of claims rejected for other reasons: accepted.
  BOOST_TEST((ingest_fixture(t, "schema.xml").outcome == FeedOutcome::accepted));
  BOOST_TEST((ingest_fixture(t, "precedence.xml").outcome == FeedOutcome::accepted));
}

BOOST_AUTO_TEST_CASE(refused_feed_may_be_sent_again_corrected) {
  TestDb t;
  expect_refused(t, ingest_fixture(t, "control_count.xml"), "CONTROL");
  FeedHeader h;
  h.feed_id = "F-COUNT";
  FeedClaim c;
  c.claim_id = "N1";
  auto v = ingest_bytes(*t.db, feed_xml(h, {c}));
  BOOST_TEST((v.outcome == FeedOutcome::accepted));
  BOOST_TEST(claims_stored(t) == 1);
}

BOOST_AUTO_TEST_CASE(duplicate_feed) {
  TestDb t;
  BOOST_TEST((ingest_fixture(t, "duplicate_feed_first.xml").outcome == FeedOutcome::accepted));
  auto v = ingest_fixture(t, "duplicate_feed_other_bytes.xml");
  expect_refused(t, v, "DUPLICATE_FEED");
  BOOST_TEST(v.detail.find("F-DF") != std::string::npos);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM claims WHERE claim_id = 'DF2'") == 0);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM claims WHERE claim_id = 'DF1'") == 1);
}

BOOST_AUTO_TEST_CASE(same_bytes_again_is_a_no_op) {
  TestDb t;
  auto first = ingest_fixture(t, "valid.xml");
  BOOST_TEST((first.outcome == FeedOutcome::accepted));
  std::int64_t feeds = count_rows(*t.db, "SELECT count(*) FROM feeds");
  std::int64_t rejections = count_rows(*t.db, "SELECT count(*) FROM rejections");
  auto again = ingest_fixture(t, "valid.xml");
  BOOST_TEST((again.outcome == FeedOutcome::same_bytes));
  BOOST_TEST(again.code.empty());
  BOOST_TEST(again.feed_seq == first.feed_seq);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM feeds") == feeds);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM rejections") == rejections);
  BOOST_TEST(claims_stored(t) == 2);
  // The same bytes under another file name are the same feed.
  std::string copy = t.dir.file("renamed.xml");
  write_file(copy, read_file(fixture("feeds/valid.xml")));
  BOOST_TEST((ingest_path(*t.db, copy).outcome == FeedOutcome::same_bytes));
}

BOOST_AUTO_TEST_CASE(too_large) {
  TestDb t;
  IngestOptions opt = default_ingest_options();
  opt.feed_bytes_max = 2048;
  FeedSource src;
  src.path = fixture("feeds/too_large.xml");
  auto v = ingest_feed(*t.db, src, opt);
  expect_refused(t, v, "TOO_LARGE");
  BOOST_TEST(v.detail.find("2048") != std::string::npos, v.detail);
  // At exactly the limit a feed is accepted; one byte over, refused.
  src.path = fixture("feeds/valid.xml");
  std::int64_t size = static_cast<std::int64_t>(read_file(src.path).size());
  opt.feed_bytes_max = size - 1;
  BOOST_TEST(ingest_feed(*t.db, src, opt).code == "TOO_LARGE");
  opt.feed_bytes_max = size;
  BOOST_TEST((ingest_feed(*t.db, src, opt).outcome == FeedOutcome::accepted));
}

BOOST_AUTO_TEST_CASE(claim_precedence_first_in_the_table_wins) {
  TestDb t;
  auto v = ingest_fixture(t, "precedence.xml");
  BOOST_TEST((v.outcome == FeedOutcome::accepted));
  BOOST_REQUIRE(v.rejections.size() == 5u);
  BOOST_TEST(v.rejections[0].claim_id == "P1");
  BOOST_TEST(v.rejections[0].reason == "SCHEMA");  // and a bad check character
  BOOST_TEST(v.rejections[1].reason == "ID_CHECKSUM");  // and mismatch, amounts, dates
  BOOST_TEST(v.rejections[2].reason == "ID_MISMATCH");  // and amounts, dates
  BOOST_TEST(v.rejections[3].reason == "AMOUNTS");      // and dates
  BOOST_TEST(v.rejections[4].claim_id == "P6");
  BOOST_TEST(v.rejections[4].reason == "DATES");        // and a duplicate ClaimId
}

BOOST_AUTO_TEST_CASE(feed_precedence_first_in_the_table_wins) {
  TestDb t;
  FeedClaim c;
  // MALFORMED before UNKNOWN_HOSPITAL
  FeedHeader unknown;
  unknown.hospital = "H9999";
  std::string xml = feed_xml(unknown, {c});
  xml.insert(xml.find("<ClaimFeed"), "<!DOCTYPE ClaimFeed>\n");
  BOOST_TEST(ingest_bytes(*t.db, xml).code == "MALFORMED");
  // UNKNOWN_HOSPITAL before CONTROL
  unknown.claim_count = "5";
  BOOST_TEST(ingest_bytes(*t.db, feed_xml(unknown, {c})).code == "UNKNOWN_HOSPITAL");
  // CONTROL before DUPLICATE_FEED
  FeedHeader h;
  h.feed_id = "F-P";
  BOOST_TEST((ingest_bytes(*t.db, feed_xml(h, {c})).outcome == FeedOutcome::accepted));
  FeedClaim other = c;
  other.claim_id = "C2";
  h.control_sum = "1.00";
  BOOST_TEST(ingest_bytes(*t.db, feed_xml(h, {other})).code == "CONTROL");
  h.control_sum.reset();
  BOOST_TEST(ingest_bytes(*t.db, feed_xml(h, {other})).code == "DUPLICATE_FEED");
}

BOOST_AUTO_TEST_SUITE_END()
