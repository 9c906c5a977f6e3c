#pragma once
/// Client-side pacing for one Spotify client ID (spotify-api.md §3.1: the limit is a rolling
/// 30-second window per app, "regardless of how many users are using it"; §3.5 is our policy).
///
/// `RateLimiter` is pure (time is a parameter). `SharedRateLimiter` adds a mutex, and
/// `RateLimiterRegistry` hands every account of one client ID the same instance, so all of them
/// pace together and all of them pause after a 429.

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace plm::spotify {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

struct RateLimitSettings {
  /// Calls allowed per rolling window; 0 = no pacing (only 429 pauses apply).
  int window_budget = 0;
  Millis window{30'000};
};

/// A rolling-window budget plus a pause set by 429 responses.
class RateLimiter {
 public:
  explicit RateLimiter(RateLimitSettings settings = {}) : settings_(settings) {}

  /// How long a call at `now` must wait: until the pause ends and, when the window is full, until
  /// its oldest call leaves it. Zero means "go now". Does not record anything.
  Millis delay_at(TimePoint now) const;
  /// Records a call sent at `now` (after delay_at(now) returned zero).
  void record_call(TimePoint now);
  /// delay_at + record_call in one step: records and returns zero when the call may go now,
  /// otherwise records nothing and returns the wait.
  Millis try_acquire(TimePoint now);
  /// Every caller waits until `until` (a 429's Retry-After). A shorter pause never shortens a
  /// longer one.
  void pause_until(TimePoint until);
  TimePoint paused_until() const { return paused_until_; }
  const RateLimitSettings& settings() const { return settings_; }

 private:
  void forget_old(TimePoint now);

  RateLimitSettings settings_;
  std::deque<TimePoint> calls_;  ///< send times inside the current window, oldest first
  TimePoint paused_until_{};
};

/// A RateLimiter behind a mutex, shared by every Client of one client ID.
class SharedRateLimiter {
 public:
  explicit SharedRateLimiter(RateLimitSettings settings) : limiter_(settings) {}
  Millis try_acquire(TimePoint now) {
    std::lock_guard lock(mutex_);
    return limiter_.try_acquire(now);
  }
  void pause_until(TimePoint until) {
    std::lock_guard lock(mutex_);
    limiter_.pause_until(until);
  }
  TimePoint paused_until() const {
    std::lock_guard lock(mutex_);
    return limiter_.paused_until();
  }

 private:
  mutable std::mutex mutex_;
  RateLimiter limiter_;
};

/// One SharedRateLimiter per client ID. Thread-safe. The settings of the first request for a
/// client ID win (they are per app, so every account of it is configured alike).
class RateLimiterRegistry {
 public:
  std::shared_ptr<SharedRateLimiter> for_client(const std::string& client_id,
                                                const RateLimitSettings& settings);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<SharedRateLimiter>> limiters_;
};

}  // namespace plm::spotify
