#include "app/worker.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "app/services.hpp"
#include "support/fakes.hpp"
#include "support/flag.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::app {
namespace {

using core::ErrorCode;
using core::Job;
using core::JobEventKind;
using core::JobKind;
using core::JobState;
using std::chrono::milliseconds;
using std::chrono::seconds;
using test_support::InMemoryJobQueue;
using test_support::ManualClock;

/// Waits by the manual clock: returns when woken, stopped, or when the test has moved the clock
/// past the deadline (and woken it). Remembers the deadlines it was given.
class ManualWaiter final : public Waiter {
 public:
  explicit ManualWaiter(const ManualClock& clock) : clock_(clock) {}
  std::uint64_t epoch() const override {
    std::lock_guard lock(mutex_);
    return epoch_;
  }
  void wait_until(core::TimePoint deadline, std::uint64_t seen, std::stop_token stop) override {
    std::unique_lock lock(mutex_);
    deadlines_.push_back(deadline);
    changed_.wait(lock, stop, [&] { return epoch_ != seen || clock_.now() >= deadline; });
  }
  void wake() override {
    {
      std::lock_guard lock(mutex_);
      ++epoch_;
    }
    changed_.notify_all();
  }
  std::vector<core::TimePoint> deadlines() const {
    std::lock_guard lock(mutex_);
    return deadlines_;
  }

 private:
  const ManualClock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::uint64_t epoch_ = 0;
  std::vector<core::TimePoint> deadlines_;
};

class WorkerTest : public ::testing::Test {
 protected:
  /// A worker whose sync_account handler is `handler` (set by each test before it runs).
  Worker& worker(WorkerOptions options = {}) {
    options.name = options.name.empty() ? "test" : options.name;
    workers_.push_back(std::make_unique<Worker>(
        queue_,
        JobHandlers{
            {JobKind::SyncAccount, [this](JobContext& context) { return handler_(context); }}},
        clock_, waiter_, options,
        WorkerHooks{.publish =
                        [this](const Job& job) {
                          std::lock_guard lock(hooks_mutex_);  // worker threads publish at once
                          published_.push_back(job);
                        },
                    .on_error =
                        [this](const std::string& what, const core::Error&) {
                          std::lock_guard lock(hooks_mutex_);
                          errors_.push_back(what);
                        }}));
    return *workers_.back();
  }

  Job enqueue(std::int64_t account = 1, JobKind kind = JobKind::SyncAccount) {
    auto enqueued =
        queue_.enqueue(core::NewJob{.kind = kind,
                                    .owner_user_id = 1,
                                    .account_id = account,
                                    .concurrency_key = core::concurrency_key_for_account(account),
                                    .unit = core::ProgressUnit::Playlists});
    EXPECT_TRUE(enqueued.has_value());
    return enqueued->job;
  }

  core::JobDetails details(std::int64_t id) { return queue_.find_job(id)->value(); }
  Job job(std::int64_t id) { return details(id).job; }
  std::vector<JobEventKind> history(std::int64_t id) {
    std::vector<JobEventKind> kinds;
    for (const auto& event : details(id).history) kinds.push_back(event.kind);
    return kinds;
  }

  ManualClock clock_;
  InMemoryJobQueue queue_{clock_};
  ManualWaiter waiter_{clock_};
  std::function<JobResult(JobContext&)> handler_ = [](JobContext&) {
    return JobResult::succeeded("done");
  };
  std::mutex hooks_mutex_;
  std::vector<Job> published_;
  std::vector<std::string> errors_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

core::JobProgress step(std::int64_t done, std::int64_t total = 10) {
  return core::JobProgress{done, total, core::ProgressUnit::Playlists,
                           "step " + std::to_string(done)};
}

TEST_F(WorkerTest, RunsAJobToSuccessWithItsProgressItemsAndCalls) {
  const Job queued = enqueue();
  handler_ = [&](JobContext& context) {
    EXPECT_EQ(context.job().id, queued.id);
    EXPECT_EQ(context.job().state, JobState::Running);
    EXPECT_TRUE(context.earlier_items().empty());
    context.report(step(1), "checkpoint-1");
    context.record_item({"p1", "P1", core::ItemOutcome::Done, std::nullopt, "read 3 tracks"});
    context.count_api({.calls = 4, .retries = 1});
    context.report(step(2));
    return JobResult::succeeded("synced 2 playlists");
  };

  EXPECT_TRUE(worker().run_one());

  const core::JobDetails done = details(queued.id);
  EXPECT_EQ(done.job.state, JobState::Succeeded);
  EXPECT_EQ(done.job.progress.message, "synced 2 playlists");
  EXPECT_EQ(done.job.progress.done, 2);
  EXPECT_EQ(done.job.checkpoint, "checkpoint-1");
  EXPECT_EQ(done.job.api, (core::ApiCounters{.calls = 4, .retries = 1}));
  ASSERT_EQ(done.items.size(), 1u);
  EXPECT_EQ(done.items[0].key, "p1");
  EXPECT_EQ(done.job.lease_owner, "");
  EXPECT_EQ(done.history[1].message, "attempt 1 of 5");
  EXPECT_FALSE(workers_.back()->run_one());  // nothing left
  EXPECT_TRUE(errors_.empty());
}

TEST_F(WorkerTest, PublishesTheClaimedStateProgressAndTheFinalState) {
  const Job queued = enqueue();
  handler_ = [&](JobContext& context) {
    for (int done = 1; done <= 100; ++done) {
      clock_.advance(milliseconds(50));
      context.report(step(done, 100));
    }
    return JobResult::succeeded("done");
  };

  ASSERT_TRUE(worker().run_one());

  ASSERT_GE(published_.size(), 3u);
  EXPECT_EQ(published_.front().state, JobState::Running);
  EXPECT_EQ(published_.front().progress.done, 0);
  EXPECT_EQ(published_.back().state, JobState::Succeeded);
  EXPECT_EQ(published_.back().id, queued.id);
  // 5 s of progress at 50 ms a step: one update per 200 ms, plus the first and the last.
  EXPECT_LE(published_.size(), 2u + 25u);
  EXPECT_GE(published_.size(), 2u + 20u);
  EXPECT_EQ(job(queued.id).progress.done, 100);  // the last report was saved before completing
}

TEST_F(WorkerTest, ProgressIsSavedAtMostEveryIntervalButACheckpointAtOnce) {
  const Job queued = enqueue();
  handler_ = [&](JobContext& context) {
    context.report(step(1));  // the first report is saved
    EXPECT_EQ(job(queued.id).progress.done, 1);
    context.report(step(2));  // within the interval: not yet
    EXPECT_EQ(job(queued.id).progress.done, 1);
    context.report(step(3), "after-3");  // a checkpoint: now
    EXPECT_EQ(job(queued.id).progress.done, 3);
    EXPECT_EQ(job(queued.id).checkpoint, "after-3");
    context.report(step(4));
    clock_.advance(milliseconds(200));
    context.report(step(5));
    EXPECT_EQ(job(queued.id).progress.done, 5);
    return JobResult::succeeded("done");
  };

  ASSERT_TRUE(worker().run_one());
}

TEST_F(WorkerTest, ClaimsOnlyTheKindsItHasHandlersFor) {
  enqueue(1, JobKind::SyncPlaylist);

  EXPECT_FALSE(worker().run_one());
  EXPECT_EQ(queue_.count_jobs()->queued, 1);
}

TEST_F(WorkerTest, ARetryableFailureRunsAgainAfterTheBackoff) {
  const Job queued = enqueue();
  int runs = 0;
  handler_ = [&](JobContext& context) {
    ++runs;
    EXPECT_EQ(context.job().attempts, runs);
    if (runs == 1) return JobResult::failed(core::make_error(ErrorCode::Unavailable, "502"));
    return JobResult::succeeded("done");
  };
  Worker& w = worker();

  ASSERT_TRUE(w.run_one());
  const Job waiting = job(queued.id);
  EXPECT_EQ(waiting.state, JobState::Queued);
  EXPECT_EQ(waiting.run_at, clock_.now() + seconds(1));  // 1^4 s
  EXPECT_EQ(waiting.error->message, "502");
  EXPECT_FALSE(w.run_one());
  clock_.advance(seconds(1));
  ASSERT_TRUE(w.run_one());

  EXPECT_EQ(runs, 2);
  EXPECT_EQ(job(queued.id).state, JobState::Succeeded);
  EXPECT_EQ(history(queued.id), (std::vector{JobEventKind::Enqueued, JobEventKind::Started,
                                             JobEventKind::RetryScheduled, JobEventKind::Resumed,
                                             JobEventKind::Succeeded}));
}

TEST_F(WorkerTest, ARateLimitRetriesWhenSpotifySaid) {
  const Job queued = enqueue();
  handler_ = [&](JobContext&) {
    core::Error limited = core::make_error(ErrorCode::RateLimited, "wait");
    limited.retry_at = clock_.now() + seconds(90);
    return JobResult::failed(limited);
  };

  ASSERT_TRUE(worker().run_one());

  EXPECT_EQ(job(queued.id).run_at, clock_.now() + seconds(90));
}

TEST_F(WorkerTest, AFailureThatCannotBeRetriedOrTheLastAttemptFailsForGood) {
  const Job reauth = enqueue(1);
  auto last_try_request = core::NewJob{.kind = JobKind::SyncAccount,
                                       .owner_user_id = 1,
                                       .account_id = 2,
                                       .concurrency_key = "account/2",
                                       .max_attempts = 1};
  const Job last_try = queue_.enqueue(last_try_request)->job;
  handler_ = [&](JobContext& context) {
    return JobResult::failed(context.job().id == reauth.id
                                 ? core::make_error(ErrorCode::NeedsReauth, "revoked")
                                 : core::make_error(ErrorCode::Unavailable, "502"));
  };
  Worker& w = worker();

  ASSERT_TRUE(w.run_one());
  ASSERT_TRUE(w.run_one());

  EXPECT_EQ(job(reauth.id).state, JobState::Failed);
  EXPECT_EQ(job(reauth.id).error->code, ErrorCode::NeedsReauth);
  EXPECT_EQ(job(last_try.id).state, JobState::Failed);
  EXPECT_EQ(job(last_try.id).error->code, ErrorCode::Unavailable);
}

TEST_F(WorkerTest, AHandlerThatThrowsFailsItsJob) {
  const Job queued = enqueue();
  handler_ = [](JobContext&) -> JobResult { throw std::runtime_error("disk on fire"); };

  ASSERT_TRUE(worker().run_one());

  const Job failed = job(queued.id);
  EXPECT_EQ(failed.state, JobState::Failed);
  EXPECT_EQ(failed.error->code, ErrorCode::Internal);
  EXPECT_NE(failed.error->message.find("disk on fire"), std::string::npos);
}

TEST_F(WorkerTest, ACancelIsSeenAtTheNextSaveOfProgress) {
  const Job queued = enqueue();
  int steps = 0;
  handler_ = [&](JobContext& context) {
    for (; steps < 10 && !context.stop_token().stop_requested(); ++steps) {
      if (steps == 3) {
        EXPECT_TRUE(queue_.cancel(queued.id).has_value());
      }
      clock_.advance(milliseconds(200));
      context.report(step(steps));
    }
    return context.stop_token().stop_requested() ? JobResult::stopped()
                                                 : JobResult::succeeded("all done");
  };

  ASSERT_TRUE(worker().run_one());

  EXPECT_EQ(steps, 4);
  EXPECT_EQ(job(queued.id).state, JobState::Cancelled);
  EXPECT_EQ(history(queued.id),
            (std::vector{JobEventKind::Enqueued, JobEventKind::Started,
                         JobEventKind::CancelRequested, JobEventKind::Cancelled}));
}

TEST_F(WorkerTest, ACancelIsSeenAtTheNextHeartbeat) {
  const Job queued = enqueue();
  bool stopped = false;
  handler_ = [&](JobContext& context) {
    EXPECT_TRUE(queue_.cancel(queued.id).has_value());
    workers_.back()->heartbeat_due();  // not due yet
    EXPECT_FALSE(context.stop_token().stop_requested());
    clock_.advance(seconds(10));
    workers_.back()->heartbeat_due();
    stopped = context.stop_token().stop_requested();
    return JobResult::stopped();
  };

  ASSERT_TRUE(worker().run_one());

  EXPECT_TRUE(stopped);
  EXPECT_EQ(job(queued.id).state, JobState::Cancelled);
}

TEST_F(WorkerTest, ACancelAnnouncedByThisProcessIsSeenAtOnce) {
  const Job queued = enqueue();
  const Job other = enqueue(2);
  bool stopped = false;
  handler_ = [&](JobContext& context) {
    EXPECT_TRUE(queue_.cancel(queued.id).has_value());
    workers_.back()->cancel_requested(other.id);  // not running here: nothing happens
    EXPECT_FALSE(context.stop_token().stop_requested());
    workers_.back()->cancel_requested(queued.id);  // no save, no heartbeat, no time passed
    stopped = context.stop_token().stop_requested();
    return JobResult::stopped();
  };

  ASSERT_TRUE(worker().run_one());

  EXPECT_TRUE(stopped);
  EXPECT_EQ(job(queued.id).state, JobState::Cancelled);
  EXPECT_EQ(job(other.id).state, JobState::Queued);
}

TEST_F(WorkerTest, HeartbeatsKeepTheLeaseOfALongJob) {
  const Job queued = enqueue();
  handler_ = [&](JobContext& context) {
    for (int i = 0; i < 6; ++i) {  // a minute, twice the lease
      clock_.advance(seconds(10));
      workers_.back()->heartbeat_due();
      EXPECT_EQ(*queue_.claim("thief", {}, seconds(30)), std::nullopt);
    }
    EXPECT_FALSE(context.stop_token().stop_requested());
    return JobResult::succeeded("done");
  };

  ASSERT_TRUE(worker().run_one());

  EXPECT_EQ(job(queued.id).state, JobState::Succeeded);
  EXPECT_EQ(job(queued.id).attempts, 1);
}

TEST_F(WorkerTest, AWorkerThatLostItsLeaseStopsAndWritesNothing) {
  const Job queued = enqueue();
  handler_ = [&](JobContext& context) {
    clock_.advance(seconds(31));  // stalled: no heartbeat, and another worker takes the job
    EXPECT_TRUE(queue_.claim("successor", {}, seconds(30))->has_value());
    context.report(step(9), "stale checkpoint");
    EXPECT_TRUE(context.stop_token().stop_requested());
    context.record_item({"p1", "P1", core::ItemOutcome::Done, std::nullopt, ""});
    return JobResult::succeeded("finished anyway");
  };

  ASSERT_TRUE(worker().run_one());

  const core::JobDetails now = details(queued.id);
  EXPECT_EQ(now.job.state, JobState::Running);
  EXPECT_EQ(now.job.lease_owner, "successor");
  EXPECT_EQ(now.job.checkpoint, "");
  EXPECT_TRUE(now.items.empty());
  EXPECT_TRUE(errors_.empty());  // a lost lease is not an error to report
}

TEST_F(WorkerTest, AWorkerThatCannotRenewItsLeaseStopsOnceItRunsOut) {
  const Job queued = enqueue();
  handler_ = [&](JobContext& context) {
    queue_.set_unreachable(true);
    clock_.advance(seconds(10));
    workers_.back()->heartbeat_due();
    EXPECT_FALSE(context.stop_token().stop_requested());  // 20 s of lease left
    clock_.advance(seconds(20));
    workers_.back()->heartbeat_due();
    EXPECT_TRUE(context.stop_token().stop_requested());  // another worker may have it now
    return JobResult::stopped();
  };

  ASSERT_TRUE(worker().run_one());
  queue_.set_unreachable(false);

  ASSERT_GE(errors_.size(), 2u);  // both heartbeats (and reading the final state to publish it)
  EXPECT_NE(errors_[0].find("renew the lease"), std::string::npos);
  EXPECT_NE(errors_[1].find("renew the lease"), std::string::npos);
  EXPECT_EQ(job(queued.id).state, JobState::Running);  // the next claim finds it expired
  EXPECT_EQ(*queue_.recover_expired_leases(), 1);
}

TEST_F(WorkerTest, ShutdownReleasesARunningJobAndTheNextWorkerResumesIt) {
  const Job queued = enqueue();
  handler_ = [&](JobContext& context) {
    context.report(step(3), "after-3");
    context.record_item({"p1", "P1", core::ItemOutcome::Done, std::nullopt, ""});
    context.count_api({.calls = 5});
    workers_.back()->request_shutdown();  // as SIGTERM would, from another thread
    EXPECT_TRUE(context.stop_token().stop_requested());
    return JobResult::stopped();
  };
  Worker& first = worker({.name = "first"});

  ASSERT_TRUE(first.run_one());
  EXPECT_FALSE(first.run_one());  // a worker shutting down claims nothing

  EXPECT_EQ(job(queued.id).state, JobState::Interrupted);
  EXPECT_EQ(details(queued.id).history.back().message, "the worker stopped (shutdown)");
  EXPECT_EQ(published_.back().state, JobState::Interrupted);

  handler_ = [&](JobContext& context) {
    EXPECT_EQ(context.job().attempts, 2);
    EXPECT_EQ(context.job().checkpoint, "after-3");
    EXPECT_EQ(context.job().progress.done, 3);
    EXPECT_EQ(context.earlier_items().size(), 1u);
    context.count_api({.calls = 2});
    return JobResult::succeeded("done");
  };
  ASSERT_TRUE(worker({.name = "second"}).run_one());

  EXPECT_EQ(job(queued.id).state, JobState::Succeeded);
  EXPECT_EQ(job(queued.id).api.calls, 7);
  EXPECT_EQ(history(queued.id),
            (std::vector{JobEventKind::Enqueued, JobEventKind::Started, JobEventKind::Interrupted,
                         JobEventKind::Resumed, JobEventKind::Succeeded}));
}

TEST_F(WorkerTest, AnIdleThreadSleepsUntilTheNextRunAtOrThePollInterval) {
  Worker& w = worker({.poll_interval = seconds(5)});
  EXPECT_EQ(w.idle_deadline(), clock_.now() + seconds(5));  // nothing queued

  auto later = core::NewJob{.kind = JobKind::SyncAccount,
                            .owner_user_id = 1,
                            .concurrency_key = "account/1",
                            .run_at = clock_.now() + seconds(2)};
  ASSERT_TRUE(queue_.enqueue(later).has_value());
  EXPECT_EQ(w.idle_deadline(), clock_.now() + seconds(2));

  clock_.advance(seconds(3));  // due, but say it waits for a conflicting job elsewhere
  EXPECT_EQ(w.idle_deadline(), clock_.now() + seconds(5));
}

TEST_F(WorkerTest, ThreadsRunWhatIsEnqueuedWhenWokenAndStopCleanly) {
  std::atomic<int> done = 0;
  test_support::Flag all_done;
  handler_ = [&](JobContext&) {
    if (++done == 4) all_done.set();
    return JobResult::succeeded("done");
  };
  Worker& w = worker({.threads = 2});
  w.start();

  for (int account = 1; account <= 4; ++account) enqueue(account);
  w.wake();

  ASSERT_TRUE(all_done.wait());
  w.stop();
  EXPECT_EQ(done, 4);
  EXPECT_EQ(queue_.count_jobs()->queued, 0);
  EXPECT_EQ(queue_.count_jobs()->running, 0);
  EXPECT_EQ(queue_.list_jobs({.states = {JobState::Succeeded}})->size(), 4u);
}

TEST_F(WorkerTest, StoppingTheThreadsReleasesTheRunningJob) {
  const Job queued = enqueue();
  test_support::Flag started;
  handler_ = [&](JobContext& context) {
    started.set();
    std::mutex mutex;
    std::condition_variable_any never;
    std::unique_lock lock(mutex);
    never.wait(lock, context.stop_token(), [] { return false; });  // a step that ends on stop
    return JobResult::stopped();
  };
  Worker& w = worker({.threads = 1});
  w.start();
  w.wake();
  ASSERT_TRUE(started.wait());

  w.stop();

  EXPECT_EQ(job(queued.id).state, JobState::Interrupted);
  EXPECT_EQ(job(queued.id).attempts, 1);
}

TEST(ConditionWaiter, ReturnsWhenWokenAtItsDeadlineOrWhenStopped) {
  SystemClock clock;
  ConditionWaiter waiter(clock);
  const auto far = clock.now() + std::chrono::hours(1);

  waiter.wait_until(clock.now() - seconds(1), waiter.epoch(), {});  // past: at once

  const auto seen = waiter.epoch();
  waiter.wake();
  waiter.wait_until(far, seen, {});  // woken before it waited: at once

  test_support::Flag returned;
  std::jthread sleeper([&](std::stop_token stop) {
    waiter.wait_until(far, waiter.epoch(), stop);
    returned.set();
  });
  sleeper.request_stop();
  EXPECT_TRUE(returned.wait());

  test_support::Flag woken;
  std::jthread other([&] {
    const auto before = waiter.epoch();
    woken.set();
    waiter.wait_until(far, before, {});
  });
  ASSERT_TRUE(woken.wait());
  waiter.wake();  // the thread returns (before or during its wait) and joins
}

}  // namespace
}  // namespace plm::app
