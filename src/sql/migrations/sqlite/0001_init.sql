-- Users, connected Spotify accounts, and the playlists and tracks synced from them.
-- Times are ISO-8601 UTC text ("2026-11-24T05:12:40Z"), which sorts chronologically.

CREATE TABLE app_users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
  created_at    TEXT NOT NULL
);

CREATE TABLE spotify_accounts (
  id                INTEGER PRIMARY KEY,
  app_user_id       INTEGER NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  spotify_user_id   TEXT NOT NULL,
  display_name      TEXT NOT NULL,
  client_id         TEXT NOT NULL,
  access_token_enc  TEXT NOT NULL,  -- TokenCipher text, never plaintext
  refresh_token_enc TEXT NOT NULL,  -- TokenCipher text, never plaintext
  scope             TEXT NOT NULL,
  expires_at        INTEGER NOT NULL,  -- Unix seconds
  authorized_at     INTEGER NOT NULL,  -- Unix seconds
  status            TEXT NOT NULL CHECK (status IN ('active', 'needs_reauth')),
  last_synced_at    TEXT NOT NULL,
  UNIQUE (app_user_id, spotify_user_id)
);

CREATE TABLE playlists (
  account_id        INTEGER NOT NULL REFERENCES spotify_accounts (id) ON DELETE CASCADE,
  playlist_id       TEXT NOT NULL,
  list_position     INTEGER NOT NULL,
  name              TEXT NOT NULL,
  description       TEXT NOT NULL,
  owner_id          TEXT NOT NULL,
  owner_name        TEXT NOT NULL,
  is_public         INTEGER NOT NULL CHECK (is_public IN (0, 1)),
  collaborative     INTEGER NOT NULL CHECK (collaborative IN (0, 1)),
  snapshot_id       TEXT NOT NULL,
  item_count        INTEGER NOT NULL,
  image_url         TEXT NOT NULL,
  items_snapshot_id TEXT NOT NULL,  -- '' when the items were never read
  stored_item_count INTEGER NOT NULL,
  synced_at         TEXT NOT NULL,
  PRIMARY KEY (account_id, playlist_id)
) WITHOUT ROWID;

CREATE INDEX playlists_by_list_position ON playlists (account_id, list_position);

-- Catalog metadata shared by every item that refers to the track; the last save wins.
CREATE TABLE tracks (
  uri             TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  artists         TEXT NOT NULL,  -- JSON array of names
  album           TEXT NOT NULL,
  album_image_url TEXT NOT NULL,
  duration_ms     INTEGER NOT NULL,
  isrc            TEXT NOT NULL,
  explicit        INTEGER NOT NULL CHECK (explicit IN (0, 1))
) WITHOUT ROWID;

CREATE TABLE playlist_items (
  account_id  INTEGER NOT NULL,
  playlist_id TEXT NOT NULL,
  position    INTEGER NOT NULL,
  uri         TEXT NOT NULL,  -- '' only for an unavailable slot
  track_uri   TEXT,           -- tracks.uri of the item's metadata; NULL when Spotify sent none
  added_at    TEXT NOT NULL,
  added_by    TEXT NOT NULL,
  is_local    INTEGER NOT NULL CHECK (is_local IN (0, 1)),
  unavailable INTEGER NOT NULL CHECK (unavailable IN (0, 1)),
  PRIMARY KEY (account_id, playlist_id, position),
  FOREIGN KEY (account_id, playlist_id) REFERENCES playlists (account_id, playlist_id)
    ON DELETE CASCADE,
  CHECK (uri <> '' OR unavailable = 1)
) WITHOUT ROWID;
