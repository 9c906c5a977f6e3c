#include "app/batch_jobs.hpp"

#include <gtest/gtest.h>

#include "app/edit_test_items.hpp"
#include "core/batch/batch_requests.hpp"
#include "core/edit/edit_test_lists.hpp"
#include "core/sync/sync_service.hpp"
#include "support/fakes.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::app {
namespace {

using core::ErrorCode;
using core::ItemOutcome;
using core::Job;
using core::JobState;
using core::edit_testing::track;
using core::edit_testing::tracks;
using edit_testing::items_of;

// ---- The payload -------------------------------------------------------------------------------

BatchJob sample_batch() {
  BatchJob batch;
  batch.summary = "add 1 track at position 3 to 3 playlists";
  batch.operation = core::BatchOperation::Kind::Add;
  batch.undo_of = 41;
  BatchEntry change;
  change.playlist_id = "Playlist00000000000001";
  change.label = "Mine";
  change.edit.request = core::EditRequest::add({track(7)}, core::Placement::top());
  change.edit.request.tracks = {core::TrackInfo{.uri = track(7), .name = "Seven"}};
  change.edit.planned_snapshot = "snap-1";
  change.edit.cause = core::VersionCause{.kind = core::VersionCauseKind::Undo,
                                         .app_user_id = 4,
                                         .origin = "web",
                                         .action = "batch undo",
                                         .restored_version = 12};
  change.undo_version = 12;
  BatchEntry refused;
  refused.playlist_id = "Playlist00000000000002";
  refused.label = "Theirs";
  refused.outcome = ItemOutcome::Skipped;
  refused.reason = "followed, owned by someone else: Spotify refuses changes";
  batch.entries = {change, refused};
  return batch;
}

TEST(BatchPayload, RoundTripsEveryField) {
  const auto batch = sample_batch();
  const auto decoded = decode_batch_payload(encode_batch_payload(batch));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->summary, batch.summary);
  EXPECT_EQ(decoded->operation, batch.operation);
  EXPECT_EQ(decoded->undo_of, batch.undo_of);
  ASSERT_EQ(decoded->entries.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& got = decoded->entries[i];
    const auto& want = batch.entries[i];
    EXPECT_EQ(got.playlist_id, want.playlist_id);
    EXPECT_EQ(got.label, want.label);
    EXPECT_EQ(got.outcome, want.outcome);
    EXPECT_EQ(got.reason, want.reason);
    EXPECT_EQ(got.undo_version, want.undo_version);
    EXPECT_EQ(encode_edit_payload(got.edit), encode_edit_payload(want.edit));
  }

  // Entries that share an edit hold it once.
  auto many = batch;
  many.entries.assign(300, batch.entries[0]);
  for (std::size_t i = 0; i < many.entries.size(); ++i) {
    many.entries[i].edit.planned_snapshot = "snapshot " + std::to_string(i);
  }
  const auto text = encode_batch_payload(many);
  EXPECT_LT(text.size(), 300u * 200u) << "about 150 bytes an entry";
  const auto decoded_many = decode_batch_payload(text);
  ASSERT_TRUE(decoded_many) << decoded_many.error().message;
  ASSERT_EQ(decoded_many->entries.size(), 300u);
  EXPECT_EQ(decoded_many->entries[299].edit.planned_snapshot, "snapshot 299");
  EXPECT_EQ(decoded_many->entries[299].edit.request.tracks, batch.entries[0].edit.request.tracks);

  BatchJob plain;
  const auto decoded_plain = decode_batch_payload(encode_batch_payload(plain));
  ASSERT_TRUE(decoded_plain) << decoded_plain.error().message;
  EXPECT_EQ(decoded_plain->operation, std::nullopt);
  EXPECT_EQ(decoded_plain->undo_of, std::nullopt);
  EXPECT_TRUE(decoded_plain->entries.empty());
}

TEST(BatchPayload, RefusesWhatThisVersionDidNotWrite) {
  for (const std::string payload : {"", "not json", "[]", R"({"version":2})", R"({"version":1})"}) {
    const auto decoded = decode_batch_payload(payload);
    ASSERT_FALSE(decoded) << payload;
    EXPECT_EQ(decoded.error().code, ErrorCode::InvalidInput) << payload;
  }
  auto text = encode_batch_payload(sample_batch());
  text.replace(text.find("\"skipped\""), 9, "\"ignored\"");
  EXPECT_FALSE(decode_batch_payload(text));
}

TEST(BatchEditJob, RunsOnTheAccountsKeyWithMoreAttemptsThanAnEdit) {
  const auto batch = sample_batch();
  const auto job = batch_edit_job(3, 5, batch);
  EXPECT_EQ(job.kind, core::JobKind::BatchEdit);
  EXPECT_EQ(job.owner_user_id, 3);
  EXPECT_EQ(job.account_id, 5);
  EXPECT_EQ(job.playlist_id, "");
  EXPECT_EQ(job.concurrency_key, core::concurrency_key_for_account(5));
  EXPECT_EQ(job.unit, core::ProgressUnit::Playlists);
  EXPECT_FALSE(job.unique_while_active);
  EXPECT_GT(job.max_attempts, core::NewJob{}.max_attempts);
  EXPECT_EQ(job.payload, encode_batch_payload(batch));
}

TEST(BatchJobFrom, TurnsThePlanIntoEntries) {
  core::BatchProposal proposal;
  proposal.summary = "remove 1 track from 3 playlists";
  core::BatchEntryPlan change;
  change.playlist_id = "a";
  change.name = "A";
  change.request = core::EditRequest::remove({}, {track(1)});
  change.planned_snapshot = "sa";
  core::BatchEntryPlan unchanged;
  unchanged.playlist_id = "b";
  unchanged.name = "B";
  unchanged.status = core::BatchEntryPlan::Status::Unchanged;
  unchanged.reason = "does not hold it";
  core::BatchEntryPlan refused;
  refused.playlist_id = "c";
  refused.name = "C";
  refused.status = core::BatchEntryPlan::Status::Refused;
  refused.reason = "followed";
  proposal.plan.entries = {change, unchanged, refused};
  const core::VersionCause cause{.kind = core::VersionCauseKind::Edit,
                                 .app_user_id = 2,
                                 .origin = "cli",
                                 .action = "batch remove"};

  const auto batch = batch_job_from(proposal, cause);
  EXPECT_EQ(batch.summary, proposal.summary);
  EXPECT_EQ(batch.operation, core::BatchOperation::Kind::Remove);
  EXPECT_EQ(batch.undo_of, std::nullopt);
  ASSERT_EQ(batch.entries.size(), 3u);
  EXPECT_EQ(batch.entries[0].outcome, ItemOutcome::Pending);
  EXPECT_EQ(batch.entries[0].label, "A");
  EXPECT_EQ(batch.entries[0].edit.request.uris, change.request.uris);
  EXPECT_EQ(batch.entries[0].edit.planned_snapshot, "sa");
  EXPECT_EQ(batch.entries[0].edit.planned_version, std::nullopt);
  EXPECT_EQ(batch.entries[0].edit.cause, cause);
  EXPECT_EQ(batch.entries[1].outcome, ItemOutcome::Unchanged);
  EXPECT_EQ(batch.entries[1].reason, "does not hold it");
  EXPECT_EQ(batch.entries[2].outcome, ItemOutcome::Skipped);
  EXPECT_EQ(batch.entries[2].reason, "followed");

  core::BatchProposal undo;
  change.undo_version = 7;
  undo.plan.entries = {change};
  const auto undo_batch = batch_job_from(undo, core::VersionCause{.origin = "web"}, 40);
  EXPECT_EQ(undo_batch.undo_of, 40);
  EXPECT_EQ(undo_batch.operation, std::nullopt);
  ASSERT_EQ(undo_batch.entries.size(), 1u);
  EXPECT_EQ(undo_batch.entries[0].undo_version, 7);
  EXPECT_EQ(undo_batch.entries[0].edit.cause.kind, core::VersionCauseKind::Undo);
  EXPECT_EQ(undo_batch.entries[0].edit.cause.restored_version, 7);
  EXPECT_EQ(undo_batch.entries[0].edit.cause.action, "batch undo");
}

// ---- The handler, over the port's fake ---------------------------------------------------------

const std::vector<std::string> kPlaylists = {"Playlist00000000000001", "Playlist00000000000002",
                                             "Playlist00000000000003"};

class BatchJobsTest : public ::testing::Test {
 protected:
  BatchJobsTest() {
    owner_ = store_.create_user("alice", "hash", core::Role::Editor)->id;
    account_ = *store_.upsert_account(
        core::SpotifyAccount{.app_user_id = owner_, .spotify_user_id = "me", .display_name = "Me"});
    add_batch_handlers(handlers_, deps_);
    for (std::size_t i = 0; i < kPlaylists.size(); ++i) {
      spotify_.put_playlist(
          core::PlaylistSummary{
              .id = kPlaylists[i], .name = "List " + std::to_string(i + 1), .owner_id = "me"},
          items_of(original(i)));
    }
    sync();
  }

  static std::vector<std::string> original(std::size_t playlist) {
    return tracks(1 + 10 * playlist, 5);
  }

  void sync() {
    core::SyncService service(spotify_, store_, store_, clock_);
    const auto account = store_.find_account(account_)->value();
    const auto report = service.sync_account(account, core::SyncOptions{});
    ASSERT_TRUE(report && report->failures.empty());
  }

  std::vector<std::string> on_spotify(std::size_t playlist) const {
    return core::uris_of(spotify_.find_playlist(kPlaylists[playlist])->items);
  }
  std::vector<std::string> stored(std::size_t playlist) {
    return core::uris_of(*store_.playlist_items(account_, kPlaylists[playlist]));
  }
  std::string stored_snapshot(std::size_t playlist) {
    return (*store_.find_playlist(account_, kPlaylists[playlist]))->items_snapshot_id;
  }
  std::vector<core::RecordedVersion> versions(std::size_t playlist) {
    return *store_.list_versions(account_, kPlaylists[playlist], core::VersionFilter{});
  }
  /// The journal's versions of `playlist` recorded by job `job_id`.
  std::vector<core::RecordedVersion> versions_by(std::size_t playlist, std::int64_t job_id) {
    std::vector<core::RecordedVersion> found;
    for (const auto& version : versions(playlist)) {
      if (version.cause.job_id == job_id) found.push_back(version);
    }
    return found;
  }

  BatchEntry entry(std::size_t playlist, core::EditRequest request) {
    BatchEntry entry;
    entry.playlist_id = kPlaylists[playlist];
    entry.label = "List " + std::to_string(playlist + 1);
    entry.edit.request = std::move(request);
    entry.edit.planned_snapshot = stored_snapshot(playlist);
    entry.edit.cause = core::VersionCause{.kind = core::VersionCauseKind::Edit,
                                          .app_user_id = owner_,
                                          .origin = "web",
                                          .action = "batch"};
    return entry;
  }
  static core::EditRequest rename(const std::string& name) {
    core::PlaylistDetailsChange details;
    details.name = name;
    return core::EditRequest::change_details(details);
  }

  Job enqueue(BatchJob batch) {
    batch.summary = "a batch";
    auto enqueued = queue_.enqueue(batch_edit_job(owner_, account_, batch));
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
  static const core::JobItemResult& item(const core::JobDetails& details, const std::string& key) {
    for (const auto& item : details.items) {
      if (item.key == key) return item;
    }
    static const core::JobItemResult none{"none", "", ItemOutcome::Failed, std::nullopt, ""};
    ADD_FAILURE() << "no item " << key;
    return none;
  }

  test_support::ManualClock clock_;
  test_support::InMemoryStore store_{clock_};
  test_support::FakeSpotifyApi spotify_{"me"};
  test_support::InMemoryJobQueue queue_{clock_};
  ConditionWaiter waiter_{clock_};  // never waits: the tests call run_one
  EditJobDeps deps_{.accounts = store_,
                    .playlists = store_,
                    .journal = store_,
                    .unit_of_work = store_,
                    .clock = clock_,
                    .spotify_for =
                        [this](const core::SpotifyAccount&) {
                          return std::shared_ptr<core::SpotifyApi>(std::shared_ptr<void>(),
                                                                   &spotify_);
                        },
                    .wait = [this](std::chrono::milliseconds duration,
                                   std::stop_token) { clock_.advance(duration); }};
  JobHandlers handlers_;
  std::unique_ptr<Worker> worker_;
  std::int64_t owner_ = 0;
  std::int64_t account_ = 0;
};

TEST_F(BatchJobsTest, EachPlaylistGetsItsEditStoredAndJournaledUnderTheBatch) {
  BatchJob batch;
  batch.entries = {
      entry(0, core::EditRequest::add({track(100)}, core::Placement::before_item({track(3), 2}))),
      entry(1, core::EditRequest::remove({}, {track(12)})), entry(2, rename("Renamed"))};
  BatchEntry settled = entry(2, {});
  settled.playlist_id = "Playlist00000000000009";  // planned as unchanged: only recorded
  settled.label = "Nine";
  settled.outcome = ItemOutcome::Unchanged;
  settled.reason = "already holds it";
  batch.entries.push_back(settled);
  const auto calls_before = spotify_.calls();
  const Job job = enqueue(batch);

  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(done.job.progress.message, "3 changed, 1 unchanged, 0 conflicts, 0 failed");
  EXPECT_EQ(done.job.progress.unit, core::ProgressUnit::Playlists);
  EXPECT_EQ(done.job.progress.done, 4);
  EXPECT_EQ(done.job.progress.total, 4);

  auto added = original(0);
  added.insert(added.begin() + 2, track(100));
  EXPECT_EQ(on_spotify(0), added);
  EXPECT_EQ(on_spotify(1), (std::vector<std::string>{track(11), track(13), track(14), track(15)}));
  EXPECT_EQ(spotify_.find_playlist(kPlaylists[2])->summary.name, "Renamed");
  for (std::size_t i = 0; i < kPlaylists.size(); ++i) {
    EXPECT_EQ(stored(i), on_spotify(i)) << i;
    EXPECT_EQ(stored_snapshot(i), spotify_.find_playlist(kPlaylists[i])->summary.snapshot_id);
    const auto by_batch = versions_by(i, job.id);
    ASSERT_EQ(by_batch.size(), 1u) << "one version per changed playlist";
    EXPECT_EQ(by_batch[0].sequence, versions(i).front().sequence);
    EXPECT_EQ(by_batch[0].cause.app_user_id, owner_);
    EXPECT_EQ(item(done, kPlaylists[i]).outcome, ItemOutcome::Done);
  }
  EXPECT_EQ((*store_.find_playlist(account_, kPlaylists[2]))->summary.name, "Renamed");
  EXPECT_EQ(item(done, kPlaylists[2]).label, "Renamed");
  EXPECT_EQ(item(done, settled.playlist_id).outcome, ItemOutcome::Unchanged);
  EXPECT_EQ(item(done, settled.playlist_id).detail, "already holds it");
  // The calls of every entry add up to the job's.
  EXPECT_EQ(done.job.api.calls, spotify_.calls() - calls_before);
  EXPECT_EQ(done.job.api.check_reads, 3);  // one confirmation before each playlist's writes
}

TEST_F(BatchJobsTest, AnEditWithNothingLeftToSendIsUnchanged) {
  BatchJob batch;
  batch.entries = {entry(0, core::EditRequest::remove({}, {track(99)}))};
  const auto writes_before = spotify_.writes();
  const auto done = run(enqueue(batch));
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(spotify_.writes(), writes_before);
  EXPECT_EQ(item(done, kPlaylists[0]).outcome, ItemOutcome::Unchanged);
  EXPECT_EQ(done.job.progress.message, "0 changed, 1 unchanged, 0 conflicts, 0 failed");
}

TEST_F(BatchJobsTest, APlaylistChangedOutsideBeyondItsIntentIsAConflictAndTheOthersAreDone) {
  auto reversed = original(1);
  std::reverse(reversed.begin(), reversed.end());
  BatchJob batch;
  batch.entries = {entry(0, core::EditRequest::add({track(100)}, core::Placement::top())),
                   entry(1, core::EditRequest::set_list(reversed)),
                   entry(2, core::EditRequest::add({track(100)}, core::Placement::bottom()))};
  auto outside = original(1);
  outside.push_back(track(60));
  spotify_.set_items(kPlaylists[1], items_of(outside));

  const auto done = run(enqueue(batch));
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(done.job.progress.message, "2 changed, 0 unchanged, 1 conflict, 0 failed");
  EXPECT_EQ(item(done, kPlaylists[0]).outcome, ItemOutcome::Done);
  const auto& conflict = item(done, kPlaylists[1]);
  EXPECT_EQ(conflict.outcome, ItemOutcome::Conflict);
  ASSERT_TRUE(conflict.error);
  EXPECT_EQ(conflict.error->code, ErrorCode::Conflict);
  EXPECT_EQ(on_spotify(1), outside) << "nothing overwritten";
  EXPECT_EQ(item(done, kPlaylists[2]).outcome, ItemOutcome::Done);
  EXPECT_EQ(on_spotify(2).back(), track(100));
}

TEST_F(BatchJobsTest, AResumedBatchSendsNothingTwice) {
  // The second playlist gets 250 tracks: three adds of at most 100, each checkpointed.
  const auto added = tracks(1000, 250);
  BatchJob batch;
  batch.entries = {entry(0, core::EditRequest::add({track(100)}, core::Placement::top())),
                   entry(1, core::EditRequest::add(added, core::Placement::bottom())),
                   entry(2, rename("Renamed"))};
  const Job job = enqueue(batch);
  const auto writes_before = spotify_.writes();
  spotify_.on_call([&](std::int64_t) {
    // Asked once the second playlist's first add is applied: it stops after its next write.
    if (spotify_.writes() == writes_before + 2) worker().request_shutdown();
  });
  const auto stopped = run(job);
  ASSERT_EQ(stopped.job.state, JobState::Interrupted) << error_of(stopped);
  EXPECT_EQ(on_spotify(1).size(), 5u + 200u);
  EXPECT_EQ(item(stopped, kPlaylists[0]).outcome, ItemOutcome::Done);
  EXPECT_EQ(item(stopped, kPlaylists[1]).outcome, ItemOutcome::Pending);
  EXPECT_EQ(item(stopped, kPlaylists[2]).outcome, ItemOutcome::Pending);
  EXPECT_EQ(stopped.job.progress.done, 1);
  spotify_.on_call({});

  worker_.reset();  // a new process
  const auto calls_before_resume = spotify_.calls();
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(spotify_.writes() - writes_before, 1 + 3 + 1) << "every write sent once";
  auto expected = original(1);
  expected.insert(expected.end(), added.begin(), added.end());
  EXPECT_EQ(on_spotify(1), expected);
  EXPECT_EQ(on_spotify(0).front(), track(100));
  EXPECT_EQ(spotify_.find_playlist(kPlaylists[2])->summary.name, "Renamed");
  for (std::size_t i = 0; i < kPlaylists.size(); ++i) {
    EXPECT_EQ(item(done, kPlaylists[i]).outcome, ItemOutcome::Done) << i;
    EXPECT_EQ(versions_by(i, job.id).size(), 1u) << i;
    EXPECT_EQ(stored(i), on_spotify(i)) << i;
  }
  // The job's calls over both attempts: the first attempt's plus the resumed one's.
  EXPECT_EQ(done.job.api.calls - stopped.job.api.calls, spotify_.calls() - calls_before_resume);
}

TEST_F(BatchJobsTest, ARateLimitFailsTheAttemptAndTheRetryGoesOnWhereItStopped) {
  BatchJob batch;
  batch.entries = {entry(0, core::EditRequest::add({track(100)}, core::Placement::top())),
                   entry(1, core::EditRequest::add({track(101)}, core::Placement::top())),
                   entry(2, rename("Renamed"))};
  const Job job = enqueue(batch);
  const auto writes_before = spotify_.writes();
  // The second playlist's confirmation read (after the first's read, add and track lookup): a 429
  // past the client's own waits.
  spotify_.fail_call(spotify_.calls() + 4, core::make_error(ErrorCode::RateLimited, "429"));
  const auto failed = run(job);
  ASSERT_EQ(failed.job.state, JobState::Queued) << "retried later: " << error_of(failed);
  EXPECT_EQ(item(failed, kPlaylists[0]).outcome, ItemOutcome::Done);
  EXPECT_EQ(item(failed, kPlaylists[1]).outcome, ItemOutcome::Pending);
  EXPECT_EQ(item(failed, kPlaylists[2]).outcome, ItemOutcome::Pending);

  clock_.advance(std::chrono::minutes(5));
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(spotify_.writes() - writes_before, 3);
  EXPECT_EQ(on_spotify(0).front(), track(100));
  EXPECT_EQ(on_spotify(1).front(), track(101));
  EXPECT_EQ(done.job.progress.message, "3 changed, 0 unchanged, 0 conflicts, 0 failed");
}

TEST_F(BatchJobsTest, AnAccountThatMustBeConnectedAgainFailsTheBatchNotThePlaylist) {
  BatchJob batch;
  batch.entries = {entry(0, rename("One")), entry(1, rename("Two"))};
  const Job job = enqueue(batch);
  // The second playlist's confirmation read (after the first's read, change and snapshot read).
  spotify_.fail_call(spotify_.calls() + 4,
                     core::make_error(ErrorCode::NeedsReauth, "the refresh token was revoked"));
  const auto failed = run(job);
  ASSERT_EQ(failed.job.state, JobState::Failed);
  EXPECT_EQ(failed.job.error->code, ErrorCode::NeedsReauth);
  EXPECT_EQ(item(failed, kPlaylists[0]).outcome, ItemOutcome::Done);
  EXPECT_EQ(item(failed, kPlaylists[1]).outcome, ItemOutcome::Pending)
      << "never changed: not a failure of that playlist";
}

TEST_F(BatchJobsTest, ACancelLeavesTheRestPending) {
  BatchJob batch;
  batch.entries = {entry(0, core::EditRequest::add(tracks(2000, 250), core::Placement::bottom())),
                   entry(1, rename("One")), entry(2, rename("Two"))};
  const Job job = enqueue(batch);
  const auto writes_before = spotify_.writes();
  spotify_.on_call([&](std::int64_t) {
    if (spotify_.writes() == writes_before + 1 &&
        !queue_.find_job(job.id)->value().job.cancel_requested) {
      ASSERT_TRUE(queue_.cancel(job.id));
      worker().cancel_requested(job.id);
    }
  });
  const auto done = run(job);
  EXPECT_EQ(done.job.state, JobState::Cancelled) << error_of(done);
  EXPECT_EQ(spotify_.writes() - writes_before, 2) << "the add under way when it was asked ends";
  for (std::size_t i = 0; i < kPlaylists.size(); ++i) {
    EXPECT_EQ(item(done, kPlaylists[i]).outcome, ItemOutcome::Pending) << i;
  }
  EXPECT_EQ(spotify_.find_playlist(kPlaylists[1])->summary.name, "List 2");
}

TEST_F(BatchJobsTest, AnUndoBatchRestoresAndRefusesAPlaylistChangedSince) {
  BatchJob batch;
  batch.entries = {entry(0, core::EditRequest::add({track(100)}, core::Placement::top())),
                   entry(1, core::EditRequest::remove({}, {track(12)})),
                   entry(2, rename("Renamed"))};
  const Job first = enqueue(batch);
  ASSERT_EQ(run(first).job.state, JobState::Succeeded);
  // The second playlist changes on Spotify after the batch, and the sync records it.
  auto later = on_spotify(1);
  later.push_back(track(70));
  spotify_.set_items(kPlaylists[1], items_of(later));
  sync();

  BatchJob undo;
  undo.undo_of = first.id;
  for (std::size_t i = 0; i < kPlaylists.size(); ++i) {
    BatchEntry undo_entry;
    undo_entry.playlist_id = kPlaylists[i];
    undo_entry.label = "List " + std::to_string(i + 1);
    undo_entry.undo_version = versions_by(i, first.id).front().sequence;
    undo_entry.edit.cause = core::VersionCause{.kind = core::VersionCauseKind::Undo,
                                               .app_user_id = owner_,
                                               .origin = "web",
                                               .action = "batch undo",
                                               .restored_version = undo_entry.undo_version};
    undo.entries.push_back(undo_entry);
  }
  const Job job = enqueue(undo);
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(done.job.progress.message, "2 changed, 0 unchanged, 1 conflict, 0 failed");
  EXPECT_EQ(on_spotify(0), original(0));
  EXPECT_EQ(spotify_.find_playlist(kPlaylists[2])->summary.name, "List 3");
  EXPECT_EQ(on_spotify(1), later) << "changed since the batch: never overwritten";
  const auto& conflict = item(done, kPlaylists[1]);
  EXPECT_EQ(conflict.outcome, ItemOutcome::Conflict);
  ASSERT_TRUE(conflict.error);
  EXPECT_NE(conflict.error->message.find("changed since the batch"), std::string::npos)
      << conflict.error->message;
  for (const std::size_t i : {0u, 2u}) {
    const auto undone = versions_by(i, job.id);
    ASSERT_EQ(undone.size(), 1u) << i;
    EXPECT_EQ(undone[0].cause.kind, core::VersionCauseKind::Undo);
    EXPECT_EQ(stored(i), on_spotify(i));
  }
}

TEST_F(BatchJobsTest, APlannedBatchRunsAsPreviewedAndItsPlannedUndoRestoresIt) {
  core::BatchRequest request;
  request.parts.push_back(
      core::BatchPart{.selection = core::BatchSelection{.playlist_ids = kPlaylists},
                      .operation = core::BatchOperation{.kind = core::BatchOperation::Kind::Add,
                                                        .uris = {track(12)},
                                                        .at = core::BatchOperation::At::Position,
                                                        .position = 1}});
  request.cause = core::VersionCause{.kind = core::VersionCauseKind::Edit,
                                     .app_user_id = owner_,
                                     .origin = "web",
                                     .action = "batch add"};
  const auto account = store_.find_account(account_)->value();
  const core::BatchPlanOptions options{.today = clock_.now()};
  const auto proposal = core::propose_batch(store_, account, request, options);
  ASSERT_TRUE(proposal) << proposal.error().message;
  auto batch = batch_job_from(*proposal, request.cause);
  EXPECT_EQ(batch.operation, core::BatchOperation::Kind::Add);
  const Job job = queue_.enqueue(batch_edit_job(owner_, account_, batch))->job;
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  // The second playlist holds track 12 already: unchanged when planned.
  EXPECT_EQ(done.job.progress.message, "2 changed, 1 unchanged, 0 conflicts, 0 failed");
  for (const std::size_t i : {0u, 2u}) {
    auto expected = original(i);
    expected.insert(expected.begin() + 1, track(12));
    EXPECT_EQ(on_spotify(i), expected) << i;
    EXPECT_EQ(versions_by(i, job.id).front().cause.action, "batch add");
    EXPECT_EQ(on_spotify(i), proposal->plan.entries[i].proposal.desired) << "as previewed";
  }
  EXPECT_EQ(on_spotify(1), original(1));
  // The estimate, plus one catalog lookup of the added track for the whole batch (not one per
  // playlist: the third playlist's edit gets what the first one looked up).
  EXPECT_EQ(done.job.api.calls, proposal->plan.calls + 1);

  const auto undo = core::plan_batch_undo(store_, store_, account, done, {}, options);
  ASSERT_TRUE(undo) << undo.error().message;
  const Job undo_job =
      queue_
          .enqueue(batch_edit_job(
              owner_, account_,
              batch_job_from(*undo, core::VersionCause{.app_user_id = owner_, .origin = "web"},
                             job.id)))
          ->job;
  const auto undone = run(undo_job);
  ASSERT_EQ(undone.job.state, JobState::Succeeded) << error_of(undone);
  EXPECT_EQ(undone.job.progress.message, "2 changed, 0 unchanged, 0 conflicts, 0 failed");
  for (std::size_t i = 0; i < kPlaylists.size(); ++i) {
    EXPECT_EQ(on_spotify(i), original(i)) << i;
    EXPECT_EQ(stored(i), original(i)) << i;
  }
  EXPECT_EQ(versions_by(0, undo_job.id).front().cause.kind, core::VersionCauseKind::Undo);
}

}  // namespace
}  // namespace plm::app
