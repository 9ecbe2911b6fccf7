// Reconciliation end to end: a real batch, statements built from its own
// payment files, and every state of SPEC 6.
#include <Poco/Data/Session.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "reconcile_fixture.hpp"
#include "src/cli/cli.hpp"
#include "src/core/money.hpp"
#include "src/reconcile/reconcile.hpp"

using namespace relief;
using namespace Poco::Data::Keywords;
using relief::test::Booking;
using relief::test::camt053;
using relief::test::csv_statement;
using relief::test::ReconcileFixture;

namespace {

ReconcileReport import(ReconcileFixture& f, const std::string& channel, const std::string& bytes) {
  ReconcileOptions opt;
  opt.fund_accounts = channel_fund_accounts(*f.channels, channel);
  return reconcile_statement(*f.db, channel, FeedSource{"statement", &bytes}, opt);
}

std::string state_of(const ReconcileReport& r, const std::string& e2e) {
  for (const auto& p : r.payments)
    if (p.end_to_end_id == e2e) return p.state;
  return "(no such payment)";
}

std::int64_t count(const ReconcileReport& r, const std::string& state, bool lines = false) {
  return (lines ? r.line_totals : r.payment_totals).at(state).count;
}

// Rows in the reconciliation tables: nothing changed when these stay equal.
std::string table_counts(Db& db) {
  Poco::Int64 s = 0, l = 0, p = 0;
  db.session() << "SELECT count(*) FROM statements", into(s), now;
  db.session() << "SELECT count(*) FROM statement_lines", into(l), now;
  db.session() << "SELECT count(*) FROM payment_states", into(p), now;
  return std::to_string(s) + "/" + std::to_string(l) + "/" + std::to_string(p);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reconcile_matching)

BOOST_AUTO_TEST_CASE(clean_statement_matches_every_payment) {
  ReconcileFixture f;
  auto paid = f.paid("charity");
  BOOST_TEST_REQUIRE(paid.size() == 3u);
  ReconcileReport r = import(f, "charity", camt053(10, f.fund_account("charity"), f.clean_bookings("charity")));
  BOOST_TEST_REQUIRE((r.outcome == StatementOutcome::imported), (r.errors.empty() ? "" : r.errors[0]));
  BOOST_TEST(count(r, "matched") == 3);
  BOOST_TEST(r.payment_totals.at("matched").amount_fen == *parse_amount_fen(f.ctrl_sum("charity")));
  BOOST_TEST(count(r, "outstanding") == 0);
  BOOST_TEST(count(r, "matched", true) == 3);
  BOOST_TEST(!r.has_exceptions());
  BOOST_TEST(!r.oldest_outstanding);
  // other channels are untouched
  BOOST_TEST(count(reconciliation_status(*f.db, "lottery", {}), "outstanding") == 4);
}

BOOST_AUTO_TEST_CASE(altered_statements_give_each_state_and_later_ones_move_on) {
  ReconcileFixture f;
  auto paid = f.paid("charity");
  std::string account = f.fund_account("charity");
  // 1st: payment 1 with another amount, payment 2 missing, payment 3 right, one unknown entry.
  std::vector<Booking> first = {{paid[0].end_to_end_id, "4999.99"},
                                {paid[2].end_to_end_id, paid[2].amount},
                                {"20170102-01-CHA-00000099", "10.00"}};
  ReconcileReport r = import(f, "charity", camt053(5, account, first, "S1"));
  BOOST_TEST_REQUIRE((r.outcome == StatementOutcome::imported));
  BOOST_TEST(state_of(r, paid[0].end_to_end_id) == "amount_mismatch");
  BOOST_TEST(state_of(r, paid[1].end_to_end_id) == "outstanding");
  BOOST_TEST(state_of(r, paid[2].end_to_end_id) == "matched");
  BOOST_TEST(count(r, "unexpected", true) == 1);
  BOOST_TEST(r.has_exceptions());
  BOOST_TEST_REQUIRE(r.oldest_outstanding.has_value());
  BOOST_TEST(r.oldest_outstanding->end_to_end_id == paid[1].end_to_end_id);

  // 2nd: payment 2 leaves the account, payment 3 comes back (a return, CRDT).
  Booking left{paid[1].end_to_end_id, paid[1].amount};
  left.booking_date = "2017-01-09";
  Booking back{paid[2].end_to_end_id, paid[2].amount, true};
  back.booking_date = "2017-01-10";
  r = import(f, "charity", camt053(10, account, {left, back}, "S2"));
  BOOST_TEST_REQUIRE((r.outcome == StatementOutcome::imported));
  BOOST_TEST(state_of(r, paid[1].end_to_end_id) == "matched");
  BOOST_TEST(state_of(r, paid[2].end_to_end_id) == "returned");
  BOOST_TEST(state_of(r, paid[0].end_to_end_id) == "amount_mismatch");
  BOOST_TEST(count(r, "outstanding") == 0);
  BOOST_TEST(count(r, "returned", true) == 1);

  // The date filter answers "what of the payments of January 2017?"
  ReportFilter jan{std::string("2017-01-01"), std::string("2017-01-31")};
  ReconcileReport s = reconciliation_status(*f.db, "charity", jan);
  BOOST_TEST(count(s, "returned") == 1);
  ReportFilter feb{std::string("2017-02-01"), std::string("2017-02-28")};
  s = reconciliation_status(*f.db, "charity", feb);
  BOOST_TEST(s.payments.empty());
  BOOST_TEST(s.lines.empty());
}

BOOST_AUTO_TEST_CASE(a_reversal_returns_the_payment) {
  ReconcileFixture f;
  auto paid = f.paid("lottery");
  std::string account = f.fund_account("lottery");
  auto bookings = f.clean_bookings("lottery");
  Booking rev{paid[3].end_to_end_id, paid[3].amount, true, true};
  rev.booking_date = "2017-01-06";
  bookings.push_back(rev);
  ReconcileReport r = import(f, "lottery", camt053(10, account, bookings));
  BOOST_TEST_REQUIRE((r.outcome == StatementOutcome::imported));
  BOOST_TEST(state_of(r, paid[3].end_to_end_id) == "returned");
  BOOST_TEST(count(r, "matched") == 3);
  bool said = false;
  for (const auto& p : r.payments) said = said || p.detail.find("reversal") != std::string::npos;
  BOOST_TEST(said);
}

BOOST_AUTO_TEST_CASE(batch_booking_matches_the_whole_file_by_pmtinfid_and_ctrlsum) {
  ReconcileFixture f;
  Booking whole{"", f.ctrl_sum("government")};
  whole.pmt_inf_id = f.pmt_inf_id("government");
  BOOST_TEST(whole.pmt_inf_id == f.batch_id + "-GOV");
  ReconcileReport r = import(f, "government", camt053(10, f.fund_account("government"), {whole}));
  BOOST_TEST_REQUIRE((r.outcome == StatementOutcome::imported));
  BOOST_TEST(count(r, "matched") == 4);
  BOOST_TEST(count(r, "matched", true) == 1);
  BOOST_TEST(!r.has_exceptions());

  // Another total for the same file: every payment of it is a mismatch.
  ReconcileFixture g;
  Booking wrong{"", "1.00"};
  wrong.pmt_inf_id = g.pmt_inf_id("government");
  r = import(g, "government", camt053(4, g.fund_account("government"), {wrong}));
  BOOST_TEST(count(r, "amount_mismatch") == 4);
  BOOST_TEST(count(r, "amount_mismatch", true) == 1);
  BOOST_TEST(r.has_exceptions());
}

BOOST_AUTO_TEST_CASE(refused_statements_change_nothing) {
  ReconcileFixture f;
  std::string account = f.fund_account("charity");
  std::string good = camt053(10, account, f.clean_bookings("charity"));
  std::string before = table_counts(*f.db);

  std::string malformed = good.substr(0, good.size() - 30);
  ReconcileReport r = import(f, "charity", malformed);
  BOOST_TEST((r.outcome == StatementOutcome::refused));
  BOOST_TEST(r.errors.at(0).find("not well-formed") != std::string::npos, r.errors.at(0));

  std::string wrong_ns = good;
  wrong_ns.replace(wrong_ns.find("camt.053.001.10"), 15, "camt.054.001.08");
  r = import(f, "charity", wrong_ns);
  BOOST_TEST((r.outcome == StatementOutcome::refused));
  BOOST_TEST(r.errors.at(0).find("not a camt.053 statement") != std::string::npos, r.errors.at(0));

  r = import(f, "charity", camt053(10, f.fund_account("government"), f.clean_bookings("charity")));
  BOOST_TEST((r.outcome == StatementOutcome::refused));
  BOOST_TEST(r.errors.at(0).find("not of channel charity's fund account") != std::string::npos, r.errors.at(0));

  BOOST_TEST(table_counts(*f.db) == before);
  BOOST_TEST(count(reconciliation_status(*f.db, "charity", {}), "outstanding") == 3);
}

BOOST_AUTO_TEST_CASE(the_same_statement_twice_changes_nothing) {
  ReconcileFixture f;
  auto paid = f.paid("charity");
  std::string bytes = camt053(10, f.fund_account("charity"), {{paid[0].end_to_end_id, paid[0].amount}});
  ReconcileReport r = import(f, "charity", bytes);
  BOOST_TEST_REQUIRE((r.outcome == StatementOutcome::imported));
  std::string after_first = table_counts(*f.db);
  nlohmann::json first_payments = report_json(r)["payments"];

  r = import(f, "charity", bytes);
  BOOST_TEST((r.outcome == StatementOutcome::same_bytes));
  BOOST_TEST(table_counts(*f.db) == after_first);
  BOOST_TEST(report_json(r)["payments"] == first_payments);

  // The same booking in another statement (e.g. the monthly one) is not counted twice.
  std::string monthly = camt053(10, f.fund_account("charity"), {{paid[0].end_to_end_id, paid[0].amount}}, "STMT-1");
  monthly.replace(monthly.find("MSG-STMT-1"), 10, "MSG-MONTH1");
  r = import(f, "charity", monthly);
  BOOST_TEST((r.outcome == StatementOutcome::imported));
  BOOST_TEST(r.statement->lines_seen_before == 1);
  BOOST_TEST(state_of(r, paid[0].end_to_end_id) == "matched");
}

BOOST_AUTO_TEST_CASE(camt_002_and_csv_statements_reconcile_too) {
  ReconcileFixture f;
  auto paid = f.paid("charity");
  ReconcileReport r = import(f, "charity", camt053(2, f.fund_account("charity"), f.clean_bookings("charity")));
  BOOST_TEST_REQUIRE((r.outcome == StatementOutcome::imported), (r.errors.empty() ? "" : r.errors[0]));
  BOOST_TEST(r.statement->format == "camt.053.001.02");
  BOOST_TEST(count(r, "matched") == 3);

  auto lot = f.paid("lottery");
  std::vector<Booking> b = {{lot[0].end_to_end_id, lot[0].amount}, {lot[1].end_to_end_id, lot[1].amount, true},
                            {"", "5.00"}};
  r = import(f, "lottery", csv_statement(b));
  BOOST_TEST_REQUIRE((r.outcome == StatementOutcome::imported), (r.errors.empty() ? "" : r.errors[0]));
  BOOST_TEST(r.statement->format == "csv");
  BOOST_TEST(state_of(r, lot[0].end_to_end_id) == "matched");
  BOOST_TEST(state_of(r, lot[1].end_to_end_id) == "returned");
  BOOST_TEST(count(r, "outstanding") == 2);
  BOOST_TEST(count(r, "unexpected", true) == 1);
}

BOOST_AUTO_TEST_CASE(pending_entries_are_not_reconciled) {
  ReconcileFixture f;
  auto bookings = f.clean_bookings("charity");
  bookings[0].status = "PDNG";
  ReconcileReport r = import(f, "charity", camt053(9, f.fund_account("charity"), bookings));
  BOOST_TEST_REQUIRE((r.outcome == StatementOutcome::imported));
  BOOST_TEST(r.statement->lines_not_booked == 1);
  BOOST_TEST(count(r, "outstanding") == 1);
  BOOST_TEST(count(r, "matched") == 2);
}

BOOST_AUTO_TEST_CASE(report_masks_patients_and_lists_everything) {
  ReconcileFixture f;
  auto paid = f.paid("charity");
  ReconcileReport r =
      import(f, "charity", camt053(10, f.fund_account("charity"), {{paid[0].end_to_end_id, paid[0].amount}}));
  std::string csv = report_csv(r);
  BOOST_TEST(csv.find("420102198504021239") == std::string::npos);
  BOOST_TEST(csv.find("420102********1239") != std::string::npos);
  BOOST_TEST(std::count(csv.begin(), csv.end(), '\n') == 1 + 3 + 1);  // header, 3 payments, 1 entry
  nlohmann::json j = report_json(r);
  BOOST_TEST(j["summary"]["payments"]["outstanding"]["count"] == 2);
  std::int64_t rest_fen = *parse_amount_fen(paid[1].amount) + *parse_amount_fen(paid[2].amount);
  BOOST_TEST(j["summary"]["payments"]["outstanding"]["amount"] == format_fen(rest_fen));
  BOOST_TEST(j["oldest_outstanding"]["end_to_end_id"] == paid[1].end_to_end_id);
  std::string text = report_text(r);
  BOOST_TEST(text.find("oldest outstanding: " + paid[1].end_to_end_id) != std::string::npos, text);
  BOOST_TEST(text.find("420102198504021239") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(command_line_exit_codes_and_report_files) {
  ReconcileFixture f;
  auto paid = f.paid("charity");
  cli::Args a;
  a.db_path = f.path("relief.db");
  a.channels_dir = std::string(RELIEF_SOURCE_DIR) + "/channels";
  a.options["channel"] = "charity";
  a.options["report-dir"] = f.path("reports");
  f.db.reset();  // the command opens the database itself
  std::ostringstream out, err;

  a.words = {f.write("clean.xml", camt053(10, f.fund_account("charity"), f.clean_bookings("charity")))};
  BOOST_TEST(cli::cmd_reconcile(a, out, err) == cli::kOk, out.str() << err.str());
  BOOST_TEST(file_exists(f.path("reports/charity-statement-1.csv")));
  BOOST_TEST(file_exists(f.path("reports/charity-statement-1.json")));

  Booking back{paid[0].end_to_end_id, paid[0].amount, true};
  a.words = {f.write("return.csv", csv_statement({back}))};
  BOOST_TEST(cli::cmd_reconcile(a, out, err) == cli::kReconcile);

  a.words = {f.write("bad.xml", "<Document xmlns=\"urn:other\"/>")};
  err.str("");
  BOOST_TEST(cli::cmd_reconcile(a, out, err) == cli::kRefused);
  BOOST_TEST(err.str().find("statement refused") != std::string::npos, err.str());

  a.words = {"status"};
  a.options["month"] = "2017-01";
  out.str("");
  BOOST_TEST(cli::cmd_reconcile(a, out, err) == cli::kReconcile);
  BOOST_TEST(out.str().find("returned: the money came back (1)") != std::string::npos, out.str());
  a.options["month"] = "2016-12";
  BOOST_TEST(cli::cmd_reconcile(a, out, err) == cli::kOk);

  a.options["channel"] = "nosuch";
  BOOST_CHECK_THROW(cli::cmd_reconcile(a, out, err), cli::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
