#pragma once
// The 18-character resident identity number (GB 11643-1999).
#include <optional>
#include <string>
#include <string_view>

#include "src/core/date.hpp"

namespace relief {

enum class Sex { male, female };

struct IdNumber {
  std::string value;  // normalised: 17 digits + digit or 'X'
  Date birth;
  Sex sex = Sex::male;
};

enum class IdError { ok, length, characters, birth_date, check_character };

struct IdParse {
  std::optional<IdNumber> id;
  IdError error = IdError::ok;
  std::string reason;  // for a person: what is wrong, without echoing the whole number
};

char id_check_character(std::string_view first17);
// Accepts lower-case 'x' and stores 'X'.
IdParse parse_id_number(std::string_view text);
// First 6, eight '*', last 4. Anything not 18 characters long is masked whole.
std::string mask_id(std::string_view id);
void append_masked_id(std::string& out, std::string_view id);  // mask_id, appended

}  // namespace relief
