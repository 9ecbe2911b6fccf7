#pragma once
#include <string>
#include <vector>

namespace relief {
// Step N (0-based) takes the schema from version N to N+1. Steps are only
// ever appended: a released step is never edited.
const std::vector<std::vector<std::string>>& migrations();
}
