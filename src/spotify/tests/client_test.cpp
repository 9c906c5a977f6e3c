// Every port method over real HTTP against the emulator in dev2026 mode (one test in extended
// mode for the legacy shapes).

#include <gtest/gtest.h>

#include "core/write/write_sequence.hpp"
#include "spotify/tests/spotify_fixture.hpp"

namespace plm::spotify::testing {
namespace {

using core::ErrorCode;

class ClientTest : public SpotifyClientTest {
 protected:
  void SetUp() override { client_ = make_client(mint_tokens("alice")); }
  std::unique_ptr<Client> client_;
};

TEST_F(ClientTest, CurrentUser) {
  const auto profile = client_->current_user();
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->id, "alice");
  EXPECT_EQ(profile->display_name, "Alice Producer");
  EXPECT_FALSE(profile->account_id.empty());
  EXPECT_EQ(client_->counters().calls, 1);
}

TEST_F(ClientTest, MyPlaylistsPageByPage) {
  const auto all = client_->my_playlists(0, 50);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_FALSE(all->has_next);
  EXPECT_EQ(all->total, 6);  // four owned, two followed
  const auto main = std::find_if(all->items.begin(), all->items.end(),
                                 [](const auto& p) { return p.id == SeedIds::kAliceMain; });
  ASSERT_NE(main, all->items.end());
  EXPECT_EQ(main->name, "Alice's Main / Mix");
  EXPECT_EQ(main->description, "Fresh & new <b>picks</b>");  // sent HTML-escaped, decoded
  EXPECT_EQ(main->owner_id, "alice");
  EXPECT_EQ(main->item_count, 6);
  EXPECT_TRUE(main->is_public);
  EXPECT_FALSE(main->snapshot_id.empty());

  const auto first = client_->my_playlists(0, 2);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->items.size(), 2u);
  EXPECT_TRUE(first->has_next);
  const auto last = client_->my_playlists(5, 2);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->offset, 5);
  EXPECT_EQ(last->items.size(), 1u);
  EXPECT_FALSE(last->has_next);
}

TEST_F(ClientTest, PageLimitsAreCheckedBeforeAnyCall) {
  EXPECT_EQ(client_->my_playlists(0, 51).error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(client_->playlist_items(SeedIds::kAliceMain, 0, 0).error().code,
            ErrorCode::InvalidInput);
  EXPECT_EQ(client_->playlist_items(SeedIds::kAliceMain, -1, 10).error().code,
            ErrorCode::InvalidInput);
  EXPECT_EQ(client_->search_tracks("love", 0, 11).error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(client_->counters().calls, 0);
}

TEST_F(ClientTest, PlaylistMetadata) {
  const auto summary = client_->playlist(SeedIds::kAliceMain);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->id, SeedIds::kAliceMain);
  EXPECT_EQ(summary->owner_name, "Alice Producer");
  EXPECT_EQ(summary->item_count, 6);
  EXPECT_EQ(summary->description, "Fresh & new <b>picks</b>");
  EXPECT_EQ(summary->snapshot_id, dump_playlist("alice", SeedIds::kAliceMain)["snapshot_id"]);
  EXPECT_FALSE(summary->image_url.empty());

  const auto private_playlist = client_->playlist(SeedIds::kAlicePrivate);
  ASSERT_TRUE(private_playlist);
  EXPECT_FALSE(private_playlist->is_public);

  EXPECT_EQ(client_->playlist("Nope000000000000000000").error().code, ErrorCode::NotFound);
}

TEST_F(ClientTest, PlaylistItemsPageByPage) {
  std::vector<std::string> uris;
  std::int64_t offset = 0;
  int pages = 0;
  while (true) {
    const auto page = client_->playlist_items(SeedIds::kAliceBig, offset, 50);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->total, 120);
    EXPECT_EQ(page->offset, offset);
    for (const auto& item : page->items) {
      uris.push_back(item.uri);
      EXPECT_EQ(item.added_by, "alice");
      EXPECT_TRUE(item.added_at.has_value());
      ASSERT_TRUE(item.track);
      EXPECT_FALSE(item.track->name.empty());
      EXPECT_FALSE(item.track->artists.empty());
    }
    ++pages;
    if (!page->has_next) break;
    offset += 50;
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(uris, entry_uris("alice", SeedIds::kAliceBig));
}

TEST_F(ClientTest, LocalFilesAndUnavailableTracksKeepTheirSlots) {
  const auto page = client_->playlist_items(SeedIds::kAliceOdd, 0, 50);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(page->items[0].uri, track_uri(8));
  const auto& local = page->items[1];
  EXPECT_TRUE(local.is_local);
  EXPECT_EQ(local.uri, "spotify:local:Local+Artist:Local+Album:Local+Title:200");
  ASSERT_TRUE(local.track);
  EXPECT_EQ(local.track->name, "Local Title");
  EXPECT_EQ(local.track->duration_ms, 200'000);
  EXPECT_TRUE(page->items[2].unavailable);
  EXPECT_FALSE(page->items[2].track);
}

TEST_F(ClientTest, ContentsOfOthersPlaylistsAreForbiddenInDevelopmentMode) {
  EXPECT_EQ(client_->playlist_items(SeedIds::kBobPublic, 0, 50).error().code, ErrorCode::Forbidden);
  EXPECT_EQ(client_->playlist_items(SeedIds::kBobPrivate, 0, 50).error().code, ErrorCode::NotFound);
}

TEST_F(ClientTest, TrackAndSearch) {
  const auto& expected = demo_catalog().tracks().at(3);
  const auto track = client_->track(expected.id);
  ASSERT_TRUE(track) << track.error().message;
  EXPECT_EQ(track->uri, track_uri(3));
  EXPECT_EQ(track->name, expected.name);
  EXPECT_EQ(track->duration_ms, expected.duration_ms);
  EXPECT_EQ(track->isrc, expected.isrc);
  ASSERT_FALSE(expected.album.release_date.empty());  // the catalog's date, rendered and parsed
  EXPECT_EQ(track->release_date, expected.album.release_date);
  EXPECT_EQ(client_->track("0000000000000000000000").error().code, ErrorCode::NotFound);

  const auto found = client_->search_tracks("track:\"" + expected.name + "\"", 0, 10);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_LE(found->items.size(), 10u);
  EXPECT_TRUE(std::any_of(found->items.begin(), found->items.end(),
                          [&](const auto& t) { return t.uri == track_uri(3); }));
}

// The writes' semantics (order, duplicates, local files, snapshots, errors) are pinned by the
// SpotifyApi contract suite (tests/contract), on this client and on the fake alike; here, what
// only the client over HTTP shows.

TEST_F(ClientTest, AddAtAPositionIsOneRequest) {
  const auto uris = track_uris(1000, 100);
  const auto outcome = client_->add_items(SeedIds::kAlicePrivate, uris, 2);
  ASSERT_TRUE(outcome.is_applied()) << outcome.error->message;
  std::vector<std::string> expected{track_uri(5), track_uri(6)};
  expected.insert(expected.end(), uris.begin(), uris.end());
  expected.push_back(track_uri(7));
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate), expected);
  EXPECT_EQ(outcome.snapshot_id, dump_playlist("alice", SeedIds::kAlicePrivate)["snapshot_id"]);
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 1);
  EXPECT_EQ(stat(""), 1);  // no read behind the caller's back
}

TEST_F(ClientTest, RemoveEveryOccurrence) {
  // Track 1 is in the main playlist twice: both go (§2.11).
  const auto outcome = client_->remove_items(SeedIds::kAliceMain, {track_uri(1)});
  ASSERT_TRUE(outcome.is_applied()) << outcome.error->message;
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain),
            (std::vector<std::string>{track_uri(0), track_uri(2), track_uri(3), track_uri(4)}));
  EXPECT_EQ(outcome.snapshot_id, dump_playlist("alice", SeedIds::kAliceMain)["snapshot_id"]);
}

TEST_F(ClientTest, Reorder) {
  const auto outcome = client_->reorder_items(SeedIds::kAlicePrivate, 0, 3, 1);
  ASSERT_TRUE(outcome.is_applied()) << outcome.error->message;
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate),
            (std::vector<std::string>{track_uri(6), track_uri(7), track_uri(5)}));
  const auto refused = client_->reorder_items(SeedIds::kAlicePrivate, 7, 0, 1);
  EXPECT_EQ(refused.status, core::WriteStatus::NotApplied);
  EXPECT_EQ(refused.error->code, ErrorCode::InvalidInput);
}

TEST_F(ClientTest, ReplaceWithMoreThanOneHundredThroughTheWriteSequence) {
  const auto uris = track_uris(3000, 230);
  const auto version = client_->playlist_version(SeedIds::kAliceMain);
  ASSERT_TRUE(version) << version.error().message;
  const auto result = core::run_write_sequence(
      *client_,
      {SeedIds::kAliceMain, version->snapshot_id, entry_uris("alice", SeedIds::kAliceMain)},
      {core::WriteStep::replace(uris)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain), uris);
  EXPECT_EQ(result.snapshot_id, dump_playlist("alice", SeedIds::kAliceMain)["snapshot_id"]);
  EXPECT_EQ(stat("PUT /v1/playlists/{}/items"), 1);
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 2);

  ASSERT_TRUE(client_->replace_items(SeedIds::kAliceMain, {}).is_applied());
  EXPECT_TRUE(entry_uris("alice", SeedIds::kAliceMain).empty());
}

TEST_F(ClientTest, CreatePlaylist) {
  const auto created = client_->create_playlist(
      {.name = "New & <Shiny>", .description = "Rock & roll's best", .is_public = false});
  ASSERT_TRUE(created.write.is_applied()) << created.write.error->message;
  ASSERT_TRUE(created.playlist);
  EXPECT_EQ(created.playlist->name, "New & <Shiny>");
  EXPECT_EQ(created.playlist->description, "Rock & roll's best");
  EXPECT_FALSE(created.playlist->is_public);
  EXPECT_EQ(created.playlist->owner_id, "alice");
  EXPECT_EQ(created.playlist->item_count, 0);
  EXPECT_EQ(created.write.snapshot_id, created.playlist->snapshot_id);
  const auto dump = dump_playlist("alice", created.playlist->id);
  EXPECT_EQ(dump["description"], "Rock & roll's best");  // stored as sent, not double-encoded
  EXPECT_EQ(dump["public"], false);

  const auto collaborative =
      client_->create_playlist({.name = "Team", .is_public = false, .collaborative = true});
  ASSERT_TRUE(collaborative.write.is_applied()) << collaborative.write.error->message;
  EXPECT_TRUE(collaborative.playlist->collaborative);
}

TEST_F(ClientTest, TenThousandItemsPlaylist) {
  const auto created = client_->create_playlist({.name = "Huge", .is_public = true});
  ASSERT_TRUE(created.write.is_applied()) << created.write.error->message;
  const auto uris = track_uris(0, 10'000);
  const auto filled =
      core::run_write_sequence(*client_, {created.playlist->id, created.playlist->snapshot_id, {}},
                               {core::WriteStep::add(uris)});
  ASSERT_TRUE(filled.complete()) << filled.stopped_by->message;
  EXPECT_EQ(filled.steps.at(0).writes, 100);
  EXPECT_EQ(filled.counters.check_reads, 0);  // appends need no confirmation
  std::vector<std::string> read;
  std::int64_t offset = 0;
  while (true) {
    const auto page = client_->playlist_items(created.playlist->id, offset, 50);
    ASSERT_TRUE(page) << page.error().message;
    for (const auto& item : page->items) read.push_back(item.uri);
    if (!page->has_next) break;
    offset += 50;
  }
  EXPECT_EQ(read, uris);
  EXPECT_EQ(stat("GET /v1/playlists/{}/items"), 200);
  // Full: the emulator caps playlists at 10,000 (§7.8).
  const auto refused = client_->add_items(created.playlist->id, {track_uri(0)}, std::nullopt);
  EXPECT_EQ(refused.status, core::WriteStatus::NotApplied);
  EXPECT_EQ(refused.error->code, ErrorCode::Forbidden);
}

TEST_F(ClientTest, LegacyShapesInExtendedMode) {
  ASSERT_EQ(admin("POST", "/__emulator/config", Json{{"mode", "extended"}}).status, 200);
  const auto page = client_->playlist_items(SeedIds::kAliceOdd, 0, 50);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 3u);
  EXPECT_EQ(page->items[0].uri, track_uri(8));
  EXPECT_TRUE(page->items[1].is_local);
  EXPECT_TRUE(page->items[2].unavailable);

  const auto summary = client_->playlist(SeedIds::kAliceBig);
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->item_count, 120);  // from tracks.total
  const auto playlists = client_->my_playlists(0, 50);
  ASSERT_TRUE(playlists);
  for (const auto& playlist : playlists->items) {
    if (playlist.id == SeedIds::kAliceMain) {
      EXPECT_EQ(playlist.item_count, 6);
    }
  }
  const auto profile = client_->current_user();
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->id, "alice");
  // Writes work in both modes: the client only uses the post-2026 endpoints (§0.3).
  ASSERT_TRUE(client_->add_items(SeedIds::kAliceOdd, {track_uri(20)}, 0).is_applied());
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceOdd).front(), track_uri(20));
}

TEST_F(ClientTest, BothItemFieldsDuringTheDeprecationWindow) {
  ASSERT_EQ(admin("POST", "/__emulator/config", Json{{"emit_legacy_track_field", true}}).status,
            200);
  const auto page = client_->playlist_items(SeedIds::kAliceOdd, 0, 50);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->items[0].uri, track_uri(8));
  EXPECT_TRUE(page->items[2].unavailable);
}

}  // namespace
}  // namespace plm::spotify::testing
