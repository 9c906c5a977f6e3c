#include "emulator/clock.hpp"

#include <gtest/gtest.h>

namespace spotify_emulator {
namespace {

TEST(Iso8601, FormatsAndParsesUtcTimes) {
  const auto parsed = parse_iso8601("2026-11-24T05:12:40Z");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(format_iso8601(*parsed), "2026-11-24T05:12:40Z");
  EXPECT_EQ(parse_iso8601("2026-11-24"), parse_iso8601("2026-11-24T00:00:00Z"));
}

TEST(Iso8601, RejectsInvalidDates) {
  EXPECT_FALSE(parse_iso8601("2026-02-30T00:00:00Z").has_value());
  EXPECT_FALSE(parse_iso8601("yesterday").has_value());
  EXPECT_FALSE(parse_iso8601("2026-11-24T25:00:00Z").has_value());
}

TEST(AddMonths, ClampsToTheEndOfShorterMonths) {
  EXPECT_EQ(format_iso8601(add_months(*parse_iso8601("2026-08-31T12:00:00Z"), 6)),
            "2027-02-28T12:00:00Z");
  EXPECT_EQ(format_iso8601(add_months(*parse_iso8601("2026-05-15T00:00:00Z"), 6)),
            "2026-11-15T00:00:00Z");
}

TEST(Clock, FrozenClockMovesOnlyWhenAdvanced) {
  Clock clock(1000, /*frozen=*/true);
  EXPECT_EQ(clock.now_ms(), 1000);
  clock.advance_ms(30'000);
  EXPECT_EQ(clock.now_ms(), 31'000);
}

}  // namespace
}  // namespace spotify_emulator
