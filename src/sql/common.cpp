#include "sql/common.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace plm::sql {

namespace {

core::TimePoint parsed_time(const std::string& text, std::string_view column_name) {
  if (auto time = core::parse_utc(text)) return *time;
  // The message names the column, never the value (as every DatabaseError).
  throw DatabaseError(DatabaseError::Kind::Other,
                      std::string(column_name) + " holds no ISO-8601 time");
}

}  // namespace

core::TimePoint text_time(const Row& row, int column, std::string_view column_name) {
  return parsed_time(row.text(column), column_name);
}

std::optional<core::TimePoint> optional_text_time(const Row& row, int column,
                                                  std::string_view column_name) {
  const std::string text = row.text(column);
  if (text.empty()) return std::nullopt;
  return parsed_time(text, column_name);
}

core::TrackInfo read_track(const Row& row, int first_column) {
  const int c = first_column;
  return core::TrackInfo{.uri = row.text(c),
                         .name = row.text(c + 1),
                         .artists = decode_artists(row.text(c + 2)),
                         .album = row.text(c + 3),
                         .album_image_url = row.text(c + 4),
                         .duration_ms = row.int64(c + 5),
                         .isrc = row.text(c + 6),
                         .explicit_content = row.boolean(c + 7),
                         .release_date = row.text(c + 8)};
}

std::string encode_artists(const std::vector<std::string>& artists) {
  // Invalid UTF-8 is replaced rather than thrown on: a name is metadata, not worth failing a save.
  return nlohmann::json(artists).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> decode_artists(std::string_view json) {
  const auto parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> artists;
  if (!parsed.is_array()) return artists;
  for (const auto& artist : parsed) {
    if (artist.is_string()) artists.push_back(artist.get<std::string>());
  }
  return artists;
}

std::vector<const core::TrackInfo*> distinct_tracks(const std::vector<core::PlaylistItem>& items) {
  std::vector<const core::TrackInfo*> tracks;
  std::unordered_set<std::string_view> seen;
  for (const auto& item : items) {
    if (item.track && seen.insert(item.track->uri).second) tracks.push_back(&*item.track);
  }
  return tracks;
}

void sort_tags(std::vector<core::StoredPlaylist>& playlists) {
  for (auto& playlist : playlists) std::sort(playlist.tags.begin(), playlist.tags.end());
}

// The app user's id is a number and the last part is the only free text, so the parts cannot run
// into one another.
std::string token_binding(SecretColumn column, std::int64_t app_user_id,
                          std::string_view spotify_user_id) {
  const std::string_view name = column == SecretColumn::AccessToken
                                    ? "spotify_accounts.access_token_enc:"
                                    : "spotify_accounts.refresh_token_enc:";
  return std::string(name) + std::to_string(app_user_id) + ":" + std::string(spotify_user_id);
}

std::string code_verifier_binding(std::int64_t app_user_id, std::string_view state) {
  return "oauth_states.code_verifier_enc:" + std::to_string(app_user_id) + ":" + std::string(state);
}

}  // namespace plm::sql
