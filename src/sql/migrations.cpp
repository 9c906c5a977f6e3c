#include "sql/migrations.hpp"

#include <set>
#include <stdexcept>
#include <string>

#include "sql/connection.hpp"

namespace plm::sql {

void migrate(Connection& connection, std::span<const Migration> migrations,
             const core::Clock& clock) {
  connection.run_migration_transaction([&] {
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
    std::set<int> applied;
    connection.query("SELECT version FROM schema_migrations", {},
                     [&](const Row& row) { applied.insert(static_cast<int>(row.int64(0))); });
    if (!applied.empty() && *applied.rbegin() > migrations.back().version) {
      throw std::runtime_error("database schema version " + std::to_string(*applied.rbegin()) +
                               " is newer than this plm understands (" +
                               std::to_string(migrations.back().version) + ")");
    }
    const std::string applied_at = core::format_utc(clock.now());
    for (const Migration& migration : migrations) {
      if (applied.contains(migration.version)) continue;
      connection.execute_script(migration.sql);
      connection.execute(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
          {migration.version, migration.name, applied_at});
    }
  });
}

}  // namespace plm::sql
