#pragma once
// Internal to plm::sql: the SQL of the store ports, written once for both dialects (placeholders
// $1, $2, ... in order of first appearance: see connection.hpp), and the helpers of its mapping.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/playlist.hpp"
#include "core/time.hpp"
#include "sql/connection.hpp"

namespace plm::sql {

namespace query {

inline constexpr std::string_view kUserColumns = "id, username, password_hash, role, created_at";
inline constexpr std::string_view kInsertUser =
    "INSERT INTO app_users (username, password_hash, role, created_at) VALUES ($1, $2, $3, $4) "
    "RETURNING id, username, password_hash, role, created_at";
inline constexpr std::string_view kFindUser =
    "SELECT id, username, password_hash, role, created_at FROM app_users WHERE id = $1";
inline constexpr std::string_view kFindUserByName =
    "SELECT id, username, password_hash, role, created_at FROM app_users WHERE username = $1";
inline constexpr std::string_view kListUsers =
    "SELECT id, username, password_hash, role, created_at FROM app_users ORDER BY id";
inline constexpr std::string_view kSetPasswordHash =
    "UPDATE app_users SET password_hash = $1 WHERE id = $2";
inline constexpr std::string_view kSetRole = "UPDATE app_users SET role = $1 WHERE id = $2";
/// Sessions, OAuth states, accounts, playlists, items and tags go with it (ON DELETE CASCADE).
inline constexpr std::string_view kDeleteUser = "DELETE FROM app_users WHERE id = $1";

#define PLM_SQL_SESSION_COLUMNS                                                          \
  "id_hash, app_user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent, " \
  "remote_address"
inline constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (" PLM_SQL_SESSION_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
inline constexpr std::string_view kFindSession =
    "SELECT " PLM_SQL_SESSION_COLUMNS " FROM sessions WHERE id_hash = $1";
#undef PLM_SQL_SESSION_COLUMNS
inline constexpr std::string_view kTouchSession =
    "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3";
inline constexpr std::string_view kDeleteSession = "DELETE FROM sessions WHERE id_hash = $1";
inline constexpr std::string_view kDeleteSessionsOf =
    "DELETE FROM sessions WHERE app_user_id = $1 AND id_hash <> $2";
inline constexpr std::string_view kDeleteExpiredSessions =
    "DELETE FROM sessions WHERE expires_at <= $1";
inline constexpr std::string_view kInsertOAuthState =
    "INSERT INTO oauth_states (state, app_user_id, code_verifier_enc, redirect_uri, expires_at) "
    "VALUES ($1, $2, $3, $4, $5)";
/// One statement, so two callbacks racing for the same state cannot both get it.
inline constexpr std::string_view kTakeOAuthState =
    "DELETE FROM oauth_states WHERE state = $1 "
    "RETURNING state, app_user_id, code_verifier_enc, redirect_uri, expires_at";
inline constexpr std::string_view kDeleteExpiredOAuthStates =
    "DELETE FROM oauth_states WHERE expires_at <= $1";

/// A reconnected account (same app user and Spotify user) keeps its last-synced time: its stored
/// playlists stay, and that time says how fresh they are. Only kMarkSynced changes it.
inline constexpr std::string_view kUpsertAccount =
    "INSERT INTO spotify_accounts (app_user_id, spotify_user_id, display_name, client_id, "
    "access_token_enc, refresh_token_enc, scope, expires_at, authorized_at, status, "
    "last_synced_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT (app_user_id, spotify_user_id) DO UPDATE SET "
    "display_name = excluded.display_name, client_id = excluded.client_id, "
    "access_token_enc = excluded.access_token_enc, refresh_token_enc = excluded.refresh_token_enc, "
    "scope = excluded.scope, expires_at = excluded.expires_at, "
    "authorized_at = excluded.authorized_at, status = excluded.status "
    "RETURNING id";
#define PLM_SQL_ACCOUNT_COLUMNS                                                   \
  "id, app_user_id, spotify_user_id, display_name, client_id, access_token_enc, " \
  "refresh_token_enc, scope, expires_at, authorized_at, status, last_synced_at"
inline constexpr std::string_view kFindAccount =
    "SELECT " PLM_SQL_ACCOUNT_COLUMNS " FROM spotify_accounts WHERE id = $1";
inline constexpr std::string_view kAccountsOf =
    "SELECT " PLM_SQL_ACCOUNT_COLUMNS " FROM spotify_accounts WHERE app_user_id = $1 ORDER BY id";
#undef PLM_SQL_ACCOUNT_COLUMNS
/// What the account's token ciphertexts are bound to (see token_binding).
inline constexpr std::string_view kAccountOwner =
    "SELECT app_user_id, spotify_user_id FROM spotify_accounts WHERE id = $1";
inline constexpr std::string_view kAllAccountTokens =
    "SELECT id, app_user_id, spotify_user_id, access_token_enc, refresh_token_enc "
    "FROM spotify_accounts";
/// Compare-and-set, so a rewrite never overwrites tokens saved meanwhile.
inline constexpr std::string_view kRewriteAccountTokens =
    "UPDATE spotify_accounts SET access_token_enc = $1, refresh_token_enc = $2 "
    "WHERE id = $3 AND access_token_enc = $4 AND refresh_token_enc = $5";
inline constexpr std::string_view kAllCodeVerifiers =
    "SELECT state, app_user_id, code_verifier_enc FROM oauth_states";
inline constexpr std::string_view kRewriteCodeVerifier =
    "UPDATE oauth_states SET code_verifier_enc = $1 WHERE state = $2 AND code_verifier_enc = $3";
inline constexpr std::string_view kSaveTokens =
    "UPDATE spotify_accounts SET access_token_enc = $1, refresh_token_enc = $2, scope = $3, "
    "expires_at = $4, authorized_at = $5 WHERE id = $6";
inline constexpr std::string_view kSetAccountStatus =
    "UPDATE spotify_accounts SET status = $1 WHERE id = $2";
/// Playlists, items and tags go with it (ON DELETE CASCADE).
inline constexpr std::string_view kDeleteAccount = "DELETE FROM spotify_accounts WHERE id = $1";
inline constexpr std::string_view kMarkSynced =
    "UPDATE spotify_accounts SET last_synced_at = $1 WHERE id = $2";

/// The playlist's columns, then one of its tags (NULL when it has none): a playlist with n tags
/// is n consecutive rows. See read_playlist_row.
#define PLM_SQL_PLAYLISTS_WITH_TAGS                                                               \
  "p.playlist_id, p.list_position, p.name, p.description, p.owner_id, p.owner_name, "             \
  "p.is_public, p.collaborative, p.snapshot_id, p.item_count, p.image_url, p.items_snapshot_id, " \
  "p.stored_item_count, p.synced_at, t.tag FROM playlists p LEFT JOIN playlist_tags t "           \
  "ON t.account_id = p.account_id AND t.playlist_id = p.playlist_id"
#define PLM_SQL_PLAYLIST_SUMMARY_UPDATE                                          \
  "list_position = excluded.list_position, name = excluded.name, "               \
  "description = excluded.description, owner_id = excluded.owner_id, "           \
  "owner_name = excluded.owner_name, is_public = excluded.is_public, "           \
  "collaborative = excluded.collaborative, snapshot_id = excluded.snapshot_id, " \
  "item_count = excluded.item_count, image_url = excluded.image_url, "           \
  "synced_at = excluded.synced_at"
/// $1 account, $2..$11 summary, $12 list position, $13 items snapshot, $14 stored count, $15 time.
inline constexpr std::string_view kUpsertPlaylist =
    "INSERT INTO playlists (account_id, playlist_id, name, description, owner_id, owner_name, "
    "is_public, collaborative, snapshot_id, item_count, image_url, list_position, "
    "items_snapshot_id, stored_item_count, synced_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
    "ON CONFLICT (account_id, playlist_id) DO UPDATE SET " PLM_SQL_PLAYLIST_SUMMARY_UPDATE
    ", items_snapshot_id = excluded.items_snapshot_id, "
    "stored_item_count = excluded.stored_item_count";
/// As kUpsertPlaylist, but an existing row keeps its items snapshot and count.
inline constexpr std::string_view kUpsertPlaylistSummary =
    "INSERT INTO playlists (account_id, playlist_id, name, description, owner_id, owner_name, "
    "is_public, collaborative, snapshot_id, item_count, image_url, list_position, "
    "items_snapshot_id, stored_item_count, synced_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) "
    "ON CONFLICT (account_id, playlist_id) DO UPDATE SET " PLM_SQL_PLAYLIST_SUMMARY_UPDATE;
inline constexpr std::string_view kPlaylistsOf =
    "SELECT " PLM_SQL_PLAYLISTS_WITH_TAGS
    " WHERE p.account_id = $1 ORDER BY p.list_position, p.playlist_id";
inline constexpr std::string_view kFindPlaylist =
    "SELECT " PLM_SQL_PLAYLISTS_WITH_TAGS " WHERE p.account_id = $1 AND p.playlist_id = $2";
#undef PLM_SQL_PLAYLISTS_WITH_TAGS
#undef PLM_SQL_PLAYLIST_SUMMARY_UPDATE
inline constexpr std::string_view kPlaylistIdsOf =
    "SELECT playlist_id FROM playlists WHERE account_id = $1";
inline constexpr std::string_view kDeletePlaylist =
    "DELETE FROM playlists WHERE account_id = $1 AND playlist_id = $2";
inline constexpr std::string_view kDeleteItems =
    "DELETE FROM playlist_items WHERE account_id = $1 AND playlist_id = $2";
inline constexpr std::string_view kItemColumns[] = {"account_id", "playlist_id", "position",
                                                    "uri",        "track_uri",   "added_at",
                                                    "added_by",   "is_local",    "unavailable"};
inline constexpr std::string_view kTrackColumns[] = {
    "uri",         "name", "artists",  "album",       "album_image_url",
    "duration_ms", "isrc", "explicit", "release_date"};
inline constexpr std::string_view kTrackKey[] = {"uri"};
inline constexpr std::string_view kItemsOf =
    "SELECT i.uri, i.added_at, i.added_by, i.is_local, i.unavailable, t.uri, t.name, t.artists, "
    "t.album, t.album_image_url, t.duration_ms, t.isrc, t.explicit, t.release_date "
    "FROM playlist_items i LEFT JOIN tracks t ON t.uri = i.track_uri "
    "WHERE i.account_id = $1 AND i.playlist_id = $2 ORDER BY i.position";
inline constexpr std::string_view kPlaylistExists =
    "SELECT 1 FROM playlists WHERE account_id = $1 AND playlist_id = $2";
inline constexpr std::string_view kDeleteTags =
    "DELETE FROM playlist_tags WHERE account_id = $1 AND playlist_id = $2";
inline constexpr std::string_view kInsertTag =
    "INSERT INTO playlist_tags (account_id, playlist_id, tag) VALUES ($1, $2, $3)";

/// Saved selections (migration 0007). Names are ordered bytewise whatever the collation.
#define PLM_SQL_SELECTION_COLUMNS "name, account_id, selector, saved_at"
inline constexpr std::string_view kSelectionsOf =
    "SELECT " PLM_SQL_SELECTION_COLUMNS " FROM saved_selections WHERE app_user_id = $1";
inline constexpr std::string_view kSaveSelection =
    "INSERT INTO saved_selections (app_user_id, " PLM_SQL_SELECTION_COLUMNS
    ") VALUES ($1, $2, $3, $4, $5) ON CONFLICT (app_user_id, name) DO UPDATE SET "
    "account_id = excluded.account_id, selector = excluded.selector, saved_at = excluded.saved_at "
    "RETURNING " PLM_SQL_SELECTION_COLUMNS;
#undef PLM_SQL_SELECTION_COLUMNS
inline constexpr std::string_view kDeleteSelection =
    "DELETE FROM saved_selections WHERE app_user_id = $1 AND name = $2";
inline constexpr std::string_view kUserExists = "SELECT 1 FROM app_users WHERE id = $1";
inline constexpr std::string_view kAccountOfUserExists =
    "SELECT 1 FROM spotify_accounts WHERE id = $1 AND app_user_id = $2";

}  // namespace query

/// The time in a text column (ISO-8601 UTC as core::format_utc writes it, or any form
/// core::parse_utc reads). Other text is a corrupt row: DatabaseError naming `column_name`, which
/// the transaction scope turns into an Internal error.
core::TimePoint text_time(const Row& row, int column, std::string_view column_name);
/// The same for a column where "" means none (an account never synced).
std::optional<core::TimePoint> optional_text_time(const Row& row, int column,
                                                  std::string_view column_name);

/// The nine columns of a tracks row from `first_column` on, in the order of kTrackColumns.
core::TrackInfo read_track(const Row& row, int first_column);

/// JSON array text, so any character in an artist's name survives.
std::string encode_artists(const std::vector<std::string>& artists);
std::vector<std::string> decode_artists(std::string_view json);

/// The distinct tracks of `items` (first occurrence wins), in item order.
std::vector<const core::TrackInfo*> distinct_tracks(const std::vector<core::PlaylistItem>& items);

/// Bytewise order, whatever the database's collation.
void sort_tags(std::vector<core::StoredPlaylist>& playlists);

/// What an encrypted secret is bound to (TokenCipher's associated data): its table and column and
/// the natural key of its row, all known before the row exists. A ciphertext copied into another
/// row, or into the other token column, then fails to decrypt.
enum class SecretColumn { AccessToken, RefreshToken };
std::string token_binding(SecretColumn column, std::int64_t app_user_id,
                          std::string_view spotify_user_id);
std::string code_verifier_binding(std::int64_t app_user_id, std::string_view state);

}  // namespace plm::sql
