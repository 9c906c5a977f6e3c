// The sync with several playlists read at once (SyncOptions::in_flight): how many calls overlap,
// what is saved and in which order, and how failures, stops and 429s end it. The fake Spotify
// below is shared by the reading threads; its gates make the overlap deterministic (no sleeps).

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/sync/in_flight.hpp"
#include "core/sync/sync_service.hpp"
#include "support/fakes.hpp"
#include "support/gated_spotify.hpp"

namespace plm::core {
namespace {

using test_support::FakeSpotifyApi;
using test_support::GatedSpotify;
using test_support::InMemoryStore;
using test_support::ManualClock;

std::vector<PlaylistItem> numbered_items(int count) {
  std::vector<PlaylistItem> result;
  for (int i = 0; i < count; ++i) {
    result.push_back(PlaylistItem{"spotify:track:t" + std::to_string(i),
                                  parse_utc("2026-01-01T00:00:00Z"), "me", false, false,
                                  std::nullopt});
  }
  return result;
}

class SyncInFlightTest : public ::testing::Test {
 protected:
  SyncInFlightTest()
      : fake_("me"),
        spotify_(fake_, GatedSpotify::Calls::OneAtATime),
        service_(spotify_, store_, store_, clock_) {
    account_.spotify_user_id = "me";
    account_.app_user_id = store_.create_user("alice", "hash", Role::Editor)->id;
    account_.id = *store_.upsert_account(account_);
  }

  /// Owned playlists p0, p1, ... with these item counts.
  void seed(const std::vector<int>& sizes) {
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const std::string id = "p" + std::to_string(i);
      fake_.put_playlist(PlaylistSummary{.id = id, .name = "Playlist " + id, .owner_id = "me"},
                         numbered_items(sizes[i]));
    }
  }

  bool synced() { return (*store_.find_account(account_.id))->last_synced_at.has_value(); }

  std::size_t stored_items(const std::string& id) {
    const auto found = store_.find_playlist(account_.id, id);
    if (!found || !*found || (*found)->items_snapshot_id.empty()) return 0;
    return store_.playlist_items(account_.id, id)->size();
  }

  FakeSpotifyApi fake_;
  GatedSpotify spotify_;
  InMemoryStore store_;
  ManualClock clock_;
  SyncService service_;
  SpotifyAccount account_;
};

TEST_F(SyncInFlightTest, KeepsNReadsInFlightWithTheLowerBoundOfCallsAndEverythingElseOnTheCaller) {
  seed(std::vector<int>(12, 120));  // 12 playlists of 3 pages
  spotify_.gather(4);
  const auto caller = std::this_thread::get_id();
  std::set<std::thread::id> callback_threads;

  const auto report = service_.sync_account(
      account_,
      SyncOptions{
          .progress =
              [&](const SyncProgress&) { callback_threads.insert(std::this_thread::get_id()); },
          .on_playlist =
              [&](const PlaylistOutcome&) { callback_threads.insert(std::this_thread::get_id()); },
          .in_flight = 4});

  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(spotify_.max_in_flight(), 4);
  EXPECT_EQ(report->planned_calls, 1 + 12 * 3);
  EXPECT_EQ(spotify_.calls(), report->planned_calls);
  EXPECT_EQ(report->counters.calls, report->planned_calls);
  EXPECT_EQ(report->read, 12);
  EXPECT_FALSE(report->stopped_by.has_value());
  for (int i = 0; i < 12; ++i) EXPECT_EQ(stored_items("p" + std::to_string(i)), 120u);
  // Each playlist's pages in order, once each.
  for (const auto& [id, offsets] : spotify_.offsets())
    EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 50, 100})) << id;
  // Saves, the journal, progress and outcomes on the calling thread only (the store is not
  // thread-safe: a save from a reading thread would race).
  EXPECT_EQ(callback_threads, std::set<std::thread::id>{caller});
  EXPECT_EQ(synced(), true);
}

TEST_F(SyncInFlightTest, NeverMoreThanSixteenInFlight) {
  seed(std::vector<int>(20, 10));
  spotify_.gather(16);

  const auto report = service_.sync_account(account_, SyncOptions{.in_flight = 100});

  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(spotify_.max_in_flight(), kMaxSyncInFlight);
  EXPECT_EQ(report->read, 20);
}

TEST_F(SyncInFlightTest, PlaylistsAreSavedAsTheirReadsEndWhileALongOneIsStillRead) {
  seed({120, 10, 10, 10});  // p0 takes 3 pages, held until the three others are saved
  spotify_.hold("p0");
  std::vector<std::string> saved;

  const auto report =
      service_.sync_account(account_, SyncOptions{.on_playlist =
                                                      [&](const PlaylistOutcome& outcome) {
                                                        saved.push_back(outcome.playlist_id);
                                                        // p0's reads are held: the others were
                                                        // saved before it.
                                                        if (saved.size() == 3)
                                                          spotify_.release("p0");
                                                      },
                                                  .in_flight = 4});

  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(saved.size(), 4u);
  EXPECT_EQ(saved.back(), "p0");
  EXPECT_EQ(std::set<std::string>(saved.begin(), saved.end() - 1),
            (std::set<std::string>{"p1", "p2", "p3"}));
  EXPECT_EQ(spotify_.offsets().at("p0"), (std::vector<std::int64_t>{0, 50, 100}));
  EXPECT_EQ(stored_items("p0"), 120u);
  // Saved at their places in the list, whatever the order of the saves.
  const auto stored = *store_.playlists_of(account_.id);
  ASSERT_EQ(stored.size(), 4u);
  for (std::size_t i = 0; i < stored.size(); ++i)
    EXPECT_EQ(stored[i].summary.id, "p" + std::to_string(i));
}

TEST_F(SyncInFlightTest, AFailureOnOnePlaylistWhileOthersAreInFlightIsReportedAndTheRestSaved) {
  seed(std::vector<int>(8, 60));
  spotify_.gather(4);  // p0-p3 in flight together when p2's first page fails
  spotify_.fail_items("p2", make_error(ErrorCode::Unavailable, "502 bad gateway after 3 tries"));

  const auto report = service_.sync_account(account_, SyncOptions{.in_flight = 4});

  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->failures.size(), 1u);
  EXPECT_EQ(report->failures[0].playlist_id, "p2");
  EXPECT_FALSE(report->stopped_by.has_value());
  EXPECT_EQ(report->read, 7);
  EXPECT_EQ(stored_items("p2"), 0u);
  for (const char* id : {"p0", "p1", "p3", "p4", "p7"}) EXPECT_EQ(stored_items(id), 60u) << id;
  EXPECT_EQ(spotify_.calls(), 1 + 7 * 2 + 1);  // p2 failed on its first page: no second
}

TEST_F(SyncInFlightTest, AStopWhileFourAreInFlightSavesTheWholeReadsOnlyAndResumesWithinTheBound) {
  seed({10, 120, 120, 120, 120, 120});  // p0 reads in one call; p1-p5 in three
  std::stop_source stop;
  spotify_.gather(4, [&] { stop.request_stop(); });  // asked while p0-p3's first pages are sent
  std::optional<PlaylistListing> listing;

  const auto report = service_.sync_account(
      account_, SyncOptions{.stop = stop.get_token(),
                            .on_listed = [&](const PlaylistListing& l) { listing = l; },
                            .in_flight = 4});

  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->stopped_by.has_value());
  EXPECT_EQ(report->stopped_by->code, ErrorCode::Unavailable);
  EXPECT_TRUE(report->failures.empty());
  EXPECT_EQ(spotify_.calls(), 1 + 4);  // nothing after the stop
  EXPECT_EQ(report->read, 1);          // p0 ended whole; p1-p3 were cut short
  EXPECT_EQ(stored_items("p0"), 10u);
  for (const char* id : {"p1", "p2", "p3", "p4"}) EXPECT_EQ(stored_items(id), 0u) << id;
  EXPECT_EQ(synced(), false);

  const auto resumed =
      service_.sync_account(account_, SyncOptions{.listing = listing, .in_flight = 4});

  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_FALSE(resumed->stopped_by.has_value());
  EXPECT_EQ(resumed->read, 5);
  // The lower bound (1 + 1 + 5 x 3) plus the three first pages cut short.
  EXPECT_EQ(spotify_.calls(), 1 + 1 + 5 * 3 + 3);
  for (int i = 1; i < 6; ++i) EXPECT_EQ(stored_items("p" + std::to_string(i)), 120u);
}

TEST_F(SyncInFlightTest, ARateLimitOnOnePlaylistStopsTheSyncWithTheOthersInFlight) {
  seed(std::vector<int>(12, 120));
  Error limited = make_error(ErrorCode::RateLimited, "spotify asked to wait 3600 s");
  limited.retry_at = clock_.now() + std::chrono::hours(1);
  // p1 is refused while the others wait; once the sync sees it, every read is refused as the
  // client ID's pause does, and the waiting reads go on.
  for (int i = 0; i < 12; ++i)
    if (i != 1) spotify_.hold("p" + std::to_string(i));
  spotify_.fail_items("p1", limited);
  std::vector<PlaylistOutcome> outcomes;

  const auto report = service_.sync_account(
      account_, SyncOptions{.on_playlist =
                                [&](const PlaylistOutcome& outcome) {
                                  outcomes.push_back(outcome);
                                  for (int i = 0; i < 12; ++i) {
                                    spotify_.fail_items("p" + std::to_string(i), limited);
                                    spotify_.release("p" + std::to_string(i));
                                  }
                                },
                            .in_flight = 4});

  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->stopped_by.has_value());
  EXPECT_EQ(report->stopped_by->code, ErrorCode::RateLimited);
  // Only p1 failed; the reads in flight with it were cut short by the stop: not reported, not
  // saved, read again by the next run.
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].playlist_id, "p1");
  EXPECT_EQ(outcomes[0].kind, PlaylistOutcome::Kind::Failed);
  ASSERT_EQ(report->failures.size(), 1u);
  EXPECT_EQ(report->read, 0);
  for (const auto& [id, offsets] : spotify_.offsets()) EXPECT_EQ(offsets.size(), 1u) << id;
  EXPECT_FALSE(synced());

  spotify_.clear_failures();
  const auto before = spotify_.calls();
  const auto again = service_.sync_account(account_, SyncOptions{.in_flight = 4});

  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->read, 12);
  EXPECT_EQ(spotify_.calls() - before, again->planned_calls);
  for (int i = 0; i < 12; ++i) EXPECT_EQ(stored_items("p" + std::to_string(i)), 120u);
}

TEST_F(SyncInFlightTest, ADatabaseFailureEndsTheSyncAfterTheReadsInFlightEnd) {
  seed(std::vector<int>(8, 10));
  spotify_.gather(4);
  store_.reject_save("p2", make_error(ErrorCode::Internal, "disk I/O error"));

  const auto report = service_.sync_account(account_, SyncOptions{.in_flight = 4});

  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::Internal);
  EXPECT_EQ(synced(), false);
}

TEST(RunInFlight, AnExceptionInATaskStopsTheOthersAndIsThrownOnTheCaller) {
  std::mutex mutex;
  std::condition_variable_any changed;
  int started = 0;
  std::vector<std::pair<std::size_t, int>> done;
  const InFlightTasks<int> tasks{
      .count = 10,
      .in_flight = 3,
      .run =
          [&](std::size_t index, std::stop_token stop, const TaskProgress&) {
            std::unique_lock lock(mutex);
            ++started;
            changed.notify_all();
            changed.wait(lock, [&] { return started >= 3; });
            if (index == 1) throw std::runtime_error("a wait interrupted at shutdown");
            // The others wait for the stop the throw brings.
            changed.wait(lock, stop, [] { return false; });
            return -1;
          },
      .on_done =
          [&](std::size_t index, int out) {
            done.emplace_back(index, out);
            return true;
          }};

  EXPECT_THROW(run_in_flight(tasks), std::runtime_error);
  EXPECT_EQ(started, 3);  // tasks 0-2; none started after the throw
  std::sort(done.begin(), done.end());
  EXPECT_EQ(done, (std::vector<std::pair<std::size_t, int>>{{0, -1}, {2, -1}}));
}

TEST(RunInFlight, WithOneInFlightIsAPlainLoopOnTheCaller) {
  const auto caller = std::this_thread::get_id();
  std::vector<std::size_t> order;
  std::stop_source stop;
  const auto started = run_in_flight(
      InFlightTasks<std::size_t>{.count = 5,
                                 .in_flight = 1,
                                 .stop = stop.get_token(),
                                 .run =
                                     [&](std::size_t index, std::stop_token, const TaskProgress&) {
                                       EXPECT_EQ(std::this_thread::get_id(), caller);
                                       return index;
                                     },
                                 .on_done =
                                     [&](std::size_t, std::size_t index) {
                                       order.push_back(index);
                                       if (index == 2) stop.request_stop();
                                       return true;
                                     }});

  EXPECT_EQ(started, 3u);
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2}));
}

}  // namespace
}  // namespace plm::core
