#include "spotify/client_credentials.hpp"

namespace plm::spotify {

ClientCredentials::ClientCredentials(ClientCredentialsSettings settings, HttpTransport& transport,
                                     const core::Clock& clock)
    : settings_(std::move(settings)),
      authorizer_(settings_.oauth, transport, clock),
      clock_(clock) {}

bool ClientCredentials::usable_locked() const {
  // Token answers give now + at most a day, so the difference cannot overflow.
  return !tokens_.access_token.empty() &&
         tokens_.expires_at - clock_.now() >= settings_.renew_margin;
}

core::Result<std::string> ClientCredentials::access_token(const std::string& rejected) {
  std::lock_guard lock(mutex_);
  // Another client may have renewed it since ours was refused.
  if (!rejected.empty() && tokens_.access_token != rejected) return tokens_.access_token;
  if (rejected.empty() && usable_locked()) return tokens_.access_token;
  auto renewed = authorizer_.client_credentials();
  if (!renewed) {
    // Transient trouble at the accounts service while the old token still has time left: use it.
    const bool refused = !rejected.empty();
    if (!refused && !tokens_.access_token.empty() && tokens_.expires_at > clock_.now())
      return tokens_.access_token;
    return renewed.error();
  }
  tokens_ = std::move(*renewed);
  return tokens_.access_token;
}

core::AccountTokens ClientCredentials::tokens() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

}  // namespace plm::spotify
