#pragma once
/// core::RateLedger in memory, with the promises of the SQL ledger (tests/contract runs one suite
/// on both): for tests of code that paces through the port without a database.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/ports/clock.hpp"
#include "core/ports/rate_ledger.hpp"

namespace plm::test_support {

class InMemoryRateLedger final : public core::RateLedger {
 public:
  /// `clock` must outlive the ledger and every view of it.
  explicit InMemoryRateLedger(const core::Clock& clock);

  core::Result<core::RateAdmission> try_admit(const std::string& client_id,
                                              const core::RateBudget& budget) override;
  core::Status record_answer(const std::string& client_id, std::int64_t ticket) override;
  core::Result<std::chrono::system_clock::time_point> pause(
      const std::string& client_id, core::RatePause kind,
      std::chrono::milliseconds duration) override;

  /// Another ledger over the same state, as a second process would open the same database.
  std::unique_ptr<InMemoryRateLedger> another_view() const;

 private:
  using Time = std::chrono::system_clock::time_point;
  struct Budget {
    std::map<std::int64_t, Time> calls;  ///< ticket → the time the call counts from
    Time paused_until{};
    Time quota_paused_until{};
  };
  struct State {
    std::mutex mutex;
    std::map<std::string, Budget> budgets;
    std::int64_t next_ticket = 1;
  };
  InMemoryRateLedger(std::shared_ptr<State> state, const core::Clock& clock)
      : state_(std::move(state)), clock_(clock) {}

  std::shared_ptr<State> state_;
  const core::Clock& clock_;
};

}  // namespace plm::test_support
