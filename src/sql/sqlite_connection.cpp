#include "sql/sqlite_connection.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <stdexcept>

namespace plm::sql {
namespace {

DatabaseError::Kind kind_of(int extended_code) {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return DatabaseError::Kind::UniqueViolation;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return DatabaseError::Kind::ForeignKeyViolation;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      return DatabaseError::Kind::CheckViolation;
    default:
      break;
  }
  const int primary = extended_code & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return DatabaseError::Kind::Busy;
  return DatabaseError::Kind::Other;
}

/// sqlite3_errmsg names tables and columns, never bound values, so it is safe to pass on.
[[noreturn]] void fail(sqlite3* db, int code) {
  throw DatabaseError(kind_of(code), db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code));
}

/// A prepared statement; also the Row of its current result row.
class Statement final : public Row {
 public:
  Statement(sqlite3* db, std::string_view sql, unsigned flags) : db_(db) {
    const int code = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags,
                                        &statement_, nullptr);
    if (code != SQLITE_OK) fail(db, sqlite3_extended_errcode(db));
#ifndef NDEBUG
    // Named placeholders must be numbered in order of first appearance (connection.hpp); check it
    // held. (write_rows's own statements use anonymous ones, which have no name.)
    for (int i = 1; i <= sqlite3_bind_parameter_count(statement_); ++i) {
      const char* name = sqlite3_bind_parameter_name(statement_, i);
      assert(name == nullptr || name == "$" + std::to_string(i));
    }
#endif
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() override { sqlite3_finalize(statement_); }

  /// Binds `params` to $1, $2, ... The texts are not copied (SQLITE_STATIC): they outlive the
  /// statement's use, and finish() clears the bindings before they can dangle.
  void bind(std::span<const Param> params) {
    int index = 1;
    for (const Param& param : params) {
      int code = SQLITE_OK;
      switch (param.type()) {
        case Param::Type::Null:
          code = sqlite3_bind_null(statement_, index);
          break;
        case Param::Type::Integer:
          code = sqlite3_bind_int64(statement_, index, param.integer());
          break;
        case Param::Type::Boolean:
          code = sqlite3_bind_int64(statement_, index, param.boolean() ? 1 : 0);
          break;
        case Param::Type::Real:
          code = sqlite3_bind_double(statement_, index, param.real());
          break;
        case Param::Type::Text: {
          const std::string_view text = param.text();
          code = sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_STATIC,
                                     SQLITE_UTF8);
          break;
        }
        case Param::Type::Bytes: {
          const std::string_view data = param.text();
          code = sqlite3_bind_blob64(statement_, index, data.data(), data.size(), SQLITE_STATIC);
          break;
        }
      }
      if (code != SQLITE_OK) fail(db_, code);
      ++index;
    }
  }

  /// True while a row is available.
  bool step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    fail(db_, sqlite3_extended_errcode(db_));
  }

  /// Resets the statement (so the connection holds no read snapshot of it between calls) and
  /// clears its bindings.
  void finish() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

  bool is_null(int column) const override {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
  }
  std::string text(int column) const override {
    const auto* data = sqlite3_column_text(statement_, column);
    return data == nullptr
               ? std::string()
               : std::string(reinterpret_cast<const char*>(data),
                             static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }
  std::string bytes(int column) const override {
    const auto* data = sqlite3_column_blob(statement_, column);
    return data == nullptr
               ? std::string()
               : std::string(static_cast<const char*>(data),
                             static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }
  std::int64_t int64(int column) const override { return sqlite3_column_int64(statement_, column); }
  bool boolean(int column) const override { return int64(column) != 0; }
  double real(int column) const override { return sqlite3_column_double(statement_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

/// Calls Statement::finish on every way out of a use.
class Finish {
 public:
  explicit Finish(Statement& statement) : statement_(statement) {}
  Finish(const Finish&) = delete;
  Finish& operator=(const Finish&) = delete;
  ~Finish() { statement_.finish(); }

 private:
  Statement& statement_;
};

/// At most this many rows per INSERT of write_rows: beyond a few hundred, longer statements only
/// cost more to prepare.
constexpr std::size_t kMaxRowsPerInsert = 500;

/// "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)" for `rows` rows, then on_conflict_clause(target).
/// Anonymous placeholders here, unlike everywhere else: SQLite looks up each named or numbered one
/// in a list of those seen so far while preparing, which for thousands of them costs more than
/// the insert itself; anonymous ones are simply counted.
std::string insert_statement(const RowsTarget& target, std::size_t rows) {
  std::string row = "(";
  for (std::size_t column = 0; column < target.columns.size(); ++column) {
    row += column > 0 ? ", ?" : "?";
  }
  row += ")";
  std::string sql =
      "INSERT INTO " + std::string(target.table) + " (" + column_list(target.columns) + ") VALUES ";
  sql.reserve(sql.size() + rows * (row.size() + 2));
  for (std::size_t count = 0; count < rows; ++count) {
    if (count > 0) sql += ", ";
    sql += row;
  }
  return sql + on_conflict_clause(target);
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, const SqliteOptions& options)
      : on_rows_written_(options.on_rows_written_for_test) {
    const int code =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (code != SQLITE_OK) {
      const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
      sqlite3_close(db_);
      throw DatabaseError(DatabaseError::Kind::Other,
                          "cannot open SQLite database " + path + ": " + reason);
    }
    try {
      sqlite3_extended_result_codes(db_, 1);
      sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));
      // WAL lets readers proceed during a write; NORMAL sync is durable across application
      // crashes and consistent across power loss (the last commits may be lost, never half of
      // one).
      execute_script("PRAGMA journal_mode = WAL");
      execute_script("PRAGMA synchronous = NORMAL");
      execute_script("PRAGMA foreign_keys = ON");
    } catch (const DatabaseError& error) {
      sqlite3_close(db_);
      throw DatabaseError(error.kind(),
                          "cannot prepare SQLite database " + path + ": " + error.what());
    }
  }

  ~SqliteConnection() override {
    rollback();
    statements_.clear();  // finalize before closing, or sqlite3_close refuses
    sqlite3_close(db_);
  }

  Dialect dialect() const override { return Dialect::Sqlite; }

  void begin(Access access) override {
    if (in_transaction_) throw std::logic_error("a transaction is open already");
    execute_script(access == Access::Write ? "BEGIN IMMEDIATE" : "BEGIN");
    in_transaction_ = true;
  }

  void commit() override {
    require_transaction();
    // On failure (SQLITE_BUSY) the transaction stays open; the caller rolls it back.
    execute_script("COMMIT");
    in_transaction_ = false;
  }

  void rollback() noexcept override {
    if (!in_transaction_) return;
    in_transaction_ = false;
    // Fails only when no transaction is active (SQLite rolled back by itself after an I/O error
    // or a full disk); there is nothing left to undo then.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  bool in_transaction() const override { return in_transaction_; }

  void savepoint(std::string_view name) override {
    require_transaction();
    execute_script("SAVEPOINT " + std::string(name));
  }
  void release_savepoint(std::string_view name) override {
    execute_script("RELEASE SAVEPOINT " + std::string(name));
  }
  void rollback_to_savepoint(std::string_view name) override {
    execute_script("ROLLBACK TO SAVEPOINT " + std::string(name));
  }

  void execute_script(std::string_view sql) override {
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      fail(db_, sqlite3_extended_errcode(db_));
    }
  }

  void write_rows(const RowsTarget& target, std::span<const Param> values) override {
    require_transaction();
    const std::size_t width = target.columns.size();
    if (width == 0 || values.size() % width != 0) {
      throw std::logic_error("write_rows: values do not fill whole rows");
    }
    const auto bound_limit =
        static_cast<std::size_t>(sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1));
    const std::size_t batch =
        std::max<std::size_t>(1, std::min(kMaxRowsPerInsert, bound_limit / width));
    const std::size_t rows = values.size() / width;
    std::size_t written = 0;
    while (written < rows) {
      const std::size_t count = std::min(batch, rows - written);
      // Full batches reuse one prepared statement; the last, shorter one is prepared once and
      // not kept (a statement per distinct remainder would pile up in the cache).
      std::unique_ptr<Statement> one_off;
      Statement& insert =
          count == batch
              ? prepared(insert_statement(target, count))
              : *(one_off = std::make_unique<Statement>(db_, insert_statement(target, count), 0));
      Finish finish(insert);
      insert.bind(values.subspan(written * width, count * width));
      while (insert.step()) {
      }
      written += count;
      if (on_rows_written_) on_rows_written_(written);
    }
  }

  std::string_view for_update(RowLock /*lock*/) const override { return ""; }

  void lock_until_transaction_end(std::int64_t /*key*/) override { require_transaction(); }

  bool is_broken() const override { return false; }

  void run_migration_transaction(const std::function<void()>& migrate) override {
    execute_script("PRAGMA foreign_keys = OFF");
    try {
      begin(Access::Write);
      migrate();
      query_rows(
          "PRAGMA foreign_key_check", {},
          [](const Row& row) {
            throw DatabaseError(DatabaseError::Kind::Other,
                                "migration left rows of table " + row.text(0) +
                                    " referring to missing rows of " + row.text(2));
          },
          1);
      commit();
    } catch (...) {
      rollback();
      execute_script("PRAGMA foreign_keys = ON");
      throw;
    }
    execute_script("PRAGMA foreign_keys = ON");
  }

 protected:
  std::int64_t execute_statement(std::string_view sql, std::span<const Param> params) override {
    require_transaction();
    Statement& statement = prepared(sql);
    Finish finish(statement);
    statement.bind(params);
    while (statement.step()) {
    }
    return sqlite3_changes64(db_);
  }

  std::size_t query_rows(std::string_view sql, std::span<const Param> params,
                         const RowHandler& on_row, std::size_t limit) override {
    require_transaction();
    Statement& statement = prepared(sql);
    Finish finish(statement);
    statement.bind(params);
    std::size_t count = 0;
    // An INSERT/UPDATE/DELETE ... RETURNING makes all its changes in the first step, so stopping
    // after `limit` rows loses none of them.
    while (count < limit && statement.step()) {
      on_row(statement);
      ++count;
    }
    return count;
  }

 private:
  void require_transaction() const {
    if (!in_transaction_) throw std::logic_error("SQL statement outside a transaction");
  }

  /// The cached prepared statement for `sql` (persistent: prepared once per connection).
  Statement& prepared(std::string_view sql) {
    auto found = statements_.find(sql);
    if (found == statements_.end()) {
      found = statements_
                  .emplace(std::string(sql),
                           std::make_unique<Statement>(db_, sql, SQLITE_PREPARE_PERSISTENT))
                  .first;
    }
    return *found->second;
  }

  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> statements_;
  bool in_transaction_ = false;
  RowsWrittenHook on_rows_written_;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, const SqliteOptions& options) {
  return std::make_unique<SqliteConnection>(path, options);
}

}  // namespace plm::sql
