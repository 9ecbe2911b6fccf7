// relief reconcile: import a bank statement of a channel's fund account, or
// show where the channel's payments stand (SPEC 6).
#include <filesystem>
#include <iostream>

#include "channels/channel.hpp"
#include "src/cli/cli.hpp"
#include "src/core/date.hpp"
#include "src/reconcile/reconcile.hpp"
#include "src/util/files.hpp"

namespace relief::cli {

namespace {

std::string checked_date(const Args& a, const char* name) {
  auto v = a.option(name);
  if (!v) return {};
  if (!parse_date(*v)) throw UsageError(std::string("--") + name + " needs YYYY-MM-DD, got '" + *v + "'");
  return *v;
}

ReportFilter filter_of(const Args& a) {
  ReportFilter f;
  if (auto m = a.option("month")) {
    if (a.option("from") || a.option("to")) throw UsageError("--month goes without --from and --to");
    auto first = parse_date(*m + "-01");
    if (m->size() != 7 || !first) throw UsageError("--month needs YYYY-MM, got '" + *m + "'");
    f.from = first->iso();
    f.to = Date{first->year, first->month, days_in_month(first->year, first->month)}.iso();
    return f;
  }
  if (auto d = checked_date(a, "from"); !d.empty()) f.from = d;
  if (auto d = checked_date(a, "to"); !d.empty()) f.to = d;
  if (f.from && f.to && *f.from > *f.to) throw UsageError("--from is after --to");
  return f;
}

std::int64_t statement_bytes_max(const Args& a) {
  auto v = a.option("statement-bytes-max");
  if (!v) return limits::statement_bytes_max_default;
  if (v->empty() || v->size() > 12 || v->find_first_not_of("0123456789") != std::string::npos)
    throw UsageError("--statement-bytes-max needs a whole number of bytes");
  std::int64_t n = std::stoll(*v);
  if (n < 1 || n > limits::feed_bytes_max_ceiling) throw UsageError("--statement-bytes-max out of range");
  return n;
}

int exit_for(const ReconcileReport& r) { return r.has_exceptions() ? kReconcile : kOk; }

}  // namespace

int cmd_reconcile(const Args& a, std::ostream& out, std::ostream& err) {
  auto channel = a.option("channel");
  if (!channel || channel->empty()) throw UsageError("reconcile needs --channel NAME");
  bool status = a.words.size() == 1 && a.words[0] == "status";
  if (a.words.size() != 1) throw UsageError("reconcile needs one STATEMENT file (or 'status')");
  ReportFilter filter = filter_of(a);
  ChannelSet channels = ChannelSet::load(a.channels_dir);
  if (!channels.find(*channel)) {
    std::string known;
    for (const auto& e : channels.in_payment_order()) known += (known.empty() ? "" : ", ") + e.module->name();
    throw UsageError("unknown channel '" + *channel + "' (channels: " + known + ")");
  }
  auto db = Db::open(a.db_path);

  if (status) {
    ReconcileReport r = reconciliation_status(*db, *channel, filter);
    out << (a.flag("json") ? report_json(r).dump(2) + "\n" : report_text(r));
    return exit_for(r);
  }

  const std::string& file = a.words[0];
  ReconcileOptions opt;
  opt.statement_bytes_max = statement_bytes_max(a);
  opt.fund_accounts = channel_fund_accounts(channels, *channel);
  opt.filter = filter;
  ReconcileReport r = reconcile_statement(*db, *channel, FeedSource{file, nullptr}, opt);
  if (r.outcome == StatementOutcome::refused) {
    for (const auto& e : r.errors) err << "relief: " << file << ": statement refused: " << e << "\n";
    err << "relief: " << file << ": nothing changed\n";
    return kRefused;
  }
  std::string dir = a.option("report-dir").value_or("out/reconcile");
  make_directories(dir);
  std::string base = (std::filesystem::path(dir) / (*channel + "-statement-" + std::to_string(r.statement->seq))).string();
  write_file_atomically(base + ".csv", report_csv(r));
  write_file_atomically(base + ".json", report_json(r).dump(2) + "\n");
  fsync_directory(dir);
  out << (a.flag("json") ? report_json(r).dump(2) + "\n" : report_text(r));
  if (!a.flag("json")) out << "report: " << base << ".csv and " << base << ".json\n";
  return exit_for(r);
}

}  // namespace relief::cli
