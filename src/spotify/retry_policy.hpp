#pragma once
/// What to do after a response or a network error: pure decisions, unit-tested without HTTP.
/// Policy from spotify-api.md §3.5: honour Retry-After, never sleep on a long one, surface
/// QUOTA_EXCEEDED, back off exponentially with jitter, and repeat only what is safe to repeat.

#include <chrono>
#include <optional>
#include <string_view>

namespace plm::spotify {

using Millis = std::chrono::milliseconds;

struct RetrySettings {
  int max_retries = 4;  ///< repeats after 5xx/network errors (idempotent calls)
  /// 429s waited out within one call: a safety net only. What normally ends a 429 storm is the
  /// wait budget below, so many short Retry-Afters are ridden out.
  int max_rate_limit_retries = 50;
  /// A call gives up on 429s when its summed waits would exceed this many `max_wait`s.
  int rate_limit_wait_budget = 5;
  Millis base_backoff{500};          ///< first backoff after a 5xx/network error; doubles
  Millis rate_limit_backoff{1'000};  ///< first backoff after a 429 without Retry-After; doubles
  Millis max_backoff{60'000};  ///< backoff cap (spotify-api.md §3.5: 1 s, 2 s, 4 s… ≤ 60 s)
  Millis max_wait{60'000};     ///< longest Retry-After we sleep; longer ones fail the call
  Millis quota_default_wait{3'600'000};  ///< retry_at for QUOTA_EXCEEDED without Retry-After
};

/// Whether the call loop may repeat a request after a 5xx or a network error. Reads are Safe.
/// Every write goes through the loop as Unsafe: the client's write layer repeats the idempotent
/// ones (remove by URI, replace, details, cover, unfollow) itself, so that it knows whether any
/// attempt may have been applied; add, create and reorder are never repeated once they may have
/// reached Spotify (a reorder applied behind a 502 and sent again moves a different range).
enum class Idempotency { Safe, Unsafe };

/// Exponential backoff with "equal jitter": half the step is fixed, half random, so retries of
/// many clients spread out yet never come back immediately. `retry` counts from 0; `jitter` is a
/// uniform random number in [0, 1). The step is `base` × 2^retry, capped at `cap`.
Millis backoff_delay(Millis base, Millis cap, int retry, double jitter);

/// 500, 502, 503, 504: Spotify's transient failures (spotify-api.md §4.1, §7.12).
bool is_transient_status(int status);

/// The longest Retry-After we believe: longer values (or absurd ones) are read as 24 hours, so
/// time arithmetic cannot overflow.
inline constexpr std::chrono::seconds kMaxRetryAfter{24 * 3600};

/// Retry-After in whole seconds (RFC 9110 also allows an HTTP date, which Spotify never sends),
/// clamped to kMaxRetryAfter; nullopt when absent or not a non-negative integer.
std::optional<std::chrono::seconds> parse_retry_after(std::optional<std::string_view> header);

/// The decision for a 429.
struct RateLimitDecision {
  enum class Kind {
    Wait,           ///< pause every caller of this client ID for `wait`, then retry
    RateLimited,    ///< give up now: the wait is too long, or this call's wait budget is used up
                    ///< (or 429s keep coming); retry after `wait`
    QuotaExceeded,  ///< development-mode quota: surface, never sleep; retry after `wait`
  };
  Kind kind = Kind::Wait;
  Millis wait{0};
};

/// `retry_after`: the header, if any; `quota_exceeded`: the body's reason was QUOTA_EXCEEDED;
/// `rate_limit_retries` and `rate_limit_waited`: 429s already waited out in this call and the time
/// spent on them; `jitter` in [0, 1). Gives up when one wait exceeds `max_wait`, when the waits of
/// this call would sum to more than `rate_limit_wait_budget` × `max_wait`, or after
/// `max_rate_limit_retries` 429s.
RateLimitDecision decide_rate_limit(const RetrySettings& settings,
                                    std::optional<std::chrono::seconds> retry_after,
                                    bool quota_exceeded, int rate_limit_retries,
                                    Millis rate_limit_waited, double jitter);

}  // namespace plm::spotify
