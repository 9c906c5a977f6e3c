#include "testkit/testkit.hpp"

#include <cstdlib>
#include <filesystem>

namespace spotify_emulator::testkit {

namespace fs = std::filesystem;

namespace {

fs::path source_dir() {
  const char* dir = std::getenv("PLM_SOURCE_DIR");
  return dir ? fs::path(dir) : fs::current_path();
}

SeedEntry entry(std::size_t track, const std::string& added_by) {
  SeedEntry seeded;
  seeded.uri = track_uri(track);
  seeded.added_at = "2025-01-0" + std::to_string(1 + track % 9) + "T10:00:00Z";
  seeded.added_by = added_by;
  return seeded;
}

SeedPlaylist playlist(const char* id, const char* owner, const char* name, bool is_public,
                      const std::vector<std::size_t>& tracks) {
  SeedPlaylist seeded;
  seeded.id = id;
  seeded.owner_id = owner;
  seeded.name = name;
  seeded.is_public = is_public;
  for (const auto track : tracks) seeded.entries.push_back(entry(track, owner));
  return seeded;
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

const Track& catalog_track(std::size_t n) { return demo_catalog().tracks().at(n); }
std::string track_uri(std::size_t n) { return "spotify:track:" + catalog_track(n).id; }

std::vector<std::string> track_uris(std::size_t first, std::size_t count) {
  std::vector<std::string> uris;
  for (std::size_t i = 0; i < count; ++i) uris.push_back(track_uri(first + i));
  return uris;
}

Seed test_seed() {
  Seed seed;
  seed.users = {
      {"alice", "Alice Producer", true}, {"bob", "Bob Curator", true}, {"carol", "Carol", false}};
  auto main =
      playlist(SeedIds::kAliceMain, "alice", "Alice's Main / Mix", true, {0, 1, 2, 3, 4, 1});
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
  auto gone = entry(9, "alice");
  gone.unavailable = true;
  odd.entries.push_back(gone);
  seed.playlists.push_back(odd);
  auto collab = playlist(SeedIds::kBobCollab, "bob", "Bob & Alice Collab", false, {10, 11});
  collab.collaborative = true;
  collab.followers = {"alice"};
  seed.playlists.push_back(collab);
  auto bob_public = playlist(SeedIds::kBobPublic, "bob", "Bob Public", true, {12, 13, 14});
  bob_public.followers = {"alice"};
  seed.playlists.push_back(bob_public);
  seed.playlists.push_back(playlist(SeedIds::kBobPrivate, "bob", "Bob Private", false, {15}));
  return seed;
}

RunningEmulator::RunningEmulator(Seed seed, EmulatorOptions options, Clock& clock)
    : emulator_(
          std::make_unique<Emulator>(demo_catalog(), std::move(seed), std::move(options), clock)) {
  server_ = std::make_unique<plm::http::Server>(
      [this](const plm::http::Request& request) { return emulator_->handle(request); },
      plm::http::ServerOptions{});
  server_->start();
}

RunningEmulator::~RunningEmulator() { server_->stop(); }

std::string RunningEmulator::base_url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}

}  // namespace spotify_emulator::testkit
