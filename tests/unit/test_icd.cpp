// ICD-10 codes and SPEC 4's list matching: ranges over the first three
// characters, categories, and dotted codes covering their extensions.
#include <boost/test/unit_test.hpp>

#include "src/core/icd.hpp"

using namespace relief;

namespace {
// The entry a code matched, or "(none)".
std::string entry_text(const IcdList& l, std::string_view code) {
  const std::string* e = l.matching_entry(code);
  return e ? *e : "(none)";
}
IcdList list_of(const std::vector<std::string>& entries) {
  IcdList l;
  auto err = IcdList::parse(entries, l);
  BOOST_REQUIRE_MESSAGE(!err, err.value_or(""));
  return l;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(icd)

BOOST_AUTO_TEST_CASE(code_syntax) {
  for (const char* ok : {"C91", "C91.0", "J18.9", "D68.0", "C69.21", "Q2A", "A00.12345678", "K72.9x"})
    BOOST_TEST_CONTEXT(ok) { BOOST_TEST(is_icd10_code(ok)); }
  for (const char* bad : {"", "C9", "c91", "9C1", "CC1", "C91.", "C91.123456789", "C910", "C91-0", "C91.0 ",
                          " C91", "C91..0", "C91.0.1", "XYZ"})
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!is_icd10_code(bad)); }
}

BOOST_AUTO_TEST_CASE(range_covers_first_three_characters) {
  IcdList l = list_of({"C00-C97"});
  BOOST_TEST(l.matches("C00"));
  BOOST_TEST(l.matches("C00.1"));
  BOOST_TEST(l.matches("C50.9"));
  BOOST_TEST(l.matches("C97"));
  BOOST_TEST(l.matches("C97.0"));
  BOOST_TEST(!l.matches("C98"));
  BOOST_TEST(!l.matches("D00"));
  BOOST_TEST(!l.matches("B99.9"));
  BOOST_TEST(entry_text(l, "C34.1") == "C00-C97");
  IcdList i = list_of({"I60-I64"});
  BOOST_TEST(i.matches("I63.9"));
  BOOST_TEST(!i.matches("I65"));
  BOOST_TEST(!i.matches("I59.9"));
}

BOOST_AUTO_TEST_CASE(category_covers_its_extensions_only) {
  IcdList l = list_of({"D56"});
  BOOST_TEST(l.matches("D56"));
  BOOST_TEST(l.matches("D56.1"));
  BOOST_TEST(l.matches("D56.0"));
  BOOST_TEST(!l.matches("D57"));
  BOOST_TEST(!l.matches("D5"));
  BOOST_TEST(!l.matches("D560"));  // not a dot: not an extension of D56
}

BOOST_AUTO_TEST_CASE(dotted_code_covers_itself_and_extensions) {
  IcdList l = list_of({"C69.2"});
  BOOST_TEST(l.matches("C69.2"));
  BOOST_TEST(l.matches("C69.21"));
  BOOST_TEST(!l.matches("C69.3"));
  BOOST_TEST(!l.matches("C69"));
  BOOST_TEST(!l.matches("C69.1"));
  IcdList n = list_of({"N18.5"});
  BOOST_TEST(n.matches("N18.5"));
  BOOST_TEST(!n.matches("N18.4"));
  BOOST_TEST(!n.matches("N18"));
}

BOOST_AUTO_TEST_CASE(lists_report_the_matching_entry) {
  IcdList l = list_of({"C91-C95", "C69.2", "D68.0", "Q20-Q26"});
  BOOST_TEST(entry_text(l, "C92.0") == "C91-C95");
  BOOST_TEST(entry_text(l, "C69.2") == "C69.2");
  BOOST_TEST(entry_text(l, "D68.0") == "D68.0");
  BOOST_TEST(l.matching_entry("D68.1") == nullptr);
  BOOST_TEST(entry_text(l, "Q26.9") == "Q20-Q26");
  BOOST_TEST(l.entries().size() == 4u);
}

// Entries are found by the code's first letter; the first entry in list
// order still wins, and a range may span letters.
BOOST_AUTO_TEST_CASE(the_first_matching_entry_wins_across_letters) {
  IcdList a = list_of({"C00-D60", "D56", "A15"});
  BOOST_TEST(entry_text(a, "D56.0") == "C00-D60");
  BOOST_TEST(entry_text(a, "C18.7") == "C00-D60");
  BOOST_TEST(entry_text(a, "A15.3") == "A15");
  BOOST_TEST(a.matching_entry("D61") == nullptr);
  BOOST_TEST(a.matching_entry("B20") == nullptr);
  IcdList b = list_of({"D56", "C00-D60"});
  BOOST_TEST(entry_text(b, "D56.0") == "D56");
  BOOST_TEST(entry_text(b, "D57") == "C00-D60");
  IcdList c = list_of({"A00-Z99"});
  for (std::string code : {"A00", "M54.5", "Z99.9"}) BOOST_TEST(entry_text(c, code) == "A00-Z99");
  for (std::string code : {"", "d56", "556", "D5"}) BOOST_TEST(c.matching_entry(code) == nullptr);
  // Parsing again starts over.
  BOOST_REQUIRE(!IcdList::parse({"E11"}, c).has_value());
  BOOST_TEST(c.matching_entry("A00") == nullptr);
  BOOST_TEST(entry_text(c, "E11.9") == "E11");
}

BOOST_AUTO_TEST_CASE(bad_entries_are_refused_by_name) {
  IcdList l;
  auto e1 = IcdList::parse({"C97-C00"}, l);
  BOOST_REQUIRE(e1.has_value());
  BOOST_TEST(e1->find("C97-C00") != std::string::npos);
  BOOST_TEST(IcdList::parse({"C0-C97"}, l).has_value());
  BOOST_TEST(IcdList::parse({"c00"}, l).has_value());
  BOOST_TEST(IcdList::parse({"C00.1-C00.5"}, l).has_value());
  BOOST_TEST(!IcdList::parse({"C00-C00"}, l).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
