// Issue 4 item 4: every payments-<channel>.xml of a batch validates against
// the official pain.001.001.03 XSD (schemas/iso20022, loaded from the file by a
// hardened Xerces-C reader that fetches nothing); NbOfTxs and CtrlSum match
// the rows; EndToEndId is unique, at most 35 characters and the same on a
// rerun; the debtor is the channel's fund account, the creditor the
// hospital, both agents by CNAPS code. The batches come from the steps of
// ../shared/cases (hand and generated-1001), run through the library.
#include <boost/test/unit_test.hpp>

#include <xercesc/framework/LocalFileInputSource.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/XMLString.hpp>
#include <xercesc/util/XMLUni.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/payments/payment_files.hpp"

#include <nlohmann/json.hpp>

#include "adapters/feed/xerces_support.hpp"
#include "adapters/registry/registry_csv.hpp"
#include "batch/run.hpp"
#include "channels/channel.hpp"
#include "src/core/date.hpp"
#include "src/core/money.hpp"
#include "src/intake/ingest.hpp"
#include "src/store/registry_store.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using namespace xercesc;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) { return test::read_file(p.string()); }
void spill(const fs::path& p, const std::string& bytes) { test::write_file(p.string(), bytes); }
using Scratch = test::TempDir;

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// RFC 4180 lines of a payments CSV (fields may be quoted; no newline inside a field here).
std::vector<std::map<std::string, std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (quoted) {
        if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') fields.back() += '"', ++i;
        else if (c == '"') quoted = false;
        else fields.back() += c;
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.emplace_back();
      } else {
        fields.back() += c;
      }
    }
    rows.push_back(fields);
  }
  std::vector<std::map<std::string, std::string>> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    BOOST_REQUIRE_EQUAL(rows[r].size(), rows[0].size());
    std::map<std::string, std::string> m;
    for (std::size_t c = 0; c < rows[0].size(); ++c) m[rows[0][c]] = rows[r][c];
    out.push_back(std::move(m));
  }
  return out;
}

// Runs a case's steps.txt (imports, ingest, run --date) through the library,
// against DB in WORK, writing batches under WORK/out. Returns the batch ids in order.
std::vector<std::string> run_case(const fs::path& case_dir, const fs::path& work) {
  auto db = Db::open((work / "relief.db").string());
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  std::vector<std::string> batches;
  std::istringstream steps(slurp(case_dir / "steps.txt"));
  std::string line;
  while (std::getline(steps, line)) {
    auto w = words_of(line);
    if (w.empty()) continue;
    if (w.size() == 3 && w[1] == "import") {
      std::vector<CsvError> errors;
      std::string bytes = slurp(case_dir / w[2]);
      if (w[0] == "hospitals") upsert_hospitals(*db, read_hospitals_csv(bytes, errors));
      else upsert_persons(*db, read_registry_csv(bytes, errors));
      BOOST_REQUIRE(errors.empty());
    } else if (w[0] == "ingest") {
      IngestOptions io;
      for (std::size_t i = 1; i < w.size(); ++i) ingest_feed(*db, FeedSource{(case_dir / w[i]).string(), nullptr}, io);
    } else if (w[0] == "run") {
      RunOptions opt;
      if (w.size() >= 3 && w[1] == "--date") opt.date = w[2];
      opt.out_dir = (work / "out").string();
      opt.feed_bytes_max = IngestOptions{}.feed_bytes_max;
      std::ostringstream out, err;
      RunResult r = run_batch(*db, channels, opt, out, err);
      if (!r.batch_id.empty()) batches.push_back(r.batch_id);
    } else {
      BOOST_FAIL("unknown step: " << line);
    }
  }
  return batches;
}

// ---- the XSD check and the values of one pain.001 file ----------------------

struct Transaction {
  std::string end_to_end_id, amount, currency, creditor_agent_scheme, creditor_agent, creditor_name, creditor_account;
};

struct Pain001 {
  std::vector<std::string> errors;  // schema and well-formedness errors
  std::string grp_nb_of_txs, grp_ctrl_sum, pmt_nb_of_txs, pmt_ctrl_sum, cre_dt_tm, payment_method;
  std::string debtor_name, debtor_account, debtor_agent_scheme, debtor_agent;
  int pmt_inf_count = 0;
  std::vector<Transaction> txs;
};

class Collector : public DefaultHandler {
 public:
  explicit Collector(Pain001& p) : p_(p) {}
  void startElement(const XMLCh* const, const XMLCh* const localname, const XMLCh* const,
                    const Attributes& attrs) override {
    path_.push_back(xml::to_utf8(localname));
    text_.clear();
    const std::string& name = path_.back();
    if (name == "PmtInf") ++p_.pmt_inf_count;
    if (name == "CdtTrfTxInf") p_.txs.emplace_back();
    if (name == "InstdAmt" && !p_.txs.empty()) {
      XMLCh* ccy = XMLString::transcode("Ccy");
      p_.txs.back().currency = xml::to_utf8(attrs.getValue(ccy));
      XMLString::release(&ccy);
    }
  }
  void characters(const XMLCh* const chars, const XMLSize_t length) override { text_ += xml::to_utf8(chars, length); }
  void endElement(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
    std::string p;
    for (const auto& s : path_) p += "/" + s;
    const std::string grp = "/Document/CstmrCdtTrfInitn/GrpHdr/";
    const std::string pmt = "/Document/CstmrCdtTrfInitn/PmtInf/";
    const std::string tx = pmt + "CdtTrfTxInf/";
    if (p == grp + "NbOfTxs") p_.grp_nb_of_txs = text_;
    else if (p == grp + "CtrlSum") p_.grp_ctrl_sum = text_;
    else if (p == grp + "CreDtTm") p_.cre_dt_tm = text_;
    else if (p == pmt + "NbOfTxs") p_.pmt_nb_of_txs = text_;
    else if (p == pmt + "CtrlSum") p_.pmt_ctrl_sum = text_;
    else if (p == pmt + "PmtMtd") p_.payment_method = text_;
    else if (p == pmt + "Dbtr/Nm") p_.debtor_name = text_;
    else if (p == pmt + "DbtrAcct/Id/Othr/Id") p_.debtor_account = text_;
    else if (p == pmt + "DbtrAgt/FinInstnId/ClrSysMmbId/ClrSysId/Cd") p_.debtor_agent_scheme = text_;
    else if (p == pmt + "DbtrAgt/FinInstnId/ClrSysMmbId/MmbId") p_.debtor_agent = text_;
    else if (!p_.txs.empty()) {
      Transaction& t = p_.txs.back();
      if (p == tx + "PmtId/EndToEndId") t.end_to_end_id = text_;
      else if (p == tx + "Amt/InstdAmt") t.amount = text_;
      else if (p == tx + "CdtrAgt/FinInstnId/ClrSysMmbId/ClrSysId/Cd") t.creditor_agent_scheme = text_;
      else if (p == tx + "CdtrAgt/FinInstnId/ClrSysMmbId/MmbId") t.creditor_agent = text_;
      else if (p == tx + "Cdtr/Nm") t.creditor_name = text_;
      else if (p == tx + "CdtrAcct/Id/Othr/Id") t.creditor_account = text_;
    }
    path_.pop_back();
    text_.clear();
  }
  void error(const SAXParseException& e) override { note(e); }
  void fatalError(const SAXParseException& e) override { note(e); }
  void warning(const SAXParseException&) override {}

 private:
  void note(const SAXParseException& e) {
    p_.errors.push_back("line " + std::to_string(e.getLineNumber()) + ": " + xml::to_utf8(e.getMessage()));
  }
  Pain001& p_;
  std::vector<std::string> path_;
  std::string text_;
};

const std::string kPainXsd = RELIEF_SOURCE_DIR "/schemas/iso20022/pain.001.001.03.xsd";

// Validates BYTES against the pain.001.001.03 XSD read from the file. The reader
// is hardened (no DTD, no external entity, no schema location honoured: the
// grammar is the one loaded here, cached, and the only one used).
Pain001 check_pain001(const std::string& bytes) {
  xml::ensure_initialized();
  Pain001 p;
  Collector handler(p);
  xml::RefuseAllResolver resolver;
  std::unique_ptr<SAX2XMLReader> reader(XMLReaderFactory::createXMLReader());
  xml::harden(*reader, resolver);
  reader->setFeature(XMLUni::fgSAX2CoreValidation, true);
  reader->setFeature(XMLUni::fgXercesDynamic, false);
  reader->setFeature(XMLUni::fgXercesSchema, true);
  reader->setFeature(XMLUni::fgXercesSchemaFullChecking, true);
  reader->setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
  reader->setFeature(XMLUni::fgXercesIdentityConstraintChecking, true);
  reader->setContentHandler(&handler);
  reader->setErrorHandler(&handler);
  {
    XMLCh* path = XMLString::transcode(kPainXsd.c_str());
    LocalFileInputSource xsd(path);
    XMLString::release(&path);
    Grammar* g = reader->loadGrammar(xsd, Grammar::SchemaGrammarType, /*toCache=*/true);
    BOOST_REQUIRE_MESSAGE(g != nullptr, "cannot load " << kPainXsd);
    BOOST_REQUIRE_MESSAGE(p.errors.empty(), "the XSD itself has errors: " << p.errors.front());
  }
  MemBufInputSource in(reinterpret_cast<const XMLByte*>(bytes.data()), bytes.size(), "pain.001");
  try {
    reader->parse(in);
  } catch (const SAXException& e) {
    p.errors.push_back("parse stopped: " + xml::to_utf8(e.getMessage()));
  }
  return p;
}

// S with WHAT inserted at AT.
std::string spliced(const std::string& s, std::size_t at, const std::string& what) {
  return s.substr(0, at) + what + s.substr(at);
}

std::int64_t fen(const std::string& amount) {
  auto v = parse_amount_fen(amount);
  BOOST_REQUIRE_MESSAGE(v.has_value(), "not an amount: '" << amount << "'");
  return *v;
}

// Every check of item 4 on the files of one batch. Returns the EndToEndIds.
std::vector<std::string> check_batch(const fs::path& dir, const std::string& batch_id, const ChannelSet& channels,
                                     const std::map<std::string, Hospital>& hospitals) {
  std::vector<std::string> ids;
  BOOST_TEST_CONTEXT("batch " << batch_id) {
    auto summary = nlohmann::json::parse(slurp(dir / "summary.json"));
    Date batch_date = parse_date(summary["batch_date"].get<std::string>()).value();
    int xml_files = 0;
    for (const auto& e : channels.in_payment_order()) {
      const std::string ch = e.module->name();
      BOOST_TEST_CONTEXT("channel " << ch) {
        auto rows = read_csv(slurp(dir / ("payments-" + ch + ".csv")));
        fs::path xml_path = dir / ("payments-" + ch + ".xml");
        BOOST_TEST(fs::exists(xml_path) == !rows.empty());
        if (rows.empty()) continue;
        ++xml_files;
        Pain001 p = check_pain001(slurp(xml_path));
        BOOST_TEST(p.errors.empty(), "XSD errors: " << (p.errors.empty() ? "" : p.errors.front()));
        BOOST_TEST(p.pmt_inf_count == 1);
        BOOST_TEST(p.payment_method == "TRF");
        BOOST_TEST(p.cre_dt_tm == batch_date.iso() + "T00:00:00+08:00");  // from the batch record
        // NbOfTxs and CtrlSum, in the group header and the PmtInf, match the rows.
        std::int64_t total = 0;
        for (const auto& r : rows) total += fen(r.at("amount"));
        std::int64_t xml_total = 0;
        for (const auto& t : p.txs) xml_total += fen(t.amount);
        BOOST_TEST(p.grp_nb_of_txs == std::to_string(rows.size()));
        BOOST_TEST(p.pmt_nb_of_txs == std::to_string(rows.size()));
        BOOST_TEST(p.txs.size() == rows.size());
        BOOST_TEST(fen(p.grp_ctrl_sum) == total);
        BOOST_TEST(fen(p.pmt_ctrl_sum) == total);
        BOOST_TEST(xml_total == total);
        BOOST_TEST(format_fen(total) == summary["channels"][ch]["total"].get<std::string>());
        // Debtor: the fund of the channel's version in force on the batch date.
        const FundingSource& fund = e.fund_version(batch_date).fund;
        BOOST_TEST(p.debtor_name == fund.name);
        BOOST_TEST(p.debtor_account == fund.account);
        BOOST_TEST(p.debtor_agent_scheme == "CNAPS");
        BOOST_TEST(p.debtor_agent == fund.bank_code);
        BOOST_TEST(summary["channels"][ch]["fund_account"].get<std::string>() == fund.account);
        for (std::size_t i = 0; i < p.txs.size() && i < rows.size(); ++i) {
          const Transaction& t = p.txs[i];
          const auto& r = rows[i];
          BOOST_TEST_CONTEXT("transaction " << i + 1) {
            BOOST_TEST(t.end_to_end_id == r.at("end_to_end_id"));
            BOOST_TEST(t.end_to_end_id.size() <= 35u);
            BOOST_TEST(t.currency == "CNY");
            BOOST_TEST(fen(t.amount) == fen(r.at("amount")));
            BOOST_TEST(fen(t.amount) > 0);
            // Creditor: the hospital of the claim; its agent by CNAPS code.
            auto h = hospitals.find(r.at("hospital_code"));
            BOOST_REQUIRE(h != hospitals.end());
            BOOST_TEST(t.creditor_name == h->second.name);
            BOOST_TEST(t.creditor_account == h->second.account);
            BOOST_TEST(t.creditor_agent_scheme == "CNAPS");
            BOOST_TEST(t.creditor_agent == h->second.bank_code);
            BOOST_TEST(r.at("account") == h->second.account);
            BOOST_TEST(r.at("bank_code") == h->second.bank_code);
            ids.push_back(t.end_to_end_id);
          }
        }
      }
    }
    BOOST_TEST(xml_files > 0, "the batch pays nothing: the case does not exercise pain.001");
  }
  return ids;
}

std::map<std::string, Hospital> hospitals_of(const fs::path& csv) {
  std::vector<CsvError> errors;
  auto rows = read_hospitals_csv(slurp(csv), errors);
  BOOST_REQUIRE(errors.empty());
  std::map<std::string, Hospital> m;
  for (auto& h : rows) m[h.code] = h;
  return m;
}

void check_case(const std::string& name) {
  const fs::path case_dir = fs::path(RELIEF_SHARED_DIR) / "cases" / name;
  BOOST_REQUIRE_MESSAGE(fs::exists(case_dir / "steps.txt"), case_dir << " is missing");
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  auto hospitals = hospitals_of(case_dir / "hospitals.csv");
  Scratch first, second;
  auto batches = run_case(case_dir, first.path());
  BOOST_REQUIRE(!batches.empty());
  std::vector<std::string> all_ids;
  for (const auto& b : batches) {
    auto ids = check_batch(first.path() / "out" / b, b, channels, hospitals);
    all_ids.insert(all_ids.end(), ids.begin(), ids.end());
  }
  // Unique across every file of every batch.
  BOOST_TEST(std::set<std::string>(all_ids.begin(), all_ids.end()).size() == all_ids.size());
  // A rerun of the same steps (another database, another folder) gives the same ids and bytes.
  auto again = run_case(case_dir, second.path());
  BOOST_REQUIRE(again == batches);
  for (const auto& b : batches)
    for (const auto& e : fs::directory_iterator(first.path() / "out" / b)) {
      const std::string file = e.path().filename().string();
      if (file.rfind("payments-", 0) != 0) continue;
      BOOST_TEST(slurp(e.path()) == slurp(second.path() / "out" / b / file), b << "/" << file << " differs on a rerun");
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pain001)

BOOST_AUTO_TEST_CASE(hand_case_files_validate_and_match) { check_case("hand"); }

BOOST_AUTO_TEST_CASE(generated_case_files_validate_and_match) { check_case("generated-1001"); }

// The check itself rejects broken files: a negative amount, a CtrlSum that is no number, a
// 36-character EndToEndId.
BOOST_AUTO_TEST_CASE(the_xsd_check_catches_invalid_files) {
  const fs::path case_dir = fs::path(RELIEF_SHARED_DIR) / "cases" / "hand";
  Scratch work;
  auto batches = run_case(case_dir, work.path());
  BOOST_REQUIRE(!batches.empty());
  std::string good;
  for (const auto& e : fs::directory_iterator(work.path() / "out" / batches.front()))
    if (e.path().extension() == ".xml") good = slurp(e.path());
  BOOST_REQUIRE(!good.empty());
  BOOST_TEST(check_pain001(good).errors.empty());

  std::string bad_amount = good;  // amounts are not negative
  const std::string amt = "<InstdAmt Ccy=\"CNY\">";
  auto at = bad_amount.find(amt);
  BOOST_REQUIRE(at != std::string::npos);
  bad_amount = spliced(bad_amount, at + amt.size(), "-");
  BOOST_TEST(!check_pain001(bad_amount).errors.empty());

  std::string no_ctrl_sum = good;  // CtrlSum is a number
  at = no_ctrl_sum.find("<CtrlSum>") + 9;
  no_ctrl_sum = spliced(no_ctrl_sum, at, "CNY");
  BOOST_TEST(!check_pain001(no_ctrl_sum).errors.empty());

  std::string long_id = good;
  at = long_id.find("<EndToEndId>") + 12;
  long_id = spliced(long_id, at, std::string(36, 'X'));
  BOOST_TEST(!check_pain001(long_id).errors.empty());

  // A file that names another schema location is still checked against the loaded one,
  // and nothing is fetched.
  std::string elsewhere = good;
  at = elsewhere.find("<Document ");
  elsewhere = spliced(elsewhere, at + 10, "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                      "xsi:schemaLocation=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03 http://192.0.2.1/x.xsd\" ");
  BOOST_TEST(check_pain001(elsewhere).errors.empty());
}

BOOST_AUTO_TEST_CASE(escaping_is_exact) {
  BOOST_TEST(xml_escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  BOOST_TEST(xml_escape("&&") == "&amp;&amp;");
  BOOST_TEST(xml_escape("仁爱 plain") == "仁爱 plain");
  BOOST_TEST(csv_field("plain 仁爱") == "plain 仁爱");
  BOOST_TEST(csv_field("x,y") == "\"x,y\"");
  BOOST_TEST(csv_field("q\"q") == "\"q\"\"q\"");
  BOOST_TEST(csv_field("line\nbreak") == "\"line\nbreak\"");
  BOOST_TEST(csv_field("cr\r") == "\"cr\r\"");
  std::string out = "<";
  append_xml_escaped(out, "'");
  append_csv_field(out, ",");
  BOOST_TEST(out == "<&apos;\",\"");
}

// Hospital names with XML's special characters and non-ASCII text still give a
// valid file, and the creditor name comes out unchanged.
BOOST_AUTO_TEST_CASE(creditor_names_with_markup_characters_validate) {
  const fs::path case_dir = fs::path(RELIEF_SHARED_DIR) / "cases" / "generated-1001";
  Scratch work;
  fs::path staged = work.path() / "case";
  fs::create_directories(staged);
  for (const auto& e : fs::directory_iterator(case_dir))
    fs::copy(e.path(), staged / e.path().filename(), fs::copy_options::recursive);
  std::string csv = slurp(case_dir / "hospitals.csv");
  const std::string odd = "\"A&B <\"\"仁爱\"\"> 'Hospital' & Co\"";
  auto line = csv.find("\nH0001,");
  BOOST_REQUIRE(line != std::string::npos);
  auto name_start = line + 7, name_end = csv.find(',', name_start);
  csv.replace(name_start, name_end - name_start, odd);
  spill(staged / "hospitals.csv", csv);
  auto hospitals = hospitals_of(staged / "hospitals.csv");
  BOOST_REQUIRE(hospitals.at("H0001").name == "A&B <\"仁爱\"> 'Hospital' & Co");

  fs::path run_dir = work.path() / "run";
  fs::create_directories(run_dir);
  auto batches = run_case(staged, run_dir);
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  bool seen = false;
  for (const auto& b : batches) {
    check_batch(run_dir / "out" / b, b, channels, hospitals);
    for (const auto& e : fs::directory_iterator(run_dir / "out" / b))
      if (e.path().extension() == ".xml") seen = seen || slurp(e.path()).find("A&amp;B &lt;") != std::string::npos;
  }
  BOOST_TEST(seen, "no payment to H0001: the test does not exercise the odd name");
}

// pain.001 allows 140 characters for the creditor's name (Max140Text). A name of
// 140 characters (CJK, 3 bytes each in UTF-8) gives a valid file; the hospital
// registry refuses a longer one at import, so a batch never writes an invalid file.
BOOST_AUTO_TEST_CASE(creditor_names_up_to_140_characters) {
  const fs::path case_dir = fs::path(RELIEF_SHARED_DIR) / "cases" / "generated-1001";
  std::string csv = slurp(case_dir / "hospitals.csv");
  auto line = csv.find("\nH0001,");
  BOOST_REQUIRE(line != std::string::npos);
  auto name_start = line + 7, name_end = csv.find(',', name_start);
  auto with_name = [&](std::size_t chars) {
    std::string name;
    for (std::size_t i = 0; i < chars; ++i) name += "医";
    std::string c = csv;
    return c.replace(name_start, name_end - name_start, name);
  };

  std::vector<CsvError> errors;
  read_hospitals_csv(with_name(141), errors);
  BOOST_REQUIRE_EQUAL(errors.size(), 1u);
  BOOST_TEST(errors.front().column == "name");

  Scratch work;
  fs::path staged = work.path() / "case";
  fs::create_directories(staged);
  for (const auto& e : fs::directory_iterator(case_dir))
    fs::copy(e.path(), staged / e.path().filename(), fs::copy_options::recursive);
  spill(staged / "hospitals.csv", with_name(140));
  auto hospitals = hospitals_of(staged / "hospitals.csv");
  BOOST_REQUIRE(hospitals.at("H0001").name.size() == 420u);
  fs::path run_dir = work.path() / "run";
  fs::create_directories(run_dir);
  ChannelSet channels = ChannelSet::load(RELIEF_SOURCE_DIR "/channels");
  for (const auto& b : run_case(staged, run_dir)) check_batch(run_dir / "out" / b, b, channels, hospitals);
}

BOOST_AUTO_TEST_SUITE_END()
