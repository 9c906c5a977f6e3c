#include "core/sync/sync_service.hpp"

#include <gtest/gtest.h>

#include "support/fakes.hpp"

namespace plm::core {
namespace {

using test_support::FakeSpotifyApi;
using test_support::InMemoryStore;
using test_support::ManualClock;

std::vector<PlaylistItem> items(int count, const std::string& prefix = "t") {
  std::vector<PlaylistItem> result;
  for (int i = 0; i < count; ++i) {
    result.push_back(PlaylistItem{"spotify:track:" + prefix + std::to_string(i),
                                  "2026-01-01T00:00:00Z", "me", false, false, std::nullopt});
  }
  return result;
}

PlaylistSummary playlist(const std::string& id, const std::string& owner = "me",
                         bool collaborative = false) {
  PlaylistSummary summary;
  summary.id = id;
  summary.name = "Playlist " + id;
  summary.owner_id = owner;
  summary.collaborative = collaborative;
  return summary;
}

class SyncServiceTest : public ::testing::Test {
 protected:
  SyncServiceTest() : spotify_("me"), service_(spotify_, store_, clock_) {
    account_.id = 1;
    account_.spotify_user_id = "me";
  }

  /// `count` owned playlists of `size` items each.
  void seed(int count, int size) {
    for (int i = 0; i < count; ++i)
      spotify_.put_playlist(playlist("p" + std::to_string(i)), items(size));
  }

  FakeSpotifyApi spotify_;
  InMemoryStore store_;
  ManualClock clock_;
  SyncService service_;
  SpotifyAccount account_;
};

TEST_F(SyncServiceTest, FirstSyncMakesExactlyTheLowerBoundOfCalls) {
  seed(/*count=*/310, /*size=*/100);

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report) << report.error().message;
  const std::int64_t bound = 7 /* ceil(310/50) */ + 310 * 2 /* ceil(100/50) */;
  EXPECT_EQ(report->planned_calls, bound);
  EXPECT_EQ(spotify_.calls(), bound);
  EXPECT_EQ(report->read, 310);
  EXPECT_EQ(store_.playlists_of(1)->size(), 310u);
  EXPECT_EQ(store_.playlist_items(1, "p42")->size(), 100u);
}

TEST_F(SyncServiceTest, ResyncOfAnUnchangedAccountOnlyListsPlaylists) {
  seed(300, 100);
  ASSERT_TRUE(service_.sync_account(account_));
  const auto before = spotify_.calls();

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  EXPECT_EQ(spotify_.calls() - before, 6);  // ceil(300/50)
  EXPECT_EQ(report->counters.calls, 6);
  EXPECT_EQ(report->unchanged, 300);
  EXPECT_EQ(report->read, 0);
}

TEST_F(SyncServiceTest, OnlyChangedPlaylistsAreReadAgain) {
  seed(60, 120);
  ASSERT_TRUE(service_.sync_account(account_));
  spotify_.set_items("p7", items(51, "new"));
  const auto before = spotify_.calls();

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  EXPECT_EQ(spotify_.calls() - before, 2 + 2);  // two listing pages + ceil(51/50)
  EXPECT_EQ(report->read, 1);
  EXPECT_EQ(store_.playlist_items(1, "p7")->front().uri, "spotify:track:new0");
}

TEST_F(SyncServiceTest, FollowedPlaylistsAreStoredWithoutContentsAndGonePlaylistsAreRemoved) {
  seed(3, 10);
  spotify_.put_playlist(playlist("followed", "someone-else"), items(40));
  spotify_.put_playlist(playlist("collab", "someone-else", true), items(5));
  ASSERT_TRUE(service_.sync_account(account_));
  spotify_.remove_playlist("p1");

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  EXPECT_EQ(report->unreadable, 1);
  EXPECT_EQ(report->removed, 1);
  const auto stored = *store_.playlists_of(1);
  ASSERT_EQ(stored.size(), 4u);
  const auto followed = *store_.find_playlist(1, "followed");
  ASSERT_TRUE(followed.has_value());
  EXPECT_TRUE(followed->items_snapshot_id.empty());
  EXPECT_EQ(store_.playlist_items(1, "collab")->size(), 5u);
}

TEST_F(SyncServiceTest, AFailingPlaylistIsReportedAndTheOthersAreStillSaved) {
  seed(3, 10);
  spotify_.fail_call(
      2, make_error(ErrorCode::Unavailable, "502 bad gateway after 3 tries"));  // p0's items

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  ASSERT_EQ(report->failures.size(), 1u);
  EXPECT_EQ(report->failures[0].playlist_id, "p0");
  EXPECT_EQ(report->read, 2);
  EXPECT_FALSE(report->stopped_by.has_value());
  // The next sync picks the failed playlist up again: its items were never stored at that snapshot.
  const auto again = service_.sync_account(account_);
  EXPECT_EQ(again->read, 1);
}

TEST_F(SyncServiceTest, ReauthAndRateLimitsStopTheSyncButKeepWhatWasSaved) {
  seed(4, 10);
  ASSERT_TRUE(service_.sync_account(account_));  // calls 1-5
  for (const char* id : {"p0", "p1", "p2", "p3"}) spotify_.set_items(id, items(20, "v2-"));
  Error limited = make_error(ErrorCode::RateLimited, "spotify asked to wait 3600 s");
  limited.retry_at = clock_.now() + std::chrono::hours(1);
  spotify_.fail_call(9, limited);  // listing is 6, then p0 7, p1 8, p2 9

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  ASSERT_TRUE(report->stopped_by.has_value());
  EXPECT_EQ(report->stopped_by->code, ErrorCode::RateLimited);
  EXPECT_EQ(report->read, 2);
  EXPECT_EQ(spotify_.calls(), 9);                          // nothing after the stop
  EXPECT_EQ(store_.playlist_items(1, "p1")->size(), 20u);  // saved before the stop
  EXPECT_EQ(store_.playlist_items(1, "p2")->size(), 10u);  // still the old, complete version
  EXPECT_EQ(store_.playlists_of(1)->size(), 4u);
}

TEST_F(SyncServiceTest, AListingFailureWritesNothing) {
  seed(120, 1);
  spotify_.fail_call(2, make_error(ErrorCode::NeedsReauth, "refresh token expired"));

  const auto report = service_.sync_account(account_);

  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::NeedsReauth);
  EXPECT_EQ(store_.saves(), 0);
}

TEST_F(SyncServiceTest, APlaylistChangingWhilePagedIsReadAgainFromTheStart) {
  seed(1, 120);
  spotify_.on_call([&](std::int64_t call) {
    if (call == 3) spotify_.set_items("p0", items(130, "moved"));  // between items pages 1 and 2
  });

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  const auto stored = *store_.playlist_items(1, "p0");
  ASSERT_EQ(stored.size(), 130u);
  EXPECT_EQ(stored.front().uri, "spotify:track:moved0");
}

TEST_F(SyncServiceTest, AStoreRefusalOfOnePlaylistIsReportedAndTheOthersAreSaved) {
  seed(3, 10);
  store_.reject_save("p1", make_error(ErrorCode::InvalidInput, "CHECK constraint failed"));

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  ASSERT_EQ(report->failures.size(), 1u);
  EXPECT_EQ(report->failures[0].playlist_id, "p1");
  EXPECT_EQ(store_.playlist_items(1, "p2")->size(), 10u);
}

TEST_F(SyncServiceTest, ADatabaseFailureStopsTheSync) {
  seed(3, 10);
  store_.reject_save("p0", make_error(ErrorCode::Internal, "database is locked"));

  const auto report = service_.sync_account(account_);

  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::Internal);
}

TEST_F(SyncServiceTest, AnItemListThatDoesNotMatchItsTotalIsNotStored) {
  seed(2, 30);
  spotify_.report_total("p0", 31);  // Spotify says 31 but sends 30

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  ASSERT_EQ(report->failures.size(), 1u);
  EXPECT_EQ(report->failures[0].error.code, ErrorCode::BadResponse);
  EXPECT_TRUE(store_.find_playlist(1, "p0")->has_value() == false);
  EXPECT_EQ(store_.playlist_items(1, "p1")->size(), 30u);
}

TEST_F(SyncServiceTest, NullPlaylistsInTheListingNeitherShiftNorRepeatRows) {
  seed(60, 1);
  spotify_.send_as_null_in_listing("p10");

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  EXPECT_EQ(report->playlists_total, 59);
  EXPECT_EQ(store_.playlists_of(1)->size(), 59u);
  EXPECT_EQ(report->planned_calls, 2 + 59);
}

TEST_F(SyncServiceTest, AServerThatAlwaysSaysThereIsMoreCannotMakeTheSyncLoopForever) {
  seed(1, 10);
  spotify_.always_has_next(true);

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  EXPECT_LT(spotify_.calls(), 10);
  EXPECT_EQ(store_.playlist_items(1, "p0")->size(), 10u);
}

TEST_F(SyncServiceTest, ReportsProgressUntilDone) {
  seed(5, 60);
  std::vector<SyncProgress> updates;

  ASSERT_TRUE(service_.sync_account(
      account_, [&](const SyncProgress& progress) { updates.push_back(progress); }));

  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.front().phase, SyncProgress::Phase::Listing);
  EXPECT_EQ(updates.back().phase, SyncProgress::Phase::Done);
  EXPECT_EQ(updates.back().playlists_done, 5);
  EXPECT_EQ(updates.back().playlists_total, 5);
  EXPECT_EQ(updates.back().counters.calls, 1 + 5 * 2);
}

TEST_F(SyncServiceTest, AStopRequestEndsTheSyncAtAPlaylistBoundaryAndKeepsWhatWasSaved) {
  seed(4, 10);
  std::stop_source stop;
  spotify_.on_call([&](std::int64_t call) {
    if (call == 3) stop.request_stop();  // while p1's items are read
  });

  const auto report = service_.sync_account(account_, {}, stop.get_token());

  ASSERT_TRUE(report);
  ASSERT_TRUE(report->stopped_by.has_value());
  EXPECT_EQ(report->stopped_by->code, ErrorCode::Unavailable);
  EXPECT_EQ(report->read, 2);  // p0 and p1 (the playlist being read when asked) are complete
  EXPECT_EQ(spotify_.calls(), 3);
  EXPECT_EQ(store_.playlist_items(1, "p1")->size(), 10u);
  EXPECT_FALSE(store_.find_playlist(1, "p2")->has_value());
  EXPECT_TRUE(store_.playlists_of(1).value().size() == 2u);
}

TEST_F(SyncServiceTest, SyncPlaylistReadsOnlyThatPlaylistAndKeepsItsPlace) {
  seed(3, 60);
  ASSERT_TRUE(service_.sync_account(account_));
  spotify_.set_items("p1", items(70, "new"));
  ASSERT_TRUE(store_.set_playlist_tags(1, "p1", {"keep"}));
  const auto before = spotify_.calls();

  const auto report = service_.sync_playlist(account_, "p1");

  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(spotify_.calls() - before, 1 + 2);  // metadata + ceil(70/50)
  EXPECT_EQ(report->read, 1);
  EXPECT_EQ(report->planned_calls, 3);
  const auto stored = *store_.playlists_of(1);
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[1].summary.id, "p1");
  EXPECT_EQ(stored[1].stored_item_count, 70);
  EXPECT_EQ(stored[1].tags, std::vector<std::string>{"keep"});
  EXPECT_EQ(store_.playlist_items(1, "p1")->front().uri, "spotify:track:new0");
  EXPECT_EQ(store_.playlist_items(1, "p0")->size(), 60u);
}

TEST_F(SyncServiceTest, ReportsItemsReadAfterEveryPageOfALongPlaylist) {
  seed(1, 120);
  std::vector<std::pair<std::int64_t, std::int64_t>> account_pages;
  std::vector<std::pair<std::int64_t, std::int64_t>> playlist_pages;
  auto record = [](auto& pages) {
    return [&pages](const SyncProgress& progress) {
      if (progress.items_total > 0) pages.emplace_back(progress.items_read, progress.items_total);
    };
  };

  ASSERT_TRUE(service_.sync_account(account_, record(account_pages)));
  spotify_.set_items("p0", items(120, "new"));
  ASSERT_TRUE(service_.sync_playlist(account_, "p0", record(playlist_pages)));

  const std::vector<std::pair<std::int64_t, std::int64_t>> expected = {
      {0, 120}, {50, 120}, {100, 120}, {120, 120}};
  EXPECT_EQ(account_pages, expected);
  EXPECT_EQ(playlist_pages, expected);
}

TEST_F(SyncServiceTest, SyncPlaylistOfAnUnchangedPlaylistMakesOneCall) {
  seed(2, 60);
  ASSERT_TRUE(service_.sync_account(account_));
  const auto before = spotify_.calls();
  std::vector<SyncProgress> updates;

  const auto report = service_.sync_playlist(
      account_, "p0", [&](const SyncProgress& progress) { updates.push_back(progress); });

  ASSERT_TRUE(report);
  EXPECT_EQ(spotify_.calls() - before, 1);
  EXPECT_EQ(report->unchanged, 1);
  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.back().phase, SyncProgress::Phase::Done);
  EXPECT_EQ(updates.back().playlists_done, 1);
}

TEST_F(SyncServiceTest, SyncPlaylistOfAFollowedPlaylistSavesMetadataOnly) {
  spotify_.put_playlist(playlist("followed", "someone-else"), items(40));
  ASSERT_TRUE(service_.sync_account(account_));
  const auto before = spotify_.calls();

  const auto report = service_.sync_playlist(account_, "followed");

  ASSERT_TRUE(report);
  EXPECT_EQ(spotify_.calls() - before, 1);
  EXPECT_EQ(report->unreadable, 1);
  EXPECT_TRUE(store_.find_playlist(1, "followed")->value().items_snapshot_id.empty());
}

TEST_F(SyncServiceTest, SyncPlaylistFailsForUnknownPlaylistsAndReturnsSpotifyErrors) {
  seed(2, 10);
  ASSERT_TRUE(service_.sync_account(account_));
  spotify_.set_items("p0", items(20, "v2-"));
  Error limited = make_error(ErrorCode::RateLimited, "spotify asked to wait 60 s");
  limited.retry_at = clock_.now() + std::chrono::minutes(1);
  spotify_.fail_call(spotify_.calls() + 2, limited);  // the items page after the metadata

  const auto unknown = service_.sync_playlist(account_, "nope");
  const auto limited_sync = service_.sync_playlist(account_, "p0");

  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::NotFound);
  ASSERT_FALSE(limited_sync);
  EXPECT_EQ(limited_sync.error().code, ErrorCode::RateLimited);
  EXPECT_TRUE(limited_sync.error().retry_at.has_value());
  EXPECT_EQ(store_.playlist_items(1, "p0")->size(), 10u);  // the old, complete version
}

}  // namespace
}  // namespace plm::core
