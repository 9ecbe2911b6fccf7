#pragma once
// A prepared SQLite statement on a Db's connection, without Poco::Data in
// between: for the few statements a batch runs hundreds of thousands of
// times (claim cursor, person and ledger look-ups, result inserts), where
// Poco's per-row binding and extraction cost more than SQLite itself.
// Everything else keeps using Poco::Data through Db::session().
//
// Bound text and blobs are not copied (SQLITE_STATIC): the caller keeps
// them alive and unchanged until the next step() or reset(). Column views
// are valid until the next step() or reset().
#include <cstdint>
#include <string>
#include <string_view>

#include "src/store/db.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace relief {

class SqlStmt {
 public:
  // Prepares `sql` on the connection; throws DbError naming the statement.
  SqlStmt(Db& db, const char* sql);
  ~SqlStmt();
  SqlStmt(const SqlStmt&) = delete;
  SqlStmt& operator=(const SqlStmt&) = delete;

  // Parameters count from 1, as in SQLite.
  SqlStmt& bind(int index, std::int64_t value);
  SqlStmt& bind(int index, std::string_view text);
  SqlStmt& bind_blob(int index, std::string_view bytes);
  SqlStmt& bind_null(int index);

  // true: a row is ready; false: done. Throws DbError on failure (the
  // statement is reset then, so it can be used again).
  bool step();
  // Runs a statement that returns no row (an insert or update) and resets it.
  void run();
  // Ready for new bindings (bindings are kept until rebound).
  void reset();

  // Columns count from 0.
  std::int64_t int64(int column) const;
  std::string_view text(int column) const;  // empty for NULL
  std::string string(int column) const { return std::string(text(column)); }
  bool is_null(int column) const;
  // Rows changed by the last insert or update on this connection.
  std::int64_t changes() const;
  // The rowid of the last row inserted on this connection.
  std::int64_t last_insert_rowid() const;

 private:
  [[noreturn]] void fail(int rc, const char* what) const;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

}  // namespace relief
