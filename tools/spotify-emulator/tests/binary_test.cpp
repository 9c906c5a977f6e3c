// The spotify-emulator executable itself: --help documents every flag, bad flags fail with a
// clear message, and port 0 binds a free port that it prints.

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/http_client.hpp"

extern char** environ;

namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;
};

Outcome run(const std::string& arguments) {
  Outcome outcome;
  FILE* pipe =
      popen((std::string(SPOTIFY_EMULATOR_BINARY) + " " + arguments + " 2>&1").c_str(), "r");
  if (!pipe) return outcome;
  std::array<char, 4096> buffer{};
  while (const auto n = fread(buffer.data(), 1, buffer.size(), pipe))
    outcome.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return outcome;
}

TEST(EmulatorBinary, HelpDocumentsEveryFlagTheParserAccepts) {
  const auto help = run("--help");
  EXPECT_EQ(help.exit_code, 0);
  std::ifstream source(std::string(PLM_SOURCE_DIR) + "/tools/spotify-emulator/main.cpp");
  std::stringstream text;
  text << source.rdbuf();
  const std::string code = text.str();
  // Every `flag == "--name"` in the parser appears in the help text.
  std::size_t position = 0;
  int flags = 0;
  while ((position = code.find("flag == \"--", position)) != std::string::npos) {
    const auto start = position + 9;
    const auto end = code.find('"', start);
    const std::string flag = code.substr(start, end - start);
    EXPECT_NE(help.output.find(flag), std::string::npos) << flag << " is not in --help";
    position = end;
    ++flags;
  }
  EXPECT_GT(flags, 25);
}

TEST(EmulatorBinary, RejectsUnknownFlagsAndBadValuesClearly) {
  const auto unknown = run("--frobnicate");
  const auto bad_mode = run("--mode classic");
  const auto bad_port = run("--port 70000");
  const auto bad_snapshot_mode = run("--snapshot-mode strict");
  const auto missing = run("--seed /nonexistent/seed.json --demo-only");
  const auto bad_description_errors = run("--description-errors loud");
  const auto bad_profile = run("--profile harsh");

  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("unknown option '--frobnicate'"), std::string::npos);
  EXPECT_EQ(bad_mode.exit_code, 2);
  EXPECT_NE(bad_mode.output.find("--mode must be dev2026 or extended"), std::string::npos);
  EXPECT_EQ(bad_port.exit_code, 2);
  EXPECT_EQ(bad_snapshot_mode.exit_code, 2);
  EXPECT_NE(bad_snapshot_mode.output.find("--snapshot-mode must be one of ignore, bad-version-tag"),
            std::string::npos);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.output.find("cannot load seed"), std::string::npos);
  EXPECT_EQ(bad_description_errors.exit_code, 2);
  EXPECT_NE(bad_description_errors.output.find("--description-errors must be clear or observed"),
            std::string::npos);
  EXPECT_EQ(bad_profile.exit_code, 2);
  EXPECT_NE(bad_profile.output.find("--profile must be one of default, realistic, got 'harsh'"),
            std::string::npos);
}

TEST(EmulatorBinary, RejectsRedirectUrisSpotifyWouldRefuse) {
  // The trailing bad port makes a binary that accepted the URI exit too, rather than serve.
  const auto localhost =
      run("--demo-only --client-id c --redirect-uri http://localhost:8080/cb --port 70000");
  const auto trick = run(
      "--demo-only --client-id c --redirect-uri http://127.0.0.1:1@evil.example/cb --port 70000");

  EXPECT_EQ(localhost.exit_code, 2);
  EXPECT_NE(localhost.output.find("--redirect-uri http://localhost:8080/cb would be refused by "
                                  "Spotify: INVALID_CLIENT: Insecure redirect URI"),
            std::string::npos)
      << localhost.output;
  EXPECT_EQ(trick.exit_code, 2);
  EXPECT_NE(trick.output.find("INVALID_CLIENT: Invalid redirect URI"), std::string::npos)
      << trick.output;
}

TEST(EmulatorBinary, PortZeroBindsAFreePortAndPrintsIt) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string binary = SPOTIFY_EMULATOR_BINARY;
  const std::string port_file =
      (std::filesystem::temp_directory_path() / ("emulator-port-" + std::to_string(getpid())))
          .string();
  // A profile, whose settings the flags override wherever they stand.
  std::vector<std::string> arguments{
      binary,         "--demo-only", "--port",       "0",
      "--client-id",  "cli",         "--latency-ms", "0",
      "--port-file",  port_file,     "--profile",    "realistic",
      "--fault-seed", "9",           "--etags",      "--description-errors",
      "observed"};
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);

  // Blocking read of the first line: the emulator prints it once it accepts connections.
  std::string line;
  char c = 0;
  while (read(out[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  close(out[0]);
  const std::string prefix = "spotify-emulator listening on http://127.0.0.1:";
  ASSERT_TRUE(line.starts_with(prefix)) << line;
  const std::string base = "http://127.0.0.1:" + line.substr(prefix.size());
  plm::test_support::HttpClient client(base);
  const auto health = client.get("/__emulator/health");
  const auto users = client.get("/__emulator/users/demo-pro/playlists");
  const auto config = client.get("/__emulator/config");
  const auto profile = client.get("/__emulator/profile");

  std::ifstream port_in(port_file);
  std::string written;
  std::getline(port_in, written);
  const bool temporary_left = std::filesystem::exists(port_file + ".tmp");
  std::filesystem::remove(port_file);

  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);

  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(users.status, 200);
  EXPECT_EQ("http://127.0.0.1:" + written, base);  // the port file, written before the banner
  EXPECT_FALSE(temporary_left);                    // renamed into place
  EXPECT_GT(users.body.size(), 1000u);
  EXPECT_NE(config.body.find(R"("description_errors":"observed")"), std::string::npos)
      << config.body;
  EXPECT_NE(config.body.find(R"("etags":true)"), std::string::npos) << config.body;
  const auto active = nlohmann::json::parse(profile.body);
  EXPECT_EQ(active["name"], "realistic");
  EXPECT_EQ(active["seed"], 9);
  EXPECT_EQ(active["latency"]["fixed_ms"], 0);  // --latency-ms came before --profile, and won
  EXPECT_EQ(active["latency"]["jitter_ms"], 110);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);  // clean shutdown on SIGTERM
}

}  // namespace
