#include "security/random_token.hpp"

#include <sodium.h>

#include "security/sodium.hpp"

namespace plm::security {

std::string random_token(std::size_t bytes) {
  detail::ensure_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return detail::to_base64(raw, detail::Base64::UrlSafeNoPadding);
}

}  // namespace plm::security
