#include "adapters/feed/value_patterns.hpp"

#include <stdexcept>

namespace relief::feed_patterns {

namespace {
bool digit(char c) { return c >= '0' && c <= '9'; }
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool alnum(char c) { return digit(c) || upper(c) || (c >= 'a' && c <= 'z'); }
bool xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// n = 1..max characters of `ok` from `at`; returns how many were read (0: none).
template <typename Ok>
std::size_t run_of(std::string_view v, std::size_t at, std::size_t max, Ok ok) {
  std::size_t n = 0;
  while (at + n < v.size() && n < max && ok(v[at + n])) ++n;
  return n;
}
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

bool amount(std::string_view v) {
  const std::size_t whole = run_of(v, 0, 12, digit);
  if (whole == 0) return false;
  if (whole == v.size()) return true;
  if (v[whole] != '.') return false;
  const std::size_t fraction = run_of(v, whole + 1, 2, digit);
  return fraction > 0 && whole + 1 + fraction == v.size();
}

bool icd(std::string_view v) {
  if (v.size() < 3 || !upper(v[0]) || !digit(v[1]) || !(digit(v[2]) || upper(v[2]))) return false;
  if (v.size() == 3) return true;
  if (v[3] != '.') return false;
  const std::size_t rest = run_of(v, 4, 8, alnum);
  return rest > 0 && 4 + rest == v.size();
}

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
