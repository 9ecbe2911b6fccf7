#include "adapters/feed/feed_reader.hpp"

#include <xercesc/framework/LocalFileInputSource.hpp>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/Locator.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/sax2/Attributes.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/OutOfMemoryException.hpp>
#include <xercesc/util/XMLException.hpp>
#include <xercesc/util/XMLString.hpp>
#include <xercesc/util/XMLUni.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <string_view>

#include "adapters/feed/value_patterns.hpp"
#include "adapters/feed/xerces_support.hpp"
#include "src/core/limits.hpp"

using namespace xercesc;

namespace relief {

extern const char* const kClaimFeedXsdText;  // generated from schemas/claim-feed.xsd

const std::string& claim_feed_xsd() {
  static const std::string text(kClaimFeedXsdText);
  return text;
}

namespace {

constexpr const char* kNamespace = "urn:relief:claim-feed:1";

// Xerces-C 3.2 fills a pattern's character maps on first use without a lock
// (RangeToken::createMap): two parses validating with one grammar at the same
// time can see a half-filled map and refuse a valid value (seen: a correct
// ControlSum refused while two feeds were parsed at once). So a grammar is
// never shared between threads at the same time: each parse leases a grammar
// pool of its own, and pools are reused. At most one per concurrent parse.
class GrammarPools {
 public:
  static constexpr std::size_t kPoolsMax = 64;  // > server threads + ingest readers

  class Lease {
   public:
    explicit Lease(GrammarPools& owner) : owner_(owner), pool_(owner.take()) {}
    ~Lease() { owner_.give_back(pool_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    XMLGrammarPool* get() const { return pool_; }

   private:
    GrammarPools& owner_;
    XMLGrammarPool* pool_;
  };

 private:
  XMLGrammarPool* take() {
    {
      std::lock_guard lk(mu_);
      if (!free_.empty()) {
        XMLGrammarPool* p = free_.back();
        free_.pop_back();
        return p;
      }
      if (created_ >= kPoolsMax) throw std::logic_error("more concurrent feed parses than grammar pools");
      ++created_;
    }
    return load();  // outside the lock: a few milliseconds, once per pool
  }
  void give_back(XMLGrammarPool* p) {
    std::lock_guard lk(mu_);
    free_.push_back(p);
  }
  static XMLGrammarPool* load() {
    xml::ensure_initialized();
    // Kept until the process ends, like Xerces itself (Terminate is never called while parses may run).
    auto* pool = new XMLGrammarPoolImpl(XMLPlatformUtils::fgMemoryManager);
    std::unique_ptr<SAX2XMLReader> loader(XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, pool));
    xml::RefuseAllResolver resolver;
    xml::harden(*loader, resolver);
    // The shipped grammar less the per-claim patterns checked in C++ (value_patterns.hpp).
    static const std::string xsd = feed_patterns::without_checked_patterns(claim_feed_xsd());
    MemBufInputSource src(reinterpret_cast<const XMLByte*>(xsd.data()), xsd.size(), "claim-feed.xsd");
    if (!loader->loadGrammar(src, Grammar::SchemaGrammarType, true))
      throw std::logic_error("the built-in claim-feed XSD does not load");
    pool->lockPool();
    return pool;
  }

  std::mutex mu_;
  std::vector<XMLGrammarPool*> free_;
  std::size_t created_ = 0;
};

GrammarPools g_pools;

struct Abort {
  std::string code;
  std::string detail;
};

// The feed's element names, known to the handler by number: a claim has
// twenty-odd elements and each end tag is dispatched on its name and its
// parent's, so they are compared once, as UTF-16, when the element starts.
enum class Elem : std::uint8_t {
  other,  // not in the feed format (the XSD reports it); its name is kept
  ClaimFeed, Header, FeedId, HospitalCode, CreatedAt, ClaimCount, ControlSum,
  Claim, ClaimId, SpecialApproval,
  Patient, IdNumber, Name, BirthDate, Sex,
  Visit, Type, AdmissionDate, DischargeDate, Diagnosis, Accident,
  Costs, Total, InsurancePaid, InScopeSelfPay, OutOfScopeSelfPay,
};

struct ElemName {
  Elem elem;
  std::u16string_view utf16;
  const char* utf8;
};

constexpr ElemName kElemNames[] = {
    {Elem::ClaimFeed, u"ClaimFeed", "ClaimFeed"},
    {Elem::Header, u"Header", "Header"},
    {Elem::FeedId, u"FeedId", "FeedId"},
    {Elem::HospitalCode, u"HospitalCode", "HospitalCode"},
    {Elem::CreatedAt, u"CreatedAt", "CreatedAt"},
    {Elem::ClaimCount, u"ClaimCount", "ClaimCount"},
    {Elem::ControlSum, u"ControlSum", "ControlSum"},
    {Elem::Claim, u"Claim", "Claim"},
    {Elem::ClaimId, u"ClaimId", "ClaimId"},
    {Elem::SpecialApproval, u"SpecialApproval", "SpecialApproval"},
    {Elem::Patient, u"Patient", "Patient"},
    {Elem::IdNumber, u"IdNumber", "IdNumber"},
    {Elem::Name, u"Name", "Name"},
    {Elem::BirthDate, u"BirthDate", "BirthDate"},
    {Elem::Sex, u"Sex", "Sex"},
    {Elem::Visit, u"Visit", "Visit"},
    {Elem::Type, u"Type", "Type"},
    {Elem::AdmissionDate, u"AdmissionDate", "AdmissionDate"},
    {Elem::DischargeDate, u"DischargeDate", "DischargeDate"},
    {Elem::Diagnosis, u"Diagnosis", "Diagnosis"},
    {Elem::Accident, u"Accident", "Accident"},
    {Elem::Costs, u"Costs", "Costs"},
    {Elem::Total, u"Total", "Total"},
    {Elem::InsurancePaid, u"InsurancePaid", "InsurancePaid"},
    {Elem::InScopeSelfPay, u"InScopeSelfPay", "InScopeSelfPay"},
    {Elem::OutOfScopeSelfPay, u"OutOfScopeSelfPay", "OutOfScopeSelfPay"},
};

// kElemNames' indexes by their first two letters (at most 4 names share two),
// so a start tag's name is compared with its few candidates only, each up to
// its terminating zero (no separate length scan).
struct ElemsByPrefix {
  static constexpr int kLetters = 26 * 2;  // A-Z, a-z
  static int letter(char16_t c) {
    if (c >= u'A' && c <= u'Z') return c - u'A';
    if (c >= u'a' && c <= u'z') return 26 + (c - u'a');
    return -1;
  }
  std::array<std::array<std::int8_t, 5>, kLetters * kLetters> index{};
  ElemsByPrefix() {
    for (auto& row : index) row.fill(-1);
    for (std::size_t i = 0; i < std::size(kElemNames); ++i) {
      const std::u16string_view n = kElemNames[i].utf16;
      if (n.size() < 2 || letter(n[0]) < 0 || letter(n[1]) < 0) throw std::logic_error("element name too short");
      auto& row = index.at(static_cast<std::size_t>(letter(n[0]) * kLetters + letter(n[1])));
      auto free_slot = std::find(row.begin(), row.end(), -1);
      if (free_slot == row.end() - 1) throw std::logic_error("too many element names with one prefix");
      *free_slot = static_cast<std::int8_t>(i);
    }
  }
};

// The number of a zero-terminated element name.
Elem elem_of(const XMLCh* name) {
  static const ElemsByPrefix by_prefix;
  const int first = ElemsByPrefix::letter(name[0]);
  if (first < 0) return Elem::other;
  const int second = ElemsByPrefix::letter(name[1]);  // the terminating 0 of a one-letter name is no letter
  if (second < 0) return Elem::other;
  for (std::int8_t i : by_prefix.index[static_cast<std::size_t>(first * ElemsByPrefix::kLetters + second)]) {
    if (i < 0) break;
    const std::u16string_view candidate = kElemNames[static_cast<std::size_t>(i)].utf16;
    std::size_t k = 2;
    while (k < candidate.size() && name[k] == candidate[k]) ++k;
    if (k == candidate.size() && name[k] == 0) return kElemNames[static_cast<std::size_t>(i)].elem;
  }
  return Elem::other;
}

const char* utf8_name(Elem e) {
  for (const auto& n : kElemNames)
    if (n.elem == e) return n.utf8;
  return "";
}

class Handler : public DefaultHandler {
 public:
  Handler(const FeedCallbacks& cb, FeedParse& out) : cb_(cb), out_(out) {}

  void setDocumentLocator(const Locator* const locator) override { locator_ = locator; }

  void startElement(const XMLCh* const uri, const XMLCh* const localname, const XMLCh* const,
                    const Attributes&) override {
    const Elem elem = elem_of(localname);
    // Names not in the feed format (the XSD reports them) are kept for messages.
    if (elem == Elem::other) other_names_.push_back(xml::to_utf8(localname));
    if (static_cast<int>(stack_.size()) + 1 > limits::element_depth_max)
      throw Abort{"MALFORMED", "elements nested deeper than " + std::to_string(limits::element_depth_max) +
                                   " at line " + line()};
    if (stack_.empty()) {
      std::string ns = xml::to_utf8(uri);
      if (elem != Elem::ClaimFeed || ns != kNamespace)
        throw Abort{"MALFORMED", "root element is {" + ns + "}" + name_of(elem, 0) + ", expected {" + kNamespace +
                                     "}ClaimFeed"};
    }
    if (stack_.size() == 1 && elem == Elem::Claim) {
      deliver_header();
      ++out_.claim_elements;
      if (out_.claim_elements > limits::claims_per_feed_max)
        throw Abort{"TOO_LARGE", "more than " + std::to_string(limits::claims_per_feed_max) + " claims in one feed"};
      in_claim_ = true;
      claim_.clear();
      claim_.position = out_.claim_elements;
      claim_.line = locator_ ? static_cast<std::int64_t>(locator_->getLineNumber()) : 0;
    }
    stack_.push_back(elem);
    text_.clear();
    text_too_long_ = false;
  }

  void characters(const XMLCh* const chars, const XMLSize_t length) override {
    if (text_.size() + length > limits::text_bytes_max) {
      text_too_long_ = true;
      return;
    }
    text_.append(chars, length);
  }

  void endElement(const XMLCh* const, const XMLCh* const, const XMLCh* const) override {
    const Elem elem = stack_.back();
    const Elem parent = stack_.size() >= 2 ? stack_[stack_.size() - 2] : Elem::other;
    if (text_too_long_) {
      std::string msg = path() + ": text longer than " + std::to_string(limits::text_bytes_max) + " characters";
      if (in_claim_) note_claim_error(msg);
      else throw Abort{"MALFORMED", msg};
    }
    std::string& value = value_;  // reused: the fields below copy it
    xml::to_utf8(text_.data(), text_.size(), value);
    text_.clear();
    check_pattern(parent, elem, value);
    if (parent == Elem::Header) {
      auto& h = out_.header;
      switch (elem) {
        case Elem::FeedId: h.feed_id = value; break;
        case Elem::HospitalCode: h.hospital_code = value; break;
        case Elem::CreatedAt: h.created_at = value; break;
        case Elem::ClaimCount: h.claim_count = value; break;
        case Elem::ControlSum: h.control_sum = value; break;
        default: break;
      }
    } else if (in_claim_) {
      assign_claim_field(parent, elem, value);
    }
    if (stack_.size() == 2 && elem == Elem::Header) {
      if (!header_error_.empty()) throw Abort{"MALFORMED", header_error_};
      deliver_header();
    }
    if (stack_.size() == 2 && elem == Elem::Claim) {
      in_claim_ = false;
      if (cb_.on_claim) cb_.on_claim(claim_);
    }
    stack_.pop_back();
    if (elem == Elem::other) other_names_.pop_back();
  }

  void endDocument() override { deliver_header(); }

  // ErrorHandler
  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override {
    std::string msg = path() + ": " + xml::to_utf8(e.getMessage()) + " (line " + std::to_string(e.getLineNumber()) + ")";
    if (in_claim_) {
      note_claim_error(msg);
    } else if (stack_.size() >= 2 && stack_[1] == Elem::Header) {
      if (header_error_.empty()) header_error_ = "Header: " + msg;
    } else {
      throw Abort{"MALFORMED", msg};
    }
  }
  void fatalError(const SAXParseException& e) override {
    throw Abort{"MALFORMED", "not well-formed XML at line " + std::to_string(e.getLineNumber()) + ", column " +
                                 std::to_string(e.getColumnNumber()) + ": " + xml::to_utf8(e.getMessage())};
  }

 private:
  std::string line() const { return locator_ ? std::to_string(locator_->getLineNumber()) : std::string("?"); }
  // The name of an open element; other_index: how many elements not in the
  // feed format are open outside it.
  std::string name_of(Elem e, std::size_t other_index) const {
    if (e != Elem::other) return utf8_name(e);
    return other_index < other_names_.size() ? other_names_[other_index] : std::string("?");
  }
  std::string path() const {
    std::string p;
    std::size_t others = !stack_.empty() && stack_[0] == Elem::other ? 1 : 0;
    for (std::size_t i = 1; i < stack_.size(); ++i) {
      if (!p.empty()) p += '/';
      p += name_of(stack_[i], others);
      if (stack_[i] == Elem::other) ++others;
    }
    return p.empty() ? std::string("ClaimFeed") : p;
  }

  // The pattern facets taken out of the grammar, at the element's end (where
  // Xerces reported them): the same SCHEMA error, or the same header refusal.
  void check_pattern(Elem parent, Elem elem, std::string_view value) {
    bool (*ok)(std::string_view) = nullptr;
    std::string_view pattern;
    if (parent == Elem::Header && elem == Elem::ControlSum) {
      ok = feed_patterns::amount, pattern = feed_patterns::kAmountPattern;
    } else if (!in_claim_) {
      return;
    } else if (parent == Elem::Claim && elem == Elem::ClaimId) {
      ok = feed_patterns::claim_id, pattern = feed_patterns::kClaimIdPattern;
    } else if ((parent == Elem::Patient && elem == Elem::BirthDate) ||
               (parent == Elem::Visit && (elem == Elem::AdmissionDate || elem == Elem::DischargeDate))) {
      ok = feed_patterns::date, pattern = feed_patterns::kDatePattern;
    } else if (parent == Elem::Visit && elem == Elem::Diagnosis) {
      ok = feed_patterns::icd, pattern = feed_patterns::kIcdPattern;
    } else if (parent == Elem::Costs && (elem == Elem::Total || elem == Elem::InsurancePaid ||
                                         elem == Elem::InScopeSelfPay || elem == Elem::OutOfScopeSelfPay)) {
      ok = feed_patterns::amount, pattern = feed_patterns::kAmountPattern;
    } else {
      return;
    }
    if (ok(value)) return;
    // Worded as Xerces words it: the details read the same as before.
    std::string msg = path() + ": value '" + std::string(value) + "' does not match regular expression facet '" +
                      std::string(pattern) + "' (line " + line() + ")";
    if (in_claim_) note_claim_error(msg);
    else if (header_error_.empty()) header_error_ = "Header: " + msg;
  }
  void note_claim_error(const std::string& msg) {
    if (claim_.schema_error.empty()) claim_.schema_error = msg;
  }
  void deliver_header() {
    if (header_delivered_) return;
    header_delivered_ = true;
    if (cb_.on_header) cb_.on_header(out_.header);
  }
  // Assigned, not moved: the claim's strings keep their buffers from claim to claim.
  void assign_claim_field(Elem parent, Elem elem, const std::string& value) {
    auto& c = claim_;
    switch (parent) {
      case Elem::Claim:
        if (elem == Elem::ClaimId) c.claim_id = value;
        else if (elem == Elem::SpecialApproval) {
          c.special_approval = value;
          c.has_special_approval = true;
        }
        break;
      case Elem::Patient:
        if (elem == Elem::IdNumber) c.id_number = value;
        else if (elem == Elem::Name) c.name = value;
        else if (elem == Elem::BirthDate) c.birth_date = value;
        else if (elem == Elem::Sex) c.sex = value;
        break;
      case Elem::Visit:
        if (elem == Elem::Type) c.visit_type = value;
        else if (elem == Elem::AdmissionDate) c.admission_date = value;
        else if (elem == Elem::DischargeDate) c.discharge_date = value;
        else if (elem == Elem::Diagnosis) {
          if (c.diagnoses.size() < static_cast<std::size_t>(limits::diagnoses_per_claim_max) + 1)
            c.diagnoses.push_back(value);
        } else if (elem == Elem::Accident) c.accident = value;
        break;
      case Elem::Costs:
        if (elem == Elem::Total) c.total = value;
        else if (elem == Elem::InsurancePaid) c.insurance_paid = value;
        else if (elem == Elem::InScopeSelfPay) c.in_scope = value;
        else if (elem == Elem::OutOfScopeSelfPay) c.out_of_scope = value;
        break;
      default:
        break;
    }
  }

  const FeedCallbacks& cb_;
  FeedParse& out_;
  const Locator* locator_ = nullptr;
  std::vector<Elem> stack_;                // the open elements
  std::vector<std::string> other_names_;  // the names of the open ones not in the feed format, outermost first
  std::u16string text_;
  std::string value_;  // text_ in UTF-8
  bool text_too_long_ = false;
  bool in_claim_ = false;
  bool header_delivered_ = false;
  std::string header_error_;
  RawClaim claim_;
};

}  // namespace

FeedParse read_feed(const FeedSource& src, const std::string& encoding, const FeedCallbacks& cb) {
  GrammarPools::Lease grammar(g_pools);  // outlives the reader
  FeedParse out;
  std::unique_ptr<SAX2XMLReader> reader(
      XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, grammar.get()));
  xml::RefuseAllResolver resolver;
  xml::harden(*reader, resolver);
  xml::validate_with_cached_grammar(*reader);
  Handler handler(cb, out);
  reader->setContentHandler(&handler);
  reader->setErrorHandler(&handler);

  std::unique_ptr<InputSource> input = xml::make_input(src.path, src.buffer, encoding);
  try {
    reader->parse(*input);
    out.ok = true;
  } catch (const Abort& a) {
    out.code = a.code;
    out.detail = a.detail;
  } catch (const SAXParseException& e) {
    out.code = "MALFORMED";
    out.detail = "line " + std::to_string(e.getLineNumber()) + ": " + xml::to_utf8(e.getMessage());
  } catch (const SAXException& e) {
    out.code = "MALFORMED";
    out.detail = xml::to_utf8(e.getMessage());
  } catch (const XMLException& e) {
    out.code = "MALFORMED";
    out.detail = xml::to_utf8(e.getMessage());
  } catch (const OutOfMemoryException&) {
    out.code = "MALFORMED";
    out.detail = "the parser ran out of memory";
  }
  if (out.ok && out.header.feed_id.empty() && out.header.hospital_code.empty()) {
    out.ok = false;
    out.code = "MALFORMED";
    out.detail = "no Header";
  }
  return out;
}

}  // namespace relief
