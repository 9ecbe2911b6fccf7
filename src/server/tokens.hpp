#pragma once
// API tokens (SPEC 8): roles, creation (the secret is shown once and only
// its SHA-256 is stored), listing, revocation and authentication.
#include <optional>
#include <string>
#include <vector>

#include "src/store/db.hpp"
#include "src/util/sha256.hpp"

namespace relief {

struct Role {
  enum class Kind { hospital, civil_affairs, fund };
  Kind kind = Kind::civil_affairs;
  std::string scope;  // hospital code or channel name; empty for civil-affairs
  std::string text() const;  // "hospital:GZ001", "civil-affairs", "fund:lottery"
};

// hospital:<code> ([A-Za-z0-9]{1,16}), civil-affairs, fund:<channel> ([a-z0-9_-]{1,32}).
std::optional<Role> parse_role(const std::string& text);

struct TokenRecord {
  std::string token_id, role, created_at;
  std::optional<std::string> revoked_at;
};

struct NewToken {
  std::string token_id;  // public handle, for list and revoke
  std::string secret;    // the bearer token: shown once, never stored
};

struct Principal {
  std::string token_id;
  Role role;
};

NewToken create_token(Db& db, const Role& role);
std::vector<TokenRecord> list_tokens(Db& db);
// False when no such token or it was already revoked.
bool revoke_token(Db& db, const std::string& token_id);
// The principal of a live token, or nothing (unknown, revoked, malformed).
std::optional<Principal> authenticate(Db& db, const std::string& secret);

}  // namespace relief
