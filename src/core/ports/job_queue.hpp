#pragma once
/// The durable record of background work (core/jobs/job.hpp). Implemented once for SQLite and
/// PostgreSQL (sql::SqlJobQueue, handed out by sql::Store::jobs()) and in memory
/// (test_support::InMemoryJobQueue); all of them pass one contract suite
/// (tests/contract/job_queue_contract_test.cpp). Times come from the core::Clock the implementation
/// was built with, never from the wall clock, and are kept to the millisecond.
///
/// Leases: a worker claims a job for `lease` and renews it by heartbeat. Every call that changes a
/// running job names the worker; the worker holds the job while it is Running under its name. When
/// it no longer does (its lease expired and a claim or recover_expired_leases took the job away, or
/// another worker has it now) the call answers Conflict and changes nothing, so a stalled worker
/// that wakes up can never overwrite its successor. A lease that expired but that nothing has taken
/// away yet is still held (the worker was slow, not dead). A running job whose lease has expired is
/// turned Interrupted by the next claim (or by recover_expired_leases) and resumed by a later
/// claim: handlers are written so that running a step twice does no harm.
///
/// Cancelling wins over every other way back to "ready to run": a job asked to cancel while it ran
/// becomes Cancelled, not Interrupted or queued again, when its lease expires, when it is released
/// and when it fails with a retry time. Those transitions are decided once, for every
/// implementation, in core/jobs/settlement.hpp.
///
/// A job goes with the app user who owns it and with the Spotify account it names: deleting either
/// (UserStore::delete_user, AccountStore::delete_account) deletes its jobs with their items and
/// history. A worker running such a job finds at its next call that it no longer holds it
/// (Conflict), stops and writes nothing more.
///
/// A store's queue joins its units of work (core::TransactionPorts::jobs()): a job enqueued there
/// is stored only if the whole unit is.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/jobs/job.hpp"
#include "core/jobs/settlement.hpp"
#include "core/result.hpp"

namespace plm::core {

struct NewJob {
  JobKind kind = JobKind::SyncAccount;
  std::int64_t owner_user_id = 0;
  std::int64_t account_id = 0;
  std::string playlist_id;
  std::string concurrency_key;
  std::string payload;
  ProgressUnit unit = ProgressUnit::Items;
  std::string message = "waiting for a worker";
  /// Not claimed before this time; nullopt: now.
  std::optional<TimePoint> run_at;
  int max_attempts = 5;
  /// When a job of the same kind and concurrency key is queued, running or interrupted, return it
  /// (created = false) instead of adding another: "Sync now" pressed twice is one sync. A running
  /// job that was asked to cancel does not count: pressing "Sync now" after "Cancel" is a new sync
  /// (which waits for the cancelled one to stop, their keys being equal).
  bool unique_while_active = false;
};

struct Enqueued {
  Job job;
  bool created = false;
};

struct JobFilter {
  std::optional<std::int64_t> owner_user_id;
  std::vector<JobState> states;  ///< any of these; empty: all
  std::optional<JobKind> kind;
  std::optional<std::int64_t> account_id;  ///< 0: the jobs that name no account
  std::optional<std::string> playlist_id;
  /// Newest first (highest id first); only ids below this one (paging); nullopt: from the newest.
  std::optional<std::int64_t> before_id;
  int limit = 100;  ///< 1-1000
};

struct JobCounts {
  std::int64_t queued = 0;  ///< queued or interrupted (due or not)
  std::int64_t running = 0;
};

/// What a heartbeat (or a save of progress) tells the worker.
struct HeartbeatAnswer {
  bool cancel_requested = false;  ///< stop at the next step and complete as Cancelled
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  /// Adds a job (state Queued, an Enqueued event) and returns it. InvalidInput for an empty
  /// concurrency key or max_attempts < 1; NotFound when the owner does not exist, or the account
  /// it names (an account_id other than 0).
  virtual Result<Enqueued> enqueue(const NewJob& job) = 0;

  /// Takes the oldest due job (Queued or Interrupted with run_at <= now, lowest id first) among
  /// `kinds` (empty: every kind) that may run now, and holds it for `lease` under `worker_id`:
  /// state Running, attempts + 1, a Started (first claim) or Resumed event. A job may run when its
  /// concurrency key conflicts with no Running job and with no older due job still waiting (of any
  /// kind): jobs of one key run in the order they were asked for, so a sync of an account is not
  /// starved by edits of its playlists that keep arriving after it. Before choosing, every Running
  /// job whose lease has expired becomes Interrupted (an Interrupted event), or Failed when it has
  /// used max_attempts (an Interrupted and a Failed event). nullopt when nothing can run now. Two
  /// workers never get the same job, even from two processes on one database. InvalidInput for an
  /// empty worker id or a lease that is not positive.
  virtual Result<std::optional<Job>> claim(const std::string& worker_id,
                                           const std::vector<JobKind>& kinds,
                                           std::chrono::milliseconds lease) = 0;

  /// Renews the lease for `lease` from now. Conflict when the worker does not hold the job (an
  /// unknown id included).
  virtual Result<HeartbeatAnswer> heartbeat(std::int64_t job_id, const std::string& worker_id,
                                            std::chrono::milliseconds lease) = 0;

  /// Stores progress, the checkpoint to resume from and the Spotify calls so far (over all
  /// attempts: the worker adds this attempt's calls to what the job had when claimed). Answers like
  /// a heartbeat, without renewing the lease: a handler saves at every step, so a cancel is seen at
  /// the next step rather than at the next heartbeat. Conflict when the worker does not hold it.
  /// A save that changes `done` or the checkpoint is progress (see release).
  virtual Result<HeartbeatAnswer> save_progress(std::int64_t job_id, const std::string& worker_id,
                                                const JobProgress& progress,
                                                const std::string& checkpoint,
                                                const ApiCounters& api) = 0;

  /// Records how one item ended; a key recorded again replaces its result (a step run twice) and
  /// keeps its place. Progress (see release). InvalidInput for an empty key; Conflict when the
  /// worker does not hold the job.
  virtual Status record_item(std::int64_t job_id, const std::string& worker_id,
                             const JobItemResult& item) = 0;

  /// Finishes a running job as Succeeded or Cancelled (`final_state`; anything else is
  /// InvalidInput), with a last message (the progress message), and releases the lease. The error
  /// of an earlier attempt is cleared. Conflict when the worker does not hold the job.
  virtual Status complete(std::int64_t job_id, const std::string& worker_id, JobState final_state,
                          const std::string& message) = 0;

  /// The job failed on this attempt. With `retry_at` it is queued again to run then (a
  /// RetryScheduled event, `error` kept as the cause; a time in the past means at once) unless it
  /// was asked to cancel (then Cancelled); without, it is Failed for good. Conflict when the worker
  /// does not hold the job.
  virtual Status fail(std::int64_t job_id, const std::string& worker_id, const Error& error,
                      std::optional<TimePoint> retry_at) = 0;

  /// The worker stops without finishing (shutdown): Interrupted, claimable again at once, with
  /// `reason` in its history (Cancelled instead when it was asked to cancel). Attempts are not
  /// given back, but only expiries and failures are held to max_attempts: restarting a server does
  /// not use up a long job. Released core::kMaxReleasesWithoutProgress times in a row with no
  /// progress in between (a job that keeps its server from stopping cleanly, or a restart loop),
  /// it fails instead. Conflict when the worker does not hold the job.
  virtual Status release(std::int64_t job_id, const std::string& worker_id,
                         const std::string& reason) = 0;

  /// Queued or Interrupted: Cancelled at once. Running: cancel_requested is set (a CancelRequested
  /// event, once) and the worker learns it at its next heartbeat or save of progress. Already
  /// finished: Conflict. NotFound for an unknown id. Returns the job as it is now.
  virtual Result<Job> cancel(std::int64_t job_id) = 0;

  /// Turns Running jobs whose lease has expired Interrupted (or Failed past max_attempts); returns
  /// how many. claim() does this itself; a server calls it at start so its Jobs page is right
  /// before the first claim.
  virtual Result<std::int64_t> recover_expired_leases() = 0;

  virtual Result<std::optional<JobDetails>> find_job(std::int64_t job_id) = 0;
  /// Jobs without their items, history and checkpoint (a sync's is its whole listing, 100 kB for
  /// 330 playlists: a page of jobs must not carry it), newest first. InvalidInput for a limit
  /// outside 1-1000.
  virtual Result<std::vector<Job>> list_jobs(const JobFilter& filter) = 0;
  /// The earliest run_at of the Queued or Interrupted jobs of `kinds` (empty: every kind): a worker
  /// with nothing to claim sleeps until then (or until woken by an enqueue). It may be in the past
  /// when the due jobs wait for a conflicting one. nullopt when none.
  virtual Result<std::optional<TimePoint>> next_run_at(const std::vector<JobKind>& kinds) = 0;
  virtual Result<JobCounts> count_jobs() = 0;

  /// Housekeeping: deletes the finished jobs (succeeded, failed, cancelled) that finished before
  /// `cutoff`, with their items and history, and returns how many. Jobs that have not finished are
  /// never deleted, however old. The web app calls it daily, keeping a few weeks of history.
  virtual Result<std::int64_t> delete_finished_before(TimePoint cutoff) = 0;
};

}  // namespace plm::core
