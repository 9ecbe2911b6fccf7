#pragma once
// The endpoints of SPEC 8 behind Poco's HTTP server: routing, bearer-token
// authorization, body limits, the audit log. See docs/DECISIONS.md.
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "src/server/server.hpp"
#include "src/store/db.hpp"

namespace relief {

// One database connection per concurrent request (a Poco session is not
// shared between threads).
class DbPool {
 public:
  explicit DbPool(std::string path) : path_(std::move(path)) {}
  class Lease {
   public:
    Lease(DbPool& pool, std::unique_ptr<Db> db) : pool_(pool), db_(std::move(db)) {}
    ~Lease() { pool_.give_back(std::move(db_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Db& operator*() { return *db_; }
    Db* operator->() { return db_.get(); }

   private:
    DbPool& pool_;
    std::unique_ptr<Db> db_;
  };
  Lease acquire();

 private:
  void give_back(std::unique_ptr<Db> db);
  std::string path_;
  std::mutex m_;
  std::vector<std::unique_ptr<Db>> free_;
};

struct ApiContext {
  explicit ApiContext(const ServerConfig& c) : cfg(c), pool(c.db_path) {}
  ServerConfig cfg;
  DbPool pool;
  // SQLite has one writer: intake, audit and idempotency writes of this
  // process take turns here instead of failing on a busy database.
  std::mutex write_mutex;
  std::mutex log_mutex;
};

Poco::Net::HTTPRequestHandlerFactory* make_api_factory(std::shared_ptr<ApiContext> ctx);

}  // namespace relief
