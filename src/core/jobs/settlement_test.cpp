#include "core/jobs/settlement.hpp"

#include <gtest/gtest.h>

namespace plm::core {
namespace {

using std::chrono::seconds;

const TimePoint kSettledNow{seconds{1'793'491'200}};  // 2026-11-01T00:00:00Z

Job running_job(int attempts, int max_attempts = 5, bool cancel_requested = false) {
  Job job;
  job.state = JobState::Running;
  job.attempts = attempts;
  job.max_attempts = max_attempts;
  job.cancel_requested = cancel_requested;
  return job;
}

std::vector<JobEventKind> kinds_of(const Settlement& settlement) {
  std::vector<JobEventKind> kinds;
  for (const auto& event : settlement.events) kinds.push_back(event.kind);
  return kinds;
}

TEST(Settlement, AnExpiredLeaseInterruptsCancelsOrFailsAtMaxAttempts) {
  const Settlement interrupted = settle_expired_lease(running_job(1));
  const Settlement cancelled = settle_expired_lease(running_job(5, 5, /*cancel_requested=*/true));
  const Settlement failed = settle_expired_lease(running_job(5));

  EXPECT_EQ(interrupted.state, JobState::Interrupted);
  EXPECT_EQ(kinds_of(interrupted), std::vector{JobEventKind::Interrupted});
  EXPECT_FALSE(interrupted.error.has_value());
  EXPECT_EQ(cancelled.state, JobState::Cancelled);
  EXPECT_EQ(kinds_of(cancelled), (std::vector{JobEventKind::Interrupted, JobEventKind::Cancelled}));
  EXPECT_EQ(failed.state, JobState::Failed);
  EXPECT_EQ(kinds_of(failed), (std::vector{JobEventKind::Interrupted, JobEventKind::Failed}));
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_EQ(failed.error->code, ErrorCode::Internal);
  EXPECT_EQ(failed.error->message, "its worker stopped during the last attempt 5 of 5");
}

TEST(Settlement, AReleaseFailsOnlyAfterTooManyInARowWithoutProgress) {
  // Attempts past max_attempts do not matter to a release: restarts are not the job's fault.
  const Job job = running_job(/*attempts=*/9);
  const Settlement released = settle_release(job, "shutdown", kMaxReleasesWithoutProgress - 1);
  const Settlement failed = settle_release(job, "shutdown", kMaxReleasesWithoutProgress);
  const Settlement cancelled = settle_release(running_job(1, 5, true), "shutdown", 99);

  EXPECT_EQ(released.state, JobState::Interrupted);
  ASSERT_EQ(released.events.size(), 1u);
  EXPECT_EQ(released.events[0], (EventToAdd{JobEventKind::Interrupted, "shutdown"}));
  EXPECT_EQ(failed.state, JobState::Failed);
  EXPECT_EQ(kinds_of(failed), (std::vector{JobEventKind::Interrupted, JobEventKind::Failed}));
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_EQ(failed.error->message, "stopped 5 times in a row without progress");
  EXPECT_EQ(cancelled.state, JobState::Cancelled);
}

TEST(Settlement, AFailureIsQueuedAgainAtItsRetryTimeUnlessCancelledOrFinal) {
  const Error error = make_error(ErrorCode::Unavailable, "502");

  const Settlement final = settle_failure(running_job(1), error, std::nullopt, kSettledNow);
  const Settlement later =
      settle_failure(running_job(1), error, kSettledNow + seconds(16), kSettledNow);
  const Settlement past =
      settle_failure(running_job(1), error, kSettledNow - seconds(1), kSettledNow);
  const Settlement cancelled =
      settle_failure(running_job(1, 5, true), error, kSettledNow, kSettledNow);

  EXPECT_EQ(final.state, JobState::Failed);
  EXPECT_EQ(final.error->message, "502");
  EXPECT_EQ(later.state, JobState::Queued);
  EXPECT_EQ(later.run_at, kSettledNow + seconds(16));
  EXPECT_EQ(kinds_of(later), std::vector{JobEventKind::RetryScheduled});
  EXPECT_EQ(later.events[0].message, "502 (retry at 2026-11-01T00:00:16Z)");
  EXPECT_EQ(past.run_at, kSettledNow);
  EXPECT_EQ(cancelled.state, JobState::Cancelled);
  EXPECT_EQ(cancelled.error->message, "502");  // the cause stays with the job
}

TEST(Settlement, DescribesWhenAJobRunsAndWhichAttemptItIs) {
  Job job = running_job(2, 5);
  job.created_at = kSettledNow;
  job.run_at = kSettledNow;
  EXPECT_EQ(describe_enqueued(job), "");
  job.run_at = kSettledNow + seconds(60);
  EXPECT_EQ(describe_enqueued(job), "runs at 2026-11-01T00:01:00Z");
  EXPECT_EQ(describe_attempt(job), "attempt 2 of 5");
}

}  // namespace
}  // namespace plm::core
