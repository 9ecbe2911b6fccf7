#include "src/intake/ingest.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/LocalDateTime.h>

#include <cassert>
#include <deque>
#include <memory>
#include <unordered_set>

#include "src/core/limits.hpp"
#include "src/core/money.hpp"
#include "src/intake/checks.hpp"
#include "src/intake/feed_pipe.hpp"
#include "src/util/fault.hpp"

namespace relief {

std::string outcome_name(FeedOutcome o) {
  switch (o) {
    case FeedOutcome::accepted: return "accepted";
    case FeedOutcome::refused: return "refused";
    case FeedOutcome::same_bytes: return "same_bytes";
  }
  return "?";
}

std::string now_iso8601() {
  return Poco::DateTimeFormatter::format(Poco::LocalDateTime(), Poco::DateTimeFormat::ISO8601_FORMAT);
}

namespace {

FeedVerdict replay(Db& db, const FeedRecord& f, const std::string& source) {
  FeedVerdict v;
  v.source = source;
  v.outcome = FeedOutcome::same_bytes;
  v.code = f.verdict == "accepted" ? "" : f.verdict;
  v.detail = f.detail;
  v.hospital_code = f.hospital_code;
  v.feed_id = f.feed_id;
  v.sha256 = f.sha256;
  v.bytes = f.bytes;
  v.feed_seq = f.seq;
  v.claims_total = f.claims_total;
  v.claims_accepted = f.claims_accepted;
  v.claims_rejected = f.claims_rejected;
  v.received_at = f.received_at;
  v.rejections = feed_rejections(db, f.seq, limits::rejections_shown_per_feed_max);
  return v;
}

// The feed row of verdict v (counts are set when the feed is finished).
FeedRecord feed_record(const FeedVerdict& v, std::int64_t seq, const std::string& verdict) {
  FeedRecord f;
  f.seq = seq;
  f.hospital_code = v.hospital_code;
  f.feed_id = v.feed_id;
  f.sha256 = v.sha256;
  f.bytes = v.bytes;
  f.source = v.source;
  f.received_at = v.received_at;
  f.verdict = verdict;
  return f;
}

void record_refusal(Db& db, FeedVerdict& v, std::int64_t claims_total) {
  Db::Tx tx(db);
  FeedWriter w(db);
  FeedRecord f = feed_record(v, w.next_feed_seq(), v.code);
  f.detail = v.detail;
  f.claims_total = claims_total;
  w.insert_feed(f);
  RejectionRecord r;
  r.feed_seq = f.seq;
  r.position = 0;
  r.hospital_code = v.hospital_code;
  r.feed_id = v.feed_id;
  r.reason = v.code;
  r.detail = v.detail;
  w.insert_rejection(r);
  fault_point("ingest.before_commit");
  tx.commit();
  fault_point("ingest.after_commit");
  v.feed_seq = f.seq;
  v.outcome = FeedOutcome::refused;
  v.rejections.clear();
  v.claims_accepted = 0;
  v.claims_rejected = 0;
  v.claims_total = claims_total;
}

bool other_hospital(const IngestOptions& opt, const std::string& code) {
  return !opt.expected_hospital.empty() && !code.empty() && code != opt.expected_hospital;
}

// A HOSPITAL_MISMATCH refusal: nothing is stored, so a hospital cannot file
// anything under another hospital's code.
FeedVerdict mismatch(FeedVerdict v, const IngestOptions& opt, const std::string& code) {
  v.outcome = FeedOutcome::refused;
  v.stored = false;
  v.code = kHospitalMismatch;
  v.detail = "Header/HospitalCode " + code + " is not " + opt.expected_hospital + ", the hospital this upload is for";
  v.hospital_code = code;
  v.feed_seq = 0;
  v.claims_total = v.claims_accepted = v.claims_rejected = 0;
  v.rejections.clear();
  return v;
}

// One feed's database half, on the calling thread: `pipe` reads `src` (guard,
// parse, claim checks) on its own thread, possibly started while the feed
// before was being stored.
FeedVerdict ingest_one(Db& db, const FeedSource& src, FeedPipe& pipe, const IngestOptions& opt) {
  FeedVerdict v;
  v.source = src.path;
  v.received_at = now_iso8601();
  const GuardResult& g = pipe.guard();
  v.sha256 = g.sha256_hex;
  v.bytes = g.bytes;
  if (!g.ok) {
    v.code = g.code;
    v.detail = g.detail;
    v.hospital_code = g.hospital_code_hint;
    v.feed_id = g.feed_id_hint;
    if (other_hospital(opt, v.hospital_code)) return mismatch(v, opt, v.hospital_code);
    if (v.hospital_code.empty()) v.hospital_code = opt.expected_hospital;
    if (opt.skip_unreported_refusal_of_same_source && !v.sha256.empty())
      if (auto f = find_unreported_refusal(db, v.sha256, v.source)) return replay(db, *f, v.source);
    record_refusal(db, v, 0);
    return v;
  }
  if (auto f = find_feed_by_sha(db, g.sha256_hex, /*accepted_only=*/true)) {
    pipe.stop();  // nothing of these bytes is read further
    if (other_hospital(opt, f->hospital_code)) return mismatch(v, opt, f->hospital_code);
    return replay(db, *f, src.path);
  }
  if (opt.skip_unreported_refusal_of_same_source)
    if (auto f = find_unreported_refusal(db, v.sha256, v.source)) {
      pipe.stop();
      return replay(db, *f, v.source);
    }

  std::optional<Db::Tx> tx;
  tx.emplace(db);
  FeedWriter w(db, opt.feed_items_held_max);
  std::int64_t seq = w.next_feed_seq();
  bool hospital_known = false, feed_taken = false, mismatched = false;

  // Two threads: the pipe's reader guards, parses, validates and checks
  // claims (CPU: SHA-256, Xerces and SPEC 3); this thread owns the database
  // (header look-ups, DUPLICATE, bulk writes). They meet in a bounded queue,
  // so memory stays flat.
  auto take = [&](FeedWriter::Flushed f) {
    v.claims_accepted += f.accepted;
    v.claims_rejected += static_cast<std::int64_t>(f.rejections.size());
    for (auto& r : f.rejections)
      if (v.rejections.size() < limits::rejections_shown_per_feed_max) v.rejections.push_back(std::move(r));
  };
  FeedPipe::Message m;
  while (pipe.next(m)) {
    if (m.kind == FeedPipe::Message::kHeader) {
      const RawHeader& h = m.header;
      v.hospital_code = h.hospital_code;
      v.feed_id = h.feed_id;
      if (other_hospital(opt, h.hospital_code)) {
        mismatched = true;
        pipe.stop();
        continue;
      }
      hospital_known = hospital_exists(db, h.hospital_code);
      feed_taken = find_accepted_feed(db, h.hospital_code, h.feed_id).has_value();
      w.insert_feed(feed_record(v, seq, "pending"));  // v holds this header's hospital and FeedId
      continue;
    }
    if (mismatched) continue;
    for (auto& item : m.items) {
      if (item.claim) {
        item.claim->feed_seq = seq;
        w.queue_claim(std::move(*item.claim));
      } else {
        item.rejection.feed_seq = seq;
        w.queue_rejection(std::move(item.rejection));
      }
      if (w.flush_due()) take(w.flush(hospital_known, /*last=*/false));
    }
  }
  if (mismatched) {
    tx.reset();  // roll back the pending feed row: nothing of it stays
    return mismatch(v, opt, v.hospital_code);
  }
  FeedParse p = pipe.result();
  std::int64_t valid_total_fen = pipe.valid_total_fen();
  if (p.ok) take(w.flush(hospital_known, /*last=*/true));
  v.claims_total = p.claim_elements;
  if (!p.ok) {
    v.code = p.code;
    v.detail = p.detail;
    if (v.hospital_code.empty()) v.hospital_code = g.hospital_code_hint;
    if (v.feed_id.empty()) v.feed_id = g.feed_id_hint;
    if (other_hospital(opt, v.hospital_code)) {
      tx.reset();
      return mismatch(v, opt, v.hospital_code);
    }
    if (v.hospital_code.empty()) v.hospital_code = opt.expected_hospital;
  } else if (!hospital_known) {
    v.code = "UNKNOWN_HOSPITAL";
    v.detail = "Header/HospitalCode " + v.hospital_code + " is not in the hospital registry";
  } else {
    auto sum = parse_amount_fen(p.header.control_sum);
    std::string count = p.header.claim_count;
    bool count_ok = !count.empty() && count.size() <= 12 && count.find_first_not_of("0123456789") == std::string::npos &&
                    std::stoll(count) == p.claim_elements;
    if (!count_ok) {
      v.code = "CONTROL";
      v.detail = "Header/ClaimCount " + count + " but the feed has " + std::to_string(p.claim_elements) + " Claim elements";
    } else if (!sum || *sum != valid_total_fen) {
      v.code = "CONTROL";
      v.detail = "Header/ControlSum " + p.header.control_sum + " but the valid Costs/Total amounts add up to " +
                 format_fen(valid_total_fen);
    } else if (feed_taken) {
      v.code = "DUPLICATE_FEED";
      v.detail = "FeedId " + v.feed_id + " of " + v.hospital_code + " was already taken with other bytes";
    }
  }
  if (!v.code.empty()) {
    tx.reset();  // roll back every claim of this feed, then record the refusal alone
    record_refusal(db, v, p.claim_elements);
    return v;
  }
  w.finish_feed(seq, "accepted", "", v.claims_total, v.claims_accepted, v.claims_rejected);
  fault_point("ingest.before_commit");
  tx->commit();
  fault_point("ingest.after_commit");
  v.feed_seq = seq;
  v.outcome = FeedOutcome::accepted;
  return v;
}

}  // namespace

void ingest_feeds(Db& db, const std::vector<FeedSource>& sources, const IngestOptions& opt,
                  const std::function<void(const FeedVerdict&, std::size_t index)>& on_verdict) {
  // Look-ahead: while this thread stores feed i, the pipes of feeds i+1 ..
  // i+kFeedsAhead already guard and parse theirs (each its own grammar, see
  // FeedPipe), each buffering up to a whole feed. With one feed ahead, the
  // next parse would start only when this thread took the feed before it, so
  // a core would idle whenever storing is quicker than parsing. Pipes touch
  // nothing but their bytes: every database look-up and write stays here, in
  // order, so the verdicts are those of one ingest_feed after the other.
  constexpr std::size_t kFeedsAhead = 2;
  std::deque<std::unique_ptr<FeedPipe>> pipes;  // feeds next, next+1, ...
  std::size_t next = 0;                         // the first feed without a pipe
  for (std::size_t i = 0; i < sources.size(); ++i) {
    while (next < sources.size() && next <= i + kFeedsAhead) {
      pipes.push_back(std::make_unique<FeedPipe>(sources[next], opt.feed_bytes_max));
      ++next;
    }
    assert(!pipes.empty() && pipes.size() <= kFeedsAhead + 1);
    std::unique_ptr<FeedPipe> pipe = std::move(pipes.front());
    pipes.pop_front();
    FeedVerdict v = ingest_one(db, sources[i], *pipe, opt);
    pipe.reset();
    if (on_verdict) on_verdict(v, i);
  }
}

FeedVerdict ingest_feed(Db& db, const FeedSource& src, const IngestOptions& opt) {
  FeedPipe pipe(src, opt.feed_bytes_max);  // ingest_feeds of one feed, without copying the verdict
  return ingest_one(db, src, pipe, opt);
}

}  // namespace relief
