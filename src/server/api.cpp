#include "src/server/api.hpp"

#include <Poco/Data/DataException.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <cassert>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "batch/outputs.hpp"
#include "src/core/idnumber.hpp"
#include "src/core/money.hpp"
#include "src/intake/ingest.hpp"
#include "src/reconcile/reconcile.hpp"
#include "src/intake/verdict_json.hpp"
#include "src/server/api_store.hpp"
#include "src/server/tokens.hpp"
#include "src/server/watchdog.hpp"
#include "src/store/batch_store.hpp"

namespace relief {

DbPool::Lease DbPool::acquire() {
  {
    std::lock_guard lk(m_);
    if (!free_.empty()) {
      auto db = std::move(free_.back());
      free_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  return Lease(*this, Db::open(path_));
}

void DbPool::give_back(std::unique_ptr<Db> db) {
  std::lock_guard lk(m_);
  free_.push_back(std::move(db));
}

namespace {

using json = nlohmann::json;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

enum class Route { none, post_feed, get_feed, get_claim, get_batches, get_batch_file, post_statements, healthz };

struct RouteDef {
  Route route;
  const char* method;
  std::vector<std::string> segments;  // "{}" matches one parameter
  const char* endpoint;               // as recorded in the audit log
};

const std::vector<RouteDef>& routes() {
  static const std::vector<RouteDef> table = {
      {Route::post_feed, "POST", {"api", "v1", "feeds"}, "POST /api/v1/feeds"},
      {Route::get_feed, "GET", {"api", "v1", "feeds", "{}"}, "GET /api/v1/feeds/{feed_id}"},
      {Route::get_claim, "GET", {"api", "v1", "claims", "{}", "{}"}, "GET /api/v1/claims/{hospital}/{claim_id}"},
      {Route::get_batches, "GET", {"api", "v1", "batches"}, "GET /api/v1/batches"},
      {Route::get_batch_file, "GET", {"api", "v1", "batches", "{}", "files", "{}"},
       "GET /api/v1/batches/{id}/files/{name}"},
      {Route::post_statements, "POST", {"api", "v1", "statements"}, "POST /api/v1/statements"},
      {Route::healthz, "GET", {"healthz"}, "GET /healthz"},
  };
  return table;
}

bool id_chars(const std::string& s, std::size_t max_len, bool allow_punct) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (allow_punct && (c == '.' || c == '_' || c == '-'));
    if (!ok) return false;
  }
  return true;
}
bool valid_feed_id(const std::string& s) { return id_chars(s, 64, true); }      // SPEC 2.1
bool valid_claim_id(const std::string& s) { return id_chars(s, 32, true); }     // SPEC 2.1
bool valid_hospital(const std::string& s) { return id_chars(s, 16, false); }    // SPEC 2.1
bool valid_file_name(const std::string& s) { return id_chars(s, 64, true) && s.find("..") == std::string::npos; }
bool valid_batch_id(const std::string& s) {  // YYYYMMDD-NN
  if (s.size() != 11 || s[8] != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 8 && (s[i] < '0' || s[i] > '9')) return false;
  return true;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

struct Reply {
  int status = 200;
  json body;                  // sent as JSON unless file is set
  std::string file, media;    // a file to send as is
  std::vector<std::pair<std::string, std::string>> headers;
  std::string verdict;        // for the audit log
};

Reply error(int status, const std::string& code, const std::string& detail) {
  Reply r;
  r.status = status;
  r.body = {{"status", status}, {"code", code}, {"detail", detail}};
  r.verdict = code;
  return r;
}

std::string media_type(const std::string& name) {
  auto ends = [&](const char* ext) {
    std::string e(ext);
    return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".csv")) return "text/csv; charset=utf-8";
  if (ends(".xml")) return "application/xml";
  if (ends(".jsonl")) return "application/x-ndjson";
  if (ends(".json")) return "application/json";
  if (ends(".html")) return "text/html; charset=utf-8";
  return "application/octet-stream";
}

json feed_json(Db& db, const FeedRecord& f) {
  json rej = json::array();
  for (const auto& r : feed_rejections(db, f.seq, limits::api_rejections_shown_max))
    if (r.position != 0)  // position 0 is the whole feed's refusal, shown as code/detail
      rej.push_back({{"claim_id", r.claim_id}, {"position", r.position}, {"reason", r.reason}, {"detail", r.detail}});
  json j = {{"hospital_code", f.hospital_code},
            {"feed_id", f.feed_id},
            {"received_at", f.received_at},
            {"sha256", f.sha256},
            {"bytes", f.bytes},
            {"outcome", f.verdict == "accepted" ? "accepted" : "refused"},
            {"claims", {{"total", f.claims_total}, {"accepted", f.claims_accepted}, {"rejected", f.claims_rejected}}},
            {"batch_id", f.batch_id ? json(*f.batch_id) : json(nullptr)},
            {"rejections", rej}};
  if (f.verdict != "accepted") {
    j["code"] = f.verdict;
    j["detail"] = f.detail;
  }
  return j;
}

// The SPEC 5 names of a batch's files, restricted to one channel when set.
std::vector<std::string> batch_file_names(const std::vector<BatchChannelRow>& channels, const std::string& only) {
  std::vector<std::string> out;
  for (const auto& ch : channels) {
    if (!only.empty() && ch.channel != only) continue;
    out.push_back("payments-" + ch.channel + ".csv");
    if (ch.payments > 0) out.push_back("payments-" + ch.channel + ".xml");
  }
  if (only.empty())
    for (const char* n : {"results.jsonl", "rejections.csv", "summary.json"}) out.push_back(n);
  return out;
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ApiHandler(std::shared_ptr<ApiContext> ctx) : ctx_(std::move(ctx)) {}

  // Called by the factory once the header is read and before Poco answers
  // `Expect: 100-continue`: every refusal that needs no body is decided here,
  // so a refused client is never invited to send its body.
  void precheck(const HTTPServerRequest& req) {
    audit_.method = req.getMethod().substr(0, 16);
    audit_.role = "anonymous";
    try {
      early_ = decide_early(req);
    } catch (const std::exception& e) {
      early_ = failure(e);
    }
    if (early_) req.response().setStatus(static_cast<HTTPResponse::HTTPStatus>(early_->status));
  }

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    Reply r;
    if (early_) {
      r = std::move(*early_);
      body_pending_ = has_body(req);
    } else {
      try {
        r = dispatch(req);
      } catch (const std::exception& e) {
        r = failure(e);
      }
    }
    finish(req, resp, r);
  }

 private:
  static bool has_body(const HTTPServerRequest& req) {
    return req.getChunkedTransferEncoding() ||
           (req.hasContentLength() && req.getContentLength64() > 0);
  }

  Reply failure(const std::exception& e) {
    bool db = dynamic_cast<const DbError*>(&e) || dynamic_cast<const Poco::Data::DataException*>(&e) ||
              dynamic_cast<const Poco::IOException*>(&e);
    log_line(std::string("error: ") + e.what());
    if (db) {
      Reply r = error(503, "UNAVAILABLE", "the database is busy; try again shortly");
      r.headers.emplace_back("Retry-After", "5");
      return r;
    }
    return error(500, "INTERNAL", "internal error; the request was not completed");
  }

  std::optional<Reply> decide_early(const HTTPServerRequest& req) {
    std::size_t header_bytes = req.getURI().size() + req.getMethod().size();
    for (const auto& [name, value] : req) header_bytes += name.size() + value.size() + 4;
    if (header_bytes > static_cast<std::size_t>(limits::http_header_bytes_max) ||
        req.size() > static_cast<std::size_t>(limits::http_header_fields_max))
      return error(431, "HEADER_TOO_LARGE", "the request header is over " +
                                                std::to_string(limits::http_header_bytes_max) + " bytes or " +
                                                std::to_string(limits::http_header_fields_max) + " fields");
    if (req.getURI().size() > limits::http_uri_bytes_max) return error(414, "URI_TOO_LONG", "the URI is too long");
    Poco::URI uri(req.getURI());
    // The path as sent, undecoded: a valid id never needs %-escapes.
    auto segs = split_path(req.getURI().substr(0, req.getURI().find_first_of("?#")));
    const RouteDef* path_match = nullptr;
    for (const auto& def : routes()) {
      if (def.segments.size() != segs.size()) continue;
      bool ok = true;
      for (std::size_t i = 0; i < segs.size() && ok; ++i) ok = def.segments[i] == "{}" || def.segments[i] == segs[i];
      if (!ok) continue;
      path_match = &def;
      if (req.getMethod() == def.method) {
        route_ = &def;
        break;
      }
    }
    if (!route_ && path_match) {
      Reply r = error(405, "METHOD_NOT_ALLOWED", std::string(path_match->endpoint) + " only");
      r.headers.emplace_back("Allow", path_match->method);
      audit_.endpoint = path_match->endpoint;
      return r;
    }
    if (!route_) {
      audit_.endpoint = "(no route)";
      return error(404, "NOT_FOUND", "no such endpoint");
    }
    audit_.endpoint = route_->endpoint;
    for (std::size_t i = 0; i < segs.size(); ++i)
      if (route_->segments[i] == "{}") params_.push_back(segs[i]);
    for (const auto& [k, v] : uri.getQueryParameters()) query_[k] = v;
    if (route_->route == Route::healthz) return std::nullopt;

    // 401: no or bad token
    std::string auth = req.get("Authorization", "");
    std::optional<Principal> who;
    if (auth.rfind("Bearer ", 0) == 0) {
      auto db = ctx_->pool.acquire();
      who = authenticate(*db, auth.substr(7));
    }
    if (!who) {
      Reply r = error(401, "UNAUTHORIZED", auth.empty() ? "an Authorization: Bearer token is required"
                                                        : "the token is unknown or revoked");
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"relief\"");
      return r;
    }
    who_ = *who;
    audit_.role = who_->role.text();
    audit_.token_id = who_->token_id;
    if (auto refusal = authorize()) return refusal;

    if (route_->route == Route::post_feed) {
      if (!req.getChunkedTransferEncoding() && !req.hasContentLength())
        return error(411, "LENGTH_REQUIRED", "send the feed with Content-Length or chunked transfer encoding");
      if (req.hasContentLength() && req.getContentLength64() > ctx_->cfg.feed_bytes_max)
        return error(413, "TOO_LARGE", "the feed is " + std::to_string(req.getContentLength64()) +
                                           " bytes; the limit is " + std::to_string(ctx_->cfg.feed_bytes_max));
    }
    return std::nullopt;
  }

  // The authorization matrix (docs/DECISIONS.md): nullopt when allowed.
  std::optional<Reply> authorize() {
    const Role& role = who_->role;
    bool hospital = role.kind == Role::Kind::hospital;
    bool fund = role.kind == Role::Kind::fund;
    auto forbid = [&](const std::string& why) { return error(403, "FORBIDDEN", why); };
    switch (route_->route) {
      case Route::post_feed:
        if (fund) return forbid("a fund token cannot upload feeds");
        return std::nullopt;
      case Route::get_feed:
        if (fund) return forbid("a fund token cannot read feeds");
        return std::nullopt;
      case Route::get_claim:
        audit_.subject = params_[0] + "/" + params_[1];
        if (fund) return forbid("a fund token cannot read claims");
        if (hospital && params_[0] != role.scope) return forbid("a hospital reads only its own claims");
        return std::nullopt;
      case Route::get_batches:
        if (hospital) return forbid("a hospital token cannot read batches");
        return std::nullopt;
      case Route::get_batch_file: {
        audit_.subject = params_[0] + "/" + params_[1];
        if (hospital) return forbid("a hospital token cannot read batch files");
        const std::string& name = params_[1];
        if (fund && name != "payments-" + role.scope + ".csv" && name != "payments-" + role.scope + ".xml")
          return forbid("a fund token reads only its channel's payment files");
        return std::nullopt;
      }
      case Route::post_statements: {
        if (hospital) return forbid("a hospital token cannot send statements");
        auto ch = query_.find("channel");
        if (fund && ch != query_.end() && ch->second != role.scope)
          return forbid("a fund token sends only its own channel's statements");
        return std::nullopt;
      }
      case Route::healthz:
      case Route::none: return std::nullopt;
    }
    return std::nullopt;
  }

  Reply dispatch(HTTPServerRequest& req) {
    switch (route_->route) {
      case Route::post_feed: return upload(req);
      case Route::get_feed: return get_feed();
      case Route::get_claim: return get_claim();
      case Route::get_batches: return get_batches();
      case Route::get_batch_file: return get_batch_file();
      case Route::post_statements: return post_statement(req);
      case Route::healthz: return healthz();
      case Route::none: break;
    }
    assert(false && "dispatch without a route");
    return error(500, "INTERNAL", "no route");
  }

  // Reads the body up to the limit; nullopt and a reply when it cannot.
  std::optional<Reply> read_body(HTTPServerRequest& req, std::string& body) {
    std::istream& in = req.stream();
    const std::int64_t max = ctx_->cfg.feed_bytes_max;
    if (req.hasContentLength() && !req.getChunkedTransferEncoding()) {
      std::int64_t n = req.getContentLength64();
      body.resize(static_cast<std::size_t>(n));
      in.read(body.data(), static_cast<std::streamsize>(n));
      if (in.gcount() != n) {
        body_pending_ = true;
        return error(400, "BODY_INCOMPLETE", "the body ended before Content-Length bytes");
      }
      return std::nullopt;
    }
    char buf[64 * 1024];
    while (in) {
      in.read(buf, sizeof buf);
      body.append(buf, static_cast<std::size_t>(in.gcount()));
      if (static_cast<std::int64_t>(body.size()) > max) {
        body_pending_ = true;
        return error(413, "TOO_LARGE", "the feed is over the limit of " + std::to_string(max) + " bytes");
      }
    }
    if (in.bad()) {
      body_pending_ = true;
      return error(400, "BODY_INCOMPLETE", "the chunked body was cut off");
    }
    return std::nullopt;
  }

  static int status_of(const FeedVerdict& v) {
    switch (v.outcome) {
      case FeedOutcome::accepted: return 201;
      case FeedOutcome::same_bytes: return 200;
      case FeedOutcome::refused: break;
    }
    if (v.code == kHospitalMismatch) return 403;
    if (v.code == "DUPLICATE_FEED") return 409;
    if (v.code == "TOO_LARGE") return 413;
    return 422;
  }

  Reply upload(HTTPServerRequest& req) {
    std::string key = req.get("Idempotency-Key", "");
    if (req.has("Idempotency-Key") && !id_chars_visible(key))
      return error(400, "BAD_IDEMPOTENCY_KEY", "Idempotency-Key must be 1 to " +
                                                   std::to_string(limits::idempotency_key_bytes_max) +
                                                   " visible ASCII characters");
    std::string body;
    if (auto bad = read_body(req, body)) return std::move(*bad);
    std::string sha = key.empty() ? std::string() : sha256_hex_of(body);
    const std::string principal = who_->role.text();

    IngestOptions opt{};
    opt.feed_bytes_max = ctx_->cfg.feed_bytes_max;
    if (who_->role.kind == Role::Kind::hospital) opt.expected_hospital = who_->role.scope;

    std::lock_guard lk(ctx_->write_mutex);
    auto db = ctx_->pool.acquire();
    if (!key.empty()) {
      if (auto prior = find_reply(*db, principal, key)) {
        if (prior->sha256 != sha)
          return error(422, "IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used with another body");
        Reply r;
        r.status = prior->status;
        r.body = json::parse(prior->body);
        r.headers.emplace_back("Idempotent-Replayed", "true");
        r.verdict = "replayed " + r.body.value("outcome", std::string()) + " " + r.body.value("code", std::string());
        audit_.subject = r.body.value("hospital_code", std::string()) + "/" + r.body.value("feed_id", std::string());
        return r;
      }
    }
    FeedVerdict v = ingest_feed(*db, FeedSource{"api/" + who_->token_id, &body}, opt);
    Reply r;
    r.status = status_of(v);
    r.body = verdict_json(v);
    r.verdict = outcome_name(v.outcome) + (v.code.empty() ? "" : " " + v.code);
    audit_.subject = v.hospital_code + "/" + v.feed_id;
    if (r.status == 201) r.headers.emplace_back("Location", "/api/v1/feeds/" + v.feed_id);
    if (!key.empty()) store_reply(*db, principal, key, StoredReply{sha, r.status, r.body.dump()});
    return r;
  }

  // SPEC 6 through the upload API: the same reconcile_statement as the CLI.
  // 201 imported, 200 the same statement again, 422 refused (nothing changed).
  Reply post_statement(HTTPServerRequest& req) {
    auto ch = query_.find("channel");
    if (ch == query_.end() || ch->second.empty()) {
      body_pending_ = has_body(req);
      return error(400, "CHANNEL_REQUIRED", "POST /api/v1/statements?channel=NAME");
    }
    const std::string channel = ch->second;
    audit_.subject = channel;
    auto accounts = ctx_->cfg.fund_accounts.find(channel);
    if (accounts == ctx_->cfg.fund_accounts.end()) {
      body_pending_ = has_body(req);
      return error(404, "UNKNOWN_CHANNEL", "no channel " + channel);
    }
    std::string body;
    if (auto bad = read_body(req, body)) return std::move(*bad);
    ReconcileOptions opt;
    opt.fund_accounts = accounts->second;
    std::lock_guard lk(ctx_->write_mutex);
    auto db = ctx_->pool.acquire();
    ReconcileReport rep = reconcile_statement(*db, channel, FeedSource{"api/" + who_->token_id, &body}, opt);
    Reply r;
    r.body = report_json(rep);
    switch (rep.outcome) {
      case StatementOutcome::imported: r.status = 201; break;
      case StatementOutcome::same_bytes: r.status = 200; break;
      default: r.status = 422; break;
    }
    r.verdict = outcome_name(rep.outcome) + (rep.has_exceptions() ? " exceptions" : "");
    return r;
  }

  static bool id_chars_visible(const std::string& k) {
    if (k.empty() || k.size() > limits::idempotency_key_bytes_max) return false;
    for (char c : k)
      if (c < 0x21 || c > 0x7e) return false;
    return true;
  }

  Reply get_feed() {
    const std::string& feed_id = params_[0];
    audit_.subject = feed_id;
    if (!valid_feed_id(feed_id)) return error(404, "NOT_FOUND", "no such feed");
    auto db = ctx_->pool.acquire();
    std::vector<std::string> hospitals;
    if (who_->role.kind == Role::Kind::hospital) {
      hospitals.push_back(who_->role.scope);  // another hospital's feed of the same id is not there for it
    } else if (auto h = query_.find("hospital"); h != query_.end()) {
      if (!valid_hospital(h->second)) return error(404, "NOT_FOUND", "no such feed");
      hospitals.push_back(h->second);
    } else {
      hospitals = hospitals_with_feed(*db, feed_id);
    }
    json feeds = json::array();
    for (const auto& h : hospitals)
      for (const auto& f : feeds_by_id(*db, h, feed_id)) feeds.push_back(feed_json(*db, f));
    if (feeds.empty()) return error(404, "NOT_FOUND", "no feed " + feed_id);
    Reply r;
    r.body = {{"feed_id", feed_id}, {"attempts", feeds}};
    r.verdict = "found";
    return r;
  }

  Reply get_claim() {
    const std::string &hospital = params_[0], &claim_id = params_[1];
    if (!valid_hospital(hospital) || !valid_claim_id(claim_id)) return error(404, "NOT_FOUND", "no such claim");
    auto db = ctx_->pool.acquire();
    json j = {{"hospital_code", hospital}, {"claim_id", claim_id}};
    auto result = find_result(*db, hospital, claim_id);
    auto stored = result ? std::nullopt : find_claim(*db, hospital, claim_id);
    if (result) {
      const auto& [batch, row] = *result;
      json trace = json::parse(row.trace);
      json paid = json::object();
      for (const auto& [channel, t] : trace.items()) paid[channel] = t.value("amount", "0.00");
      j["status"] = "adjudicated";
      j["batch_id"] = batch;
      j["feed_id"] = row.feed_id;
      j["patient"] = mask_id(row.patient_id);
      j["discharge_date"] = row.discharge_date;
      j["burden"] = format_fen(row.burden_fen);
      j["paid"] = paid;
      j["total_paid"] = format_fen(row.total_paid_fen);
      j["trace"] = trace;
    } else if (stored) {
      j["status"] = "queued";
      j["feed_id"] = stored->feed_id;
      j["patient"] = mask_id(stored->patient_id);
      j["visit_type"] = stored->visit_type;
      j["admission_date"] = stored->admission_date;
      j["discharge_date"] = stored->discharge_date;
      j["total"] = format_fen(stored->total_fen);
      j["burden"] = format_fen(stored->in_scope_fen + stored->out_of_scope_fen);
    }
    json rej = json::array();
    for (const auto& r : claim_rejections(*db, hospital, claim_id))
      rej.push_back({{"feed_id", r.feed_id},
                     {"position", r.position},
                     {"reason", r.reason},
                     {"detail", r.detail},
                     {"batch_id", r.batch_id ? json(*r.batch_id) : json(nullptr)}});
    if (!result && !stored && rej.empty()) return error(404, "NOT_FOUND", "no claim " + claim_id + " of " + hospital);
    if (!result && !stored) j["status"] = "rejected";
    j["rejections"] = rej;
    Reply r;
    r.body = j;
    r.verdict = j["status"].get<std::string>();
    return r;
  }

  Reply get_batches() {
    auto db = ctx_->pool.acquire();
    const bool fund = who_->role.kind == Role::Kind::fund;
    const std::string only = fund ? who_->role.scope : "";
    json list = json::array();
    for (const auto& b : load_batches(*db)) {
      auto channels = load_batch_channels(*db, b.batch_id);
      json ch = json::object();
      for (const auto& c : channels)
        if (only.empty() || c.channel == only)
          ch[c.channel] = {{"payments", c.payments}, {"total", format_fen(c.total_fen)}};
      json e = {{"batch_id", b.batch_id}, {"batch_date", b.batch_date}, {"created_at", b.created_at},
                {"channels", ch}, {"files", batch_file_names(channels, only)}};
      if (!fund) {
        e["feeds"] = b.feeds;
        e["claims"] = b.claims;
        e["rejections"] = b.rejections;
      }
      list.push_back(e);
    }
    Reply r;
    r.body = {{"batches", list}};
    r.verdict = std::to_string(list.size()) + " batches";
    return r;
  }

  Reply get_batch_file() {
    const std::string &batch_id = params_[0], &name = params_[1];
    if (!valid_batch_id(batch_id) || !valid_file_name(name)) return error(404, "NOT_FOUND", "no such file");
    auto db = ctx_->pool.acquire();
    if (!load_batch(*db, batch_id)) return error(404, "NOT_FOUND", "no batch " + batch_id);
    // Rendered from the database (as `relief export` does) into a private folder.
    std::string pattern = (std::filesystem::temp_directory_path() / "relief-api-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw Poco::IOException("cannot create a temporary folder");
    tmp_dir_ = pattern;
    write_batch_files(*db, batch_id, tmp_dir_);
    std::string path = tmp_dir_ + "/" + name;
    if (!std::filesystem::is_regular_file(path)) return error(404, "NOT_FOUND", "batch " + batch_id + " has no " + name);
    Reply r;
    r.file = path;
    r.media = media_type(name);
    r.verdict = "sent";
    return r;
  }

  Reply healthz() {
    auto db = ctx_->pool.acquire();
    Reply r;
    r.body = {{"status", "ok"}, {"schema_version", db->schema_version()}};
    r.verdict = "ok";
    return r;
  }

  void finish(HTTPServerRequest& req, HTTPServerResponse& resp, const Reply& r) {
    audit_.status = r.status;
    audit_.verdict = r.verdict;
    try {
      std::lock_guard lk(ctx_->write_mutex);
      auto db = ctx_->pool.acquire();
      append_audit(*db, audit_);
    } catch (const std::exception& e) {
      log_line(std::string("audit log not written: ") + e.what());
    }
    log_line(audit_.role + " " + audit_.endpoint + " " + audit_.subject + " " + std::to_string(r.status) + " " +
             r.verdict);
    // A body left unread would be taken for the next request: close instead.
    if (body_pending_) resp.setKeepAlive(false);
    resp.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(r.status));
    for (const auto& [k, v] : r.headers) resp.set(k, v);
    resp.set("Cache-Control", "no-store");
    (void)req;
    try {
      if (!r.file.empty()) {
        resp.sendFile(r.file, r.media);
      } else {
        std::string text = r.body.dump(2) + "\n";
        resp.setContentType("application/json; charset=utf-8");
        resp.setContentLength64(static_cast<Poco::UInt64>(text.size()));
        resp.send().write(text.data(), static_cast<std::streamsize>(text.size()));
      }
    } catch (...) {
      cleanup();
      throw;
    }
    cleanup();
    Watchdog::rearm_current(ctx_->cfg.header_ms_max);  // the next request's header starts now
  }

  void cleanup() {
    if (tmp_dir_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(tmp_dir_, ec);
    tmp_dir_.clear();
  }

  void log_line(const std::string& text) {
    if (!ctx_->cfg.access_log) return;
    std::lock_guard lk(ctx_->log_mutex);
    *ctx_->cfg.access_log << now_iso8601() << " " << text << "\n" << std::flush;
  }

  std::shared_ptr<ApiContext> ctx_;
  const RouteDef* route_ = nullptr;
  std::vector<std::string> params_;
  std::map<std::string, std::string> query_;
  std::optional<Principal> who_;
  std::optional<Reply> early_;
  AuditEntry audit_;
  bool body_pending_ = false;
  std::string tmp_dir_;
};

class ApiFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit ApiFactory(std::shared_ptr<ApiContext> ctx) : ctx_(std::move(ctx)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& req) override {
    // The header is in: from now on the request has its whole deadline.
    Watchdog::rearm_current(ctx_->cfg.request_ms_max);
    auto h = std::make_unique<ApiHandler>(ctx_);
    h->precheck(req);
    return h.release();
  }

 private:
  std::shared_ptr<ApiContext> ctx_;
};

}  // namespace

Poco::Net::HTTPRequestHandlerFactory* make_api_factory(std::shared_ptr<ApiContext> ctx) {
  return new ApiFactory(std::move(ctx));
}

}  // namespace relief
