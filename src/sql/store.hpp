#pragma once
/// SQL storage: one object implementing every storage port, on SQLite or PostgreSQL.

#include <memory>
#include <string>

#include "core/ports/store.hpp"

namespace plm::security {
class TokenCipher;
}

namespace plm::sql {

/// The storage ports in one object, so callers open and hold one thing. Implementations keep OAuth
/// tokens and PKCE code verifiers encrypted at rest with the TokenCipher they were given; its key
/// must outlive the store. Database failures are core::ErrorCode::Internal naming the operation
/// (never a token or password hash); unique violations are Conflict, check violations InvalidInput,
/// references to a missing user, account or playlist NotFound.
class Store : public core::UserStore,
              public core::AccountStore,
              public core::PlaylistStore,
              public core::SessionStore {};

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

/// Opens (creating and migrating if needed) the database at `database_url`. Throws
/// std::invalid_argument for a malformed URL and std::runtime_error when the database cannot be
/// opened or migrated: both are configuration or environment problems reported at start-up.
std::unique_ptr<Store> open_store(const std::string& database_url, security::TokenCipher& cipher);

}  // namespace plm::sql
