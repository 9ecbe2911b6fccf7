#pragma once
// `relief serve`: the hospitals' upload API (SPEC 8) on Poco::Net, HTTPS
// through NetSSL (TLS 1.2 or later), plain HTTP only on loopback unless
// explicitly allowed. Every limit is set explicitly (src/core/limits.hpp).
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>

#include <map>
#include <vector>

#include "src/core/limits.hpp"

namespace relief {

struct ServerConfig {
  std::string db_path = "relief.db";
  std::string listen = "127.0.0.1:8443";  // HOST:PORT; port 0 picks a free one
  std::string tls_cert, tls_key;          // PEM files: both or neither
  bool allow_plain_http = false;          // plain HTTP on a non-loopback address
  std::int64_t feed_bytes_max = limits::http_body_bytes_max_default;  // 413 above it, before reading
  int threads = limits::http_threads_max;
  int queue = limits::http_queue_max;
  int header_ms_max = limits::http_header_ms_max;
  int request_ms_max = limits::http_request_ms_max;
  int idle_ms_max = limits::http_idle_ms_max;
  std::ostream* access_log = nullptr;     // one line per request, when set
  // Fund accounts per channel (from the channel parameter files), for
  // POST /api/v1/statements: which accounts a channel's statement may be for.
  std::map<std::string, std::vector<std::string>> fund_accounts;
};

// A configuration the server refuses to start with (one clear line).
struct ServerConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Server {
 public:
  // Binds the socket (and loads the certificate); throws ServerConfigError.
  explicit Server(ServerConfig cfg);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();
  // Stops accepting, cuts open connections, waits for the threads.
  void stop();
  std::uint16_t port() const;
  bool tls() const;
  std::string url() const;  // scheme://host:port
  std::int64_t connections_cut() const;  // by the deadline watchdog

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relief
