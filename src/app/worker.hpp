#pragma once
/// The job worker: threads that claim jobs from a core::JobQueue, run the handler for each job's
/// kind, keep the lease alive by heartbeat and settle the outcome (complete; fail with the retry
/// time of core::next_retry; release as Interrupted at shutdown). It runs inside `plm serve` (and
/// later `plm worker`); nothing here knows what a job does.
///
/// Time comes from the injected core::Clock and every wait goes through a Waiter, so tests drive
/// the loop step by step (run_one, heartbeat_due) or with a waiter of their own, and never sleep.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "core/jobs/job.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/job_queue.hpp"

namespace plm::app {

/// How idle worker threads wait: until a time by the worker's clock, until woken, or until their
/// thread is asked to stop.
class Waiter {
 public:
  virtual ~Waiter() = default;
  /// A number that changes at every wake(). Take it before looking for work and pass it to
  /// wait_until, so a wake that comes between the look and the wait is not lost.
  virtual std::uint64_t epoch() const = 0;
  /// Returns at `deadline`, once epoch() differs from `seen`, or when `stop` is requested,
  /// whichever comes first (returning early is allowed: callers look again).
  virtual void wait_until(core::TimePoint deadline, std::uint64_t seen, std::stop_token stop) = 0;
  virtual void wake() = 0;
};

/// The production waiter: a condition variable; the deadline becomes a duration by the clock.
class ConditionWaiter final : public Waiter {
 public:
  explicit ConditionWaiter(const core::Clock& clock) : clock_(clock) {}
  std::uint64_t epoch() const override;
  void wait_until(core::TimePoint deadline, std::uint64_t seen, std::stop_token stop) override;
  void wake() override;

 private:
  const core::Clock& clock_;
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::uint64_t epoch_ = 0;
};

/// What a handler sees of its job and how it reports back. Used from the handler's thread only.
class JobContext {
 public:
  virtual ~JobContext() = default;
  /// The job as claimed: payload, the checkpoint an earlier attempt saved, attempts, API calls of
  /// earlier attempts.
  virtual const core::Job& job() const = 0;
  /// The item results earlier attempts recorded (empty on the first attempt).
  virtual const std::vector<core::JobItemResult>& earlier_items() const = 0;
  /// Requested when the handler should stop at its next step: a person cancelled the job, the
  /// worker is shutting down, or the lease was lost. The handler then returns JobResult::stopped()
  /// (or what it finished); the worker decides what that means for the job.
  virtual std::stop_token stop_token() const = 0;
  /// True once stop_token() was requested because a person cancelled the job: it will not be
  /// resumed, so a handler may finish the step it is in (a batch finishes the playlist it is
  /// editing, so that what it sent is stored and journaled) before it returns.
  virtual bool cancelling() const { return false; }
  /// Progress, with the checkpoint to resume from when it changed (nullopt keeps the last one). A
  /// new checkpoint is saved at once; progress alone at most every WorkerOptions::progress_interval
  /// (and always before the job is settled).
  virtual void report(const core::JobProgress& progress,
                      std::optional<std::string> checkpoint = std::nullopt) = 0;
  /// How one item ended; recorded at once, replacing an earlier result of the same key.
  virtual void record_item(const core::JobItemResult& item) = 0;
  /// The Spotify calls this attempt has made so far; the worker adds the earlier attempts' calls.
  virtual void count_api(const core::ApiCounters& this_attempt) = 0;
};

/// What a handler returns.
struct JobResult {
  enum class Kind {
    Succeeded,  ///< done (per-item results may still hold failures); `message` for people
    Failed,     ///< `error`; the worker retries at core::next_retry or fails the job for good
    Stopped,    ///< stopped early because stop_token() asked (cancel, shutdown, lost lease)
  };
  Kind kind = Kind::Succeeded;
  std::string message;
  std::optional<core::Error> error;

  static JobResult succeeded(std::string message) {
    return {Kind::Succeeded, std::move(message), std::nullopt};
  }
  static JobResult failed(core::Error error) { return {Kind::Failed, "", std::move(error)}; }
  static JobResult stopped() { return {Kind::Stopped, "", std::nullopt}; }
};

/// Runs one job to its end. Exceptions are caught and fail the job (Internal).
using JobHandler = std::function<JobResult(JobContext&)>;
/// The worker's table from a job kind to its handler; it claims only these kinds.
using JobHandlers = std::map<core::JobKind, JobHandler>;

struct WorkerOptions {
  int threads = 2;  ///< jobs run at once by this process (plm serve: PLM_SYNC_WORKERS)
  /// How long a claim holds a job without a heartbeat: after a crash, the job is taken again
  /// this long after the last heartbeat.
  std::chrono::milliseconds lease{30'000};
  std::chrono::milliseconds heartbeat_interval{10'000};
  /// How often an idle thread looks again when nothing woke it: jobs enqueued by another process,
  /// jobs that waited for a conflicting one there, leases that expired.
  std::chrono::milliseconds poll_interval{5'000};
  /// At most one progress save and one published update per job in this interval (5 a second);
  /// the first and the final state are always published.
  std::chrono::milliseconds progress_interval{200};
  /// Prefix of this process's worker ids ("<name>/<slot>"); unique per process. Empty: host name,
  /// process id and a random number.
  std::string name;
};

struct WorkerHooks {
  /// Every published state of a job: when claimed, progress (throttled), the final state. Called
  /// from worker threads; must not block for long.
  std::function<void(const core::Job&)> publish;
  /// A queue call that failed in a way the worker can only report (the database is down).
  std::function<void(const std::string& what, const core::Error& error)> on_error;
};

class Worker {
 public:
  /// `queue`, `clock` and `waiter` must outlive the worker.
  Worker(core::JobQueue& queue, JobHandlers handlers, const core::Clock& clock, Waiter& waiter,
         WorkerOptions options = {}, WorkerHooks hooks = {});
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Turns jobs left Running by a dead process Interrupted (so lists are right at once), then
  /// starts `threads` worker threads and one heartbeat thread.
  void start();
  /// Starts only the heartbeat thread, for a process that runs jobs itself on its own thread with
  /// run_one (the CLI's run_job_here): the leases of the jobs it runs stay alive meanwhile, so no
  /// other worker takes them over. stop() ends it. Does nothing once started or stopped.
  void start_heartbeats();
  /// After an enqueue in this process: idle threads look at once instead of at their next poll.
  void wake();
  /// After a cancel recorded in the queue by this process (the web app's cancel): when this
  /// process runs the job, its handler is asked to stop now rather than at its next save of
  /// progress or heartbeat (the job then completes as Cancelled). Safe from any thread.
  void cancel_requested(std::int64_t job_id);
  /// Shutdown without waiting: every running job is asked to stop (its handler returns at its next
  /// step and the job is released as Interrupted, to be resumed at the next start) and no new job
  /// is claimed. Safe from any thread, a handler's included.
  void request_shutdown();
  /// request_shutdown(), then waits for the threads to finish. Idempotent.
  void stop();

  // The steps the threads repeat, public so tests can drive them one at a time.

  /// Claims one job for worker slot `slot` and runs it to its end on the calling thread: false
  /// when there was nothing to claim (or the worker is shutting down).
  bool run_one(int slot = 0);
  /// Renews the lease of every running job whose heartbeat is due; a lost lease or a cancel asks
  /// the handler to stop.
  void heartbeat_due();
  /// When an idle thread should look again: the next run_at if it comes before the poll interval
  /// is over, otherwise now + poll_interval.
  core::TimePoint idle_deadline();
  /// The id worker slot `slot` claims under.
  std::string worker_id(int slot) const;

 private:
  struct Running;
  class Context;
  enum class StopReason { None, Cancelled, Shutdown, LeaseLost };

  void work_loop(int slot, std::stop_token stop);
  void heartbeat_loop(std::stop_token stop);
  core::TimePoint next_heartbeat_deadline();
  JobResult run_handler(const JobHandler& handler, Context& context);
  void settle(Running& running, Context& context, const JobResult& result);
  void publish_final(const Running& running);
  void report_error(const std::string& what, const core::Error& error);
  static void request_stop(Running& running, StopReason reason);

  core::JobQueue& queue_;
  JobHandlers handlers_;
  std::vector<core::JobKind> kinds_;
  const core::Clock& clock_;
  Waiter& waiter_;
  WorkerOptions options_;
  WorkerHooks hooks_;

  std::mutex mutex_;
  std::map<std::int64_t, std::shared_ptr<Running>> running_;  ///< by job id
  bool shutting_down_ = false;
  std::vector<std::jthread> threads_;  ///< worker threads, then the heartbeat thread
};

/// "<host>:<pid>:<random hex>": distinct for every process, readable in a job's history.
std::string default_worker_name();

}  // namespace plm::app
