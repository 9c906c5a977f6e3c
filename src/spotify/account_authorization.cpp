#include "spotify/account_authorization.hpp"

namespace plm::spotify {

namespace {

using core::ErrorCode;

/// Our refused refresh token, then the stored one (another process rotated it), then one more in
/// case it rotated again meanwhile: more than that is churn, not an ended authorization.
constexpr int kMaxRefreshAttempts = 3;

}  // namespace

AccountAuthorization::AccountAuthorization(AuthorizationSettings settings,
                                           core::AccountTokens tokens, HttpTransport& transport,
                                           const core::Clock& clock, AccountHooks hooks,
                                           bool needs_reauth)
    : settings_(std::move(settings)),
      authorizer_(settings_.oauth, transport, clock),
      clock_(clock),
      hooks_(std::move(hooks)),
      tokens_(std::move(tokens)),
      needs_reauth_(needs_reauth) {}

core::Result<std::string> AccountAuthorization::access_token(const std::string& rejected) {
  std::lock_guard lock(mutex_);
  if (needs_reauth_) {
    return core::make_error(ErrorCode::NeedsReauth, "spotify account needs to be connected again");
  }
  // Another client of the account may have refreshed since our token was refused.
  if (!rejected.empty() && tokens_.access_token != rejected) return tokens_.access_token;
  if (rejected.empty() && !expiring_locked()) return tokens_.access_token;
  return refresh_locked(rejected);
}

bool AccountAuthorization::expiring_locked() const {
  // Tokens come from the store (times clamped to core::kEarliestTime..kLatestTime) or from a token
  // answer (now + at most a day), so the difference cannot overflow.
  return tokens_.expires_at - clock_.now() < settings_.refresh_margin;
}

core::Result<std::string> AccountAuthorization::refresh_locked(const std::string& rejected) {
  const bool forced = !rejected.empty();
  for (int attempt = 1;; ++attempt) {
    const auto now = clock_.now();
    auto refreshed = authorizer_.refresh(tokens_);
    if (refreshed) {
      // Persist before use, so a crash cannot lose a rotated refresh token.
      if (hooks_.on_tokens) {
        if (auto stored = hooks_.on_tokens(*refreshed); !stored) {
          // Same refresh token: the stored one still works, so the new access token is safe to
          // use (and saves a refresh per call). A rotated one that is not stored is never used.
          if (refreshed->refresh_token == tokens_.refresh_token) tokens_ = std::move(*refreshed);
          return core::make_error(ErrorCode::Internal,
                                  "could not store refreshed tokens: " + stored.error().message);
        }
      }
      tokens_ = std::move(*refreshed);
      return tokens_.access_token;
    }
    if (refreshed.error().code != ErrorCode::NeedsReauth) {
      // A transient failure while the old token still has time left: use it, try again later.
      if (!forced && tokens_.expires_at > now) return tokens_.access_token;
      return refreshed.error();
    }
    // Refused. Another process may have rotated the refresh token (and stored the new one before
    // using it): only a refusal of the stored token ends the authorization.
    if (!hooks_.load_tokens) return end_locked(refreshed.error());
    auto stored = hooks_.load_tokens();
    if (!stored) {
      // Cannot tell whether the authorization ended: fail this call, mark nothing.
      return core::make_error(ErrorCode::Internal,
                              "spotify refused the refresh token and the stored tokens could not "
                              "be read: " +
                                  stored.error().message);
    }
    if (stored->refresh_token == tokens_.refresh_token) return end_locked(refreshed.error());
    if (attempt >= kMaxRefreshAttempts) {
      return core::make_error(ErrorCode::Unavailable,
                              "the account's refresh token keeps changing (other plm processes "
                              "are refreshing it); try again");
    }
    tokens_ = std::move(*stored);
    if (!expiring_locked() && tokens_.access_token != rejected) return tokens_.access_token;
  }
}

core::Error AccountAuthorization::end_locked(core::Error error) {
  if (!needs_reauth_.exchange(true) && hooks_.on_needs_reauth) hooks_.on_needs_reauth(error);
  return error;
}

void AccountAuthorization::adopt(const core::AccountTokens& stored, bool stored_needs_reauth) {
  std::lock_guard lock(mutex_);
  const bool later_authorization = stored.authorized_at > tokens_.authorized_at;
  // Refreshing never changes authorized_at and always moves expires_at forward.
  const bool later_refresh =
      stored.authorized_at == tokens_.authorized_at && stored.expires_at > tokens_.expires_at;
  const bool reconnected =
      needs_reauth_ && !stored_needs_reauth && stored.refresh_token != tokens_.refresh_token;
  if (later_authorization || later_refresh || reconnected) {
    tokens_ = stored;
    needs_reauth_ = stored_needs_reauth;
    return;
  }
  if (stored_needs_reauth && stored.refresh_token == tokens_.refresh_token) needs_reauth_ = true;
}

core::AccountTokens AccountAuthorization::tokens() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

}  // namespace plm::spotify
