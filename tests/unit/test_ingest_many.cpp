// ingest_feeds: many feeds with one feed of look-ahead give exactly the
// verdicts and the rows (feeds, claims, rejections) of one ingest_feed after
// the other on a fresh database, and report each verdict after its commit.
#include <boost/test/unit_test.hpp>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <map>
#include <sstream>

#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

FeedClaim claim(const std::string& id) {
  FeedClaim c;
  c.claim_id = id;
  return c;
}

std::vector<FeedClaim> claims(const std::string& prefix, int n, int bad_every = 0) {
  std::vector<FeedClaim> v;
  for (int i = 1; i <= n; ++i) {
    v.push_back(claim(prefix + std::to_string(i)));
    if (bad_every > 0 && i % bad_every == 0) v.back().id_number = "440106198001010010";  // wrong check character
  }
  return v;
}

FeedHeader header(const std::string& feed_id, const std::string& hospital = "H0001") {
  FeedHeader h;
  h.feed_id = feed_id;
  h.hospital = hospital;
  return h;
}

// The feeds of one call, as files in a folder, and what each must come to.
struct Feeds {
  TempDir dir;
  std::vector<FeedSource> sources;
  std::vector<std::string> expected;  // outcome, and the code when there is one

  void add(const std::string& name, const std::string& bytes, const std::string& expect) {
    if (!std::filesystem::exists(dir.file(name))) write_file(dir.file(name), bytes);
    sources.push_back(FeedSource{dir.file(name), nullptr});
    expected.push_back(expect);
  }
};

void build(Feeds& f) {
  std::string a = feed_xml(header("F-A"), claims("A", 3, 3));
  std::string big = feed_xml(header("F-BIG"), claims("G", 4'500, 7));
  std::string doctype = feed_xml(header("F-D"), claims("D", 2));
  doctype.insert(doctype.find("?>") + 2, "\n<!DOCTYPE x [<!ENTITY e \"e\">]>");
  std::string cut = feed_xml(header("F-CUT"), claims("K", 1'200));
  cut.resize(cut.size() * 3 / 4);  // not well-formed after ~900 claims
  std::vector<FeedClaim> b = {claim("B1"), claim("A1"), claim("B2")};  // A1: accepted from F-A before

  f.add("a.xml", a, "accepted");
  f.add("doctype.xml", doctype, "refused MALFORMED");                  // refused by the guard
  f.add("a-copy.xml", a, "same_bytes");                               // the same bytes, another name
  f.add("b.xml", feed_xml(header("F-B"), b), "accepted");             // A1 is a DUPLICATE claim
  f.add("a-other.xml", feed_xml(header("F-A"), claims("X", 2)), "refused DUPLICATE_FEED");
  f.add("unknown.xml", feed_xml(header("F-U", "H9999"), claims("U", 2)), "refused UNKNOWN_HOSPITAL");
  FeedHeader wrong_count = header("F-C");
  wrong_count.claim_count = "5";
  f.add("control.xml", feed_xml(wrong_count, claims("C", 2)), "refused CONTROL");
  f.add("big.xml", big, "accepted");                                  // more than a message and a flush
  f.add("cut.xml", cut, "refused MALFORMED");                         // refused by the parser, claims read
  f.add("doctype.xml", doctype, "refused MALFORMED");                 // refused whole: judged afresh
  f.add("empty.xml", "", "refused MALFORMED");
  f.add("h2.xml", feed_xml(header("F-H2", "H0002"), claims("H", 3)), "accepted");
  f.add("big-copy.xml", big, "same_bytes");                           // look-ahead stopped at once
  f.add("b.xml", feed_xml(header("F-B"), b), "same_bytes");
}

std::string expectation(const FeedVerdict& v) {
  return outcome_name(v.outcome) + (v.code.empty() ? "" : " " + v.code);
}

std::string rejection_text(const RejectionRecord& r) {
  std::ostringstream s;
  s << r.feed_seq << '|' << r.position << '|' << r.hospital_code << '|' << r.feed_id << '|' << r.claim_id << '|'
    << r.reason << '|' << r.detail << '|' << r.batch_id.value_or("-");
  return s.str();
}

// Every field of a verdict but the wall-clock time it was received.
std::string verdict_text(const FeedVerdict& v) {
  std::ostringstream s;
  s << v.source << '|' << outcome_name(v.outcome) << '|' << v.code << '|' << v.detail << '|' << v.hospital_code << '|'
    << v.feed_id << '|' << v.sha256 << '|' << v.bytes << '|' << v.feed_seq << '|' << v.claims_total << '|'
    << v.claims_accepted << '|' << v.claims_rejected << '|' << v.stored << '\n';
  for (const auto& r : v.rejections) s << "  " << rejection_text(r) << '\n';
  return s.str();
}

// A table's rows in insertion order, every column but received_at.
std::string table_text(Db& db, const std::string& table) {
  Poco::Data::Statement st(db.session());
  st << "SELECT * FROM " + table + " ORDER BY rowid";
  st.execute();
  Poco::Data::RecordSet rs(st);
  std::ostringstream s;
  for (std::size_t row = 0; row < rs.rowCount(); ++row) {
    for (std::size_t col = 0; col < rs.columnCount(); ++col) {
      if (rs.columnName(col) == "received_at") continue;
      auto value = rs.value(col, row);
      s << (value.isEmpty() ? std::string("NULL") : value.convert<std::string>()) << '|';
    }
    s << '\n';
  }
  return s.str();
}

std::string tables_text(Db& db) {
  return "feeds:\n" + table_text(db, "feeds") + "claims:\n" + table_text(db, "claims") + "rejections:\n" +
         table_text(db, "rejections");
}

std::int64_t rows_now(Db& db) {
  return count_rows(db, "SELECT (SELECT count(*) FROM feeds) + (SELECT count(*) FROM claims) +"
                        " (SELECT count(*) FROM rejections)");
}

// Sequential ingest_feed calls and one ingest_feeds call, each on a fresh database.
// `changed`: the feeds whose verdict these options change (index -> outcome and code).
void expect_same_as_sequential(const IngestOptions& opt, const std::map<std::size_t, std::string>& changed = {}) {
  Feeds f;
  build(f);
  std::vector<std::string> expected = f.expected;
  for (const auto& [index, expect] : changed) expected.at(index) = expect;

  TestDb seq_db;
  std::vector<FeedVerdict> seq;
  std::vector<std::int64_t> rows_after;  // rows in the three tables after each feed
  for (const auto& src : f.sources) {
    seq.push_back(ingest_feed(*seq_db.db, src, opt));
    rows_after.push_back(rows_now(*seq_db.db));
  }

  TestDb many_db;
  std::vector<FeedVerdict> many;
  ingest_feeds(*many_db.db, f.sources, opt, [&](const FeedVerdict& v, std::size_t index) {
    BOOST_TEST_CONTEXT("feed #" << index << " " << v.source) {
      BOOST_REQUIRE(index == many.size());  // in order, each once
      // Called after this feed's commit and before the next feed wrote anything.
      BOOST_TEST(rows_now(*many_db.db) == rows_after[index]);
    }
    many.push_back(v);
  });

  BOOST_REQUIRE(seq.size() == f.sources.size());
  BOOST_REQUIRE(many.size() == f.sources.size());
  for (std::size_t i = 0; i < seq.size(); ++i) {
    BOOST_TEST_CONTEXT("feed #" << i << " " << f.sources[i].path) {
      BOOST_TEST(expectation(seq[i]) == expected[i]);
      BOOST_TEST(verdict_text(many[i]) == verdict_text(seq[i]));
    }
  }
  BOOST_TEST(tables_text(*many_db.db) == tables_text(*seq_db.db));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ingest_many)

BOOST_AUTO_TEST_CASE(look_ahead_gives_the_verdicts_and_rows_of_sequential_calls) {
  expect_same_as_sequential(default_ingest_options());
}

BOOST_AUTO_TEST_CASE(inbox_options_same_as_sequential) {
  // The inbox's option: the same refused file again is shown, not refused twice.
  IngestOptions opt = default_ingest_options();
  opt.skip_unreported_refusal_of_same_source = true;
  expect_same_as_sequential(opt, {{9, "same_bytes MALFORMED"}});
}

BOOST_AUTO_TEST_CASE(upload_options_same_as_sequential) {
  // The upload API's option: another hospital's feed stores nothing.
  IngestOptions opt = default_ingest_options();
  opt.expected_hospital = "H0001";
  expect_same_as_sequential(opt, {{5, "refused HOSPITAL_MISMATCH"}, {11, "refused HOSPITAL_MISMATCH"}});
}

BOOST_AUTO_TEST_CASE(the_details_of_the_sequence) {
  TestDb t;
  Feeds f;
  build(f);
  std::vector<FeedVerdict> v;
  ingest_feeds(*t.db, f.sources, default_ingest_options(), [&](const FeedVerdict& x, std::size_t) { v.push_back(x); });
  BOOST_REQUIRE(v.size() == f.sources.size());
  // A DUPLICATE claim across feeds of one call.
  BOOST_TEST(rejection_of(v[3], "A1") == "DUPLICATE");
  BOOST_TEST(v[3].claims_accepted == 2);
  // The same bytes point at the first verdict; the big feed's rejections are all listed.
  BOOST_TEST(v[2].feed_seq == v[0].feed_seq);
  BOOST_TEST(v[12].feed_seq == v[7].feed_seq);
  BOOST_TEST(v[7].claims_accepted == 4'500 - 4'500 / 7);
  BOOST_TEST(v[7].rejections.size() == std::size_t{4'500 / 7});
  // A refused feed leaves no claim; feed numbers follow the order of the call.
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM claims WHERE feed_seq = " + std::to_string(v[8].feed_seq)) == 0);
  BOOST_TEST(v[9].feed_seq > v[1].feed_seq);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM claims") == 2 + 2 + v[7].claims_accepted + 3);
}

BOOST_AUTO_TEST_CASE(no_feeds_no_call) {
  TestDb t;
  int calls = 0;
  ingest_feeds(*t.db, {}, default_ingest_options(), [&](const FeedVerdict&, std::size_t) { ++calls; });
  BOOST_TEST(calls == 0);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM feeds") == 0);
}

BOOST_AUTO_TEST_CASE(a_throwing_callback_ends_the_call_with_the_look_ahead_unwritten) {
  TestDb t;
  Feeds f;
  build(f);
  BOOST_CHECK_THROW(ingest_feeds(*t.db, f.sources, default_ingest_options(),
                                 [&](const FeedVerdict&, std::size_t index) {
                                   if (index == 6) throw std::runtime_error("stop here");
                                 }),
                    std::runtime_error);
  // Feeds 0..6 stored (one same_bytes), the read-ahead big feed nothing.
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM feeds") == 6);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM feeds WHERE feed_id = 'F-BIG'") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
