#include "src/core/money.hpp"

#include <cassert>
#include <cstdlib>

namespace relief {

std::optional<std::int64_t> parse_amount_fen(std::string_view text) {
  std::size_t i = 0;
  std::int64_t yuan = 0;
  std::size_t int_digits = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (int_digits == 12) return std::nullopt;
    yuan = yuan * 10 + (text[i] - '0');
    ++int_digits;
    ++i;
  }
  if (int_digits == 0) return std::nullopt;
  std::int64_t fen = 0;
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    ++i;
    std::size_t frac_digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (frac_digits == 2) return std::nullopt;
      fen = fen * 10 + (text[i] - '0');
      ++frac_digits;
      ++i;
    }
    if (frac_digits == 0 || i != text.size()) return std::nullopt;
    if (frac_digits == 1) fen *= 10;
  }
  return yuan * 100 + fen;
}

void append_fen(std::string& out, std::int64_t amount_fen) {
  // INT64_MIN cannot be negated; it never occurs on the money path.
  assert(amount_fen != INT64_MIN);
  const bool negative = amount_fen < 0;
  std::uint64_t v = negative ? static_cast<std::uint64_t>(-amount_fen) : static_cast<std::uint64_t>(amount_fen);
  char buf[24];  // "-" + 17 yuan digits + "." + 2 fen digits, written from the end
  char* end = buf + sizeof buf;
  char* p = end;
  *--p = static_cast<char>('0' + v % 10);
  *--p = static_cast<char>('0' + v / 10 % 10);
  *--p = '.';
  v /= 100;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (negative) *--p = '-';
  out.append(p, static_cast<std::size_t>(end - p));
}

std::string format_fen(std::int64_t amount_fen) {
  std::string out;
  append_fen(out, amount_fen);
  return out;
}

std::int64_t add_fen(std::int64_t a_fen, std::int64_t b_fen) {
  std::int64_t r = 0;
  bool overflow = __builtin_add_overflow(a_fen, b_fen, &r);
  if (overflow) std::abort();
  return r;
}

std::int64_t sub_fen(std::int64_t a_fen, std::int64_t b_fen) {
  std::int64_t r = 0;
  bool overflow = __builtin_sub_overflow(a_fen, b_fen, &r);
  if (overflow) std::abort();
  return r;
}

std::int64_t apply_ratio_fen(std::int64_t base_fen, std::int64_t ratio_bp) {
  assert(base_fen >= 0);
  assert(ratio_bp >= 0 && ratio_bp <= 10000);
  std::int64_t product = 0;
  if (__builtin_mul_overflow(base_fen, ratio_bp, &product)) std::abort();
  return product / 10000;  // non-negative: truncation is floor
}

}  // namespace relief
