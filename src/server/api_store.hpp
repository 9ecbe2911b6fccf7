#pragma once
// What the upload API reads and writes beyond intake and batches: the audit
// log, Idempotency-Key replies, and the lookups behind its GET endpoints.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/store/db.hpp"
#include "src/store/feed_store.hpp"

namespace relief {

struct AuditEntry {
  std::string role, token_id, method, endpoint, subject;  // no identity number in any of them
  int status = 0;
  std::string verdict;
};
void append_audit(Db& db, const AuditEntry& e);
std::vector<AuditEntry> load_audit(Db& db);  // oldest first

struct StoredReply {
  std::string sha256;  // of the request body it answered
  int status = 0;
  std::string body;
};
std::optional<StoredReply> find_reply(Db& db, const std::string& principal, const std::string& key);
void store_reply(Db& db, const std::string& principal, const std::string& key, const StoredReply& r);

// Hospitals that sent a feed with this FeedId (any verdict), sorted.
std::vector<std::string> hospitals_with_feed(Db& db, const std::string& feed_id);

// An accepted claim as stored at intake (not yet or already adjudicated).
struct StoredClaim {
  std::string feed_id, patient_id, admission_date, discharge_date, visit_type;
  std::int64_t total_fen = 0, in_scope_fen = 0, out_of_scope_fen = 0;
  std::optional<std::string> batch_id;
};
std::optional<StoredClaim> find_claim(Db& db, const std::string& hospital_code, const std::string& claim_id);
// Rejections naming this claim, oldest first.
std::vector<RejectionRecord> claim_rejections(Db& db, const std::string& hospital_code, const std::string& claim_id);

}  // namespace relief
