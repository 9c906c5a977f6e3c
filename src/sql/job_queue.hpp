#pragma once
/// core::JobQueue on the plm database (tables of migration 0004_jobs: jobs, job_items,
/// job_events), written once for SQLite and PostgreSQL on the connection layer (connection.hpp).
/// sql::Store hands one out over transactions of its own (Store::jobs()), and each unit of work
/// one over the unit's transaction (core::TransactionPorts::jobs()), so a job is enqueued together
/// with the change that asks for it, or not at all.
///
/// Claims are safe across processes on one database: a claim is one write transaction that first
/// takes the claim lock (Connection::lock_until_transaction_end: PostgreSQL's advisory lock;
/// SQLite's write transaction holds the database's one write lock anyway), then turns expired
/// leases Interrupted, chooses the job and starts it. Claims thus run one at a time, and each sees
/// every job the claims before it started: two workers never get the same job, and two jobs whose
/// keys conflict never run at once (row locks alone, FOR UPDATE SKIP LOCKED, would let two claims
/// each start one of two conflicting jobs). The other calls on a running job lock its row only.
///
/// Times are the store clock's, kept as Unix milliseconds.

#include <memory>

#include "core/ports/job_queue.hpp"
#include "sql/store_context.hpp"

namespace plm::sql {

class TransactionScope;

class SqlJobQueue final : public core::JobQueue {
 public:
  SqlJobQueue(std::shared_ptr<TransactionScope> scope, const StoreContext& context);
  ~SqlJobQueue() override;
  SqlJobQueue(const SqlJobQueue&) = delete;
  SqlJobQueue& operator=(const SqlJobQueue&) = delete;

  core::Result<core::Enqueued> enqueue(const core::NewJob& job) override;
  core::Result<std::optional<core::Job>> claim(const std::string& worker_id,
                                               const std::vector<core::JobKind>& kinds,
                                               std::chrono::milliseconds lease) override;
  core::Result<core::HeartbeatAnswer> heartbeat(std::int64_t job_id, const std::string& worker_id,
                                                std::chrono::milliseconds lease) override;
  core::Result<core::HeartbeatAnswer> save_progress(std::int64_t job_id,
                                                    const std::string& worker_id,
                                                    const core::JobProgress& progress,
                                                    const std::string& checkpoint,
                                                    const core::ApiCounters& api) override;
  core::Status record_item(std::int64_t job_id, const std::string& worker_id,
                           const core::JobItemResult& item) override;
  core::Status complete(std::int64_t job_id, const std::string& worker_id,
                        core::JobState final_state, const std::string& message) override;
  core::Status fail(std::int64_t job_id, const std::string& worker_id, const core::Error& error,
                    std::optional<core::TimePoint> retry_at) override;
  core::Status release(std::int64_t job_id, const std::string& worker_id,
                       const std::string& reason) override;
  core::Result<core::Job> cancel(std::int64_t job_id) override;
  core::Result<std::int64_t> recover_expired_leases() override;
  core::Result<std::optional<core::JobDetails>> find_job(std::int64_t job_id) override;
  core::Result<std::vector<core::Job>> list_jobs(const core::JobFilter& filter) override;
  core::Result<std::optional<core::TimePoint>> next_run_at(
      const std::vector<core::JobKind>& kinds) override;
  core::Result<core::JobCounts> count_jobs() override;
  core::Result<std::int64_t> delete_finished_before(core::TimePoint cutoff) override;

 private:
  std::shared_ptr<TransactionScope> scope_;
  const core::Clock& clock_;
};

}  // namespace plm::sql
