-- The web application: browser sessions, pending Spotify authorizations, and local playlist tags.
-- Times of sessions and OAuth states are Unix seconds (compared with "now" on every request).

-- A signed-in browser. Only the hash of the cookie's token is stored.
CREATE TABLE sessions (
  id_hash        TEXT PRIMARY KEY CHECK (id_hash <> ''),
  app_user_id    BIGINT NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  csrf_token     TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  last_seen_at   BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  user_agent     TEXT NOT NULL,
  remote_address TEXT NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (app_user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- A Spotify authorization started in the browser, used once by its callback.
CREATE TABLE oauth_states (
  state             TEXT PRIMARY KEY CHECK (state <> ''),
  app_user_id       BIGINT NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  code_verifier_enc TEXT NOT NULL,  -- TokenCipher text, never plaintext
  redirect_uri      TEXT NOT NULL,
  expires_at        BIGINT NOT NULL
);

CREATE INDEX oauth_states_by_user ON oauth_states (app_user_id);
CREATE INDEX oauth_states_by_expiry ON oauth_states (expires_at);

-- Labels the user attaches to a playlist in plm; they go with the playlist.
CREATE TABLE playlist_tags (
  account_id  BIGINT NOT NULL,
  playlist_id TEXT NOT NULL,
  tag         TEXT NOT NULL CHECK (tag <> '' AND octet_length(tag) <= 64),
  PRIMARY KEY (account_id, playlist_id, tag),
  FOREIGN KEY (account_id, playlist_id) REFERENCES playlists (account_id, playlist_id)
    ON DELETE CASCADE
);
