// Authorization (PKCE + state through the emulator's consent form), refreshes, and the end of a
// refresh token's life (6 months, revocation).

#include <gtest/gtest.h>

#include "http/message.hpp"
#include "spotify/tests/spotify_fixture.hpp"

namespace plm::spotify::testing {
namespace {

using core::ErrorCode;
using namespace std::chrono_literals;

class OAuthFlowTest : public SpotifyClientTest {
 protected:
  OAuthConfig oauth_config(bool with_secret) const {
    return OAuthConfig{.accounts_base_url = base_url(),
                       .client_id = kClientId,
                       .client_secret = with_secret ? kClientSecret : ""};
  }
  /// The query string of the redirect's Location header.
  static std::string callback_query(const plm::test_support::HttpResult& result) {
    const std::string location(result.header("Location").value_or(""));
    EXPECT_TRUE(location.starts_with(kRedirectUri)) << location;
    const auto question = location.find('?');
    return question == std::string::npos ? std::string() : location.substr(question + 1);
  }
};

TEST_F(OAuthFlowTest, PkcePublicClientThroughTheConsentForm) {
  Authorizer authorizer(oauth_config(/*with_secret=*/false), transport_, core_clock_);
  const auto request = authorizer.start(kRedirectUri);
  ASSERT_TRUE(request.url.starts_with(base_url() + "/authorize?"));
  EXPECT_EQ(request.url.find(request.code_verifier), std::string::npos);  // only the challenge

  // The user sees the consent page and agrees as alice.
  const auto page = http_->get(request.url);
  ASSERT_EQ(page.status, 200) << page.body;
  auto form = plm::http::parse_form(request.url.substr(request.url.find('?') + 1));
  form.emplace_back("user_id", "alice");
  form.emplace_back("decision", "approve");
  const auto decision = http_->request("POST", "/authorize/decision",
                                       {{"Content-Type", "application/x-www-form-urlencoded"}},
                                       plm::http::build_query(form));
  ASSERT_EQ(decision.status, 303) << decision.body;

  const auto code = code_from_callback(callback_query(decision), request.state);
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(code_from_callback(callback_query(decision), "forged-state").error().code,
            ErrorCode::InvalidInput);

  const auto tokens = authorizer.exchange_code(*code, kRedirectUri, request.code_verifier);
  ASSERT_TRUE(tokens) << tokens.error().message;
  EXPECT_FALSE(tokens->access_token.empty());
  EXPECT_FALSE(tokens->refresh_token.empty());
  EXPECT_EQ(tokens->authorized_at, now_s());
  EXPECT_EQ(tokens->expires_at, now_s() + std::chrono::hours(1));
  EXPECT_NE(tokens->scope.find("playlist-modify-private"), std::string::npos);

  // Codes are single-use.
  EXPECT_EQ(authorizer.exchange_code(*code, kRedirectUri, request.code_verifier).error().code,
            ErrorCode::InvalidInput);

  const auto client = make_client(*tokens);
  const auto profile = client->current_user();
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->id, "alice");
}

TEST_F(OAuthFlowTest, ConfidentialClientWithAutoApproveAndAWrongVerifier) {
  ASSERT_EQ(admin("POST", "/__emulator/config",
                  Json{{"auto_approve", true}, {"auto_approve_user", "bob"}})
                .status,
            200);
  Authorizer authorizer(oauth_config(/*with_secret=*/true), transport_, core_clock_);
  // No show_dialog: it forces the consent page, as on Spotify, so nothing would be auto-approved.
  auto request = authorizer.start(kRedirectUri, kPlmScopes, /*show_dialog=*/false);
  auto redirect = http_->get(request.url);
  ASSERT_EQ(redirect.status, 303) << redirect.body;
  auto code = code_from_callback(callback_query(redirect), request.state);
  ASSERT_TRUE(code);
  const auto wrong = authorizer.exchange_code(*code, kRedirectUri, make_code_verifier());
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(wrong.error().message.find(request.code_verifier), std::string::npos);

  request = authorizer.start(kRedirectUri);
  redirect = http_->get(request.url);
  code = code_from_callback(callback_query(redirect), request.state);
  ASSERT_TRUE(code);
  const auto tokens = authorizer.exchange_code(*code, kRedirectUri, request.code_verifier);
  ASSERT_TRUE(tokens) << tokens.error().message;
  EXPECT_EQ(make_client(*tokens)->current_user()->id, "bob");
}

TEST_F(OAuthFlowTest, WrongClientSecretIsForbiddenAndNotLeaked) {
  auto config = oauth_config(/*with_secret=*/true);
  config.client_secret = "not-the-secret";
  Authorizer authorizer(config, transport_, core_clock_);
  const auto refreshed = authorizer.refresh(mint_tokens("alice"));
  ASSERT_FALSE(refreshed);
  EXPECT_EQ(refreshed.error().code, ErrorCode::Forbidden);
  EXPECT_EQ(refreshed.error().message.find("not-the-secret"), std::string::npos);
}

TEST_F(OAuthFlowTest, AnAnswerTooLargeToAcceptIsABadResponseNotAnOutage) {
  // Any answer of the token endpoint is larger than 16 bytes.
  CurlTransport small{CurlTransportOptions{.max_response_bytes = 16}};
  Authorizer authorizer(oauth_config(/*with_secret=*/true), small, core_clock_);

  const auto tokens = authorizer.exchange_code("any-code", kRedirectUri, "");

  ASSERT_FALSE(tokens);
  EXPECT_EQ(tokens.error().code, ErrorCode::BadResponse) << tokens.error().message;
  EXPECT_EQ(tokens.error().message.find("unreachable"), std::string::npos)
      << tokens.error().message;
}

TEST_F(OAuthFlowTest, RefreshesBeforeExpiryAndKeepsTheRefreshToken) {
  const auto original = mint_tokens("alice");
  const auto client = make_client(original);
  ASSERT_TRUE(client->current_user());
  EXPECT_TRUE(persisted_.empty());

  advance(56min);  // 4 minutes left: under the 5-minute margin
  ASSERT_TRUE(client->current_user());
  ASSERT_EQ(persisted_.size(), 1u);
  const auto& fresh = persisted_.front();
  EXPECT_NE(fresh.access_token, original.access_token);
  EXPECT_EQ(fresh.refresh_token, original.refresh_token);  // none in the response: kept
  EXPECT_EQ(fresh.authorized_at, original.authorized_at);  // refresh never moves it
  EXPECT_EQ(fresh.expires_at, now_s() + std::chrono::hours(1));
  EXPECT_EQ(client->tokens(), fresh);
  EXPECT_EQ(client->counters().retries, 0);  // no 401 was needed
  EXPECT_EQ(stat(""), 2);
}

TEST_F(OAuthFlowTest, RotatedRefreshTokenReplacesTheOldOne) {
  ASSERT_EQ(admin("POST", "/__emulator/config", Json{{"rotate_refresh_tokens", true}}).status, 200);
  const auto original = mint_tokens("alice");
  const auto client = make_client(original);
  advance(59min);
  ASSERT_TRUE(client->current_user());
  ASSERT_EQ(persisted_.size(), 1u);
  EXPECT_NE(persisted_.front().refresh_token, original.refresh_token);
  advance(59min);
  ASSERT_TRUE(client->current_user());  // the rotated token works for the next refresh
  EXPECT_EQ(persisted_.size(), 2u);
}

TEST_F(OAuthFlowTest, RefreshesOnceOn401) {
  const auto client = make_client(mint_tokens("alice"));
  ASSERT_EQ(admin("POST", "/__emulator/faults",
                  Json{{"rules", {{{"kind", "expired_token"}, {"count", 1}}}}})
                .status,
            201);
  const auto profile = client->current_user();
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(persisted_.size(), 1u);
  EXPECT_EQ(client->counters().retries, 1);
  EXPECT_EQ(client->counters().calls, 2);
}

TEST_F(OAuthFlowTest, Persistent401IsNotAnEndlessLoop) {
  const auto client = make_client(mint_tokens("alice"));
  ASSERT_EQ(admin("POST", "/__emulator/faults",
                  Json{{"rules", {{{"kind", "expired_token"}, {"count", 10}}}}})
                .status,
            201);
  const auto profile = client->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(client->counters().calls, 2);
  EXPECT_FALSE(client->needs_reauth());
}

TEST_F(OAuthFlowTest, RefreshTokenExpiredAfterSixMonthsNeedsReauth) {
  const auto client = make_client(mint_tokens("alice"));
  advance(std::chrono::hours(24 * 185));
  const auto profile = client->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::NeedsReauth);
  EXPECT_TRUE(client->needs_reauth());
  ASSERT_EQ(reauth_.size(), 1u);
  EXPECT_EQ(reauth_.front().code, ErrorCode::NeedsReauth);

  // No further calls for this account, not even a refresh.
  const auto before = stat("");
  EXPECT_EQ(client->my_playlists(0, 50).error().code, ErrorCode::NeedsReauth);
  const auto added = client->add_items(SeedIds::kAliceMain, {track_uri(1)}, std::nullopt);
  EXPECT_EQ(added.status, core::WriteStatus::NotApplied);
  EXPECT_EQ(added.error->code, ErrorCode::NeedsReauth);
  EXPECT_EQ(stat(""), before);
  EXPECT_EQ(client->counters().calls, 0);
  EXPECT_EQ(reauth_.size(), 1u);  // told once
}

TEST_F(OAuthFlowTest, RevokedGrantNeedsReauth) {
  const auto tokens = mint_tokens("alice");
  const auto client = make_client(tokens);
  ASSERT_TRUE(client->current_user());
  ASSERT_EQ(admin("POST", "/__emulator/revoke", Json{{"user_id", "alice"}}).status, 200);
  const auto profile = client->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::NeedsReauth);
  EXPECT_EQ(profile.error().message.find(tokens.refresh_token), std::string::npos);
  EXPECT_EQ(reauth_.size(), 1u);
  EXPECT_TRUE(persisted_.empty());
}

}  // namespace
}  // namespace plm::spotify::testing
