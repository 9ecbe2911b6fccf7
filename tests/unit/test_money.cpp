// SPEC 1: amounts are whole fen; input [0-9]{1,12}(\.[0-9]{1,2})?, output two decimals.
#include <boost/test/unit_test.hpp>

#include <limits>

#include "src/core/limits.hpp"
#include "src/core/money.hpp"

using namespace relief;

BOOST_AUTO_TEST_SUITE(money)

BOOST_AUTO_TEST_CASE(parses_the_spec_format) {
  BOOST_TEST(parse_amount_fen("0").value() == 0);
  BOOST_TEST(parse_amount_fen("0.00").value() == 0);
  BOOST_TEST(parse_amount_fen("1").value() == 100);
  BOOST_TEST(parse_amount_fen("1.5").value() == 150);
  BOOST_TEST(parse_amount_fen("1.05").value() == 105);
  BOOST_TEST(parse_amount_fen("1234.50").value() == 123450);
  BOOST_TEST(parse_amount_fen("007.10").value() == 710);
  BOOST_TEST(parse_amount_fen("999999999999.99").value() == 99'999'999'999'999LL);
  BOOST_TEST(parse_amount_fen("999999999999.99").value() == limits::money_fen_max);
  BOOST_TEST(parse_amount_fen("100000000000").value() == 10'000'000'000'000LL);
}

BOOST_AUTO_TEST_CASE(refuses_everything_else) {
  for (const char* bad : {"", ".", ".5", "1.", "+1", "-1", "-0.00", "1e3", "1E3", "1.0e2", " 1", "1 ", "1 000",
                          "1,000.00", "1_000", "1'000", "1.000", "1.234", "0x10", "1234567890123", "1234567890123.00",
                          "12.3.4", "１２", "1.-5", "NaN", "inf", "1.5\n", "\t1", "1..0", "¥1"}) {
    BOOST_TEST_CONTEXT("input '" << bad << "'") { BOOST_TEST(!parse_amount_fen(bad).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(twelve_digits_yes_thirteen_no) {
  BOOST_TEST(parse_amount_fen("123456789012").has_value());
  BOOST_TEST(!parse_amount_fen("0123456789012").has_value());
  BOOST_TEST(parse_amount_fen("12.34").has_value());
  BOOST_TEST(!parse_amount_fen("12.345").has_value());
}

BOOST_AUTO_TEST_CASE(formats_two_decimals) {
  BOOST_TEST(format_fen(0) == "0.00");
  BOOST_TEST(format_fen(1) == "0.01");
  BOOST_TEST(format_fen(10) == "0.10");
  BOOST_TEST(format_fen(100) == "1.00");
  BOOST_TEST(format_fen(123450) == "1234.50");
  BOOST_TEST(format_fen(199999) == "1999.99");
  BOOST_TEST(format_fen(limits::money_fen_max) == "999999999999.99");
  BOOST_TEST(format_fen(-150) == "-1.50");
  BOOST_TEST(format_fen(-5) == "-0.05");
  BOOST_TEST(format_fen(-std::numeric_limits<std::int64_t>::max()) == "-92233720368547758.07");
  std::string appended = "x";
  append_fen(appended, 7);
  append_fen(appended, 1000);
  BOOST_TEST(appended == "x0.0710.00");
  BOOST_TEST(format_fen(std::numeric_limits<std::int64_t>::max()) == "92233720368547758.07");
}

BOOST_AUTO_TEST_CASE(round_trips) {
  for (std::int64_t v : {0LL, 1LL, 9LL, 99LL, 100LL, 101LL, 123456LL, 200000LL, 99'999'999'999'999LL}) {
    BOOST_TEST(parse_amount_fen(format_fen(v)).value() == v);
  }
}

BOOST_AUTO_TEST_CASE(checked_arithmetic) {
  BOOST_TEST(add_fen(150, 250) == 400);
  BOOST_TEST(sub_fen(150, 250) == -100);
  BOOST_TEST(add_fen(limits::money_fen_max, limits::money_fen_max) == 2 * limits::money_fen_max);
  // The ratio is applied with a floor, never rounding up a fen.
  BOOST_TEST(apply_ratio_fen(0, 9500) == 0);
  BOOST_TEST(apply_ratio_fen(1, 9500) == 0);
  BOOST_TEST(apply_ratio_fen(19, 9500) == 18);     // 18.05 -> 18
  BOOST_TEST(apply_ratio_fen(20, 9500) == 19);
  BOOST_TEST(apply_ratio_fen(12345, 10000) == 12345);
  BOOST_TEST(apply_ratio_fen(12345, 0) == 0);
  BOOST_TEST(apply_ratio_fen(2 * limits::money_fen_max, 9999) == (2 * limits::money_fen_max) * 9999 / 10000);
}

BOOST_AUTO_TEST_SUITE_END()
