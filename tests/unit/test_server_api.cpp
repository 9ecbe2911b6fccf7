// SPEC 8's status table and the authorization matrix, against the real
// server on 127.0.0.1 with Poco's HTTP client.
#include <boost/test/unit_test.hpp>

#include <Poco/Data/Session.h>

#include <sstream>

#include "batch/run.hpp"
#include "channels/channel.hpp"
#include "server_test_support.hpp"
#include "src/server/api_store.hpp"

using namespace relief;
using namespace relief::server_test;
using namespace Poco::Data::Keywords;

namespace {

std::int64_t count(const std::string& db_path, const std::string& sql) {
  auto db = Db::open(db_path);
  Poco::Int64 n = 0;
  db->session() << sql, into(n), now;
  return n;
}

ServerConfig small_limits() {
  ServerConfig c;
  c.feed_bytes_max = 256 * 1024;
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(server_api)

BOOST_AUTO_TEST_CASE(status_table_of_spec_8) {
  Env env(small_limits());
  const std::string f1 = feed({.hospital = "H01", .feed_id = "F1", .claims = 3, .bad_id_claim = 2});

  // 201: queued, with every claim rejection listed
  auto r = env.upload("hospital:H01", f1);
  BOOST_TEST(r.status == 201);
  auto j = r.json();
  BOOST_TEST(j["outcome"] == "accepted");
  BOOST_TEST(j["claims"]["accepted"] == 2);
  BOOST_TEST(j["rejections"].size() == 1u);
  BOOST_TEST(j["rejections"][0]["reason"] == "ID_CHECKSUM");
  BOOST_TEST(j["rejections"][0]["claim_id"] == "C2");
  BOOST_TEST(r.headers["Location"] == "/api/v1/feeds/F1");

  // 200: the same bytes again, with the first verdict
  r = env.upload("hospital:H01", f1);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.json()["outcome"] == "same_bytes");
  BOOST_TEST(r.json()["claims"]["accepted"] == 2);
  BOOST_TEST(r.json()["rejections"].size() == 1u);

  // 409: the same FeedId with other bytes
  r = env.upload("hospital:H01", feed({.hospital = "H01", .feed_id = "F1", .claim_prefix = "D"}));
  BOOST_TEST(r.status == 409);
  BOOST_TEST(r.json()["code"] == "DUPLICATE_FEED");

  // 422: refused whole, with the code
  r = env.upload("hospital:H01", "this is not XML");
  BOOST_TEST(r.status == 422);
  BOOST_TEST(r.json()["code"] == "MALFORMED");
  r = env.upload("hospital:H01", feed({.hospital = "H01", .feed_id = "F2", .claim_prefix = "E", .claim_count_delta = 1}));
  BOOST_TEST(r.status == 422);
  BOOST_TEST(r.json()["code"] == "CONTROL");
  r = env.upload("civil-affairs", feed({.hospital = "H99", .feed_id = "F3"}));
  BOOST_TEST(r.status == 422);
  BOOST_TEST(r.json()["code"] == "UNKNOWN_HOSPITAL");

  // 403: the header's hospital is not the token's, and nothing is stored
  std::int64_t feeds_before = count(env.db_path, "SELECT count(*) FROM feeds");
  std::int64_t rejections_before = count(env.db_path, "SELECT count(*) FROM rejections");
  r = env.upload("hospital:H02", feed({.hospital = "H01", .feed_id = "F4", .claim_prefix = "G"}));
  BOOST_TEST(r.status == 403);
  BOOST_TEST(r.json()["code"] == "HOSPITAL_MISMATCH");
  r = env.upload("hospital:H02", f1);  // even bytes H01 sent before: no replay of H01's verdict
  BOOST_TEST(r.status == 403);
  BOOST_TEST(r.json()["rejections"].empty());
  r = env.upload("hospital:H02", "<ClaimFeed><Header><HospitalCode>H01</HospitalCode>");  // malformed, names H01
  BOOST_TEST(r.status == 403);
  BOOST_TEST(count(env.db_path, "SELECT count(*) FROM feeds") == feeds_before);
  BOOST_TEST(count(env.db_path, "SELECT count(*) FROM rejections") == rejections_before);

  // 401: no token, a bad token, a revoked token
  r = env.upload("", f1);
  BOOST_TEST(r.status == 401);
  BOOST_TEST(r.headers.count("WWW-Authenticate") == 1u);
  Request bad;
  bad.method = "POST";
  bad.path = "/api/v1/feeds";
  bad.body = f1;
  bad.token = "relief_" + std::string(64, '0');
  BOOST_TEST(env.call(bad).status == 401);
  bad.token = env.revoked_token;
  BOOST_TEST(env.call(bad).status == 401);

  // 413: over the limit, by Content-Length (refused before the body is read)
  std::string head = "POST /api/v1/feeds HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + env.token["hospital:H01"] +
                     "\r\nContent-Length: 1000000000\r\nExpect: 100-continue\r\n\r\n";
  std::string answer = raw_exchange(env.port(), head);
  BOOST_TEST(answer.rfind("HTTP/1.1 413", 0) == 0, answer.substr(0, 40));  // no "100 Continue" first
  BOOST_TEST(answer.find("TOO_LARGE") != std::string::npos);
  // ... and chunked, cut off at the limit
  Request big;
  big.method = "POST";
  big.path = "/api/v1/feeds";
  big.token = env.token["hospital:H01"];
  big.chunked = true;
  big.body = feed({.hospital = "H01", .feed_id = "F5", .padding = 300 * 1024});
  r = env.call(big);
  BOOST_TEST(r.status == 413);
  BOOST_TEST(r.json()["code"] == "TOO_LARGE");
  // a chunked body under the limit is taken
  big.body = feed({.hospital = "H01", .feed_id = "F6", .claim_prefix = "K", .padding = 1000});
  BOOST_TEST(env.call(big).status == 201);

  // 411: a POST with neither Content-Length nor chunked encoding
  answer = raw_exchange(env.port(), "POST /api/v1/feeds HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                        env.token["hospital:H01"] + "\r\nConnection: close\r\n\r\n");
  BOOST_TEST(answer.rfind("HTTP/1.1 411", 0) == 0, answer.substr(0, 40));

  // 404 and 405
  BOOST_TEST(env.get("civil-affairs", "/api/v1/nothing").status == 404);
  Request del;
  del.method = "DELETE";
  del.path = "/api/v1/feeds";
  del.token = env.token["civil-affairs"];
  auto d = env.call(del);
  BOOST_TEST(d.status == 405);
  BOOST_TEST(d.headers["Allow"] == "POST");

  // 431: a header over the limit
  Request fat;
  fat.path = "/healthz";
  fat.headers["X-Padding"] = std::string(8000, 'a');
  fat.headers["X-Padding-2"] = std::string(8000, 'b');
  fat.headers["X-Padding-3"] = std::string(8000, 'c');
  BOOST_TEST(env.call(fat).status == 431);
}

BOOST_AUTO_TEST_CASE(idempotency_key) {
  Env env;
  const std::string f = feed({.hospital = "H03", .feed_id = "K1"});
  auto r = env.upload("hospital:H03", f, {{"Idempotency-Key", "upload-0001"}});
  BOOST_TEST(r.status == 201);
  // a retry after a lost reply gets the very reply, not 200
  r = env.upload("hospital:H03", f, {{"Idempotency-Key", "upload-0001"}});
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.headers["Idempotent-Replayed"] == "true");
  BOOST_TEST(r.json()["outcome"] == "accepted");
  // the key with another body is an error, and the body is not taken
  r = env.upload("hospital:H03", feed({.hospital = "H03", .feed_id = "K2", .claim_prefix = "Z"}),
                 {{"Idempotency-Key", "upload-0001"}});
  BOOST_TEST(r.status == 422);
  BOOST_TEST(r.json()["code"] == "IDEMPOTENCY_KEY_REUSED");
  BOOST_TEST(count(env.db_path, "SELECT count(*) FROM feeds WHERE feed_id = 'K2'") == 0);
  // a refusal is replayed too, without a second refusal on record
  r = env.upload("hospital:H03", "garbage", {{"Idempotency-Key", "upload-0002"}});
  BOOST_TEST(r.status == 422);
  r = env.upload("hospital:H03", "garbage", {{"Idempotency-Key", "upload-0002"}});
  BOOST_TEST(r.status == 422);
  BOOST_TEST(count(env.db_path, "SELECT count(*) FROM feeds WHERE verdict = 'MALFORMED'") == 1);
  BOOST_TEST(env.upload("hospital:H03", f, {{"Idempotency-Key", std::string(200, 'k')}}).status == 400);
}

BOOST_AUTO_TEST_CASE(read_endpoints_and_authorization_matrix) {
  Env env;
  // H01 sends a feed; a batch adjudicates it; H01 then sends another (queued).
  BOOST_TEST(env.upload("hospital:H01", feed({.hospital = "H01", .feed_id = "A1", .claims = 2, .bad_id_claim = 2}))
                 .status == 201);
  {
    auto db = Db::open(env.db_path);
    RunOptions opt;
    opt.date = "2026-12-01";
    Folder out;
    opt.out_dir = out.path;
    opt.feed_bytes_max = limits::feed_bytes_max_default;
    std::ostringstream o, e;
    auto res = run_batch(*db, ChannelSet::load(std::string(RELIEF_SOURCE_DIR) + "/channels"), opt, o, e);
    BOOST_REQUIRE(res.batch_id == "20261201-01");
  }
  BOOST_TEST(env.upload("hospital:H01", feed({.hospital = "H01", .feed_id = "A2", .claim_prefix = "Q"})).status == 201);

  // What each role gets from each endpoint.
  const std::string batch = "/api/v1/batches/20261201-01/files/";
  struct Case {
    std::string method, path;
    std::map<std::string, int> expect;  // role ("" = no token) -> status
  };
  const std::vector<std::string> roles = {"", "hospital:H01", "hospital:H02", "civil-affairs", "fund:government",
                                          "fund:lottery"};
  std::vector<Case> cases = {
      {"GET", "/api/v1/feeds/A1",
       {{"", 401}, {"hospital:H01", 200}, {"hospital:H02", 404}, {"civil-affairs", 200}, {"fund:government", 403},
        {"fund:lottery", 403}}},
      {"GET", "/api/v1/claims/H01/C1",
       {{"", 401}, {"hospital:H01", 200}, {"hospital:H02", 403}, {"civil-affairs", 200}, {"fund:government", 403},
        {"fund:lottery", 403}}},
      {"GET", "/api/v1/batches",
       {{"", 401}, {"hospital:H01", 403}, {"hospital:H02", 403}, {"civil-affairs", 200}, {"fund:government", 200},
        {"fund:lottery", 200}}},
      {"GET", batch + "payments-government.csv",
       {{"", 401}, {"hospital:H01", 403}, {"hospital:H02", 403}, {"civil-affairs", 200}, {"fund:government", 200},
        {"fund:lottery", 403}}},
      {"GET", batch + "summary.json",
       {{"", 401}, {"hospital:H01", 403}, {"hospital:H02", 403}, {"civil-affairs", 200}, {"fund:government", 403},
        {"fund:lottery", 403}}},
      {"POST", "/api/v1/statements?channel=lottery",
       {{"", 401}, {"hospital:H01", 403}, {"hospital:H02", 403}, {"civil-affairs", 422}, {"fund:government", 403},
        {"fund:lottery", 422}}},
      {"GET", "/healthz",
       {{"", 200}, {"hospital:H01", 200}, {"hospital:H02", 200}, {"civil-affairs", 200}, {"fund:government", 200},
        {"fund:lottery", 200}}},
  };
  for (const auto& c : cases)
    for (const auto& role : roles) {
      Request r;
      r.method = c.method;
      r.path = c.path;
      r.token = role.empty() ? "" : env.token.at(role);
      if (c.method == "POST") r.body = "x";
      BOOST_TEST(env.call(r).status == c.expect.at(role), c.method << " " << c.path << " as '" << role << "'");
    }
  // POST /api/v1/feeds: each role with a feed of its own hospital (or H04's)
  std::map<std::string, int> upload = {{"", 401},           {"hospital:H01", 201},    {"hospital:H02", 201},
                                       {"civil-affairs", 201}, {"fund:government", 403}, {"fund:lottery", 403}};
  int n = 0;
  for (const auto& role : roles) {
    std::string h = role.rfind("hospital:", 0) == 0 ? role.substr(9) : "H04";
    std::string body = feed({.hospital = h, .feed_id = "M" + std::to_string(++n), .claim_prefix = "M" + std::to_string(n)});
    BOOST_TEST(env.upload(role, body).status == upload.at(role), "POST /api/v1/feeds as '" << role << "'");
  }

  // What the reads say.
  auto feedj = env.get("hospital:H01", "/api/v1/feeds/A1").json();
  BOOST_TEST(feedj["attempts"].size() == 1u);
  BOOST_TEST(feedj["attempts"][0]["batch_id"] == "20261201-01");
  BOOST_TEST(feedj["attempts"][0]["rejections"][0]["reason"] == "ID_CHECKSUM");
  auto claim = env.get("hospital:H01", "/api/v1/claims/H01/C1").json();
  BOOST_TEST(claim["status"] == "adjudicated");
  BOOST_TEST(claim["patient"].get<std::string>() == mask_id(person_id(1)));
  BOOST_TEST(claim["trace"].contains("government"));
  BOOST_TEST(env.get("hospital:H01", "/api/v1/claims/H01/C2").json()["status"] == "rejected");
  BOOST_TEST(env.get("hospital:H01", "/api/v1/claims/H01/Q1").json()["status"] == "queued");
  BOOST_TEST(env.get("hospital:H01", "/api/v1/claims/H01/NOPE").status == 404);
  auto fund = env.get("fund:lottery", "/api/v1/batches").json();
  BOOST_TEST(fund["batches"][0]["channels"].size() == 1u);
  BOOST_TEST(fund["batches"][0]["channels"].contains("lottery"));
  BOOST_TEST(!fund["batches"][0].contains("claims"));
  auto csv = env.get("fund:government", batch + "payments-government.csv");
  BOOST_TEST(csv.body.rfind("end_to_end_id,batch_id,channel,", 0) == 0);
  BOOST_TEST(csv.headers["Content-Type"].rfind("text/csv", 0) == 0);
  BOOST_TEST(env.get("civil-affairs", batch + "nothing.csv").status == 404);
  BOOST_TEST(env.get("civil-affairs", "/api/v1/batches/20990101-01/files/summary.json").status == 404);

  // Every request is in the audit log, and no full identity number is anywhere in it.
  auto db = Db::open(env.db_path);
  auto audit = load_audit(*db);
  BOOST_TEST(audit.size() >= cases.size() * roles.size() + roles.size());
  for (const auto& a : audit) {
    for (int i = 1; i <= 3; ++i) {
      BOOST_TEST(a.subject.find(person_id(i)) == std::string::npos);
      BOOST_TEST(a.verdict.find(person_id(i)) == std::string::npos);
    }
    BOOST_TEST(!a.endpoint.empty());
  }
  BOOST_TEST(audit.front().endpoint == "POST /api/v1/feeds");
  BOOST_TEST(audit.front().role == "hospital:H01");
  BOOST_TEST(audit.front().status == 201);
  BOOST_TEST(audit.front().subject == "H01/A1");

  // The lottery fund officer sends a bank statement (this batch paid the
  // lottery nothing, so its one debit is unexpected): imported, with
  // exceptions; the same statement again is 200 and changes nothing.
  Request post;
  post.method = "POST";
  post.path = "/api/v1/statements?channel=lottery";
  post.token = env.token.at("fund:lottery");
  post.body = "booking_date,end_to_end_id,amount,direction\n2026-12-02,UNKNOWN-E2E-1,100.00,DBIT\n";
  auto imported = env.call(post);
  BOOST_TEST(imported.status == 201);
  BOOST_TEST(imported.json()["outcome"] == "imported");
  BOOST_TEST(imported.json()["exceptions"] == true);
  BOOST_TEST(imported.json()["summary"]["entries"]["unexpected"]["count"] == 1);
  BOOST_TEST(env.call(post).status == 200);
  post.path = "/api/v1/statements";
  BOOST_TEST(env.call(post).status == 400);
  post.path = "/api/v1/statements?channel=nosuch";
  post.token = env.token.at("civil-affairs");
  BOOST_TEST(env.call(post).status == 404);
}

BOOST_AUTO_TEST_CASE(plain_http_only_on_loopback) {
  ServerConfig c;
  c.listen = "0.0.0.0:0";
  BOOST_CHECK_THROW(Server{c}, ServerConfigError);
  c.tls_cert = "/nonexistent/cert.pem";
  BOOST_CHECK_THROW(Server{c}, ServerConfigError);  // --tls-cert without --tls-key
}

BOOST_AUTO_TEST_SUITE_END()
