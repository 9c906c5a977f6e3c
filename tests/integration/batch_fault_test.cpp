// The batch_edit job (app/batch_jobs.hpp) under the emulator's fault injection (issue 10 §6): a
// batch over 100 playlists, planned by core::propose_batch and run by the real handler through the
// real client over real HTTP, meets 429 storms (short Retry-Afters the client waits out, and one
// longer than it waits, which fails the attempt), 5xx bursts (one longer than the client's
// retries, which fails the attempt too) and adds applied behind a 502. The worker retries the job
// until it completes, each attempt resuming from the checkpoint: every playlist on the EMULATOR
// (its admin dump, not plm's copy) ends exactly as desired, nothing lost and nothing doubled, and
// plm's stored copies follow. A remove batch under the same faults then takes the track out of
// every playlist. The worker runs on the calling thread and every wait moves the emulator's clock:
// nothing sleeps.

#include <gtest/gtest.h>

#include <iostream>

#include "app/batch_jobs.hpp"
#include "batch_world.hpp"
#include "core/batch/batch_requests.hpp"
#include "emulator_jobs_fixture.hpp"

namespace plm::spotify::testing {
namespace {

using batch_test::Lists;
using core::JobState;

/// Enough for every fault to meet the batch several times over; more only slows the in-memory
/// store, which copies itself at every unit of work (batch_restart_test runs 300 for real).
constexpr std::size_t kPlaylists = 100;
constexpr std::size_t kTracks = 20;
constexpr const char* kOwner = "alice";

/// The faults every batch of this test meets, counted from when they are added, placed along the
/// batch's calls (a confirming read and a write per playlist). `write`: the method of the batch's
/// writes (POST adds, DELETE removes).
Json unkind_rules(const std::string& write) {
  constexpr int kCalls = 2 * static_cast<int>(kPlaylists);
  constexpr int kWrites = static_cast<int>(kPlaylists);
  return Json::array({
      // 429 storms: short Retry-Afters the client waits out within the call...
      Json{{"kind", "rate_limit"}, {"retry_after_s", 2}, {"nth", kCalls / 40}, {"count", 6}},
      Json{{"kind", "rate_limit"}, {"retry_after_s", 1}, {"nth", kCalls * 2 / 5}, {"count", 12}},
      // ...and one longer than the client waits (60 s): the attempt fails, the worker retries at
      // Spotify's time.
      Json{{"kind", "rate_limit"}, {"retry_after_s", 120}, {"nth", kCalls * 2 / 3}, {"count", 1}},
      // 5xx bursts: short ones the client retries (reads) or settles (a write that may have been
      // applied is never sent blindly again), and one on reads longer than the client's retries,
      // which fails the attempt.
      Json{{"kind", "status"}, {"status", 503}, {"nth", kCalls / 15}, {"count", 3}},
      Json{{"kind", "status"},
           {"status", 500},
           {"method", write},
           {"nth", kWrites / 5},
           {"count", 2}},
      Json{{"kind", "status"},
           {"status", 502},
           {"method", "GET"},
           {"nth", kCalls / 4},
           {"count", 8}},
      // Writes applied behind a 502: a blind retry of an add would add the track twice.
      Json{{"kind", "apply_then_502"},
           {"method", write},
           {"path_contains", "/items"},
           {"nth", 3},
           {"count", 1}},
      Json{{"kind", "apply_then_502"},
           {"method", write},
           {"path_contains", "/items"},
           {"probability", 0.05}},
  });
}

class BatchOnFaultyEmulator : public JobsOnEmulator {
 protected:
  void SetUp() override {
    ASSERT_EQ(admin("POST", "/__emulator/seed",
                    batch_test::many_playlists_seed(kOwner, kPlaylists, kTracks))
                  .status,
              200);
    connect(kOwner);
    ASSERT_EQ(admin("DELETE", "/__emulator/stats").status / 100, 2);  // the batches' calls only
    before_ = on_emulator();
    ASSERT_EQ(before_.size(), kPlaylists);
    app::add_batch_handlers(handlers_, deps_);
    start_worker();
  }

  Lists on_emulator() {
    return batch_test::lists_of(
        admin("GET", std::string("/__emulator/users/") + kOwner + "/playlists").json);
  }

  /// The batch as the web route would enqueue it: every playlist of the account.
  core::Job enqueue(const core::BatchOperation& operation) {
    const core::VersionCause cause{.kind = core::VersionCauseKind::Edit,
                                   .app_user_id = account_.app_user_id,
                                   .origin = "web",
                                   .action = "batch",
                                   .why = "the batch fault proof"};
    const core::BatchRequest request{
        .parts = {core::BatchPart{.selection = {.selector = "all"}, .operation = operation}},
        .cause = cause};
    const auto proposal = core::propose_batch(store_, account_, request,
                                              core::BatchPlanOptions{.today = core_clock_.now()});
    EXPECT_TRUE(proposal) << proposal.error().message;
    if (!proposal) return {};
    EXPECT_EQ(proposal->plan.changed, static_cast<std::int64_t>(kPlaylists));
    const auto enqueued = queue_.enqueue(app::batch_edit_job(
        account_.app_user_id, account_.id, app::batch_job_from(*proposal, cause)));
    EXPECT_TRUE(enqueued) << enqueued.error().message;
    return enqueued ? enqueued->job : core::Job{};
  }

  /// Runs the job, and again after every failed attempt once its retry is due, until it ends
  /// (at most 10 attempts: more means it does not get anywhere). The attempts it took.
  int run_to_the_end(const core::Job& job, core::JobDetails& details) {
    for (int attempt = 1; attempt <= 10; ++attempt) {
      EXPECT_TRUE(worker_->run_one());
      details = queue_.find_job(job.id)->value();
      if (details.job.state != JobState::Queued) return attempt;
      if (details.job.run_at > core_clock_.now()) {
        advance(
            std::chrono::ceil<std::chrono::milliseconds>(details.job.run_at - core_clock_.now()));
      }
    }
    ADD_FAILURE() << "still queued after 10 attempts: "
                  << (details.job.error ? details.job.error->message : "");
    return 10;
  }

  /// Every playlist's result is Done; the stored copies equal the emulator's.
  void expect_every_result_done_and_stored(const core::JobDetails& details, const Lists& now) {
    std::size_t done = 0;
    for (const auto& item : details.items) {
      done += item.outcome == core::ItemOutcome::Done;
      EXPECT_EQ(item.outcome, core::ItemOutcome::Done)
          << item.key << ": " << item.detail << (item.error ? " " + item.error->message : "");
      if (done + 5 < details.items.size() && item.outcome != core::ItemOutcome::Done) break;
    }
    EXPECT_EQ(details.items.size(), kPlaylists);
    EXPECT_EQ(done, kPlaylists);
    std::size_t behind = 0;
    for (const auto& [id, list] : now) {
      behind += core::uris_of(*store_.playlist_items(account_.id, id)) != list;
    }
    EXPECT_EQ(behind, 0u) << "stored copies differ from the emulator's";
  }

  Lists before_;
};

TEST_F(BatchOnFaultyEmulator, AddAndRemoveOver100PlaylistsEndExactlyAsDesiredUnder429s5xxsAnd502s) {
  const std::string added = batch_test::track_outside(kPlaylists, kTracks);
  core::BatchOperation add;
  add.kind = core::BatchOperation::Kind::Add;
  add.uris = {added};
  add.at = core::BatchOperation::At::Position;
  add.position = 2;

  // ---- add at position 3 ----
  const auto add_job = enqueue(add);
  ASSERT_GT(add_job.id, 0);
  ASSERT_EQ(admin("POST", "/__emulator/faults", Json{{"seed", 7}, {"rules", unkind_rules("POST")}})
                .status,
            201);
  core::JobDetails added_details;
  auto began = std::chrono::steady_clock::now();
  const int add_attempts = run_to_the_end(add_job, added_details);
  const auto add_took = std::chrono::steady_clock::now() - began;
  ASSERT_EQ(added_details.job.state, JobState::Succeeded)
      << (added_details.job.error ? added_details.job.error->message : "");
  // The long 429 and the long 5xx burst fail attempts (how many depends on where the faults fall:
  // a burst met by the edit's settling reads is waited out there).
  EXPECT_GE(add_attempts, 2) << "no attempt failed: the faults missed the batch";
  const auto add_stats = admin("GET", "/__emulator/stats").json;
  std::cout << "[batch fault proof] add: " << add_attempts << " attempts, "
            << std::chrono::duration_cast<std::chrono::milliseconds>(add_took).count() << " ms, "
            << add_stats.dump() << "\n";
  EXPECT_GT(add_stats.value("rate_limited", 0), 0);
  EXPECT_GT(add_stats.value("faults", 0), 10);
  // The added track's catalog data: looked up once, not once per playlist (a call more for each).
  EXPECT_LE(add_stats["by_endpoint"].value("GET /v1/tracks/{}", 0), add_attempts);

  const Lists with_track = on_emulator();
  batch_test::expect_every_playlist(with_track, before_, [&](const std::vector<std::string>& list) {
    return batch_test::with_inserted(list, added, 2);
  });
  expect_every_result_done_and_stored(added_details, with_track);

  // ---- remove it everywhere, under the same faults ----
  ASSERT_EQ(admin("DELETE", "/__emulator/faults").status / 100, 2);
  advance(std::chrono::minutes(1));  // past the stale reads and limits of the add batch
  core::BatchOperation remove;
  remove.kind = core::BatchOperation::Kind::Remove;
  remove.uris = {added};
  const auto remove_job = enqueue(remove);
  ASSERT_GT(remove_job.id, 0);
  ASSERT_EQ(
      admin("POST", "/__emulator/faults", Json{{"seed", 11}, {"rules", unkind_rules("DELETE")}})
          .status,
      201);
  core::JobDetails removed_details;
  began = std::chrono::steady_clock::now();
  const int remove_attempts = run_to_the_end(remove_job, removed_details);
  std::cout << "[batch fault proof] remove: " << remove_attempts << " attempts, "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - began)
                   .count()
            << " ms, " << admin("GET", "/__emulator/stats").json.dump() << "\n";
  ASSERT_EQ(removed_details.job.state, JobState::Succeeded)
      << (removed_details.job.error ? removed_details.job.error->message : "");
  const Lists without_track = on_emulator();
  batch_test::expect_every_playlist(without_track, before_,
                                    [](const std::vector<std::string>& list) { return list; });
  expect_every_result_done_and_stored(removed_details, without_track);
}

}  // namespace
}  // namespace plm::spotify::testing
