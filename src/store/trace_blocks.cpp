#include "src/store/trace_blocks.hpp"

#include <cassert>
#include <charconv>

#include "src/util/compress.hpp"

namespace relief {

namespace {
constexpr char kFieldEnd = '\x1f';

std::string block_name(std::int64_t first_position) {
  return "result block at position " + std::to_string(first_position);
}

TraceBlock seal(std::int64_t first_position, std::size_t results, int layout, const std::string& text) {
  if (text.size() > kTraceBlockTextBytesMax) throw CompressError("a " + block_name(first_position) + " exceeds its size limit");
  TraceBlock b;
  b.first_position = first_position;
  b.results = static_cast<std::int64_t>(results);
  b.text_bytes = static_cast<std::int64_t>(text.size());
  b.layout = layout;
  b.zstd = zstd_compress(text);
  return b;
}

std::string open_block(const TraceBlock& b, int layout) {
  if (b.layout != layout)
    throw CompressError(block_name(b.first_position) + " has layout " + std::to_string(b.layout) + ", not " +
                        std::to_string(layout));
  std::string text = zstd_decompress(b.zstd, kTraceBlockTextBytesMax);
  if (static_cast<std::int64_t>(text.size()) != b.text_bytes)
    throw CompressError(block_name(b.first_position) + " has the wrong length");
  return text;
}

void append_field(std::string& text, std::string_view field, std::int64_t position) {
  // One pass over the bytes (find_first_of calls memchr once per byte).
  for (const char ch : field)
    if (ch == kFieldEnd || ch == '\n')
      throw CompressError("result " + std::to_string(position) + ": a field holds U+001F or a line break");
  text += field;
  text += kFieldEnd;
}

void append_number(std::string& text, std::int64_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  assert(ec == std::errc());
  text.append(buf, end);
  text += kFieldEnd;
}
}  // namespace

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
  return seal(first_position, traces.size(), kBlockLayoutTraces, text);
}

std::vector<std::string> unpack_traces(const TraceBlock& b) {
  const std::string text = open_block(b, kBlockLayoutTraces);
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
    throw CompressError(block_name(b.first_position) + " does not hold " + std::to_string(b.results) + " traces");
  return out;
}

TraceBlock pack_results(std::span<const ResultRow> rows, const std::vector<std::string_view>& traces) {
  assert(!rows.empty() && rows.size() <= kTracesPerBlock && rows.size() == traces.size());
  std::size_t bytes = 0;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const ResultRow& r = rows[k];
    assert(r.position == rows[0].position + static_cast<std::int64_t>(k));
    bytes += r.hospital_code.size() + r.claim_id.size() + r.feed_id.size() + r.patient_id.size() +
             r.discharge_date.size() + traces[k].size() + 48;
  }
  std::string text;
  text.reserve(bytes);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const ResultRow& r = rows[k];
    for (std::string_view f : {std::string_view(r.hospital_code), std::string_view(r.claim_id),
                               std::string_view(r.feed_id), std::string_view(r.patient_id),
                               std::string_view(r.discharge_date)})
      append_field(text, f, r.position);
    append_number(text, r.burden_fen);
    append_number(text, r.total_paid_fen);
    if (traces[k].find('\n') != std::string_view::npos)
      throw CompressError("result " + std::to_string(r.position) + ": its trace holds a line break");
    text += traces[k];
    text += '\n';
  }
  return seal(rows[0].position, rows.size(), kBlockLayoutResults, text);
}

std::vector<ResultRow> unpack_results(const TraceBlock& b) {
  const std::string text = open_block(b, kBlockLayoutResults);
  const std::string_view all(text);
  auto damaged = [&](std::int64_t position) {
    return CompressError(block_name(b.first_position) + " is damaged at result " + std::to_string(position));
  };
  std::vector<ResultRow> out;
  out.reserve(static_cast<std::size_t>(b.results));
  std::size_t at = 0;
  while (at < all.size() && static_cast<std::int64_t>(out.size()) < b.results) {
    ResultRow r;
    r.position = b.first_position + static_cast<std::int64_t>(out.size());
    auto field = [&]() {
      const std::size_t end = all.find(kFieldEnd, at);
      const std::size_t nl = all.find('\n', at);
      if (end == std::string_view::npos || nl < end) throw damaged(r.position);
      std::string_view f = all.substr(at, end - at);
      at = end + 1;
      return f;
    };
    auto number = [&]() {
      std::string_view f = field();
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), n);
      if (ec != std::errc() || end != f.data() + f.size()) throw damaged(r.position);
      return n;
    };
    for (std::string* s : {&r.hospital_code, &r.claim_id, &r.feed_id, &r.patient_id, &r.discharge_date})
      s->assign(field());
    r.burden_fen = number();
    r.total_paid_fen = number();
    const std::size_t nl = all.find('\n', at);
    if (nl == std::string_view::npos) throw damaged(r.position);
    r.trace.assign(all.substr(at, nl - at));
    at = nl + 1;
    out.push_back(std::move(r));
  }
  if (at != all.size() || static_cast<std::int64_t>(out.size()) != b.results)
    throw CompressError(block_name(b.first_position) + " does not hold " + std::to_string(b.results) + " results");
  return out;
}

}  // namespace relief
