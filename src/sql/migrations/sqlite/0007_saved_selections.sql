-- Saved selections of playlists (core/model/selection.hpp, PlaylistStore::save_selection): a name
-- per user for a SELECTOR (core/batch/batch_plan.hpp). A selection goes with its user and with the
-- account it names (account_id NULL: any account of the user). saved_at is Unix seconds from the
-- store's clock. Names and selectors are checked by core::check_saved_selection before they get
-- here; the checks below only keep the worst out.
CREATE TABLE saved_selections (
  app_user_id INTEGER NOT NULL REFERENCES app_users (id) ON DELETE CASCADE,
  name        TEXT NOT NULL CHECK (name <> ''),
  account_id  INTEGER REFERENCES spotify_accounts (id) ON DELETE CASCADE,
  selector    TEXT NOT NULL CHECK (selector <> ''),
  saved_at    INTEGER NOT NULL,
  PRIMARY KEY (app_user_id, name)
);
CREATE INDEX saved_selections_by_account ON saved_selections (account_id);
