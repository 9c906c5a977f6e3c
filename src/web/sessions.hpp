#pragma once
/// Server-side sessions with an in-memory cache in front of the SessionStore.

#include <chrono>
#include <cstdint>
#include <functional>
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

/// A valid session and its user (without the password hash).
struct SignedIn {
  core::Session session;
  core::AppUser user;
};

/// Creates, finds and ends sessions. Only the token's digest reaches the store; lookups are served
/// from memory after the first, so a signed-in request costs no database access (activity is
/// written at most once a minute, and then the user is read again, so a change made by another
/// process shows within a minute). The cache is invalidated by this process's logouts, password
/// changes, role changes and user deletions.
///
/// Races with those changes: each user has an epoch that forget_user and end_all_of bump (with the
/// cache entries removed under the same lock). A lookup or a sign-in reads the epoch before it
/// reads the user and caches only when it has not moved; a sign-in whose user changed meanwhile
/// (epoch moved, or the user read again after the session row was written has another password
/// hash or role) deletes the new row and fails with Conflict, so a session never carries a role or
/// password that was replaced while it was being created.
class SessionManager {
 public:
  SessionManager(core::SessionStore& store, core::UserStore& users, const core::Clock& clock,
                 const Crypto& crypto, std::chrono::seconds ttl, std::chrono::seconds idle);

  struct Created {
    std::string token;  ///< goes into the cookie, never into the store or a log
    SignedIn signed_in;
  };
  /// A session for `user`, who has just proven the password `user.password_hash` (or is new).
  /// Conflict when the user changed (role, password, deleted) since that copy was read.
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
  /// The session `id_hash` still exists and has not expired (for long-lived event streams).
  bool still_valid(const std::string& id_hash);
  /// Tests only: called at named points ("session.create.verified" before the new row is written,
  /// "session.create.before_cache", "session.find.before_cache") to make races deterministic.
  void set_test_hook(std::function<void(std::string_view point)> hook) {
    test_hook_ = std::move(hook);
  }
  /// Deletes expired sessions and OAuth states from the store (called now and then).
  void sweep();

 private:
  /// The clock's time rounded down to the second, as the store keeps session times: a cached
  /// session equals the stored one.
  core::TimePoint now() const;
  /// Caches `signed_in` unless an invalidation happened since `epoch` was read; false then.
  bool cache_if_current(const SignedIn& signed_in, std::uint64_t epoch, bool per_user);
  std::uint64_t user_epoch(std::int64_t user_id);
  std::uint64_t global_epoch();
  void bump(std::int64_t user_id, const std::string& except_id_hash);
  void hook(std::string_view point) const {
    if (test_hook_) test_hook_(point);
  }

  core::SessionStore& store_;
  core::UserStore& users_;
  const core::Clock& clock_;
  const Crypto& crypto_;
  std::chrono::seconds ttl_;
  std::chrono::seconds idle_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, SignedIn> cache_;         ///< by id hash
  std::unordered_map<std::int64_t, std::uint64_t> epochs_;  ///< per user, guarded by mutex_
  std::uint64_t global_epoch_ = 0;  ///< bumped with every user's epoch, guarded by mutex_
  std::function<void(std::string_view)> test_hook_;
};

/// Equal strings, compared in time independent of where they differ.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace plm::web
