// ISO 20022 camt.053 (Bank-to-Customer Statement), versions 001.02 to
// 001.10, read with streaming Xerces-C SAX2 under the feeds' hardened
// settings. Only the elements reconciliation needs are read; each is checked
// in code (no XSD ships for most versions). What is read, relative to
// Document/BkToCstmrStmt/Stmt:
//   Id; Acct/Id/IBAN | Acct/Id/Othr/Id; Acct/Ccy
//   Ntry/{NtryRef, Amt@Ccy, CdtDbtInd, RvslInd, Sts | Sts/Cd | Sts/Prtry,
//         BookgDt/(Dt|DtTm), ValDt/(Dt|DtTm), AcctSvcrRef}
//   Ntry/NtryDtls/Btch/{PmtInfId, NbOfTxs}
//   Ntry/NtryDtls/TxDtls/{Refs/EndToEndId, Refs/PmtInfId, Amt@Ccy,
//         AmtDtls/TxAmt/Amt@Ccy, AmtDtls/InstdAmt/Amt@Ccy}
#include <xercesc/framework/LocalFileInputSource.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLUni.hpp>

#include <memory>

#include "adapters/feed/xerces_support.hpp"
#include "adapters/statements/statement.hpp"
#include "src/core/date.hpp"
#include "src/core/limits.hpp"
#include "src/core/money.hpp"

using namespace xercesc;

namespace relief {

namespace {

constexpr XMLCh kCcy[] = {u'C', u'c', u'y', 0};

struct Refusal {
  std::string detail;
};

// A transaction (TxDtls) as read.
struct RawTx {
  std::string end_to_end_id, pmt_inf_id;
  std::optional<std::int64_t> amount_fen;         // TxDtls/Amt (001.03 and later)
  std::optional<std::int64_t> tx_amount_fen;      // AmtDtls/TxAmt/Amt
  std::optional<std::int64_t> instd_amount_fen;   // AmtDtls/InstdAmt/Amt
};

struct RawEntry {
  std::int64_t position = 0, line = 0;
  std::string ntry_ref, amount, cdt_dbt, rvsl, status, booking_date, value_date, acct_svcr_ref;
  bool has_amount = false, has_status = false;
  std::string btch_pmt_inf_id, btch_nb_of_txs;
  std::vector<RawTx> txs;
};

class Handler : public DefaultHandler {
 public:
  explicit Handler(StatementParse& out) : out_(out) {}

  void setDocumentLocator(const Locator* const locator) override { locator_ = locator; }

  void startElement(const XMLCh* const uri, const XMLCh* const localname, const XMLCh* const,
                    const Attributes& attrs) override {
    std::string name = xml::to_utf8(localname);
    if (static_cast<int>(stack_.size()) + 1 > limits::statement_element_depth_max)
      fail("elements nested deeper than " + std::to_string(limits::statement_element_depth_max));
    if (stack_.empty()) {
      ns_ = xml::to_utf8(uri);
      version_ = camt053_version(ns_);
      if (name != "Document" || version_ == 0)
        throw Refusal{"not a camt.053 statement: the root element is {" + ns_ + "}" + name +
                      ", expected {urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN}Document with NN from 02 to 10"};
      char v[8];
      std::snprintf(v, sizeof v, "%02d", version_);
      out_.format = std::string("camt.053.001.") + v;
    }
    stack_.push_back(std::move(name));
    text_.clear();
    text_too_long_ = false;
    const std::size_t depth = stack_.size();
    const std::string& el = stack_.back();
    if (depth == 2 && el != "BkToCstmrStmt") fail("expected BkToCstmrStmt under Document, found " + el);
    if (depth == 3 && el == "Stmt") {
      if (++stmts_ > limits::statements_per_document_max)
        fail("more than " + std::to_string(limits::statements_per_document_max) + " Stmt elements");
      stmt_id_.clear();
      stmt_account_.clear();
    }
    if (depth == 4 && in("Stmt") && el == "Ntry") {
      if (++entries_ > limits::statement_entries_max)
        fail("more than " + std::to_string(limits::statement_entries_max) + " entries");
      entry_ = RawEntry{};
      entry_.position = entries_;
      entry_.line = line_number();
      in_entry_ = true;
      sts_child_ = false;
    }
    if (!in_entry_ || depth <= 4) {
      // Outside entries: the statement's own elements (SplmtryData/Envlp may hold other namespaces deeper down).
      if (depth <= 4 || (stack_[2] == "Stmt" && stack_[3] == "Acct")) check_namespace(uri);
      return;
    }
    std::string rel = entry_path();
    if (rel == "NtryDtls/TxDtls") {
      if (static_cast<std::int64_t>(entry_.txs.size()) >= limits::tx_details_per_entry_max)
        fail("more than " + std::to_string(limits::tx_details_per_entry_max) + " TxDtls in one entry");
      entry_.txs.emplace_back();
    }
    if (is_read(rel)) check_namespace(uri);
    if (rel == "Sts/Cd" || rel == "Sts/Prtry") sts_child_ = true;
    if (rel == "Amt" || rel == "NtryDtls/TxDtls/Amt") {
      std::string ccy = xml::to_utf8(attrs.getValue(kCcy));
      if (ccy != "CNY") fail("Ntry " + std::to_string(entry_.position) + " " + rel + ": currency '" + ccy +
                             "', only CNY is reconciled");
    }
    // AmtDtls may also show a foreign instructed amount: only CNY amounts there are used.
    if (rel == "NtryDtls/TxDtls/AmtDtls/TxAmt/Amt" || rel == "NtryDtls/TxDtls/AmtDtls/InstdAmt/Amt")
      amt_dtls_cny_ = xml::to_utf8(attrs.getValue(kCcy)) == "CNY";
  }

  void characters(const XMLCh* const chars, const XMLSize_t length) override {
    if (text_.size() + length > limits::text_bytes_max) {
      text_too_long_ = true;
      return;
    }
    text_.append(chars, length);
  }

  void endElement(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
    const std::size_t depth = stack_.size();
    const std::string& el = stack_.back();
    std::string value = trimmed(xml::to_utf8(text_.data(), text_.size()));
    bool long_text = text_too_long_;
    text_.clear();
    text_too_long_ = false;
    auto take = [&](std::string& field) {
      if (long_text) fail(path() + ": text longer than " + std::to_string(limits::text_bytes_max) + " characters");
      field = value;
    };
    if (depth == 4 && in("Stmt")) {
      if (el == "Id") take(stmt_id_);
      if (el == "Ntry") finish_entry();
    } else if (depth >= 5 && stack_[2] == "Stmt" && stack_[3] == "Acct") {
      std::string rel = path_from(4);
      if (rel == "Id/IBAN" || rel == "Id/Othr/Id") take(stmt_account_);
      if (rel == "Ccy" && value != "CNY") fail("Stmt/Acct/Ccy is '" + value + "', only CNY accounts are reconciled");
    } else if (in_entry_ && depth > 4) {
      read_entry_field(entry_path(), value, long_text);
    }
    if (depth == 3 && el == "Stmt") {
      if (stmt_id_.empty()) fail("Stmt " + std::to_string(stmts_) + " has no Id");
      if (stmt_account_.empty()) fail("Stmt " + stmt_id_ + " has no Acct/Id/IBAN or Acct/Id/Othr/Id");
      out_.statement_ids.push_back(stmt_id_);
      out_.accounts.push_back(stmt_account_);
    }
    stack_.pop_back();
  }

  void endDocument() override {
    if (stmts_ == 0) fail("no Stmt in BkToCstmrStmt");
  }

  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override {
    throw Refusal{"line " + std::to_string(e.getLineNumber()) + ": " + xml::to_utf8(e.getMessage())};
  }
  void fatalError(const SAXParseException& e) override {
    throw Refusal{"not well-formed XML at line " + std::to_string(e.getLineNumber()) + ", column " +
                  std::to_string(e.getColumnNumber()) + ": " + xml::to_utf8(e.getMessage())};
  }

 private:
  static std::string trimmed(std::string s) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && blank(s.back())) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && blank(s[i])) ++i;
    return s.substr(i);
  }
  std::int64_t line_number() const { return locator_ ? static_cast<std::int64_t>(locator_->getLineNumber()) : 0; }
  bool in(const char* parent) const { return stack_.size() >= 2 && stack_[stack_.size() - 2] == parent; }
  std::string path_from(std::size_t first) const {
    std::string p;
    for (std::size_t i = first; i < stack_.size(); ++i) {
      if (!p.empty()) p += '/';
      p += stack_[i];
    }
    return p;
  }
  std::string path() const { return path_from(0); }
  std::string entry_path() const { return path_from(4); }  // below Document/BkToCstmrStmt/Stmt/Ntry
  static bool is_read(const std::string& rel) {
    static const char* const kRead[] = {"NtryRef", "Amt", "CdtDbtInd", "RvslInd", "Sts", "Sts/Cd", "Sts/Prtry",
                                        "BookgDt", "BookgDt/Dt", "BookgDt/DtTm", "AcctSvcrRef", "NtryDtls",
                                        "NtryDtls/Btch", "NtryDtls/Btch/PmtInfId", "NtryDtls/TxDtls",
                                        "NtryDtls/TxDtls/Refs", "NtryDtls/TxDtls/Refs/EndToEndId"};
    for (const char* r : kRead)
      if (rel == r) return true;
    return false;
  }
  void check_namespace(const XMLCh* uri) const {
    std::string ns = xml::to_utf8(uri);
    if (ns != ns_) fail(path() + " is in namespace '" + ns + "', expected '" + ns_ + "'");
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw Refusal{"line " + std::to_string(line_number()) + ": " + what};
  }

  std::int64_t amount_of(const std::string& rel, const std::string& value) const {
    std::string why;
    auto fen = parse_statement_amount_fen(value, why);
    if (!fen) fail("Ntry " + std::to_string(entry_.position) + " " + rel + ": " + why);
    return *fen;
  }

  void read_entry_field(const std::string& rel, const std::string& value, bool long_text) {
    if (long_text && is_read(rel))
      fail("Ntry " + std::to_string(entry_.position) + " " + rel + ": text longer than " +
           std::to_string(limits::text_bytes_max) + " characters");
    RawEntry& e = entry_;
    if (rel == "NtryRef") e.ntry_ref = value;
    else if (rel == "Amt") { e.amount = value; e.has_amount = true; }
    else if (rel == "CdtDbtInd") e.cdt_dbt = value;
    else if (rel == "RvslInd") e.rvsl = value;
    else if (rel == "Sts") {
      e.has_status = true;
      if (version_ >= 8 && !sts_child_)
        fail("Ntry " + std::to_string(e.position) + " Sts: camt.053.001.08 and later give the status as Sts/Cd");
      if (version_ < 8 && sts_child_)
        fail("Ntry " + std::to_string(e.position) + " Sts: before camt.053.001.08 the status is a bare code, not Sts/Cd");
      if (version_ < 8) e.status = value;
      sts_child_ = false;
    } else if (rel == "Sts/Cd" || rel == "Sts/Prtry") e.status = value;
    else if (rel == "BookgDt/Dt" || rel == "BookgDt/DtTm") e.booking_date = date_of(rel, value, rel.back() == 'm');
    else if (rel == "ValDt/Dt" || rel == "ValDt/DtTm") e.value_date = date_of(rel, value, rel.back() == 'm');
    else if (rel == "AcctSvcrRef") e.acct_svcr_ref = value;
    else if (rel == "NtryDtls/Btch/PmtInfId") { if (e.btch_pmt_inf_id.empty()) e.btch_pmt_inf_id = value; }
    else if (rel == "NtryDtls/Btch/NbOfTxs") { if (e.btch_nb_of_txs.empty()) e.btch_nb_of_txs = value; }
    else if (!e.txs.empty()) {
      RawTx& t = e.txs.back();
      if (rel == "NtryDtls/TxDtls/Refs/EndToEndId") t.end_to_end_id = value;
      else if (rel == "NtryDtls/TxDtls/Refs/PmtInfId") t.pmt_inf_id = value;
      else if (rel == "NtryDtls/TxDtls/Amt") t.amount_fen = amount_of(rel, value);
      else if (rel == "NtryDtls/TxDtls/AmtDtls/TxAmt/Amt" && amt_dtls_cny_) t.tx_amount_fen = amount_of(rel, value);
      else if (rel == "NtryDtls/TxDtls/AmtDtls/InstdAmt/Amt" && amt_dtls_cny_)
        t.instd_amount_fen = amount_of(rel, value);
    }
  }

  std::string date_of(const std::string& rel, const std::string& value, bool date_time) const {
    std::optional<Date> d = date_time ? timestamp_date(value) : parse_date(value);
    if (date_time && !d && value.size() >= 19 && value[10] == 'T') d = parse_date(value.substr(0, 10));  // local time, no offset
    if (!d) fail("Ntry " + std::to_string(entry_.position) + " " + rel + ": '" + value.substr(0, 40) + "' is not a date");
    return d->iso();
  }

  void finish_entry() {
    in_entry_ = false;
    const RawEntry& e = entry_;
    std::string at = "Ntry " + std::to_string(e.position) + " (line " + std::to_string(e.line) + ")";
    if (!e.has_amount) fail(at + " has no Amt");
    std::int64_t amount = amount_of("Amt", e.amount);
    if (e.cdt_dbt != "CRDT" && e.cdt_dbt != "DBIT") fail(at + ": CdtDbtInd '" + e.cdt_dbt + "' is neither CRDT nor DBIT");
    bool reversal = false;
    if (e.rvsl == "true" || e.rvsl == "1") reversal = true;
    else if (!e.rvsl.empty() && e.rvsl != "false" && e.rvsl != "0") fail(at + ": RvslInd '" + e.rvsl + "' is not a boolean");
    if (!e.has_status || e.status.empty()) fail(at + " has no Sts");
    std::optional<std::int64_t> nb;
    if (!e.btch_nb_of_txs.empty()) {
      if (e.btch_nb_of_txs.size() > 15 || e.btch_nb_of_txs.find_first_not_of("0123456789") != std::string::npos)
        fail(at + ": Btch/NbOfTxs '" + e.btch_nb_of_txs + "' is not a number");
      nb = std::stoll(e.btch_nb_of_txs);
    }
    StatementLine base;
    base.entry = e.position;
    base.line = e.line;
    base.booking_date = e.booking_date.empty() ? e.value_date : e.booking_date;
    base.status = e.status;
    base.credit = e.cdt_dbt == "CRDT";
    base.reversal = reversal;
    base.acct_svcr_ref = e.acct_svcr_ref;
    base.ntry_ref = e.ntry_ref;
    base.batch_tx_count = nb;
    base.pmt_inf_id = e.btch_pmt_inf_id;
    auto absent = [](const std::string& id) { return id.empty() || id == "NOTPROVIDED"; };
    bool any_e2e = false;
    for (const auto& t : e.txs) any_e2e = any_e2e || !absent(t.end_to_end_id);
    if (!any_e2e) {
      // A batch booking (or an entry nobody can match): one line for the entry.
      StatementLine l = base;
      l.amount_fen = amount;
      if (l.pmt_inf_id.empty() && e.txs.size() == 1) l.pmt_inf_id = e.txs[0].pmt_inf_id;
      out_.lines.push_back(std::move(l));
      return;
    }
    std::int64_t sum = 0;
    std::int64_t n = 0;
    for (const auto& t : e.txs) {
      StatementLine l = base;
      l.tx = ++n;
      l.end_to_end_id = absent(t.end_to_end_id) ? std::string() : t.end_to_end_id;
      if (!t.pmt_inf_id.empty()) l.pmt_inf_id = t.pmt_inf_id;
      std::optional<std::int64_t> a = t.amount_fen ? t.amount_fen : t.tx_amount_fen ? t.tx_amount_fen : t.instd_amount_fen;
      if (!a && e.txs.size() == 1) a = amount;
      if (!a) fail(at + " TxDtls " + std::to_string(n) + ": no amount (Amt or AmtDtls) in an entry of " +
                   std::to_string(e.txs.size()) + " transactions");
      l.amount_fen = *a;
      sum = add_fen(sum, *a);  // each is at most limits::money_fen_max: no overflow before the check below
      if (sum > limits::money_fen_max)
        fail(at + ": its TxDtls amounts add up to more than the entry's Amt " + format_fen(amount));
      out_.lines.push_back(std::move(l));
    }
    if (sum != amount)
      fail(at + ": its TxDtls amounts add up to " + format_fen(sum) + ", the entry's Amt is " + format_fen(amount));
  }

  StatementParse& out_;
  const Locator* locator_ = nullptr;
  std::vector<std::string> stack_;
  std::u16string text_;
  bool text_too_long_ = false;
  std::string ns_;
  int version_ = 0;
  std::int64_t stmts_ = 0, entries_ = 0;
  std::string stmt_id_, stmt_account_;
  bool in_entry_ = false, sts_child_ = false, amt_dtls_cny_ = false;
  RawEntry entry_;
};

}  // namespace

StatementParse read_camt053(const FeedSource& src, const GuardResult& guard) {
  xml::ensure_initialized();
  StatementParse out;
  out.sha256_hex = guard.sha256_hex;
  out.bytes = guard.bytes;
  std::unique_ptr<SAX2XMLReader> reader(XMLReaderFactory::createXMLReader());
  xml::RefuseAllResolver resolver;
  xml::harden(*reader, resolver);
  reader->setFeature(XMLUni::fgSAX2CoreValidation, false);
  reader->setFeature(XMLUni::fgXercesSchema, false);
  Handler handler(out);
  reader->setContentHandler(&handler);
  reader->setErrorHandler(&handler);
  std::unique_ptr<InputSource> input = xml::make_input(src.path, src.buffer, guard.encoding);

  std::string refusal;
  try {
    reader->parse(*input);
  } catch (const Refusal& r) {
    refusal = r.detail;
  } catch (const SAXParseException& e) {
    refusal = "line " + std::to_string(e.getLineNumber()) + ": " + xml::to_utf8(e.getMessage());
  } catch (const SAXException& e) {
    refusal = xml::to_utf8(e.getMessage());
  } catch (const XMLException& e) {
    refusal = xml::to_utf8(e.getMessage());
  } catch (const OutOfMemoryException&) {
    refusal = "the parser ran out of memory";
  }
  if (!refusal.empty()) {
    out.errors.push_back(refusal);
    out.lines.clear();
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace relief
