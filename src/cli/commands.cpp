// hospitals import, registry import, ingest, run, export.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "adapters/registry/registry_csv.hpp"
#include "batch/outputs.hpp"
#include "batch/run.hpp"
#include "src/cli/cli.hpp"
#include "src/core/limits.hpp"
#include "src/core/money.hpp"
#include "src/intake/ingest.hpp"
#include "src/intake/verdict_json.hpp"
#include "src/store/batch_store.hpp"
#include "src/store/registry_store.hpp"
#include "src/util/files.hpp"

namespace relief::cli {

std::int64_t feed_bytes_max(const Args& a) {
  auto v = a.option("feed-bytes-max");
  if (!v) return limits::feed_bytes_max_default;
  if (v->empty() || v->size() > 12 || v->find_first_not_of("0123456789") != std::string::npos)
    throw UsageError("--feed-bytes-max needs a whole number of bytes");
  std::int64_t n = std::stoll(*v);
  if (n < 1 || n > limits::feed_bytes_max_ceiling) throw UsageError("--feed-bytes-max out of range");
  return n;
}

namespace {

void print_csv_errors(const std::string& file, const std::vector<CsvError>& errors, std::ostream& err) {
  std::size_t shown = 0;
  for (const auto& e : errors) {
    if (++shown > limits::csv_errors_listed_max) {
      err << file << ": ... and " << (errors.size() - limits::csv_errors_listed_max) << " more errors\n";
      break;
    }
    err << file << ":" << e.line << ": " << (e.column.empty() ? "" : "column " + e.column + ": ") << e.reason << "\n";
  }
  err << file << ": rejected, nothing imported (" << errors.size() << " error" << (errors.size() == 1 ? "" : "s")
      << ")\n";
}

template <typename Reader, typename Writer>
int import_csv(const Args& a, std::ostream& out, std::ostream& err, const char* what, Reader read, Writer write) {
  if (a.words.size() != 1) throw UsageError(std::string(what) + " import needs exactly one FILE.csv");
  const std::string& file = a.words[0];
  std::string bytes;
  try {
    bytes = read_file_limited(file, limits::csv_file_bytes_max);
  } catch (const IoError& e) {
    err << "relief: " << e.what() << "\n";
    return kRefused;
  }
  std::vector<CsvError> errors;
  auto rows = read(bytes, errors);
  if (!errors.empty()) {
    print_csv_errors(file, errors, err);
    return kRefused;
  }
  auto db = Db::open(a.db_path);
  write(*db, rows);
  out << file << ": imported " << rows.size() << " " << what << " row" << (rows.size() == 1 ? "" : "s") << "\n";
  return kOk;
}

}  // namespace

int cmd_hospitals_import(const Args& a, std::ostream& out, std::ostream& err) {
  return import_csv(a, out, err, "hospital", read_hospitals_csv,
                    [](Db& db, const std::vector<Hospital>& rows) { upsert_hospitals(db, rows); });
}

int cmd_registry_import(const Args& a, std::ostream& out, std::ostream& err) {
  return import_csv(a, out, err, "person", read_registry_csv,
                    [](Db& db, const std::vector<Person>& rows) { upsert_persons(db, rows); });
}

int cmd_ingest(const Args& a, std::ostream& out, std::ostream& err) {
  if (a.words.empty()) throw UsageError("ingest needs at least one FEED");
  if (a.words.size() > limits::feeds_per_ingest_max) throw UsageError("too many feeds in one call");
  IngestOptions opt;
  opt.feed_bytes_max = feed_bytes_max(a);
  auto db = Db::open(a.db_path);
  bool any_refused = false;
  nlohmann::json all = nlohmann::json::array();
  // A file that cannot be read is the operator's mistake, not a hospital's
  // feed: nothing is recorded, the other feeds go on, the exit status is 2.
  std::vector<FeedSource> sources;
  std::vector<std::size_t> word_of;  // sources[i] is a.words[word_of[i]]
  for (std::size_t w = 0; w < a.words.size(); ++w) {
    const auto& file = a.words[w];
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec) || ::access(file.c_str(), R_OK) != 0) continue;
    sources.push_back(FeedSource{file, nullptr});
    word_of.push_back(w);
  }
  // Lines in the order of the command line: an unreadable file's line comes
  // between the verdicts of the feeds around it.
  std::size_t next_word = 0;
  auto unreadable_until = [&](std::size_t end) {
    for (; next_word < end; ++next_word) {
      err << "relief: " << a.words[next_word] << ": not a readable file; nothing recorded for it\n";
      any_refused = true;
    }
  };
  ingest_feeds(*db, sources, opt, [&](const FeedVerdict& v, std::size_t i) {
    unreadable_until(word_of[i]);
    next_word = word_of[i] + 1;
    const std::string& file = a.words[word_of[i]];
    bool refused = v.outcome == FeedOutcome::refused;
    any_refused = any_refused || refused;
    if (a.flag("json")) {
      all.push_back(verdict_json(v));
      return;
    }
    std::string who = v.feed_id.empty() ? "(no feed id)" : v.feed_id;
    std::string hosp = v.hospital_code.empty() ? "?" : v.hospital_code;
    switch (v.outcome) {
      case FeedOutcome::refused:
        out << fmt::format("{}: feed {} of {}: REFUSED {}: {}\n", file, who, hosp, v.code, v.detail);
        break;
      case FeedOutcome::same_bytes:
        out << fmt::format("{}: feed {} of {}: the same bytes were received before ({}): nothing to do\n", file, who,
                           hosp, v.code.empty() ? "accepted" : "refused " + v.code);
        break;
      case FeedOutcome::accepted:
        out << fmt::format("{}: feed {} of {}: accepted, {} claim{} queued, {} rejected\n", file, who, hosp,
                           v.claims_accepted, v.claims_accepted == 1 ? "" : "s", v.claims_rejected);
        for (const auto& r : v.rejections)
          out << fmt::format("  claim {} (#{}) {}: {}\n", r.claim_id.empty() ? "?" : r.claim_id, r.position, r.reason,
                             r.detail);
        break;
    }
  });
  unreadable_until(a.words.size());
  if (a.flag("json")) out << all.dump(2) << "\n";
  return any_refused ? kRefused : kOk;
}

int cmd_run(const Args& a, std::ostream& out, std::ostream& err) {
  if (!a.words.empty()) throw UsageError("run takes no positional arguments");
  RunOptions opt;
  if (auto d = a.option("date")) {
    if (!parse_date(*d)) throw UsageError("--date needs YYYY-MM-DD, got '" + *d + "'");
    opt.date = *d;
  }
  opt.inbox = a.option("inbox");
  opt.out_dir = a.option("out").value_or("out");
  opt.feed_bytes_max = feed_bytes_max(a);
  opt.progress = a.flag("progress") || (::isatty(STDERR_FILENO) && !a.flag("quiet"));
  ChannelSet channels = ChannelSet::load(a.channels_dir);
  auto db = Db::open(a.db_path);
  RunResult r = run_batch(*db, channels, opt, out, err);
  if (!r.batch_id.empty())
    out << fmt::format("batch {}: {} claims, {} rejections, {} payments, CNY {} paid, files in {}/{} ({:.2f} s)\n",
                       r.batch_id, r.claims, r.rejections, r.payments, format_fen(r.total_paid_fen), opt.out_dir,
                       r.batch_id, r.seconds);
  return r.any_feed_refused ? kRefused : kOk;
}

int cmd_export(const Args& a, std::ostream& out, std::ostream&) {
  if (a.words.size() != 1) throw UsageError("export needs one BATCH_ID");
  std::string out_dir = a.option("out").value_or("out");
  auto db = Db::open(a.db_path);
  if (!load_batch(*db, a.words[0])) {
    out << "no batch " << a.words[0] << "\n";
    return kUsage;
  }
  std::string dir = (std::filesystem::path(out_dir) / a.words[0]).string();
  write_batch_files(*db, a.words[0], dir);
  out << "exported the files of batch " << a.words[0] << " to " << dir << "\n";
  return kOk;
}

}  // namespace relief::cli
