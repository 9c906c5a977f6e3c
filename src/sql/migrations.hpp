#pragma once
// Internal to plm::sql: the schema migrations compiled into the binary (generated from
// src/sql/migrations/<dialect>/NNNN_name.sql by embed_migrations.cmake), and the one runner that
// applies them on both databases.

#include <span>
#include <string_view>

#include "core/ports/clock.hpp"

namespace plm::sql {

class Connection;

struct Migration {
  int version;            ///< 1, 2, ... without gaps
  std::string_view name;  ///< "init"
  std::string_view sql;   ///< one or more statements
};

std::span<const Migration> sqlite_migrations();
std::span<const Migration> postgres_migrations();

/// Applies the migrations not yet recorded in schema_migrations, in one transaction
/// (Connection::run_migration_transaction), recording each with the clock's time. Throws
/// std::runtime_error when the database's schema is newer than `migrations` (a newer plm wrote
/// it), and DatabaseError when a migration fails; nothing is applied then.
void migrate(Connection& connection, std::span<const Migration> migrations,
             const core::Clock& clock);

}  // namespace plm::sql
