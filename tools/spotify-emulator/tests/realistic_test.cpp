// The realistic profile and probabilistic faults over real HTTP: the profile switches on and off
// at run time and survives a reset when it was the start-up one, seeded faults replay identically
// with the same seed and differ with another, and the penalty for calling while limited grows to
// hours. The clock is frozen: windows and penalties move only when a test moves them.

#include "emulator/profile.hpp"
#include "tests/emulator_fixture.hpp"

namespace spotify_emulator::testing {
namespace {

class RealisticTest : public EmulatorTest {
 protected:
  void SetUp() override { alice_ = token_for("alice"); }

  void use_profile(const Json& body) {
    ASSERT_EQ(admin("POST", "/__emulator/profile", body).status, 200);
  }
  /// The profile's latency is real time on the server: off, so that hundreds of calls stay fast
  /// (it is checked on handle() directly below).
  void without_latency() {
    ASSERT_EQ(admin("POST", "/__emulator/faults", Json{{"latency", Json::object()}}).status, 201);
  }
  /// The statuses of `calls` GET /v1/me calls, as "200 200 502 …".
  std::string statuses(int calls) {
    std::string seen;
    for (int i = 0; i < calls; ++i)
      seen += std::to_string(api("GET", "/v1/me", alice_).status) + " ";
    return seen;
  }
  /// `calls` statuses under the realistic profile with `seed`, its rate budget lifted.
  std::string realistic_statuses(std::uint64_t seed, int calls) {
    use_profile(Json{{"name", "realistic"}, {"seed", seed}});
    without_latency();
    EXPECT_EQ(admin("POST", "/__emulator/rate-limits", Json{{"window_budget", 0}}).status, 200);
    return statuses(calls);
  }
  std::string alice_;
};

TEST_F(RealisticTest, TheProfileSwitchesOnAndOffAtRunTime) {
  EXPECT_EQ(json_of(admin("GET", "/__emulator/profile"))["name"], "default");

  const auto on = admin("POST", "/__emulator/profile", Json{{"name", "realistic"}, {"seed", 7}});

  ASSERT_EQ(on.status, 200) << on.body;
  const Json profile = json_of(admin("GET", "/__emulator/profile"));
  EXPECT_EQ(profile["name"], "realistic");
  EXPECT_EQ(profile["seed"], 7);
  EXPECT_EQ(profile["rate_limits"], json_of(admin("GET", "/__emulator/rate-limits")));
  EXPECT_GT(profile["rate_limits"]["window_budget"].get<int>(), 0);
  const Json faults = json_of(admin("GET", "/__emulator/faults"));
  EXPECT_EQ(faults["seed"], 7);
  EXPECT_EQ(faults["standing_rules"], profile["background_faults"]);
  EXPECT_FALSE(faults["standing_rules"].empty());
  EXPECT_TRUE(faults["rules"].empty());  // the admin API's own rules are a separate list
  plm::http::Request request;
  request.method = "GET";
  request.path = "/v1/me";
  request.headers = {{"Authorization", "Bearer " + alice_}};
  for (int i = 0; i < 20; ++i) {
    const auto delay = emulator_->handle(request).delay.count();
    EXPECT_GE(delay, 40);
    EXPECT_LE(delay, 150);
  }

  use_profile(Json{{"name", "default"}});

  EXPECT_EQ(json_of(admin("GET", "/__emulator/profile"))["name"], "default");
  EXPECT_EQ(json_of(admin("GET", "/__emulator/rate-limits"))["window_budget"], 0);
  EXPECT_EQ(json_of(admin("GET", "/__emulator/rate-limits"))["quota_budget"], 0);
  EXPECT_TRUE(json_of(admin("GET", "/__emulator/faults"))["standing_rules"].empty());
  EXPECT_EQ(emulator_->handle(request).delay.count(), 0);
  EXPECT_EQ(statuses(300).find("50"), std::string::npos);  // no background 5xx any more
}

TEST_F(RealisticTest, UnknownProfilesAndBadSeedsAreRefused) {
  const auto unknown = admin("POST", "/__emulator/profile", Json{{"name", "harsh"}});
  const auto negative =
      admin("POST", "/__emulator/profile", Json{{"name", "realistic"}, {"seed", -1}});
  const auto text = admin("POST", "/__emulator/faults", Json{{"seed", "x"}});
  const auto chance = admin("POST", "/__emulator/faults",
                            Json{{"rules", {{{"kind", "status"}, {"probability", 1.5}}}}});

  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("unknown profile 'harsh' (default, realistic)"), std::string::npos);
  EXPECT_EQ(negative.status, 400);
  EXPECT_EQ(text.status, 400);
  EXPECT_EQ(chance.status, 400);
  EXPECT_NE(chance.body.find("probability must be a number from 0 to 1"), std::string::npos);
  EXPECT_EQ(json_of(admin("GET", "/__emulator/profile"))["name"], "default");
}

TEST_F(RealisticTest, SeededBackgroundFaultsReplayWithTheSameSeedAndDifferWithAnother) {
  const std::string first = realistic_statuses(2026, 600);
  const std::string again = realistic_statuses(2026, 600);
  const std::string other = realistic_statuses(2027, 600);

  EXPECT_EQ(again, first);
  EXPECT_NE(other, first);
  EXPECT_NE(first.find("50"), std::string::npos) << first;  // some 5xx among 600 calls
  EXPECT_EQ(first.find("429"), std::string::npos);
}

TEST_F(RealisticTest, ProbabilisticRulesFollowTheSeedOfTheFaultsCall) {
  auto run = [&](std::uint64_t seed) {
    EXPECT_EQ(admin("DELETE", "/__emulator/faults").status, 204);
    EXPECT_EQ(admin("POST", "/__emulator/faults",
                    Json{{"seed", seed},
                         {"rules",
                          {{{"kind", "status"},
                            {"status", 503},
                            {"empty_body", true},
                            {"probability", 0.3}}}}})
                  .status,
              201);
    return statuses(100);
  };

  const std::string first = run(11);

  EXPECT_EQ(run(11), first);
  EXPECT_NE(run(12), first);
  EXPECT_NE(first.find("503"), std::string::npos);
  EXPECT_NE(first.find("200"), std::string::npos);  // unlimited count, yet only by chance
  const Json rules = json_of(admin("GET", "/__emulator/faults"))["rules"];
  EXPECT_EQ(rules[0]["probability"], 0.3);
  EXPECT_EQ(rules[0]["seen"], 100);
}

TEST_F(RealisticTest, ThePenaltyGrowsToHoursWhileTheClientKeepsCalling) {
  use_profile(Json{{"name", "realistic"}, {"seed", 1}});
  without_latency();
  const int budget = json_of(admin("GET", "/__emulator/rate-limits"))["window_budget"];
  for (int i = 0; i < budget; ++i) ASSERT_NE(api("GET", "/v1/me", alice_).status, 429) << i;

  std::vector<long> retry_after;
  for (int strike = 0; strike <= 100; ++strike) {
    const auto limited = api("GET", "/v1/me", alice_);
    ASSERT_EQ(limited.status, 429);
    retry_after.push_back(std::stol(std::string(limited.header("Retry-After").value_or("0"))));
  }

  EXPECT_EQ(retry_after[0], 30);  // the window, when the first over-budget call is made
  for (std::size_t i = 1; i < retry_after.size(); ++i)
    EXPECT_GE(retry_after[i], retry_after[i - 1]) << i;
  EXPECT_GT(retry_after[10], 5 * 60);       // minutes after a few calls while limited...
  EXPECT_GT(retry_after[40], 3600);         // ...hours after more (spotify-api.md §3.3)
  EXPECT_EQ(retry_after.back(), 6 * 3600);  // and no more than the cap
  clock_.advance_ms(retry_after.back() * 1000);
  EXPECT_NE(api("GET", "/v1/me", alice_).status, 429);
}

TEST_F(RealisticTest, ResetRestoresTheStartUpProfile) {
  use_profile(Json{{"name", "realistic"}, {"seed", 3}});
  ASSERT_EQ(admin("POST", "/__emulator/reset").status, 200);
  EXPECT_EQ(json_of(admin("GET", "/__emulator/profile"))["name"], "default");

  // An emulator started with the realistic profile (as --profile realistic --fault-seed 9 does).
  Clock clock{kStartMs, /*frozen=*/true};
  testkit::RunningEmulator started(test_seed(), apply_profile({}, *find_profile("realistic"), 9),
                                   clock);
  plm::test_support::HttpClient client(started.base_url());
  auto post = [&](const std::string& path, const Json& body) {
    return client.request("POST", path, {{"Content-Type", "application/json"}}, body.dump());
  };
  ASSERT_EQ(post("/__emulator/profile", Json{{"name", "default"}, {"seed", 4}}).status, 200);

  ASSERT_EQ(post("/__emulator/reset", Json::object()).status, 200);

  const Json profile = Json::parse(client.get("/__emulator/profile").body);
  EXPECT_EQ(profile["name"], "realistic");
  EXPECT_EQ(profile["seed"], 9);
  EXPECT_GT(Json::parse(client.get("/__emulator/rate-limits").body)["window_budget"], 0);
}

}  // namespace
}  // namespace spotify_emulator::testing
