#include "spotify/tests/spotify_fixture.hpp"

#include <cstdlib>
#include <filesystem>

namespace plm::spotify::testing {

namespace fs = std::filesystem;
using namespace spotify_emulator;

namespace {

fs::path source_dir() {
  const char* dir = std::getenv("PLM_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

SeedPlaylist playlist(const char* id, const char* owner, const char* name, bool is_public,
                      const std::vector<std::size_t>& tracks) {
  SeedPlaylist seeded;
  seeded.id = id;
  seeded.owner_id = owner;
  seeded.name = name;
  seeded.is_public = is_public;
  for (const auto track : tracks) {
    SeedEntry entry;
    entry.uri = track_uri(track);
    entry.added_at = "2025-01-0" + std::to_string(1 + track % 9) + "T10:00:00Z";
    entry.added_by = owner;
    seeded.entries.push_back(entry);
  }
  return seeded;
}

Seed test_seed() {
  Seed seed;
  seed.users = {{"alice", "Alice Producer", true}, {"bob", "Bob Curator", true}};
  auto main = playlist(SeedIds::kAliceMain, "alice", "Alice's Main", true, {0, 1, 2, 3, 4, 1});
  main.description = "Fresh & new <b>picks</b>";
  seed.playlists.push_back(main);
  seed.playlists.push_back(
      playlist(SeedIds::kAlicePrivate, "alice", "Alice Private", false, {5, 6, 7}));
  std::vector<std::size_t> big;
  for (std::size_t i = 0; i < 120; ++i) big.push_back(100 + i);
  seed.playlists.push_back(playlist(SeedIds::kAliceBig, "alice", "Alice Big", true, big));
  auto odd = playlist(SeedIds::kAliceOdd, "alice", "Alice Odd", true, {8});
  SeedEntry local;
  local.uri = "spotify:local:Local+Artist:Local+Album:Local+Title:200";
  local.is_local = true;
  local.local_artist = "Local Artist";
  local.local_album = "Local Album";
  local.local_name = "Local Title";
  local.local_duration_ms = 200'000;
  local.added_by = "alice";
  local.added_at = "2024-05-01T00:00:00Z";
  odd.entries.push_back(local);
  SeedEntry gone;
  gone.uri = track_uri(9);
  gone.added_at = "2024-05-02T00:00:00Z";
  gone.added_by = "alice";
  gone.unavailable = true;
  odd.entries.push_back(gone);
  seed.playlists.push_back(odd);
  auto bob_public = playlist(SeedIds::kBobPublic, "bob", "Bob Public", true, {12, 13, 14});
  bob_public.followers = {"alice"};
  seed.playlists.push_back(bob_public);
  seed.playlists.push_back(playlist(SeedIds::kBobPrivate, "bob", "Bob Private", false, {15}));
  return seed;
}

}  // namespace

const Catalog& demo_catalog() {
  static const Catalog catalog = [] {
    Catalog loaded;
    load_catalog_file(source_dir() / "tools/spotify-emulator/catalog/data/demo_catalog.csv",
                      loaded);
    return loaded;
  }();
  return catalog;
}

std::string track_uri(std::size_t n) { return "spotify:track:" + demo_catalog().tracks().at(n).id; }

std::vector<std::string> track_uris(std::size_t first, std::size_t count) {
  std::vector<std::string> uris;
  for (std::size_t i = 0; i < count; ++i) uris.push_back(track_uri(first + i));
  return uris;
}

SpotifyClientTest::SpotifyClientTest() {
  EmulatorOptions options;
  options.public_url = "";  // links follow the Host header, i.e. this test's port
  emulator_ = std::make_unique<Emulator>(demo_catalog(), test_seed(), options, clock_);
  emulator_->register_app(
      App{.client_id = kClientId, .client_secret = kClientSecret, .redirect_uris = {kRedirectUri}});
  server_ = std::make_unique<plm::http::Server>(
      [this](const plm::http::Request& request) { return emulator_->handle(request); },
      plm::http::ServerOptions{});
  server_->start();
  http_ = std::make_unique<plm::test_support::HttpClient>(base_url());
}

SpotifyClientTest::~SpotifyClientTest() { server_->stop(); }

std::string SpotifyClientTest::base_url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}

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
  tokens.expires_at = now_s() + result.json.value("expires_in", 0);
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
  return config;
}

std::unique_ptr<Client> SpotifyClientTest::make_client(const core::AccountTokens& tokens) {
  return make_client(tokens, config());
}

std::unique_ptr<Client> SpotifyClientTest::make_client(const core::AccountTokens& tokens,
                                                       const ClientConfig& config) {
  AccountHooks hooks;
  hooks.on_tokens = [this](const core::AccountTokens& fresh) { persisted_.push_back(fresh); };
  hooks.on_needs_reauth = [this](const core::Error& error) { reauth_.push_back(error); };
  return std::make_unique<Client>(config, tokens, transport_,
                                  registry_->for_client(config.client_id, config.rate_limit),
                                  core_clock_, sleeper_, hooks);
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
