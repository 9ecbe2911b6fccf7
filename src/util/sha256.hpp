#pragma once
// SHA-256 through OpenSSL's EVP interface (SHA-NI where the CPU has it), the one
// digest of the project: feeds (every byte of every feed), statements, API
// token secrets and upload bodies.
#include <cstddef>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace relief {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const char* data, std::size_t n);
  // The digest of everything updated, as 64 lowercase hex digits; ends the hash.
  std::string hex();

 private:
  evp_md_ctx_st* ctx_;
};

// The SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex_of(std::string_view bytes);

}  // namespace relief
