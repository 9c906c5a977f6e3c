#pragma once
/// What becomes of a running job that stops without completing: its lease expired (the process
/// died), its worker released it (shutdown), or its handler failed. Every JobQueue implementation
/// applies these decisions as they are, so they agree on every way back to "ready to run", on a
/// cancel winning over all of them, and on when a job has been tried enough (job_queue.hpp).

#include <optional>
#include <string>
#include <vector>

#include "core/jobs/job.hpp"
#include "core/result.hpp"

namespace plm::core {

/// A job released this many times in a row without progress in between (no progress, checkpoint
/// or item saved) fails instead of being queued again: a job that keeps a server from stopping
/// cleanly, or that a supervisor keeps restarting the server over, must not come back forever.
/// A release counts as an attempt like any claim, but only lease expiries and failures are held
/// to max_attempts: a server restarted for an upgrade does not use up a long job's attempts.
inline constexpr int kMaxReleasesWithoutProgress = 5;

/// One line for the job's history; the queue stamps it with the time it applies the settlement.
struct EventToAdd {
  JobEventKind kind = JobEventKind::Interrupted;
  std::string message;

  bool operator==(const EventToAdd&) const = default;
};

/// A running job's new state (its lease ends), what its history gains, in order, and what else
/// changes.
struct Settlement {
  JobState state = JobState::Interrupted;
  std::vector<EventToAdd> events;
  std::optional<Error> error;       ///< the job's error from now on; nullopt: it keeps its error
  std::optional<TimePoint> run_at;  ///< queued again to run then; nullopt: run_at is unchanged
};

/// The message of a new job's Enqueued event: when it runs, if not at once.
std::string describe_enqueued(const Job& job);

/// "attempt 2 of 5", for the Started and Resumed events of a claim (after `attempts` counted it).
std::string describe_attempt(const Job& job);

/// Its lease expired and a claim (or recover_expired_leases) takes the job away: Interrupted,
/// Cancelled when a cancel was asked, Failed when it has used max_attempts.
Settlement settle_expired_lease(const Job& job);

/// Its worker released it (shutdown) with `reason`; `releases_without_progress` counts this
/// release and the ones before it since the job last made progress. Interrupted (claimable again
/// at once), Cancelled when a cancel was asked, Failed at kMaxReleasesWithoutProgress.
Settlement settle_release(const Job& job, const std::string& reason, int releases_without_progress);

/// Its handler failed with `error` (kept as the job's error). Without `retry_at`: Failed for good.
/// With: queued again at `retry_at` (at `now` when that is in the past), or Cancelled when a
/// cancel was asked.
Settlement settle_failure(const Job& job, const Error& error, std::optional<TimePoint> retry_at,
                          TimePoint now);

}  // namespace plm::core
