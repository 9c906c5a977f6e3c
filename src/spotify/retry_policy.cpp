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
  long long seconds = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc() || end != text.data() + text.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

RateLimitDecision decide_rate_limit(const RetrySettings& settings,
                                    std::optional<std::chrono::seconds> retry_after,
                                    bool quota_exceeded, int rate_limit_retries, double jitter) {
  using Kind = RateLimitDecision::Kind;
  if (quota_exceeded) {
    // §3.2: "stop this class of work for a long time", not a quick retry.
    return {Kind::QuotaExceeded, retry_after ? Millis(*retry_after) : settings.quota_default_wait};
  }
  // A 429 without Retry-After happens (spotify/web-api#1267): back off exponentially instead.
  const Millis wait = retry_after ? std::max(Millis(*retry_after), Millis(0))
                                  : backoff_delay(settings.rate_limit_backoff, settings.max_backoff,
                                                  rate_limit_retries, jitter);
  // Never sleep hours in a request thread (spotipy's hang, §3.4), and never keep hammering.
  if (wait > settings.max_wait || rate_limit_retries >= settings.max_rate_limit_retries) {
    return {Kind::RateLimited, wait};
  }
  return {Kind::Wait, wait};
}

}  // namespace plm::spotify
