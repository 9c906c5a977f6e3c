#pragma once
/// Where a spotify::Client gets the access token it sends. Two kinds: an account's authorization
/// (account_authorization.hpp: a user's tokens, refreshed with the refresh token, stored) and the
/// client ID's own catalog token (client_credentials.hpp: no user, nothing stored, asked for again
/// when it expires). Shared by every client that uses it, so one token serves them all.

#include <string>

#include "core/model/account.hpp"
#include "core/result.hpp"

namespace plm::spotify {

class TokenSource {
 public:
  virtual ~TokenSource() = default;

  /// The access token to send, renewed first when it is about to expire, or when `rejected` (not
  /// empty: the token a 401 refused) is still the current one. Thread-safe.
  virtual core::Result<std::string> access_token(const std::string& rejected = {}) = 0;
  /// The tokens held now (for bookkeeping and tests).
  virtual core::AccountTokens tokens() const = 0;
  /// True once the source can give no token until a person acts (a refused refresh token).
  virtual bool needs_reauth() const = 0;
};

}  // namespace plm::spotify
