// PostgreSQL-only behaviour: the store survives a lost connection (server restart, failover,
// idle timeout) by reconnecting on the next call, instead of staying broken until plm restarts;
// its pool serves several threads at once; concurrent units of work do not see each other.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <latch>
#include <pqxx/pqxx>
#include <thread>

#include "security/token_cipher.hpp"
#include "sql/store.hpp"
#include "store_backends.hpp"
#include "support/fakes.hpp"

// libpqxx 6.4 does not free the PGresult libpq builds for the server's "terminating connection"
// message when a connection breaks mid-call; the allocation never reaches plm's code. This hook is
// read by LeakSanitizer (ASan preset) and is inert in other builds.
extern "C" const char* __lsan_default_suppressions() { return "leak:PQmakeEmptyPGresult\n"; }

namespace plm {
namespace {

TEST(PostgresStore, ReconnectsAfterTheServerDropsTheConnection) {
  const char* base = std::getenv("PLM_TEST_POSTGRES_URL");
  if (base == nullptr || *base == '\0')
    GTEST_SKIP() << "PLM_TEST_POSTGRES_URL is not set (scripts/with-postgres.sh)";
  // A schema and an application name of our own, so terminating "our" connection touches no other
  // test running in parallel.
  const std::string tag = "plm_reconnect_" + std::to_string(::getpid());
  const std::string base_url = base;
  {
    pqxx::connection admin(base_url);
    pqxx::nontransaction(admin).exec("CREATE SCHEMA " + tag);
  }
  const std::string url = base_url + (base_url.find('?') == std::string::npos ? "?" : "&") +
                          "application_name=" + tag + "&options=-csearch_path%3D" + tag;
  security::TokenCipher cipher(security::SecretKey::generate());
  test_support::ManualClock clock;
  auto store = sql::open_store(url, cipher, clock);
  ASSERT_TRUE(store->create_user("before", "hash", core::Role::Editor));

  {
    pqxx::connection admin(base_url);
    pqxx::nontransaction(admin).exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + tag +
        "'");
  }
  const auto during = store->create_user("during", "hash", core::Role::Editor);
  const auto after = store->create_user("after", "hash", core::Role::Editor);

  ASSERT_FALSE(during);  // the call that finds the connection dead fails, retryably
  EXPECT_EQ(during.error().code, core::ErrorCode::Unavailable);
  ASSERT_TRUE(after) << after.error().message;
  const auto users = store->list_users();
  ASSERT_TRUE(users);
  EXPECT_EQ(users->size(), 2u);
  {
    pqxx::connection admin(base_url);
    pqxx::nontransaction(admin).exec("DROP SCHEMA " + tag + " CASCADE");
  }
}

/// A store on a fresh schema of the test server, with a pool of `pool_size` connections.
class PostgresPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = backend_.skip_reason()) GTEST_SKIP() << *reason;
  }
  std::unique_ptr<sql::Store> open(int pool_size) {
    return backend_.open(cipher_, clock_, {.pool_size = pool_size});
  }

  contract::PostgresBackend backend_;
  security::TokenCipher cipher_{security::SecretKey::generate()};
  test_support::ManualClock clock_;
};

TEST_F(PostgresPoolTest, ConcurrentUnitsOfWorkDoNotSeeOrUndoEachOther) {
  auto store = open(2);
  // Both units make their change, then both look for the other's, and only then do they end:
  // that needs two connections at once.
  std::latch both_changed(2);
  std::latch both_looked(2);
  const auto unit = [&](const std::string& mine, const std::string& theirs, bool succeed,
                        std::optional<core::AppUser>& seen, core::Status& result) {
    result = store->in_transaction([&](core::TransactionPorts& ports) -> core::Status {
      if (auto created = ports.users().create_user(mine, "h", core::Role::Editor); !created) {
        return created.error();
      }
      both_changed.arrive_and_wait();
      auto found = ports.users().find_user_by_name(theirs);
      if (!found) return found.error();
      seen = *found;
      both_looked.arrive_and_wait();
      if (!succeed) return core::make_error(core::ErrorCode::Conflict, "changed my mind");
      return core::ok();
    });
  };
  std::optional<core::AppUser> seen_by_committed;
  std::optional<core::AppUser> seen_by_failed;
  core::Status committed = core::ok();
  core::Status failed = core::ok();

  std::thread first(unit, "kept", "dropped", true, std::ref(seen_by_committed),
                    std::ref(committed));
  std::thread second(unit, "dropped", "kept", false, std::ref(seen_by_failed), std::ref(failed));
  first.join();
  second.join();

  ASSERT_TRUE(committed) << committed.error().message;
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "changed my mind");
  EXPECT_EQ(seen_by_committed, std::nullopt);
  EXPECT_EQ(seen_by_failed, std::nullopt);
  const auto users = store->list_users();
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ(users->front().username, "kept");
}

TEST_F(PostgresPoolTest, ServesSeveralThreadsThroughItsPool) {
  auto store = open(3);
  constexpr int kThreads = 6;
  constexpr int kUsersEach = 20;
  std::latch start(kThreads);
  std::vector<std::vector<std::string>> failures(kThreads);

  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      start.arrive_and_wait();
      for (int n = 0; n < kUsersEach; ++n) {
        const auto name = "user-" + std::to_string(thread) + "-" + std::to_string(n);
        if (auto created = store->create_user(name, "h", core::Role::Viewer); !created) {
          failures[static_cast<std::size_t>(thread)].push_back(created.error().message);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  for (const auto& of_thread : failures) EXPECT_TRUE(of_thread.empty()) << of_thread[0];
  EXPECT_EQ(store->list_users()->size(), static_cast<std::size_t>(kThreads * kUsersEach));
  // The pool opened no more than its size (the raw query's own connection is not counted).
  EXPECT_LE(backend_.raw_count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                               backend_.application_name() + "' AND pid <> pg_backend_pid()"),
            3);
}

}  // namespace
}  // namespace plm
