// The sync with several playlists read at once (SyncOptions::in_flight) over the real client
// against the emulator with 50 ms of latency per call: one spotify::Client shared by the reading
// threads, the reads overlapping (four in flight, held at a gate until they are: no timing in the
// test), every call within the lower bound as the emulator counts them, and the store equal to the
// emulator's playlists afterwards.

#include <gtest/gtest.h>

#include "core/sync/sync_service.hpp"
#include "spotify/tests/spotify_fixture.hpp"
#include "support/fakes.hpp"
#include "support/gated_spotify.hpp"

namespace plm::spotify::testing {
namespace {

using test_support::GatedSpotify;

class SyncInFlightEmulator : public SpotifyClientTest {};

TEST_F(SyncInFlightEmulator, FourReadsOverlapOnOneClientAndTheStoreMatchesTheEmulator) {
  auto client = make_client(mint_tokens("alice"));
  std::vector<std::string> created;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto made = client->create_playlist({.name = "In flight " + std::to_string(i)});
    ASSERT_TRUE(made.write.is_applied() && made.playlist);
    ASSERT_TRUE(
        client->add_items(made.playlist->id, track_uris(i * 60, 60), std::nullopt).is_applied());
    created.push_back(made.playlist->id);
  }
  ASSERT_EQ(admin("POST", "/__emulator/faults", Json{{"latency", {{"fixed_ms", 50}}}}).status, 201);
  ASSERT_EQ(admin("DELETE", "/__emulator/stats").status, 204);

  GatedSpotify spotify(*client, GatedSpotify::Calls::AsTheyCome);
  spotify.gather(4);
  test_support::InMemoryStore store;
  core::SpotifyAccount account{.spotify_user_id = "alice"};
  account.app_user_id = store.create_user("alice", "hash", core::Role::Editor)->id;
  account.id = *store.upsert_account(account);
  core::SyncService sync(spotify, store, store, core_clock_);
  const auto before = client->counters().calls;

  const auto report = sync.sync_account(account, core::SyncOptions{.in_flight = 4});

  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->stopped_by.has_value());
  EXPECT_TRUE(report->failures.empty());
  EXPECT_EQ(spotify.max_in_flight(), 4);
  EXPECT_EQ(client->counters().calls - before, report->planned_calls);
  EXPECT_EQ(admin("GET", "/__emulator/stats").json.value("total", -1), report->planned_calls);
  for (const auto& [id, offsets] : spotify.offsets()) {
    for (std::size_t page = 0; page < offsets.size(); ++page)
      EXPECT_EQ(offsets[page], static_cast<std::int64_t>(page) * 50) << id;
  }
  created.push_back(SeedIds::kAliceBig);
  created.push_back(SeedIds::kAliceMain);
  for (const auto& id : created) {
    const auto items = store.playlist_items(account.id, id);
    ASSERT_TRUE(items) << id;
    std::vector<std::string> stored;
    for (const auto& item : *items) stored.push_back(item.uri);
    EXPECT_EQ(stored, entry_uris("alice", id)) << id;
  }
}

}  // namespace
}  // namespace plm::spotify::testing
