#pragma once
// The run loader's memory of the persons it read this batch (issue 7).
//
// A patient seen in a recent chunk is not looked up again, nor are their
// ledger rows (the ledger keeps the first value it was given). Persons do not
// change during a batch: the batch's transaction holds the write lock.
//
// Bounded, in two generations: entries used by the current chunks are young;
// when the young generation holds half the bound, it becomes the old one and
// the previous old one is dropped. An old entry used again is made young,
// with the entries of the person's parents. Each entry is packed (~120 bytes
// with its hash node, no name: adjudication does not read it), about a third
// of a `Person` in a map of strings.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/core/model.hpp"
#include "src/store/batch_store.hpp"
#include "src/store/db.hpp"

namespace relief {

class PersonCache {
 public:
  explicit PersonCache(std::size_t persons_max) : persons_max_(persons_max) {}

  // For a chunk of claims: `persons` gets their patients found in the
  // registry and those patients' parents; `ledger_rows` gets the ledger rows
  // of the patients looked up now (not of those remembered).
  void fill(Db& db, const std::vector<Claim>& claims, Persons& persons,
            std::vector<LedgerRow>& ledger_rows);

  std::size_t patients_looked_up() const { return patients_looked_up_; }  // so far, for tests
  std::size_t size() const { return young_.size() + old_.size(); }

 private:
  static constexpr std::size_t kIdBytesMax = 18;  // an identity number (SPEC 1); longer ones are not kept
  struct Key {
    std::array<char, kIdBytesMax> id{};
    std::uint8_t bytes = 0;
    bool operator==(const Key& o) const { return bytes == o.bytes && id == o.id; }
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept;
  };
  struct Entry {
    bool patient = false;  // looked up as a patient: ledger rows given out
    bool found = false;    // in the registry (false: remembered as absent)
    Hukou hukou = Hukou::nonlocal;
    Dibao dibao = Dibao::none;
    Student student = Student::none;
    bool disability = false, works_in_gz = false, hardship = false, lives_with_parents = false;
    std::int64_t pension_months = 0, residence_months = 0;
    std::string parents;  // ';'-joined identity numbers
  };
  using Map = std::unordered_map<Key, Entry, KeyHash>;

  static bool make_key(std::string_view id, Key& out);
  // The young entry of `k`, made young from the old generation (with its
  // parents' entries) if need be; nullptr when not remembered.
  Entry* young_entry(const Key& k);
  bool all_young(const Entry& e);  // its parents' entries made young; false if one is missing
  static Entry pack(const Person& p, bool patient);
  static Person unpack(std::string_view id, const Entry& e);

  std::size_t persons_max_;
  std::size_t patients_looked_up_ = 0;
  Map young_, old_;
};

}  // namespace relief
