#include "adapters/registry/csv.hpp"

#include <set>

#include "src/core/limits.hpp"

namespace relief {

bool is_valid_utf8(const std::string& s) {
  std::size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

CsvTable parse_csv(const std::string& bytes, std::vector<CsvError>& errors) {
  CsvTable table;
  std::size_t i = 0, n = bytes.size();
  if (n >= 3 && static_cast<unsigned char>(bytes[0]) == 0xEF && static_cast<unsigned char>(bytes[1]) == 0xBB &&
      static_cast<unsigned char>(bytes[2]) == 0xBF)
    i = 3;  // a UTF-8 byte order mark is tolerated
  std::int64_t line = 1;
  bool first = true;
  while (i < n) {
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool bad = false;
    std::string bad_reason;
    bool record_done = false;
    while (!record_done) {
      field.clear();
      if (i < n && bytes[i] == '"') {
        ++i;
        bool closed = false;
        while (i < n) {
          char c = bytes[i];
          if (c == '"') {
            if (i + 1 < n && bytes[i + 1] == '"') { field.push_back('"'); i += 2; continue; }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (!closed) { bad = true; bad_reason = "unterminated quoted field"; }
        if (i < n && bytes[i] != ',' && bytes[i] != '\n' && bytes[i] != '\r') {
          bad = true;
          bad_reason = "text after a closing quote";
          while (i < n && bytes[i] != ',' && bytes[i] != '\n') ++i;
        }
      } else {
        while (i < n && bytes[i] != ',' && bytes[i] != '\n' && bytes[i] != '\r') {
          if (bytes[i] == '"') { bad = true; bad_reason = "quote inside an unquoted field"; }
          field.push_back(bytes[i]);
          ++i;
        }
      }
      if (field.size() > limits::csv_field_bytes_max) { bad = true; bad_reason = "field longer than the limit"; }
      rec.fields.push_back(field);
      if (i >= n) { record_done = true; break; }
      if (bytes[i] == ',') { ++i; continue; }
      if (bytes[i] == '\r') ++i;
      if (i < n && bytes[i] == '\n') { ++i; ++line; }
      record_done = true;
    }
    bool empty_line = rec.fields.size() == 1 && rec.fields[0].empty() && !bad;
    if (empty_line) continue;  // blank lines (and the final newline) carry no record
    for (const auto& f : rec.fields)
      if (!is_valid_utf8(f)) { bad = true; bad_reason = "not valid UTF-8"; }
    if (first) {
      first = false;
      if (bad) { errors.push_back({rec.line, "", "header: " + bad_reason}); return table; }
      table.header = rec.fields;
      for (std::size_t k = 0; k < rec.fields.size(); ++k) table.column_index[rec.fields[k]] = k;
      continue;
    }
    if (static_cast<std::int64_t>(table.records.size()) >= limits::csv_rows_max) {
      errors.push_back({rec.line, "", "more rows than the limit"});
      return table;
    }
    if (!bad && rec.fields.size() != table.header.size()) {
      bad = true;
      bad_reason = "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                   std::to_string(table.header.size());
    }
    if (bad) { errors.push_back({rec.line, "", bad_reason}); continue; }
    table.records.push_back(std::move(rec));
  }
  if (first) errors.push_back({1, "", "empty file: no header row"});
  return table;
}

void check_csv_header(const CsvTable& table, const std::vector<std::string>& required,
                      std::vector<CsvError>& errors) {
  if (table.header.empty()) return;
  std::set<std::string> seen;
  for (const auto& h : table.header) {
    if (!seen.insert(h).second) errors.push_back({1, h, "column appears twice"});
    bool known = false;
    for (const auto& r : required) known = known || r == h;
    if (!known) errors.push_back({1, h, "unknown column"});
  }
  for (const auto& r : required)
    if (!table.column_index.count(r)) errors.push_back({1, r, "missing column"});
}

}  // namespace relief
