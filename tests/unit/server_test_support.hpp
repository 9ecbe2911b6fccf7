#pragma once
// The real upload server on 127.0.0.1 at a free port, a database with eight
// hospitals and a token per role, claim feeds made to order, and a client.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "channels/channel.hpp"
#include "src/reconcile/reconcile.hpp"
#include "src/core/idnumber.hpp"
#include "src/server/server.hpp"
#include "src/server/tokens.hpp"
#include "src/store/db.hpp"
#include "src/store/registry_store.hpp"

namespace relief::server_test {

// A private folder, removed with its contents.
struct Folder {
  std::string path;
  Folder() {
    std::string t = (std::filesystem::temp_directory_path() / "relief-server-test-XXXXXX").string();
    if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp failed");
    path = t;
  }
  ~Folder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;
};

// Hospitals H01..H08, all designated.
inline std::vector<Hospital> hospitals() {
  std::vector<Hospital> out;
  for (int i = 1; i <= 8; ++i) {
    Hospital h;
    h.code = fmt::format("H{:02d}", i);
    h.name = "Hospital " + h.code;
    h.designated = true;
    h.account = fmt::format("62220000000000{:02d}", i);
    h.bank_code = "102581000013";
    h.bank_name = "ICBC Guangzhou";
    out.push_back(h);
  }
  return out;
}

// A valid identity number of someone born 1980-01-01 (sequence 0..49, male).
inline std::string person_id(int sequence) {
  std::string first17 = fmt::format("44010619800101{:03d}", (sequence % 50) * 2 + 1);
  return first17 + id_check_character(first17);
}

struct FeedSpec {
  std::string hospital = "H01";
  std::string feed_id = "F1";
  std::string claim_prefix = "C";
  int claims = 2;
  int claim_count_delta = 0;  // != 0: a wrong ClaimCount (CONTROL)
  int bad_id_claim = 0;       // 1-based claim whose IdNumber has a wrong check character
  std::size_t padding = 0;    // bytes of XML comment, to make big feeds
};

inline std::string feed(const FeedSpec& s) {
  std::string claims;
  for (int i = 1; i <= s.claims; ++i) {
    std::string id = person_id(i);
    if (i == s.bad_id_claim) id[17] = id[17] == '0' ? '1' : '0';
    claims += fmt::format(
        "<Claim><ClaimId>{}{}</ClaimId><Patient><IdNumber>{}</IdNumber><Name>P</Name><BirthDate>1980-01-01</BirthDate>"
        "<Sex>M</Sex></Patient><Visit><Type>inpatient</Type><AdmissionDate>2026-11-01</AdmissionDate>"
        "<DischargeDate>2026-11-10</DischargeDate><Diagnosis>C34.1</Diagnosis></Visit><Costs><Total>1100.00</Total>"
        "<InsurancePaid>1000.00</InsurancePaid><InScopeSelfPay>100.00</InScopeSelfPay>"
        "<OutOfScopeSelfPay>0.00</OutOfScopeSelfPay></Costs></Claim>\n",
        s.claim_prefix, i, id);
  }
  std::string pad = s.padding ? "<!--" + std::string(s.padding, 'x') + "-->\n" : "";
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ClaimFeed xmlns=\"urn:relief:claim-feed:1\">\n<Header>"
      "<FeedId>{}</FeedId><HospitalCode>{}</HospitalCode><CreatedAt>2026-11-28T22:00:00+08:00</CreatedAt>"
      "<ClaimCount>{}</ClaimCount><ControlSum>{}.00</ControlSum></Header>\n{}{}</ClaimFeed>\n",
      s.feed_id, s.hospital, s.claims + s.claim_count_delta, 1100 * s.claims, pad, claims);
}

struct Response {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

struct Request {
  std::string method = "GET";
  std::string path = "/healthz";
  std::string token;  // empty: no Authorization header
  std::string body;
  bool chunked = false;
  std::map<std::string, std::string> headers;
};

inline Response send(Poco::Net::HTTPClientSession& session, const Request& r) {
  Poco::Net::HTTPRequest req(r.method, r.path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!r.token.empty()) req.set("Authorization", "Bearer " + r.token);
  for (const auto& [k, v] : r.headers) req.set(k, v);
  if (r.method == "POST") {
    if (r.chunked) req.setChunkedTransferEncoding(true);
    else req.setContentLength64(static_cast<Poco::UInt64>(r.body.size()));
    req.setContentType("application/xml");
  }
  std::ostream& os = session.sendRequest(req);
  if (r.method == "POST") os.write(r.body.data(), static_cast<std::streamsize>(r.body.size()));
  Poco::Net::HTTPResponse resp;
  std::istream& is = session.receiveResponse(resp);
  Response out;
  out.status = resp.getStatus();
  std::ostringstream body;
  Poco::StreamCopier::copyStream(is, body);
  out.body = body.str();
  for (const auto& [k, v] : resp) out.headers[k] = v;
  return out;
}

struct Env {
  Folder dir;
  std::string db_path;
  std::map<std::string, std::string> token;  // role text -> secret
  std::string revoked_token;
  std::unique_ptr<Server> server;

  explicit Env(ServerConfig cfg = {}) : db_path(dir.path + "/relief.db") {
    ::signal(SIGPIPE, SIG_IGN);  // a test client writing to a socket the server cut
    {
      auto db = Db::open(db_path);
      upsert_hospitals(*db, hospitals());
      for (const char* role : {"hospital:H01", "hospital:H02", "hospital:H03", "hospital:H04", "hospital:H05",
                               "hospital:H06", "hospital:H07", "hospital:H08", "civil-affairs", "fund:government",
                               "fund:lottery"})
        token[role] = create_token(*db, *parse_role(role)).secret;
      NewToken old = create_token(*db, *parse_role("hospital:H01"));
      revoke_token(*db, old.token_id);
      revoked_token = old.secret;
    }
    cfg.db_path = db_path;
    cfg.listen = "127.0.0.1:0";
    ChannelSet channels = ChannelSet::load(std::string(RELIEF_SOURCE_DIR) + "/channels");
    for (const auto& e : channels.in_payment_order())
      cfg.fund_accounts[e.module->name()] = channel_fund_accounts(channels, e.module->name());
    server = std::make_unique<Server>(cfg);
    server->start();
  }
  std::uint16_t port() const { return server->port(); }
  Response call(const Request& r) const {
    Poco::Net::HTTPClientSession s("127.0.0.1", port());
    s.setTimeout(Poco::Timespan(30, 0));
    return send(s, r);
  }
  Response upload(const std::string& role, const std::string& body,
                  const std::map<std::string, std::string>& headers = {}) const {
    Request r;
    r.method = "POST";
    r.path = "/api/v1/feeds";
    r.token = role.empty() ? "" : token.at(role);
    r.body = body;
    r.headers = headers;
    return call(r);
  }
  Response get(const std::string& role, const std::string& path) const {
    Request r;
    r.path = path;
    r.token = role.empty() ? "" : token.at(role);
    return call(r);
  }
};

// Sends raw bytes on a fresh connection and returns what came back until the
// server closed it (or the timeout).
inline std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", port));
  s.setReceiveTimeout(Poco::Timespan(20, 0));
  s.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  char buf[4096];
  for (;;) {
    int n = 0;
    try {
      n = s.receiveBytes(buf, sizeof buf);
    } catch (const Poco::Exception&) {
      break;
    }
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace relief::server_test
