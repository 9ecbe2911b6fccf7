#include "src/core/icd.hpp"

namespace relief {

namespace {
bool upper(char c) { return c >= 'A' && c <= 'Z'; }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool alnum(char c) { return upper(c) || digit(c) || (c >= 'a' && c <= 'z'); }
bool is_category(std::string_view s) { return s.size() == 3 && upper(s[0]) && digit(s[1]) && (digit(s[2]) || upper(s[2])); }
}  // namespace

bool is_icd10_code(std::string_view code) {
  if (code.size() < 3 || !is_category(code.substr(0, 3))) return false;
  if (code.size() == 3) return true;
  if (code[3] != '.') return false;
  std::size_t ext = code.size() - 4;
  if (ext < 1 || ext > 8) return false;
  for (std::size_t i = 4; i < code.size(); ++i)
    if (!alnum(code[i])) return false;
  return true;
}

bool IcdEntry::matches(std::string_view code) const {
  if (code.size() < 3) return false;
  if (!to.empty()) {
    std::string_view cat = code.substr(0, 3);
    return cat >= std::string_view(from) && cat <= std::string_view(to);
  }
  // A category or a dotted code covers itself and its extensions.
  if (code.size() < from.size() || code.substr(0, from.size()) != from) return false;
  if (code.size() == from.size()) return true;
  if (from.size() == 3) return code[3] == '.';
  return true;  // "C69.2" covers "C69.2" and "C69.21"
}

std::optional<std::string> IcdList::parse(const std::vector<std::string>& entries, IcdList& out) {
  out.entries_.clear();
  out.texts_.clear();
  for (auto& v : out.by_letter_) v.clear();
  for (const auto& e : entries) {
    IcdEntry entry;
    auto dash = e.find('-');
    if (dash != std::string::npos) {
      std::string a = e.substr(0, dash), b = e.substr(dash + 1);
      if (!is_category(a) || !is_category(b) || b < a) return "bad ICD-10 range '" + e + "'";
      entry.from = a;
      entry.to = b;
    } else {
      if (!is_icd10_code(e)) return "bad ICD-10 code '" + e + "'";
      entry.from = e;
    }
    if (out.entries_.size() >= kEntriesMax) return "more than " + std::to_string(kEntriesMax) + " entries in one list";
    const char last = entry.to.empty() ? entry.from[0] : entry.to[0];
    for (char letter = entry.from[0]; letter <= last; ++letter)
      out.by_letter_[static_cast<std::size_t>(letter - 'A')].push_back(static_cast<std::uint16_t>(out.entries_.size()));
    out.entries_.push_back(entry);
    out.texts_.push_back(e);
  }
  return std::nullopt;
}

bool IcdList::matches(std::string_view code) const { return matching_entry(code) != nullptr; }

const std::string* IcdList::matching_entry(std::string_view code) const {
  if (code.empty() || !upper(code[0])) return nullptr;  // every entry starts with a capital letter
  for (std::uint16_t i : by_letter_[static_cast<std::size_t>(code[0] - 'A')])
    if (entries_[i].matches(code)) return &texts_[i];
  return nullptr;
}

}  // namespace relief
