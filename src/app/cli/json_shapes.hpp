#pragma once
/// One JSON shape per kind of object, for every command that shows it (issue 13 §1): `plm user
/// add` and `plm user list` write the same user, `plm playlists` and `plm playlist show` the same
/// playlist. Where the web API has the object, the shape is its schema's (api/openapi.yaml, checked
/// by tests/integration/cli_output_test.cpp), so a script reads one shape from either.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/jobs/job.hpp"
#include "core/model/account.hpp"
#include "core/model/playlist.hpp"
#include "core/ports/clock.hpp"

namespace plm::app::cli {

/// The web API's User, plus `has_password` (false for the "admin" a fresh install creates until
/// someone sets its password).
nlohmann::json user_shape(const core::AppUser& user);

/// The web API's Account, without the fields only the server knows (`syncing`, which running
/// jobs set); `playlist_count` is the stored playlists'.
nlohmann::json account_shape(const core::SpotifyAccount& account, core::TimePoint now,
                             std::int64_t playlist_count);

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
