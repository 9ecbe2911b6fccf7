// adapters/feed/guard.cpp: the byte guard's markup scan. It reads 1 MiB at a
// time, so what it refuses and the line it names must not depend on where a
// chunk ends; comments and CDATA sections pass.
#include <boost/test/unit_test.hpp>

#include <string>

#include "adapters/feed/feed_reader.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;

namespace {

constexpr std::int64_t kBytesMax = 64LL * 1024 * 1024;

GuardResult guard(const std::string& bytes, const std::string& file = "in-memory.xml") {
  FeedSource src;
  src.path = file;
  src.buffer = &bytes;
  return guard_feed(src, kBytesMax);
}

// An XML declaration, then `lines` lines of 80 bytes of text, then `tail`
// (which starts on line lines + 3).
std::string feed_with(std::size_t lines, const std::string& tail) {
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ClaimFeed>\n";
  const std::string line(79, 'x');
  for (std::size_t i = 0; i < lines; ++i) s += line + '\n';
  return s + tail + "</ClaimFeed>\n";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(guard_scan)

BOOST_AUTO_TEST_CASE(comments_and_cdata_pass_anywhere) {
  for (std::size_t lines : {0u, 13107u, 13110u, 40000u}) {  // 13107 lines: just before the first 1 MiB boundary
    auto r = guard(feed_with(lines, "<!-- a comment --><Note><![CDATA[a <b> c]]></Note>\n"));
    BOOST_TEST(r.ok, "lines " << lines << ": " << r.detail);
  }
}

BOOST_AUTO_TEST_CASE(exclamation_marks_in_text_pass) {
  // The scan looks for '!' and then at the byte before: text with '!' (and
  // "!<" or "<" then "!" apart) is no declaration, at any chunk offset.
  for (std::size_t pad = 0; pad < 20; ++pad) {
    auto r = guard(feed_with(13107, std::string(pad, ' ') + "<Note>Help! !!<B/>!< B/>!</Note>\n"));
    BOOST_TEST(r.ok, "pad " << pad << ": " << r.detail);
  }
  auto first_byte = guard("!" + feed_with(0, ""));
  BOOST_TEST(!first_byte.ok);  // not XML, and no read before the buffer
}

BOOST_AUTO_TEST_CASE(doctype_is_refused_with_its_line_across_chunk_boundaries) {
  // Every offset of the declaration around the 1 MiB boundary: inside the
  // look-ahead, split between chunks, right after it.
  for (std::size_t pad = 0; pad < 120; ++pad) {
    std::string bytes = feed_with(13107, std::string(pad, ' ') + "<!DOCTYPE x>\n");
    auto r = guard(bytes);
    BOOST_REQUIRE(!r.ok);
    BOOST_TEST(r.code == "MALFORMED");
    BOOST_TEST(r.detail == "a DOCTYPE declaration at line 13110: DTDs and entities are not accepted",
               "pad " << pad << ": " << r.detail);
  }
  auto entity = guard(feed_with(5, "<!ENTITY e \"e\">\n"));
  BOOST_TEST(entity.detail == "an ENTITY declaration at line 8: DTDs and entities are not accepted");
  auto other = guard(feed_with(0, "<!ELEMENT x ANY>\n"));
  BOOST_TEST(other.detail == "a markup declaration at line 3: DTDs and entities are not accepted");
  // Inside a comment it is still refused: cheaper to ask than to parse DTDs.
  auto in_comment = guard(feed_with(2, "<!-- <!DOCTYPE x> -->\n"));
  BOOST_TEST(in_comment.detail == "a DOCTYPE declaration at line 5: DTDs and entities are not accepted");
}

BOOST_AUTO_TEST_CASE(the_first_of_nul_and_doctype_is_named) {
  auto a = guard(feed_with(20000, std::string(1, '\0') + "\n<!DOCTYPE x>\n"));
  BOOST_TEST(a.detail == "a NUL byte at line 20003: binary data or UTF-16 is not accepted");
  auto b = guard(feed_with(20000, "<!DOCTYPE x>\n" + std::string(1, '\0') + "\n"));
  BOOST_TEST(b.detail == "a DOCTYPE declaration at line 20003: DTDs and entities are not accepted");
}

BOOST_AUTO_TEST_CASE(a_declaration_split_by_the_last_byte_is_still_seen) {
  // "<!" as the very last bytes of the feed (no look-ahead left).
  std::string bytes = feed_with(13107, "") + "<!";
  auto r = guard(bytes);
  BOOST_REQUIRE(!r.ok);
  BOOST_TEST(r.detail.find("a markup declaration at line") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
