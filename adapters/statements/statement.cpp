// Format sniffing, camt amounts and the CSV statement (SPEC 6).
#include "adapters/statements/statement.hpp"

#include <fstream>

#include "src/util/sha256.hpp"
#include "adapters/registry/csv.hpp"
#include "src/core/date.hpp"
#include "src/core/limits.hpp"
#include "src/core/money.hpp"
#include "src/util/files.hpp"

namespace relief {

namespace {

constexpr std::size_t kSniffBytes = 4096;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The first byte after an optional UTF-8 byte order mark and blanks.
char first_meaningful_byte(const std::string& head) {
  std::size_t i = 0;
  if (head.size() >= 3 && static_cast<unsigned char>(head[0]) == 0xEF &&
      static_cast<unsigned char>(head[1]) == 0xBB && static_cast<unsigned char>(head[2]) == 0xBF)
    i = 3;
  while (i < head.size() && is_blank(head[i])) ++i;
  return i < head.size() ? head[i] : '\0';
}

StatementParse refused(std::string why) {
  StatementParse p;
  p.errors.push_back(std::move(why));
  return p;
}

}  // namespace

int camt053_version(std::string_view ns) {
  constexpr std::string_view prefix = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.";
  if (ns.size() != prefix.size() + 2 || ns.substr(0, prefix.size()) != prefix) return 0;
  char a = ns[prefix.size()], b = ns[prefix.size() + 1];
  if (a < '0' || a > '9' || b < '0' || b > '9') return 0;
  int v = (a - '0') * 10 + (b - '0');
  return v >= 2 && v <= 10 ? v : 0;
}

std::optional<std::int64_t> parse_statement_amount_fen(std::string_view text, std::string& why) {
  // xs:decimal allows surrounding blanks (whitespace collapse).
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  std::string shown(text.substr(0, 40));
  auto dot = text.find('.');
  if (dot != std::string_view::npos) {
    std::string_view frac = text.substr(dot + 1);
    if (frac.size() > 5) {
      why = "amount '" + shown + "' has more than 5 decimals";
      return std::nullopt;
    }
    if (frac.size() > 2) {
      for (char c : frac.substr(2))
        if (c != '0') {
          why = "amount '" + shown + "' is not a whole number of fen (CNY has 2 decimals)";
          return std::nullopt;
        }
      text = text.substr(0, dot + 3);
    }
  }
  auto fen = parse_amount_fen(text);
  if (!fen) {
    why = "amount '" + shown + "' is not a plain decimal number of yuan (at most 12 digits before the point)";
    return std::nullopt;
  }
  return fen;
}

StatementParse read_statement(const FeedSource& src, std::int64_t statement_bytes_max) {
  std::string head;
  if (src.buffer) {
    head = src.buffer->substr(0, kSniffBytes);
  } else {
    std::ifstream in(src.path, std::ios::binary);
    if (!in) return refused("cannot open " + src.path);
    head.resize(kSniffBytes);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
  }
  if (first_meaningful_byte(head) == '<') {
    // XML streams: the guard reads the bytes once, Xerces once more.
    GuardResult g = guard_feed(src, statement_bytes_max);
    if (!g.ok) {
      StatementParse p = refused(g.code == "TOO_LARGE" ? "statement too large: " + g.detail : g.detail);
      p.sha256_hex = g.sha256_hex;
      p.bytes = g.bytes;
      return p;
    }
    return read_camt053(src, g);
  }
  // CSV is read whole, like the registries.
  if (src.buffer) {
    if (static_cast<std::int64_t>(src.buffer->size()) > statement_bytes_max)
      return refused("statement too large: " + std::to_string(src.buffer->size()) + " bytes, the limit is " +
                     std::to_string(statement_bytes_max));
    return read_statement_csv(*src.buffer);
  }
  try {
    return read_statement_csv(read_file_limited(src.path, static_cast<std::uint64_t>(statement_bytes_max)));
  } catch (const IoError& e) {
    return refused(std::string("statement refused: ") + e.what());
  }
}

StatementParse read_statement_csv(const std::string& bytes) {
  static const std::vector<std::string> kColumns = {"booking_date", "end_to_end_id", "amount", "direction"};
  StatementParse p;
  p.format = "csv";
  p.sha256_hex = sha256_hex_of(bytes);
  p.bytes = static_cast<std::int64_t>(bytes.size());
  std::vector<CsvError> errors;
  CsvTable table = parse_csv(bytes, errors);
  check_csv_header(table, kColumns, errors);
  if (errors.empty() && static_cast<std::int64_t>(table.records.size()) > limits::statement_entries_max)
    errors.push_back({0, "", "more than " + std::to_string(limits::statement_entries_max) + " rows"});
  if (errors.empty()) {
    auto col = [&](const CsvRecord& r, const char* name) -> const std::string& {
      return r.fields[table.column_index.at(name)];
    };
    std::int64_t n = 0;
    for (const auto& rec : table.records) {
      StatementLine l;
      l.entry = ++n;
      l.line = rec.line;
      l.status = "BOOK";
      const std::string& date = col(rec, "booking_date");
      if (!parse_date(date)) errors.push_back({rec.line, "booking_date", "'" + date + "' is not a date YYYY-MM-DD"});
      l.booking_date = date;
      l.end_to_end_id = col(rec, "end_to_end_id");
      if (l.end_to_end_id == "NOTPROVIDED") l.end_to_end_id.clear();
      if (l.end_to_end_id.size() > 35)
        errors.push_back({rec.line, "end_to_end_id", "longer than 35 characters"});
      const std::string& amount = col(rec, "amount");
      if (auto fen = parse_amount_fen(amount)) l.amount_fen = *fen;
      else errors.push_back({rec.line, "amount", "'" + amount.substr(0, 40) + "' is not an amount like 1234.50"});
      const std::string& dir = col(rec, "direction");
      if (dir == "DBIT" || dir == "CRDT") l.credit = dir == "CRDT";
      else errors.push_back({rec.line, "direction", "'" + dir.substr(0, 40) + "' is neither DBIT nor CRDT"});
      p.lines.push_back(std::move(l));
    }
  }
  for (const auto& e : errors) {
    if (p.errors.size() >= limits::statement_errors_listed_max) {
      p.errors.push_back("... and " + std::to_string(errors.size() - limits::statement_errors_listed_max) +
                         " more errors");
      break;
    }
    p.errors.push_back("line " + std::to_string(e.line) + ": " + (e.column.empty() ? "" : "column " + e.column + ": ") +
                       e.reason);
  }
  p.ok = p.errors.empty();
  if (!p.ok) p.lines.clear();
  return p;
}

}  // namespace relief
