#pragma once
/// The JobQueue implementations the contract suite runs on (job_queue_contract_test.cpp). A backend
/// opens handles on one queue with a given clock and creates the app users that own jobs. Adding a
/// backend is a class here (or beside store_backends.hpp for the databases) and one name in the
/// suite's type list.

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "core/ports/clock.hpp"
#include "core/ports/job_queue.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::contract {

class InMemoryJobQueueBackend {
 public:
  std::optional<std::string> skip_reason() const { return std::nullopt; }

  /// A handle on this backend's queue. Called again, it returns another handle on the same queue,
  /// as a second process opening the same database would get (here: the same object, which is
  /// thread-safe). `clock` must outlive every handle; the first call's clock is the one used.
  std::shared_ptr<core::JobQueue> open(const core::Clock& clock) {
    if (!queue_) {
      queue_ = std::make_shared<test_support::InMemoryJobQueue>(
          clock, [this](std::int64_t id) { return users_.count(id) > 0; });
    }
    return queue_;
  }

  /// Creates an app user (jobs must have an existing owner); returns its id. Call before any
  /// thread uses the queue.
  std::int64_t add_user(const std::string& /*username*/) {
    const std::int64_t id = static_cast<std::int64_t>(users_.size()) + 1;
    users_.insert(id);
    return id;
  }

 private:
  std::set<std::int64_t> users_;
  std::shared_ptr<test_support::InMemoryJobQueue> queue_;
};

}  // namespace plm::contract
