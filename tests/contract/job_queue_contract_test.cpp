// The JobQueue contract: every implementation of core::JobQueue (the SQL queues, the in-memory one
// the worker's tests rely on) passes this one suite (design guide section 8, River's driver test).
// Each test runs on a fresh queue with a manual clock, through the port alone.

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <type_traits>

#include "job_queue_backends.hpp"
#include "support/fakes.hpp"

namespace plm::contract {
namespace {

using core::ErrorCode;
using core::Job;
using core::JobEventKind;
using core::JobKind;
using core::JobState;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kLease = seconds(30);

template <typename BackendType>
class JobQueueContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = backend_.skip_reason()) GTEST_SKIP() << *reason;
    queue_ = backend_.open(clock_);
    alice_ = backend_.add_user("alice");
    bob_ = backend_.add_user("bob");
  }

  core::JobQueue& queue() { return *queue_; }

  /// The id of the test's account number `n`, an account of alice's created on first use (a job
  /// naming an account needs it to exist). Call before any thread uses the queue.
  std::int64_t account(int n) {
    const auto [found, added] = accounts_.try_emplace(n, 0);
    if (added) found->second = backend_.add_account(alice_);
    return found->second;
  }

  /// Jobs of the test's account number `n`. Their keys are made of `n`, not of the account's id,
  /// so the key rules read as written ("account/1" is not a prefix of "account/10").
  core::NewJob sync_of(int n, std::int64_t owner = 0) {
    return core::NewJob{.kind = JobKind::SyncAccount,
                        .owner_user_id = owner ? owner : alice_,
                        .account_id = account(n),
                        .concurrency_key = core::concurrency_key_for_account(n),
                        .unit = core::ProgressUnit::Playlists};
  }

  core::NewJob playlist_job(int n, const std::string& playlist) {
    return core::NewJob{.kind = JobKind::SyncPlaylist,
                        .owner_user_id = alice_,
                        .account_id = account(n),
                        .playlist_id = playlist,
                        .concurrency_key = core::concurrency_key_for_playlist(n, playlist)};
  }

  Job add(const core::NewJob& request) {
    auto enqueued = queue().enqueue(request);
    EXPECT_TRUE(enqueued.has_value()) << enqueued.error().message;
    if (!enqueued) return Job{};
    EXPECT_TRUE(enqueued->created);
    return enqueued->job;
  }

  std::optional<Job> claim(const std::string& worker = "w1",
                           const std::vector<JobKind>& kinds = {}) {
    auto claimed = queue().claim(worker, kinds, kLease);
    EXPECT_TRUE(claimed.has_value()) << claimed.error().message;
    return claimed.has_value() ? *claimed : std::nullopt;
  }

  /// The id of the job `worker` claims now, or 0 when it gets none.
  std::int64_t claimed_id(const std::string& worker = "w1",
                          const std::vector<JobKind>& kinds = {}) {
    const auto job = claim(worker, kinds);
    return job ? job->id : 0;
  }

  core::JobDetails details(std::int64_t id) {
    auto found = queue().find_job(id);
    EXPECT_TRUE(found.has_value() && found->has_value()) << "job " << id;
    return found.has_value() && found->has_value() ? **found : core::JobDetails{};
  }

  Job job(std::int64_t id) { return details(id).job; }

  std::vector<JobEventKind> history(std::int64_t id) {
    std::vector<JobEventKind> kinds;
    for (const auto& event : details(id).history) kinds.push_back(event.kind);
    return kinds;
  }

  std::vector<std::int64_t> ids(const core::JobFilter& filter) {
    auto jobs = queue().list_jobs(filter);
    EXPECT_TRUE(jobs.has_value()) << jobs.error().message;
    std::vector<std::int64_t> result;
    if (jobs.has_value()) {
      for (const auto& listed : *jobs) result.push_back(listed.id);
    }
    return result;
  }

  test_support::ManualClock clock_;
  BackendType backend_;
  std::shared_ptr<core::JobQueue> queue_;
  std::int64_t alice_ = 0;
  std::int64_t bob_ = 0;
  std::map<int, std::int64_t> accounts_;  ///< account ids by test account number
};

class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same_v<T, SqliteJobQueueBackend>) return "Sqlite";
    if (std::is_same_v<T, PostgresJobQueueBackend>) return "Postgres";
    return "InMemory";
  }
};

using Backends =
    ::testing::Types<InMemoryJobQueueBackend, SqliteJobQueueBackend, PostgresJobQueueBackend>;
TYPED_TEST_SUITE(JobQueueContract, Backends, BackendNames);

// ---- enqueue ----

TYPED_TEST(JobQueueContract, EnqueueAddsAQueuedJobWithAnEnqueuedEvent) {
  core::NewJob request = this->sync_of(7);
  request.payload = R"({"why":"test"})";
  request.message = "waiting";
  request.max_attempts = 3;

  const Job job = this->add(request);

  EXPECT_GT(job.id, 0);
  EXPECT_EQ(job.kind, JobKind::SyncAccount);
  EXPECT_EQ(job.state, JobState::Queued);
  EXPECT_EQ(job.owner_user_id, this->alice_);
  EXPECT_EQ(job.account_id, this->account(7));
  EXPECT_EQ(job.playlist_id, "");
  EXPECT_EQ(job.concurrency_key, "account/7");
  EXPECT_EQ(job.payload, R"({"why":"test"})");
  EXPECT_EQ(job.checkpoint, "");
  EXPECT_EQ(job.progress, (core::JobProgress{0, 0, core::ProgressUnit::Playlists, "waiting"}));
  EXPECT_EQ(job.api, core::ApiCounters{});
  EXPECT_EQ(job.attempts, 0);
  EXPECT_EQ(job.max_attempts, 3);
  EXPECT_EQ(job.created_at, this->clock_.now());
  EXPECT_EQ(job.run_at, this->clock_.now());
  EXPECT_EQ(job.started_at, std::nullopt);
  EXPECT_EQ(job.finished_at, std::nullopt);
  EXPECT_EQ(job.error.has_value(), false);
  EXPECT_FALSE(job.cancel_requested);
  EXPECT_EQ(job.lease_owner, "");
  EXPECT_EQ(job.lease_expires_at, std::nullopt);

  const core::JobDetails stored = this->details(job.id);
  EXPECT_EQ(stored.job, job);
  EXPECT_TRUE(stored.items.empty());
  ASSERT_EQ(stored.history.size(), 1u);
  EXPECT_EQ(stored.history[0].kind, JobEventKind::Enqueued);
  EXPECT_EQ(stored.history[0].at, this->clock_.now());
}

TYPED_TEST(JobQueueContract, EnqueueGivesEveryJobANewHigherId) {
  const Job first = this->add(this->sync_of(1));
  const Job second = this->add(this->sync_of(1));

  EXPECT_GT(second.id, first.id);
}

TYPED_TEST(JobQueueContract, EnqueueRefusesAMissingKeyBadAttemptsAndUnknownOwnersOrAccounts) {
  core::NewJob no_key = this->sync_of(1);
  no_key.concurrency_key.clear();
  core::NewJob no_attempts = this->sync_of(1);
  no_attempts.max_attempts = 0;
  core::NewJob stranger = this->sync_of(1, /*owner=*/this->alice_ + this->bob_ + 1000);
  core::NewJob unknown_account = this->sync_of(1);
  unknown_account.account_id = this->account(1) + 1000;

  EXPECT_EQ(this->queue().enqueue(no_key).error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(this->queue().enqueue(no_attempts).error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(this->queue().enqueue(stranger).error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->queue().enqueue(unknown_account).error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->queue().count_jobs()->queued, 0);
}

TYPED_TEST(JobQueueContract, AJobMayNameNoAccount) {
  core::NewJob request = this->sync_of(1);
  request.account_id = 0;
  request.concurrency_key = "maintenance";

  const Job job = this->add(request);

  EXPECT_EQ(job.account_id, 0);
  EXPECT_EQ(this->job(job.id), job);
  EXPECT_EQ(this->ids({.account_id = 0}), std::vector{job.id});  // 0: no account
  EXPECT_EQ(this->ids({.kind = JobKind::SyncAccount}), std::vector{job.id});
}

TYPED_TEST(JobQueueContract, UniqueWhileActiveReturnsTheActiveJobOfTheSameKindAndKey) {
  core::NewJob request = this->sync_of(1);
  request.unique_while_active = true;
  const Job first = this->add(request);

  auto again = this->queue().enqueue(request);  // queued
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->job.id, first.id);

  ASSERT_EQ(this->claimed_id(), first.id);
  EXPECT_EQ(this->queue().enqueue(request)->job.id, first.id);  // running
  ASSERT_TRUE(this->queue().release(first.id, "w1", "shutdown").has_value());
  EXPECT_EQ(this->queue().enqueue(request)->job.id, first.id);  // interrupted

  // Another kind or another key is another job; so is one enqueued without the flag.
  core::NewJob other_kind = this->playlist_job(1, "p");
  other_kind.concurrency_key = request.concurrency_key;
  other_kind.unique_while_active = true;
  core::NewJob other_account = this->sync_of(2);
  other_account.unique_while_active = true;
  EXPECT_TRUE(this->queue().enqueue(other_kind)->created);
  EXPECT_TRUE(this->queue().enqueue(other_account)->created);
  EXPECT_TRUE(this->queue().enqueue(this->sync_of(1))->created);
}

TYPED_TEST(JobQueueContract, UniqueWhileActiveAddsANewJobOnceTheOldOneFinishedOrIsCancelling) {
  core::NewJob request = this->sync_of(1);
  request.unique_while_active = true;
  const Job first = this->add(request);
  ASSERT_EQ(this->claimed_id(), first.id);
  ASSERT_TRUE(this->queue().cancel(first.id).has_value());  // running: asked to stop

  const auto after_cancel = this->queue().enqueue(request);
  ASSERT_TRUE(after_cancel.has_value());
  EXPECT_TRUE(after_cancel->created);

  ASSERT_TRUE(this->queue().cancel(after_cancel->job.id).has_value());  // queued: cancelled
  const auto after_finish = this->queue().enqueue(request);
  EXPECT_TRUE(after_finish->created);
}

// ---- claim ----

TYPED_TEST(JobQueueContract, ClaimHoldsTheJobForTheLease) {
  const Job queued = this->add(this->sync_of(1));
  this->clock_.advance(seconds(2));

  const auto claimed = this->claim("worker-a");

  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->id, queued.id);
  EXPECT_EQ(claimed->state, JobState::Running);
  EXPECT_EQ(claimed->attempts, 1);
  EXPECT_EQ(claimed->lease_owner, "worker-a");
  EXPECT_EQ(claimed->lease_expires_at, this->clock_.now() + kLease);
  EXPECT_EQ(claimed->started_at, this->clock_.now());
  EXPECT_EQ(this->job(queued.id), *claimed);
  EXPECT_EQ(this->history(queued.id), (std::vector{JobEventKind::Enqueued, JobEventKind::Started}));
  EXPECT_EQ(this->details(queued.id).history.back().at, this->clock_.now());
}

TYPED_TEST(JobQueueContract, ClaimTakesTheOldestDueJobFirst) {
  const Job a = this->add(this->sync_of(1));
  const Job b = this->add(this->sync_of(2));
  const Job c = this->add(this->sync_of(3));

  EXPECT_EQ(this->claimed_id(), a.id);
  EXPECT_EQ(this->claimed_id(), b.id);
  EXPECT_EQ(this->claimed_id(), c.id);
  EXPECT_EQ(this->claimed_id(), 0);
}

TYPED_TEST(JobQueueContract, AJobIsNotClaimedBeforeItsRunAt) {
  core::NewJob later = this->sync_of(1);
  later.run_at = this->clock_.now() + seconds(60);
  const Job scheduled = this->add(later);
  const Job now = this->add(this->sync_of(2));
  EXPECT_EQ(scheduled.run_at, this->clock_.now() + seconds(60));

  EXPECT_EQ(this->claimed_id(), now.id);  // the younger job, because it is due
  EXPECT_EQ(this->claimed_id(), 0);
  ASSERT_TRUE(this->queue().complete(now.id, "w1", JobState::Succeeded, "").has_value());
  this->clock_.advance(milliseconds(59'999));
  EXPECT_EQ(this->claimed_id(), 0);
  this->clock_.advance(milliseconds(1));
  EXPECT_EQ(this->claimed_id(), scheduled.id);
}

TYPED_TEST(JobQueueContract, ClaimOnlyTakesTheKindsAsked) {
  const Job account = this->add(this->sync_of(1));
  const Job playlist = this->add(this->playlist_job(2, "p"));

  EXPECT_EQ(this->claimed_id("w1", {JobKind::SyncPlaylist}), playlist.id);
  EXPECT_EQ(this->claimed_id("w1", {JobKind::SyncPlaylist}), 0);
  EXPECT_EQ(this->claimed_id("w1", {JobKind::SyncAccount, JobKind::SyncPlaylist}), account.id);
}

TYPED_TEST(JobQueueContract, ClaimRefusesAnEmptyWorkerOrLease) {
  this->add(this->sync_of(1));

  EXPECT_EQ(this->queue().claim("", {}, kLease).error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(this->queue().claim("w1", {}, milliseconds(0)).error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(this->queue().count_jobs()->running, 0);
}

// ---- concurrency keys ----

TYPED_TEST(JobQueueContract, AnAccountSyncWaitsForTheEditsOfItsPlaylists) {
  const Job edit = this->add(this->playlist_job(1, "p"));
  const Job sync = this->add(this->sync_of(1));
  const Job other_account = this->add(this->sync_of(2));

  EXPECT_EQ(this->claimed_id("w1"), edit.id);
  EXPECT_EQ(this->claimed_id("w2"), other_account.id);  // account 1's sync must wait
  EXPECT_EQ(this->claimed_id("w3"), 0);
  ASSERT_TRUE(this->queue().complete(edit.id, "w1", JobState::Succeeded, "done").has_value());
  EXPECT_EQ(this->claimed_id("w3"), sync.id);
}

TYPED_TEST(JobQueueContract, PlaylistEditsWaitForTheirAccountsSync) {
  const Job sync = this->add(this->sync_of(1));
  const Job edit = this->add(this->playlist_job(1, "p"));
  const Job elsewhere = this->add(this->playlist_job(10, "p"));  // account 10 is not account 1

  EXPECT_EQ(this->claimed_id("w1"), sync.id);
  EXPECT_EQ(this->claimed_id("w2"), elsewhere.id);
  EXPECT_EQ(this->claimed_id("w3"), 0);
  ASSERT_TRUE(this->queue().release(sync.id, "w1", "shutdown").has_value());
  // The interrupted sync is older than the edit: it runs first again.
  EXPECT_EQ(this->claimed_id("w1"), sync.id);
  ASSERT_TRUE(this->queue().complete(sync.id, "w1", JobState::Succeeded, "").has_value());
  EXPECT_EQ(this->claimed_id("w1"), edit.id);
}

TYPED_TEST(JobQueueContract, TwoPlaylistsOfOneAccountRunSideBySide) {
  const Job first = this->add(this->playlist_job(1, "a"));
  const Job second = this->add(this->playlist_job(1, "b"));
  const Job same_as_first = this->add(this->playlist_job(1, "a"));

  EXPECT_EQ(this->claimed_id("w1"), first.id);
  EXPECT_EQ(this->claimed_id("w2"), second.id);
  EXPECT_EQ(this->claimed_id("w3"), 0);
  EXPECT_EQ(this->queue().count_jobs()->running, 2);
  ASSERT_TRUE(this->queue().complete(first.id, "w1", JobState::Succeeded, "").has_value());
  EXPECT_EQ(this->claimed_id("w3"), same_as_first.id);
}

TYPED_TEST(JobQueueContract, JobsOfOneKeyRunInTheOrderTheyWereAskedFor) {
  // A sync queued behind a running edit is not overtaken by edits of other playlists that come
  // after it: otherwise a steady stream of edits would starve it.
  const Job edit_a = this->add(this->playlist_job(1, "a"));
  ASSERT_EQ(this->claimed_id("w1"), edit_a.id);
  const Job sync = this->add(this->sync_of(1));
  const Job edit_b = this->add(this->playlist_job(1, "b"));
  const Job unrelated = this->add(this->playlist_job(2, "b"));

  EXPECT_EQ(this->claimed_id("w2"), unrelated.id);
  EXPECT_EQ(this->claimed_id("w3"), 0);
  ASSERT_TRUE(this->queue().complete(edit_a.id, "w1", JobState::Succeeded, "").has_value());
  EXPECT_EQ(this->claimed_id("w1"), sync.id);
  ASSERT_TRUE(this->queue().complete(sync.id, "w1", JobState::Succeeded, "").has_value());
  EXPECT_EQ(this->claimed_id("w1"), edit_b.id);
}

TYPED_TEST(JobQueueContract, AnOlderJobNotYetDueDoesNotBlockItsKey) {
  core::NewJob tomorrow = this->sync_of(1);
  tomorrow.run_at = this->clock_.now() + std::chrono::hours(24);
  this->add(tomorrow);
  const Job edit = this->add(this->playlist_job(1, "a"));

  EXPECT_EQ(this->claimed_id(), edit.id);
}

// ---- leases ----

TYPED_TEST(JobQueueContract, AnExpiredLeaseIsInterruptedAndResumedByTheNextClaim) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("dead-worker"), queued.id);
  this->clock_.advance(kLease - milliseconds(1));
  EXPECT_EQ(this->claimed_id("w2"), 0);  // still held
  this->clock_.advance(milliseconds(1));

  const auto resumed = this->claim("w2");

  ASSERT_TRUE(resumed.has_value());
  EXPECT_EQ(resumed->id, queued.id);
  EXPECT_EQ(resumed->attempts, 2);
  EXPECT_EQ(resumed->lease_owner, "w2");
  EXPECT_EQ(resumed->lease_expires_at, this->clock_.now() + kLease);
  EXPECT_EQ(resumed->started_at, queued.created_at);  // the first claim's time
  EXPECT_EQ(this->history(queued.id),
            (std::vector{JobEventKind::Enqueued, JobEventKind::Started, JobEventKind::Interrupted,
                         JobEventKind::Resumed}));
}

TYPED_TEST(JobQueueContract, RecoverExpiredLeasesInterruptsThemWithoutClaiming) {
  const Job first = this->add(this->sync_of(1));
  const Job second = this->add(this->sync_of(2));
  const Job third = this->add(this->sync_of(3));
  ASSERT_EQ(this->claimed_id("w1"), first.id);
  ASSERT_EQ(this->claimed_id("w2"), second.id);
  this->clock_.advance(seconds(20));
  ASSERT_EQ(this->claimed_id("w3"), third.id);
  this->clock_.advance(seconds(10));

  const auto recovered = this->queue().recover_expired_leases();

  ASSERT_TRUE(recovered.has_value());
  EXPECT_EQ(*recovered, 2);
  EXPECT_EQ(this->job(first.id).state, JobState::Interrupted);
  EXPECT_EQ(this->job(first.id).lease_owner, "");
  EXPECT_EQ(this->job(first.id).lease_expires_at, std::nullopt);
  EXPECT_EQ(this->job(second.id).state, JobState::Interrupted);
  EXPECT_EQ(this->job(third.id).state, JobState::Running);
  EXPECT_EQ(this->history(first.id).back(), JobEventKind::Interrupted);
  EXPECT_EQ(*this->queue().recover_expired_leases(), 0);
  EXPECT_EQ((*this->queue().count_jobs()).queued, 2);
}

TYPED_TEST(JobQueueContract, AJobWhoseWorkerDiesOnEveryAttemptFailsAtMaxAttempts) {
  core::NewJob request = this->sync_of(1);
  request.max_attempts = 2;
  const Job queued = this->add(request);
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  this->clock_.advance(kLease);
  ASSERT_EQ(this->claimed_id("w2"), queued.id);
  this->clock_.advance(kLease);

  EXPECT_EQ(*this->queue().recover_expired_leases(), 1);

  const Job failed = this->job(queued.id);
  EXPECT_EQ(failed.state, JobState::Failed);
  EXPECT_EQ(failed.finished_at, this->clock_.now());
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_EQ(failed.error->code, ErrorCode::Internal);
  EXPECT_EQ(this->history(queued.id).back(), JobEventKind::Failed);
  EXPECT_EQ(this->claimed_id("w3"), 0);
}

TYPED_TEST(JobQueueContract, AHeartbeatRenewsTheLease) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  this->clock_.advance(seconds(20));

  const auto answer = this->queue().heartbeat(queued.id, "w1", kLease);

  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  EXPECT_FALSE(answer->cancel_requested);
  EXPECT_EQ(this->job(queued.id).lease_expires_at, this->clock_.now() + kLease);
  this->clock_.advance(seconds(20));  // 40 s after the claim, 20 s after the heartbeat
  EXPECT_EQ(this->claimed_id("w2"), 0);
  EXPECT_EQ(this->job(queued.id).lease_owner, "w1");
}

TYPED_TEST(JobQueueContract, AnExpiredLeaseNothingTookAwayIsStillHeld) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  this->clock_.advance(kLease + seconds(5));  // slow, not dead: no claim ran in between

  EXPECT_TRUE(this->queue().heartbeat(queued.id, "w1", kLease).has_value());
  EXPECT_EQ(this->claimed_id("w2"), 0);
}

TYPED_TEST(JobQueueContract, AWorkerThatLostItsLeaseCanChangeNothing) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("stalled"), queued.id);
  this->clock_.advance(kLease);
  ASSERT_EQ(this->claimed_id("successor"), queued.id);
  const core::JobDetails before = this->details(queued.id);
  const core::JobProgress progress{5, 10, core::ProgressUnit::Playlists, "stale"};
  const core::JobItemResult item{"p1", "P1", core::ItemOutcome::Done, std::nullopt, ""};
  const auto conflict = [](const auto& result) {
    return !result.has_value() && result.error().code == ErrorCode::Conflict;
  };

  EXPECT_TRUE(conflict(this->queue().heartbeat(queued.id, "stalled", kLease)));
  EXPECT_TRUE(conflict(this->queue().save_progress(queued.id, "stalled", progress, "cp", {})));
  EXPECT_TRUE(conflict(this->queue().record_item(queued.id, "stalled", item)));
  EXPECT_TRUE(conflict(this->queue().complete(queued.id, "stalled", JobState::Succeeded, "")));
  EXPECT_TRUE(conflict(
      this->queue().fail(queued.id, "stalled", core::make_error(ErrorCode::Internal, "x"), {})));
  EXPECT_TRUE(conflict(this->queue().release(queued.id, "stalled", "shutdown")));
  EXPECT_TRUE(conflict(this->queue().heartbeat(queued.id + 1000, "stalled", kLease)));

  EXPECT_EQ(this->details(queued.id), before);
}

TYPED_TEST(JobQueueContract, CallsOnAJobThatIsNotRunningAreConflicts) {
  const Job queued = this->add(this->sync_of(1));

  EXPECT_EQ(this->queue().heartbeat(queued.id, "w1", kLease).error().code, ErrorCode::Conflict);
  EXPECT_EQ(this->queue().release(queued.id, "w1", "x").error().code, ErrorCode::Conflict);
  EXPECT_EQ(this->job(queued.id).state, JobState::Queued);
}

// ---- progress and items ----

TYPED_TEST(JobQueueContract, SaveProgressStoresProgressCheckpointAndCounters) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  this->clock_.advance(seconds(3));
  const core::JobProgress progress{120, 330, core::ProgressUnit::Playlists,
                                   "reading \u201cSummer\u201d (200 of 10,000 tracks)"};
  const core::ApiCounters api{.calls = 130,
                              .retries = 2,
                              .rate_limited = 1,
                              .paced_waits = 4,
                              .waited_ms = 1500,
                              .check_reads = 3};
  const std::string checkpoint = R"({"listing":["p1","p2"],"note":"é\u0000"})";

  const auto answer = this->queue().save_progress(queued.id, "w1", progress, checkpoint, api);

  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  EXPECT_FALSE(answer->cancel_requested);
  const Job saved = this->job(queued.id);
  EXPECT_EQ(saved.progress, progress);
  EXPECT_EQ(saved.checkpoint, checkpoint);
  EXPECT_EQ(saved.api, api);
  EXPECT_EQ(saved.updated_at, this->clock_.now());
  EXPECT_EQ(saved.state, JobState::Running);
}

TYPED_TEST(JobQueueContract, TheCheckpointAndCountersAreThereWhenTheJobIsResumed) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  const core::ApiCounters api{.calls = 7};
  ASSERT_TRUE(this->queue().save_progress(queued.id, "w1", {}, "listing-v1", api).has_value());
  ASSERT_TRUE(this->queue().release(queued.id, "w1", "the server stopped").has_value());

  const auto resumed = this->claim("w2");

  ASSERT_TRUE(resumed.has_value());
  EXPECT_EQ(resumed->checkpoint, "listing-v1");
  EXPECT_EQ(resumed->api, api);
}

TYPED_TEST(JobQueueContract, RecordItemKeepsTheFirstOrderAndReplacesByKey) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  const core::JobItemResult a{"pa", "A", core::ItemOutcome::Done, std::nullopt, "read 12 tracks"};
  const core::JobItemResult b{"pb", "B", core::ItemOutcome::Failed,
                              core::make_error(ErrorCode::Unavailable, "502"), ""};
  const core::JobItemResult c{"pc", "C", core::ItemOutcome::Skipped, std::nullopt, "followed"};
  core::JobItemResult b_again = b;
  b_again.outcome = core::ItemOutcome::Done;
  b_again.error.reset();

  for (const auto& item : {a, b, c, b_again})
    ASSERT_TRUE(this->queue().record_item(queued.id, "w1", item).has_value());

  EXPECT_EQ(this->details(queued.id).items, (std::vector{a, b_again, c}));
}

TYPED_TEST(JobQueueContract, RecordItemKeepsAnErrorWithItsRetryTime) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  core::Error limited = core::make_error(ErrorCode::RateLimited, "wait");
  limited.retry_at = this->clock_.now() + seconds(90);
  const core::JobItemResult item{"p", "P", core::ItemOutcome::Conflict, limited, "changed"};

  ASSERT_TRUE(this->queue().record_item(queued.id, "w1", item).has_value());
  EXPECT_EQ(this->queue().record_item(queued.id, "w1", core::JobItemResult{}).error().code,
            ErrorCode::InvalidInput);

  EXPECT_EQ(this->details(queued.id).items, std::vector{item});
}

// ---- finishing ----

TYPED_TEST(JobQueueContract, CompleteFinishesTheJobAndReleasesTheLease) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  this->clock_.advance(seconds(4));

  ASSERT_TRUE(this->queue().complete(queued.id, "w1", JobState::Succeeded, "synced 3").has_value());

  const Job done = this->job(queued.id);
  EXPECT_EQ(done.state, JobState::Succeeded);
  EXPECT_EQ(done.progress.message, "synced 3");
  EXPECT_EQ(done.finished_at, this->clock_.now());
  EXPECT_EQ(done.lease_owner, "");
  EXPECT_EQ(done.lease_expires_at, std::nullopt);
  EXPECT_EQ(this->history(queued.id).back(), JobEventKind::Succeeded);
  EXPECT_EQ(this->details(queued.id).history.back().message, "synced 3");
  EXPECT_EQ(this->queue().heartbeat(queued.id, "w1", kLease).error().code, ErrorCode::Conflict);
}

TYPED_TEST(JobQueueContract, CompleteAsCancelledOrWithAnotherState) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);

  EXPECT_EQ(this->queue().complete(queued.id, "w1", JobState::Failed, "").error().code,
            ErrorCode::InvalidInput);
  EXPECT_EQ(this->queue().complete(queued.id, "w1", JobState::Queued, "").error().code,
            ErrorCode::InvalidInput);
  EXPECT_EQ(this->job(queued.id).state, JobState::Running);
  ASSERT_TRUE(this->queue().complete(queued.id, "w1", JobState::Cancelled, "stopped").has_value());

  EXPECT_EQ(this->job(queued.id).state, JobState::Cancelled);
  EXPECT_EQ(this->history(queued.id).back(), JobEventKind::Cancelled);
}

TYPED_TEST(JobQueueContract, FailWithoutRetryFailsForGood) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  const core::Error error = core::make_error(ErrorCode::NeedsReauth, "refresh token revoked");

  ASSERT_TRUE(this->queue().fail(queued.id, "w1", error, std::nullopt).has_value());

  const Job failed = this->job(queued.id);
  EXPECT_EQ(failed.state, JobState::Failed);
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_EQ(failed.error->code, ErrorCode::NeedsReauth);
  EXPECT_EQ(failed.error->message, "refresh token revoked");
  EXPECT_EQ(failed.finished_at, this->clock_.now());
  EXPECT_EQ(failed.lease_owner, "");
  EXPECT_EQ(this->history(queued.id).back(), JobEventKind::Failed);
  EXPECT_EQ(this->claimed_id("w1"), 0);
}

TYPED_TEST(JobQueueContract, FailWithARetryTimeQueuesTheJobAgainUntilThen) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  core::Error limited = core::make_error(ErrorCode::RateLimited, "spotify asked to wait 60 s");
  const auto retry_at = this->clock_.now() + seconds(60);
  limited.retry_at = retry_at;

  ASSERT_TRUE(this->queue().fail(queued.id, "w1", limited, retry_at).has_value());

  const Job waiting = this->job(queued.id);
  EXPECT_EQ(waiting.state, JobState::Queued);
  EXPECT_EQ(waiting.run_at, retry_at);
  ASSERT_TRUE(waiting.error.has_value());
  EXPECT_EQ(waiting.error->code, ErrorCode::RateLimited);
  EXPECT_EQ(waiting.error->retry_at, retry_at);
  EXPECT_EQ(waiting.finished_at, std::nullopt);
  EXPECT_EQ(waiting.lease_owner, "");
  EXPECT_EQ(this->history(queued.id).back(), JobEventKind::RetryScheduled);
  EXPECT_EQ(*this->queue().next_run_at({}), retry_at);
  EXPECT_EQ(this->claimed_id("w1"), 0);

  this->clock_.advance(seconds(60));
  const auto again = this->claim("w2");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->attempts, 2);
  EXPECT_EQ(this->history(queued.id).back(), JobEventKind::Resumed);
  ASSERT_TRUE(this->queue().complete(queued.id, "w2", JobState::Succeeded, "").has_value());
  EXPECT_FALSE(this->job(queued.id).error.has_value());  // the cause of the retry is gone
}

TYPED_TEST(JobQueueContract, FailWithARetryTimeInThePastIsDueAtOnce) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  this->clock_.advance(seconds(5));

  ASSERT_TRUE(this->queue()
                  .fail(queued.id, "w1", core::make_error(ErrorCode::Unavailable, "502"),
                        this->clock_.now() - seconds(1))
                  .has_value());

  EXPECT_LE(this->job(queued.id).run_at, this->clock_.now());
  EXPECT_EQ(this->claimed_id("w1"), queued.id);
}

TYPED_TEST(JobQueueContract, ReleaseInterruptsTheJobAndItIsClaimableAtOnce) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);

  ASSERT_TRUE(this->queue().release(queued.id, "w1", "the server stopped").has_value());

  const core::JobDetails released = this->details(queued.id);
  EXPECT_EQ(released.job.state, JobState::Interrupted);
  EXPECT_EQ(released.job.lease_owner, "");
  EXPECT_EQ(released.job.finished_at, std::nullopt);
  EXPECT_EQ(released.history.back().kind, JobEventKind::Interrupted);
  EXPECT_EQ(released.history.back().message, "the server stopped");
  EXPECT_EQ(this->queue().count_jobs()->queued, 1);
  const auto resumed = this->claim("w2");
  ASSERT_TRUE(resumed.has_value());
  EXPECT_EQ(resumed->id, queued.id);
  EXPECT_EQ(resumed->attempts, 2);
}

TYPED_TEST(JobQueueContract, AJobReleasedAgainAndAgainWithoutProgressFails) {
  const Job queued = this->add(this->sync_of(1));
  const core::JobProgress no_progress{0, 0, core::ProgressUnit::Playlists, "still listing"};
  for (int release = 1; release < core::kMaxReleasesWithoutProgress; ++release) {
    ASSERT_EQ(this->claimed_id("w1"), queued.id);
    // Saving the same count and checkpoint again, as a worker stopping does, is no progress.
    ASSERT_TRUE(this->queue().save_progress(queued.id, "w1", no_progress, "", {}).has_value());
    ASSERT_TRUE(this->queue().release(queued.id, "w1", "the server stopped").has_value());
    ASSERT_EQ(this->job(queued.id).state, JobState::Interrupted) << "release " << release;
  }
  ASSERT_EQ(this->claimed_id("w1"), queued.id);

  ASSERT_TRUE(this->queue().release(queued.id, "w1", "the server stopped").has_value());

  const core::JobDetails failed = this->details(queued.id);
  EXPECT_EQ(failed.job.state, JobState::Failed);
  EXPECT_EQ(failed.job.finished_at, this->clock_.now());
  EXPECT_EQ(failed.job.lease_owner, "");
  ASSERT_TRUE(failed.job.error.has_value());
  EXPECT_EQ(failed.job.error->code, ErrorCode::Internal);
  ASSERT_GE(failed.history.size(), 2u);
  EXPECT_EQ(failed.history[failed.history.size() - 2].kind, JobEventKind::Interrupted);
  EXPECT_EQ(failed.history.back().kind, JobEventKind::Failed);
  EXPECT_EQ(this->claimed_id("w2"), 0);
}

TYPED_TEST(JobQueueContract, AJobThatProgressesBetweenReleasesKeepsComingBack) {
  // A long job over many restarts (upgrades): releases do not use up its max_attempts either.
  const Job queued = this->add(this->sync_of(1));
  const int releases = 2 * core::kMaxReleasesWithoutProgress + queued.max_attempts;
  for (int release = 1; release <= releases; ++release) {
    ASSERT_EQ(this->claimed_id("w1"), queued.id) << "release " << release;
    if (release % 2 == 0) {
      const core::JobProgress progress{release, 0, core::ProgressUnit::Playlists, "listing"};
      ASSERT_TRUE(this->queue().save_progress(queued.id, "w1", progress, "", {}).has_value());
    } else {
      const core::JobItemResult item{"p" + std::to_string(release), "P", core::ItemOutcome::Done,
                                     std::nullopt, ""};
      ASSERT_TRUE(this->queue().record_item(queued.id, "w1", item).has_value());
    }
    ASSERT_TRUE(this->queue().release(queued.id, "w1", "the server stopped").has_value());
  }

  EXPECT_EQ(this->job(queued.id).state, JobState::Interrupted);
  const auto resumed = this->claim("w2");
  ASSERT_TRUE(resumed.has_value());
  EXPECT_EQ(resumed->attempts, releases + 1);
}

// ---- cancel ----

TYPED_TEST(JobQueueContract, CancellingAQueuedOrInterruptedJobCancelsItAtOnce) {
  const Job interrupted = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), interrupted.id);
  ASSERT_TRUE(this->queue().release(interrupted.id, "w1", "shutdown").has_value());
  const Job fresh = this->add(this->sync_of(2));

  const auto cancelled_fresh = this->queue().cancel(fresh.id);
  const auto cancelled_interrupted = this->queue().cancel(interrupted.id);

  ASSERT_TRUE(cancelled_fresh.has_value());
  EXPECT_EQ(cancelled_fresh->state, JobState::Cancelled);
  EXPECT_EQ(cancelled_fresh->finished_at, this->clock_.now());
  EXPECT_EQ(*cancelled_fresh, this->job(fresh.id));
  EXPECT_EQ(this->history(fresh.id).back(), JobEventKind::Cancelled);
  ASSERT_TRUE(cancelled_interrupted.has_value());
  EXPECT_EQ(cancelled_interrupted->state, JobState::Cancelled);
  EXPECT_EQ(this->claimed_id("w1"), 0);
}

TYPED_TEST(JobQueueContract, CancellingARunningJobAsksItsWorkerToStop) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);

  const auto asked = this->queue().cancel(queued.id);
  const auto asked_twice = this->queue().cancel(queued.id);

  ASSERT_TRUE(asked.has_value());
  EXPECT_EQ(asked->state, JobState::Running);
  EXPECT_TRUE(asked->cancel_requested);
  ASSERT_TRUE(asked_twice.has_value());
  EXPECT_EQ(this->history(queued.id), (std::vector{JobEventKind::Enqueued, JobEventKind::Started,
                                                   JobEventKind::CancelRequested}));
  EXPECT_TRUE(this->queue().heartbeat(queued.id, "w1", kLease)->cancel_requested);
  EXPECT_TRUE(this->queue().save_progress(queued.id, "w1", {}, "", {})->cancel_requested);
  ASSERT_TRUE(
      this->queue().complete(queued.id, "w1", JobState::Cancelled, "cancelled").has_value());
  EXPECT_EQ(this->job(queued.id).state, JobState::Cancelled);
}

TYPED_TEST(JobQueueContract, CancellingAFinishedOrUnknownJobIsRefused) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  ASSERT_TRUE(this->queue().complete(queued.id, "w1", JobState::Succeeded, "").has_value());

  EXPECT_EQ(this->queue().cancel(queued.id).error().code, ErrorCode::Conflict);
  EXPECT_EQ(this->queue().cancel(queued.id + 1000).error().code, ErrorCode::NotFound);
  EXPECT_EQ(this->job(queued.id).state, JobState::Succeeded);
}

TYPED_TEST(JobQueueContract, ACancelledRunningJobNeverComesBack) {
  // Released at shutdown, failed with a retry time, or abandoned by a dead worker: the person's
  // cancel wins over every way back to "ready to run".
  const Job released = this->add(this->sync_of(1));
  const Job retried = this->add(this->sync_of(2));
  const Job abandoned = this->add(this->sync_of(3));
  for (const auto& job : {released, retried, abandoned}) {
    ASSERT_EQ(this->claimed_id("w" + std::to_string(job.id)), job.id);
    ASSERT_TRUE(this->queue().cancel(job.id).has_value());
  }

  ASSERT_TRUE(this->queue()
                  .release(released.id, "w" + std::to_string(released.id), "shutdown")
                  .has_value());
  ASSERT_TRUE(this->queue()
                  .fail(retried.id, "w" + std::to_string(retried.id),
                        core::make_error(ErrorCode::Unavailable, "502"), this->clock_.now())
                  .has_value());
  this->clock_.advance(kLease);
  EXPECT_EQ(*this->queue().recover_expired_leases(), 1);

  for (const auto& job : {released, retried, abandoned}) {
    EXPECT_EQ(this->job(job.id).state, JobState::Cancelled) << "job " << job.id;
    EXPECT_EQ(this->history(job.id).back(), JobEventKind::Cancelled) << "job " << job.id;
  }
  EXPECT_EQ(this->claimed_id("w9"), 0);
}

// ---- reading ----

TYPED_TEST(JobQueueContract, FindJobOfAnUnknownIdIsNothing) {
  const auto found = this->queue().find_job(4242);

  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, std::nullopt);
}

TYPED_TEST(JobQueueContract, ListJobsFiltersNewestFirst) {
  const Job a1 = this->add(this->sync_of(1));
  const Job p1 = this->add(this->playlist_job(1, "p"));
  const Job a2 = this->add(this->sync_of(2, this->bob_));
  const Job q1 = this->add(this->playlist_job(1, "q"));
  ASSERT_EQ(this->claimed_id("w1"), a1.id);
  ASSERT_EQ(this->claimed_id("w2"), a2.id);  // p1 and q1 wait for account 1's sync
  ASSERT_TRUE(this->queue().complete(a1.id, "w1", JobState::Succeeded, "").has_value());

  EXPECT_EQ(this->ids({}), (std::vector{q1.id, a2.id, p1.id, a1.id}));
  EXPECT_EQ(this->ids({.owner_user_id = this->bob_}), std::vector{a2.id});
  EXPECT_EQ(this->ids({.owner_user_id = this->alice_}), (std::vector{q1.id, p1.id, a1.id}));
  EXPECT_EQ(this->ids({.states = {JobState::Queued}}), (std::vector{q1.id, p1.id}));
  EXPECT_EQ(this->ids({.states = {JobState::Running, JobState::Succeeded}}),
            (std::vector{a2.id, a1.id}));
  EXPECT_EQ(this->ids({.kind = JobKind::SyncPlaylist}), (std::vector{q1.id, p1.id}));
  EXPECT_EQ(this->ids({.account_id = this->account(1)}), (std::vector{q1.id, p1.id, a1.id}));
  EXPECT_EQ(this->ids({.playlist_id = "p"}), std::vector{p1.id});
  EXPECT_EQ(this->ids({.owner_user_id = this->alice_,
                       .states = {JobState::Queued},
                       .kind = JobKind::SyncPlaylist,
                       .account_id = this->account(1),
                       .playlist_id = "q"}),
            std::vector{q1.id});
  EXPECT_TRUE(this->ids({.account_id = this->account(99)}).empty());
}

TYPED_TEST(JobQueueContract, ListJobsPagesWithBeforeIdAndLimit) {
  std::vector<std::int64_t> all;
  for (int account = 1; account <= 7; ++account)
    all.push_back(this->add(this->sync_of(account)).id);
  std::reverse(all.begin(), all.end());

  std::vector<std::int64_t> paged;
  std::optional<std::int64_t> before;
  for (int page = 0; page < 10; ++page) {
    const auto ids = this->ids({.before_id = before, .limit = 3});
    if (ids.empty()) break;
    EXPECT_LE(ids.size(), 3u);
    paged.insert(paged.end(), ids.begin(), ids.end());
    before = ids.back();
  }

  EXPECT_EQ(paged, all);
  EXPECT_EQ(this->queue().list_jobs({.limit = 0}).error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(this->queue().list_jobs({.limit = 1001}).error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(this->ids({.limit = 1000}).size(), 7u);
}

TYPED_TEST(JobQueueContract, ListedJobsAreTheStoredJobsWithoutTheirCheckpoint) {
  const Job queued = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id("w1"), queued.id);
  ASSERT_TRUE(this->queue()
                  .save_progress(queued.id, "w1", {1, 2, core::ProgressUnit::Calls, "m"},
                                 std::string(100'000, 'c'), {.calls = 3})
                  .has_value());

  const auto listed = this->queue().list_jobs({});

  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  Job expected = this->job(queued.id);
  EXPECT_EQ(expected.checkpoint.size(), 100'000u);
  expected.checkpoint.clear();
  EXPECT_EQ(listed->front(), expected);
}

TYPED_TEST(JobQueueContract, NextRunAtIsTheEarliestWaitingJobOfTheKinds) {
  EXPECT_EQ(*this->queue().next_run_at({}), std::nullopt);
  core::NewJob in_a_minute = this->sync_of(1);
  in_a_minute.run_at = this->clock_.now() + seconds(60);
  core::NewJob in_an_hour = this->playlist_job(2, "p");
  in_an_hour.run_at = this->clock_.now() + std::chrono::hours(1);
  const Job minute = this->add(in_a_minute);
  this->add(in_an_hour);

  EXPECT_EQ(*this->queue().next_run_at({}), minute.run_at);
  EXPECT_EQ(*this->queue().next_run_at({JobKind::SyncPlaylist}), in_an_hour.run_at);
  this->clock_.advance(seconds(60));
  ASSERT_EQ(this->claimed_id(), minute.id);  // running jobs do not count
  EXPECT_EQ(*this->queue().next_run_at({JobKind::SyncAccount}), std::nullopt);
  EXPECT_EQ(*this->queue().next_run_at({}), in_an_hour.run_at);
}

TYPED_TEST(JobQueueContract, CountJobsCountsWaitingAndRunning) {
  const Job a = this->add(this->sync_of(1));
  const Job b = this->add(this->sync_of(2));
  this->add(this->sync_of(3));
  core::NewJob later = this->sync_of(4);
  later.run_at = this->clock_.now() + seconds(60);
  this->add(later);
  ASSERT_EQ(this->claimed_id("w1"), a.id);
  ASSERT_EQ(this->claimed_id("w2"), b.id);
  ASSERT_TRUE(this->queue().release(b.id, "w2", "shutdown").has_value());

  const auto counts = this->queue().count_jobs();

  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->queued, 3);  // b interrupted, the third, and the one not yet due
  EXPECT_EQ(counts->running, 1);
}

// ---- housekeeping ----

TYPED_TEST(JobQueueContract, DeleteFinishedBeforeDeletesOnlyJobsThatFinishedBeforeTheCutoff) {
  const Job succeeded = this->add(this->sync_of(1));
  ASSERT_EQ(this->claimed_id(), succeeded.id);
  ASSERT_TRUE(
      this->queue()
          .record_item(succeeded.id, "w1", {"p1", "P1", core::ItemOutcome::Done, std::nullopt, ""})
          .has_value());
  ASSERT_TRUE(this->queue().complete(succeeded.id, "w1", JobState::Succeeded, "").has_value());
  const Job failed = this->add(this->sync_of(2));
  ASSERT_EQ(this->claimed_id(), failed.id);
  ASSERT_TRUE(this->queue()
                  .fail(failed.id, "w1", core::make_error(ErrorCode::Forbidden, "no"), {})
                  .has_value());
  const Job cancelled = this->add(this->sync_of(3));
  ASSERT_TRUE(this->queue().cancel(cancelled.id).has_value());
  const Job running = this->add(this->sync_of(4));
  const auto long_lease = this->queue().claim("w2", {}, std::chrono::hours(24 * 365));
  ASSERT_TRUE(long_lease.has_value() && long_lease->has_value());
  ASSERT_EQ((*long_lease)->id, running.id);
  core::NewJob next_year = this->sync_of(5);
  next_year.run_at = this->clock_.now() + std::chrono::hours(24 * 365);
  const Job waiting = this->add(next_year);
  this->clock_.advance(std::chrono::hours(1));
  const core::TimePoint cutoff = this->clock_.now();
  const Job at_the_cutoff = this->add(this->sync_of(6));
  ASSERT_EQ(this->claimed_id(), at_the_cutoff.id);
  ASSERT_TRUE(this->queue().complete(at_the_cutoff.id, "w1", JobState::Succeeded, "").has_value());
  this->clock_.advance(std::chrono::hours(24 * 30));

  const auto deleted = this->queue().delete_finished_before(cutoff);

  ASSERT_TRUE(deleted.has_value()) << deleted.error().message;
  EXPECT_EQ(*deleted, 3);
  for (const auto& gone : {succeeded, failed, cancelled})
    EXPECT_EQ(*this->queue().find_job(gone.id), std::nullopt) << "job " << gone.id;
  // Unfinished jobs stay however old they are, and so do jobs that finished at the cutoff.
  EXPECT_EQ(this->ids({}), (std::vector{at_the_cutoff.id, waiting.id, running.id}));
  EXPECT_EQ(this->job(running.id).state, JobState::Running);
  EXPECT_EQ(*this->queue().delete_finished_before(cutoff), 0);
}

// ---- two workers at once ----

TYPED_TEST(JobQueueContract, TwoWorkersClaimingAtOnceNeverGetTheSameJob) {
  constexpr int kJobs = 200;
  for (int account = 1; account <= kJobs; ++account) this->add(this->sync_of(account));
  // Two handles, as two processes on one database would have.
  auto first = this->backend_.open(this->clock_);
  auto second = this->backend_.open(this->clock_);
  std::latch start(2);
  std::vector<std::int64_t> claimed[2];
  std::vector<core::Error> errors[2];
  auto drain = [&](core::JobQueue& queue, int worker) {
    start.arrive_and_wait();
    for (;;) {
      auto job = queue.claim("worker-" + std::to_string(worker), {}, kLease);
      if (!job) {
        errors[worker].push_back(job.error());
        if (errors[worker].size() > 50) return;  // a broken backend fails below, not forever
        continue;
      }
      if (!job->has_value()) return;
      claimed[worker].push_back((*job)->id);
    }
  };

  {
    std::jthread one([&] { drain(*first, 0); });
    std::jthread two([&] { drain(*second, 1); });
  }

  EXPECT_TRUE(errors[0].empty()) << errors[0].front().message;
  EXPECT_TRUE(errors[1].empty()) << errors[1].front().message;
  std::set<std::int64_t> distinct(claimed[0].begin(), claimed[0].end());
  distinct.insert(claimed[1].begin(), claimed[1].end());
  EXPECT_EQ(claimed[0].size() + claimed[1].size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(this->queue().count_jobs()->running, kJobs);
}

TYPED_TEST(JobQueueContract, TwoWorkersClaimingAtOnceNeverRunConflictingJobs) {
  // Keys that conflict every way: accounts, their playlists, one playlist asked for several times.
  for (int round = 0; round < 8; ++round) {
    for (int account = 1; account <= 3; ++account) {
      this->add(this->sync_of(account));
      this->add(this->playlist_job(account, "a"));
      this->add(this->playlist_job(account, "b"));
    }
  }
  constexpr std::size_t kJobs = 8 * 3 * 3;
  // Two handles, as two processes on one database would have.
  std::shared_ptr<core::JobQueue> handles[] = {this->backend_.open(this->clock_),
                                               this->backend_.open(this->clock_)};
  std::mutex mutex;
  std::condition_variable finished_one;
  std::size_t finished = 0;
  std::vector<std::string> running;  ///< keys of the jobs the workers hold now
  std::vector<std::string> problems;
  std::vector<std::int64_t> claimed;
  std::latch start(2);
  auto work = [&](core::JobQueue& queue, const std::string& worker) {
    start.arrive_and_wait();
    for (int errors = 0; errors < 10;) {
      std::unique_lock lock(mutex);
      if (finished == kJobs) return;
      const std::size_t seen = finished;
      lock.unlock();
      auto job = queue.claim(worker, {}, kLease);
      lock.lock();
      if (!job) {
        problems.push_back(worker + ": " + job.error().message);
        ++errors;
        continue;
      }
      if (!job->has_value()) {
        // The other worker holds a job that conflicts with every due one: wait until it finishes
        // one. The timeout only ends a broken run instead of hanging it.
        if (!finished_one.wait_for(lock, std::chrono::seconds(30),
                                   [&] { return finished != seen; })) {
          problems.push_back(worker + ": nothing to claim while nothing ran");
          return;
        }
        continue;
      }
      const Job held = **job;
      claimed.push_back(held.id);
      for (const auto& key : running) {
        if (core::jobs_conflict(key, held.concurrency_key))
          problems.push_back(held.concurrency_key + " ran beside " + key);
      }
      running.push_back(held.concurrency_key);
      lock.unlock();
      const auto beat = queue.heartbeat(held.id, worker, kLease);  // a step of the job
      lock.lock();
      running.erase(std::find(running.begin(), running.end(), held.concurrency_key));
      lock.unlock();
      const auto done = queue.complete(held.id, worker, JobState::Succeeded, "");
      lock.lock();
      if (!beat || !done) problems.push_back(worker + ": job " + std::to_string(held.id));
      ++finished;
      finished_one.notify_all();
    }
  };

  {
    std::jthread one([&] { work(*handles[0], "worker-0"); });
    std::jthread two([&] { work(*handles[1], "worker-1"); });
  }

  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(claimed.size(), kJobs);
  EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(), kJobs);
  EXPECT_EQ(this->queue().count_jobs()->queued, 0);
}

TYPED_TEST(JobQueueContract, AJobOfAProcessThatDiedIsInterruptedOnceItsLeaseRunsOut) {
  const Job queued = this->add(this->sync_of(1));
  {
    // Another process claims the job, saves a step, and dies: its store goes without a word.
    auto died = this->backend_.open(this->clock_);
    const auto claimed = died->claim("died", {}, kLease);
    ASSERT_TRUE(claimed.has_value() && claimed->has_value());
    ASSERT_TRUE(died->save_progress(queued.id, "died", {1, 3, core::ProgressUnit::Playlists, "1"},
                                    "listing", {.calls = 2})
                    .has_value());
  }
  auto restarted = this->backend_.open(this->clock_);
  this->clock_.advance(kLease - milliseconds(1));
  EXPECT_EQ(*restarted->recover_expired_leases(), 0);  // it might only be slow
  this->clock_.advance(milliseconds(1));

  EXPECT_EQ(*restarted->recover_expired_leases(), 1);

  EXPECT_EQ(this->job(queued.id).state, JobState::Interrupted);
  const auto resumed = restarted->claim("restarted", {}, kLease);
  ASSERT_TRUE(resumed.has_value() && resumed->has_value());
  EXPECT_EQ((*resumed)->id, queued.id);
  EXPECT_EQ((*resumed)->attempts, 2);
  EXPECT_EQ((*resumed)->checkpoint, "listing");
  EXPECT_EQ((*resumed)->api.calls, 2);
  EXPECT_EQ(this->history(queued.id),
            (std::vector{JobEventKind::Enqueued, JobEventKind::Started, JobEventKind::Interrupted,
                         JobEventKind::Resumed}));
}

}  // namespace
}  // namespace plm::contract
