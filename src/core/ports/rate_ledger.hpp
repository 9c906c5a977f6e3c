#pragma once
/// The rate budget of a Spotify client ID, shared by every plm process that uses it
/// (spotify-api.md 3.1: the limit is a rolling 30-second window per app, "regardless of how many
/// users are using it"). A `plm sync` beside `plm serve` must not double the budget, so the ledger
/// lives where all of them see it: the database (sql::open_rate_ledger), or memory in tests
/// (test_support::InMemoryRateLedger). One contract suite (tests/contract) runs on all of them.
///
/// The ledger keeps, per client ID, the times its recent calls count from and the pauses set by a
/// 429 (Retry-After) or a QUOTA_EXCEEDED. A call counts from its send time while it is in flight
/// and from its answer once it is done (record_answer): Spotify counts a call when it arrives,
/// which is never later than our answer, so the window the ledger keeps always ends at or after
/// Spotify's and the server never sees one call too many.
///
/// Time: implementations read their core::Clock themselves, inside the same atomic step that
/// decides, so calls are recorded in the order they were admitted. That clock is the wall clock,
/// because processes share no monotonic clock. A wall-clock jump moves the window with it: forward
/// releases at most one window's calls early, backward holds them longer; calls that count from
/// more than one window in the future (a large jump back) are dropped, so such a jump cannot block
/// the budget for long.
///
/// Every method is atomic across threads and processes. Failures of the store itself are
/// ErrorCode::Internal.

#include <chrono>
#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace plm::core {

/// At most `calls` calls count in any rolling `window`; 0 calls means no pacing (pauses still
/// apply).
struct RateBudget {
  int calls = 0;
  std::chrono::milliseconds window{30'000};
};

/// What RateLedger::try_admit decided.
struct RateAdmission {
  /// Zero: the call was admitted and counts from now. Otherwise nothing was recorded; ask again
  /// after this long (until a pause ends, or until enough calls leave the window).
  std::chrono::milliseconds wait{0};
  /// The part of `wait` that is a quota pause: callers fail fast on it instead of waiting.
  std::chrono::milliseconds quota_wait{0};
  /// The admitted call, for record_answer; 0 when nothing had to be recorded (no pacing).
  std::int64_t ticket = 0;

  bool admitted() const { return wait.count() == 0; }
};

enum class RatePause {
  RateLimited,    ///< a 429 with Retry-After: every caller waits until it ends
  QuotaExceeded,  ///< a 429 with QUOTA_EXCEEDED: every caller fails fast until it ends
};

class RateLedger {
 public:
  virtual ~RateLedger() = default;

  /// Admits a call of `client_id` when no pause is in force and fewer than `budget.calls` calls
  /// count in the window ending now, recording it (from now) in the same atomic step. Callers pass
  /// their own budget: every process of one installation is configured alike.
  virtual Result<RateAdmission> try_admit(const std::string& client_id,
                                          const RateBudget& budget) = 0;
  /// The call admitted with `ticket` has its answer (or failed): it counts from now on (never from
  /// earlier than it did). A call forgotten meanwhile (in flight longer than the window) is
  /// recorded anew. Ticket 0 does nothing.
  virtual Status record_answer(const std::string& client_id, std::int64_t ticket) = 0;
  /// Every caller of `client_id` waits (RateLimited) or fails fast (QuotaExceeded) for `duration`
  /// from now. A shorter pause never shortens a longer one of the same kind. Returns when the
  /// pause of that kind ends.
  virtual Result<TimePoint> pause(const std::string& client_id, RatePause kind,
                                  std::chrono::milliseconds duration) = 0;
};

}  // namespace plm::core
