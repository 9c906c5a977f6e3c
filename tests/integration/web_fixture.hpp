#pragma once
// The web application in-process for API tests: the real wiring (app::make_web_app over
// app::Services with a SQLite file in a temporary directory), a ManualClock, a real http::Server on
// a free loopback port, the Spotify emulator in-process (auto-approving consent), and a
// browser-like client with a cookie jar that validates every response against api/openapi.yaml.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/serve.hpp"
#include "app/services.hpp"
#include "emulator/emulator.hpp"
#include "http/server.hpp"
#include "support/fakes.hpp"
#include "support/flag.hpp"
#include "support/http_client.hpp"
#include "support/openapi/openapi_validator.hpp"
#include "testkit/testkit.hpp"

namespace plm::web_test {

using Json = nlohmann::json;
namespace fs = std::filesystem;

inline constexpr const char* kClientId = "plm-web-test";
inline constexpr const char* kClientSecret = "web-secret";
inline constexpr const char* kPassword = "correct horse battery";

/// `text` with ASCII letters in lower case.
std::string lower_ascii(std::string text);
/// Demo catalog tracks (from `first` on) whose title no other track of the catalog has and whose
/// title and only artist are plain (letters, digits, spaces, apostrophes; no " by "): a line or
/// row naming one of them can mean nothing else.
std::vector<std::size_t> unmistakable_tracks(std::size_t first, std::size_t count);

/// api/openapi.yaml, loaded once.
const test_support::OpenApiSpec& spec();

/// A response as the tests see it: status, headers, the raw body and the parsed JSON (null when
/// the body is not JSON).
struct Reply {
  int status = 0;
  std::vector<http::Field> headers;
  std::string body;
  Json json;
  std::optional<std::string> header(std::string_view name) const;
};

class PlmApiTest;

/// Holds the first Spotify request that `matches` until release(): the sync that made it waits
/// there, at a point the test chose.
class Hold {
 public:
  explicit Hold(std::function<bool(const http::Request&)> matches) : matches_(std::move(matches)) {}
  ~Hold() { release(); }

  void operator()(const http::Request& request) {
    {
      std::lock_guard lock(mutex_);
      if (taken_ || !matches_(request)) return;
      taken_ = true;
      held_ = request.path;
    }
    reached_.set();
    released_.wait(std::chrono::seconds(30));  // a failing test must not hang the server's stop
  }
  bool wait_reached() { return reached_.wait(std::chrono::seconds(60)); }
  void release() { released_.set(); }
  std::string held() {
    std::lock_guard lock(mutex_);
    return held_;
  }

 private:
  std::function<bool(const http::Request&)> matches_;
  std::mutex mutex_;
  bool taken_ = false;
  std::string held_;
  test_support::Flag reached_;
  test_support::Flag released_;
};

struct RequestOptions {
  std::vector<http::Field> headers;
  bool csrf = true;  ///< send X-CSRF-Token when known
  std::string content_type = "application/json";
  bool generic_error = false;  ///< not an operation of the spec: check the Error shape only
  std::optional<std::string> raw_body;  ///< sent as is instead of the JSON
};

/// A browser: keeps the session cookie and the CSRF token, sends JSON, and checks every response
/// against the OpenAPI file (status documented for the operation, body valid, all declared
/// properties present).
class Browser {
 public:
  explicit Browser(PlmApiTest& test);

  using Options = RequestOptions;
  Reply call(const std::string& method, const std::string& path, const Json& body = nullptr,
             Options options = {});
  Reply get(const std::string& path, Options options = {}) {
    return call("GET", path, nullptr, std::move(options));
  }

  /// POST /api/session; on success keeps the cookie and the CSRF token.
  Reply sign_in(const std::string& username, const std::string& password = kPassword);
  /// GET /api/session to (re)learn the CSRF token.
  void refresh_csrf();

  const std::string& cookie() const { return cookie_; }
  void set_cookie(std::string value) { cookie_ = std::move(value); }
  const std::string& csrf() const { return csrf_; }
  void set_csrf(std::string value) { csrf_ = std::move(value); }
  std::string cookie_header() const { return "plm_session=" + cookie_; }

 private:
  PlmApiTest* test_;
  std::unique_ptr<test_support::HttpClient> client_;
  std::string cookie_;
  std::string csrf_;
};

/// Reads a server-sent-event stream on a background thread (libcurl), for waiting on events
/// without sleeping.
class EventReader {
 public:
  struct Event {
    std::string name;
    Json data;
  };
  EventReader(const std::string& url, const std::string& cookie);
  ~EventReader();
  /// Waits until the stream is open (the first bytes arrived). False on timeout or error.
  bool wait_connected(std::chrono::seconds deadline = std::chrono::seconds(20));
  /// The first event (from the start of the stream, in order) matching `predicate` within the
  /// deadline; events before it stay readable by later calls.
  std::optional<Event> wait_for(const std::function<bool(const Event&)>& predicate,
                                std::chrono::seconds deadline = std::chrono::seconds(120));
  std::vector<Event> events() const;
  long status() const { return status_.load(); }

 private:
  void parse_locked();

  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<long> status_{0};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string buffer_;
  bool connected_ = false;
  bool ended_ = false;
  std::vector<Event> events_;
};

class PlmApiTest : public ::testing::Test {
 public:
  struct Setup {
    spotify_emulator::Seed seed = spotify_emulator::testkit::test_seed();
    std::string approve_user = "alice";
    std::string public_path = "/";    ///< e.g. "/plm/" as behind a prefix-stripping proxy
    std::string public_url_override;  ///< e.g. "https://plm.example/"
    bool create_cli_admin = false;    ///< a password-less "admin" as `plm` creates it
    bool trust_proxy = false;         ///< PLM_TRUST_PROXY: client addresses from X-Forwarded-For
    /// plm reaches the emulator through a front server that calls spotify_gate_ (when set) with
    /// every request before passing it on: a test may hold a request there to stop a sync at a
    /// chosen point.
    bool gate_spotify = false;
    /// PLM_SYNC_IN_FLIGHT: playlists a sync reads at once (the default, 4, when unset).
    std::optional<int> sync_in_flight;
  };
  void start(Setup setup);
  void start() { start(Setup{}); }
  void TearDown() override;

  /// Completes first-visit setup as "root" and returns the signed-in admin.
  Browser setup_admin(const std::string& username = "root");
  /// Creates a user through the admin API and returns a browser signed in as them.
  Browser add_user(Browser& admin, const std::string& username, const std::string& role);
  /// The full OAuth flow through the emulator's (auto-approved) consent; returns the account id.
  std::int64_t connect(Browser& browser);
  /// Starts the authorization and returns the callback URL Spotify redirects to (path + query).
  std::string authorize(Browser& browser);
  /// Syncs an account and waits for the job's final state on the event stream.
  Json sync(Browser& browser, std::int64_t account_id);
  /// The job's first `job` event in a final state (succeeded, failed, cancelled).
  Json wait_for_job(EventReader& events, const std::string& job_id);
  /// From now on Spotify requests pass through `hold` (Setup::gate_spotify; shared: the front
  /// server may still call it after the test body ends, and TearDown releases it).
  std::shared_ptr<Hold> hold(std::function<bool(const http::Request&)> matches);
  /// Where plm reaches Spotify (the emulator, or the gate in front of it).
  std::string spotify_url() const;
  /// An emulator admin call.
  Json emulator_admin(const std::string& method, const std::string& path,
                      const Json& body = nullptr);
  /// The URIs of a playlist of `spotify_user` as the emulator holds it (the truth, whatever plm
  /// stored); a test failure when the user has no such playlist.
  std::vector<std::string> emulator_uris(const std::string& spotify_user,
                                         const std::string& playlist);
  /// A Web API GET at the emulator as `spotify_user` (a token minted by the admin API).
  Json emulator_get(const std::string& spotify_user, const std::string& path);
  std::vector<std::string> logs() const;

  std::string public_url() const { return public_url_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  /// Maps a public URL to one this process can reach (the public path is stripped, as the proxy
  /// would).
  std::string reachable(const std::string& public_location) const;

  test_support::ManualClock clock_;
  spotify_emulator::Clock emulator_clock_{spotify_emulator::testkit::kStartMs, /*frozen=*/true};
  std::unique_ptr<spotify_emulator::testkit::RunningEmulator> emulator_;
  std::unique_ptr<http::Server> spotify_front_;  ///< Setup::gate_spotify
  std::mutex gate_mutex_;
  std::function<void(const http::Request&)> spotify_gate_;  ///< guarded by gate_mutex_
  std::vector<std::shared_ptr<Hold>> holds_;                ///< released at TearDown
  fs::path directory_;
  std::unique_ptr<app::Services> services_;
  app::WiredWebApp web_;
  std::unique_ptr<http::Server> server_;
  std::string public_url_;
  std::string public_path_ = "/";
  mutable std::mutex log_mutex_;
  std::vector<std::string> logs_;
};

}  // namespace plm::web_test
