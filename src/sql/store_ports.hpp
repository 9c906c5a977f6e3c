#pragma once
/// The storage ports written once, in SQL shared by SQLite and PostgreSQL, over the connection
/// layer (connection.hpp). Where the statements run is the scope's business: a transaction per call
/// (sql::Store) or the one transaction of a unit of work (Store::in_transaction).

#include <memory>

#include "core/ports/store.hpp"
#include "sql/store_context.hpp"

namespace plm::sql {

class TransactionScope;

/// Tokens and PKCE code verifiers are kept encrypted with the context's TokenCipher, each bound to
/// its column and row (a ciphertext copied elsewhere does not decrypt). Stored times
/// (created_at, synced_at) come from the context's clock. Database failures become errors as
/// to_error (transaction_scope.hpp) says; references to a missing user, account or playlist are
/// NotFound.
class StorePorts : public core::UserStore,
                   public core::AccountStore,
                   public core::PlaylistStore,
                   public core::SessionStore {
 public:
  StorePorts(std::shared_ptr<TransactionScope> scope, const StoreContext& context);
  ~StorePorts() override;
  StorePorts(const StorePorts&) = delete;
  StorePorts& operator=(const StorePorts&) = delete;

  core::Result<core::AppUser> create_user(const std::string& username,
                                          const std::string& password_hash, core::Role role) final;
  core::Result<std::optional<core::AppUser>> find_user(std::int64_t id) final;
  core::Result<std::optional<core::AppUser>> find_user_by_name(const std::string& username) final;
  core::Result<std::vector<core::AppUser>> list_users() final;
  core::Status set_password_hash(std::int64_t user_id, const std::string& hash) final;
  core::Status set_role(std::int64_t user_id, core::Role role) final;
  core::Status delete_user(std::int64_t user_id) final;

  core::Status create_session(const core::Session& session) final;
  core::Result<std::optional<core::Session>> find_session(const std::string& id_hash) final;
  core::Status touch_session(const std::string& id_hash, core::TimePoint last_seen_at,
                             core::TimePoint expires_at) final;
  core::Status delete_session(const std::string& id_hash) final;
  core::Status delete_sessions_of(std::int64_t app_user_id,
                                  const std::string& except_id_hash) final;
  core::Result<std::int64_t> delete_expired_sessions(core::TimePoint now) final;
  core::Status save_oauth_state(const core::OAuthState& state) final;
  core::Result<std::optional<core::OAuthState>> take_oauth_state(const std::string& state,
                                                                 core::TimePoint now) final;
  core::Status delete_expired_oauth_states(core::TimePoint now) final;

  core::Result<std::int64_t> upsert_account(const core::SpotifyAccount& account) final;
  core::Result<std::optional<core::SpotifyAccount>> find_account(std::int64_t account_id) final;
  core::Result<std::vector<core::SpotifyAccount>> accounts_of(std::int64_t app_user_id) final;
  core::Status save_tokens(std::int64_t account_id, const core::AccountTokens& tokens) final;
  core::Status set_account_status(std::int64_t account_id, core::AccountStatus status) final;
  core::Status delete_account(std::int64_t account_id) final;

  core::Result<std::vector<core::StoredPlaylist>> playlists_of(std::int64_t account_id) final;
  core::Result<std::optional<core::StoredPlaylist>> find_playlist(
      std::int64_t account_id, const std::string& playlist_id) final;
  core::Status save_playlist(std::int64_t account_id, std::int64_t list_position,
                             const core::PlaylistSummary& summary,
                             const std::vector<core::PlaylistItem>& items) final;
  core::Status save_playlist_summary(std::int64_t account_id, std::int64_t list_position,
                                     const core::PlaylistSummary& summary) final;
  core::Status remove_playlist(std::int64_t account_id, const std::string& playlist_id) override;
  core::Status remove_playlists_except(std::int64_t account_id,
                                       const std::vector<std::string>& keep) final;
  core::Result<std::vector<core::PlaylistItem>> playlist_items(
      std::int64_t account_id, const std::string& playlist_id) final;
  core::Status mark_synced(std::int64_t account_id, core::TimePoint synced_at) final;
  core::Status set_playlist_tags(std::int64_t account_id, const std::string& playlist_id,
                                 const std::vector<std::string>& tags) final;
  core::Result<std::vector<core::SavedSelection>> saved_selections(std::int64_t app_user_id) final;
  core::Result<core::SavedSelection> save_selection(std::int64_t app_user_id,
                                                    const core::SavedSelection& selection) final;
  core::Status delete_selection(std::int64_t app_user_id, const std::string& name) final;

  /// Encrypts again, in the current format, every token and code verifier still stored in an older
  /// one (TokenCipher::is_outdated); texts this key cannot read are left as they are. Run when the
  /// store is opened.
  core::Status rewrite_outdated_secrets();

 private:
  std::shared_ptr<TransactionScope> scope_;
  StoreContext context_;
};

}  // namespace plm::sql
