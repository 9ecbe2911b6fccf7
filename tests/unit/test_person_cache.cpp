// Issue 7: the loader's person cache must give each chunk exactly the persons
// a fresh look-up gives (patients and their parents, absent ones absent),
// whatever its bound, and look a patient up again only after dropping it.
// The whole-registry image must give the same persons, and every patient's
// ledger rows before the patient's first claim.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <random>
#include <set>

#include "batch/person_cache.hpp"
#include "batch/registry_image.hpp"
#include "src/store/registry_store.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

std::string id_of(int n) { return fmt::format("44010619800101{:04d}", n); }  // 18 characters

// What adjudication reads of a person (not the name: the cache drops it).
template <typename Map>
std::string render(const Map& unordered) {
  const std::map<std::string, Person> persons(unordered.begin(), unordered.end());  // in id order
  std::string out;
  for (const auto& [id, p] : persons) {
    out += fmt::format("{} {} {} {} {} {} {} {} {} {} {} |", id, p.id_number, p.in_registry, to_string(p.hukou),
                       to_string(p.dibao), to_string(p.student), p.disability, p.works_in_gz, p.hardship,
                       p.lives_with_parents, p.pension_months * 1000 + p.residence_months);
    for (const auto& parent : p.parents) out += parent + ";";
    out += "\n";
  }
  return out;
}

struct Registry {
  TestDb t;
  std::vector<std::string> patients;  // in the registry, absent, and one too long to keep
  Registry() {
    std::vector<Person> persons;
    for (int n = 0; n < 300; ++n) {
      Person p;
      p.id_number = id_of(n);
      p.name = "患者" + std::to_string(n);
      p.hukou = n % 3 ? Hukou::local : Hukou::nonlocal;
      p.dibao = static_cast<Dibao>(n % 3);
      p.student = static_cast<Student>(n % 6);
      p.disability = n % 5 == 0;
      p.works_in_gz = n % 2 == 0;
      p.hardship = n % 7 == 0;
      p.lives_with_parents = n % 4 == 0;
      p.pension_months = n % 40;
      p.residence_months = n % 13;
      // Children (n >= 200) name parents: in the registry, absent (9xxx), or
      // an over-long number (n == 250) that the cache cannot keep.
      if (n >= 200) p.parents.push_back(id_of(n - 200));
      if (n >= 200 && n % 2) p.parents.push_back(n % 3 ? id_of(9000 + n) : id_of(n - 199));
      if (n == 250) p.parents.push_back("4401061980010100001X");
      persons.push_back(p);
      patients.push_back(p.id_number);
    }
    upsert_persons(*t.db, persons);
    for (int n = 0; n < 20; ++n) patients.push_back(id_of(8000 + n));  // not in the registry
    patients.push_back("44010619800101999999");                          // too long to keep
  }
};

std::vector<std::vector<Claim>> random_chunks(const std::vector<std::string>& patients, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<Claim>> chunks(60);
  for (auto& chunk : chunks) {
    const std::size_t n = 1 + rng() % 40;
    for (std::size_t k = 0; k < n; ++k) {
      Claim c;
      c.patient_id = patients[rng() % patients.size()];
      chunk.push_back(c);
    }
  }
  return chunks;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(person_cache)

BOOST_AUTO_TEST_CASE(every_bound_gives_what_a_fresh_look_up_gives) {
  Registry reg;
  const auto chunks = random_chunks(reg.patients, 7);
  std::vector<std::string> expected;
  for (const auto& chunk : chunks) {
    std::vector<std::string> ids;
    for (const auto& c : chunk) ids.push_back(c.patient_id);
    expected.push_back(render(load_persons(*reg.t.db, ids)));
  }
  std::size_t with_parents = 0;
  for (const auto& e : expected) with_parents += e.find(';') != std::string::npos;
  BOOST_REQUIRE(with_parents > 10);  // the chunks cross parents, as the children's rule reads them
  for (std::size_t bound : {0, 1, 7, 50, 200, 100'000}) {
    PersonCache cache(bound);
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      Persons persons;
      std::vector<LedgerRow> rows;
      cache.fill(*reg.t.db, chunks[i], persons, rows);
      BOOST_TEST(render(persons) == expected[i], "chunk " << i << " with bound " << bound);
    }
    BOOST_TEST(cache.size() <= bound + 3 * 2 * 40, "bound " << bound);  // + two generations' last chunk
  }
}

BOOST_AUTO_TEST_CASE(a_patient_is_looked_up_once_while_remembered) {
  Registry reg;
  const auto chunks = random_chunks(reg.patients, 11);
  std::set<std::string> distinct;
  std::size_t long_id_chunks = 0;
  for (const auto& chunk : chunks) {
    bool has_long = false;
    for (const auto& c : chunk) {
      distinct.insert(c.patient_id);
      has_long = has_long || c.patient_id.size() > 18 || c.patient_id == id_of(250);
    }
    long_id_chunks += has_long;
  }
  BOOST_REQUIRE(long_id_chunks > 0);
  PersonCache big(100'000), none(0);
  for (const auto& chunk : chunks) {
    Persons persons;
    std::vector<LedgerRow> rows;
    big.fill(*reg.t.db, chunk, persons, rows);
    none.fill(*reg.t.db, chunk, persons, rows);
  }
  // The long number and the patient whose parent has one are looked up in
  // every chunk they are in; every other patient once.
  BOOST_TEST(big.patients_looked_up() >= distinct.size());
  BOOST_TEST(big.patients_looked_up() <= distinct.size() + 2 * long_id_chunks);
  // Bound 0 keeps only the last chunk's persons: many more look-ups.
  BOOST_TEST(none.patients_looked_up() > distinct.size() + chunks.size());
}

BOOST_AUTO_TEST_CASE(the_registry_image_gives_what_a_fresh_look_up_gives) {
  Registry reg;
  const auto chunks = random_chunks(reg.patients, 7);
  // Ledger rows of some patients, in and out of the registry.
  Ledger ledger;
  std::set<std::string> with_rows;
  for (std::size_t k = 0; k < reg.patients.size(); k += 7) {
    const Ledger::Key key{reg.patients[k], "charity", 2026};
    ledger.add(Ledger::view(key), static_cast<std::int64_t>(100 + k), 1'000'000);
    with_rows.insert(reg.patients[k]);
  }
  write_ledger(*reg.t.db, ledger);
  BOOST_REQUIRE(with_rows.count(id_of(8001)));  // one not in the registry

  RegistryImage too_small;
  BOOST_TEST(!too_small.load(*reg.t.db, 299));  // 300 persons
  BOOST_TEST(too_small.size() == 0u);

  RegistryImage image;
  BOOST_REQUIRE(image.load(*reg.t.db, 300));
  BOOST_TEST(image.size() == 300u);
  std::map<std::string, std::int64_t> given;  // patient -> used_fen, as the adjudicator keeps them
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    std::vector<std::string> ids;
    for (const auto& c : chunks[i]) ids.push_back(c.patient_id);
    Persons persons;
    std::vector<LedgerRow> rows;
    image.fill(*reg.t.db, chunks[i], persons, rows);
    BOOST_TEST(render(persons) == render(load_persons(*reg.t.db, ids)), "chunk " << i);
    for (const auto& row : rows) given.emplace(std::get<0>(row.key), row.used_fen);
    for (const auto& id : ids)
      if (with_rows.count(id)) BOOST_TEST(given.count(id), "ledger rows of " << id << " by chunk " << i);
  }
  for (const auto& [id, used_fen] : given) BOOST_TEST(with_rows.count(id), id << " has no ledger row");
}

BOOST_AUTO_TEST_SUITE_END()
