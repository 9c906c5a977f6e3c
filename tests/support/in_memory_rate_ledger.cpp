#include "support/in_memory_rate_ledger.hpp"

#include <algorithm>
#include <vector>

namespace plm::test_support {

namespace {

using Millis = std::chrono::milliseconds;

Millis until(std::chrono::system_clock::time_point end, std::chrono::system_clock::time_point now) {
  return std::max(Millis(0), std::chrono::ceil<Millis>(end - now));
}

}  // namespace

InMemoryRateLedger::InMemoryRateLedger(const core::Clock& clock)
    : InMemoryRateLedger(std::make_shared<State>(), clock) {}

std::unique_ptr<InMemoryRateLedger> InMemoryRateLedger::another_view() const {
  return std::unique_ptr<InMemoryRateLedger>(new InMemoryRateLedger(state_, clock_));
}

core::Result<core::RateAdmission> InMemoryRateLedger::try_admit(const std::string& client_id,
                                                                const core::RateBudget& budget) {
  std::lock_guard lock(state_->mutex);
  Budget& entry = state_->budgets[client_id];
  const auto now = clock_.now();
  std::erase_if(entry.calls, [&](const auto& call) {
    return call.second + budget.window <= now || call.second > now + budget.window;
  });
  core::RateAdmission admission;
  admission.quota_wait = until(entry.quota_paused_until, now);
  admission.wait = std::max(until(entry.paused_until, now), admission.quota_wait);
  if (admission.quota_wait.count() > 0 || budget.calls <= 0) return admission;
  std::vector<Time> times;
  for (const auto& [ticket, time] : entry.calls) times.push_back(time);
  std::sort(times.begin(), times.end());
  const auto live = static_cast<std::int64_t>(times.size());
  if (live >= budget.calls) {
    const Time leaving = times[static_cast<std::size_t>(live - budget.calls)];
    admission.wait = std::max(admission.wait, until(leaving + budget.window, now));
  }
  if (admission.admitted()) {
    admission.ticket = state_->next_ticket++;
    entry.calls.emplace(admission.ticket, now);
  }
  return admission;
}

core::Status InMemoryRateLedger::record_answer(const std::string& client_id, std::int64_t ticket) {
  if (ticket == 0) return core::ok();
  std::lock_guard lock(state_->mutex);
  const auto now = clock_.now();
  auto& calls = state_->budgets[client_id].calls;
  if (const auto found = calls.find(ticket); found != calls.end()) {
    found->second = std::max(found->second, now);
  } else {
    calls.emplace(state_->next_ticket++, now);  // forgotten while in flight: counts anew
  }
  return core::ok();
}

core::Result<std::chrono::system_clock::time_point> InMemoryRateLedger::pause(
    const std::string& client_id, core::RatePause kind, std::chrono::milliseconds duration) {
  std::lock_guard lock(state_->mutex);
  Budget& entry = state_->budgets[client_id];
  Time& end =
      kind == core::RatePause::QuotaExceeded ? entry.quota_paused_until : entry.paused_until;
  end = std::max(end, clock_.now() + duration);
  return end;
}

}  // namespace plm::test_support
