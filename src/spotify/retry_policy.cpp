#include "spotify/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace plm::spotify {

Millis backoff_delay(Millis base, Millis cap, int retry, double jitter) {
  const double step =
      std::min(static_cast<double>(cap.count()),
               static_cast<double>(base.count()) * std::pow(2.0, std::clamp(retry, 0, 30)));
  const double clamped_jitter = std::clamp(jitter, 0.0, 1.0);
  return Millis(static_cast<Millis::rep>(step / 2 + clamped_jitter * step / 2));
}

bool is_transient_status(int status) {
  return status == 500 || status == 502 || status == 503 || status == 504;
}

std::optional<std::chrono::seconds> parse_retry_after(std::optional<std::string_view> header) {
  if (!header) return std::nullopt;
  std::string_view text = *header;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  long long seconds = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  // All digits: only a value too large for long long can fail, and it is clamped like any other.
  if (error != std::errc() || end != text.data() + text.size() ||
      seconds > kMaxRetryAfter.count()) {
    return kMaxRetryAfter;
  }
  return std::chrono::seconds(seconds);
}

RateLimitDecision decide_rate_limit(const RetrySettings& settings,
                                    std::optional<std::chrono::seconds> retry_after,
                                    bool quota_exceeded, int rate_limit_retries,
                                    Millis rate_limit_waited, double jitter) {
  using Kind = RateLimitDecision::Kind;
  if (retry_after) retry_after = std::clamp(*retry_after, std::chrono::seconds(0), kMaxRetryAfter);
  if (quota_exceeded) {
    // §3.2: "stop this class of work for a long time", not a quick retry.
    return {Kind::QuotaExceeded, retry_after ? Millis(*retry_after) : settings.quota_default_wait};
  }
  // A 429 without Retry-After happens (spotify/web-api#1267): back off exponentially instead.
  const Millis wait = retry_after ? std::max(Millis(*retry_after), Millis(0))
                                  : backoff_delay(settings.rate_limit_backoff, settings.max_backoff,
                                                  rate_limit_retries, jitter);
  // Never sleep hours in a request thread (spotipy's hang, §3.4), and never keep hammering: a
  // call rides out many short waits but not more than its budget in total.
  const auto budget_ms =
      static_cast<double>(settings.max_wait.count()) * std::max(settings.rate_limit_wait_budget, 0);
  const auto total_ms = static_cast<double>(std::max(rate_limit_waited, Millis(0)).count()) +
                        static_cast<double>(wait.count());
  if (wait > settings.max_wait || total_ms > budget_ms ||
      rate_limit_retries >= settings.max_rate_limit_retries) {
    return {Kind::RateLimited, wait};
  }
  return {Kind::Wait, wait};
}

}  // namespace plm::spotify
