#include "src/core/idnumber.hpp"

#include <cassert>

namespace relief {

char id_check_character(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
  assert(first17.size() == 17);
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

IdParse parse_id_number(std::string_view text) {
  IdParse out;
  if (text.size() != 18) {
    out.error = IdError::length;
    out.reason = "has " + std::to_string(text.size()) + " characters, needs 18";
    return out;
  }
  for (std::size_t i = 0; i < 17; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      out.error = IdError::characters;
      out.reason = "character " + std::to_string(i + 1) + " is not a digit";
      return out;
    }
  }
  char last = text[17];
  if (last == 'x') last = 'X';
  if (!((last >= '0' && last <= '9') || last == 'X')) {
    out.error = IdError::characters;
    out.reason = "check character is not a digit or X";
    return out;
  }
  auto birth = parse_compact_date(text.substr(6, 8));
  if (!birth) {
    out.error = IdError::birth_date;
    out.reason = "characters 7-14 are not a real date";
    return out;
  }
  char expected = id_check_character(text.substr(0, 17));
  if (expected != last) {
    out.error = IdError::check_character;
    out.reason = std::string("check character is ") + last + ", the first 17 digits give " + expected;
    return out;
  }
  IdNumber id;
  id.value = std::string(text.substr(0, 17)) + last;
  id.birth = *birth;
  id.sex = ((text[16] - '0') % 2 == 1) ? Sex::male : Sex::female;
  out.id = std::move(id);
  return out;
}

void append_masked_id(std::string& out, std::string_view id) {
  if (id.size() != 18) {
    out.append(id.size() < 4 ? 4 : id.size(), '*');
    return;
  }
  out.append(id.substr(0, 6));
  out += "********";
  out.append(id.substr(14, 4));
}

std::string mask_id(std::string_view id) {
  std::string out;
  append_masked_id(out, id);
  return out;
}

}  // namespace relief
