#include "web_fixture.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>

#include "web/errors.hpp"

namespace plm::web_test {

using spotify_emulator::App;
using spotify_emulator::EmulatorOptions;

const test_support::OpenApiSpec& spec() {
  static const auto loaded =
      test_support::OpenApiSpec::load(fs::path(PLM_SOURCE_DIR) / "api/openapi.yaml");
  return loaded;
}

std::optional<std::string> Reply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (http::iequals(key, name)) return value;
  }
  return std::nullopt;
}

// ---- Browser -----------------------------------------------------------------------------------

Browser::Browser(PlmApiTest& test)
    : test_(&test), client_(std::make_unique<test_support::HttpClient>(test.base_url())) {}

Reply Browser::call(const std::string& method, const std::string& path, const Json& body,
                    Options options) {
  std::vector<http::Field> headers = options.headers;
  if (!cookie_.empty()) headers.emplace_back("Cookie", cookie_header());
  if (options.csrf && !csrf_.empty()) headers.emplace_back("X-CSRF-Token", csrf_);
  std::string payload;
  if (options.raw_body) {
    payload = *options.raw_body;
  } else if (!body.is_null()) {
    payload = body.dump();
  }
  if (!payload.empty() && !options.content_type.empty())
    headers.emplace_back("Content-Type", options.content_type);
  const auto result = client_->request(method, path, headers, payload);
  Reply reply;
  reply.status = result.status;
  reply.headers = result.headers;
  reply.body = result.body;
  EXPECT_NE(reply.status, 0) << method << " " << path << ": " << result.error;
  for (const auto& [name, value] : result.headers) {
    if (!http::iequals(name, "Set-Cookie") || !value.starts_with("plm_session=")) continue;
    const auto end = value.find(';');
    cookie_ = value.substr(12, end == std::string::npos ? std::string::npos : end - 12);
  }
  // A rotated session (password change) brings its CSRF token in a header, as the SPA takes it.
  if (const auto rotated = reply.header("X-CSRF-Token")) csrf_ = *rotated;
  const auto type = reply.header("Content-Type").value_or("");
  const bool is_json = type.starts_with("application/json");
  const bool gzipped = reply.header("Content-Encoding").has_value();
  if (is_json && !gzipped) {
    reply.json = Json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(reply.json.is_discarded()) << method << " " << path << ": " << reply.body;
  }
  if (method == "HEAD" || gzipped) return reply;
  // Every answer is checked against the contract the front end is written against.
  const std::string without_query = path.substr(0, path.find('?'));
  if (options.generic_error) {
    // Not an operation of the spec (unknown routes, 405, static files): errors keep the shape.
    if (is_json) {
      const auto problems = spec().validate_schema("Error", reply.json);
      EXPECT_TRUE(problems.empty()) << method << " " << path << ": " << problems.front();
    }
    return reply;
  }
  EXPECT_TRUE(spec().documents_status(method, without_query, reply.status))
      << method << " " << path << " answered " << reply.status
      << ", which api/openapi.yaml does not document: " << reply.body;
  if (type.starts_with("text/")) return reply;  // /metrics, the event stream
  test_support::Leniency strict;
  strict.require_all_declared = true;
  const auto problems = spec().validate_response(method, without_query, reply.status,
                                                 is_json ? reply.json : Json(nullptr), strict);
  EXPECT_TRUE(problems.empty()) << method << " " << path << " " << reply.status << ": "
                                << (problems.empty() ? "" : problems.front()) << "\n"
                                << reply.body.substr(0, 500);
  return reply;
}

Reply Browser::sign_in(const std::string& username, const std::string& password) {
  auto reply = call("POST", "/api/session", Json{{"username", username}, {"password", password}},
                    Options{.csrf = false});
  if (reply.status == 200) csrf_ = reply.json["csrf_token"];
  return reply;
}

void Browser::refresh_csrf() {
  const auto reply = get("/api/session");
  ASSERT_EQ(reply.status, 200) << reply.body;
  csrf_ = reply.json["csrf_token"];
}

// ---- EventReader -------------------------------------------------------------------------------

namespace {

size_t on_stream_data(char* data, size_t size, size_t count, void* user);
int on_stream_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

struct StreamSink {
  std::function<size_t(std::string_view)> data;
  std::function<bool()> stop;
};

size_t on_stream_data(char* data, size_t size, size_t count, void* user) {
  return static_cast<StreamSink*>(user)->data(std::string_view(data, size * count));
}

int on_stream_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<StreamSink*>(user)->stop() ? 1 : 0;
}

}  // namespace

EventReader::EventReader(const std::string& url, const std::string& cookie) {
  thread_ = std::thread([this, url, cookie] {
    StreamSink sink;
    sink.data = [this](std::string_view bytes) {
      std::lock_guard lock(mutex_);
      connected_ = true;
      buffer_.append(bytes);
      parse_locked();
      changed_.notify_all();
      return bytes.size();
    };
    sink.stop = [this] { return stop_.load(); };
    CURL* curl = curl_easy_init();
    curl_slist* headers = curl_slist_append(nullptr, ("Cookie: plm_session=" + cookie).c_str());
    headers = curl_slist_append(headers, "Accept: text/event-stream");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_stream_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_stream_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &sink);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_perform(curl);
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    status_ = code;
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    std::lock_guard lock(mutex_);
    ended_ = true;
    changed_.notify_all();
  });
}

EventReader::~EventReader() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void EventReader::parse_locked() {
  for (auto end = buffer_.find("\n\n"); end != std::string::npos; end = buffer_.find("\n\n")) {
    const std::string block = buffer_.substr(0, end);
    buffer_.erase(0, end + 2);
    Event event;
    std::string data;
    std::size_t start = 0;
    while (start <= block.size()) {
      const auto newline = block.find('\n', start);
      const std::string line =
          block.substr(start, newline == std::string::npos ? std::string::npos : newline - start);
      if (line.starts_with("event: ")) event.name = line.substr(7);
      if (line.starts_with("data: ")) data += line.substr(6);
      if (newline == std::string::npos) break;
      start = newline + 1;
    }
    if (event.name.empty()) continue;  // comments and retry hints
    event.data = Json::parse(data, nullptr, false);
    events_.push_back(std::move(event));
  }
}

bool EventReader::wait_connected(std::chrono::seconds deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] { return connected_ || ended_; }) && connected_;
}

std::optional<EventReader::Event> EventReader::wait_for(
    const std::function<bool(const Event&)>& predicate, std::chrono::seconds deadline) {
  std::unique_lock lock(mutex_);
  std::optional<Event> found;
  changed_.wait_for(lock, deadline, [&] {
    for (const auto& event : events_) {
      if (predicate(event)) {
        found = event;
        return true;
      }
    }
    return ended_;
  });
  return found;
}

std::vector<EventReader::Event> EventReader::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

// ---- PlmApiTest --------------------------------------------------------------------------------

void PlmApiTest::start(Setup setup) {
  emulator_ = std::make_unique<spotify_emulator::testkit::RunningEmulator>(
      std::move(setup.seed),
      EmulatorOptions{.auto_approve = true, .auto_approve_user = setup.approve_user},
      emulator_clock_);
  // A loopback redirect URI registered without a port matches any port, as at Spotify.
  emulator_->emulator().register_app(
      App{.client_id = kClientId,
          .client_secret = kClientSecret,
          .redirect_uris = {"http://127.0.0.1/api/spotify/callback"}});
  directory_ =
      fs::temp_directory_path() / ("plm-web-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(directory_);
  fs::create_directories(directory_ / "static/assets");
  std::ofstream(directory_ / "static/index.html")
      << "<!doctype html><html><head><!--PLM_BASE--><title>plm</title></head><body>app</body>"
         "</html>";
  std::ofstream(directory_ / "static/assets/app-1234.js") << "console.log('plm');";
  std::ofstream(directory_ / "static/favicon.svg") << "<svg/>";

  if (setup.gate_spotify) {
    http::ServerOptions front;
    front.handler_threads = 4;  // a held request must not hold the others
    spotify_front_ = std::make_unique<http::Server>(
        [this](const http::Request& request) {
          std::function<void(const http::Request&)> gate;
          {
            std::lock_guard lock(gate_mutex_);
            gate = spotify_gate_;
          }
          if (gate) gate(request);
          return emulator_->emulator().handle(request);
        },
        front);
    spotify_front_->start();
  }
  const std::string emulator_url = spotify_url();
  std::map<std::string, std::string> environment{
      {"PLM_DATA_DIR", (directory_ / "data").string()},
      {"PLM_SPOTIFY_CLIENT_ID", kClientId},
      {"PLM_SPOTIFY_CLIENT_SECRET", kClientSecret},
      {"PLM_SPOTIFY_API_URL", emulator_url + "/v1"},
      {"PLM_SPOTIFY_ACCOUNTS_URL", emulator_url},
      {"PLM_SPOTIFY_RATE_BUDGET", "100000"},
      {"PLM_SPOTIFY_MAX_WAIT_S", "2"},
      {"PLM_STATIC_DIR", (directory_ / "static").string()},
      {"PLM_LISTEN", "127.0.0.1:0"}};
  if (setup.sync_in_flight)
    environment["PLM_SYNC_IN_FLIGHT"] = std::to_string(*setup.sync_in_flight);
  auto config = app::build_config(environment, {}, {}, "");
  ASSERT_TRUE(config) << config.error().message;
  services_ = app::Services::open(*config, &clock_);
  if (setup.create_cli_admin) {
    ASSERT_TRUE(services_->users().create_user("admin", "", core::Role::Admin));
  }
  http::ServerOptions options = app::web_server_options(*config, web_.app);
  options.handler_threads = 4;
  server_ = std::make_unique<http::Server>(
      [this](const http::Request& request) { return web_.app->handle(request); }, options);
  public_path_ = setup.public_path;
  public_url_ = setup.public_url_override.empty() ? base_url() + setup.public_path
                                                  : setup.public_url_override;
  auto web_options = app::web_options(*config, public_url_);
  web_options.trust_proxy = setup.trust_proxy;
  web_options.log = [this](std::string_view line) {
    std::lock_guard lock(log_mutex_);
    logs_.emplace_back(line);
  };
  web_ = app::make_web_app(*services_, std::move(web_options));
  server_->start();
}

std::shared_ptr<Hold> PlmApiTest::hold(std::function<bool(const http::Request&)> matches) {
  auto held = std::make_shared<Hold>(std::move(matches));
  std::lock_guard lock(gate_mutex_);
  spotify_gate_ = [held](const http::Request& request) { (*held)(request); };
  holds_.push_back(held);
  return held;
}

void PlmApiTest::TearDown() {
  {
    std::lock_guard lock(gate_mutex_);
    spotify_gate_ = nullptr;
  }
  for (const auto& held : holds_) held->release();
  if (web_.app) web_.app->shutdown();
  if (server_) server_->stop();
  server_.reset();
  web_ = {};
  services_.reset();
  if (spotify_front_) spotify_front_->stop();
  spotify_front_.reset();
  emulator_.reset();
  if (!directory_.empty()) fs::remove_all(directory_);
}

std::vector<std::string> PlmApiTest::logs() const {
  std::lock_guard lock(log_mutex_);
  return logs_;
}

std::string PlmApiTest::spotify_url() const {
  return spotify_front_ ? "http://127.0.0.1:" + std::to_string(spotify_front_->port())
                        : emulator_->base_url();
}

std::string PlmApiTest::reachable(const std::string& public_location) const {
  EXPECT_TRUE(public_location.starts_with(public_url_)) << public_location;
  return "/" + public_location.substr(public_url_.size());
}

Browser PlmApiTest::setup_admin(const std::string& username) {
  Browser admin(*this);
  const auto reply = admin.call(
      "POST", "/api/setup",
      Json{{"username", username}, {"password", kPassword}, {"setup_code", web_.app->setup_code()}},
      Browser::Options{.csrf = false});
  EXPECT_EQ(reply.status, 200) << reply.body;
  if (reply.status == 200) admin.set_csrf(reply.json["csrf_token"]);
  return admin;
}

Browser PlmApiTest::add_user(Browser& admin, const std::string& username, const std::string& role) {
  const auto created = admin.call(
      "POST", "/api/users", Json{{"username", username}, {"password", kPassword}, {"role", role}});
  EXPECT_EQ(created.status, 201) << created.body;
  Browser browser(*this);
  const auto signed_in = browser.sign_in(username);
  EXPECT_EQ(signed_in.status, 200) << signed_in.body;
  return browser;
}

std::string PlmApiTest::authorize(Browser& browser) {
  const auto started = browser.call("POST", "/api/accounts/connect");
  EXPECT_EQ(started.status, 200) << started.body;
  const std::string url = started.json.value("authorize_url", "");
  EXPECT_TRUE(url.starts_with(spotify_url() + "/authorize?")) << url;
  // The emulator's consent page approves at once and redirects the browser to our callback.
  test_support::HttpClient spotify(spotify_url());
  const auto consent = spotify.get(url);
  EXPECT_EQ(consent.status, 303) << consent.body;
  const std::string location(consent.header("Location").value_or(""));
  EXPECT_TRUE(location.starts_with(public_url_ + "api/spotify/callback?")) << location;
  return reachable(location);
}

std::int64_t PlmApiTest::connect(Browser& browser) {
  const auto callback = browser.get(authorize(browser));
  EXPECT_EQ(callback.status, 302) << callback.body;
  const std::string location = callback.header("Location").value_or("");
  const std::string prefix = public_url_ + "accounts?connected=";
  EXPECT_TRUE(location.starts_with(prefix)) << location;
  if (!location.starts_with(prefix)) return 0;
  return std::stoll(location.substr(prefix.size()));
}

Json PlmApiTest::wait_for_job(EventReader& events, const std::string& job_id) {
  const auto final_event = events.wait_for([&](const EventReader::Event& event) {
    const std::string state = event.data.value("state", "");
    return event.name == "job" && event.data.value("id", "") == job_id &&
           (state == "succeeded" || state == "failed" || state == "cancelled");
  });
  EXPECT_TRUE(final_event.has_value()) << "job " << job_id << " did not finish in time";
  return final_event ? final_event->data : Json();
}

Json PlmApiTest::sync(Browser& browser, std::int64_t account_id) {
  EventReader events(base_url() + "/api/events", browser.cookie());
  EXPECT_TRUE(events.wait_connected());
  const auto started =
      browser.call("POST", "/api/accounts/" + std::to_string(account_id) + "/sync");
  EXPECT_EQ(started.status, 202) << started.body;
  return wait_for_job(events, started.json.value("id", ""));
}

Json PlmApiTest::emulator_admin(const std::string& method, const std::string& path,
                                const Json& body) {
  test_support::HttpClient client(emulator_->base_url());
  const auto result = client.request(method, path, {{"Content-Type", "application/json"}},
                                     body.is_null() ? "" : body.dump());
  return result.body.empty() ? Json() : Json::parse(result.body, nullptr, false);
}

std::vector<std::string> PlmApiTest::emulator_uris(const std::string& spotify_user,
                                                   const std::string& playlist) {
  const Json dump = emulator_admin("GET", "/__emulator/users/" + spotify_user + "/playlists");
  for (const auto& each : dump) {
    if (each["id"] != playlist) continue;
    std::vector<std::string> uris;
    for (const auto& entry : each["entries"]) uris.push_back(entry["uri"]);
    return uris;
  }
  ADD_FAILURE() << "no playlist " << playlist << " in " << spotify_user << "'s dump";
  return {};
}

Json PlmApiTest::emulator_get(const std::string& spotify_user, const std::string& path) {
  const Json tokens =
      emulator_admin("POST", "/__emulator/tokens",
                     Json{{"client_id", kClientId},
                          {"user_id", spotify_user},
                          {"scopes", "playlist-read-private playlist-read-collaborative"}});
  test_support::HttpClient client(emulator_->base_url());
  const auto result = client.get(
      path, {{"Authorization", "Bearer " + tokens.value("access_token", std::string())}});
  EXPECT_EQ(result.status, 200) << path << ": " << result.body;
  return Json::parse(result.body, nullptr, false);
}

namespace {

/// Letters, digits, spaces and apostrophes only, and no " by " (a "Title by Artist" line must read
/// one way).
bool plain(const std::string& text) {
  if (text.empty() || lower_ascii(" " + text + " ").find(" by ") != std::string::npos) return false;
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == ' ' || c == '\''; });
}

}  // namespace

std::string lower_ascii(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

/// Demo catalog tracks (from `first` on) whose title no other track of the catalog has and whose
/// title and only artist are plain: a line naming one of them can mean nothing else.
std::vector<std::size_t> unmistakable_tracks(std::size_t first, std::size_t count) {
  std::map<std::string, int> titles;
  for (const auto& track : spotify_emulator::testkit::demo_catalog().tracks())
    ++titles[lower_ascii(track.name)];
  std::vector<std::size_t> chosen;
  const auto& tracks = spotify_emulator::testkit::demo_catalog().tracks();
  for (std::size_t n = first; n < tracks.size() && chosen.size() < count; ++n) {
    const auto& track = tracks[n];
    if (track.kind != "track" || track.artists.size() != 1 ||
        titles[lower_ascii(track.name)] != 1 || !plain(track.name) ||
        !plain(track.artists[0].name)) {
      continue;
    }
    chosen.push_back(n);
  }
  return chosen;
}

}  // namespace plm::web_test
