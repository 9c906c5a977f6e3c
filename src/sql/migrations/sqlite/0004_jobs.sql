-- Durable jobs (src/core/ports/job_queue.hpp, src/sql/job_queue.cpp): one row per job, its per-item
-- results and its history. Times are Unix milliseconds from the store's clock (*_ms columns).
--
-- A job goes with the app user who asked for it, and with the Spotify account it acts on (ON
-- DELETE CASCADE): deleting a user or an account deletes its jobs, their items and their history.
-- A job of a deleted account that was running loses its row: its worker's next heartbeat, save of
-- progress or settle answers Conflict (the job is no longer held), so the worker stops and writes
-- nothing more. Ids are never reused (AUTOINCREMENT), as for users and accounts.

CREATE TABLE jobs (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  kind               TEXT NOT NULL CHECK (kind <> ''),
  state              TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed',
                                                    'cancelled', 'interrupted')),
  owner_user_id      INTEGER NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  account_id         INTEGER REFERENCES spotify_accounts (id) ON DELETE CASCADE,  -- NULL: none
  playlist_id        TEXT NOT NULL,  -- '' when the job acts on no one playlist
  concurrency_key    TEXT NOT NULL CHECK (concurrency_key <> ''),
  payload            TEXT NOT NULL,
  checkpoint         TEXT NOT NULL,
  progress_done      INTEGER NOT NULL,
  progress_total     INTEGER NOT NULL,
  progress_unit      TEXT NOT NULL,
  progress_message   TEXT NOT NULL,
  api_calls          INTEGER NOT NULL,
  api_retries        INTEGER NOT NULL,
  api_rate_limited   INTEGER NOT NULL,
  api_paced_waits    INTEGER NOT NULL,
  api_waited_ms      INTEGER NOT NULL,
  api_check_reads    INTEGER NOT NULL,
  attempts           INTEGER NOT NULL,
  max_attempts       INTEGER NOT NULL CHECK (max_attempts >= 1),
  -- Releases (shutdowns) since the job last made progress; too many in a row fail it
  -- (core::kMaxReleasesWithoutProgress).
  releases_without_progress INTEGER NOT NULL,
  created_at_ms      INTEGER NOT NULL,
  run_at_ms          INTEGER NOT NULL,
  updated_at_ms      INTEGER NOT NULL,
  started_at_ms      INTEGER,  -- NULL until the first claim
  finished_at_ms     INTEGER,  -- NULL until finished
  error_code         TEXT,     -- NULL when there is no error
  error_message      TEXT,
  error_retry_at_ms  INTEGER,
  cancel_requested   INTEGER NOT NULL CHECK (cancel_requested IN (0, 1)),
  lease_owner        TEXT NOT NULL,  -- '' unless running
  lease_expires_at_ms INTEGER        -- NULL unless running
);

-- Claiming: the waiting jobs (and the earliest run_at), and the running ones with their leases.
CREATE INDEX jobs_waiting ON jobs (run_at_ms) WHERE state IN ('queued', 'interrupted');
CREATE INDEX jobs_running ON jobs (lease_expires_at_ms) WHERE state = 'running';
-- Listing, newest first, by owner, state, account or playlist; housekeeping by finish time.
CREATE INDEX jobs_by_owner ON jobs (owner_user_id, id);
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_account ON jobs (account_id, id);
CREATE INDEX jobs_by_playlist ON jobs (playlist_id, id) WHERE playlist_id <> '';
CREATE INDEX jobs_finished ON jobs (finished_at_ms) WHERE finished_at_ms IS NOT NULL;

-- How each item of a job ended; recording a key again replaces its result and keeps its position.
CREATE TABLE job_items (
  job_id            INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  item_key          TEXT NOT NULL CHECK (item_key <> ''),
  position          INTEGER NOT NULL,  -- order of first record, from 1
  label             TEXT NOT NULL,
  outcome           TEXT NOT NULL,
  error_code        TEXT,
  error_message     TEXT,
  error_retry_at_ms INTEGER,
  detail            TEXT NOT NULL,
  PRIMARY KEY (job_id, item_key)
) WITHOUT ROWID;

CREATE INDEX job_items_in_order ON job_items (job_id, position);

-- The history of each job, oldest first (by id).
CREATE TABLE job_events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id  INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  at_ms   INTEGER NOT NULL,
  kind    TEXT NOT NULL,
  message TEXT NOT NULL
);

CREATE INDEX job_events_of_job ON job_events (job_id, id);
