#include "sql/rate_ledger.hpp"

#include <algorithm>

#include "sql/connection_pool.hpp"
#include "sql/postgres_connection.hpp"
#include "sql/sqlite_connection.hpp"
#include "sql/store.hpp"
#include "sql/transaction_scope.hpp"

namespace plm::sql {
namespace {

using Millis = std::chrono::milliseconds;

// ---- the ledger, once for both dialects (placeholders as in src/sql/common.hpp) ---------------
/// Creates the client ID's row if needed and returns its pauses. The update that does nothing but
/// lock is on purpose: on PostgreSQL it holds the row until commit, so admissions of one client ID
/// run one at a time across processes (SQLite's BEGIN IMMEDIATE already locks the database).
constexpr std::string_view kLockClient =
    "INSERT INTO rate_budget_clients (client_id) VALUES ($1) "
    "ON CONFLICT (client_id) DO UPDATE SET client_id = excluded.client_id "
    "RETURNING paused_until_ms, quota_paused_until_ms";
/// Calls out of the window, and calls counting from more than one window ahead (the wall clock
/// went back a long way: they would block the budget until it caught up).
constexpr std::string_view kForgetCalls =
    "DELETE FROM rate_budget_calls WHERE client_id = $1 "
    "AND (counts_from_ms <= $2 OR counts_from_ms > $3)";
constexpr std::string_view kCountCalls =
    "SELECT count(*) FROM rate_budget_calls WHERE client_id = $1";
/// The `$2`-th oldest call (0-based): the one whose leaving makes room.
constexpr std::string_view kNthOldestCall =
    "SELECT counts_from_ms FROM rate_budget_calls WHERE client_id = $1 "
    "ORDER BY counts_from_ms LIMIT 1 OFFSET $2";
constexpr std::string_view kInsertCall =
    "INSERT INTO rate_budget_calls (client_id, counts_from_ms) VALUES ($1, $2) RETURNING id";
constexpr std::string_view kMoveCall =
    "UPDATE rate_budget_calls SET counts_from_ms = "
    "CASE WHEN counts_from_ms < $1 THEN $1 ELSE counts_from_ms END WHERE id = $2 RETURNING id";
#define PLM_SQL_PAUSE(column)                                                                \
  "INSERT INTO rate_budget_clients (client_id, " column                                      \
  ") VALUES ($1, $2) "                                                                       \
  "ON CONFLICT (client_id) DO UPDATE SET " column " = CASE WHEN rate_budget_clients." column \
  " < excluded." column " THEN excluded." column " ELSE rate_budget_clients." column         \
  " END RETURNING " column
constexpr std::string_view kPauseRateLimited = PLM_SQL_PAUSE("paused_until_ms");
constexpr std::string_view kPauseQuota = PLM_SQL_PAUSE("quota_paused_until_ms");
#undef PLM_SQL_PAUSE

Millis until(std::int64_t end_ms, std::int64_t now_ms) {
  return Millis(std::max<std::int64_t>(0, end_ms - now_ms));
}

std::int64_t first_integer(const Row& row) { return row.int64(0); }

/// The ledger's commits need not wait for PostgreSQL's disk flush: with default durability that
/// wait is ~7 ms per step, two steps per Spotify call (docs/benchmarks.md, "Rate ledger"). What a
/// server crash could lose is the last few admissions: a few calls too many at worst, whose 429 is
/// waited out like any other. SQLite's WAL with synchronous=NORMAL already makes that trade.
void relax_durability(Connection& db) {
  if (db.dialect() == Dialect::Postgres) db.execute("SET LOCAL synchronous_commit = off", {});
}

class SqlRateLedger final : public core::RateLedger {
 public:
  SqlRateLedger(std::shared_ptr<TransactionScope> scope, const core::Clock& clock)
      : scope_(std::move(scope)), clock_(clock) {}

  core::Result<core::RateAdmission> try_admit(const std::string& client_id,
                                              const core::RateBudget& budget) override {
    return scope_->run(
        "admit a Spotify call", Access::Write,
        [&](Connection& db) -> core::Result<core::RateAdmission> {
          relax_durability(db);
          core::RateAdmission admission;
          const auto pauses = first_row(db, kLockClient, {client_id}, [](const Row& row) {
            return std::pair{row.int64(0), row.int64(1)};
          });
          const std::int64_t now = now_ms();  // read under the lock: calls are recorded in order
          const std::int64_t window = budget.window.count();
          db.execute(kForgetCalls, {client_id, now - window, now + window});
          admission.quota_wait = until(pauses->second, now);
          admission.wait = std::max(until(pauses->first, now), admission.quota_wait);
          if (admission.quota_wait.count() > 0 || budget.calls <= 0) return admission;
          const std::int64_t live = *first_row(db, kCountCalls, {client_id}, first_integer);
          if (live >= budget.calls) {
            const std::int64_t leaving =
                *first_row(db, kNthOldestCall, {client_id, live - budget.calls}, first_integer);
            admission.wait = std::max(admission.wait, until(leaving + window, now));
          }
          if (admission.admitted())
            admission.ticket = *first_row(db, kInsertCall, {client_id, now}, first_integer);
          return admission;
        });
  }

  core::Status record_answer(const std::string& client_id, std::int64_t ticket) override {
    if (ticket == 0) return core::ok();
    return scope_->run("record a Spotify answer", Access::Write,
                       [&](Connection& db) -> core::Status {
                         relax_durability(db);
                         const std::int64_t now = now_ms();
                         // Forgotten while in flight (longer than the window): it counts again
                         // from now.
                         if (!first_row(db, kMoveCall, {now, ticket}, first_integer))
                           db.execute(kInsertCall, {client_id, now});
                         return core::ok();
                       });
  }

  core::Result<std::chrono::system_clock::time_point> pause(const std::string& client_id,
                                                            core::RatePause kind,
                                                            Millis duration) override {
    return scope_->run(
        "pause Spotify calls", Access::Write,
        [&](Connection& db) -> core::Result<std::chrono::system_clock::time_point> {
          relax_durability(db);
          const auto sql = kind == core::RatePause::QuotaExceeded ? kPauseQuota : kPauseRateLimited;
          const std::int64_t end =
              *first_row(db, sql, {client_id, now_ms() + duration.count()}, first_integer);
          return std::chrono::system_clock::time_point(Millis(end));
        });
  }

 private:
  std::int64_t now_ms() const {
    return std::chrono::duration_cast<Millis>(clock_.now().time_since_epoch()).count();
  }

  std::shared_ptr<TransactionScope> scope_;
  const core::Clock& clock_;
};

}  // namespace

std::unique_ptr<core::RateLedger> open_rate_ledger(const std::string& database_url,
                                                   const core::Clock& clock) {
  const DatabaseLocation location = parse_database_url(database_url);
  ConnectionPool::Connect connect;
  if (location.kind == DatabaseLocation::Kind::Postgres) {
    connect = [url = location.target] { return open_postgres(url, PostgresOptions{}); };
  } else {
    connect = [path = location.target] { return open_sqlite(path, SqliteOptions{}); };
  }
  // A connection of its own, apart from the store's pool: an admission is a short write
  // transaction that must never queue behind a long one (a 10,000-item save) in this process.
  std::unique_ptr<Connection> first;
  try {
    first = connect();
  } catch (const DatabaseError& error) {
    throw std::runtime_error(std::string("cannot open the database for the rate budget: ") +
                             error.what());
  }
  auto pool = std::make_shared<ConnectionPool>(1, connect, std::move(first));
  return std::make_unique<SqlRateLedger>(std::make_shared<PerCallTransactions>(std::move(pool)),
                                         clock);
}

}  // namespace plm::sql
