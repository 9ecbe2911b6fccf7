#include "batch/report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "adapters/payments/payment_files.hpp"
#include "src/core/idnumber.hpp"
#include "src/core/money.hpp"

namespace relief {

namespace {
constexpr std::size_t kLargestShown = 20;
constexpr std::size_t kRejectionsShown = 500;
std::string esc(const std::string& s) { return xml_escape(s); }
std::string td(const std::string& s, bool num = false) {
  return std::string(num ? "<td class=n>" : "<td>") + esc(s) + "</td>";
}
}  // namespace

std::string render_report_html(const BatchData& d) {
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
  std::int64_t claim_rejections = 0, feed_refusals = 0;
  for (const auto& r : d.rejections) (r.position == 0 && r.claim_id.empty() ? feed_refusals : claim_rejections)++;
  h += "<p>Batch date " + esc(d.batch.batch_date) + ". Feeds accepted: " + std::to_string(d.feeds_accepted) +
       ", refused whole: " + std::to_string(d.feeds_refused) + ". Claims adjudicated: " + std::to_string(d.results.size()) +
       ", rejected: " + std::to_string(claim_rejections) + ". Payments: " + std::to_string(payments) + ", total CNY " +
       format_fen(total) + ".</p>\n";

  h += "<h2>Totals per channel</h2>\n<table><tr><th>channel</th><th>fund</th><th>account</th><th>payments</th><th>total (CNY)</th></tr>\n";
  for (const auto& c : d.channels)
    h += "<tr>" + td(c.channel) + td(c.fund.name) + td(c.fund.account) + td(std::to_string(c.payments), true) +
         td(format_fen(c.total_fen), true) + "</tr>\n";
  h += "</table>\n";

  // per hospital
  std::map<std::string, std::pair<std::string, std::map<std::string, std::int64_t>>> by_hospital;
  std::vector<const PaymentRow*> all;
  for (const auto& [ch, rows] : d.payments)
    for (const auto& p : rows) {
      auto& e = by_hospital[p.hospital_code];
      e.first = p.hospital_name;
      e.second[ch] = add_fen(e.second[ch], p.amount_fen);
      all.push_back(&p);
    }
  h += "<h2>Totals per hospital</h2>\n<table><tr><th>hospital</th><th>name</th>";
  for (const auto& c : d.channels) h += "<th>" + esc(c.channel) + "</th>";
  h += "<th>total</th></tr>\n";
  for (const auto& [code, e] : by_hospital) {
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

  // refusals
  std::map<std::string, std::int64_t> by_reason;
  for (const auto& r : d.rejections) by_reason[r.reason]++;
  h += "<h2>Refused feeds and rejected claims</h2>\n";
  if (d.rejections.empty()) h += "<p class=muted>None.</p>\n";
  else {
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
      h += "<p class=muted>" + std::to_string(d.rejections.size() - kRejectionsShown) +
           " more in rejections.csv.</p>\n";
  }

  // largest payments
  std::stable_sort(all.begin(), all.end(), [](const PaymentRow* a, const PaymentRow* b) { return a->amount_fen > b->amount_fen; });
  h += "<h2>Largest payments</h2>\n<table><tr><th>end-to-end id</th><th>channel</th><th>hospital</th><th>claim</th><th>patient</th><th>amount (CNY)</th></tr>\n";
  for (std::size_t i = 0; i < all.size() && i < kLargestShown; ++i) {
    const auto* p = all[i];
    h += "<tr>" + td(p->end_to_end_id) + td(p->channel) + td(p->hospital_code) + td(p->claim_id) +
         td(mask_id(p->patient_id)) + td(format_fen(p->amount_fen), true) + "</tr>\n";
  }
  h += "</table>\n";

  // cap usage, from the traces
  h += "<h2>Cap usage</h2>\n<table><tr><th>channel</th><th>claims eligible</th><th>claims paid</th><th>claims cut by the cap</th><th>claims with the cap already spent</th></tr>\n";
  for (const auto& c : d.channels) {
    std::int64_t eligible = 0, paid = 0, cut = 0, spent = 0;
    for (const auto& r : d.results) {
      auto t = nlohmann::json::parse(r.trace);
      if (!t.contains(c.channel)) continue;
      const auto& o = t[c.channel];
      if (!o.value("eligible", false)) continue;
      ++eligible;
      if (o["amount"] != "0.00") ++paid;
      if (o.contains("cap") && o.contains("used_before") && o["used_before"] == o["cap"]) ++spent;
      else if (o.contains("note") && o["note"].get<std::string>().rfind("cut to the cap", 0) == 0) ++cut;
    }
    h += "<tr>" + td(c.channel) + td(std::to_string(eligible), true) + td(std::to_string(paid), true) +
         td(std::to_string(cut), true) + td(std::to_string(spent), true) + "</tr>\n";
  }
  h += "</table>\n<p class=muted>Identity numbers are masked. Files of this batch: payments-*.csv and .xml, results.jsonl, rejections.csv, summary.json.</p>\n</body></html>\n";
  return h;
}

}  // namespace relief
