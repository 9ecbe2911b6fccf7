#include "batch/outputs.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "adapters/payments/payment_files.hpp"
#include "batch/report.hpp"
#include "src/core/idnumber.hpp"
#include "src/core/limits.hpp"
#include "src/core/money.hpp"
#include "src/engine/engine.hpp"
#include "src/store/batch_store.hpp"
#include "src/util/fault.hpp"
#include "src/util/files.hpp"

namespace relief {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t kChunkRows = 10'000;

void write_results(Db& db, const std::string& batch_id, const std::string& dir, ReportFigures& fig) {
  FileSink sink(dir + "/results.jsonl");
  ResultCursor cur(db, batch_id, kChunkRows);
  std::vector<ResultRow> chunk;
  std::string lines;
  while (cur.next(chunk)) {
    lines.clear();
    for (const auto& r : chunk) {
      append_result_line(lines, batch_id, r);
      ++fig.claims_adjudicated;
    }
    sink.write(lines);
  }
  sink.finish();
}

std::string payment_file(const std::string& dir, const std::string& channel, const char* ext) {
  return dir + "/payments-" + channel + ext;
}

// Invariant: a channel's payment files hold the batch record's count and sum,
// which equal the ledger's increase.
void check_payment_totals(const std::string& batch_id, const BatchChannelRow& ch, std::int64_t count,
                          std::int64_t total_fen) {
  if (count != ch.payments || total_fen != ch.total_fen || total_fen != ch.ledger_increase_fen)
    throw std::logic_error("batch " + batch_id + " channel " + ch.channel +
                           ": payment rows disagree with the recorded totals and ledger increase");
}

// A channel's payment files from the database (export, repair): the CSV
// always, the pain.001 file when it pays something; the report's figures.
void write_payments(Db& db, const BatchRecord& batch, const BatchChannelRow& ch, const std::string& dir,
                    ReportFigures& fig) {
  FileSink csv(payment_file(dir, ch.channel, ".csv"));
  std::unique_ptr<FileSink> xml;
  Pain001Header h{batch.batch_id, batch.batch_date, batch_file_timestamp(batch.batch_date), ch.channel, ch.fund};
  csv.write(payments_csv_header());
  if (ch.payments > 0) {
    xml = std::make_unique<FileSink>(payment_file(dir, ch.channel, ".xml"));
    xml->write(pain001_begin(h, ch.payments, ch.total_fen));
  }
  PaymentCursor cur(db, batch.batch_id, ch.channel, kChunkRows);
  std::vector<PaymentRow> chunk;
  std::int64_t count = 0, total = 0;
  std::string text;  // one row at a time, the buffer reused
  while (cur.next(chunk)) {
    for (const auto& p : chunk) {
      ++count;
      total = add_fen(total, p.amount_fen);
      text.clear();
      append_payments_csv_row(text, p);
      csv.write(text);
      if (xml) {
        text.clear();
        append_pain001_transaction(text, h, p);
        xml->write(text);
      }
      fig.note_payment(p);
    }
  }
  check_payment_totals(batch.batch_id, ch, count, total);
  csv.finish();
  if (xml) {
    xml->write(pain001_end());
    xml->finish();
  }
}

}  // namespace

void append_result_line(std::string& out, const std::string& batch_id, const ResultRow& r) {
  append_result_line_head(out, batch_id, r);
  out += r.trace;
  append_result_line_end(out);
}

void append_result_line_head(std::string& out, const std::string& batch_id, const ResultRow& r) {
  // Keys in the order a JSON object with sorted keys is written (the trace
  // last); paid and trace are JSON texts already.
  out += "{\"batch_id\":";
  append_json_string(out, batch_id);
  out += ",\"burden\":";
  append_quoted_fen(out, r.burden_fen);
  out += ",\"claim_id\":";
  append_json_string(out, r.claim_id);
  out += ",\"discharge_date\":";
  append_json_string(out, r.discharge_date);
  out += ",\"feed_id\":";
  append_json_string(out, r.feed_id);
  out += ",\"hospital_code\":";
  append_json_string(out, r.hospital_code);
  out += ",\"paid\":";
  out += r.paid;
  out += ",\"patient\":\"";  // a masked number: digits, 'X' and '*'
  append_masked_id(out, r.patient_id);
  out += "\",\"total_paid\":";
  append_quoted_fen(out, r.total_paid_fen);
  out += ",\"trace\":";
}

void append_result_line_end(std::string& out) { out += "}\n"; }

std::string batch_file_timestamp(const std::string& batch_date) { return batch_date + "T00:00:00+08:00"; }

// ---- payment files written during the run ----

namespace {
constexpr std::size_t kPaymentSinkBufferBytes = 256u << 10;  // eight are open during a batch
constexpr const char* kBodySuffix = ".body";                  // + FileSink's ".tmp"
constexpr std::string_view kStrayBodyEnd = ".xml.body.tmp";  // what a crash can leave

// Side files a crash left behind (the run that wrote them never published).
void remove_stray_bodies(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("payments-", 0) == 0 && name.size() > kStrayBodyEnd.size() &&
        std::string_view(name).substr(name.size() - kStrayBodyEnd.size()) == kStrayBodyEnd)
      fs::remove(e.path(), ec);
  }
}

// Appends the bytes of `path` to `out`, a chunk at a time.
void copy_file_into(const std::string& path, FileSink& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read " + path);
  std::string chunk(kPaymentSinkBufferBytes, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n > 0) out.write(std::string_view(chunk.data(), n));
  }
  if (in.bad()) throw IoError("cannot read " + path);
}
}  // namespace

struct PrewrittenPayments::Channel {
  Pain001Header header;
  std::unique_ptr<FileSink> csv, body;
  std::unique_ptr<FileSink> xml;  // after prepare(): the pain.001 file, synced, not renamed
  std::int64_t count = 0, total_fen = 0;
  ReportFigures noted;
};

PrewrittenPayments::PrewrittenPayments(const std::string& dir, const std::string& batch_id,
                                       const std::string& batch_date, const std::vector<ChannelFund>& channels)
    : dir_(dir) {
  for (const auto& c : channels) {
    auto ch = std::make_unique<Channel>();
    ch->header = Pain001Header{batch_id, batch_date, batch_file_timestamp(batch_date), c.channel, c.fund};
    ch->csv = std::make_unique<FileSink>(payment_file(dir, c.channel, ".csv"), kPaymentSinkBufferBytes);
    ch->csv->write(payments_csv_header());
    ch->body = std::make_unique<FileSink>(payment_file(dir, c.channel, ".xml") + kBodySuffix, kPaymentSinkBufferBytes);
    channels_.push_back(std::move(ch));
  }
}

PrewrittenPayments::~PrewrittenPayments() = default;

void PrewrittenPayments::add(const PaymentRow& p) {
  for (auto& ch : channels_) {
    if (ch->header.channel != p.channel) continue;
    if (p.position != ch->count + 1) throw std::logic_error("payment " + p.end_to_end_id + " out of order");
    ++ch->count;
    ch->total_fen = add_fen(ch->total_fen, p.amount_fen);
    text_.clear();
    append_payments_csv_row(text_, p);
    ch->csv->write(text_);
    text_.clear();
    append_pain001_transaction(text_, ch->header, p);
    ch->body->write(text_);
    ch->noted.note_payment(p);
    return;
  }
  throw std::logic_error("payment " + p.end_to_end_id + " of an unknown channel " + p.channel);
}

PrewrittenPayments::Channel& PrewrittenPayments::checked(const BatchChannelRow& row) {
  auto it = std::find_if(channels_.begin(), channels_.end(),
                         [&](const auto& ch) { return ch->header.channel == row.channel; });
  if (it == channels_.end()) throw std::logic_error("channel " + row.channel + " was not written by the run");
  Channel& ch = **it;
  check_payment_totals(ch.header.batch_id, row, ch.count, ch.total_fen);
  if (ch.header.fund.account != row.fund.account || ch.header.fund.bank_code != row.fund.bank_code ||
      ch.header.fund.name != row.fund.name)
    throw std::logic_error("channel " + row.channel + ": the run's fund account differs from the batch record's");
  return ch;
}

void PrewrittenPayments::prepare(const std::vector<BatchChannelRow>& rows) {
  if (rows.size() != channels_.size()) throw std::logic_error("the batch record lists other channels than the run");
  for (const auto& row : rows) {
    Channel& ch = checked(row);
    if (ch.xml || !ch.body) continue;  // prepared already
    ch.csv->sync();
    if (ch.count > 0) {
      ch.body->flush();
      auto xml = std::make_unique<FileSink>(payment_file(dir_, row.channel, ".xml"));
      xml->write(pain001_begin(ch.header, ch.count, ch.total_fen));
      copy_file_into(ch.body->temporary_path(), *xml);
      xml->write(pain001_end());
      xml->sync();
      ch.xml = std::move(xml);
    }
    ch.body.reset();  // the side file goes
  }
}

void PrewrittenPayments::publish(const std::vector<BatchChannelRow>& rows, ReportFigures& fig) {
  prepare(rows);  // what a prepare() before the commit left to do, if anything
  for (const auto& row : rows) {
    Channel& ch = checked(row);
    ch.csv->finish();
    if (ch.xml) ch.xml->finish();
    fig.merge_payments(ch.noted);
  }
}

void write_batch_files(Db& db, const std::string& batch_id, const std::string& dir, PrewrittenResults* prewritten) {
  auto batch = load_batch(db, batch_id);
  if (!batch) throw std::runtime_error("no batch " + batch_id);
  make_directories(dir);
  ReportFigures fig;
  fig.batch = *batch;
  fig.channels = load_batch_channels(db, batch_id);
  fig.rejections = load_batch_rejections(db, batch_id);
  fig.feeds_accepted = count_batch_feeds(db, batch_id, false);
  fig.feeds_refused = count_batch_feeds(db, batch_id, true);

  if (prewritten && prewritten->sink) {
    prewritten->sink->finish();
    prewritten->sink.reset();
    fig.claims_adjudicated = prewritten->results;
  } else {
    write_results(db, batch_id, dir, fig);
  }
  fault_point("run.mid_publish");

  std::string rej = "hospital_code,feed_id,claim_id,reason,detail\n";
  for (const auto& r : fig.rejections)
    rej += csv_field(r.hospital_code) + ',' + csv_field(r.feed_id) + ',' + csv_field(r.claim_id) + ',' +
           csv_field(r.reason) + ',' + csv_field(r.detail) + '\n';
  write_file_atomically(dir + "/rejections.csv", rej);

  if (prewritten && prewritten->payments) {
    prewritten->payments->publish(fig.channels, fig);
    prewritten->payments.reset();
  } else {
    remove_stray_bodies(dir);
    for (const auto& ch : fig.channels) write_payments(db, *batch, ch, dir, fig);
  }
  json channels = json::object();
  std::int64_t grand_total = 0;
  for (const auto& ch : fig.channels) {
    channels[ch.channel] = {{"payments", ch.payments}, {"total", format_fen(ch.total_fen)}, {"fund_account", ch.fund.account}};
    grand_total = add_fen(grand_total, ch.total_fen);
  }

  std::int64_t claim_rejections = 0;
  for (const auto& r : fig.rejections)
    if (!(r.position == 0 && r.claim_id.empty())) ++claim_rejections;
  json summary = {{"batch_id", batch_id},
                  {"batch_date", batch->batch_date},
                  {"created_at", batch_file_timestamp(batch->batch_date)},
                  {"feeds", {{"accepted", fig.feeds_accepted}, {"refused", fig.feeds_refused}}},
                  {"claims", {{"accepted", fig.claims_adjudicated}, {"rejected", claim_rejections}}},
                  {"channels", channels},
                  {"total_paid", format_fen(grand_total)}};
  write_file_atomically(dir + "/report.html", render_report_html(fig));
  // summary.json last: its presence says the folder is complete.
  write_file_atomically(dir + "/summary.json", summary.dump(2) + "\n");
  fsync_directory(dir);
}

void publish_batch(Db& db, const std::string& batch_id, const std::string& out_dir, PrewrittenResults* prewritten) {
  std::string dir = (fs::path(out_dir) / batch_id).string();
  write_batch_files(db, batch_id, dir, prewritten);
  fsync_directory(out_dir);
  fault_point("run.before_mark_published");
  mark_published(db, batch_id);
}

std::map<std::string, std::string> render_batch_files(Db& db, const std::string& batch_id) {
  std::string tmp = (fs::temp_directory_path() / ("relief-render-" + std::to_string(::getpid()) + "-" + batch_id)).string();
  fs::remove_all(tmp);
  write_batch_files(db, batch_id, tmp);
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(tmp))
    files[e.path().filename().string()] = read_file_limited(e.path().string(), limits::feed_bytes_max_ceiling);
  fs::remove_all(tmp);
  return files;
}

}  // namespace relief
