// app::Services as the CLI and `plm serve` use it, against the emulator over loopback HTTP: one
// authorization per account shared by its clients, the stored tokens read again when another
// process rotated the refresh token, one rate budget per client ID shared through the database, and
// catalog clients on the client ID's client-credentials token.
// Two Services objects on one SQLite file are what two plm processes see. The clocks are manual and
// the sleeper moves them: nothing waits for real.

#include "app/services.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "spotify/client.hpp"
#include "support/fakes.hpp"
#include "support/http_client.hpp"
#include "testkit/testkit.hpp"

namespace plm::app {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kClientId = "plm-services-test";
constexpr const char* kClientSecret = "services-secret";

/// Waits by moving plm's clock and the emulator's together.
class MovingSleeper final : public spotify::Sleeper {
 public:
  MovingSleeper(test_support::ManualClock& clock, spotify_emulator::Clock& emulator_clock)
      : clock_(clock), emulator_clock_(emulator_clock) {}
  void sleep_for(spotify::Millis duration) override {
    waits.push_back(duration);
    clock_.advance(duration);
    emulator_clock_.advance_ms(duration.count());
  }
  std::vector<spotify::Millis> waits;

 private:
  test_support::ManualClock& clock_;
  spotify_emulator::Clock& emulator_clock_;
};

class ServicesTest : public ::testing::Test {
 protected:
  ServicesTest() {
    emulator_ = std::make_unique<spotify_emulator::testkit::RunningEmulator>(
        spotify_emulator::testkit::test_seed(), spotify_emulator::EmulatorOptions{},
        emulator_clock_);
    emulator_->emulator().register_app(
        spotify_emulator::App{.client_id = kClientId, .client_secret = kClientSecret});
    admin_ = std::make_unique<test_support::HttpClient>(emulator_->base_url());
    directory_ = fs::temp_directory_path() /
                 ("plm-services-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
  }
  ~ServicesTest() override {
    emulator_.reset();
    fs::remove_all(directory_);
  }

  /// One plm process's services on the shared data directory (database and key).
  std::unique_ptr<Services> open_process(int rate_budget = 100'000,
                                         const std::string& secret = kClientSecret) {
    const std::string emulator_url = emulator_->base_url();
    auto config = build_config({{"PLM_DATA_DIR", directory_.string()},
                                {"PLM_SPOTIFY_CLIENT_ID", kClientId},
                                {"PLM_SPOTIFY_CLIENT_SECRET", secret},
                                {"PLM_SPOTIFY_API_URL", emulator_url + "/v1"},
                                {"PLM_SPOTIFY_ACCOUNTS_URL", emulator_url},
                                {"PLM_SPOTIFY_RATE_BUDGET", std::to_string(rate_budget)},
                                {"PLM_SPOTIFY_MAX_WAIT_S", "60"}},
                               {}, {}, "");
    EXPECT_TRUE(config) << config.error().message;
    return Services::open(*config, &clock_, &sleeper_);
  }

  Json emulator_admin(const std::string& method, const std::string& path,
                      const Json& body = nullptr) {
    const auto result = admin_->request(method, path, {{"Content-Type", "application/json"}},
                                        body.is_null() ? "" : body.dump());
    return result.body.empty() ? Json() : Json::parse(result.body, nullptr, false);
  }

  /// alice's account as `plm connect` stores it, with an access token that lives `expires_in_s`.
  core::SpotifyAccount store_account(Services& services, std::int64_t expires_in_s) {
    const Json minted =
        emulator_admin("POST", "/__emulator/tokens",
                       Json{{"client_id", kClientId},
                            {"user_id", "alice"},
                            {"scopes", "playlist-read-private playlist-read-collaborative"},
                            {"expires_in", expires_in_s}});
    const auto now_s = std::chrono::floor<std::chrono::seconds>(clock_.now());
    const auto expires_at = now_s + std::chrono::seconds(expires_in_s);
    const auto user = services.users().create_user("ann", "", core::Role::Admin);
    EXPECT_TRUE(user);
    core::SpotifyAccount account{.app_user_id = user->id,
                                 .spotify_user_id = "alice",
                                 .display_name = "Alice",
                                 .client_id = kClientId,
                                 .tokens = {.access_token = minted.value("access_token", ""),
                                            .refresh_token = minted.value("refresh_token", ""),
                                            .scope = minted.value("scope", ""),
                                            .expires_at = expires_at,
                                            .authorized_at = now_s}};
    const auto id = services.accounts().upsert_account(account);
    EXPECT_TRUE(id);
    account.id = *id;
    return account;
  }

  core::SpotifyAccount stored(Services& services, std::int64_t account_id) {
    const auto found = services.accounts().find_account(account_id);
    EXPECT_TRUE(found && *found);
    return found && *found ? **found : core::SpotifyAccount{};
  }

  void rotate_refresh_tokens() {
    emulator_admin("POST", "/__emulator/config", Json{{"rotate_refresh_tokens", true}});
  }

  spotify_emulator::Clock emulator_clock_{spotify_emulator::testkit::kStartMs, /*frozen=*/true};
  test_support::ManualClock clock_;  // starts at the emulator's kStartMs too
  MovingSleeper sleeper_{clock_, emulator_clock_};
  std::unique_ptr<spotify_emulator::testkit::RunningEmulator> emulator_;
  std::unique_ptr<test_support::HttpClient> admin_;
  fs::path directory_;
};

TEST_F(ServicesTest, TwoUsersOfOneAccountShareTheRotatedRefreshToken) {
  rotate_refresh_tokens();
  // A second token request fails, so a second refresh could not hide: the access token has
  // expired, and a refresh with the rotated-away refresh token would be refused.
  emulator_admin("POST", "/__emulator/faults",
                 Json{{"rules",
                       {{{"kind", "status"},
                         {"status", 503},
                         {"path_contains", "/api/token"},
                         {"nth", 2},
                         {"count", 1}}}}});
  const auto services = open_process();
  const auto account = store_account(*services, /*expires_in_s=*/0);
  const auto sync = services->spotify_for(account);
  const auto edit = services->spotify_for(account);  // built from the same, soon stale, copy

  ASSERT_TRUE(sync->current_user());
  const auto rotated = stored(*services, account.id).tokens;
  const auto profile = edit->current_user();

  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_NE(rotated.refresh_token, account.tokens.refresh_token);
  EXPECT_EQ(emulator_admin("GET", "/__emulator/stats")["faults"], 0);  // no second refresh
  EXPECT_EQ(stored(*services, account.id).tokens, rotated);
  EXPECT_EQ(stored(*services, account.id).status, core::AccountStatus::Active);
  EXPECT_EQ(sync->counters().calls, 1);
  EXPECT_EQ(edit->counters().calls, 1);

  // A client asked for later with the caller's stale copy still runs on the rotated token.
  const auto later = services->spotify_for(account);
  ASSERT_TRUE(later->current_user());
  EXPECT_EQ(emulator_admin("GET", "/__emulator/stats")["faults"], 0);
}

TEST_F(ServicesTest, ARefreshTokenRotatedByAnotherProcessIsReadFromTheStore) {
  rotate_refresh_tokens();
  const auto serve = open_process();
  const auto account = store_account(*serve, /*expires_in_s=*/60);
  const auto sync = open_process();  // a `plm sync` beside `plm serve`, same database
  const auto sync_client = sync->spotify_for(account);

  ASSERT_TRUE(serve->spotify_for(account)->current_user());  // rotates and stores
  const auto rotated = stored(*serve, account.id).tokens;
  const auto profile = sync_client->current_user();  // refreshes with the old token: refused

  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(stored(*sync, account.id).status, core::AccountStatus::Active);
  // The stored access token was still good: used without another refresh.
  EXPECT_EQ(stored(*sync, account.id).tokens, rotated);
}

TEST_F(ServicesTest, ARefusalOfTheStoredRefreshTokenMarksTheAccount) {
  const auto services = open_process();
  const auto account = store_account(*services, /*expires_in_s=*/60);
  emulator_admin("POST", "/__emulator/revoke", Json{{"user_id", "alice"}});

  const auto profile = services->spotify_for(account)->current_user();

  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, core::ErrorCode::NeedsReauth);
  EXPECT_EQ(stored(*services, account.id).status, core::AccountStatus::NeedsReauth);
  EXPECT_EQ(services->spotify_for(account)->current_user().error().code,
            core::ErrorCode::NeedsReauth);
}

TEST_F(ServicesTest, TwoProcessesKeepToOneRateBudgetPerClientId) {
  constexpr int kBudget = 5;
  emulator_admin("POST", "/__emulator/rate-limits",
                 Json{{"window_budget", kBudget}, {"window_ms", 30'000}});
  const auto serve = open_process(kBudget);
  const auto sync = open_process(kBudget);
  const auto account = store_account(*serve, /*expires_in_s=*/3600);
  const auto serve_client = serve->spotify_for(account);
  const auto sync_client = sync->spotify_for(account);

  for (int i = 0; i < 3 * kBudget; ++i) {
    const auto profile = (i % 2 == 0 ? serve_client : sync_client)->current_user();
    ASSERT_TRUE(profile) << i << ": " << profile.error().message;
  }

  const Json stats = emulator_admin("GET", "/__emulator/stats");
  EXPECT_EQ(stats["rate_limited"], 0);
  EXPECT_EQ(stats["total"], 3 * kBudget);
  EXPECT_EQ(sleeper_.waits, std::vector<spotify::Millis>(2, 30s));  // once per full window
  EXPECT_EQ(serve_client->counters().paced_waits + sync_client->counters().paced_waits, 2);
}

TEST_F(ServicesTest, ARateLimitPauseIsSharedWithTheOtherProcess) {
  const auto serve = open_process();
  const auto sync = open_process();
  const auto account = store_account(*serve, /*expires_in_s=*/3600);
  emulator_admin("POST", "/__emulator/faults",
                 Json{{"rules", {{{"kind", "rate_limit"}, {"retry_after_s", 20}, {"count", 1}}}}});

  ASSERT_TRUE(serve->spotify_for(account)->current_user());  // waited out the 429's 20 s
  sleeper_.waits.clear();
  emulator_admin(
      "POST", "/__emulator/faults",
      Json{{"rules", {{{"kind", "rate_limit"}, {"retry_after_s", 3600}, {"count", 1}}}}});
  const auto limited = serve->spotify_for(account)->current_user();
  const auto other = sync->spotify_for(account)->current_user();

  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, core::ErrorCode::RateLimited);
  ASSERT_FALSE(other);  // the other process does not call while the client ID is paused
  EXPECT_EQ(other.error().code, core::ErrorCode::RateLimited);
  ASSERT_TRUE(other.error().retry_at);
  EXPECT_EQ(*other.error().retry_at, clock_.now() + 1h);
  EXPECT_EQ(emulator_admin("GET", "/__emulator/stats")["rate_limited"], 2);
  EXPECT_TRUE(sleeper_.waits.empty());
}

TEST_F(ServicesTest, CatalogClientsNeedNoAccountAndKeepToTheClientIdsBudget) {
  constexpr int kBudget = 4;
  emulator_admin("POST", "/__emulator/rate-limits",
                 Json{{"window_budget", kBudget}, {"window_ms", 30'000}});
  const auto serve = open_process(kBudget);
  const auto account = store_account(*serve, /*expires_in_s=*/3600);
  auto catalog = serve->catalog_spotify();
  ASSERT_TRUE(catalog) << catalog.error().message;
  auto second = serve->catalog_spotify();
  ASSERT_TRUE(second);
  const auto user_client = serve->spotify_for(account);

  // Catalog calls on the client-credentials token and the account's calls share one window.
  for (int i = 0; i < 2 * kBudget; ++i) {
    if (i % 2 == 0) {
      const auto found = (i % 4 == 0 ? *catalog : *second)->search_tracks("love", 0, 10);
      ASSERT_TRUE(found) << i << ": " << found.error().message;
    } else {
      ASSERT_TRUE(user_client->current_user()) << i;
    }
  }
  const Json stats = emulator_admin("GET", "/__emulator/stats");
  EXPECT_EQ(stats["total"], 2 * kBudget);
  EXPECT_EQ(stats["rate_limited"], 0);
  EXPECT_EQ(sleeper_.waits, std::vector<spotify::Millis>(1, 30s));

  // The catalog token is no user's: /me is refused.
  EXPECT_FALSE((*catalog)->current_user());
}

TEST_F(ServicesTest, CatalogClientsNeedTheClientSecret) {
  const auto services = open_process(100'000, /*secret=*/"");
  const auto catalog = services->catalog_spotify();
  ASSERT_FALSE(catalog);
  EXPECT_EQ(catalog.error().code, core::ErrorCode::InvalidInput);
  EXPECT_NE(catalog.error().message.find("PLM_SPOTIFY_CLIENT_SECRET"), std::string::npos);

  const auto wrong = open_process(100'000, "wrong-secret");
  const auto refused = (*wrong->catalog_spotify())->search_tracks("love", 0, 10);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::Forbidden);
  EXPECT_NE(refused.error().message.find("client credentials refused"), std::string::npos);
  EXPECT_EQ(emulator_admin("GET", "/__emulator/stats")["total"], 0);
}

}  // namespace
}  // namespace plm::app
