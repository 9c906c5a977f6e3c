#include "spotify/tests/spotify_fixture.hpp"

#include <cstdlib>
#include <filesystem>

namespace plm::spotify::testing {

namespace fs = std::filesystem;
using namespace spotify_emulator;

SpotifyClientTest::SpotifyClientTest() {
  EmulatorOptions options;
  options.public_url = "";  // links follow the Host header, i.e. this test's port
  emulator_ = std::make_unique<spotify_emulator::testkit::RunningEmulator>(
      spotify_emulator::testkit::test_seed(), options, clock_);
  emulator_->emulator().register_app(
      App{.client_id = kClientId, .client_secret = kClientSecret, .redirect_uris = {kRedirectUri}});
  http_ = std::make_unique<plm::test_support::HttpClient>(base_url());
}

SpotifyClientTest::~SpotifyClientTest() = default;

std::string SpotifyClientTest::base_url() const { return emulator_->base_url(); }

AdminResult SpotifyClientTest::admin(const std::string& method, const std::string& path,
                                     const Json& body) {
  const auto result = http_->request(method, path, {{"Content-Type", "application/json"}},
                                     body.is_null() ? std::string() : body.dump());
  AdminResult out{result.status, nullptr};
  if (!result.body.empty()) out.json = Json::parse(result.body, nullptr, false);
  return out;
}

core::AccountTokens SpotifyClientTest::mint_tokens(const std::string& user) {
  const auto result = admin("POST", "/__emulator/tokens",
                            Json{{"client_id", kClientId},
                                 {"user_id", user},
                                 {"scopes",
                                  "playlist-read-private playlist-read-collaborative "
                                  "playlist-modify-public playlist-modify-private "
                                  "ugc-image-upload user-read-private"}});
  EXPECT_EQ(result.status, 201) << result.json.dump();
  core::AccountTokens tokens;
  tokens.access_token = result.json.value("access_token", "");
  tokens.refresh_token = result.json.value("refresh_token", "");
  tokens.scope = result.json.value("scope", "");
  tokens.expires_at = now_s() + std::chrono::seconds(result.json.value("expires_in", 0));
  tokens.authorized_at = now_s();
  return tokens;
}

ClientConfig SpotifyClientTest::config() const {
  ClientConfig config;
  config.api_base_url = base_url() + "/v1";
  config.accounts_base_url = base_url();
  config.client_id = kClientId;
  config.client_secret = kClientSecret;
  config.rate_limit.window_budget = 0;
  config.jitter_seed = 42;
  // Pacing reads the emulator's clock too, so the fake sleeper moves it.
  config.steady_now = [&clock = clock_] {
    return SteadyTime(std::chrono::milliseconds(clock.now_ms()));
  };
  return config;
}

std::unique_ptr<Client> SpotifyClientTest::make_client(const core::AccountTokens& tokens) {
  return make_client(tokens, config());
}

std::unique_ptr<Client> SpotifyClientTest::make_client(const core::AccountTokens& tokens,
                                                       const ClientConfig& config) {
  AccountHooks hooks;
  hooks.on_tokens = [this](const core::AccountTokens& fresh) {
    persisted_.push_back(fresh);
    return core::ok();
  };
  hooks.on_needs_reauth = [this](const core::Error& error) { reauth_.push_back(error); };
  return std::make_unique<Client>(
      config, tokens, transport_,
      registry_->for_client(config.client_id, config.rate_limit, config.steady_now), core_clock_,
      sleeper_, hooks);
}

Json SpotifyClientTest::dump_playlist(const std::string& user, const std::string& playlist_id) {
  const auto result = admin("GET", "/__emulator/users/" + user + "/playlists");
  EXPECT_EQ(result.status, 200);
  for (const auto& playlist : result.json) {
    if (playlist.value("id", "") == playlist_id) return playlist;
  }
  ADD_FAILURE() << "no playlist " << playlist_id << " for " << user;
  return Json::object();
}

std::vector<std::string> SpotifyClientTest::entry_uris(const std::string& user,
                                                       const std::string& playlist_id) {
  std::vector<std::string> uris;
  for (const auto& entry : dump_playlist(user, playlist_id).value("entries", Json::array())) {
    uris.push_back(entry.value("uri", ""));
  }
  return uris;
}

std::int64_t SpotifyClientTest::stat(const std::string& endpoint) {
  const auto result = admin("GET", "/__emulator/stats");
  if (endpoint.empty()) return result.json.value("total", std::int64_t{0});
  if (endpoint == "rate_limited" || endpoint == "faults" || endpoint == "quota_exceeded") {
    return result.json.value(endpoint, std::int64_t{0});
  }
  return result.json["by_endpoint"].value(endpoint, std::int64_t{0});
}

}  // namespace plm::spotify::testing
