#include "src/store/sql.hpp"

#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

#include <cassert>
#include <limits>

namespace relief {

SqlStmt::SqlStmt(Db& db, const char* sql) : db_(Poco::Data::SQLite::Utility::dbHandle(db.session())), sql_(sql) {
  assert(db_ != nullptr);
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(rc, "prepare");
}

SqlStmt::~SqlStmt() { sqlite3_finalize(stmt_); }

void SqlStmt::fail(int rc, const char* what) const {
  std::string msg = std::string("database: ") + what + " failed (" + sqlite3_errstr(rc) + "): " +
                    (db_ ? sqlite3_errmsg(db_) : "no connection") + "; statement: " + sql_.substr(0, 120);
  throw DbError(msg);
}

SqlStmt& SqlStmt::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(rc, "bind");
  return *this;
}

SqlStmt& SqlStmt::bind(int index, std::string_view text) {
  assert(text.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max()));
  // An empty view may have no data pointer; SQLite would bind NULL for it.
  const char* data = text.data() != nullptr ? text.data() : "";
  int rc = sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK) fail(rc, "bind");
  return *this;
}

SqlStmt& SqlStmt::bind_blob(int index, std::string_view bytes) {
  assert(bytes.size() <= static_cast<std::size_t>(std::numeric_limits<int>::max()));
  const char* data = bytes.data() != nullptr ? bytes.data() : "";  // as for text: never NULL
  int rc = sqlite3_bind_blob(stmt_, index, data, static_cast<int>(bytes.size()), SQLITE_STATIC);
  if (rc != SQLITE_OK) fail(rc, "bind");
  return *this;
}

SqlStmt& SqlStmt::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(rc, "bind");
  return *this;
}

bool SqlStmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  fail(rc, "step");
}

void SqlStmt::run() {
  bool row = step();
  sqlite3_reset(stmt_);
  assert(!row && "SqlStmt::run on a statement that returns rows");
  (void)row;
}

void SqlStmt::reset() { sqlite3_reset(stmt_); }

std::int64_t SqlStmt::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string_view SqlStmt::text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

bool SqlStmt::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t SqlStmt::changes() const { return sqlite3_changes64(db_); }
std::int64_t SqlStmt::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

}  // namespace relief
