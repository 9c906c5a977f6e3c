#pragma once
/// Signed-in browsers and pending Spotify authorizations of the web application.

#include <cstdint>
#include <string>

#include "core/time.hpp"

namespace plm::core {

/// A signed-in browser. The cookie holds a random token; the store only ever sees its hash.
struct Session {
  std::string id_hash;  ///< hex SHA-256 (or similar) of the cookie token; primary key
  std::int64_t app_user_id = 0;
  std::string csrf_token;  ///< synchronizer token sent back in X-CSRF-Token
  TimePoint created_at;
  TimePoint last_seen_at;
  TimePoint expires_at;    ///< when the session ends (moved by activity, within its lifetime)
  std::string user_agent;  ///< may be empty; shown in a future "your sessions" list
  std::string remote_address;

  bool operator==(const Session&) const = default;
};

/// A pending Spotify authorization started in the browser: `state` ties the callback to the app
/// user who started it; the PKCE verifier is a secret (stored encrypted, like tokens).
struct OAuthState {
  std::string state;
  std::int64_t app_user_id = 0;
  std::string code_verifier;
  std::string redirect_uri;
  TimePoint expires_at;

  bool operator==(const OAuthState&) const = default;
};

}  // namespace plm::core
