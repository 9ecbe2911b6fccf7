#include "src/store/reconcile_store.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include "src/core/limits.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace relief {

namespace {

constexpr const char* kStatementColumns =
    "seq, channel, sha256, bytes, source, format, statement_ids, accounts, imported_at, lines, lines_new,"
    " lines_seen_before, lines_not_booked";

std::vector<StatementRecord> read_statements(Statement& st) {
  st.execute();
  Poco::Data::RecordSet rs(st);
  std::vector<StatementRecord> out;
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    StatementRecord s;
    s.seq = rs[0].convert<Poco::Int64>();
    s.channel = rs[1].convert<std::string>();
    s.sha256 = rs[2].convert<std::string>();
    s.bytes = rs[3].convert<Poco::Int64>();
    s.source = rs[4].convert<std::string>();
    s.format = rs[5].convert<std::string>();
    s.statement_ids = rs[6].convert<std::string>();
    s.accounts = rs[7].convert<std::string>();
    s.imported_at = rs[8].convert<std::string>();
    s.lines = rs[9].convert<Poco::Int64>();
    s.lines_new = rs[10].convert<Poco::Int64>();
    s.lines_seen_before = rs[11].convert<Poco::Int64>();
    s.lines_not_booked = rs[12].convert<Poco::Int64>();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

void lock_for_statement_import(Db& db) {
  db.session() << "UPDATE statements SET lines = lines WHERE seq < 0", now;
}

std::optional<StatementRecord> find_statement(Db& db, const std::string& channel, const std::string& sha256) {
  std::string ch = channel, sha = sha256;
  Statement st(db.session());
  st << std::string("SELECT ") + kStatementColumns + " FROM statements WHERE channel = ? AND sha256 = ?", use(ch),
      use(sha);
  auto v = read_statements(st);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::optional<StatementRecord> load_statement(Db& db, std::int64_t seq) {
  Poco::Int64 n = seq;
  Statement st(db.session());
  st << std::string("SELECT ") + kStatementColumns + " FROM statements WHERE seq = ?", use(n);
  auto v = read_statements(st);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::int64_t next_statement_seq(Db& db) {
  Poco::Int64 n = 0;
  db.session() << "SELECT COALESCE(MAX(seq), 0) FROM statements", into(n), now;
  return n + 1;
}

void insert_statement(Db& db, const StatementRecord& s) {
  Poco::Int64 seq = s.seq, bytes = s.bytes, lines = s.lines, fresh = s.lines_new, seen = s.lines_seen_before,
              not_booked = s.lines_not_booked;
  std::string ch = s.channel, sha = s.sha256, src = s.source, fmt = s.format, ids = s.statement_ids,
              acc = s.accounts, at = s.imported_at;
  db.session() << "INSERT INTO statements (seq, channel, sha256, bytes, source, format, statement_ids, accounts,"
                  " imported_at, lines, lines_new, lines_seen_before, lines_not_booked)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      use(seq), use(ch), use(sha), use(bytes), use(src), use(fmt), use(ids), use(acc), use(at), use(lines),
      use(fresh), use(seen), use(not_booked), now;
}

void update_statement_counts(Db& db, const StatementRecord& s) {
  Poco::Int64 seq = s.seq, fresh = s.lines_new, seen = s.lines_seen_before, not_booked = s.lines_not_booked;
  db.session() << "UPDATE statements SET lines_new = ?, lines_seen_before = ?, lines_not_booked = ? WHERE seq = ?",
      use(fresh), use(seen), use(not_booked), use(seq), now;
}

bool insert_line_if_new(Db& db, const std::string& channel, StoredLine& line) {
  std::string ch = channel, fp = line.fingerprint;
  Poco::Int64 taken = 0;
  db.session() << "SELECT count(*) FROM statement_lines WHERE channel = ? AND fingerprint = ?", use(ch), use(fp),
      into(taken), now;
  if (taken > 0) return false;
  Poco::Int64 seq = 0;
  db.session() << "SELECT COALESCE(MAX(seq), 0) + 1 FROM statement_lines", into(seq), now;
  line.seq = seq;
  Poco::Int64 sseq = line.statement_seq, entry = line.entry, tx = line.tx, amount = line.amount_fen,
              count = line.batch_tx_count;
  int credit = line.credit ? 1 : 0, reversal = line.reversal ? 1 : 0;
  std::string date = line.booking_date, e2e = line.end_to_end_id, pmt = line.pmt_inf_id, ref = line.acct_svcr_ref,
              state = line.state, matched = line.matched, detail = line.detail;
  db.session() << "INSERT INTO statement_lines (seq, statement_seq, channel, entry, tx, fingerprint, booking_date,"
                  " credit, reversal, amount_fen, end_to_end_id, pmt_inf_id, acct_svcr_ref, batch_tx_count, state, matched,"
                  " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      use(seq), use(sseq), use(ch), use(entry), use(tx), use(fp), use(date), use(credit), use(reversal), use(amount),
      use(e2e), use(pmt), use(ref), use(count), use(state), use(matched), use(detail), now;
  return true;
}

std::vector<StoredLine> load_lines(Db& db, const std::string& channel) {
  std::string ch = channel;
  Statement st(db.session());
  st << "SELECT seq, statement_seq, entry, tx, fingerprint, booking_date, credit, reversal, amount_fen,"
        " end_to_end_id, pmt_inf_id, acct_svcr_ref, batch_tx_count, state, matched, detail FROM statement_lines"
        " WHERE channel = ?"
        " ORDER BY booking_date, statement_seq, entry, tx",
      use(ch);
  st.execute();
  Poco::Data::RecordSet rs(st);
  if (static_cast<std::int64_t>(rs.rowCount()) > limits::reconcile_lines_max)
    throw DbError("channel " + channel + " has more than " + std::to_string(limits::reconcile_lines_max) +
                  " statement lines");
  std::vector<StoredLine> out;
  out.reserve(rs.rowCount());
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    StoredLine l;
    l.seq = rs[0].convert<Poco::Int64>();
    l.statement_seq = rs[1].convert<Poco::Int64>();
    l.entry = rs[2].convert<Poco::Int64>();
    l.tx = rs[3].convert<Poco::Int64>();
    l.fingerprint = rs[4].convert<std::string>();
    l.booking_date = rs[5].convert<std::string>();
    l.credit = rs[6].convert<int>() != 0;
    l.reversal = rs[7].convert<int>() != 0;
    l.amount_fen = rs[8].convert<Poco::Int64>();
    l.end_to_end_id = rs[9].convert<std::string>();
    l.pmt_inf_id = rs[10].convert<std::string>();
    l.acct_svcr_ref = rs[11].convert<std::string>();
    l.batch_tx_count = rs[12].convert<Poco::Int64>();
    l.state = rs[13].convert<std::string>();
    l.matched = rs[14].convert<std::string>();
    l.detail = rs[15].convert<std::string>();
    out.push_back(std::move(l));
  }
  return out;
}

void update_line_state(Db& db, const StoredLine& line) {
  Poco::Int64 seq = line.seq;
  std::string state = line.state, matched = line.matched, detail = line.detail;
  db.session() << "UPDATE statement_lines SET state = ?, matched = ?, detail = ? WHERE seq = ?", use(state),
      use(matched), use(detail), use(seq), now;
}

std::int64_t channel_lines_total_fen(Db& db, const std::string& channel) {
  std::string ch = channel;
  Poco::Int64 total = 0;
  db.session() << "SELECT COALESCE(SUM(amount_fen), 0) FROM statement_lines WHERE channel = ?", use(ch), into(total),
      now;
  return total;
}

std::vector<std::string> channel_fund_accounts_paid_from(Db& db, const std::string& channel) {
  std::string ch = channel;
  std::vector<std::string> out;
  db.session() << "SELECT DISTINCT fund_account FROM batch_channels WHERE channel = ? ORDER BY fund_account", use(ch),
      into(out), now;
  return out;
}

std::vector<ChannelPayment> load_channel_payments(Db& db, const std::string& channel) {
  std::string ch = channel;
  Statement st(db.session());
  st << "SELECT p.end_to_end_id, p.batch_id, b.batch_date, p.hospital_code, p.claim_id, p.patient_id,"
        " p.discharge_date, p.position, p.amount_fen FROM payments p JOIN batches b ON b.batch_id = p.batch_id"
        " WHERE p.channel = ? ORDER BY b.batch_date, b.seq, p.position",
      use(ch);
  st.execute();
  Poco::Data::RecordSet rs(st);
  if (static_cast<std::int64_t>(rs.rowCount()) > limits::reconcile_payments_max)
    throw DbError("channel " + channel + " has more than " + std::to_string(limits::reconcile_payments_max) +
                  " payments");
  std::vector<ChannelPayment> out;
  out.reserve(rs.rowCount());
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    ChannelPayment p;
    p.end_to_end_id = rs[0].convert<std::string>();
    p.batch_id = rs[1].convert<std::string>();
    p.batch_date = rs[2].convert<std::string>();
    p.hospital_code = rs[3].convert<std::string>();
    p.claim_id = rs[4].convert<std::string>();
    p.patient_id = rs[5].convert<std::string>();
    p.discharge_date = rs[6].convert<std::string>();
    p.position = rs[7].convert<Poco::Int64>();
    p.amount_fen = rs[8].convert<Poco::Int64>();
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<PaymentFileRecord> load_channel_payment_files(Db& db, const std::string& channel,
                                                          const std::string& channel_code) {
  std::string ch = channel;
  Statement st(db.session());
  st << "SELECT c.batch_id, b.batch_date, c.payments, c.total_fen FROM batch_channels c"
        " JOIN batches b ON b.batch_id = c.batch_id WHERE c.channel = ? AND c.payments > 0"
        " ORDER BY b.batch_date, b.seq",
      use(ch);
  st.execute();
  Poco::Data::RecordSet rs(st);
  std::vector<PaymentFileRecord> out;
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    PaymentFileRecord f;
    f.batch_id = rs[0].convert<std::string>();
    f.batch_date = rs[1].convert<std::string>();
    f.payments = rs[2].convert<Poco::Int64>();
    f.total_fen = rs[3].convert<Poco::Int64>();
    f.pmt_inf_id = f.batch_id + "-" + channel_code;  // as pain001_xml writes it
    out.push_back(std::move(f));
  }
  return out;
}

std::string channel_of_payment(Db& db, const std::string& end_to_end_id) {
  std::string e = end_to_end_id;
  std::vector<std::string> ch;
  db.session() << "SELECT channel FROM payments WHERE end_to_end_id = ?", use(e), into(ch), now;
  return ch.empty() ? std::string() : ch.front();
}

std::map<std::string, PaymentStateRecord> load_payment_states(Db& db, const std::string& channel) {
  std::string ch = channel;
  Statement st(db.session());
  st << "SELECT end_to_end_id, state, debited_fen, returned_fen, booking_date, line_seq, detail, changed_at"
        " FROM payment_states WHERE channel = ?",
      use(ch);
  st.execute();
  Poco::Data::RecordSet rs(st);
  std::map<std::string, PaymentStateRecord> out;
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    PaymentStateRecord s;
    s.end_to_end_id = rs[0].convert<std::string>();
    s.state = rs[1].convert<std::string>();
    s.debited_fen = rs[2].convert<Poco::Int64>();
    s.returned_fen = rs[3].convert<Poco::Int64>();
    s.booking_date = rs[4].convert<std::string>();
    s.line_seq = rs[5].convert<Poco::Int64>();
    s.detail = rs[6].convert<std::string>();
    s.changed_at = rs[7].convert<std::string>();
    out.emplace(s.end_to_end_id, std::move(s));
  }
  return out;
}

void upsert_payment_state(Db& db, const std::string& channel, const PaymentStateRecord& s) {
  std::string e = s.end_to_end_id, ch = channel, state = s.state, date = s.booking_date, detail = s.detail,
              at = s.changed_at;
  Poco::Int64 debited = s.debited_fen, returned = s.returned_fen, line = s.line_seq;
  db.session() << "INSERT INTO payment_states (end_to_end_id, channel, state, debited_fen, returned_fen,"
                  " booking_date, line_seq, detail, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                  " ON CONFLICT(end_to_end_id) DO UPDATE SET state = excluded.state,"
                  " debited_fen = excluded.debited_fen, returned_fen = excluded.returned_fen,"
                  " booking_date = excluded.booking_date, line_seq = excluded.line_seq, detail = excluded.detail,"
                  " changed_at = excluded.changed_at",
      use(e), use(ch), use(state), use(debited), use(returned), use(date), use(line), use(detail), use(at), now;
}

}  // namespace relief
