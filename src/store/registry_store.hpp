#pragma once
// Hospitals and the beneficiary registry in the database.
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
// Persons named by the queued claims, and their parents.
std::map<std::string, Person> load_persons_for_queued(Db& db);

}  // namespace relief
