#include "spotify/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace plm::spotify {
namespace {

using namespace std::chrono_literals;

const SteadyTime kT0 = SteadyTime(std::chrono::seconds(1'000'000));

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

TEST(RateLimiter, CallsCountFromTheirArrivalNotTheirSendTime) {
  // The server counts a call when it arrives; the client must not reuse its slot 30 s after it
  // was sent but only 30 s after its answer came (the one-call overshoot with budget 200).
  RateLimiter limiter({.window_budget = 1, .window = 30s});
  EXPECT_EQ(limiter.try_acquire(kT0), 0ms);
  EXPECT_EQ(limiter.delay_at(kT0 + 100ms), 29'900ms);  // in flight: counts from its send time
  limiter.record_arrival(kT0, kT0 + 250ms);
  EXPECT_EQ(limiter.delay_at(kT0 + 30s), 250ms);
  EXPECT_EQ(limiter.try_acquire(kT0 + 30'250ms), 0ms);
}

TEST(RateLimiter, ArrivalsOutOfOrderKeepTheWindowSorted) {
  RateLimiter limiter({.window_budget = 2, .window = 30s});
  EXPECT_EQ(limiter.try_acquire(kT0), 0ms);
  EXPECT_EQ(limiter.try_acquire(kT0 + 1s), 0ms);
  limiter.record_arrival(kT0 + 1s, kT0 + 2s);   // the second answer comes first
  limiter.record_arrival(kT0, kT0 + 5s);        // the first one was slow
  EXPECT_EQ(limiter.delay_at(kT0 + 10s), 22s);  // the slot of the call answered at kT0 + 2 s
  EXPECT_EQ(limiter.try_acquire(kT0 + 32s), 0ms);
  EXPECT_EQ(limiter.delay_at(kT0 + 32s), 3s);  // now the call answered at kT0 + 5 s is the oldest
}

TEST(RateLimiter, ArrivalOfACallTheWindowForgotIsRecordedAnew) {
  RateLimiter limiter({.window_budget = 2, .window = 30s});
  EXPECT_EQ(limiter.try_acquire(kT0), 0ms);
  EXPECT_EQ(limiter.try_acquire(kT0 + 40s), 0ms);  // forgets the call sent at kT0
  limiter.record_arrival(kT0, kT0 + 45s);          // a 45-second call: counts from its answer
  EXPECT_EQ(limiter.delay_at(kT0 + 50s), 20s);
}

TEST(RateLimiter, QuotaPauseIsReportedApart) {
  RateLimiter limiter({.window_budget = 10, .window = 30s});
  limiter.pause_until(kT0 + 5s);
  EXPECT_EQ(limiter.quota_delay_at(kT0), 0ms);
  limiter.pause_for_quota_until(kT0 + 1h);
  limiter.pause_for_quota_until(kT0 + 10s);  // never shortened
  EXPECT_EQ(limiter.quota_delay_at(kT0), 1h);
  EXPECT_EQ(limiter.delay_at(kT0), 1h);
  EXPECT_EQ(limiter.try_acquire(kT0), 1h);
  EXPECT_EQ(limiter.quota_delay_at(kT0 + 1h), 0ms);
  EXPECT_EQ(limiter.try_acquire(kT0 + 1h), 0ms);
}

TEST(SharedRateLimiter, ReadsItsClockAndCountsACallFromItsAnswer) {
  SteadyTime now = kT0;
  SharedRateLimiter limiter({.window_budget = 1, .window = 30s}, [&now] { return now; });
  const auto first = limiter.try_acquire();
  ASSERT_TRUE(first && first->admitted());
  EXPECT_NE(first->ticket, 0);
  now += 2s;
  limiter.record_answer(first->ticket);
  now += 3s;
  EXPECT_EQ(limiter.try_acquire()->wait, 27s);  // counts from its answer at kT0 + 2 s
  limiter.pause_for_quota(1h);
  EXPECT_EQ(limiter.quota_paused_until(), kT0 + 5s + 1h);
  const auto quota = limiter.try_acquire();
  EXPECT_EQ(quota->quota_wait, 1h);
  EXPECT_EQ(quota->wait, 1h);
  limiter.pause_for(10s);
  EXPECT_EQ(limiter.paused_until(), kT0 + 15s);
}

TEST(SharedRateLimiter, WithoutABudgetNothingIsRecorded) {
  SharedRateLimiter limiter({.window_budget = 0}, [] { return kT0; });
  for (int i = 0; i < 100; ++i) {
    const auto admission = limiter.try_acquire();
    ASSERT_TRUE(admission && admission->admitted());
    EXPECT_EQ(admission->ticket, 0);
  }
}

TEST(RateLimiterRegistry, SameClientIdSharesOneLimiter) {
  RateLimiterRegistry registry;
  const SteadySource clock = [] { return kT0; };
  auto a = registry.for_client("app-1", {.window_budget = 1}, clock);
  auto b = registry.for_client("app-1", {.window_budget = 50}, clock);
  auto c = registry.for_client("app-2", {.window_budget = 1}, clock);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a->try_acquire()->wait, 0ms);
  EXPECT_EQ(b->try_acquire()->wait, 30s);  // the first settings won: budget 1
  EXPECT_EQ(c->try_acquire()->wait, 0ms);
  a->pause_until(kT0 + 90s);
  EXPECT_EQ(b->paused_until(), kT0 + 90s);
}

}  // namespace
}  // namespace plm::spotify
