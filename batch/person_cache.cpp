#include "batch/person_cache.hpp"

#include <algorithm>
#include <cassert>
#include <functional>
#include <stdexcept>

#include "src/store/registry_store.hpp"

namespace relief {

std::size_t PersonCache::KeyHash::operator()(const Key& k) const noexcept {
  return std::hash<std::string_view>{}(std::string_view(k.id.data(), k.bytes));
}

namespace {
// Calls f(id) for each identity number of a ';'-joined list, until f returns false.
template <typename F>
bool each_parent(std::string_view joined, F f) {
  for (std::size_t start = 0; start < joined.size();) {
    const std::size_t end = std::min(joined.find(';', start), joined.size());
    if (!f(joined.substr(start, end - start))) return false;
    start = end + 1;
  }
  return true;
}
}  // namespace

bool PersonCache::make_key(std::string_view id, Key& out) {
  if (id.size() > kIdBytesMax) return false;
  out = Key{};
  std::copy(id.begin(), id.end(), out.id.begin());
  out.bytes = static_cast<std::uint8_t>(id.size());
  return true;
}

PersonCache::Entry* PersonCache::young_entry(const Key& k) {
  if (auto it = young_.find(k); it != young_.end()) return &it->second;
  auto old = old_.find(k);
  if (old == old_.end()) return nullptr;
  auto moved = young_.insert(old_.extract(old));
  assert(moved.inserted);
  if (!all_young(moved.position->second)) {
    young_.erase(moved.position);
    return nullptr;
  }
  return &moved.position->second;
}

bool PersonCache::all_young(const Entry& e) {
  if (!e.patient || !e.found) return true;  // only a patient's parents are read
  return each_parent(e.parents, [this](std::string_view id) {
    Key k;
    if (!make_key(id, k)) return false;
    if (young_.count(k)) return true;
    auto old = old_.find(k);
    if (old == old_.end()) return false;
    young_.insert(old_.extract(old));
    return true;
  });
}

PersonCache::Entry PersonCache::pack(const Person& p, bool patient) {
  Entry e;
  e.patient = patient;
  e.found = true;
  e.hukou = p.hukou;
  e.dibao = p.dibao;
  e.student = p.student;
  e.disability = p.disability;
  e.works_in_gz = p.works_in_gz;
  e.hardship = p.hardship;
  e.lives_with_parents = p.lives_with_parents;
  e.pension_months = p.pension_months;
  e.residence_months = p.residence_months;
  for (const auto& parent : p.parents) {
    if (!e.parents.empty()) e.parents += ';';
    e.parents += parent;
  }
  return e;
}

Person PersonCache::unpack(std::string_view id, const Entry& e) {
  assert(e.found);
  Person p;
  p.in_registry = true;
  p.id_number = std::string(id);
  p.hukou = e.hukou;
  p.dibao = e.dibao;
  p.student = e.student;
  p.disability = e.disability;
  p.works_in_gz = e.works_in_gz;
  p.hardship = e.hardship;
  p.lives_with_parents = e.lives_with_parents;
  p.pension_months = e.pension_months;
  p.residence_months = e.residence_months;
  each_parent(e.parents, [&p](std::string_view parent) {
    p.parents.emplace_back(parent);
    return true;
  });
  return p;
}

void PersonCache::fill(Db& db, const std::vector<Claim>& claims, Persons& persons,
                       std::vector<LedgerRow>& ledger_rows) {
  // The chunk's patients not remembered as patients, each once.
  std::vector<std::string> missing;
  for (const auto& c : claims) {
    Key k;
    const Entry* e = make_key(c.patient_id, k) ? young_entry(k) : nullptr;
    if (!e || !e->patient) missing.push_back(c.patient_id);
  }
  std::sort(missing.begin(), missing.end());
  missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
  patients_looked_up_ += missing.size();

  std::map<std::string, Person> found;  // the patients looked up now and their parents
  if (!missing.empty()) {
    found = load_persons(db, missing);
    ledger_rows = load_ledger_rows(db, missing);
    for (const auto& id : missing) {
      auto it = found.find(id);
      Key k;
      if (!make_key(id, k)) continue;
      if (it == found.end()) {
        Entry absent;
        absent.patient = true;
        young_[k] = std::move(absent);
        continue;
      }
      // Remembered only if its parents can be (their entries go in beside it).
      bool parents_fit = true;
      for (const auto& parent : it->second.parents) {
        Key pk;
        if (!make_key(parent, pk)) {
          parents_fit = false;
          break;
        }
        if (young_entry(pk)) continue;
        auto q = found.find(parent);
        young_.emplace(pk, q == found.end() ? Entry{} : pack(q->second, false));
      }
      if (parents_fit) young_[k] = pack(it->second, true);
      else young_.erase(k);
    }
  }

  for (const auto& c : claims) {
    if (persons.count(c.patient_id)) continue;
    if (auto it = found.find(c.patient_id); it != found.end()) {
      // Looked up now: its parents in the registry were looked up with it.
      for (const auto& parent : it->second.parents)
        if (auto q = found.find(parent); q != found.end()) persons.emplace(q->first, q->second);
      persons.emplace(it->first, it->second);
      continue;
    }
    Key k;
    const Entry* e = make_key(c.patient_id, k) ? young_entry(k) : nullptr;
    if (!e || !e->patient) {
      // Looked up above and not in the registry, or a long number not kept.
      assert(std::binary_search(missing.begin(), missing.end(), c.patient_id));
      continue;
    }
    if (!e->found) continue;
    Person p = unpack(c.patient_id, *e);
    for (const auto& parent : p.parents) {
      if (persons.count(parent)) continue;
      Key pk;
      const Entry* pe = make_key(parent, pk) ? young_entry(pk) : nullptr;
      // A remembered patient's parents are remembered (absent ones too).
      if (!pe) throw std::logic_error("person cache: a parent of " + c.patient_id + " was dropped");
      if (pe->found) persons.emplace(parent, unpack(parent, *pe));
    }
    persons.emplace(c.patient_id, std::move(p));
  }

  if (young_.size() >= persons_max_ / 2) {
    old_.swap(young_);
    young_.clear();
  }
}

}  // namespace relief
