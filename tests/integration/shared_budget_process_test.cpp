// Two plm processes on one Spotify client ID keep to one rate budget (issue 8, section 5):
// `plm serve` syncs one account (started through the web API) while `plm sync` syncs another, on
// one SQLite data directory, both with PLM_SPOTIFY_RATE_BUDGET=100, against an emulator that
// answers 429 beyond 100 calls per rolling 30 s for the client ID and delays every answer 100 ms.
// The emulator runs on real time here (its window counts real milliseconds: the processes read the
// wall clock and cannot share a manual one), so the proof waits out one real window: about 35 s.
//
// Why it proves something: the two accounts need 158 calls together (79 each, the sync's lower
// bound), so within the first 30 s only a shared budget keeps them from 101 calls; neither needs
// more than 100 alone, so a budget per process would never hold either back. The control test
// runs the same syncs with a data directory per process (a ledger each, as before issue 8) and
// sees the emulator answer 429 after the 100th call; the proof sees the window full (100 calls in
// 30 s), both processes held back by it, and no 429. In-process, with manual clocks, the same
// rule is tested in services_test.cpp (TwoProcessesKeepToOneRateBudgetPerClientId).
//
// Runs once in CI: scripts/test.sh runs the whole suite on the release and the asan presets, and
// this test skips itself under AddressSanitizer (the compiler defines __SANITIZE_ADDRESS__):
// waiting out a real window twice adds nothing the sanitizers would see that the in-process test
// does not show them. Its ctest label `realtime` lets the inner loop leave it out
// (`ctest --preset dev -LE realtime`).

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/serve.hpp"
#include "app/services.hpp"
#include "emulator/emulator.hpp"
#include "http/server.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "testkit/testkit.hpp"
#include "web_fixture.hpp"

namespace plm {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

constexpr const char* kClientId = "plm-budget-test";
constexpr const char* kClientSecret = "budget-secret";
constexpr int kBudget = 100;  ///< calls per rolling 30 s, for the emulator and both processes
constexpr auto kWindow = 30s;
constexpr int kLatencyMs = 100;
constexpr int kPlaylistsPerUser = 70;
constexpr const char* kServeUser = "north";  ///< the Spotify user `plm serve` syncs
constexpr const char* kSyncUser = "south";   ///< the Spotify user `plm sync` syncs
constexpr const char* kScopes = "playlist-read-private playlist-read-collaborative";

/// Each user owns 70 playlists: every tenth of 60 tracks (two item pages), the others of 1 to 50
/// (one page). A first sync of either makes 2 + 70 + 7 = 79 calls.
spotify_emulator::Seed budget_seed() {
  Json playlists = Json::array();
  for (const std::string owner : {kServeUser, kSyncUser}) {
    for (int i = 1; i <= kPlaylistsPerUser; ++i) {
      playlists.push_back({{"owner", owner},
                           {"name", owner + " playlist " + std::to_string(i)},
                           {"random_tracks", i % 10 == 0 ? 60 : 1 + (i * 13) % 50}});
    }
  }
  const Json seed{{"users", {{{"id", kServeUser}}, {{"id", kSyncUser}}}}, {"playlists", playlists}};
  return spotify_emulator::build_seed(seed, spotify_emulator::testkit::demo_catalog());
}

/// A Web API call as the emulator received it.
struct ArrivedCall {
  Steady::time_point at;
  std::string authorization;  ///< "Bearer …": tells which account, hence which process, called
  int status = 0;
};

/// The emulator on a free loopback port and on real time, with a log of the Web API calls it
/// answered, so that the test can count calls per window and wait for a 429 without polling.
class RecordingEmulator {
 public:
  explicit RecordingEmulator(spotify_emulator::EmulatorOptions options)
      : emulator_(spotify_emulator::testkit::demo_catalog(), budget_seed(), std::move(options),
                  clock_) {
    emulator_.register_app(
        spotify_emulator::App{.client_id = kClientId,
                              .client_secret = kClientSecret,
                              .redirect_uris = {"http://127.0.0.1/api/spotify/callback"}});
    server_ = std::make_unique<http::Server>(
        [this](const http::Request& request) { return handle(request); }, http::ServerOptions{});
    server_->start();
  }
  ~RecordingEmulator() { server_->stop(); }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  Json admin(const std::string& method, const std::string& path, const Json& body = nullptr) {
    test_support::HttpClient client(base_url());
    const auto result =
        client.request(method, "/__emulator/" + path, {{"Content-Type", "application/json"}},
                       body.is_null() ? "" : body.dump());
    EXPECT_TRUE(result.status == 200 || result.status == 201)
        << method << " " << path << ": " << result.status << " " << result.body;
    return Json::parse(result.body, nullptr, false);
  }

  /// Waits until the emulator has answered a call with `status`; false after `deadline`.
  bool wait_for_status(int status, Steady::duration deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, [&] {
      return std::any_of(calls_.begin(), calls_.end(),
                         [&](const ArrivedCall& call) { return call.status == status; });
    });
  }

  /// The Web API calls so far, in order of arrival.
  std::vector<ArrivedCall> calls() const {
    std::lock_guard lock(mutex_);
    auto sorted = calls_;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const ArrivedCall& a, const ArrivedCall& b) { return a.at < b.at; });
    return sorted;
  }

 private:
  http::Response handle(const http::Request& request) {
    const auto arrived = Steady::now();
    auto response = emulator_.handle(request);
    if (request.path.starts_with("/v1/")) {
      std::lock_guard lock(mutex_);
      calls_.push_back(
          {arrived, std::string(request.header("Authorization").value_or("")), response.status});
      changed_.notify_all();
    }
    return response;
  }

  // Real time: the window, token lifetimes and plm's wall clock all move together.
  spotify_emulator::Clock clock_{std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count(),
                                 /*frozen=*/false};
  spotify_emulator::Emulator emulator_;
  std::unique_ptr<http::Server> server_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<ArrivedCall> calls_;
};

/// The most calls that arrived within any rolling `window` (what the emulator's limiter counts).
int busiest_window(const std::vector<ArrivedCall>& calls, Steady::duration window) {
  int most = 0;
  std::size_t first = 0;
  for (std::size_t last = 0; last < calls.size(); ++last) {
    while (calls[last].at - calls[first].at >= window) ++first;
    most = std::max(most, static_cast<int>(last - first + 1));
  }
  return most;
}

int count_by(const std::vector<ArrivedCall>& calls, const std::string& authorization) {
  return static_cast<int>(std::count_if(calls.begin(), calls.end(), [&](const ArrivedCall& call) {
    return call.authorization == authorization;
  }));
}

/// A connected account as the test stored it.
struct Connected {
  std::int64_t id = 0;
  std::string authorization;  ///< "Bearer " + its access token
};

/// `plm serve` as a process on a free port, signed in as root.
class ServeProcess {
 public:
  ServeProcess(const fs::path& port_file, const std::map<std::string, std::string>& environment)
      : process_(
            {PLM_BINARY, "serve", "--listen", "127.0.0.1:0", "--port-file", port_file.string()},
            environment) {
    // The port file appears, written whole, once the server listens.
    std::string port;
    for (int attempt = 0; attempt < 600 && port.empty(); ++attempt) {
      std::ifstream(port_file) >> port;
      if (port.empty()) ::usleep(50'000);
    }
    base_url_ = "http://127.0.0.1:" + port;
    if (port.empty()) return;
    client_ = std::make_unique<test_support::HttpClient>(base_url_);
    const auto signed_in =
        client_->request("POST", "/api/session", {{"Content-Type", "application/json"}},
                         Json{{"username", "root"}, {"password", web_test::kPassword}}.dump());
    if (signed_in.status != 200) return;
    const std::string set_cookie(signed_in.header("Set-Cookie").value_or(""));
    cookie_ = set_cookie.substr(12, set_cookie.find(';') - 12);  // after "plm_session="
    csrf_ = Json::parse(signed_in.body)["csrf_token"].get<std::string>();
  }

  bool signed_in() const { return !cookie_.empty(); }
  const std::string& base_url() const { return base_url_; }
  const std::string& cookie() const { return cookie_; }

  /// POST /api/accounts/{id}/sync: the job's id, empty when it was not accepted.
  std::string start_sync(std::int64_t account_id) {
    const auto started =
        client_->request("POST", "/api/accounts/" + std::to_string(account_id) + "/sync",
                         {{"Cookie", "plm_session=" + cookie_}, {"X-CSRF-Token", csrf_}}, "");
    EXPECT_EQ(started.status, 202) << started.body;
    return started.status == 202 ? Json::parse(started.body).value("id", "") : "";
  }

  test_support::ProcessResult stop() {
    process_.kill(SIGTERM);
    return process_.wait();
  }

 private:
  test_support::Process process_;
  std::string base_url_;
  std::unique_ptr<test_support::HttpClient> client_;
  std::string cookie_;
  std::string csrf_;
};

class SharedRateBudgetTest : public ::testing::Test {
 protected:
  void SetUp() override {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "waits out a real 30-s rate window: run once per CI run, by the release "
                    "preset, not again under AddressSanitizer";
#endif
    directory_ = fs::temp_directory_path() /
                 ("plm-shared-budget-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    emulator_ = std::make_unique<RecordingEmulator>(spotify_emulator::EmulatorOptions{
        .rate_limits = {.window_budget = kBudget,
                        .window_ms = std::chrono::milliseconds(kWindow).count()},
        .latency = {.fixed_ms = kLatencyMs}});
  }
  void TearDown() override {
    emulator_.reset();
    if (!directory_.empty()) fs::remove_all(directory_);
  }

  /// What every plm process of the test reads (`plm serve` and `plm sync` alike).
  std::map<std::string, std::string> settings(const fs::path& data_dir) const {
    const std::string url = emulator_->base_url();
    return {{"PLM_DATA_DIR", data_dir.string()},
            {"PLM_SPOTIFY_CLIENT_ID", kClientId},
            {"PLM_SPOTIFY_CLIENT_SECRET", kClientSecret},
            {"PLM_SPOTIFY_API_URL", url + "/v1"},
            {"PLM_SPOTIFY_ACCOUNTS_URL", url},
            {"PLM_SPOTIFY_RATE_BUDGET", std::to_string(kBudget)},
            {"PLM_SPOTIFY_MAX_WAIT_S", "60"}};
  }
  std::map<std::string, std::string> environment(const fs::path& data_dir) const {
    auto all = settings(data_dir);
    all["PLM_CONFIG"] = "";
    all["PLM_ACCESS_LOG"] = "0";
    return all;
  }

  std::unique_ptr<app::Services> open_services(const fs::path& data_dir) const {
    auto config = app::build_config(settings(data_dir), {}, {}, "");
    EXPECT_TRUE(config) << config.error().message;
    return app::Services::open(*config);
  }

  /// Stores `spotify_user`'s account for the app user root (created with a password if needed),
  /// with tokens the emulator minted, as `plm connect` would.
  Connected connect(const fs::path& data_dir, const std::string& spotify_user) {
    const Json minted = emulator_->admin("POST", "tokens",
                                         Json{{"client_id", kClientId},
                                              {"user_id", spotify_user},
                                              {"scopes", kScopes},
                                              {"expires_in", 3600}});
    const auto services = open_services(data_dir);
    auto root = services->users().find_user_by_name("root");
    EXPECT_TRUE(root);
    std::int64_t root_id = root && *root ? (*root)->id : 0;
    if (root_id == 0) {
      const auto created = services->users().create_user(
          "root", app::web_crypto().hash_password(web_test::kPassword), core::Role::Admin);
      EXPECT_TRUE(created);
      root_id = created ? created->id : 0;
    }
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const std::string access_token = minted.value("access_token", "");
    const auto id = services->accounts().upsert_account(
        core::SpotifyAccount{.app_user_id = root_id,
                             .spotify_user_id = spotify_user,
                             .display_name = spotify_user,
                             .client_id = kClientId,
                             .tokens = {.access_token = access_token,
                                        .refresh_token = minted.value("refresh_token", ""),
                                        .scope = minted.value("scope", ""),
                                        .expires_at = now + std::chrono::hours(1),
                                        .authorized_at = now}});
    EXPECT_TRUE(id);
    return {id ? *id : 0, "Bearer " + access_token};
  }

  /// The fewest calls a first sync of `spotify_user` makes (SyncService's lower bound): a listing
  /// page per 50 playlists and an items page per 50 tracks of each.
  int lower_bound_calls(const std::string& spotify_user) {
    const Json playlists = emulator_->admin("GET", "users/" + spotify_user + "/playlists");
    int calls = static_cast<int>((playlists.size() + 49) / 50);
    for (const auto& playlist : playlists)
      calls += static_cast<int>((playlist["entries"].size() + 49) / 50);
    return calls;
  }

  /// The account's stored playlists equal the emulator's: ids in order, snapshots, and every
  /// playlist's item URIs in order.
  void expect_stored_as_on_spotify(app::Services& services, std::int64_t account_id,
                                   const std::string& spotify_user) {
    const Json expected = emulator_->admin("GET", "users/" + spotify_user + "/playlists");
    const auto stored = services.playlists().playlists_of(account_id);
    ASSERT_TRUE(stored) << stored.error().message;
    ASSERT_EQ(stored->size(), expected.size()) << spotify_user;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const auto& playlist = (*stored)[i];
      const Json& wanted = expected[i];
      EXPECT_EQ(playlist.summary.id, wanted["id"]) << spotify_user << " #" << i;
      EXPECT_EQ(playlist.items_snapshot_id, wanted["snapshot_id"]) << playlist.summary.id;
      const auto items = services.playlists().playlist_items(account_id, playlist.summary.id);
      ASSERT_TRUE(items) << items.error().message;
      std::vector<std::string> uris, wanted_uris;
      for (const auto& item : *items) uris.push_back(item.uri);
      for (const auto& entry : wanted["entries"]) wanted_uris.push_back(entry["uri"]);
      EXPECT_EQ(uris, wanted_uris) << playlist.summary.id;
    }
  }

  fs::path directory_;
  std::unique_ptr<RecordingEmulator> emulator_;
};

TEST_F(SharedRateBudgetTest, PlmServeAndPlmSyncOnOneClientIdDrawNo429) {
  const fs::path data = directory_ / "data";
  const Connected north = connect(data, kServeUser);
  const Connected south = connect(data, kSyncUser);
  const int north_calls = lower_bound_calls(kServeUser);
  const int south_calls = lower_bound_calls(kSyncUser);
  // Neither needs more than the budget alone; together they need clearly more.
  ASSERT_LT(north_calls, kBudget);
  ASSERT_LT(south_calls, kBudget);
  ASSERT_GT(north_calls + south_calls, kBudget * 3 / 2);
  ASSERT_LE(north_calls + south_calls, 2 * kBudget);  // one window to wait out, not two

  ServeProcess serve(directory_ / "port", environment(data));
  ASSERT_TRUE(serve.signed_in()) << serve.stop().err;
  web_test::EventReader events(serve.base_url() + "/api/events", serve.cookie());
  ASSERT_TRUE(events.wait_connected());
  const auto began = Steady::now();
  const std::string job = serve.start_sync(north.id);
  ASSERT_FALSE(job.empty());
  // `plm sync` runs to its end while the server's job runs.
  const auto sync = test_support::run_process(
      {PLM_BINARY, "--json", "--user", "root", "sync", "--account", kSyncUser}, environment(data));
  const auto sync_ended = Steady::now();
  const auto finished = events.wait_for([&](const web_test::EventReader::Event& event) {
    return event.name == "job" && event.data.value("id", "") == job &&
           event.data.value("state", "") != "queued" && event.data.value("state", "") != "running";
  });
  const auto took = Steady::now() - began;
  const auto stopped = serve.stop();

  ASSERT_EQ(sync.exit_code, 0) << sync.err << sync.out;
  ASSERT_TRUE(finished) << stopped.err;
  EXPECT_EQ(finished->data.value("state", ""), "succeeded") << finished->data.dump();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  const Json report = Json::parse(sync.out);
  const Json stats = emulator_->admin("GET", "stats");
  const auto calls = emulator_->calls();
  std::cout << "[ figures  ] both syncs in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() / 1000.0
            << " s (plm sync "
            << std::chrono::duration_cast<std::chrono::milliseconds>(sync_ended - began).count() /
                   1000.0
            << " s, waited " << report.value("waited_ms", 0) / 1000.0
            << " s); emulator: " << stats["total"] << " calls, " << stats["rate_limited"]
            << " 429s, busiest 30 s " << busiest_window(calls, kWindow) << " calls\n";

  // No 429: the emulator counted none, and plm saw none.
  EXPECT_EQ(stats["rate_limited"], 0);
  EXPECT_EQ(report["rate_limited"], 0);
  EXPECT_EQ(stats["total"], north_calls + south_calls);
  EXPECT_EQ(report["calls"], south_calls);
  EXPECT_EQ(report["planned_calls"], south_calls);
  EXPECT_EQ(count_by(calls, north.authorization), north_calls);
  EXPECT_EQ(count_by(calls, south.authorization), south_calls);
  // The budget was used in full (100 calls in one window): without the shared ledger the 101st
  // would have come within that window (the control test below sees it refused).
  EXPECT_EQ(busiest_window(calls, kWindow), kBudget);
  // Both processes called before the window filled and after it moved on: they ran at the same
  // time and both were held back by the one budget.
  ASSERT_EQ(static_cast<int>(calls.size()), north_calls + south_calls);
  const std::vector<ArrivedCall> first(calls.begin(), calls.begin() + kBudget);
  const std::vector<ArrivedCall> later(calls.begin() + kBudget, calls.end());
  EXPECT_GT(count_by(first, north.authorization), 0);
  EXPECT_GT(count_by(first, south.authorization), 0);
  EXPECT_GT(count_by(later, north.authorization), 0);
  EXPECT_GT(count_by(later, south.authorization), 0);
  EXPECT_GE(later.front().at - calls.front().at, kWindow);
  EXPECT_GT(report["waited_ms"], 0);

  // Both syncs stored what Spotify holds.
  const auto services = open_services(data);
  expect_stored_as_on_spotify(*services, north.id, kServeUser);
  expect_stored_as_on_spotify(*services, south.id, kSyncUser);
}

// The control: the same two syncs, but each process with a data directory, hence a ledger, of its
// own (as when the budget was kept per process). Neither goes over its own 100 calls, and together
// they go over the emulator's: it answers 429 after the 100th call. The processes are stopped as
// soon as that happens, so this takes a few seconds.
TEST_F(SharedRateBudgetTest, WithALedgerPerProcessTheSameSyncsDraw429s) {
  const fs::path serve_data = directory_ / "serve-data";
  const fs::path sync_data = directory_ / "sync-data";
  const Connected north = connect(serve_data, kServeUser);
  const Connected south = connect(sync_data, kSyncUser);

  ServeProcess serve(directory_ / "port", environment(serve_data));
  ASSERT_TRUE(serve.signed_in()) << serve.stop().err;
  ASSERT_FALSE(serve.start_sync(north.id).empty());
  test_support::Process sync(
      {PLM_BINARY, "--json", "--user", "root", "sync", "--account", kSyncUser},
      environment(sync_data));
  const bool limited = emulator_->wait_for_status(429, 60s);
  sync.kill(SIGTERM);
  sync.wait();
  serve.stop();

  ASSERT_TRUE(limited) << "the emulator answered no 429 within 60 s";
  const auto calls = emulator_->calls();
  const auto refused = std::find_if(calls.begin(), calls.end(),
                                    [](const ArrivedCall& call) { return call.status == 429; });
  const std::vector<ArrivedCall> before(calls.begin(), refused);
  std::cout << "[ figures  ] first 429 "
            << std::chrono::duration_cast<std::chrono::milliseconds>(refused->at - calls.front().at)
                       .count() /
                   1000.0
            << " s after the first call, " << before.size() << " calls before it ("
            << count_by(before, north.authorization) << " by plm serve, "
            << count_by(before, south.authorization) << " by plm sync)\n";
  std::vector<ArrivedCall> answered;
  std::copy_if(calls.begin(), calls.end(), std::back_inserter(answered),
               [](const ArrivedCall& call) { return call.status == 200; });
  // The emulator let the budget through and refused the next call within the same window...
  EXPECT_EQ(busiest_window(answered, kWindow), kBudget);
  EXPECT_LT(refused->at - calls.front().at, kWindow);
  // ...which the two made together: neither had come near its own budget.
  EXPECT_LT(count_by(before, north.authorization), kBudget);
  EXPECT_LT(count_by(before, south.authorization), kBudget);
  EXPECT_GT(count_by(before, north.authorization), 0);
  EXPECT_GT(count_by(before, south.authorization), 0);
}

}  // namespace
}  // namespace plm
