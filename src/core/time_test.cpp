#include "core/time.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace plm::core {
namespace {

using namespace std::chrono;

/// 2026-11-24T05:12:40Z.
const TimePoint kTime = sys_days{2026y / November / 24} + hours{5} + minutes{12} + seconds{40};

TEST(FormatUtc, WritesWholeSecondsWithZ) {
  EXPECT_EQ(format_utc(kTime), "2026-11-24T05:12:40Z");
  EXPECT_EQ(format_utc(kTime + milliseconds{999}), "2026-11-24T05:12:40Z");  // rounded down
  EXPECT_EQ(format_utc(TimePoint{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(TimePoint{} - milliseconds{1}), "1969-12-31T23:59:59Z");
}

TEST(FormatUtc, OrEmptyWritesNothingForNoTime) {
  EXPECT_EQ(format_utc_or_empty(std::nullopt), "");
  EXPECT_EQ(format_utc_or_empty(kTime), "2026-11-24T05:12:40Z");
}

TEST(ParseUtc, ReadsWhatFormatUtcWrites) {
  EXPECT_EQ(parse_utc("2026-11-24T05:12:40Z"), kTime);
  EXPECT_EQ(parse_utc(format_utc(kTime + milliseconds{250})), kTime);
  EXPECT_EQ(parse_utc("1970-01-01T00:00:00Z"), TimePoint{});
  EXPECT_EQ(parse_utc("2028-02-29T00:00:00Z"), TimePoint{sys_days{2028y / February / 29}});
}

TEST(ParseUtc, KeepsFractionsOfASecondToTheNanosecond) {
  EXPECT_EQ(parse_utc("2026-11-24T05:12:40.5Z"), kTime + milliseconds{500});
  EXPECT_EQ(parse_utc("2026-11-24T05:12:40.123Z"), kTime + milliseconds{123});
  EXPECT_EQ(parse_utc("2026-11-24T05:12:40.000123Z"), kTime + microseconds{123});
  EXPECT_EQ(parse_utc("2026-11-24T05:12:40.123456789Z"), kTime + nanoseconds{123'456'789});
  // Digits past the nanosecond are dropped, not rounded.
  EXPECT_EQ(parse_utc("2026-11-24T05:12:40.1234567899999Z"), kTime + nanoseconds{123'456'789});
  EXPECT_EQ(parse_utc("2026-11-24T05:12:40,25Z"), kTime + milliseconds{250});  // ISO's comma
}

TEST(ParseUtc, ReadsOffsetsAsSpotifyAndTheDatabasesSendThem) {
  EXPECT_EQ(parse_utc("2026-11-24T06:12:40+01:00"), kTime);
  EXPECT_EQ(parse_utc("2026-11-24T06:12:40+0100"), kTime);
  EXPECT_EQ(parse_utc("2026-11-24T00:12:40-05:00"), kTime);
  EXPECT_EQ(parse_utc("2026-11-24T10:42:40+05:30"), kTime);
  EXPECT_EQ(parse_utc("2026-11-23T23:42:40-05:30"), kTime);  // the day before
  EXPECT_EQ(parse_utc("2026-11-24T05:12:40-00:00"), kTime);
  // PostgreSQL's timestamptz text: a space, hours-only offset, microseconds.
  EXPECT_EQ(parse_utc("2026-11-24 05:12:40+00"), kTime);
  EXPECT_EQ(parse_utc("2026-11-24 07:12:40.123456+02"), kTime + microseconds{123'456});
  EXPECT_EQ(parse_utc("2026-11-24t05:12:40z"), kTime);  // RFC 3339 allows lower case
}

TEST(ParseUtc, RefusesInvalidText) {
  for (const std::string& text : std::vector<std::string>{
           "",
           "x",
           "2026-11-24",                 // a date alone
           "2026-11-24T05:12:40",        // no zone: local time to ISO 8601
           "2026-11-24 05:12:40",        // SQLite's datetime(): no zone either
           "2026-11-24T05:12Z",          // no seconds
           "2026-11-24T05:12:40.Z",      // a mark without digits
           "2026-11-24T05:12:40.5",      // a fraction without zone
           "2026-11-24T05:12:40+1",      // one-digit offset
           "2026-11-24T05:12:40+01:",    // minutes missing
           "2026-11-24T05:12:40+01:0",   // one-digit minutes
           "2026-11-24T05:12:40+24:00",  // no such offset
           "2026-11-24T05:12:40+01:60",
           "2026-11-24T05:12:40ZZ",
           "2026-11-24T05:12:40Z ",  // trailing space
           " 2026-11-24T05:12:40Z",  // leading space
           "2026-11-24_05:12:40Z",   // other separator
           "2026-1-24T05:12:40Z",    // one-digit month
           "26-11-24T05:12:40Z",     // two-digit year
           "2026-13-01T00:00:00Z",   // no month 13
           "2026-02-29T00:00:00Z",   // 2026 is no leap year
           "2026-04-31T00:00:00Z",   // April has 30 days
           "2026-11-24T24:00:00Z",   // ISO's end of day
           "2026-11-24T23:60:00Z",
           "2016-12-31T23:59:60Z",  // a leap second
           "2026-11-24T05:12:4OZ",  // a letter O
           "2026-11-24T05:12:40.1a2Z",
           "+2026-11-24T05:12:40Z",
       }) {
    EXPECT_EQ(parse_utc(text), std::nullopt) << testing::PrintToString(text);
  }
}

TEST(ParseUtc, RefusesTimesOutsideTheRangeTakenFromOutside) {
  EXPECT_EQ(parse_utc("9999-12-31T23:59:59Z"), std::nullopt);
  EXPECT_EQ(parse_utc("0000-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_utc("2200-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_utc("1800-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_utc(format_utc(kLatestTime)), kLatestTime);
  EXPECT_EQ(parse_utc(format_utc(kEarliestTime)), kEarliestTime);
  EXPECT_EQ(parse_utc("2116-02-20T23:59:59Z"), std::nullopt);  // past kLatestTime
  EXPECT_EQ(format_utc(kLatestTime), "2116-02-20T23:53:38Z");
  EXPECT_EQ(format_utc(kEarliestTime), "1823-11-12T00:06:22Z");
}

TEST(UnixSeconds, RoundDownAndClampStoredNumbers) {
  EXPECT_EQ(to_unix_seconds(kTime), 1'795'497'160);
  EXPECT_EQ(to_unix_seconds(kTime + milliseconds{999}), 1'795'497'160);
  EXPECT_EQ(to_unix_seconds(TimePoint{} - milliseconds{1}), -1);  // down, not towards zero
  EXPECT_EQ(from_unix_seconds(1'795'497'160), kTime);
  EXPECT_EQ(from_unix_seconds(0), TimePoint{});
  EXPECT_EQ(from_unix_seconds(std::numeric_limits<std::int64_t>::max()), kLatestTime);
  EXPECT_EQ(from_unix_seconds(std::numeric_limits<std::int64_t>::min()), kEarliestTime);
  // So the difference of any two stored times stays representable.
  EXPECT_GT(kLatestTime - kEarliestTime, TimePoint::duration::zero());
}

}  // namespace
}  // namespace plm::core
