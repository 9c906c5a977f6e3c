#include "support/in_memory_job_queue.hpp"

#include <algorithm>

namespace plm::test_support {

using core::ErrorCode;
using core::JobEventKind;
using core::JobState;
using core::make_error;

namespace {

bool waiting(JobState state) { return state == JobState::Queued || state == JobState::Interrupted; }

bool of_kinds(const core::Job& job, const std::vector<core::JobKind>& kinds) {
  return kinds.empty() || std::find(kinds.begin(), kinds.end(), job.kind) != kinds.end();
}

core::Error not_held(std::int64_t job_id, const std::string& worker_id) {
  return make_error(ErrorCode::Conflict,
                    "job " + std::to_string(job_id) + " is not held by worker " + worker_id);
}

}  // namespace

InMemoryJobQueue::InMemoryJobQueue(const core::Clock& clock, References references)
    : clock_(clock), references_(std::move(references)) {}

std::optional<core::Error> InMemoryJobQueue::unreachable_error() const {
  if (!unreachable_) return std::nullopt;
  return make_error(ErrorCode::Internal, "the job database cannot be reached");
}

void InMemoryJobQueue::add_event(core::JobDetails& details, JobEventKind kind, std::string message,
                                 core::TimePoint now) {
  details.history.push_back(core::JobEvent{now, kind, std::move(message)});
  details.job.updated_at = now;
}

void InMemoryJobQueue::settle(core::JobDetails& details, JobState state, core::TimePoint now) {
  core::Job& job = details.job;
  job.state = state;
  job.lease_owner.clear();
  job.lease_expires_at.reset();
  job.updated_at = now;
  if (core::is_finished(state)) job.finished_at = now;
}

void InMemoryJobQueue::apply(core::JobDetails& details, const core::Settlement& settlement,
                             core::TimePoint now) {
  if (settlement.error) details.job.error = settlement.error;
  if (settlement.run_at) details.job.run_at = *settlement.run_at;
  settle(details, settlement.state, now);
  for (const auto& event : settlement.events) add_event(details, event.kind, event.message, now);
}

core::JobDetails* InMemoryJobQueue::held(std::int64_t job_id, const std::string& worker_id) {
  const auto found = contents_.jobs.find(job_id);
  if (found == contents_.jobs.end()) return nullptr;
  const core::Job& job = found->second.job;
  if (job.state != JobState::Running || job.lease_owner != worker_id) return nullptr;
  return &found->second;
}

core::Result<core::Enqueued> InMemoryJobQueue::enqueue(const core::NewJob& request) {
  if (auto error = unreachable_error()) return *error;
  if (request.concurrency_key.empty())
    return make_error(ErrorCode::InvalidInput, "a job needs a concurrency key");
  if (request.max_attempts < 1) {
    return make_error(ErrorCode::InvalidInput, "max_attempts must be at least 1, not " +
                                                   std::to_string(request.max_attempts));
  }
  if (references_.user_exists && !references_.user_exists(request.owner_user_id)) {
    return make_error(ErrorCode::NotFound,
                      "user " + std::to_string(request.owner_user_id) + " not found");
  }
  if (request.account_id != 0 && references_.account_exists &&
      !references_.account_exists(request.account_id)) {
    return make_error(ErrorCode::NotFound,
                      "account " + std::to_string(request.account_id) + " not found");
  }
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  if (request.unique_while_active) {
    for (const auto& [id, details] : contents_.jobs) {
      const core::Job& job = details.job;
      if (job.kind == request.kind && job.concurrency_key == request.concurrency_key &&
          !core::is_finished(job.state) && !job.cancel_requested) {
        return core::Enqueued{job, false};
      }
    }
  }
  core::JobDetails details;
  core::Job& job = details.job;
  job.id = ++contents_.last_id;
  job.kind = request.kind;
  job.owner_user_id = request.owner_user_id;
  job.account_id = request.account_id;
  job.playlist_id = request.playlist_id;
  job.concurrency_key = request.concurrency_key;
  job.payload = request.payload;
  job.progress = core::JobProgress{0, 0, request.unit, request.message};
  job.max_attempts = request.max_attempts;
  job.created_at = now;
  job.run_at = request.run_at.value_or(now);
  add_event(details, JobEventKind::Enqueued, core::describe_enqueued(job), now);
  contents_.jobs[job.id] = details;
  return core::Enqueued{job, true};
}

std::int64_t InMemoryJobQueue::expire_leases(core::TimePoint now) {
  std::int64_t expired = 0;
  for (auto& [id, details] : contents_.jobs) {
    core::Job& job = details.job;
    if (job.state != JobState::Running || !job.lease_expires_at || *job.lease_expires_at > now)
      continue;
    ++expired;
    apply(details, core::settle_expired_lease(job), now);
  }
  return expired;
}

bool InMemoryJobQueue::may_run(const core::Job& candidate, core::TimePoint now) const {
  for (const auto& [id, details] : contents_.jobs) {
    const core::Job& other = details.job;
    if (other.id == candidate.id ||
        !core::jobs_conflict(other.concurrency_key, candidate.concurrency_key))
      continue;
    if (other.state == JobState::Running) return false;
    if (other.id < candidate.id && waiting(other.state) && other.run_at <= now) return false;
  }
  return true;
}

core::Result<std::optional<core::Job>> InMemoryJobQueue::claim(
    const std::string& worker_id, const std::vector<core::JobKind>& kinds,
    std::chrono::milliseconds lease) {
  if (auto error = unreachable_error()) return *error;
  if (worker_id.empty()) return make_error(ErrorCode::InvalidInput, "a worker needs an id");
  if (lease <= std::chrono::milliseconds::zero())
    return make_error(ErrorCode::InvalidInput, "a lease must be positive");
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  expire_leases(now);
  for (auto& [id, details] : contents_.jobs) {
    core::Job& job = details.job;
    if (!waiting(job.state) || job.run_at > now || !of_kinds(job, kinds) || !may_run(job, now))
      continue;
    const bool first = job.attempts == 0;
    job.state = JobState::Running;
    ++job.attempts;
    job.lease_owner = worker_id;
    job.lease_expires_at = now + lease;
    if (!job.started_at) job.started_at = now;
    add_event(details, first ? JobEventKind::Started : JobEventKind::Resumed,
              core::describe_attempt(job), now);
    return std::optional<core::Job>(job);
  }
  return std::optional<core::Job>();
}

core::Result<core::HeartbeatAnswer> InMemoryJobQueue::heartbeat(std::int64_t job_id,
                                                                const std::string& worker_id,
                                                                std::chrono::milliseconds lease) {
  if (auto error = unreachable_error()) return *error;
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  core::JobDetails* details = held(job_id, worker_id);
  if (!details) return not_held(job_id, worker_id);
  details->job.lease_expires_at = now + lease;
  details->job.updated_at = now;
  return core::HeartbeatAnswer{details->job.cancel_requested};
}

core::Result<core::HeartbeatAnswer> InMemoryJobQueue::save_progress(
    std::int64_t job_id, const std::string& worker_id, const core::JobProgress& progress,
    const std::string& checkpoint, const core::ApiCounters& api) {
  if (auto error = unreachable_error()) return *error;
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  core::JobDetails* details = held(job_id, worker_id);
  if (!details) return not_held(job_id, worker_id);
  if (progress.done != details->job.progress.done || checkpoint != details->job.checkpoint)
    contents_.releases_without_progress.erase(job_id);
  details->job.progress = progress;
  details->job.checkpoint = checkpoint;
  details->job.api = api;
  details->job.updated_at = now;
  return core::HeartbeatAnswer{details->job.cancel_requested};
}

core::Status InMemoryJobQueue::record_item(std::int64_t job_id, const std::string& worker_id,
                                           const core::JobItemResult& item) {
  if (auto error = unreachable_error()) return *error;
  if (item.key.empty()) return make_error(ErrorCode::InvalidInput, "an item result needs a key");
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  core::JobDetails* details = held(job_id, worker_id);
  if (!details) return not_held(job_id, worker_id);
  auto& items = details->items;
  const auto same_key = std::find_if(
      items.begin(), items.end(), [&](const auto& recorded) { return recorded.key == item.key; });
  if (same_key != items.end()) {
    *same_key = item;
  } else {
    items.push_back(item);
  }
  details->job.updated_at = now;
  contents_.releases_without_progress.erase(job_id);
  return core::ok();
}

core::Status InMemoryJobQueue::complete(std::int64_t job_id, const std::string& worker_id,
                                        JobState final_state, const std::string& message) {
  if (auto error = unreachable_error()) return *error;
  if (final_state != JobState::Succeeded && final_state != JobState::Cancelled) {
    return make_error(ErrorCode::InvalidInput, "a job completes as succeeded or cancelled, not " +
                                                   std::string(core::to_string(final_state)));
  }
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  core::JobDetails* details = held(job_id, worker_id);
  if (!details) return not_held(job_id, worker_id);
  details->job.progress.message = message;
  details->job.error.reset();
  settle(*details, final_state, now);
  add_event(*details,
            final_state == JobState::Succeeded ? JobEventKind::Succeeded : JobEventKind::Cancelled,
            message, now);
  return core::ok();
}

core::Status InMemoryJobQueue::fail(std::int64_t job_id, const std::string& worker_id,
                                    const core::Error& error,
                                    std::optional<core::TimePoint> retry_at) {
  if (auto unreachable = unreachable_error()) return *unreachable;
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  core::JobDetails* details = held(job_id, worker_id);
  if (!details) return not_held(job_id, worker_id);
  apply(*details, core::settle_failure(details->job, error, retry_at, now), now);
  return core::ok();
}

core::Status InMemoryJobQueue::release(std::int64_t job_id, const std::string& worker_id,
                                       const std::string& reason) {
  if (auto error = unreachable_error()) return *error;
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  core::JobDetails* details = held(job_id, worker_id);
  if (!details) return not_held(job_id, worker_id);
  const int releases = ++contents_.releases_without_progress[job_id];
  apply(*details, core::settle_release(details->job, reason, releases), now);
  return core::ok();
}

core::Result<core::Job> InMemoryJobQueue::cancel(std::int64_t job_id) {
  if (auto error = unreachable_error()) return *error;
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  const auto found = contents_.jobs.find(job_id);
  if (found == contents_.jobs.end())
    return make_error(ErrorCode::NotFound, "job " + std::to_string(job_id) + " not found");
  core::JobDetails& details = found->second;
  core::Job& job = details.job;
  if (core::is_finished(job.state)) {
    return make_error(ErrorCode::Conflict, "job " + std::to_string(job_id) + " is already " +
                                               std::string(core::to_string(job.state)));
  }
  if (waiting(job.state)) {
    settle(details, JobState::Cancelled, now);
    add_event(details, JobEventKind::Cancelled, "cancelled before it ran", now);
  } else if (!job.cancel_requested) {
    job.cancel_requested = true;
    add_event(details, JobEventKind::CancelRequested, "stops at its next step", now);
  }
  return job;
}

core::Result<std::int64_t> InMemoryJobQueue::recover_expired_leases() {
  if (auto error = unreachable_error()) return *error;
  const core::TimePoint now = clock_.now();
  std::lock_guard lock(mutex_);
  return expire_leases(now);
}

core::Result<std::optional<core::JobDetails>> InMemoryJobQueue::find_job(std::int64_t job_id) {
  if (auto error = unreachable_error()) return *error;
  std::lock_guard lock(mutex_);
  const auto found = contents_.jobs.find(job_id);
  if (found == contents_.jobs.end()) return std::optional<core::JobDetails>();
  return std::optional<core::JobDetails>(found->second);
}

core::Result<std::vector<core::Job>> InMemoryJobQueue::list_jobs(const core::JobFilter& filter) {
  if (auto error = unreachable_error()) return *error;
  if (filter.limit < 1 || filter.limit > 1000) {
    return make_error(ErrorCode::InvalidInput,
                      "limit must be 1-1000, not " + std::to_string(filter.limit));
  }
  std::lock_guard lock(mutex_);
  std::vector<core::Job> result;
  for (auto it = contents_.jobs.rbegin(); it != contents_.jobs.rend(); ++it) {
    const core::Job& job = it->second.job;
    if (filter.before_id && job.id >= *filter.before_id) continue;
    if (filter.owner_user_id && job.owner_user_id != *filter.owner_user_id) continue;
    if (!filter.states.empty() &&
        std::find(filter.states.begin(), filter.states.end(), job.state) == filter.states.end())
      continue;
    if (filter.kind && job.kind != *filter.kind) continue;
    if (filter.account_id && job.account_id != *filter.account_id) continue;
    if (filter.playlist_id && job.playlist_id != *filter.playlist_id) continue;
    result.push_back(job);
    result.back().checkpoint.clear();
    if (static_cast<int>(result.size()) == filter.limit) break;
  }
  return result;
}

core::Result<std::optional<core::TimePoint>> InMemoryJobQueue::next_run_at(
    const std::vector<core::JobKind>& kinds) {
  if (auto error = unreachable_error()) return *error;
  std::lock_guard lock(mutex_);
  std::optional<core::TimePoint> earliest;
  for (const auto& [id, details] : contents_.jobs) {
    const core::Job& job = details.job;
    if (waiting(job.state) && of_kinds(job, kinds) && (!earliest || job.run_at < *earliest))
      earliest = job.run_at;
  }
  return earliest;
}

core::Result<core::JobCounts> InMemoryJobQueue::count_jobs() {
  if (auto error = unreachable_error()) return *error;
  std::lock_guard lock(mutex_);
  core::JobCounts counts;
  for (const auto& [id, details] : contents_.jobs) {
    if (waiting(details.job.state)) ++counts.queued;
    if (details.job.state == JobState::Running) ++counts.running;
  }
  return counts;
}

core::Result<std::int64_t> InMemoryJobQueue::delete_finished_before(core::TimePoint cutoff) {
  if (auto error = unreachable_error()) return *error;
  std::lock_guard lock(mutex_);
  return erase_jobs_if([&](const core::Job& job) {
    return core::is_finished(job.state) && job.finished_at && *job.finished_at < cutoff;
  });
}

void InMemoryJobQueue::delete_jobs_if(const std::function<bool(const core::Job&)>& doomed) {
  std::lock_guard lock(mutex_);
  erase_jobs_if(doomed);
}

std::int64_t InMemoryJobQueue::erase_jobs_if(const std::function<bool(const core::Job&)>& doomed) {
  const auto erased =
      std::erase_if(contents_.jobs, [&](const auto& entry) { return doomed(entry.second.job); });
  std::erase_if(contents_.releases_without_progress,
                [&](const auto& entry) { return !contents_.jobs.contains(entry.first); });
  return static_cast<std::int64_t>(erased);
}

InMemoryJobQueue::Contents InMemoryJobQueue::contents() const {
  std::lock_guard lock(mutex_);
  return contents_;
}

void InMemoryJobQueue::restore(Contents contents) {
  std::lock_guard lock(mutex_);
  contents_ = std::move(contents);
}

}  // namespace plm::test_support
