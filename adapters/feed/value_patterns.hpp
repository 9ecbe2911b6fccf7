#pragma once
// The claim feed's per-claim pattern facets, checked in C++ (issue 7).
//
// Xerces-C runs XSD patterns through a backtracking regular-expression engine
// over UTF-16: ~4,000 instructions a value, a third of a feed's validating
// parse (callgrind, 20k claims: 818M of 2,303M). The shipped XSD
// (schemas/claim-feed.xsd) stays the contract, patterns included; the feed
// reader loads it with these four types' pattern facets taken out and checks
// the same patterns here, at the same element end, as SCHEMA errors. Each
// check states its pattern; the XSD must hold exactly that pattern (the
// stripping refuses to start otherwise), and a test compares both ways of
// validating on hundreds of values.
#include <string>
#include <string_view>

namespace relief::feed_patterns {

// ClaimIdType: [A-Za-z0-9._\-]{1,32} (xs:string: whitespace kept).
inline constexpr std::string_view kClaimIdPattern = "[A-Za-z0-9._\\-]{1,32}";
bool claim_id(std::string_view value);
// DateType: xs:date restricted to \d{4}-\d{2}-\d{2}; xs:date collapses
// whitespace first, and Xerces has already checked the date itself.
inline constexpr std::string_view kDatePattern = "\\d{4}-\\d{2}-\\d{2}";
bool date(std::string_view value);
// AmountType: [0-9]{1,12}(\.[0-9]{1,2})? (xs:string).
inline constexpr std::string_view kAmountPattern = "[0-9]{1,12}(\\.[0-9]{1,2})?";
bool amount(std::string_view value);
// IcdType: [A-Z][0-9][0-9A-Z](\.[0-9A-Za-z]{1,8})? (xs:string).
inline constexpr std::string_view kIcdPattern = "[A-Z][0-9][0-9A-Z](\\.[0-9A-Za-z]{1,8})?";
bool icd(std::string_view value);

// The XSD text with those four types' <xs:pattern> facets removed. Throws
// std::logic_error when a type is missing or its pattern is not the one
// checked here (the two must never drift apart).
std::string without_checked_patterns(const std::string& xsd);

}  // namespace relief::feed_patterns
