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
  account_id       BIGINT NOT NULL REFERENCES spotify_accounts (id) ON DELETE CASCADE,
  playlist_id      TEXT NOT NULL CHECK (playlist_id <> ''),
  sequence         BIGINT NOT NULL CHECK (sequence >= 1),
  snapshot_id      TEXT NOT NULL,
  name             TEXT NOT NULL,
  description      TEXT NOT NULL,
  is_public        BOOLEAN NOT NULL,
  collaborative    BOOLEAN NOT NULL,
  item_count       BIGINT NOT NULL CHECK (item_count >= 0),
  delta_depth      BIGINT NOT NULL CHECK (delta_depth >= 0 AND delta_depth < sequence),
  items            TEXT NOT NULL,
  -- Against the version before (the first version: every item added).
  added_count      BIGINT NOT NULL,
  removed_count    BIGINT NOT NULL,
  moved_count      BIGINT NOT NULL,
  details_changed  BOOLEAN NOT NULL,
  recorded_at_ms   BIGINT NOT NULL,
  cause            TEXT NOT NULL CHECK (cause IN ('sync', 'edit', 'restore', 'undo')),
  app_user_id      BIGINT REFERENCES app_users (id) ON DELETE SET NULL,  -- NULL: none (sync)
  origin           TEXT NOT NULL,  -- 'web', 'cli' or '' (sync)
  action           TEXT NOT NULL,
  why              TEXT NOT NULL,
  job_id           BIGINT,  -- no reference: finished jobs are deleted, the journal stays
  restored_version BIGINT,
  PRIMARY KEY (account_id, playlist_id, sequence)
);

-- Listing one cause of a playlist, newest first.
CREATE INDEX playlist_versions_by_cause ON playlist_versions (account_id, playlist_id, cause,
                                                              sequence);
