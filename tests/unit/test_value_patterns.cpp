// Issue 7: the feed reader checks four of the XSD's pattern facets in C++
// (adapters/feed/value_patterns.hpp) and validates the rest with the grammar
// less those facets. Reference model: Xerces-C with the shipped XSD, whole.
// On hundreds of values per field, both must agree on whether the feed or
// the claim breaks the schema.
#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/XMLUni.hpp>

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "adapters/feed/feed_reader.hpp"
#include "adapters/feed/value_patterns.hpp"
#include "adapters/feed/xerces_support.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;
using namespace xercesc;

namespace {

struct CountErrors : DefaultHandler {
  int errors = 0;
  void error(const SAXParseException&) override { ++errors; }
  void fatalError(const SAXParseException&) override { ++errors; }
};

// Xerces with the shipped XSD, patterns and all: does the document break it?
class Reference {
 public:
  Reference() : pool_((xml::ensure_initialized(), XMLPlatformUtils::fgMemoryManager)) {
    reader_.reset(XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, &pool_));
    xml::harden(*reader_, resolver_);
    const std::string& xsd = claim_feed_xsd();
    MemBufInputSource src(reinterpret_cast<const XMLByte*>(xsd.data()), xsd.size(), "claim-feed.xsd");
    BOOST_REQUIRE(reader_->loadGrammar(src, Grammar::SchemaGrammarType, true) != nullptr);
    xml::validate_with_cached_grammar(*reader_);
    reader_->setContentHandler(&handler_);
    reader_->setErrorHandler(&handler_);
  }
  bool breaks_schema(const std::string& doc) {
    handler_.errors = 0;
    MemBufInputSource in(reinterpret_cast<const XMLByte*>(doc.data()), doc.size(), "feed");
    try {
      reader_->parse(in);
    } catch (const SAXException&) {
      ++handler_.errors;
    }
    return handler_.errors > 0;
  }

 private:
  XMLGrammarPoolImpl pool_;
  xml::RefuseAllResolver resolver_;
  std::unique_ptr<SAX2XMLReader> reader_;
  CountErrors handler_;
};

// Relief's reader: the feed refused, or its one claim with a SCHEMA error.
bool relief_refuses(const std::string& doc) {
  FeedSource src;
  src.path = "feed.xml";
  src.buffer = &doc;
  bool claim_error = false;
  FeedCallbacks cb;
  cb.on_claim = [&](const RawClaim& c) { claim_error = claim_error || !c.schema_error.empty(); };
  FeedParse p = read_feed(src, "", cb);
  return !p.ok || claim_error;
}

std::vector<std::string> values(const std::vector<std::string>& picked, const std::string& alphabet, unsigned seed) {
  std::vector<std::string> out = picked;
  std::mt19937 rng(seed);
  // Random strings of 0-16 symbols (some multi-byte UTF-8).
  std::vector<std::string> symbols;
  for (std::size_t i = 0; i < alphabet.size();) {
    std::size_t n = (static_cast<unsigned char>(alphabet[i]) < 0x80) ? 1 : (static_cast<unsigned char>(alphabet[i]) < 0xE0 ? 2 : 3);
    symbols.push_back(alphabet.substr(i, n));
    i += n;
  }
  for (int k = 0; k < 200; ++k) {
    std::string v;
    const std::size_t len = rng() % 17;
    for (std::size_t j = 0; j < len; ++j) v += symbols[rng() % symbols.size()];
    out.push_back(v);
  }
  return out;
}

void agree_on(const std::string& field, const std::vector<std::string>& vs,
              const std::function<std::string(const std::string&)>& doc_with) {
  Reference ref;
  int broken = 0, fine = 0;
  for (const auto& v : vs) {
    const std::string doc = doc_with(v);
    const bool expected = ref.breaks_schema(doc);
    (expected ? broken : fine) += 1;
    BOOST_TEST(relief_refuses(doc) == expected, field << " '" << v << "': the XSD says " << (expected ? "invalid" : "valid"));
  }
  BOOST_TEST(broken > 10, field << ": too few invalid values tried");
  BOOST_TEST(fine > 10, field << ": too few valid values tried");
}

FeedHeader one_claim_header() {
  FeedHeader h;
  h.claim_count = "1";
  h.control_sum = "0.00";
  return h;
}

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Values of the pattern's shape, some just outside it.
std::vector<std::string> shaped_dates(unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (int k = 0; k < 60; ++k)
    out.push_back(fmt::format("{:04d}-{:02d}-{:02d}", 900 + rng() % 2000, rng() % 14, rng() % 33));
  return out;
}
std::vector<std::string> shaped_codes(unsigned seed) {
  std::mt19937 rng(seed);
  const std::string up = "ABJSZ", dig = "0189", tail = "0Aa9z.";
  std::vector<std::string> out;
  for (int k = 0; k < 60; ++k) {
    std::string v{up[rng() % up.size()], dig[rng() % dig.size()], (rng() % 2 ? up : dig)[rng() % 4]};
    if (rng() % 2) {
      v += '.';
      for (std::size_t n = rng() % 10; n > 0; --n) v += tail[rng() % tail.size()];
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(value_patterns)

BOOST_AUTO_TEST_CASE(checks_by_hand) {
  using feed_patterns::amount, feed_patterns::icd, feed_patterns::claim_id;
  auto date = [](std::string_view v) { return feed_patterns::date(v); };
  BOOST_TEST(amount("0"));
  BOOST_TEST(amount("999999999999.99"));
  BOOST_TEST(!amount("9999999999999"));
  BOOST_TEST(!amount("1.234"));
  BOOST_TEST(!amount("1."));
  BOOST_TEST(!amount(".5"));
  BOOST_TEST(!amount("+1"));
  BOOST_TEST(!amount(" 1"));
  BOOST_TEST(!amount(""));
  BOOST_TEST(date("2026-01-31"));
  BOOST_TEST(date(" 2026-01-31\n"));
  BOOST_TEST(!date("2026-1-31"));
  BOOST_TEST(!date("12026-01-31"));
  BOOST_TEST(icd("J18"));
  BOOST_TEST(icd("S06.0A1"));
  BOOST_TEST(!icd("j18"));
  BOOST_TEST(!icd("J18."));
  BOOST_TEST(!icd("J18.123456789"));
  BOOST_TEST(claim_id("C-1_2.3"));
  BOOST_TEST(!claim_id(std::string(33, 'C')));
  BOOST_TEST(!claim_id("C 1"));
}

BOOST_AUTO_TEST_CASE(the_xsd_must_hold_the_patterns_checked_here) {
  const std::string& xsd = claim_feed_xsd();
  const std::string stripped = feed_patterns::without_checked_patterns(xsd);
  std::size_t patterns_before = 0, patterns_after = 0;
  for (std::size_t at = 0; (at = xsd.find("<xs:pattern", at)) != std::string::npos; ++at) ++patterns_before;
  for (std::size_t at = 0; (at = stripped.find("<xs:pattern", at)) != std::string::npos; ++at) ++patterns_after;
  BOOST_TEST(patterns_before - patterns_after == 4u);
  std::string drifted = xsd;
  drifted.replace(drifted.find("{1,12}"), 6, "{1,13}");  // AmountType's pattern changed
  BOOST_CHECK_THROW(feed_patterns::without_checked_patterns(drifted), std::logic_error);
}

BOOST_AUTO_TEST_CASE(amounts_agree_with_the_xsd) {
  const auto vs = values({"0", "0.0", "0.00", "1.000", "123456789012", "1234567890123", "1.", ".1", "+1", "-1",
                          " 1.00", "1.00 ", "1e5", "１.00", "00.10"},
                         "0123456789..+- e", 11);
  agree_on("Total", vs, [](const std::string& v) {
    FeedClaim c;
    c.total = v;
    return feed_xml(one_claim_header(), {c});
  });
  agree_on("ControlSum", vs, [](const std::string& v) {
    FeedHeader h = one_claim_header();
    h.control_sum = v;
    return feed_xml(h, {FeedClaim{}});
  });
}

BOOST_AUTO_TEST_CASE(dates_agree_with_the_xsd) {
  const auto vs = joined(values({"2016-05-01", " 2016-05-01 ", "2016-02-30", "2016-5-01", "12016-05-01", "-2016-05-01",
                                 "2016-05-01Z", "2016-05-01+08:00", "２０１６-05-01", "٢٠١٦-05-01", "0999-01-01", "2016-13-01"},
                                "0123456789---- Z+:", 13),
                         shaped_dates(13));
  agree_on("BirthDate", vs, [](const std::string& v) {
    FeedClaim c;
    c.birth_date = v;
    return feed_xml(one_claim_header(), {c});
  });
  agree_on("DischargeDate", vs, [](const std::string& v) {
    FeedClaim c;
    c.discharge = v;
    return feed_xml(one_claim_header(), {c});
  });
}

BOOST_AUTO_TEST_CASE(diagnosis_codes_and_claim_ids_agree_with_the_xsd) {
  agree_on("Diagnosis",
           joined(values({"J18", "J18.9", "S06.0A1", "j18", "J1", "J18.", "J18.123456789", "J18.12345678", "1J8", "JJ8",
                          " J18", "J18 ", "Ｊ18"},
                         "JS0189AZaz. -", 17),
                  shaped_codes(17)),
           [](const std::string& v) {
             FeedClaim c;
             c.diagnoses = {v};
             return feed_xml(one_claim_header(), {c});
           });
  agree_on("ClaimId",
           values({"C1", "C-1_2.3", std::string(32, 'C'), std::string(33, 'C'), "", " C1", "C 1", "仁爱", "C/1"},
                  "Cc09._- /仁", 19),
           [](const std::string& v) {
             FeedClaim c;
             c.claim_id = v;
             return feed_xml(one_claim_header(), {c});
           });
}

BOOST_AUTO_TEST_SUITE_END()
