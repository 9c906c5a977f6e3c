#include "emulator/profile.hpp"

#include <gtest/gtest.h>

namespace spotify_emulator {
namespace {

TEST(Profile, OnlyKnownNamesAreProfiles) {
  EXPECT_TRUE(find_profile("default"));
  EXPECT_TRUE(find_profile("realistic"));
  EXPECT_FALSE(find_profile("Realistic"));
  EXPECT_FALSE(find_profile(""));
}

TEST(Profile, RealisticIsADevelopmentModeAppWithinTheObservedRanges) {
  const auto options = apply_profile({}, *find_profile("realistic"), 99);

  EXPECT_EQ(options.profile, "realistic");
  EXPECT_EQ(options.fault_seed, 99u);
  // §3.1: a rolling 30 s window; below the 10 calls/s measured without a 429 (§3.3).
  EXPECT_EQ(options.rate_limits.window_ms, 30'000);
  EXPECT_GT(options.rate_limits.window_budget, 90);  // plm's default budget stays clear of it
  EXPECT_LT(options.rate_limits.window_budget, 300);
  // §3.3: penalties reach hours, not days.
  EXPECT_GT(options.rate_limits.penalty_step_ms, 0);
  EXPECT_GE(options.rate_limits.max_penalty_ms, 3'600'000);
  EXPECT_LE(options.rate_limits.max_penalty_ms, 24LL * 3'600'000);
  EXPECT_GT(options.rate_limits.quota_budget, 0);
  EXPECT_EQ(options.latency.fixed_ms, 40);
  EXPECT_EQ(options.latency.fixed_ms + options.latency.jitter_ms, 150);
  // §2.14, §7.7: reads lag writes for seconds; §2.12: covers show up later.
  EXPECT_GT(options.consistency.stale_read_ms, 0);
  EXPECT_LE(options.consistency.stale_read_ms, 10'000);
  EXPECT_GT(options.consistency.cover_delay_ms, 0);

  double server_errors = 0;
  bool applied_behind_502 = false, empty_bodies = false;
  for (const auto& rule : options.standing_faults) {
    ASSERT_TRUE(rule.probability);
    EXPECT_EQ(rule.count, FaultRule::kMaxCount);  // for as long as the profile holds
    empty_bodies = empty_bodies || rule.empty_body;
    if (rule.kind == FaultRule::Kind::ApplyThen502) {
      applied_behind_502 = true;
      EXPECT_NE(rule.method, "GET");  // only writes
      EXPECT_LE(*rule.probability, 0.02);
    } else {
      EXPECT_EQ(rule.kind, FaultRule::Kind::FailStatus);
      EXPECT_GE(rule.status, 500);
      EXPECT_LE(rule.status, 504);
      server_errors += *rule.probability;
    }
  }
  EXPECT_TRUE(applied_behind_502);
  EXPECT_TRUE(empty_bodies);
  EXPECT_GT(server_errors, 0.001);  // occasional: about 1 call in 100
  EXPECT_LT(server_errors, 0.05);
}

TEST(Profile, DefaultUndoesRealisticAndKeepsEverythingElse) {
  EmulatorOptions options;
  options.mode = ApiMode::Extended;
  options.auto_approve = true;
  const auto realistic = apply_profile(options, *find_profile("realistic"), 5);

  const auto back = apply_profile(realistic, *find_profile("default"), 5);

  EXPECT_EQ(back.profile, "default");
  EXPECT_EQ(back.rate_limits.window_budget, 0);
  EXPECT_EQ(back.rate_limits.quota_budget, 0);
  EXPECT_EQ(back.latency.fixed_ms, 0);
  EXPECT_EQ(back.latency.jitter_ms, 0);
  EXPECT_TRUE(back.standing_faults.empty());
  EXPECT_FALSE(back.consistency.stale());
  EXPECT_EQ(back.consistency.cover_delay_ms, 0);
  EXPECT_EQ(back.mode, ApiMode::Extended);  // not a profile's business
  EXPECT_TRUE(back.auto_approve);
}

}  // namespace
}  // namespace spotify_emulator
