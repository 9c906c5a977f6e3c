// THE route table of the API (api/openapi.yaml): one row per route, matched in order. Access and
// the least role are checked (401/403, CSRF) and then the body (415/403/413/400) before the
// handler runs; see routes.hpp. `open` routes need no session, `user` routes a signed-in one.

#include "web/routes.hpp"

#include "core/exchange/workbook.hpp"
#include "web/handlers.hpp"

namespace plm::web {

BodyRule upload_body(std::size_t max_bytes, std::vector<std::string> media_types) {
  return BodyRule{BodyRule::Kind::Upload, max_bytes, std::move(media_types)};
}

BodyRule json_body(std::size_t max_bytes) { return BodyRule{BodyRule::Kind::Json, max_bytes, {}}; }

BodyRule optional_json_body(std::size_t max_bytes) {
  return BodyRule{BodyRule::Kind::Json, max_bytes, {}, true};
}

namespace {

/// An edit or a new playlist names up to 10,000 items (EditRequest, CreatePlaylistRequest in
/// api/openapi.yaml): about 600 KB of JSON. Batch bodies (5,000 playlist ids per part, a
/// 200,000-byte saved selector) take the same.
constexpr std::size_t kMaxItemListBodyBytes = 1024 * 1024;
/// A paste of 10,000 lines of spreadsheet rows (~200 bytes each), JSON-escaped.
constexpr std::size_t kMaxPasteBodyBytes = 2 * 1024 * 1024;
/// Spotify takes a cover of at most 256 KiB once base64-encoded: 192 KiB of JPEG.
constexpr std::size_t kMaxCoverBytes = core::SpotifyApi::kMaxCoverBase64Bytes / 4 * 3;

}  // namespace

const std::vector<Route>& api_routes() {
  constexpr auto open = Access::Public;
  constexpr auto user = Access::SignedIn;
  constexpr auto viewer = core::Role::Viewer;
  constexpr auto editor = core::Role::Editor;
  constexpr auto admin = core::Role::Admin;
  const BodyRule& none = kNoBody;
  const BodyRule& json = kJsonBody;
  const BodyRule items = json_body(kMaxItemListBodyBytes);
  const BodyRule jpeg = upload_body(kMaxCoverBytes, {"image/jpeg"});
  const BodyRule paste = json_body(kMaxPasteBodyBytes);
  // The file itself as the body: a browser's File (octet-stream or its own type for the name).
  const BodyRule spreadsheet =
      upload_body(core::kMaxImportFileBytes,
                  {"application/octet-stream",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv",
                   "application/zip"});
  const BodyRule apply = optional_json_body(kMaxItemListBodyBytes);
  const std::string playlist = "/api/accounts/{account_id}/playlists/{playlist_id}";
  // clang-format off
  static const std::vector<Route> routes{
    // method  path                             access least   body  handler
    {"GET",    "/healthz",                         open,  viewer, none, get_health},
    {"GET",    "/metrics",                         open,  viewer, none, get_metrics},
    {"GET",    "/api/setup",                       open,  viewer, none, get_setup},
    {"POST",   "/api/setup",                       open,  viewer, json, post_setup},
    {"GET",    "/api/session",                     user,  viewer, none, get_session},
    {"POST",   "/api/session",                     open,  viewer, json, post_session},
    {"DELETE", "/api/session",                     user,  viewer, none, delete_session},
    {"POST",   "/api/me/password",                 user,  viewer, json, post_password},
    {"GET",    "/api/users",                       user,  admin,  none, list_users},
    {"POST",   "/api/users",                       user,  admin,  json, create_user},
    {"PATCH",  "/api/users/{user_id}",             user,  admin,  json, patch_user},
    {"DELETE", "/api/users/{user_id}",             user,  admin,  none, delete_user},
    {"GET",    "/api/spotify/setup",               user,  viewer, none, get_spotify_setup},
    {"GET",    "/api/spotify/callback",            open,  viewer, none, spotify_callback},
    {"GET",    "/api/accounts",                    user,  viewer, none, list_accounts},
    {"POST",   "/api/accounts/connect",            user,  editor, none, connect_account},
    {"DELETE", "/api/accounts/{account_id}",       user,  editor, none, delete_account},
    {"POST",   "/api/accounts/{account_id}/sync",  user,  editor, none, sync_account},
    {"GET",    "/api/accounts/{account_id}/search", user, viewer, none, search_tracks},
    {"GET",    "/api/playlists",                   user,  viewer, none, list_playlists},
    {"POST",   "/api/accounts/{account_id}/playlists", user, editor, items, create_playlist},
    {"GET",    playlist,                           user,  viewer, none, get_playlist},
    {"DELETE", playlist,                           user,  editor, none, delete_playlist},
    {"POST",   playlist + "/split",                user,  editor, json, split_playlist},
    {"GET",    playlist + "/items",                user,  viewer, none, get_items},
    {"PUT",    playlist + "/tags",                 user,  editor, json, put_tags},
    {"POST",   playlist + "/sync",                 user,  editor, none, sync_playlist},
    {"GET",    playlist + "/history",              user,  viewer, none, get_history},
    {"GET",    playlist + "/history/{version}",    user,  viewer, none, get_history_version},
    {"POST",   playlist + "/edits/preview",        user,  editor, items, preview_edit},
    {"POST",   playlist + "/edits",                user,  editor, items, apply_edit},
    {"PUT",    playlist + "/cover",                user,  editor, jpeg, upload_cover},
    {"POST",   "/api/accounts/{account_id}/batch/preview", user, editor, items, preview_batch},
    {"POST",   "/api/accounts/{account_id}/batch", user,  editor, items, run_batch},
    {"POST",   "/api/accounts/{account_id}/duplicates", user, viewer, items, find_duplicates},
    {"GET",    "/api/where",                       user,  viewer, none, where_is_track},
    {"GET",    "/api/selections",                  user,  viewer, none, list_selections},
    {"PUT",    "/api/selections/{name}",           user,  editor, items, save_selection},
    {"DELETE", "/api/selections/{name}",           user,  editor, none, delete_selection},
    {"POST",   "/api/accounts/{account_id}/pastes", user, editor, paste, start_paste},
    {"GET",    "/api/pastes/{paste_id}",           user,  viewer, none, get_paste},
    {"DELETE", "/api/pastes/{paste_id}",           user,  editor, none, delete_paste},
    {"PUT",    "/api/pastes/{paste_id}/lines/{line}", user, editor, json, decide_paste_line},
    {"GET",    "/api/accounts/{account_id}/export", user, viewer, none, export_playlists},
    {"POST",   "/api/accounts/{account_id}/imports", user, editor, spreadsheet, start_import},
    {"GET",    "/api/imports/{import_id}/preview", user,  viewer, none, preview_import},
    {"POST",   "/api/imports/{import_id}/apply",   user,  editor, apply, apply_import},
    {"GET",    "/api/jobs",                        user,  viewer, none, list_jobs},
    {"GET",    "/api/jobs/{job_id}",               user,  viewer, none, get_job},
    {"POST",   "/api/jobs/{job_id}/cancel",        user,  editor, none, cancel_job},
    {"POST",   "/api/jobs/{job_id}/undo",          user,  editor, items, undo_batch},
    {"GET",    "/api/events",                      user,  viewer, none, get_events},
  };
  // clang-format on
  return routes;
}

}  // namespace plm::web
