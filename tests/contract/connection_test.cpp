// The connection layer's contract: what every store written on it relies on holds on SQLite and on
// PostgreSQL alike (River's driver test, in GoogleTest). Each test gets a fresh database.

#include "sql/connection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "store_backends.hpp"
#include "support/fakes.hpp"

namespace plm::contract {
namespace {

using Kind = sql::DatabaseError::Kind;
using sql::Access;
using sql::Connection;
using sql::Param;
using sql::Row;

constexpr std::string_view kSchema =
    "CREATE TABLE things (id BIGINT PRIMARY KEY, n BIGINT, flag BOOLEAN, label TEXT);"
    "CREATE TABLE parents (id BIGINT PRIMARY KEY);"
    "CREATE TABLE children (id BIGINT PRIMARY KEY, parent_id BIGINT REFERENCES parents (id), "
    "  quantity BIGINT NOT NULL CHECK (quantity >= 0))";

struct Thing {
  std::int64_t id = 0;
  std::optional<std::int64_t> n;
  bool flag = false;
  std::optional<std::string> label;
  bool operator==(const Thing&) const = default;
};

Thing read_thing(const Row& row) {
  return Thing{.id = row.int64(0),
               .n = row.is_null(1) ? std::nullopt : std::optional(row.int64(1)),
               .flag = row.boolean(2),
               .label = row.is_null(3) ? std::nullopt : std::optional(row.text(3))};
}

constexpr std::string_view kThingColumns[] = {"id", "n", "flag", "label"};
constexpr std::string_view kThingKey[] = {"id"};

template <typename BackendType>
class ConnectionContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = backend_.skip_reason()) GTEST_SKIP() << *reason;
    connection_ = backend_.connect();
    connection_->execute_script(kSchema);
  }

  std::vector<Thing> things(Connection& connection) {
    connection.begin(Access::Read);
    auto all = sql::all_rows(connection, "SELECT id, n, flag, label FROM things ORDER BY id", {},
                             read_thing);
    connection.commit();
    return all;
  }
  std::vector<Thing> things() { return things(*connection_); }

  /// The kind of DatabaseError `statement` throws inside a write transaction (rolled back after).
  Kind failure_of(std::string_view statement, sql::Params params) {
    connection_->begin(Access::Write);
    try {
      connection_->execute(statement, params);
    } catch (const sql::DatabaseError& error) {
      connection_->rollback();
      return error.kind();
    }
    connection_->rollback();
    ADD_FAILURE() << statement << " did not fail";
    return Kind::Other;
  }

  BackendType backend_;
  std::unique_ptr<Connection> connection_;
};

class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteBackend> ? "Sqlite" : "Postgres";
  }
};

using Databases = ::testing::Types<SqliteBackend, PostgresBackend>;
TYPED_TEST_SUITE(ConnectionContract, Databases, BackendNames);

TYPED_TEST(ConnectionContract, KeepsFloatingPointValuesExactly) {
  Connection& connection = *this->connection_;
  // REAL is SQLite's name and PostgreSQL's single precision: each database gets its double.
  connection.execute_script(connection.dialect() == sql::Dialect::Postgres
                                ? "CREATE TABLE scores (id BIGINT PRIMARY KEY, x DOUBLE PRECISION)"
                                : "CREATE TABLE scores (id BIGINT PRIMARY KEY, x REAL)");
  // Values whose shortest text has many digits, the extremes, and one written by COPY / a
  // multi-row insert (write_rows).
  const std::vector<double> values{
      0.1 + 0.2,          1.0 / 3.0, 0.0, -2.5e-300, std::numeric_limits<double>::max(),
      0.87654321987654321};
  constexpr std::string_view kColumns[] = {"id", "x"};
  connection.begin(Access::Write);
  for (std::size_t index = 0; index + 1 < values.size(); ++index) {
    connection.execute("INSERT INTO scores (id, x) VALUES ($1, $2)",
                       {static_cast<std::int64_t>(index), values[index]});
  }
  const std::vector<Param> last{static_cast<std::int64_t>(values.size() - 1), values.back()};
  connection.write_rows({"scores", kColumns, {}}, last);
  connection.execute("INSERT INTO scores (id, x) VALUES ($1, $2)", {std::int64_t{99}, nullptr});
  connection.commit();

  connection.begin(Access::Read);
  const auto read = sql::all_rows(connection, "SELECT x FROM scores WHERE id < 99 ORDER BY id", {},
                                  [](const Row& row) { return row.real(0); });
  const auto null = sql::first_row(connection, "SELECT x FROM scores WHERE id = 99", {},
                                   [](const Row& row) { return row.real(0); });
  // A bound double compares equal to the stored one (a result saved again is recognised).
  const auto found = sql::first_row(connection, "SELECT id FROM scores WHERE x = $1",
                                    {values.front()}, [](const Row& row) { return row.int64(0); });
  connection.commit();
  EXPECT_EQ(read, values);
  EXPECT_EQ(null, 0.0);
  EXPECT_EQ(found, 0);
}

TYPED_TEST(ConnectionContract, BindsAndReadsEveryKindOfValue) {
  Connection& connection = *this->connection_;
  const std::string odd = "tab\t, newline\n, quote' \" backslash \\ é 山 🎧";
  const std::optional<std::string> no_label;

  connection.begin(Access::Write);
  connection.execute("INSERT INTO things (id, n, flag, label) VALUES ($1, $2, $3, $4)",
                     {1, std::numeric_limits<std::int64_t>::max(), true, odd});
  connection.execute("INSERT INTO things (id, n, flag, label) VALUES ($1, $2, $3, $4)",
                     {std::int64_t{2}, nullptr, false, no_label});
  connection.execute("INSERT INTO things (id, n, flag, label) VALUES ($1, $2, $3, $4)",
                     {3, -7, false, std::string("owned ") + "text"});
  connection.commit();

  EXPECT_EQ(this->things(),
            (std::vector<Thing>{{1, std::numeric_limits<std::int64_t>::max(), true, odd},
                                {2, std::nullopt, false, std::nullopt},
                                {3, -7, false, "owned text"}}));
}

TYPED_TEST(ConnectionContract, APlaceholderUsedTwiceIsBoundOnce) {
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);

  connection.execute("INSERT INTO things (id, n, flag, label) VALUES ($1, $1, $2, $3)",
                     {5, true, "five"});
  const auto found = sql::first_row(connection, "SELECT n FROM things WHERE id = $1 AND n = $1",
                                    {5}, [](const Row& row) { return row.int64(0); });
  connection.commit();

  EXPECT_EQ(found, std::optional<std::int64_t>(5));
}

TYPED_TEST(ConnectionContract, ExecuteSaysHowManyRowsChanged) {
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);
  for (int id = 1; id <= 4; ++id) {
    connection.execute("INSERT INTO things (id, n, flag) VALUES ($1, $2, $3)", {id, id, false});
  }

  EXPECT_EQ(connection.execute("UPDATE things SET flag = $1 WHERE n > $2", {true, 1}), 3);
  EXPECT_EQ(connection.execute("DELETE FROM things WHERE id = $1", {99}), 0);
  EXPECT_EQ(connection.execute("DELETE FROM things WHERE flag = $1", {true}), 3);
  connection.commit();
}

TYPED_TEST(ConnectionContract, QueryFirstReadsOneRowButTheStatementDoesAllItsWork) {
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);
  for (int id = 1; id <= 3; ++id) {
    connection.execute("INSERT INTO things (id, flag) VALUES ($1, $2)", {id, false});
  }
  int rows = 0;

  const bool found = connection.query_first("UPDATE things SET flag = $1 RETURNING id", {true},
                                            [&](const Row&) { ++rows; });
  const bool none = connection.query_first("SELECT id FROM things WHERE id = $1", {42},
                                           [&](const Row&) { ++rows; });
  connection.commit();

  EXPECT_TRUE(found);
  EXPECT_FALSE(none);
  EXPECT_EQ(rows, 1);
  for (const Thing& thing : this->things()) EXPECT_TRUE(thing.flag) << thing.id;
}

TYPED_TEST(ConnectionContract, RollbackUndoesAndCommitKeeps) {
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);
  connection.execute("INSERT INTO things (id) VALUES ($1)", {1});
  connection.rollback();
  connection.begin(Access::Write);
  connection.execute("INSERT INTO things (id) VALUES ($1)", {2});
  connection.commit();

  EXPECT_FALSE(connection.in_transaction());
  ASSERT_EQ(this->things().size(), 1u);
  EXPECT_EQ(this->things()[0].id, 2);
}

TYPED_TEST(ConnectionContract, ARollbackToASavepointKeepsTheRestOfTheTransaction) {
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);
  connection.execute("INSERT INTO things (id) VALUES ($1)", {1});
  connection.savepoint("step");

  EXPECT_THROW(connection.execute("INSERT INTO things (id) VALUES ($1)", {1}), sql::DatabaseError);
  connection.rollback_to_savepoint("step");
  connection.release_savepoint("step");
  connection.execute("INSERT INTO things (id) VALUES ($1)", {2});
  connection.commit();

  ASSERT_EQ(this->things().size(), 2u);
}

TYPED_TEST(ConnectionContract, ConstraintViolationsSayWhatKindTheyAre) {
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);
  connection.execute("INSERT INTO things (id) VALUES ($1)", {1});
  connection.execute("INSERT INTO parents (id) VALUES ($1)", {1});
  connection.commit();

  EXPECT_EQ(this->failure_of("INSERT INTO things (id) VALUES ($1)", {1}), Kind::UniqueViolation);
  EXPECT_EQ(this->failure_of("INSERT INTO children (id, parent_id, quantity) VALUES ($1, $2, $3)",
                             {1, 99, 1}),
            Kind::ForeignKeyViolation);
  EXPECT_EQ(this->failure_of("INSERT INTO children (id, parent_id, quantity) VALUES ($1, $2, $3)",
                             {1, 1, -1}),
            Kind::CheckViolation);
  EXPECT_EQ(this->failure_of("INSERT INTO children (id, parent_id, quantity) VALUES ($1, $2, $3)",
                             {1, 1, nullptr}),
            Kind::CheckViolation);
  EXPECT_EQ(this->failure_of("INSERT INTO nowhere (id) VALUES ($1)", {1}), Kind::Other);
}

TYPED_TEST(ConnectionContract, AFailedCommitCannotHappenAfterAFailedStatement) {
  // PostgreSQL answers COMMIT after a failed statement with a silent ROLLBACK; the layer says so.
  // SQLite keeps what came before the failed statement; either way nothing is half-done silently.
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);
  connection.execute("INSERT INTO things (id) VALUES ($1)", {1});
  EXPECT_THROW(connection.execute("INSERT INTO things (id) VALUES ($1)", {1}), sql::DatabaseError);

  try {
    connection.commit();
    EXPECT_EQ(this->things().size(), 1u);  // SQLite: the first insert stands
  } catch (const sql::DatabaseError&) {
    EXPECT_FALSE(connection.in_transaction());
    EXPECT_TRUE(this->things().empty());
  }
}

TYPED_TEST(ConnectionContract, StatementsOutsideATransactionAreABug) {
  EXPECT_THROW(this->connection_->execute("DELETE FROM things"), std::logic_error);
  EXPECT_THROW(this->connection_->commit(), std::logic_error);
}

TYPED_TEST(ConnectionContract, WritesManyRowsInBatches) {
  Connection& connection = *this->connection_;
  std::vector<Param> values;
  std::vector<Thing> expected;
  for (int id = 1; id <= 1234; ++id) {
    const std::string label = "label " + std::to_string(id) + (id % 3 ? "\t\\N" : "");
    // Owned copies: `label` dies with this iteration.
    values.insert(values.end(),
                  {id, id * 10, id % 2 == 0, id % 5 ? Param(std::string(label)) : Param(nullptr)});
    expected.push_back({id, id * 10, id % 2 == 0, id % 5 ? std::optional(label) : std::nullopt});
  }

  connection.begin(Access::Write);
  connection.write_rows({"things", kThingColumns, {}}, values);
  connection.write_rows({"things", kThingColumns, {}}, {});
  connection.commit();

  EXPECT_EQ(this->things(), expected);
}

TYPED_TEST(ConnectionContract, UpsertsManyRowsByTheirKey) {
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);
  for (int id = 1; id <= 3; ++id) {
    connection.execute("INSERT INTO things (id, n, flag, label) VALUES ($1, $2, $3, $4)",
                       {id, 0, false, "old"});
  }
  const std::vector<Param> values{2, 20, true, "new", 3, 30, true, nullptr, 4, 40, false, "added"};

  connection.write_rows({"things", kThingColumns, kThingKey}, values);
  // Twice in one transaction, as two saves in one unit of work would.
  connection.write_rows({"things", kThingColumns, kThingKey},
                        std::vector<Param>{5, 50, false, "again"});
  connection.commit();

  EXPECT_EQ(this->things(), (std::vector<Thing>{{1, 0, false, "old"},
                                                {2, 20, true, "new"},
                                                {3, 30, true, std::nullopt},
                                                {4, 40, false, "added"},
                                                {5, 50, false, "again"}}));
}

TYPED_TEST(ConnectionContract, AConstraintViolationInWrittenRowsFailsTheCall) {
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);
  connection.execute("INSERT INTO parents (id) VALUES ($1)", {1});
  const std::vector<Param> values{1, 1, 5, 2, 1, -5};
  const std::string_view columns[] = {"id", "parent_id", "quantity"};

  try {
    connection.write_rows({"children", columns, {}}, values);
    FAIL() << "a CHECK violation was written";
  } catch (const sql::DatabaseError& error) {
    EXPECT_EQ(error.kind(), Kind::CheckViolation) << error.what();
  }
  connection.rollback();
}

TYPED_TEST(ConnectionContract, ReportsWrittenRowsToTheTestHook) {
  // SQLite writes in statements of a few hundred rows, PostgreSQL in one COPY: either way the
  // count grows to the total.
  std::vector<std::size_t> reported;
  sql::StoreOptions options;
  options.on_rows_written_for_test = [&](std::size_t rows) { reported.push_back(rows); };
  security::TokenCipher cipher(security::SecretKey::generate());
  test_support::ManualClock clock;
  auto store = this->backend_.open(cipher, clock, options);
  const auto user = store->create_user("alice", "h", core::Role::Admin);
  const auto account = store->upsert_account({.app_user_id = user->id, .spotify_user_id = "sp"});
  std::vector<core::PlaylistItem> items;
  for (int n = 0; n < 1200; ++n) items.push_back({.uri = "spotify:local:" + std::to_string(n)});

  ASSERT_TRUE(store->save_playlist(*account, 0, {.id = "p"}, items).has_value());

  ASSERT_FALSE(reported.empty());
  EXPECT_EQ(reported.back(), 1200u);
  EXPECT_TRUE(std::is_sorted(reported.begin(), reported.end()));
}

TYPED_TEST(ConnectionContract, AFailedMigrationLeavesNothingAndForeignKeysHoldAfterwards) {
  Connection& connection = *this->connection_;

  EXPECT_THROW(connection.run_migration_transaction([&] {
    connection.execute_script("CREATE TABLE half_done (id BIGINT PRIMARY KEY)");
    throw std::runtime_error("migration 2 failed");
  }),
               std::runtime_error);
  connection.run_migration_transaction(
      [&] { connection.execute("INSERT INTO parents (id) VALUES ($1)", {7}); });

  EXPECT_FALSE(connection.in_transaction());
  EXPECT_EQ(this->failure_of("INSERT INTO half_done (id) VALUES ($1)", {1}), Kind::Other);
  EXPECT_EQ(this->failure_of("INSERT INTO children (id, parent_id, quantity) VALUES ($1, $2, $3)",
                             {1, 99, 1}),
            Kind::ForeignKeyViolation);
}

TYPED_TEST(ConnectionContract, ARowLockClauseFitsAfterASelect) {
  Connection& connection = *this->connection_;
  connection.begin(Access::Write);
  connection.execute("INSERT INTO things (id) VALUES ($1)", {1});

  for (const auto lock : {sql::RowLock::Wait, sql::RowLock::SkipLocked}) {
    const std::string select =
        "SELECT id FROM things WHERE id = $1" + std::string(connection.for_update(lock));
    EXPECT_TRUE(connection.query_first(select, {1}, [](const Row&) {})) << select;
  }
  connection.commit();
}

TEST(PostgresConnection, SkipLockedLeavesOutRowsAnotherTransactionHolds) {
  PostgresBackend backend;
  if (const auto reason = backend.skip_reason()) GTEST_SKIP() << *reason;
  auto holder = backend.connect();
  auto claimer = backend.connect();
  holder->execute_script(kSchema);
  holder->begin(Access::Write);
  for (int id = 1; id <= 3; ++id) holder->execute("INSERT INTO things (id) VALUES ($1)", {id});
  holder->commit();
  holder->begin(Access::Write);
  const std::string lock_first =
      "SELECT id FROM things WHERE id = $1" + std::string(holder->for_update(sql::RowLock::Wait));
  ASSERT_TRUE(holder->query_first(lock_first, {1}, [](const Row&) {}));

  claimer->begin(Access::Write);
  const auto claimable =
      sql::all_rows(*claimer,
                    "SELECT id FROM things ORDER BY id" +
                        std::string(claimer->for_update(sql::RowLock::SkipLocked)),
                    {}, [](const Row& row) { return row.int64(0); });
  claimer->commit();
  holder->commit();

  EXPECT_EQ(claimable, (std::vector<std::int64_t>{2, 3}));
}

TEST(PostgresConnection, ATransactionLockIsHeldByOneTransactionUntilItEnds) {
  PostgresBackend backend;
  if (const auto reason = backend.skip_reason()) GTEST_SKIP() << *reason;
  auto holder = backend.connect();
  auto other = backend.connect();
  const auto other_may_take = [&](std::int64_t key) {
    other->begin(Access::Write);
    const bool taken = *sql::first_row(*other, "SELECT pg_try_advisory_xact_lock($1)", {key},
                                       [](const Row& row) { return row.boolean(0); });
    other->commit();  // ends the transaction, and with it the lock if it was taken
    return taken;
  };
  constexpr std::int64_t kKey = 0x706c6d5f74657374;

  holder->begin(Access::Write);
  holder->lock_until_transaction_end(kKey);
  holder->savepoint("step");
  holder->release_savepoint("step");

  EXPECT_FALSE(other_may_take(kKey));
  EXPECT_TRUE(other_may_take(kKey + 1));  // another key is free
  holder->commit();
  EXPECT_TRUE(other_may_take(kKey));
  holder->begin(Access::Write);
  holder->lock_until_transaction_end(kKey);
  holder->rollback();
  EXPECT_TRUE(other_may_take(kKey));
}

}  // namespace
}  // namespace plm::contract
