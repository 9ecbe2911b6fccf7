#include "src/server/server.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/ThreadPool.h>

#include <csignal>
#include <mutex>

#include "src/server/api.hpp"
#include "src/server/watchdog.hpp"

namespace relief {

namespace {

using Poco::Net::HTTPRequestHandlerFactory;
using Poco::Net::HTTPServerParams;

// Poco's HTTP connection, watched from its first byte to its last.
class WatchedConnection : public Poco::Net::HTTPServerConnection {
 public:
  WatchedConnection(const Poco::Net::StreamSocket& s, HTTPServerParams::Ptr params,
                    HTTPRequestHandlerFactory::Ptr factory, Watchdog& watchdog, int header_ms)
      : HTTPServerConnection(s, params, factory), watchdog_(watchdog), header_ms_(header_ms) {}
  void run() override {
    Watchdog::Scope scope(watchdog_, socket().impl()->sockfd(), header_ms_);
    HTTPServerConnection::run();
  }

 private:
  Watchdog& watchdog_;
  int header_ms_;
};

class WatchedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  WatchedConnectionFactory(HTTPServerParams::Ptr params, HTTPRequestHandlerFactory::Ptr factory, Watchdog& watchdog,
                           int header_ms)
      : params_(std::move(params)), factory_(std::move(factory)), watchdog_(watchdog), header_ms_(header_ms) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& s) override {
    return new WatchedConnection(s, params_, factory_, watchdog_, header_ms_);
  }

 private:
  HTTPServerParams::Ptr params_;
  HTTPRequestHandlerFactory::Ptr factory_;
  Watchdog& watchdog_;
  int header_ms_;
};

std::once_flag g_ssl_init;

}  // namespace

struct Server::Impl {
  ServerConfig cfg;
  Poco::Net::SocketAddress address;
  bool tls = false;
  std::unique_ptr<Poco::Net::ServerSocket> socket;
  std::unique_ptr<Watchdog> watchdog;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::TCPServer> server;
  bool running = false;
};

Server::Server(ServerConfig cfg) : impl_(std::make_unique<Impl>()) {
  auto& m = *impl_;
  m.cfg = std::move(cfg);
  if (m.cfg.threads < 1 || m.cfg.queue < 1 || m.cfg.feed_bytes_max < 1)
    throw ServerConfigError("threads, queue and the feed size limit must be positive");
  try {
    m.address = Poco::Net::SocketAddress(m.cfg.listen);
  } catch (const Poco::Exception& e) {
    throw ServerConfigError("--listen " + m.cfg.listen + ": " + e.displayText() + " (expected HOST:PORT)");
  }
  if (m.cfg.tls_cert.empty() != m.cfg.tls_key.empty())
    throw ServerConfigError("--tls-cert and --tls-key go together");
  m.tls = !m.cfg.tls_cert.empty();
  if (!m.tls && !m.address.host().isLoopback() && !m.cfg.allow_plain_http)
    throw ServerConfigError("plain HTTP on " + m.address.toString() +
                            " would send tokens and patient data in clear: give --tls-cert and --tls-key,"
                            " listen on a loopback address, or pass --allow-plain-http");
  try {
    if (m.tls) {
      std::call_once(g_ssl_init, [] { Poco::Net::initializeSSL(); });
      Poco::Net::Context::Params p;
      p.privateKeyFile = m.cfg.tls_key;
      p.certificateFile = m.cfg.tls_cert;
      p.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients authenticate with tokens
      p.loadDefaultCAs = false;
      p.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:!CAMELLIA:!SHA1";
      Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, p);
      ctx->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
      m.socket = std::make_unique<Poco::Net::SecureServerSocket>(m.address, m.cfg.queue, ctx);
    } else {
      m.socket = std::make_unique<Poco::Net::ServerSocket>(m.address, m.cfg.queue);
    }
  } catch (const Poco::Exception& e) {
    throw ServerConfigError("cannot listen on " + m.cfg.listen + ": " + e.displayText());
  }
}

Server::~Server() { stop(); }

void Server::start() {
  auto& m = *impl_;
  if (m.running) return;
  // A client that goes away mid-reply must end its connection, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  HTTPServerParams::Ptr params = new HTTPServerParams;
  params->setMaxThreads(m.cfg.threads);
  params->setMaxQueued(m.cfg.queue);
  params->setTimeout(Poco::Timespan(Poco::Timespan::TimeDiff(m.cfg.idle_ms_max) * 1000));
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(Poco::Timespan::TimeDiff(std::min(m.cfg.idle_ms_max, m.cfg.header_ms_max)) * 1000));
  params->setMaxKeepAliveRequests(limits::http_keepalive_requests_max);
  // Idle dispatcher threads end after a second: Poco's stop() wakes only one
  // of them, so a long idle time made stop() wait for it (up to 60 s).
  params->setThreadIdleTime(Poco::Timespan(1, 0));
  params->setSoftwareVersion("relief");
  m.watchdog = std::make_unique<Watchdog>(limits::http_watchdog_tick_ms);
  m.pool = std::make_unique<Poco::ThreadPool>(2, m.cfg.threads + 1, 60);
  auto ctx = std::make_shared<ApiContext>(m.cfg);
  HTTPRequestHandlerFactory::Ptr factory = make_api_factory(ctx);
  m.server = std::make_unique<Poco::Net::TCPServer>(
      new WatchedConnectionFactory(params, factory, *m.watchdog, m.cfg.header_ms_max), *m.pool, *m.socket, params);
  m.server->start();
  m.running = true;
}

void Server::stop() {
  auto& m = *impl_;
  if (!m.running) return;
  m.server->stop();           // no new connection
  m.watchdog->cut_all();      // the open ones end now
  m.pool->joinAll();
  m.server.reset();
  m.watchdog.reset();
  m.pool.reset();
  m.running = false;
}

std::uint16_t Server::port() const { return impl_->socket->address().port(); }
bool Server::tls() const { return impl_->tls; }
std::string Server::url() const {
  return std::string(impl_->tls ? "https://" : "http://") + impl_->address.host().toString() + ":" +
         std::to_string(port());
}
std::int64_t Server::connections_cut() const { return impl_->watchdog ? impl_->watchdog->connections_cut() : 0; }

}  // namespace relief
