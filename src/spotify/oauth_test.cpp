#include "spotify/oauth.hpp"

#include <gtest/gtest.h>

#include <set>

namespace plm::spotify {
namespace {

TEST(Pkce, ChallengeMatchesRfc7636AppendixB) {
  EXPECT_EQ(pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, VerifierHasAllowedLengthAndCharacters) {
  for (const std::size_t length :
       {std::size_t{10}, std::size_t{43}, std::size_t{64}, std::size_t{128}, std::size_t{500}}) {
    const auto verifier = make_code_verifier(length);
    EXPECT_GE(verifier.size(), 43u);
    EXPECT_LE(verifier.size(), 128u);
    EXPECT_EQ(verifier.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"),
              std::string::npos);
  }
  EXPECT_NE(make_code_verifier(), make_code_verifier());
}

TEST(Pkce, StatesAreRandom) {
  std::set<std::string> states;
  for (int i = 0; i < 50; ++i) states.insert(make_state());
  EXPECT_EQ(states.size(), 50u);
  EXPECT_EQ(make_state().size(), 32u);
}

TEST(Callback, ReturnsTheCodeWhenStateMatches) {
  auto code = code_from_callback("?code=AQabc&state=s123", "s123");
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(*code, "AQabc");
}

TEST(Callback, RefusesAWrongOrMissingState) {
  EXPECT_EQ(code_from_callback("code=AQabc&state=other", "s123").error().code,
            core::ErrorCode::InvalidInput);
  EXPECT_EQ(code_from_callback("code=AQabc", "s123").error().code, core::ErrorCode::InvalidInput);
  EXPECT_EQ(code_from_callback("code=AQabc&state=", "").error().code,
            core::ErrorCode::InvalidInput);
}

TEST(Callback, AccessDeniedIsForbidden) {
  const auto code = code_from_callback("error=access_denied&state=s123", "s123");
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().code, core::ErrorCode::Forbidden);
  EXPECT_NE(code.error().message.find("access_denied"), std::string::npos);
}

}  // namespace
}  // namespace plm::spotify
