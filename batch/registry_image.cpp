#include "batch/registry_image.hpp"

#include <algorithm>
#include <cassert>
#include <functional>
#include <limits>

#include "src/store/registry_store.hpp"

namespace relief {

std::size_t RegistryImage::hash(std::string_view id) { return std::hash<std::string_view>{}(id); }

void RegistryImage::clear() {
  std::vector<Record>().swap(records_);
  std::vector<std::uint32_t>().swap(slots_);
  std::string().swap(parents_);
}

bool RegistryImage::load(Db& db, std::size_t persons_max) {
  clear();
  // Indexes and offsets are 32 bits; a registry that big is PersonCache's.
  persons_max = std::min<std::size_t>(persons_max, std::numeric_limits<std::uint32_t>::max() / 4);
  const std::int64_t persons = count_persons(db);
  if (persons < 0 || static_cast<std::uint64_t>(persons) > persons_max) return false;
  records_.reserve(static_cast<std::size_t>(persons));
  constexpr std::int64_t kMonthsMax = std::numeric_limits<std::int32_t>::max();
  const bool all = each_person(db, persons, [this](Person&& p) {
    if (p.id_number.size() > kIdBytesMax) return false;
    if (p.pension_months < -kMonthsMax || p.pension_months > kMonthsMax) return false;
    if (p.residence_months < -kMonthsMax || p.residence_months > kMonthsMax) return false;
    Record r;
    std::copy(p.id_number.begin(), p.id_number.end(), r.id.begin());
    r.id_bytes = static_cast<std::uint8_t>(p.id_number.size());
    r.hukou = static_cast<std::uint8_t>(p.hukou);
    r.dibao = static_cast<std::uint8_t>(p.dibao);
    r.student = static_cast<std::uint8_t>(p.student);
    r.flags = static_cast<std::uint8_t>((p.disability ? kDisability : 0) | (p.works_in_gz ? kWorksInGz : 0) |
                                        (p.hardship ? kHardship : 0) |
                                        (p.lives_with_parents ? kLivesWithParents : 0));
    r.pension_months = static_cast<std::int32_t>(p.pension_months);
    r.residence_months = static_cast<std::int32_t>(p.residence_months);
    const std::size_t at = parents_.size();
    for (const auto& parent : p.parents) {
      if (parent.size() > 255) return false;
      parents_ += static_cast<char>(parent.size());
      parents_ += parent;
    }
    if (parents_.size() > std::numeric_limits<std::uint32_t>::max()) return false;
    r.parents_at = static_cast<std::uint32_t>(at);
    r.parents_bytes = static_cast<std::uint32_t>(parents_.size() - at);
    records_.push_back(r);
    return true;
  });
  if (!all) {
    clear();
    return false;
  }
  std::size_t slots = 16;
  while (slots < 2 * records_.size()) slots *= 2;
  slots_.assign(slots, kNone);
  for (std::uint32_t i = 0; i < records_.size(); ++i) {
    std::size_t s = hash(records_[i].id_view()) & (slots - 1);
    while (slots_[s] != kNone) s = (s + 1) & (slots - 1);
    slots_[s] = i;
  }
  return true;
}

std::uint32_t RegistryImage::find(std::string_view id) const {
  if (slots_.empty() || id.size() > kIdBytesMax) return kNone;
  const std::size_t mask = slots_.size() - 1;
  // At most half the slots are used: the probe ends at an empty one.
  for (std::size_t s = hash(id) & mask;; s = (s + 1) & mask) {
    const std::uint32_t i = slots_[s];
    if (i == kNone) return kNone;
    if (records_[i].id_view() == id) return i;
  }
}

Person RegistryImage::unpack(const Record& r) const {
  Person p;
  p.in_registry = true;
  p.id_number = std::string(r.id_view());
  p.hukou = static_cast<Hukou>(r.hukou);
  p.dibao = static_cast<Dibao>(r.dibao);
  p.student = static_cast<Student>(r.student);
  p.disability = r.flags & kDisability;
  p.works_in_gz = r.flags & kWorksInGz;
  p.hardship = r.flags & kHardship;
  p.lives_with_parents = r.flags & kLivesWithParents;
  p.pension_months = r.pension_months;
  p.residence_months = r.residence_months;
  const std::string_view packed(parents_.data() + r.parents_at, r.parents_bytes);
  for (std::size_t at = 0; at < packed.size();) {
    const std::size_t bytes = static_cast<unsigned char>(packed[at]);
    assert(at + 1 + bytes <= packed.size());
    p.parents.emplace_back(packed.substr(at + 1, bytes));
    at += 1 + bytes;
  }
  return p;
}

void RegistryImage::fill(Db& db, const std::vector<Claim>& claims, Persons& persons,
                         std::vector<LedgerRow>& ledger_rows) {
  std::vector<std::string> ledger_of;
  for (const auto& c : claims) {
    const std::uint32_t i = find(c.patient_id);
    if (i == kNone) {
      ledger_of.push_back(c.patient_id);
      continue;
    }
    Record& r = records_[i];
    if (!(r.flags & kLedgerGiven)) {
      r.flags |= kLedgerGiven;
      ledger_of.push_back(c.patient_id);
    }
    // Already here if an earlier claim's patient, or parent: a parent's own
    // parents were not added with it, so they are looked at in any case.
    auto it = persons.find(c.patient_id);
    if (it == persons.end()) it = persons.emplace(c.patient_id, unpack(r)).first;
    for (const auto& parent : it->second.parents) {
      if (persons.count(parent)) continue;
      const std::uint32_t j = find(parent);
      if (j != kNone) persons.emplace(parent, unpack(records_[j]));
    }
  }
  std::sort(ledger_of.begin(), ledger_of.end());
  ledger_of.erase(std::unique(ledger_of.begin(), ledger_of.end()), ledger_of.end());
  if (!ledger_of.empty()) ledger_rows = load_ledger_rows(db, std::move(ledger_of));
}

}  // namespace relief
