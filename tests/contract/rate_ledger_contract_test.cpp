// The rate ledger contract (src/core/ports/rate_ledger.hpp): one suite run on the in-memory ledger
// of tests/support, on SQLite and, under scripts/with-postgres.sh, on PostgreSQL. Opening a ledger
// twice gives two connections to one database: what two plm processes see.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "sql/rate_ledger.hpp"
#include "store_backends.hpp"
#include "support/fakes.hpp"
#include "support/in_memory_rate_ledger.hpp"

namespace plm::contract {
namespace {

using namespace std::chrono_literals;
using core::RatePause;

class MemoryLedgers {
 public:
  std::optional<std::string> skip_reason() const { return std::nullopt; }
  std::unique_ptr<core::RateLedger> open(const core::Clock& clock) {
    if (!first_) first_ = std::make_unique<test_support::InMemoryRateLedger>(clock);
    return first_->another_view();
  }

 private:
  std::unique_ptr<test_support::InMemoryRateLedger> first_;
};

/// The ledger on a database the store created and migrated.
template <typename Database>
class SqlLedgers {
 public:
  std::optional<std::string> skip_reason() const { return database_.skip_reason(); }
  std::unique_ptr<core::RateLedger> open(const core::Clock& clock) {
    if (!store_) store_ = database_.open(cipher_, clock);
    return sql::open_rate_ledger(database_.url(), clock);
  }

 private:
  Database database_;
  security::TokenCipher cipher_{security::SecretKey::generate()};
  std::unique_ptr<sql::Store> store_;
};

template <typename Ledgers>
class RateLedgerContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = ledgers_.skip_reason()) GTEST_SKIP() << *reason;
    ledger_ = ledgers_.open(clock_);
  }

  /// Admits and answers at once; false when the call had to wait.
  bool call(const std::string& client_id = "app") {
    const auto admission = ledger_->try_admit(client_id, budget_);
    EXPECT_TRUE(admission) << admission.error().message;
    if (!admission || !admission->admitted()) return false;
    EXPECT_TRUE(ledger_->record_answer(client_id, admission->ticket));
    return true;
  }
  core::RateAdmission admit(core::RateLedger& ledger, const std::string& client_id = "app") {
    const auto admission = ledger.try_admit(client_id, budget_);
    EXPECT_TRUE(admission) << admission.error().message;
    return admission ? *admission : core::RateAdmission{.wait = 999h};
  }
  core::RateAdmission admit() { return admit(*ledger_); }

  test_support::ManualClock clock_;
  Ledgers ledgers_;
  std::unique_ptr<core::RateLedger> ledger_;
  core::RateBudget budget_{.calls = 3, .window = 30s};
};

using Implementations =
    ::testing::Types<MemoryLedgers, SqlLedgers<SqliteBackend>, SqlLedgers<PostgresBackend>>;
class ImplementationNames {
 public:
  template <typename T>
  static std::string GetName(int index) {
    return std::vector<std::string>{"Memory", "Sqlite", "Postgres"}.at(
        static_cast<std::size_t>(index));
  }
};
TYPED_TEST_SUITE(RateLedgerContract, Implementations, ImplementationNames);

TYPED_TEST(RateLedgerContract, AdmitsTheBudgetThenWaitsForTheOldestCallToLeave) {
  EXPECT_TRUE(this->call());
  this->clock_.advance(1s);
  EXPECT_TRUE(this->call());
  this->clock_.advance(1s);
  EXPECT_TRUE(this->call());
  this->clock_.advance(8s);
  const auto full = this->admit();
  EXPECT_FALSE(full.admitted());
  EXPECT_EQ(full.wait, 20s);  // the first call leaves 30 s after it counted
  EXPECT_EQ(full.quota_wait, 0ms);
  EXPECT_EQ(this->admit().wait, 20s);  // a refused call records nothing
  this->clock_.advance(20s - 1ms);
  EXPECT_EQ(this->admit().wait, 1ms);
  this->clock_.advance(1ms);
  EXPECT_TRUE(this->call());
  EXPECT_EQ(this->admit().wait, 1s);  // now the call made at 1 s is the oldest
}

TYPED_TEST(RateLedgerContract, ACallCountsFromItsAnswer) {
  this->budget_.calls = 1;
  const auto admitted = this->admit();
  ASSERT_TRUE(admitted.admitted());
  EXPECT_NE(admitted.ticket, 0);
  this->clock_.advance(5s);  // in flight: it counts from its send time meanwhile
  EXPECT_EQ(this->admit().wait, 25s);
  ASSERT_TRUE(this->ledger_->record_answer("app", admitted.ticket));
  EXPECT_EQ(this->admit().wait, 30s);  // from its answer
}

TYPED_TEST(RateLedgerContract, AnAnswerNeverMovesACallBack) {
  this->budget_.calls = 1;
  const auto admitted = this->admit();
  this->clock_.advance(-10s);  // the wall clock stepped back while the call was out
  ASSERT_TRUE(this->ledger_->record_answer("app", admitted.ticket));
  EXPECT_EQ(this->admit().wait, 40s);
}

TYPED_TEST(RateLedgerContract, ACallInFlightLongerThanTheWindowCountsAgainFromItsAnswer) {
  this->budget_.calls = 2;
  const auto slow = this->admit();
  this->clock_.advance(31s);
  EXPECT_TRUE(this->call());  // the slow call, still in flight, left the window
  ASSERT_TRUE(this->ledger_->record_answer("app", slow.ticket));
  EXPECT_EQ(this->admit().wait, 30s);  // both count from now
}

TYPED_TEST(RateLedgerContract, WithoutABudgetEveryCallIsAdmittedAndNothingIsRecorded) {
  this->budget_.calls = 0;
  for (int i = 0; i < 50; ++i) {
    const auto admission = this->admit();
    ASSERT_TRUE(admission.admitted());
    EXPECT_EQ(admission.ticket, 0);
    ASSERT_TRUE(this->ledger_->record_answer("app", admission.ticket));
  }
  this->budget_.calls = 1;
  EXPECT_TRUE(this->call());
}

TYPED_TEST(RateLedgerContract, APauseStopsEveryCallerUntilItEnds) {
  const auto start = this->clock_.now();
  const auto paused = this->ledger_->pause("app", RatePause::RateLimited, 10s);
  ASSERT_TRUE(paused);
  EXPECT_EQ(*paused, start + 10s);
  const auto shorter = this->ledger_->pause("app", RatePause::RateLimited, 5s);
  EXPECT_EQ(*shorter, start + 10s);  // never shortened
  const auto waiting = this->admit();
  EXPECT_EQ(waiting.wait, 10s);
  EXPECT_EQ(waiting.quota_wait, 0ms);
  this->budget_.calls = 0;  // pauses apply without pacing too
  EXPECT_EQ(this->admit().wait, 10s);
  this->clock_.advance(10s);
  EXPECT_TRUE(this->call());
}

TYPED_TEST(RateLedgerContract, AQuotaPauseIsToldApartFromTheWindow) {
  this->budget_.calls = 1;
  ASSERT_TRUE(this->call());
  ASSERT_TRUE(this->ledger_->pause("app", RatePause::QuotaExceeded, 1h));
  ASSERT_TRUE(this->ledger_->pause("app", RatePause::RateLimited, 2h));
  const auto waiting = this->admit();
  EXPECT_EQ(waiting.quota_wait, 1h);
  EXPECT_EQ(waiting.wait, 2h);
  this->clock_.advance(1h);
  EXPECT_EQ(this->admit().quota_wait, 0ms);
  EXPECT_EQ(this->admit().wait, 1h);
}

TYPED_TEST(RateLedgerContract, ClientIdsHaveBudgetsAndPausesOfTheirOwn) {
  this->budget_.calls = 1;
  EXPECT_TRUE(this->call("app-1"));
  EXPECT_TRUE(this->call("app-2"));
  EXPECT_FALSE(this->call("app-1"));
  ASSERT_TRUE(this->ledger_->pause("app-2", RatePause::QuotaExceeded, 1h));
  this->clock_.advance(30s);
  EXPECT_TRUE(this->call("app-1"));
  EXPECT_EQ(this->admit(*this->ledger_, "app-2").quota_wait, 1h - 30s);
}

TYPED_TEST(RateLedgerContract, AWallClockFarBehindDoesNotBlockTheBudget) {
  this->budget_.calls = 1;
  EXPECT_TRUE(this->call());
  this->clock_.advance(-1h);  // NTP stepped the clock back an hour
  EXPECT_TRUE(this->call());  // the call counting an hour ahead was dropped, not waited out
}

TYPED_TEST(RateLedgerContract, TwoConnectionsShareOneBudget) {
  this->budget_.calls = 2;
  const auto other = this->ledgers_.open(this->clock_);
  EXPECT_TRUE(this->admit(*this->ledger_).admitted());
  EXPECT_TRUE(this->admit(*other).admitted());
  EXPECT_EQ(this->admit(*this->ledger_).wait, 30s);
  EXPECT_EQ(this->admit(*other).wait, 30s);
  this->clock_.advance(30s);
  ASSERT_TRUE(other->pause("app", RatePause::RateLimited, 7s));
  EXPECT_EQ(this->admit(*this->ledger_).wait, 7s);
}

TYPED_TEST(RateLedgerContract, ConcurrentAdmissionsNeverExceedTheBudget) {
  this->budget_.calls = 25;
  constexpr int kThreads = 4;
  constexpr int kAttempts = 20;
  std::vector<std::unique_ptr<core::RateLedger>> ledgers;
  for (int i = 0; i < kThreads; ++i) ledgers.push_back(this->ledgers_.open(this->clock_));
  std::atomic<int> admitted{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (auto& ledger : ledgers) {
    threads.emplace_back([&, &ledger = *ledger] {
      for (int i = 0; i < kAttempts; ++i) {
        const auto admission = ledger.try_admit("app", this->budget_);
        if (!admission) {
          ++failed;
        } else if (admission->admitted()) {
          ++admitted;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(admitted.load(), 25);
}

}  // namespace
}  // namespace plm::contract
