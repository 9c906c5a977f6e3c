#include "web/jobs.hpp"

#include <algorithm>
#include <random>

namespace plm::web {

JobRunner::JobRunner(int workers, Work work, Publish publish, std::function<std::string()> now_text)
    : work_(std::move(work)), publish_(std::move(publish)), now_text_(std::move(now_text)) {
  // Job ids differ between server runs, so a client never confuses an old job with a new one.
  std::random_device random;
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%08x", random());
  id_prefix_ = prefix;
  for (int i = 0; i < std::max(1, workers); ++i)
    workers_.emplace_back([this](std::stop_token stop) { worker_loop(stop); });
}

JobRunner::~JobRunner() { stop(); }

void JobRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    queue_.clear();
  }
  for (auto& worker : workers_) worker.request_stop();
  wake_.notify_all();
  for (auto& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

JobRunner::Submitted JobRunner::submit(std::int64_t user_id, std::int64_t account_id,
                                       std::string kind, std::string playlist_id) {
  Job job;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, existing] : jobs_) {
      if (existing.account_id == account_id && !existing.finished()) return {existing, false};
    }
    job.id = id_prefix_ + "-" + std::to_string(++next_number_);
    job.kind = std::move(kind);
    job.user_id = user_id;
    job.account_id = account_id;
    job.playlist_id = std::move(playlist_id);
    job.state = "queued";
    job.message = "waiting for a worker";
    job.created_at = now_text_();
    jobs_[job.id] = job;
    if (!stopped_) queue_.push_back(job.id);
  }
  wake_.notify_one();
  publish_(job);
  return {job, true};
}

std::optional<Job> JobRunner::find(std::int64_t user_id, const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  const auto found = jobs_.find(job_id);
  if (found == jobs_.end() || found->second.user_id != user_id) return std::nullopt;
  return found->second;
}

std::vector<Job> JobRunner::list(std::int64_t user_id) const {
  std::vector<Job> active;
  std::vector<Job> done;
  std::lock_guard lock(mutex_);
  for (const auto& [id, job] : jobs_) {
    if (job.user_id != user_id) continue;
    (job.finished() ? done : active).push_back(job);
  }
  // Ids end in a counter: sort by it, newest first.
  auto newest_first = [](const Job& a, const Job& b) {
    const auto number = [](const std::string& id) {
      return std::stoll(id.substr(id.rfind('-') + 1));
    };
    return number(a.id) > number(b.id);
  };
  std::sort(active.begin(), active.end(), newest_first);
  std::sort(done.begin(), done.end(), newest_first);
  active.insert(active.end(), done.begin(), done.end());
  return active;
}

bool JobRunner::account_busy(std::int64_t account_id) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, job] : jobs_) {
    if (job.account_id == account_id && !job.finished()) return true;
  }
  return false;
}

std::int64_t JobRunner::running() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::int64_t>(busy_accounts_.size());
}

std::int64_t JobRunner::queued() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::int64_t>(queue_.size());
}

void JobRunner::worker_loop(std::stop_token stop) {
  for (;;) {
    std::string job_id;
    {
      std::unique_lock lock(mutex_);
      // The first queued job whose account has nothing running: one sync per account at a time.
      auto runnable = [&] {
        return std::find_if(queue_.begin(), queue_.end(), [&](const std::string& id) {
          return !busy_accounts_.count(jobs_.at(id).account_id);
        });
      };
      if (!wake_.wait(lock, stop, [&] { return runnable() != queue_.end(); })) return;
      const auto found = runnable();
      job_id = *found;
      queue_.erase(found);
      Job& job = jobs_.at(job_id);
      busy_accounts_.insert(job.account_id);
      job.state = "running";
      job.message = "starting";
    }
    run(job_id, stop);
    wake_.notify_all();  // the account may have another job waiting
  }
}

void JobRunner::run(const std::string& job_id, std::stop_token stop) {
  Job working;
  {
    std::lock_guard lock(mutex_);
    working = jobs_.at(job_id);
  }
  publish_(working);
  auto last_publish = std::chrono::steady_clock::now();
  bool first = true;
  // Progress goes to the shared copy at every call; events at most every kProgressInterval.
  auto progress = [&] {
    {
      std::lock_guard lock(mutex_);
      Job& shared = jobs_.at(job_id);
      shared.done = working.done;
      shared.total = working.total;
      shared.message = working.message;
    }
    const auto now = std::chrono::steady_clock::now();
    if (first || now - last_publish >= kProgressInterval) {
      first = false;
      last_publish = now;
      publish_(working);
    }
  };
  try {
    work_(working, progress, stop);
  } catch (const std::exception&) {
    working.state = "failed";
    working.error =
        stop.stop_requested()
            ? JobError{"unavailable", "the server stopped during the sync; sync again", ""}
            : JobError{"internal", "the sync failed unexpectedly; the log has details", ""};
    working.message = working.error->message;
  }
  if (!working.finished()) working.state = "failed";
  working.finished_at = now_text_();
  {
    std::lock_guard lock(mutex_);
    jobs_[job_id] = working;
    busy_accounts_.erase(working.account_id);
    auto& finished = finished_[working.user_id];
    finished.push_back(job_id);
    while (finished.size() > kFinishedPerUser) {
      jobs_.erase(finished.front());
      finished.pop_front();
    }
  }
  publish_(working);
}

}  // namespace plm::web
