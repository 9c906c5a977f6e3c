// PostgreSQL-only behaviour: the store survives a lost connection (server restart, failover,
// idle timeout) by reconnecting on the next call, instead of staying broken until plm restarts.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <pqxx/pqxx>

#include "security/token_cipher.hpp"
#include "sql/store.hpp"

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
  auto store = sql::open_store(url, cipher);
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

}  // namespace
}  // namespace plm
