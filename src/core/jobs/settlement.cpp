#include "core/jobs/settlement.hpp"

#include <algorithm>

#include "core/ports/clock.hpp"

namespace plm::core {

namespace {

Settlement cancelled(std::vector<EventToAdd> events, std::string message) {
  events.push_back({JobEventKind::Cancelled, std::move(message)});
  return Settlement{.state = JobState::Cancelled, .events = std::move(events)};
}

Settlement failed(std::vector<EventToAdd> events, Error error) {
  events.push_back({JobEventKind::Failed, error.message});
  return Settlement{.state = JobState::Failed, .events = std::move(events), .error = error};
}

}  // namespace

std::string describe_enqueued(const Job& job) {
  return job.run_at > job.created_at ? "runs at " + format_utc(job.run_at) : "";
}

std::string describe_attempt(const Job& job) {
  return "attempt " + std::to_string(job.attempts) + " of " + std::to_string(job.max_attempts);
}

Settlement settle_expired_lease(const Job& job) {
  std::vector<EventToAdd> events{
      {JobEventKind::Interrupted, "its worker stopped (the lease expired)"}};
  if (job.cancel_requested) return cancelled(std::move(events), "cancelled");
  if (job.attempts >= job.max_attempts) {
    return failed(std::move(events),
                  make_error(ErrorCode::Internal,
                             "its worker stopped during the last " + describe_attempt(job)));
  }
  return Settlement{.state = JobState::Interrupted, .events = std::move(events)};
}

Settlement settle_release(const Job& job, const std::string& reason,
                          int releases_without_progress) {
  std::vector<EventToAdd> events{{JobEventKind::Interrupted, reason}};
  if (job.cancel_requested) return cancelled(std::move(events), "cancelled");
  if (releases_without_progress >= kMaxReleasesWithoutProgress) {
    return failed(
        std::move(events),
        make_error(ErrorCode::Internal, "stopped " + std::to_string(releases_without_progress) +
                                            " times in a row without progress"));
  }
  return Settlement{.state = JobState::Interrupted, .events = std::move(events)};
}

Settlement settle_failure(const Job& job, const Error& error, std::optional<TimePoint> retry_at,
                          TimePoint now) {
  if (!retry_at) return failed({}, error);
  if (job.cancel_requested) {
    Settlement settlement = cancelled({}, "cancelled after: " + error.message);
    settlement.error = error;
    return settlement;
  }
  const TimePoint run_at = std::max(*retry_at, now);
  return Settlement{.state = JobState::Queued,
                    .events = {{JobEventKind::RetryScheduled,
                                error.message + " (retry at " + format_utc(run_at) + ")"}},
                    .error = error,
                    .run_at = run_at};
}

}  // namespace plm::core
