// The edit_playlist job (app/edit_jobs.hpp) through the real client against the emulator over
// real HTTP: under stale reads and writes applied behind a 502 it ends with exactly the desired
// list on the EMULATOR (its admin dump, not plm's copy), and the store and the journal follow; an
// outside edit between the preview and the job is re-planned for a move and refused for a set
// list (the emulator left as the outside edit made it); a job stopped mid-way by a failure is
// resumed and ends right with no track added twice. The worker runs on the calling thread and
// every wait moves the emulator's clock: nothing sleeps.

#include <gtest/gtest.h>

#include <random>

#include "core/edit/edit_test_lists.hpp"
#include "emulator_jobs_fixture.hpp"

namespace plm::spotify::testing {
namespace {

using app::EditJob;
using core::JobState;
using Kind = core::EditRequest::Kind;

class EditJobOnEmulator : public JobsOnEmulator {
 protected:
  void SetUp() override {
    connect("alice");
    app::add_edit_handlers(handlers_, deps_);
    start_worker();
  }

  void configure(const Json& settings) {
    ASSERT_EQ(admin("POST", "/__emulator/config", settings).status, 200);
  }
  void add_faults(const Json& rules) {
    ASSERT_EQ(admin("POST", "/__emulator/faults", Json{{"rules", rules}}).status, 201);
  }

  std::vector<std::string> stored(const std::string& id) {
    return core::uris_of(*store_.playlist_items(account_.id, id));
  }
  std::string stored_snapshot(const std::string& id) {
    return (*store_.find_playlist(account_.id, id))->items_snapshot_id;
  }
  std::string true_snapshot(const std::string& id) {
    return dump_playlist("alice", id).value("snapshot_id", "");
  }
  core::RecordedVersion latest_version(const std::string& id) {
    return store_.list_versions(account_.id, id, core::VersionFilter{})->front();
  }

  EditJob edit(const std::string& id, core::EditRequest request) {
    EditJob job;
    job.request = std::move(request);
    job.planned_snapshot = stored_snapshot(id);
    job.cause = core::VersionCause{.kind = core::VersionCauseKind::Edit,
                                   .app_user_id = account_.app_user_id,
                                   .origin = "cli",
                                   .action = "playlist edit"};
    return job;
  }
  core::Job enqueue(const std::string& id, const EditJob& job) {
    auto enqueued =
        queue_.enqueue(app::edit_playlist_job(account_.app_user_id, account_.id, id, job));
    EXPECT_TRUE(enqueued);
    return enqueued->job;
  }
  core::JobDetails run(const core::Job& job) {
    EXPECT_TRUE(worker_->run_one());
    return queue_.find_job(job.id)->value();
  }
  static std::string error_of(const core::JobDetails& details) {
    return details.job.error ? details.job.error->message : "";
  }

  /// The emulator holds `desired`, and so does the store, under the emulator's snapshot; the
  /// journal's latest version is this job's.
  void expect_done(const std::string& id, const core::Job& job,
                   const std::vector<std::string>& desired) {
    EXPECT_EQ(entry_uris("alice", id), desired);
    EXPECT_EQ(stored(id), desired);
    EXPECT_EQ(stored_snapshot(id), true_snapshot(id));
    const auto latest = latest_version(id);
    EXPECT_EQ(latest.snapshot_id, true_snapshot(id));
    EXPECT_EQ(latest.cause.job_id, job.id);
    EXPECT_EQ(latest.cause.kind, core::VersionCauseKind::Edit);
  }
};

TEST_F(EditJobOnEmulator, EndsExactlyAsDesiredUnderStaleReadsAndWritesAppliedBehind502s) {
  configure(Json{{"stale_read_ms", 2000}});
  add_faults(
      Json::array({Json{{"kind", "apply_then_502"}, {"method", "POST"}, {"count", 1}},
                   Json{{"kind", "apply_then_502"}, {"method", "PUT"}, {"nth", 2}, {"count", 1}},
                   Json{{"kind", "apply_then_502"}, {"method", "DELETE"}, {"count", 1}}}));
  std::size_t next_track = 3000;
  const core::edit_testing::FreshUri fresh = [&] { return track_uri(next_track++); };
  std::mt19937_64 random(7);
  const auto desired = core::edit_testing::random_desired(
      stored(SeedIds::kAliceBig), {.range_moves = 4, .inserts = 3, .removals = 6}, random, fresh);

  const auto job =
      enqueue(SeedIds::kAliceBig, edit(SeedIds::kAliceBig, core::EditRequest::set_list(desired)));
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  expect_done(SeedIds::kAliceBig, job, desired);
  EXPECT_EQ(stat("faults"), 3);

  // At once, before the reads have caught up with the last writes: the next edit's confirmation
  // reads show versions of the edit before (one of its steps, which nobody recorded), which the
  // job waits out instead of taking them for a change made outside plm.
  auto again = desired;
  std::rotate(again.begin(), again.begin() + 1, again.end());
  const auto second =
      enqueue(SeedIds::kAliceBig,
              edit(SeedIds::kAliceBig,
                   core::EditRequest::move({{desired[0], 0}}, core::Placement::bottom())));
  const auto second_done = run(second);
  ASSERT_EQ(second_done.job.state, JobState::Succeeded) << error_of(second_done);
  expect_done(SeedIds::kAliceBig, second, again);
  const auto versions =
      *store_.list_versions(account_.id, SeedIds::kAliceBig, core::VersionFilter{});
  for (const auto& version : versions) {
    EXPECT_NE(version.cause.why, core::kChangedOutside) << "version " << version.sequence;
  }
}

TEST_F(EditJobOnEmulator, AMoveIsReplannedAfterAnOutsideEdit) {
  const auto planned = stored(SeedIds::kAliceBig);
  const auto job =
      enqueue(SeedIds::kAliceBig,
              edit(SeedIds::kAliceBig,
                   core::EditRequest::move({{planned[100], 100}, {planned[101], 101}},
                                           core::Placement::before_item({planned[5], 5}))));
  // Another app adds two tracks at the top between the preview and the job.
  auto other = make_client(mint_tokens("alice"));
  ASSERT_TRUE(
      other->add_items(SeedIds::kAliceBig, {track_uri(4000), track_uri(4001)}, 0).is_applied());

  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  std::vector<std::string> expected{track_uri(4000), track_uri(4001)};
  for (std::size_t i = 0; i < planned.size(); ++i) {
    if (i == 5) expected.insert(expected.end(), {planned[100], planned[101]});
    if (i != 100 && i != 101) expected.push_back(planned[i]);
  }
  expect_done(SeedIds::kAliceBig, job, expected);
  const auto versions =
      *store_.list_versions(account_.id, SeedIds::kAliceBig, core::VersionFilter{});
  ASSERT_GE(versions.size(), 3u);
  EXPECT_EQ(versions[1].cause.why, core::kChangedOutside);
}

TEST_F(EditJobOnEmulator, ASetListIsRefusedAfterAnOutsideEditAndTheEmulatorKeepsThatEdit) {
  auto desired = stored(SeedIds::kAliceBig);
  std::reverse(desired.begin(), desired.end());
  const auto job =
      enqueue(SeedIds::kAliceBig, edit(SeedIds::kAliceBig, core::EditRequest::set_list(desired)));
  auto other = make_client(mint_tokens("alice"));
  ASSERT_TRUE(other->add_items(SeedIds::kAliceBig, {track_uri(4100)}, std::nullopt).is_applied());
  const auto outside = entry_uris("alice", SeedIds::kAliceBig);
  const auto snapshot = true_snapshot(SeedIds::kAliceBig);

  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Failed);
  EXPECT_EQ(done.job.error->code, core::ErrorCode::Conflict);
  EXPECT_NE(error_of(done).find("1 added"), std::string::npos) << error_of(done);
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceBig), outside);
  EXPECT_EQ(true_snapshot(SeedIds::kAliceBig), snapshot) << "plm wrote nothing";
  EXPECT_EQ(stored(SeedIds::kAliceBig), outside) << "what plm saw is stored";
}

TEST_F(EditJobOnEmulator, AJobThatFailsMidWayIsResumedAndAddsNothingTwice) {
  // 250 tracks at position 10: three adds. The third is applied but its answer is lost, and the
  // reads that would settle it fail: the attempt fails with the write applied and not
  // checkpointed.
  const auto before = stored(SeedIds::kAliceBig);
  const auto added = track_uris(5000, 250);
  core::EditRequest request;
  request.kind = Kind::Add;
  request.uris = added;
  request.placement = core::Placement::before_item({before[10], 10});
  const auto job = enqueue(SeedIds::kAliceBig, edit(SeedIds::kAliceBig, request));
  add_faults(Json::array(
      {Json{{"kind", "apply_then_502"}, {"method", "POST"}, {"nth", 3}, {"count", 1}},
       Json{{"kind", "status"}, {"status", 500}, {"method", "GET"}, {"nth", 2}, {"count", 1000}}}));
  const auto failed = run(job);
  ASSERT_EQ(failed.job.state, JobState::Queued) << "to be retried: " << error_of(failed);
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceBig).size(), before.size() + 250);

  admin("DELETE", "/__emulator/faults");
  advance(std::chrono::minutes(1));  // the retry is due
  const auto done = run(job);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  auto expected = before;
  expected.insert(expected.begin() + 10, added.begin(), added.end());
  expect_done(SeedIds::kAliceBig, job, expected);
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 3) << "no add sent twice";
}

}  // namespace
}  // namespace plm::spotify::testing
