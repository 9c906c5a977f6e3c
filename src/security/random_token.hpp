#pragma once
/// Unguessable tokens for sessions, CSRF and PKCE.

#include <cstddef>
#include <string>

namespace plm::security {

/// `bytes` random bytes from the operating system, as URL-safe base64 without padding (so 32 bytes
/// give 43 characters from [A-Za-z0-9_-]).
std::string random_token(std::size_t bytes);

}  // namespace plm::security
