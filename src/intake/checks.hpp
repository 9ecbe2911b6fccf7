#pragma once
// SPEC 3's claim-level checks, in the table's order (the first that applies
// wins). DUPLICATE needs the store and is applied by the intake afterwards.
#include <optional>
#include <string>

#include "adapters/feed/feed_reader.hpp"
#include "src/core/date.hpp"
#include "src/core/model.hpp"

namespace relief {

struct CheckFailure {
  std::string reason;  // SCHEMA | ID_CHECKSUM | ID_MISMATCH | AMOUNTS | DATES
  std::string detail;  // names the element and why
};

// Turns a raw claim into a Claim, or says why it is rejected.
// `created_date`: the date part of the feed's CreatedAt.
std::optional<CheckFailure> check_claim(const RawClaim& raw, const std::string& hospital_code,
                                        const std::string& feed_id, const Date& created_date, Claim& out);

}  // namespace relief
