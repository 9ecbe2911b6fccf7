#include "src/server/tokens.hpp"

#include <Poco/Data/Statement.h>
#include <sys/random.h>

#include <cassert>
#include <cerrno>
#include <cstring>

#include "src/core/limits.hpp"
#include "src/intake/ingest.hpp"

using namespace Poco::Data::Keywords;

namespace relief {

namespace {

bool all_of_class(const std::string& s, std::size_t max_len, bool (*ok)(char)) {
  if (s.empty() || s.size() > max_len) return false;
  for (char c : s)
    if (!ok(c)) return false;
  return true;
}
bool alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool channel_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t got = 0;
  while (got < bytes) {
    ssize_t n = ::getrandom(raw.data() + got, bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("getrandom: ") + std::strerror(errno));
    }
    got += static_cast<std::size_t>(n);
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

constexpr const char* kTokenPrefix = "relief_";

}  // namespace

std::string Role::text() const {
  switch (kind) {
    case Kind::hospital: return "hospital:" + scope;
    case Kind::civil_affairs: return "civil-affairs";
    case Kind::fund: return "fund:" + scope;
  }
  return "?";
}

std::optional<Role> parse_role(const std::string& text) {
  if (text == "civil-affairs") return Role{Role::Kind::civil_affairs, ""};
  auto colon = text.find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string kind = text.substr(0, colon), scope = text.substr(colon + 1);
  if (kind == "hospital" && all_of_class(scope, 16, alnum)) return Role{Role::Kind::hospital, scope};
  if (kind == "fund" && all_of_class(scope, 32, channel_char)) return Role{Role::Kind::fund, scope};
  return std::nullopt;
}

NewToken create_token(Db& db, const Role& role) {
  NewToken t;
  t.token_id = random_hex(6);
  t.secret = kTokenPrefix + random_hex(static_cast<std::size_t>(limits::api_token_random_bytes));
  std::string hash = sha256_hex_of(t.secret), role_text = role.text(), at = now_iso8601(), id = t.token_id;
  db.session() << "INSERT INTO api_tokens(token_id, sha256, role, created_at) VALUES(?, ?, ?, ?)", use(id), use(hash),
      use(role_text), use(at), now;
  return t;
}

std::vector<TokenRecord> list_tokens(Db& db) {
  std::vector<std::string> ids, roles, created, revoked;
  db.session() << "SELECT token_id, role, created_at, COALESCE(revoked_at, '') FROM api_tokens"
                  " ORDER BY created_at, token_id",
      into(ids), into(roles), into(created), into(revoked), now;
  std::vector<TokenRecord> out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    TokenRecord r{ids[i], roles[i], created[i], std::nullopt};
    if (!revoked[i].empty()) r.revoked_at = revoked[i];
    out.push_back(std::move(r));
  }
  return out;
}

bool revoke_token(Db& db, const std::string& token_id) {
  std::string id = token_id, at = now_iso8601();
  Poco::Data::Statement st(db.session());
  st << "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL", use(at), use(id);
  return st.execute() > 0;
}

std::optional<Principal> authenticate(Db& db, const std::string& secret) {
  const std::size_t expected = std::strlen(kTokenPrefix) + 2 * static_cast<std::size_t>(limits::api_token_random_bytes);
  if (secret.size() != expected || secret.rfind(kTokenPrefix, 0) != 0) return std::nullopt;
  std::string hash = sha256_hex_of(secret);
  std::vector<std::string> ids, roles;
  db.session() << "SELECT token_id, role FROM api_tokens WHERE sha256 = ? AND revoked_at IS NULL", use(hash), into(ids),
      into(roles), now;
  if (ids.empty()) return std::nullopt;
  auto role = parse_role(roles[0]);
  assert(role && "only parsed roles are stored");
  return Principal{ids[0], *role};
}

}  // namespace relief
