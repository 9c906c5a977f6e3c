#include "app/cli/run_job.hpp"

#include <unistd.h>

#include <ostream>

#include "app/worker_identity.hpp"

namespace plm::app::cli {

namespace {

using core::ErrorCode;

/// The job's progress on stderr: redrawn in place on a terminal, a line per new message otherwise
/// (logs and scripts read each step once).
class ProgressLine {
 public:
  ProgressLine(std::ostream& err, bool enabled)
      : err_(err), enabled_(enabled), terminal_(enabled && isatty(STDERR_FILENO)) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() { end(); }

  void show(const core::Job& job) {
    if (!enabled_) return;
    const std::string name = "job " + std::to_string(job.id);
    std::string text;
    if (!started_) {
      // The first publication of a claim carries the message the job was enqueued with.
      text = name + ": running (plm jobs show " + std::to_string(job.id) + ")";
      started_ = true;
    } else if (job.progress.message.empty()) {
      return;
    } else {
      text = name + ": " + job.progress.message;
      if (job.progress.total > 0 && !core::is_finished(job.state)) {
        text += " (" + std::to_string(job.progress.done) + "/" +
                std::to_string(job.progress.total) + " " +
                std::string(core::to_string(job.progress.unit)) + ")";
      }
    }
    if (text == last_) return;
    if (terminal_) {
      const std::size_t pad = last_.size() > text.size() ? last_.size() - text.size() : 0;
      err_ << "\r" << text << std::string(pad, ' ') << std::flush;
      drawn_ = true;
    } else {
      err_ << text << "\n" << std::flush;
    }
    last_ = std::move(text);
  }

  /// Ends a redrawn line, so what follows starts on a line of its own.
  void end() {
    if (drawn_) err_ << "\n" << std::flush;
    drawn_ = false;
  }

 private:
  std::ostream& err_;
  bool enabled_;
  bool terminal_;
  bool drawn_ = false;
  bool started_ = false;
  std::string last_;
};

/// Whether the command stops waiting for `job`: it finished, or it waits for a retry later than
/// `max_retry_wait` from now.
bool done_waiting(const core::Job& job, core::TimePoint now, std::chrono::seconds max_retry_wait) {
  if (core::is_finished(job.state)) return true;
  const bool waiting_for_retry = job.state == core::JobState::Queued && job.error.has_value();
  return waiting_for_retry && job.run_at > now + max_retry_wait;
}

}  // namespace

core::Result<core::JobDetails> run_job_here(CommandContext& context, std::int64_t job_id,
                                            const RunHereOptions& options) {
  Services& services = context.services();
  core::JobQueue& queue = services.jobs();
  const core::Clock& clock = services.clock();
  const WorkerProcess process = this_process();
  // A job an earlier command of this machine left running when it was killed is taken back now
  // rather than when its lease runs out (it may be this job's predecessor on the playlist).
  if (auto released = release_jobs_of_dead_processes(queue, process.machine); !released)
    return released.error();

  ProgressLine progress(context.err(), options.show_progress);
  ConditionWaiter waiter(clock);
  std::optional<core::Error> worker_error;
  Worker worker(queue, options.handlers, clock, waiter,
                WorkerOptions{.threads = 1, .name = worker_name(process)},
                WorkerHooks{.publish =
                                [&](const core::Job& job) {
                                  if (job.id == job_id) progress.show(job);
                                },
                            .on_error =
                                [&](const std::string& what, const core::Error& error) {
                                  if (!worker_error) {
                                    worker_error = core::make_error(
                                        error.code, "could not " + what + ": " + error.message);
                                  }
                                }});
  worker.start_heartbeats();
  for (;;) {
    auto found = queue.find_job(job_id);
    if (!found) return found.error();
    if (!*found) {
      return core::make_error(ErrorCode::NotFound, "job " + std::to_string(job_id) +
                                                       " is gone (its account or user "
                                                       "was deleted meanwhile?)");
    }
    if (done_waiting((*found)->job, clock.now(), options.max_retry_wait)) {
      worker.stop();
      progress.end();
      return std::move(**found);
    }
    if (worker_error) return *worker_error;  // the queue cannot be worked: say so, do not spin
    const std::uint64_t seen = waiter.epoch();
    if (worker.run_one(0)) continue;
    // Nothing this process may run now: the job waits for a conflicting one (a sync of its
    // account), for its retry time, or another process runs it.
    core::TimePoint deadline = clock.now() + options.poll_interval;
    if ((*found)->job.run_at > clock.now()) deadline = std::min(deadline, (*found)->job.run_at);
    waiter.wait_until(deadline, seen, std::stop_token{});
  }
}

core::Result<core::JobDetails> enqueue_and_run_here(CommandContext& context,
                                                    const core::NewJob& job,
                                                    const RunHereOptions& options) {
  auto enqueued = context.services().jobs().enqueue(job);
  if (!enqueued) return enqueued.error();
  return run_job_here(context, enqueued->job.id, options);
}

std::optional<core::Error> job_error(const core::JobDetails& details) {
  const core::Job& job = details.job;
  const std::string name = "job " + std::to_string(job.id);
  switch (job.state) {
    case core::JobState::Succeeded:
      return std::nullopt;
    case core::JobState::Cancelled:
      return core::make_error(ErrorCode::Conflict, name + " was cancelled (plm jobs show " +
                                                       std::to_string(job.id) + ")");
    case core::JobState::Failed:
      return job.error.value_or(core::make_error(ErrorCode::Internal, name + " failed"));
    default:
      break;
  }
  core::Error error = job.error.value_or(core::make_error(ErrorCode::Internal, name + " waits"));
  error.message += "; " + name + " is queued to try again at " + core::format_utc(job.run_at) +
                   " (plm serve or the next plm command that runs jobs resumes it; `plm jobs "
                   "cancel " +
                   std::to_string(job.id) + "` drops it)";
  return error;
}

ExitCode job_exit(CommandContext& context, const core::JobDetails& details) {
  const auto error = job_error(details);
  return error ? context.fail(*error) : ExitCode::Ok;
}

}  // namespace plm::app::cli
