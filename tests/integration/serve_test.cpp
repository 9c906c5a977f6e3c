// `plm serve` as a process: listening on port 0 with a port file, the setup code in its log, and a
// clean stop on SIGTERM.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/http_client.hpp"
#include "support/process.hpp"

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
