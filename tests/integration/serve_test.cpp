// `plm serve` as a process: listening on port 0 with a port file, the setup code in its log, and a
// clean stop on SIGTERM that releases the running job to the next start.

#include "app/serve.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/services.hpp"
#include "emulator/emulator.hpp"
#include "serve_process.hpp"
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
  plm::web_test::ServeProcess server(directory, {{"PLM_DATA_DIR", (directory / "data").string()}});
  ASSERT_TRUE(server.listening());
  const auto health = server.client().get("/healthz");
  const auto setup = server.client().get("/api/setup");
  server.kill(SIGTERM);
  const auto result = server.wait();

  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(nlohmann::json::parse(setup.body)["needs_setup"], true);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("plm serve: listening on " + server.base_url()), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("enter the setup code "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("plm serve: stopped"), std::string::npos) << result.err;
  fs::remove_all(directory);
}

TEST(PlmServe, SigtermDuringARateLimitWaitStopsTheWaitAndReleasesTheJob) {
  using namespace plm;
  // The first Web API call is answered 429 with Retry-After: 100 s (under PLM_SPOTIFY_MAX_WAIT_S,
  // so plm waits instead of failing): the sync's first call leaves it waiting 100 s. SIGTERM must
  // cut that wait short: no clock is read, the emulator counts the calls instead. A wait waited
  // out would end in a second call (and the test would take 100 s to say so).
  web_test::ServeStage stage("serve-sync", spotify_emulator::testkit::test_seed(), "alice",
                             {{"PLM_SPOTIFY_MAX_WAIT_S", "120"}});
  web_test::ServeProcess server(stage.directory(), stage.settings());
  ASSERT_TRUE(server.listening());
  server.sign_in("root", web_test::kPassword);
  const std::int64_t account = server.connect_account(stage.emulator_url());
  ASSERT_GT(account, 0);
  stage.emulator_admin("DELETE", "/__emulator/stats");
  stage.emulator_admin(
      "POST", "/__emulator/faults",
      nlohmann::json{
          {"rules", nlohmann::json::array(
                        {{{"kind", "rate_limit"}, {"retry_after_s", 100}, {"count", 1}}})}});

  web_test::EventReader events(server.base_url() + "/api/events", server.session_token());
  ASSERT_TRUE(events.wait_connected());
  int status = 0;
  const auto sync =
      server.call("POST", "/api/accounts/" + std::to_string(account) + "/sync", &status);
  ASSERT_EQ(status, 202) << sync.dump();
  ASSERT_TRUE(events.wait_for([](const web_test::EventReader::Event& event) {
    return event.name == "job" && event.data.value("state", "") == "running";
  }));
  server.kill(SIGTERM);
  const auto result = server.wait();
  const auto stats = stage.emulator_admin("GET", "/__emulator/stats");
  // The job was released, not lost: the next start resumes it.
  const auto job = app::Services::open(stage.config())
                       ->jobs()
                       .find_job(std::stoll(sync["id"].get<std::string>()));

  EXPECT_EQ(result.exit_code, 0) << result.err;
  // One call at most: answered 429 before the signal (none when the signal came first).
  EXPECT_LE(stats["total"].get<int>(), 1) << stats.dump();
  EXPECT_NE(result.err.find("plm serve: stopped"), std::string::npos) << result.err;
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->job.state, core::JobState::Interrupted);
  EXPECT_EQ((*job)->history.back().kind, core::JobEventKind::Interrupted);
  EXPECT_EQ((*job)->history.back().message, "the worker stopped (shutdown)");
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
