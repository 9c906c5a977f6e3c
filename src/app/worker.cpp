#include "app/worker.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>

namespace plm::app {

using core::ErrorCode;

// ---- ConditionWaiter ---------------------------------------------------------------------------

std::uint64_t ConditionWaiter::epoch() const {
  std::lock_guard lock(mutex_);
  return epoch_;
}

void ConditionWaiter::wait_until(core::TimePoint deadline, std::uint64_t seen,
                                 std::stop_token stop) {
  std::unique_lock lock(mutex_);
  const auto left = deadline - clock_.now();
  if (left <= decltype(left)::zero()) return;
  changed_.wait_for(lock, stop, left, [&] { return epoch_ != seen; });
}

void ConditionWaiter::wake() {
  {
    std::lock_guard lock(mutex_);
    ++epoch_;
  }
  changed_.notify_all();
}

// ---- a running job -----------------------------------------------------------------------------

struct Worker::Running {
  core::Job job;  ///< as claimed, then kept current by the handler's reports (its thread only)
  std::string worker_id;
  std::stop_source stop;
  std::atomic<StopReason> reason{StopReason::None};
  // Guarded by Worker::mutex_.
  core::TimePoint lease_expires_at;
  core::TimePoint next_heartbeat;
};

void Worker::request_stop(Running& running, StopReason reason) {
  StopReason none = StopReason::None;
  running.reason.compare_exchange_strong(none, reason);  // the first reason is the one that counts
  running.stop.request_stop();
}

/// The handler's view; writes go to the queue under the running job's worker id.
class Worker::Context final : public JobContext {
 public:
  Context(Worker& worker, Running& running, std::vector<core::JobItemResult> earlier_items)
      : worker_(worker),
        running_(running),
        earlier_items_(std::move(earlier_items)),
        api_before_(running.job.api) {}

  const core::Job& job() const override { return running_.job; }
  const std::vector<core::JobItemResult>& earlier_items() const override { return earlier_items_; }
  std::stop_token stop_token() const override { return running_.stop.get_token(); }
  bool cancelling() const override { return running_.reason.load() == StopReason::Cancelled; }

  void report(const core::JobProgress& progress, std::optional<std::string> checkpoint) override {
    running_.job.progress = progress;
    const bool new_checkpoint = checkpoint.has_value();
    if (checkpoint) running_.job.checkpoint = std::move(*checkpoint);
    dirty_ = true;
    const core::TimePoint now = worker_.clock_.now();
    if (new_checkpoint || now - last_save_ >= worker_.options_.progress_interval) {
      save();
      last_save_ = now;
    }
    if (now - last_publish_ >= worker_.options_.progress_interval) publish(now);
  }

  void record_item(const core::JobItemResult& item) override {
    auto recorded = worker_.queue_.record_item(running_.job.id, running_.worker_id, item);
    if (!recorded) lost_or_reported(recorded.error(), "record an item result");
  }

  void count_api(const core::ApiCounters& this_attempt) override {
    core::ApiCounters& total = running_.job.api;
    total.calls = api_before_.calls + this_attempt.calls;
    total.retries = api_before_.retries + this_attempt.retries;
    total.rate_limited = api_before_.rate_limited + this_attempt.rate_limited;
    total.paced_waits = api_before_.paced_waits + this_attempt.paced_waits;
    total.waited_ms = api_before_.waited_ms + this_attempt.waited_ms;
    total.check_reads = api_before_.check_reads + this_attempt.check_reads;
    dirty_ = true;
  }

  /// Saves what was reported and not saved yet. False when the lease is lost.
  bool flush() {
    if (dirty_) save();
    return running_.reason.load() != StopReason::LeaseLost;
  }

  void publish(core::TimePoint now) {
    last_publish_ = now;
    if (worker_.hooks_.publish) worker_.hooks_.publish(running_.job);
  }

 private:
  void save() {
    const core::Job& job = running_.job;
    auto answer = worker_.queue_.save_progress(job.id, running_.worker_id, job.progress,
                                               job.checkpoint, job.api);
    if (!answer) {
      lost_or_reported(answer.error(), "save progress");  // stays dirty: saved again next time
      return;
    }
    dirty_ = false;
    if (answer->cancel_requested) request_stop(running_, StopReason::Cancelled);
  }

  void lost_or_reported(const core::Error& error, const std::string& what) {
    if (error.code == ErrorCode::Conflict) {
      request_stop(running_, StopReason::LeaseLost);
    } else {
      worker_.report_error(what + " of job " + std::to_string(running_.job.id), error);
    }
  }

  Worker& worker_;
  Running& running_;
  std::vector<core::JobItemResult> earlier_items_;
  core::ApiCounters api_before_;
  bool dirty_ = false;
  core::TimePoint last_save_{};
  core::TimePoint last_publish_{};
};

// ---- Worker ------------------------------------------------------------------------------------

Worker::Worker(core::JobQueue& queue, JobHandlers handlers, const core::Clock& clock,
               Waiter& waiter, WorkerOptions options, WorkerHooks hooks)
    : queue_(queue),
      handlers_(std::move(handlers)),
      clock_(clock),
      waiter_(waiter),
      options_(std::move(options)),
      hooks_(std::move(hooks)) {
  for (const auto& [kind, handler] : handlers_) kinds_.push_back(kind);
  if (options_.name.empty()) options_.name = default_worker_name();
}

Worker::~Worker() { stop(); }

std::string Worker::worker_id(int slot) const { return options_.name + "/" + std::to_string(slot); }

void Worker::report_error(const std::string& what, const core::Error& error) {
  if (hooks_.on_error) hooks_.on_error(what, error);
}

void Worker::start() {
  {
    std::lock_guard lock(mutex_);
    if (!threads_.empty() || shutting_down_) return;
  }
  if (auto recovered = queue_.recover_expired_leases(); !recovered)
    report_error("recover expired leases", recovered.error());
  std::lock_guard lock(mutex_);
  for (int slot = 0; slot < std::max(1, options_.threads); ++slot)
    threads_.emplace_back([this, slot](std::stop_token stop) { work_loop(slot, stop); });
  threads_.emplace_back([this](std::stop_token stop) { heartbeat_loop(stop); });
}

void Worker::start_heartbeats() {
  std::lock_guard lock(mutex_);
  if (!threads_.empty() || shutting_down_) return;
  threads_.emplace_back([this](std::stop_token stop) { heartbeat_loop(stop); });
}

void Worker::wake() { waiter_.wake(); }

void Worker::cancel_requested(std::int64_t job_id) {
  std::shared_ptr<Running> running;
  {
    std::lock_guard lock(mutex_);
    const auto found = running_.find(job_id);
    if (found == running_.end()) return;
    running = found->second;
  }
  // Outside the lock, as in request_shutdown: stop callbacks may call back into us.
  request_stop(*running, StopReason::Cancelled);
}

void Worker::request_shutdown() {
  std::vector<std::shared_ptr<Running>> running;
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    for (const auto& [id, job] : running_) running.push_back(job);
    for (auto& thread : threads_) thread.request_stop();
  }
  // Outside the lock: a stop runs the handlers' stop callbacks, which may call back into us.
  for (const auto& job : running) request_stop(*job, StopReason::Shutdown);
  waiter_.wake();
}

void Worker::stop() {
  request_shutdown();
  std::vector<std::jthread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  threads.clear();  // joins
}

void Worker::work_loop(int slot, std::stop_token stop) {
  while (!stop.stop_requested()) {
    const std::uint64_t seen = waiter_.epoch();
    if (run_one(slot)) continue;
    waiter_.wait_until(idle_deadline(), seen, stop);
  }
}

core::TimePoint Worker::idle_deadline() {
  const core::TimePoint now = clock_.now();
  const core::TimePoint poll = now + options_.poll_interval;
  auto next = queue_.next_run_at(kinds_);
  if (!next) {
    report_error("look for the next due job", next.error());
    return poll;
  }
  // A due time already past belongs to a job waiting for a conflicting one: finishing that one
  // in this process wakes us; in another process, the poll finds it.
  if (*next && **next > now && **next < poll) return **next;
  return poll;
}

bool Worker::run_one(int slot) {
  {
    std::lock_guard lock(mutex_);
    if (shutting_down_) return false;
  }
  const std::string id = worker_id(slot);
  auto claimed = queue_.claim(id, kinds_, options_.lease);
  if (!claimed) {
    report_error("claim a job", claimed.error());
    return false;
  }
  if (!*claimed) return false;

  auto running = std::make_shared<Running>();
  running->job = std::move(**claimed);
  running->worker_id = id;
  const core::TimePoint now = clock_.now();
  running->lease_expires_at = now + options_.lease;
  running->next_heartbeat = now + options_.heartbeat_interval;
  bool shutting_down = false;
  {
    std::lock_guard lock(mutex_);
    running_[running->job.id] = running;
    shutting_down = shutting_down_;
  }
  if (shutting_down) request_stop(*running, StopReason::Shutdown);
  waiter_.wake();  // the heartbeat thread plans for this job too

  std::vector<core::JobItemResult> earlier_items;
  if (running->job.attempts > 1) {
    auto found = queue_.find_job(running->job.id);
    if (found && *found) {
      earlier_items = std::move((*found)->items);
    } else if (!found) {
      report_error("read the earlier results of job " + std::to_string(running->job.id),
                   found.error());
    }
  }
  Context context(*this, *running, std::move(earlier_items));
  context.publish(now);

  const auto handler = handlers_.find(running->job.kind);
  const JobResult result =
      handler == handlers_.end()
          ? JobResult::failed(core::make_error(ErrorCode::Internal, "no handler for this job"))
          : run_handler(handler->second, context);
  settle(*running, context, result);
  {
    std::lock_guard lock(mutex_);
    running_.erase(running->job.id);
  }
  publish_final(*running);
  waiter_.wake();  // jobs that waited for this one's key may run now
  return true;
}

JobResult Worker::run_handler(const JobHandler& handler, Context& context) {
  try {
    return handler(context);
  } catch (const std::exception& error) {
    return JobResult::failed(
        core::make_error(ErrorCode::Internal, std::string("the job failed: ") + error.what()));
  } catch (...) {
    return JobResult::failed(
        core::make_error(ErrorCode::Internal, "the job failed with an unknown exception"));
  }
}

void Worker::settle(Running& running, Context& context, const JobResult& result) {
  const core::Job& job = running.job;
  // A lost lease means another worker has the job (or will): nothing of ours may be written.
  if (!context.flush()) return;
  const StopReason reason = running.reason.load();
  core::Status settled = core::ok();
  if (result.kind == JobResult::Kind::Succeeded) {
    settled = queue_.complete(job.id, running.worker_id, core::JobState::Succeeded, result.message);
  } else if (reason == StopReason::Cancelled) {
    settled = queue_.complete(job.id, running.worker_id, core::JobState::Cancelled, "cancelled");
  } else if (reason == StopReason::Shutdown) {
    settled = queue_.release(job.id, running.worker_id, "the worker stopped (shutdown)");
  } else if (reason == StopReason::LeaseLost) {
    return;
  } else {
    const core::Error error =
        result.error.value_or(core::make_error(ErrorCode::Internal, "the job stopped unasked"));
    settled = queue_.fail(job.id, running.worker_id, error,
                          core::next_retry(error, job.attempts, job.max_attempts, clock_.now()));
  }
  if (!settled && settled.error().code != ErrorCode::Conflict)
    report_error("finish job " + std::to_string(job.id), settled.error());
}

void Worker::publish_final(const Running& running) {
  if (!hooks_.publish) return;
  auto found = queue_.find_job(running.job.id);
  if (!found || !*found) {
    if (!found) report_error("read job " + std::to_string(running.job.id), found.error());
    return;
  }
  hooks_.publish((*found)->job);
}

void Worker::heartbeat_due() {
  const core::TimePoint now = clock_.now();
  std::vector<std::shared_ptr<Running>> due;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, running] : running_) {
      if (running->next_heartbeat <= now) due.push_back(running);
    }
  }
  for (const auto& running : due) {
    auto answer = queue_.heartbeat(running->job.id, running->worker_id, options_.lease);
    bool lease_ran_out = false;
    {
      std::lock_guard lock(mutex_);
      running->next_heartbeat = now + options_.heartbeat_interval;
      if (answer) running->lease_expires_at = now + options_.lease;
      lease_ran_out = now >= running->lease_expires_at;
    }
    if (answer) {
      if (answer->cancel_requested) request_stop(*running, StopReason::Cancelled);
    } else if (answer.error().code == ErrorCode::Conflict) {
      request_stop(*running, StopReason::LeaseLost);
    } else {
      report_error("renew the lease of job " + std::to_string(running->job.id), answer.error());
      // The queue cannot be reached and the lease has run out: another worker may take the job
      // now, so this one stops rather than run it twice at once.
      if (lease_ran_out) request_stop(*running, StopReason::LeaseLost);
    }
  }
}

core::TimePoint Worker::next_heartbeat_deadline() {
  std::lock_guard lock(mutex_);
  core::TimePoint deadline = clock_.now() + options_.heartbeat_interval;
  for (const auto& [id, running] : running_) deadline = std::min(deadline, running->next_heartbeat);
  return deadline;
}

void Worker::heartbeat_loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    const std::uint64_t seen = waiter_.epoch();
    heartbeat_due();
    waiter_.wait_until(next_heartbeat_deadline(), seen, stop);
  }
}

std::string default_worker_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "host");
  std::random_device random;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%06x", random() & 0xffffffu);
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + suffix;
}

}  // namespace plm::app
