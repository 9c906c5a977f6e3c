#include "security/password.hpp"

#include <sodium.h>

#include <stdexcept>

#include "security/sodium.hpp"

namespace plm::security {

std::string hash_password(std::string_view password) {
  detail::ensure_sodium();
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing failed: out of memory");
  }
  return hash;
}

bool verify_password(std::string_view hash, std::string_view password) {
  detail::ensure_sodium();
  // libsodium reads the hash as a C string; a copy guarantees the terminator and rejects embedded
  // NULs or oversized input before they reach it.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES ||
      hash.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view hash) {
  detail::ensure_sodium();
  if (!hash.starts_with("$argon2id$") || hash.size() >= crypto_pwhash_STRBYTES ||
      hash.find('\0') != std::string_view::npos) {
    return true;
  }
  const std::string terminated(hash);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

}  // namespace plm::security
