// Matching statement lines to payments and keeping the states (SPEC 6).
#include "src/reconcile/reconcile.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "adapters/payments/payment_files.hpp"
#include "adapters/statements/statement.hpp"
#include "channels/channel.hpp"
#include "src/core/idnumber.hpp"
#include "src/core/money.hpp"
#include "src/intake/ingest.hpp"

namespace relief {

namespace {

constexpr const char* kMatched = "matched";
constexpr const char* kMismatch = "amount_mismatch";
constexpr const char* kReturned = "returned";
constexpr const char* kOutstanding = "outstanding";
constexpr const char* kUnexpected = "unexpected";

std::string cny(std::int64_t fen) { return "CNY " + format_fen(fen); }

// What the lines did to one payment so far.
struct Effect {
  std::int64_t debited_fen = 0, returned_fen = 0;
  bool returned = false, batch_mismatch = false;
  std::string booking_date, detail;
  std::int64_t line_seq = 0;
};

class Matcher {
 public:
  Matcher(Db& db, const std::string& channel) : db_(db), channel_(channel) {
    payments_ = load_channel_payments(db, channel);
    for (const auto& p : payments_) {
      by_id_.emplace(p.end_to_end_id, &p);
      by_batch_[p.batch_id].push_back(&p);
    }
    for (auto& f : load_channel_payment_files(db, channel, channel_code(channel))) files_.emplace(f.pmt_inf_id, f);
  }

  // Derives every line's and payment's state from all lines of the channel,
  // in booking order, and writes what changed.
  void derive(const std::string& now) {
    auto lines = load_lines(db_, channel_);
    for (auto& l : lines) {
      StoredLine before = l;
      evaluate(l);
      if (l.state != before.state || l.matched != before.matched || l.detail != before.detail)
        update_line_state(db_, l);
    }
    auto stored = load_payment_states(db_, channel_);
    for (const auto& [id, e] : effects_) {
      const ChannelPayment& p = *by_id_.at(id);
      PaymentStateRecord s;
      s.end_to_end_id = id;
      s.debited_fen = e.debited_fen;
      s.returned_fen = e.returned_fen;
      s.booking_date = e.booking_date;
      s.line_seq = e.line_seq;
      if (e.returned) {
        s.state = kReturned;
        s.detail = e.detail;
      } else if (e.batch_mismatch) {
        s.state = kMismatch;
        s.detail = "its payment file was booked with another total";
      } else if (e.debited_fen == 0) {
        s.state = kOutstanding;
      } else if (e.debited_fen == p.amount_fen) {
        s.state = kMatched;
      } else {
        s.state = kMismatch;
        s.detail = "debited " + cny(e.debited_fen) + " in all, the payment is " + cny(p.amount_fen);
      }
      auto it = stored.find(id);
      if (it != stored.end() && it->second == s) continue;
      s.changed_at = now;
      upsert_payment_state(db_, channel_, s);
    }
  }

 private:
  void evaluate(StoredLine& l) {
    l.matched.clear();
    l.detail.clear();
    const bool back = l.credit || l.reversal;
    const std::string how = l.reversal ? "reversal" : "credit";
    if (!l.end_to_end_id.empty()) {
      auto it = by_id_.find(l.end_to_end_id);
      if (it == by_id_.end()) {
        l.state = kUnexpected;
        std::string other = channel_of_payment(db_, l.end_to_end_id);
        l.detail = other.empty() ? "no payment has this EndToEndId"
                                 : "EndToEndId of a payment of channel " + other + ", not " + channel_;
        return;
      }
      const ChannelPayment& p = *it->second;
      l.matched = p.end_to_end_id;
      Effect& e = touch(p, l);
      if (back) {
        l.state = kReturned;
        l.detail = how + " of " + cny(l.amount_fen) + " on " + l.booking_date + ": the money came back";
        e.returned = true;
        e.returned_fen = add_fen(e.returned_fen, l.amount_fen);
        e.detail = l.detail;
        return;
      }
      std::int64_t before = e.debited_fen;
      e.debited_fen = add_fen(e.debited_fen, l.amount_fen);
      if (before == 0 && l.amount_fen == p.amount_fen) {
        l.state = kMatched;
      } else {
        l.state = kMismatch;
        l.detail = before == 0 ? "debited " + cny(l.amount_fen) + ", the payment is " + cny(p.amount_fen)
                               : "debited again: " + cny(l.amount_fen) + " after " + cny(before) +
                                     ", the payment is " + cny(p.amount_fen);
      }
      return;
    }
    // No EndToEndId: a batch booking of a whole payment file, found by its
    // PmtInfId (Btch or Refs), else by an AcctSvcrRef equal to a PmtInfId.
    auto f = files_.find(l.pmt_inf_id);
    if (f == files_.end() && !l.acct_svcr_ref.empty()) f = files_.find(l.acct_svcr_ref);
    if (f == files_.end()) {
      l.state = kUnexpected;
      l.detail = l.pmt_inf_id.empty() ? "no EndToEndId and no PmtInfId of a payment file of " + channel_
                                      : "PmtInfId " + l.pmt_inf_id + " is no payment file of " + channel_;
      return;
    }
    const PaymentFileRecord& file = f->second;
    l.matched = file.pmt_inf_id;
    const auto& members = by_batch_[file.batch_id];
    std::string what = "batch booking of payment file " + file.pmt_inf_id + " (" + std::to_string(file.payments) +
                       " payments, CtrlSum " + cny(file.total_fen) + ")";
    if (back) {
      l.state = kReturned;
      l.detail = how + " of " + cny(l.amount_fen) + " for the " + what + ": the money came back";
      for (const ChannelPayment* p : members) {
        Effect& e = touch(*p, l);
        e.returned = true;
        e.returned_fen = add_fen(e.returned_fen, l.amount_fen == file.total_fen ? p->amount_fen : 0);
        e.detail = l.detail;
      }
      return;
    }
    bool count_ok = l.batch_tx_count < 0 || l.batch_tx_count == file.payments;
    if (l.amount_fen == file.total_fen && count_ok) {
      l.state = kMatched;
      l.detail = what;
      for (const ChannelPayment* p : members) {
        Effect& e = touch(*p, l);
        e.debited_fen = add_fen(e.debited_fen, p->amount_fen);
      }
      return;
    }
    l.state = kMismatch;
    l.detail = what + ": booked " + cny(l.amount_fen) +
               (count_ok ? std::string() : " for " + std::to_string(l.batch_tx_count) + " transactions");
    for (const ChannelPayment* p : members) touch(*p, l).batch_mismatch = true;
  }

  Effect& touch(const ChannelPayment& p, const StoredLine& l) {
    Effect& e = effects_[p.end_to_end_id];
    e.booking_date = l.booking_date;
    e.line_seq = l.seq;
    return e;
  }

  Db& db_;
  std::string channel_;
  std::vector<ChannelPayment> payments_;
  std::unordered_map<std::string, const ChannelPayment*> by_id_;
  std::unordered_map<std::string, std::vector<const ChannelPayment*>> by_batch_;
  std::unordered_map<std::string, PaymentFileRecord> files_;
  std::map<std::string, Effect> effects_;
};

// Lines that are the same booking: the same content (and bank reference),
// counted within one statement so a real double booking stays two lines.
std::string fingerprint_key(const StatementLine& l) {
  return l.acct_svcr_ref + "|" + l.booking_date + "|" + (l.credit ? "CRDT" : "DBIT") + "|" +
         (l.reversal ? "R" : "") + "|" + l.end_to_end_id + "|" + l.pmt_inf_id + "|" + std::to_string(l.amount_fen) +
         "|" + std::to_string(l.tx);
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

bool in_range(const std::string& date, const ReportFilter& f) {
  if (f.from && date < *f.from) return false;
  if (f.to && date > *f.to) return false;
  return true;
}

void tally(std::map<std::string, StateTotal>& totals, const std::string& state, std::int64_t amount_fen) {
  StateTotal& t = totals[state];
  ++t.count;
  t.amount_fen = add_fen(t.amount_fen, amount_fen);  // bounded by limits::channel_statement_total_fen_max
}

void fill_report(Db& db, ReconcileReport& r) {
  r.generated_at = now_iso8601();
  for (const char* s : {kMatched, kMismatch, kReturned, kOutstanding}) r.payment_totals[s] = {};
  for (const char* s : {kMatched, kMismatch, kReturned, kUnexpected}) r.line_totals[s] = {};
  auto states = load_payment_states(db, r.channel);
  for (const auto& p : load_channel_payments(db, r.channel)) {
    if (!in_range(p.batch_date, r.filter)) continue;
    PaymentView v;
    v.end_to_end_id = p.end_to_end_id;
    v.batch_id = p.batch_id;
    v.batch_date = p.batch_date;
    v.hospital_code = p.hospital_code;
    v.claim_id = p.claim_id;
    v.patient_masked = mask_id(p.patient_id);
    v.discharge_date = p.discharge_date;
    v.amount_fen = p.amount_fen;
    v.state = kOutstanding;
    if (auto it = states.find(p.end_to_end_id); it != states.end()) {
      v.state = it->second.state;
      v.debited_fen = it->second.debited_fen;
      v.returned_fen = it->second.returned_fen;
      v.booking_date = it->second.booking_date;
      v.detail = it->second.detail;
    }
    tally(r.payment_totals, v.state, v.amount_fen);
    if (v.state == kOutstanding && !r.oldest_outstanding) r.oldest_outstanding = v;  // payments come oldest first
    r.payments.push_back(std::move(v));
  }
  for (const auto& l : load_lines(db, r.channel)) {
    if (!in_range(l.booking_date, r.filter)) continue;
    LineView v;
    v.statement_seq = l.statement_seq;
    v.entry = l.entry;
    v.tx = l.tx;
    v.booking_date = l.booking_date;
    v.direction = l.credit ? "CRDT" : "DBIT";
    v.reversal = l.reversal;
    v.amount_fen = l.amount_fen;
    v.end_to_end_id = l.end_to_end_id;
    v.pmt_inf_id = l.pmt_inf_id;
    v.state = l.state;
    v.matched = l.matched;
    v.detail = l.detail;
    tally(r.line_totals, v.state, v.amount_fen);
    r.lines.push_back(std::move(v));
  }
}

ReconcileReport refuse(ReconcileReport r, std::vector<std::string> errors) {
  r.outcome = StatementOutcome::refused;
  r.errors = std::move(errors);
  r.generated_at = now_iso8601();
  return r;
}

}  // namespace

std::string outcome_name(StatementOutcome o) {
  switch (o) {
    case StatementOutcome::imported: return "imported";
    case StatementOutcome::same_bytes: return "same_bytes";
    case StatementOutcome::refused: return "refused";
    case StatementOutcome::status_only: return "status";
  }
  return "?";
}

bool ReconcileReport::has_exceptions() const {
  auto n = [](const std::map<std::string, StateTotal>& m, const char* s) {
    auto it = m.find(s);
    return it == m.end() ? 0 : it->second.count;
  };
  return n(payment_totals, kMismatch) + n(payment_totals, kReturned) + n(line_totals, kMismatch) +
             n(line_totals, kReturned) + n(line_totals, kUnexpected) >
         0;
}

std::vector<std::string> channel_fund_accounts(const ChannelSet& channels, const std::string& channel) {
  std::vector<std::string> out;
  if (const auto* e = channels.find(channel))
    for (const auto& v : e->versions) out.push_back(v.fund.account);
  return out;
}

ReconcileReport reconcile_statement(Db& db, const std::string& channel, const FeedSource& src,
                                    const ReconcileOptions& opt) {
  ReconcileReport r;
  r.channel = channel;
  r.filter = opt.filter;
  StatementParse parse = read_statement(src, opt.statement_bytes_max);
  if (!parse.ok) return refuse(std::move(r), parse.errors);

  Db::Tx tx(db);
  lock_for_statement_import(db);
  if (auto seen = find_statement(db, channel, parse.sha256_hex)) {
    r.outcome = StatementOutcome::same_bytes;
    r.statement = seen;
    fill_report(db, r);
    return r;  // nothing written: the transaction rolls back
  }
  if (!parse.accounts.empty()) {
    std::set<std::string> allowed(opt.fund_accounts.begin(), opt.fund_accounts.end());
    for (auto& a : channel_fund_accounts_paid_from(db, channel)) allowed.insert(a);
    allowed.erase("");
    if (allowed.empty())
      return refuse(std::move(r), {"no fund account is known for channel " + channel +
                                   ": it has no payment file and no configured fund"});
    for (const auto& a : parse.accounts)
      if (!allowed.count(a)) {
        std::vector<std::string> known(allowed.begin(), allowed.end());
        return refuse(std::move(r), {"the statement is of account " + a + ", not of channel " + channel +
                                     "'s fund account (" + joined(known) + ")"});
      }
  }
  std::int64_t statement_total_fen = 0;
  for (const auto& l : parse.lines) {
    statement_total_fen += l.amount_fen;  // each at most limits::money_fen_max: checked before it can overflow
    if (statement_total_fen > limits::statement_total_fen_max)
      return refuse(std::move(r), {"the statement's amounts add up to more than " +
                                   cny(limits::statement_total_fen_max)});
  }
  if (channel_lines_total_fen(db, channel) > limits::channel_statement_total_fen_max - statement_total_fen)
    return refuse(std::move(r), {"the statements of channel " + channel + " would add up to more than " +
                                 cny(limits::channel_statement_total_fen_max)});
  StatementRecord s;
  s.seq = next_statement_seq(db);
  s.channel = channel;
  s.sha256 = parse.sha256_hex;
  s.bytes = parse.bytes;
  s.source = src.path;
  s.format = parse.format;
  s.statement_ids = joined(parse.statement_ids);
  s.accounts = joined(parse.accounts);
  s.imported_at = now_iso8601();
  s.lines = static_cast<std::int64_t>(parse.lines.size());
  insert_statement(db, s);
  std::map<std::string, std::int64_t> occurrences;
  for (const auto& l : parse.lines) {
    if (l.status != "BOOK") {
      ++s.lines_not_booked;
      continue;
    }
    std::string key = fingerprint_key(l);
    StoredLine sl;
    sl.statement_seq = s.seq;
    sl.entry = l.entry;
    sl.tx = l.tx;
    sl.fingerprint = key + "#" + std::to_string(++occurrences[key]);
    sl.booking_date = l.booking_date;
    sl.credit = l.credit;
    sl.reversal = l.reversal;
    sl.amount_fen = l.amount_fen;
    sl.end_to_end_id = l.end_to_end_id;
    sl.pmt_inf_id = l.pmt_inf_id;
    sl.acct_svcr_ref = l.acct_svcr_ref;
    sl.batch_tx_count = l.batch_tx_count.value_or(-1);
    sl.state = kUnexpected;  // until derived below
    if (insert_line_if_new(db, channel, sl)) ++s.lines_new;
    else ++s.lines_seen_before;
  }
  update_statement_counts(db, s);
  Matcher(db, channel).derive(s.imported_at);
  tx.commit();
  r.outcome = StatementOutcome::imported;
  r.statement = s;
  fill_report(db, r);
  return r;
}

ReconcileReport reconciliation_status(Db& db, const std::string& channel, const ReportFilter& filter) {
  ReconcileReport r;
  r.channel = channel;
  r.filter = filter;
  r.outcome = StatementOutcome::status_only;
  fill_report(db, r);
  return r;
}

}  // namespace relief
