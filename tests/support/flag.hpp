#pragma once
/// A one-shot event for tests that wait on another thread, with a deadline so that a broken
/// server fails the test instead of hanging it (never a sleep).

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace plm::test_support {

class Flag {
 public:
  void set() {
    {
      std::lock_guard lock(mutex_);
      set_ = true;
    }
    changed_.notify_all();
  }
  bool is_set() const {
    std::lock_guard lock(mutex_);
    return set_;
  }
  bool wait(std::chrono::milliseconds deadline = std::chrono::seconds(10)) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, [&] { return set_; });
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool set_ = false;
};

}  // namespace plm::test_support
