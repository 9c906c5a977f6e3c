#pragma once
/// Password hashing for app users: Argon2id (libsodium) at the INTERACTIVE limits (about 64 MiB and
/// 50-100 ms per hash), so each login costs an attacker as much as it costs us.

#include <string>
#include <string_view>

namespace plm::security {

/// A self-describing "$argon2id$v=19$m=65536,t=2,p=1$salt$hash" string with a random salt. Throws
/// std::runtime_error if the system cannot provide the memory.
std::string hash_password(std::string_view password);

/// True if `password` matches `hash`; false for a wrong password or a malformed hash.
bool verify_password(std::string_view hash, std::string_view password);

/// True if `hash` is not Argon2id at the current limits (or is malformed): re-hash on next login.
bool needs_rehash(std::string_view hash);

}  // namespace plm::security
