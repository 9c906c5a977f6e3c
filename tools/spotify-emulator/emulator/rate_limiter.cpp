#include "emulator/rate_limiter.hpp"

#include <algorithm>

namespace spotify_emulator {

namespace {
std::int64_t ceil_seconds(std::int64_t ms) { return ms <= 0 ? 1 : (ms + 999) / 1000; }
}  // namespace

RateDecision RateLimiter::on_call(const std::string& client_id, const std::string& developer_id,
                                  std::int64_t now_ms) {
  if (settings_.quota_budget > 0) {
    auto& quota = quotas_[developer_id];
    if (now_ms - quota.period_start_ms >= settings_.quota_period_ms) {
      quota.period_start_ms = now_ms;
      quota.used = 0;
    }
    if (quota.used >= settings_.quota_budget) {
      return {RateDecision::Kind::QuotaExceeded,
              ceil_seconds(quota.period_start_ms + settings_.quota_period_ms - now_ms)};
    }
  }
  if (settings_.window_budget > 0) {
    auto& client = clients_[client_id];
    if (now_ms < client.blocked_until_ms) {
      // Calling while limited: the penalty grows with every such call.
      ++client.strikes;
      client.blocked_until_ms += settings_.penalty_step_ms * client.strikes;
      if (settings_.max_penalty_ms > 0)
        client.blocked_until_ms =
            std::min(client.blocked_until_ms, now_ms + settings_.max_penalty_ms);
      return {RateDecision::Kind::RateLimited, ceil_seconds(client.blocked_until_ms - now_ms)};
    }
    client.strikes = 0;
    while (!client.calls.empty() && client.calls.front() <= now_ms - settings_.window_ms) {
      client.calls.pop_front();
    }
    if (static_cast<int>(client.calls.size()) >= settings_.window_budget) {
      client.blocked_until_ms = client.calls.front() + settings_.window_ms;
      return {RateDecision::Kind::RateLimited, ceil_seconds(client.blocked_until_ms - now_ms)};
    }
    client.calls.push_back(now_ms);
  }
  if (settings_.quota_budget > 0) ++quotas_[developer_id].used;
  return {};
}

void RateLimiter::clear() {
  clients_.clear();
  quotas_.clear();
}

}  // namespace spotify_emulator
