#include "src/store/db.hpp"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Exception.h>
#include <sqlite3.h>

#include <mutex>
#include <vector>

#include "src/store/migrations.hpp"

using namespace Poco::Data::Keywords;

namespace relief {

namespace {
std::once_flag g_register;
}

Db::Db(Poco::Data::Session session, std::string path) : session_(std::move(session)), path_(std::move(path)) {}
Db::~Db() = default;

std::unique_ptr<Db> Db::open(const std::string& path) {
  std::call_once(g_register, [] {
    // Before SQLite initialises: no allocation statistics, which otherwise
    // take a process-wide mutex on every allocation (Debian builds SQLite
    // without lookaside, so a batch allocates millions of times). A failure
    // (SQLite initialised already) only costs speed.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    // Multi-thread mode: no mutex around every call on a connection. Relief
    // never uses one connection (or its statements) on two threads at once:
    // the run's loader has its own reader connection, the server leases one
    // connection per request (DbPool), feed parsers do not touch the database.
    (void)sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    Poco::Data::SQLite::Connector::registerConnector();
  });
  try {
    Poco::Data::Session s("SQLite", path);
    std::unique_ptr<Db> db(new Db(std::move(s), path));
    auto& ses = db->session_;
    // The busy timeout first: every later statement (journal mode included)
    // then waits for a concurrent writer instead of failing at once.
    ses << "PRAGMA busy_timeout=10000", now;
    ses << "PRAGMA journal_mode=WAL", now;
    ses << "PRAGMA synchronous=FULL", now;
    ses << "PRAGMA foreign_keys=ON", now;
    // 8 MiB page cache (negative: KiB), per connection. The big writers
    // append in key order (claims per hospital and feed, a batch's result
    // blocks, result positions and payments), so only each B-tree's right
    // edge is hot; 32 MiB only held pages already written (peak RSS at 1M
    // claims: ingest 85 -> 56 MB, run 146 -> 117 MB, same times).
    ses << "PRAGMA cache_size=-8192", now;
    // Debian builds SQLite with secure_delete on: every freed or overwritten
    // cell is zeroed, even where that costs extra writes. FAST keeps zeroing
    // inside the pages being written anyway (a claim row's old copy when the
    // batch marks it) and skips only the extra I/O on freelist pages.
    ses << "PRAGMA secure_delete=FAST", now;
    db->migrate();
    return db;
  } catch (const Poco::Exception& e) {
    throw DbError("database " + path + ": " + e.displayText());
  }
}

int Db::schema_version() {
  int version = 0;
  session_ << "SELECT CAST(value AS INTEGER) FROM meta WHERE key='schema_version'", into(version), now;
  return version;
}

void Db::migrate() {
  const auto& steps = migrations();
  // A database at the latest version is only read: opening one (a server's
  // pooled connection, a second process) never takes the write lock.
  int tables = 0;
  session_ << "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'", into(tables), now;
  if (tables == 1 && schema_version() == static_cast<int>(steps.size())) return;
  session_ << "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)", now;
  session_ << "INSERT INTO meta(key, value) VALUES('schema_version', '0') ON CONFLICT(key) DO NOTHING", now;
  int current = schema_version();
  if (current > static_cast<int>(steps.size()))
    throw DbError("database schema version " + std::to_string(current) + " is newer than this build (" +
                  std::to_string(steps.size()) + ")");
  for (int v = current; v < static_cast<int>(steps.size()); ++v) {
    Tx tx(*this);
    if (schema_version() > v) continue;  // another process took this step meanwhile
    for (const auto& sql : steps[static_cast<std::size_t>(v)]) session_ << sql, now;
    std::string next = std::to_string(v + 1);
    session_ << "UPDATE meta SET value=? WHERE key='schema_version'", use(next), now;
    tx.commit();
  }
}

ScopedPragma::ScopedPragma(Db& db, const std::string& set_sql, std::string restore_sql)
    : db_(db), restore_sql_(std::move(restore_sql)) {
  db_.session() << set_sql, now;
}

ScopedPragma::~ScopedPragma() {
  try {
    db_.session() << restore_sql_, now;
  } catch (...) {
  }
}

int latest_schema_version() { return static_cast<int>(migrations().size()); }

Db::Tx::Tx(Db& db) : db_(db) { db_.session_.begin(); }
Db::Tx::~Tx() {
  if (!done_) {
    try {
      db_.session_.rollback();
    } catch (...) {
    }
  }
}
void Db::Tx::commit() {
  db_.session_.commit();
  done_ = true;
}

}  // namespace relief
