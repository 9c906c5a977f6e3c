#pragma once
/// Server-side sessions with an in-memory cache in front of the SessionStore, and login throttling.

#include <chrono>
#include <cstdint>
#include <deque>
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

/// Counts failures per key (a username, a client address) in a sliding window: after
/// `max_failures` failures within `window`, the key is blocked until the oldest of them leaves the
/// window. Time is a parameter. Thread-safe.
class LoginThrottle {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  explicit LoginThrottle(int max_failures = 5,
                         std::chrono::seconds window = std::chrono::minutes(15),
                         std::size_t max_keys = 100'000);

  /// How long `key` must wait at `now`, or nullopt when it may try.
  std::optional<std::chrono::seconds> blocked(const std::string& key, TimePoint now);
  /// blocked() and, when not blocked, a failure recorded at `now` in the same step: an attempt
  /// counts as failed while it is being verified, so parallel attempts cannot all pass the check
  /// before any failure is recorded. A successful attempt gives its reservation back (release) or
  /// clears the key.
  std::optional<std::chrono::seconds> reserve(const std::string& key, TimePoint now);
  /// Takes back one failure recorded at `at` (a reservation whose attempt succeeded).
  void release(const std::string& key, TimePoint at);
  void record_failure(const std::string& key, TimePoint now);
  void clear(const std::string& key);
  std::size_t keys() const;

 private:
  void prune(std::deque<TimePoint>& failures, TimePoint now) const;
  std::optional<std::chrono::seconds> blocked_locked(const std::string& key, TimePoint now);
  void record_locked(const std::string& key, TimePoint now);

  int max_failures_;
  std::chrono::seconds window_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<TimePoint>> failures_;
};

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
  std::int64_t now_seconds() const;
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
