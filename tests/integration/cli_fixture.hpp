#pragma once
// The fixture of the `plm` black-box tests (cli_test.cpp, cli_batch_test.cpp): the emulator on a
// free loopback port with plm's app registered, the plm binary run as a separate process against
// it with a throwaway data directory, and the emulator's admin API to look at what Spotify holds.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/services.hpp"
#include "catalog/seed.hpp"
#include "emulator/emulator.hpp"
#include "support/http_client.hpp"
#include "support/openapi/openapi_validator.hpp"
#include "support/process.hpp"
#include "testkit/testkit.hpp"

namespace plm_cli_test {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace spotify_emulator;
using plm::test_support::HttpClient;
using plm::test_support::run_process;

inline constexpr const char* kClientId = "plm-cli-test";
inline constexpr const char* kSecret = "cli-secret";

inline const Catalog& catalog() {
  static const Catalog loaded = [] {
    Catalog result;
    load_catalog_file(
        fs::path(PLM_SOURCE_DIR) / "tools/spotify-emulator/catalog/data/demo_catalog.csv", result);
    return result;
  }();
  return loaded;
}

/// demo-pro from the committed default seed: 320+ playlists, one of 10,000 tracks.
inline const Seed& default_seed() {
  static const Seed seed = load_seed_file(
      fs::path(PLM_SOURCE_DIR) / "tools/spotify-emulator/catalog/seeds/default.json", catalog());
  return seed;
}

/// The web API's contract, which `plm jobs --json` and `plm where --json` share.
inline const plm::test_support::OpenApiSpec& api_spec() {
  static const auto loaded =
      plm::test_support::OpenApiSpec::load(fs::path(PLM_SOURCE_DIR) / "api/openapi.yaml");
  return loaded;
}

inline void expect_schema(const char* schema, const Json& value) {
  plm::test_support::Leniency strict;
  strict.require_all_declared = true;
  const auto problems = api_spec().validate_schema(schema, value, strict);
  EXPECT_TRUE(problems.empty()) << schema << ": " << problems.front() << "\n" << value.dump();
}

/// A seeded playlist id of 22 characters: `name` padded with zeros, then `last` (each test file
/// its own, so that unity builds never see two definitions of one id).
inline std::string padded_playlist_id(std::string name, char last) {
  name.resize(21, '0');
  return name + last;
}

inline std::string catalog_uri(std::size_t n) {
  return "spotify:track:" + catalog().tracks().at(n).id;
}

/// Catalog URIs in the order `sort --by title --descending` gives (case-insensitive, stable).
inline void sort_by_title_descending(std::vector<std::string>& uris) {
  const auto title = [](const std::string& uri) {
    std::string name;
    for (const auto& track : catalog().tracks()) {
      if ("spotify:track:" + track.id == uri) name = track.name;
    }
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name;
  };
  std::stable_sort(uris.begin(), uris.end(),
                   [&](const auto& a, const auto& b) { return title(a) > title(b); });
}

class CliTest : public ::testing::Test {
 protected:
  void start(Seed seed, const std::string& user) {
    user_ = user;
    emulator_ = std::make_unique<testkit::RunningEmulator>(
        std::move(seed), EmulatorOptions{.auto_approve = true, .auto_approve_user = user}, clock_);
    emulator_->emulator().register_app(App{.client_id = kClientId,
                                           .client_secret = kSecret,
                                           .redirect_uris = {"http://127.0.0.1/callback"}});
    base_ = emulator_->base_url();
    admin_ = std::make_unique<HttpClient>(base_);
    data_dir_ = fs::temp_directory_path() /
                ("plm-cli-" + std::to_string(::getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(data_dir_);
  }
  void TearDown() override {
    emulator_.reset();
    fs::remove_all(data_dir_);
  }

  std::map<std::string, std::string> environment() const {
    return {{"PLM_DATA_DIR", data_dir_.string()},
            {"PLM_SPOTIFY_CLIENT_ID", kClientId},
            {"PLM_SPOTIFY_CLIENT_SECRET", kSecret},
            {"PLM_SPOTIFY_API_URL", base_ + "/v1"},
            {"PLM_SPOTIFY_ACCOUNTS_URL", base_},
            {"PLM_SPOTIFY_RATE_BUDGET", "100000"},
            {"PLM_CONFIG", ""}};
  }
  plm::test_support::ProcessResult plm(std::vector<std::string> arguments,
                                       const std::string& input = {}) {
    arguments.insert(arguments.begin(), PLM_BINARY);
    return run_process(arguments, environment(), input);
  }
  /// Runs a command and expects exit code `expected`; its output as it came.
  plm::test_support::ProcessResult run(std::vector<std::string> arguments, int expected = 0) {
    auto result = plm(std::move(arguments));
    EXPECT_EQ(result.exit_code, expected) << result.out << result.err;
    return result;
  }
  /// The same with --json: its stdout parsed (null when empty).
  Json run_json(std::vector<std::string> arguments, int expected = 0) {
    arguments.insert(arguments.begin(), "--json");
    const auto result = run(std::move(arguments), expected);
    return Json::parse(result.out.empty() ? "null" : result.out);
  }
  /// Sets a stored playlist's local tags directly in plm's database (the admin user's account).
  void set_tags(const std::string& id, const std::vector<std::string>& tags) {
    auto config = plm::app::build_config(environment(), {}, {}, "");
    ASSERT_TRUE(config) << config.error().message;
    auto services = plm::app::Services::open(*config);
    const auto admin = services->users().find_user_by_name("admin")->value();
    const auto account = services->accounts().accounts_of(admin.id)->front();
    ASSERT_TRUE(services->playlists().set_playlist_tags(account.id, id, tags));
  }
  Json admin_json(const std::string& method, const std::string& path, const Json& body = nullptr) {
    const auto result = admin_->request(method, path, {{"Content-Type", "application/json"}},
                                        body.is_null() ? "" : body.dump());
    return result.body.empty() ? Json() : Json::parse(result.body);
  }
  std::int64_t emulator_calls() { return admin_json("GET", "/__emulator/stats")["total"]; }
  /// As if every 429 pause had run out (see core/ports/rate_ledger.hpp).
  void end_rate_limit_pauses() {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((data_dir_ / "plm.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "UPDATE rate_budget_clients SET paused_until_ms = 0", nullptr,
                           nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }

  /// The playlist of the test's user on the emulator (the truth, whatever reads show).
  Json emulator_playlist(const std::string& id) {
    for (const auto& playlist : admin_json("GET", "/__emulator/users/" + user_ + "/playlists")) {
      if (playlist["id"] == id) return playlist;
    }
    ADD_FAILURE() << "no playlist " << id << " in " << user_ << "'s dump";
    return Json();
  }
  std::vector<std::string> on_spotify(const std::string& id) {
    const Json playlist = emulator_playlist(id);  // kept: a temporary would end before the loop
    std::vector<std::string> uris;
    for (const auto& entry : playlist["entries"]) uris.push_back(entry["uri"]);
    return uris;
  }

  /// A request to the emulator's Web API as the test's user, with the write scopes: a change made
  /// outside plm.
  plm::test_support::HttpResult outside_plm(const std::string& method, const std::string& path,
                                            const Json& body) {
    const Json tokens =
        admin_json("POST", "/__emulator/tokens",
                   Json{{"client_id", kClientId},
                        {"user_id", user_},
                        {"scopes", "playlist-modify-public playlist-modify-private"}});
    return admin_->request(
        method, "/v1" + path,
        {{"Authorization", "Bearer " + tokens["access_token"].get<std::string>()},
         {"Content-Type", "application/json"}},
        body.dump());
  }

  /// Headless connect: --print-url, follow the (auto-approved) authorize URL, --callback.
  void connect() {
    connect_with([this](std::vector<std::string> arguments) { return plm(std::move(arguments)); });
  }
  /// The same with `run` running plm (in this process: cli_exit_codes_test.cpp); it returns
  /// exit_code, out and err.
  template <typename Run>
  void connect_with(Run run_plm) {
    const auto url = run_plm({"connect", "--print-url"});
    ASSERT_EQ(url.exit_code, 0) << url.err;
    HttpClient browser(base_);
    const auto redirect = browser.get(url.out.substr(0, url.out.find('\n')));
    ASSERT_EQ(redirect.status, 303);
    const auto connected =
        run_plm({"connect", "--callback", std::string(redirect.header("Location").value_or(""))});
    ASSERT_EQ(connected.exit_code, 0) << connected.err;
  }

  Clock clock_{1'793'491'200'000, /*frozen=*/true};
  std::unique_ptr<testkit::RunningEmulator> emulator_;
  std::unique_ptr<HttpClient> admin_;
  std::string base_;
  std::string user_;
  fs::path data_dir_;
};

}  // namespace plm_cli_test
