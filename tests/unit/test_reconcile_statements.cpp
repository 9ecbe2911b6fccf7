// Statement readers: camt.053 001.02 to 001.10 and CSV (SPEC 6).
#include <boost/test/unit_test.hpp>

#include "adapters/statements/statement.hpp"
#include "reconcile_fixture.hpp"

using namespace relief;
using relief::test::Booking;
using relief::test::camt053;

namespace {

StatementParse parse_bytes(const std::string& bytes) {
  return read_statement(FeedSource{"statement", &bytes}, 1024 * 1024);
}

std::string first_error(const StatementParse& p) { return p.errors.empty() ? std::string() : p.errors.front(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(reconcile_statements)

BOOST_AUTO_TEST_CASE(camt_amounts_are_exact_fen) {
  std::string why;
  BOOST_TEST(*parse_statement_amount_fen("5000.00", why) == 500000);
  BOOST_TEST(*parse_statement_amount_fen("5000.5", why) == 500050);
  BOOST_TEST(*parse_statement_amount_fen("5000.12000", why) == 500012);
  BOOST_TEST(*parse_statement_amount_fen(" 7 ", why) == 700);
  BOOST_TEST(!parse_statement_amount_fen("5000.001", why));
  BOOST_TEST(why.find("not a whole number of fen") != std::string::npos);
  BOOST_TEST(!parse_statement_amount_fen("5000.000000", why));
  BOOST_TEST(why.find("more than 5 decimals") != std::string::npos);
  BOOST_TEST(!parse_statement_amount_fen("-5.00", why));
  BOOST_TEST(!parse_statement_amount_fen("1e3", why));
  BOOST_TEST(!parse_statement_amount_fen("", why));
}

BOOST_AUTO_TEST_CASE(camt_versions_and_namespace) {
  BOOST_TEST(camt053_version("urn:iso:std:iso:20022:tech:xsd:camt.053.001.02") == 2);
  BOOST_TEST(camt053_version("urn:iso:std:iso:20022:tech:xsd:camt.053.001.10") == 10);
  BOOST_TEST(camt053_version("urn:iso:std:iso:20022:tech:xsd:camt.053.001.01") == 0);
  BOOST_TEST(camt053_version("urn:iso:std:iso:20022:tech:xsd:camt.053.001.11") == 0);
  BOOST_TEST(camt053_version("urn:iso:std:iso:20022:tech:xsd:camt.052.001.02") == 0);
}

BOOST_AUTO_TEST_CASE(every_version_reads_the_same_lines) {
  std::vector<Booking> b = {{"E2E-1", "5000.00"}, {"E2E-2", "12.30", true}, {"", "99.99"}};
  b[2].end_to_end_id = "";  // NOTPROVIDED in the file
  for (int v = 2; v <= 10; ++v) {
    BOOST_TEST_CONTEXT("camt.053.001.0" << v) {
      StatementParse p = parse_bytes(camt053(v, "123456789", b));
      BOOST_TEST_REQUIRE(p.ok, first_error(p));
      BOOST_TEST(p.accounts == std::vector<std::string>{"123456789"});
      BOOST_TEST(p.statement_ids == std::vector<std::string>{"STMT-1"});
      BOOST_TEST_REQUIRE(p.lines.size() == 3u);
      BOOST_TEST(p.lines[0].end_to_end_id == "E2E-1");
      BOOST_TEST(p.lines[0].amount_fen == 500000);
      BOOST_TEST(!p.lines[0].credit);
      BOOST_TEST(p.lines[0].status == "BOOK");
      BOOST_TEST(p.lines[0].booking_date == "2017-01-05");
      BOOST_TEST(p.lines[1].credit);
      BOOST_TEST(p.lines[1].amount_fen == 1230);
      BOOST_TEST(p.lines[2].end_to_end_id.empty());  // NOTPROVIDED is absent
      BOOST_TEST(p.format.substr(0, 13) == "camt.053.001.");
    }
  }
}

BOOST_AUTO_TEST_CASE(status_form_must_fit_the_version) {
  std::string v8 = camt053(8, "1", {{"E2E-1", "1.00"}});
  std::string bare = v8;
  bare.replace(bare.find("<Sts><Cd>BOOK</Cd></Sts>"), 24, "<Sts>BOOK</Sts>");
  StatementParse p = parse_bytes(bare);
  BOOST_TEST(!p.ok);
  BOOST_TEST(first_error(p).find("Sts/Cd") != std::string::npos, first_error(p));

  std::string v7 = camt053(7, "1", {{"E2E-1", "1.00"}});
  v7.replace(v7.find("<Sts>BOOK</Sts>"), 15, "<Sts><Cd>BOOK</Cd></Sts>");
  p = parse_bytes(v7);
  BOOST_TEST(!p.ok);
  BOOST_TEST(first_error(p).find("bare code") != std::string::npos, first_error(p));
}

BOOST_AUTO_TEST_CASE(reversal_pending_and_batch_entries) {
  Booking rev{"E2E-1", "1.00", true, true};
  Booking pending{"E2E-2", "2.00"};
  pending.status = "PDNG";
  Booking batch{"", "30.00"};
  batch.pmt_inf_id = "20170102-01-CHA";
  StatementParse p = parse_bytes(camt053(10, "1", {rev, pending, batch}));
  BOOST_TEST_REQUIRE(p.ok, first_error(p));
  BOOST_TEST_REQUIRE(p.lines.size() == 3u);
  BOOST_TEST(p.lines[0].reversal);
  BOOST_TEST(p.lines[1].status == "PDNG");
  BOOST_TEST(p.lines[2].pmt_inf_id == "20170102-01-CHA");
  BOOST_TEST(p.lines[2].tx == 0);
  BOOST_TEST(p.lines[2].amount_fen == 3000);
}

BOOST_AUTO_TEST_CASE(several_transactions_in_one_entry_must_add_up) {
  std::string one = camt053(10, "1", {{"E2E-1", "3.00"}});
  std::string two_tx = "<TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs><Amt Ccy=\"CNY\">1.00</Amt></TxDtls>"
                       "<TxDtls><Refs><EndToEndId>E2E-2</EndToEndId></Refs><Amt Ccy=\"CNY\">2.00</Amt></TxDtls>";
  auto a = one.find("<TxDtls>"), b = one.find("</TxDtls>") + 9;
  std::string good = one.substr(0, a) + two_tx + one.substr(b);
  StatementParse p = parse_bytes(good);
  BOOST_TEST_REQUIRE(p.ok, first_error(p));
  BOOST_TEST_REQUIRE(p.lines.size() == 2u);
  BOOST_TEST(p.lines[1].end_to_end_id == "E2E-2");
  BOOST_TEST(p.lines[1].amount_fen == 200);
  BOOST_TEST(p.lines[1].tx == 2);

  std::string bad = good;
  bad.replace(bad.find("<Amt Ccy=\"CNY\">2.00</Amt>"), 25, "<Amt Ccy=\"CNY\">2.50</Amt>");
  p = parse_bytes(bad);
  BOOST_TEST(!p.ok);
  BOOST_TEST(first_error(p).find("add up to 3.50") != std::string::npos, first_error(p));
}

BOOST_AUTO_TEST_CASE(refusals_say_why) {
  auto refused_with = [](const std::string& bytes, const std::string& words) {
    StatementParse p = parse_bytes(bytes);
    BOOST_TEST(!p.ok);
    BOOST_TEST(p.lines.empty());
    BOOST_TEST(first_error(p).find(words) != std::string::npos, first_error(p) << " lacks " << words);
  };
  std::string good = camt053(10, "1", {{"E2E-1", "1.00"}});
  std::string s = good;
  s.replace(s.find("camt.053.001.10"), 15, "camt.052.001.10");
  refused_with(s, "not a camt.053 statement");
  s = good;
  s.replace(s.find("camt.053.001.10"), 15, "camt.053.001.11");
  refused_with(s, "not a camt.053 statement");
  refused_with(good.substr(0, good.size() / 2), "not well-formed");
  s = good;
  s.insert(s.find("<Document"), "<!DOCTYPE Document [<!ENTITY x \"y\">]>\n");
  refused_with(s, "DOCTYPE");
  s = good;
  s.replace(s.find("<Amt Ccy=\"CNY\">1.00</Amt>"), 25, "<Amt Ccy=\"USD\">1.00</Amt>");
  refused_with(s, "only CNY");
  s = good;
  s.replace(s.find(">1.00<"), 6, ">1.001<");
  refused_with(s, "not a whole number of fen");
  s = good;
  s.replace(s.find("<CdtDbtInd>DBIT"), 15, "<CdtDbtInd>DEBT");
  refused_with(s, "neither CRDT nor DBIT");
  s = good;
  s.erase(s.find("<Acct>"), s.find("</Acct>") + 7 - s.find("<Acct>"));
  refused_with(s, "no Acct");
}

BOOST_AUTO_TEST_CASE(csv_statement) {
  StatementParse p = parse_bytes(
      "direction,booking_date,amount,end_to_end_id\nDBIT,2017-01-05,5000.00,E2E-1\nCRDT,2017-01-06,1.5,NOTPROVIDED\n");
  BOOST_TEST_REQUIRE(p.ok, first_error(p));
  BOOST_TEST(p.format == "csv");
  BOOST_TEST_REQUIRE(p.lines.size() == 2u);
  BOOST_TEST(p.lines[0].amount_fen == 500000);
  BOOST_TEST(p.lines[1].credit);
  BOOST_TEST(p.lines[1].amount_fen == 150);
  BOOST_TEST(p.lines[1].end_to_end_id.empty());
  BOOST_TEST(p.sha256_hex.size() == 64u);

  p = parse_bytes("booking_date,end_to_end_id,amount,direction\n2017-02-30,E,1.00,DBIT\n2017-01-05,E,-1,OUT\n");
  BOOST_TEST(!p.ok);
  BOOST_TEST(p.errors.size() == 3u);  // every bad field listed
  BOOST_TEST(p.errors[0].find("line 2") != std::string::npos, p.errors[0]);
  p = parse_bytes("booking_date,end_to_end_id,amount\n2017-01-05,E,1.00\n");
  BOOST_TEST(!p.ok);
}

BOOST_AUTO_TEST_SUITE_END()
