#include "spotify/retry_policy.hpp"

#include <gtest/gtest.h>

namespace plm::spotify {
namespace {

using namespace std::chrono_literals;
using Kind = RateLimitDecision::Kind;

TEST(Backoff, DoublesWithEqualJitterAndIsCapped) {
  EXPECT_EQ(backoff_delay(1s, 60s, 0, 0.0), 500ms);
  EXPECT_EQ(backoff_delay(1s, 60s, 0, 0.999), 999ms);
  EXPECT_EQ(backoff_delay(1s, 60s, 1, 0.0), 1s);
  EXPECT_EQ(backoff_delay(1s, 60s, 2, 0.5), 3s);
  EXPECT_EQ(backoff_delay(1s, 60s, 10, 0.0), 30s);    // capped at 60 s, half of it fixed
  EXPECT_EQ(backoff_delay(1s, 60s, 1000, 1.0), 60s);  // huge retry counts do not overflow
  EXPECT_EQ(backoff_delay(1s, 60s, -3, 0.0), 500ms);
}

TEST(Transient, OnlyGatewayAndServerErrors) {
  for (const int status : {500, 502, 503, 504}) EXPECT_TRUE(is_transient_status(status));
  for (const int status : {200, 400, 401, 403, 404, 429, 501, 505}) {
    EXPECT_FALSE(is_transient_status(status)) << status;
  }
}

TEST(RetryAfter, ParsesWholeSeconds) {
  EXPECT_EQ(parse_retry_after("3"), 3s);
  EXPECT_EQ(parse_retry_after(" 3600 "), 3600s);
  EXPECT_EQ(parse_retry_after("0"), 0s);
  EXPECT_EQ(parse_retry_after(std::nullopt), std::nullopt);
  EXPECT_EQ(parse_retry_after(""), std::nullopt);
  EXPECT_EQ(parse_retry_after("-1"), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5"), std::nullopt);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), std::nullopt);
}

TEST(RateLimitDecision, ShortRetryAfterIsWaitedOut) {
  const auto decision = decide_rate_limit(RetrySettings{}, 2s, false, 0, 0ms, 0.5);
  EXPECT_EQ(decision.kind, Kind::Wait);
  EXPECT_EQ(decision.wait, 2s);
}

TEST(RateLimitDecision, LongRetryAfterIsNeverSlept) {
  const auto decision =
      decide_rate_limit(RetrySettings{.max_wait = 60s}, 3600s, false, 0, 0ms, 0.5);
  EXPECT_EQ(decision.kind, Kind::RateLimited);
  EXPECT_EQ(decision.wait, 3600s);
}

TEST(RateLimitDecision, QuotaIsSurfacedWithItsRetryAfterOrADefault) {
  auto decision = decide_rate_limit(RetrySettings{}, 5s, true, 0, 0ms, 0.5);
  EXPECT_EQ(decision.kind, Kind::QuotaExceeded);
  EXPECT_EQ(decision.wait, 5s);
  decision =
      decide_rate_limit(RetrySettings{.quota_default_wait = 1h}, std::nullopt, true, 0, 0ms, 0.5);
  EXPECT_EQ(decision.kind, Kind::QuotaExceeded);
  EXPECT_EQ(decision.wait, 1h);
}

TEST(RateLimitDecision, MissingRetryAfterBacksOffExponentially) {
  const RetrySettings settings{.rate_limit_backoff = 1s, .max_backoff = 60s};
  EXPECT_EQ(decide_rate_limit(settings, std::nullopt, false, 0, 0ms, 0.0).wait, 500ms);
  EXPECT_EQ(decide_rate_limit(settings, std::nullopt, false, 3, 0ms, 0.0).wait, 4s);
  EXPECT_EQ(decide_rate_limit(settings, std::nullopt, false, 3, 0ms, 0.0).kind, Kind::Wait);
}

TEST(RateLimitDecision, ManyShort429sAreRiddenOutWithinTheWaitBudget) {
  const RetrySettings settings{.max_wait = 60s};  // budget: 5 × 60 s of waiting per call
  // The 9th, 20th, 49th short 429 in a row is still waited out.
  for (const int retries : {8, 19, 49}) {
    EXPECT_EQ(decide_rate_limit(settings, 1s, false, retries, Millis(retries * 1000), 0.0).kind,
              Kind::Wait)
        << retries;
  }
  // A wait that would take the call over its budget is not.
  EXPECT_EQ(decide_rate_limit(settings, 30s, false, 9, 270s, 0.0).kind, Kind::Wait);
  const auto over = decide_rate_limit(settings, 31s, false, 10, 270s, 0.0);
  EXPECT_EQ(over.kind, Kind::RateLimited);
  EXPECT_EQ(over.wait, 31s);
}

TEST(RateLimitDecision, GivesUpAfterTheSafetyCapOf429s) {
  const RetrySettings settings{.max_rate_limit_retries = 3};
  EXPECT_EQ(decide_rate_limit(settings, 1s, false, 2, 2s, 0.0).kind, Kind::Wait);
  const auto decision = decide_rate_limit(settings, 1s, false, 3, 3s, 0.0);
  EXPECT_EQ(decision.kind, Kind::RateLimited);
  EXPECT_EQ(decision.wait, 1s);
  EXPECT_EQ(RetrySettings{}.max_rate_limit_retries, 50);
}

TEST(RetryAfter, HugeValuesAreClampedToADay) {
  EXPECT_EQ(parse_retry_after("86400"), 86400s);
  EXPECT_EQ(parse_retry_after("86401"), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("99999999999999000"), kMaxRetryAfter);
  EXPECT_EQ(parse_retry_after("999999999999999999999999999"), kMaxRetryAfter);
  // What the client computes with it stays finite (UBSan watches this under the asan preset).
  const auto quota =
      decide_rate_limit(RetrySettings{}, parse_retry_after("99999999999999000"), true, 0, 0ms, 0.5);
  EXPECT_EQ(quota.wait, 24h);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'793'491'200));
  EXPECT_GT(now + quota.wait, now);
  const auto limited = decide_rate_limit(RetrySettings{}, std::chrono::seconds(99999999999999000),
                                         false, 0, 0ms, 0.5);
  EXPECT_EQ(limited.kind, Kind::RateLimited);
  EXPECT_EQ(limited.wait, 24h);
}

}  // namespace
}  // namespace plm::spotify
