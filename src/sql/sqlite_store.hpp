#pragma once
/// The storage ports on one SQLite file.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "sql/store.hpp"

namespace plm::sql {

/// Storage on one SQLite file in WAL mode (readers never block the writer; other processes may
/// open the same file and wait up to 5 s for the write lock). Opening creates the file if needed
/// and applies missing migrations in one transaction. This object holds one connection behind a
/// mutex: calls from several threads are safe and run one at a time, which is plenty for SQLite's
/// single writer. Throws std::runtime_error from the constructor when the file cannot be opened or
/// migrated.
class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, security::TokenCipher& cipher);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  core::Result<core::AppUser> create_user(const std::string& username,
                                          const std::string& password_hash,
                                          core::Role role) override;
  core::Result<std::optional<core::AppUser>> find_user(std::int64_t id) override;
  core::Result<std::optional<core::AppUser>> find_user_by_name(
      const std::string& username) override;
  core::Result<std::vector<core::AppUser>> list_users() override;
  core::Status set_password_hash(std::int64_t user_id, const std::string& hash) override;
  core::Status set_role(std::int64_t user_id, core::Role role) override;
  core::Status delete_user(std::int64_t user_id) override;

  core::Status create_session(const core::Session& session) override;
  core::Result<std::optional<core::Session>> find_session(const std::string& id_hash) override;
  core::Status touch_session(const std::string& id_hash, std::int64_t last_seen_at,
                             std::int64_t expires_at) override;
  core::Status delete_session(const std::string& id_hash) override;
  core::Status delete_sessions_of(std::int64_t app_user_id,
                                  const std::string& except_id_hash) override;
  core::Result<std::int64_t> delete_expired_sessions(std::int64_t now) override;
  core::Status save_oauth_state(const core::OAuthState& state) override;
  core::Result<std::optional<core::OAuthState>> take_oauth_state(const std::string& state,
                                                                 std::int64_t now) override;
  core::Status delete_expired_oauth_states(std::int64_t now) override;

  core::Result<std::int64_t> upsert_account(const core::SpotifyAccount& account) override;
  core::Result<std::optional<core::SpotifyAccount>> find_account(std::int64_t account_id) override;
  core::Result<std::vector<core::SpotifyAccount>> accounts_of(std::int64_t app_user_id) override;
  core::Status save_tokens(std::int64_t account_id, const core::AccountTokens& tokens) override;
  core::Status set_account_status(std::int64_t account_id, core::AccountStatus status) override;
  core::Status delete_account(std::int64_t account_id) override;

  core::Result<std::vector<core::StoredPlaylist>> playlists_of(std::int64_t account_id) override;
  core::Result<std::optional<core::StoredPlaylist>> find_playlist(
      std::int64_t account_id, const std::string& playlist_id) override;
  core::Status save_playlist(std::int64_t account_id, std::int64_t list_position,
                             const core::PlaylistSummary& summary,
                             const std::vector<core::PlaylistItem>& items) override;
  core::Status save_playlist_summary(std::int64_t account_id, std::int64_t list_position,
                                     const core::PlaylistSummary& summary) override;
  core::Status remove_playlists_except(std::int64_t account_id,
                                       const std::vector<std::string>& keep) override;
  core::Result<std::vector<core::PlaylistItem>> playlist_items(
      std::int64_t account_id, const std::string& playlist_id) override;
  core::Status mark_synced(std::int64_t account_id, const std::string& synced_at) override;
  core::Status set_playlist_tags(std::int64_t account_id, const std::string& playlist_id,
                                 const std::vector<std::string>& tags) override;

  /// Test seam: `hook(index)` runs inside save_playlist's transaction after item `index` is
  /// written, so a test can kill the process mid-save.
  void on_item_saved_for_test(std::function<void(std::size_t index)> hook);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace plm::sql
