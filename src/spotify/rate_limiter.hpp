#pragma once
/// Client-side pacing for one Spotify client ID (spotify-api.md §3.1: the limit is a rolling
/// 30-second window per app, "regardless of how many users are using it"; §3.5 is our policy).
///
/// `RateLimiter` is pure (time is a parameter). `SharedRateLimiter` adds a mutex and a clock (a
/// CallBudget for one process), and `RateLimiterRegistry` hands every account of one client ID the
/// same instance, so all of them pace together and all of them pause after a 429 (or a
/// QUOTA_EXCEEDED). Across processes, src/app wires core::RateLedger instead (same rules, wall
/// clock, kept in the database).
///
/// Time here is monotonic (`SteadyTime`): a wall-clock jump must neither block the budget nor
/// release it early. Wall-clock times (`retry_at`) are the client's business.
///
/// Safety margin: Spotify (and the emulator) count a call when it arrives, the client decides when
/// it sends. A call is therefore recorded at its send time while it is in flight and moved to the
/// time its response arrived once it is done (`record_arrival`), which is never earlier than the
/// server's count: the window the client keeps always ends at or after the server's.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "spotify/call_budget.hpp"

namespace plm::spotify {

using TimePoint = std::chrono::system_clock::time_point;
using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;
/// Where the client reads monotonic time (std::chrono::steady_clock::now in production; tests
/// move a fake one together with their fake sleeper).
using SteadySource = std::function<SteadyTime()>;

struct RateLimitSettings {
  /// Calls allowed per rolling window; 0 = no pacing (only 429 and quota pauses apply).
  int window_budget = 0;
  Millis window{30'000};
};

/// A rolling-window budget plus the pauses set by 429 and QUOTA_EXCEEDED responses.
class RateLimiter {
 public:
  explicit RateLimiter(RateLimitSettings settings = {}) : settings_(settings) {}

  /// How long a call at `now` must wait: until every pause ends and, when the window is full,
  /// until enough of its calls leave it. Zero means "go now". Does not record anything.
  Millis delay_at(SteadyTime now) const;
  /// How much of the wait at `now` is a quota pause (zero when none is in force). Callers fail
  /// fast on it instead of sleeping.
  Millis quota_delay_at(SteadyTime now) const;
  /// Records a call sent at `now` (after delay_at(now) returned zero). It counts from `now` until
  /// record_arrival moves it.
  void record_call(SteadyTime now);
  /// The call recorded at `sent` got its answer (or failed) at `arrived`: it now counts from
  /// `arrived`. A call forgotten meanwhile (it took longer than the window) is recorded anew.
  void record_arrival(SteadyTime sent, SteadyTime arrived);
  /// delay_at + record_call in one step: records and returns zero when the call may go now,
  /// otherwise records nothing and returns the wait.
  Millis try_acquire(SteadyTime now);
  /// Every caller waits until `until` (a 429's Retry-After). A shorter pause never shortens a
  /// longer one.
  void pause_until(SteadyTime until);
  /// Every caller fails with QuotaExceeded until `until` (a QUOTA_EXCEEDED's retry time).
  void pause_for_quota_until(SteadyTime until);
  SteadyTime paused_until() const { return paused_until_; }
  SteadyTime quota_paused_until() const { return quota_paused_until_; }
  const RateLimitSettings& settings() const { return settings_; }

 private:
  void forget_old(SteadyTime now);

  RateLimitSettings settings_;
  /// Times the calls in the current window count from (send time in flight, arrival time after),
  /// oldest first. A multiset, because arrivals can be recorded out of order.
  std::multiset<SteadyTime> calls_;
  SteadyTime paused_until_{};
  SteadyTime quota_paused_until_{};
};

/// A RateLimiter behind a mutex: the CallBudget of every Client of one client ID in one process
/// (tests, and uses without a database). Time is read inside the lock, so calls are recorded in the
/// order they were admitted.
class SharedRateLimiter final : public CallBudget {
 public:
  /// `now` empty: std::chrono::steady_clock::now.
  explicit SharedRateLimiter(RateLimitSettings settings, SteadySource now = {});

  core::Result<core::RateAdmission> try_acquire() override;
  void record_answer(std::int64_t ticket) override;
  void pause_for(Millis duration) override;
  void pause_for_quota(Millis duration) override;

  void pause_until(SteadyTime until);
  SteadyTime paused_until() const;
  SteadyTime quota_paused_until() const;

 private:
  mutable std::mutex mutex_;
  SteadySource now_;
  RateLimiter limiter_;
  /// Send times of the admitted calls still waiting for their answer, by ticket.
  std::map<std::int64_t, SteadyTime> in_flight_;
  std::int64_t next_ticket_ = 1;
};

/// One SharedRateLimiter per client ID. Thread-safe. The settings of the first request for a
/// client ID win (they are per app, so every account of it is configured alike).
class RateLimiterRegistry {
 public:
  /// `now` (empty: std::chrono::steady_clock::now) is the new limiter's clock.
  std::shared_ptr<SharedRateLimiter> for_client(const std::string& client_id,
                                                const RateLimitSettings& settings,
                                                SteadySource now = {});

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<SharedRateLimiter>> limiters_;
};

}  // namespace plm::spotify
