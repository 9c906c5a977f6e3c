#include "emulator/faults.hpp"

namespace spotify_emulator {

std::optional<FaultRule> FaultPlan::on_call(std::string_view method, std::string_view path) {
  std::optional<FaultRule> fired;
  for (auto& rule : rules_) {
    if (!rule.method.empty() && rule.method != method) continue;
    if (!rule.path_contains.empty() && path.find(rule.path_contains) == std::string_view::npos)
      continue;
    ++rule.seen;
    const int first = rule.nth < 1 ? 1 : rule.nth;
    if (!fired && rule.seen >= first && rule.seen < first + rule.count) fired = rule;
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
