#pragma once
/// Spotify's rate limiting as the emulator models it (../shared/docs/spotify-api.md section 3):
/// - a rolling 30-second window of calls per client ID with a budget; over budget answers 429 with
///   Retry-After (whole seconds, rounded up) until the oldest call leaves the window;
/// - a client that keeps calling while limited gets a growing penalty, as real apps observed
///   ("continuing to request while limited increases Retry-After");
/// - an optional development-mode quota per developer account (shared by that developer's client
///   IDs) that answers 429 with reason QUOTA_EXCEEDED until its period ends.
/// Pure: time is a parameter, so tests need no clock.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace spotify_emulator {

struct RateLimitSettings {
  int window_budget = 0;  ///< calls per rolling window per client ID; 0 = unlimited
  std::int64_t window_ms = 30'000;
  std::int64_t penalty_step_ms = 1'000;  ///< added per call made while limited, growing linearly
  /// Longest a client stays limited (the observed maximum is about 5 h, §3.3); 0 = no cap.
  std::int64_t max_penalty_ms = 0;
  int quota_budget = 0;  ///< calls per quota period per developer; 0 = unlimited
  std::int64_t quota_period_ms = 24LL * 3600 * 1000;
};

struct RateDecision {
  enum class Kind { Allowed, RateLimited, QuotaExceeded };
  Kind kind = Kind::Allowed;
  std::int64_t retry_after_s = 0;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimitSettings settings = {}) : settings_(settings) {}

  /// Records a call (when allowed) and decides how to answer it.
  RateDecision on_call(const std::string& client_id, const std::string& developer_id,
                       std::int64_t now_ms);
  void set_settings(const RateLimitSettings& settings) { settings_ = settings; }
  const RateLimitSettings& settings() const { return settings_; }
  /// Forgets every window, penalty and quota count (emulator reset).
  void clear();

 private:
  struct ClientState {
    std::deque<std::int64_t> calls;
    std::int64_t blocked_until_ms = 0;
    int strikes = 0;
  };
  struct QuotaState {
    std::int64_t period_start_ms = 0;
    int used = 0;
  };
  RateLimitSettings settings_;
  std::map<std::string, ClientState> clients_;
  std::map<std::string, QuotaState> quotas_;
};

}  // namespace spotify_emulator
