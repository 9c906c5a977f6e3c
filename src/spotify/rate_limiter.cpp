#include "spotify/rate_limiter.hpp"

#include <algorithm>

namespace plm::spotify {

void RateLimiter::forget_old(TimePoint now) {
  // A call made at t counts until t + window (the emulator and Spotify alike: "rolling window").
  while (!calls_.empty() && calls_.front() + settings_.window <= now) calls_.pop_front();
}

Millis RateLimiter::delay_at(TimePoint now) const {
  Millis delay{0};
  if (now < paused_until_) delay = std::chrono::ceil<Millis>(paused_until_ - now);
  if (settings_.window_budget > 0) {
    // Count only the calls still inside the window at `now`.
    std::size_t live = 0;
    auto first_live = calls_.end();
    for (auto it = calls_.begin(); it != calls_.end(); ++it) {
      if (*it + settings_.window > now) {
        if (first_live == calls_.end()) first_live = it;
        ++live;
      }
    }
    if (live >= static_cast<std::size_t>(settings_.window_budget)) {
      // The call fits once enough old calls have left: the (live - budget + 1)-th oldest.
      const auto leaving =
          first_live +
          static_cast<std::ptrdiff_t>(live - static_cast<std::size_t>(settings_.window_budget));
      delay = std::max(delay, std::chrono::ceil<Millis>(*leaving + settings_.window - now));
    }
  }
  return delay;
}

void RateLimiter::record_call(TimePoint now) {
  forget_old(now);
  if (settings_.window_budget > 0) calls_.push_back(now);
}

Millis RateLimiter::try_acquire(TimePoint now) {
  const Millis delay = delay_at(now);
  if (delay.count() == 0) record_call(now);
  return delay;
}

void RateLimiter::pause_until(TimePoint until) { paused_until_ = std::max(paused_until_, until); }

std::shared_ptr<SharedRateLimiter> RateLimiterRegistry::for_client(
    const std::string& client_id, const RateLimitSettings& settings) {
  std::lock_guard lock(mutex_);
  auto& limiter = limiters_[client_id];
  if (!limiter) limiter = std::make_shared<SharedRateLimiter>(settings);
  return limiter;
}

}  // namespace plm::spotify
