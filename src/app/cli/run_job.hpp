#pragma once
/// Durable jobs run from the command line: a command (`plm playlist move`, `plm playlist create`,
/// ...) enqueues its job in the database exactly as the web app does, so it is listed by `plm jobs`
/// and the Jobs page, keeps its history and survives a crash, and then works it off in this
/// process with the same handler the server's worker uses (app::Worker::run_one), showing its
/// progress on stderr, until the job is finished.
///
/// While it waits, the command is one more worker on the queue: it claims due jobs of the kinds it
/// has handlers for, oldest first (jobs of one playlist run in the order they were asked for, so
/// an older edit of the same playlist runs first). A running `plm serve` may equally claim the
/// command's job; the command then waits for it to finish. The leases of the jobs it runs are kept
/// alive by a heartbeat thread. A command killed half-way leaves its job to be resumed: at once by
/// the next `plm serve` start or run_job_here on this machine (the process is gone), otherwise
/// when its lease runs out.

#include <chrono>
#include <cstdint>
#include <optional>

#include "app/cli/context.hpp"
#include "app/worker.hpp"
#include "core/jobs/job.hpp"
#include "core/ports/job_queue.hpp"

namespace plm::app::cli {

struct RunHereOptions {
  /// The handlers this process runs jobs with (add_edit_handlers, ...): at least the handler of
  /// the job's kind. Only jobs of these kinds are claimed here.
  JobHandlers handlers;
  /// Progress on stderr: one line redrawn on a terminal, one line per new message otherwise.
  bool show_progress = true;
  /// A job that failed and was queued again for a retry due later than this (a rate limit, a
  /// backoff) is not waited for: the command returns with the job still queued (see job_exit).
  std::chrono::seconds max_retry_wait{60};
  /// How often the command looks at the queue while its job waits for a conflicting one or runs
  /// in another process.
  std::chrono::milliseconds poll_interval{500};
};

/// Runs and waits for job `job_id` (enqueued by the caller, e.g. in a unit of work) as described
/// above and returns it as it ends: finished, or queued again for a retry beyond
/// `max_retry_wait`. Errors of the queue itself are returned as they are.
core::Result<core::JobDetails> run_job_here(CommandContext& context, std::int64_t job_id,
                                            const RunHereOptions& options);

/// Enqueues `job` (core::JobQueue::enqueue on the services' queue), then run_job_here.
core::Result<core::JobDetails> enqueue_and_run_here(CommandContext& context,
                                                    const core::NewJob& job,
                                                    const RunHereOptions& options);

/// Why a job that run_job_here returned did not succeed (cancelled: Conflict; failed: its error;
/// still queued for a retry: the error, when it runs again and how to cancel it), or nullopt when
/// it succeeded.
std::optional<core::Error> job_error(const core::JobDetails& details);

/// How a command ends once run_job_here returned: Ok for a succeeded job (the caller prints its
/// result); otherwise the job's error reported through CommandContext::fail with its exit code (a
/// cancelled job: Failure; a job still queued for a retry: the error, when it runs again and how
/// to cancel it).
ExitCode job_exit(CommandContext& context, const core::JobDetails& details);

}  // namespace plm::app::cli
