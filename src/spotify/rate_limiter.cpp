#include "spotify/rate_limiter.hpp"

#include <algorithm>

namespace plm::spotify {

void RateLimiter::forget_old(SteadyTime now) {
  // A call counted at t counts until t + window (the emulator and Spotify alike: "rolling window").
  while (!calls_.empty() && *calls_.begin() + settings_.window <= now) calls_.erase(calls_.begin());
}

Millis RateLimiter::delay_at(SteadyTime now) const {
  Millis delay{0};
  if (now < paused_until_) delay = std::chrono::ceil<Millis>(paused_until_ - now);
  delay = std::max(delay, quota_delay_at(now));
  if (settings_.window_budget > 0) {
    // Count only the calls still inside the window at `now` (calls_ is sorted).
    auto first_live = std::find_if(calls_.begin(), calls_.end(),
                                   [&](SteadyTime call) { return call + settings_.window > now; });
    const auto live = static_cast<std::size_t>(std::distance(first_live, calls_.end()));
    if (live >= static_cast<std::size_t>(settings_.window_budget)) {
      // The call fits once enough old calls have left: the (live - budget + 1)-th oldest.
      const auto leaving = std::next(
          first_live,
          static_cast<std::ptrdiff_t>(live - static_cast<std::size_t>(settings_.window_budget)));
      delay = std::max(delay, std::chrono::ceil<Millis>(*leaving + settings_.window - now));
    }
  }
  return delay;
}

Millis RateLimiter::quota_delay_at(SteadyTime now) const {
  if (now >= quota_paused_until_) return Millis(0);
  return std::chrono::ceil<Millis>(quota_paused_until_ - now);
}

void RateLimiter::record_call(SteadyTime now) {
  forget_old(now);
  if (settings_.window_budget > 0) calls_.insert(now);
}

void RateLimiter::record_arrival(SteadyTime sent, SteadyTime arrived) {
  if (settings_.window_budget <= 0) return;
  if (const auto found = calls_.find(sent); found != calls_.end()) calls_.erase(found);
  calls_.insert(std::max(sent, arrived));
  forget_old(arrived);
}

Millis RateLimiter::try_acquire(SteadyTime now) {
  const Millis delay = delay_at(now);
  if (delay.count() == 0) record_call(now);
  return delay;
}

void RateLimiter::pause_until(SteadyTime until) { paused_until_ = std::max(paused_until_, until); }

void RateLimiter::pause_for_quota_until(SteadyTime until) {
  quota_paused_until_ = std::max(quota_paused_until_, until);
}

std::shared_ptr<SharedRateLimiter> RateLimiterRegistry::for_client(
    const std::string& client_id, const RateLimitSettings& settings) {
  std::lock_guard lock(mutex_);
  auto& limiter = limiters_[client_id];
  if (!limiter) limiter = std::make_shared<SharedRateLimiter>(settings);
  return limiter;
}

}  // namespace plm::spotify
