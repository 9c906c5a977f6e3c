#include "sql/job_queue.hpp"

#include <utility>

#include "core/jobs/settlement.hpp"
#include "sql/transaction_scope.hpp"

namespace plm::sql {
namespace {

using core::ErrorCode;
using core::JobEventKind;
using core::JobState;
using Millis = std::chrono::milliseconds;

// ---- the queue's SQL, once for both dialects (placeholders as in src/sql/common.hpp) ----------

/// Serialises claims (and lease recoveries) across processes; see job_queue.hpp. Any constant
/// works, as long as every plm process uses the same one ("plm_job").
constexpr std::int64_t kClaimLockKey = 0x706c6d5f6a6f62;

/// Every column of a job, in the order read_job reads them; `checkpoint` is what to read for the
/// checkpoint ('' where it is left out: it can be 100 kB).
#define PLM_SQL_JOB_COLUMNS(checkpoint)                                                            \
  "id, kind, state, owner_user_id, account_id, playlist_id, concurrency_key, payload, " checkpoint \
  ", progress_done, progress_total, progress_unit, progress_message, api_calls, api_retries, "     \
  "api_rate_limited, api_paced_waits, api_waited_ms, api_check_reads, attempts, max_attempts, "    \
  "created_at_ms, run_at_ms, updated_at_ms, started_at_ms, finished_at_ms, error_code, "           \
  "error_message, error_retry_at_ms, cancel_requested, lease_owner, lease_expires_at_ms"
#define PLM_SQL_WAITING "state IN ('queued', 'interrupted')"

constexpr std::string_view kInsertJob =
    "INSERT INTO jobs (kind, state, owner_user_id, account_id, playlist_id, concurrency_key, "
    "payload, checkpoint, progress_done, progress_total, progress_unit, progress_message, "
    "api_calls, api_retries, api_rate_limited, api_paced_waits, api_waited_ms, api_check_reads, "
    "attempts, max_attempts, releases_without_progress, created_at_ms, run_at_ms, updated_at_ms, "
    "cancel_requested, lease_owner) "
    "VALUES ($1, 'queued', $2, $3, $4, $5, $6, '', 0, 0, $7, $8, 0, 0, 0, 0, 0, 0, 0, $9, 0, $10, "
    "$11, $10, FALSE, '') RETURNING " PLM_SQL_JOB_COLUMNS("checkpoint");
/// The oldest job of a kind and key that is queued, running or interrupted and not cancelling.
constexpr std::string_view kActiveJob =
    "SELECT " PLM_SQL_JOB_COLUMNS("checkpoint") " FROM jobs WHERE kind = $1 AND concurrency_key = "
    "$2 AND state IN ('queued', 'running', 'interrupted') AND NOT cancel_requested "
    "ORDER BY id LIMIT 1";
constexpr std::string_view kAddEvent =
    "INSERT INTO job_events (job_id, at_ms, kind, message) VALUES ($1, $2, $3, $4)";

/// Running jobs whose lease has expired (lock them with for_update).
constexpr std::string_view kExpiredJobs =
    "SELECT " PLM_SQL_JOB_COLUMNS("''") " FROM jobs "
    "WHERE state = 'running' AND lease_expires_at_ms <= $1 ORDER BY id";
/// The oldest due waiting job (of the kinds: a condition appended to kDueJobHead) whose key
/// conflicts (core::jobs_conflict: equal, or a prefix at a '/' boundary, either way) with no
/// running job and no older due waiting job.
constexpr std::string_view kDueJobHead =
    "SELECT j.id FROM jobs j WHERE j." PLM_SQL_WAITING " AND j.run_at_ms <= $1";
constexpr std::string_view kDueJobTail =
    " AND NOT EXISTS (SELECT 1 FROM jobs o "
    "WHERE (o.state = 'running' OR (o.id < j.id AND o." PLM_SQL_WAITING
    " AND o.run_at_ms <= $1)) "
    "AND (o.concurrency_key = j.concurrency_key "
    "OR substr(o.concurrency_key, 1, length(j.concurrency_key) + 1) = j.concurrency_key || '/' "
    "OR substr(j.concurrency_key, 1, length(o.concurrency_key) + 1) = o.concurrency_key || '/')) "
    "ORDER BY j.id LIMIT 1";
/// Starts a job that is still waiting (a cancel may have come first).
constexpr std::string_view kStartJob =
    "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = $1, "
    "lease_expires_at_ms = $2, started_at_ms = COALESCE(started_at_ms, $3), updated_at_ms = $3 "
    "WHERE id = $4 AND " PLM_SQL_WAITING " RETURNING " PLM_SQL_JOB_COLUMNS("checkpoint");

/// The job when `$2` holds it (lock it with for_update).
constexpr std::string_view kHeldJob =
    "SELECT " PLM_SQL_JOB_COLUMNS("''") " FROM jobs "
    "WHERE id = $1 AND state = 'running' AND lease_owner = $2";
constexpr std::string_view kHeartbeat =
    "UPDATE jobs SET lease_expires_at_ms = $1, updated_at_ms = $2 "
    "WHERE id = $3 AND state = 'running' AND lease_owner = $4 RETURNING cancel_requested";
/// A new `done` or checkpoint is progress: the count of releases without progress starts again.
constexpr std::string_view kSaveProgress =
    "UPDATE jobs SET releases_without_progress = CASE WHEN progress_done <> $1 OR checkpoint <> $2 "
    "THEN 0 ELSE releases_without_progress END, progress_done = $1, progress_total = $3, "
    "progress_unit = $4, progress_message = $5, checkpoint = $2, api_calls = $6, "
    "api_retries = $7, api_rate_limited = $8, api_paced_waits = $9, api_waited_ms = $10, "
    "api_check_reads = $11, updated_at_ms = $12 "
    "WHERE id = $13 AND state = 'running' AND lease_owner = $14 RETURNING cancel_requested";
/// An item recorded is progress; changes nothing when `$3` does not hold the job.
constexpr std::string_view kItemProgress =
    "UPDATE jobs SET releases_without_progress = 0, updated_at_ms = $1 "
    "WHERE id = $2 AND state = 'running' AND lease_owner = $3";
/// A key recorded again keeps its position.
constexpr std::string_view kRecordItem =
    "INSERT INTO job_items (job_id, item_key, position, label, outcome, error_code, error_message, "
    "error_retry_at_ms, detail) VALUES ($1, $2, "
    "(SELECT COALESCE(MAX(position), 0) + 1 FROM job_items WHERE job_id = $1), "
    "$3, $4, $5, $6, $7, $8) ON CONFLICT (job_id, item_key) DO UPDATE SET label = excluded.label, "
    "outcome = excluded.outcome, error_code = excluded.error_code, "
    "error_message = excluded.error_message, error_retry_at_ms = excluded.error_retry_at_ms, "
    "detail = excluded.detail";
constexpr std::string_view kCountRelease =
    "UPDATE jobs SET releases_without_progress = releases_without_progress + 1 WHERE id = $1 "
    "RETURNING releases_without_progress";
constexpr std::string_view kLastMessage = "UPDATE jobs SET progress_message = $1 WHERE id = $2";
/// Ends a running job's lease in state `$1` (`$3`: the finish time, or NULL).
constexpr std::string_view kSettle =
    "UPDATE jobs SET state = $1, lease_owner = '', lease_expires_at_ms = NULL, updated_at_ms = $2, "
    "finished_at_ms = $3 WHERE id = $4";
constexpr std::string_view kSetError =
    "UPDATE jobs SET error_code = $1, error_message = $2, error_retry_at_ms = $3 WHERE id = $4";
constexpr std::string_view kSetRunAt = "UPDATE jobs SET run_at_ms = $1 WHERE id = $2";
constexpr std::string_view kRequestCancel =
    "UPDATE jobs SET cancel_requested = TRUE, updated_at_ms = $1 WHERE id = $2";

constexpr std::string_view kFindJob =
    "SELECT " PLM_SQL_JOB_COLUMNS("checkpoint") " FROM jobs WHERE id = $1";
constexpr std::string_view kItemsOf =
    "SELECT item_key, label, outcome, error_code, error_message, error_retry_at_ms, detail "
    "FROM job_items WHERE job_id = $1 ORDER BY position";
constexpr std::string_view kHistoryOf =
    "SELECT at_ms, kind, message FROM job_events WHERE job_id = $1 ORDER BY id";
constexpr std::string_view kListJobs = "SELECT " PLM_SQL_JOB_COLUMNS("''") " FROM jobs";
constexpr std::string_view kNextRunAt = "SELECT MIN(run_at_ms) FROM jobs WHERE " PLM_SQL_WAITING;
constexpr std::string_view kCountJobs =
    "SELECT state, count(*) FROM jobs WHERE state IN ('queued', 'interrupted', 'running') "
    "GROUP BY state";
/// Their items and history go with them (ON DELETE CASCADE).
constexpr std::string_view kDeleteFinished =
    "DELETE FROM jobs WHERE state IN ('succeeded', 'failed', 'cancelled') AND finished_at_ms < $1";
#undef PLM_SQL_JOB_COLUMNS
#undef PLM_SQL_WAITING

// ---- values ↔ columns ----------------------------------------------------------------------

std::int64_t to_ms(core::TimePoint time) {
  return std::chrono::duration_cast<Millis>(time.time_since_epoch()).count();
}

core::TimePoint from_ms(std::int64_t ms) { return core::TimePoint(Millis(ms)); }

std::optional<core::TimePoint> time_or_null(const Row& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return from_ms(row.int64(column));
}

Param ms_or_null(const std::optional<core::TimePoint>& time) {
  return time ? Param(to_ms(*time)) : Param(nullptr);
}

/// An error kept in three columns from `first` on (code, message, retry time); NULL code: none.
std::optional<core::Error> error_or_null(const Row& row, int first) {
  if (row.is_null(first)) return std::nullopt;
  return core::Error{core::error_code_from_string(row.text(first)).value_or(ErrorCode::Internal),
                     row.text(first + 1),
                     time_or_null(row, first + 2),
                     {}};
}

Param code_or_null(const std::optional<core::Error>& error) {
  return error ? Param(core::to_string(error->code)) : Param(nullptr);
}

Param message_or_null(const std::optional<core::Error>& error) {
  return error ? Param(error->message) : Param(nullptr);
}

Param retry_at_or_null(const std::optional<core::Error>& error) {
  return ms_or_null(error ? error->retry_at : std::nullopt);
}

/// A row of PLM_SQL_JOB_COLUMNS. Texts this version does not know (a newer plm wrote them) read as
/// the first value of their enum.
core::Job read_job(const Row& row) {
  core::Job job;
  job.id = row.int64(0);
  job.kind = core::job_kind_from_string(row.text(1)).value_or(core::JobKind::SyncAccount);
  job.state = core::job_state_from_string(row.text(2)).value_or(JobState::Queued);
  job.owner_user_id = row.int64(3);
  job.account_id = row.int64(4);  // NULL: none, 0
  job.playlist_id = row.text(5);
  job.concurrency_key = row.text(6);
  job.payload = row.text(7);
  job.checkpoint = row.text(8);
  job.progress = core::JobProgress{
      row.int64(9), row.int64(10),
      core::progress_unit_from_string(row.text(11)).value_or(core::ProgressUnit::Items),
      row.text(12)};
  job.api = core::ApiCounters{.calls = row.int64(13),
                              .retries = row.int64(14),
                              .rate_limited = row.int64(15),
                              .paced_waits = row.int64(16),
                              .waited_ms = row.int64(17),
                              .check_reads = row.int64(18)};
  job.attempts = static_cast<int>(row.int64(19));
  job.max_attempts = static_cast<int>(row.int64(20));
  job.created_at = from_ms(row.int64(21));
  job.run_at = from_ms(row.int64(22));
  job.updated_at = from_ms(row.int64(23));
  job.started_at = time_or_null(row, 24);
  job.finished_at = time_or_null(row, 25);
  job.error = error_or_null(row, 26);
  job.cancel_requested = row.boolean(29);
  job.lease_owner = row.text(30);
  job.lease_expires_at = time_or_null(row, 31);
  return job;
}

core::JobItemResult read_item(const Row& row) {
  return core::JobItemResult{
      .key = row.text(0),
      .label = row.text(1),
      .outcome = core::item_outcome_from_string(row.text(2)).value_or(core::ItemOutcome::Done),
      .error = error_or_null(row, 3),
      .detail = row.text(6)};
}

core::JobEvent read_event(const Row& row) {
  return core::JobEvent{
      from_ms(row.int64(0)),
      core::job_event_kind_from_string(row.text(1)).value_or(JobEventKind::Enqueued), row.text(2)};
}

core::HeartbeatAnswer read_answer(const Row& row) { return {row.boolean(0)}; }

/// Conditions whose parts are optional, with their parameters numbered after the ones the
/// statement has already ($1, ...).
class Conditions {
 public:
  explicit Conditions(std::vector<Param> leading = {}) : params_(std::move(leading)) {}

  /// "column op $n".
  void add(std::string_view column, std::string_view op, Param value) {
    append(std::string(column) + " " + std::string(op) + " " + placeholder(std::move(value)));
  }
  /// A condition without parameters.
  void add(std::string_view condition) { append(std::string(condition)); }
  /// "column IN ($n, ...)" over the text forms of `values`; nothing when there are none (any).
  template <typename Enum>
  void any_of(std::string_view column, const std::vector<Enum>& values) {
    if (values.empty()) return;
    std::string list;
    for (const Enum value : values)
      list += (list.empty() ? "" : ", ") + placeholder(core::to_string(value));
    append(std::string(column) + " IN (" + list + ")");
  }

  /// " AND a AND b", to follow a WHERE clause; "" when there are none.
  std::string and_all() const { return sql_.empty() ? "" : " AND " + sql_; }
  /// " WHERE a AND b"; "" when there are none.
  std::string where() const { return sql_.empty() ? "" : " WHERE " + sql_; }
  std::span<const Param> params() const { return params_; }

 private:
  std::string placeholder(Param value) {
    params_.push_back(std::move(value));
    return "$" + std::to_string(params_.size());
  }
  void append(const std::string& condition) { sql_ += (sql_.empty() ? "" : " AND ") + condition; }

  std::vector<Param> params_;
  std::string sql_;
};

// ---- transitions ------------------------------------------------------------------------------

core::Error not_held(std::int64_t job_id, const std::string& worker_id) {
  return core::make_error(ErrorCode::Conflict,
                          "job " + std::to_string(job_id) + " is not held by worker " + worker_id);
}

void add_event(Connection& db, std::int64_t job_id, JobEventKind kind, const std::string& message,
               std::int64_t now) {
  db.execute(kAddEvent, {job_id, now, core::to_string(kind), message});
}

/// Ends a running job's lease as `settlement` says.
void apply(Connection& db, std::int64_t job_id, const core::Settlement& settlement,
           std::int64_t now) {
  const bool finished = core::is_finished(settlement.state);
  db.execute(kSettle, {core::to_string(settlement.state), now,
                       finished ? Param(now) : Param(nullptr), job_id});
  if (settlement.error) {
    db.execute(kSetError, {code_or_null(settlement.error), message_or_null(settlement.error),
                           retry_at_or_null(settlement.error), job_id});
  }
  if (settlement.run_at) db.execute(kSetRunAt, {to_ms(*settlement.run_at), job_id});
  for (const auto& event : settlement.events) add_event(db, job_id, event.kind, event.message, now);
}

/// The running job when `worker_id` holds it, locked until the transaction ends.
std::optional<core::Job> held(Connection& db, std::int64_t job_id, const std::string& worker_id) {
  const std::string sql = std::string(kHeldJob) + std::string(db.for_update(RowLock::Wait));
  return first_row(db, sql, {job_id, worker_id}, read_job);
}

/// Turns running jobs whose lease expired at `now` Interrupted (or as settle_expired_lease says);
/// returns how many. Under the claim lock.
std::int64_t expire_leases(Connection& db, core::TimePoint now) {
  const std::string sql = std::string(kExpiredJobs) + std::string(db.for_update(RowLock::Wait));
  const auto expired = all_rows(db, sql, {to_ms(now)}, read_job);
  for (const core::Job& job : expired)
    apply(db, job.id, core::settle_expired_lease(job), to_ms(now));
  return static_cast<std::int64_t>(expired.size());
}

/// Makes enqueues of one kind and key that are unique while active wait for each other across
/// processes ("Sync now" pressed in two of them at once is still one sync): a lock key made of
/// both, the same in every process (64-bit FNV-1a).
std::int64_t unique_enqueue_lock(core::JobKind kind, std::string_view key) {
  std::uint64_t hash = 0xcbf29ce484222325;
  const auto mix = [&](std::string_view text) {
    for (const unsigned char c : text) {
      hash ^= c;
      hash *= 0x100000001b3;
    }
  };
  mix(core::to_string(kind));
  mix("\n");
  mix(key);
  return static_cast<std::int64_t>(hash);
}

}  // namespace

SqlJobQueue::SqlJobQueue(std::shared_ptr<TransactionScope> scope, const StoreContext& context)
    : scope_(std::move(scope)), clock_(context.clock) {}

SqlJobQueue::~SqlJobQueue() = default;

core::Result<core::Enqueued> SqlJobQueue::enqueue(const core::NewJob& request) {
  if (request.concurrency_key.empty())
    return core::make_error(ErrorCode::InvalidInput, "a job needs a concurrency key");
  if (request.max_attempts < 1) {
    return core::make_error(ErrorCode::InvalidInput, "max_attempts must be at least 1, not " +
                                                         std::to_string(request.max_attempts));
  }
  // A missing owner or account is a foreign key violation: NotFound.
  return scope_->run(
      "enqueue a job", Access::Write, [&](Connection& db) -> core::Result<core::Enqueued> {
        const std::string_view kind = core::to_string(request.kind);
        if (request.unique_while_active) {
          db.lock_until_transaction_end(unique_enqueue_lock(request.kind, request.concurrency_key));
          if (auto active = first_row(db, kActiveJob, {kind, request.concurrency_key}, read_job))
            return core::Enqueued{std::move(*active), false};
        }
        const std::int64_t now = to_ms(clock_.now());
        const core::Job job =
            *first_row(db, kInsertJob,
                       {kind, request.owner_user_id,
                        request.account_id != 0 ? Param(request.account_id) : Param(nullptr),
                        request.playlist_id, request.concurrency_key, request.payload,
                        core::to_string(request.unit), request.message, request.max_attempts, now,
                        request.run_at ? to_ms(*request.run_at) : now},
                       read_job);
        add_event(db, job.id, JobEventKind::Enqueued, core::describe_enqueued(job), now);
        return core::Enqueued{job, true};
      });
}

core::Result<std::optional<core::Job>> SqlJobQueue::claim(const std::string& worker_id,
                                                          const std::vector<core::JobKind>& kinds,
                                                          std::chrono::milliseconds lease) {
  if (worker_id.empty()) return core::make_error(ErrorCode::InvalidInput, "a worker needs an id");
  if (lease <= Millis::zero())
    return core::make_error(ErrorCode::InvalidInput, "a lease must be positive");
  return scope_->run(
      "claim a job", Access::Write, [&](Connection& db) -> core::Result<std::optional<core::Job>> {
        db.lock_until_transaction_end(kClaimLockKey);
        const core::TimePoint now = clock_.now();  // read under the lock: claims are in order
        expire_leases(db, now);
        Conditions of_kinds({to_ms(now)});
        of_kinds.any_of("j.kind", kinds);
        const std::string due_job =
            std::string(kDueJobHead) + of_kinds.and_all() + std::string(kDueJobTail);
        for (;;) {
          std::optional<std::int64_t> id;
          db.query_with(due_job, of_kinds.params(), [&](const Row& row) { id = row.int64(0); });
          if (!id) return std::optional<core::Job>();
          auto job =
              first_row(db, kStartJob, {worker_id, to_ms(now + lease), to_ms(now), *id}, read_job);
          // Cancelled between the choice and the start (PostgreSQL: a cancel does not take the
          // claim lock): it is not chosen again.
          if (!job) continue;
          add_event(db, job->id, job->attempts == 1 ? JobEventKind::Started : JobEventKind::Resumed,
                    core::describe_attempt(*job), to_ms(now));
          return job;
        }
      });
}

core::Result<core::HeartbeatAnswer> SqlJobQueue::heartbeat(std::int64_t job_id,
                                                           const std::string& worker_id,
                                                           std::chrono::milliseconds lease) {
  return scope_->run("renew a job's lease", Access::Write,
                     [&](Connection& db) -> core::Result<core::HeartbeatAnswer> {
                       const core::TimePoint now = clock_.now();
                       auto answer = first_row(db, kHeartbeat,
                                               {to_ms(now + lease), to_ms(now), job_id, worker_id},
                                               read_answer);
                       if (!answer) return not_held(job_id, worker_id);
                       return *answer;
                     });
}

core::Result<core::HeartbeatAnswer> SqlJobQueue::save_progress(std::int64_t job_id,
                                                               const std::string& worker_id,
                                                               const core::JobProgress& progress,
                                                               const std::string& checkpoint,
                                                               const core::ApiCounters& api) {
  return scope_->run(
      "save a job's progress", Access::Write,
      [&](Connection& db) -> core::Result<core::HeartbeatAnswer> {
        auto answer =
            first_row(db, kSaveProgress,
                      {progress.done, checkpoint, progress.total, core::to_string(progress.unit),
                       progress.message, api.calls, api.retries, api.rate_limited, api.paced_waits,
                       api.waited_ms, api.check_reads, to_ms(clock_.now()), job_id, worker_id},
                      read_answer);
        if (!answer) return not_held(job_id, worker_id);
        return *answer;
      });
}

core::Status SqlJobQueue::record_item(std::int64_t job_id, const std::string& worker_id,
                                      const core::JobItemResult& item) {
  if (item.key.empty())
    return core::make_error(ErrorCode::InvalidInput, "an item result needs a key");
  return scope_->run("record a job's item", Access::Write, [&](Connection& db) -> core::Status {
    if (db.execute(kItemProgress, {to_ms(clock_.now()), job_id, worker_id}) == 0)
      return not_held(job_id, worker_id);
    db.execute(kRecordItem, {job_id, item.key, item.label, core::to_string(item.outcome),
                             code_or_null(item.error), message_or_null(item.error),
                             retry_at_or_null(item.error), item.detail});
    return core::ok();
  });
}

core::Status SqlJobQueue::complete(std::int64_t job_id, const std::string& worker_id,
                                   JobState final_state, const std::string& message) {
  if (final_state != JobState::Succeeded && final_state != JobState::Cancelled) {
    return core::make_error(ErrorCode::InvalidInput,
                            "a job completes as succeeded or cancelled, not " +
                                std::string(core::to_string(final_state)));
  }
  return scope_->run("complete a job", Access::Write, [&](Connection& db) -> core::Status {
    if (!held(db, job_id, worker_id)) return not_held(job_id, worker_id);
    db.execute(kLastMessage, {message, job_id});
    db.execute(kSetError, {nullptr, nullptr, nullptr, job_id});
    const JobEventKind event =
        final_state == JobState::Succeeded ? JobEventKind::Succeeded : JobEventKind::Cancelled;
    apply(db, job_id, core::Settlement{.state = final_state, .events = {{event, message}}},
          to_ms(clock_.now()));
    return core::ok();
  });
}

core::Status SqlJobQueue::fail(std::int64_t job_id, const std::string& worker_id,
                               const core::Error& error, std::optional<core::TimePoint> retry_at) {
  return scope_->run("fail a job", Access::Write, [&](Connection& db) -> core::Status {
    const auto job = held(db, job_id, worker_id);
    if (!job) return not_held(job_id, worker_id);
    const core::TimePoint now = clock_.now();
    apply(db, job_id, core::settle_failure(*job, error, retry_at, now), to_ms(now));
    return core::ok();
  });
}

core::Status SqlJobQueue::release(std::int64_t job_id, const std::string& worker_id,
                                  const std::string& reason) {
  return scope_->run("release a job", Access::Write, [&](Connection& db) -> core::Status {
    const auto job = held(db, job_id, worker_id);
    if (!job) return not_held(job_id, worker_id);
    const auto releases = *first_row(db, kCountRelease, {job_id},
                                     [](const Row& row) { return static_cast<int>(row.int64(0)); });
    apply(db, job_id, core::settle_release(*job, reason, releases), to_ms(clock_.now()));
    return core::ok();
  });
}

core::Result<core::Job> SqlJobQueue::cancel(std::int64_t job_id) {
  return scope_->run("cancel a job", Access::Write, [&](Connection& db) -> core::Result<core::Job> {
    const std::string sql = std::string(kFindJob) + std::string(db.for_update(RowLock::Wait));
    const auto job = first_row(db, sql, {job_id}, read_job);
    if (!job)
      return core::make_error(ErrorCode::NotFound, "job " + std::to_string(job_id) + " not found");
    if (core::is_finished(job->state)) {
      return core::make_error(ErrorCode::Conflict, "job " + std::to_string(job_id) +
                                                       " is already " +
                                                       std::string(core::to_string(job->state)));
    }
    const std::int64_t now = to_ms(clock_.now());
    if (job->state != JobState::Running) {
      apply(db, job_id,
            core::Settlement{.state = JobState::Cancelled,
                             .events = {{JobEventKind::Cancelled, "cancelled before it ran"}}},
            now);
    } else if (!job->cancel_requested) {
      db.execute(kRequestCancel, {now, job_id});
      add_event(db, job_id, JobEventKind::CancelRequested, "stops at its next step", now);
    }
    return *first_row(db, kFindJob, {job_id}, read_job);
  });
}

core::Result<std::int64_t> SqlJobQueue::recover_expired_leases() {
  return scope_->run("recover expired job leases", Access::Write,
                     [&](Connection& db) -> core::Result<std::int64_t> {
                       db.lock_until_transaction_end(kClaimLockKey);
                       return expire_leases(db, clock_.now());
                     });
}

core::Result<std::optional<core::JobDetails>> SqlJobQueue::find_job(std::int64_t job_id) {
  return scope_->run("find a job", Access::Read,
                     [&](Connection& db) -> core::Result<std::optional<core::JobDetails>> {
                       auto job = first_row(db, kFindJob, {job_id}, read_job);
                       if (!job) return std::optional<core::JobDetails>();
                       return std::optional<core::JobDetails>(core::JobDetails{
                           std::move(*job), all_rows(db, kItemsOf, {job_id}, read_item),
                           all_rows(db, kHistoryOf, {job_id}, read_event)});
                     });
}

core::Result<std::vector<core::Job>> SqlJobQueue::list_jobs(const core::JobFilter& filter) {
  if (filter.limit < 1 || filter.limit > 1000) {
    return core::make_error(ErrorCode::InvalidInput,
                            "limit must be 1-1000, not " + std::to_string(filter.limit));
  }
  Conditions where;
  if (filter.before_id) where.add("id", "<", *filter.before_id);
  if (filter.owner_user_id) where.add("owner_user_id", "=", *filter.owner_user_id);
  where.any_of("state", filter.states);
  if (filter.kind) where.add("kind", "=", core::to_string(*filter.kind));
  if (filter.account_id == 0) {
    where.add("account_id IS NULL");  // 0: the jobs that name no account
  } else if (filter.account_id) {
    where.add("account_id", "=", *filter.account_id);
  }
  if (filter.playlist_id) where.add("playlist_id", "=", *filter.playlist_id);
  const std::string sql = std::string(kListJobs) + where.where() + " ORDER BY id DESC LIMIT " +
                          std::to_string(filter.limit);
  return scope_->run(
      "list jobs", Access::Read, [&](Connection& db) -> core::Result<std::vector<core::Job>> {
        std::vector<core::Job> jobs;
        db.query_with(sql, where.params(), [&](const Row& row) { jobs.push_back(read_job(row)); });
        return jobs;
      });
}

core::Result<std::optional<core::TimePoint>> SqlJobQueue::next_run_at(
    const std::vector<core::JobKind>& kinds) {
  Conditions of_kinds;
  of_kinds.any_of("kind", kinds);
  const std::string sql = std::string(kNextRunAt) + of_kinds.and_all();
  return scope_->run("find the next job's time", Access::Read,
                     [&](Connection& db) -> core::Result<std::optional<core::TimePoint>> {
                       std::optional<core::TimePoint> earliest;
                       db.query_with(sql, of_kinds.params(),
                                     [&](const Row& row) { earliest = time_or_null(row, 0); });
                       return earliest;
                     });
}

core::Result<core::JobCounts> SqlJobQueue::count_jobs() {
  return scope_->run(
      "count jobs", Access::Read, [&](Connection& db) -> core::Result<core::JobCounts> {
        core::JobCounts counts;
        db.query(kCountJobs, {}, [&](const Row& row) {
          (row.text(0) == "running" ? counts.running : counts.queued) += row.int64(1);
        });
        return counts;
      });
}

core::Result<std::int64_t> SqlJobQueue::delete_finished_before(core::TimePoint cutoff) {
  return scope_->run("delete finished jobs", Access::Write,
                     [&](Connection& db) -> core::Result<std::int64_t> {
                       return db.execute(kDeleteFinished, {to_ms(cutoff)});
                     });
}

}  // namespace plm::sql
