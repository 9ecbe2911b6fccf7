#pragma once
// The whole beneficiary registry in memory for one run (issue 7), when it is
// small enough: the loader then finds every patient and parent here instead
// of looking them up in the database chunk by chunk (PersonCache).
//
// Read once, in one pass over the `persons` table, inside the loader's read
// transaction (persons do not change during a batch: the batch's transaction
// holds the write lock). Packed: 40 bytes a person, no name (adjudication
// does not read it), plus 8 bytes of hash slots and the parents' numbers.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/model.hpp"
#include "src/store/batch_store.hpp"
#include "src/store/db.hpp"

namespace relief {

class RegistryImage {
 public:
  // Reads the registry when it holds at most persons_max persons, each with
  // an identity number of at most 18 bytes and months that fit 32 bits:
  // true. Otherwise false, and the image stays empty (use PersonCache).
  bool load(Db& db, std::size_t persons_max);

  // For a chunk of claims, as PersonCache::fill: `persons` gets their
  // patients found in the registry and those patients' parents;
  // `ledger_rows` the ledger rows of the patients seen for the first time in
  // this batch, and of those not in the registry (the ledger keeps the first
  // value it was given, so rows given again change nothing).
  void fill(Db& db, const std::vector<Claim>& claims, Persons& persons,
            std::vector<LedgerRow>& ledger_rows);

  std::size_t size() const { return records_.size(); }

 private:
  static constexpr std::size_t kIdBytesMax = 18;  // an identity number (SPEC 1)
  static constexpr std::uint32_t kNone = 0xFFFF'FFFFu;
  enum Flag : std::uint8_t {
    kDisability = 1,
    kWorksInGz = 2,
    kHardship = 4,
    kLivesWithParents = 8,
    kLedgerGiven = 16,  // this batch's ledger rows of the person were given out
  };
  struct Record {
    std::array<char, kIdBytesMax> id{};
    std::uint8_t id_bytes = 0;
    std::uint8_t hukou = 0, dibao = 0, student = 0;
    std::uint8_t flags = 0;
    std::int32_t pension_months = 0, residence_months = 0;
    std::uint32_t parents_at = 0, parents_bytes = 0;  // in parents_
    std::string_view id_view() const { return {id.data(), id_bytes}; }
  };
  static_assert(sizeof(Record) <= 40);

  static std::size_t hash(std::string_view id);
  std::uint32_t find(std::string_view id) const;  // index in records_, or kNone
  Person unpack(const Record& r) const;
  void clear();

  std::vector<Record> records_;
  std::vector<std::uint32_t> slots_;  // open addressing, linear probing: record index or kNone
  std::string parents_;               // every person's parents: a length byte, then the number
};

}  // namespace relief
