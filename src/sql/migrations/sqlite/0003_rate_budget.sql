-- The rate budget of each Spotify client ID, shared by every plm process on this database
-- (src/core/ports/rate_ledger.hpp, src/sql/rate_ledger.cpp). Times are Unix milliseconds of the
-- wall clock: processes share no monotonic clock.

-- One row per client ID: its pauses, and the row every admission locks.
CREATE TABLE rate_budget_clients (
  client_id             TEXT PRIMARY KEY,
  paused_until_ms       INTEGER NOT NULL DEFAULT 0,  -- a 429's Retry-After: wait until then
  quota_paused_until_ms INTEGER NOT NULL DEFAULT 0   -- QUOTA_EXCEEDED: fail fast until then
);

-- The calls that may still count in the window. The id is the ticket of an admitted call; never
-- reused, so a late answer cannot move another call.
CREATE TABLE rate_budget_calls (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  client_id      TEXT NOT NULL,
  counts_from_ms INTEGER NOT NULL  -- send time while in flight, answer time after
);
CREATE INDEX rate_budget_calls_by_client ON rate_budget_calls (client_id, counts_from_ms);
