#pragma once
// Internal to plm::sql: Connection to a PostgreSQL server (libpqxx).

#include <memory>
#include <string>

#include "sql/connection.hpp"

namespace plm::sql {

struct PostgresOptions {
  RowsWrittenHook on_rows_written_for_test;
};

/// Connects to `url` (anything libpq accepts: "postgresql://user:password@host:port/db?...").
/// Throws DatabaseError (Kind::ConnectionLost) when the server cannot be reached; the message never
/// contains the URL, which may hold a password.
std::unique_ptr<Connection> open_postgres(const std::string& url, const PostgresOptions& options);

}  // namespace plm::sql
