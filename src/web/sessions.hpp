#pragma once
/// Server-side sessions with an in-memory cache in front of the SessionStore, and login throttling.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/ports/clock.hpp"
#include "core/ports/store.hpp"
#include "web/web_app.hpp"

namespace plm::web {

/// Counts failures per key (a username, a client address) in a sliding window: after
/// `max_failures` failures within `window`, the key is blocked until the oldest of them leaves the
/// window. Time is a parameter. Thread-safe.
class LoginThrottle {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  explicit LoginThrottle(int max_failures = 5,
                         std::chrono::seconds window = std::chrono::minutes(15));

  /// How long `key` must wait at `now`, or nullopt when it may try.
  std::optional<std::chrono::seconds> blocked(const std::string& key, TimePoint now);
  void record_failure(const std::string& key, TimePoint now);
  void clear(const std::string& key);

 private:
  void prune(std::deque<TimePoint>& failures, TimePoint now) const;

  int max_failures_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<TimePoint>> failures_;
};

/// A valid session and its user (without the password hash).
struct SignedIn {
  core::Session session;
  core::AppUser user;
};

/// Creates, finds and ends sessions. Only the token's digest reaches the store; lookups are served
/// from memory after the first, so a signed-in request costs no database access (activity is
/// written at most once a minute). The cache is invalidated by this process's logouts, password
/// changes, role changes and user deletions.
class SessionManager {
 public:
  SessionManager(core::SessionStore& store, core::UserStore& users, const core::Clock& clock,
                 const Crypto& crypto, std::chrono::seconds ttl, std::chrono::seconds idle);

  struct Created {
    std::string token;  ///< goes into the cookie, never into the store or a log
    SignedIn signed_in;
  };
  core::Result<Created> create(const core::AppUser& user, std::string user_agent,
                               std::string remote_address);
  /// The session of a cookie token; nullopt when unknown or expired (an expired one is deleted).
  core::Result<std::optional<SignedIn>> find(std::string_view token);
  /// The same from memory only, for the non-blocking fast path: nullopt also when the session is
  /// not cached yet or its activity is due to be written (find() then does the work).
  std::optional<SignedIn> find_cached(std::string_view token);
  /// Signs one session out.
  core::Status end(const std::string& id_hash);
  /// Signs a user out everywhere except `except_id_hash` (empty: everywhere).
  core::Status end_all_of(std::int64_t user_id, const std::string& except_id_hash);
  /// Drops the user's cached sessions (role changed, user deleted): the next request reloads them.
  void forget_user(std::int64_t user_id);
  /// Deletes expired sessions and OAuth states from the store (called now and then).
  void sweep();

 private:
  std::int64_t now_seconds() const;
  void cache(const SignedIn& signed_in);

  core::SessionStore& store_;
  core::UserStore& users_;
  const core::Clock& clock_;
  const Crypto& crypto_;
  std::chrono::seconds ttl_;
  std::chrono::seconds idle_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, SignedIn> cache_;  ///< by id hash
};

/// Equal strings, compared in time independent of where they differ.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace plm::web
