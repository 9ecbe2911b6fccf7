#include "batch/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <thread>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "adapters/payments/payment_files.hpp"
#include "batch/outputs.hpp"
#include "batch/person_cache.hpp"
#include "batch/registry_image.hpp"
#include "src/core/limits.hpp"
#include "src/core/money.hpp"
#include "src/intake/ingest.hpp"
#include "src/store/batch_store.hpp"
#include "src/store/registry_store.hpp"
#include "src/util/fault.hpp"
#include "src/util/bounded_queue.hpp"
#include "src/util/files.hpp"

namespace relief {

namespace fs = std::filesystem;

namespace {


std::string today() { return now_iso8601().substr(0, 10); }

void ingest_inbox(Db& db, const std::string& inbox, const RunOptions& opt, RunResult& res, std::ostream& out) {
  if (!fs::is_directory(inbox)) throw IoError("inbox " + inbox + " is not a folder");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(inbox))
    if (e.is_regular_file() && e.path().extension() == ".xml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  if (files.size() > limits::feeds_per_ingest_max) files.resize(limits::feeds_per_ingest_max);
  IngestOptions io;
  io.feed_bytes_max = opt.feed_bytes_max;
  io.skip_unreported_refusal_of_same_source = true;
  // Feeds are read two ahead on their own threads (ingest_feeds). The inbox's
  // files stay where they are until the database holds every verdict durably:
  // the feeds' commits skip their fsync (synchronous=NORMAL), one
  // synchronous=FULL commit at the end syncs them all, and only then are the
  // files moved (folders fsynced once). A crash before that leaves the files in the inbox, and the
  // next run finds the same bytes taken (or refused, not yet reported) and
  // moves them then; a verdict is never lost with its file moved away.
  std::vector<FeedSource> sources;
  sources.reserve(files.size());
  for (const auto& f : files) sources.push_back(FeedSource{f, nullptr});
  const std::string done_dir = (fs::path(inbox) / "done").string(), refused_dir = (fs::path(inbox) / "refused").string();
  make_directories(done_dir);
  make_directories(refused_dir);
  std::vector<bool> refused(files.size(), false);
  std::vector<std::string> shown(files.size());
  {
    ScopedPragma normal(db, "PRAGMA synchronous=NORMAL", "PRAGMA synchronous=FULL");
    ingest_feeds(db, sources, io, [&](const FeedVerdict& v, std::size_t i) {
      refused[i] = v.outcome == FeedOutcome::refused || (v.outcome == FeedOutcome::same_bytes && !v.code.empty());
      shown[i] = refused[i] ? "refused " + v.code : outcome_name(v.outcome);
    });
  }
  if (!files.empty()) {
    // One commit with synchronous=FULL: its fsync of the WAL makes every
    // feed's commit above durable too.
    Db::Tx tx(db);
    std::string at = now_iso8601();
    db.session() << "INSERT INTO meta(key, value) VALUES('inbox_synced_at', ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        Poco::Data::Keywords::use(at), Poco::Data::Keywords::now;
    tx.commit();
  }
  fault_point("inbox.after_sync");
  for (std::size_t i = 0; i < files.size(); ++i) {
    fault_point("inbox.before_move");
    std::string dest = move_into(files[i], refused[i] ? refused_dir : done_dir, /*sync=*/false);
    fault_point("inbox.after_move");
    res.any_feed_refused = res.any_feed_refused || refused[i];
    out << fmt::format("inbox: {} -> {} ({})\n", files[i], dest, shown[i]);
  }
  for (const auto& d : {done_dir, refused_dir, inbox}) fsync_directory(d);
}

// True when DIR lacks one of the files batch B must have (SPEC 5).
bool batch_file_missing(Db& db, const std::string& batch_id, const std::string& dir) {
  for (const char* name : {"results.jsonl", "rejections.csv", "summary.json", "report.html"})
    if (!file_exists(dir + "/" + name)) return true;
  for (const auto& ch : load_batch_channels(db, batch_id)) {
    if (!file_exists(dir + "/payments-" + ch.channel + ".csv")) return true;
    if (ch.payments > 0 && !file_exists(dir + "/payments-" + ch.channel + ".xml")) return true;
  }
  return false;
}

// Files of committed batches that never got published (a crash after the
// commit), and of published batches whose folder lost a file, are written
// again from the database. A batch folder that is gone whole (archived, or
// another --out) is left alone: `relief export` recreates it on purpose.
void repair_unpublished(Db& db, const std::string& out_dir, std::ostream& out) {
  for (const auto& b : load_batches(db)) {
    const std::string dir = out_dir + "/" + b.batch_id;
    if (b.published && !(fs::is_directory(dir) && batch_file_missing(db, b.batch_id, dir))) continue;
    publish_batch(db, b.batch_id, out_dir);
    out << "repaired: wrote the files of committed batch " << b.batch_id << "\n";
  }
}

class Progress {
 public:
  Progress(bool on, std::int64_t total, std::ostream& err) : on_(on), total_(total), err_(err) {}
  void tick(std::int64_t done) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    if (done != total_ && now - last_ < std::chrono::milliseconds(250)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    err_ << fmt::format("\r  adjudicating {}/{} claims, {:.0f} claims/s, {:.0f} s left   ", done, total_, rate, left);
    if (done == total_) err_ << "\n";
    err_.flush();
  }

 private:
  bool on_;
  std::int64_t total_;
  std::ostream& err_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{};
};

// Chunks waiting between two threads. Adjudicated chunks carry their
// results.jsonl text (~4 MB at 2,000 claims): one waits before the packer and
// one before the database thread (two each cost ~10 MB more RSS at no gain).
constexpr std::size_t kChunksInFlight = 2;
constexpr std::size_t kAdjudicatedChunksInFlight = 1;

struct CapUsageCount {
  std::int64_t eligible = 0, paid = 0, cut = 0, spent = 0;
};

// A chunk of claims in processing order with what adjudicating them needs
// from the database: their persons (and parents) and their ledger rows.
struct ClaimChunk {
  std::vector<Claim> claims;
  Persons persons;
  std::vector<LedgerRow> ledger_rows;
  std::vector<std::int64_t> row_ids;  // the claims' rows, to mark them at the end
  std::exception_ptr error;           // the loader failed
};

struct Adjudicated {
  std::vector<ResultRow> results;
  std::vector<PaymentRow> payments;
  std::string jsonl;               // the results' lines of results.jsonl
  std::vector<std::pair<std::size_t, std::size_t>> trace_at;  // each result's trace in jsonl: offset, length
  std::vector<TraceBlock> blocks;  // the results with their traces, compressed (by pack_blocks)
  std::vector<std::int64_t> row_ids;  // passed through from the ClaimChunk
  std::exception_ptr error;
};

// SPEC 4.1 over a batch's claims in processing order, chunk by chunk: the
// results and payments rows, results.jsonl's lines, and the per-channel
// figures for the checks (indexed like channels.in_payment_order()).
struct Adjudicator {
  Adjudicator(const ChannelSet& c, const std::map<std::string, Hospital>& h, Ledger& l, const std::string& b)
      : channels(c), ledger(l), batch_id(b), paid_per_channel(c.in_payment_order().size(), 0),
        count_per_channel(c.in_payment_order().size(), 0), usage(c.in_payment_order().size()) {
    for (const auto& [code, hospital] : h) hospitals.emplace(code, &hospital);
  }
  const ChannelSet& channels;
  std::unordered_map<std::string, const Hospital*> hospitals;  // looked up for every claim
  Ledger& ledger;
  const std::string& batch_id;
  std::int64_t position = 0;
  std::vector<std::int64_t> paid_per_channel, count_per_channel;
  std::vector<CapUsageCount> usage;
  std::size_t line_bytes_guess = 2'560;  // grows to the longest line seen

  void process(ClaimChunk& in, Adjudicated& out) {
    const Persons& persons = in.persons;
    for (const auto& row : in.ledger_rows) ledger.load_if_absent(row.key, row.used_fen);
    out.row_ids = std::move(in.row_ids);
    out.results.reserve(in.claims.size());
    // The lines go straight into one text; each trace is kept as its place in it.
    out.jsonl.reserve(in.claims.size() * line_bytes_guess);
    out.trace_at.reserve(in.claims.size());
    for (auto& c : in.claims) {
      ++position;
      auto found = hospitals.find(c.hospital_code);
      if (found == hospitals.end()) throw InvariantError("claim of unknown hospital " + c.hospital_code);
      const Hospital& hospital = *found->second;
      Person absent;
      absent.id_number = c.patient_id;
      auto pit = persons.find(c.patient_id);
      const Person& person = pit == persons.end() ? absent : pit->second;
      ClaimResult r = adjudicate(channels, c, person, hospital, persons, ledger);
      if (r.channels.size() != usage.size()) throw InvariantError("a claim's result lacks a channel");
      ResultRow row;
      row.position = position;
      row.discharge_date = c.discharge_date.iso();
      row.burden_fen = r.burden_fen;
      row.total_paid_fen = r.total_paid_fen;
      row.paid = paid_text(r);
      for (std::size_t i = 0; i < r.channels.size(); ++i) {
        const ChannelOutcome& o = r.channels[i];
        CapUsageCount& u = usage[i];
        if (!o.eligible) continue;
        ++u.eligible;
        if (o.amount_fen > 0) ++u.paid;
        if (o.used_before_fen >= o.cap_fen) ++u.spent;
        else if (o.amount_fen < o.computed_fen && o.amount_fen + o.used_before_fen == o.cap_fen) ++u.cut;
      }
      for (std::size_t i = 0; i < r.channels.size(); ++i) {
        const ChannelOutcome& o = r.channels[i];
        if (o.amount_fen <= 0) continue;
        PaymentRow p;
        p.batch_id = batch_id;
        p.channel = o.channel;
        p.position = ++count_per_channel[i];
        p.end_to_end_id = end_to_end_id(batch_id, o.channel, p.position);
        p.result_position = position;
        p.hospital_code = c.hospital_code;
        p.hospital_name = hospital.name;
        p.account = hospital.account;
        p.bank_code = hospital.bank_code;
        p.claim_id = c.claim_id;
        p.patient_id = c.patient_id;
        p.discharge_date = row.discharge_date;
        p.amount_fen = o.amount_fen;
        paid_per_channel[i] = add_fen(paid_per_channel[i], o.amount_fen);
        out.payments.push_back(std::move(p));
      }
      // The claim is done with: its strings move into the result row.
      row.hospital_code = std::move(c.hospital_code);
      row.claim_id = std::move(c.claim_id);
      row.feed_id = std::move(c.feed_id);
      row.patient_id = std::move(c.patient_id);
      const std::size_t line_start = out.jsonl.size();
      append_result_line_head(out.jsonl, batch_id, row);
      const std::size_t trace_start = out.jsonl.size();
      append_trace_text(out.jsonl, r);
      out.trace_at.emplace_back(trace_start, out.jsonl.size() - trace_start);
      append_result_line_end(out.jsonl);
      line_bytes_guess = std::max(line_bytes_guess, out.jsonl.size() - line_start);
      out.results.push_back(std::move(row));
    }
  }
};

// The results of an adjudicated chunk with their traces, in zstd blocks (a
// third of the adjudicator's time if it did it: on a thread of its own).
void pack_blocks(Adjudicated& a) {
  std::vector<std::string_view> traces;
  for (std::size_t k = 0; k < a.trace_at.size(); k += kTracesPerBlock) {
    traces.clear();
    for (std::size_t j = k; j < std::min(k + kTracesPerBlock, a.trace_at.size()); ++j)
      traces.emplace_back(a.jsonl.data() + a.trace_at[j].first, a.trace_at[j].second);
    a.blocks.push_back(pack_results(std::span<const ResultRow>(a.results).subspan(k, traces.size()), traces));
  }
}

}  // namespace

RunResult run_batch(Db& db, const ChannelSet& channels, const RunOptions& opt, std::ostream& out, std::ostream& err) {
  auto t0 = std::chrono::steady_clock::now();
  // RELIEF_PHASE_TIMES=1: seconds since the start at each phase, on stderr (for profiling).
  const bool phase_times = std::getenv("RELIEF_PHASE_TIMES") != nullptr;
  auto phase = [&](const char* name) {
    if (phase_times)
      err << fmt::format("phase {:.2f} s {}\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), name);
  };
  RunResult res;
  make_directories(opt.out_dir);
  repair_unpublished(db, opt.out_dir, out);
  if (opt.inbox) ingest_inbox(db, *opt.inbox, opt, res, out);

  if (count_queued_claims(db) == 0 && count_unreported_rejections(db) == 0) {
    out << "nothing queued: no batch written\n";
    return res;
  }
  std::string batch_date = opt.date.value_or(today());
  phase("inbox done");

  std::map<std::string, Hospital> hospitals = load_hospitals(db);
  std::vector<BatchChannelRow> totals;
  std::string batch_id;
  std::int64_t claims_total = 0;
  // A batch that fails before its commit leaves no folder behind (the
  // unfinished results file goes first, with `prewritten`).
  struct EmptyFolderRemover {
    std::string dir;
    ~EmptyFolderRemover() {
      std::error_code ec;
      if (!dir.empty() && fs::is_empty(dir, ec)) fs::remove(dir, ec);
    }
  } remove_if_empty;
  PrewrittenResults prewritten;
  // No checkpoint inside the commit: the one after it runs beside the file
  // writing (SQLite's default of 1,000 pages is back when run_batch returns).
  ScopedPragma autocheckpoint_off(db, "PRAGMA wal_autocheckpoint=0", "PRAGMA wal_autocheckpoint=1000");
  std::unique_ptr<Db> reader;
  // One task at a time beside the database thread, always joined. Its
  // failure is kept for join_rethrow(); join() drops it (best effort: the
  // step that depends on the task sees the failure again).
  struct Background {
    std::thread t;
    std::exception_ptr error;
    void run(std::function<void()> task) {
      join();
      error = nullptr;
      t = std::thread([this, task = std::move(task)] {
        try {
          task();
        } catch (...) {
          error = std::current_exception();
        }
      });
    }
    void join() {
      if (t.joinable()) t.join();
    }
    void join_rethrow() {
      join();
      if (error) std::rethrow_exception(std::exchange(error, nullptr));
    }
    ~Background() { join(); }
  } background;
  {
    Db::Tx tx(db);
    std::int64_t seq = 0;
    batch_id = next_batch_id(db, batch_date, seq);
    if (seq > limits::batches_per_day_max) throw InvariantError("more than 99 batches on " + batch_date);
    claim_queue_for_batch(db, batch_id);
    claims_total = count_batch_claims(db, batch_id);
    if (claims_total > limits::claims_per_batch_max) throw InvariantError("more claims than one batch may hold");
    BatchRecord b;
    b.batch_id = batch_id;
    b.batch_date = batch_date;
    b.seq = seq;
    b.created_at = now_iso8601();
    b.claims = claims_total;
    b.rejections = count_batch_rejections(db, batch_id);
    b.feeds = count_batch_feeds(db, batch_id, false) + count_batch_feeds(db, batch_id, true);
    insert_batch(db, b);
    Ledger ledger;
    phase("batch opened");

    // Four threads, chunks in processing order through bounded queues (so
    // the result is the same as one thread's): a loader reads the queued
    // claims with their persons and ledger rows on its own read connection
    // (nothing it reads changes during the batch: this transaction holds the
    // write lock and writes claims and ledger only at the end); the
    // adjudicator owns the ledger and renders results.jsonl's lines; a packer
    // compresses the results into their blocks; this thread writes the
    // blocks and payments in the batch's transaction, and results.jsonl and
    // the payment files as the chunks come (unfinished until the commit).
    const std::string batch_dir = (fs::path(opt.out_dir) / batch_id).string();
    if (!fs::exists(batch_dir)) remove_if_empty.dir = batch_dir;
    make_directories(batch_dir);
    prewritten.sink = std::make_unique<FileSink>(batch_dir + "/results.jsonl");
    {
      std::vector<PrewrittenPayments::ChannelFund> funds;
      for (const auto& e : channels.in_payment_order())
        funds.push_back({e.module->name(), e.fund_version(parse_date(batch_date).value()).fund});
      prewritten.payments = std::make_unique<PrewrittenPayments>(batch_dir, batch_id, batch_date, funds);
    }
    Adjudicator adj(channels, hospitals, ledger, batch_id);
    Progress progress(opt.progress, claims_total, err);
    ResultWriter writer(db);
    reader = Db::open(db.path());
    BoundedQueue<ClaimChunk> to_adjudicate(kChunksInFlight);
    BoundedQueue<Adjudicated> adjudicated(kAdjudicatedChunksInFlight);
    PersonCache person_cache(opt.patients_cached_max);
    RegistryImage registry_image;
    bool whole_registry = false;
    std::thread loader([&] {
      try {
        // One read transaction for the whole loop: in autocommit mode every
        // look-up would open and close its own (WAL locks, each a system call).
        Db::Tx snapshot(*reader);
        // A registry small enough is read whole, in one pass; a bigger one
        // is looked up chunk by chunk, the recent persons remembered.
        whole_registry = registry_image.load(*reader, opt.registry_image_persons_max);
        ClaimCursor cursor(*reader, std::max<std::size_t>(1, opt.claims_per_chunk), opt.merged_feeds_max);
        for (;;) {
          ClaimChunk chunk;
          if (!cursor.next(chunk.claims, chunk.row_ids)) break;
          if (whole_registry) registry_image.fill(*reader, chunk.claims, chunk.persons, chunk.ledger_rows);
          else person_cache.fill(*reader, chunk.claims, chunk.persons, chunk.ledger_rows);
          if (!to_adjudicate.push(std::move(chunk))) return;
        }
      } catch (...) {
        ClaimChunk failed;
        failed.error = std::current_exception();
        to_adjudicate.push(std::move(failed));
      }
      to_adjudicate.close();
    });
    std::thread worker([&] {
      ClaimChunk in;
      while (to_adjudicate.pop(in)) {
        Adjudicated done;
        done.error = in.error;
        if (!done.error) {
          try {
            adj.process(in, done);
          } catch (...) {
            done.error = std::current_exception();
          }
        }
        bool failed = static_cast<bool>(done.error);
        if (!adjudicated.push(std::move(done)) || failed) break;
      }
      adjudicated.close();
    });
    BoundedQueue<Adjudicated> packed(kAdjudicatedChunksInFlight);
    std::thread packer([&] {
      Adjudicated done;
      while (adjudicated.pop(done)) {
        if (!done.error) {
          try {
            pack_blocks(done);
          } catch (...) {
            done.error = std::current_exception();
          }
        }
        bool failed = static_cast<bool>(done.error);
        if (!packed.push(std::move(done)) || failed) break;
      }
      packed.close();
    });
    struct Joiner {
      std::thread &loader, &worker, &packer;
      BoundedQueue<ClaimChunk>& in;
      BoundedQueue<Adjudicated>& between;
      BoundedQueue<Adjudicated>& out;
      ~Joiner() {
        in.close();
        between.close();
        out.close();
        if (loader.joinable()) loader.join();
        if (worker.joinable()) worker.join();
        if (packer.joinable()) packer.join();
      }
    } joiner{loader, worker, packer, to_adjudicate, adjudicated, packed};
    std::int64_t position = 0;
    ClaimResultMarks marks(db, batch_id);  // where each claim's result is
    Adjudicated done;
    while (packed.pop(done)) {
      if (done.error) std::rethrow_exception(done.error);
      if (position == 0) phase("first chunk adjudicated");
      for (const auto& p : done.payments) {
        writer.add_payment(p);
        prewritten.payments->add(p);
      }
      for (const auto& block : done.blocks) writer.add_result_block(batch_id, block);
      prewritten.sink->write(done.jsonl);
      for (const std::int64_t row : done.row_ids) marks.add(row);
      position += static_cast<std::int64_t>(done.results.size());
      progress.tick(position);
    }
    if (position != claims_total) throw InvariantError("the claim cursor returned a different number of claims");
    phase("adjudicated");
    if (phase_times && whole_registry) err << fmt::format("registry read whole: {} persons\n", registry_image.size());
    if (phase_times && !whole_registry)
      err << fmt::format("patients looked up: {}\n", person_cache.patients_looked_up());
    // Pair check: claim payments == ledger increase, per channel; used <= cap.
    std::map<std::string, std::int64_t> increase;
    for (const auto& [compact, e] : ledger.entries()) {
      const std::string channel(std::get<1>(ledger.view(compact)));
      increase[channel] = add_fen(increase[channel], sub_fen(e.used_fen, e.loaded_fen));
      if (e.used_fen != e.loaded_fen && e.used_fen > e.cap_fen)
        throw InvariantError("ledger row above its cap for channel " + channel);
    }
    for (std::size_t i = 0; i < channels.in_payment_order().size(); ++i) {
      const auto& e = channels.in_payment_order()[i];
      std::string name = e.module->name();
      const std::int64_t paid_fen = adj.paid_per_channel[i];
      if (paid_fen != increase[name])
        throw InvariantError("channel " + name + ": payments " + format_fen(paid_fen) +
                             " differ from the ledger increase " + format_fen(increase[name]));
      BatchChannelRow row;
      row.channel = name;
      row.payments = adj.count_per_channel[i];
      row.total_fen = paid_fen;
      row.ledger_increase_fen = increase[name];
      row.fund = e.fund_version(parse_date(batch_date).value()).fund;
      row.order_index = e.versions.front().payment_order;
      row.claims_eligible = adj.usage[i].eligible;
      row.claims_paid = adj.usage[i].paid;
      row.claims_cut = adj.usage[i].cut;
      row.claims_cap_spent = adj.usage[i].spent;
      totals.push_back(row);
    }

    // Beside the database work below, on a helper thread: results.jsonl's
    // sync (the last blocks, the file's metadata; finish() after the commit
    // syncs again and reports a failure), then each pain.001 file assembled
    // and every payment file synced under its temporary name, checked against
    // the batch record about to be committed. A failure of that aborts the
    // batch before its commit.
    background.run([&sink = *prewritten.sink, &payments = *prewritten.payments, &totals] {
      try {
        sink.sync();
      } catch (...) {
      }
      payments.prepare(totals);
    });
    marks.write(db);
    phase("claims marked");

    insert_batch_channels(db, batch_id, totals);
    write_ledger(db, ledger);
    phase("ledger written");
    fault_point("run.after_ledger");
    background.join_rethrow();
    phase("payment files prepared");
    fault_point("run.before_commit");
    tx.commit();
    phase("committed");
  }
  fault_point("run.after_commit");
  background.join();
  // The WAL holds the whole batch: it is copied into the database on the
  // reader connection while the files are written (auto-checkpoint was off).
  background.run([&reader] { reader->session() << "PRAGMA wal_checkpoint(PASSIVE)", Poco::Data::Keywords::now; });
  prewritten.results = claims_total;
  publish_batch(db, batch_id, opt.out_dir, &prewritten);
  phase("published");
  background.join();
  phase("checkpointed");

  res.batch_id = batch_id;
  res.claims = claims_total;
  res.rejections = count_batch_rejections(db, batch_id);
  for (const auto& t : totals) {
    res.payments += t.payments;
    res.total_paid_fen = add_fen(res.total_paid_fen, t.total_fen);
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace relief
