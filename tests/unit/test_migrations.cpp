// src/store/migrations.cpp: a database made by an older build keeps its data
// when a newer build opens it. Here: schema 5 -> latest (6: persons and the
// ledger become WITHOUT ROWID tables; 7: a claim's result moves to
// claim_results and a claim is queued while its feed is).
#include <boost/test/unit_test.hpp>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

#include <string>

#include "src/store/batch_store.hpp"
#include "src/store/db.hpp"
#include "src/store/migrations.hpp"
#include "src/store/registry_store.hpp"
#include "src/store/sql.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;
using Poco::Data::Keywords::now;

namespace {

// A database at schema `version`, made by applying the first steps only.
void make_old_database(const std::string& path, std::size_t version) {
  Db::open(":memory:");  // registers the SQLite connector
  Poco::Data::Session s("SQLite", path);
  s << "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", now;
  const auto& steps = migrations();
  BOOST_REQUIRE(version <= steps.size());
  for (std::size_t v = 0; v < version; ++v)
    for (const auto& sql : steps[v]) s << sql, now;
  s << "INSERT INTO meta(key, value) VALUES('schema_version', '" + std::to_string(version) + "')", now;
  s << "INSERT INTO persons VALUES ('110101201001010011', '李小明', 'guangzhou', 'none', 0, 'none', 0, 36, 0, 1, 1,"
       " '110101198001010017;110101198201010028')",
      now;
  s << "INSERT INTO persons VALUES ('110101198001010017', '李大明', 'nonlocal', 'dibao', 1, 'none', 24, 120, 1, 0, 0,"
       " '')",
      now;
  s << "INSERT INTO ledger VALUES ('110101201001010011', 'charity', 2025, 1500000)", now;
  s << "INSERT INTO ledger VALUES ('110101201001010011', 'lottery', 2026, 250000)", now;
  if (version != 5) return;
  // One batched feed with its claim and result, one feed still queued.
  s << "INSERT INTO batches VALUES ('20260301-01', '2026-03-01', 1, '2026-03-01T22:00:00+08:00', 1, 1, 0, 1)", now;
  s << "INSERT INTO feeds VALUES (1, 'GZ001', 'F1', 'aa', 10, 'f1.xml', 't', 'accepted', '', 1, 1, 0, '20260301-01')",
      now;
  s << "INSERT INTO feeds VALUES (2, 'GZ001', 'F2', 'bb', 10, 'f2.xml', 't', 'accepted', '', 1, 1, 0, NULL)", now;
  for (const char* row : {"('GZ001', 'C1', 1, 1, '110101201001010011', 'x', '2010-01-01', 'M', 'inpatient',"
                          " '2026-02-01', '2026-02-10', 'C91.0', 0, 100, 0, 100, 0, '', '20260301-01', 1)",
                          "('GZ001', 'C2', 2, 1, '110101201001010011', 'x', '2010-01-01', 'M', 'inpatient',"
                          " '2026-03-01', '2026-03-05', 'C91.0', 0, 100, 0, 100, 0, '', NULL, NULL)"})
    s << std::string("INSERT INTO claims VALUES ") + row, now;
  s << "INSERT INTO results VALUES ('20260301-01', 1, 'GZ001', 'C1', 'F1', '110101201001010011', '2026-02-10',"
       " 100, 100, '{}', '{\"charity\":{}}')",
      now;
}

std::string table_sql(Db& db, const std::string& table) {
  std::string sql = test::query_text(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'");
  BOOST_REQUIRE_MESSAGE(!sql.empty(), "no table " + table);
  return sql;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(migrations_test)

BOOST_AUTO_TEST_CASE(schema_5_to_latest_keeps_persons_ledger_and_results) {
  test::TempDir dir;
  const std::string path = dir.file("v5.db");
  make_old_database(path, 5);
  auto db = Db::open(path);
  BOOST_TEST(db->schema_version() == latest_schema_version());
  BOOST_TEST(latest_schema_version() >= 6);
  BOOST_TEST(table_sql(*db, "persons").find("WITHOUT ROWID") != std::string::npos);
  BOOST_TEST(table_sql(*db, "ledger").find("WITHOUT ROWID") != std::string::npos);

  auto persons = load_persons(*db, {"110101201001010011"});  // and the parents it names
  BOOST_REQUIRE(persons.count("110101201001010011") == 1);
  const Person& child = persons.at("110101201001010011");
  BOOST_TEST(child.name == "李小明");
  BOOST_TEST(child.residence_months == 36);
  BOOST_TEST(child.hardship);
  BOOST_TEST(child.lives_with_parents);
  BOOST_TEST(child.parents.size() == 2u);
  BOOST_REQUIRE(persons.count("110101198001010017") == 1);  // a parent in the registry
  BOOST_TEST(persons.count("110101198201010028") == 0);     // a parent who is not
  const Person& parent = persons.at("110101198001010017");
  BOOST_TEST(parent.disability);
  BOOST_TEST(parent.works_in_gz);
  BOOST_TEST(parent.pension_months == 24);

  SqlStmt ledger(*db, "SELECT channel, year, used_fen FROM ledger ORDER BY channel");
  BOOST_REQUIRE(ledger.step());
  BOOST_TEST(ledger.string(0) == "charity");
  BOOST_TEST(ledger.int64(1) == 2025);
  BOOST_TEST(ledger.int64(2) == 1500000);
  BOOST_REQUIRE(ledger.step());
  BOOST_TEST(ledger.string(0) == "lottery");
  BOOST_TEST(ledger.int64(2) == 250000);
  BOOST_TEST(!ledger.step());

  // The batched claim finds its result; the other is still queued; the
  // claim rows lost their old columns.
  auto found = find_result(*db, "GZ001", "C1");
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->first == "20260301-01");
  BOOST_TEST(found->second.position == 1);
  BOOST_TEST(found->second.trace == "{\"charity\":{}}");
  BOOST_TEST(!find_result(*db, "GZ001", "C2").has_value());
  BOOST_TEST(count_queued_claims(*db) == 1);
  BOOST_TEST(count_batch_claims(*db, "20260301-01") == 1);
  BOOST_TEST(table_sql(*db, "claims").find("batch_id") == std::string::npos);
  BOOST_TEST(table_sql(*db, "claims").find("result_position") == std::string::npos);

  // The key still refuses a second row for the same person, channel and year.
  SqlStmt dup(*db, "INSERT INTO ledger VALUES ('110101201001010011', 'charity', 2025, 1)");
  BOOST_CHECK_THROW(dup.run(), DbError);
}

BOOST_AUTO_TEST_SUITE_END()
