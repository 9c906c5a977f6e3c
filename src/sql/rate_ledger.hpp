#pragma once
/// core::RateLedger on the plm database: the rate budget of each Spotify client ID, shared by every
/// plm process that uses the database (tables of migration 0003_rate_budget).
///
/// Written once for both databases on the connection layer (connection.hpp), like the stores, but
/// on a connection of its own: an admission is a short write transaction that must never queue
/// behind a long one of the store (a 10,000-item save) in the same process.

#include <memory>
#include <string>

#include "core/ports/clock.hpp"
#include "core/ports/rate_ledger.hpp"

namespace plm::sql {

/// Opens the ledger on the database at `database_url` (the forms of open_store). The database must
/// exist and be migrated: open the store first. `clock` (the wall clock; see rate_ledger.hpp) must
/// outlive the ledger. Thread-safe; atomic across processes: on SQLite every change is one
/// `BEGIN IMMEDIATE` transaction (waiting up to 10 s for the write lock), on PostgreSQL an admission
/// locks its client ID's row. Throws std::runtime_error when the database cannot be opened.
std::unique_ptr<core::RateLedger> open_rate_ledger(const std::string& database_url,
                                                   const core::Clock& clock);

}  // namespace plm::sql
