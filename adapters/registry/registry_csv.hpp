#pragma once
// The hospital registry (SPEC 2.2) and beneficiary registry (SPEC 2.3) CSV files.
#include <string>
#include <vector>

#include "adapters/registry/csv.hpp"
#include "src/core/model.hpp"

namespace relief {

// Each returns the rows when `errors` stays empty; otherwise the file must
// change nothing and every error is shown.
std::vector<Hospital> read_hospitals_csv(const std::string& bytes, std::vector<CsvError>& errors);
std::vector<Person> read_registry_csv(const std::string& bytes, std::vector<CsvError>& errors);

}  // namespace relief
