// Issue 2 item 6/8: hostile XML is refused without a crash and without
// opening any other file (checked with inotify on a decoy file); GB18030 and
// GBK feeds are accepted and decoded right.
#include <boost/test/unit_test.hpp>

#include <iconv.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <random>

#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace relief::test;

namespace {

// Watches one file and says whether anything opened or read it.
class FileWatch {
 public:
  explicit FileWatch(const std::string& path) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    BOOST_REQUIRE(fd_ >= 0);
    BOOST_REQUIRE(inotify_add_watch(fd_, path.c_str(), IN_OPEN | IN_ACCESS) >= 0);
  }
  ~FileWatch() { ::close(fd_); }
  FileWatch(const FileWatch&) = delete;
  FileWatch& operator=(const FileWatch&) = delete;
  bool touched() {
    alignas(inotify_event) char buf[4096];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    return n > 0;
  }

 private:
  int fd_ = -1;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const char* kSecret = "RELIEF-DECOY-SECRET-7f3a";

struct Decoy {
  TempDir dir;
  std::string path = dir.file("secret.txt");
  Decoy() { write_file(path, std::string(kSecret) + "\n"); }
};

std::string valid_body(const std::string& name = "张三") {
  FeedClaim c;
  c.name = name;
  std::string xml = feed_xml(FeedHeader{}, {c});
  return xml.substr(xml.find("<ClaimFeed"));  // without the XML declaration
}

void expect_no_leak(TestDb& t, const FeedVerdict& v) {
  BOOST_TEST(v.detail.find(kSecret) == std::string::npos);
  BOOST_TEST(v.detail.find("root:") == std::string::npos);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM feeds WHERE detail LIKE '%" + std::string(kSecret) + "%'") == 0);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM claims WHERE patient_name LIKE '%" + std::string(kSecret) +
                                   "%' OR patient_name LIKE '%root:%'") == 0);
}

void expect_malformed(TestDb& t, const FeedVerdict& v) {
  BOOST_TEST((v.outcome == FeedOutcome::refused));
  BOOST_TEST(v.code == "MALFORMED", v.code << ": " << v.detail);
  BOOST_TEST(!v.detail.empty());
  BOOST_TEST(v.claims_accepted == 0);
  BOOST_TEST(count_rows(*t.db, "SELECT count(*) FROM claims") == 0);
  expect_no_leak(t, v);
}

std::string convert(const std::string& utf8, const char* to) {
  iconv_t cd = iconv_open(to, "UTF-8");
  BOOST_REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  std::size_t rc = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  BOOST_REQUIRE_MESSAGE(rc != static_cast<std::size_t>(-1), "iconv to " << to << " failed, errno " << errno);
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_xml)

BOOST_AUTO_TEST_CASE(fixtures_are_refused_as_malformed) {
  for (const char* name : {"xxe.xml", "parameter_entity.xml", "external_dtd.xml", "billion_laughs.xml",
                           "doctype_in_comment.xml", "truncated.xml", "wrong_namespace.xml", "no_namespace.xml",
                           "wrong_root.xml", "empty.xml"}) {
    BOOST_TEST_CONTEXT(name) {
      TestDb t;
      auto start = std::chrono::steady_clock::now();
      auto v = ingest_path(*t.db, fixture(std::string("hostile/") + name));
      expect_malformed(t, v);
      BOOST_TEST(seconds_since(start) < 5.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(xxe_never_opens_the_file) {
  Decoy decoy;
  FileWatch watch(decoy.path);
  TestDb t;
  std::string xxe = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE ClaimFeed [<!ENTITY xxe SYSTEM \"file://" +
                    decoy.path + "\">]>\n" + valid_body("&xxe;");
  expect_malformed(t, ingest_bytes(*t.db, xxe));
  std::string pe = "<?xml version=\"1.0\"?>\n<!DOCTYPE ClaimFeed [<!ENTITY % p SYSTEM \"" + decoy.path + "\"> %p;]>\n" +
                   valid_body();
  expect_malformed(t, ingest_bytes(*t.db, pe));
  std::string ext = "<?xml version=\"1.0\"?>\n<!DOCTYPE ClaimFeed SYSTEM \"" + decoy.path + "\">\n" + valid_body();
  expect_malformed(t, ingest_bytes(*t.db, ext));
  BOOST_TEST(!watch.touched());
}

BOOST_AUTO_TEST_CASE(the_parser_alone_refuses_entities_too) {
  // Defence in depth: even if the byte guard were bypassed, Xerces must not
  // fetch an external entity or expand a billion laughs.
  Decoy decoy;
  FileWatch watch(decoy.path);
  std::string xxe = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE ClaimFeed [<!ENTITY xxe SYSTEM \"file://" +
                    decoy.path + "\">]>\n" + valid_body("&xxe;");
  FeedSource src;
  src.path = "xxe";
  src.buffer = &xxe;
  std::string names;
  FeedCallbacks cb;
  cb.on_claim = [&](const RawClaim& c) { names += c.name; };
  FeedParse p = read_feed(src, "", cb);
  BOOST_TEST(names.find(kSecret) == std::string::npos);
  BOOST_TEST(!watch.touched());

  std::string laughs = read_file(fixture("hostile/billion_laughs.xml"));
  src.buffer = &laughs;
  auto start = std::chrono::steady_clock::now();
  names.clear();
  p = read_feed(src, "", cb);
  BOOST_TEST(seconds_since(start) < 5.0);
  BOOST_TEST(names.size() < 100000u);
}

BOOST_AUTO_TEST_CASE(schema_location_is_not_fetched) {
  Decoy decoy;
  std::string xsd = decoy.dir.file("evil.xsd");
  // A schema that would accept anything, were it ever loaded.
  write_file(xsd, "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:relief:claim-feed:1\">"
                  "<xs:element name=\"ClaimFeed\" type=\"xs:anyType\"/></xs:schema>");
  FileWatch watch(xsd);
  FeedClaim bad;
  bad.claim_id = "X1";
  bad.extra = "<Remark>not in the real schema</Remark>";
  FeedClaim good;
  good.claim_id = "X2";
  std::string xml = feed_xml(FeedHeader{}, {bad, good});
  xml.replace(xml.find("<ClaimFeed xmlns=\"urn:relief:claim-feed:1\">"),
              std::string("<ClaimFeed xmlns=\"urn:relief:claim-feed:1\">").size(),
              "<ClaimFeed xmlns=\"urn:relief:claim-feed:1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
              "xsi:schemaLocation=\"urn:relief:claim-feed:1 file://" + xsd + "\">");
  TestDb t;
  auto v = ingest_bytes(*t.db, xml);
  BOOST_TEST((v.outcome == FeedOutcome::accepted), v.code << ": " << v.detail);
  BOOST_TEST(rejection_of(v, "X1") == "SCHEMA");  // judged by the built-in schema
  BOOST_TEST(rejection_of(v, "X2") == "");
  BOOST_TEST(!watch.touched());
}

BOOST_AUTO_TEST_CASE(utf16_with_doctype_is_refused) {
  std::string utf8 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<!DOCTYPE ClaimFeed [<!ENTITY xxe SYSTEM "
                     "\"file:///etc/passwd\">]>\n" + valid_body("&xxe;");
  std::string le = convert(utf8, "UTF-16LE");
  std::string be = convert(utf8, "UTF-16BE");
  for (const std::string& bytes : {std::string("\xFF\xFE") + le, std::string("\xFE\xFF") + be, le, be}) {
    TestDb t;
    expect_malformed(t, ingest_bytes(*t.db, bytes));
  }
}

BOOST_AUTO_TEST_CASE(other_encodings_are_refused) {
  TestDb t;
  std::string latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + valid_body("Zhang");
  expect_malformed(t, ingest_bytes(*t.db, latin1));
  // Declared UTF-8, but GBK bytes inside.
  std::string lying = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + valid_body(convert("张三", "GBK"));
  expect_malformed(t, ingest_bytes(*t.db, lying));
}

BOOST_AUTO_TEST_CASE(binary_garbage) {
  std::mt19937 rng(20161231);
  std::string noise(8192, '\0');
  for (auto& c : noise) c = static_cast<char>(rng() & 0xFF);
  TestDb t;
  expect_malformed(t, ingest_bytes(*t.db, noise));
  // Garbage that starts like markup and holds no NUL byte reaches Xerces.
  std::string markup = "<";
  for (int i = 0; i < 8192; ++i) markup.push_back(static_cast<char>(1 + rng() % 255));
  expect_malformed(t, ingest_bytes(*t.db, markup));
  std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + noise;
  expect_malformed(t, ingest_bytes(*t.db, png));
}

BOOST_AUTO_TEST_CASE(deep_nesting) {
  const int depth = 200000;
  std::string head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::string body = valid_body();
  std::string opens, closes;
  opens.reserve(depth * 3);
  closes.reserve(depth * 4);
  for (int i = 0; i < depth; ++i) opens += "<a>";
  for (int i = 0; i < depth; ++i) closes += "</a>";
  // Outside any claim, and inside a claim's Visit.
  std::string outside = head + body;
  outside.insert(outside.find("</ClaimFeed>"), opens + closes);
  std::string inside = head + body;
  inside.insert(inside.find("</Visit>"), opens + closes);
  for (const std::string* xml : {&outside, &inside}) {
    TestDb t;
    auto start = std::chrono::steady_clock::now();
    expect_malformed(t, ingest_bytes(*t.db, *xml));
    BOOST_TEST(seconds_since(start) < 10.0);
  }
}

BOOST_AUTO_TEST_CASE(gb18030_and_gbk_feeds_are_accepted) {
  // 䶮 (U+4DAE) is in GB18030 but not in GBK; declared GBK it must still survive.
  const std::string name = "䶮三";
  for (const char* declared : {"GBK", "GB18030", "gb2312", "CP936"}) {
    BOOST_TEST_CONTEXT(declared) {
      TestDb t;
      FeedHeader h;
      h.encoding = declared;
      FeedClaim c;
      c.name = name;
      std::string bytes = convert(feed_xml(h, {c}), "GB18030");
      BOOST_REQUIRE(bytes.find(name) == std::string::npos);  // really not UTF-8 any more
      auto v = ingest_bytes(*t.db, bytes);
      BOOST_TEST((v.outcome == FeedOutcome::accepted), v.code << ": " << v.detail);
      BOOST_TEST(query_text(*t.db, "SELECT patient_name FROM claims WHERE claim_id = 'C1'") == name);
    }
  }
  // A plain GBK feed from a GBK encoder.
  TestDb t;
  FeedHeader h;
  h.encoding = "GBK";
  FeedClaim c;
  c.name = "张三丰";
  auto v = ingest_bytes(*t.db, convert(feed_xml(h, {c}), "GBK"));
  BOOST_TEST((v.outcome == FeedOutcome::accepted), v.code << ": " << v.detail);
  BOOST_TEST(query_text(*t.db, "SELECT patient_name FROM claims WHERE claim_id = 'C1'") == "张三丰");
}

// The reader refills one RawClaim per claim (keeping its buffers): nothing
// of a claim leaks into the next, whose optional elements are absent.
BOOST_AUTO_TEST_CASE(each_claim_is_read_afresh) {
  FeedClaim full;
  full.claim_id = "C-FULL-0123456789";
  full.diagnoses = {"C92.0", "J18.9", "Q21.1"};
  full.accident = "true";
  full.special_approval = "SA-2016-000123456";
  FeedClaim bare;
  bare.claim_id = "C2";
  bare.id_number = "440106201001010016";
  bare.name = "李";
  bare.diagnoses = {"A00"};
  bare.extra = "<Oops/>";  // a schema error in this claim only
  FeedClaim third;
  third.claim_id = "C3";
  const std::string doc = feed_xml(FeedHeader{}, {full, bare, third});
  FeedSource src;
  src.path = "feed.xml";
  src.buffer = &doc;
  std::vector<RawClaim> got;
  FeedCallbacks cb;
  cb.on_claim = [&](const RawClaim& c) { got.push_back(c); };
  FeedParse p = read_feed(src, "", cb);
  BOOST_REQUIRE(p.ok);
  BOOST_REQUIRE(got.size() == 3u);
  BOOST_TEST(got[0].claim_id == "C-FULL-0123456789");
  BOOST_TEST(got[0].diagnoses.size() == 3u);
  BOOST_TEST(got[0].accident == "true");
  BOOST_TEST(got[0].has_special_approval);
  BOOST_TEST(got[0].special_approval == "SA-2016-000123456");
  BOOST_TEST(got[0].schema_error.empty());
  BOOST_TEST(got[1].position == 2);
  BOOST_TEST(got[1].claim_id == "C2");
  BOOST_TEST(got[1].id_number == "440106201001010016");
  BOOST_TEST(got[1].name == "李");
  BOOST_TEST((got[1].diagnoses == std::vector<std::string>{"A00"}));
  BOOST_TEST(got[1].accident.empty());
  BOOST_TEST(!got[1].has_special_approval);
  BOOST_TEST(got[1].special_approval.empty());
  BOOST_TEST(!got[1].schema_error.empty());
  BOOST_TEST(got[2].claim_id == "C3");
  BOOST_TEST(got[2].schema_error.empty());
  BOOST_TEST(got[2].line > got[1].line);

  // clear() leaves what a fresh RawClaim holds.
  RawClaim r = got[0];
  r.schema_error = "x";
  r.clear();
  const RawClaim fresh{};
  BOOST_TEST(r.position == fresh.position);
  BOOST_TEST(r.line == fresh.line);
  for (auto field : {&RawClaim::claim_id, &RawClaim::id_number, &RawClaim::name, &RawClaim::birth_date,
                     &RawClaim::sex, &RawClaim::visit_type, &RawClaim::admission_date, &RawClaim::discharge_date,
                     &RawClaim::accident, &RawClaim::total, &RawClaim::insurance_paid, &RawClaim::in_scope,
                     &RawClaim::out_of_scope, &RawClaim::special_approval, &RawClaim::schema_error})
    BOOST_TEST((r.*field).empty());
  BOOST_TEST(r.diagnoses.empty());
  BOOST_TEST(!r.has_special_approval);
  // A field added to RawClaim must be cleared by clear() and checked here.
  static_assert(sizeof(RawClaim) == 2 * sizeof(std::int64_t) + 15 * sizeof(std::string) +
                                        sizeof(std::vector<std::string>) + sizeof(std::int64_t),
                "RawClaim changed: update RawClaim::clear() and this test");
}

BOOST_AUTO_TEST_SUITE_END()
