// JSON shapes of the Spotify Web API as the emulator sends them. Field sets follow
// ../shared/spotify-openapi/fixed-spotify-open-api.yml for dev2026 and the pre-February-2026 file
// for extended mode (legacy `tracks`/`track` names, popularity and available_markets present).

#include <algorithm>
#include <cstdio>
#include <set>

#include "emulator/consistency.hpp"
#include "emulator/internal.hpp"

namespace spotify_emulator {

namespace {

constexpr const char* kOpenUrl = "https://open.spotify.com/";

Json external_urls(std::string_view kind, std::string_view id) {
  return Json{{"spotify", std::string(kOpenUrl) + std::string(kind) + "/" + std::string(id)}};
}

}  // namespace

const std::vector<std::string>& sample_markets() {
  static const std::vector<std::string> markets{"AD", "AR", "AT", "AU", "BE", "BR", "CA",
                                                "CH", "DE", "DK", "ES", "FI", "FR", "GB",
                                                "IT", "JP", "MX", "NL", "NO", "SE", "US"};
  return markets;
}

namespace {

Json render_artist(const Call& call, const Artist& artist) {
  return Json{{"external_urls", external_urls("artist", artist.id)},
              {"href", call.base_url + "/v1/artists/" + artist.id},
              {"id", artist.id},
              {"name", artist.name},
              {"type", "artist"},
              {"uri", "spotify:artist:" + artist.id}};
}

Json album_images(const Call& call, const Album& album) {
  if (album.image_url.empty() && album.id.empty()) return Json::array();
  if (call.world.options.real_image_urls && !album.image_url.empty()) {
    return Json::array({Json{{"url", album.image_url}, {"height", 640}, {"width", 640}}});
  }
  Json images = Json::array();
  for (const int size : {640, 300, 64}) {
    images.push_back(Json{
        {"url", image_url(call, album.image_url, "album-" + album.id + "-" + std::to_string(size))},
        {"height", size},
        {"width", size}});
  }
  return images;
}

Json render_album(const Call& call, const Album& album) {
  Json artists = Json::array();
  for (const auto& artist : album.artists) artists.push_back(render_artist(call, artist));
  Json json{{"album_type", album.album_type},
            {"total_tracks", album.total_tracks},
            {"external_urls", external_urls("album", album.id)},
            {"href", call.base_url + "/v1/albums/" + album.id},
            {"id", album.id},
            {"images", album_images(call, album)},
            {"name", album.name},
            {"release_date", album.release_date.empty() ? "0000" : album.release_date},
            {"release_date_precision",
             album.release_date.empty() ? "year" : album.release_date_precision},
            {"type", "album"},
            {"uri", "spotify:album:" + album.id},
            {"artists", std::move(artists)}};
  if (!call.dev2026()) json["available_markets"] = sample_markets();
  return json;
}

Json render_local_track(const Entry& entry) {
  const auto& local = entry.local;
  return Json{{"album", Json{{"album_type", nullptr},
                             {"total_tracks", nullptr},
                             {"external_urls", Json::object()},
                             {"href", nullptr},
                             {"id", nullptr},
                             {"images", Json::array()},
                             {"name", local.album},
                             {"release_date", nullptr},
                             {"release_date_precision", nullptr},
                             {"type", "album"},
                             {"uri", nullptr},
                             {"artists", Json::array({Json{{"external_urls", Json::object()},
                                                           {"href", nullptr},
                                                           {"id", nullptr},
                                                           {"name", local.artist},
                                                           {"type", "artist"},
                                                           {"uri", nullptr}}})}}},
              {"artists", Json::array({Json{{"external_urls", Json::object()},
                                            {"href", nullptr},
                                            {"id", nullptr},
                                            {"name", local.artist},
                                            {"type", "artist"},
                                            {"uri", nullptr}}})},
              {"disc_number", 0},
              {"duration_ms", local.duration_ms},
              {"explicit", false},
              {"external_ids", Json::object()},
              {"external_urls", Json::object()},
              {"href", nullptr},
              {"id", nullptr},
              {"is_local", true},
              {"name", local.title},
              {"preview_url", nullptr},
              {"track_number", 0},
              {"type", "track"},
              {"uri", entry.uri}};
}

}  // namespace

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

Response json_response(int status, const Json& body) {
  return Response::json(status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

Response api_error(int status, std::string_view message, std::string_view reason) {
  Json error{{"status", status}, {"message", message}};
  if (!reason.empty()) error["reason"] = reason;
  auto response = json_response(status, Json{{"error", std::move(error)}});
  if (status == 401) {
    response.set_header("WWW-Authenticate",
                        "Bearer realm=\"spotify\", error=\"invalid_token\", error_description=\"" +
                            std::string(message) + "\"");
  }
  return response;
}

Response auth_error(std::string_view error, std::string_view description) {
  Json body{{"error", error}};
  if (!description.empty()) body["error_description"] = description;
  return json_response(400, body);
}

std::string snapshot_id(const World& world, const Playlist& playlist) {
  // Opaque like Spotify's (base64 of a version and a hash), but changes on every mutation. The
  // world's generation (bumped by every seed load, /reset included) is mixed in, so a playlist
  // that is reloaded with the same id never repeats a snapshot a client may have stored.
  char text[64];
  std::snprintf(
      text, sizeof text, "%llu,%016llx", static_cast<unsigned long long>(playlist.version),
      static_cast<unsigned long long>(fnv1a(playlist.id + ":" + std::to_string(playlist.version) +
                                            ":" + std::to_string(world.generation))));
  return plm::http::base64_encode(text);
}

std::string escape_description(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      case '/':
        out += "&#x2F;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string image_url(const Call& call, std::string_view original, std::string_view key) {
  if (call.world.options.real_image_urls && !original.empty()) return std::string(original);
  return call.base_url + "/image/" + std::string(key);
}

const User* Call::user() const {
  if (!token || token->user_id.empty()) return nullptr;
  const auto found = world.users.find(token->user_id);
  return found == world.users.end() ? nullptr : &found->second;
}

bool Call::has_scope(std::string_view scope) const {
  return token && token->scopes.count(std::string(scope)) > 0;
}

Json render_user_ref(const Call& call, const std::string& user_id, bool with_display_name) {
  Json json{{"external_urls", external_urls("user", user_id)},
            {"href", call.base_url + "/v1/users/" + user_id},
            {"id", user_id},
            {"type", "user"},
            {"uri", "spotify:user:" + user_id}};
  if (with_display_name) {
    const auto found = call.world.users.find(user_id);
    json["display_name"] =
        found == call.world.users.end() ? Json(nullptr) : Json(found->second.display_name);
  }
  return json;
}

Json render_public_user(const Call& call, const User& user) {
  Json json = render_user_ref(call, user.id, true);
  json["images"] = Json::array();
  if (!call.dev2026()) json["followers"] = Json{{"href", nullptr}, {"total", 0}};
  return json;
}

Json render_private_user(const Call& call, const User& user) {
  Json json = render_public_user(call, user);
  json["account_id"] = user.account_id;
  if (!call.dev2026()) {
    // Fields removed for development-mode apps in February 2026.
    json["country"] = "US";
    json["product"] = user.premium ? "premium" : "free";
    json["explicit_content"] = Json{{"filter_enabled", false}, {"filter_locked", false}};
  }
  return json;
}

Json render_track(const Call& call, const Track& track) {
  Json artists = Json::array();
  for (const auto& artist : track.artists) artists.push_back(render_artist(call, artist));
  Json json{{"album", render_album(call, track.album)},
            {"artists", std::move(artists)},
            {"disc_number", track.disc_number},
            {"duration_ms", track.duration_ms},
            {"explicit", track.is_explicit},
            {"external_ids", track.isrc.empty() ? Json::object() : Json{{"isrc", track.isrc}}},
            {"external_urls", external_urls("track", track.id)},
            {"href", call.base_url + "/v1/tracks/" + track.id},
            {"id", track.id},
            {"is_local", false},
            {"name", track.name},
            {"preview_url", nullptr},
            {"track_number", track.track_number},
            {"type", "track"},
            {"uri", "spotify:track:" + track.id}};
  if (!call.dev2026()) {
    json["popularity"] = track.popularity;
    json["available_markets"] = sample_markets();
  }
  if (call.request.has_query_param("market")) json["is_playable"] = true;
  return json;
}

Json render_playlist_entry(const Call& call, const Entry& entry) {
  Json item = nullptr;
  if (entry.is_local) {
    item = render_local_track(entry);
  } else if (!entry.unavailable) {
    // Episodes come back as null: plm does not ask for additional_types=episode.
    const auto id = track_id_of_uri(entry.uri);
    if (const Track* track = id.empty() ? nullptr : call.world.catalog.find(id)) {
      if (track->kind == "track") item = render_track(call, *track);
    }
  }
  Json json{
      {"added_at", format_iso8601(entry.added_at_ms)},
      {"added_by", render_user_ref(call, item.is_null() ? std::string() : entry.added_by, false)},
      {"is_local", entry.is_local}};
  if (call.dev2026()) {
    json["item"] = item;
    if (call.world.options.emit_legacy_track_field) json["track"] = item;
  } else {
    json["track"] = std::move(item);
  }
  return json;
}

const std::string& track_json_text(const Call& call, const Track& track) {
  // Tracks never change, so their JSON is rendered once per shape (base URL, mode, market) and
  // reused: building nlohmann trees for 50 tracks per page cost ~2 ms of CPU per request.
  std::string key = call.base_url;
  key += call.dev2026() ? "|d|" : "|e|";
  key += call.request.has_query_param("market") ? "m|" : "-|";
  key += track.id;
  auto& cache = call.world.track_json_cache;
  if (const auto found = cache.find(key); found != cache.end()) return found->second;
  if (cache.size() > 400'000) cache.clear();  // bounded: the full catalog is ~83,000 tracks
  return cache.emplace(std::move(key), render_track(call, track).dump()).first->second;
}

namespace {

/// The `added_by` reference of an entry, cached like tracks: there are few distinct users.
const std::string& user_ref_text(const Call& call, const std::string& user_id) {
  std::string key = call.base_url + "|user|" + user_id;
  auto& cache = call.world.track_json_cache;
  if (const auto found = cache.find(key); found != cache.end()) return found->second;
  return cache.emplace(std::move(key), render_user_ref(call, user_id, false).dump()).first->second;
}

}  // namespace

std::string render_playlist_entry_text(const Call& call, const Entry& entry) {
  const std::string* cached = nullptr;
  std::string other;  // local files and null items, rendered the slow way (rare)
  if (entry.is_local) {
    other = render_local_track(entry).dump();
  } else if (!entry.unavailable) {
    const auto id = track_id_of_uri(entry.uri);
    const Track* track = id.empty() ? nullptr : call.world.catalog.find(id);
    if (track && track->kind == "track") cached = &track_json_text(call, *track);
  }
  if (!cached && other.empty()) other = "null";
  const std::string& item = cached ? *cached : other;
  const bool has_item = item != "null";
  std::string text;
  text.reserve(item.size() + 400);
  text += R"({"added_at":")";
  text += format_iso8601(entry.added_at_ms);
  text += R"(","added_by":)";
  text += user_ref_text(call, has_item ? entry.added_by : std::string());
  text += R"(,"is_local":)";
  text += entry.is_local ? "true" : "false";
  if (call.dev2026()) {
    text += R"(,"item":)";
    text += item;
    if (call.world.options.emit_legacy_track_field) {
      text += R"(,"track":)";
      text += item;
    }
  } else {
    text += R"(,"track":)";
    text += item;
  }
  text += "}";
  return text;
}

std::string render_page_text(const Call& call, std::string_view path,
                             const std::vector<plm::http::Field>& extra,
                             const std::vector<std::string>& item_texts, std::size_t offset,
                             std::size_t limit, std::size_t total) {
  std::string page = render_page(call, path, extra, Json::array(), offset, limit, total).dump();
  std::size_t size = 2;
  for (const auto& text : item_texts) size += text.size() + 1;
  std::string items;
  items.reserve(size);
  items += "[";
  for (std::size_t i = 0; i < item_texts.size(); ++i) {
    if (i > 0) items += ",";
    items += item_texts[i];
  }
  items += "]";
  // Keys are sorted, and "href" (a JSON string, its quotes escaped) precedes "items": the first
  // `"items":[]` is the page's own.
  const std::string placeholder = R"("items":[])";
  const auto at = page.find(placeholder);
  page.replace(at, placeholder.size(), R"("items":)" + items);
  return page;
}

Json render_images(const Call& call, const Playlist& playlist) {
  const std::string version = std::to_string(playlist.version);
  // An upload shows after cover_delay_ms (consistency.hpp); its URL names the version it made.
  if (const ShownCover cover = shown_cover(playlist, call.now_ms); !cover.jpeg->empty()) {
    return Json::array({Json{{"url", call.base_url + "/image/cover-" + playlist.id + "-" +
                                         std::to_string(cover.version)},
                             {"height", nullptr},
                             {"width", nullptr}}});
  }
  // Spotify's generated cover: one album cover for fewer than four albums, else a mosaic.
  std::vector<const Track*> albums;
  std::set<std::string> seen;
  for (const auto& entry : playlist.entries) {
    if (entry.is_local || entry.unavailable) continue;
    const Track* track = call.world.catalog.find(track_id_of_uri(entry.uri));
    if (track && seen.insert(track->album.id).second) albums.push_back(track);
    if (albums.size() >= 4) break;
  }
  if (albums.empty()) return Json::array();
  if (albums.size() < 4) {
    return Json::array({Json{{"url", image_url(call, albums.front()->album.image_url,
                                               "album-" + albums.front()->album.id + "-640")},
                             {"height", 640},
                             {"width", 640}}});
  }
  Json images = Json::array();
  for (const int size : {640, 300, 60}) {
    images.push_back(Json{{"url", call.base_url + "/image/mosaic-" + playlist.id + "-" + version +
                                      "-" + std::to_string(size)},
                          {"height", size},
                          {"width", size}});
  }
  return images;
}

Json render_playlist(const Call& call, const Playlist& playlist, bool full, bool with_items) {
  const std::string items_path =
      "/v1/playlists/" + playlist.id + (call.dev2026() ? "/items" : "/tracks");
  Json json{{"collaborative", playlist.collaborative},
            {"description", escape_description(playlist.description.value_or(""))},
            {"external_urls", external_urls("playlist", playlist.id)},
            {"href", call.base_url + "/v1/playlists/" + playlist.id},
            {"id", playlist.id},
            {"images", render_images(call, playlist)},
            {"name", playlist.name},
            {"owner", render_user_ref(call, playlist.owner_id, true)},
            {"public", playlist.is_public ? Json(*playlist.is_public) : Json(nullptr)},
            {"snapshot_id", snapshot_id(call.world, playlist)},
            {"type", "playlist"},
            {"uri", "spotify:playlist:" + playlist.id}};
  const char* items_key = call.dev2026() ? "items" : "tracks";
  if (full) {
    json["followers"] = Json{{"href", nullptr}, {"total", playlist.followers.size()}};
    if (with_items) {
      // The embedded first page links to the items endpoint of the mode, so it uses that
      // endpoint's maximum page: 50 on /items (dev2026), 100 on the legacy /tracks.
      const std::size_t limit = call.dev2026() ? 50 : 100;
      Json entries = Json::array();
      for (std::size_t i = 0; i < playlist.entries.size() && i < limit; ++i) {
        entries.push_back(render_playlist_entry(call, playlist.entries[i]));
      }
      json[items_key] =
          render_page(call, items_path, {}, std::move(entries), 0, limit, playlist.entries.size());
    }
  } else {
    json[items_key] =
        Json{{"href", call.base_url + items_path}, {"total", playlist.entries.size()}};
  }
  return json;
}

Json render_page(const Call& call, std::string_view path,
                 const std::vector<plm::http::Field>& extra, Json items, std::size_t offset,
                 std::size_t limit, std::size_t total, std::size_t max_offset) {
  auto link = [&](std::size_t page_offset) {
    std::vector<plm::http::Field> fields = extra;
    fields.emplace_back("offset", std::to_string(page_offset));
    fields.emplace_back("limit", std::to_string(limit));
    return call.base_url + std::string(path) + "?" + plm::http::build_query(fields);
  };
  return Json{
      {"href", link(offset)},
      {"items", std::move(items)},
      {"limit", limit},
      {"next", offset + limit < total && offset + limit <= max_offset ? Json(link(offset + limit))
                                                                      : Json(nullptr)},
      {"offset", offset},
      {"previous", offset > 0 ? Json(link(offset > limit ? offset - limit : 0)) : Json(nullptr)},
      {"total", total}};
}

std::string track_id_of_uri(std::string_view uri) {
  constexpr std::string_view kPrefix = "spotify:track:";
  if (!uri.starts_with(kPrefix)) return {};
  const auto id = uri.substr(kPrefix.size());
  return is_base62_id(id) ? std::string(id) : std::string();
}

bool is_base62_id(std::string_view id) {
  if (id.size() != 22) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

}  // namespace spotify_emulator
