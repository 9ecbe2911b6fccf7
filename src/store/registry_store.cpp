#include "src/store/registry_store.hpp"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <cassert>
#include <set>

#include "src/store/sql.hpp"

using namespace Poco::Data::Keywords;
using Poco::Data::Statement;

namespace relief {

namespace {
std::string join_parents(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ';';
    out += id;
  }
  return out;
}
std::vector<std::string> split_parents(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto p = s.find(';', start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) break;
    start = p + 1;
  }
  return out;
}

}  // namespace

void upsert_hospitals(Db& db, const std::vector<Hospital>& hospitals) {
  Db::Tx tx(db);
  std::string code, name, account, bank_code, bank_name;
  int designated = 0;
  Statement st(db.session());
  st << "INSERT INTO hospitals (code, name, designated, account, bank_code, bank_name) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(code) DO UPDATE SET name = excluded.name, designated = excluded.designated,"
        " account = excluded.account, bank_code = excluded.bank_code, bank_name = excluded.bank_name",
      use(code), use(name), use(designated), use(account), use(bank_code), use(bank_name);
  for (const auto& h : hospitals) {
    code = h.code;
    name = h.name;
    designated = h.designated ? 1 : 0;
    account = h.account;
    bank_code = h.bank_code;
    bank_name = h.bank_name;
    st.execute();
  }
  tx.commit();
}

void upsert_persons(Db& db, const std::vector<Person>& persons) {
  Db::Tx tx(db);
  std::string id, name, hukou, dibao, student, parents;
  int disability = 0, works = 0, hardship = 0, lives = 0;
  Poco::Int64 pension = 0, residence = 0;
  Statement st(db.session());
  st << "INSERT INTO persons (id_number, name, hukou, dibao, disability, student, pension_months,"
        " residence_months, works_in_gz, hardship, lives_with_parents, parents)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id_number) DO UPDATE SET name = excluded.name,"
        " hukou = excluded.hukou, dibao = excluded.dibao, disability = excluded.disability,"
        " student = excluded.student, pension_months = excluded.pension_months,"
        " residence_months = excluded.residence_months, works_in_gz = excluded.works_in_gz,"
        " hardship = excluded.hardship, lives_with_parents = excluded.lives_with_parents, parents = excluded.parents",
      use(id), use(name), use(hukou), use(dibao), use(disability), use(student), use(pension), use(residence),
      use(works), use(hardship), use(lives), use(parents);
  for (const auto& p : persons) {
    id = p.id_number;
    name = p.name;
    hukou = to_string(p.hukou);
    dibao = to_string(p.dibao);
    disability = p.disability ? 1 : 0;
    student = to_string(p.student);
    pension = p.pension_months;
    residence = p.residence_months;
    works = p.works_in_gz ? 1 : 0;
    hardship = p.hardship ? 1 : 0;
    lives = p.lives_with_parents ? 1 : 0;
    parents = join_parents(p.parents);
    st.execute();
  }
  tx.commit();
}

std::map<std::string, Hospital> load_hospitals(Db& db) {
  std::map<std::string, Hospital> out;
  Statement st(db.session());
  st << "SELECT code, name, designated, account, bank_code, bank_name FROM hospitals";
  st.execute();
  Poco::Data::RecordSet rs(st);
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
    Hospital h;
    h.code = rs[0].convert<std::string>();
    h.name = rs[1].convert<std::string>();
    h.designated = rs[2].convert<int>() != 0;
    h.account = rs[3].convert<std::string>();
    h.bank_code = rs[4].convert<std::string>();
    h.bank_name = rs[5].convert<std::string>();
    out[h.code] = h;
  }
  return out;
}

namespace {
constexpr const char* kPersonColumns =
    "id_number, name, hukou, dibao, disability, student, pension_months, residence_months,"
    " works_in_gz, hardship, lives_with_parents, parents";

// One row of kPersonColumns.
Person person_from_row(const SqlStmt& st) {
  Person p;
  p.in_registry = true;
  p.id_number = st.string(0);
  p.name = st.string(1);
  p.hukou = parse_hukou(st.string(2)).value_or(Hukou::nonlocal);
  p.dibao = parse_dibao(st.string(3)).value_or(Dibao::none);
  p.disability = st.int64(4) != 0;
  p.student = parse_student(st.string(5)).value_or(Student::none);
  p.pension_months = st.int64(6);
  p.residence_months = st.int64(7);
  p.works_in_gz = st.int64(8) != 0;
  p.hardship = st.int64(9) != 0;
  p.lives_with_parents = st.int64(10) != 0;
  p.parents = split_parents(st.string(11));
  return p;
}

// The persons with these identity numbers, by prepared look-ups (no SQL text
// built from data), added to `out`.
void load_persons_by_id(Db& db, std::vector<std::string> ids, std::map<std::string, Person>& out) {
  if (ids.empty()) return;
  const std::string sql = std::string("SELECT ") + kPersonColumns + " FROM persons WHERE id_number = ?";
  SqlStmt st(db, sql.c_str());
  for (const auto& wanted : ids) {
    st.bind(1, wanted);
    while (st.step()) {
      Person p = person_from_row(st);
      std::string key = p.id_number;
      out[key] = std::move(p);
    }
    st.reset();
  }
}
}  // namespace

std::int64_t count_persons(Db& db) {
  SqlStmt st(db, "SELECT count(*) FROM persons");
  if (!st.step()) throw DbError("database: count(*) of persons returned no row");
  return st.int64(0);
}

bool each_person(Db& db, std::int64_t persons_max, const std::function<bool(Person&&)>& f) {
  const std::string sql = std::string("SELECT ") + kPersonColumns + " FROM persons ORDER BY id_number";
  SqlStmt st(db, sql.c_str());
  for (std::int64_t n = 0; st.step(); ++n) {
    if (n >= persons_max) throw DbError("database: more than " + std::to_string(persons_max) + " persons");
    if (!f(person_from_row(st))) {
      st.reset();
      return false;
    }
  }
  return true;
}

std::map<std::string, Person> load_persons(Db& db, std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::map<std::string, Person> out;
  load_persons_by_id(db, std::move(ids), out);
  std::set<std::string> parents;
  for (const auto& [id, p] : out)
    for (const auto& parent : p.parents)
      if (!out.count(parent)) parents.insert(parent);
  load_persons_by_id(db, {parents.begin(), parents.end()}, out);
  return out;
}

}  // namespace relief
