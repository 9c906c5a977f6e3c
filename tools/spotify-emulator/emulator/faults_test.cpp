#include "emulator/faults.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace spotify_emulator {
namespace {

FaultRule chance(double probability, int status = 503) {
  FaultRule rule;
  rule.status = status;
  rule.count = FaultRule::kMaxCount;
  rule.probability = probability;
  return rule;
}

/// Which of `calls` GET /v1/me calls fail: one character per call, 'x' for a fault.
std::string pattern(FaultPlan& plan, int calls) {
  std::string seen;
  for (int i = 0; i < calls; ++i) seen += plan.on_call("GET", "/v1/me") ? 'x' : '.';
  return seen;
}

/// A plan seeded with `seed` holding one rule that fires with `probability` on every call.
FaultPlan seeded(std::uint64_t seed, double probability) {
  FaultPlan plan;
  plan.seed(seed);
  plan.add(chance(probability));
  return plan;
}

TEST(FaultPlan, TheSameSeedReplaysTheSameFaults) {
  auto first = seeded(42, 0.3);
  auto second = seeded(42, 0.3);

  const std::string faults = pattern(first, 200);

  EXPECT_EQ(pattern(second, 200), faults);
  EXPECT_NE(faults.find('x'), std::string::npos);
  EXPECT_NE(faults.find('.'), std::string::npos);
}

TEST(FaultPlan, AnotherSeedGivesOtherFaultsAndReseedingRestartsTheSequence) {
  auto plan = seeded(42, 0.3);
  auto other = seeded(43, 0.3);

  const std::string faults = pattern(plan, 200);
  EXPECT_NE(pattern(other, 200), faults);

  plan.seed(42);
  EXPECT_EQ(pattern(plan, 200), faults);
}

TEST(FaultPlan, ProbabilityFiresAboutThatOftenAndOnlyWithinItsRange) {
  auto plan = seeded(7, 0.25);
  const std::string faults = pattern(plan, 4'000);
  const auto fired = std::count(faults.begin(), faults.end(), 'x');
  EXPECT_GT(fired, 850);  // 1,000 expected; the bounds are about five standard deviations out
  EXPECT_LT(fired, 1'150);

  FaultPlan ranged;
  auto rule = chance(1.0);
  rule.nth = 3;
  rule.count = 2;
  ranged.add(rule);
  EXPECT_EQ(pattern(ranged, 6), "..xx..");
}

TEST(FaultPlan, ProbabilitiesAreClampedAndZeroNeverFires) {
  FaultPlan plan;
  plan.add(chance(0.0));
  plan.add(chance(-3.0));
  EXPECT_EQ(pattern(plan, 100), std::string(100, '.'));
  plan.add(chance(7.0));
  EXPECT_EQ(plan.rules().back().probability, 1.0);
  EXPECT_EQ(pattern(plan, 3), "xxx");
}

TEST(FaultPlan, CountedRulesAreUnchangedAndWinOverStandingRules) {
  FaultPlan plan;
  plan.set_standing_rules({chance(1.0, 500)});
  FaultRule counted;
  counted.status = 503;
  counted.nth = 2;
  plan.add(counted);

  std::string statuses;
  for (int i = 0; i < 3; ++i)
    statuses += std::to_string(plan.on_call("GET", "/v1/me")->status) + " ";

  EXPECT_EQ(statuses, "500 503 500 ");
  plan.clear();  // the admin API's rules go; the profile's stay
  EXPECT_EQ(plan.on_call("GET", "/v1/me")->status, 500);
  EXPECT_FALSE(plan.on_call("POST", "/api/token", /*web_api=*/false));
}

}  // namespace
}  // namespace spotify_emulator
