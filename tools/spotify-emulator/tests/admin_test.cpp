// The admin API and everything it steers: faults counted per call, rate limits and quota, the
// clock, statistics, reset, seeds, app registration and the playlist dump.

#include "tests/emulator_fixture.hpp"

namespace spotify_emulator::testing {
namespace {

using Ids = SeedIds;

class AdminTest : public EmulatorTest {
 protected:
  void SetUp() override { alice_ = token_for("alice"); }
  HttpResult me() { return api("GET", "/v1/me", alice_); }
  void add_faults(const Json& body) {
    ASSERT_EQ(admin("POST", "/__emulator/faults", body).status, 201);
  }
  std::string alice_;
};

TEST_F(AdminTest, AFaultHitsExactlyTheNthMatchingCall) {
  for (int n = 1; n <= 4; ++n) {
    ASSERT_EQ(admin("DELETE", "/__emulator/faults").status, 204);
    add_faults(Json{{"rules", {{{"kind", "status"}, {"status", 503}, {"nth", n}}}}});
    for (int call = 1; call <= 4; ++call) {
      const auto result = me();
      EXPECT_EQ(result.status, call == n ? 503 : 200) << "n=" << n << " call=" << call;
      if (call == n) {
        EXPECT_EQ(error_of(result),
                  Json::parse(R"({"status":503,"message":"Service unavailable"})"));
      }
    }
  }
}

TEST_F(AdminTest, BurstsFailConsecutiveCallsAndCanMatchAPath) {
  add_faults(
      Json{{"rules",
            {{{"kind", "status"}, {"status", 502}, {"count", 3}, {"path_contains", "/items"}}}}});
  const std::string items = std::string("/v1/playlists/") + Ids::kAliceMain + "/items";

  EXPECT_EQ(me().status, 200);  // not matching the path: not counted
  EXPECT_EQ(api("GET", items, alice_).status, 502);
  EXPECT_EQ(api("GET", items, alice_).status, 502);
  EXPECT_EQ(api("GET", items, alice_).status, 502);
  EXPECT_EQ(api("GET", items, alice_).status, 200);
}

TEST_F(AdminTest, EmptyBodyFaultsSendNoBody) {
  add_faults(Json{{"rules", {{{"kind", "status"}, {"status", 500}, {"empty_body", true}}}}});
  const auto result = me();
  EXPECT_EQ(result.status, 500);
  EXPECT_TRUE(result.body.empty());
}

TEST_F(AdminTest, AWriteCanBeAppliedButAnswered502) {
  add_faults(Json{{"rules", {{{"kind", "apply_then_502"}, {"method", "POST"}}}}});
  const std::string uri = track_uri(77);

  const auto result = api("POST", std::string("/v1/playlists/") + Ids::kAliceMain + "/items",
                          alice_, Json{{"uris", {uri}}}.dump());

  EXPECT_EQ(result.status, 502);
  EXPECT_EQ(error_of(result)["message"], "Bad gateway.");
  const Json dump = json_of(admin("GET", "/__emulator/users/alice/playlists"));
  bool applied = false;
  for (const auto& playlist : dump) {
    if (playlist["id"] == Ids::kAliceMain) applied = playlist["entries"].back()["uri"] == uri;
  }
  EXPECT_TRUE(applied);
}

TEST_F(AdminTest, ExpiredTokenFaultAnswers401) {
  add_faults(Json{{"rules", {{{"kind", "expired_token"}}}}});
  const auto result = me();
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(error_of(result)["message"], "The access token expired");
  EXPECT_EQ(me().status, 200);
}

TEST_F(AdminTest, RateLimitAndQuotaFaultsCarryRetryAfterAndReason) {
  add_faults(
      Json{{"rules",
            {{{"kind", "rate_limit"}, {"retry_after_s", 7}},
             {{"kind", "quota_exceeded"}, {"nth", 2}, {"retry_after_s", 3600}},
             {{"kind", "rate_limit"}, {"nth", 3}, {"retry_after_s", -1}, {"empty_body", true}}}}});

  const auto limited = me();
  const auto quota = me();
  const auto bare = me();

  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After").value_or(""), "7");
  EXPECT_EQ(quota.status, 429);
  EXPECT_EQ(
      error_of(quota),
      Json::parse(R"({"status":429,"message":"Too many requests","reason":"QUOTA_EXCEEDED"})"));
  EXPECT_EQ(bare.status, 429);
  EXPECT_FALSE(bare.header("Retry-After").has_value());
  EXPECT_TRUE(bare.body.empty());
}

TEST_F(AdminTest, RollingWindowLimitsPerClientIdAndRecoversWhenTheClockMoves) {
  ASSERT_EQ(admin("POST", "/__emulator/rate-limits",
                  Json{{"window_budget", 5}, {"penalty_step_ms", 2000}})
                .status,
            200);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(me().status, 200);

  const auto limited = me();
  const auto worse = me();

  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After").value_or(""), "30");
  EXPECT_EQ(error_of(limited),
            Json::parse(R"({"status":429,"message":"API rate limit exceeded"})"));
  EXPECT_EQ(worse.header("Retry-After").value_or(""), "32");  // calling while limited costs more
  clock_.advance_ms(32'000);
  EXPECT_EQ(me().status, 200);
  const Json stats = json_of(admin("GET", "/__emulator/stats"));
  EXPECT_EQ(stats["rate_limited"], 2);
}

TEST_F(AdminTest, QuotaIsSharedByADevelopersClientIds) {
  ASSERT_EQ(
      admin("POST", "/__emulator/apps",
            Json{{"client_id", "second"}, {"client_secret", "s"}, {"developer_id", kClientId}})
          .status,
      201);
  ASSERT_EQ(admin("POST", "/__emulator/rate-limits",
                  Json{{"quota_budget", 2}, {"quota_period_ms", 60'000}})
                .status,
            200);
  const std::string other =
      json_of(admin("POST", "/__emulator/tokens",
                    Json{{"client_id", "second"}, {"user_id", "alice"}}))["access_token"];

  EXPECT_EQ(me().status, 200);
  EXPECT_EQ(api("GET", "/v1/me", other).status, 200);
  const auto exceeded = me();

  EXPECT_EQ(exceeded.status, 429);
  EXPECT_EQ(error_of(exceeded)["reason"], "QUOTA_EXCEEDED");
  EXPECT_EQ(exceeded.header("Retry-After").value_or(""), "60");
}

TEST_F(AdminTest, LatencyIsAddedToWebApiResponsesOnly) {
  add_faults(Json{{"latency", {{"fixed_ms", 40}, {"jitter_ms", 10}}}});
  plm::http::Request request;
  request.method = "GET";
  request.path = "/v1/me";
  request.headers = {{"Authorization", "Bearer " + alice_}};

  const auto response = emulator_->handle(request);
  request.path = "/__emulator/health";
  const auto admin_response = emulator_->handle(request);

  EXPECT_GE(response.delay.count(), 40);
  EXPECT_LE(response.delay.count(), 50);
  EXPECT_EQ(admin_response.delay.count(), 0);
}

TEST_F(AdminTest, ClockCanBeReadAndAdvanced) {
  const Json before = json_of(admin("GET", "/__emulator/clock"));
  const Json after = json_of(admin("POST", "/__emulator/clock", Json{{"advance_ms", 90'000}}));

  EXPECT_EQ(before["now"], "2026-11-01T00:00:00Z");
  EXPECT_EQ(after["now_ms"].get<std::int64_t>() - before["now_ms"].get<std::int64_t>(), 90'000);
  EXPECT_EQ(admin("POST", "/__emulator/clock", Json{{"advance_ms", -1}}).status, 400);
}

TEST_F(AdminTest, StatsCountCallsPerEndpointAndClient) {
  me();
  me();
  api("GET", std::string("/v1/playlists/") + Ids::kAliceMain + "/items", alice_);

  const Json stats = json_of(admin("GET", "/__emulator/stats"));

  EXPECT_EQ(stats["total"], 3);
  EXPECT_EQ(stats["by_endpoint"]["GET /v1/me"], 2);
  EXPECT_EQ(stats["by_endpoint"]["GET /v1/playlists/{}/items"], 1);
  EXPECT_EQ(stats["by_client"][kClientId], 3);
}

TEST_F(AdminTest, ResetRestoresTheSeedAndForgetsTokens) {
  api("DELETE", std::string("/v1/playlists/") + Ids::kAliceMain + "/items", alice_,
      Json{{"items", {{{"uri", track_uri(0)}}}}}.dump());

  ASSERT_EQ(admin("POST", "/__emulator/reset").status, 200);

  EXPECT_EQ(me().status, 401);
  const Json dump = json_of(admin("GET", "/__emulator/users/alice/playlists"));
  EXPECT_EQ(dump[0]["entries"].size(), 6u);
}

TEST_F(AdminTest, SeedReplacesUsersAndPlaylists) {
  const Json seed = Json::parse(R"({"users":[{"id":"dj","display_name":"DJ"}],
    "playlists":[{"owner":"dj","name":"Set","tracks":[")" +
                                catalog_track(5).id + R"("]}]})");

  const auto loaded = admin("POST", "/__emulator/seed", seed);
  const auto bad = admin("POST", "/__emulator/seed", Json::parse(R"({"users":[{"idd":"x"}]})"));

  EXPECT_EQ(loaded.status, 200) << loaded.body;
  const Json dump = json_of(admin("GET", "/__emulator/users/dj/playlists"));
  ASSERT_EQ(dump.size(), 1u);
  EXPECT_EQ(dump[0]["entries"][0]["uri"], track_uri(5));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(error_of(bad)["message"].get<std::string>().find("invalid seed"), std::string::npos);
}

TEST_F(AdminTest, AppsWithRedirectUrisSpotifyWouldRefuseAreRejected) {
  const auto localhost =
      admin("POST", "/__emulator/apps",
            Json{{"client_id", "x"}, {"redirect_uris", {"http://localhost:8000/cb"}}});
  const auto https =
      admin("POST", "/__emulator/apps",
            Json{{"client_id", "y"},
                 {"redirect_uris", {"https://plm.example.org/cb", "http://[::1]/cb"}}});

  EXPECT_EQ(localhost.status, 400);
  EXPECT_NE(error_of(localhost)["message"].get<std::string>().find("Insecure redirect URI"),
            std::string::npos);
  EXPECT_EQ(https.status, 201);
}

TEST_F(AdminTest, BadAdminRequestsGetClearErrors) {
  EXPECT_EQ(client_->request("POST", "/__emulator/faults", {}, "{oops").status, 400);
  EXPECT_EQ(admin("POST", "/__emulator/faults", Json{{"rules", {{{"kind", "meteor"}}}}}).status,
            400);
  EXPECT_EQ(admin("POST", "/__emulator/tokens", Json{{"client_id", "nobody"}, {"user_id", "alice"}})
                .status,
            404);
  EXPECT_EQ(admin("POST", "/__emulator/config", Json{{"mode", "classic"}}).status, 400);
  EXPECT_EQ(admin("GET", "/__emulator/users/nobody/playlists").status, 404);
  EXPECT_EQ(admin("GET", "/__emulator/nothing").status, 404);
}

TEST_F(AdminTest, MintedClientCredentialsTokensHaveNoRefreshToken) {
  const Json tokens = json_of(admin("POST", "/__emulator/tokens", Json{{"client_id", kClientId}}));
  EXPECT_FALSE(tokens.contains("refresh_token"));
  EXPECT_EQ(api("GET", "/v1/tracks/" + catalog_track(1).id, tokens["access_token"]).status, 200);
}

TEST_F(AdminTest, ResetRestoresTheStartUpOptionsAndTheIdSequence) {
  const std::string first_token = alice_;  // the first token minted after start (SetUp)
  ASSERT_EQ(admin("POST", "/__emulator/config",
                  Json{{"mode", "extended"}, {"access_token_ttl_s", 60}, {"auto_approve", true}})
                .status,
            200);
  ASSERT_EQ(admin("POST", "/__emulator/rate-limits", Json{{"window_budget", 1}}).status, 200);
  add_faults(Json{{"latency", {{"fixed_ms", 5}, {"jitter_ms", 5}}}});
  const std::string bob = token_for("bob");
  ASSERT_EQ(admin("POST", "/__emulator/apps", Json{{"client_id", "kept"}}).status, 201);

  ASSERT_EQ(admin("POST", "/__emulator/reset").status, 200);

  EXPECT_EQ(token_for("alice"), first_token);  // the id sequence starts over
  const Json config = json_of(admin("GET", "/__emulator/config"));
  EXPECT_EQ(config["mode"], "dev2026");
  EXPECT_EQ(config["access_token_ttl_s"], 3600);
  EXPECT_EQ(config["auto_approve"], false);
  EXPECT_EQ(json_of(admin("GET", "/__emulator/rate-limits"))["window_budget"], 0);
  EXPECT_EQ(json_of(admin("GET", "/__emulator/faults"))["latency"]["jitter_ms"], 0);
  EXPECT_EQ(api("GET", "/v1/me", bob).status, 401);  // tokens from before the reset are gone...
  EXPECT_EQ(json_of(admin("GET", "/__emulator/apps")).size(), 2u);  // ...apps stay
}

TEST_F(AdminTest, SnapshotIdsDoNotRepeatAfterAReloadOfTheWorld) {
  auto snapshot = [&](const std::string& user) {
    return json_of(admin("GET", "/__emulator/users/" + user + "/playlists"))[0]["snapshot_id"]
        .get<std::string>();
  };
  const std::string before_reset = snapshot("alice");
  ASSERT_EQ(admin("POST", "/__emulator/reset").status, 200);
  EXPECT_NE(snapshot("alice"), before_reset);  // same id, same version, new world

  const Json seed = Json::parse(R"({"users":[{"id":"dj","display_name":"DJ"}],
    "playlists":[{"owner":"dj","name":"Set","tracks":[")" +
                                catalog_track(5).id + R"("]}]})");
  ASSERT_EQ(admin("POST", "/__emulator/seed", seed).status, 200);
  const std::string first_load = snapshot("dj");
  ASSERT_EQ(admin("POST", "/__emulator/seed", seed).status, 200);
  EXPECT_NE(snapshot("dj"), first_load);
}

TEST_F(AdminTest, FaultsCanTargetTheTokenEndpoint) {
  auto request_token = [&] {
    return client_->request(
        "POST", "/api/token",
        {{"Content-Type", "application/x-www-form-urlencoded"},
         {"Authorization",
          "Basic " + plm::http::base64_encode(std::string(kClientId) + ":" + kClientSecret)}},
        "grant_type=client_credentials");
  };
  add_faults(
      Json{{"rules", {{{"kind", "status"}, {"status", 503}, {"path_contains", "/api/token"}}}}});

  const auto failed = request_token();
  const auto recovered = request_token();

  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(error_of(failed), Json::parse(R"({"status":503,"message":"Service unavailable"})"));
  EXPECT_EQ(recovered.status, 200);
  EXPECT_EQ(me().status, 200);  // the Web API is not affected

  // Rules without a path keep to the Web API; 4xx rules on /api/token use the OAuth error shape.
  ASSERT_EQ(admin("DELETE", "/__emulator/faults").status, 204);
  add_faults(
      Json{{"rules",
            {{{"kind", "status"}, {"status", 500}},
             {{"kind", "status"},
              {"status", 502},
              {"path_contains", "/api/token"},
              {"empty_body", true}},
             {{"kind", "status"}, {"status", 400}, {"path_contains", "/api/token"}, {"nth", 2}}}}});
  const auto empty = request_token();
  const auto oauth_shaped = request_token();
  EXPECT_EQ(empty.status, 502);
  EXPECT_TRUE(empty.body.empty());
  EXPECT_EQ(oauth_shaped.status, 400);
  EXPECT_EQ(json_of(oauth_shaped)["error"], "invalid_request");
  EXPECT_EQ(me().status, 500);
  EXPECT_EQ(json_of(admin("GET", "/__emulator/stats"))["faults"], 4);
}

TEST_F(AdminTest, FaultCountsAreClampedToSaneRanges) {
  add_faults(Json{{"rules",
                   {{{"nth", 1'000'000'000'000LL}, {"count", -5}},
                    {{"nth", 2.5e20}, {"count", 4'294'967'296LL}},
                    {{"nth", 0}, {"count", 2'147'483'647}}}}});

  const Json rules = json_of(admin("GET", "/__emulator/faults"))["rules"];

  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0]["nth"], 1'000'000'000);
  EXPECT_EQ(rules[0]["count"], 1);
  EXPECT_EQ(rules[1]["nth"], 1'000'000'000);
  EXPECT_EQ(rules[1]["count"], 1'000'000'000);
  EXPECT_EQ(rules[2]["nth"], 1);
  EXPECT_EQ(me().status, 503);  // the third rule fires from the first call
  EXPECT_EQ(admin("POST", "/__emulator/faults", Json{{"rules", {{{"nth", "soon"}}}}}).status, 400);
}

TEST_F(AdminTest, LoopbackRedirectUrisMustBeIpLiteralsWithNumericPorts) {
  for (const char* uri :
       {"http://127.attacker.example/cb", "http://127.0.0.1:abc/cb", "http://127.0.0.1:/cb",
        "http://127.0.0.1:99999/cb", "http://127.0.0.1:1@evil.example/cb", "http://127.1/cb"}) {
    const auto result =
        admin("POST", "/__emulator/apps", Json{{"client_id", "x"}, {"redirect_uris", {uri}}});
    EXPECT_EQ(result.status, 400) << uri;
  }
  for (const char* uri :
       {"http://127.0.0.1:8080/cb", "http://127.1.2.3/cb", "http://[::1]:9000/cb"}) {
    const auto result =
        admin("POST", "/__emulator/apps", Json{{"client_id", "y"}, {"redirect_uris", {uri}}});
    EXPECT_EQ(result.status, 201) << uri;
  }
}

}  // namespace
}  // namespace spotify_emulator::testing
