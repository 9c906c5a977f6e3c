#pragma once
// Internal to plm::sql: where the statements of a port call run (a transaction of its own, or the
// shared one of a unit of work), and the one place database failures become core::Errors.

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

#include "core/result.hpp"
#include "sql/connection.hpp"
#include "sql/connection_pool.hpp"

namespace plm::sql {

/// The error a caller sees for a database failure during `operation`:
/// unique violation → Conflict, foreign key violation → NotFound (a referenced row is missing),
/// check or not-null violation → InvalidInput, busy / connection lost / commit in doubt →
/// Unavailable (worth retrying), anything else → Internal. The message is for a person: it names
/// the operation ("cannot create user 'bob': one like it is stored already") and never quotes the
/// database ("UNIQUE constraint failed", libpq's texts); the database's own first line goes to
/// Error::detail (logs, PLM_DEBUG=1), never a bound value. Ports that know what a violation means
/// say it better themselves (create_user: "a user named bob exists already").
core::Error to_error(std::string_view operation, const DatabaseError& error);

/// Runs the statements of one port call.
class TransactionScope {
 public:
  virtual ~TransactionScope() = default;

  /// Runs `body` on a connection in a transaction and returns what it returns; a DatabaseError
  /// thrown by it becomes to_error(operation, …). Either the whole call happens or none of it: a
  /// body that returns an error or throws leaves nothing behind. `Body` is
  /// core::Result<T>(Connection&).
  template <typename Body>
  auto run(std::string_view operation, Access access, Body&& body)
      -> std::invoke_result_t<Body&, Connection&> {
    std::optional<std::invoke_result_t<Body&, Connection&>> result;
    const core::Status status =
        run_status(operation, access, [&](Connection& connection) -> core::Status {
          result.emplace(body(connection));
          if (result->has_value()) return core::ok();
          return result->error();
        });
    if (!status) return status.error();
    return std::move(*result);
  }

 protected:
  virtual core::Status run_status(std::string_view operation, Access access,
                                  const std::function<core::Status(Connection&)>& body) = 0;
};

/// Each call in a transaction of its own (begun with `access`), on a connection of the pool:
/// committed when the body returns a value, rolled back otherwise. Refuses (Internal) to run
/// while this thread is inside a unit of work on the same pool: that call would escape the unit's
/// transaction (and with one connection, wait for itself forever).
class PerCallTransactions final : public TransactionScope {
 public:
  explicit PerCallTransactions(std::shared_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

 protected:
  core::Status run_status(std::string_view operation, Access access,
                          const std::function<core::Status(Connection&)>& body) override;

 private:
  std::shared_ptr<ConnectionPool> pool_;
};

/// Every call inside the one transaction of a unit of work, already begun on `connection`. Each
/// call still happens entirely or not at all, as outside a unit of work: it runs inside a
/// savepoint, rolled back to when the call fails (on PostgreSQL a failed statement would
/// otherwise doom the whole transaction, on SQLite it would leave the call half done). `access`
/// is ignored: the unit's transaction is a write transaction.
class SharedTransaction final : public TransactionScope {
 public:
  explicit SharedTransaction(Connection& connection) : connection_(connection) {}

 protected:
  core::Status run_status(std::string_view operation, Access access,
                          const std::function<core::Status(Connection&)>& body) override;

 private:
  Connection& connection_;
};

/// Marks this thread as inside a unit of work on `pool` while it lives (see PerCallTransactions).
class UnitOfWorkMarker {
 public:
  explicit UnitOfWorkMarker(const ConnectionPool& pool);
  UnitOfWorkMarker(const UnitOfWorkMarker&) = delete;
  UnitOfWorkMarker& operator=(const UnitOfWorkMarker&) = delete;
  ~UnitOfWorkMarker();
  /// True when this thread is inside a unit of work on `pool`.
  static bool active_on(const ConnectionPool& pool);

 private:
  const ConnectionPool* previous_;
};

}  // namespace plm::sql
