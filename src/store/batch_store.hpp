#pragma once
// Batches, results, payments and the ledger in the database (the run's side).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/core/limits.hpp"
#include "src/core/model.hpp"
#include "src/engine/engine.hpp"
#include "src/store/db.hpp"
#include "src/store/feed_store.hpp"
#include "src/store/trace_blocks.hpp"

namespace relief {

struct BatchRecord {
  std::string batch_id, batch_date, created_at;
  std::int64_t seq = 0, feeds = 0, claims = 0, rejections = 0;
  bool published = false;
};

struct PaymentRow {
  std::string end_to_end_id, batch_id, channel;
  std::int64_t position = 0, result_position = 0;
  std::string hospital_code, hospital_name, account, bank_code, claim_id, patient_id, discharge_date;
  std::int64_t amount_fen = 0;
};

struct BatchChannelRow {
  std::string channel;
  std::int64_t payments = 0, total_fen = 0, ledger_increase_fen = 0;
  // cap usage, for the report: eligible claims, paid, cut by the cap, cap already spent
  std::int64_t claims_eligible = 0, claims_paid = 0, claims_cut = 0, claims_cap_spent = 0;
  FundingSource fund;
  int order_index = 0;
};

// Claims of feeds not yet in a batch (committed state; inside a batch's
// transaction its feeds are marked already: count_batch_claims).
std::int64_t count_queued_claims(Db& db);
std::int64_t count_batch_claims(Db& db, const std::string& batch_id);
std::int64_t count_unreported_rejections(Db& db);
// YYYYMMDD-NN, NN = batches already on that date + 1.
std::string next_batch_id(Db& db, const std::string& batch_date, std::int64_t& seq);

// Inside the batch's transaction: marks every unreported rejection and
// unreported feed with the batch id (the first write, which also takes
// SQLite's write lock, so no claim is queued while the batch runs). A claim
// is queued while its feed is: marking the feeds takes their claims.
void claim_queue_for_batch(Db& db, const std::string& batch_id);
// Where each claim of a batch finds its result (how explain and the API find
// it), gathered as the claims are adjudicated and written at the end of the
// batch's transaction: one feed_results row per feed stored in processing
// order (4 bytes a claim, filled in place), one claim_results row per other
// claim (8 bytes a claim until then).
class ClaimResultMarks {
 public:
  ClaimResultMarks(Db& db, const std::string& batch_id);  // after claim_queue_for_batch
  ~ClaimResultMarks();
  // The claim row of the next result: positions 1, 2, ... in processing order.
  void add(std::int64_t claim_row);
  // Writes the rows; throws unless exactly the claims of the batch's feeds got one.
  void write(Db& db);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
std::int64_t count_batch_rejections(Db& db, const std::string& batch_id);

// Streams the queued claims (of feeds with no batch yet) in processing order,
// `chunk_rows` at a time. A batch runs it on a second connection, whose
// snapshot does not see the batch's own marking of its feeds
// (memory does not grow with the batch). The claims carry what adjudication
// and the results read; patient_name, sex, visit_type, total_fen,
// insurance_paid_fen and position stay empty (the sort carries whole rows).
//
// Feeds stored in processing order (feeds.first_claim_row) are read row by
// row and merged, up to `merged_feeds_max` of them; the claims of the other
// feeds (all of them, past that bound) are sorted by SQLite and merged in as
// one more stream. Each merged feed's rows are checked: its own claims, as
// many as it accepted, in processing order.
class ClaimCursor {
 public:
  ClaimCursor(Db& db, std::size_t chunk_rows, std::size_t merged_feeds_max = limits::merged_feeds_max);
  ~ClaimCursor();
  // false when done; appends the claims' row ids (SQLite rowid) to row_ids.
  bool next(std::vector<Claim>& out, std::vector<std::int64_t>& row_ids);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Prepared inserts for a batch's results and payments, inside its transaction
// (each row is written when added). Results are stored in blocks
// (trace_blocks.hpp, layout 2); the `results` table holds only the rows of
// batches before schema 10, which the cursors still read.
class ResultWriter {
 public:
  explicit ResultWriter(Db& db);
  ~ResultWriter();
  void add_payment(const PaymentRow& p);
  void add_result_block(const std::string& batch_id, const TraceBlock& b);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Streams results / payments / rejections of a batch for the file writers;
// each result comes with its trace (read from its block).
class ResultCursor {
 public:
  ResultCursor(Db& db, const std::string& batch_id, std::size_t chunk_rows);
  ~ResultCursor();
  bool next(std::vector<ResultRow>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class PaymentCursor {
 public:
  PaymentCursor(Db& db, const std::string& batch_id, const std::string& channel, std::size_t chunk_rows);
  ~PaymentCursor();
  bool next(std::vector<PaymentRow>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
// The ledger rows of these persons (the batch loads them chunk by chunk).
struct LedgerRow {
  Ledger::Key key;
  std::int64_t used_fen = 0;
};
std::vector<LedgerRow> load_ledger_rows(Db& db, std::vector<std::string> id_numbers);

void insert_batch(Db& db, const BatchRecord& b);
void insert_batch_channels(Db& db, const std::string& batch_id, const std::vector<BatchChannelRow>& rows);
void write_ledger(Db& db, const Ledger& ledger);
void mark_published(Db& db, const std::string& batch_id);

std::optional<BatchRecord> load_batch(Db& db, const std::string& batch_id);
std::vector<BatchRecord> load_batches(Db& db);
// Whole-batch loaders, for tests and small tools (the batch itself streams).
std::vector<ResultRow> load_results(Db& db, const std::string& batch_id);
std::vector<PaymentRow> load_payments(Db& db, const std::string& batch_id, const std::string& channel);
std::vector<BatchChannelRow> load_batch_channels(Db& db, const std::string& batch_id);
std::vector<RejectionRecord> load_batch_rejections(Db& db, const std::string& batch_id);
std::int64_t count_batch_feeds(Db& db, const std::string& batch_id, bool refused);
// The latest result of one claim (for explain and the API), if adjudicated.
std::optional<std::pair<std::string, ResultRow>> find_result(Db& db, const std::string& hospital_code,
                                                             const std::string& claim_id);

}  // namespace relief
