// SPEC 1: the 18-character resident identity number (GB 11643-1999).
#include <boost/test/unit_test.hpp>

#include "src/core/idnumber.hpp"

using namespace relief;

BOOST_AUTO_TEST_SUITE(idnumber)

BOOST_AUTO_TEST_CASE(check_character) {
  // The published example numbers.
  BOOST_TEST(id_check_character("11010119900307451") == '4');
  BOOST_TEST(id_check_character("44010619800101001") == '9');
  // sum mod 11 == 2 gives X
  BOOST_TEST(id_check_character("11010519491231002") == 'X');
}

BOOST_AUTO_TEST_CASE(parses_a_valid_number) {
  auto p = parse_id_number("110101199003074514");
  BOOST_REQUIRE(p.id.has_value());
  BOOST_TEST((p.error == IdError::ok));
  BOOST_TEST(p.id->value == "110101199003074514");
  BOOST_TEST(p.id->birth.iso() == "1990-03-07");
  BOOST_TEST((p.id->sex == Sex::male));  // 17th character '1' is odd
  auto f = parse_id_number("440106198001010027");
  BOOST_REQUIRE(f.id.has_value());
  BOOST_TEST((f.id->sex == Sex::female));  // '2' is even
  BOOST_TEST(f.id->birth.iso() == "1980-01-01");
}

BOOST_AUTO_TEST_CASE(lower_case_x_is_stored_upper_case) {
  auto upper = parse_id_number("11010519491231002X");
  BOOST_REQUIRE(upper.id.has_value());
  BOOST_TEST(upper.id->value == "11010519491231002X");
  auto lower = parse_id_number("11010519491231002x");
  BOOST_REQUIRE(lower.id.has_value());
  BOOST_TEST(lower.id->value == "11010519491231002X");
  BOOST_TEST((lower.id->sex == Sex::female));
}

BOOST_AUTO_TEST_CASE(wrong_check_character) {
  auto p = parse_id_number("110101199003074515");
  BOOST_TEST(!p.id.has_value());
  BOOST_TEST((p.error == IdError::check_character));
  BOOST_TEST(!p.reason.empty());
  BOOST_TEST(p.reason.find("110101199003074515") == std::string::npos);  // never echoes the whole number
  BOOST_TEST((parse_id_number("110101199003074510").error == IdError::check_character));
  BOOST_TEST((parse_id_number("11010119900307451X").error == IdError::check_character));
}

BOOST_AUTO_TEST_CASE(malformed_numbers) {
  BOOST_TEST((parse_id_number("").error == IdError::length));
  BOOST_TEST((parse_id_number("11010119900307451").error == IdError::length));
  BOOST_TEST((parse_id_number("1101011990030745144").error == IdError::length));
  BOOST_TEST((parse_id_number("110101199003074514 ").error == IdError::length));
  BOOST_TEST((parse_id_number("1101011990030745A4").error == IdError::characters));
  BOOST_TEST((parse_id_number("11010119900307451Y").error == IdError::characters));
  BOOST_TEST((parse_id_number("X10101199003074514").error == IdError::characters));
  // Characters 7-14 must be a real date: 1990-02-30 is not.
  std::string bad_date = "11010119900230451";
  bad_date += id_check_character(bad_date);
  BOOST_TEST((parse_id_number(bad_date).error == IdError::birth_date));
  std::string leap = "11010120000229451";  // 2000 is a leap year
  leap += id_check_character(leap);
  BOOST_TEST(parse_id_number(leap).id.has_value());
  std::string not_leap = "11010119000229451";  // 1900 is not
  not_leap += id_check_character(not_leap);
  BOOST_TEST((parse_id_number(not_leap).error == IdError::birth_date));
}

BOOST_AUTO_TEST_CASE(masking) {
  BOOST_TEST(mask_id("440106198001010019") == "440106********0019");
  BOOST_TEST(mask_id("11010519491231002X") == "110105********002X");
  // Anything else is masked whole: no part of a malformed number leaks.
  BOOST_TEST(mask_id("1234567") == "*******");
  BOOST_TEST(mask_id("12").find_first_not_of('*') == std::string::npos);
  BOOST_TEST(mask_id("").find_first_not_of('*') == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
