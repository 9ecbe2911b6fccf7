#include "batch/outputs.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>

#include "adapters/payments/payment_files.hpp"
#include "batch/report.hpp"
#include "src/core/idnumber.hpp"
#include "src/core/money.hpp"
#include "src/store/batch_store.hpp"
#include "src/util/fault.hpp"
#include "src/util/files.hpp"

namespace relief {

using nlohmann::json;

std::string batch_file_timestamp(const std::string& batch_date) { return batch_date + "T00:00:00+08:00"; }

std::map<std::string, std::string> render_batch_files(Db& db, const std::string& batch_id) {
  auto batch = load_batch(db, batch_id);
  if (!batch) throw std::runtime_error("no batch " + batch_id);
  std::map<std::string, std::string> files;
  BatchData data;
  data.batch = *batch;
  data.channels = load_batch_channels(db, batch_id);
  data.results = load_results(db, batch_id);
  data.rejections = load_batch_rejections(db, batch_id);

  // results.jsonl
  std::string jsonl;
  for (const auto& r : data.results) {
    json trace = json::parse(r.trace);
    json paid = json::object();
    for (const auto& ch : data.channels) paid[ch.channel] = trace.contains(ch.channel) ? trace[ch.channel]["amount"] : json("0.00");
    json line = {{"batch_id", batch_id},
                 {"hospital_code", r.hospital_code},
                 {"feed_id", r.feed_id},
                 {"claim_id", r.claim_id},
                 {"patient", mask_id(r.patient_id)},
                 {"discharge_date", r.discharge_date},
                 {"burden", format_fen(r.burden_fen)},
                 {"paid", paid},
                 {"total_paid", format_fen(r.total_paid_fen)},
                 {"trace", trace}};
    jsonl += line.dump() + "\n";
  }
  files["results.jsonl"] = jsonl;

  // rejections.csv
  std::string rej = "hospital_code,feed_id,claim_id,reason,detail\n";
  for (const auto& r : data.rejections)
    rej += csv_field(r.hospital_code) + ',' + csv_field(r.feed_id) + ',' + csv_field(r.claim_id) + ',' +
           csv_field(r.reason) + ',' + csv_field(r.detail) + '\n';
  files["rejections.csv"] = rej;

  // payments per channel
  json channels = json::object();
  std::int64_t grand_total = 0;
  for (const auto& ch : data.channels) {
    auto rows = load_payments(db, batch_id, ch.channel);
    std::int64_t total = 0;
    for (const auto& p : rows) total = add_fen(total, p.amount_fen);
    // Invariant: the file's totals equal the ledger's increase for the channel.
    if (total != ch.total_fen || total != ch.ledger_increase_fen || static_cast<std::int64_t>(rows.size()) != ch.payments)
      throw std::logic_error("batch " + batch_id + " channel " + ch.channel +
                             ": payment rows disagree with the recorded totals and ledger increase");
    files["payments-" + ch.channel + ".csv"] = payments_csv(rows);
    if (!rows.empty()) {
      Pain001Header h{batch_id, batch->batch_date, batch_file_timestamp(batch->batch_date), ch.channel, ch.fund};
      files["payments-" + ch.channel + ".xml"] = pain001_xml(h, rows);
    }
    channels[ch.channel] = {{"payments", ch.payments}, {"total", format_fen(total)}, {"fund_account", ch.fund.account}};
    grand_total = add_fen(grand_total, total);
    data.payments[ch.channel] = std::move(rows);
  }

  std::int64_t claim_rejections = 0, feed_refusals = 0;
  for (const auto& r : data.rejections) (r.claim_id.empty() && r.position == 0 ? feed_refusals : claim_rejections)++;
  json summary = {{"batch_id", batch_id},
                  {"batch_date", batch->batch_date},
                  {"created_at", batch_file_timestamp(batch->batch_date)},
                  {"feeds", {{"accepted", count_batch_feeds(db, batch_id, false)},
                             {"refused", count_batch_feeds(db, batch_id, true)}}},
                  {"claims", {{"accepted", static_cast<std::int64_t>(data.results.size())},
                              {"rejected", claim_rejections}}},
                  {"channels", channels},
                  {"total_paid", format_fen(grand_total)}};
  files["summary.json"] = summary.dump(2) + "\n";
  data.feeds_accepted = summary["feeds"]["accepted"].get<std::int64_t>();
  data.feeds_refused = summary["feeds"]["refused"].get<std::int64_t>();
  files["report.html"] = render_report_html(data);
  return files;
}

void publish_batch(Db& db, const std::string& batch_id, const std::string& out_dir) {
  auto files = render_batch_files(db, batch_id);
  std::string dir = (std::filesystem::path(out_dir) / batch_id).string();
  make_directories(dir);
  int written = 0;
  for (const auto& [name, bytes] : files) {
    write_file_atomically(dir + "/" + name, bytes);
    if (++written == 2) fault_point("run.mid_publish");
  }
  fsync_directory(dir);
  fsync_directory(out_dir);
  fault_point("run.before_mark_published");
  mark_published(db, batch_id);
}

}  // namespace relief
