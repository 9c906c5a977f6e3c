#include "emulator/faults.hpp"

#include <algorithm>
#include <limits>

#include "http/message.hpp"

namespace spotify_emulator {

std::string fault_message(const FaultRule& rule, int status) {
  if (!rule.message.empty()) return rule.message;
  if (rule.kind == FaultRule::Kind::QuotaExceeded) return "Too many requests";
  if (rule.kind == FaultRule::Kind::RateLimited) return "API rate limit exceeded";
  // Spotify's own wording where reports show it (spotify-api.md sections 4.3 and 7.12).
  switch (status) {
    case 500:
      return "Server error.";
    case 502:
      return "Bad gateway.";
    case 503:
      return "Service unavailable";
    case 504:
      return "Service didn't reply before timeout";  // spotify/web-api#1057
    case 404:
      return "Not found.";
    default:
      return std::string(plm::http::reason_phrase(status));
  }
}

void FaultPlan::add(FaultRule rule) {
  rule.nth = std::clamp<std::int64_t>(rule.nth, 1, FaultRule::kMaxCount);
  rule.count = std::clamp<std::int64_t>(rule.count, 1, FaultRule::kMaxCount);
  rules_.push_back(std::move(rule));
}

std::optional<FaultRule> FaultPlan::on_call(std::string_view method, std::string_view path,
                                            bool web_api) {
  std::optional<FaultRule> fired;
  for (auto& rule : rules_) {
    if (!rule.method.empty() && rule.method != method) continue;
    if (rule.path_contains.empty() ? !web_api
                                   : path.find(rule.path_contains) == std::string_view::npos)
      continue;
    if (rule.seen < std::numeric_limits<std::int64_t>::max()) ++rule.seen;
    // nth and count are at most 1e9 (add), so their sum cannot overflow.
    if (!fired && rule.seen >= rule.nth && rule.seen < rule.nth + rule.count) fired = rule;
  }
  return fired;
}

std::chrono::milliseconds FaultPlan::next_latency() {
  int delay = latency_.fixed_ms;
  if (latency_.jitter_ms > 0) {
    // xorshift64: deterministic across runs, so benchmarks are repeatable.
    jitter_state_ ^= jitter_state_ << 13;
    jitter_state_ ^= jitter_state_ >> 7;
    jitter_state_ ^= jitter_state_ << 17;
    delay += static_cast<int>(jitter_state_ % static_cast<std::uint64_t>(latency_.jitter_ms + 1));
  }
  return std::chrono::milliseconds(delay);
}

}  // namespace spotify_emulator
