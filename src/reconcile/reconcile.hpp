#pragma once
// Reconciliation of a channel's payments against its fund account's bank
// statements (SPEC 6). The one entry point for the CLI (`relief reconcile`)
// and the upload API (`POST /api/v1/statements?channel=C`):
//
//   ReconcileReport r = reconcile_statement(db, "charity", FeedSource{"upload", &body}, opt);
//   r.outcome: refused (r.errors say why; nothing changed) | same_bytes | imported
//   report_json(r) / report_csv(r) / report_text(r): the report
//   r.has_exceptions(): amount_mismatch, returned or unexpected present (CLI exit 3)
//
// States: every payment of the channel is matched, amount_mismatch,
// returned or outstanding; every booked statement line is matched,
// amount_mismatch, returned or unexpected. They are derived from every line
// ever imported for the channel, so importing the same statement twice
// changes nothing and a later statement moves outstanding payments on.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/feed/feed_reader.hpp"
#include "src/core/limits.hpp"
#include "src/store/db.hpp"
#include "src/store/reconcile_store.hpp"

namespace relief {

class ChannelSet;

// Payments by batch date (the day the file was paid out), lines by booking
// date; both bounds inclusive, YYYY-MM-DD.
struct ReportFilter {
  std::optional<std::string> from, to;
};

struct ReconcileOptions {
  std::int64_t statement_bytes_max = limits::statement_bytes_max_default;
  // Accounts a camt.053 statement of this channel may be for, beside the fund
  // accounts its payment files debited (see channel_fund_accounts()).
  std::vector<std::string> fund_accounts;
  ReportFilter filter;  // of the report only: a statement is always imported whole
};

enum class StatementOutcome { imported, same_bytes, refused, status_only };
std::string outcome_name(StatementOutcome o);

struct PaymentView {
  std::string end_to_end_id, batch_id, batch_date, hospital_code, claim_id, patient_masked, discharge_date;
  std::int64_t amount_fen = 0;
  std::string state;  // matched | amount_mismatch | returned | outstanding
  std::int64_t debited_fen = 0, returned_fen = 0;
  std::string booking_date;  // of the last statement line that touched it
  std::string detail;
};

struct LineView {
  std::int64_t statement_seq = 0, entry = 0, tx = 0;
  std::string booking_date, direction;  // DBIT | CRDT
  bool reversal = false;
  std::int64_t amount_fen = 0;
  std::string end_to_end_id, pmt_inf_id, state, matched, detail;
};

struct StateTotal {
  std::int64_t count = 0, amount_fen = 0;
};

struct ReconcileReport {
  std::string channel, generated_at;
  ReportFilter filter;
  StatementOutcome outcome = StatementOutcome::status_only;
  std::vector<std::string> errors;            // refused: why (nothing changed)
  std::optional<StatementRecord> statement;   // imported or same_bytes
  std::vector<PaymentView> payments;          // in the filter, by batch date
  std::vector<LineView> lines;                // in the filter, by booking date
  std::map<std::string, StateTotal> payment_totals;  // every payment state, even when 0
  std::map<std::string, StateTotal> line_totals;     // every line state, even when 0
  std::optional<PaymentView> oldest_outstanding;
  bool has_exceptions() const;
};

// Imports one statement of `channel`'s fund account and reports the
// channel's state afterwards. One transaction: a refused statement changes
// nothing. `src.path` is kept as the statement's source label.
ReconcileReport reconcile_statement(Db& db, const std::string& channel, const FeedSource& src,
                                    const ReconcileOptions& opt);

// The channel's state now, without importing anything.
ReconcileReport reconciliation_status(Db& db, const std::string& channel, const ReportFilter& filter);

// The fund accounts of every parameter version of `channel` (empty when the
// channel is unknown): what a statement may be for before any file was paid.
std::vector<std::string> channel_fund_accounts(const ChannelSet& channels, const std::string& channel);

// The report: CSV (one row per payment, then one per line), JSON, and the
// summary a person reads (counts and sums per state, oldest outstanding
// payment, the exceptions and outstanding payments listed up to rows_max each).
std::string report_csv(const ReconcileReport& r);
nlohmann::json report_json(const ReconcileReport& r);
std::string report_text(const ReconcileReport& r, std::size_t rows_max = limits::reconcile_rows_shown_max);

}  // namespace relief
