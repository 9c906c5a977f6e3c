#include "emulator/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace spotify_emulator {
namespace {

using Kind = RateDecision::Kind;

TEST(RateLimiter, AllowsTheBudgetThenLimitsUntilTheOldestCallLeavesTheWindow) {
  RateLimiter limiter({.window_budget = 3, .window_ms = 30'000});

  EXPECT_EQ(limiter.on_call("app", "dev", 0).kind, Kind::Allowed);
  EXPECT_EQ(limiter.on_call("app", "dev", 1'000).kind, Kind::Allowed);
  EXPECT_EQ(limiter.on_call("app", "dev", 2'000).kind, Kind::Allowed);
  const auto limited = limiter.on_call("app", "dev", 10'000);

  EXPECT_EQ(limited.kind, Kind::RateLimited);
  EXPECT_EQ(limited.retry_after_s, 20);  // the call at 0 leaves the window at 30 s
  EXPECT_EQ(limiter.on_call("app", "dev", 31'000).kind, Kind::Allowed);
}

TEST(RateLimiter, CountsEachClientIdSeparately) {
  RateLimiter limiter({.window_budget = 1});
  EXPECT_EQ(limiter.on_call("a", "dev", 0).kind, Kind::Allowed);
  EXPECT_EQ(limiter.on_call("b", "dev", 0).kind, Kind::Allowed);
  EXPECT_EQ(limiter.on_call("a", "dev", 0).kind, Kind::RateLimited);
}

TEST(RateLimiter, PenaltyGrowsWhileTheClientKeepsCalling) {
  RateLimiter limiter({.window_budget = 1, .window_ms = 10'000, .penalty_step_ms = 1'000});
  limiter.on_call("a", "dev", 0);
  const auto first = limiter.on_call("a", "dev", 0);
  const auto second = limiter.on_call("a", "dev", 0);
  const auto third = limiter.on_call("a", "dev", 0);

  EXPECT_EQ(first.retry_after_s, 10);
  EXPECT_EQ(second.retry_after_s, 11);
  EXPECT_EQ(third.retry_after_s, 13);
  EXPECT_EQ(limiter.on_call("a", "dev", 12'999).kind, Kind::RateLimited);
}

TEST(RateLimiter, PenaltyStopsGrowingAtTheCap) {
  RateLimiter limiter({.window_budget = 1,
                       .window_ms = 10'000,
                       .penalty_step_ms = 60'000,
                       .max_penalty_ms = 3'600'000});
  limiter.on_call("a", "dev", 0);
  std::int64_t retry_after_s = 0;
  for (int strike = 0; strike < 20; ++strike)
    retry_after_s = limiter.on_call("a", "dev", 0).retry_after_s;

  EXPECT_EQ(retry_after_s, 3'600);  // 60 s × (1 + 2 + … + 20) would be 3.5 hours
  EXPECT_EQ(limiter.on_call("a", "dev", 3'599'999).kind, Kind::RateLimited);
}

TEST(RateLimiter, QuotaIsSharedByTheDevelopersClientIds) {
  RateLimiter limiter({.quota_budget = 2, .quota_period_ms = 60'000});
  EXPECT_EQ(limiter.on_call("a", "dev", 0).kind, Kind::Allowed);
  EXPECT_EQ(limiter.on_call("b", "dev", 0).kind, Kind::Allowed);
  const auto exceeded = limiter.on_call("a", "dev", 15'000);

  EXPECT_EQ(exceeded.kind, Kind::QuotaExceeded);
  EXPECT_EQ(exceeded.retry_after_s, 45);
  EXPECT_EQ(limiter.on_call("c", "other-dev", 15'000).kind, Kind::Allowed);
  EXPECT_EQ(limiter.on_call("a", "dev", 60'000).kind, Kind::Allowed);
}

TEST(RateLimiter, UnlimitedByDefault) {
  RateLimiter limiter;
  for (int i = 0; i < 10'000; ++i) ASSERT_EQ(limiter.on_call("a", "dev", 0).kind, Kind::Allowed);
}

}  // namespace
}  // namespace spotify_emulator
