#include "src/server/api_store.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include "src/intake/ingest.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace relief {

void append_audit(Db& db, const AuditEntry& e) {
  std::string at = now_iso8601(), role = e.role, token = e.token_id, method = e.method, endpoint = e.endpoint,
              subject = e.subject, verdict = e.verdict;
  int status = e.status;
  db.session() << "INSERT INTO api_audit(seq, at, role, token_id, method, endpoint, subject, status, verdict)"
                  " VALUES((SELECT COALESCE(MAX(seq), 0) + 1 FROM api_audit), ?, ?, ?, ?, ?, ?, ?, ?)",
      use(at), use(role), use(token), use(method), use(endpoint), use(subject), use(status), use(verdict), now;
}

std::vector<AuditEntry> load_audit(Db& db) {
  Statement st(db.session());
  st << "SELECT role, token_id, method, endpoint, subject, status, verdict FROM api_audit ORDER BY seq";
  st.execute();
  Poco::Data::RecordSet rs(st);
  std::vector<AuditEntry> out;
  for (bool more = rs.moveFirst(); more; more = rs.moveNext())
    out.push_back({rs["role"].convert<std::string>(), rs["token_id"].convert<std::string>(),
                   rs["method"].convert<std::string>(), rs["endpoint"].convert<std::string>(),
                   rs["subject"].convert<std::string>(), rs["status"].convert<int>(),
                   rs["verdict"].convert<std::string>()});
  return out;
}

std::optional<StoredReply> find_reply(Db& db, const std::string& principal, const std::string& key) {
  std::string p = principal, k = key;
  std::vector<std::string> sha, body;
  std::vector<int> status;
  db.session() << "SELECT sha256, status, body FROM api_idempotency WHERE principal = ? AND idem_key = ?", use(p),
      use(k), into(sha), into(status), into(body), now;
  if (sha.empty()) return std::nullopt;
  return StoredReply{sha[0], status[0], body[0]};
}

void store_reply(Db& db, const std::string& principal, const std::string& key, const StoredReply& r) {
  std::string p = principal, k = key, sha = r.sha256, body = r.body, at = now_iso8601();
  int status = r.status;
  db.session() << "INSERT INTO api_idempotency(principal, idem_key, sha256, status, body, created_at)"
                  " VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(principal, idem_key) DO NOTHING",
      use(p), use(k), use(sha), use(status), use(body), use(at), now;
}

std::vector<std::string> hospitals_with_feed(Db& db, const std::string& feed_id) {
  std::string f = feed_id;
  std::vector<std::string> out;
  db.session() << "SELECT DISTINCT hospital_code FROM feeds WHERE feed_id = ? ORDER BY hospital_code", use(f),
      into(out), now;
  return out;
}

std::optional<StoredClaim> find_claim(Db& db, const std::string& hospital_code, const std::string& claim_id) {
  std::string h = hospital_code, c = claim_id;
  Statement st(db.session());
  st << "SELECT f.feed_id AS feed_id, c.patient_id AS patient_id, c.admission_date AS admission_date,"
        " c.discharge_date AS discharge_date, c.visit_type AS visit_type, c.total_fen AS total_fen,"
        " c.in_scope_fen AS in_scope_fen, c.out_of_scope_fen AS out_of_scope_fen,"
        " COALESCE(fr.batch_id, r.batch_id) AS batch_id"
        " FROM claims c JOIN feeds f ON f.seq = c.feed_seq LEFT JOIN claim_results r ON r.claim_row = c.rowid"
        " LEFT JOIN feed_results fr ON fr.feed_seq = c.feed_seq"
        " WHERE c.hospital_code = ? AND c.claim_id = ?",
      use(h), use(c);
  st.execute();
  Poco::Data::RecordSet rs(st);
  if (rs.rowCount() == 0) return std::nullopt;
  rs.moveFirst();
  StoredClaim out;
  out.feed_id = rs["feed_id"].convert<std::string>();
  out.patient_id = rs["patient_id"].convert<std::string>();
  out.admission_date = rs["admission_date"].convert<std::string>();
  out.discharge_date = rs["discharge_date"].convert<std::string>();
  out.visit_type = rs["visit_type"].convert<std::string>();
  out.total_fen = rs["total_fen"].convert<Poco::Int64>();
  out.in_scope_fen = rs["in_scope_fen"].convert<Poco::Int64>();
  out.out_of_scope_fen = rs["out_of_scope_fen"].convert<Poco::Int64>();
  if (!rs["batch_id"].isEmpty()) out.batch_id = rs["batch_id"].convert<std::string>();
  return out;
}

std::vector<RejectionRecord> claim_rejections(Db& db, const std::string& hospital_code, const std::string& claim_id) {
  std::string h = hospital_code, c = claim_id;
  Statement st(db.session());
  st << std::string("SELECT ") + kRejectionColumns + " FROM rejections WHERE hospital_code = ? AND claim_id = ? ORDER BY seq",
      use(h), use(c);
  return read_rejections(st);
}

}  // namespace relief
