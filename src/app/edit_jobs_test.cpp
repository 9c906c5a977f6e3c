#include "app/edit_jobs.hpp"

#include <gtest/gtest.h>

#include <stop_token>
#include <thread>

#include "app/edit_test_items.hpp"
#include "core/edit/edit_test_lists.hpp"
#include "core/sync/sync_service.hpp"
#include "support/fakes.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::app {
namespace {

using core::ErrorCode;

EditJob sample_edit() {
  EditJob edit;
  edit.request.kind = core::EditRequest::Kind::Move;
  edit.request.uris = {"spotify:track:a", ""};
  edit.request.items = {{"spotify:track:b", 3}, {"", 7}};
  edit.request.placement = core::Placement::before_item({"spotify:track:c", 1});
  edit.request.keep = core::DedupeKeep::Last;
  edit.request.sort_by = core::SortKey::Release;
  edit.request.descending = true;
  edit.request.shuffle_seed = 18'446'744'073'709'551'615ULL;  // the largest seed survives JSON
  edit.request.details.name = "Name";
  edit.request.details.is_public = false;
  edit.request.cover_jpeg = std::string("\xFF\xD8\xFF\x00\x01", 5);  // binary, a NUL included
  edit.request.tracks = {core::TrackInfo{.uri = "spotify:track:a",
                                         .name = "A",
                                         .artists = {"X", "Y"},
                                         .album = "Al",
                                         .duration_ms = 123,
                                         .release_date = "1999"}};
  edit.request.allow_replace = true;
  edit.planned_snapshot = "snap-1";
  edit.planned_version = 12;
  edit.cause = core::VersionCause{.kind = core::VersionCauseKind::Restore,
                                  .app_user_id = 4,
                                  .origin = "cli",
                                  .action = "playlist restore",
                                  .why = "oops",
                                  .restored_version = 9};
  return edit;
}

TEST(EditPayload, RoundTripsEveryField) {
  const auto edit = sample_edit();
  const auto decoded = decode_edit_payload(encode_edit_payload(edit));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& request = decoded->request;
  EXPECT_EQ(request.kind, edit.request.kind);
  EXPECT_EQ(request.uris, edit.request.uris);
  EXPECT_EQ(request.items, edit.request.items);
  EXPECT_EQ(request.placement, edit.request.placement);
  EXPECT_EQ(request.keep, edit.request.keep);
  EXPECT_EQ(request.sort_by, edit.request.sort_by);
  EXPECT_EQ(request.descending, edit.request.descending);
  EXPECT_EQ(request.shuffle_seed, edit.request.shuffle_seed);
  EXPECT_EQ(request.details.name, edit.request.details.name);
  EXPECT_EQ(request.details.description, std::nullopt);
  EXPECT_EQ(request.details.is_public, false);
  EXPECT_EQ(request.details.collaborative, std::nullopt);
  EXPECT_EQ(request.cover_jpeg, edit.request.cover_jpeg);
  EXPECT_EQ(request.tracks, edit.request.tracks);
  EXPECT_EQ(request.allow_replace, edit.request.allow_replace);
  EXPECT_EQ(decoded->planned_snapshot, edit.planned_snapshot);
  EXPECT_EQ(decoded->planned_version, edit.planned_version);
  EXPECT_EQ(decoded->cause, edit.cause);

  EditJob plain;
  plain.planned_snapshot = "s";
  const auto decoded_plain = decode_edit_payload(encode_edit_payload(plain));
  ASSERT_TRUE(decoded_plain) << decoded_plain.error().message;
  EXPECT_EQ(decoded_plain->planned_version, std::nullopt);
  EXPECT_EQ(decoded_plain->cause, plain.cause);
  EXPECT_EQ(decoded_plain->request.placement, core::Placement::bottom());
}

TEST(EditPayload, RefusesWhatThisVersionDidNotWrite) {
  for (const std::string payload : {"", "not json", "[]", R"({"version":2})", R"({"version":1})",
                                    R"({"version":1,"request":{"kind":"teleport"}})"}) {
    const auto decoded = decode_edit_payload(payload);
    ASSERT_FALSE(decoded) << payload;
    EXPECT_EQ(decoded.error().code, ErrorCode::InvalidInput) << payload;
  }
  auto edit = sample_edit();
  auto text = encode_edit_payload(edit);
  text.replace(text.find("\"release\""), 9, "\"colour\"");
  EXPECT_FALSE(decode_edit_payload(text));
}

TEST(EditPlaylistJob, RunsOnThePlaylistsKeyWithThePayload) {
  const auto edit = sample_edit();
  const auto job = edit_playlist_job(3, 5, "pl", edit);
  EXPECT_EQ(job.kind, core::JobKind::EditPlaylist);
  EXPECT_EQ(job.owner_user_id, 3);
  EXPECT_EQ(job.account_id, 5);
  EXPECT_EQ(job.playlist_id, "pl");
  EXPECT_EQ(job.concurrency_key, core::concurrency_key_for_playlist(5, "pl"));
  EXPECT_FALSE(job.unique_while_active);
  EXPECT_EQ(job.payload, encode_edit_payload(edit));
}

// No clock is read: each wait below is a day long unless a stop ends it, so a wait_or_stop that
// ignored its stop token would hang the test (until ctest's timeout) instead of passing, and a
// slow machine cannot fail it.
TEST(WaitOrStop, ReturnsWhenStoppedBeforeOrWhileItWaits) {
  std::stop_source stopped;
  stopped.request_stop();
  wait_or_stop(std::chrono::hours(24), stopped.get_token());  // stopped before: returns

  bool returned = false;
  std::jthread waiter([&](std::stop_token stop) {
    wait_or_stop(std::chrono::hours(24), stop);
    returned = true;
  });
  waiter.request_stop();  // before or while it waits, whichever the scheduler makes it
  waiter.join();
  EXPECT_TRUE(returned);

  wait_or_stop(std::chrono::milliseconds(1), {});  // no stop possible: the duration ends it
}

// ---- The handler, over the port's fake ---------------------------------------------------------

using core::ItemOutcome;
using core::Job;
using core::JobState;
using core::edit_testing::track;
using edit_testing::items_of;
using Injected = test_support::FakeSpotifyApi::Injected;
using std::chrono::milliseconds;
using Kind = core::EditRequest::Kind;

/// The fake, with reads of the version that can lag behind (Spotify's stale reads): while `lag`
/// is set, playlist_version answers with the snapshot and count it holds instead.
class LaggingSpotify final : public core::SpotifyApi {
 public:
  explicit LaggingSpotify(core::SpotifyApi& spotify) : spotify_(spotify) {}
  std::optional<core::PlaylistVersion> lag;
  int lagging_reads_left = 0;

  core::Result<core::SpotifyProfile> current_user() override { return spotify_.current_user(); }
  core::Result<core::Page<core::PlaylistSummary>> my_playlists(std::int64_t offset,
                                                               int limit) override {
    return spotify_.my_playlists(offset, limit);
  }
  core::Result<core::Page<core::PlaylistItem>> playlist_items(const std::string& id,
                                                              std::int64_t offset,
                                                              int limit) override {
    return spotify_.playlist_items(id, offset, limit);
  }
  core::Result<core::PlaylistSummary> playlist(const std::string& id) override {
    return spotify_.playlist(id);
  }
  core::Result<core::PlaylistVersion> playlist_version(const std::string& id) override {
    auto version = spotify_.playlist_version(id);  // counted as a call either way
    if (lag && lagging_reads_left > 0) {
      --lagging_reads_left;
      return *lag;
    }
    return version;
  }
  core::CreateOutcome create_playlist(const core::NewPlaylist& playlist) override {
    return spotify_.create_playlist(playlist);
  }
  core::WriteOutcome change_details(const std::string& id,
                                    const core::PlaylistDetailsChange& change) override {
    return spotify_.change_details(id, change);
  }
  core::WriteOutcome upload_cover(const std::string& id, const std::string& jpeg) override {
    return spotify_.upload_cover(id, jpeg);
  }
  core::WriteOutcome add_items(const std::string& id, const std::vector<std::string>& uris,
                               std::optional<std::int64_t> position) override {
    return spotify_.add_items(id, uris, position);
  }
  core::WriteOutcome remove_items(const std::string& id,
                                  const std::vector<std::string>& uris) override {
    return spotify_.remove_items(id, uris);
  }
  core::WriteOutcome reorder_items(const std::string& id, std::int64_t range_start,
                                   std::int64_t insert_before, std::int64_t range_length) override {
    return spotify_.reorder_items(id, range_start, insert_before, range_length);
  }
  core::WriteOutcome replace_items(const std::string& id,
                                   const std::vector<std::string>& uris) override {
    return spotify_.replace_items(id, uris);
  }
  core::WriteOutcome unfollow_playlist(const std::string& id) override {
    return spotify_.unfollow_playlist(id);
  }
  core::Result<core::TrackInfo> track(const std::string& id) override { return spotify_.track(id); }
  core::Result<core::Page<core::TrackInfo>> search_tracks(const std::string& query,
                                                          std::int64_t offset, int limit) override {
    return spotify_.search_tracks(query, offset, limit);
  }
  core::ApiCounters counters() const override { return spotify_.counters(); }

 private:
  core::SpotifyApi& spotify_;
};

constexpr const char* kPlaylist = "Playlist00000000000001";

class EditJobsTest : public ::testing::Test {
 protected:
  EditJobsTest() {
    owner_ = store_.create_user("alice", "hash", core::Role::Editor)->id;
    account_ = *store_.upsert_account(
        core::SpotifyAccount{.app_user_id = owner_, .spotify_user_id = "me", .display_name = "Me"});
    add_edit_handlers(handlers_, deps_);
    seed(core::edit_testing::tracks(1, 10));
  }

  /// The playlist on the fake Spotify, then synced into the store and the journal.
  void seed(const std::vector<std::string>& uris) {
    spotify_.put_playlist(core::PlaylistSummary{.id = kPlaylist, .name = "Mine", .owner_id = "me"},
                          items_of(uris));
    sync();
  }
  void sync() {
    core::SyncService service(spotify_, store_, store_, clock_);
    const auto account = store_.find_account(account_)->value();
    const auto report = service.sync_account(account, core::SyncOptions{});
    ASSERT_TRUE(report && report->failures.empty());
  }
  /// Someone else's edit on Spotify.
  void edit_elsewhere(const std::vector<std::string>& uris) {
    spotify_.set_items(kPlaylist, items_of(uris));
  }

  std::vector<std::string> on_spotify() const {
    return core::uris_of(spotify_.find_playlist(kPlaylist)->items);
  }
  std::string spotify_snapshot() const {
    return spotify_.find_playlist(kPlaylist)->summary.snapshot_id;
  }
  std::vector<std::string> stored() {
    return core::uris_of(*store_.playlist_items(account_, kPlaylist));
  }
  std::string stored_snapshot() {
    return (*store_.find_playlist(account_, kPlaylist))->items_snapshot_id;
  }
  std::vector<core::RecordedVersion> versions() {
    return *store_.list_versions(account_, kPlaylist, core::VersionFilter{});
  }

  EditJob edit(core::EditRequest request) {
    EditJob job;
    job.request = std::move(request);
    job.planned_snapshot = stored_snapshot();
    job.cause = core::VersionCause{.kind = core::VersionCauseKind::Edit,
                                   .app_user_id = owner_,
                                   .origin = "web",
                                   .action = std::string(core::to_string(job.request.kind))};
    return job;
  }

  Job enqueue(const EditJob& job) {
    auto enqueued = queue_.enqueue(edit_playlist_job(owner_, account_, kPlaylist, job));
    EXPECT_TRUE(enqueued.has_value());
    return enqueued->job;
  }
  Worker& worker() {
    if (!worker_) worker_ = std::make_unique<Worker>(queue_, handlers_, clock_, waiter_);
    return *worker_;
  }
  core::JobDetails run(const Job& job) {
    EXPECT_TRUE(worker().run_one());
    return queue_.find_job(job.id)->value();
  }
  static std::string error_of(const core::JobDetails& details) {
    return details.job.error ? details.job.error->message : "";
  }

  /// After a successful edit: the store holds what Spotify holds, with its snapshot, and the
  /// journal's latest version is the edit's.
  void expect_stored_as_on_spotify(const Job& job) {
    EXPECT_EQ(stored(), on_spotify());
    EXPECT_EQ(stored_snapshot(), spotify_snapshot());
    const auto latest = versions().front();
    EXPECT_EQ(latest.snapshot_id, spotify_snapshot());
    EXPECT_EQ(latest.cause.kind, core::VersionCauseKind::Edit);
    EXPECT_EQ(latest.cause.job_id, job.id);
    EXPECT_EQ(latest.cause.app_user_id, owner_);
  }

  test_support::ManualClock clock_;
  test_support::InMemoryStore store_{clock_};
  test_support::FakeSpotifyApi spotify_{"me"};
  LaggingSpotify lagging_{spotify_};
  test_support::InMemoryJobQueue queue_{clock_};
  ConditionWaiter waiter_{clock_};  // never waits: the tests call run_one
  milliseconds waited_{0};
  EditJobDeps deps_{.accounts = store_,
                    .playlists = store_,
                    .journal = store_,
                    .unit_of_work = store_,
                    .clock = clock_,
                    .spotify_for =
                        [this](const core::SpotifyAccount&) {
                          return std::shared_ptr<core::SpotifyApi>(std::shared_ptr<void>(),
                                                                   &lagging_);
                        },
                    .wait =
                        [this](milliseconds duration, std::stop_token) {
                          waited_ += duration;
                          clock_.advance(duration);
                        }};
  JobHandlers handlers_;
  std::unique_ptr<Worker> worker_;
  std::int64_t owner_ = 0;
  std::int64_t account_ = 0;
};

TEST_F(EditJobsTest, AMoveIsOneConfirmationAndOneReorderAndIsStoredAndJournaled) {
  const auto before = on_spotify();
  const auto stored_before = *store_.playlist_items(account_, kPlaylist);
  const auto calls_before = spotify_.calls();
  const Job job = enqueue(edit(core::EditRequest::move({{before[7], 7}}, core::Placement::top())));

  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  auto expected = before;
  std::rotate(expected.begin(), expected.begin() + 7, expected.begin() + 8);
  EXPECT_EQ(on_spotify(), expected);
  EXPECT_EQ(spotify_.calls() - calls_before, 2);  // the confirmation read and the reorder
  EXPECT_EQ(done.job.api.calls, 2);
  EXPECT_EQ(done.job.api.check_reads, 1);
  EXPECT_EQ(done.job.progress.unit, core::ProgressUnit::Calls);
  EXPECT_EQ(done.job.progress.done, 1);
  EXPECT_EQ(done.job.progress.total, 1);
  expect_stored_as_on_spotify(job);
  // Kept items keep what the sync stored: added_at, added_by, catalog data.
  const auto after = *store_.playlist_items(account_, kPlaylist);
  EXPECT_EQ(after[0], stored_before[7]);
  EXPECT_EQ(after[1], stored_before[0]);
  ASSERT_EQ(done.items.size(), 1u);
  EXPECT_EQ(done.items[0].key, kPlaylist);
  EXPECT_EQ(done.items[0].label, "Mine");
  EXPECT_EQ(done.items[0].outcome, ItemOutcome::Done);
  EXPECT_EQ(done.items[0].detail, "1 moved \u00b7 2 calls \u00b7 version 2");
  EXPECT_EQ(versions().front().changes.moved, 1);
}

TEST_F(EditJobsTest, AddedTracksAreStoredWithTheirCatalogDataAndTheJobsTime) {
  auto request =
      core::EditRequest::add({track(100), track(101)}, core::Placement::before_item({track(3), 2}));
  request.tracks = {core::TrackInfo{.uri = track(100), .name = "From the search"}};
  const Job job = enqueue(edit(request));
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  auto expected = core::edit_testing::tracks(1, 10);
  expected.insert(expected.begin() + 2, {track(100), track(101)});
  EXPECT_EQ(on_spotify(), expected);
  expect_stored_as_on_spotify(job);
  const auto items = *store_.playlist_items(account_, kPlaylist);
  EXPECT_EQ(items[2].added_at, clock_.now());
  EXPECT_EQ(items[2].added_by, "me");
  ASSERT_TRUE(items[2].track);
  EXPECT_EQ(items[2].track->name, "From the search");
  ASSERT_TRUE(items[3].track) << "looked up: neither the request nor the playlist had it";
  EXPECT_EQ(items[3].track->uri, track(101));
  EXPECT_EQ(done.job.api.calls, 3);  // confirmation, add, one track lookup
}

TEST_F(EditJobsTest, AMoveIsReplannedAfterAnOutsideInsertAndTheChangeIsJournaled) {
  const auto planned = on_spotify();
  const Job job = enqueue(edit(
      core::EditRequest::move({{planned[8], 8}}, core::Placement::before_item({planned[1], 1}))));
  auto outside = planned;
  outside.insert(outside.begin(), {track(50), track(51)});
  edit_elsewhere(outside);

  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  auto expected = outside;  // track 9 goes before track 2, wherever they are now
  const auto nine = std::find(expected.begin(), expected.end(), planned[8]);
  const auto two = std::find(expected.begin(), expected.end(), planned[1]);
  std::rotate(two, nine, nine + 1);
  EXPECT_EQ(on_spotify(), expected);
  expect_stored_as_on_spotify(job);
  const auto recorded = versions();
  ASSERT_GE(recorded.size(), 3u);
  EXPECT_EQ(recorded[1].cause.kind, core::VersionCauseKind::Sync);
  EXPECT_EQ(recorded[1].cause.why, core::kChangedOutside);
  EXPECT_EQ(recorded[1].changes.added, 2);
}

TEST_F(EditJobsTest, ASetListOnAPlaylistChangedOutsideIsRefusedAndNothingIsWritten) {
  const auto planned = on_spotify();
  auto desired = planned;
  std::reverse(desired.begin(), desired.end());
  const Job job = enqueue(edit(core::EditRequest::set_list(desired)));
  auto outside = planned;
  outside.push_back(track(60));
  edit_elsewhere(outside);
  const auto writes_before = spotify_.writes();

  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Failed);
  EXPECT_EQ(done.job.error->code, core::ErrorCode::Conflict);
  EXPECT_NE(error_of(done).find("1 added, 0 removed"), std::string::npos) << error_of(done);
  EXPECT_EQ(spotify_.writes(), writes_before);
  EXPECT_EQ(on_spotify(), outside);
  ASSERT_EQ(done.items.size(), 1u);
  EXPECT_EQ(done.items[0].outcome, ItemOutcome::Conflict);
  // What plm saw is recorded as such, and stored.
  EXPECT_EQ(versions().front().cause.why, core::kChangedOutside);
  EXPECT_EQ(stored(), outside);
}

TEST_F(EditJobsTest, AnEditPlannedOnASnapshotPlmNoLongerHoldsIsAConflict) {
  auto job_edit = edit(core::EditRequest::move({{track(1), 0}}, core::Placement::bottom()));
  job_edit.planned_snapshot = "a snapshot nobody recorded";
  const auto done = run(enqueue(job_edit));
  ASSERT_EQ(done.job.state, JobState::Failed);
  EXPECT_EQ(done.job.error->code, core::ErrorCode::Conflict);
  EXPECT_NE(error_of(done).find("changed since the preview"), std::string::npos);
}

TEST_F(EditJobsTest, AJournalVersionServesAsThePlannedListWhenTheStoreMovedOn) {
  const auto planned = on_spotify();
  const auto planned_snapshot = stored_snapshot();
  const auto planned_version = versions().front().sequence;
  auto outside = planned;
  outside.push_back(track(70));
  edit_elsewhere(outside);
  sync();  // the store holds the newer list now
  auto job_edit = edit(core::EditRequest::move({{planned[0], 0}}, core::Placement::bottom()));
  job_edit.planned_snapshot = planned_snapshot;
  job_edit.planned_version = planned_version;
  const auto done = run(enqueue(job_edit));
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  auto expected = outside;
  std::rotate(expected.begin(), expected.begin() + 1, expected.end());
  EXPECT_EQ(on_spotify(), expected);
}

TEST_F(EditJobsTest, APlaylistStoredBeforeTheJournalIsRecordedFirstThenEdited) {
  const std::string id = "Playlist00000000000002";
  const auto list = core::edit_testing::tracks(20, 4);
  spotify_.put_playlist(core::PlaylistSummary{.id = id, .name = "Old", .owner_id = "me"},
                        items_of(list));
  auto summary = spotify_.find_playlist(id)->summary;
  ASSERT_TRUE(store_.save_playlist(account_, 1, summary, items_of(list)));  // no journal
  auto job_edit = edit(core::EditRequest::move({{list[3], 3}}, core::Placement::top()));
  job_edit.planned_snapshot = summary.snapshot_id;
  auto enqueued = queue_.enqueue(edit_playlist_job(owner_, account_, id, job_edit));
  ASSERT_TRUE(enqueued);
  const auto done = run(enqueued->job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(core::uris_of(spotify_.find_playlist(id)->items),
            (std::vector<std::string>{list[3], list[0], list[1], list[2]}));
  const auto recorded = *store_.list_versions(account_, id, core::VersionFilter{});
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[1].cause.why, core::kFirstSeen);
  EXPECT_EQ(recorded[0].cause.kind, core::VersionCauseKind::Edit);
  EXPECT_EQ(recorded[0].changes.moved, 1);
}

TEST_F(EditJobsTest, AnAddWhoseAnswerWasLostIsNotSentTwice) {
  spotify_.inject_write(1, Injected::UnknownApplied);
  const Job job = enqueue(edit(core::EditRequest::add({track(80)}, core::Placement::bottom())));
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  auto expected = core::edit_testing::tracks(1, 10);
  expected.push_back(track(80));
  EXPECT_EQ(on_spotify(), expected);
  expect_stored_as_on_spotify(job);
}

TEST_F(EditJobsTest, AnAddNotAppliedIsSentAgainAfterTheSettlingReadsAndTheirWaits) {
  spotify_.inject_write(1, Injected::UnknownNotApplied);
  const Job job = enqueue(edit(core::EditRequest::add({track(81)}, core::Placement::top())));
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(on_spotify().front(), track(81));
  const auto list = on_spotify();
  EXPECT_EQ(std::count(list.begin(), list.end(), track(81)), 1);
  EXPECT_EQ(waited_, kEditSettleReads * kEditSettleWait);
}

TEST_F(EditJobsTest, ALaggingReadOfAnOlderVersionIsWaitedOutNotTakenForAChange) {
  // plm's own earlier edit made version 2; Spotify's reads still show version 1 for a while.
  const auto first_snapshot = spotify_snapshot();
  const auto list = on_spotify();
  ASSERT_EQ(
      run(enqueue(edit(core::EditRequest::move({{list[9], 9}}, core::Placement::top())))).job.state,
      JobState::Succeeded);
  lagging_.lag = core::PlaylistVersion{first_snapshot, 10};
  lagging_.lagging_reads_left = 3;
  const auto now = on_spotify();
  const Job job = enqueue(edit(core::EditRequest::move({{now[0], 0}}, core::Placement::bottom())));
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(on_spotify(), list) << "moved back";
  EXPECT_GE(waited_, 2 * kEditSettleWait);
  for (const auto& version : versions()) {
    EXPECT_NE(version.cause.why, core::kChangedOutside) << "a lagging read is not a change";
  }
  expect_stored_as_on_spotify(job);
}

TEST_F(EditJobsTest, AJobStoppedAfterSomeStepsResumesWhereItWasWithoutDuplicates) {
  // 250 tracks added at the top: three adds of at most 100, each checkpointed.
  const auto added = core::edit_testing::tracks(1000, 250);
  const Job job = enqueue(edit(core::EditRequest::add(added, core::Placement::top())));
  spotify_.on_call([&](std::int64_t) {
    // Asked before the second add is sent: the job stops once it is applied.
    if (spotify_.writes() == 1) worker().request_shutdown();
  });
  auto stopped = run(job);
  ASSERT_EQ(stopped.job.state, JobState::Interrupted) << error_of(stopped);
  EXPECT_EQ(on_spotify().size(), 10u + 200u);
  spotify_.on_call({});

  worker_.reset();  // a new process
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  auto expected = added;
  const auto original = core::edit_testing::tracks(1, 10);
  expected.insert(expected.end(), original.begin(), original.end());
  EXPECT_EQ(on_spotify(), expected);
  expect_stored_as_on_spotify(job);
  EXPECT_EQ(done.job.progress.done, 3);
  EXPECT_EQ(done.job.progress.total, 3);
}

TEST_F(EditJobsTest, AResumedJobWhoseLastWriteWasNeverCheckpointedFindsItsPlace) {
  // Reorders whose answers are lost and whose settling reads fail: the job stops with the write
  // applied but unknown to it, and is retried later.
  const auto list = on_spotify();
  auto desired = list;
  std::reverse(desired.begin(), desired.end());
  const Job job = enqueue(edit(core::EditRequest::set_list(desired)));
  spotify_.inject_write(2, Injected::UnknownApplied);
  spotify_.fail_call(spotify_.calls() + 4,  // the read settling the second write
                     core::make_error(core::ErrorCode::Unavailable, "502"));
  auto failed = run(job);
  ASSERT_EQ(failed.job.state, JobState::Queued) << "retried later: " << error_of(failed);
  clock_.advance(std::chrono::minutes(5));
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(on_spotify(), desired);
  expect_stored_as_on_spotify(job);
  for (const auto& version : versions()) {
    EXPECT_NE(version.cause.why, core::kChangedOutside) << "its own write is not a change";
  }
}

TEST_F(EditJobsTest, ACancelStopsBetweenSteps) {
  const auto added = core::edit_testing::tracks(2000, 250);
  const Job job = enqueue(edit(core::EditRequest::add(added, core::Placement::bottom())));
  spotify_.on_call([&](std::int64_t) {
    if (spotify_.writes() == 1 && !queue_.find_job(job.id)->value().job.cancel_requested) {
      ASSERT_TRUE(queue_.cancel(job.id));
      worker().cancel_requested(job.id);
    }
  });
  const auto done = run(job);
  EXPECT_EQ(done.job.state, JobState::Cancelled) << error_of(done);
  EXPECT_EQ(on_spotify().size(), 10u + 200u) << "the add under way when it was asked ends";
}

TEST_F(EditJobsTest, DetailsAreChangedLastAndTheSnapshotLearnedWithOneRead) {
  core::EditRequest details;
  details.kind = Kind::Details;
  details.details.name = "Renamed";
  details.details.description = "new words";
  const Job job = enqueue(edit(details));
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(spotify_.find_playlist(kPlaylist)->summary.name, "Renamed");
  const auto stored_playlist = (*store_.find_playlist(account_, kPlaylist)).value();
  EXPECT_EQ(stored_playlist.summary.name, "Renamed");
  EXPECT_EQ(stored_playlist.summary.description, "new words");
  EXPECT_EQ(stored_playlist.items_snapshot_id, spotify_snapshot());
  EXPECT_TRUE(versions().front().changes.details_changed);
  EXPECT_EQ(done.job.api.calls, 3);  // confirmation, change, the read that learns the snapshot
}

// An import's edit (core/exchange/import_plan.hpp): the list and the index's details in one job.
TEST_F(EditJobsTest, ASetListWithDetailsWritesTheListThenTheDetails) {
  auto list = on_spotify();
  list.erase(list.begin() + 2);
  std::swap(list[0], list[1]);
  auto request = core::EditRequest::set_list(list);
  request.details.name = "Imported";
  request.details.is_public = true;
  const Job job = enqueue(edit(request));
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(on_spotify(), list);
  EXPECT_EQ(spotify_.find_playlist(kPlaylist)->summary.name, "Imported");
  const auto stored_playlist = (*store_.find_playlist(account_, kPlaylist)).value();
  EXPECT_EQ(stored_playlist.summary.name, "Imported");
  EXPECT_TRUE(stored_playlist.summary.is_public);
  expect_stored_as_on_spotify(job);
  const auto changes = versions().front().changes;
  EXPECT_TRUE(changes.details_changed);
  EXPECT_EQ(changes.removed, 1);
}

TEST_F(EditJobsTest, AnUndoableRequestFailsWithoutRetry) {
  core::EditRequest request;
  request.kind = Kind::Details;  // nothing to change
  const auto done = run(enqueue(edit(request)));
  EXPECT_EQ(done.job.state, JobState::Failed);
  EXPECT_EQ(done.job.error->code, core::ErrorCode::InvalidInput);
}
}  // namespace
}  // namespace plm::app
