// src/engine Ledger: rows keyed by (identity number, channel, year), kept in
// a compact key. Each row reads back under its own key only, and every row
// seen can be listed with its strings.
#include <boost/test/unit_test.hpp>

#include <map>
#include <string>

#include "src/engine/engine.hpp"

using namespace relief;

BOOST_AUTO_TEST_SUITE(ledger)

BOOST_AUTO_TEST_CASE(rows_are_kept_apart_and_listed_whole) {
  Ledger l;
  const std::string a = "11010119900307451X", b = "110101199003074514", short_id = "P1";
  l.load({a, "charity", 2016}, 500);
  l.add({a, "charity", 2016}, 700, 30000);
  l.add({a, "charity", 2017}, 100, 30000);
  l.add({a, "lottery", 2016}, 200, 10000);
  l.add({b, "charity", 2016}, 300, 30000);
  l.add({short_id, "government", 2016}, 50, 350000);

  BOOST_TEST(l.used({a, "charity", 2016}) == 1200);
  BOOST_TEST(l.loaded({a, "charity", 2016}) == 500);
  BOOST_TEST(l.used({a, "charity", 2017}) == 100);
  BOOST_TEST(l.loaded({a, "charity", 2017}) == 0);
  BOOST_TEST(l.used({a, "lottery", 2016}) == 200);
  BOOST_TEST(l.used({b, "charity", 2016}) == 300);
  BOOST_TEST(l.used({short_id, "government", 2016}) == 50);
  BOOST_TEST(l.used({"P", "government", 2016}) == 0);  // a prefix is another person
  BOOST_TEST(l.used({b, "children", 2016}) == 0);      // a channel with no row at all
  BOOST_TEST(l.used({b, "lottery", 2016}) == 0);

  // load_if_absent keeps what the batch already has.
  l.load_if_absent({a, "charity", 2016}, 9999);
  BOOST_TEST(l.used({a, "charity", 2016}) == 1200);
  l.load_if_absent({b, "lottery", 2015}, 40);
  BOOST_TEST(l.used({b, "lottery", 2015}) == 40);

  std::map<Ledger::Key, std::int64_t> listed;
  for (const auto& [compact, e] : l.entries()) {
    const auto [id, channel, year] = l.view(compact);
    listed[{std::string(id), std::string(channel), year}] = e.used_fen;
  }
  const std::map<Ledger::Key, std::int64_t> expected = {
      {{a, "charity", 2016}, 1200}, {{a, "charity", 2017}, 100},        {{a, "lottery", 2016}, 200},
      {{b, "charity", 2016}, 300},  {{short_id, "government", 2016}, 50}, {{b, "lottery", 2015}, 40}};
  BOOST_TEST((listed == expected));
}

BOOST_AUTO_TEST_CASE(an_identity_number_longer_than_18_is_refused) {
  Ledger l;
  BOOST_CHECK_THROW(l.add({"1101011990030745141", "charity", 2016}, 1, 100), std::length_error);
  BOOST_CHECK_THROW(l.used({"1101011990030745141", "charity", 2016}), std::length_error);
}

BOOST_AUTO_TEST_SUITE_END()
