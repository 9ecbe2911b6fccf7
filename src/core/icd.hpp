#pragma once
// ICD-10 codes and the list/range matching of SPEC 4.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relief {

// [A-Z][0-9][0-9A-Z](\.[0-9A-Za-z]{1,8})?
bool is_icd10_code(std::string_view code);

// One entry of an illness list: "C00-C97" (a range over the first three
// characters), "D56" (that category and its extensions) or "C69.2" (that code
// and its extensions).
struct IcdEntry {
  std::string from;  // 3 characters for ranges and categories, else the whole code
  std::string to;    // empty unless a range
  bool matches(std::string_view code) const;
};

class IcdList {
 public:
  static constexpr std::size_t kEntriesMax = 4096;  // per list (a parameter file's)
  // Returns an error message naming the bad entry, or nullopt on success.
  static std::optional<std::string> parse(const std::vector<std::string>& entries, IcdList& out);
  bool matches(std::string_view code) const;
  // The entry a code matched, for traces; nullptr if none.
  const std::string* matching_entry(std::string_view code) const;
  const std::vector<std::string>& entries() const { return texts_; }

 private:
  std::vector<IcdEntry> entries_;
  std::vector<std::string> texts_;
  // For each first letter A-Z, the entries that can match a code starting
  // with it, in list order (the first match is the one a trace names).
  std::array<std::vector<std::uint16_t>, 26> by_letter_;
};

}  // namespace relief
