#pragma once
/// One JSON shape per kind of object, for every command that shows it (issue 13 §1): `plm user
/// add` and `plm user list` write the same user, `plm playlists` and `plm playlist show` the same
/// playlist. Where the web API has the object, the shape is its schema's (api/openapi.yaml, checked
/// by tests/integration/cli_output_test.cpp), so a script reads one shape from either.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <vector>

#include "core/jobs/job.hpp"
#include "core/model/account.hpp"
#include "core/model/playlist.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/job_queue.hpp"

namespace plm::app::cli {

/// The top-level keys of each shape: the commands' Command::json_fields (`--json FIELDS`), kept
/// equal to what the functions below write by json_shapes_test.cpp.
inline const std::vector<std::string_view> kUserJsonFields{"id", "username", "role", "created_at",
                                                           "has_password"};
inline const std::vector<std::string_view> kAccountJsonFields{"id",
                                                              "spotify_user_id",
                                                              "display_name",
                                                              "status",
                                                              "authorized_at",
                                                              "authorization_expires_at",
                                                              "days_until_expiry",
                                                              "expiry_warning",
                                                              "last_synced_at",
                                                              "playlist_count",
                                                              "syncing",
                                                              "last_sync_failure"};
inline const std::vector<std::string_view> kPlaylistJsonFields{
    "account_id",      "id",          "name",        "description",
    "owner_id",        "owner_name",  "owned",       "public",
    "collaborative",   "snapshot_id", "track_count", "stored_track_count",
    "items_readable",  "image_url",   "synced_at",   "tags",
    "read_only_reason"};
/// kPlaylistJsonFields and "items".
std::vector<std::string_view> playlist_with_items_fields();
/// The web API's Job, JobDetails, PlaylistVersion and TrackWhere.
inline const std::vector<std::string_view> kJobJsonFields{
    "id",         "kind",        "state",   "account_id",       "playlist_id", "done",
    "total",      "unit",        "message", "attempts",         "created_at",  "run_at",
    "started_at", "finished_at", "error",   "cancel_requested", "api"};
inline const std::vector<std::string_view> kJobDetailsJsonFields{"job", "items", "history"};
inline const std::vector<std::string_view> kVersionJsonFields{
    "version", "recorded_at", "snapshot_id", "item_count", "details", "cause", "changes"};
inline const std::vector<std::string_view> kTrackWhereJsonFields{"uri", "track", "playlists"};

/// The web API's User, plus `has_password` (false for the "admin" a fresh install creates until
/// someone sets its password).
nlohmann::json user_shape(const core::AppUser& user);

/// The web API's Account: `playlist_count` is the stored playlists', `syncing` whether a job of
/// the account is queued, running or interrupted (accounts_with_jobs), `last_sync_failure` null
/// or the object web::last_sync_failure_json reads from the job store.
nlohmann::json account_shape(const core::SpotifyAccount& account, core::TimePoint now,
                             std::int64_t playlist_count, bool syncing,
                             nlohmann::json last_sync_failure);

/// The accounts of `user_id` with a job queued, running or interrupted (the web API's
/// Account.syncing).
core::Result<std::set<std::int64_t>> accounts_with_jobs(core::JobQueue& jobs, std::int64_t user_id);

/// The web API's Playlist as the account `account_id` (Spotify user `account_user_id`) sees it.
nlohmann::json playlist_shape(std::int64_t account_id, const std::string& account_user_id,
                              const core::StoredPlaylist& playlist);

/// The web API's PlaylistItem (position from 0).
nlohmann::json playlist_item_shape(const core::PlaylistItem& item, std::int64_t position);

/// playlist_shape with `items`: the PlaylistItem list (empty when the contents are not stored).
nlohmann::json playlist_with_items_shape(std::int64_t account_id,
                                         const std::string& account_user_id,
                                         const core::StoredPlaylist& playlist,
                                         const std::vector<core::PlaylistItem>& items);

/// The web API's Job and JobDetails (web/job_json.hpp), as values.
nlohmann::json job_shape(const core::Job& job);
nlohmann::json job_details_shape(const core::JobDetails& details);

}  // namespace plm::app::cli
