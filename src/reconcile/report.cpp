// The reconciliation report: CSV, JSON, and the summary a person reads.
#include <fmt/format.h>

#include "adapters/payments/payment_files.hpp"
#include "src/core/money.hpp"
#include "src/reconcile/reconcile.hpp"

namespace relief {

namespace {

const char* const kPaymentStates[] = {"matched", "amount_mismatch", "returned", "outstanding"};
const char* const kLineStates[] = {"matched", "amount_mismatch", "returned", "unexpected"};

std::string period(const ReportFilter& f) {
  if (!f.from && !f.to) return "all dates";
  if (f.from && f.to) return "from " + *f.from + " to " + *f.to;
  return f.from ? "from " + *f.from : "up to " + *f.to;
}

// "3" for a whole entry, "3.2" for its second transaction.
std::string entry_ref(const LineView& l) {
  return l.tx > 0 ? fmt::format("{}.{}", l.entry, l.tx) : std::to_string(l.entry);
}

std::string line_ref(const LineView& l) {
  return fmt::format("statement {} entry {}", l.statement_seq, entry_ref(l));
}

nlohmann::json totals_json(const std::map<std::string, StateTotal>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [state, t] : m) j[state] = {{"count", t.count}, {"amount", format_fen(t.amount_fen)}};
  return j;
}

nlohmann::json payment_json(const PaymentView& p) {
  nlohmann::json j = {{"end_to_end_id", p.end_to_end_id}, {"batch_id", p.batch_id},
                      {"batch_date", p.batch_date},       {"hospital_code", p.hospital_code},
                      {"claim_id", p.claim_id},           {"patient", p.patient_masked},
                      {"discharge_date", p.discharge_date}, {"amount", format_fen(p.amount_fen)},
                      {"state", p.state},                 {"debited", format_fen(p.debited_fen)},
                      {"returned", format_fen(p.returned_fen)}};
  if (!p.booking_date.empty()) j["booking_date"] = p.booking_date;
  if (!p.detail.empty()) j["detail"] = p.detail;
  return j;
}

}  // namespace

std::string report_csv(const ReconcileReport& r) {
  std::string out =
      "record,state,end_to_end_id,pmt_inf_id,batch_id,batch_date,hospital_code,claim_id,patient,amount,debited,"
      "returned,booking_date,direction,reversal,statement,entry,detail\n";
  for (const auto& p : r.payments)
    out += "payment," + p.state + ',' + csv_field(p.end_to_end_id) + ",," + csv_field(p.batch_id) + ',' +
           p.batch_date + ',' + csv_field(p.hospital_code) + ',' + csv_field(p.claim_id) + ',' + p.patient_masked +
           ',' + format_fen(p.amount_fen) + ',' + format_fen(p.debited_fen) + ',' + format_fen(p.returned_fen) + ',' +
           p.booking_date + ",,,,," + csv_field(p.detail) + '\n';
  for (const auto& l : r.lines)
    out += "entry," + l.state + ',' + csv_field(l.end_to_end_id.empty() ? l.matched : l.end_to_end_id) + ',' +
           csv_field(l.pmt_inf_id) + ",,,,,," + format_fen(l.amount_fen) + ",,," + l.booking_date + ',' +
           l.direction + ',' + (l.reversal ? "true" : "false") + ',' + std::to_string(l.statement_seq) + ',' +
           entry_ref(l) + ',' +
           csv_field(l.detail) + '\n';
  return out;
}

nlohmann::json report_json(const ReconcileReport& r) {
  nlohmann::json j = {{"channel", r.channel}, {"generated_at", r.generated_at}, {"outcome", outcome_name(r.outcome)}};
  nlohmann::json filter = nlohmann::json::object();
  if (r.filter.from) filter["from"] = *r.filter.from;
  if (r.filter.to) filter["to"] = *r.filter.to;
  j["filter"] = filter;
  if (r.outcome == StatementOutcome::refused) {
    j["errors"] = r.errors;
    return j;
  }
  if (r.statement) {
    const auto& s = *r.statement;
    j["statement"] = {{"seq", s.seq},
                      {"source", s.source},
                      {"format", s.format},
                      {"sha256", s.sha256},
                      {"bytes", s.bytes},
                      {"statement_ids", s.statement_ids},
                      {"accounts", s.accounts},
                      {"imported_at", s.imported_at},
                      {"lines", s.lines},
                      {"lines_new", s.lines_new},
                      {"lines_seen_before", s.lines_seen_before},
                      {"lines_not_booked", s.lines_not_booked}};
  }
  j["summary"] = {{"payments", totals_json(r.payment_totals)}, {"entries", totals_json(r.line_totals)}};
  j["oldest_outstanding"] = r.oldest_outstanding ? payment_json(*r.oldest_outstanding) : nlohmann::json(nullptr);
  j["exceptions"] = r.has_exceptions();
  nlohmann::json payments = nlohmann::json::array();
  for (const auto& p : r.payments) payments.push_back(payment_json(p));
  j["payments"] = std::move(payments);
  nlohmann::json lines = nlohmann::json::array();
  for (const auto& l : r.lines) {
    nlohmann::json e = {{"statement", l.statement_seq}, {"entry", l.entry},
                        {"tx", l.tx},                   {"booking_date", l.booking_date},
                        {"direction", l.direction},     {"reversal", l.reversal},
                        {"amount", format_fen(l.amount_fen)}, {"state", l.state}};
    if (!l.end_to_end_id.empty()) e["end_to_end_id"] = l.end_to_end_id;
    if (!l.pmt_inf_id.empty()) e["pmt_inf_id"] = l.pmt_inf_id;
    if (!l.matched.empty()) e["matched"] = l.matched;
    if (!l.detail.empty()) e["detail"] = l.detail;
    lines.push_back(std::move(e));
  }
  j["entries"] = std::move(lines);
  return j;
}

std::string report_text(const ReconcileReport& r, std::size_t rows_max) {
  std::string o;
  if (r.outcome == StatementOutcome::refused) {
    o += "statement REFUSED, nothing changed:\n";
    for (const auto& e : r.errors) o += "  " + e + "\n";
    return o;
  }
  if (r.statement) {
    const auto& s = *r.statement;
    if (r.outcome == StatementOutcome::same_bytes)
      o += fmt::format("{}: the same statement was imported on {} (statement {}): nothing changed\n", s.source,
                       s.imported_at, s.seq);
    else
      o += fmt::format("{}: {} imported as statement {}: {} booked lines new, {} seen in an earlier statement, {} not "
                       "booked (ignored)\n",
                       s.source,
                       s.format == "csv" ? std::string("CSV statement")
                                         : s.format + " " + s.statement_ids + " of account " + s.accounts,
                       s.seq, s.lines_new, s.lines_seen_before, s.lines_not_booked);
  }
  o += fmt::format("{} payments, paid {}:\n", r.channel, period(r.filter));
  for (const char* st : kPaymentStates) {
    const StateTotal& t = r.payment_totals.at(st);
    o += fmt::format("  {:<16} {:>7}  CNY {:>18}\n", st, t.count, format_fen(t.amount_fen));
  }
  if (r.oldest_outstanding) {
    const auto& p = *r.oldest_outstanding;
    o += fmt::format("  oldest outstanding: {} of {} ({}/{}, CNY {})\n", p.end_to_end_id, p.batch_date,
                     p.hospital_code, p.claim_id, format_fen(p.amount_fen));
  }
  o += fmt::format("{} statement entries, booked {}:\n", r.channel, period(r.filter));
  for (const char* st : kLineStates) {
    const StateTotal& t = r.line_totals.at(st);
    o += fmt::format("  {:<16} {:>7}  CNY {:>18}\n", st, t.count, format_fen(t.amount_fen));
  }
  auto list_payments = [&](const char* state, const char* title) {
    const std::int64_t n = r.payment_totals.at(state).count;
    if (n == 0) return;
    o += fmt::format("{} ({}):\n", title, n);
    std::size_t shown = 0;
    for (const auto& p : r.payments) {
      if (p.state != state) continue;
      if (shown++ == rows_max) {
        o += fmt::format("  ... and {} more: see the report\n", n - static_cast<std::int64_t>(rows_max));
        break;
      }
      o += fmt::format("  {} {} {}/{} patient {} CNY {}{}{}\n", p.end_to_end_id, p.batch_date, p.hospital_code,
                       p.claim_id, p.patient_masked, format_fen(p.amount_fen),
                       p.booking_date.empty() ? std::string() : " booked " + p.booking_date,
                       p.detail.empty() ? std::string() : ": " + p.detail);
    }
  };
  list_payments("returned", "returned: the money came back");
  list_payments("amount_mismatch", "amount mismatch");
  list_payments("outstanding", "outstanding: not on any statement yet");
  const std::int64_t unexpected = r.line_totals.at("unexpected").count;
  if (unexpected > 0) {
    o += fmt::format("unexpected entries ({}):\n", unexpected);
    std::size_t shown = 0;
    for (const auto& l : r.lines) {
      if (l.state != "unexpected") continue;
      if (shown++ == rows_max) {
        o += fmt::format("  ... and {} more: see the report\n", unexpected - static_cast<std::int64_t>(rows_max));
        break;
      }
      o += fmt::format("  {} booked {} {}{} CNY {} {}: {}\n", line_ref(l), l.booking_date, l.direction,
                       l.reversal ? " (reversal)" : "", format_fen(l.amount_fen),
                       l.end_to_end_id.empty() ? (l.pmt_inf_id.empty() ? std::string("(no reference)") : l.pmt_inf_id)
                                               : l.end_to_end_id,
                       l.detail);
    }
  }
  o += r.has_exceptions() ? "exceptions to follow up: see above\n" : "no exceptions\n";
  return o;
}

}  // namespace relief
