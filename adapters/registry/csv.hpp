#pragma once
// RFC 4180 CSV, UTF-8, header row with columns in any order.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace relief {

struct CsvRecord {
  std::int64_t line = 0;  // physical line where the record starts (1-based)
  std::vector<std::string> fields;
};

struct CsvError {
  std::int64_t line = 0;
  std::string column;  // empty when the problem is not one column's
  std::string reason;
};

struct CsvTable {
  std::vector<std::string> header;
  std::map<std::string, std::size_t> column_index;
  std::vector<CsvRecord> records;
};

// Parses the bytes of a CSV file. Structural errors (unterminated quote,
// stray quote, wrong field count, invalid UTF-8, limits) are appended to
// `errors`; records with such errors are left out of the table.
CsvTable parse_csv(const std::string& bytes, std::vector<CsvError>& errors);

// Checks the header holds exactly `required` (any order, no unknown or
// repeated column); reports problems as line-1 errors.
void check_csv_header(const CsvTable& table, const std::vector<std::string>& required,
                      std::vector<CsvError>& errors);

bool is_valid_utf8(const std::string& s);

}  // namespace relief
