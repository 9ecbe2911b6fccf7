#pragma once
// A feed verdict as JSON: `relief ingest --json` and the upload API show the
// same object.
#include <nlohmann/json.hpp>

#include "src/intake/ingest.hpp"

namespace relief {

nlohmann::json verdict_json(const FeedVerdict& v);

}  // namespace relief
