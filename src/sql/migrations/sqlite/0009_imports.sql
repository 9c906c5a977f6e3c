-- Import of spreadsheets (issue 14 §5; src/core/ports/import_store.hpp, src/sql/import_store.cpp):
-- the files uploaded to the web app, kept as uploaded for the preview and the apply, which read
-- them again. Times are Unix seconds from the store's clock; the server deletes imports older than
-- 7 days (core::kImportKeepDays).
--
-- An import goes with the app user who uploaded it and with its account (ON DELETE CASCADE); its
-- paste (the rows to match) may go first (deleted by its maker): the import then reads as one
-- without matches (ON DELETE SET NULL). Ids are never reused (AUTOINCREMENT).

CREATE TABLE imports (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_user_id INTEGER NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  account_id    INTEGER NOT NULL REFERENCES spotify_accounts (id) ON DELETE CASCADE,
  file_name     TEXT NOT NULL CHECK (file_name <> ''),
  paste_id      INTEGER REFERENCES pastes (id) ON DELETE SET NULL,
  playlist_id   TEXT,  -- the playlist a one-sheet file is (asked at upload); NULL: by name
  size_bytes    INTEGER NOT NULL CHECK (size_bytes >= 0),
  created_at    INTEGER NOT NULL,
  content       BLOB NOT NULL
);
CREATE INDEX imports_by_owner ON imports (owner_user_id);
CREATE INDEX imports_by_account ON imports (account_id);
CREATE INDEX imports_by_paste ON imports (paste_id);
CREATE INDEX imports_by_age ON imports (created_at);
