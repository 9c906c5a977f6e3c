#include "app/sync_jobs.hpp"

#include <gtest/gtest.h>

#include "support/fakes.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::app {
namespace {

using core::ErrorCode;
using core::ItemOutcome;
using core::Job;
using core::JobEventKind;
using core::JobState;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<core::PlaylistItem> items(int count, const std::string& prefix = "t") {
  std::vector<core::PlaylistItem> result;
  for (int i = 0; i < count; ++i) {
    result.push_back(core::PlaylistItem{"spotify:track:" + prefix + std::to_string(i),
                                        core::parse_utc("2026-01-01T00:00:00Z"), "me", false, false,
                                        std::nullopt});
  }
  return result;
}

core::PlaylistSummary playlist(const std::string& id, const std::string& owner = "me") {
  return core::PlaylistSummary{.id = id, .name = "Playlist " + id, .owner_id = owner};
}

class SyncJobsTest : public ::testing::Test {
 protected:
  SyncJobsTest() {
    owner_ = store_.create_user("alice", "hash", core::Role::Editor)->id;
    account_ = *store_.upsert_account(
        core::SpotifyAccount{.app_user_id = owner_, .spotify_user_id = "me", .display_name = "Me"});
    add_sync_handlers(handlers_, deps_);
  }

  Worker& new_worker(const std::string& name) {
    workers_.push_back(
        std::make_unique<Worker>(queue_, handlers_, clock_, waiter_, WorkerOptions{.name = name}));
    return *workers_.back();
  }

  /// `count` owned playlists of `size` items each.
  void seed(int count, int size) {
    for (int i = 0; i < count; ++i)
      spotify_.put_playlist(playlist("p" + std::to_string(i)), items(size));
  }

  Job enqueue(const core::NewJob& request) {
    auto enqueued = queue_.enqueue(request);
    EXPECT_TRUE(enqueued.has_value());
    return enqueued->job;
  }
  Job enqueue_sync() { return enqueue(sync_account_job(owner_, account_)); }

  core::JobDetails details(std::int64_t id) { return queue_.find_job(id)->value(); }
  std::vector<JobEventKind> history(std::int64_t id) {
    std::vector<JobEventKind> kinds;
    for (const auto& event : details(id).history) kinds.push_back(event.kind);
    return kinds;
  }
  std::map<ItemOutcome, int> outcomes(std::int64_t id) {
    std::map<ItemOutcome, int> counts;
    for (const auto& item : details(id).items) ++counts[item.outcome];
    return counts;
  }

  /// Reads the fake through its API (after the calls were counted) and compares the store to it.
  void expect_store_equals_spotify() {
    std::vector<core::PlaylistSummary> remote;
    for (std::int64_t offset = 0;; offset += 50) {
      auto page = spotify_.my_playlists(offset, 50);
      ASSERT_TRUE(page.has_value());
      remote.insert(remote.end(), page->items.begin(), page->items.end());
      if (!page->has_next) break;
    }
    const auto stored = *store_.playlists_of(account_);
    ASSERT_EQ(stored.size(), remote.size());
    for (std::size_t i = 0; i < remote.size(); ++i) {
      EXPECT_EQ(stored[i].summary, remote[i]) << "playlist " << i;
      if (remote[i].owner_id != "me") continue;
      std::vector<core::PlaylistItem> remote_items;
      for (std::int64_t offset = 0;; offset += 50) {
        auto page = spotify_.playlist_items(remote[i].id, offset, 50);
        ASSERT_TRUE(page.has_value());
        remote_items.insert(remote_items.end(), page->items.begin(), page->items.end());
        if (!page->has_next) break;
      }
      EXPECT_EQ(*store_.playlist_items(account_, remote[i].id), remote_items) << remote[i].id;
    }
  }

  test_support::ManualClock clock_;
  test_support::InMemoryStore store_;
  test_support::FakeSpotifyApi spotify_{"me"};
  test_support::InMemoryJobQueue queue_{clock_};
  ConditionWaiter waiter_{clock_};  // never waits: the tests call run_one
  SyncJobDeps deps_{store_, store_, store_, clock_, [this](const core::SpotifyAccount&) {
                      // The one fake, not owned by the handler.
                      return std::shared_ptr<core::SpotifyApi>(std::shared_ptr<void>(), &spotify_);
                    }};
  JobHandlers handlers_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::int64_t owner_ = 0;
  std::int64_t account_ = 0;
};

TEST_F(SyncJobsTest, ASyncJobStoresEveryPlaylistAndReportsEachOne) {
  seed(3, 60);
  spotify_.put_playlist(playlist("followed", "someone-else"), items(40));
  const Job queued = enqueue_sync();

  ASSERT_TRUE(new_worker("w").run_one());

  const core::JobDetails done = details(queued.id);
  EXPECT_EQ(done.job.state, JobState::Succeeded) << done.job.error->message;
  EXPECT_EQ(done.job.progress.unit, core::ProgressUnit::Playlists);
  EXPECT_EQ(done.job.progress.done, 4);
  EXPECT_EQ(done.job.progress.total, 4);
  EXPECT_EQ(done.job.progress.message,
            "synced 4 playlists: 3 read, 0 unchanged, 1 followed, 0 removed");
  EXPECT_EQ(done.job.api.calls, spotify_.calls());
  EXPECT_EQ(done.job.api.calls, 1 + 3 * 2);
  EXPECT_EQ(done.job.checkpoint, "");  // nothing to resume any more
  EXPECT_EQ(outcomes(queued.id),
            (std::map<ItemOutcome, int>{{ItemOutcome::Done, 3}, {ItemOutcome::Skipped, 1}}));
  ASSERT_EQ(done.items.size(), 4u);  // in the order they ended: metadata-only ones first
  EXPECT_EQ(done.items[0].key, "followed");
  EXPECT_EQ(done.items[1], (core::JobItemResult{"p0", "Playlist p0", ItemOutcome::Done,
                                                std::nullopt, "read 60 tracks"}));
  expect_store_equals_spotify();
}

TEST_F(SyncJobsTest, TheNextSyncReportsUnchangedAndRemovedPlaylists) {
  seed(4, 10);
  enqueue_sync();
  ASSERT_TRUE(new_worker("w").run_one());
  spotify_.remove_playlist("p1");
  spotify_.set_items("p2", items(12, "v2-"));

  const Job second = enqueue_sync();
  ASSERT_TRUE(workers_.back()->run_one());

  const core::JobDetails done = details(second.id);
  EXPECT_EQ(done.job.state, JobState::Succeeded);
  EXPECT_EQ(outcomes(second.id),
            (std::map<ItemOutcome, int>{{ItemOutcome::Done, 2}, {ItemOutcome::Unchanged, 2}}));
  const auto removed = std::find_if(done.items.begin(), done.items.end(),
                                    [](const auto& item) { return item.key == "p1"; });
  ASSERT_NE(removed, done.items.end());
  EXPECT_EQ(removed->detail, "removed: no longer in the account's Spotify list");
  expect_store_equals_spotify();
}

TEST_F(SyncJobsTest, AnInterruptedSyncIsFinishedByTheNextWorkerWithoutListingAgain) {
  seed(120, 60);  // the bound: 3 listing pages + 120 × 2 item pages
  const Job queued = enqueue_sync();
  Worker& first = new_worker("first");
  spotify_.on_call([&](std::int64_t call) {
    if (call == 3 + 2 * 40 + 1) first.request_shutdown();  // p40's first page: 40 playlists saved
  });

  ASSERT_TRUE(first.run_one());
  EXPECT_EQ(details(queued.id).job.state, JobState::Interrupted);
  EXPECT_EQ(spotify_.calls(), 3 + 2 * 40 + 1);
  spotify_.on_call({});
  ASSERT_TRUE(new_worker("second").run_one());

  const core::JobDetails done = details(queued.id);
  EXPECT_EQ(done.job.state, JobState::Succeeded);
  EXPECT_EQ(done.job.id, queued.id);
  EXPECT_EQ(history(queued.id),
            (std::vector{JobEventKind::Enqueued, JobEventKind::Started, JobEventKind::Interrupted,
                         JobEventKind::Resumed, JobEventKind::Succeeded}));
  // Over both runs: the lower bound plus the one page of p40 read before the stop.
  EXPECT_EQ(spotify_.calls(), 3 + 120 * 2 + 1);
  EXPECT_EQ(done.job.api.calls, spotify_.calls());
  // The 40 read by the first run stay "done"; nothing says "unchanged".
  EXPECT_EQ(outcomes(queued.id), (std::map<ItemOutcome, int>{{ItemOutcome::Done, 120}}));
  expect_store_equals_spotify();
}

TEST_F(SyncJobsTest, ASyncWhoseProcessDiedIsResumedOnceItsLeaseExpires) {
  seed(120, 60);
  const Job queued = enqueue_sync();
  spotify_.on_call([&](std::int64_t call) {
    clock_.advance(milliseconds(100));  // each call takes 100 ms
    if (call == 3 + 2 * 40 + 1) {
      // SIGKILL: the database hears nothing more from this process, and its sync ends mid-call.
      queue_.set_unreachable(true);
      throw std::runtime_error("killed");
    }
  });
  ASSERT_TRUE(new_worker("killed").run_one());
  queue_.set_unreachable(false);
  EXPECT_EQ(details(queued.id).job.state, JobState::Running);  // as the dead process left it
  spotify_.on_call([&](std::int64_t) { clock_.advance(milliseconds(100)); });

  clock_.advance(seconds(30));  // the lease runs out
  ASSERT_TRUE(new_worker("restarted").run_one());

  const core::JobDetails done = details(queued.id);
  EXPECT_EQ(done.job.state, JobState::Succeeded);
  EXPECT_EQ(done.job.attempts, 2);
  EXPECT_EQ(history(queued.id),
            (std::vector{JobEventKind::Enqueued, JobEventKind::Started, JobEventKind::Interrupted,
                         JobEventKind::Resumed, JobEventKind::Succeeded}));
  EXPECT_EQ(spotify_.calls(), 3 + 120 * 2 + 1);  // the killed call never answered
  // Counters saved at most 200 ms before the kill survive it.
  EXPECT_GE(done.job.api.calls, spotify_.calls() - 3);
  EXPECT_EQ(outcomes(queued.id), (std::map<ItemOutcome, int>{{ItemOutcome::Done, 120}}));
  expect_store_equals_spotify();
}

TEST_F(SyncJobsTest, ARateLimitedSyncIsRetriedWhenSpotifySaidAndResumes) {
  seed(10, 10);
  const Job queued = enqueue_sync();
  core::Error limited = core::make_error(ErrorCode::RateLimited, "spotify asked to wait 60 s");
  limited.retry_at = clock_.now() + seconds(60);
  spotify_.fail_call(6, limited);  // p4's page

  ASSERT_TRUE(new_worker("w").run_one());
  const Job waiting = details(queued.id).job;
  EXPECT_EQ(waiting.state, JobState::Queued);
  EXPECT_EQ(waiting.run_at, *limited.retry_at);
  EXPECT_FALSE(waiting.checkpoint.empty());
  EXPECT_FALSE(workers_.back()->run_one());
  clock_.advance(seconds(60));
  ASSERT_TRUE(workers_.back()->run_one());

  EXPECT_EQ(details(queued.id).job.state, JobState::Succeeded);
  EXPECT_EQ(spotify_.calls(), 1 + 10 + 1);  // no second listing; p4 read again
  EXPECT_EQ(outcomes(queued.id), (std::map<ItemOutcome, int>{{ItemOutcome::Done, 10}}));
  expect_store_equals_spotify();
}

TEST_F(SyncJobsTest, ACancelledSyncStopsAtItsNextStep) {
  seed(10, 10);
  const Job queued = enqueue_sync();
  spotify_.on_call([&](std::int64_t call) {
    clock_.advance(seconds(1));
    if (call == 4) {
      EXPECT_TRUE(queue_.cancel(queued.id).has_value());
    }
  });

  ASSERT_TRUE(new_worker("w").run_one());

  EXPECT_EQ(details(queued.id).job.state, JobState::Cancelled);
  EXPECT_EQ(spotify_.calls(), 4);  // p2 was read when it was cancelled; p3 never started
  EXPECT_EQ(store_.playlists_of(account_)->size(), 3u);
}

TEST_F(SyncJobsTest, ADisconnectedOrExpiredAccountFailsWithoutACall) {
  seed(2, 10);
  ASSERT_TRUE(store_.set_account_status(account_, core::AccountStatus::NeedsReauth));
  const Job expired = enqueue_sync();
  const Job gone = enqueue(sync_account_job(owner_, account_ + 100));
  Worker& w = new_worker("w");

  ASSERT_TRUE(w.run_one());
  ASSERT_TRUE(w.run_one());

  EXPECT_EQ(details(expired.id).job.state, JobState::Failed);
  EXPECT_EQ(details(expired.id).job.error->code, ErrorCode::NeedsReauth);
  EXPECT_EQ(details(gone.id).job.state, JobState::Failed);
  EXPECT_EQ(details(gone.id).job.error->code, ErrorCode::NotFound);
  EXPECT_EQ(spotify_.calls(), 0);
}

TEST_F(SyncJobsTest, SyncNowTwiceIsOneJob) {
  const auto first = queue_.enqueue(sync_account_job(owner_, account_));
  const auto second = queue_.enqueue(sync_account_job(owner_, account_));

  EXPECT_TRUE(first->created);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->job.id, first->job.id);
}

TEST_F(SyncJobsTest, APlaylistSyncJobReadsThatPlaylistInTracks) {
  seed(2, 60);
  enqueue_sync();
  ASSERT_TRUE(new_worker("w").run_one());
  spotify_.set_items("p1", items(70, "new"));
  const auto before = spotify_.calls();

  const Job job = enqueue(sync_playlist_job(owner_, account_, "p1"));
  ASSERT_TRUE(workers_.back()->run_one());

  const core::JobDetails done = details(job.id);
  EXPECT_EQ(done.job.state, JobState::Succeeded);
  EXPECT_EQ(done.job.concurrency_key, "account/1/playlist/p1");
  EXPECT_EQ(done.job.progress.unit, core::ProgressUnit::Tracks);
  EXPECT_EQ(done.job.api.calls, spotify_.calls() - before);
  ASSERT_EQ(done.items.size(), 1u);
  EXPECT_EQ(done.items[0], (core::JobItemResult{"p1", "Playlist p1", ItemOutcome::Done,
                                                std::nullopt, "read 70 tracks"}));
  expect_store_equals_spotify();
}

TEST_F(SyncJobsTest, APlaylistSyncJobOfAnUnknownPlaylistFailsForGood) {
  seed(1, 10);
  enqueue_sync();
  ASSERT_TRUE(new_worker("w").run_one());

  const Job job = enqueue(sync_playlist_job(owner_, account_, "nope"));
  ASSERT_TRUE(workers_.back()->run_one());

  const core::JobDetails failed = details(job.id);
  EXPECT_EQ(failed.job.state, JobState::Failed);
  EXPECT_EQ(failed.job.error->code, ErrorCode::NotFound);
  ASSERT_EQ(failed.items.size(), 1u);
  EXPECT_EQ(failed.items[0].outcome, ItemOutcome::Failed);
}

TEST(ListingCheckpoint, RoundTripsWithinItsAge) {
  const core::TimePoint now{seconds(1'793'491'200)};
  core::PlaylistListing listing;
  listing.pages = 7;
  listing.consistent = false;
  listing.playlists = {core::PlaylistSummary{.id = "37i9",
                                             .name = "Summer \u2600 \"quoted\"",
                                             .description = "a\nb",
                                             .owner_id = "me",
                                             .owner_name = "Me",
                                             .is_public = true,
                                             .collaborative = true,
                                             .snapshot_id = "snap",
                                             .item_count = 10'000,
                                             .image_url = "https://i.scdn.co/image/x"},
                       core::PlaylistSummary{.id = "empty"}};

  const std::string text = encode_listing_checkpoint(listing, now);
  const auto decoded = decode_listing_checkpoint(text, now + kListingMaxAge);

  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->playlists, listing.playlists);
  EXPECT_EQ(decoded->pages, 7);
  EXPECT_FALSE(decoded->consistent);
  EXPECT_EQ(decode_listing_checkpoint(text, now + kListingMaxAge + milliseconds(1)), std::nullopt);
}

TEST(ListingCheckpoint, AnythingElseMeansListAgain) {
  const core::TimePoint now{seconds(1'793'491'200)};
  for (const std::string text :
       {"", "{", "[]", "null", R"({"version":2,"listed_at_ms":0,"pages":1,"consistent":true,
          "playlists":[]})",
        R"({"version":1,"listed_at_ms":1793491200000,"pages":1,"consistent":true,
          "playlists":[{"id":1}]})"}) {
    EXPECT_EQ(decode_listing_checkpoint(text, now), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace plm::app
