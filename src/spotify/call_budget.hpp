#pragma once
/// How a Client keeps to its client ID's rate budget (spotify-api.md 3.1, 3.5). Two
/// implementations: SharedRateLimiter (rate_limiter.hpp; one process, monotonic time: unit tests
/// and the emulator tests) and, wired by src/app, an adapter over core::RateLedger that every plm
/// process on the machine shares through the database.
///
/// An implementation reads its own clock inside the step that decides, so calls are recorded in
/// the order they were admitted.

#include <chrono>
#include <cstdint>

#include "core/ports/rate_ledger.hpp"
#include "core/result.hpp"

namespace plm::spotify {

class CallBudget {
 public:
  virtual ~CallBudget() = default;
  /// Admits and records a call (admission.wait zero) or says how long to wait; the quota part of
  /// the wait is a reason to fail fast. Fails (Internal) only when the budget cannot be read.
  virtual core::Result<core::RateAdmission> try_acquire() = 0;
  /// The call admitted with `ticket` has its answer: it counts from now on, when the server has
  /// surely counted it.
  virtual void record_answer(std::int64_t ticket) = 0;
  /// Every caller waits `duration` from now (a 429's Retry-After).
  virtual void pause_for(std::chrono::milliseconds duration) = 0;
  /// Every caller fails with QuotaExceeded for `duration` from now.
  virtual void pause_for_quota(std::chrono::milliseconds duration) = 0;
};

}  // namespace plm::spotify
