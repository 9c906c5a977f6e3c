#pragma once
/// Storage ports. Implemented once in SQL for SQLite and PostgreSQL (sql::Store) and in memory
/// (test_support::InMemoryStore); all pass one contract suite
/// (tests/contract/store_contract_test.cpp). Every method is a transaction of its own (UnitOfWork
/// in unit_of_work.hpp runs several in one); failures of the database itself are
/// ErrorCode::Internal (disk full), or Unavailable when worth retrying (connection lost, another
/// process holding the write lock too long). Times are kept to the second: what is read back is
/// the time given, rounded down to a whole second (the columns hold seconds).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/account.hpp"
#include "core/model/playlist.hpp"
#include "core/model/selection.hpp"
#include "core/model/session.hpp"
#include "core/result.hpp"

namespace plm::core {

class UserStore {
 public:
  virtual ~UserStore() = default;
  /// Conflict if the username is taken.
  virtual Result<AppUser> create_user(const std::string& username, const std::string& password_hash,
                                      Role role) = 0;
  virtual Result<std::optional<AppUser>> find_user(std::int64_t id) = 0;
  virtual Result<std::optional<AppUser>> find_user_by_name(const std::string& username) = 0;
  virtual Result<std::vector<AppUser>> list_users() = 0;
  /// NotFound if the user does not exist.
  virtual Status set_password_hash(std::int64_t user_id, const std::string& hash) = 0;
  /// NotFound if the user does not exist.
  virtual Status set_role(std::int64_t user_id, Role role) = 0;
  /// Deletes the user with everything they own: sessions, pending OAuth states, Spotify accounts
  /// and their playlists, items and tags, pastes and remembered choices (MatchStore). NotFound if
  /// the user does not exist.
  virtual Status delete_user(std::int64_t user_id) = 0;
};

/// Browser sessions and pending Spotify authorizations of the web application. A session or state
/// whose `expires_at` is <= now is expired.
class SessionStore {
 public:
  virtual ~SessionStore() = default;
  /// Conflict if a session with this id hash exists; NotFound if the user does not exist.
  /// `user_agent` and `remote_address` are display text, stored as clean_text(…) (model/text.hpp):
  /// a browser's odd bytes never make a sign-in fail.
  virtual Status create_session(const Session& session) = 0;
  /// The session, expired or not (the caller compares `expires_at` with its clock).
  virtual Result<std::optional<Session>> find_session(const std::string& id_hash) = 0;
  /// Records activity and moves the expiry (sliding sessions). NotFound if the session is gone.
  virtual Status touch_session(const std::string& id_hash, TimePoint last_seen_at,
                               TimePoint expires_at) = 0;
  /// Signs one browser out; OK if the session does not exist.
  virtual Status delete_session(const std::string& id_hash) = 0;
  /// Signs the user out everywhere except `except_id_hash` (empty: everywhere). Other users'
  /// sessions are untouched.
  virtual Status delete_sessions_of(std::int64_t app_user_id,
                                    const std::string& except_id_hash) = 0;
  /// Deletes the sessions expired at `now`; returns how many.
  virtual Result<std::int64_t> delete_expired_sessions(TimePoint now) = 0;
  /// The code verifier is stored encrypted, bound to its state. Conflict if the state exists;
  /// NotFound if the user does not exist.
  virtual Status save_oauth_state(const OAuthState& state) = 0;
  /// Returns and deletes the state in one step, so a state is usable once even when two callbacks
  /// race. An expired state is deleted and not returned; an unknown one is nullopt.
  virtual Result<std::optional<OAuthState>> take_oauth_state(const std::string& state,
                                                             TimePoint now) = 0;
  virtual Status delete_expired_oauth_states(TimePoint now) = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;
  /// Inserts, or updates the account with the same (app_user_id, spotify_user_id); returns its id.
  /// An update (a reconnection) keeps the stored last_synced_at, since the account's playlists
  /// stay; only mark_synced changes it.
  virtual Result<std::int64_t> upsert_account(const SpotifyAccount& account) = 0;
  virtual Result<std::optional<SpotifyAccount>> find_account(std::int64_t account_id) = 0;
  virtual Result<std::vector<SpotifyAccount>> accounts_of(std::int64_t app_user_id) = 0;
  /// Replaces the tokens atomically (a refresh without a new refresh token passes the old one).
  virtual Status save_tokens(std::int64_t account_id, const AccountTokens& tokens) = 0;
  virtual Status set_account_status(std::int64_t account_id, AccountStatus status) = 0;
  /// Deletes the account with its playlists, items, tags and pastes. NotFound if it does not
  /// exist.
  virtual Status delete_account(std::int64_t account_id) = 0;
};

class PlaylistStore {
 public:
  virtual ~PlaylistStore() = default;
  /// Every playlist stored for the account, in Spotify's list order, with its tags.
  virtual Result<std::vector<StoredPlaylist>> playlists_of(std::int64_t account_id) = 0;
  virtual Result<std::optional<StoredPlaylist>> find_playlist(std::int64_t account_id,
                                                              const std::string& playlist_id) = 0;
  /// Saves metadata and the complete item list in one transaction: a reader (or a crash) sees
  /// either the old playlist or the new one, never a mix. `list_position` is its index in the
  /// user's list. Tags are kept (as by save_playlist_summary).
  virtual Status save_playlist(std::int64_t account_id, std::int64_t list_position,
                               const PlaylistSummary& summary,
                               const std::vector<PlaylistItem>& items) = 0;
  /// Saves metadata only, keeping stored items and their snapshot (unchanged or unreadable
  /// contents).
  virtual Status save_playlist_summary(std::int64_t account_id, std::int64_t list_position,
                                       const PlaylistSummary& summary) = 0;
  /// Deletes the account's playlists whose ids are not in `keep` (gone from Spotify), with their
  /// items and tags.
  virtual Status remove_playlists_except(std::int64_t account_id,
                                         const std::vector<std::string>& keep) = 0;
  /// Deletes one playlist of the account with its items and tags (unfollowed in plm). Removing a
  /// playlist that is not stored is no error, so a job that runs it twice does no harm. The
  /// journal keeps the playlist's versions.
  virtual Status remove_playlist(std::int64_t account_id, const std::string& playlist_id) = 0;
  virtual Result<std::vector<PlaylistItem>> playlist_items(std::int64_t account_id,
                                                           const std::string& playlist_id) = 0;
  /// Sets the account's last_synced_at.
  virtual Status mark_synced(std::int64_t account_id, TimePoint synced_at) = 0;
  /// Replaces the playlist's tags with normalize_tags(tags) (an empty list removes them all).
  /// InvalidInput as normalize_tags; NotFound when the account holds no such playlist.
  virtual Status set_playlist_tags(std::int64_t account_id, const std::string& playlist_id,
                                   const std::vector<std::string>& tags) = 0;

  /// The user's saved selections (model/selection.hpp), by name (bytewise). A selection goes with
  /// its user and with the account it names.
  virtual Result<std::vector<SavedSelection>> saved_selections(std::int64_t app_user_id) = 0;
  /// Saves, or replaces, the user's selection of that name; saved_at = the store's clock.
  /// InvalidInput as check_saved_selection; NotFound: the user, or an account_id not theirs.
  virtual Result<SavedSelection> save_selection(std::int64_t app_user_id,
                                                const SavedSelection& selection) = 0;
  /// NotFound when the user has no selection of that name.
  virtual Status delete_selection(std::int64_t app_user_id, const std::string& name) = 0;
};

}  // namespace plm::core
