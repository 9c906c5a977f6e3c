-- Paste to add (issue 11; src/core/ports/match_store.hpp, src/sql/match_store.cpp): pastes and
-- their lines' results, each person's remembered choices, the cache of Spotify lookups. Times are
-- Unix seconds from the store's clock. Track data is JSON text with the field names of the API's
-- Track (uri, name, artists, album, album_image_url, duration_ms, release_date) plus isrc and
-- explicit.
--
-- A paste goes with the app user who pasted it and with the account it was pasted for (ON DELETE
-- CASCADE), its lines with the paste; a remembered choice with its user. Ids are never reused
-- (AUTOINCREMENT), as for users, accounts and jobs. The lookup cache belongs to no one: Spotify's
-- catalog answers the same to every account.

CREATE TABLE pastes (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_user_id INTEGER NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  account_id    INTEGER NOT NULL REFERENCES spotify_accounts (id) ON DELETE CASCADE,
  created_at    INTEGER NOT NULL,
  job_id        INTEGER,  -- the match_paste job; no reference: finished jobs are deleted
  line_count    INTEGER NOT NULL CHECK (line_count >= 0)
);
CREATE INDEX pastes_by_owner ON pastes (owner_user_id);
CREATE INDEX pastes_by_account ON pastes (account_id);

-- One row per pasted line. uri/track/confidence/candidates/source/reason/calls are the matcher's
-- result; chosen_uri/chosen_track the track a person accepted or picked (NULL otherwise), which a
-- later result of the matcher leaves alone. seq grows with every change of any line (the web app
-- polls a paste by it): see paste_line_seq.
CREATE TABLE paste_lines (
  paste_id     INTEGER NOT NULL REFERENCES pastes (id) ON DELETE CASCADE,
  number       INTEGER NOT NULL CHECK (number >= 1),
  input        TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'matched', 'ambiguous', 'not_found',
                                               'invalid')),
  uri          TEXT,            -- NULL: no match
  track        TEXT,            -- JSON Track; NULL: unknown or no match
  confidence   REAL NOT NULL,
  candidates   TEXT NOT NULL,   -- JSON array of {track, score}, best first
  source       TEXT NOT NULL CHECK (source IN ('none', 'stored', 'lookup', 'search', 'choice')),
  reason       TEXT NOT NULL,
  calls        INTEGER NOT NULL,
  decision     TEXT NOT NULL CHECK (decision IN ('none', 'accepted', 'picked', 'skipped')),
  chosen_uri   TEXT,
  chosen_track TEXT,            -- JSON Track
  seq          INTEGER NOT NULL,
  PRIMARY KEY (paste_id, number)
) WITHOUT ROWID;
CREATE INDEX paste_lines_by_seq ON paste_lines (paste_id, seq);

-- The last seq given to a line. SQLite has no sequences; its one writer at a time makes a counter
-- row safe (PostgreSQL uses a sequence).
CREATE TABLE paste_line_seq (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  value INTEGER NOT NULL
);
INSERT INTO paste_line_seq (id, value) VALUES (1, 0);

-- The track a person chose for a line, under the line's choice_key (core/matching/line_match.hpp).
CREATE TABLE match_choices (
  user_id   INTEGER NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  key       TEXT NOT NULL CHECK (key <> ''),
  track     TEXT NOT NULL,  -- JSON Track
  chosen_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;

-- What Spotify answered to a lookup (core::lookup_key: kind, value, limit, offset).
CREATE TABLE lookup_cache (
  key        TEXT PRIMARY KEY CHECK (key <> ''),
  tracks     TEXT NOT NULL,  -- JSON array of Track
  fetched_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX lookup_cache_by_age ON lookup_cache (fetched_at);
