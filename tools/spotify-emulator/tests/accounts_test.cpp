// The accounts service over real HTTP: consent page, code flow with secret and with PKCE, refresh
// (6-month lifetime, rotation switch), client credentials, redirect-URI rules and error bodies.

#include <sodium.h>

#include <set>

#include "tests/emulator_fixture.hpp"

namespace spotify_emulator::testing {
namespace {

using plm::http::build_query;
using plm::http::Field;
using plm::http::parse_form;

constexpr const char* kVerifier = "dBjftJeZ4CVP-mJ92K9tHTyb1Nf0Qm3Ngrk5o8h1bQy8aTZzQxLk5nPYrs";

std::string challenge_for(std::string_view verifier) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  std::string encoded = plm::http::base64_encode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
  for (auto& c : encoded) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (encoded.ends_with('=')) encoded.pop_back();
  return encoded;
}

std::string query_value(std::string_view location, std::string_view name) {
  const auto question = location.find('?');
  for (const auto& [key, value] : parse_form(location.substr(question + 1))) {
    if (key == name) return value;
  }
  return {};
}

class AccountsTest : public EmulatorTest {
 protected:
  std::vector<Field> authorize_params(std::string redirect = kRedirectUri) {
    return {{"client_id", kClientId},
            {"response_type", "code"},
            {"redirect_uri", std::move(redirect)},
            {"state", "xyz-123"},
            {"scope", kAllScopes}};
  }

  HttpResult approve(std::vector<Field> params, const std::string& user = "alice") {
    params.emplace_back("user_id", user);
    params.emplace_back("decision", "approve");
    return client_->request("POST", "/authorize/decision",
                            {{"Content-Type", "application/x-www-form-urlencoded"}},
                            build_query(params));
  }

  HttpResult token(const std::vector<Field>& form, bool basic_auth = true) {
    std::vector<Field> headers{{"Content-Type", "application/x-www-form-urlencoded"}};
    if (basic_auth) {
      headers.emplace_back(
          "Authorization",
          "Basic " + plm::http::base64_encode(std::string(kClientId) + ":" + kClientSecret));
    }
    return client_->request("POST", "/api/token", headers, build_query(form));
  }

  /// A full code flow with the client secret; returns the token response.
  Json code_flow(const std::string& user = "alice") {
    const auto redirect = approve(authorize_params(), user);
    EXPECT_EQ(redirect.status, 303);
    const std::string code = query_value(redirect.header("Location").value_or(""), "code");
    const auto result = token(
        {{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirectUri}});
    EXPECT_EQ(result.status, 200) << result.body;
    return json_of(result);
  }
};

TEST_F(AccountsTest, ConsentPageListsScopesAndUsers) {
  const auto result = client_->get("/authorize?" + build_query(authorize_params()));

  EXPECT_EQ(result.status, 200);
  EXPECT_NE(result.body.find("playlist-modify-private"), std::string::npos);
  EXPECT_NE(result.body.find("value=\"alice\""), std::string::npos);
  EXPECT_NE(result.body.find("id=\"approve\""), std::string::npos);
}

TEST_F(AccountsTest, CodeFlowWithClientSecretGivesWorkingTokens) {
  const auto redirect = approve(authorize_params());
  const std::string location(redirect.header("Location").value_or(""));

  ASSERT_EQ(redirect.status, 303);
  EXPECT_TRUE(location.starts_with(std::string(kRedirectUri) + "?code="));
  EXPECT_EQ(query_value(location, "state"), "xyz-123");
  const auto result = token({{"grant_type", "authorization_code"},
                             {"code", query_value(location, "code")},
                             {"redirect_uri", kRedirectUri}});
  ASSERT_EQ(result.status, 200) << result.body;
  const Json tokens = json_of(result);
  EXPECT_EQ(tokens["token_type"], "Bearer");
  EXPECT_EQ(tokens["expires_in"], 3600);
  EXPECT_TRUE(tokens.contains("refresh_token"));
  EXPECT_NE(tokens["scope"].get<std::string>().find("playlist-read-private"), std::string::npos);
  const auto me = api("GET", "/v1/me", tokens["access_token"]);
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(json_of(me)["id"], "alice");
}

TEST_F(AccountsTest, SecretMayAlsoComeInTheBody) {
  const auto redirect = approve(authorize_params());
  const auto result =
      token({{"grant_type", "authorization_code"},
             {"code", query_value(redirect.header("Location").value_or(""), "code")},
             {"redirect_uri", kRedirectUri},
             {"client_id", kClientId},
             {"client_secret", kClientSecret}},
            /*basic_auth=*/false);
  EXPECT_EQ(result.status, 200) << result.body;
}

TEST_F(AccountsTest, PkceFlowNeedsTheRightVerifierAndNoSecret) {
  auto params = authorize_params();
  params.emplace_back("code_challenge_method", "S256");
  params.emplace_back("code_challenge", challenge_for(kVerifier));
  const auto redirect = approve(params);
  const std::string code = query_value(redirect.header("Location").value_or(""), "code");

  const auto wrong = token({{"grant_type", "authorization_code"},
                            {"code", code},
                            {"redirect_uri", kRedirectUri},
                            {"client_id", kClientId},
                            {"code_verifier", std::string(kVerifier) + "x"}},
                           false);
  const auto right = token({{"grant_type", "authorization_code"},
                            {"code", code},
                            {"redirect_uri", kRedirectUri},
                            {"client_id", kClientId},
                            {"code_verifier", kVerifier}},
                           false);

  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(json_of(wrong),
            Json::parse(
                R"({"error":"invalid_grant","error_description":"code_verifier was incorrect"})"));
  EXPECT_EQ(right.status, 200) << right.body;
}

TEST_F(AccountsTest, CodesAreSingleUseAndExpire) {
  const auto redirect = approve(authorize_params());
  const std::string code = query_value(redirect.header("Location").value_or(""), "code");
  const std::vector<Field> form{
      {"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirectUri}};
  EXPECT_EQ(token(form).status, 200);

  const auto reused = token(form);

  EXPECT_EQ(
      json_of(reused),
      Json::parse(R"({"error":"invalid_grant","error_description":"Invalid authorization code"})"));
  const auto late = approve(authorize_params());
  clock_.advance_ms(11 * 60 * 1000);
  const auto expired = token({{"grant_type", "authorization_code"},
                              {"code", query_value(late.header("Location").value_or(""), "code")},
                              {"redirect_uri", kRedirectUri}});
  EXPECT_EQ(json_of(expired)["error_description"], "Authorization code expired");
}

TEST_F(AccountsTest, DenyingRedirectsWithAccessDeniedAndState) {
  auto params = authorize_params();
  params.emplace_back("decision", "deny");
  const auto result = client_->request("POST", "/authorize/decision",
                                       {{"Content-Type", "application/x-www-form-urlencoded"}},
                                       build_query(params));
  const std::string location(result.header("Location").value_or(""));

  EXPECT_EQ(result.status, 303);
  EXPECT_EQ(query_value(location, "error"), "access_denied");
  EXPECT_EQ(query_value(location, "state"), "xyz-123");
}

TEST_F(AccountsTest, RedirectUrisAreValidatedLikeSpotify) {
  auto page_for = [&](const std::string& redirect) {
    return client_->get("/authorize?" + build_query(authorize_params(redirect)));
  };

  const auto localhost = page_for("http://localhost:8080/callback");
  const auto unregistered = page_for("https://evil.example.com/callback");
  const auto insecure = page_for("http://plm.example.com/oauth/callback");
  const auto loopback_port = page_for("http://127.0.0.1:53682/callback");
  const auto trailing_slash = page_for("https://plm.example.com/oauth/callback/");

  EXPECT_EQ(localhost.status, 400);
  EXPECT_NE(localhost.body.find("INVALID_CLIENT: Insecure redirect URI"), std::string::npos);
  EXPECT_NE(unregistered.body.find("INVALID_CLIENT: Invalid redirect URI"), std::string::npos);
  EXPECT_NE(insecure.body.find("INVALID_CLIENT: Insecure redirect URI"), std::string::npos);
  EXPECT_EQ(loopback_port.status,
            200);  // loopback literals registered without a port take any port
  EXPECT_EQ(trailing_slash.status, 400);  // exact match, terminating slashes included
}

TEST_F(AccountsTest, UnknownClientAndBadParametersAreRefused) {
  auto params = authorize_params();
  params[0].second = "nobody";
  const auto unknown = client_->get("/authorize?" + build_query(params));
  auto bad_scope = authorize_params();
  bad_scope[4].second = "playlist-read-private everything";
  const auto scope = client_->get("/authorize?" + build_query(bad_scope));
  auto bad_type = authorize_params();
  bad_type[1].second = "token";  // the implicit grant was removed in 2025
  const auto type = client_->get("/authorize?" + build_query(bad_type));

  EXPECT_NE(unknown.body.find("INVALID_CLIENT: Invalid client"), std::string::npos);
  EXPECT_EQ(query_value(scope.header("Location").value_or(""), "error"), "invalid_scope");
  EXPECT_EQ(query_value(type.header("Location").value_or(""), "error"),
            "unsupported_response_type");
}

TEST_F(AccountsTest, TokenEndpointErrorsHaveSpotifysShape) {
  const auto wrong_secret = client_->request(
      "POST", "/api/token",
      {{"Content-Type", "application/x-www-form-urlencoded"},
       {"Authorization", "Basic " + plm::http::base64_encode(std::string(kClientId) + ":nope")}},
      "grant_type=client_credentials");
  const auto no_credentials = client_->request(
      "POST", "/api/token", {{"Content-Type", "application/x-www-form-urlencoded"}},
      "grant_type=client_credentials");
  const auto bad_grant = token({{"grant_type", "password"}});
  const auto missing_grant = token({});
  const auto json_body =
      client_->request("POST", "/api/token", {{"Content-Type", "application/json"}}, "{}");

  EXPECT_EQ(wrong_secret.status, 400);
  EXPECT_EQ(
      json_of(wrong_secret),
      Json::parse(R"({"error":"invalid_client","error_description":"Invalid client secret"})"));
  EXPECT_EQ(json_of(no_credentials), Json::parse(R"({"error":"invalid_client"})"));
  EXPECT_EQ(json_of(bad_grant)["error"], "unsupported_grant_type");
  EXPECT_EQ(json_of(missing_grant)["error"], "unsupported_grant_type");
  EXPECT_EQ(json_of(json_body)["error"], "invalid_request");
}

TEST_F(AccountsTest, RefreshKeepsTheRefreshTokenUnlessRotationIsOn) {
  const Json first = code_flow();
  const auto refreshed =
      token({{"grant_type", "refresh_token"}, {"refresh_token", first["refresh_token"]}});

  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_FALSE(json_of(refreshed).contains("refresh_token"));  // 2026: no new refresh token
  EXPECT_NE(json_of(refreshed)["access_token"], first["access_token"]);

  ASSERT_EQ(admin("POST", "/__emulator/config", Json{{"rotate_refresh_tokens", true}}).status, 200);
  const auto rotated =
      token({{"grant_type", "refresh_token"}, {"refresh_token", first["refresh_token"]}});
  const auto old_again =
      token({{"grant_type", "refresh_token"}, {"refresh_token", first["refresh_token"]}});
  ASSERT_EQ(rotated.status, 200);
  EXPECT_TRUE(json_of(rotated).contains("refresh_token"));
  EXPECT_EQ(
      json_of(old_again),
      Json::parse(R"({"error":"invalid_grant","error_description":"Refresh token revoked"})"));
}

TEST_F(AccountsTest, RefreshTokensDieSixMonthsAfterAuthorizationEvenIfUsed) {
  const Json tokens = code_flow();
  const std::vector<Field> form{{"grant_type", "refresh_token"},
                                {"refresh_token", tokens["refresh_token"]}};
  clock_.advance_ms(150LL * 24 * 3600 * 1000);
  ASSERT_EQ(token(form).status, 200);  // refreshing does not extend the lifetime

  clock_.advance_ms(35LL * 24 * 3600 * 1000);  // 2026-11-01 + 185 days > 2027-05-01
  const auto expired = token(form);

  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(
      json_of(expired),
      Json::parse(R"({"error":"invalid_grant","error_description":"Refresh token expired"})"));
}

TEST_F(AccountsTest, AccessTokensExpireAfterAnHour) {
  const Json tokens = code_flow();
  clock_.advance_ms(3600 * 1000);

  const auto result = api("GET", "/v1/me", tokens["access_token"]);

  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(error_of(result),
            Json::parse(R"({"status":401,"message":"The access token expired"})"));
  EXPECT_NE(result.header("WWW-Authenticate").value_or("").find("invalid_token"),
            std::string::npos);
}

TEST_F(AccountsTest, ClientCredentialsTokensReachTheCatalogOnly) {
  const auto result = token({{"grant_type", "client_credentials"}});
  ASSERT_EQ(result.status, 200);
  const Json tokens = json_of(result);
  EXPECT_FALSE(tokens.contains("refresh_token"));
  const std::string access = tokens["access_token"];

  EXPECT_EQ(api("GET", "/v1/tracks/" + catalog_track(0).id, access).status, 200);
  EXPECT_EQ(api("GET", "/v1/search?q=love&type=track", access).status, 200);
  EXPECT_EQ(api("GET", "/v1/me", access).status, 401);
  EXPECT_EQ(api("GET", "/v1/me/playlists", access).status, 401);
}

TEST_F(AccountsTest, AutoApproveSkipsTheConsentPage) {
  ASSERT_EQ(admin("POST", "/__emulator/config",
                  Json{{"auto_approve", true}, {"auto_approve_user", "bob"}})
                .status,
            200);

  const auto result = client_->get("/authorize?" + build_query(authorize_params()));
  const std::string code = query_value(result.header("Location").value_or(""), "code");
  const auto tokens =
      token({{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", kRedirectUri}});

  EXPECT_EQ(result.status, 303);
  EXPECT_EQ(json_of(api("GET", "/v1/me", json_of(tokens)["access_token"]))["id"], "bob");
}

TEST_F(AccountsTest, RevokedGrantsStopWorking) {
  const Json tokens = code_flow();
  ASSERT_EQ(admin("POST", "/__emulator/revoke", Json{{"user_id", "alice"}}).status, 200);

  EXPECT_EQ(api("GET", "/v1/me", tokens["access_token"]).status, 401);
  EXPECT_EQ(json_of(token({{"grant_type", "refresh_token"},
                           {"refresh_token", tokens["refresh_token"]}}))["error_description"],
            "Refresh token revoked");
}

TEST_F(AccountsTest, DevelopmentModeAccountRulesAnswer403) {
  ASSERT_EQ(admin("POST", "/__emulator/apps",
                  Json{{"client_id", "lapsed"}, {"client_secret", "s"}, {"owner_premium", false}})
                .status,
            201);
  ASSERT_EQ(admin("POST", "/__emulator/apps",
                  Json{{"client_id", "small"}, {"client_secret", "s"}, {"allowlist", {"bob"}}})
                .status,
            201);
  auto mint = [&](const char* client) {
    return json_of(admin("POST", "/__emulator/tokens",
                         Json{{"client_id", client}, {"user_id", "alice"}}))["access_token"]
        .get<std::string>();
  };

  const auto lapsed = api("GET", "/v1/me", mint("lapsed"));
  const auto not_allowlisted = api("GET", "/v1/me", mint("small"));

  EXPECT_EQ(lapsed.status, 403);
  EXPECT_EQ(not_allowlisted.status, 403);
  EXPECT_EQ(error_of(not_allowlisted)["message"],
            "Check settings on developer.spotify.com/dashboard, the user may not be registered.");
}

TEST_F(AccountsTest, RefreshingACodeFlowGrantNeedsTheClientSecret) {
  const Json tokens = code_flow();  // authorized with the secret, no PKCE
  const auto without_secret = token({{"grant_type", "refresh_token"},
                                     {"refresh_token", tokens["refresh_token"]},
                                     {"client_id", kClientId}},
                                    /*basic_auth=*/false);
  const auto secret_in_body = token({{"grant_type", "refresh_token"},
                                     {"refresh_token", tokens["refresh_token"]},
                                     {"client_id", kClientId},
                                     {"client_secret", kClientSecret}},
                                    /*basic_auth=*/false);

  EXPECT_EQ(without_secret.status, 400);
  EXPECT_EQ(
      json_of(without_secret),
      Json::parse(R"({"error":"invalid_client","error_description":"Invalid client secret"})"));
  EXPECT_EQ(secret_in_body.status, 200) << secret_in_body.body;
}

TEST_F(AccountsTest, PkceGrantsRefreshWithTheClientIdAlone) {
  auto params = authorize_params();
  params.emplace_back("code_challenge_method", "S256");
  params.emplace_back("code_challenge", challenge_for(kVerifier));
  const auto redirect = approve(params);
  const auto exchanged =
      token({{"grant_type", "authorization_code"},
             {"code", query_value(redirect.header("Location").value_or(""), "code")},
             {"redirect_uri", kRedirectUri},
             {"client_id", kClientId},
             {"code_verifier", kVerifier}},
            /*basic_auth=*/false);
  ASSERT_EQ(exchanged.status, 200) << exchanged.body;

  const auto refreshed = token({{"grant_type", "refresh_token"},
                                {"refresh_token", json_of(exchanged)["refresh_token"]},
                                {"client_id", kClientId}},
                               /*basic_auth=*/false);

  EXPECT_EQ(refreshed.status, 200) << refreshed.body;
  // Minted grants are code-flow grants unless they say "pkce": true.
  const Json minted =
      json_of(admin("POST", "/__emulator/tokens",
                    Json{{"client_id", kClientId}, {"user_id", "alice"}, {"pkce", true}}));
  EXPECT_EQ(token({{"grant_type", "refresh_token"},
                   {"refresh_token", minted["refresh_token"]},
                   {"client_id", kClientId}},
                  /*basic_auth=*/false)
                .status,
            200);
}

TEST_F(AccountsTest, MalformedCodeVerifiersAreInvalidRequests) {
  auto params = authorize_params();
  params.emplace_back("code_challenge_method", "S256");
  params.emplace_back("code_challenge", challenge_for(kVerifier));
  const std::string code = query_value(approve(params).header("Location").value_or(""), "code");
  for (const std::string& verifier :
       {std::string("short"), std::string(129, 'a'), std::string(kVerifier) + "+/="}) {
    const auto result = token({{"grant_type", "authorization_code"},
                               {"code", code},
                               {"redirect_uri", kRedirectUri},
                               {"client_id", kClientId},
                               {"code_verifier", verifier}},
                              false);
    EXPECT_EQ(
        json_of(result),
        Json::parse(R"({"error":"invalid_request","error_description":"Invalid code_verifier"})"))
        << verifier;
  }
  // The code is still good for the right verifier.
  EXPECT_EQ(token({{"grant_type", "authorization_code"},
                   {"code", code},
                   {"redirect_uri", kRedirectUri},
                   {"client_id", kClientId},
                   {"code_verifier", kVerifier}},
                  false)
                .status,
            200);
}

TEST_F(AccountsTest, ShowDialogShowsTheConsentPageEvenWithAutoApprove) {
  ASSERT_EQ(admin("POST", "/__emulator/config",
                  Json{{"auto_approve", true}, {"auto_approve_user", "bob"}})
                .status,
            200);
  auto params = authorize_params();
  params.emplace_back("show_dialog", "true");

  const auto result = client_->get("/authorize?" + build_query(params));

  EXPECT_EQ(result.status, 200);
  EXPECT_NE(result.body.find("id=\"approve\""), std::string::npos);
  params.back().second = "false";
  EXPECT_EQ(client_->get("/authorize?" + build_query(params)).status, 303);
}

TEST_F(AccountsTest, LoopbackRedirectsMustBeIpLiteralsWithNumericPorts) {
  // Registered "http://127.0.0.1/callback" takes any port, but only a real one: the user-info
  // trick below would send the browser (and the code) to evil.example.
  const auto user_info = client_->get(
      "/authorize?" + build_query(authorize_params("http://127.0.0.1:1@evil.example/callback")));
  const auto named = client_->get(
      "/authorize?" + build_query(authorize_params("http://127.attacker.example/callback")));
  const auto numeric =
      client_->get("/authorize?" + build_query(authorize_params("http://127.0.0.1:8080/callback")));

  EXPECT_EQ(user_info.status, 400);
  EXPECT_EQ(user_info.header("Location"), std::nullopt);
  EXPECT_EQ(named.status, 400);
  EXPECT_NE(named.body.find("INVALID_CLIENT: Insecure redirect URI"), std::string::npos);
  EXPECT_EQ(numeric.status, 200);
}

TEST_F(AccountsTest, GeneratedTokensShareNoLongSuffixes) {
  std::set<std::string> suffixes;
  for (int i = 0; i < 40; ++i) {
    const std::string access = token_for("alice");
    ASSERT_EQ(access.size(), 102u);
    suffixes.insert(access.substr(80));  // the last 22 characters
  }
  EXPECT_EQ(suffixes.size(), 40u);
}

}  // namespace
}  // namespace spotify_emulator::testing
