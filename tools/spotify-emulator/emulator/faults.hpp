#pragma once
/// Faults on demand, counted like Beast's fail_count: a rule fires on the N-th matching Web API
/// call (and the `count - 1` after it), so a test can loop over N and hit every failure point.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spotify_emulator {

struct FaultRule {
  enum class Kind {
    FailStatus,     ///< answer `status` (5xx, 404, ...) without touching state
    ApplyThen502,   ///< perform the call (a write is applied) but answer 502 Bad gateway
    ExpiredToken,   ///< answer 401 "The access token expired" as if the token had run out
    RateLimited,    ///< answer 429 with Retry-After
    QuotaExceeded,  ///< answer 429 with reason QUOTA_EXCEEDED
  };
  Kind kind = Kind::FailStatus;
  int status = 503;
  std::string method;         ///< only calls with this method; empty = any
  std::string path_contains;  ///< only calls whose path contains this; empty = any
  int nth = 1;              ///< first matching call (1-based, counted from when the rule was added)
  int count = 1;            ///< how many consecutive matching calls it affects
  bool empty_body = false;  ///< answer with an empty body (some real 429/5xx have none)
  std::int64_t retry_after_s = 1;  ///< for 429 rules; negative = no Retry-After header
  int seen = 0;                    ///< matching calls so far (runtime)
};

struct LatencySettings {
  int fixed_ms = 0;
  int jitter_ms =
      0;  ///< uniformly distributed extra delay in [0, jitter_ms], deterministic sequence
};

class FaultPlan {
 public:
  void add(FaultRule rule) { rules_.push_back(std::move(rule)); }
  void clear() { rules_.clear(); }
  const std::vector<FaultRule>& rules() const { return rules_; }
  void set_latency(LatencySettings latency) { latency_ = latency; }
  const LatencySettings& latency() const { return latency_; }

  /// Counts this call against every matching rule and returns the first rule that fires for it.
  std::optional<FaultRule> on_call(std::string_view method, std::string_view path);
  /// Delay for the next response.
  std::chrono::milliseconds next_latency();

 private:
  std::vector<FaultRule> rules_;
  LatencySettings latency_;
  std::uint64_t jitter_state_ = 0x9E3779B97F4A7C15ULL;
};

}  // namespace spotify_emulator
