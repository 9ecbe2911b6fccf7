#include "src/store/feed_store.hpp"

#include <Poco/Data/RecordSet.h>

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "src/store/sql.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace relief {

std::string encode_diagnoses(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& c : codes) {
    if (!out.empty()) out += ' ';
    out += c;
  }
  return out;
}

std::vector<std::string> decode_diagnoses(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto sp = text.find(' ', start);
    out.push_back(text.substr(start, sp == std::string::npos ? std::string::npos : sp - start));
    if (sp == std::string::npos) break;
    start = sp + 1;
  }
  return out;
}

FeedWriter::FeedWriter(Db& db, std::size_t items_held_max)
    : db_(db), items_held_max_(items_held_max), in_order_(items_held_max > 0) {
  items_.reserve(kFlushItems);
}

std::int64_t FeedWriter::next_feed_seq() {
  Poco::Int64 seq = 0;
  db_.session() << "SELECT COALESCE(MAX(seq), 0) + 1 FROM feeds", into(seq), now;
  return seq;
}

void FeedWriter::insert_feed(const FeedRecord& f) {
  Poco::Int64 seq = f.seq, bytes = f.bytes, t = f.claims_total, a = f.claims_accepted, r = f.claims_rejected;
  std::string h = f.hospital_code, id = f.feed_id, sha = f.sha256, src = f.source, at = f.received_at,
              verdict = f.verdict, detail = f.detail;
  db_.session() << "INSERT INTO feeds (seq, hospital_code, feed_id, sha256, bytes, source, received_at, verdict,"
                   " detail, claims_total, claims_accepted, claims_rejected, batch_id)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
      use(seq), use(h), use(id), use(sha), use(bytes), use(src), use(at), use(verdict), use(detail), use(t), use(a),
      use(r), now;
}

void FeedWriter::finish_feed(std::int64_t seq, const std::string& verdict, const std::string& detail,
                             std::int64_t total, std::int64_t accepted, std::int64_t rejected) {
  SqlStmt st(db_,
             "UPDATE feeds SET verdict = ?, detail = ?, claims_total = ?, claims_accepted = ?,"
             " claims_rejected = ?, first_claim_row = ? WHERE seq = ?");
  st.bind(1, verdict).bind(2, detail).bind(3, total).bind(4, accepted).bind(5, rejected).bind(7, seq);
  if (first_claim_row_ > 0 && accepted > 0) st.bind(6, first_claim_row_);
  else st.bind_null(6);
  st.run();
}

void FeedWriter::insert_rejection(const RejectionRecord& r) {
  Poco::Int64 seq = r.feed_seq, pos = r.position;
  std::string h = r.hospital_code, f = r.feed_id, c = r.claim_id, reason = r.reason, d = r.detail;
  db_.session() << "INSERT INTO rejections (seq, feed_seq, position, hospital_code, feed_id, claim_id, reason, detail,"
                   " batch_id) VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM rejections), ?, ?, ?, ?, ?, ?, ?, NULL)",
      use(seq), use(pos), use(h), use(f), use(c), use(reason), use(d), now;
}

void FeedWriter::queue_claim(Claim c) {
  Item it;
  it.is_claim = true;
  it.claim = std::move(c);
  items_.push_back(std::move(it));
}

void FeedWriter::queue_rejection(RejectionRecord r) {
  Item it;
  it.rejection = std::move(r);
  items_.push_back(std::move(it));
}

namespace {
// Inserts a claim unless (hospital, ClaimId) is taken: true when inserted.
class ClaimInsert {
 public:
  explicit ClaimInsert(Db& db)
      : st_(db,
            "INSERT INTO claims (hospital_code, claim_id, feed_seq, position, patient_id, patient_name,"
            " birth_date, sex, visit_type, admission_date, discharge_date, diagnoses, accident, total_fen,"
            " insurance_fen, in_scope_fen, out_of_scope_fen, special_approval)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (hospital_code, claim_id) DO NOTHING") {}
  bool insert(const Claim& c) {
    // Bound text is not copied: these locals live until run() returns.
    const std::string birth = c.birth_date.iso(), adm = c.admission_date.iso(), dis = c.discharge_date.iso();
    const std::string diag = encode_diagnoses(c.diagnoses);
    const char sex = c.sex;
    st_.bind(1, c.hospital_code).bind(2, c.claim_id).bind(3, c.feed_seq).bind(4, c.position);
    st_.bind(5, c.patient_id).bind(6, c.patient_name).bind(7, birth).bind(8, std::string_view(&sex, 1));
    st_.bind(9, c.visit_type).bind(10, adm).bind(11, dis).bind(12, diag);
    st_.bind(13, std::int64_t{c.accident ? 1 : 0}).bind(14, c.total_fen).bind(15, c.insurance_paid_fen);
    st_.bind(16, c.in_scope_fen).bind(17, c.out_of_scope_fen).bind(18, c.special_approval);
    st_.run();
    return st_.changes() == 1;  // 0: the key was taken (DO NOTHING)
  }
  std::int64_t last_row() const { return st_.last_insert_rowid(); }

 private:
  SqlStmt st_;
};

RejectionRecord duplicate_of(const Claim& c) {
  RejectionRecord r;
  r.feed_seq = c.feed_seq;
  r.position = c.position;
  r.hospital_code = c.hospital_code;
  r.feed_id = c.feed_id;
  r.claim_id = c.claim_id;
  r.reason = "DUPLICATE";
  r.detail = "ClaimId " + c.claim_id + " was already accepted from " + c.hospital_code;
  return r;
}

void insert_rejections(Db& db, const std::vector<RejectionRecord>& rejections) {
  if (rejections.empty()) return;
  SqlStmt insert(db,
                 "INSERT INTO rejections (seq, feed_seq, position, hospital_code, feed_id, claim_id, reason, detail,"
                 " batch_id) VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM rejections), ?, ?, ?, ?, ?, ?, ?, NULL)");
  for (const auto& r : rejections) {
    insert.bind(1, r.feed_seq).bind(2, r.position).bind(3, r.hospital_code).bind(4, r.feed_id);
    insert.bind(5, r.claim_id).bind(6, r.reason).bind(7, r.detail);
    insert.run();
  }
}
}  // namespace

FeedWriter::Flushed FeedWriter::flush(bool store, bool last) {
  if (in_order_ && last && store) return flush_in_order();
  if (!last) in_order_ = false;  // the feed outgrew what is held: document order
  Flushed out;
  if (items_.empty()) return out;
  // In feed order: a claim is accepted unless (hospital, ClaimId) was taken
  // before: by earlier feeds, batches or flushes (the insert finds the key
  // there and does nothing) or earlier in this flush (`seen`, for a flush
  // that does not store).
  std::optional<ClaimInsert> insert_claim;
  if (store) insert_claim.emplace(db_);
  std::unordered_set<std::string> seen;
  for (auto& it : items_) {
    if (!it.is_claim) {
      out.rejections.push_back(std::move(it.rejection));
      continue;
    }
    const Claim& c = it.claim;
    const bool accepted = insert_claim ? insert_claim->insert(c) : seen.insert(c.claim_id).second;
    if (accepted) ++out.accepted;
    else out.rejections.push_back(duplicate_of(c));
  }
  if (store) insert_rejections(db_, out.rejections);
  items_.clear();
  return out;
}

FeedWriter::Flushed FeedWriter::flush_in_order() {
  Flushed out;
  // Document order first: a ClaimId's first claim in the feed is the one
  // that may be accepted (the feed's claims share its hospital).
  std::unordered_set<std::string_view> seen;
  std::vector<const Claim*> claims;
  for (auto& it : items_) {
    if (!it.is_claim) out.rejections.push_back(std::move(it.rejection));
    else if (!seen.insert(it.claim.claim_id).second) out.rejections.push_back(duplicate_of(it.claim));
    else claims.push_back(&it.claim);
  }
  std::sort(claims.begin(), claims.end(),
            [](const Claim* a, const Claim* b) { return before_in_processing_order(*a, *b); });
  ClaimInsert insert_claim(db_);
  std::int64_t previous_row = 0;
  for (const Claim* c : claims) {
    if (!insert_claim.insert(*c)) {
      out.rejections.push_back(duplicate_of(*c));  // taken before this feed
      continue;
    }
    const std::int64_t row = insert_claim.last_row();
    if (previous_row == 0) first_claim_row_ = row;
    else if (row != previous_row + 1) throw DbError("database: a feed's claims were not given consecutive rows");
    previous_row = row;
    ++out.accepted;
  }
  // The rejections in document order, as flush() writes them.
  std::stable_sort(out.rejections.begin(), out.rejections.end(),
                   [](const RejectionRecord& a, const RejectionRecord& b) { return a.position < b.position; });
  insert_rejections(db_, out.rejections);
  items_.clear();
  return out;
}

bool hospital_exists(Db& db, const std::string& code) {
  Poco::Int64 n = 0;
  std::string c = code;
  db.session() << "SELECT count(*) FROM hospitals WHERE code = ?", use(c), into(n), now;
  return n > 0;
}

namespace {
std::optional<FeedRecord> one_feed(Poco::Data::Statement& st) {
  st.execute();
  Poco::Data::RecordSet rs(st);
  if (rs.rowCount() == 0) return std::nullopt;
  rs.moveFirst();
  FeedRecord f;
  f.seq = rs["seq"].convert<Poco::Int64>();
  f.hospital_code = rs["hospital_code"].convert<std::string>();
  f.feed_id = rs["feed_id"].convert<std::string>();
  f.sha256 = rs["sha256"].convert<std::string>();
  f.bytes = rs["bytes"].convert<Poco::Int64>();
  f.source = rs["source"].convert<std::string>();
  f.received_at = rs["received_at"].convert<std::string>();
  f.verdict = rs["verdict"].convert<std::string>();
  f.detail = rs["detail"].convert<std::string>();
  f.claims_total = rs["claims_total"].convert<Poco::Int64>();
  f.claims_accepted = rs["claims_accepted"].convert<Poco::Int64>();
  f.claims_rejected = rs["claims_rejected"].convert<Poco::Int64>();
  if (!rs["batch_id"].isEmpty()) f.batch_id = rs["batch_id"].convert<std::string>();
  return f;
}
const char* kFeedColumns =
    "SELECT seq, hospital_code, feed_id, sha256, bytes, source, received_at, verdict, detail, claims_total,"
    " claims_accepted, claims_rejected, batch_id FROM feeds ";
}  // namespace

std::optional<FeedRecord> find_feed_by_sha(Db& db, const std::string& sha256, bool accepted_only) {
  std::string s = sha256;
  Statement st(db.session());
  st << std::string(kFeedColumns) + "WHERE sha256 = ?" + (accepted_only ? " AND verdict = 'accepted'" : "") +
            " ORDER BY seq LIMIT 1",
      use(s);
  return one_feed(st);
}

std::optional<FeedRecord> find_accepted_feed(Db& db, const std::string& hospital_code, const std::string& feed_id) {
  std::string h = hospital_code, f = feed_id;
  Statement st(db.session());
  st << std::string(kFeedColumns) + "WHERE hospital_code = ? AND feed_id = ? AND verdict = 'accepted'", use(h), use(f);
  return one_feed(st);
}

std::optional<FeedRecord> find_unreported_refusal(Db& db, const std::string& sha256, const std::string& source) {
  std::string s = sha256, src = source;
  Statement st(db.session());
  st << std::string(kFeedColumns) +
            "WHERE sha256 = ? AND source = ? AND verdict <> 'accepted' AND batch_id IS NULL ORDER BY seq LIMIT 1",
      use(s), use(src);
  return one_feed(st);
}

std::vector<FeedRecord> feeds_by_id(Db& db, const std::string& hospital_code, const std::string& feed_id) {
  std::vector<FeedRecord> out;
  std::vector<Poco::Int64> seqs;
  std::string h = hospital_code, f = feed_id;
  db.session() << "SELECT seq FROM feeds WHERE hospital_code = ? AND feed_id = ? ORDER BY seq", use(h), use(f),
      into(seqs), now;
  for (auto seq : seqs) {
    Statement st(db.session());
    Poco::Int64 s = seq;
    st << std::string(kFeedColumns) + "WHERE seq = ?", use(s);
    if (auto r = one_feed(st)) out.push_back(*r);
  }
  return out;
}

std::vector<RejectionRecord> read_rejections(Statement& st) {
  st.execute();
  Poco::Data::RecordSet rs(st);
  std::vector<RejectionRecord> out;
  out.reserve(rs.rowCount());
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    RejectionRecord r;
    r.feed_seq = rs["feed_seq"].convert<Poco::Int64>();
    r.position = rs["position"].convert<Poco::Int64>();
    r.hospital_code = rs["hospital_code"].convert<std::string>();
    r.feed_id = rs["feed_id"].convert<std::string>();
    r.claim_id = rs["claim_id"].convert<std::string>();
    r.reason = rs["reason"].convert<std::string>();
    r.detail = rs["detail"].convert<std::string>();
    if (!rs["batch_id"].isEmpty()) r.batch_id = rs["batch_id"].convert<std::string>();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<RejectionRecord> feed_rejections(Db& db, std::int64_t feed_seq, std::size_t limit) {
  Poco::Int64 s = feed_seq;
  Poco::Int64 lim = static_cast<Poco::Int64>(limit);
  Statement st(db.session());
  st << std::string("SELECT ") + kRejectionColumns + " FROM rejections WHERE feed_seq = ? ORDER BY seq LIMIT ?", use(s),
      use(lim);
  return read_rejections(st);
}

}  // namespace relief
