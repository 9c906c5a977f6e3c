// `plm serve` as a process: listening on port 0 with a port file, the setup code in its log, and a
// clean stop on SIGTERM.

#include "app/serve.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/services.hpp"
#include "emulator/emulator.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "testkit/testkit.hpp"
#include "web_fixture.hpp"

namespace {

namespace fs = std::filesystem;

TEST(PlmServe, ListensOnAFreePortPrintsTheSetupCodeAndStopsOnSigterm) {
  const fs::path directory =
      fs::temp_directory_path() / ("plm-serve-" + std::to_string(::getpid()));
  fs::remove_all(directory);
  fs::create_directories(directory);
  const fs::path port_file = directory / "port";
  plm::test_support::Process server(
      {PLM_BINARY, "serve", "--listen", "127.0.0.1:0", "--port-file", port_file.string()},
      {{"PLM_DATA_DIR", (directory / "data").string()},
       {"PLM_CONFIG", ""},
       {"PLM_ACCESS_LOG", "0"}});

  // The port file appears once the server listens (written whole, then renamed).
  std::string port;
  for (int attempt = 0; attempt < 600 && port.empty(); ++attempt) {
    std::ifstream(port_file) >> port;
    if (port.empty()) ::usleep(50'000);
  }
  ASSERT_FALSE(port.empty());
  plm::test_support::HttpClient client("http://127.0.0.1:" + port);
  const auto health = client.get("/healthz");
  const auto setup = client.get("/api/setup");
  server.kill(SIGTERM);
  const auto result = server.wait();

  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(nlohmann::json::parse(setup.body)["needs_setup"], true);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("plm serve: listening on http://127.0.0.1:" + port), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("enter the setup code "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("plm serve: stopped"), std::string::npos) << result.err;
  fs::remove_all(directory);
}

TEST(PlmServe, SigtermDuringAPacedSyncExitsWithinSeconds) {
  using namespace plm;
  const fs::path directory =
      fs::temp_directory_path() / ("plm-serve-sync-" + std::to_string(::getpid()));
  fs::remove_all(directory);
  fs::create_directories(directory);
  spotify_emulator::Clock emulator_clock{spotify_emulator::testkit::kStartMs, /*frozen=*/true};
  spotify_emulator::testkit::RunningEmulator emulator(
      spotify_emulator::testkit::test_seed(),
      spotify_emulator::EmulatorOptions{.auto_approve = true, .auto_approve_user = "alice"},
      emulator_clock);
  emulator.emulator().register_app(
      spotify_emulator::App{.client_id = "plm-serve-test",
                            .client_secret = "secret",
                            .redirect_uris = {"http://127.0.0.1/api/spotify/callback"}});
  // Three calls per 30 s: the sync soon waits out the client's own pacing for many seconds.
  std::map<std::string, std::string> settings{{"PLM_DATA_DIR", (directory / "data").string()},
                                              {"PLM_SPOTIFY_CLIENT_ID", "plm-serve-test"},
                                              {"PLM_SPOTIFY_CLIENT_SECRET", "secret"},
                                              {"PLM_SPOTIFY_API_URL", emulator.base_url() + "/v1"},
                                              {"PLM_SPOTIFY_ACCOUNTS_URL", emulator.base_url()},
                                              {"PLM_SPOTIFY_RATE_BUDGET", "3"},
                                              {"PLM_SPOTIFY_MAX_WAIT_S", "120"}};
  {
    auto config = app::build_config(settings, {}, {}, "");
    ASSERT_TRUE(config) << config.error().message;
    auto services = app::Services::open(*config);
    ASSERT_TRUE(services->users().create_user(
        "root", app::web_crypto().hash_password(web_test::kPassword), core::Role::Admin));
  }
  auto environment = settings;
  environment["PLM_CONFIG"] = "";
  environment["PLM_ACCESS_LOG"] = "0";
  const fs::path port_file = directory / "port";
  test_support::Process server(
      {PLM_BINARY, "serve", "--listen", "127.0.0.1:0", "--port-file", port_file.string()},
      environment);
  std::string port;
  for (int attempt = 0; attempt < 600 && port.empty(); ++attempt) {
    std::ifstream(port_file) >> port;
    if (port.empty()) ::usleep(50'000);
  }
  ASSERT_FALSE(port.empty());
  const std::string base = "http://127.0.0.1:" + port;
  test_support::HttpClient client(base);
  const auto signed_in = client.request(
      "POST", "/api/session", {{"Content-Type", "application/json"}},
      nlohmann::json{{"username", "root"}, {"password", web_test::kPassword}}.dump());
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string set_cookie(signed_in.header("Set-Cookie").value_or(""));
  const std::string token = set_cookie.substr(12, set_cookie.find(';') - 12);
  const std::vector<http::Field> auth{
      {"Cookie", "plm_session=" + token},
      {"X-CSRF-Token", nlohmann::json::parse(signed_in.body)["csrf_token"].get<std::string>()}};
  // Connect through the emulator's auto-approved consent.
  const auto started = client.request("POST", "/api/accounts/connect", auth, "");
  ASSERT_EQ(started.status, 200) << started.body;
  test_support::HttpClient spotify(emulator.base_url());
  const auto consent =
      spotify.get(nlohmann::json::parse(started.body)["authorize_url"].get<std::string>());
  ASSERT_EQ(consent.status, 303) << consent.body;
  const std::string callback(consent.header("Location").value_or(""));
  const auto connected = client.request("GET", callback.substr(base.size()), auth, "");
  const std::string location(connected.header("Location").value_or(""));
  ASSERT_NE(location.find("connected="), std::string::npos) << location;
  const std::string account = location.substr(location.find("connected=") + 10);

  web_test::EventReader events(base + "/api/events", token);
  ASSERT_TRUE(events.wait_connected());
  const auto sync = client.request("POST", "/api/accounts/" + account + "/sync", auth, "");
  ASSERT_EQ(sync.status, 202) << sync.body;
  ASSERT_TRUE(events.wait_for([](const web_test::EventReader::Event& event) {
    return event.name == "job" && event.data.value("state", "") == "running";
  }));
  const auto stopping = std::chrono::steady_clock::now();
  server.kill(SIGTERM);
  const auto result = server.wait();
  const auto took = std::chrono::steady_clock::now() - stopping;

  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_LT(took, std::chrono::seconds(5)) << result.err;
  EXPECT_NE(result.err.find("plm serve: stopped"), std::string::npos) << result.err;
  fs::remove_all(directory);
}

TEST(PlmServe, BadSettingsAreUsageErrors) {
  const auto listen =
      plm::test_support::run_process({PLM_BINARY, "serve", "--listen", "nowhere"},
                                     {{"PLM_CONFIG", ""}, {"PLM_DATA_DIR", "/nonexistent"}});
  const auto url = plm::test_support::run_process({PLM_BINARY, "serve"},
                                                  {{"PLM_CONFIG", ""},
                                                   {"PLM_DATA_DIR", "/nonexistent"},
                                                   {"PLM_PUBLIC_URL", "https://x.example/plm"}});

  EXPECT_EQ(listen.exit_code, 2);
  EXPECT_NE(listen.err.find("PLM_LISTEN must be HOST:PORT"), std::string::npos) << listen.err;
  EXPECT_EQ(url.exit_code, 2);
  EXPECT_NE(url.err.find("PLM_PUBLIC_URL must end with '/'"), std::string::npos) << url.err;
}

}  // namespace
