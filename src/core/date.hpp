#pragma once
// Calendar dates (proleptic Gregorian), ISO YYYY-MM-DD.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relief {

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
  auto operator<=>(const Date&) const = default;
  std::string iso() const;  // YYYY-MM-DD
};

bool is_leap_year(int year);
int days_in_month(int year, int month);
// Strict YYYY-MM-DD, a real calendar day, year 1000..9999.
std::optional<Date> parse_date(std::string_view text);
// YYYYMMDD as in an identity number.
std::optional<Date> parse_compact_date(std::string_view text);
// Whole years from birth to on: a birthday on `on` counts (SPEC 4.1).
int age_in_years(const Date& birth, const Date& on);
// Date part of an ISO 8601 timestamp with offset, as written
// (YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm)); nullopt if malformed.
std::optional<Date> timestamp_date(std::string_view text);
bool is_valid_timestamp(std::string_view text);

}  // namespace relief
