#pragma once
// Internal to plm::sql: Connection on one SQLite file.

#include <chrono>
#include <memory>
#include <string>

#include "sql/connection.hpp"

namespace plm::sql {

struct SqliteOptions {
  /// How long a writer waits for the write lock held by another connection or process (a `plm
  /// sync` beside `plm serve`) before failing with DatabaseError::Kind::Busy. A save of 10,000
  /// items holds it for a fraction of a second.
  std::chrono::milliseconds busy_timeout{10'000};
  RowsWrittenHook on_rows_written_for_test;
};

/// Opens (creating if needed) the file in WAL mode: readers never block the writer nor the writer
/// the readers, and other processes may open the same file. Foreign keys are enforced. Throws
/// DatabaseError naming the path when the file cannot be opened.
std::unique_ptr<Connection> open_sqlite(const std::string& path, const SqliteOptions& options);

}  // namespace plm::sql
