// SPEC 1 dates (ISO YYYY-MM-DD), timestamps with offset, and SPEC 4.1's age.
#include <boost/test/unit_test.hpp>

#include <cstdio>

#include "src/core/date.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using relief::test::date;

BOOST_AUTO_TEST_SUITE(dates)

BOOST_AUTO_TEST_CASE(leap_years) {
  BOOST_TEST(is_leap_year(2016));
  BOOST_TEST(is_leap_year(2000));
  BOOST_TEST(!is_leap_year(1900));
  BOOST_TEST(!is_leap_year(2100));
  BOOST_TEST(!is_leap_year(2017));
  BOOST_TEST(days_in_month(2016, 2) == 29);
  BOOST_TEST(days_in_month(2017, 2) == 28);
  BOOST_TEST(days_in_month(2017, 4) == 30);
  BOOST_TEST(days_in_month(2017, 12) == 31);
}

BOOST_AUTO_TEST_CASE(parses_strict_iso_dates) {
  BOOST_TEST(parse_date("2016-02-29").value().iso() == "2016-02-29");
  BOOST_TEST(parse_date("2000-02-29").has_value());
  BOOST_TEST(parse_date("1999-12-31").value().iso() == "1999-12-31");
  for (const char* bad : {"2017-02-29", "1900-02-29", "2016-13-01", "2016-00-10", "2016-04-31", "2016-01-00",
                          "2016-1-01", "2016/01/01", "20160101", "2016-01-01 ", " 2016-01-01", "2016-01-01T00:00:00",
                          "", "0999-01-01", "２016-01-01", "2016-0a-01"}) {
    BOOST_TEST_CONTEXT("input '" << bad << "'") { BOOST_TEST(!parse_date(bad).has_value()); }
  }
  BOOST_TEST(parse_compact_date("19900307").value().iso() == "1990-03-07");
  BOOST_TEST(!parse_compact_date("19900230").has_value());
  BOOST_TEST(!parse_compact_date("1990030").has_value());
}

BOOST_AUTO_TEST_CASE(ordering) {
  BOOST_TEST((date("2016-02-29") < date("2016-03-01")));
  BOOST_TEST((date("2015-12-31") < date("2016-01-01")));
  BOOST_TEST((date("2016-03-01") == date("2016-03-01")));
}

BOOST_AUTO_TEST_CASE(age_counts_the_birthday_on_the_day) {
  BOOST_TEST(age_in_years(date("2001-05-20"), date("2015-05-19")) == 13);
  BOOST_TEST(age_in_years(date("2001-05-20"), date("2015-05-20")) == 14);  // birthday counts
  BOOST_TEST(age_in_years(date("2001-05-20"), date("2016-05-19")) == 14);
  BOOST_TEST(age_in_years(date("2001-05-20"), date("2016-05-20")) == 15);
  BOOST_TEST(age_in_years(date("2001-05-20"), date("2001-05-20")) == 0);
  // Born on 29 February: the birthday in a common year is 1 March.
  BOOST_TEST(age_in_years(date("2000-02-29"), date("2015-02-28")) == 14);
  BOOST_TEST(age_in_years(date("2000-02-29"), date("2015-03-01")) == 15);
  BOOST_TEST(age_in_years(date("2000-02-29"), date("2016-02-29")) == 16);
}

BOOST_AUTO_TEST_CASE(timestamps_with_offset) {
  BOOST_TEST(timestamp_date("2026-11-28T22:00:00+08:00").value().iso() == "2026-11-28");
  BOOST_TEST(timestamp_date("2026-11-28T22:00:00Z").value().iso() == "2026-11-28");
  BOOST_TEST(timestamp_date("2026-11-28T23:59:59.123-05:00").value().iso() == "2026-11-28");
  BOOST_TEST(is_valid_timestamp("2016-12-31T00:00:00+14:00"));
  for (const char* bad : {"2026-11-28T22:00:00", "2026-11-28 22:00:00+08:00", "2026-11-28T24:00:00+08:00",
                          "2026-11-28T22:60:00+08:00", "2026-11-28T22:00:00+0800", "2026-11-28T22:00:00+08",
                          "2026-02-30T22:00:00+08:00", "2026-11-28T22:00:00.+08:00", "2026-11-28T22:00:00+15:00",
                          "2026-11-28", "", "2026-11-28T22:00:00+08:00 "}) {
    BOOST_TEST_CONTEXT("input '" << bad << "'") {
      BOOST_TEST(!is_valid_timestamp(bad));
      BOOST_TEST(!timestamp_date(bad).has_value());
    }
  }
}

BOOST_AUTO_TEST_CASE(iso_matches_printf) {
  for (int y : {0, 1, 9, 10, 99, 100, 999, 1000, 1999, 2016, 9999})
    for (int m = 1; m <= 12; ++m)
      for (int d : {1, 9, 10, 28, 31}) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
        BOOST_TEST((Date{y, m, d}.iso() == std::string(buf)), buf);
      }
}

BOOST_AUTO_TEST_SUITE_END()
