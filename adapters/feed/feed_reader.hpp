#pragma once
// The canonical claim feed (SPEC 2.1): a guard on the raw bytes, then a
// streaming, validating Xerces-C SAX2 reader that hands over one claim at a
// time. Nothing here touches the database.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace relief {

// Where the bytes are: a file (streamed) or a buffer held by the caller.
struct FeedSource {
  std::string path;                       // file to stream, or a label for a buffer
  const std::string* buffer = nullptr;    // when set, the bytes (path is only a label)
};

struct GuardResult {
  bool ok = false;
  std::string code;         // MALFORMED | TOO_LARGE when !ok
  std::string detail;
  std::string sha256_hex;   // of the whole bytes (when readable)
  std::int64_t bytes = 0;
  std::string encoding;     // encoding handed to Xerces: "" (as declared / UTF-8) or "GB18030"
  // Best-effort header values found in the raw bytes, for a refusal's line.
  std::string hospital_code_hint;
  std::string feed_id_hint;
};

// Size limit, encoding (UTF-8 or GB18030/GBK/GB2312/CP936 only), and no
// DOCTYPE or ENTITY declaration anywhere; computes the SHA-256 on the way.
GuardResult guard_feed(const FeedSource& src, std::int64_t feed_bytes_max);

// A claim as read: text values plus the first schema problem, if any.
struct RawClaim {
  std::int64_t position = 0;   // 1-based among the feed's Claim elements
  std::int64_t line = 0;       // line of <Claim>
  std::string claim_id;
  std::string id_number, name, birth_date, sex;
  std::string visit_type, admission_date, discharge_date;
  std::vector<std::string> diagnoses;
  std::string accident;        // "" when absent
  std::string total, insurance_paid, in_scope, out_of_scope;
  std::string special_approval;
  bool has_special_approval = false;
  std::string schema_error;    // empty: the claim satisfies the XSD

  // As `*this = RawClaim{}`, keeping the strings' buffers (one RawClaim is
  // refilled for every claim of a feed).
  void clear() {
    position = 0;
    line = 0;
    for (std::string* s : {&claim_id, &id_number, &name, &birth_date, &sex, &visit_type, &admission_date,
                           &discharge_date, &accident, &total, &insurance_paid, &in_scope, &out_of_scope,
                           &special_approval, &schema_error})
      s->clear();
    diagnoses.clear();
    has_special_approval = false;
  }
};

struct RawHeader {
  std::string feed_id, hospital_code, created_at, claim_count, control_sum;
};

struct FeedParse {
  bool ok = false;             // false: the feed is refused whole
  std::string code;            // MALFORMED or TOO_LARGE when !ok
  std::string detail;
  RawHeader header;
  std::int64_t claim_elements = 0;
};

struct FeedCallbacks {
  std::function<void(const RawHeader&)> on_header;   // once, before any claim
  std::function<void(const RawClaim&)> on_claim;     // each claim, in document order
};

// Parses and validates against the built-in claim-feed XSD. Callback
// exceptions propagate. Never reads anything but the feed itself.
FeedParse read_feed(const FeedSource& src, const std::string& encoding, const FeedCallbacks& cb);

// The claim-feed XSD text compiled into the binary.
const std::string& claim_feed_xsd();

}  // namespace relief
