#pragma once
// Money is a whole number of fen in an int64_t. No floating point anywhere.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relief {

// Parses SPEC 1's input format exactly: [0-9]{1,12}(\.[0-9]{1,2})?
// Anything else (sign, exponent, spaces, separators, empty) is nullopt.
std::optional<std::int64_t> parse_amount_fen(std::string_view text);

// Always two decimals: 123450 -> "1234.50", 0 -> "0.00". Negative amounts are
// a programmer error on the money path but are printed with a sign for logs.
std::string format_fen(std::int64_t amount_fen);
void append_fen(std::string& out, std::int64_t amount_fen);  // format_fen, appended

// Checked arithmetic: aborts (assertion) on overflow, which can only be a bug
// because every input amount is below limits::money_fen_max.
std::int64_t add_fen(std::int64_t a_fen, std::int64_t b_fen);
std::int64_t sub_fen(std::int64_t a_fen, std::int64_t b_fen);

// floor(base_fen * ratio_bp / 10000), base_fen >= 0, 0 <= ratio_bp <= 10000.
std::int64_t apply_ratio_fen(std::int64_t base_fen, std::int64_t ratio_bp);

}  // namespace relief
