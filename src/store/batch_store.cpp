#include "src/store/batch_store.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include "src/store/feed_store.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace relief {

std::int64_t count_queued_claims(Db& db) {
  Poco::Int64 n = 0;
  db.session() << "SELECT count(*) FROM claims WHERE batch_id IS NULL", into(n), now;
  return n;
}

std::int64_t count_unreported_rejections(Db& db) {
  Poco::Int64 n = 0;
  db.session() << "SELECT count(*) FROM rejections WHERE batch_id IS NULL", into(n), now;
  return n;
}

std::string next_batch_id(Db& db, const std::string& batch_date, std::int64_t& seq) {
  Poco::Int64 n = 0;
  std::string d = batch_date;
  db.session() << "SELECT COALESCE(MAX(seq), 0) FROM batches WHERE batch_date = ?", use(d), into(n), now;
  seq = n + 1;
  std::string compact = batch_date.substr(0, 4) + batch_date.substr(5, 2) + batch_date.substr(8, 2);
  char nn[8];
  std::snprintf(nn, sizeof nn, "%02lld", static_cast<long long>(seq));
  return compact + "-" + nn;
}

void claim_queue_for_batch(Db& db, const std::string& batch_id) {
  std::string b = batch_id;
  db.session() << "UPDATE claims SET batch_id = ? WHERE batch_id IS NULL", use(b), now;
  db.session() << "UPDATE rejections SET batch_id = ? WHERE batch_id IS NULL", use(b), now;
  db.session() << "UPDATE feeds SET batch_id = ? WHERE batch_id IS NULL AND verdict <> 'pending'", use(b), now;
}

std::vector<Claim> claims_of_batch(Db& db, const std::string& batch_id) {
  std::vector<Claim> out;
  std::string b = batch_id;
  Statement st(db.session());
  // Byte-wise order (SQLite's BINARY collation; PostgreSQL needs COLLATE "C").
  st << "SELECT c.hospital_code, c.claim_id, f.feed_id, c.feed_seq, c.position, c.patient_id, c.patient_name,"
        " c.birth_date, c.sex, c.visit_type, c.admission_date, c.discharge_date, c.diagnoses, c.accident,"
        " c.total_fen, c.insurance_fen, c.in_scope_fen, c.out_of_scope_fen, c.special_approval"
        " FROM claims c JOIN feeds f ON f.seq = c.feed_seq WHERE c.batch_id = ?"
        " ORDER BY c.discharge_date, c.admission_date, c.hospital_code, c.claim_id",
      use(b);
  st.execute();
  Poco::Data::RecordSet rs(st);
  out.reserve(rs.rowCount());
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    Claim c;
    c.hospital_code = rs[0].convert<std::string>();
    c.claim_id = rs[1].convert<std::string>();
    c.feed_id = rs[2].convert<std::string>();
    c.feed_seq = rs[3].convert<Poco::Int64>();
    c.position = rs[4].convert<Poco::Int64>();
    c.patient_id = rs[5].convert<std::string>();
    c.patient_name = rs[6].convert<std::string>();
    c.birth_date = parse_date(rs[7].convert<std::string>()).value();
    c.sex = rs[8].convert<std::string>()[0];
    c.visit_type = rs[9].convert<std::string>();
    c.admission_date = parse_date(rs[10].convert<std::string>()).value();
    c.discharge_date = parse_date(rs[11].convert<std::string>()).value();
    c.diagnoses = decode_diagnoses(rs[12].convert<std::string>());
    c.accident = rs[13].convert<int>() != 0;
    c.total_fen = rs[14].convert<Poco::Int64>();
    c.insurance_paid_fen = rs[15].convert<Poco::Int64>();
    c.in_scope_fen = rs[16].convert<Poco::Int64>();
    c.out_of_scope_fen = rs[17].convert<Poco::Int64>();
    c.special_approval = rs[18].convert<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

void load_ledger_for_batch(Db& db, const std::string& batch_id, Ledger& ledger) {
  std::string b = batch_id;
  std::vector<std::string> ids, channels;
  std::vector<Poco::Int64> years, used;
  db.session() << "SELECT id_number, channel, year, used_fen FROM ledger WHERE id_number IN"
                  " (SELECT patient_id FROM claims WHERE batch_id = ?)",
      use(b), into(ids), into(channels), into(years), into(used), now;
  for (std::size_t i = 0; i < ids.size(); ++i)
    ledger.load({ids[i], channels[i], static_cast<int>(years[i])}, used[i]);
}

void insert_batch(Db& db, const BatchRecord& b) {
  std::string id = b.batch_id, date = b.batch_date, at = b.created_at;
  Poco::Int64 seq = b.seq, feeds = b.feeds, claims = b.claims, rej = b.rejections;
  db.session() << "INSERT INTO batches (batch_id, batch_date, seq, created_at, feeds, claims, rejections, published)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
      use(id), use(date), use(seq), use(at), use(feeds), use(claims), use(rej), now;
}

void insert_results(Db& db, const std::string& batch_id, const std::vector<ResultRow>& rows) {
  std::string b = batch_id, h, c, f, p, d, t;
  Poco::Int64 pos = 0, burden = 0, paid = 0;
  Statement st(db.session());
  st << "INSERT INTO results (batch_id, position, hospital_code, claim_id, feed_id, patient_id, discharge_date,"
        " burden_fen, total_paid_fen, trace) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      use(b), use(pos), use(h), use(c), use(f), use(p), use(d), use(burden), use(paid), use(t);
  for (const auto& r : rows) {
    pos = r.position;
    h = r.hospital_code;
    c = r.claim_id;
    f = r.feed_id;
    p = r.patient_id;
    d = r.discharge_date;
    burden = r.burden_fen;
    paid = r.total_paid_fen;
    t = r.trace;
    st.execute();
  }
}

void insert_payments(Db& db, const std::vector<PaymentRow>& rows) {
  std::string e, b, ch, h, hn, acc, bank, c, p, d;
  Poco::Int64 pos = 0, rpos = 0, amount = 0;
  Statement st(db.session());
  st << "INSERT INTO payments (end_to_end_id, batch_id, channel, position, result_position, hospital_code,"
        " hospital_name, account, bank_code, claim_id, patient_id, discharge_date, amount_fen)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      use(e), use(b), use(ch), use(pos), use(rpos), use(h), use(hn), use(acc), use(bank), use(c), use(p), use(d),
      use(amount);
  for (const auto& r : rows) {
    e = r.end_to_end_id;
    b = r.batch_id;
    ch = r.channel;
    pos = r.position;
    rpos = r.result_position;
    h = r.hospital_code;
    hn = r.hospital_name;
    acc = r.account;
    bank = r.bank_code;
    c = r.claim_id;
    p = r.patient_id;
    d = r.discharge_date;
    amount = r.amount_fen;
    st.execute();
  }
}

void insert_batch_channels(Db& db, const std::string& batch_id, const std::vector<BatchChannelRow>& rows) {
  for (const auto& r : rows) {
    std::string b = batch_id, ch = r.channel, fn = r.fund.name, fa = r.fund.account, fb = r.fund.bank_code;
    Poco::Int64 n = r.payments, total = r.total_fen, inc = r.ledger_increase_fen;
    int order = r.order_index;
    db.session() << "INSERT INTO batch_channels (batch_id, channel, payments, total_fen, ledger_increase_fen,"
                    " fund_name, fund_account, fund_bank_code, order_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        use(b), use(ch), use(n), use(total), use(inc), use(fn), use(fa), use(fb), use(order), now;
  }
}

void write_ledger(Db& db, const Ledger& ledger) {
  std::string id, ch;
  Poco::Int64 year = 0, used = 0;
  Statement st(db.session());
  st << "INSERT INTO ledger (id_number, channel, year, used_fen) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(id_number, channel, year) DO UPDATE SET used_fen = excluded.used_fen",
      use(id), use(ch), use(year), use(used);
  for (const auto& [key, value] : ledger.rows()) {
    auto it = ledger.loaded().find(key);
    if (it != ledger.loaded().end() && it->second == value) continue;  // unchanged
    id = std::get<0>(key);
    ch = std::get<1>(key);
    year = std::get<2>(key);
    used = value;
    st.execute();
  }
}

void mark_published(Db& db, const std::string& batch_id) {
  std::string b = batch_id;
  db.session() << "UPDATE batches SET published = 1 WHERE batch_id = ?", use(b), now;
}

namespace {
std::vector<BatchRecord> batches_where(Db& db, const std::string& where, const std::string& arg) {
  std::vector<BatchRecord> out;
  std::string a = arg;
  Statement st(db.session());
  st << "SELECT batch_id, batch_date, seq, created_at, feeds, claims, rejections, published FROM batches " + where +
            " ORDER BY batch_date, seq";
  if (!arg.empty()) st, use(a);
  st.execute();
  Poco::Data::RecordSet rs(st);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    BatchRecord b;
    b.batch_id = rs[0].convert<std::string>();
    b.batch_date = rs[1].convert<std::string>();
    b.seq = rs[2].convert<Poco::Int64>();
    b.created_at = rs[3].convert<std::string>();
    b.feeds = rs[4].convert<Poco::Int64>();
    b.claims = rs[5].convert<Poco::Int64>();
    b.rejections = rs[6].convert<Poco::Int64>();
    b.published = rs[7].convert<int>() != 0;
    out.push_back(std::move(b));
  }
  return out;
}
}  // namespace

std::optional<BatchRecord> load_batch(Db& db, const std::string& batch_id) {
  auto v = batches_where(db, "WHERE batch_id = ?", batch_id);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::vector<BatchRecord> load_batches(Db& db) { return batches_where(db, "", ""); }

std::vector<ResultRow> load_results(Db& db, const std::string& batch_id) {
  std::vector<ResultRow> out;
  std::string b = batch_id;
  Statement st(db.session());
  st << "SELECT position, hospital_code, claim_id, feed_id, patient_id, discharge_date, burden_fen, total_paid_fen,"
        " trace FROM results WHERE batch_id = ? ORDER BY position",
      use(b);
  st.execute();
  Poco::Data::RecordSet rs(st);
  out.reserve(rs.rowCount());
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    ResultRow r;
    r.position = rs[0].convert<Poco::Int64>();
    r.hospital_code = rs[1].convert<std::string>();
    r.claim_id = rs[2].convert<std::string>();
    r.feed_id = rs[3].convert<std::string>();
    r.patient_id = rs[4].convert<std::string>();
    r.discharge_date = rs[5].convert<std::string>();
    r.burden_fen = rs[6].convert<Poco::Int64>();
    r.total_paid_fen = rs[7].convert<Poco::Int64>();
    r.trace = rs[8].convert<std::string>();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<PaymentRow> load_payments(Db& db, const std::string& batch_id, const std::string& channel) {
  std::vector<PaymentRow> out;
  std::string b = batch_id, ch = channel;
  Statement st(db.session());
  st << "SELECT end_to_end_id, position, result_position, hospital_code, hospital_name, account, bank_code,"
        " claim_id, patient_id, discharge_date, amount_fen FROM payments WHERE batch_id = ? AND channel = ?"
        " ORDER BY position",
      use(b), use(ch);
  st.execute();
  Poco::Data::RecordSet rs(st);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    PaymentRow p;
    p.batch_id = batch_id;
    p.channel = channel;
    p.end_to_end_id = rs[0].convert<std::string>();
    p.position = rs[1].convert<Poco::Int64>();
    p.result_position = rs[2].convert<Poco::Int64>();
    p.hospital_code = rs[3].convert<std::string>();
    p.hospital_name = rs[4].convert<std::string>();
    p.account = rs[5].convert<std::string>();
    p.bank_code = rs[6].convert<std::string>();
    p.claim_id = rs[7].convert<std::string>();
    p.patient_id = rs[8].convert<std::string>();
    p.discharge_date = rs[9].convert<std::string>();
    p.amount_fen = rs[10].convert<Poco::Int64>();
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<BatchChannelRow> load_batch_channels(Db& db, const std::string& batch_id) {
  std::vector<BatchChannelRow> out;
  std::string b = batch_id;
  Statement st(db.session());
  st << "SELECT channel, payments, total_fen, ledger_increase_fen, fund_name, fund_account, fund_bank_code,"
        " order_index FROM batch_channels WHERE batch_id = ? ORDER BY order_index",
      use(b);
  st.execute();
  Poco::Data::RecordSet rs(st);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    BatchChannelRow r;
    r.channel = rs[0].convert<std::string>();
    r.payments = rs[1].convert<Poco::Int64>();
    r.total_fen = rs[2].convert<Poco::Int64>();
    r.ledger_increase_fen = rs[3].convert<Poco::Int64>();
    r.fund.name = rs[4].convert<std::string>();
    r.fund.account = rs[5].convert<std::string>();
    r.fund.bank_code = rs[6].convert<std::string>();
    r.order_index = rs[7].convert<int>();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<RejectionRecord> load_batch_rejections(Db& db, const std::string& batch_id) {
  std::vector<RejectionRecord> out;
  std::string b = batch_id;
  Statement st(db.session());
  // Reported in the order the feeds came in, and within a feed in document order.
  st << "SELECT feed_seq, position, hospital_code, feed_id, claim_id, reason, detail FROM rejections"
        " WHERE batch_id = ? ORDER BY feed_seq, position, seq",
      use(b);
  st.execute();
  Poco::Data::RecordSet rs(st);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    RejectionRecord r;
    r.feed_seq = rs[0].convert<Poco::Int64>();
    r.position = rs[1].convert<Poco::Int64>();
    r.hospital_code = rs[2].convert<std::string>();
    r.feed_id = rs[3].convert<std::string>();
    r.claim_id = rs[4].convert<std::string>();
    r.reason = rs[5].convert<std::string>();
    r.detail = rs[6].convert<std::string>();
    r.batch_id = batch_id;
    out.push_back(std::move(r));
  }
  return out;
}

std::int64_t count_batch_feeds(Db& db, const std::string& batch_id, bool refused) {
  Poco::Int64 n = 0;
  std::string b = batch_id;
  db.session() << std::string("SELECT count(*) FROM feeds WHERE batch_id = ? AND verdict ") +
                      (refused ? "<>" : "=") + " 'accepted'",
      use(b), into(n), now;
  return n;
}

std::optional<std::pair<std::string, ResultRow>> find_result(Db& db, const std::string& hospital_code,
                                                             const std::string& claim_id) {
  std::string h = hospital_code, c = claim_id;
  std::vector<std::string> batch;
  std::vector<Poco::Int64> pos;
  db.session() << "SELECT batch_id, position FROM results WHERE hospital_code = ? AND claim_id = ?", use(h), use(c),
      into(batch), into(pos), now;
  if (batch.empty()) return std::nullopt;
  for (auto& r : load_results(db, batch[0]))
    if (r.position == pos[0]) return std::make_pair(batch[0], r);
  return std::nullopt;
}

}  // namespace relief
