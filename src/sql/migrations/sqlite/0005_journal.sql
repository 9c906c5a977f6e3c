-- The journal of playlist versions (src/core/ports/playlist_journal.hpp, src/sql/playlist_journal.cpp):
-- one row per version of a playlist plm has seen, numbered 1, 2, 3... per playlist. Times are Unix
-- milliseconds from the store's clock (whole seconds).
--
-- Items are kept compactly (src/core/journal/version_encoding.hpp): `items` holds either every
-- item (delta_depth 0) or a delta against the version right before (delta_depth n > 0: n deltas in
-- a row since the last full version, at most 15). See ARCHITECTURE.md for the measurement.
--
-- A version goes with its Spotify account (ON DELETE CASCADE), not with the stored playlist: a
-- playlist gone from Spotify keeps its versions, which is what a restore needs. The app user who
-- made an edit is kept while that user exists.

CREATE TABLE playlist_versions (
  account_id       INTEGER NOT NULL REFERENCES spotify_accounts (id) ON DELETE CASCADE,
  playlist_id      TEXT NOT NULL CHECK (playlist_id <> ''),
  sequence         INTEGER NOT NULL CHECK (sequence >= 1),
  snapshot_id      TEXT NOT NULL,
  name             TEXT NOT NULL,
  description      TEXT NOT NULL,
  is_public        INTEGER NOT NULL CHECK (is_public IN (0, 1)),
  collaborative    INTEGER NOT NULL CHECK (collaborative IN (0, 1)),
  item_count       INTEGER NOT NULL CHECK (item_count >= 0),
  delta_depth      INTEGER NOT NULL CHECK (delta_depth >= 0 AND delta_depth < sequence),
  items            TEXT NOT NULL,
  -- Against the version before (the first version: every item added).
  added_count      INTEGER NOT NULL,
  removed_count    INTEGER NOT NULL,
  moved_count      INTEGER NOT NULL,
  details_changed  INTEGER NOT NULL CHECK (details_changed IN (0, 1)),
  recorded_at_ms   INTEGER NOT NULL,
  cause            TEXT NOT NULL CHECK (cause IN ('sync', 'edit', 'restore', 'undo')),
  app_user_id      INTEGER REFERENCES app_users (id) ON DELETE SET NULL,  -- NULL: none (sync)
  origin           TEXT NOT NULL,  -- 'web', 'cli' or '' (sync)
  action           TEXT NOT NULL,
  why              TEXT NOT NULL,
  job_id           INTEGER,  -- no reference: finished jobs are deleted, the journal stays
  restored_version INTEGER,
  PRIMARY KEY (account_id, playlist_id, sequence)
) WITHOUT ROWID;

-- Listing one cause of a playlist, newest first.
CREATE INDEX playlist_versions_by_cause ON playlist_versions (account_id, playlist_id, cause,
                                                              sequence);
