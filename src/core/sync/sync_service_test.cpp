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
                                  parse_utc("2026-01-01T00:00:00Z"), "me", false, false,
                                  std::nullopt});
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
  SyncServiceTest() : spotify_("me"), service_(spotify_, store_, store_, clock_) {
    account_.spotify_user_id = "me";
    // The journal keeps versions of stored accounts only.
    account_.app_user_id = store_.create_user("alice", "hash", Role::Editor)->id;
    account_.id = *store_.upsert_account(account_);
  }

  /// `count` owned playlists of `size` items each.
  void seed(int count, int size) {
    for (int i = 0; i < count; ++i)
      spotify_.put_playlist(playlist("p" + std::to_string(i)), items(size));
  }

  /// 60 one-track playlists (two listing pages) synced, p50 tagged: the start of the tests where
  /// the list moves while it is read. Returns the calls made so far.
  std::int64_t synced_sixty_with_p50_tagged() {
    seed(60, 1);
    EXPECT_TRUE(service_.sync_account(account_));
    EXPECT_TRUE(store_.set_playlist_tags(1, "p50", {"keep"}));
    return spotify_.calls();
  }

  std::vector<std::string> tags_of(const std::string& id) {
    const auto found = *store_.find_playlist(1, id);
    return found ? found->tags : std::vector<std::string>{"(not stored)"};
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

TEST_F(SyncServiceTest, APlaylistUnfollowedBetweenListingPagesCostsNoOtherPlaylistItsTags) {
  const auto before = synced_sixty_with_p50_tagged();
  // Unfollowed on Spotify while the first page is being read: the second page starts one row
  // later in the shorter list, so p50 slides onto page 1's end and is never listed.
  spotify_.on_call([&](std::int64_t call) {
    if (call == before + 2) spotify_.remove_playlist("p3");
  });

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(tags_of("p50"), std::vector<std::string>{"keep"});
  EXPECT_FALSE(store_.find_playlist(1, "p3")->has_value());
  EXPECT_EQ(report->removed, 1);
  EXPECT_EQ(report->playlists_total, 59);
  EXPECT_EQ(store_.playlists_of(1)->size(), 59u);
  // Two pages that did not fit, the same two pages again, and two to confirm p3 is gone.
  EXPECT_EQ(spotify_.calls() - before, 6);
  EXPECT_EQ(report->planned_calls, 2);
  EXPECT_FALSE(report->removals_skipped.has_value());
}

TEST_F(SyncServiceTest, AListingThatKeepsMovingRemovesNothing) {
  const auto before = synced_sixty_with_p50_tagged();
  // Every second page of a listing comes after another unfollow.
  spotify_.on_call([&](std::int64_t call) {
    if (call == before + 2) spotify_.remove_playlist("p3");
    if (call == before + 4) spotify_.remove_playlist("p4");
  });

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  ASSERT_TRUE(report->removals_skipped.has_value());
  EXPECT_EQ(report->removals_skipped->code, ErrorCode::Conflict);
  EXPECT_EQ(report->removed, 0);
  EXPECT_EQ(store_.playlists_of(1)->size(), 60u);  // p3 and p4 go with the next sync
  EXPECT_EQ(tags_of("p50"), std::vector<std::string>{"keep"});
  EXPECT_EQ(spotify_.calls() - before, 4);

  spotify_.on_call({});
  const auto next = service_.sync_account(account_);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->removed, 2);
  EXPECT_EQ(tags_of("p50"), std::vector<std::string>{"keep"});
}

TEST_F(SyncServiceTest, APlaylistListedTwiceMakesTheListingAgain) {
  seed(60, 1);
  const auto first = service_.sync_account(account_);
  ASSERT_TRUE(first);
  const auto before = spotify_.calls();
  // Followed at the top while page 1 is read: every row moves down, p49 comes again on page 2
  // and the new playlist is never seen. Creating it is a call of its own.
  bool created = false;
  spotify_.on_call([&](std::int64_t call) {
    if (call == before + 2 && !created) {
      created = true;
      ASSERT_EQ(spotify_.create_playlist({.name = "New", .is_public = true}).write.status,
                core::WriteStatus::Applied);
    }
  });

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  EXPECT_EQ(report->playlists_total, 61);
  const auto stored = *store_.playlists_of(1);
  ASSERT_EQ(stored.size(), 61u);
  EXPECT_EQ(stored.front().summary.name, "New");
  EXPECT_EQ(spotify_.calls() - before, 1 + 2 + 2);  // the create, the listing twice; New is empty
}

TEST_F(SyncServiceTest, AShiftThatKeepsTheTotalIsCaughtByTheConfirmingListing) {
  const auto before = synced_sixty_with_p50_tagged();
  // One unfollow and one new playlist at the end while page 1 is read: the total stays 60 and no
  // id comes twice, yet p50 slides onto page 1 unseen.
  spotify_.on_call([&](std::int64_t call) {
    if (call == before + 2) {
      spotify_.remove_playlist("p3");
      spotify_.put_playlist(playlist("late"), items(1));
    }
  });

  const auto report = service_.sync_account(account_);

  ASSERT_TRUE(report);
  EXPECT_EQ(report->removed, 0);  // p3 was on page 1, read before it went: the next sync
  EXPECT_EQ(tags_of("p50"), std::vector<std::string>{"keep"});
  EXPECT_TRUE(store_.find_playlist(1, "late")->has_value());

  spotify_.on_call({});
  const auto next = service_.sync_account(account_);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->removed, 1);
  EXPECT_FALSE(store_.find_playlist(1, "p3")->has_value());
  EXPECT_EQ(tags_of("p50"), std::vector<std::string>{"keep"});
}

TEST_F(SyncServiceTest, AStopBetweenItemPagesLeavesThePlaylistUnsaved) {
  seed(2, 120);
  std::stop_source stop;
  spotify_.on_call([&](std::int64_t call) {
    if (call == 5) stop.request_stop();  // p1's second page of three (listing 1, p0 2-4, p1 5-)
  });

  const auto report = service_.sync_account(account_, {}, stop.get_token());

  ASSERT_TRUE(report);
  ASSERT_TRUE(report->stopped_by.has_value());
  EXPECT_EQ(spotify_.calls(), 5);
  EXPECT_EQ(report->read, 1);
  EXPECT_TRUE(report->failures.empty());
  EXPECT_FALSE(store_.find_playlist(1, "p1")->has_value());
}

TEST_F(SyncServiceTest, TellsHowEachPlaylistEnded) {
  seed(3, 10);
  spotify_.put_playlist(playlist("followed", "someone-else"), items(40));
  ASSERT_TRUE(service_.sync_account(account_));
  spotify_.set_items("p0", items(5, "v2-"));
  spotify_.set_items("p1", items(6, "v2-"));
  spotify_.remove_playlist("p2");
  spotify_.fail_call(spotify_.calls() + 3, make_error(ErrorCode::Unavailable, "502"));  // p1
  std::vector<PlaylistOutcome> outcomes;

  const auto report = service_.sync_account(
      account_,
      SyncOptions{.on_playlist = [&](const PlaylistOutcome& o) { outcomes.push_back(o); }});

  ASSERT_TRUE(report);
  std::vector<std::pair<std::string, PlaylistOutcome::Kind>> seen;
  for (const auto& outcome : outcomes) seen.emplace_back(outcome.playlist_id, outcome.kind);
  const std::vector<std::pair<std::string, PlaylistOutcome::Kind>> expected = {
      {"followed", PlaylistOutcome::Kind::Unreadable},
      {"p0", PlaylistOutcome::Kind::Read},
      {"p1", PlaylistOutcome::Kind::Failed},
      {"p2", PlaylistOutcome::Kind::Removed}};
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(outcomes[1].items, 5);
  ASSERT_TRUE(outcomes[2].error.has_value());
  EXPECT_EQ(outcomes[2].error->code, ErrorCode::Unavailable);
  EXPECT_EQ(outcomes[3].playlist_name, "Playlist p2");
}

TEST_F(SyncServiceTest, AResumedSyncStartsFromTheSavedListingAndReadsOnlyWhatIsMissing) {
  seed(120, 60);  // 3 listing pages, 2 item pages each: 243 calls at the least
  std::optional<PlaylistListing> saved;
  std::stop_source stop;
  spotify_.on_call([&](std::int64_t call) {
    if (call == 3 + 2 * 40 + 1) stop.request_stop();  // p40's first page: 40 saved, p40 in flight
  });
  const auto interrupted = service_.sync_account(
      account_, SyncOptions{.stop = stop.get_token(),
                            .on_listed = [&](const PlaylistListing& l) { saved = l; }});
  ASSERT_TRUE(interrupted);
  ASSERT_TRUE(interrupted->stopped_by.has_value());
  ASSERT_TRUE(saved.has_value());
  EXPECT_EQ(saved->playlists.size(), 120u);
  EXPECT_EQ(saved->pages, 3);
  EXPECT_TRUE(saved->consistent);
  spotify_.on_call({});
  const auto first_run = spotify_.calls();

  const auto resumed = service_.sync_account(account_, SyncOptions{.listing = saved});

  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_FALSE(resumed->stopped_by.has_value());
  EXPECT_EQ(spotify_.calls() - first_run, 80 * 2);  // no listing; p40 to p119
  EXPECT_EQ(spotify_.calls(), 3 + 120 * 2 + 1);     // the bound plus p40's first page
  EXPECT_EQ(resumed->read, 80);
  EXPECT_EQ(resumed->unchanged, 40);
  EXPECT_EQ(store_.playlists_of(1)->size(), 120u);
  EXPECT_EQ(store_.playlist_items(1, "p40")->size(), 60u);
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

// ---- The journal ----

TEST_F(SyncServiceTest, TheFirstSyncRecordsTheFirstVersionOfEveryReadablePlaylist) {
  seed(3, 4);
  spotify_.put_playlist(playlist("empty"), {});
  spotify_.put_playlist(playlist("theirs", "someone"), items(2));  // followed: unreadable
  const auto before = spotify_.calls();

  ASSERT_TRUE(service_.sync_account(account_));

  EXPECT_EQ(spotify_.calls() - before, 1 + 3);  // the journal costs no call
  const auto journaled = *store_.latest_sequences(account_.id);
  EXPECT_EQ(journaled,
            (std::map<std::string, std::int64_t>{{"empty", 1}, {"p0", 1}, {"p1", 1}, {"p2", 1}}));
  const auto first = *store_.latest_version(account_.id, "p1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->items, version_items(items(4)));
  EXPECT_EQ(first->snapshot_id, spotify_.find_playlist("p1")->summary.snapshot_id);
  EXPECT_EQ(first->details.name, "Playlist p1");
  EXPECT_EQ(first->cause.kind, VersionCauseKind::Sync);
  EXPECT_EQ(first->cause.why, kFirstSeen);
  EXPECT_EQ(first->changes, (ChangeCounts{4, 0, 0, false}));
}

TEST_F(SyncServiceTest, AChangeOutsidePlmIsRecordedOnceAndNothingElse) {
  seed(3, 4);
  ASSERT_TRUE(service_.sync_account(account_));
  auto changed = items(4);
  std::swap(changed[0], changed[3]);
  changed.push_back(items(1, "new")[0]);
  spotify_.set_items("p2", changed);

  ASSERT_TRUE(service_.sync_account(account_));
  ASSERT_TRUE(service_.sync_account(account_));  // nothing new: nothing recorded

  const auto versions = *store_.list_versions(account_.id, "p2", {});
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].cause.why, kChangedOutside);
  EXPECT_EQ(versions[0].changes.added, 1);
  EXPECT_EQ(versions[0].changes.moved, 2);  // a swap: both items moved
  EXPECT_EQ(store_.list_versions(account_.id, "p0", {})->size(), 1u);
}

TEST_F(SyncServiceTest, ASnapshotAnEditRecordedIsNotRecordedAgainBySync) {
  seed(1, 3);
  ASSERT_TRUE(service_.sync_account(account_));
  // An edit (the edit job, later) changes the playlist and records the snapshot its last write
  // returned.
  spotify_.set_items("p0", items(2));
  const auto& edited = *spotify_.find_playlist("p0");
  ASSERT_TRUE(*store_.record_version({account_.id,
                                      "p0",
                                      edited.summary.snapshot_id,
                                      details_of(edited.summary),
                                      version_items(edited.items),
                                      {.kind = VersionCauseKind::Edit,
                                       .app_user_id = account_.app_user_id,
                                       .origin = std::string(kOriginCli),
                                       .action = "playlist remove"}}));

  ASSERT_TRUE(service_.sync_account(account_));

  const auto versions = *store_.list_versions(account_.id, "p0", {});
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].cause.kind, VersionCauseKind::Edit);
}

TEST_F(SyncServiceTest, APlaylistStoredBeforeTheJournalIsRecordedFromTheStoreOnce) {
  seed(2, 3);
  // Stored by a plm without the journal: the items are there, the journal is empty.
  for (const auto& id : {"p0", "p1"}) {
    const auto& remote = *spotify_.find_playlist(id);
    ASSERT_TRUE(store_.save_playlist(account_.id, 0, remote.summary, remote.items));
  }
  const auto before = spotify_.calls();

  ASSERT_TRUE(service_.sync_account(account_));
  ASSERT_TRUE(service_.sync_playlist(account_, "p1"));
  ASSERT_TRUE(service_.sync_account(account_));

  EXPECT_EQ(spotify_.calls() - before, 1 + 1 + 1);  // listings and one playlist read, no items
  for (const auto& id : {"p0", "p1"}) {
    const auto versions = *store_.list_versions(account_.id, id, {});
    ASSERT_EQ(versions.size(), 1u) << id;
    EXPECT_EQ(versions[0].cause.why, kFirstSeen);
    EXPECT_EQ((*store_.latest_version(account_.id, id))->items, version_items(items(3)));
  }
}

TEST_F(SyncServiceTest, SyncingOnePlaylistRecordsItsChange) {
  seed(1, 3);
  ASSERT_TRUE(service_.sync_account(account_));
  spotify_.set_items("p0", items(5));

  ASSERT_TRUE(service_.sync_playlist(account_, "p0"));

  const auto versions = *store_.list_versions(account_.id, "p0", {});
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].cause.why, kChangedOutside);
  EXPECT_EQ(versions[0].changes.added, 2);
}

}  // namespace
}  // namespace plm::core
