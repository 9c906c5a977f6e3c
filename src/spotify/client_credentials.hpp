#pragma once
/// The client ID's own access token (spotify-api.md §1.6: the client credentials flow): no user, so
/// it reaches the catalog only (search, GET /tracks/{id}), never /me, playlists or writes. There is
/// no refresh token: when the token is about to expire, or a 401 refuses it, a new one is asked
/// for with the client ID and secret. Kept in memory only; nothing is stored.
///
/// Clients built on it pace their calls on the client ID's budget like every other client (the
/// token request itself goes to the accounts service, which the Web API budget does not count).

#include <chrono>
#include <mutex>
#include <string>

#include "core/model/account.hpp"
#include "core/ports/clock.hpp"
#include "core/result.hpp"
#include "spotify/oauth.hpp"
#include "spotify/token_source.hpp"
#include "spotify/transport.hpp"

namespace plm::spotify {

struct ClientCredentialsSettings {
  OAuthConfig oauth;  ///< needs client_secret: the flow has no public-client form
  /// Ask for a new token when less than this is left (tokens live an hour, §1.2).
  std::chrono::milliseconds renew_margin{5 * 60'000};
};

class ClientCredentials final : public TokenSource {
 public:
  /// `transport` and `clock` must outlive it. No request is made until the first access_token().
  ClientCredentials(ClientCredentialsSettings settings, HttpTransport& transport,
                    const core::Clock& clock);
  ClientCredentials(const ClientCredentials&) = delete;
  ClientCredentials& operator=(const ClientCredentials&) = delete;

  /// The token, asked for when there is none yet, when less than renew_margin is left, or when
  /// `rejected` is still the current one. Fails with Forbidden when the accounts service refuses
  /// the client ID or secret (a configuration error: every later call asks again and fails the
  /// same), InvalidInput when no secret is configured, Unavailable/RateLimited as the accounts
  /// service answers. A failed renewal while the old token is still valid (and not refused) keeps
  /// the old token.
  core::Result<std::string> access_token(const std::string& rejected = {}) override;
  /// The token held (refresh_token and scope empty; default-constructed before the first request).
  core::AccountTokens tokens() const override;
  /// Always false: a new token needs no person, only the configured secret.
  bool needs_reauth() const override { return false; }

 private:
  bool usable_locked() const;

  ClientCredentialsSettings settings_;
  Authorizer authorizer_;
  const core::Clock& clock_;

  mutable std::mutex mutex_;
  core::AccountTokens tokens_;
};

}  // namespace plm::spotify
