#pragma once
// A batch's results are kept in the database in blocks: up to
// kTracesPerBlock consecutive results of a batch, one line each,
// zstd-compressed (~2 KB of trace per claim becomes ~120 bytes). The
// results.jsonl file, `explain` and the API read them back byte for byte.
//
// Two layouts (result_traces.layout):
//   1  traces only, one JSON text per line; the rest of each result is a row
//      of the `results` table (batches before schema 10);
//   2  whole results: per line the result's hospital code, ClaimId, FeedId,
//      patient id, discharge date, burden and total paid (fen), each ended by
//      U+001F (which XML cannot carry), then its trace. Its `paid` object is
//      rebuilt from the batch's payments (ResultCursor).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace relief {

inline constexpr std::size_t kTracesPerBlock = 64;
inline constexpr std::size_t kTraceBlockTextBytesMax = 16u << 20;  // a block's text, uncompressed
inline constexpr int kBlockLayoutTraces = 1;
inline constexpr int kBlockLayoutResults = 2;

struct TraceBlock {
  std::int64_t first_position = 0;  // the results' position in the batch
  std::int64_t results = 0;         // results in the block
  std::int64_t text_bytes = 0;      // uncompressed
  int layout = kBlockLayoutTraces;
  std::string zstd;
};

struct ResultRow {
  std::int64_t position = 0;
  std::string hospital_code, claim_id, feed_id, patient_id, discharge_date;
  std::int64_t burden_fen = 0, total_paid_fen = 0;
  std::string paid;   // JSON object text: channel -> amount string (not stored: rebuilt from the payments)
  std::string trace;  // JSON text
};

// Layout 1. Traces must not contain '\n' (JSON text as written by trace_text never does).
TraceBlock pack_traces(std::int64_t first_position, const std::vector<std::string_view>& traces);
// Throws CompressError (a damaged block) when the block does not hold `results` lines.
std::vector<std::string> unpack_traces(const TraceBlock& b);

// Layout 2: rows at consecutive positions, traces[k] being rows[k]'s (the
// rows' own `trace` is not read). Throws CompressError when a field holds
// U+001F or '\n', or a trace '\n'.
TraceBlock pack_results(std::span<const ResultRow> rows, const std::vector<std::string_view>& traces);
// The rows with their traces, `paid` left empty. Throws CompressError when
// the block is damaged or not of layout 2.
std::vector<ResultRow> unpack_results(const TraceBlock& b);

}  // namespace relief
