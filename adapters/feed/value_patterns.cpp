#include "adapters/feed/value_patterns.hpp"

#include <stdexcept>

#include "src/core/icd.hpp"
#include "src/core/money.hpp"

namespace relief::feed_patterns {

namespace {
bool digit(char c) { return c >= '0' && c <= '9'; }
bool alnum(char c) { return digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

bool claim_id(std::string_view v) {
  if (v.empty() || v.size() > 32) return false;
  for (char c : v)
    if (!(alnum(c) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

bool date(std::string_view v) {
  while (!v.empty() && xml_space(v.front())) v.remove_prefix(1);
  while (!v.empty() && xml_space(v.back())) v.remove_suffix(1);
  if (v.size() != 10 || v[4] != '-' || v[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!digit(v[i])) return false;
  return true;
}

// SPEC 1's amount format and the ICD-10 code shape are Relief's own checks
// already (money, icd): the patterns say exactly what they accept.
bool amount(std::string_view v) { return parse_amount_fen(v).has_value(); }

bool icd(std::string_view v) { return is_icd10_code(v); }

std::string without_checked_patterns(const std::string& xsd) {
  std::string out = xsd;
  const std::pair<std::string_view, std::string_view> types[] = {
      {"ClaimIdType", kClaimIdPattern}, {"DateType", kDatePattern}, {"AmountType", kAmountPattern}, {"IcdType", kIcdPattern}};
  for (const auto& [type, pattern] : types) {
    const std::string open = "<xs:simpleType name=\"" + std::string(type) + "\">";
    const std::size_t at = out.find(open);
    const std::size_t end = at == std::string::npos ? at : out.find("</xs:simpleType>", at);
    if (end == std::string::npos) throw std::logic_error("claim-feed XSD: no simple type " + std::string(type));
    const std::string facet = "<xs:pattern value=\"" + std::string(pattern) + "\"/>";
    const std::size_t f = out.find(facet, at);
    if (f == std::string::npos || f > end || out.find("<xs:pattern", f + facet.size()) < end)
      throw std::logic_error("claim-feed XSD: " + std::string(type) + "'s pattern is not " + std::string(pattern) +
                             " (the feed reader checks that one in C++)");
    out.erase(f, facet.size());
  }
  return out;
}

}  // namespace relief::feed_patterns
