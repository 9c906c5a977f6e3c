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

namespace {

FaultRule clamped(FaultRule rule) {
  rule.nth = std::clamp<std::int64_t>(rule.nth, 1, FaultRule::kMaxCount);
  rule.count = std::clamp<std::int64_t>(rule.count, 1, FaultRule::kMaxCount);
  // NaN compares false both ways: it becomes 0, a rule that never fires.
  if (rule.probability)
    rule.probability = *rule.probability >= 0 ? std::min(*rule.probability, 1.0) : 0.0;
  return rule;
}

}  // namespace

void FaultPlan::add(FaultRule rule) { rules_.push_back(clamped(std::move(rule))); }

void FaultPlan::set_standing_rules(std::vector<FaultRule> rules) {
  standing_.clear();
  for (auto& rule : rules) standing_.push_back(clamped(std::move(rule)));
}

void FaultPlan::seed(std::uint64_t seed) {
  seed_ = seed;
  draw_state_ = seed;
}

double FaultPlan::draw() {
  // splitmix64: the same seed gives the same sequence on every platform (std::
  // uniform_real_distribution does not promise that).
  std::uint64_t x = (draw_state_ += 0x9E3779B97F4A7C15ULL);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

bool FaultPlan::fires(FaultRule& rule, std::string_view method, std::string_view path,
                      bool web_api) {
  if (!rule.method.empty() && rule.method != method) return false;
  if (rule.path_contains.empty() ? !web_api
                                 : path.find(rule.path_contains) == std::string_view::npos)
    return false;
  if (rule.seen < std::numeric_limits<std::int64_t>::max()) ++rule.seen;
  // nth and count are at most 1e9 (clamped), so their sum cannot overflow.
  if (rule.seen < rule.nth || rule.seen >= rule.nth + rule.count) return false;
  // Every call in range draws, whether or not an earlier rule fired, so the draws of one rule do
  // not depend on the others.
  return !rule.probability || draw() < *rule.probability;
}

std::optional<FaultRule> FaultPlan::on_call(std::string_view method, std::string_view path,
                                            bool web_api) {
  std::optional<FaultRule> fired;
  for (auto* rules : {&rules_, &standing_}) {
    for (auto& rule : *rules) {
      if (fires(rule, method, path, web_api) && !fired) fired = rule;
    }
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
