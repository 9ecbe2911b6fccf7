// The upload server under concurrent uploads, against slow clients, and
// over HTTPS with a certificate made at test time.
#include <boost/test/unit_test.hpp>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>

#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

#include <Poco/Data/Session.h>

#include "server_test_support.hpp"

using namespace relief;
using namespace relief::server_test;
using namespace Poco::Data::Keywords;

BOOST_AUTO_TEST_SUITE(server_transport)

BOOST_AUTO_TEST_CASE(sixteen_concurrent_uploads_from_eight_hospitals) {
  Env env;
  constexpr int kClaims = 50;
  std::vector<std::pair<std::string, std::string>> uploads;  // role, body
  for (int h = 1; h <= 8; ++h)
    for (int k = 1; k <= 2; ++k) {
      std::string code = fmt::format("H{:02d}", h);
      uploads.emplace_back("hospital:" + code, feed({.hospital = code,
                                                     .feed_id = fmt::format("{}-F{}", code, k),
                                                     .claim_prefix = fmt::format("F{}-", k),
                                                     .claims = kClaims}));
    }
  // Twice over: the first round queues every feed, the second finds the same bytes.
  for (int round = 0; round < 2; ++round) {
    std::vector<int> status(uploads.size(), 0);
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    for (std::size_t i = 0; i < uploads.size(); ++i)
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < static_cast<int>(uploads.size())) std::this_thread::yield();  // start together
        try {
          status[i] = env.upload(uploads[i].first, uploads[i].second).status;
        } catch (const std::exception&) {
          status[i] = -1;
        }
      });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < uploads.size(); ++i) BOOST_TEST(status[i] == (round == 0 ? 201 : 200), "upload " << i << " round " << round << " got " << status[i]);
  }
  auto db = Db::open(env.db_path);
  Poco::Int64 feeds = 0, claims = 0, distinct = 0;
  db->session() << "SELECT count(*) FROM feeds WHERE verdict = 'accepted'", into(feeds), now;
  db->session() << "SELECT count(*) FROM claims", into(claims), now;
  db->session() << "SELECT count(DISTINCT hospital_code || '/' || claim_id) FROM claims", into(distinct), now;
  BOOST_TEST(feeds == 16);
  BOOST_TEST(claims == 16 * kClaims);
  BOOST_TEST(distinct == 16 * kClaims);
}

// A client that sends one byte a second (header or body) is cut off at its
// deadline, and meanwhile everyone else is served.
BOOST_AUTO_TEST_CASE(a_one_byte_per_second_client_does_not_hold_the_server) {
  ServerConfig cfg;
  cfg.threads = 3;
  cfg.header_ms_max = 1000;
  cfg.request_ms_max = 2000;
  Env env(cfg);
  const std::string token = env.token.at("hospital:H01");
  const std::string slow_header =
      "POST /api/v1/feeds HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
      "\r\nContent-Length: 100\r\n\r\n";
  // 0: dribbles the header; 1: sends the header at once, then dribbles the body.
  auto dribble = [&](int mode, std::size_t& sent) {
    Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", env.port()));
    std::string bytes = slow_header;
    if (mode == 1) {
      s.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
      bytes = std::string(100, 'x');
    }
    sent = 0;
    for (; sent < bytes.size(); ++sent) {
      // one byte a second; a readable socket means the server answered or closed
      if (s.poll(Poco::Timespan(1, 0), Poco::Net::Socket::SELECT_READ)) return true;
      try {
        s.sendBytes(bytes.data() + sent, 1);
      } catch (const Poco::Exception&) {
        return true;  // reset by the server
      }
    }
    return false;  // the server waited for every byte
  };
  bool cut_header = false, cut_body = false;
  std::size_t sent_header = 0, sent_body = 0;
  std::thread a([&] { cut_header = dribble(0, sent_header); });
  std::thread b([&] { cut_body = dribble(1, sent_body); });
  // Meanwhile: other clients are served.
  for (int i = 0; i < 5; ++i) BOOST_TEST(env.get("", "/healthz").status == 200);
  BOOST_TEST(env.upload("hospital:H02", feed({.hospital = "H02", .feed_id = "S1"})).status == 201);
  a.join();
  b.join();
  BOOST_TEST(cut_header);
  BOOST_TEST(cut_body);
  BOOST_TEST(sent_header < slow_header.size());
  BOOST_TEST(sent_body < 100u);
  BOOST_TEST(env.server->connections_cut() >= 2);
  BOOST_TEST(env.get("", "/healthz").status == 200);
}

namespace {
// A self-signed certificate for 127.0.0.1, made with the openssl CLI.
void make_certificate(const std::string& dir) {
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
                    " -addext subjectAltName=IP:127.0.0.1 -keyout " +
                    dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
  BOOST_REQUIRE(std::system(cmd.c_str()) == 0);
}
}  // namespace

BOOST_AUTO_TEST_CASE(https_with_a_certificate_made_now) {
  Folder certs;
  make_certificate(certs.path);
  ServerConfig cfg;
  cfg.tls_cert = certs.path + "/cert.pem";
  cfg.tls_key = certs.path + "/key.pem";
  Env env(cfg);
  BOOST_TEST(env.server->tls());
  BOOST_TEST(env.server->url().rfind("https://127.0.0.1:", 0) == 0);

  // The client trusts exactly this certificate and checks the host name.
  Poco::Net::Context::Params p;
  p.caLocation = cfg.tls_cert;
  p.verificationMode = Poco::Net::Context::VERIFY_STRICT;
  p.loadDefaultCAs = false;
  Poco::Net::Context::Ptr client = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, p);
  {
    Poco::Net::HTTPSClientSession s("127.0.0.1", env.port(), client);
    Request r;
    auto resp = send(s, r);
    BOOST_TEST(resp.status == 200);
    r.method = "POST";
    r.path = "/api/v1/feeds";
    r.token = env.token.at("hospital:H05");
    r.body = feed({.hospital = "H05", .feed_id = "T1"});
    BOOST_TEST(send(s, r).status == 201);  // same connection, kept alive
  }
  // A client limited to TLS 1.1 gets no session.
  Poco::Net::Context::Ptr old = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, p);
  old->disableProtocols(Poco::Net::Context::PROTO_TLSV1_2 | Poco::Net::Context::PROTO_TLSV1_3);
  Poco::Net::HTTPSClientSession s("127.0.0.1", env.port(), old);
  BOOST_CHECK_THROW(send(s, Request{}), Poco::Exception);
  // Plain HTTP on the TLS port gets nothing useful either.
  std::string answer = raw_exchange(env.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_TEST(answer.find("\"ok\"") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
