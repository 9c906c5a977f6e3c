#include "sql/connection_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

namespace plm::sql {
namespace {

/// A connection that only knows whether it is in a transaction and whether it broke.
class FakeConnection final : public Connection {
 public:
  explicit FakeConnection(int number, std::atomic<int>& leased_now, std::atomic<int>& most_leased)
      : number_(number), leased_now_(leased_now), most_leased_(most_leased) {}

  int number() const { return number_; }
  void break_for_test() { broken_ = true; }
  /// Counts this connection as in use; the pool's Lease brackets every use.
  void use() {
    const int now = ++leased_now_;
    int most = most_leased_.load();
    while (now > most && !most_leased_.compare_exchange_weak(most, now)) {
    }
    --leased_now_;
  }

  Dialect dialect() const override { return Dialect::Sqlite; }
  void begin(Access) override { in_transaction_ = true; }
  void commit() override { in_transaction_ = false; }
  void rollback() noexcept override {
    in_transaction_ = false;
    ++rollbacks_;
  }
  bool in_transaction() const override { return in_transaction_; }
  void savepoint(std::string_view) override {}
  void release_savepoint(std::string_view) override {}
  void rollback_to_savepoint(std::string_view) override {}
  void execute_script(std::string_view) override {}
  void write_rows(const RowsTarget&, std::span<const Param>) override {}
  std::string_view for_update(RowLock) const override { return ""; }
  void lock_until_transaction_end(std::int64_t) override {}
  bool is_broken() const override { return broken_; }
  void run_migration_transaction(const std::function<void()>& migrate) override { migrate(); }
  int rollbacks() const { return rollbacks_; }

 protected:
  std::int64_t execute_statement(std::string_view, std::span<const Param>) override { return 0; }
  std::size_t query_rows(std::string_view, std::span<const Param>, const RowHandler&,
                         std::size_t) override {
    return 0;
  }

 private:
  int number_;
  std::atomic<int>& leased_now_;
  std::atomic<int>& most_leased_;
  bool in_transaction_ = false;
  bool broken_ = false;
  int rollbacks_ = 0;
};

class ConnectionPoolTest : public ::testing::Test {
 protected:
  ConnectionPool::Connect counting_connect() {
    return [this]() -> std::unique_ptr<Connection> {
      if (refuse_) throw DatabaseError(DatabaseError::Kind::ConnectionLost, "server down");
      return std::make_unique<FakeConnection>(++opened_, leased_now_, most_leased_);
    };
  }
  static FakeConnection& fake(const ConnectionPool::Lease& lease) {
    return dynamic_cast<FakeConnection&>(*lease);
  }

  std::atomic<int> opened_{0};
  std::atomic<int> leased_now_{0};
  std::atomic<int> most_leased_{0};
  std::atomic<bool> refuse_{false};
};

TEST_F(ConnectionPoolTest, OpensConnectionsOnlyWhenNeededAndReusesThem) {
  ConnectionPool pool(3, counting_connect());

  EXPECT_EQ(pool.open_count(), 0u);
  { auto first = pool.lease(); }
  { auto again = pool.lease(); }
  {
    auto one = pool.lease();
    auto two = pool.lease();
    EXPECT_NE(fake(one).number(), fake(two).number());
  }

  EXPECT_EQ(opened_, 2);
  EXPECT_EQ(pool.open_count(), 2u);
}

TEST_F(ConnectionPoolTest, StartsWithTheConnectionItIsGiven) {
  ConnectionPool pool(2, counting_connect(),
                      std::make_unique<FakeConnection>(100, leased_now_, most_leased_));

  const auto lease = pool.lease();

  EXPECT_EQ(fake(lease).number(), 100);
  EXPECT_EQ(opened_, 0);
  EXPECT_EQ(pool.open_count(), 1u);
}

TEST_F(ConnectionPoolTest, NeverHandsOutMoreThanItsSizeAtOnce) {
  ConnectionPool pool(2, counting_connect());
  constexpr int kThreads = 8;
  std::latch start(kThreads);

  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int round = 0; round < 200; ++round) fake(pool.lease()).use();
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_LE(most_leased_, 2);
  EXPECT_LE(opened_, 2);
  EXPECT_EQ(pool.open_count(), static_cast<std::size_t>(opened_.load()));
}

TEST_F(ConnectionPoolTest, ReplacesABrokenConnectionAndDropsTheIdleOnesWithIt) {
  ConnectionPool pool(3, counting_connect());
  {
    auto one = pool.lease();
    auto two = pool.lease();
    auto three = pool.lease();
  }
  ASSERT_EQ(pool.open_count(), 3u);

  {
    auto lease = pool.lease();
    fake(lease).break_for_test();
  }
  const auto fresh = pool.lease();

  EXPECT_EQ(fake(fresh).number(), 4);  // the server likely restarted: all three went
  EXPECT_EQ(pool.open_count(), 1u);
}

TEST_F(ConnectionPoolTest, RollsBackWhatComesBackInsideATransaction) {
  ConnectionPool pool(1, counting_connect());
  {
    auto lease = pool.lease();
    lease->begin(Access::Write);
  }

  const auto lease = pool.lease();

  EXPECT_FALSE(lease->in_transaction());
  EXPECT_EQ(fake(lease).rollbacks(), 1);
}

TEST_F(ConnectionPoolTest, AFailedConnectGivesItsSlotBack) {
  ConnectionPool pool(1, counting_connect());
  refuse_ = true;

  EXPECT_THROW(pool.lease(), DatabaseError);
  EXPECT_EQ(pool.open_count(), 0u);
  refuse_ = false;
  const auto lease = pool.lease();  // would wait forever had the slot been lost
  EXPECT_EQ(pool.open_count(), 1u);
}

}  // namespace
}  // namespace plm::sql
