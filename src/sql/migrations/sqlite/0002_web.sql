-- The web application: browser sessions, pending Spotify authorizations, and local playlist tags.
-- Times of sessions and OAuth states are Unix seconds (compared with "now" on every request).

-- Ids of users and accounts are never reused, as in PostgreSQL: without AUTOINCREMENT, SQLite gives
-- a new row the highest id + 1, which after a deletion is the id of the deleted row, and work still
-- running for the deleted account (a sync) would land in someone else's. A column's definition
-- cannot be altered, so both tables are rebuilt (foreign keys are off while migrating).
CREATE TABLE app_users_rebuilt (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
  created_at    TEXT NOT NULL
);
INSERT INTO app_users_rebuilt (id, username, password_hash, role, created_at)
  SELECT id, username, password_hash, role, created_at FROM app_users;
DROP TABLE app_users;
ALTER TABLE app_users_rebuilt RENAME TO app_users;

CREATE TABLE spotify_accounts_rebuilt (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO spotify_accounts_rebuilt (id, app_user_id, spotify_user_id, display_name, client_id,
    access_token_enc, refresh_token_enc, scope, expires_at, authorized_at, status, last_synced_at)
  SELECT id, app_user_id, spotify_user_id, display_name, client_id, access_token_enc,
    refresh_token_enc, scope, expires_at, authorized_at, status, last_synced_at
  FROM spotify_accounts;
DROP TABLE spotify_accounts;
ALTER TABLE spotify_accounts_rebuilt RENAME TO spotify_accounts;

-- A signed-in browser. Only the hash of the cookie's token is stored.
CREATE TABLE sessions (
  id_hash        TEXT PRIMARY KEY CHECK (id_hash <> ''),
  app_user_id    INTEGER NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  csrf_token     TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  last_seen_at   INTEGER NOT NULL,
  expires_at     INTEGER NOT NULL,
  user_agent     TEXT NOT NULL,
  remote_address TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX sessions_by_user ON sessions (app_user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- A Spotify authorization started in the browser, used once by its callback.
CREATE TABLE oauth_states (
  state             TEXT PRIMARY KEY CHECK (state <> ''),
  app_user_id       INTEGER NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  code_verifier_enc TEXT NOT NULL,  -- TokenCipher text, never plaintext
  redirect_uri      TEXT NOT NULL,
  expires_at        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX oauth_states_by_user ON oauth_states (app_user_id);
CREATE INDEX oauth_states_by_expiry ON oauth_states (expires_at);

-- Labels the user attaches to a playlist in plm; they go with the playlist.
CREATE TABLE playlist_tags (
  account_id  INTEGER NOT NULL,
  playlist_id TEXT NOT NULL,
  tag         TEXT NOT NULL CHECK (tag <> '' AND length(CAST(tag AS BLOB)) <= 64),
  PRIMARY KEY (account_id, playlist_id, tag),
  FOREIGN KEY (account_id, playlist_id) REFERENCES playlists (account_id, playlist_id)
    ON DELETE CASCADE
) WITHOUT ROWID;
