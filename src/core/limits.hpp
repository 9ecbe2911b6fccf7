#pragma once
// Every limit Relief enforces, with its unit in the name. One place to read
// and to change them; the static_asserts say how they must relate.
#include <cstdint>

namespace relief::limits {

inline constexpr std::int64_t feed_bytes_max_default = 64LL * 1024 * 1024;   // SPEC 3 TOO_LARGE
inline constexpr std::int64_t feed_bytes_max_ceiling = 2LL * 1024 * 1024 * 1024;
inline constexpr int element_depth_max = 16;          // ClaimFeed/Claim/Visit/Diagnosis is depth 4
inline constexpr std::size_t text_bytes_max = 4096;   // one element's text, UTF-8
inline constexpr std::int64_t claims_per_feed_max = 2'000'000;
inline constexpr int diagnoses_per_claim_max = 10;    // SPEC 2.1
inline constexpr std::int64_t money_fen_max = 99'999'999'999'999LL;  // 12 yuan digits + 2
inline constexpr std::size_t csv_file_bytes_max = 512ULL * 1024 * 1024;
inline constexpr std::size_t csv_field_bytes_max = 4096;
inline constexpr std::int64_t csv_rows_max = 50'000'000;
inline constexpr std::size_t csv_errors_listed_max = 1000;
inline constexpr std::int64_t claims_per_batch_max = 50'000'000;
inline constexpr std::int64_t batches_per_day_max = 99;   // NN in YYYYMMDD-NN
inline constexpr std::size_t feeds_per_ingest_max = 100'000;
// A feed of at most this many Claim elements has its claims stored in
// processing order (held until the feed's end, ~0.5 KB each); a bigger one
// in document order (issue 7: the batch merges the first kind, sorts the second).
inline constexpr std::size_t feed_items_held_for_order_max = 16'384;
// Feeds a batch merges (one open statement each); with more, the batch sorts all its claims.
inline constexpr std::size_t merged_feeds_max = 1'024;
inline constexpr std::size_t queued_feeds_max = 1'000'000;  // feeds one batch takes (their FeedIds held, ~80 bytes each)
inline constexpr std::size_t rejections_shown_per_feed_max = 100'000;
inline constexpr std::int64_t channel_files_max = 64;
inline constexpr std::size_t param_file_bytes_max = 1024 * 1024;

// HTTP server (relief serve)
inline constexpr std::int64_t http_body_bytes_max_default = feed_bytes_max_default;
inline constexpr int http_header_bytes_max = 16 * 1024;
inline constexpr int http_header_fields_max = 64;
inline constexpr int http_threads_max = 16;            // requests handled at once
inline constexpr int http_queue_max = 64;              // accepted connections waiting for a thread
// A request's whole header must arrive within this time of the connection
// opening (or of the previous response): a client sending a byte a second
// is cut off instead of holding a thread.
inline constexpr int http_header_ms_max = 10'000;
// From the end of the header to the end of the response, body included:
// 64 MiB at 5 Mbit/s is about 110 s.
inline constexpr int http_request_ms_max = 120'000;
inline constexpr int http_idle_ms_max = 15'000;        // one socket read or write; keep-alive idle wait
inline constexpr int http_keepalive_requests_max = 1000;
inline constexpr int http_watchdog_tick_ms = 100;     // how often deadlines are checked
inline constexpr std::size_t http_uri_bytes_max = 2048;
inline constexpr std::size_t idempotency_key_bytes_max = 128;
inline constexpr int api_token_random_bytes = 32;
inline constexpr std::size_t api_rejections_shown_max = 10'000;   // claim rejections in one API reply

// Reconciliation (relief reconcile, SPEC 6)
inline constexpr std::int64_t statement_bytes_max_default = 256LL * 1024 * 1024;
inline constexpr int statement_element_depth_max = 40;   // camt.053 nests about a dozen deep; SplmtryData more
inline constexpr std::int64_t statements_per_document_max = 1000;  // Stmt elements in one camt.053
inline constexpr std::int64_t statement_entries_max = 5'000'000;   // Ntry (or CSV rows) in one statement
inline constexpr std::int64_t tx_details_per_entry_max = 100'000;  // TxDtls under one Ntry
inline constexpr std::size_t statement_errors_listed_max = 100;
inline constexpr std::int64_t reconcile_payments_max = 50'000'000;  // payments of one channel held in memory
inline constexpr std::int64_t reconcile_lines_max = 50'000'000;     // statement lines of one channel held in memory
inline constexpr std::size_t reconcile_rows_shown_max = 200;        // per list in the text summary
// Sums of statement amounts stay exact in int64: one statement's lines and all
// lines of a channel are refused beyond these (far above any fund's turnover).
inline constexpr std::int64_t statement_total_fen_max = 100'000'000'000'000'000LL;        // 1e17 fen
inline constexpr std::int64_t channel_statement_total_fen_max = 4'000'000'000'000'000'000LL;  // 4e18 fen

static_assert(money_fen_max * 10'000 < INT64_MAX, "ratio multiplication must not overflow");
static_assert(2 * money_fen_max < INT64_MAX / 10'000, "burden * ratio must not overflow");
static_assert(http_body_bytes_max_default >= feed_bytes_max_default, "an accepted feed must fit in a body");
static_assert(channel_statement_total_fen_max < INT64_MAX - statement_total_fen_max, "line sums must not overflow");
static_assert(element_depth_max >= 4, "the feed format nests four deep");
static_assert(http_header_ms_max < http_request_ms_max && http_idle_ms_max < http_request_ms_max,
              "a request deadline must outlast its header and each read");

}  // namespace relief::limits
