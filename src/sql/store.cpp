#include "sql/store.hpp"

#include <algorithm>
#include <stdexcept>

#include "sql/connection_pool.hpp"
#include "sql/import_store.hpp"
#include "sql/job_queue.hpp"
#include "sql/match_store.hpp"
#include "sql/migrations.hpp"
#include "sql/playlist_journal.hpp"
#include "sql/postgres_connection.hpp"
#include "sql/sqlite_connection.hpp"
#include "sql/transaction_scope.hpp"

namespace plm::sql {
namespace {

/// The ports handed to the work of a unit of work: the same StorePorts and SqlJobQueue as the
/// store's, running inside the unit's transaction. A store written later on the connection layer
/// joins by holding the same scope here and adding its accessor to core::TransactionPorts.
class BoundPorts final : public core::TransactionPorts {
 public:
  BoundPorts(Connection& connection, const StoreContext& context)
      : scope_(std::make_shared<SharedTransaction>(connection)),
        ports_(scope_, context),
        jobs_(scope_, context),
        journal_(scope_, context),
        matches_(scope_) {}
  core::UserStore& users() override { return ports_; }
  core::AccountStore& accounts() override { return ports_; }
  core::PlaylistStore& playlists() override { return ports_; }
  core::SessionStore& sessions() override { return ports_; }
  core::JobQueue& jobs() override { return jobs_; }
  core::PlaylistJournal& journal() override { return journal_; }
  core::MatchStore& matches() override { return matches_; }

 private:
  std::shared_ptr<SharedTransaction> scope_;
  StorePorts ports_;
  SqlJobQueue jobs_;
  SqlPlaylistJournal journal_;
  SqlMatchStore matches_;
};

constexpr std::string_view kAcceptedForms =
    "use sqlite:///absolute/path.db, sqlite:relative/path.db, a file path, or "
    "postgresql://user@host:port/database";

bool is_scheme_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

}  // namespace

DatabaseLocation parse_database_url(const std::string& database_url) {
  if (database_url.empty()) {
    throw std::invalid_argument("database URL is empty; " + std::string(kAcceptedForms));
  }
  if (database_url.starts_with("postgresql://") || database_url.starts_with("postgres://")) {
    return {DatabaseLocation::Kind::Postgres, database_url};
  }
  if (database_url.starts_with("sqlite:")) {
    std::string path = database_url.substr(7);
    if (path.starts_with("//")) {
      // sqlite:///abs/path: an empty authority followed by an absolute path.
      path.erase(0, 2);
      if (!path.starts_with("/")) {
        throw std::invalid_argument("SQLite URL '" + database_url + "' names a host; " +
                                    std::string(kAcceptedForms));
      }
    }
    if (path.empty()) {
      throw std::invalid_argument("SQLite URL has no file path; " + std::string(kAcceptedForms));
    }
    return {DatabaseLocation::Kind::Sqlite, path};
  }
  // Anything that looks like "scheme:" or "scheme://" and is not one of ours is a mistake rather
  // than a file name. Only the scheme is echoed: the rest may hold a password.
  const auto colon = database_url.find(':');
  if (colon != std::string::npos && colon > 1 &&
      std::all_of(database_url.begin(), database_url.begin() + static_cast<long>(colon),
                  is_scheme_character) &&
      database_url.compare(colon, 3, "://") == 0) {
    throw std::invalid_argument("unsupported database URL scheme '" +
                                database_url.substr(0, colon) + "'; " +
                                std::string(kAcceptedForms));
  }
  return {DatabaseLocation::Kind::Sqlite, database_url};
}

Store::Store(std::shared_ptr<ConnectionPool> pool, const StoreContext& context)
    : Store(std::make_shared<PerCallTransactions>(pool), pool, context) {}

Store::Store(std::shared_ptr<TransactionScope> per_call, std::shared_ptr<ConnectionPool> pool,
             const StoreContext& context)
    : StorePorts(per_call, context),
      pool_(std::move(pool)),
      context_(context),
      jobs_(std::make_unique<SqlJobQueue>(per_call, context)),
      journal_(std::make_unique<SqlPlaylistJournal>(per_call, context)),
      matches_(std::make_unique<SqlMatchStore>(per_call)),
      imports_(std::make_unique<SqlImportStore>(std::move(per_call))) {}

Store::~Store() = default;

core::JobQueue& Store::jobs() { return *jobs_; }

core::PlaylistJournal& Store::journal() { return *journal_; }

core::MatchStore& Store::matches() { return *matches_; }

core::ImportStore& Store::imports() { return *imports_; }

core::Status Store::in_transaction(
    const std::function<core::Status(core::TransactionPorts&)>& work) {
  if (UnitOfWorkMarker::active_on(*pool_)) {
    return core::make_error(core::ErrorCode::Internal,
                            "a unit of work was started inside another one on the same store");
  }
  try {
    // The lease rolls back whatever is left open when it goes, also when `work` throws.
    ConnectionPool::Lease connection = pool_->lease();
    connection->begin(Access::Write);
    BoundPorts ports(*connection, context_);
    const core::Status status = [&] {
      const UnitOfWorkMarker marker(*pool_);
      return work(ports);
    }();
    if (!status) {
      connection->rollback();
      return status;
    }
    connection->commit();
    return core::ok();
  } catch (const DatabaseError& error) {
    return to_error("unit of work", error);
  }
}

std::unique_ptr<Store> open_store(const std::string& database_url, security::TokenCipher& cipher,
                                  const core::Clock& clock, const StoreOptions& options) {
  if (options.pool_size < 1) {
    throw std::invalid_argument("the database pool needs at least one connection");
  }
  const DatabaseLocation location = parse_database_url(database_url);
  const bool postgres = location.kind == DatabaseLocation::Kind::Postgres;
  ConnectionPool::Connect connect;
  if (postgres) {
    connect = [url = location.target, hook = options.on_rows_written_for_test] {
      return open_postgres(url, PostgresOptions{.on_rows_written_for_test = hook});
    };
  } else {
    connect = [path = location.target, hook = options.on_rows_written_for_test] {
      return open_sqlite(path, SqliteOptions{.on_rows_written_for_test = hook});
    };
  }
  // Never the URL in messages: it may hold a password.
  const std::string what = postgres ? "PostgreSQL database" : "SQLite database " + location.target;
  std::unique_ptr<Connection> first;
  try {
    first = connect();
  } catch (const DatabaseError& error) {
    throw std::runtime_error(error.what());
  }
  try {
    migrate(*first, postgres ? postgres_migrations() : sqlite_migrations(), clock);
  } catch (const DatabaseError& error) {
    throw std::runtime_error("cannot migrate the " + what + ": " + error.what());
  }
  auto pool = std::make_shared<ConnectionPool>(
      postgres ? static_cast<std::size_t>(options.pool_size) : 1, connect, std::move(first));
  auto store = std::make_unique<Store>(std::move(pool), StoreContext{cipher, clock});
  if (const auto rewritten = store->rewrite_outdated_secrets(); !rewritten) {
    throw std::runtime_error("cannot open the " + what + ": " + rewritten.error().message);
  }
  return store;
}

}  // namespace plm::sql
