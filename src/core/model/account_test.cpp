#include "core/model/account.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/ports/clock.hpp"

namespace plm::core {
namespace {

using namespace std::chrono;

TEST(ValidUsername, AcceptsLettersDigitsAndTheFourMarks) {
  for (const std::string& name :
       std::vector<std::string>{"a", "admin", "Jane.Doe", "jane_doe", "jane-doe",
                                "jane@example.org", "0123456789", std::string(64, 'x')}) {
    EXPECT_TRUE(valid_username(name)) << name;
  }
}

TEST(ValidUsername, RefusesEmptyTooLongAndOtherCharacters) {
  for (const std::string& name :
       std::vector<std::string>{"", std::string(65, 'x'), "jane doe", "jane\tdoe", "jane/doe",
                                "jane:doe", "Zoë", "jane\ndoe", "semi;colon", "quote'"}) {
    EXPECT_FALSE(valid_username(name)) << testing::PrintToString(name);
  }
}

/// An account whose user consented at `when`.
SpotifyAccount consented_at(sys_seconds when) {
  SpotifyAccount account;
  account.tokens.authorized_at = when;
  return account;
}

sys_seconds at(year_month_day date, hours hour = hours(0), minutes minute = minutes(0)) {
  return sys_days(date) + hour + minute;
}

std::string expiry_of(sys_seconds authorized) {
  const auto expires = authorization_expires_at(consented_at(authorized));
  return expires ? format_utc(*expires) : "unknown";
}

TEST(AuthorizationExpiresAt, IsSixCalendarMonthsLaterAtTheSameTimeOfDay) {
  EXPECT_EQ(expiry_of(at(2026y / January / 10, hours(13), minutes(45))), "2026-07-10T13:45:00Z");
  EXPECT_EQ(expiry_of(at(2026y / December / 7, hours(2))), "2027-06-07T02:00:00Z");  // new year
  EXPECT_EQ(expiry_of(at(2026y / July / 31, hours(23), minutes(59))), "2027-01-31T23:59:00Z");
}

TEST(AuthorizationExpiresAt, ClampsToTheLastDayOfAShorterMonth) {
  EXPECT_EQ(expiry_of(at(2026y / March / 31, hours(8))), "2026-09-30T08:00:00Z");
  EXPECT_EQ(expiry_of(at(2025y / August / 31, hours(10))), "2026-02-28T10:00:00Z");
  EXPECT_EQ(expiry_of(at(2027y / August / 30)), "2028-02-29T00:00:00Z");  // leap year: Feb 29
  EXPECT_EQ(expiry_of(at(2027y / August / 31)), "2028-02-29T00:00:00Z");
  EXPECT_EQ(expiry_of(at(2099y / August / 29)), "2100-02-28T00:00:00Z");  // 2100 is no leap year
}

TEST(AuthorizationExpiresAt, ALeapDayConsentEndsOnTheSameDaySixMonthsLater) {
  EXPECT_EQ(expiry_of(at(2028y / February / 29, hours(12))), "2028-08-29T12:00:00Z");
}

TEST(AuthorizationExpiresAt, IsUnknownWithoutAConsentTime) {
  EXPECT_EQ(authorization_expires_at(SpotifyAccount{}), std::nullopt);
  EXPECT_EQ(authorization_days_left(SpotifyAccount{}, system_clock::now()), std::nullopt);
}

TEST(AuthorizationDaysLeft, CountsWholeDaysRoundedDown) {
  const auto account = consented_at(at(2026y / January / 10, hours(12)));
  const auto expires = at(2026y / July / 10, hours(12));

  EXPECT_EQ(authorization_days_left(account, at(2026y / January / 10, hours(12))), 181);
  EXPECT_EQ(authorization_days_left(account, expires - days(21)), 21);
  EXPECT_EQ(authorization_days_left(account, expires - days(21) + seconds(1)), 20);
  EXPECT_EQ(authorization_days_left(account, expires - seconds(1)), 0);
  EXPECT_EQ(authorization_days_left(account, expires), 0);
  EXPECT_EQ(authorization_days_left(account, expires + seconds(1)), -1);  // expired
}

}  // namespace
}  // namespace plm::core
