#pragma once
// Hospitals and the beneficiary registry in the database.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "src/core/model.hpp"
#include "src/store/db.hpp"

namespace relief {

// Upserts every row in one transaction (a re-import replaces the named rows).
void upsert_hospitals(Db& db, const std::vector<Hospital>& hospitals);
void upsert_persons(Db& db, const std::vector<Person>& persons);

std::map<std::string, Hospital> load_hospitals(Db& db);
// These persons (those in the registry) and their parents: the batch loads
// them chunk by chunk, so memory does not grow with the batch.
std::map<std::string, Person> load_persons(Db& db, std::vector<std::string> id_numbers);

// The registry's size, and every person in identity-number order (byte-wise)
// read as load_persons reads them, until f returns false (then false). More
// than persons_max rows is a DbError.
std::int64_t count_persons(Db& db);
bool each_person(Db& db, std::int64_t persons_max, const std::function<bool(Person&&)>& f);

}  // namespace relief
