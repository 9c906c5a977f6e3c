#include "web/throttle.hpp"

#include <gtest/gtest.h>

namespace plm::web {
namespace {

using namespace std::chrono_literals;
using TimePoint = std::chrono::system_clock::time_point;

TEST(LoginThrottle, BlocksAfterFiveFailuresInTheWindowUntilTheOldestLeavesIt) {
  LoginThrottle throttle(5, 15min);
  const TimePoint start{std::chrono::seconds(1'000'000)};
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(throttle.blocked("user:a", start + i * 1min));
    throttle.record_failure("user:a", start + i * 1min);
  }

  EXPECT_EQ(throttle.blocked("user:a", start + 5min), 10min);
  EXPECT_FALSE(throttle.blocked("user:b", start + 5min));
  EXPECT_EQ(throttle.blocked("user:a", start + 15min - 1s), 1s);
  EXPECT_FALSE(throttle.blocked("user:a", start + 15min));  // one failure left the window
  throttle.clear("user:a");
  EXPECT_FALSE(throttle.blocked("user:a", start + 5min));
}

TEST(LoginThrottle, FailuresOutsideTheWindowDoNotCount) {
  LoginThrottle throttle(5, 15min);
  const TimePoint start{std::chrono::seconds(1'000'000)};
  for (int i = 0; i < 10; ++i) throttle.record_failure("k", start + i * 4min);

  EXPECT_FALSE(throttle.blocked("k", start + 40min));  // 3 in the last 15 minutes
}

TEST(LoginThrottle, ReservingCountsTheAttemptAtOnceAndReleasingGivesItBack) {
  LoginThrottle throttle(5, 15min);
  const TimePoint now{std::chrono::seconds(1'000'000)};
  // Five attempts in flight at once (none verified yet): the sixth is refused.
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(throttle.reserve("k", now)) << i;
  EXPECT_TRUE(throttle.reserve("k", now));
  throttle.release("k", now);  // one of them succeeded
  EXPECT_FALSE(throttle.reserve("k", now));
  EXPECT_TRUE(throttle.reserve("k", now));
}

TEST(LoginThrottle, StaysWithinItsKeyLimitWhenEveryKeyIsRecent) {
  LoginThrottle throttle(5, 15min, /*max_keys=*/3);
  const TimePoint now{std::chrono::seconds(1'000'000)};
  for (int i = 0; i < 5; ++i) throttle.record_failure("old", now);
  throttle.record_failure("b", now + 1s);
  throttle.record_failure("c", now + 2s);
  throttle.record_failure("d", now + 3s);  // all recent: the one with the oldest failure goes

  EXPECT_EQ(throttle.keys(), 3u);
  EXPECT_FALSE(throttle.blocked("old", now + 4s));
}

TEST(LoginThrottle, RecordingTellsHowManyFailuresWereInTheWindowBefore) {
  LoginThrottle throttle(3, 15min);
  const TimePoint start{std::chrono::seconds(1'000'000)};

  EXPECT_EQ(throttle.record_failure("k", start), 0);
  EXPECT_EQ(throttle.record_failure("k", start + 1min), 1);
  EXPECT_EQ(throttle.record_failure("k", start + 2min), 2);
  EXPECT_EQ(throttle.record_failure("k", start + 3min), 3);
  EXPECT_EQ(throttle.record_failure("k", start + 4min), 3);  // only the last 3 are kept
  EXPECT_EQ(throttle.record_failure("k", start + 30min), 0);
}

class SignInThrottleTest : public ::testing::Test {
 protected:
  using Attempt = SignInThrottle::Attempt;
  /// A wrong password: the reservation stays.
  SignInThrottle::Decision fail(const std::string& address, const std::string& name) {
    return throttle_.reserve(Attempt{address, name}, now_);
  }
  /// The right password.
  SignInThrottle::Decision succeed(const std::string& address, const std::string& name) {
    const auto decision = throttle_.reserve(Attempt{address, name}, now_);
    if (!decision.refused) throttle_.succeeded(Attempt{address, name}, now_);
    return decision;
  }
  SignInThrottle throttle_;
  TimePoint now_{std::chrono::seconds(1'000'000)};
};

TEST_F(SignInThrottleTest, FiveFailuresLockTheAddressAndNameTogetherOnly) {
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(fail("192.0.2.1", "bob").refused);

  EXPECT_EQ(succeed("192.0.2.1", "bob").refused, 15min);
  EXPECT_FALSE(succeed("192.0.2.2", "bob").refused);
  EXPECT_FALSE(fail("192.0.2.1", "ann").refused);
  now_ += 15min;
  EXPECT_FALSE(succeed("192.0.2.1", "bob").refused);
}

TEST_F(SignInThrottleTest, TwentyFailuresLockTheAddressWhateverTheNames) {
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(fail("192.0.2.1", "").refused);  // not user names
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(fail("192.0.2.1", "user" + std::to_string(i)).refused);

  EXPECT_TRUE(succeed("192.0.2.1", "bob").refused);
  EXPECT_FALSE(succeed("192.0.2.2", "bob").refused);
}

TEST_F(SignInThrottleTest, ARefusalByTheAddressCostsThePairNothing) {
  for (int i = 0; i < 20; ++i) fail("192.0.2.1", "user" + std::to_string(i));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(fail("192.0.2.1", "bob").refused);
  now_ += 15min;

  EXPECT_FALSE(succeed("192.0.2.1", "bob").refused);
}

TEST_F(SignInThrottleTest, ANameUnderAttackIsSlowedForEveryoneUpToTheCapAndNeverRefused) {
  std::vector<std::chrono::milliseconds> delays;
  for (int i = 0; i < 16; ++i) {
    const auto decision = fail("192.0.2." + std::to_string(i), "bob");
    EXPECT_FALSE(decision.refused);
    delays.push_back(decision.delay);
  }
  const auto owner = succeed("198.51.100.7", "bob");
  const auto other = succeed("198.51.100.7", "ann");

  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{0s, 0s, 0s, 0s, 0s, 0s, 0s, 0s, 0s, 0s,
                                                            1s, 2s, 4s, 8s, 15s, 15s}));
  EXPECT_FALSE(owner.refused);
  EXPECT_EQ(owner.delay, 15s);
  EXPECT_EQ(other.delay, 0s);
  // The owner's success does not lift the slowdown; the window does.
  EXPECT_EQ(fail("203.0.113.1", "bob").delay, 15s);
  now_ += 15min;
  EXPECT_EQ(fail("203.0.113.1", "bob").delay, 0s);
}

TEST_F(SignInThrottleTest, ParallelAttemptsAreCountedBeforeTheyAreDecided) {
  // Six reservations before any is decided: the sixth is refused, and a success gives back its
  // own reservation only.
  for (int i = 0; i < 5; ++i)
    EXPECT_FALSE(throttle_.reserve(Attempt{"192.0.2.1", "bob"}, now_).refused);
  EXPECT_TRUE(throttle_.reserve(Attempt{"192.0.2.1", "bob"}, now_).refused);
  throttle_.release(Attempt{"192.0.2.1", "bob"}, now_);
  EXPECT_FALSE(throttle_.reserve(Attempt{"192.0.2.1", "bob"}, now_).refused);
}

}  // namespace
}  // namespace plm::web
