#include "sql/rate_ledger.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <stdexcept>
#include <variant>
#include <vector>

#include "sql/store.hpp"

namespace plm::sql {
namespace {

using Millis = std::chrono::milliseconds;
using Value = std::variant<std::int64_t, std::string>;
/// Every column the ledger reads is an integer.
using Rows = std::vector<std::vector<std::int64_t>>;

// ---- the ledger, once for both dialects ---------------------------------------------------------
//
// Placeholders are numbered in the order they first appear (SQLite gives "$n" its index by first
// appearance; PostgreSQL reads them as positions), as in src/sql/common.hpp.

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

/// The statements of one transaction.
class Statements {
 public:
  virtual ~Statements() = default;
  virtual Rows run(std::string_view sql, const std::vector<Value>& params) = 0;
};

/// One connection of one dialect.
class Connection {
 public:
  virtual ~Connection() = default;
  /// Runs `body` in one write transaction and commits when it returns; a failure of the database
  /// rolls back and becomes Internal, naming `operation`.
  virtual core::Status transaction(std::string_view operation,
                                   const std::function<void(Statements&)>& body) = 0;
};

core::Error failure(std::string_view operation, const char* what) {
  std::string message(what);
  message = message.substr(0, message.find('\n'));
  return core::make_error(core::ErrorCode::Internal,
                          std::string(operation) + " failed: " + std::move(message));
}

Millis until(std::int64_t end_ms, std::int64_t now_ms) {
  return Millis(std::max<std::int64_t>(0, end_ms - now_ms));
}

class SqlRateLedger final : public core::RateLedger {
 public:
  SqlRateLedger(std::unique_ptr<Connection> connection, const core::Clock& clock)
      : connection_(std::move(connection)), clock_(clock) {}

  core::Result<core::RateAdmission> try_admit(const std::string& client_id,
                                              const core::RateBudget& budget) override {
    core::RateAdmission admission;
    auto done = connection_->transaction("admitting a Spotify call", [&](Statements& db) {
      const auto pauses = db.run(kLockClient, {client_id});
      const std::int64_t now = now_ms();  // read under the lock: calls are recorded in order
      const std::int64_t window = budget.window.count();
      db.run(kForgetCalls, {client_id, now - window, now + window});
      admission.quota_wait = until(pauses.at(0).at(1), now);
      admission.wait = std::max(until(pauses.at(0).at(0), now), admission.quota_wait);
      if (admission.quota_wait.count() > 0 || budget.calls <= 0) return;
      const std::int64_t live = db.run(kCountCalls, {client_id}).at(0).at(0);
      if (live >= budget.calls) {
        const std::int64_t leaving =
            db.run(kNthOldestCall, {client_id, live - budget.calls}).at(0).at(0);
        admission.wait = std::max(admission.wait, until(leaving + window, now));
      }
      if (admission.admitted())
        admission.ticket = db.run(kInsertCall, {client_id, now}).at(0).at(0);
    });
    if (!done) return done.error();
    return admission;
  }

  core::Status record_answer(const std::string& client_id, std::int64_t ticket) override {
    if (ticket == 0) return core::ok();
    return connection_->transaction("recording a Spotify answer", [&](Statements& db) {
      const std::int64_t now = now_ms();
      // Forgotten while in flight (longer than the window): it counts again from now.
      if (db.run(kMoveCall, {now, ticket}).empty()) db.run(kInsertCall, {client_id, now});
    });
  }

  core::Result<std::chrono::system_clock::time_point> pause(const std::string& client_id,
                                                            core::RatePause kind,
                                                            Millis duration) override {
    std::int64_t end = 0;
    auto done = connection_->transaction("pausing Spotify calls", [&](Statements& db) {
      const auto sql = kind == core::RatePause::QuotaExceeded ? kPauseQuota : kPauseRateLimited;
      end = db.run(sql, {client_id, now_ms() + duration.count()}).at(0).at(0);
    });
    if (!done) return done.error();
    return std::chrono::system_clock::time_point(Millis(end));
  }

 private:
  std::int64_t now_ms() const {
    return std::chrono::duration_cast<Millis>(clock_.now().time_since_epoch()).count();
  }

  std::unique_ptr<Connection> connection_;
  const core::Clock& clock_;
};

// ---- SQLite -------------------------------------------------------------------------------------

class SqliteConnection final : public Connection, private Statements {
 public:
  explicit SqliteConnection(const std::string& path) {
    // No SQLITE_OPEN_CREATE: the store created and migrated the file.
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open SQLite database " + path +
                               " for the rate budget: " + reason);
    }
    sqlite3_busy_timeout(db_, 5000);
    // Per connection; as the store's: no fsync per commit in WAL mode, consistent after a crash.
    sqlite3_exec(db_, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
  }
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  core::Status transaction(std::string_view operation,
                           const std::function<void(Statements&)>& body) override {
    std::lock_guard lock(mutex_);
    try {
      check(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr));
      try {
        body(*this);
        check(sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr));
      } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
      return core::ok();
    } catch (const std::exception& error) {
      return failure(operation, error.what());
    }
  }

 private:
  Rows run(std::string_view sql, const std::vector<Value>& params) override {
    sqlite3_stmt* statement = prepared(sql);
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
    for (int i = 0; i < static_cast<int>(params.size()); ++i) {
      const Value& value = params[static_cast<std::size_t>(i)];
      if (const auto* number = std::get_if<std::int64_t>(&value)) {
        check(sqlite3_bind_int64(statement, i + 1, *number));
      } else {
        const auto& text = std::get<std::string>(value);
        check(sqlite3_bind_text64(statement, i + 1, text.data(), text.size(), SQLITE_TRANSIENT,
                                  SQLITE_UTF8));
      }
    }
    Rows rows;
    int code = SQLITE_ROW;
    while ((code = sqlite3_step(statement)) == SQLITE_ROW) {
      auto& row = rows.emplace_back();
      for (int column = 0; column < sqlite3_column_count(statement); ++column)
        row.push_back(sqlite3_column_int64(statement, column));
    }
    sqlite3_reset(statement);
    if (code != SQLITE_DONE) check(code);
    return rows;
  }

  sqlite3_stmt* prepared(std::string_view sql) {
    auto& statement = statements_[std::string(sql)];
    if (statement == nullptr) {
      check(sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                               SQLITE_PREPARE_PERSISTENT, &statement, nullptr));
    }
    return statement;
  }

  void check(int code) const {
    if (code != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
  }

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> statements_;
};

// ---- PostgreSQL ---------------------------------------------------------------------------------

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(std::string url) : url_(std::move(url)) {
    try {
      connect();
    } catch (const std::exception& error) {
      // libpq's reason names host and port, never the password.
      const std::string what = error.what();
      throw std::runtime_error("cannot connect to PostgreSQL for the rate budget: " +
                               what.substr(0, what.find('\n')));
    }
  }

  core::Status transaction(std::string_view operation,
                           const std::function<void(Statements&)>& body) override {
    std::lock_guard lock(mutex_);
    try {
      // A connection lost earlier (server restart, idle timeout) is opened again here.
      if (!connection_ || !connection_->is_open()) connect();
      pqxx::work work(*connection_);
      Work statements(work);
      body(statements);
      work.commit();
      return core::ok();
    } catch (const pqxx::broken_connection& error) {
      connection_.reset();
      return failure(operation, error.what());
    } catch (const std::exception& error) {
      return failure(operation, error.what());
    }
  }

 private:
  class Work final : public Statements {
   public:
    explicit Work(pqxx::work& work) : work_(work) {}
    Rows run(std::string_view sql, const std::vector<Value>& params) override {
      // Sent as text; the server infers each parameter's type from where it stands.
      std::vector<std::string> texts;
      for (const auto& value : params) {
        texts.push_back(std::holds_alternative<std::int64_t>(value)
                            ? std::to_string(std::get<std::int64_t>(value))
                            : std::get<std::string>(value));
      }
      Rows rows;
      for (const auto& row :
           work_.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(texts))) {
        auto& out = rows.emplace_back();
        for (const auto& field : row) out.push_back(field.as<std::int64_t>());
      }
      return rows;
    }

   private:
    pqxx::work& work_;
  };

  void connect() {
    connection_ = std::make_unique<pqxx::connection>(url_);
    connection_->set_variable("client_min_messages", "warning");
  }

  std::mutex mutex_;
  std::string url_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace

std::unique_ptr<core::RateLedger> open_rate_ledger(const std::string& database_url,
                                                   const core::Clock& clock) {
  const DatabaseLocation location = parse_database_url(database_url);
  std::unique_ptr<Connection> connection;
  if (location.kind == DatabaseLocation::Kind::Postgres) {
    connection = std::make_unique<PostgresConnection>(location.target);
  } else {
    connection = std::make_unique<SqliteConnection>(location.target);
  }
  return std::make_unique<SqlRateLedger>(std::move(connection), clock);
}

}  // namespace plm::sql
