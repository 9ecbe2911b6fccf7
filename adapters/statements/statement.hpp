#pragma once
// Bank statements of a fund account (SPEC 6): ISO 20022 camt.053 (versions
// 001.02 to 001.10) and the CSV statement. Readers only: they turn bytes
// into statement lines and never touch the database. XML goes through the
// same byte guard and hardened Xerces-C SAX2 settings as claim feeds.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/feed/feed_reader.hpp"

namespace relief {

// One booked movement as the bank reports it. A camt.053 entry (Ntry) gives
// one line per TxDtls, or one line for the whole entry when it has no
// transaction details (a batch booking).
struct StatementLine {
  std::int64_t entry = 0;      // 1-based Ntry (camt) or record (CSV) position in the document
  std::int64_t tx = 0;         // 1-based TxDtls within the entry; 0: the entry as a whole
  std::int64_t line = 0;       // source line of the entry, for messages
  std::string booking_date;    // YYYY-MM-DD; "" when the bank gave neither BookgDt nor ValDt
  std::string status;          // BOOK, PDNG, INFO, FUTR, or a proprietary code; CSV: BOOK
  bool credit = false;         // CdtDbtInd CRDT (money came in)
  bool reversal = false;       // RvslInd true
  std::int64_t amount_fen = 0;
  std::string end_to_end_id;   // "" when absent or NOTPROVIDED
  std::string pmt_inf_id;      // NtryDtls/Btch/PmtInfId, else TxDtls/Refs/PmtInfId
  std::string acct_svcr_ref;   // Ntry/AcctSvcrRef
  std::string ntry_ref;        // Ntry/NtryRef
  std::optional<std::int64_t> batch_tx_count;  // NtryDtls/Btch/NbOfTxs
};

struct StatementParse {
  bool ok = false;
  std::string format;                 // "camt.053.001.10", ... or "csv"
  std::vector<std::string> errors;    // why it is refused (at least one when !ok)
  std::string sha256_hex;             // of the whole bytes
  std::int64_t bytes = 0;
  std::vector<std::string> statement_ids;  // Stmt/Id, in document order (camt only)
  std::vector<std::string> accounts;       // Stmt/Acct/Id (IBAN or Othr/Id) per Stmt (camt only)
  std::vector<StatementLine> lines;        // document order
};

// Reads a statement: camt.053 when the first non-blank byte is '<', else CSV.
StatementParse read_statement(const FeedSource& src, std::int64_t statement_bytes_max);

// camt.053 after guard_feed accepted the bytes.
StatementParse read_camt053(const FeedSource& src, const GuardResult& guard);

// CSV `booking_date,end_to_end_id,amount,direction` (columns in any order).
StatementParse read_statement_csv(const std::string& bytes);

// A camt amount (xs:decimal, up to 5 fraction digits) to fen, exactly:
// digits beyond the second decimal are accepted only when they are zeros.
// On failure returns nullopt and says why in `why`.
std::optional<std::int64_t> parse_statement_amount_fen(std::string_view text, std::string& why);

// "urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN" -> NN (2..10), else 0.
int camt053_version(std::string_view ns);

}  // namespace relief
