#include "sql/store_ports.hpp"

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "core/model/text.hpp"
#include "security/token_cipher.hpp"
#include "sql/common.hpp"
#include "sql/transaction_scope.hpp"

namespace plm::sql {
namespace {

std::string describe_account(std::int64_t account_id) {
  return "account " + std::to_string(account_id);
}

std::string describe_user(std::int64_t user_id) { return "user " + std::to_string(user_id); }

core::Status changed_or_not_found(std::int64_t changed, const std::string& what) {
  if (changed == 0) return core::make_error(core::ErrorCode::NotFound, what + " not found");
  return core::ok();
}

core::Error playlist_not_found(std::int64_t account_id, const std::string& playlist_id) {
  return core::make_error(
      core::ErrorCode::NotFound,
      "playlist " + playlist_id + " of " + describe_account(account_id) + " not found");
}

// ---- Rows → core values, over the columns of the matching query in common.hpp ----

/// The consent time's column holds Unix seconds, 0 when unknown (as older versions wrote it).
std::int64_t consent_seconds(const std::optional<core::TimePoint>& authorized_at) {
  return authorized_at ? core::to_unix_seconds(*authorized_at) : 0;
}

std::optional<core::TimePoint> consent_time(std::int64_t seconds) {
  if (seconds <= 0) return std::nullopt;
  return core::from_unix_seconds(seconds);
}

core::AppUser read_user(const Row& row) {
  return core::AppUser{.id = row.int64(0),
                       .username = row.text(1),
                       .password_hash = row.text(2),
                       .role = core::role_from_string(row.text(3)).value_or(core::Role::Viewer),
                       .created_at = text_time(row, 4, "app_users.created_at")};
}

core::Result<core::SpotifyAccount> read_account(const Row& row,
                                                const security::TokenCipher& cipher) {
  core::SpotifyAccount account{.id = row.int64(0),
                               .app_user_id = row.int64(1),
                               .spotify_user_id = row.text(2),
                               .display_name = row.text(3),
                               .client_id = row.text(4)};
  auto access = cipher.decrypt(
      row.text(5),
      token_binding(SecretColumn::AccessToken, account.app_user_id, account.spotify_user_id));
  if (!access) {
    return core::make_error(access.error().code, describe_account(account.id) +
                                                     " access token: " + access.error().message);
  }
  auto refresh = cipher.decrypt(
      row.text(6),
      token_binding(SecretColumn::RefreshToken, account.app_user_id, account.spotify_user_id));
  if (!refresh) {
    return core::make_error(refresh.error().code, describe_account(account.id) +
                                                      " refresh token: " + refresh.error().message);
  }
  account.tokens = core::AccountTokens{.access_token = std::move(*access),
                                       .refresh_token = std::move(*refresh),
                                       .scope = row.text(7),
                                       .expires_at = core::from_unix_seconds(row.int64(8)),
                                       .authorized_at = consent_time(row.int64(9))};
  account.status =
      core::account_status_from_string(row.text(10)).value_or(core::AccountStatus::NeedsReauth);
  account.last_synced_at = optional_text_time(row, 11, "spotify_accounts.last_synced_at");
  return account;
}

core::StoredPlaylist read_playlist(const Row& row) {
  return core::StoredPlaylist{.summary = {.id = row.text(0),
                                          .name = row.text(2),
                                          .description = row.text(3),
                                          .owner_id = row.text(4),
                                          .owner_name = row.text(5),
                                          .is_public = row.boolean(6),
                                          .collaborative = row.boolean(7),
                                          .snapshot_id = row.text(8),
                                          .item_count = row.int64(9),
                                          .image_url = row.text(10)},
                              .items_snapshot_id = row.text(11),
                              .stored_item_count = row.int64(12),
                              .synced_at = text_time(row, 13, "playlists.synced_at")};
}

/// Reads the rows of kPlaylistsOf / kFindPlaylist: a playlist with n tags is n consecutive rows
/// (one row with a NULL tag when it has none).
std::vector<core::StoredPlaylist> read_playlists(Connection& connection, std::string_view sql,
                                                 Params params) {
  std::vector<core::StoredPlaylist> playlists;
  connection.query(sql, params, [&](const Row& row) {
    if (playlists.empty() || playlists.back().summary.id != row.text(0)) {
      playlists.push_back(read_playlist(row));
    }
    if (!row.is_null(14)) playlists.back().tags.push_back(row.text(14));
  });
  sort_tags(playlists);
  return playlists;
}

core::Session read_session(const Row& row) {
  return core::Session{.id_hash = row.text(0),
                       .app_user_id = row.int64(1),
                       .csrf_token = row.text(2),
                       .created_at = core::from_unix_seconds(row.int64(3)),
                       .last_seen_at = core::from_unix_seconds(row.int64(4)),
                       .expires_at = core::from_unix_seconds(row.int64(5)),
                       .user_agent = row.text(6),
                       .remote_address = row.text(7)};
}

core::Result<core::OAuthState> read_oauth_state(const Row& row,
                                                const security::TokenCipher& cipher) {
  core::OAuthState state{.state = row.text(0),
                         .app_user_id = row.int64(1),
                         .redirect_uri = row.text(3),
                         .expires_at = core::from_unix_seconds(row.int64(4))};
  auto verifier =
      cipher.decrypt(row.text(2), code_verifier_binding(state.app_user_id, state.state));
  if (!verifier) {
    return core::make_error(verifier.error().code, "code verifier of an OAuth state of " +
                                                       describe_user(state.app_user_id) + ": " +
                                                       verifier.error().message);
  }
  state.code_verifier = std::move(*verifier);
  return state;
}

core::PlaylistItem read_item(const Row& row) {
  core::PlaylistItem item{.uri = row.text(0),
                          // Older versions stored Spotify's text as it came: one that is no
                          // time reads as unknown, as it would from Spotify now.
                          .added_at = core::parse_utc(row.text(1)),
                          .added_by = row.text(2),
                          .is_local = row.boolean(3),
                          .unavailable = row.boolean(4)};
  if (!row.is_null(5)) item.track = read_track(row, 5);
  return item;
}

}  // namespace

StorePorts::StorePorts(std::shared_ptr<TransactionScope> scope, const StoreContext& context)
    : scope_(std::move(scope)), context_(context) {}

StorePorts::~StorePorts() = default;

// ---- UserStore ----

core::Result<core::AppUser> StorePorts::create_user(const std::string& username,
                                                    const std::string& password_hash,
                                                    core::Role role) {
  auto created = scope_->run("create user '" + username + "'", Access::Write,
                             [&](Connection& connection) -> core::Result<core::AppUser> {
                               // RETURNING always gives the new row.
                               return *first_row(connection, query::kInsertUser,
                                                 {username, password_hash, core::to_string(role),
                                                  core::format_utc(context_.clock.now())},
                                                 read_user);
                             });
  // The one unique key of app_users besides its id: the name.
  if (!created && created.error().code == core::ErrorCode::Conflict) {
    core::Error taken = created.error();
    taken.message = "a user named " + username + " exists already";
    return taken;
  }
  return created;
}

core::Result<std::optional<core::AppUser>> StorePorts::find_user(std::int64_t id) {
  return scope_->run("find user", Access::Read,
                     [&](Connection& connection) -> core::Result<std::optional<core::AppUser>> {
                       return first_row(connection, query::kFindUser, {id}, read_user);
                     });
}

core::Result<std::optional<core::AppUser>> StorePorts::find_user_by_name(
    const std::string& username) {
  return scope_->run("find user", Access::Read,
                     [&](Connection& connection) -> core::Result<std::optional<core::AppUser>> {
                       return first_row(connection, query::kFindUserByName, {username}, read_user);
                     });
}

core::Result<std::vector<core::AppUser>> StorePorts::list_users() {
  return scope_->run("list users", Access::Read,
                     [&](Connection& connection) -> core::Result<std::vector<core::AppUser>> {
                       return all_rows(connection, query::kListUsers, {}, read_user);
                     });
}

core::Status StorePorts::set_password_hash(std::int64_t user_id, const std::string& hash) {
  return scope_->run(
      "set password of " + describe_user(user_id), Access::Write, [&](Connection& connection) {
        return changed_or_not_found(connection.execute(query::kSetPasswordHash, {hash, user_id}),
                                    describe_user(user_id));
      });
}

core::Status StorePorts::set_role(std::int64_t user_id, core::Role role) {
  return scope_->run("set role of " + describe_user(user_id), Access::Write,
                     [&](Connection& connection) {
                       return changed_or_not_found(
                           connection.execute(query::kSetRole, {core::to_string(role), user_id}),
                           describe_user(user_id));
                     });
}

core::Status StorePorts::delete_user(std::int64_t user_id) {
  return scope_->run(
      "delete " + describe_user(user_id), Access::Write, [&](Connection& connection) {
        // Everything the user owns goes with the row (ON DELETE CASCADE), in this
        // one statement.
        return changed_or_not_found(connection.execute(query::kDeleteUser, {user_id}),
                                    describe_user(user_id));
      });
}

// ---- AccountStore ----

core::Result<std::int64_t> StorePorts::upsert_account(const core::SpotifyAccount& account) {
  return scope_->run(
      "save Spotify account of " + describe_user(account.app_user_id), Access::Write,
      [&](Connection& connection) -> core::Result<std::int64_t> {
        const security::TokenCipher& cipher = context_.cipher;
        // RETURNING always gives the row's id, inserted or updated.
        return *first_row(
            connection, query::kUpsertAccount,
            {account.app_user_id, account.spotify_user_id, account.display_name, account.client_id,
             cipher.encrypt(account.tokens.access_token,
                            token_binding(SecretColumn::AccessToken, account.app_user_id,
                                          account.spotify_user_id)),
             cipher.encrypt(account.tokens.refresh_token,
                            token_binding(SecretColumn::RefreshToken, account.app_user_id,
                                          account.spotify_user_id)),
             account.tokens.scope, core::to_unix_seconds(account.tokens.expires_at),
             consent_seconds(account.tokens.authorized_at), core::to_string(account.status),
             core::format_utc_or_empty(account.last_synced_at)},
            [](const Row& row) { return row.int64(0); });
      });
}

core::Result<std::optional<core::SpotifyAccount>> StorePorts::find_account(
    std::int64_t account_id) {
  return scope_->run(
      "find " + describe_account(account_id), Access::Read,
      [&](Connection& connection) -> core::Result<std::optional<core::SpotifyAccount>> {
        auto found = first_row(connection, query::kFindAccount, {account_id},
                               [&](const Row& row) { return read_account(row, context_.cipher); });
        if (!found) return std::optional<core::SpotifyAccount>();
        if (!*found) return found->error();
        return std::optional(std::move(**found));
      });
}

core::Result<std::vector<core::SpotifyAccount>> StorePorts::accounts_of(std::int64_t app_user_id) {
  return scope_->run(
      "list accounts of " + describe_user(app_user_id), Access::Read,
      [&](Connection& connection) -> core::Result<std::vector<core::SpotifyAccount>> {
        std::vector<core::SpotifyAccount> accounts;
        for (auto& account :
             all_rows(connection, query::kAccountsOf, {app_user_id},
                      [&](const Row& row) { return read_account(row, context_.cipher); })) {
          if (!account) return account.error();
          accounts.push_back(std::move(*account));
        }
        return accounts;
      });
}

core::Status StorePorts::save_tokens(std::int64_t account_id, const core::AccountTokens& tokens) {
  return scope_->run(
      "save tokens of " + describe_account(account_id), Access::Write,
      [&](Connection& connection) -> core::Status {
        // The ciphertexts are bound to the row's owner (see token_binding).
        const auto owner =
            first_row(connection, query::kAccountOwner, {account_id},
                      [](const Row& row) { return std::pair(row.int64(0), row.text(1)); });
        if (!owner) return changed_or_not_found(0, describe_account(account_id));
        const auto& [app_user_id, spotify_user_id] = *owner;
        const security::TokenCipher& cipher = context_.cipher;
        return changed_or_not_found(
            connection.execute(
                query::kSaveTokens,
                {cipher.encrypt(tokens.access_token, token_binding(SecretColumn::AccessToken,
                                                                   app_user_id, spotify_user_id)),
                 cipher.encrypt(tokens.refresh_token, token_binding(SecretColumn::RefreshToken,
                                                                    app_user_id, spotify_user_id)),
                 tokens.scope, core::to_unix_seconds(tokens.expires_at),
                 consent_seconds(tokens.authorized_at), account_id}),
            describe_account(account_id));
      });
}

core::Status StorePorts::set_account_status(std::int64_t account_id, core::AccountStatus status) {
  return scope_->run(
      "set status of " + describe_account(account_id), Access::Write, [&](Connection& connection) {
        return changed_or_not_found(
            connection.execute(query::kSetAccountStatus, {core::to_string(status), account_id}),
            describe_account(account_id));
      });
}

core::Status StorePorts::delete_account(std::int64_t account_id) {
  return scope_->run(
      "delete " + describe_account(account_id), Access::Write, [&](Connection& connection) {
        // Playlists, items and tags go with the row (ON DELETE CASCADE).
        return changed_or_not_found(connection.execute(query::kDeleteAccount, {account_id}),
                                    describe_account(account_id));
      });
}

core::Status StorePorts::rewrite_outdated_secrets() {
  struct AccountRewrite {
    std::int64_t id;
    std::string access, refresh, old_access, old_refresh;
  };
  struct VerifierRewrite {
    std::string state, verifier, old_verifier;
  };
  std::vector<AccountRewrite> accounts;
  std::vector<VerifierRewrite> verifiers;
  // Found and encrypted anew in a read transaction, so opening a store takes the write lock
  // (which on SQLite another process may hold) only when there is something to rewrite: once,
  // after an upgrade.
  const auto found = scope_->run(
      "find outdated encrypted secrets", Access::Read, [&](Connection& connection) -> core::Status {
        const security::TokenCipher& cipher = context_.cipher;
        // The current form of `text` (itself when it is current), or nullopt when this key cannot
        // read it: such texts stay as they are, and reading them fails as before.
        const auto current = [&](const std::string& text,
                                 const std::string& binding) -> std::optional<std::string> {
          if (!security::TokenCipher::is_outdated(text)) return text;
          auto plaintext = cipher.decrypt(text, binding);
          if (!plaintext) return std::nullopt;
          return cipher.encrypt(*plaintext, binding);
        };
        connection.query(query::kAllAccountTokens, {}, [&](const Row& row) {
          const std::int64_t app_user_id = row.int64(1);
          const std::string spotify_user_id = row.text(2);
          std::string access = row.text(3);
          std::string refresh = row.text(4);
          if (!security::TokenCipher::is_outdated(access) &&
              !security::TokenCipher::is_outdated(refresh)) {
            return;
          }
          auto new_access = current(
              access, token_binding(SecretColumn::AccessToken, app_user_id, spotify_user_id));
          auto new_refresh = current(
              refresh, token_binding(SecretColumn::RefreshToken, app_user_id, spotify_user_id));
          if (!new_access || !new_refresh) return;
          accounts.push_back({row.int64(0), std::move(*new_access), std::move(*new_refresh),
                              std::move(access), std::move(refresh)});
        });
        connection.query(query::kAllCodeVerifiers, {}, [&](const Row& row) {
          std::string verifier = row.text(2);
          if (!security::TokenCipher::is_outdated(verifier)) return;
          std::string state = row.text(0);
          auto new_verifier = current(verifier, code_verifier_binding(row.int64(1), state));
          if (!new_verifier) return;
          verifiers.push_back({std::move(state), std::move(*new_verifier), std::move(verifier)});
        });
        return core::ok();
      });
  if (!found || (accounts.empty() && verifiers.empty())) return found;
  return scope_->run("rewrite outdated encrypted secrets", Access::Write,
                     [&](Connection& connection) -> core::Status {
                       // Compare-and-set: a secret saved meanwhile is not overwritten.
                       for (const AccountRewrite& rewrite : accounts) {
                         connection.execute(query::kRewriteAccountTokens,
                                            {rewrite.access, rewrite.refresh, rewrite.id,
                                             rewrite.old_access, rewrite.old_refresh});
                       }
                       for (const VerifierRewrite& rewrite : verifiers) {
                         connection.execute(
                             query::kRewriteCodeVerifier,
                             {rewrite.verifier, rewrite.state, rewrite.old_verifier});
                       }
                       return core::ok();
                     });
}

// ---- PlaylistStore ----

core::Result<std::vector<core::StoredPlaylist>> StorePorts::playlists_of(std::int64_t account_id) {
  return scope_->run(
      "list playlists of " + describe_account(account_id), Access::Read,
      [&](Connection& connection) -> core::Result<std::vector<core::StoredPlaylist>> {
        return read_playlists(connection, query::kPlaylistsOf, {account_id});
      });
}

core::Result<std::optional<core::StoredPlaylist>> StorePorts::find_playlist(
    std::int64_t account_id, const std::string& playlist_id) {
  return scope_->run(
      "find playlist " + playlist_id, Access::Read,
      [&](Connection& connection) -> core::Result<std::optional<core::StoredPlaylist>> {
        auto found = read_playlists(connection, query::kFindPlaylist, {account_id, playlist_id});
        if (found.empty()) return std::optional<core::StoredPlaylist>();
        return std::optional(std::move(found.front()));
      });
}

namespace {

/// $1 account, $2..$11 summary, $12 list position, $13 items snapshot, $14 stored count, $15 time.
void upsert_playlist(Connection& connection, std::string_view sql, std::int64_t account_id,
                     std::int64_t list_position, const core::PlaylistSummary& summary,
                     std::string_view items_snapshot_id, std::int64_t stored_item_count,
                     core::TimePoint synced_at) {
  connection.execute(
      sql, {account_id, summary.id, summary.name, summary.description, summary.owner_id,
            summary.owner_name, summary.is_public, summary.collaborative, summary.snapshot_id,
            summary.item_count, summary.image_url, list_position, items_snapshot_id,
            stored_item_count, core::format_utc(synced_at)});
}

}  // namespace

core::Status StorePorts::save_playlist(std::int64_t account_id, std::int64_t list_position,
                                       const core::PlaylistSummary& summary,
                                       const std::vector<core::PlaylistItem>& items) {
  return scope_->run(
      "save playlist " + summary.id + " of " + describe_account(account_id), Access::Write,
      [&](Connection& connection) -> core::Status {
        upsert_playlist(connection, query::kUpsertPlaylist, account_id, list_position, summary,
                        summary.snapshot_id, static_cast<std::int64_t>(items.size()),
                        context_.clock.now());
        connection.execute(query::kDeleteItems, {account_id, summary.id});
        // Tracks are shared between playlists: the last save of a track wins.
        std::vector<Param> tracks;
        for (const core::TrackInfo* track : distinct_tracks(items)) {
          tracks.insert(tracks.end(), {track->uri, track->name, encode_artists(track->artists),
                                       track->album, track->album_image_url, track->duration_ms,
                                       track->isrc, track->explicit_content, track->release_date});
        }
        connection.write_rows({"tracks", query::kTrackColumns, query::kTrackKey}, tracks);
        std::vector<Param> rows;
        rows.reserve(items.size() * std::size(query::kItemColumns));
        for (std::size_t index = 0; index < items.size(); ++index) {
          const core::PlaylistItem& item = items[index];
          rows.insert(rows.end(), {account_id, summary.id, static_cast<std::int64_t>(index),
                                   item.uri, item.track ? Param(item.track->uri) : Param(nullptr),
                                   core::format_utc_or_empty(item.added_at), item.added_by,
                                   item.is_local, item.unavailable});
        }
        connection.write_rows({"playlist_items", query::kItemColumns, {}}, rows);
        return core::ok();
      });
}

core::Status StorePorts::save_playlist_summary(std::int64_t account_id, std::int64_t list_position,
                                               const core::PlaylistSummary& summary) {
  return scope_->run("save playlist " + summary.id + " of " + describe_account(account_id),
                     Access::Write, [&](Connection& connection) -> core::Status {
                       upsert_playlist(connection, query::kUpsertPlaylistSummary, account_id,
                                       list_position, summary, "", 0, context_.clock.now());
                       return core::ok();
                     });
}

core::Status StorePorts::remove_playlists_except(std::int64_t account_id,
                                                 const std::vector<std::string>& keep) {
  return scope_->run(
      "remove playlists of " + describe_account(account_id), Access::Write,
      [&](Connection& connection) -> core::Status {
        const std::unordered_set<std::string> kept(keep.begin(), keep.end());
        for (const std::string& id : all_rows(connection, query::kPlaylistIdsOf, {account_id},
                                              [](const Row& row) { return row.text(0); })) {
          // Items and tags go with their playlist (ON DELETE CASCADE).
          if (!kept.contains(id)) connection.execute(query::kDeletePlaylist, {account_id, id});
        }
        return core::ok();
      });
}

core::Status StorePorts::remove_playlist(std::int64_t account_id, const std::string& playlist_id) {
  return scope_->run("remove playlist " + playlist_id + " of " + describe_account(account_id),
                     Access::Write, [&](Connection& connection) -> core::Status {
                       // Items and tags go with their playlist (ON DELETE CASCADE).
                       connection.execute(query::kDeletePlaylist, {account_id, playlist_id});
                       return core::ok();
                     });
}

core::Result<std::vector<core::PlaylistItem>> StorePorts::playlist_items(
    std::int64_t account_id, const std::string& playlist_id) {
  return scope_->run(
      "read items of playlist " + playlist_id, Access::Read,
      [&](Connection& connection) -> core::Result<std::vector<core::PlaylistItem>> {
        // SQLite reads both statements from one snapshot. On PostgreSQL each statement has its
        // own, but a concurrent save is one transaction, so the item query alone still sees all
        // old or all new items.
        if (!connection.query_first(query::kPlaylistExists, {account_id, playlist_id},
                                    [](const Row&) {})) {
          return playlist_not_found(account_id, playlist_id);
        }
        return all_rows(connection, query::kItemsOf, {account_id, playlist_id}, read_item);
      });
}

core::Status StorePorts::mark_synced(std::int64_t account_id, core::TimePoint synced_at) {
  return scope_->run(
      "mark " + describe_account(account_id) + " synced", Access::Write,
      [&](Connection& connection) {
        return changed_or_not_found(
            connection.execute(query::kMarkSynced, {core::format_utc(synced_at), account_id}),
            describe_account(account_id));
      });
}

core::Status StorePorts::set_playlist_tags(std::int64_t account_id, const std::string& playlist_id,
                                           const std::vector<std::string>& tags) {
  auto normalized = core::normalize_tags(tags);
  if (!normalized) return normalized.error();
  return scope_->run(
      "set tags of playlist " + playlist_id + " of " + describe_account(account_id), Access::Write,
      [&](Connection& connection) -> core::Status {
        // Locked: a concurrent removal of the playlist waits for us, or we see it gone.
        const std::string exists =
            std::string(query::kPlaylistExists) + std::string(connection.for_update(RowLock::Wait));
        if (!connection.query_first(exists, {account_id, playlist_id}, [](const Row&) {})) {
          return playlist_not_found(account_id, playlist_id);
        }
        connection.execute(query::kDeleteTags, {account_id, playlist_id});
        for (const std::string& tag : *normalized) {
          connection.execute(query::kInsertTag, {account_id, playlist_id, tag});
        }
        return core::ok();
      });
}

// ---- Saved selections ----

namespace {

core::SavedSelection read_selection(const Row& row) {
  return core::SavedSelection{
      .name = row.text(0),
      .account_id = row.is_null(1) ? std::nullopt : std::optional<std::int64_t>(row.int64(1)),
      .selector = row.text(2),
      .saved_at = core::from_unix_seconds(row.int64(3))};
}

}  // namespace

core::Result<std::vector<core::SavedSelection>> StorePorts::saved_selections(
    std::int64_t app_user_id) {
  return scope_->run(
      "list saved selections of " + describe_user(app_user_id), Access::Read,
      [&](Connection& connection) -> core::Result<std::vector<core::SavedSelection>> {
        auto selections = all_rows(connection, query::kSelectionsOf, {app_user_id}, read_selection);
        std::ranges::sort(selections, {}, &core::SavedSelection::name);
        return selections;
      });
}

core::Result<core::SavedSelection> StorePorts::save_selection(
    std::int64_t app_user_id, const core::SavedSelection& selection) {
  if (auto checked = core::check_saved_selection(selection); !checked) return checked.error();
  return scope_->run(
      "save selection '" + selection.name + "' of " + describe_user(app_user_id), Access::Write,
      [&](Connection& connection) -> core::Result<core::SavedSelection> {
        if (!connection.query_first(query::kUserExists, {app_user_id}, [](const Row&) {})) {
          return core::make_error(core::ErrorCode::NotFound,
                                  describe_user(app_user_id) + " not found");
        }
        // Another user's account is as absent as a missing one (no foreign key can say "theirs").
        if (selection.account_id &&
            !connection.query_first(query::kAccountOfUserExists,
                                    {*selection.account_id, app_user_id}, [](const Row&) {})) {
          return core::make_error(core::ErrorCode::NotFound,
                                  describe_account(*selection.account_id) + " of " +
                                      describe_user(app_user_id) + " not found");
        }
        const Param account = selection.account_id ? Param(*selection.account_id) : Param(nullptr);
        // RETURNING always gives the row, inserted or replaced.
        return *first_row(connection, query::kSaveSelection,
                          {app_user_id, selection.name, account, selection.selector,
                           core::to_unix_seconds(context_.clock.now())},
                          read_selection);
      });
}

core::Status StorePorts::delete_selection(std::int64_t app_user_id, const std::string& name) {
  return scope_->run("delete selection '" + name + "' of " + describe_user(app_user_id),
                     Access::Write, [&](Connection& connection) {
                       return changed_or_not_found(
                           connection.execute(query::kDeleteSelection, {app_user_id, name}),
                           "selection '" + name + "'");
                     });
}

// ---- SessionStore ----

core::Status StorePorts::create_session(const core::Session& session) {
  return scope_->run(
      "create session of " + describe_user(session.app_user_id), Access::Write,
      [&](Connection& connection) -> core::Status {
        connection.execute(
            query::kInsertSession,
            {session.id_hash, session.app_user_id, session.csrf_token,
             core::to_unix_seconds(session.created_at), core::to_unix_seconds(session.last_seen_at),
             core::to_unix_seconds(session.expires_at), core::clean_text(session.user_agent),
             core::clean_text(session.remote_address)});
        return core::ok();
      });
}

core::Result<std::optional<core::Session>> StorePorts::find_session(const std::string& id_hash) {
  return scope_->run("find session", Access::Read,
                     [&](Connection& connection) -> core::Result<std::optional<core::Session>> {
                       return first_row(connection, query::kFindSession, {id_hash}, read_session);
                     });
}

core::Status StorePorts::touch_session(const std::string& id_hash, core::TimePoint last_seen_at,
                                       core::TimePoint expires_at) {
  return scope_->run("touch session", Access::Write, [&](Connection& connection) {
    return changed_or_not_found(
        connection.execute(query::kTouchSession, {core::to_unix_seconds(last_seen_at),
                                                  core::to_unix_seconds(expires_at), id_hash}),
        "session");
  });
}

core::Status StorePorts::delete_session(const std::string& id_hash) {
  return scope_->run("delete session", Access::Write, [&](Connection& connection) -> core::Status {
    connection.execute(query::kDeleteSession, {id_hash});
    return core::ok();
  });
}

core::Status StorePorts::delete_sessions_of(std::int64_t app_user_id,
                                            const std::string& except_id_hash) {
  return scope_->run("delete sessions of " + describe_user(app_user_id), Access::Write,
                     [&](Connection& connection) -> core::Status {
                       connection.execute(query::kDeleteSessionsOf, {app_user_id, except_id_hash});
                       return core::ok();
                     });
}

core::Result<std::int64_t> StorePorts::delete_expired_sessions(core::TimePoint now) {
  return scope_->run("delete expired sessions", Access::Write,
                     [&](Connection& connection) -> core::Result<std::int64_t> {
                       return connection.execute(query::kDeleteExpiredSessions,
                                                 {core::to_unix_seconds(now)});
                     });
}

core::Status StorePorts::save_oauth_state(const core::OAuthState& state) {
  return scope_->run(
      "save OAuth state of " + describe_user(state.app_user_id), Access::Write,
      [&](Connection& connection) -> core::Status {
        connection.execute(
            query::kInsertOAuthState,
            {state.state, state.app_user_id,
             context_.cipher.encrypt(state.code_verifier,
                                     code_verifier_binding(state.app_user_id, state.state)),
             state.redirect_uri, core::to_unix_seconds(state.expires_at)});
        return core::ok();
      });
}

core::Result<std::optional<core::OAuthState>> StorePorts::take_oauth_state(const std::string& state,
                                                                           core::TimePoint now) {
  return scope_->run("take OAuth state", Access::Write,
                     [&](Connection& connection) -> core::Result<std::optional<core::OAuthState>> {
                       // One statement, so two callbacks racing for the same state cannot both get
                       // it. A state whose verifier cannot be decrypted is an error, which undoes
                       // the delete.
                       auto taken = first_row(
                           connection, query::kTakeOAuthState, {state},
                           [&](const Row& row) { return read_oauth_state(row, context_.cipher); });
                       if (!taken) return std::optional<core::OAuthState>();
                       if (!*taken) return taken->error();
                       if ((*taken)->expires_at <= now) return std::optional<core::OAuthState>();
                       return std::optional(std::move(**taken));
                     });
}

core::Status StorePorts::delete_expired_oauth_states(core::TimePoint now) {
  return scope_->run(
      "delete expired OAuth states", Access::Write, [&](Connection& connection) -> core::Status {
        connection.execute(query::kDeleteExpiredOAuthStates, {core::to_unix_seconds(now)});
        return core::ok();
      });
}

}  // namespace plm::sql
