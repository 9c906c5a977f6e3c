#include "spotify/parse.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace plm::spotify {

namespace {

using Json = nlohmann::json;
using core::ErrorCode;

core::Error bad_response(std::string what) {
  return core::make_error(ErrorCode::BadResponse, std::move(what));
}

/// Parses a body; a syntax error becomes a BadResponse naming the position, not the content (which
/// could be megabytes of HTML).
core::Result<Json> parse_json(std::string_view body, std::string_view what) {
  Json json = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return bad_response(std::string(what) + " is not valid JSON (" + std::to_string(body.size()) +
                        " bytes)");
  }
  return json;
}

/// The member `key` of an object, or nullptr when `json` is no object or the member is absent or
/// null. Removed fields (§2.15) and nullable ones (§5) read alike.
const Json* member(const Json& json, const char* key) {
  if (!json.is_object()) return nullptr;
  const auto found = json.find(key);
  if (found == json.end() || found->is_null()) return nullptr;
  return &*found;
}

std::string string_of(const Json& json, const char* key) {
  const Json* value = member(json, key);
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

/// Every number we read is clamped to ±2^53: enough for any count, duration or size Spotify sends,
/// and small enough that sums and products of two of them stay far from overflowing int64.
constexpr std::int64_t kMaxNumber = std::int64_t{1} << 53;

/// A number member, clamped to ±kMaxNumber; 0 when absent, not a number or NaN. Doubles are
/// truncated towards zero.
std::int64_t int_of(const Json& json, const char* key) {
  const Json* value = member(json, key);
  if (!value) return 0;
  if (value->is_number_unsigned()) {
    return static_cast<std::int64_t>(
        std::min<std::uint64_t>(value->get<std::uint64_t>(), kMaxNumber));
  }
  if (value->is_number_integer()) {
    return std::clamp<std::int64_t>(value->get<std::int64_t>(), -kMaxNumber, kMaxNumber);
  }
  if (value->is_number_float()) {
    const double number = value->get<double>();
    if (std::isnan(number)) return 0;
    // Clamp as a double first: casting a double outside int64's range is undefined behaviour.
    return static_cast<std::int64_t>(std::clamp(
        std::trunc(number), -static_cast<double>(kMaxNumber), static_cast<double>(kMaxNumber)));
  }
  return 0;
}

/// A count, offset, total or duration: negative values read as 0.
std::int64_t count_of(const Json& json, const char* key) {
  return std::max<std::int64_t>(0, int_of(json, key));
}

bool bool_of(const Json& json, const char* key) {
  const Json* value = member(json, key);
  return value && value->is_boolean() && value->get<bool>();
}

/// The largest image's URL: Spotify lists them largest first, but heights may be null, so compare
/// areas and keep the first on ties.
std::string largest_image(const Json& owner) {
  const Json* images = member(owner, "images");
  if (!images || !images->is_array()) return {};
  std::string best;
  std::int64_t best_area = -1;
  for (const auto& image : *images) {
    // Pixel sizes are clamped to 2^31 so the product cannot overflow.
    constexpr std::int64_t kMaxSide = std::numeric_limits<std::int32_t>::max();
    const std::int64_t area = std::min(count_of(image, "width"), kMaxSide) *
                              std::min(count_of(image, "height"), kMaxSide);
    const std::string url = string_of(image, "url");
    if (!url.empty() && area > best_area) {
      best = url;
      best_area = area;
    }
  }
  return best;
}

/// The album's release date when it has one of Spotify's three shapes ("YYYY", "YYYY-MM",
/// "YYYY-MM-DD", digits only), else empty. Spotify sends "0000" for an unknown date (the emulator
/// does too): that is empty here, so sorting by release puts unknown dates together, first.
std::string release_date_of(const Json& album) {
  std::string date = string_of(album, "release_date");
  const auto is_digits = [&](std::size_t from, std::size_t count) {
    return std::all_of(date.begin() + static_cast<std::ptrdiff_t>(from),
                       date.begin() + static_cast<std::ptrdiff_t>(from + count),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  const bool well_formed = (date.size() == 4 || date.size() == 7 || date.size() == 10) &&
                           is_digits(0, 4) &&
                           (date.size() < 7 || (date[4] == '-' && is_digits(5, 2))) &&
                           (date.size() < 10 || (date[7] == '-' && is_digits(8, 2)));
  if (!well_formed || date.starts_with("0000")) return {};
  return date;
}

core::TrackInfo track_from(const Json& json) {
  core::TrackInfo track;
  track.uri = string_of(json, "uri");
  track.name = string_of(json, "name");
  if (const Json* artists = member(json, "artists"); artists && artists->is_array()) {
    for (const auto& artist : *artists) track.artists.push_back(string_of(artist, "name"));
  }
  if (const Json* album = member(json, "album")) {
    track.album = string_of(*album, "name");
    track.album_image_url = largest_image(*album);
    track.release_date = release_date_of(*album);
  } else if (const Json* show = member(json, "show")) {  // episodes
    track.album = string_of(*show, "name");
    track.album_image_url = largest_image(*show);
  }
  track.duration_ms = count_of(json, "duration_ms");
  if (const Json* ids = member(json, "external_ids")) track.isrc = string_of(*ids, "isrc");
  track.explicit_content = bool_of(json, "explicit");
  return track;
}

/// `items.total ?? tracks.total` (§2.4: development mode renamed the reference object).
std::int64_t item_total(const Json& playlist) {
  if (const Json* items = member(playlist, "items"); items && items->is_object()) {
    return count_of(*items, "total");
  }
  if (const Json* tracks = member(playlist, "tracks"); tracks && tracks->is_object()) {
    return count_of(*tracks, "total");
  }
  return 0;
}

core::PlaylistSummary summary_from(const Json& json) {
  core::PlaylistSummary summary;
  summary.id = string_of(json, "id");
  summary.name = string_of(json, "name");
  summary.description = decode_html_entities(string_of(json, "description"));
  if (const Json* owner = member(json, "owner")) {
    summary.owner_id = string_of(*owner, "id");
    summary.owner_name = string_of(*owner, "display_name");
  }
  summary.is_public = bool_of(json, "public");  // null ("unknown") reads as not public
  summary.collaborative = bool_of(json, "collaborative");
  summary.snapshot_id = string_of(json, "snapshot_id");
  summary.item_count = item_total(json);
  summary.image_url = largest_image(json);
  return summary;
}

/// A time member: nullopt when absent, null (§5: "null for some very old playlists") or not an
/// ISO-8601 time with its zone.
std::optional<core::TimePoint> time_of(const Json& json, const char* key) {
  const Json* value = member(json, key);
  if (!value || !value->is_string()) return std::nullopt;
  return core::parse_utc(value->get_ref<const std::string&>());
}

core::PlaylistItem item_from(const Json& entry) {
  core::PlaylistItem item;
  item.added_at = time_of(entry, "added_at");
  if (const Json* added_by = member(entry, "added_by")) item.added_by = string_of(*added_by, "id");
  item.is_local = bool_of(entry, "is_local");
  // New name first, the deprecated one as a fallback (§5.4: some responses carry both, some one).
  const Json* track = member(entry, "item");
  if (!track) track = member(entry, "track");
  if (!track || !track->is_object()) {
    item.unavailable = true;  // §7.4: keep the slot, positions matter
    return item;
  }
  item.track = track_from(*track);
  item.uri = item.track->uri;
  if (bool_of(*track, "is_local")) item.is_local = true;
  // A track object without a string URI ({"uri": null}, {}) cannot be stored or matched: keep
  // what it says, but as an unavailable slot like a null item.
  if (item.uri.empty()) item.unavailable = true;
  return item;
}

/// Reads a paging object; `convert` turns one element into T, or returns nullopt to skip it.
template <typename T, typename Convert>
core::Result<core::Page<T>> page_from(const Json& json, std::string_view what, Convert convert) {
  const Json* items = member(json, "items");
  if (!items || !items->is_array()) {
    return bad_response(std::string(what) + " has no \"items\" array");
  }
  core::Page<T> page;
  page.offset = count_of(json, "offset");
  page.total = count_of(json, "total");
  // Every element takes a position, also the null ones `convert` drops: the next page starts
  // after all of them, so callers neither skip nor re-read rows.
  page.next_offset = page.offset + static_cast<std::int64_t>(items->size());
  // §7.14: loop on `next`, not on offset < total.
  const Json* next = member(json, "next");
  page.has_next = next && next->is_string() && !next->get<std::string>().empty();
  page.items.reserve(items->size());
  for (const auto& element : *items) {
    if (auto converted = convert(element)) page.items.push_back(std::move(*converted));
  }
  return page;
}

template <typename T, typename Function>
core::Result<T> guarded(std::string_view what, Function function) {
  try {
    return function();
  } catch (const std::exception& problem) {
    // Defensive: the helpers above check types, so this is not expected to run.
    return bad_response(std::string(what) + " has an unexpected shape: " + problem.what());
  }
}

core::Result<Json> parse_object(std::string_view body, std::string_view what) {
  auto json = parse_json(body, what);
  if (!json) return json.error();
  if (!json->is_object()) return bad_response(std::string(what) + " is not a JSON object");
  return json;
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) code = 0xFFFD;
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

/// The character of a numeric reference body ("#39", "#x27"), if it is one.
std::optional<std::uint32_t> numeric_reference(std::string_view name) {
  if (name.size() < 2 || name[0] != '#') return std::nullopt;
  const bool hex = name[1] == 'x' || name[1] == 'X';
  const std::string_view digits = name.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return std::nullopt;
  std::uint32_t code = 0;
  for (const char c : digits) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    code = code * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
  }
  return code;
}

}  // namespace

std::string decode_html_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    const auto semicolon = text.find(';', i + 1);
    if (semicolon == std::string_view::npos || semicolon - i > 12) {
      out.push_back(text[i++]);
      continue;
    }
    const std::string_view name = text.substr(i + 1, semicolon - i - 1);
    std::optional<std::uint32_t> code;
    if (name == "amp")
      code = '&';
    else if (name == "lt")
      code = '<';
    else if (name == "gt")
      code = '>';
    else if (name == "quot")
      code = '"';
    else if (name == "apos")
      code = '\'';
    else
      code = numeric_reference(name);
    if (!code) {
      out.push_back(text[i++]);  // not an entity we know: keep the text as it is
      continue;
    }
    append_utf8(out, *code);
    i = semicolon + 1;
  }
  return out;
}

core::Result<core::SpotifyProfile> parse_profile(std::string_view body) {
  auto json = parse_object(body, "user profile");
  if (!json) return json.error();
  core::SpotifyProfile profile;
  profile.id = string_of(*json, "id");
  profile.display_name = string_of(*json, "display_name");
  profile.account_id = string_of(*json, "account_id");
  if (profile.id.empty()) return bad_response("user profile has no \"id\"");
  return profile;
}

core::Result<core::PlaylistSummary> parse_playlist(std::string_view body) {
  auto json = parse_object(body, "playlist");
  if (!json) return json.error();
  return guarded<core::PlaylistSummary>("playlist", [&]() -> core::Result<core::PlaylistSummary> {
    auto summary = summary_from(*json);
    if (summary.id.empty()) return bad_response("playlist has no \"id\"");
    return summary;
  });
}

core::Result<core::Page<core::PlaylistSummary>> parse_playlist_page(std::string_view body) {
  auto json = parse_object(body, "playlist page");
  if (!json) return json.error();
  using Page = core::Page<core::PlaylistSummary>;
  return guarded<Page>("playlist page", [&] {
    return page_from<core::PlaylistSummary>(
        *json, "playlist page", [](const Json& element) -> std::optional<core::PlaylistSummary> {
          if (!element.is_object()) return std::nullopt;
          return summary_from(element);
        });
  });
}

core::Result<core::Page<core::PlaylistItem>> parse_item_page(std::string_view body) {
  auto json = parse_object(body, "playlist items page");
  if (!json) return json.error();
  using Page = core::Page<core::PlaylistItem>;
  return guarded<Page>("playlist items page", [&] {
    return page_from<core::PlaylistItem>(
        *json, "playlist items page", [](const Json& element) -> std::optional<core::PlaylistItem> {
          if (!element.is_object()) {
            core::PlaylistItem gone;  // a null entry still takes a position
            gone.unavailable = true;
            return gone;
          }
          return item_from(element);
        });
  });
}

core::Result<core::TrackInfo> parse_track(std::string_view body) {
  auto json = parse_object(body, "track");
  if (!json) return json.error();
  return guarded<core::TrackInfo>("track", [&]() -> core::Result<core::TrackInfo> {
    auto track = track_from(*json);
    if (track.uri.empty()) return bad_response("track has no \"uri\"");
    return track;
  });
}

core::Result<core::Page<core::TrackInfo>> parse_track_search(std::string_view body) {
  auto json = parse_object(body, "search result");
  if (!json) return json.error();
  const Json* tracks = member(*json, "tracks");
  if (!tracks || !tracks->is_object()) return bad_response("search result has no \"tracks\" page");
  using Page = core::Page<core::TrackInfo>;
  return guarded<Page>("search result", [&] {
    return page_from<core::TrackInfo>(*tracks, "search result",
                                      [](const Json& element) -> std::optional<core::TrackInfo> {
                                        // Search pages can hold null items (spotify-api.md §2.13):
                                        // nothing to match against.
                                        if (!element.is_object()) return std::nullopt;
                                        return track_from(element);
                                      });
  });
}

core::Result<std::string> parse_snapshot(std::string_view body) {
  // §0.3.7: accept any 2xx and read snapshot_id when present.
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string();
  auto json = parse_object(body, "write response");
  if (!json) return json.error();
  return string_of(*json, "snapshot_id");
}

core::Result<core::PlaylistVersion> parse_playlist_version(std::string_view body) {
  auto json = parse_object(body, "playlist version");
  if (!json) return json.error();
  const std::string snapshot = string_of(*json, "snapshot_id");
  // A version without a snapshot could never be compared: it must not pass for "unchanged".
  if (snapshot.empty()) return bad_response("playlist version has no snapshot_id");
  const Json* items = member(*json, "items");
  if (!items) items = member(*json, "tracks");
  if (!items) {
    // §2.5: development mode leaves the items out for playlists the user neither owns nor
    // collaborates on, as /items answers them 403.
    return core::make_error(ErrorCode::Forbidden,
                            "spotify sends no item count for this playlist: its items are not "
                            "readable to this app");
  }
  if (!items->is_object() || !member(*items, "total")) {
    return bad_response("playlist version has no items total");
  }
  return core::PlaylistVersion{snapshot, count_of(*items, "total")};
}

ApiError parse_api_error(int status, std::string_view body) {
  ApiError error;
  const Json json = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    if (const Json* inner = member(json, "error")) {
      if (inner->is_object()) {  // Web API: {"error": {"status", "message", "reason"}}
        error.message = string_of(*inner, "message");
        error.reason = string_of(*inner, "reason");
      } else if (inner->is_string()) {  // accounts: {"error": "...", "error_description": "..."}
        error.oauth_error = inner->get<std::string>();
        error.message = string_of(json, "error_description");
        if (error.message.empty()) error.message = error.oauth_error;
      }
    }
  }
  if (error.message.empty()) error.message = "HTTP " + std::to_string(status);
  return error;
}

core::Result<TokenResponse> parse_token_response(std::string_view body) {
  auto json = parse_object(body, "token response");
  if (!json) return json.error();
  TokenResponse token;
  token.access_token = string_of(*json, "access_token");
  token.refresh_token = string_of(*json, "refresh_token");
  token.scope = string_of(*json, "scope");
  token.expires_in = int_of(*json, "expires_in");
  if (token.access_token.empty()) return bad_response("token response has no access_token");
  if (token.expires_in <= 0) token.expires_in = 3600;  // §1.2: access tokens last one hour
  // Access tokens never live longer than a day; a larger value is a bug we must not compute with.
  token.expires_in = std::min<std::int64_t>(token.expires_in, kMaxExpiresIn);
  return token;
}

}  // namespace plm::spotify
