#include "src/store/trace_blocks.hpp"

#include <cassert>

#include "src/util/compress.hpp"

namespace relief {

TraceBlock pack_traces(std::int64_t first_position, const std::vector<std::string_view>& traces) {
  assert(!traces.empty() && traces.size() <= kTracesPerBlock);
  std::string text;
  std::size_t bytes = 0;
  for (auto t : traces) bytes += t.size() + 1;
  text.reserve(bytes);
  for (auto t : traces) {
    assert(t.find('\n') == std::string_view::npos);
    text += t;
    text += '\n';
  }
  if (text.size() > kTraceBlockTextBytesMax) throw CompressError("a trace block exceeds its size limit");
  TraceBlock b;
  b.first_position = first_position;
  b.results = static_cast<std::int64_t>(traces.size());
  b.text_bytes = static_cast<std::int64_t>(text.size());
  b.zstd = zstd_compress(text);
  return b;
}

std::vector<std::string> unpack_traces(const TraceBlock& b) {
  std::string text = zstd_decompress(b.zstd, kTraceBlockTextBytesMax);
  if (static_cast<std::int64_t>(text.size()) != b.text_bytes)
    throw CompressError("trace block at position " + std::to_string(b.first_position) + " has the wrong length");
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(b.results));
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) break;
    out.emplace_back(text, start, nl - start);
    start = nl + 1;
  }
  if (start != text.size() || static_cast<std::int64_t>(out.size()) != b.results)
    throw CompressError("trace block at position " + std::to_string(b.first_position) + " does not hold " +
                        std::to_string(b.results) + " traces");
  return out;
}

}  // namespace relief
