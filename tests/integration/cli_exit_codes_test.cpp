// The exit-code contract of `plm` (issue 13 §1), table-driven: each outcome a script branches on
// (0 ok, 1 failure with a hint at what lists what exists, 2 usage, 3 re-authorization, 4 retry
// later, 5 partial), its message on stderr and, with --json, {"error": {...}} on stdout. The
// rows run in this process through app::run_cli against one emulator and one data directory (one
// test: ctest runs each test case as a process of its own), so the whole table costs about one
// `plm sync` and the emulator's start.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "app/cli/cli.hpp"
#include "cli_fixture.hpp"

extern char** environ;

namespace {

using namespace plm_cli_test;

constexpr const char* kSmall = "DjSmall000000000000001";

/// dj owns two playlists, one with three tracks; both read by a plain sync.
Seed exit_code_seed() {
  Seed seed;
  seed.users = {{"dj", "DJ Test", true}};
  seed.playlists = {
      SeedPlaylist{kSmall,
                   "dj",
                   "Small",
                   "three tracks",
                   true,
                   false,
                   {{catalog_uri(200), "", "dj"},
                    {catalog_uri(201), "", "dj"},
                    {catalog_uri(202), "", "dj"}},
                   {}},
      SeedPlaylist{"DjOther000000000000001",
                   "dj",
                   "Other",
                   "",
                   false,
                   false,
                   {{catalog_uri(300), "", "dj"}},
                   {}},
  };
  return seed;
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class CliExitCodes : public CliTest {
 protected:
  /// `plm ARGS` in this process, with the fixture's environment plus `extra` (and nothing else of
  /// PLM_* from the test's own environment), `input` as standard input.
  Outcome run(std::vector<std::string> arguments,
              const std::map<std::string, std::string>& extra = {}, const std::string& input = {}) {
    clear_plm_environment();
    auto variables = environment();
    for (const auto& [key, value] : extra) variables[key] = value;
    for (const auto& [key, value] : variables) ::setenv(key.c_str(), value.c_str(), 1);
    arguments.insert(arguments.begin(), "plm");
    std::vector<char*> argv;
    for (auto& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::istringstream stdin_text(input);
    auto* const saved_stdin = std::cin.rdbuf(stdin_text.rdbuf());
    std::ostringstream out;
    std::ostringstream err;
    const auto code = plm::app::run_cli(static_cast<int>(arguments.size()), argv.data(), out, err);
    std::cin.rdbuf(saved_stdin);
    clear_plm_environment();
    return {plm::app::exit_status(code), out.str(), err.str()};
  }

  static void clear_plm_environment() {
    std::vector<std::string> names;
    for (char** entry = environ; entry && *entry; ++entry) {
      const std::string text(*entry);
      if (text.starts_with("PLM_")) names.push_back(text.substr(0, text.find('=')));
    }
    for (const auto& name : names) ::unsetenv(name.c_str());
  }

  void connect_in_process() {
    connect_with([this](std::vector<std::string> arguments) { return run(std::move(arguments)); });
  }
};

/// One row of the table: a command line, what it exits with, what stderr must say, and (when it
/// fails and --json is among the arguments) the error code of stdout's {"error": {...}}.
struct Row {
  std::vector<std::string> arguments;
  int exit_code = 0;
  std::string err_contains = {};
  std::string json_error = {};
  std::map<std::string, std::string> environment = {};
  std::string input = {};
};

TEST_F(CliExitCodes, EveryOutcomeHasItsExitCodeItsMessageAndItsJsonError) {
  const auto started = std::chrono::steady_clock::now();
  start(exit_code_seed(), "dj");
  connect_in_process();
  const std::string small_link =
      std::string("https://open.spotify.com/intl-de/playlist/") + kSmall + "?si=0a1b2c3d";

  // 5: one playlist could not be read (run under a fault below); the other was.
  const std::vector<Row> partial{{{"sync"}, 5, "could not read \"Small\""}};

  const std::vector<Row> rows{
      // 0: what works, and a playlist named by its URI or its share link.
      {{"sync"}, 0},
      {{"playlists"}, 0},
      {{"--json", "playlist", "show", std::string("spotify:playlist:") + kSmall}, 0},
      {{"playlist", "history", small_link}, 0},
      {{"config", "--show-origin"}, 0},
      // 2: usage, from the parser and from a handler.
      {{"sync", "--bogus"}, 2, "unknown option '--bogus'"},
      {{"--json", "playlist", "show", std::string("spotify:album:") + kSmall},
       2,
       "is no playlist: give its id, its spotify:playlist: URI",
       "invalid_input"},
      {{"--json", "playlist", "add", kSmall, "spotify:album:x"},
       2,
       "is not a Spotify track or episode URI",
       "invalid_input"},
      {{"--json", "playlists"},
       2,
       "PLM_SPOTIFY_RATE_BUDGET must be a whole number from 1 to 100000, got 'fast' (from "
       "environment PLM_SPOTIFY_RATE_BUDGET)",
       "usage",  // configuration errors are usage errors, also before any handler runs
       {{"PLM_SPOTIFY_RATE_BUDGET", "fast"}}},
      // 1: not found, naming what was looked for and the command that lists what exists.
      {{"--json", "playlist", "show", "NoSuchPlaylist00000001"},
       1,
       "no stored playlist NoSuchPlaylist00000001 for account dj: `plm playlists` lists them",
       "not_found"},
      {{"--json", "playlist", "history", "NoSuchPlaylist00000001"},
       1,
       "`plm playlists` lists them",
       "not_found"},
      {{"--json", "playlist", "delete", "--yes", "NoSuchPlaylist00000001"},
       1,
       "`plm playlists` lists them",
       "not_found"},
      {{"--json", "playlist", "shuffle", "NoSuchPlaylist00000001"},
       1,
       "`plm playlists` lists them",
       "not_found"},
      {{"--json", "jobs", "show", "999"},
       1,
       "no job 999 of user admin: `plm jobs` lists them",
       "not_found"},
      {{"--json", "playlists", "--account", "nobody"},
       1,
       "no connected account nobody for user admin: `plm accounts` lists them",
       "not_found"},
      {{"--json", "--user", "ghost", "playlists"},
       1,
       "no plm user named ghost (from option --user): `plm user list` lists the users",
       "not_found"},
      // 1: a conflict in plain words, never the database's ("UNIQUE constraint failed").
      {{"--json", "user", "add", "--password-stdin", "admin"},
       1,
       "a user named admin exists already; `plm user list` shows the users",
       "conflict",
       {},
       "long enough\n"},
      // 1: a failure at the CLI's edge: one plain line and how to see the library's text.
      {{"--json", "playlists"},
       1,
       "run again with PLM_DEBUG=1 for details",
       "internal",
       {{"PLM_DATABASE_URL", "postgresql://127.0.0.1:1/nowhere?connect_timeout=2"}}},
  };

  // 4: Spotify asked to wait two hours; the message says until when.
  const std::vector<Row> rate_limited{{{"--json", "sync"}, 4, "retry after", "rate_limited"}};
  // 3: Spotify no longer honours the account's refresh token.
  const std::vector<Row> needs_reauth{
      {{"--json", "sync"}, 3, "run `plm connect` again for this account", "needs_reauth"}};

  auto check = [&](const std::vector<Row>& table) {
    for (const auto& row : table) {
      std::string line;
      for (const auto& argument : row.arguments) line += " " + argument;
      SCOPED_TRACE("plm" + line);
      const auto result = run(row.arguments, row.environment, row.input);
      EXPECT_EQ(result.exit_code, row.exit_code) << result.err;
      if (!row.err_contains.empty()) {
        EXPECT_NE(result.err.find(row.err_contains), std::string::npos) << result.err;
      }
      for (const char* database_words : {"constraint", "UNIQUE", "duplicate key", "SQLITE"}) {
        EXPECT_EQ(result.err.find(database_words), std::string::npos) << result.err;
      }
      if (row.exit_code != 0) {
        EXPECT_TRUE(result.err.starts_with("plm: ")) << result.err;
      }
      if (!row.json_error.empty()) {
        auto parsed = Json::parse(result.out, nullptr, /*allow_exceptions=*/false);
        ASSERT_TRUE(parsed.is_object()) << result.out;
        EXPECT_EQ(parsed["error"]["code"], row.json_error) << result.out;
        EXPECT_TRUE(parsed["error"]["message"].is_string()) << result.out;
      }
    }
  };

  {
    SCOPED_TRACE("partial");
    admin_json("POST", "/__emulator/faults",
               Json{{"rules",
                     {{{"kind", "status"},
                       {"status", 404},
                       {"path_contains", std::string("/playlists/") + kSmall + "/items"}}}}});
    check(partial);
    admin_json("DELETE", "/__emulator/faults");
  }
  check(rows);
  {
    SCOPED_TRACE("rate limited");
    admin_json("POST", "/__emulator/faults",
               Json{{"rules", {{{"kind", "rate_limit"}, {"retry_after_s", 7200}}}}});
    check(rate_limited);
    admin_json("DELETE", "/__emulator/faults");
    end_rate_limit_pauses();
  }
  {
    SCOPED_TRACE("needs reauth");
    admin_json("POST", "/__emulator/clock", Json{{"advance_ms", 190LL * 24 * 3600 * 1000}});
    admin_json("POST", "/__emulator/faults", Json{{"rules", {{{"kind", "expired_token"}}}}});
    check(needs_reauth);
  }

  // With PLM_DEBUG=1 the edge's failure shows the library's text too.
  const auto debug = run({"playlists"}, {{"PLM_DATABASE_URL", "postgresql://127.0.0.1:1/nowhere"},
                                         {"PLM_DEBUG", "1"}});
  EXPECT_EQ(debug.exit_code, 1);
  EXPECT_NE(debug.err.find("\n  detail: "), std::string::npos) << debug.err;
  EXPECT_EQ(debug.err.find("PLM_DEBUG=1 for details"), std::string::npos) << debug.err;

  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  std::cout << "[ exit-code table: " << took.count() << " ms ]\n";
}

}  // namespace
