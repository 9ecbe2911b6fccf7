#pragma once
// The database: Poco::Data over SQLite (embedded default) with a schema
// version and migrations in code. SQL is kept to what SQLite and
// PostgreSQL share (ON CONFLICT, partial indexes, no AUTOINCREMENT) so that
// the PostgreSQL connector can take over without a rewrite.
#include <Poco/Data/Session.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace relief {

// An expected database failure (cannot open, locked, disk full): caught at
// the command boundary and reported as one line.
struct DbError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Db {
 public:
  // Opens (creating if needed) and migrates to the latest schema version.
  static std::unique_ptr<Db> open(const std::string& path);
  ~Db();

  Poco::Data::Session& session() { return session_; }
  const std::string& path() const { return path_; }
  int schema_version();

  // RAII transaction: rolls back unless commit() was called.
  class Tx {
   public:
    explicit Tx(Db& db);
    ~Tx();
    void commit();
    Tx(const Tx&) = delete;
    Tx& operator=(const Tx&) = delete;

   private:
    Db& db_;
    bool done_ = false;
  };

 private:
  Db(Poco::Data::Session session, std::string path);
  void migrate();
  Poco::Data::Session session_;
  std::string path_;
};

// Sets a connection PRAGMA for a scope and restores it at its end (errors on
// restoring are swallowed: the destructor may run during unwinding).
class ScopedPragma {
 public:
  ScopedPragma(Db& db, const std::string& set_sql, std::string restore_sql);
  ~ScopedPragma();
  ScopedPragma(const ScopedPragma&) = delete;
  ScopedPragma& operator=(const ScopedPragma&) = delete;

 private:
  Db& db_;
  std::string restore_sql_;
};

// Latest schema version this build knows.
int latest_schema_version();

}  // namespace relief
