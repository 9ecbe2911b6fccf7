#pragma once
// Claim traces are kept in the database in blocks: the traces of up to
// kTracesPerBlock consecutive results of a batch, one JSON text per line,
// zstd-compressed (~2 KB of trace per claim becomes ~120 bytes). The
// results.jsonl file, `explain` and the API read them back byte for byte.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relief {

inline constexpr std::size_t kTracesPerBlock = 64;
inline constexpr std::size_t kTraceBlockTextBytesMax = 16u << 20;  // a block's traces, uncompressed

struct TraceBlock {
  std::int64_t first_position = 0;  // the results' position in the batch
  std::int64_t results = 0;         // traces in the block
  std::int64_t text_bytes = 0;      // uncompressed
  std::string zstd;
};

// Traces must not contain '\n' (JSON text as written by trace_text never does).
TraceBlock pack_traces(std::int64_t first_position, const std::vector<std::string_view>& traces);
// Throws CompressError (a damaged block) when the block does not hold `results` lines.
std::vector<std::string> unpack_traces(const TraceBlock& b);

}  // namespace relief
