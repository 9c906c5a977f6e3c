#pragma once
/// Faults on demand, counted like Beast's fail_count: a rule fires on the N-th matching call (and
/// the `count - 1` after it), so a test can loop over N and hit every failure point. A rule with a
/// `probability` fires by chance instead, on each matching call from the N-th (for `count` calls,
/// unlimited unless given), drawn from the plan's seeded generator: the same seed and the same
/// sequence of calls give the same faults. Web API calls match every rule whose method and path
/// fit; accounts-service calls (/api/token, /authorize) only rules that name them with a non-empty
/// `path_contains`.

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
  static constexpr std::int64_t kMaxCount = 1'000'000'000;  ///< nth and count are clamped to this
  std::int64_t nth = 1;     ///< first matching call (1-based, counted from when the rule was added)
  std::int64_t count = 1;   ///< how many consecutive matching calls it affects
  bool empty_body = false;  ///< answer with an empty body (some real 429/5xx have none)
  std::int64_t retry_after_s = 1;  ///< for 429 rules; negative = no Retry-After header
  /// The error body's `message` for status, apply_then_502, rate_limit and quota_exceeded rules;
  /// empty = Spotify's usual one for the status (fault_message).
  std::string message;
  std::optional<double> probability;  ///< 0-1: fires by chance on each call in its range
  std::int64_t seen = 0;              ///< matching calls so far (runtime)
};

struct LatencySettings {
  int fixed_ms = 0;
  int jitter_ms =
      0;  ///< uniformly distributed extra delay in [0, jitter_ms], deterministic sequence
};

/// The `message` of a fault's error body: the rule's own, else what Spotify sends with that status
/// (500 "Server error.", 502 "Bad gateway.", 503 "Service unavailable", 504 "Service didn't reply
/// before timeout", 404 "Not found."; rate_limit "API rate limit exceeded", quota_exceeded "Too
/// many requests"; other statuses their reason phrase).
std::string fault_message(const FaultRule& rule, int status);

class FaultPlan {
 public:
  /// Adds a rule; `nth` and `count` are clamped to [1, FaultRule::kMaxCount], `probability` to
  /// [0, 1].
  void add(FaultRule rule);
  /// Forgets the rules added with add(); the standing rules stay.
  void clear() { rules_.clear(); }
  const std::vector<FaultRule>& rules() const { return rules_; }
  /// Rules that hold until replaced (a profile's background faults), matched after add()'s, so a
  /// test's own rule wins. Clamped like add()'s.
  void set_standing_rules(std::vector<FaultRule> rules);
  const std::vector<FaultRule>& standing_rules() const { return standing_; }
  /// Restarts the generator that decides probabilistic rules.
  void seed(std::uint64_t seed);
  std::uint64_t seed() const { return seed_; }
  void set_latency(LatencySettings latency) { latency_ = latency; }
  const LatencySettings& latency() const { return latency_; }

  /// Counts this call against every matching rule and returns the first rule that fires for it.
  /// `web_api` false: an accounts-service call, matched only by rules with a `path_contains`.
  std::optional<FaultRule> on_call(std::string_view method, std::string_view path,
                                   bool web_api = true);
  /// Delay for the next response.
  std::chrono::milliseconds next_latency();

 private:
  /// Counts the call against `rule` and says whether it fires (drawing when it is probabilistic).
  bool fires(FaultRule& rule, std::string_view method, std::string_view path, bool web_api);
  /// Uniform in [0, 1), from the seeded sequence.
  double draw();

  std::vector<FaultRule> rules_;
  std::vector<FaultRule> standing_;
  LatencySettings latency_;
  std::uint64_t seed_ = 1;
  std::uint64_t draw_state_ = 1;
  std::uint64_t jitter_state_ = 0x9E3779B97F4A7C15ULL;
};

}  // namespace spotify_emulator
