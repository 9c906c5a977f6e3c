#include "sql/store.hpp"

#include <algorithm>
#include <stdexcept>

#include "sql/postgres_store.hpp"
#include "sql/sqlite_store.hpp"

namespace plm::sql {
namespace {

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

std::unique_ptr<Store> open_store(const std::string& database_url, security::TokenCipher& cipher) {
  const DatabaseLocation location = parse_database_url(database_url);
  if (location.kind == DatabaseLocation::Kind::Postgres) {
    return std::make_unique<PostgresStore>(location.target, cipher);
  }
  return std::make_unique<SqliteStore>(location.target, cipher);
}

}  // namespace plm::sql
