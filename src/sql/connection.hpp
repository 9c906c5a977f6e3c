#pragma once
// Internal to plm::sql: the connection layer every store is written on. One implementation per
// database (SqliteConnection on sqlite3, PostgresConnection on libpqxx) behind one small interface,
// shaped like River's driver interface: the SQL and the row mapping are written once above it, and
// what differs between the databases is a named method whose comment says what differs and why.
//
// Writing a store for a new table (e.g. a JobQueue):
//   1. Add the table to both dialects' migrations (migrations/<dialect>/NNNN_name.sql).
//   2. Write the SQL once, with placeholders $1, $2, ... numbered in order of first appearance
//      (PostgreSQL reads them as positional parameters; SQLite reads "$1" as a named parameter and
//      numbers names in order of first appearance, so binding by position works on both).
//   3. Write the port as a class holding a std::shared_ptr<TransactionScope> and a StoreContext
//      (transaction_scope.hpp, store_context.hpp); each method is one
//        return scope_->run("what it does", Access::Write, [&](Connection& connection) {...});
//      returning a core::Result. Inside, connection.execute(sql, {params...}) changes rows and
//      returns how many; first_row / all_rows(connection, sql, {params...}, read) read them (Row:
//      text, int64, boolean, is_null by column index); write_rows() stores many rows at once;
//      for_update() locks what a SELECT returns. Times come from context.clock, never from the
//      wall clock.
//   4. The same class then runs each call in a transaction of its own (PerCallTransactions, on a
//      connection of the pool) or inside a unit of work (SharedTransaction), unchanged: hand it the
//      scope in sql::Store and in BoundPorts (store.cpp), and give core::TransactionPorts an
//      accessor for its port.
// Database failures are thrown as DatabaseError and turned into core::Error once, by the scope; a
// body returns errors it finds itself (a row that is not there) as values.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace plm::sql {

enum class Dialect { Sqlite, Postgres };

/// What a transaction will do. The databases isolate differently (see Connection::begin).
enum class Access { Read, Write };

/// Binary data to bind (a BLOB on SQLite, a bytea on PostgreSQL), viewed, not copied: it must
/// outlive the call.
struct Bytes {
  std::string_view data;
};

/// A value bound to a placeholder. Text given as an lvalue (or a string_view) is viewed, not
/// copied: it must outlive the call, which it does for arguments written in the call itself. A
/// temporary std::string is moved in and owned.
class Param {
 public:
  enum class Type { Null, Integer, Boolean, Text, Real, Bytes };

  Param(std::nullptr_t) {}                           // NOLINT: implicit, so {a, b, c} reads well
  Param(bool value) : value_(value) {}               // NOLINT
  Param(int value) : value_(std::int64_t{value}) {}  // NOLINT
  Param(std::int64_t value) : value_(value) {}       // NOLINT
  Param(double value) : value_(value) {}             // NOLINT
  Param(const char* text) : value_(std::string_view(text)) {}         // NOLINT
  Param(std::string_view text) : value_(text) {}                      // NOLINT
  Param(const std::string& text) : value_(std::string_view(text)) {}  // NOLINT
  Param(std::string&& text) : value_(std::move(text)) {}              // NOLINT
  Param(Bytes bytes) : value_(bytes) {}                               // NOLINT
  /// NULL when empty.
  Param(const std::optional<std::string>& text) {  // NOLINT
    if (text) value_ = std::string_view(*text);
  }

  Type type() const;
  std::int64_t integer() const { return std::get<std::int64_t>(value_); }
  bool boolean() const { return std::get<bool>(value_); }
  double real() const { return std::get<double>(value_); }
  /// Text, or the data of Bytes.
  std::string_view text() const;

 private:
  std::variant<std::monostate, std::int64_t, bool, std::string_view, std::string, double, Bytes>
      value_;
};

using Params = std::initializer_list<Param>;

/// One row of a result, read by column index (0-based, in the order of the SELECT list).
class Row {
 public:
  virtual ~Row() = default;
  virtual bool is_null(int column) const = 0;
  virtual std::string text(int column) const = 0;    ///< "" for NULL
  virtual std::int64_t int64(int column) const = 0;  ///< 0 for NULL
  virtual bool boolean(int column) const = 0;        ///< false for NULL
  /// A floating-point column (REAL, DOUBLE PRECISION), exactly as bound; 0 for NULL.
  virtual double real(int column) const = 0;
  /// A binary column (BLOB, bytea) as bound with Bytes; "" for NULL.
  virtual std::string bytes(int column) const = 0;
};

using RowHandler = std::function<void(const Row&)>;

/// Many rows for one table, for Connection::write_rows.
struct RowsTarget {
  std::string_view table;
  std::span<const std::string_view> columns;
  /// Empty: a plain insert (a duplicate key fails the call). Otherwise the columns of a unique key:
  /// a row whose key is stored already replaces that row's other columns (an upsert).
  std::span<const std::string_view> key_columns;
};

/// How Connection::for_update locks the rows a SELECT returns.
enum class RowLock {
  Wait,        ///< wait for other transactions holding them
  SkipLocked,  ///< leave out rows another transaction holds (claiming queued work)
};

/// Why a database call failed. Thrown by Connection; turned into a core::Error by
/// TransactionScope (to_error in transaction_scope.hpp), never seen outside plm::sql.
class DatabaseError : public std::runtime_error {
 public:
  enum class Kind {
    UniqueViolation,      ///< a unique or primary key exists already
    ForeignKeyViolation,  ///< a referenced row is missing
    CheckViolation,       ///< a CHECK or NOT NULL constraint refused a value
    Busy,                 ///< SQLite: another process held the write lock past the busy timeout
    ConnectionLost,       ///< the server went away (or could not be reached); nothing committed
    CommitInDoubt,        ///< the connection broke during COMMIT: it may or may not have happened
    Other,
  };
  /// `message` names tables and columns, never bound values (they may be tokens).
  DatabaseError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

/// One connection to the database. Not thread-safe: one thread uses it at a time (ConnectionPool
/// hands it out). Every statement runs inside a transaction started with begin() (a statement
/// outside one is a bug: std::logic_error). Failures throw DatabaseError; after a failed statement
/// the transaction can only be rolled back (or rolled back to a savepoint).
class Connection {
 public:
  virtual ~Connection() = default;
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual Dialect dialect() const = 0;

  // ---- Transactions ----

  /// Starts a transaction.
  /// SQLite, Write: BEGIN IMMEDIATE, which takes the database's one write lock now (waiting up to
  ///   the busy timeout for another connection or process to finish): a transaction that began as
  ///   a reader and later wants to write would instead fail at once with SQLITE_BUSY when another
  ///   connection wrote in between, and two of them would deadlock on the upgrade.
  /// SQLite, Read: BEGIN (deferred): every statement of the transaction sees one snapshot.
  /// PostgreSQL, Write: BEGIN, READ COMMITTED (each statement sees what was committed before it).
  /// PostgreSQL, Read: no transaction block at all (autocommit). Each statement sees its own
  ///   snapshot, exactly as inside a READ COMMITTED block, without two extra round trips.
  virtual void begin(Access access) = 0;
  /// Throws DatabaseError::Kind::CommitInDoubt when the connection broke during COMMIT.
  virtual void commit() = 0;
  /// Ends the transaction, undoing it; never throws (a broken connection is marked broken).
  virtual void rollback() noexcept = 0;
  virtual bool in_transaction() const = 0;

  /// A savepoint inside the transaction, so that one part of it can fail without the rest:
  /// on PostgreSQL a failed statement otherwise aborts the whole transaction, on SQLite only
  /// itself.
  virtual void savepoint(std::string_view name) = 0;
  virtual void release_savepoint(std::string_view name) = 0;
  virtual void rollback_to_savepoint(std::string_view name) = 0;

  // ---- Statements ----

  /// Runs one statement; returns how many rows it inserted, changed or deleted.
  std::int64_t execute(std::string_view sql, Params params = {}) {
    return execute_statement(sql, std::span(params.begin(), params.size()));
  }
  /// Runs one statement that returns rows (SELECT, or INSERT/UPDATE/DELETE ... RETURNING) and
  /// calls `on_row` for each; returns how many there were.
  std::size_t query(std::string_view sql, Params params, const RowHandler& on_row) {
    return query_rows(sql, std::span(params.begin(), params.size()), on_row, kAllRows);
  }
  /// As query(), with parameters gathered at run time (a filter whose parts are optional).
  std::size_t query_with(std::string_view sql, std::span<const Param> params,
                         const RowHandler& on_row) {
    return query_rows(sql, params, on_row, kAllRows);
  }
  /// As query(), for the first row only; false when there was none. The statement still runs to
  /// completion (all changes of an UPDATE ... RETURNING are made).
  bool query_first(std::string_view sql, Params params, const RowHandler& on_row) {
    return query_rows(sql, std::span(params.begin(), params.size()), on_row, 1) > 0;
  }
  /// Runs statements without parameters, separated by ';' (migrations, pragmas); the one call that
  /// may also run outside a transaction.
  virtual void execute_script(std::string_view sql) = 0;

  /// Stores `values` (row after row, columns.size() values each) into target.table.
  /// PostgreSQL: COPY, an order of magnitude faster than a statement per row (a save of 10,000
  ///   items is normal); an upsert copies into a temporary table first, because COPY cannot.
  /// SQLite: a prepared multi-row INSERT (... ON CONFLICT DO UPDATE for an upsert), as many rows
  ///   per statement as its limit on bound values allows.
  virtual void write_rows(const RowsTarget& target, std::span<const Param> values) = 0;

  /// The clause to append to a SELECT so it locks the rows it returns until the transaction ends.
  /// PostgreSQL: FOR UPDATE [SKIP LOCKED]. SQLite: nothing: it has no row locks, and a write
  /// transaction (BEGIN IMMEDIATE) already holds the one write lock of the whole database, so no
  /// other writer can change the rows meanwhile (and SKIP LOCKED has nothing to skip).
  virtual std::string_view for_update(RowLock lock) const = 0;

  /// Makes every transaction that calls this with the same `key` wait here until the one that
  /// holds it ends (commit or rollback), across processes: for a read followed by a write that row
  /// locks cannot protect, such as a job's claim (it reads which jobs run, then starts one that
  /// conflicts with none of them: two claims interleaving could each start one of two conflicting
  /// jobs). Inside a write transaction only.
  /// PostgreSQL: pg_advisory_xact_lock(key). SQLite: nothing: a write transaction (BEGIN
  /// IMMEDIATE) already holds the one write lock of the whole database until it ends.
  virtual void lock_until_transaction_end(std::int64_t key) = 0;

  // ---- Health and schema ----

  /// True once the connection is unusable (the server went away): the pool drops it.
  virtual bool is_broken() const = 0;

  /// Runs `migrate` in one write transaction set up for schema changes, and commits.
  /// SQLite: foreign keys are off meanwhile (the pragma cannot change inside a transaction): a
  ///   migration may rebuild a table the SQLite way (create, copy, drop, rename), and dropping a
  ///   parent table with enforcement on would cascade into its children; foreign_key_check then
  ///   proves before the commit that nothing was left dangling.
  /// PostgreSQL: takes an advisory lock first, so two plm processes starting together migrate one
  ///   after the other (the second sees the first's work); foreign keys hold throughout.
  virtual void run_migration_transaction(const std::function<void()>& migrate) = 0;

 protected:
  static constexpr std::size_t kAllRows = static_cast<std::size_t>(-1);
  virtual std::int64_t execute_statement(std::string_view sql, std::span<const Param> params) = 0;
  /// Calls `on_row` for at most `limit` rows.
  virtual std::size_t query_rows(std::string_view sql, std::span<const Param> params,
                                 const RowHandler& on_row, std::size_t limit) = 0;
};

/// The first row of `sql` read by `read` (Row -> T), or nullopt when there is none.
template <typename Read>
auto first_row(Connection& connection, std::string_view sql, Params params, Read&& read)
    -> std::optional<std::invoke_result_t<Read&, const Row&>> {
  std::optional<std::invoke_result_t<Read&, const Row&>> found;
  connection.query_first(sql, params, [&](const Row& row) { found.emplace(read(row)); });
  return found;
}

/// Every row of `sql`, each read by `read` (Row -> T).
template <typename Read>
auto all_rows(Connection& connection, std::string_view sql, Params params, Read&& read)
    -> std::vector<std::invoke_result_t<Read&, const Row&>> {
  std::vector<std::invoke_result_t<Read&, const Row&>> rows;
  connection.query(sql, params, [&](const Row& row) { rows.push_back(read(row)); });
  return rows;
}

/// Test seam: called by write_rows after each batch it hands to the database, with the number of
/// rows written so far by that call (SQLite: every statement; PostgreSQL: once, after the COPY).
using RowsWrittenHook = std::function<void(std::size_t rows_so_far)>;

/// "a, b, c".
std::string column_list(std::span<const std::string_view> columns);
/// " ON CONFLICT (key) DO UPDATE SET c = excluded.c, ..." for an upsert (DO NOTHING when every
/// column is part of the key); "" for a plain insert.
std::string on_conflict_clause(const RowsTarget& target);

}  // namespace plm::sql
