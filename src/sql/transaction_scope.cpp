#include "sql/transaction_scope.hpp"

#include <string>

namespace plm::sql {
namespace {

thread_local const ConnectionPool* unit_of_work_pool = nullptr;

constexpr std::string_view kCallSavepoint = "plm_port_call";

}  // namespace

core::Error to_error(std::string_view operation, const DatabaseError& error) {
  const std::string what(operation);
  core::Error translated = [&] {
    switch (error.kind()) {
      case DatabaseError::Kind::UniqueViolation:
        return core::make_error(core::ErrorCode::Conflict,
                                "cannot " + what + ": one like it is stored already");
      case DatabaseError::Kind::ForeignKeyViolation:
        return core::make_error(core::ErrorCode::NotFound,
                                "cannot " + what + ": something it belongs to is gone");
      case DatabaseError::Kind::CheckViolation:
        return core::make_error(core::ErrorCode::InvalidInput,
                                "cannot " + what + ": the database refused a value");
      case DatabaseError::Kind::Busy:
        return core::make_error(core::ErrorCode::Unavailable,
                                "cannot " + what +
                                    " now: another plm process is writing to the database; try "
                                    "again");
      case DatabaseError::Kind::ConnectionLost:
        return core::make_error(
            core::ErrorCode::Unavailable,
            "cannot " + what + ": the database could not be reached; try again");
      case DatabaseError::Kind::CommitInDoubt:
        return core::make_error(core::ErrorCode::Unavailable,
                                "the database connection broke while saving (" + what +
                                    "): it may or may not be saved; look before trying again");
      case DatabaseError::Kind::Other:
        break;
    }
    return core::make_error(core::ErrorCode::Internal,
                            "cannot " + what + ": the database reported an error");
  }();
  translated.detail = error.what();
  return translated;
}

core::Status PerCallTransactions::run_status(std::string_view operation, Access access,
                                             const std::function<core::Status(Connection&)>& body) {
  if (UnitOfWorkMarker::active_on(*pool_)) {
    return core::make_error(core::ErrorCode::Internal,
                            std::string(operation) +
                                " was called on the store inside a unit of work: use the ports "
                                "the unit of work hands out");
  }
  try {
    // The lease rolls back whatever is left open when it goes, also when `body` throws.
    ConnectionPool::Lease connection = pool_->lease();
    connection->begin(access);
    core::Status status = body(*connection);
    if (status) {
      connection->commit();
    } else {
      connection->rollback();
    }
    return status;
  } catch (const DatabaseError& error) {
    return to_error(operation, error);
  }
}

core::Status SharedTransaction::run_status(std::string_view operation, Access /*access*/,
                                           const std::function<core::Status(Connection&)>& body) {
  try {
    connection_.savepoint(kCallSavepoint);
  } catch (const DatabaseError& error) {
    return to_error(operation, error);
  }
  // Undoes the call; if even that fails (the connection is gone), the commit will fail too.
  const auto undo = [&] {
    try {
      connection_.rollback_to_savepoint(kCallSavepoint);
      connection_.release_savepoint(kCallSavepoint);
    } catch (const DatabaseError&) {
    }
  };
  try {
    core::Status status = body(connection_);
    if (status) {
      connection_.release_savepoint(kCallSavepoint);
    } else {
      undo();
    }
    return status;
  } catch (const DatabaseError& error) {
    undo();
    return to_error(operation, error);
  } catch (...) {
    undo();
    throw;
  }
}

UnitOfWorkMarker::UnitOfWorkMarker(const ConnectionPool& pool) : previous_(unit_of_work_pool) {
  unit_of_work_pool = &pool;
}

UnitOfWorkMarker::~UnitOfWorkMarker() { unit_of_work_pool = previous_; }

bool UnitOfWorkMarker::active_on(const ConnectionPool& pool) { return unit_of_work_pool == &pool; }

}  // namespace plm::sql
