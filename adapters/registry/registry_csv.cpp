#include "adapters/registry/registry_csv.hpp"

#include <set>

#include "src/core/idnumber.hpp"

namespace relief {

namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

bool alnum_code(const std::string& s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

// Header problems stop the file; rows left out by parse_csv (bad quoting,
// wrong field count) do not hide the other rows' errors: every bad line is listed.
bool header_usable(const CsvTable& table, const std::vector<std::string>& columns, std::vector<CsvError>& errors) {
  std::size_t before = errors.size();
  check_csv_header(table, columns, errors);
  return !table.header.empty() && errors.size() == before;
}

struct RowReader {
  const CsvTable& table;
  const CsvRecord& rec;
  std::vector<CsvError>& errors;
  bool ok = true;
  const std::string& get(const std::string& col) { return rec.fields[table.column_index.at(col)]; }
  void fail(const std::string& col, const std::string& reason) {
    ok = false;
    errors.push_back({rec.line, col, reason});
  }
  bool boolean(const std::string& col) {
    auto v = parse_bool(get(col));
    if (!v) fail(col, "'" + get(col) + "' is not true or false");
    return v.value_or(false);
  }
  std::int64_t months(const std::string& col) {
    const std::string& s = get(col);
    if (!all_digits(s) || s.size() > 4) {
      fail(col, "'" + s + "' is not a whole number of months from 0 to 9999");
      return 0;
    }
    return std::stoll(s);
  }
};

}  // namespace

namespace {
// pain.001's creditor name (Cdtr/Nm) is Max140Text: a longer hospital name
// would make every payment file paying the hospital invalid.
constexpr std::size_t kPaymentNameCharsMax = 140;

std::size_t utf8_chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
}  // namespace

std::vector<Hospital> read_hospitals_csv(const std::string& bytes, std::vector<CsvError>& errors) {
  static const std::vector<std::string> kColumns = {"code", "name", "designated", "account", "bank_code", "bank_name"};
  std::vector<Hospital> out;
  CsvTable table = parse_csv(bytes, errors);
  if (!header_usable(table, kColumns, errors)) return out;
  std::set<std::string> seen;
  for (const auto& rec : table.records) {
    RowReader r{table, rec, errors};
    Hospital h;
    h.code = r.get("code");
    if (!alnum_code(h.code, 16)) r.fail("code", "'" + h.code + "' is not 1-16 letters or digits");
    else if (!seen.insert(h.code).second) r.fail("code", "hospital " + h.code + " appears twice in the file");
    h.name = r.get("name");
    if (h.name.empty()) r.fail("name", "empty");
    else if (utf8_chars(h.name) > kPaymentNameCharsMax)
      r.fail("name", std::to_string(utf8_chars(h.name)) + " characters, the payment files allow " +
                         std::to_string(kPaymentNameCharsMax));
    h.designated = r.boolean("designated");
    h.account = r.get("account");
    if (!all_digits(h.account) || h.account.size() < 8 || h.account.size() > 32)
      r.fail("account", "'" + h.account + "' is not 8-32 digits");
    h.bank_code = r.get("bank_code");
    if (!all_digits(h.bank_code) || h.bank_code.size() != 12)
      r.fail("bank_code", "'" + h.bank_code + "' is not a 12-digit CNAPS code");
    h.bank_name = r.get("bank_name");
    if (h.bank_name.empty()) r.fail("bank_name", "empty");
    if (r.ok) out.push_back(std::move(h));
  }
  return out;
}

std::vector<Person> read_registry_csv(const std::string& bytes, std::vector<CsvError>& errors) {
  static const std::vector<std::string> kColumns = {
      "id_number", "name", "hukou", "dibao", "disability", "student", "pension_months", "residence_months",
      "works_in_gz", "hardship", "lives_with_parents", "parents"};
  std::vector<Person> out;
  CsvTable table = parse_csv(bytes, errors);
  if (!header_usable(table, kColumns, errors)) return out;
  std::set<std::string> seen;
  for (const auto& rec : table.records) {
    RowReader r{table, rec, errors};
    Person p;
    p.in_registry = true;
    auto id = parse_id_number(r.get("id_number"));
    if (!id.id) r.fail("id_number", "identity number " + mask_id(r.get("id_number")) + " " + id.reason);
    else {
      p.id_number = id.id->value;
      if (!seen.insert(p.id_number).second)
        r.fail("id_number", "person " + mask_id(p.id_number) + " appears twice in the file");
    }
    p.name = r.get("name");
    auto hukou = parse_hukou(r.get("hukou"));
    if (!hukou) r.fail("hukou", "'" + r.get("hukou") + "' is not local or nonlocal");
    else p.hukou = *hukou;
    auto dibao = parse_dibao(r.get("dibao"));
    if (!dibao) r.fail("dibao", "'" + r.get("dibao") + "' is not none, urban or rural");
    else p.dibao = *dibao;
    p.disability = r.boolean("disability");
    auto student = parse_student(r.get("student"));
    if (!student)
      r.fail("student", "'" + r.get("student") + "' is not none, university, college, research, vocational or technical");
    else p.student = *student;
    p.pension_months = r.months("pension_months");
    p.residence_months = r.months("residence_months");
    p.works_in_gz = r.boolean("works_in_gz");
    p.hardship = r.boolean("hardship");
    p.lives_with_parents = r.boolean("lives_with_parents");
    const std::string& parents = r.get("parents");
    std::size_t start = 0;
    while (!parents.empty() && start <= parents.size()) {
      std::size_t semi = parents.find(';', start);
      std::string one = parents.substr(start, semi == std::string::npos ? std::string::npos : semi - start);
      auto pid = parse_id_number(one);
      if (!pid.id) r.fail("parents", "parent identity number " + mask_id(one) + " " + pid.reason);
      else p.parents.push_back(pid.id->value);
      if (semi == std::string::npos) break;
      start = semi + 1;
    }
    if (r.ok) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace relief
