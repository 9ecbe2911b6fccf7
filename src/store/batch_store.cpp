#include "src/store/batch_store.hpp"

#include <Poco/Data/LOB.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <unordered_map>
#include <cassert>
#include <stdexcept>

#include "src/core/limits.hpp"
#include "src/store/feed_store.hpp"
#include "src/store/sql.hpp"
#include "src/util/compress.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace relief {

// Queued claims are found feed first (feeds_unreported or feeds_batch, then
// claims_feed): CROSS JOIN keeps SQLite from scanning every claim ever stored.
std::int64_t count_queued_claims(Db& db) {
  Poco::Int64 n = 0;
  db.session() << "SELECT count(*) FROM feeds f CROSS JOIN claims c WHERE c.feed_seq = f.seq AND f.batch_id IS NULL",
      into(n), now;
  return n;
}

std::int64_t count_batch_claims(Db& db, const std::string& batch_id) {
  Poco::Int64 n = 0;
  std::string b = batch_id;
  db.session() << "SELECT count(*) FROM feeds f CROSS JOIN claims c WHERE c.feed_seq = f.seq AND f.batch_id = ?",
      use(b), into(n), now;
  return n;
}

std::int64_t count_unreported_rejections(Db& db) {
  Poco::Int64 n = 0;
  db.session() << "SELECT count(*) FROM rejections WHERE batch_id IS NULL", into(n), now;
  return n;
}

std::string next_batch_id(Db& db, const std::string& batch_date, std::int64_t& seq) {
  Poco::Int64 n = 0;
  std::string d = batch_date;
  db.session() << "SELECT COALESCE(MAX(seq), 0) FROM batches WHERE batch_date = ?", use(d), into(n), now;
  seq = n + 1;
  std::string compact = batch_date.substr(0, 4) + batch_date.substr(5, 2) + batch_date.substr(8, 2);
  char nn[8];
  std::snprintf(nn, sizeof nn, "%02lld", static_cast<long long>(seq));
  return compact + "-" + nn;
}

void claim_queue_for_batch(Db& db, const std::string& batch_id) {
  std::string b = batch_id;
  db.session() << "UPDATE rejections SET batch_id = ? WHERE batch_id IS NULL", use(b), now;
  db.session() << "UPDATE feeds SET batch_id = ? WHERE batch_id IS NULL AND verdict <> 'pending'", use(b), now;
}

namespace {
constexpr int kPositionBytes = 4;  // a result position in feed_results.positions
static_assert(limits::claims_per_batch_max < (std::int64_t{1} << (8 * kPositionBytes)));

void put_position(std::string& positions, std::size_t slot, std::int64_t position) {
  for (int b = 0; b < kPositionBytes; ++b)
    positions[slot * kPositionBytes + b] = static_cast<char>((position >> (8 * b)) & 0xFF);
}
std::int64_t get_position(std::string_view positions, std::size_t slot) {
  std::int64_t position = 0;
  for (int b = 0; b < kPositionBytes; ++b)
    position |= std::int64_t{static_cast<unsigned char>(positions[slot * kPositionBytes + b])} << (8 * b);
  return position;
}
}  // namespace

struct ClaimResultMarks::Impl {
  struct Feed {
    std::int64_t seq, first_row, rows, filled = 0;
    std::string positions;  // kPositionBytes per claim row, 0: none yet
  };
  std::string batch_id;
  std::vector<Feed> feeds;        // the batch's feeds stored in processing order, by first row
  std::vector<std::int64_t> others;  // (row id << kPositionBits | result position)
  std::int64_t claims = 0;
  static constexpr int kPositionBits = 26;
  static_assert(limits::claims_per_batch_max < (std::int64_t{1} << kPositionBits));
  static constexpr std::int64_t kRowIdMax = (std::int64_t{1} << (63 - kPositionBits)) - 1;  // ~1.4e11 claim rows
};

ClaimResultMarks::ClaimResultMarks(Db& db, const std::string& batch_id) : impl_(new Impl) {
  auto& i = *impl_;
  i.batch_id = batch_id;
  SqlStmt st(db,
             "SELECT seq, first_claim_row, claims_accepted FROM feeds WHERE batch_id = ?"
             " AND first_claim_row IS NOT NULL AND claims_accepted > 0 ORDER BY first_claim_row");
  st.bind(1, i.batch_id);
  while (st.step()) {
    Impl::Feed f{st.int64(0), st.int64(1), st.int64(2), 0, {}};
    if (f.rows > limits::claims_per_batch_max)
      throw std::logic_error("batch " + batch_id + ": a feed with more claims than claims_per_batch_max");
    if (!i.feeds.empty() && i.feeds.back().first_row + i.feeds.back().rows > f.first_row)
      throw std::logic_error("batch " + batch_id + ": the claim rows of two feeds overlap");
    f.positions.assign(static_cast<std::size_t>(f.rows) * kPositionBytes, '\0');
    i.feeds.push_back(std::move(f));
  }
}
ClaimResultMarks::~ClaimResultMarks() = default;

void ClaimResultMarks::add(std::int64_t row) {
  auto& i = *impl_;
  if (i.claims >= limits::claims_per_batch_max)
    throw std::logic_error("batch " + i.batch_id + ": more claims than claims_per_batch_max");
  const std::int64_t position = ++i.claims;
  auto f = std::upper_bound(i.feeds.begin(), i.feeds.end(), row,
                            [](std::int64_t r, const Impl::Feed& feed) { return r < feed.first_row; });
  if (f != i.feeds.begin() && row < std::prev(f)->first_row + std::prev(f)->rows) {
    Impl::Feed& feed = *std::prev(f);
    const auto slot = static_cast<std::size_t>(row - feed.first_row);
    // A claim adjudicated twice fails here (and in claim_results, by its key).
    if (get_position(feed.positions, slot) != 0)
      throw std::logic_error("batch " + i.batch_id + ": claim row " + std::to_string(row) + " adjudicated twice");
    put_position(feed.positions, slot, position);
    ++feed.filled;
    return;
  }
  if (row <= 0 || row > Impl::kRowIdMax)
    throw std::logic_error("batch " + i.batch_id + ": claim row id " + std::to_string(row) + " out of range");
  i.others.push_back((row << Impl::kPositionBits) | position);
}

void ClaimResultMarks::write(Db& db) {
  auto& i = *impl_;
  SqlStmt feed_results(db, "INSERT INTO feed_results (feed_seq, batch_id, positions) VALUES (?, ?, ?)");
  feed_results.bind(2, i.batch_id);
  for (const auto& f : i.feeds) {
    if (f.filled != f.rows)
      throw std::logic_error("batch " + i.batch_id + ": feed " + std::to_string(f.seq) + " has claims without a result");
    feed_results.bind(1, f.seq).bind_blob(3, f.positions);
    feed_results.run();
  }
  std::vector<Impl::Feed>().swap(i.feeds);
  // In row order: claim_results is appended to, front to back.
  std::sort(i.others.begin(), i.others.end());
  SqlStmt st(db, "INSERT INTO claim_results (claim_row, batch_id, result_position) VALUES (?, ?, ?)");
  st.bind(2, i.batch_id);
  for (const std::int64_t packed : i.others) {
    st.bind(1, packed >> Impl::kPositionBits).bind(3, packed & ((std::int64_t{1} << Impl::kPositionBits) - 1));
    st.run();
  }
  const auto others = static_cast<std::int64_t>(i.others.size());
  std::vector<std::int64_t>().swap(i.others);
  // Invariant: every claim of the batch's feeds got its result in this batch
  // (and only those: a result for a claim of another feed would be extra).
  // The feeds above are covered row by row; the claims of the others must be
  // the rest, each with its claim_results row.
  Poco::Int64 with_result = 0;
  std::string b = i.batch_id;
  db.session() << "SELECT count(*) FROM feeds f CROSS JOIN claims c CROSS JOIN claim_results r"
                  " WHERE f.batch_id = ? AND (f.first_claim_row IS NULL OR f.claims_accepted <= 0)"
                  " AND c.feed_seq = f.seq AND r.claim_row = c.rowid AND r.batch_id = f.batch_id",
      use(b), into(with_result), now;
  if (with_result != others || count_batch_claims(db, i.batch_id) != i.claims)
    throw std::logic_error("batch " + i.batch_id + ": claims of its feeds without a result, or results of other claims");
}

std::int64_t count_batch_rejections(Db& db, const std::string& batch_id) {
  Poco::Int64 n = 0;
  std::string b = batch_id;
  db.session() << "SELECT count(*) FROM rejections WHERE batch_id = ?", use(b), into(n), now;
  return n;
}

namespace {
// The columns adjudication reads, in the order read_claim reads them.
constexpr const char* kCursorColumns =
    "c.rowid, c.hospital_code, c.claim_id, c.feed_seq, c.patient_id, c.birth_date, c.admission_date,"
    " c.discharge_date, c.diagnoses, c.accident, c.in_scope_fen, c.out_of_scope_fen, c.special_approval";

// The next row of a cursor read chunk by chunk: false once the statement is
// done (it is then reset, and `done` keeps it from being stepped again).
bool next_row(SqlStmt& st, bool& done) {
  if (done) return false;
  if (st.step()) return true;
  done = true;
  st.reset();
  return false;
}

Date stored_date(const SqlStmt& st, int column) {
  auto d = parse_date(st.text(column));
  if (!d) throw DbError("database: claims row has an invalid date '" + st.string(column) + "'");
  return *d;
}

// One stream of claims in processing order: a feed's rows, or SQLite's sort.
struct ClaimStream {
  ClaimStream(Db& db, const std::string& sql) : st(db, sql.c_str()) {}
  SqlStmt st;
  std::int64_t feed_seq = 0;        // a merged feed's; 0: the sorted claims of other feeds
  std::int64_t rows_expected = 0;   // a merged feed's accepted claims
  std::int64_t rows_read = 0;
  std::int64_t head_row = 0;        // the next claim's row id, when has_head
  Claim head;
  bool has_head = false;
  bool done = false;
};
}  // namespace

struct ClaimCursor::Impl {
  Impl(Db& db, std::size_t rows, std::size_t merged_feeds_max) : chunk_rows(rows) {
    struct Queued {
      std::int64_t seq, first_row, accepted;
    };
    std::vector<Queued> in_order;
    bool any_other = false;
    SqlStmt feeds(db, "SELECT seq, feed_id, first_claim_row, claims_accepted FROM feeds WHERE batch_id IS NULL"
                      " ORDER BY seq");
    while (feeds.step()) {
      if (feed_ids.size() >= limits::queued_feeds_max)
        throw DbError("database: more than " + std::to_string(limits::queued_feeds_max) + " feeds queued");
      feed_ids.emplace(feeds.int64(0), feeds.string(1));
      if (feeds.int64(3) <= 0) continue;  // no claim
      if (feeds.is_null(2)) any_other = true;
      else in_order.push_back({feeds.int64(0), feeds.int64(2), feeds.int64(3)});
    }
    const bool merge = in_order.size() <= merged_feeds_max;
    if (!merge) any_other = true;
    if (any_other) {
      // Byte-wise order (SQLite's BINARY collation; PostgreSQL needs COLLATE "C").
      // The sort carries whole rows: only the columns adjudication reads.
      streams.push_back(std::make_unique<ClaimStream>(
          db, std::string("SELECT ") + kCursorColumns +
                  " FROM feeds f CROSS JOIN claims c WHERE c.feed_seq = f.seq AND f.batch_id IS NULL" +
                  (merge ? " AND f.first_claim_row IS NULL" : "") +
                  " ORDER BY c.discharge_date, c.admission_date, c.hospital_code, c.claim_id"));
    }
    if (merge) {
      const std::string sql =
          std::string("SELECT ") + kCursorColumns + " FROM claims c WHERE c.rowid BETWEEN ? AND ? ORDER BY c.rowid";
      for (const auto& q : in_order) {
        auto s = std::make_unique<ClaimStream>(db, sql);
        s->feed_seq = q.seq;
        s->rows_expected = q.accepted;
        s->st.bind(1, q.first_row).bind(2, q.first_row + q.accepted - 1);
        streams.push_back(std::move(s));
      }
    }
  }

  // The stream's next claim into its head; false at its end.
  bool advance(ClaimStream& s) {
    s.has_head = false;
    if (!next_row(s.st, s.done)) {
      if (s.feed_seq != 0 && s.rows_read != s.rows_expected)
        throw DbError("database: feed " + std::to_string(s.feed_seq) + " has " + std::to_string(s.rows_read) +
                      " claims in its rows, not " + std::to_string(s.rows_expected));
      return false;
    }
    Claim c;
    read_claim(s.st, c);
    if (s.feed_seq != 0 && c.feed_seq != s.feed_seq)
      throw DbError("database: a claim of feed " + std::to_string(c.feed_seq) + " in the rows of feed " +
                    std::to_string(s.feed_seq));
    ++s.rows_read;
    s.head_row = s.st.int64(0);
    s.head = std::move(c);
    s.has_head = true;
    return true;
  }

  void read_claim(const SqlStmt& st, Claim& c) const {
    c.hospital_code = st.string(1);
    c.claim_id = st.string(2);
    c.feed_seq = st.int64(3);
    auto feed = feed_ids.find(c.feed_seq);
    if (feed == feed_ids.end()) throw DbError("database: claim " + c.claim_id + " of a feed not queued");
    c.feed_id = feed->second;
    c.patient_id = st.string(4);
    c.birth_date = stored_date(st, 5);
    c.admission_date = stored_date(st, 6);
    c.discharge_date = stored_date(st, 7);
    c.diagnoses = decode_diagnoses(st.string(8));
    c.accident = st.int64(9) != 0;
    c.in_scope_fen = st.int64(10);
    c.out_of_scope_fen = st.int64(11);
    c.special_approval = st.string(12);
  }

  // Min-heap of the streams with a head, first in processing order on top
  // (claims are unique by hospital and ClaimId, so there are no ties).
  bool later(std::size_t a, std::size_t b) const {
    return before_in_processing_order(streams[b]->head, streams[a]->head);
  }
  void start() {
    started = true;
    for (std::size_t i = 0; i < streams.size(); ++i)
      if (advance(*streams[i])) heap.push_back(i);
    std::make_heap(heap.begin(), heap.end(), [this](std::size_t a, std::size_t b) { return later(a, b); });
  }

  std::vector<std::unique_ptr<ClaimStream>> streams;
  std::vector<std::size_t> heap;
  std::size_t chunk_rows;
  std::unordered_map<std::int64_t, std::string> feed_ids;  // the queued feeds' seq -> FeedId
  bool started = false;
};

ClaimCursor::ClaimCursor(Db& db, std::size_t chunk_rows, std::size_t merged_feeds_max)
    : impl_(new Impl(db, chunk_rows, merged_feeds_max)) {
  assert(chunk_rows > 0);
}
ClaimCursor::~ClaimCursor() = default;

bool ClaimCursor::next(std::vector<Claim>& out, std::vector<std::int64_t>& row_ids) {
  auto& i = *impl_;
  out.clear();
  if (!i.started) i.start();
  if (i.heap.empty()) return false;
  out.reserve(i.chunk_rows);
  const auto later = [&i](std::size_t a, std::size_t b) { return i.later(a, b); };
  while (out.size() < i.chunk_rows && !i.heap.empty()) {
    std::pop_heap(i.heap.begin(), i.heap.end(), later);
    const std::size_t top = i.heap.back();
    ClaimStream& s = *i.streams[top];
    row_ids.push_back(s.head_row);
    out.push_back(std::move(s.head));  // advance() gives the stream its next head
    if (!i.advance(s)) {
      i.heap.pop_back();
      continue;
    }
    // A merged feed's next claim comes after the one just taken.
    if (s.feed_seq != 0 && !before_in_processing_order(out.back(), s.head))
      throw DbError("database: the claims of feed " + std::to_string(s.feed_seq) + " are not in processing order");
    std::push_heap(i.heap.begin(), i.heap.end(), later);
  }
  return !out.empty();
}

struct ResultWriter::Impl {
  explicit Impl(Db& db)
      : payment(db,
                "INSERT INTO payments (end_to_end_id, batch_id, channel, position, result_position, hospital_code,"
                " hospital_name, account, bank_code, claim_id, patient_id, discharge_date, amount_fen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        block(db,
              "INSERT INTO result_traces (batch_id, first_position, results, text_bytes, zstd, layout)"
              " VALUES (?, ?, ?, ?, ?, ?)") {}
  SqlStmt payment, block;
};

ResultWriter::ResultWriter(Db& db) : impl_(new Impl(db)) {}
ResultWriter::~ResultWriter() = default;

void ResultWriter::add_payment(const PaymentRow& r) {
  auto& st = impl_->payment;
  st.bind(1, r.end_to_end_id).bind(2, r.batch_id).bind(3, r.channel).bind(4, r.position).bind(5, r.result_position);
  st.bind(6, r.hospital_code).bind(7, r.hospital_name).bind(8, r.account).bind(9, r.bank_code).bind(10, r.claim_id);
  st.bind(11, r.patient_id).bind(12, r.discharge_date).bind(13, r.amount_fen);
  st.run();
}

void ResultWriter::add_result_block(const std::string& batch_id, const TraceBlock& b) {
  // A batch's results, since schema 10, are whole in their blocks: no `results` row.
  assert(b.layout == kBlockLayoutResults);
  auto& st = impl_->block;
  st.bind(1, batch_id).bind(2, b.first_position).bind(3, b.results).bind(4, b.text_bytes).bind_blob(5, b.zstd);
  st.bind(6, static_cast<std::int64_t>(b.layout));
  st.run();
}

namespace {
CompressError missing_trace(const std::string& batch_id, std::int64_t position) {
  return CompressError("batch " + batch_id + ": no trace stored for result " + std::to_string(position));
}

// A result_traces row (columns kBlockColumns, in that order).
constexpr const char* kBlockColumns = "first_position, results, text_bytes, zstd, layout";
TraceBlock block_from(const SqlStmt& st) {
  TraceBlock b;
  b.first_position = st.int64(0);
  b.results = st.int64(1);
  b.text_bytes = st.int64(2);
  b.zstd.assign(st.text(3));
  b.layout = static_cast<int>(st.int64(4));
  return b;
}
}  // namespace

// A batch's result blocks in position order.
struct TraceBlockCursor {
  TraceBlockCursor(Db& db, const std::string& batch_id)
      : batch(batch_id),
        st(db, (std::string("SELECT ") + kBlockColumns +
                " FROM result_traces WHERE batch_id = ? ORDER BY first_position").c_str()) {
    st.bind(1, batch);
  }
  bool next_block(TraceBlock& b) {
    if (!next_row(st, done)) return false;
    b = block_from(st);
    return true;
  }
  // Layout 1: the trace of the result at `position`; positions must come in ascending order.
  std::string take(std::int64_t position) {
    while (position >= block_first + static_cast<std::int64_t>(traces.size())) {
      TraceBlock b;
      if (!next_block(b)) throw missing_trace(batch, position);
      traces = unpack_traces(b);
      block_first = b.first_position;
    }
    if (position < block_first) throw missing_trace(batch, position);
    return std::move(traces[static_cast<std::size_t>(position - block_first)]);
  }

  std::string batch;  // bound: it outlives the statement's steps
  SqlStmt st;
  bool done = false;
  std::int64_t block_first = 0;
  std::vector<std::string> traces;
};

// A result's `paid` object, for results stored without it (an empty
// column): every channel of the batch with the result's payment, or 0.00,
// rendered by paid_text as the run rendered it. Each channel's payments are
// read in position order, which is the order of their results.
class PaidFromPayments {
 public:
  PaidFromPayments(Db& db, const std::string& batch_id) {
    SqlStmt channels(db, "SELECT channel FROM batch_channels WHERE batch_id = ? ORDER BY order_index");
    channels.bind(1, batch_id);
    while (channels.step()) {
      streams_.push_back(std::make_unique<Stream>(db, batch_id, channels.string(0)));
      advance(*streams_.back());
    }
    // Every batch records all its channels; without them `paid` would be {}.
    if (streams_.empty()) throw DbError("database: batch " + batch_id + " has no channels to rebuild its results' paid");
  }
  std::string paid(std::int64_t result_position) {
    ClaimResult r;
    for (auto& s : streams_) {
      ChannelOutcome o;
      o.channel = s->channel;
      if (s->has_head && s->head_result < result_position)
        throw DbError("database: a " + s->channel + " payment of result " + std::to_string(s->head_result) +
                      " that has no result");
      if (s->has_head && s->head_result == result_position) {
        o.amount_fen = s->head_amount_fen;
        advance(*s);
      }
      r.channels.push_back(std::move(o));
    }
    return paid_text(r);
  }
  // Every payment was some result's.
  void finish() const {
    for (const auto& s : streams_)
      if (s->has_head)
        throw DbError("database: a " + s->channel + " payment of result " + std::to_string(s->head_result) +
                      " that has no result");
  }

 private:
  struct Stream {
    Stream(Db& db, const std::string& b, std::string ch)
        : batch(b),
          channel(std::move(ch)),
          st(db, "SELECT result_position, amount_fen FROM payments WHERE batch_id = ? AND channel = ? ORDER BY position") {
      st.bind(1, batch).bind(2, channel);
    }
    std::string batch, channel;  // bound: they outlive the statement's steps
    SqlStmt st;
    bool has_head = false;
    std::int64_t head_result = 0, head_amount_fen = 0;
  };
  static void advance(Stream& s) {
    s.has_head = s.st.step();
    if (!s.has_head) return;
    const std::int64_t next = s.st.int64(0);
    if (next <= s.head_result)
      throw DbError("database: " + s.channel + " payments out of their results' order at result " + std::to_string(next));
    s.head_result = next;
    s.head_amount_fen = s.st.int64(1);
  }
  std::vector<std::unique_ptr<Stream>> streams_;
};

struct ResultCursor::Impl {
  Impl(Db& d, const std::string& batch_id, std::size_t rows)
      : db(d), batch(batch_id), chunk_rows(rows), blocks(db, batch_id) {}
  Db& db;
  std::string batch;
  std::size_t chunk_rows;
  TraceBlockCursor blocks;
  std::unique_ptr<PaidFromPayments> paid_from_payments;  // opened at the first result stored without `paid`
  std::string paid(std::int64_t result_position) {
    if (!paid_from_payments) paid_from_payments = std::make_unique<PaidFromPayments>(db, batch);
    return paid_from_payments->paid(result_position);
  }
  // Whole results in blocks (layout 2, since schema 10).
  bool from_blocks = false;
  std::int64_t next_position = 1;
  bool blocks_done = false;
  // Rows of the `results` table (batches before schema 10), traces in their
  // row (before schema 4) or in layout-1 blocks.
  std::unique_ptr<Statement> st;
  std::vector<Poco::Int64> position, burden, total;
  std::vector<std::string> hospital, claim, feed, patient, discharge, paid_column, trace;

  bool next_from_blocks(std::vector<ResultRow>& out);
  bool next_from_rows(std::vector<ResultRow>& out);
};

ResultCursor::ResultCursor(Db& db, const std::string& batch_id, std::size_t chunk_rows)
    : impl_(new Impl(db, batch_id, chunk_rows)) {
  assert(chunk_rows > 0);
  auto& i = *impl_;
  // A batch's blocks all have one layout: its first says which.
  SqlStmt layout(db, "SELECT layout FROM result_traces WHERE batch_id = ? ORDER BY first_position LIMIT 1");
  layout.bind(1, batch_id);
  i.from_blocks = layout.step() && layout.int64(0) == kBlockLayoutResults;
  if (i.from_blocks) return;
  // Layout 1 or no block: the rows of the `results` table, their traces in
  // the rows or in the blocks.
  i.st = std::make_unique<Statement>(db.session());
  *i.st << "SELECT position, hospital_code, claim_id, feed_id, patient_id, discharge_date, burden_fen, total_paid_fen,"
           " paid, trace FROM results WHERE batch_id = ? ORDER BY position",
      use(i.batch), into(i.position), into(i.hospital), into(i.claim), into(i.feed), into(i.patient),
      into(i.discharge), into(i.burden), into(i.total), into(i.paid_column), into(i.trace),
      limit(static_cast<Poco::UInt32>(chunk_rows));
}
ResultCursor::~ResultCursor() = default;

bool ResultCursor::next(std::vector<ResultRow>& out) {
  out.clear();
  return impl_->from_blocks ? impl_->next_from_blocks(out) : impl_->next_from_rows(out);
}

bool ResultCursor::Impl::next_from_blocks(std::vector<ResultRow>& out) {
  while (!blocks_done && out.size() < chunk_rows) {
    TraceBlock b;
    if (!blocks.next_block(b)) {
      blocks_done = true;
      if (paid_from_payments) paid_from_payments->finish();
      break;
    }
    // Every position 1, 2, ... once, in whole-result blocks.
    if (b.first_position != next_position)
      throw DbError("database: batch " + batch + " has a result block at position " +
                    std::to_string(b.first_position) + " where " + std::to_string(next_position) + " was due");
    for (auto& r : unpack_results(b)) {
      r.paid = paid(r.position);
      out.push_back(std::move(r));
    }
    next_position = b.first_position + b.results;
  }
  return !out.empty();
}

bool ResultCursor::Impl::next_from_rows(std::vector<ResultRow>& out) {
  if (st->done()) {
    if (paid_from_payments) paid_from_payments->finish();
    return false;
  }
  for (auto* v : {&position, &burden, &total}) v->clear();
  for (auto* v : {&hospital, &claim, &feed, &patient, &discharge, &paid_column, &trace}) v->clear();
  st->execute();
  for (std::size_t k = 0; k < position.size(); ++k) {
    ResultRow r;
    r.position = position[k];
    r.hospital_code = std::move(hospital[k]);
    r.claim_id = std::move(claim[k]);
    r.feed_id = std::move(feed[k]);
    r.patient_id = std::move(patient[k]);
    r.discharge_date = std::move(discharge[k]);
    r.burden_fen = burden[k];
    r.total_paid_fen = total[k];
    // Stored without it (session 6 to schema 10): rebuilt from the payments.
    r.paid = paid_column[k].empty() ? paid(r.position) : std::move(paid_column[k]);
    // Results written before schema 4 carry their trace in the row.
    r.trace = trace[k].empty() ? blocks.take(r.position) : std::move(trace[k]);
    out.push_back(std::move(r));
  }
  return !out.empty();
}

struct PaymentCursor::Impl {
  Impl(Db& db, const std::string& batch_id, const std::string& ch, std::size_t rows)
      : batch(batch_id),
        channel(ch),
        st(db,
           "SELECT end_to_end_id, position, result_position, hospital_code, hospital_name, account, bank_code,"
           " claim_id, patient_id, discharge_date, amount_fen FROM payments WHERE batch_id = ? AND channel = ?"
           " ORDER BY position"),
        chunk_rows(rows) {
    st.bind(1, batch).bind(2, channel);
  }
  std::string batch, channel;  // bound: they outlive the statement's steps
  SqlStmt st;
  std::size_t chunk_rows;
  bool done = false;
};

PaymentCursor::PaymentCursor(Db& db, const std::string& batch_id, const std::string& channel, std::size_t chunk_rows)
    : impl_(new Impl(db, batch_id, channel, chunk_rows)) {
  assert(chunk_rows > 0);
}
PaymentCursor::~PaymentCursor() = default;

bool PaymentCursor::next(std::vector<PaymentRow>& out) {
  auto& i = *impl_;
  out.clear();
  while (out.size() < i.chunk_rows && next_row(i.st, i.done)) {
    const auto& st = i.st;
    PaymentRow p;
    p.batch_id = i.batch;
    p.channel = i.channel;
    p.end_to_end_id = st.string(0);
    p.position = st.int64(1);
    p.result_position = st.int64(2);
    p.hospital_code = st.string(3);
    p.hospital_name = st.string(4);
    p.account = st.string(5);
    p.bank_code = st.string(6);
    p.claim_id = st.string(7);
    p.patient_id = st.string(8);
    p.discharge_date = st.string(9);
    p.amount_fen = st.int64(10);
    out.push_back(std::move(p));
  }
  return !out.empty();
}

std::vector<LedgerRow> load_ledger_rows(Db& db, std::vector<std::string> id_numbers) {
  std::sort(id_numbers.begin(), id_numbers.end());
  id_numbers.erase(std::unique(id_numbers.begin(), id_numbers.end()), id_numbers.end());
  std::vector<LedgerRow> out;
  if (id_numbers.empty()) return out;
  SqlStmt st(db, "SELECT channel, year, used_fen FROM ledger WHERE id_number = ?");
  for (const auto& id : id_numbers) {
    st.bind(1, id);
    while (st.step())
      out.push_back({{id, st.string(0), static_cast<int>(st.int64(1))}, st.int64(2)});
    st.reset();
  }
  return out;
}

void insert_batch(Db& db, const BatchRecord& b) {
  std::string id = b.batch_id, date = b.batch_date, at = b.created_at;
  Poco::Int64 seq = b.seq, feeds = b.feeds, claims = b.claims, rej = b.rejections;
  db.session() << "INSERT INTO batches (batch_id, batch_date, seq, created_at, feeds, claims, rejections, published)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
      use(id), use(date), use(seq), use(at), use(feeds), use(claims), use(rej), now;
}

void insert_batch_channels(Db& db, const std::string& batch_id, const std::vector<BatchChannelRow>& rows) {
  for (const auto& r : rows) {
    std::string b = batch_id, ch = r.channel, fn = r.fund.name, fa = r.fund.account, fb = r.fund.bank_code;
    Poco::Int64 n = r.payments, total = r.total_fen, inc = r.ledger_increase_fen, el = r.claims_eligible,
                pd = r.claims_paid, cut = r.claims_cut, spent = r.claims_cap_spent;
    int order = r.order_index;
    db.session() << "INSERT INTO batch_channels (batch_id, channel, payments, total_fen, ledger_increase_fen,"
                    " claims_eligible, claims_paid, claims_cut, claims_cap_spent,"
                    " fund_name, fund_account, fund_bank_code, order_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        use(b), use(ch), use(n), use(total), use(inc), use(el), use(pd), use(cut), use(spent), use(fn), use(fa), use(fb),
        use(order), now;
  }
}

void write_ledger(Db& db, const Ledger& ledger) {
  // Changed rows only, in one prepared statement.
  SqlStmt st(db,
             "INSERT INTO ledger (id_number, channel, year, used_fen) VALUES (?, ?, ?, ?)"
             " ON CONFLICT(id_number, channel, year) DO UPDATE SET used_fen = excluded.used_fen");
  for (const auto& [compact, e] : ledger.entries()) {
    if (e.used_fen == e.loaded_fen) continue;  // unchanged
    const auto [id, channel, year] = ledger.view(compact);
    st.bind(1, id).bind(2, channel).bind(3, std::int64_t{year}).bind(4, e.used_fen);
    st.run();
  }
}

void mark_published(Db& db, const std::string& batch_id) {
  std::string b = batch_id;
  db.session() << "UPDATE batches SET published = 1 WHERE batch_id = ?", use(b), now;
}

namespace {
std::vector<BatchRecord> batches_where(Db& db, const std::string& where, const std::string& arg) {
  std::vector<BatchRecord> out;
  std::string a = arg;
  Statement st(db.session());
  st << "SELECT batch_id, batch_date, seq, created_at, feeds, claims, rejections, published FROM batches " + where +
            " ORDER BY batch_date, seq";
  if (!arg.empty()) st, use(a);
  st.execute();
  Poco::Data::RecordSet rs(st);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    BatchRecord b;
    b.batch_id = rs[0].convert<std::string>();
    b.batch_date = rs[1].convert<std::string>();
    b.seq = rs[2].convert<Poco::Int64>();
    b.created_at = rs[3].convert<std::string>();
    b.feeds = rs[4].convert<Poco::Int64>();
    b.claims = rs[5].convert<Poco::Int64>();
    b.rejections = rs[6].convert<Poco::Int64>();
    b.published = rs[7].convert<int>() != 0;
    out.push_back(std::move(b));
  }
  return out;
}
}  // namespace

std::optional<BatchRecord> load_batch(Db& db, const std::string& batch_id) {
  auto v = batches_where(db, "WHERE batch_id = ?", batch_id);
  if (v.empty()) return std::nullopt;
  return v.front();
}

std::vector<BatchRecord> load_batches(Db& db) { return batches_where(db, "", ""); }

std::vector<ResultRow> load_results(Db& db, const std::string& batch_id) {
  std::vector<ResultRow> out, chunk;
  ResultCursor cur(db, batch_id, 10000);
  while (cur.next(chunk)) out.insert(out.end(), std::make_move_iterator(chunk.begin()), std::make_move_iterator(chunk.end()));
  return out;
}

std::vector<PaymentRow> load_payments(Db& db, const std::string& batch_id, const std::string& channel) {
  std::vector<PaymentRow> out, chunk;
  PaymentCursor cur(db, batch_id, channel, 10000);
  while (cur.next(chunk)) out.insert(out.end(), std::make_move_iterator(chunk.begin()), std::make_move_iterator(chunk.end()));
  return out;
}

std::vector<BatchChannelRow> load_batch_channels(Db& db, const std::string& batch_id) {
  std::vector<BatchChannelRow> out;
  std::string b = batch_id;
  Statement st(db.session());
  st << "SELECT channel, payments, total_fen, ledger_increase_fen, fund_name, fund_account, fund_bank_code,"
        " order_index, claims_eligible, claims_paid, claims_cut, claims_cap_spent FROM batch_channels"
        " WHERE batch_id = ? ORDER BY order_index",
      use(b);
  st.execute();
  Poco::Data::RecordSet rs(st);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    BatchChannelRow r;
    r.channel = rs[0].convert<std::string>();
    r.payments = rs[1].convert<Poco::Int64>();
    r.total_fen = rs[2].convert<Poco::Int64>();
    r.ledger_increase_fen = rs[3].convert<Poco::Int64>();
    r.fund.name = rs[4].convert<std::string>();
    r.fund.account = rs[5].convert<std::string>();
    r.fund.bank_code = rs[6].convert<std::string>();
    r.order_index = rs[7].convert<int>();
    r.claims_eligible = rs[8].convert<Poco::Int64>();
    r.claims_paid = rs[9].convert<Poco::Int64>();
    r.claims_cut = rs[10].convert<Poco::Int64>();
    r.claims_cap_spent = rs[11].convert<Poco::Int64>();
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<RejectionRecord> load_batch_rejections(Db& db, const std::string& batch_id) {
  std::string b = batch_id;
  Statement st(db.session());
  // Reported in the order the feeds came in, and within a feed in document order.
  st << std::string("SELECT ") + kRejectionColumns + " FROM rejections WHERE batch_id = ? ORDER BY feed_seq, position, seq",
      use(b);
  return read_rejections(st);
}

std::int64_t count_batch_feeds(Db& db, const std::string& batch_id, bool refused) {
  Poco::Int64 n = 0;
  std::string b = batch_id;
  db.session() << std::string("SELECT count(*) FROM feeds WHERE batch_id = ? AND verdict ") +
                      (refused ? "<>" : "=") + " 'accepted'",
      use(b), into(n), now;
  return n;
}

std::optional<std::pair<std::string, ResultRow>> find_result(Db& db, const std::string& hospital_code,
                                                             const std::string& claim_id) {
  // Where the claim's result is: its feed's feed_results row, or its own
  // claim_results row (feeds not stored in processing order, batches before schema 9).
  std::string where_batch;
  std::int64_t where_position = 0;
  {
    SqlStmt st(db,
               "SELECT fr.batch_id, substr(fr.positions, (c.rowid - f.first_claim_row) * 4 + 1, 4),"
               " cr.batch_id, cr.result_position FROM claims c JOIN feeds f ON f.seq = c.feed_seq"
               " LEFT JOIN feed_results fr ON fr.feed_seq = c.feed_seq"
               " LEFT JOIN claim_results cr ON cr.claim_row = c.rowid"
               " WHERE c.hospital_code = ? AND c.claim_id = ?");
    st.bind(1, hospital_code).bind(2, claim_id);
    if (!st.step()) return std::nullopt;
    if (!st.is_null(0)) {
      const std::string_view bytes = st.text(1);  // the blob's 4 bytes (text() gives any column's bytes)
      if (bytes.size() != kPositionBytes) throw DbError("database: feed_results lacks claim " + claim_id);
      where_batch = st.string(0);
      where_position = get_position(bytes, 0);
    } else if (!st.is_null(2)) {
      where_batch = st.string(2);
      where_position = st.int64(3);
    } else {
      return std::nullopt;  // not adjudicated yet
    }
  }
  // The block that holds the position: whole results (layout 2), or the
  // trace of a `results` row (layout 1).
  std::optional<TraceBlock> block;
  {
    SqlStmt st(db, (std::string("SELECT ") + kBlockColumns +
                    " FROM result_traces WHERE batch_id = ? AND first_position <= ?"
                    " ORDER BY first_position DESC LIMIT 1").c_str());
    st.bind(1, where_batch).bind(2, where_position);
    if (st.step()) {
      TraceBlock b = block_from(st);
      if (where_position < b.first_position + b.results) block = std::move(b);
    }
  }
  if (block && block->layout == kBlockLayoutResults) {
    ResultRow r = std::move(unpack_results(*block)[static_cast<std::size_t>(where_position - block->first_position)]);
    if (r.hospital_code != hospital_code || r.claim_id != claim_id)
      throw DbError("database: result " + std::to_string(where_position) + " of batch " + where_batch + " is not claim " +
                    hospital_code + "/" + claim_id + "'s");
    return std::make_pair(where_batch, std::move(r));
  }
  std::string h = hospital_code, c = claim_id, wb = where_batch;
  Poco::Int64 wp = where_position;
  std::vector<std::string> batch, feed, patient, discharge, trace;
  std::vector<Poco::Int64> pos, burden, paid;
  db.session() << "SELECT r.batch_id, r.position, r.feed_id, r.patient_id, r.discharge_date, r.burden_fen,"
                  " r.total_paid_fen, r.trace FROM results r"
                  " WHERE r.batch_id = ? AND r.position = ? AND r.hospital_code = ? AND r.claim_id = ?",
      use(wb), use(wp), use(h), use(c), into(batch), into(pos), into(feed), into(patient), into(discharge),
      into(burden), into(paid), into(trace), now;
  if (batch.empty()) return std::nullopt;
  ResultRow r;
  r.position = pos[0];
  r.hospital_code = hospital_code;
  r.claim_id = claim_id;
  r.feed_id = feed[0];
  r.patient_id = patient[0];
  r.discharge_date = discharge[0];
  r.burden_fen = burden[0];
  r.total_paid_fen = paid[0];
  r.trace = trace[0];
  if (r.trace.empty()) {
    if (!block) throw missing_trace(where_batch, r.position);
    r.trace = std::move(unpack_traces(*block)[static_cast<std::size_t>(r.position - block->first_position)]);
  }
  return std::make_pair(batch[0], r);
}

}  // namespace relief
