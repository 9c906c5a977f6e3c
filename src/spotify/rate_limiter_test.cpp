#include "spotify/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace plm::spotify {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1'800'000'000));

TEST(RateLimiter, UnlimitedWithoutBudget) {
  RateLimiter limiter;
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.try_acquire(kT0), 0ms);
}

TEST(RateLimiter, WaitsUntilTheOldestCallLeavesTheWindow) {
  RateLimiter limiter({.window_budget = 3, .window = 30s});
  EXPECT_EQ(limiter.try_acquire(kT0), 0ms);
  EXPECT_EQ(limiter.try_acquire(kT0 + 1s), 0ms);
  EXPECT_EQ(limiter.try_acquire(kT0 + 2s), 0ms);
  // Full: the call at kT0 leaves at kT0 + 30 s.
  EXPECT_EQ(limiter.try_acquire(kT0 + 10s), 20s);
  EXPECT_EQ(limiter.delay_at(kT0 + 29'999ms), 1ms);
  EXPECT_EQ(limiter.try_acquire(kT0 + 30s), 0ms);
  // Now the window holds kT0+1, kT0+2, kT0+30: the next slot opens at kT0 + 31 s.
  EXPECT_EQ(limiter.try_acquire(kT0 + 30s), 1s);
}

TEST(RateLimiter, DelayDoesNotRecord) {
  RateLimiter limiter({.window_budget = 1, .window = 30s});
  EXPECT_EQ(limiter.delay_at(kT0), 0ms);
  EXPECT_EQ(limiter.delay_at(kT0), 0ms);
  limiter.record_call(kT0);
  EXPECT_EQ(limiter.delay_at(kT0), 30s);
}

TEST(RateLimiter, PauseAppliesToEveryCallAndNeverShrinks) {
  RateLimiter limiter;
  limiter.pause_until(kT0 + 5s);
  limiter.pause_until(kT0 + 2s);  // a shorter pause does not shorten the longer one
  EXPECT_EQ(limiter.try_acquire(kT0), 5s);
  EXPECT_EQ(limiter.try_acquire(kT0 + 4'500ms), 500ms);
  EXPECT_EQ(limiter.try_acquire(kT0 + 5s), 0ms);
}

TEST(RateLimiter, PauseAndWindowCombineToTheLongerWait) {
  RateLimiter limiter({.window_budget = 1, .window = 30s});
  EXPECT_EQ(limiter.try_acquire(kT0), 0ms);
  limiter.pause_until(kT0 + 40s);
  EXPECT_EQ(limiter.delay_at(kT0 + 1s), 39s);
}

TEST(RateLimiterRegistry, SameClientIdSharesOneLimiter) {
  RateLimiterRegistry registry;
  auto a = registry.for_client("app-1", {.window_budget = 1});
  auto b = registry.for_client("app-1", {.window_budget = 50});
  auto c = registry.for_client("app-2", {.window_budget = 1});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a->try_acquire(kT0), 0ms);
  EXPECT_EQ(b->try_acquire(kT0), 30s);  // the first settings won: budget 1
  EXPECT_EQ(c->try_acquire(kT0), 0ms);
  a->pause_until(kT0 + 90s);
  EXPECT_EQ(b->paused_until(), kT0 + 90s);
}

}  // namespace
}  // namespace plm::spotify
