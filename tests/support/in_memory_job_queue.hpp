#pragma once
/// core::JobQueue in memory, with exactly the promises of the port (core/ports/job_queue.hpp),
/// proved by the same contract suite as the SQL queues
/// (tests/contract/job_queue_contract_test.cpp). Thread-safe: one mutex around everything, so two
/// workers claiming at once see one queue.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>

#include "core/ports/clock.hpp"
#include "core/ports/job_queue.hpp"

namespace plm::test_support {

class InMemoryJobQueue final : public core::JobQueue {
 public:
  /// `owner_exists` answers whether an app user exists (enqueue is NotFound otherwise); empty:
  /// every owner exists. The clock must outlive the queue.
  explicit InMemoryJobQueue(const core::Clock& clock,
                            std::function<bool(std::int64_t)> owner_exists = {});

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
  std::optional<core::Error> unreachable_error() const;

  const core::Clock& clock_;
  std::function<bool(std::int64_t)> owner_exists_;
  std::atomic<bool> unreachable_ = false;
  mutable std::mutex mutex_;
  std::map<std::int64_t, core::JobDetails> jobs_;  ///< by id, oldest first
  std::int64_t last_id_ = 0;
};

}  // namespace plm::test_support
