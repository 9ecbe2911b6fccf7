// src/store/sql.hpp: the prepared-statement wrapper over SQLite's own API.
// Binding and reading back every value kind, failures (prepare, constraint)
// as DbError with the statement usable again, changes() and reset().
#include <boost/test/unit_test.hpp>

#include <Poco/Data/Session.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "src/store/db.hpp"
#include "src/store/sql.hpp"
#include "tests/unit/test_support.hpp"

using namespace relief;

namespace {

// A migrated database in a temporary folder with one scratch table.
struct ScratchDb {
  test::TempDir dir;
  std::unique_ptr<Db> db = Db::open(dir.file("sql.db"));
  ScratchDb() {
    db->session() << "CREATE TABLE scratch (id INTEGER PRIMARY KEY, k TEXT UNIQUE, n INTEGER, t TEXT, b BLOB)",
        Poco::Data::Keywords::now;
  }
};

bool message_has(const DbError& e, const std::string& part) {
  return std::string(e.what()).find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sql_stmt)

BOOST_AUTO_TEST_CASE(prepare_of_invalid_sql_throws_naming_the_statement) {
  ScratchDb s;
  const char* bad = "SELEC k FROM scratch";
  BOOST_CHECK_EXCEPTION(SqlStmt(*s.db, bad), DbError, [&](const DbError& e) {
    BOOST_TEST_MESSAGE(e.what());
    return message_has(e, "prepare") && message_has(e, bad);
  });
  BOOST_CHECK_EXCEPTION(SqlStmt(*s.db, "SELECT nothing_here FROM scratch"), DbError, [](const DbError& e) {
    return message_has(e, "nothing_here") && message_has(e, "statement: SELECT nothing_here FROM scratch");
  });
}

BOOST_AUTO_TEST_CASE(bound_values_read_back_exactly) {
  ScratchDb s;
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::int64_t small = std::numeric_limits<std::int64_t>::min();
  const std::string chinese = "张三 abc 广州";  // 9 characters, 6 + 1 + 3 + 1 + 6 = 17 bytes of UTF-8
  const std::string empty;
  const std::string bytes("a\0b\xff\0", 5);
  {
    SqlStmt ins(*s.db, "INSERT INTO scratch (id, k, n, t, b) VALUES (?1, ?2, ?3, ?4, ?5)");
    ins.bind(1, std::int64_t{1}).bind(2, std::string_view("r1")).bind(3, big).bind(4, chinese).bind_blob(5, bytes);
    ins.run();
    ins.bind(1, std::int64_t{2}).bind(2, std::string_view("r2")).bind(3, small).bind(4, empty).bind_null(5);
    ins.run();
    ins.bind(1, std::int64_t{3}).bind(2, std::string_view("r3")).bind_null(3).bind_null(4).bind_blob(5, empty);
    ins.run();
  }

  SqlStmt sel(*s.db,
              "SELECT n, t, b, typeof(n), typeof(t), typeof(b), length(t), length(b) FROM scratch WHERE id = ?1");
  sel.bind(1, std::int64_t{1});
  BOOST_REQUIRE(sel.step());
  BOOST_TEST(sel.int64(0) == big);
  BOOST_TEST(sel.string(1) == chinese);
  BOOST_TEST(sel.text(1).size() == 17u);
  BOOST_TEST(sel.int64(6) == 9);  // SQLite counted characters: the bytes went in as UTF-8 text
  BOOST_TEST(sel.string(2) == bytes);  // all five bytes, the NULs too
  BOOST_TEST(sel.int64(7) == 5);
  BOOST_TEST(sel.string(3) == "integer");
  BOOST_TEST(sel.string(4) == "text");
  BOOST_TEST(sel.string(5) == "blob");
  BOOST_TEST(!sel.is_null(0));
  BOOST_TEST(!sel.is_null(2));
  BOOST_TEST(!sel.step());

  sel.reset();
  sel.bind(1, std::int64_t{2});
  BOOST_REQUIRE(sel.step());
  BOOST_TEST(sel.int64(0) == small);
  BOOST_TEST(!sel.is_null(1));  // an empty string is not NULL
  BOOST_TEST(sel.string(4) == "text");
  BOOST_TEST(sel.text(1).empty());
  BOOST_TEST(sel.is_null(2));
  BOOST_TEST(sel.text(2).empty());
  BOOST_TEST(sel.string(5) == "null");

  sel.reset();
  sel.bind(1, std::int64_t{3});
  BOOST_REQUIRE(sel.step());
  BOOST_TEST(sel.is_null(0));
  BOOST_TEST(sel.int64(0) == 0);
  BOOST_TEST(sel.is_null(1));
  BOOST_TEST(sel.text(1).empty());
  BOOST_TEST(sel.string(1).empty());
  BOOST_TEST(!sel.is_null(2));  // an empty blob is not NULL
  BOOST_TEST(sel.string(5) == "blob");
  BOOST_TEST(sel.text(2).empty());
  BOOST_TEST(!sel.step());
}

BOOST_AUTO_TEST_CASE(constraint_failure_throws_and_the_statement_runs_again) {
  ScratchDb s;
  SqlStmt ins(*s.db, "INSERT INTO scratch (k, n) VALUES (?1, ?2)");
  ins.bind(1, std::string_view("same")).bind(2, std::int64_t{1});
  ins.run();
  ins.bind(2, std::int64_t{2});  // k is still bound to "same"
  BOOST_CHECK_EXCEPTION(ins.run(), DbError, [](const DbError& e) {
    BOOST_TEST_MESSAGE(e.what());
    return message_has(e, "UNIQUE") && message_has(e, "statement: INSERT INTO scratch");
  });
  BOOST_TEST(test::count_rows(*s.db, "SELECT COUNT(*) FROM scratch") == 1);

  ins.bind(1, std::string_view("other")).bind(2, std::int64_t{3});
  BOOST_CHECK_NO_THROW(ins.run());
  BOOST_TEST(ins.changes() == 1);
  BOOST_TEST(test::count_rows(*s.db, "SELECT COUNT(*) FROM scratch") == 2);
  BOOST_TEST(test::count_rows(*s.db, "SELECT n FROM scratch WHERE k = 'other'") == 3);
  BOOST_TEST(test::count_rows(*s.db, "SELECT n FROM scratch WHERE k = 'same'") == 1);
}

BOOST_AUTO_TEST_CASE(changes_counts_the_rows_of_the_last_update) {
  ScratchDb s;
  s.db->session() << "INSERT INTO scratch (k, n) VALUES ('a', 1), ('b', 2), ('c', 3)", Poco::Data::Keywords::now;
  SqlStmt upd(*s.db, "UPDATE scratch SET n = n + 10 WHERE k = ?1");
  upd.bind(1, std::string_view("b"));
  upd.run();
  BOOST_TEST(upd.changes() == 1);
  BOOST_TEST(test::count_rows(*s.db, "SELECT n FROM scratch WHERE k = 'b'") == 12);

  upd.bind(1, std::string_view("zz"));
  upd.run();
  BOOST_TEST(upd.changes() == 0);
  BOOST_TEST(test::count_rows(*s.db, "SELECT SUM(n) FROM scratch") == 16);

  SqlStmt all(*s.db, "UPDATE scratch SET n = 0");
  all.run();
  BOOST_TEST(all.changes() == 3);
}

BOOST_AUTO_TEST_CASE(step_ends_after_the_last_row_and_reset_starts_over) {
  ScratchDb s;
  s.db->session() << "INSERT INTO scratch (k, n) VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4)",
      Poco::Data::Keywords::now;
  SqlStmt q(*s.db, "SELECT k, n FROM scratch WHERE n >= ?1 ORDER BY n");
  q.bind(1, std::int64_t{2});
  auto read_all = [&q] {
    std::vector<std::string> rows;
    while (q.step()) rows.push_back(q.string(0) + "=" + std::to_string(q.int64(1)));
    return rows;
  };
  const std::vector<std::string> expected = {"b=2", "c=3", "d=4"};
  BOOST_TEST(read_all() == expected, boost::test_tools::per_element());

  q.reset();  // the binding (n >= 2) is kept
  BOOST_REQUIRE(q.step());
  BOOST_TEST(q.string(0) == "b");
  BOOST_TEST(q.int64(1) == 2);

  q.reset();  // reset mid-way: from the first row again
  BOOST_TEST(read_all() == expected, boost::test_tools::per_element());

  q.reset();
  q.bind(1, std::int64_t{4});
  BOOST_TEST(read_all() == std::vector<std::string>{"d=4"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_empty_view_binds_empty_text_not_null) {
  ScratchDb s;
  SqlStmt ins(*s.db, "INSERT INTO scratch (k, t, b) VALUES ('e', ?1, ?2)");
  ins.bind(1, std::string_view{}).bind_blob(2, std::string_view{});  // no data pointer at all
  ins.run();
  SqlStmt sel(*s.db, "SELECT typeof(t), typeof(b) FROM scratch WHERE k = 'e'");
  BOOST_REQUIRE(sel.step());
  BOOST_TEST(sel.string(0) == "text");
  BOOST_TEST(sel.string(1) == "blob");
}

BOOST_AUTO_TEST_SUITE_END()
