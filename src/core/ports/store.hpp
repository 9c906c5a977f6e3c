#pragma once
/// Storage ports. One implementation per database (sql::SqliteStore, sql::PostgresStore) passes one
/// contract suite (tests/contract/store_contract_test.cpp). Every method is a transaction of its
/// own; failures of the database itself (connection lost, disk full) are ErrorCode::Internal.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/account.hpp"
#include "core/model/playlist.hpp"
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
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;
  /// Inserts, or updates the account with the same (app_user_id, spotify_user_id); returns its id.
  virtual Result<std::int64_t> upsert_account(const SpotifyAccount& account) = 0;
  virtual Result<std::optional<SpotifyAccount>> find_account(std::int64_t account_id) = 0;
  virtual Result<std::vector<SpotifyAccount>> accounts_of(std::int64_t app_user_id) = 0;
  /// Replaces the tokens atomically (a refresh without a new refresh token passes the old one).
  virtual Status save_tokens(std::int64_t account_id, const AccountTokens& tokens) = 0;
  virtual Status set_account_status(std::int64_t account_id, AccountStatus status) = 0;
};

class PlaylistStore {
 public:
  virtual ~PlaylistStore() = default;
  /// Every playlist stored for the account, in Spotify's list order.
  virtual Result<std::vector<StoredPlaylist>> playlists_of(std::int64_t account_id) = 0;
  virtual Result<std::optional<StoredPlaylist>> find_playlist(std::int64_t account_id,
                                                              const std::string& playlist_id) = 0;
  /// Saves metadata and the complete item list in one transaction: a reader (or a crash) sees
  /// either the old playlist or the new one, never a mix. `list_position` is its index in the
  /// user's list.
  virtual Status save_playlist(std::int64_t account_id, std::int64_t list_position,
                               const PlaylistSummary& summary,
                               const std::vector<PlaylistItem>& items) = 0;
  /// Saves metadata only, keeping stored items and their snapshot (unchanged or unreadable
  /// contents).
  virtual Status save_playlist_summary(std::int64_t account_id, std::int64_t list_position,
                                       const PlaylistSummary& summary) = 0;
  /// Deletes the account's playlists whose ids are not in `keep` (gone from Spotify).
  virtual Status remove_playlists_except(std::int64_t account_id,
                                         const std::vector<std::string>& keep) = 0;
  virtual Result<std::vector<PlaylistItem>> playlist_items(std::int64_t account_id,
                                                           const std::string& playlist_id) = 0;
  virtual Status mark_synced(std::int64_t account_id, const std::string& synced_at) = 0;
};

}  // namespace plm::core
