#include "batch/report.hpp"

#include <algorithm>

#include "adapters/payments/payment_files.hpp"
#include "src/core/idnumber.hpp"
#include "src/core/money.hpp"

namespace relief {

namespace {
constexpr std::size_t kRejectionsShown = 500;
std::string esc(const std::string& s) { return xml_escape(s); }
std::string td(const std::string& s, bool num = false) {
  return std::string(num ? "<td class=n>" : "<td>") + esc(s) + "</td>";
}
}  // namespace

void ReportFigures::note_payment(const PaymentRow& p) {
  auto& e = by_hospital[p.hospital_code];
  e.first = p.hospital_name;
  e.second[p.channel] = add_fen(e.second[p.channel], p.amount_fen);
  keep_if_largest(p);
}

void ReportFigures::merge_payments(const ReportFigures& later) {
  for (const auto& [code, e] : later.by_hospital) {
    auto& mine = by_hospital[code];
    mine.first = e.first;
    for (const auto& [channel, fen] : e.second) mine.second[channel] = add_fen(mine.second[channel], fen);
  }
  // `later.largest` holds its kLargestShown largest in noting order among
  // equals: any payment of `later` that would have stayed here is among them.
  for (const auto& p : later.largest) keep_if_largest(p);
}

void ReportFigures::keep_if_largest(const PaymentRow& p) {
  // Keep the kLargestShown largest, ties in file order (stable).
  auto pos = std::upper_bound(largest.begin(), largest.end(), p,
                              [](const PaymentRow& a, const PaymentRow& b) { return a.amount_fen > b.amount_fen; });
  if (static_cast<std::size_t>(pos - largest.begin()) >= kLargestShown) return;
  largest.insert(pos, p);
  if (largest.size() > kLargestShown) largest.pop_back();
}

std::string render_report_html(const ReportFigures& d) {
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Relief batch " + esc(d.batch.batch_id) +
       "</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}"
       "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
       "th{background:#f0f0f0}h2{margin-top:1.6em}.muted{color:#666}</style></head><body>\n";
  h += "<h1>Relief batch " + esc(d.batch.batch_id) + "</h1>\n";
  std::int64_t total = 0, payments = 0;
  for (const auto& c : d.channels) {
    total = add_fen(total, c.total_fen);
    payments += c.payments;
  }
  std::int64_t claim_rejections = 0;
  for (const auto& r : d.rejections)
    if (!(r.position == 0 && r.claim_id.empty())) ++claim_rejections;
  h += "<p>Batch date " + esc(d.batch.batch_date) + ". Feeds accepted: " + std::to_string(d.feeds_accepted) +
       ", refused whole: " + std::to_string(d.feeds_refused) + ". Claims adjudicated: " +
       std::to_string(d.claims_adjudicated) + ", rejected: " + std::to_string(claim_rejections) + ". Payments: " +
       std::to_string(payments) + ", total CNY " + format_fen(total) + ".</p>\n";

  h += "<h2>Totals per channel</h2>\n<table><tr><th>channel</th><th>fund</th><th>account</th><th>payments</th><th>total (CNY)</th></tr>\n";
  for (const auto& c : d.channels)
    h += "<tr>" + td(c.channel) + td(c.fund.name) + td(c.fund.account) + td(std::to_string(c.payments), true) +
         td(format_fen(c.total_fen), true) + "</tr>\n";
  h += "</table>\n";

  h += "<h2>Totals per hospital</h2>\n<table><tr><th>hospital</th><th>name</th>";
  for (const auto& c : d.channels) h += "<th>" + esc(c.channel) + "</th>";
  h += "<th>total</th></tr>\n";
  for (const auto& [code, e] : d.by_hospital) {
    h += "<tr>" + td(code) + td(e.first);
    std::int64_t t = 0;
    for (const auto& c : d.channels) {
      auto it = e.second.find(c.channel);
      std::int64_t v = it == e.second.end() ? 0 : it->second;
      t = add_fen(t, v);
      h += td(format_fen(v), true);
    }
    h += td(format_fen(t), true) + "</tr>\n";
  }
  h += "</table>\n";

  std::map<std::string, std::int64_t> by_reason;
  for (const auto& r : d.rejections) by_reason[r.reason]++;
  h += "<h2>Refused feeds and rejected claims</h2>\n";
  if (d.rejections.empty()) {
    h += "<p class=muted>None.</p>\n";
  } else {
    h += "<table><tr><th>reason</th><th>count</th></tr>\n";
    for (const auto& [reason, n] : by_reason) h += "<tr>" + td(reason) + td(std::to_string(n), true) + "</tr>\n";
    h += "</table>\n<table><tr><th>hospital</th><th>feed</th><th>claim</th><th>reason</th><th>why</th></tr>\n";
    for (std::size_t i = 0; i < d.rejections.size() && i < kRejectionsShown; ++i) {
      const auto& r = d.rejections[i];
      h += "<tr>" + td(r.hospital_code) + td(r.feed_id) + td(r.claim_id.empty() ? "(whole feed)" : r.claim_id) +
           td(r.reason) + td(r.detail) + "</tr>\n";
    }
    h += "</table>\n";
    if (d.rejections.size() > kRejectionsShown)
      h += "<p class=muted>" + std::to_string(d.rejections.size() - kRejectionsShown) + " more in rejections.csv.</p>\n";
  }

  h += "<h2>Largest payments</h2>\n<table><tr><th>end-to-end id</th><th>channel</th><th>hospital</th><th>claim</th><th>patient</th><th>amount (CNY)</th></tr>\n";
  for (const auto& p : d.largest)
    h += "<tr>" + td(p.end_to_end_id) + td(p.channel) + td(p.hospital_code) + td(p.claim_id) + td(mask_id(p.patient_id)) +
         td(format_fen(p.amount_fen), true) + "</tr>\n";
  h += "</table>\n";

  h += "<h2>Cap usage</h2>\n<table><tr><th>channel</th><th>claims eligible</th><th>claims paid</th><th>claims cut by the cap</th><th>claims with the cap already spent</th></tr>\n";
  for (const auto& c : d.channels) {
    h += "<tr>" + td(c.channel) + td(std::to_string(c.claims_eligible), true) + td(std::to_string(c.claims_paid), true) +
         td(std::to_string(c.claims_cut), true) + td(std::to_string(c.claims_cap_spent), true) + "</tr>\n";
  }
  h += "</table>\n<p class=muted>Identity numbers are masked. Files of this batch: payments-*.csv and .xml, "
       "results.jsonl, rejections.csv, summary.json.</p>\n</body></html>\n";
  return h;
}

}  // namespace relief
