#pragma once
/// Spotify's accounts service (spotify-api.md §1): the authorize URL with PKCE (S256) and `state`,
/// the code exchange, refreshes and client-credentials tokens. Confidential client (Basic auth with
/// the secret) when a secret is configured, otherwise a PKCE public client.
///
/// Tokens and secrets never appear in error messages.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/model/account.hpp"
#include "core/ports/clock.hpp"
#include "core/result.hpp"
#include "spotify/transport.hpp"

namespace plm::spotify {

/// Every scope plm needs (spotify-api.md §1.4).
inline constexpr const char* kPlmScopes =
    "playlist-read-private playlist-read-collaborative playlist-modify-public "
    "playlist-modify-private ugc-image-upload user-read-private";

struct OAuthConfig {
  std::string accounts_base_url = "https://accounts.spotify.com";
  std::string client_id;
  std::string client_secret;  ///< empty: public client, PKCE only
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};
};

/// RFC 7636 S256 challenge: base64url(SHA-256(verifier)) without '=' padding.
std::string pkce_challenge(std::string_view code_verifier);
/// A PKCE code verifier: `length` (43-128, clamped) characters of [A-Za-z0-9-._~] from libsodium's
/// CSPRNG.
std::string make_code_verifier(std::size_t length = 64);
/// An unguessable `state` value for CSRF protection (32 url-safe random characters).
std::string make_state();

/// What the app keeps between redirecting the user and receiving the callback.
struct AuthorizationRequest {
  std::string url;  ///< where to send the browser
  std::string state;
  std::string code_verifier;  ///< secret: keep server-side, never put it in a URL or a log
};

/// Checks the redirect's query string ("code=...&state=..."). Fails with InvalidInput when `state`
/// does not match (compared in constant time) or no code came, Forbidden when the user refused
/// (`error=access_denied`).
core::Result<std::string> code_from_callback(std::string_view query,
                                             std::string_view expected_state);

/// Talks to the accounts service for one client ID. Thread-safe (it holds no mutable state).
class Authorizer {
 public:
  Authorizer(OAuthConfig config, HttpTransport& transport, const core::Clock& clock);

  /// A fresh authorize URL with new `state` and PKCE verifier. `show_dialog` forces the consent
  /// page even for users who approved before.
  AuthorizationRequest start(const std::string& redirect_uri,
                             const std::string& scopes = kPlmScopes,
                             bool show_dialog = false) const;

  /// Exchanges the code; `authorized_at` becomes now (the 6-month refresh-token clock starts at
  /// consent, §1.3). Fails with InvalidInput for a used/expired code or a wrong verifier,
  /// Forbidden for refused client credentials, Unavailable for 5xx and network errors.
  core::Result<core::AccountTokens> exchange_code(const std::string& code,
                                                  const std::string& redirect_uri,
                                                  const std::string& code_verifier) const;

  /// A new access token. Keeps `current.refresh_token` when the response has none (2026 behaviour,
  /// §1.3) and never changes `authorized_at`. Fails with NeedsReauth on `invalid_grant` (expired 6
  /// months after consent, or revoked): do not retry, the user must connect again.
  core::Result<core::AccountTokens> refresh(const core::AccountTokens& current) const;

  /// A catalog-only token for the client ID itself (§1.6: grant_type=client_credentials, no user,
  /// no refresh token): access_token and expires_at set, the rest empty. Fails with InvalidInput
  /// when no secret is configured (the flow needs it), Forbidden when the accounts service refuses
  /// the client ID or secret, Unavailable for 5xx and network errors.
  core::Result<core::AccountTokens> client_credentials() const;

  const OAuthConfig& config() const { return config_; }

 private:
  core::Result<HttpResponse> post_token(const std::string& form) const;

  OAuthConfig config_;
  HttpTransport& transport_;
  const core::Clock& clock_;
};

}  // namespace plm::spotify
