#pragma once
/// core::JobQueue in memory, with exactly the promises of the port (core/ports/job_queue.hpp),
/// proved by the same contract suite as the SQL queues
/// (tests/contract/job_queue_contract_test.cpp). Thread-safe: one mutex around everything, so two
/// workers claiming at once see one queue.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>

#include "core/jobs/settlement.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/job_queue.hpp"

namespace plm::test_support {

class InMemoryJobQueue final : public core::JobQueue {
 public:
  /// What a job refers to, as the store knows it: enqueue answers NotFound when either says no.
  /// Empty: everything exists (a queue used without a store).
  struct References {
    std::function<bool(std::int64_t)> user_exists;
    std::function<bool(std::int64_t)> account_exists;
  };

  /// Everything the queue holds, for a unit of work to put back (InMemoryStore::in_transaction).
  struct Contents {
    std::map<std::int64_t, core::JobDetails> jobs;
    std::map<std::int64_t, int> releases_without_progress;  ///< by job id; absent: 0
    std::int64_t last_id = 0;
  };

  /// The clock must outlive the queue.
  explicit InMemoryJobQueue(const core::Clock& clock, References references = {});

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

  /// Deletes the jobs `doomed` picks, as a store deleting their user or account does.
  void delete_jobs_if(const std::function<bool(const core::Job&)>& doomed);
  Contents contents() const;
  void restore(Contents contents);

  /// From now on every call answers Internal and changes nothing, as a database that cannot be
  /// reached does; seen from the database, that is also a process that died mid-job (nothing it
  /// does arrives). `false` restores it.
  void set_unreachable(bool unreachable) { unreachable_ = unreachable; }

 private:
  /// The job `job_id` when `worker_id` holds it, else nullptr (the caller answers Conflict).
  core::JobDetails* held(std::int64_t job_id, const std::string& worker_id);
  std::int64_t expire_leases(core::TimePoint now);
  bool may_run(const core::Job& candidate, core::TimePoint now) const;
  void add_event(core::JobDetails& details, core::JobEventKind kind, std::string message,
                 core::TimePoint now);
  /// Ends a running job's lease in `state` (with `finished_at` for a finished state).
  void settle(core::JobDetails& details, core::JobState state, core::TimePoint now);
  void apply(core::JobDetails& details, const core::Settlement& settlement, core::TimePoint now);
  /// Under the lock: deletes the jobs `doomed` picks; returns how many.
  std::int64_t erase_jobs_if(const std::function<bool(const core::Job&)>& doomed);
  std::optional<core::Error> unreachable_error() const;

  const core::Clock& clock_;
  References references_;
  std::atomic<bool> unreachable_ = false;
  mutable std::mutex mutex_;
  Contents contents_;  ///< jobs by id, oldest first
};

}  // namespace plm::test_support
