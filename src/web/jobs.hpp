#pragma once
/// Sync jobs in this process: a few worker threads, at most one running job per Spotify account,
/// progress published as it happens (at most 5 updates a second per job; the final state always),
/// and the last 50 finished jobs of each user kept in memory.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace plm::web {

struct JobError {
  std::string code;  ///< the API's error codes: needs_reauth, rate_limited, unavailable, …
  std::string message;
  std::string retry_at;  ///< ISO-8601 UTC, empty when none
};

/// The Job schema of api/openapi.yaml.
struct Job {
  std::string id;
  std::string kind;  ///< "sync_account" or "sync_playlist"
  std::int64_t user_id = 0;
  std::int64_t account_id = 0;
  std::string playlist_id;       ///< empty for sync_account
  std::string state = "queued";  ///< queued, running, succeeded, partial, failed
  std::int64_t done = 0;
  std::int64_t total = 0;
  std::string message;
  std::string created_at;
  std::string finished_at;
  std::optional<JobError> error;

  bool finished() const { return state != "queued" && state != "running"; }
};

class JobRunner {
 public:
  /// Runs `job` (state "running"): updates its fields through `job` and calls `progress` after
  /// each change worth telling; sets the final state before returning. Must not throw (the
  /// runner turns an exception into a failed job anyway).
  using Work =
      std::function<void(Job& job, const std::function<void()>& progress, std::stop_token stop)>;
  /// Every published state of a job (the first "queued", progress, the final one).
  using Publish = std::function<void(const Job& job)>;

  JobRunner(int workers, Work work, Publish publish, std::function<std::string()> now_text);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  /// Queues a job unless one for the account is queued or running: then returns that one with
  /// `created` false.
  struct Submitted {
    Job job;
    bool created = false;
  };
  Submitted submit(std::int64_t user_id, std::int64_t account_id, std::string kind,
                   std::string playlist_id);
  std::optional<Job> find(std::int64_t user_id, const std::string& job_id) const;
  /// Running and queued first (newest first), then finished, newest first.
  std::vector<Job> list(std::int64_t user_id) const;
  bool account_busy(std::int64_t account_id) const;
  std::int64_t running() const;
  std::int64_t queued() const;

  /// Asks running jobs to stop at the next playlist boundary, drops queued ones and joins the
  /// workers. Idempotent.
  void stop();

  static constexpr std::size_t kFinishedPerUser = 50;
  static constexpr std::chrono::milliseconds kProgressInterval{200};

 private:
  void worker_loop(std::stop_token stop);
  void run(const std::string& job_id, std::stop_token stop);

  Work work_;
  Publish publish_;
  std::function<std::string()> now_text_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::map<std::string, Job> jobs_;                           ///< every job kept, by id
  std::deque<std::string> queue_;                             ///< queued job ids, oldest first
  std::set<std::int64_t> busy_accounts_;                      ///< accounts with a running job
  std::map<std::int64_t, std::deque<std::string>> finished_;  ///< per user, oldest first
  std::int64_t next_number_ = 0;
  std::string id_prefix_;
  std::vector<std::jthread> workers_;
  bool stopped_ = false;
};

}  // namespace plm::web
