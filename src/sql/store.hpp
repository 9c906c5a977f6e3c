#pragma once
/// SQL storage: one object implementing every storage port, the job queue and the unit of work, on
/// SQLite or PostgreSQL.

#include <memory>
#include <string>

#include "core/ports/clock.hpp"
#include "core/ports/import_store.hpp"
#include "core/ports/unit_of_work.hpp"
#include "sql/connection.hpp"
#include "sql/store_ports.hpp"

namespace plm::security {
class TokenCipher;
}

namespace plm::sql {

class ConnectionPool;
class SqlJobQueue;
class SqlImportStore;
class SqlMatchStore;
class SqlPlaylistJournal;
class TransactionScope;

/// The storage ports in one object, so callers open and hold one thing; open it with open_store.
/// Every port call is a transaction of its own, on a connection of the store's pool;
/// in_transaction runs several in one. Tokens and PKCE code verifiers are encrypted at rest with
/// the TokenCipher the store was given, and times are taken from its clock: both must outlive the
/// store. Database failures are core::ErrorCode::Internal naming the operation (never a token or
/// password hash), or Unavailable when worth retrying (connection lost, SQLite busy past its
/// timeout); unique violations are Conflict, check violations InvalidInput, references to a
/// missing user, account or playlist NotFound. Thread-safe.
class Store final : public StorePorts, public core::UnitOfWork {
 public:
  Store(std::shared_ptr<ConnectionPool> pool, const StoreContext& context);
  ~Store() override;

  core::Status in_transaction(
      const std::function<core::Status(core::TransactionPorts&)>& work) override;

  /// The durable job queue on this database (job_queue.hpp), each call a transaction of its own;
  /// inside a unit of work, use the queue its ports hand out. Thread-safe.
  core::JobQueue& jobs();

  /// The journal of playlist versions (playlist_journal.hpp), each call a transaction of its own;
  /// inside a unit of work, use the journal its ports hand out. Thread-safe.
  core::PlaylistJournal& journal();

  /// Pastes, remembered choices, the lookup cache and the known tracks (match_store.hpp), each
  /// call a transaction of its own; inside a unit of work, use the store its ports hand out.
  /// Thread-safe.
  core::MatchStore& matches();

  /// Uploaded import files (import_store.hpp), each call a transaction of its own. Thread-safe.
  core::ImportStore& imports();

 private:
  Store(std::shared_ptr<TransactionScope> per_call, std::shared_ptr<ConnectionPool> pool,
        const StoreContext& context);

  std::shared_ptr<ConnectionPool> pool_;
  StoreContext context_;
  std::unique_ptr<SqlJobQueue> jobs_;
  std::unique_ptr<SqlPlaylistJournal> journal_;
  std::unique_ptr<SqlMatchStore> matches_;
  std::unique_ptr<SqlImportStore> imports_;
};

/// Where a database URL points.
struct DatabaseLocation {
  enum class Kind { Sqlite, Postgres };
  Kind kind = Kind::Sqlite;
  std::string target;  ///< SQLite: file path; PostgreSQL: the URL as given (libpq parses it)
};

/// Accepts "sqlite:///abs/path.db", "sqlite:relative.db", "sqlite:/abs/path.db", a plain file path,
/// and "postgresql://…" / "postgres://…". Throws std::invalid_argument naming the accepted forms
/// (never echoing a PostgreSQL URL, which may hold a password).
DatabaseLocation parse_database_url(const std::string& database_url);

struct StoreOptions {
  /// PostgreSQL: connections open at most at once (PLM_DATABASE_POOL), so `plm serve`'s request
  /// handlers and workers do not queue behind one. SQLite always uses one connection per store:
  /// it has one writer at a time anyway, and queueing in the process is fairer than every
  /// connection retrying on the busy lock.
  int pool_size = 4;
  /// Test seam: see RowsWrittenHook (connection.hpp).
  RowsWrittenHook on_rows_written_for_test;
};

/// Opens (creating and migrating if needed) the database at `database_url`, then encrypts again
/// in the current format any secret still stored in an older one. Throws std::invalid_argument for
/// a malformed URL or pool size and std::runtime_error when the database cannot be opened or
/// migrated: both are configuration or environment problems reported at start-up.
std::unique_ptr<Store> open_store(const std::string& database_url, security::TokenCipher& cipher,
                                  const core::Clock& clock, const StoreOptions& options = {});

}  // namespace plm::sql
