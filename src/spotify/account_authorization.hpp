#pragma once
/// The authorization of one connected Spotify account: its tokens, the refresh (serialised) and
/// the "needs re-authorization" flag. One per account per process, shared by every Client of the
/// account (app::Services keeps them), so a refresh that rotates the refresh token is seen at once
/// by every user of the account and never lost to a second client holding an older copy; each
/// Client still counts only its own calls.
///
/// Other processes (a `plm sync` beside `plm serve`) refresh the same account too. What is stored
/// is the truth they share: refreshed tokens are stored before they are used, and a refused
/// refresh token ends the authorization only when it is the stored one (another process may have
/// rotated it: then the stored tokens are taken instead).

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "core/model/account.hpp"
#include "core/ports/clock.hpp"
#include "core/result.hpp"
#include "spotify/oauth.hpp"
#include "spotify/token_source.hpp"
#include "spotify/transport.hpp"

namespace plm::spotify {

/// What the authorization tells the application about the account, and asks of it. Called from
/// any thread that uses a client of the account, with the authorization's lock held: they must not
/// call back into it.
struct AccountHooks {
  /// New tokens after a refresh: persist them (encrypted). Called before they are used. When it
  /// fails, the call that needed the refresh fails with Internal ("could not store refreshed
  /// tokens") and, if the refresh rotated the refresh token, the old tokens are kept (so no client
  /// runs on a refresh token that a restart would not know). If the refresh token did not change,
  /// the new access token is used: the stored refresh token still works, so nothing is lost, and
  /// the next refresh tries to store again.
  std::function<core::Status(const core::AccountTokens&)> on_tokens;
  /// Spotify refused the stored refresh token (expired 6 months after consent, or revoked): mark
  /// the account "needs re-auth". Called once; no client of the account makes further calls.
  std::function<void(const core::Error&)> on_needs_reauth;
  /// The account's tokens as stored now, read when Spotify refuses our refresh token: another
  /// process may have rotated it. Empty: nothing to re-read, the refusal is final.
  std::function<core::Result<core::AccountTokens>()> load_tokens;
};

struct AuthorizationSettings {
  OAuthConfig oauth;
  /// Refresh the access token when less than this is left (tokens live an hour, §1.2).
  std::chrono::milliseconds refresh_margin{5 * 60'000};
};

class AccountAuthorization final : public TokenSource {
 public:
  /// `transport` and `clock` must outlive the authorization. `needs_reauth`: the account is already
  /// marked; no call is made and on_needs_reauth is not called again.
  AccountAuthorization(AuthorizationSettings settings, core::AccountTokens tokens,
                       HttpTransport& transport, const core::Clock& clock, AccountHooks hooks = {},
                       bool needs_reauth = false);
  AccountAuthorization(const AccountAuthorization&) = delete;
  AccountAuthorization& operator=(const AccountAuthorization&) = delete;

  /// The access token to send, refreshed first when it is about to expire, or when `rejected` (not
  /// empty: the token a 401 refused) is still the current one. NeedsReauth once the account's
  /// authorization ended.
  core::Result<std::string> access_token(const std::string& rejected = {}) override;

  /// Takes a copy of the account read from the store when it is newer than what this
  /// authorization holds: a later authorization (a reconnect here or in another process), a later
  /// refresh (another process), or tokens that differ while this one has ended (a reconnect within
  /// the same second). A copy whose status is NeedsReauth for the tokens held here ends this
  /// authorization too (without calling on_needs_reauth: it is stored already). Older copies are
  /// ignored, so a caller holding a stale copy cannot undo a rotation.
  void adopt(const core::AccountTokens& stored, bool stored_needs_reauth);

  core::AccountTokens tokens() const override;
  bool needs_reauth() const override { return needs_reauth_.load(); }

 private:
  core::Result<std::string> refresh_locked(const std::string& rejected);
  core::Error end_locked(core::Error error);
  bool expiring_locked() const;

  AuthorizationSettings settings_;
  Authorizer authorizer_;
  const core::Clock& clock_;
  AccountHooks hooks_;

  mutable std::mutex mutex_;
  core::AccountTokens tokens_;
  std::atomic<bool> needs_reauth_;
};

}  // namespace plm::spotify
