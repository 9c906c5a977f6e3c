#include "web/throttle.hpp"

#include <algorithm>

namespace plm::web {

LoginThrottle::LoginThrottle(int max_failures, std::chrono::seconds window, std::size_t max_keys)
    : max_failures_(max_failures), window_(window), max_keys_(std::max<std::size_t>(1, max_keys)) {}

void LoginThrottle::prune(std::deque<TimePoint>& failures, TimePoint now) const {
  while (!failures.empty() && failures.front() + window_ <= now) failures.pop_front();
}

std::optional<std::chrono::seconds> LoginThrottle::blocked_locked(const std::string& key,
                                                                  TimePoint now) {
  const auto found = failures_.find(key);
  if (found == failures_.end()) return std::nullopt;
  prune(found->second, now);
  if (static_cast<int>(found->second.size()) < max_failures_) return std::nullopt;
  // Blocked until enough failures have left the window for one more attempt.
  const TimePoint until =
      found->second[found->second.size() - static_cast<std::size_t>(max_failures_)] + window_;
  return std::max(std::chrono::ceil<std::chrono::seconds>(until - now), std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> LoginThrottle::blocked(const std::string& key, TimePoint now) {
  std::lock_guard lock(mutex_);
  return blocked_locked(key, now);
}

std::optional<std::chrono::seconds> LoginThrottle::reserve(const std::string& key, TimePoint now) {
  std::lock_guard lock(mutex_);
  if (auto wait = blocked_locked(key, now)) return wait;
  record_locked(key, now);
  return std::nullopt;
}

void LoginThrottle::release(const std::string& key, TimePoint at) {
  std::lock_guard lock(mutex_);
  const auto found = failures_.find(key);
  if (found == failures_.end()) return;
  auto& failures = found->second;
  for (auto it = failures.rbegin(); it != failures.rend(); ++it) {
    if (*it == at) {
      failures.erase(std::next(it).base());
      break;
    }
  }
  if (failures.empty()) failures_.erase(found);
}

int LoginThrottle::record_locked(const std::string& key, TimePoint now) {
  if (failures_.size() >= max_keys_ && !failures_.count(key)) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      prune(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    // Still full of recent keys: the one whose last failure is oldest goes, so memory stays
    // bounded whatever a flood of addresses or names does.
    while (failures_.size() >= max_keys_) {
      auto oldest = failures_.begin();
      for (auto it = failures_.begin(); it != failures_.end(); ++it) {
        if (it->second.back() < oldest->second.back()) oldest = it;
      }
      failures_.erase(oldest);
    }
  }
  auto& failures = failures_[key];
  prune(failures, now);
  const int before = static_cast<int>(failures.size());
  failures.push_back(now);
  // Only the last max_failures matter for the decision.
  while (static_cast<int>(failures.size()) > max_failures_) failures.pop_front();
  return before;
}

int LoginThrottle::record_failure(const std::string& key, TimePoint now) {
  std::lock_guard lock(mutex_);
  return record_locked(key, now);
}

void LoginThrottle::clear(const std::string& key) {
  std::lock_guard lock(mutex_);
  failures_.erase(key);
}

std::size_t LoginThrottle::keys() const {
  std::lock_guard lock(mutex_);
  return failures_.size();
}

// ---- SignInThrottle ---------------------------------------------------------------------------

std::string SignInThrottle::pair_key(const Attempt& attempt) {
  // A newline is in neither an address nor a user name.
  return attempt.address + "\n" + attempt.name;
}

SignInThrottle::Decision SignInThrottle::reserve(const Attempt& attempt, TimePoint now) {
  const bool named = !attempt.name.empty();
  if (named) {
    if (auto wait = pairs_.reserve(pair_key(attempt), now)) return Decision{wait};
  }
  if (auto wait = addresses_.reserve(attempt.address, now)) {
    if (named) pairs_.release(pair_key(attempt), now);
    return Decision{wait};
  }
  Decision decision;
  if (named) {
    const int failures = names_.record_failure(attempt.name, now);
    if (failures >= kNameSlowdownFrom) {
      const int doublings = std::min(failures - kNameSlowdownFrom, 4);
      decision.delay =
          std::min<std::chrono::milliseconds>(std::chrono::seconds(1 << doublings), kMaxDelay);
    }
  }
  return decision;
}

void SignInThrottle::release(const Attempt& attempt, TimePoint at) {
  addresses_.release(attempt.address, at);
  if (attempt.name.empty()) return;
  pairs_.release(pair_key(attempt), at);
  names_.release(attempt.name, at);
}

void SignInThrottle::succeeded(const Attempt& attempt, TimePoint at) {
  release(attempt, at);
  if (!attempt.name.empty()) pairs_.clear(pair_key(attempt));
}

}  // namespace plm::web
