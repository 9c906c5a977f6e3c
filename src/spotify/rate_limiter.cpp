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

SharedRateLimiter::SharedRateLimiter(RateLimitSettings settings, SteadySource now)
    : now_(now ? std::move(now) : SteadySource([] { return std::chrono::steady_clock::now(); })),
      limiter_(settings) {}

core::Result<core::RateAdmission> SharedRateLimiter::try_acquire() {
  std::lock_guard lock(mutex_);
  const SteadyTime at = now_();
  const Millis quota = limiter_.quota_delay_at(at);
  if (quota.count() > 0)
    return core::RateAdmission{.wait = limiter_.delay_at(at), .quota_wait = quota};
  const Millis wait = limiter_.try_acquire(at);
  if (wait.count() > 0 || limiter_.settings().window_budget <= 0)
    return core::RateAdmission{.wait = wait};
  const std::int64_t ticket = next_ticket_++;
  in_flight_.emplace(ticket, at);
  return core::RateAdmission{.ticket = ticket};
}

void SharedRateLimiter::record_answer(std::int64_t ticket) {
  std::lock_guard lock(mutex_);
  const auto found = in_flight_.find(ticket);
  if (found == in_flight_.end()) return;
  limiter_.record_arrival(found->second, now_());
  in_flight_.erase(found);
}

void SharedRateLimiter::pause_for(Millis duration) {
  std::lock_guard lock(mutex_);
  limiter_.pause_until(now_() + duration);
}

void SharedRateLimiter::pause_for_quota(Millis duration) {
  std::lock_guard lock(mutex_);
  limiter_.pause_for_quota_until(now_() + duration);
}

void SharedRateLimiter::pause_until(SteadyTime until) {
  std::lock_guard lock(mutex_);
  limiter_.pause_until(until);
}

SteadyTime SharedRateLimiter::paused_until() const {
  std::lock_guard lock(mutex_);
  return limiter_.paused_until();
}

SteadyTime SharedRateLimiter::quota_paused_until() const {
  std::lock_guard lock(mutex_);
  return limiter_.quota_paused_until();
}

std::shared_ptr<SharedRateLimiter> RateLimiterRegistry::for_client(
    const std::string& client_id, const RateLimitSettings& settings, SteadySource now) {
  std::lock_guard lock(mutex_);
  auto& limiter = limiters_[client_id];
  if (!limiter) limiter = std::make_shared<SharedRateLimiter>(settings, std::move(now));
  return limiter;
}

}  // namespace plm::spotify
