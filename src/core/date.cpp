#include "src/core/date.hpp"

#include <cstdio>

namespace relief {

namespace {
bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::optional<Date> make_date(int y, int m, int d) {
  if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return std::nullopt;
  return Date{y, m, d};
}
}  // namespace

std::string Date::iso() const {
  // YYYY-MM-DD without printf (it is on the batch's hot path); years outside
  // 0000-9999 never get here (parse_date and the checks refuse them).
  if (year < 0 || year > 9999 || month < 0 || month > 99 || day < 0 || day > 99) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
  }
  std::string out(10, '-');
  out[0] = static_cast<char>('0' + year / 1000);
  out[1] = static_cast<char>('0' + year / 100 % 10);
  out[2] = static_cast<char>('0' + year / 10 % 10);
  out[3] = static_cast<char>('0' + year % 10);
  out[5] = static_cast<char>('0' + month / 10);
  out[6] = static_cast<char>('0' + month % 10);
  out[8] = static_cast<char>('0' + day / 10);
  out[9] = static_cast<char>('0' + day % 10);
  return out;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

std::optional<Date> parse_date(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (!digits(text, 0, 4, y) || !digits(text, 5, 2, m) || !digits(text, 8, 2, d)) return std::nullopt;
  return make_date(y, m, d);
}

std::optional<Date> parse_compact_date(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 8) return std::nullopt;
  if (!digits(text, 0, 4, y) || !digits(text, 4, 2, m) || !digits(text, 6, 2, d)) return std::nullopt;
  return make_date(y, m, d);
}

int age_in_years(const Date& birth, const Date& on) {
  int age = on.year - birth.year;
  if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) --age;
  return age;
}

bool is_valid_timestamp(std::string_view text) {
  if (text.size() < 20) return false;
  if (!parse_date(text.substr(0, 10))) return false;
  if (text[10] != 'T') return false;
  int hh = 0, mm = 0, ss = 0;
  if (!digits(text, 11, 2, hh) || text[13] != ':' || !digits(text, 14, 2, mm) || text[16] != ':' ||
      !digits(text, 17, 2, ss))
    return false;
  if (hh > 23 || mm > 59 || ss > 60) return false;
  std::size_t i = 19;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start || i - start > 9) return false;
  }
  if (i >= text.size()) return false;
  if (text[i] == 'Z') return i + 1 == text.size();
  if (text[i] != '+' && text[i] != '-') return false;
  int oh = 0, om = 0;
  if (i + 6 != text.size() || !digits(text, i + 1, 2, oh) || text[i + 3] != ':' || !digits(text, i + 4, 2, om))
    return false;
  return oh <= 14 && om <= 59;
}

std::optional<Date> timestamp_date(std::string_view text) {
  if (!is_valid_timestamp(text)) return std::nullopt;
  return parse_date(text.substr(0, 10));
}

}  // namespace relief
