#pragma once
// Internal to plm::security: libsodium start-up and base64 helpers shared by the .cpp files.

#include <optional>
#include <string>
#include <string_view>

namespace plm::security::detail {

/// Calls sodium_init() once per process; throws std::runtime_error if libsodium cannot start.
void ensure_sodium();

enum class Base64 { Standard, UrlSafeNoPadding };

std::string to_base64(std::string_view bytes, Base64 variant);
/// Decodes either alphabet (with or without padding, whitespace ignored); nullopt if malformed.
std::optional<std::string> from_base64(std::string_view text);

}  // namespace plm::security::detail
