// The byte guard in front of every feed: it runs before Xerces sees a byte.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string_view>

#include "adapters/feed/feed_reader.hpp"
#include "src/util/sha256.hpp"

namespace relief {

namespace {

constexpr std::size_t kChunkBytes = 1 << 20;
constexpr std::size_t kLookaheadBytes = 9;  // "<![CDATA[" is the longest thing we look at

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool simple_token(const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

std::string find_element_text(std::string_view head, const std::string& name) {
  std::string open = "<" + name + ">", close = "</" + name + ">";
  auto a = head.find(open);
  if (a == std::string::npos) return {};
  a += open.size();
  auto b = head.find(close, a);
  if (b == std::string::npos || b - a > 64) return {};
  std::string v(head.substr(a, b - a));
  return simple_token(v, 64) ? v : std::string();
}

// Returns the refusal detail, or "" when the prolog is acceptable.
std::string check_prolog(std::string_view head, std::string& encoding) {
  if (head.empty()) return "the feed is empty";
  auto b0 = static_cast<unsigned char>(head[0]);
  if (head.size() >= 2 && ((b0 == 0xFE && static_cast<unsigned char>(head[1]) == 0xFF) ||
                           (b0 == 0xFF && static_cast<unsigned char>(head[1]) == 0xFE)))
    return "UTF-16/UTF-32 byte order mark: only UTF-8 and GB18030/GBK feeds are accepted";
  std::size_t start = 0;
  if (head.size() >= 3 && b0 == 0xEF && static_cast<unsigned char>(head[1]) == 0xBB &&
      static_cast<unsigned char>(head[2]) == 0xBF)
    start = 3;
  if (head.compare(start, 5, "<?xml") != 0) {
    // No declaration: XML says UTF-8. The first non-blank byte must start markup.
    std::size_t i = start;
    while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) ++i;
    if (i >= head.size() || head[i] != '<') return "not XML: the first character is not '<'";
    return "";
  }
  auto end = head.find("?>", start);
  if (end == std::string::npos || end > 512) return "the XML declaration is not closed";
  std::string decl(head.substr(start, end - start));
  auto e = decl.find("encoding");
  if (e == std::string::npos) return "";
  auto q = decl.find_first_of("\"'", e);
  if (q == std::string::npos) return "the XML declaration's encoding has no value";
  auto q2 = decl.find(decl[q], q + 1);
  if (q2 == std::string::npos) return "the XML declaration's encoding is not closed";
  std::string enc = lower(decl.substr(q + 1, q2 - q - 1));
  if (enc == "utf-8" || enc == "utf8") return "";
  if (start == 3) return "a UTF-8 byte order mark with encoding '" + enc + "'";
  if (enc == "gb18030" || enc == "gbk" || enc == "gb2312" || enc == "cp936") {
    // GB18030 is a superset of the others: decoding them as GB18030 keeps rare
    // name characters that a strict GBK decoder would garble.
    encoding = "GB18030";
    return "";
  }
  return "encoding '" + enc + "' is not accepted: only UTF-8 and GB18030/GBK";
}

// Scans p[0, end) for a NUL byte or a "<!" that opens neither a comment nor a
// CDATA section (p[end, size) is look-ahead only). Returns the refusal for the
// first one, or "". `line` advances by the newlines scanned (up to the
// refusal, whose line it then is). memchr and std::count do the byte work:
// this runs over every byte of every feed. It looks for '!' (rare in feeds)
// and then at the byte before, not at every '<' (one per tag).
std::string scan_markup(const char* p, std::size_t size, std::size_t end, std::int64_t& line) {
  auto newlines = [p](std::size_t upto) { return static_cast<std::int64_t>(std::count(p, p + upto, '\n')); };
  const void* nul = std::memchr(p, '\0', end);
  const std::size_t stop = nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - p) : end;
  // A '<' at k < stop is this scan's: its '!' is at k + 1 <= stop.
  const std::size_t bang_end = std::min(stop + 1, size);
  for (std::size_t j = 1; j < bang_end;) {
    const void* bang = std::memchr(p + j, '!', bang_end - j);
    if (!bang) break;
    const auto b = static_cast<std::size_t>(static_cast<const char*>(bang) - p);
    j = b + 1;
    if (p[b - 1] != '<') continue;
    const std::size_t k = b - 1;
    std::string_view rest(p + k, size - k);
    if (rest.substr(0, 4) == "<!--" || rest.substr(0, 9) == "<![CDATA[") continue;
    std::string what = rest.substr(0, 9) == "<!DOCTYPE" ? "a DOCTYPE declaration"
                       : rest.substr(0, 8) == "<!ENTITY" ? "an ENTITY declaration"
                                                         : "a markup declaration";
    line += newlines(k);
    return what + " at line " + std::to_string(line) + ": DTDs and entities are not accepted";
  }
  if (nul) {
    line += newlines(stop);
    return "a NUL byte at line " + std::to_string(line) + ": binary data or UTF-16 is not accepted";
  }
  line += newlines(end);
  return "";
}

}  // namespace

GuardResult guard_feed(const FeedSource& src, std::int64_t feed_bytes_max) {
  GuardResult r;
  std::unique_ptr<std::ifstream> file;
  std::int64_t size = 0;
  if (src.buffer) {
    size = static_cast<std::int64_t>(src.buffer->size());
  } else {
    file = std::make_unique<std::ifstream>(src.path, std::ios::binary);
    if (!*file) {
      r.code = "MALFORMED";
      r.detail = "cannot open " + src.path;
      return r;
    }
    file->seekg(0, std::ios::end);
    size = static_cast<std::int64_t>(file->tellg());
    file->seekg(0, std::ios::beg);
  }
  r.bytes = size;
  if (size > feed_bytes_max) {
    r.code = "TOO_LARGE";
    r.detail = std::to_string(size) + " bytes, the limit is " + std::to_string(feed_bytes_max);
    return r;
  }
  Sha256 sha;
  // buf holds the unscanned look-ahead of the previous chunk, then the next
  // chunk, read straight in after it (uninitialised: no memset, no copy).
  std::unique_ptr<char[]> buf(new char[kLookaheadBytes + kChunkBytes]);
  std::size_t kept = 0;  // look-ahead bytes at buf's start
  std::int64_t offset = 0;
  bool first = true;
  std::string refusal;
  std::int64_t line = 1;
  while (offset < size) {
    std::size_t n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(kChunkBytes), size - offset));
    char* chunk = buf.get() + kept;
    if (src.buffer) {
      std::memcpy(chunk, src.buffer->data() + offset, n);
    } else {
      file->read(chunk, static_cast<std::streamsize>(n));
      if (file->gcount() != static_cast<std::streamsize>(n)) {
        r.code = "MALFORMED";
        r.detail = "read error in " + src.path;
        return r;
      }
    }
    sha.update(chunk, n);
    offset += static_cast<std::int64_t>(n);
    bool last = offset >= size;
    if (first) {
      first = false;
      refusal = check_prolog(std::string_view(chunk, n), r.encoding);
      r.hospital_code_hint = find_element_text(std::string_view(chunk, n), "HospitalCode");
      r.feed_id_hint = find_element_text(std::string_view(chunk, n), "FeedId");
    }
    if (refusal.empty()) {
      const std::size_t filled = kept + n;
      std::size_t scan_end = last ? filled : (filled > kLookaheadBytes ? filled - kLookaheadBytes : 0);
      refusal = scan_markup(buf.get(), filled, scan_end, line);
      kept = filled - scan_end;
      std::memmove(buf.get(), buf.get() + scan_end, kept);
    }
  }
  if (size == 0) refusal = "the feed is empty";
  r.sha256_hex = sha.hex();
  if (!refusal.empty()) {
    r.code = "MALFORMED";
    r.detail = refusal;
    return r;
  }
  r.ok = true;
  return r;
}

}  // namespace relief
