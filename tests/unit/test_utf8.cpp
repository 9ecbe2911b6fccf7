// adapters/feed/xerces_support.cpp xml::to_utf8: Xerces' UTF-16 text to
// UTF-8 (every feed value goes through it). Every width, surrogate pairs,
// and lone surrogates (written as three bytes each).
#include <boost/test/unit_test.hpp>

#include <string>

#include "adapters/feed/xerces_support.hpp"

using namespace relief;

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(every_width_and_surrogates) {
  struct Case {
    std::u16string in;
    std::string out;
  };
  const Case cases[] = {
      {u"", ""},
      {u"C000001", "C000001"},
      {u"\u00e9", "\xc3\xa9"},                               // 2 bytes
      {u"\u5f20\u4e09", "\xe5\xbc\xa0\xe4\xb8\x89"},          // 张三, 3 bytes each
      {u"\u4dae", "\xe4\xb6\xae"},                           // 䶮
      {u"\U00020000", "\xf0\xa0\x80\x80"},                    // a surrogate pair, 4 bytes
      {u"a\U0002A6D6b", "a\xf0\xaa\x9b\x96" "b"},
      {std::u16string(1, char16_t(0xD800)), "\xed\xa0\x80"},  // lone high surrogate at the end
      {std::u16string{char16_t(0xD800), u'x'}, "\xed\xa0\x80x"},
      {std::u16string(1, char16_t(0xDC00)), "\xed\xb0\x80"},  // lone low surrogate
      {u"\u07ff\u0800\uffff", "\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"},
  };
  for (const auto& c : cases) {
    const std::string got = xml::to_utf8(c.in.data(), c.in.size());
    BOOST_TEST(got == c.out);
    BOOST_TEST(got.size() == c.out.size());
  }
}

// The ASCII run is taken four units at a time: every case above at every
// offset from a four-unit boundary, between ASCII of every length, comes out
// as the pieces do one by one; the buffer-reusing form gives the same.
BOOST_AUTO_TEST_CASE(ascii_runs_around_every_other_unit) {
  const std::u16string specials[] = {u"\u00e9", u"\u5f20", u"\U00020000", std::u16string(1, char16_t(0xD800)),
                                     std::u16string(1, char16_t(0xDC00)), u"\u0080", std::u16string(1, char16_t(0x7F)),
                                     std::u16string(1, char16_t(0x100)), std::u16string(1, char16_t(0xFF00))};
  std::string reused = "left over from before";
  for (const auto& special : specials) {
    const std::string special_utf8 = xml::to_utf8(special.data(), special.size());
    for (std::size_t before = 0; before <= 9; ++before)
      for (std::size_t after = 0; after <= 9; ++after) {
        std::u16string in(before, u'a');
        in += special;
        in += std::u16string(after, u'z');
        const std::string want = std::string(before, 'a') + special_utf8 + std::string(after, 'z');
        BOOST_TEST(xml::to_utf8(in.data(), in.size()) == want);
        xml::to_utf8(in.data(), in.size(), reused);
        BOOST_TEST(reused == want);
      }
  }
}

BOOST_AUTO_TEST_SUITE_END()
