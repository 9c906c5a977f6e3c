#pragma once
/// Spotify's JSON → plm's model, without I/O. Lenient where Spotify varies (spotify-api.md §0.3,
/// §5, §7): both shapes (`items`/`item` since February 2026 and legacy `tracks`/`track`), null
/// items, local files with null ids, unknown fields, missing removed fields, HTML-escaped
/// descriptions. Strict where a wrong shape would mislead: a body that is not JSON or a paging
/// object whose `items` is not an array fails with ErrorCode::BadResponse. Never throws.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/model/account.hpp"
#include "core/model/playlist.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/result.hpp"

namespace plm::spotify {

/// Decodes the HTML escaping Spotify applies to playlist descriptions (spotify-api.md §2.5):
/// &amp; &lt; &gt; &quot; &apos; and numeric references (&#39; &#x27; &#x2F; ...) to UTF-8.
/// Anything else, including a bare '&', stays as it is.
std::string decode_html_entities(std::string_view text);

core::Result<core::SpotifyProfile> parse_profile(std::string_view body);
core::Result<core::PlaylistSummary> parse_playlist(std::string_view body);
core::Result<core::Page<core::PlaylistSummary>> parse_playlist_page(std::string_view body);
core::Result<core::Page<core::PlaylistItem>> parse_item_page(std::string_view body);
core::Result<core::TrackInfo> parse_track(std::string_view body);
/// The `tracks` paging object of a search response; null entries are skipped.
core::Result<core::Page<core::TrackInfo>> parse_track_search(std::string_view body);
/// `{"snapshot_id": "..."}` of a write.
core::Result<std::string> parse_snapshot(std::string_view body);
/// `snapshot_id` and `items.total ?? tracks.total` of `GET /playlists/{id}?fields=...`, in either
/// shape (§2.4). Forbidden without either items object (development mode omits it for playlists
/// the user neither owns nor collaborates on, §2.5); BadResponse for a missing snapshot or total.
core::Result<core::PlaylistVersion> parse_playlist_version(std::string_view body);

/// What an error response says, from either of Spotify's shapes (§4.2) or none (empty or HTML
/// bodies from proxies).
struct ApiError {
  std::string message;      ///< Spotify's message, or "HTTP <status>" when the body has none
  std::string reason;       ///< e.g. "QUOTA_EXCEEDED"; empty when absent
  std::string oauth_error;  ///< RFC 6749 `error` of the accounts service, e.g. "invalid_grant"
};
ApiError parse_api_error(int status, std::string_view body);

/// The longest access-token lifetime we accept; `expires_in` is clamped to it (Spotify: 3600).
inline constexpr std::int64_t kMaxExpiresIn = 24 * 3600;

/// A token endpoint answer. `refresh_token` is empty when the response has none (2026 refreshes);
/// `expires_in` is 1..kMaxExpiresIn seconds (3600 when absent or not positive).
struct TokenResponse {
  std::string access_token;
  std::string refresh_token;
  std::string scope;
  std::int64_t expires_in = 0;
};
core::Result<TokenResponse> parse_token_response(std::string_view body);

}  // namespace plm::spotify
