#include "catalog/seed.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "catalog/test_util.hpp"

namespace spotify_emulator {
namespace {

using nlohmann::json;

const Catalog& demo_catalog() {
  static const Catalog* catalog = [] {
    auto* loaded = new Catalog();
    load_catalog_file(testing::demo_catalog_path(), *loaded);
    return loaded;
  }();
  return *catalog;
}

json default_seed_json() {
  std::ifstream in(testing::default_seed_path());
  return json::parse(in);
}

Catalog small_catalog() {
  Catalog catalog;
  for (int i = 0; i < 30; ++i) {
    Track track;
    track.id = "track" + std::to_string(i);
    track.name = "Song " + std::to_string(i);
    track.artists = {Artist{"a" + std::to_string(i % 3), "Artist " + std::to_string(i % 3)}};
    track.album.id = "album" + std::to_string(i % 5);
    track.album.release_date = std::to_string(1980 + i);
    track.popularity = i;
    catalog.add(track);
  }
  return catalog;
}

std::string error_of(const json& seed, const Catalog& catalog) {
  try {
    build_seed(seed, catalog);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

const SeedPlaylist* find_by_name(const Seed& seed, std::string_view name) {
  for (const SeedPlaylist& playlist : seed.playlists)
    if (playlist.name == name) return &playlist;
  return nullptr;
}

TEST(BuildSeed, IsDeterministic) {
  const json file = default_seed_json();

  const Seed first = build_seed(file, demo_catalog());
  const Seed second = build_seed(file, demo_catalog());

  ASSERT_EQ(first.playlists.size(), second.playlists.size());
  for (std::size_t i = 0; i < first.playlists.size(); ++i) {
    EXPECT_EQ(first.playlists[i].id, second.playlists[i].id);
    ASSERT_EQ(first.playlists[i].entries.size(), second.playlists[i].entries.size());
    if (!first.playlists[i].entries.empty()) {
      EXPECT_EQ(first.playlists[i].entries.back().uri, second.playlists[i].entries.back().uri);
    }
  }
}

TEST(BuildSeed, DefaultSeedOnTheDemoCatalogHasEverythingTheTestsNeed) {
  const Seed seed = build_seed(default_seed_json(), demo_catalog());

  std::size_t owned = 0, collaborative = 0, is_private = 0, with_duplicates = 0, with_local = 0,
              with_unavailable = 0, followed = 0, big = 0;
  std::set<std::string> ids;
  for (const SeedPlaylist& playlist : seed.playlists) {
    EXPECT_TRUE(ids.insert(playlist.id).second) << "duplicate id " << playlist.id;
    EXPECT_EQ(playlist.id.size(), 22u);
    if (playlist.owner_id != "demo-pro") {
      followed += std::count(playlist.followers.begin(), playlist.followers.end(), "demo-pro");
      continue;
    }
    ++owned;
    collaborative += playlist.collaborative;
    is_private += !playlist.is_public;
    EXPECT_FALSE(playlist.collaborative && playlist.is_public);
    std::set<std::string> uris;
    bool duplicate = false, local = false, unavailable = false;
    for (const SeedEntry& entry : playlist.entries) {
      duplicate |= !uris.insert(entry.uri).second;
      local |= entry.is_local;
      unavailable |= entry.unavailable;
      EXPECT_FALSE(entry.added_at.empty());
      EXPECT_FALSE(entry.added_by.empty());
    }
    with_duplicates += duplicate;
    with_local += local;
    with_unavailable += unavailable;
    big += playlist.entries.size() == 10000;
  }

  EXPECT_GE(owned, 300u);
  EXPECT_GT(collaborative, 0u);
  EXPECT_GT(is_private, collaborative);
  EXPECT_GT(with_duplicates, 0u);
  EXPECT_GT(with_local, 0u);
  EXPECT_GT(with_unavailable, 0u);
  EXPECT_EQ(big, 1u);
  EXPECT_GE(followed, 5u);
  EXPECT_EQ(seed.users.size(), 5u);
  EXPECT_EQ(seed.users[0].display_name, "Nova Sound Records");
}

TEST(BuildSeed, KeepsSourcePlaylistNamesAndOrder) {
  const Seed seed = build_seed(default_seed_json(), demo_catalog());

  const SourcePlaylist& source = demo_catalog().source_playlists().front();
  const SeedPlaylist* playlist = find_by_name(seed, source.name);

  ASSERT_NE(playlist, nullptr);
  ASSERT_GE(playlist->entries.size(), 1u);
  EXPECT_EQ(playlist->entries.front().uri, source.entries.front().uri);
}

TEST(BuildSeed, DerivesPlaylistsWhenThereAreFewSourcePlaylists) {
  const Catalog catalog = small_catalog();
  const json file = {{"users", {{{"id", "u"}, {"generate", {{"count", 12}, {"max_tracks", 5}}}}}}};

  const Seed seed = build_seed(file, catalog);

  ASSERT_EQ(seed.playlists.size(), 12u);
  EXPECT_NE(find_by_name(seed, "2000s Essentials"), nullptr);
  EXPECT_NE(find_by_name(seed, "This Is Artist 0"), nullptr);
  EXPECT_LE(seed.playlists.front().entries.size(), 5u);
}

TEST(BuildSeed, FillsTheBigPlaylistEvenFromASmallCatalog) {
  const Catalog catalog = small_catalog();
  const json file = {{"users", {{{"id", "u"}, {"generate", {{"big_playlist_tracks", 100}}}}}}};

  const Seed seed = build_seed(file, catalog);

  ASSERT_EQ(seed.playlists.size(), 1u);
  EXPECT_EQ(seed.playlists[0].entries.size(), 100u);
}

TEST(BuildSeed, BuildsExplicitPlaylistsWithLocalUnavailableAndFollowers) {
  const Catalog catalog = small_catalog();
  const json file = json::parse(R"({
    "users": [{"id": "owner"}, {"id": "fan", "premium": false}],
    "playlists": [{
      "owner": "owner", "name": "Mine", "public": false, "followers": ["fan"],
      "tracks": ["track1", "spotify:track:track2",
                 {"uri": "track3", "added_at": "2020-01-01T00:00:00Z", "added_by": "fan"},
                 {"local": {"name": "Memo", "artist": "Me", "album": "Phone", "duration_ms": 61000}},
                 {"unavailable": true}]
    }]})");

  const Seed seed = build_seed(file, catalog);

  ASSERT_EQ(seed.playlists.size(), 1u);
  const SeedPlaylist& playlist = seed.playlists[0];
  EXPECT_FALSE(playlist.is_public);
  EXPECT_EQ(playlist.followers, std::vector<std::string>{"fan"});
  ASSERT_EQ(playlist.entries.size(), 5u);
  EXPECT_EQ(playlist.entries[0].uri, "spotify:track:track1");
  EXPECT_EQ(playlist.entries[2].added_by, "fan");
  EXPECT_EQ(playlist.entries[0].added_by, "owner");
  EXPECT_TRUE(playlist.entries[3].is_local);
  EXPECT_EQ(playlist.entries[3].uri, "spotify:local:Me:Phone:Memo:61");
  EXPECT_EQ(playlist.entries[3].local_duration_ms, 61000);
  EXPECT_TRUE(playlist.entries[4].unavailable);
  EXPECT_FALSE(seed.users[1].premium);
}

TEST(BuildSeed, RejectsBadInputNamingTheField) {
  const Catalog catalog = small_catalog();

  EXPECT_NE(error_of(json::array(), catalog).find("$: expected an object"), std::string::npos);
  EXPECT_NE(error_of({{"users", json::array()}}, catalog).find("$.users"), std::string::npos);
  EXPECT_NE(error_of({{"users", {{{"id", 5}}}}}, catalog).find("users[0].id: expected a string"),
            std::string::npos);
  EXPECT_NE(
      error_of({{"users", {{{"id", "a"}}, {{"id", "a"}}}}}, catalog).find("users[1].id: duplicate"),
      std::string::npos);
  EXPECT_NE(error_of({{"users", {{{"id", "a"}, {"generate", {{"count", -1}}}}}}}, catalog)
                .find("users[0].generate.count: must be between"),
            std::string::npos);
  EXPECT_NE(
      error_of({{"users", {{{"id", "a"}, {"generate", {{"colaborative_every", 3}}}}}}}, catalog)
          .find("users[0].generate.colaborative_every: unknown field"),
      std::string::npos);
  EXPECT_NE(error_of({{"users", {{{"id", "a"}}}}, {"playlists", {{{"owner", "b"}, {"name", "x"}}}}},
                     catalog)
                .find("playlists[0].owner: unknown user 'b'"),
            std::string::npos);
  EXPECT_NE(error_of({{"users", {{{"id", "a"}}}},
                      {"playlists", {{{"owner", "a"}, {"name", "x"}, {"tracks", {"nope"}}}}}},
                     catalog)
                .find("playlists[0].tracks[0]: unknown track 'nope'"),
            std::string::npos);
  EXPECT_NE(
      error_of({{"users", {{{"id", "a"}, {"follows", {{{"owner", "a"}, {"count", 2}}}}}}}}, catalog)
          .find("users[0].follows[0].count"),
      std::string::npos);
}

TEST(LoadSeedFile, ReportsInvalidJsonAsInvalidArgument) {
  testing::TempDir dir;
  const auto file = dir.write("bad.json", "{\"users\": [");

  EXPECT_THROW(load_seed_file(file, small_catalog()), std::invalid_argument);
}

TEST(FullCatalog, LoadsTheSharedDataAndBuildsTheDefaultSeed) {
  const auto root = testing::source_dir();
  const auto dir = root ? *root / ".." / "shared" / "catalog-data" : std::filesystem::path();
  if (!root || !std::filesystem::is_directory(dir)) GTEST_SKIP() << "no ../shared/catalog-data";
  Catalog catalog;

  const LoadReport report = load_catalog_dir(dir, catalog);
  const Seed seed = build_seed(default_seed_json(), catalog);

  EXPECT_TRUE(report.warnings.empty()) << report.warnings.front();
  EXPECT_GE(catalog.size(), 80000u);
  EXPECT_GE(catalog.source_playlists().size(), 1000u);
  const auto owned = std::count_if(seed.playlists.begin(), seed.playlists.end(),
                                   [](const SeedPlaylist& p) { return p.owner_id == "demo-pro"; });
  EXPECT_GE(owned, 300);
}

}  // namespace
}  // namespace spotify_emulator
