#pragma once
// Reconciliation in the database (SPEC 6): imported statements, their
// booked lines, and the state of each payment. The matching itself is in
// src/reconcile/.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/store/db.hpp"

namespace relief {

struct StatementRecord {
  std::int64_t seq = 0;
  std::string channel, sha256, source, format;
  std::string statement_ids;  // Stmt/Id values joined by ' '
  std::string accounts;       // Stmt/Acct/Id values joined by ' '
  std::string imported_at;
  std::int64_t bytes = 0;
  std::int64_t lines = 0;             // lines in the document
  std::int64_t lines_new = 0;         // stored: booked and not seen in an earlier statement
  std::int64_t lines_seen_before = 0; // booked lines an earlier statement already brought
  std::int64_t lines_not_booked = 0;  // Sts other than BOOK: not reconciled
};

// A booked statement line as stored; state etc. are set by the matcher.
struct StoredLine {
  std::int64_t seq = 0, statement_seq = 0, entry = 0, tx = 0;
  std::string fingerprint, booking_date;
  bool credit = false, reversal = false;
  std::int64_t amount_fen = 0;
  std::string end_to_end_id, pmt_inf_id, acct_svcr_ref;
  std::int64_t batch_tx_count = -1;  // NtryDtls/Btch/NbOfTxs; -1 when absent
  std::string state;    // matched | amount_mismatch | returned | unexpected
  std::string matched;  // the payment's EndToEndId, or the payment file's PmtInfId; "" if none
  std::string detail;
};

// A payment of one channel with its batch date (when it was paid out).
struct ChannelPayment {
  std::string end_to_end_id, batch_id, batch_date, hospital_code, claim_id, patient_id, discharge_date;
  std::int64_t position = 0, amount_fen = 0;
};

// One payment file (pain.001 PmtInf) of a channel.
struct PaymentFileRecord {
  std::string pmt_inf_id, batch_id, batch_date;
  std::int64_t payments = 0, total_fen = 0;
};

struct PaymentStateRecord {
  std::string end_to_end_id, state;
  std::int64_t debited_fen = 0, returned_fen = 0;
  std::string booking_date;      // of the last line that touched it
  std::int64_t line_seq = 0;     // that line
  std::string detail;
  std::string changed_at;        // when the state last changed
  bool operator==(const PaymentStateRecord& o) const {
    return end_to_end_id == o.end_to_end_id && state == o.state && debited_fen == o.debited_fen &&
           returned_fen == o.returned_fen && booking_date == o.booking_date && line_seq == o.line_seq &&
           detail == o.detail;
  }
};

// Inside the import's transaction, before any read: takes SQLite's write
// lock (a write, even of no row) so two imports at once queue up instead of
// failing on the read-to-write upgrade, and the seq numbers cannot collide.
void lock_for_statement_import(Db& db);
std::optional<StatementRecord> find_statement(Db& db, const std::string& channel, const std::string& sha256);
std::optional<StatementRecord> load_statement(Db& db, std::int64_t seq);
std::int64_t next_statement_seq(Db& db);
void insert_statement(Db& db, const StatementRecord& s);
void update_statement_counts(Db& db, const StatementRecord& s);  // lines_new, lines_seen_before, lines_not_booked

// False (and nothing written) when the channel already has a line with this fingerprint.
bool insert_line_if_new(Db& db, const std::string& channel, StoredLine& line);
// Ordered by booking date, statement, entry, transaction: the order states are derived in.
std::vector<StoredLine> load_lines(Db& db, const std::string& channel);
void update_line_state(Db& db, const StoredLine& line);
// Sum of the amounts of every stored line of the channel.
std::int64_t channel_lines_total_fen(Db& db, const std::string& channel);

// Fund accounts the channel's payment files debited.
std::vector<std::string> channel_fund_accounts_paid_from(Db& db, const std::string& channel);
// Ordered by batch date, batch, position.
std::vector<ChannelPayment> load_channel_payments(Db& db, const std::string& channel);
std::vector<PaymentFileRecord> load_channel_payment_files(Db& db, const std::string& channel,
                                                          const std::string& channel_code);
// The channel of a payment of any channel, "" when there is none.
std::string channel_of_payment(Db& db, const std::string& end_to_end_id);

std::map<std::string, PaymentStateRecord> load_payment_states(Db& db, const std::string& channel);
void upsert_payment_state(Db& db, const std::string& channel, const PaymentStateRecord& s);

}  // namespace relief
