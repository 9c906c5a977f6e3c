// The Spotify Web API endpoints a playlist manager needs (../shared/docs/spotify-api.md section 2),
// in two modes: dev2026 (the February 2026 development-mode surface; legacy endpoints answer 403)
// and extended (legacy paths and field names). One route table; one function per endpoint.

#include <algorithm>
#include <charconv>

#include "emulator/consistency.hpp"
#include "emulator/internal.hpp"

namespace spotify_emulator {

namespace {

constexpr std::size_t kMaxUrisPerWrite = 100;
constexpr std::size_t kMaxLibraryUris = 40;
constexpr std::size_t kMaxCoverBase64Bytes = 256 * 1024;
constexpr long long kMaxSearchOffset = 1'000;
constexpr long long kMaxPlaylistsOffset = 100'000;
constexpr std::size_t kMaxNameChars = 200;
constexpr std::size_t kMaxDescriptionChars = 300;

// ---- small helpers ---------------------------------------------------------------------------

std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// Reads an integer query parameter within [min, max]; `message` names Spotify's error.
std::optional<std::size_t> integer_param(const Call& call, std::string_view name,
                                         std::size_t fallback, long long min, long long max,
                                         Response& error, std::string_view message) {
  const auto text = call.request.query_param(name);
  if (!text) return fallback;
  const auto value = parse_integer(*text);
  if (!value || *value < min || *value > max) {
    error = api_error(400, message);
    return std::nullopt;
  }
  return static_cast<std::size_t>(*value);
}

std::optional<Json> parse_body(const Call& call, Response& error) {
  if (call.request.body.empty()) return Json::object();
  try {
    return Json::parse(call.request.body);
  } catch (const Json::parse_error&) {
    error = api_error(400, "Error parsing JSON.");
    return std::nullopt;
  }
}

std::vector<std::string> split_commas(std::string_view text) {
  std::vector<std::string> parts;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto part = text.substr(0, comma);
    if (!part.empty()) parts.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return parts;
}

/// Characters (UTF-8 code points) in `text`: Spotify's name and description limits count these.
std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  }));
}

bool valid_market(std::string_view market) {
  return market == "from_token" ||
         (market.size() == 2 && std::isupper(static_cast<unsigned char>(market[0])) &&
          std::isupper(static_cast<unsigned char>(market[1])));
}

/// A description Spotify does not take: more than 300 characters or a line break. Spotify answers
/// 500 "Server error." (spotify-api.md section 7.17: troi#155, Samplify#3); the emulator's default
/// names the problem with a 400 instead, and `--description-errors observed` answers like Spotify.
std::optional<Response> refuse_description(const Call& call, std::string_view text) {
  const bool too_long = utf8_length(text) > kMaxDescriptionChars;
  const bool line_break = text.find_first_of("\r\n") != std::string_view::npos;
  if (!too_long && !line_break) return std::nullopt;
  if (call.world.options.description_errors == DescriptionErrors::Observed) {
    return api_error(500, "Server error.");
  }
  return api_error(
      400, too_long ? "Description is too long" : "Description must not contain line breaks");
}

Response require_user(const Call& call) {
  (void)call;
  return api_error(401, "This request requires user authentication.");
}

/// Every mutation of a playlist ends here: a new version (and snapshot), kept when a mode needs
/// it. The write itself starts with before_write (consistency.hpp).
void touch(Call& call, Playlist& playlist) { after_write(call.world, playlist, call.now_ms); }

Json snapshot_body(const World& world, const Playlist& playlist) {
  return Json{{"snapshot_id", snapshot_id(world, playlist)}};
}

bool is_collaborator(const Playlist& playlist, const std::string& user_id) {
  return playlist.collaborative && playlist.followers.count(user_id) > 0;
}

bool is_private(const Playlist& playlist) {
  return playlist.is_public.has_value() && !*playlist.is_public;
}

/// Finds a playlist the caller may see (private ones only by owner and followers).
Playlist* find_playlist(Call& call, const std::string& id, Response& error) {
  if (!is_base62_id(id)) {
    error = api_error(400, "Invalid base62 id");
    return nullptr;
  }
  const auto found = call.world.playlists.find(id);
  const User* user = call.user();
  if (found == call.world.playlists.end() ||
      (call.dev2026() && found->second.owner_id == "spotify")) {  // editorial: 404 since 2024-11-27
    error = api_error(404, "Not found.");
    return nullptr;
  }
  Playlist& playlist = found->second;
  const bool insider =
      user && (playlist.owner_id == user->id || playlist.followers.count(user->id));
  if (is_private(playlist) && !insider) {
    error = api_error(404, "Not found.");
    return nullptr;
  }
  return &playlist;
}

/// Dev-mode apps only see the contents of playlists the user owns or collaborates on.
bool can_read_items(const Call& call, const Playlist& playlist) {
  if (!call.dev2026()) return true;
  const User* user = call.user();
  return user && (playlist.owner_id == user->id || is_collaborator(playlist, user->id));
}

/// The read scope a playlist's contents need: `playlist-read-collaborative` for collaborative
/// playlists, `playlist-read-private` for private ones, none for public ones.
bool has_read_scope(const Call& call, const Playlist& playlist) {
  if (playlist.collaborative) return call.has_scope("playlist-read-collaborative");
  if (is_private(playlist)) return call.has_scope("playlist-read-private");
  return true;
}

/// Checks that the caller may change the items of `playlist` (owner or collaborator, with the scope
/// that matches the playlist's visibility).
std::optional<Response> check_modify(const Call& call, const Playlist& playlist, bool owner_only) {
  const User* user = call.user();
  if (!user) return require_user(call);
  const bool allowed =
      playlist.owner_id == user->id || (!owner_only && is_collaborator(playlist, user->id));
  if (!allowed) return api_error(403, "Forbidden");
  const bool needs_private = is_private(playlist) || playlist.collaborative;
  if (!call.has_scope(needs_private ? "playlist-modify-private" : "playlist-modify-public")) {
    return api_error(403, "Insufficient client scope");
  }
  return std::nullopt;
}

/// Track or episode URIs in a write, validated like Spotify does.
std::optional<std::vector<std::string>> read_uris(const Call& call, const Json& body,
                                                  bool from_query, Response& error) {
  std::vector<std::string> uris;
  if (from_query) {
    uris = split_commas(*call.request.query_param("uris"));
  } else {
    const auto found = body.find("uris");
    if (found == body.end() || !found->is_array()) {
      error = api_error(400, "No uris provided");
      return std::nullopt;
    }
    for (const auto& uri : *found) {
      if (!uri.is_string()) {
        error = api_error(400, "JSON body contains an invalid track uri: " + uri.dump());
        return std::nullopt;
      }
      uris.push_back(uri.get<std::string>());
    }
  }
  if (uris.size() > kMaxUrisPerWrite) {
    error = api_error(400, "You can add a maximum of 100 tracks per request.");
    return std::nullopt;
  }
  for (const auto& uri : uris) {
    std::string_view id;
    std::string_view kind;
    if (uri.starts_with("spotify:track:")) {
      id = std::string_view(uri).substr(14);
      kind = "track";
    } else if (uri.starts_with("spotify:episode:")) {
      id = std::string_view(uri).substr(16);
      kind = "episode";
    }
    if (!is_base62_id(id)) {
      error = api_error(400, from_query ? "Invalid track uri: " + uri
                                        : "JSON body contains an invalid track uri: " + uri);
      return std::nullopt;
    }
    const Track* track = call.world.catalog.find(id);
    if (!track || track->kind != kind) {
      error = api_error(400, "Payload contains a non-existing ID");
      return std::nullopt;
    }
  }
  return uris;
}

Entry new_entry(const Call& call, std::string uri) {
  Entry entry;
  entry.key = ++call.world.entry_counter;
  entry.uri = std::move(uri);
  entry.added_at_ms = call.now_ms;
  entry.added_by = call.user() ? call.user()->id : "";
  return entry;
}

// ---- /me ---------------------------------------------------------------------------------------

Response get_me(Call& call) {
  const User* user = call.user();
  if (!user) return require_user(call);
  return json_response(200, render_private_user(call, *user));
}

bool listed_for(const Call& call, const Playlist& playlist, const User& user) {
  const bool owns = playlist.owner_id == user.id;
  if (owns ? !playlist.owner_follows : !playlist.followers.count(user.id)) return false;
  if (playlist.collaborative) return call.has_scope("playlist-read-collaborative");
  if (is_private(playlist)) return call.has_scope("playlist-read-private");
  return true;
}

Response list_playlists(Call& call, const User& user, bool only_owned_public,
                        std::string_view path) {
  Response error;
  const auto limit = integer_param(call, "limit", 20, 1, 50, error, "Invalid limit");
  if (!limit) return error;
  const auto offset =
      integer_param(call, "offset", 0, 0, kMaxPlaylistsOffset, error, "Invalid offset");
  if (!offset) return error;
  std::vector<const Playlist*> visible;
  for (const auto& id : call.world.playlist_order) {
    const Playlist& playlist = call.world.playlists.at(id);
    if (only_owned_public) {
      if (playlist.owner_id == user.id && !is_private(playlist) && !playlist.collaborative &&
          playlist.owner_follows)
        visible.push_back(&playlist);
    } else if (listed_for(call, playlist, user)) {
      visible.push_back(&playlist);
    }
  }
  Json items = Json::array();
  for (std::size_t i = *offset; i < visible.size() && i < *offset + *limit; ++i) {
    // Listed as reads see it (a stale version after a recent write, in that mode).
    const Playlist& shown = shown_version(call.world, *visible[i], call.now_ms);
    items.push_back(render_playlist(call, shown, /*full=*/false, /*with_items=*/false));
  }
  return json_response(
      200, render_page(call, path, {}, std::move(items), *offset, *limit, visible.size(),
                       static_cast<std::size_t>(kMaxPlaylistsOffset)));
}

Response get_my_playlists(Call& call) {
  const User* user = call.user();
  if (!user) return require_user(call);
  return list_playlists(call, *user, false, "/v1/me/playlists");
}

/// Shared by POST /me/playlists and the legacy POST /users/{id}/playlists.
Response create_playlist(Call& call) {
  const User* user = call.user();
  if (!user) return require_user(call);
  Response error;
  const auto body = parse_body(call, error);
  if (!body) return error;
  if (!body->is_object() || !body->contains("name") || !(*body)["name"].is_string()) {
    return api_error(400, "Missing required field: name");
  }
  const std::string name = (*body)["name"];
  if (name.empty()) return api_error(400, "Missing required field: name");
  if (utf8_length(name) > kMaxNameChars) return api_error(400, "Playlist name is too long");
  bool is_public = true;
  bool collaborative = false;
  if (body->contains("public")) {
    if (!(*body)["public"].is_boolean()) return api_error(400, "Invalid value for field: public");
    is_public = (*body)["public"];
  }
  if (body->contains("collaborative")) {
    if (!(*body)["collaborative"].is_boolean())
      return api_error(400, "Invalid value for field: collaborative");
    collaborative = (*body)["collaborative"];
  }
  if (collaborative && is_public) {
    return api_error(400, "You can only set collaborative to true on non-public playlists.");
  }
  std::optional<std::string> description;
  if (body->contains("description") && !(*body)["description"].is_null()) {
    if (!(*body)["description"].is_string())
      return api_error(400, "Invalid value for field: description");
    description = (*body)["description"].get<std::string>();
    if (auto refused = refuse_description(call, *description)) return *refused;
  }
  const bool needs_private = !is_public || collaborative;
  if (!call.has_scope(needs_private ? "playlist-modify-private" : "playlist-modify-public")) {
    return api_error(403, "Insufficient client scope");
  }
  Playlist playlist;
  playlist.id = call.world.new_id();
  playlist.owner_id = user->id;
  playlist.name = name;
  playlist.description = description;
  playlist.is_public = is_public;
  playlist.collaborative = collaborative;
  const std::string id = playlist.id;
  call.world.playlists.emplace(id, std::move(playlist));
  // New playlists appear at the top of the user's list, as in Spotify's clients.
  call.world.playlist_order.insert(call.world.playlist_order.begin(), id);
  return json_response(201, render_playlist(call, call.world.playlists.at(id), true, true));
}

// ---- /playlists/{id} ---------------------------------------------------------------------------

Response get_playlist(Call& call) {
  Response error;
  Playlist* playlist = find_playlist(call, call.params[0], error);
  if (!playlist) return error;
  if (auto market = call.request.query_param("market"); market && !valid_market(*market)) {
    return api_error(400, "Invalid market code");
  }
  const Playlist& shown = shown_version(call.world, *playlist, call.now_ms);
  Json json = render_playlist(call, shown, /*full=*/true,
                              can_read_items(call, *playlist) && has_read_scope(call, *playlist));
  if (auto fields = call.request.query_param("fields")) {
    if (!apply_fields_filter(*fields, json)) return api_error(400, "Invalid fields");
  }
  return json_response(200, json);
}

Response change_details(Call& call) {
  Response error;
  Playlist* playlist = find_playlist(call, call.params[0], error);
  if (!playlist) return error;
  const auto body = parse_body(call, error);
  if (!body) return error;
  if (!body->is_object()) return api_error(400, "Error parsing JSON.");
  Playlist changed = *playlist;
  if (body->contains("name")) {
    const auto& name = (*body)["name"];
    if (!name.is_string() || name.get<std::string>().empty())
      return api_error(400, "Invalid value for field: name");
    if (utf8_length(name.get<std::string>()) > kMaxNameChars)
      return api_error(400, "Playlist name is too long");
    changed.name = name;
  }
  if (body->contains("public")) {
    if (!(*body)["public"].is_boolean()) return api_error(400, "Invalid value for field: public");
    changed.is_public = (*body)["public"].get<bool>();
  }
  if (body->contains("collaborative")) {
    if (!(*body)["collaborative"].is_boolean())
      return api_error(400, "Invalid value for field: collaborative");
    changed.collaborative = (*body)["collaborative"];
  }
  if (body->contains("description")) {
    const auto& description = (*body)["description"];
    if (!description.is_string()) return api_error(400, "Invalid value for field: description");
    const std::string text = description;
    if (text.empty()) return api_error(400, "Attribute description is empty");
    if (auto refused = refuse_description(call, text)) return *refused;
    changed.description = text;
  }
  if (changed.collaborative && changed.is_public.value_or(true)) {
    return api_error(400, "You can only set collaborative to true on non-public playlists.");
  }
  // The scope follows the target state: making a playlist private needs modify-private.
  if (auto denied = check_modify(call, changed, /*owner_only=*/true)) return *denied;
  before_write(call.world, *playlist);
  *playlist = std::move(changed);
  touch(call, *playlist);
  return Response::empty(200);
}

// ---- /playlists/{id}/items (and legacy /tracks) -----------------------------------------------

bool legacy_items_path(const Call& call) { return call.request.path.ends_with("/tracks"); }

/// A `snapshot_id` in the body of a removal or a reorder, as the snapshot mode answers it
/// (world.hpp, SnapshotMode): a refusal, or nullopt to go on with `named` set to the version it
/// names in apply-to-named mode (`playlist` itself for the current snapshot; null when none sent).
std::optional<Response> check_sent_snapshot(const Call& call, const Playlist& playlist,
                                            const Json& body, const Playlist*& named) {
  named = nullptr;
  const auto sent = body.find("snapshot_id");
  if (sent == body.end() || sent->is_null()) return std::nullopt;
  switch (call.world.options.snapshot_mode) {
    case SnapshotMode::Ignore:
      return std::nullopt;
    case SnapshotMode::BadVersionTag:
      return api_error(400, "Missing or bad version tag");
    case SnapshotMode::ErrorLoading:
      return api_error(502, "Error while loading resource");
    case SnapshotMode::InvalidBase62:
      return api_error(502, "Invalid base62");
    case SnapshotMode::ApplyToNamed:
      if (sent->is_string()) named = version_named(call.world, playlist, sent->get<std::string>());
      if (!named) return api_error(400, "Missing or bad version tag");
      return std::nullopt;
  }
  return std::nullopt;
}

/// A reorder whose indices count on the older version `named`, applied to `playlist` (see
/// reorder_by_identity).
void apply_named_reorder(const Playlist& named, Playlist& playlist, long long start,
                         long long before, long long length) {
  std::vector<std::uint64_t> named_keys;
  for (const auto& entry : named.entries) named_keys.push_back(entry.key);
  std::vector<std::uint64_t> current_keys;
  std::map<std::uint64_t, Entry> by_key;
  for (auto& entry : playlist.entries) {
    current_keys.push_back(entry.key);
    by_key.emplace(entry.key, std::move(entry));
  }
  const auto order =
      reorder_by_identity(named_keys, current_keys, static_cast<std::size_t>(start),
                          static_cast<std::size_t>(before), static_cast<std::size_t>(length));
  playlist.entries.clear();
  for (const auto key : order) playlist.entries.push_back(std::move(by_key.at(key)));
}

Response get_items(Call& call) {
  Response error;
  Playlist* playlist = find_playlist(call, call.params[0], error);
  if (!playlist) return error;
  if (!has_read_scope(call, *playlist)) return api_error(403, "Insufficient client scope");
  if (!can_read_items(call, *playlist)) return api_error(403, "Forbidden");
  const bool legacy = legacy_items_path(call);
  // /items documents limit 1-50; the legacy /tracks accepted up to 100 (its default too).
  const auto limit =
      integer_param(call, "limit", legacy ? 100 : 20, 1, legacy ? 100 : 50, error, "Invalid limit");
  if (!limit) return error;
  const auto offset = integer_param(call, "offset", 0, 0, 1'000'000, error, "Invalid offset");
  if (!offset) return error;
  if (auto market = call.request.query_param("market"); market && !valid_market(*market)) {
    return api_error(400, "Invalid market code");
  }
  std::vector<plm::http::Field> extra;
  for (const auto* name : {"market", "fields", "additional_types"}) {
    if (auto value = call.request.query_param(name)) extra.emplace_back(name, std::string(*value));
  }
  const Playlist& shown = shown_version(call.world, *playlist, call.now_ms);
  std::vector<std::string> entries;
  for (std::size_t i = *offset; i < shown.entries.size() && i < *offset + *limit; ++i) {
    entries.push_back(render_playlist_entry_text(call, shown.entries[i]));
  }
  std::string page = render_page_text(call, call.request.path, extra, entries, *offset, *limit,
                                      shown.entries.size());
  if (auto fields = call.request.query_param("fields")) {
    // The filter works on a tree; `fields` requests are rare enough to pay for the parse.
    Json tree = Json::parse(page);
    if (!apply_fields_filter(*fields, tree)) return api_error(400, "Invalid fields");
    return json_response(200, tree);
  }
  return Response::json(200, std::move(page));
}

/// The playlist of an items write (add, reorder/replace, remove) and its JSON object body, after
/// the checks every such write shares; nullopt with `error` set when one fails.
struct ItemsWrite {
  Playlist* playlist = nullptr;
  Json body;
};

std::optional<ItemsWrite> begin_items_write(Call& call, Response& error) {
  Playlist* playlist = find_playlist(call, call.params[0], error);
  if (!playlist) return std::nullopt;
  if (auto denied = check_modify(call, *playlist, false)) {
    error = *denied;
    return std::nullopt;
  }
  before_write(call.world, *playlist);
  auto body = parse_body(call, error);
  if (!body) return std::nullopt;
  if (!body->is_object()) {
    error = api_error(400, "Error parsing JSON.");
    return std::nullopt;
  }
  return ItemsWrite{playlist, std::move(*body)};
}

Response add_items(Call& call) {
  Response error;
  auto write = begin_items_write(call, error);
  if (!write) return error;
  Playlist* const playlist = write->playlist;
  const Json* const body = &write->body;
  const bool from_query = call.request.has_query_param("uris");
  const auto uris = read_uris(call, *body, from_query, error);
  if (!uris) return error;
  std::size_t position = playlist->entries.size();
  if (auto text = call.request.query_param("position")) {
    const auto value = parse_integer(*text);
    if (!value) return api_error(400, "Invalid position");
    if (*value < 0 || static_cast<std::size_t>(*value) > playlist->entries.size()) {
      return api_error(400, "Index out of bounds");
    }
    position = static_cast<std::size_t>(*value);
  } else if (body->contains("position") && !(*body)["position"].is_null()) {
    const auto& value = (*body)["position"];
    if (!value.is_number_integer()) return api_error(400, "Invalid position");
    const auto index = value.get<long long>();
    if (index < 0 || static_cast<std::size_t>(index) > playlist->entries.size()) {
      return api_error(400, "Index out of bounds");
    }
    position = static_cast<std::size_t>(index);
  }
  if (playlist->entries.size() + uris->size() >
      static_cast<std::size_t>(call.world.options.max_playlist_items)) {
    return api_error(403, "Playlist size limit reached");
  }
  std::vector<Entry> added;
  for (const auto& uri : *uris) added.push_back(new_entry(call, uri));
  playlist->entries.insert(playlist->entries.begin() + static_cast<std::ptrdiff_t>(position),
                           added.begin(), added.end());
  touch(call, *playlist);
  return json_response(201, snapshot_body(call.world, *playlist));
}

Response reorder_or_replace_items(Call& call) {
  Response error;
  auto write = begin_items_write(call, error);
  if (!write) return error;
  Playlist* const playlist = write->playlist;
  const Json* const body = &write->body;
  const bool reorder = body->contains("range_start") || body->contains("insert_before");
  if (reorder) {
    auto read_index = [&](const char* name, long long fallback) -> std::optional<long long> {
      if (!body->contains(name)) return fallback;
      const auto& value = (*body)[name];
      if (!value.is_number_integer()) return std::nullopt;
      return value.get<long long>();
    };
    const auto start = read_index("range_start", -1);
    const auto before = read_index("insert_before", -1);
    const auto length = read_index("range_length", 1);
    if (!start || !before || !length) return api_error(400, "Invalid range");
    const Playlist* named = nullptr;
    if (auto refused = check_sent_snapshot(call, *playlist, *body, named)) return *refused;
    // Indices count on the version the reorder names (apply-to-named), else on the current one.
    const auto size = static_cast<long long>((named ? named : playlist)->entries.size());
    // `length > size - start` rather than `start + length > size`: no overflow for huge lengths.
    if (*start < 0 || *start > size || *length < 1 || *length > size - *start || *before < 0 ||
        *before > size) {
      return api_error(400, "Index out of bounds");
    }
    if (named && named != playlist) {
      apply_named_reorder(*named, *playlist, *start, *before, *length);
    } else if (*before < *start || *before > *start + *length) {
      // Move [start, start+length) before the element that was at `before` (indices of the
      // playlist as it was before the move); a target inside the range is a no-op.
      auto& entries = playlist->entries;
      std::vector<Entry> moved(entries.begin() + *start, entries.begin() + *start + *length);
      entries.erase(entries.begin() + *start, entries.begin() + *start + *length);
      const auto target = *before > *start ? *before - *length : *before;
      entries.insert(entries.begin() + target, moved.begin(), moved.end());
    }
    touch(call, *playlist);
    return json_response(200, snapshot_body(call.world, *playlist));
  }
  const bool from_query = call.request.has_query_param("uris");
  const auto uris = read_uris(call, *body, from_query, error);
  if (!uris) return error;
  // Replace: local files cannot be written back, so they are dropped like on Spotify.
  playlist->entries.clear();
  for (const auto& uri : *uris) playlist->entries.push_back(new_entry(call, uri));
  touch(call, *playlist);
  return json_response(200, snapshot_body(call.world, *playlist));
}

Response remove_items(Call& call) {
  Response error;
  auto write = begin_items_write(call, error);
  if (!write) return error;
  Playlist* const playlist = write->playlist;
  const Json* const body = &write->body;
  // The February 2026 rename: the body key is `items` on /items and `tracks` on legacy /tracks.
  const char* key = legacy_items_path(call) ? "tracks" : "items";
  // Removal is by URI, so a snapshot that is accepted changes nothing about it.
  const Playlist* named = nullptr;
  if (auto refused = check_sent_snapshot(call, *playlist, *body, named)) return *refused;
  const auto found = body->find(key);
  if (found == body->end() || !found->is_array() || found->empty())
    return api_error(400, "No uris provided");
  if (found->size() > kMaxUrisPerWrite)
    return api_error(400, "You can remove a maximum of 100 tracks per request.");
  std::set<std::string> remove;
  for (const auto& item : *found) {
    if (!item.is_object() || !item.contains("uri") || !item["uri"].is_string()) {
      return api_error(400, "No uris provided");
    }
    const std::string uri = item["uri"];
    if (uri.starts_with("spotify:local:")) {
      return api_error(400, "Could not remove tracks, please check parameters.");
    }
    const bool valid =
        !track_id_of_uri(uri).empty() ||
        (uri.starts_with("spotify:episode:") && is_base62_id(std::string_view(uri).substr(16)));
    if (!valid) return api_error(400, "JSON body contains an invalid track uri: " + uri);
    remove.insert(uri);  // `positions` has been ignored since 2024: every occurrence goes.
  }
  std::erase_if(playlist->entries,
                [&](const Entry& entry) { return !entry.is_local && remove.count(entry.uri); });
  touch(call, *playlist);
  return json_response(200, snapshot_body(call.world, *playlist));
}

// ---- /playlists/{id}/images --------------------------------------------------------------------

Response get_images(Call& call) {
  Response error;
  Playlist* playlist = find_playlist(call, call.params[0], error);
  if (!playlist) return error;
  return json_response(200, render_images(call, shown_version(call.world, *playlist, call.now_ms)));
}

Response upload_cover(Call& call) {
  Response error;
  Playlist* playlist = find_playlist(call, call.params[0], error);
  if (!playlist) return error;
  if (auto denied = check_modify(call, *playlist, false)) return *denied;
  if (!call.has_scope("ugc-image-upload")) return api_error(403, "Insufficient client scope");
  const auto& body = call.request.body;
  if (body.size() > kMaxCoverBase64Bytes) return api_error(413, "Request entity too large");
  if (body.empty()) return api_error(400, "Missing image data");
  const auto jpeg = plm::http::base64_decode(body);  // rejects "data:" prefixes and newlines
  if (!jpeg) return api_error(400, "Image data is not valid base64");
  if (jpeg->size() < 4 || static_cast<unsigned char>((*jpeg)[0]) != 0xFF ||
      static_cast<unsigned char>((*jpeg)[1]) != 0xD8) {
    return api_error(400, "Image must be a JPEG");
  }
  before_write(call.world, *playlist);
  // Reads show the upload after cover_delay_ms (0: at once); until then what they show now.
  const ShownCover showing = shown_cover(*playlist, call.now_ms);
  std::string previous = *showing.jpeg;
  playlist->previous_cover_version = showing.version;
  playlist->previous_cover_jpeg = std::move(previous);
  playlist->cover_jpeg = *jpeg;
  playlist->cover_version = playlist->version + 1;  // the version touch() makes
  playlist->cover_shown_from_ms = call.now_ms + call.world.options.consistency.cover_delay_ms;
  touch(call, *playlist);
  return Response::empty(202);
}

// ---- /me/library and legacy followers ----------------------------------------------------------

Response follow_playlist(Call& call, Playlist& playlist, bool follow) {
  const User* user = call.user();
  if (playlist.owner_id == user->id) {
    playlist.owner_follows = follow;
  } else if (follow) {
    playlist.followers.insert(user->id);
  } else {
    playlist.followers.erase(user->id);
  }
  return Response::empty(200);
}

/// A URI `/me/library` accepts (besides playlists, which are looked up): the spec's types, with a
/// base-62 id for catalog items and any non-empty id for users.
bool library_uri_ok(std::string_view uri) {
  if (uri.starts_with("spotify:user:")) {
    const auto id = uri.substr(13);
    return !id.empty() && id.find(':') == std::string_view::npos;
  }
  for (const std::string_view kind : {"track", "album", "episode", "show", "audiobook"}) {
    const std::string prefix = "spotify:" + std::string(kind) + ":";
    if (uri.starts_with(prefix)) return is_base62_id(uri.substr(prefix.size()));
  }
  return false;
}

Response change_library(Call& call) {
  const User* user = call.user();
  if (!user) return require_user(call);
  const bool save = call.request.method == "PUT";
  const auto text = call.request.query_param("uris");
  if (!text || text->empty()) return api_error(400, "Missing parameter uris");
  const auto uris = split_commas(*text);
  if (uris.size() > kMaxLibraryUris) return api_error(400, "Too many ids requested");
  if (!call.has_scope("playlist-modify-public") && !call.has_scope("playlist-modify-private") &&
      !call.has_scope("user-library-modify")) {
    return api_error(403, "Insufficient client scope");
  }
  // Validate everything first so a bad URI changes nothing.
  std::vector<Playlist*> playlists;
  for (const auto& uri : uris) {
    if (uri.starts_with("spotify:playlist:")) {
      Response error;
      Playlist* playlist = find_playlist(call, uri.substr(17), error);
      if (!playlist) return error;
      playlists.push_back(playlist);
    } else if (!library_uri_ok(uri)) {
      return api_error(400, "Invalid uri: " + uri);
    }
  }
  for (Playlist* playlist : playlists) follow_playlist(call, *playlist, save);
  User& mutable_user = call.world.users.at(user->id);
  for (const auto& uri : uris) {
    if (uri.starts_with("spotify:playlist:")) continue;
    if (save) {
      mutable_user.saved_uris.insert(uri);
    } else {
      mutable_user.saved_uris.erase(uri);
    }
  }
  return Response::empty(200);
}

Response library_contains(Call& call) {
  const User* user = call.user();
  if (!user) return require_user(call);
  const auto text = call.request.query_param("uris");
  if (!text || text->empty()) return api_error(400, "Missing parameter uris");
  const auto uris = split_commas(*text);
  if (uris.size() > kMaxLibraryUris) return api_error(400, "Too many ids requested");
  for (const auto& uri : uris) {
    const bool playlist_uri = uri.starts_with("spotify:playlist:") && is_base62_id(uri.substr(17));
    if (!playlist_uri && !library_uri_ok(uri)) return api_error(400, "Invalid uri: " + uri);
  }
  Json result = Json::array();
  for (const auto& uri : uris) {
    if (uri.starts_with("spotify:playlist:")) {
      const auto found = call.world.playlists.find(uri.substr(17));
      const bool follows =
          found != call.world.playlists.end() &&
          (found->second.owner_id == user->id ? found->second.owner_follows
                                              : found->second.followers.count(user->id) > 0);
      result.push_back(follows);
    } else {
      result.push_back(user->saved_uris.count(uri) > 0);
    }
  }
  return json_response(200, result);
}

Response legacy_followers(Call& call) {
  const User* user = call.user();
  if (!user) return require_user(call);
  Response error;
  Playlist* playlist = find_playlist(call, call.params[0], error);
  if (!playlist) return error;
  if (!call.has_scope("playlist-modify-public") && !call.has_scope("playlist-modify-private")) {
    return api_error(403, "Insufficient client scope");
  }
  return follow_playlist(call, *playlist, call.request.method == "PUT");
}

// ---- search and tracks -------------------------------------------------------------------------

Json render_search_artist(const Call& call, const Artist& artist) {
  Json json{{"external_urls", Json{{"spotify", "https://open.spotify.com/artist/" + artist.id}}},
            {"genres", Json::array()},
            {"href", call.base_url + "/v1/artists/" + artist.id},
            {"id", artist.id},
            {"images", Json::array()},
            {"name", artist.name},
            {"type", "artist"},
            {"uri", "spotify:artist:" + artist.id}};
  if (!call.dev2026()) {
    json["followers"] = Json{{"href", nullptr}, {"total", 0}};
    json["popularity"] = 0;
  }
  return json;
}

Response search(Call& call) {
  auto q = call.request.query_param("q");
  if (!q) q = call.request.query_param("query");  // Spotify's own next links use `query`
  if (!q || q->empty()) return api_error(400, "No search query");
  const auto type_text = call.request.query_param("type");
  if (!type_text || type_text->empty()) return api_error(400, "Missing parameter type");
  static const std::set<std::string> kTypes{"album", "artist",  "playlist", "track",
                                            "show",  "episode", "audiobook"};
  const auto types = split_commas(*type_text);
  for (const auto& type : types) {
    if (!kTypes.count(type)) return api_error(400, "Bad search type field " + type);
  }
  // February 2026: development-mode apps get at most 10 results a page (default 5).
  const std::size_t max_limit = call.dev2026() ? 10 : 50;
  Response error;
  const auto limit = integer_param(call, "limit", call.dev2026() ? 5 : 20, 1,
                                   static_cast<long long>(max_limit), error, "Invalid limit");
  if (!limit) return error;
  const auto offset =
      integer_param(call, "offset", 0, 0, kMaxSearchOffset, error, "Invalid offset");
  if (!offset) return error;
  if (auto market = call.request.query_param("market"); market && !valid_market(*market)) {
    return api_error(400, "Invalid market code");
  }
  const SearchQuery query = parse_search_query(*q);
  std::vector<plm::http::Field> extra{{"query", std::string(*q)},
                                      {"type", std::string(*type_text)}};
  if (auto market = call.request.query_param("market"))
    extra.emplace_back("market", std::string(*market));
  Json result = Json::object();
  for (const auto& type : types) {
    Json items = Json::array();
    std::size_t total = 0;
    if (type == "track") {
      const auto page = call.world.search.search_tracks(query, *offset, *limit);
      for (const Track* track : page.items) items.push_back(render_track(call, *track));
      total = page.total;
    } else if (type == "artist") {
      for (const Artist* artist : call.world.search.search_artists(query, *offset, *limit, total)) {
        items.push_back(render_search_artist(call, *artist));
      }
    } else if (type == "album") {
      for (const Album* album : call.world.search.search_albums(query, *offset, *limit, total)) {
        // Albums render like a track's album (SimplifiedAlbumObject).
        Track holder;
        holder.album = *album;
        items.push_back(render_track(call, holder)["album"]);
      }
    }
    result[type + "s"] = render_page(call, "/v1/search", extra, std::move(items), *offset, *limit,
                                     total, static_cast<std::size_t>(kMaxSearchOffset));
  }
  return json_response(200, result);
}

Response get_track(Call& call) {
  const auto& id = call.params[0];
  if (!is_base62_id(id)) return api_error(400, "invalid id");
  if (auto market = call.request.query_param("market"); market && !valid_market(*market)) {
    return api_error(400, "Invalid market code");
  }
  const Track* track = call.world.catalog.find(id);
  if (!track || track->kind != "track") return api_error(404, "Not found.");
  return json_response(200, render_track(call, *track));
}

Response legacy_several_tracks(Call& call) {
  const auto text = call.request.query_param("ids");
  if (!text || text->empty()) return api_error(400, "Missing parameter ids");
  const auto ids = split_commas(*text);
  if (ids.size() > 50) return api_error(400, "Too many ids requested");
  Json tracks = Json::array();
  for (const auto& id : ids) {
    if (!is_base62_id(id)) return api_error(400, "invalid id");
    const Track* track = call.world.catalog.find(id);
    tracks.push_back(track && track->kind == "track" ? render_track(call, *track) : Json(nullptr));
  }
  return json_response(200, Json{{"tracks", std::move(tracks)}});
}

// ---- endpoints removed for development-mode apps in February 2026 ------------------------------
// Served in extended mode only (dev2026 answers 403 before reaching them), as minimal but correct
// versions of what the catalog holds (spotify-api.md section 2.15).

/// The `ids` of a batch call (query string, else a JSON body's `ids`), each a base-62 id, at most
/// `max`; nullopt with `error` set otherwise.
std::optional<std::vector<std::string>> batch_ids(const Call& call, std::size_t max,
                                                  Response& error, bool base62 = true) {
  std::vector<std::string> ids;
  if (const auto text = call.request.query_param("ids")) {
    ids = split_commas(*text);
  } else if (!call.request.body.empty()) {
    const auto body = parse_body(call, error);
    if (!body) return std::nullopt;
    const auto found = body->is_object() ? body->find("ids") : body->end();
    if (found != body->end() && found->is_array()) {
      for (const auto& id : *found) {
        if (id.is_string()) ids.push_back(id.get<std::string>());
      }
    }
  }
  if (ids.empty()) {
    error = api_error(400, "Missing parameter ids");
    return std::nullopt;
  }
  if (ids.size() > max) {
    error = api_error(400, "Too many ids requested");
    return std::nullopt;
  }
  for (const auto& id : ids) {
    if (base62 ? !is_base62_id(id) : id.empty()) {
      error = api_error(400, "invalid id");
      return std::nullopt;
    }
  }
  return ids;
}

/// The catalog's album or artist with this id, through the first track that has it.
const Track* track_with_album(const Call& call, std::string_view album_id) {
  for (const auto& track : call.world.catalog.tracks()) {
    if (track.kind == "track" && track.album.id == album_id) return &track;
  }
  return nullptr;
}

const Artist* find_artist(const Call& call, std::string_view artist_id) {
  for (const auto& track : call.world.catalog.tracks()) {
    for (const auto& artist : track.artists) {
      if (artist.id == artist_id) return &artist;
    }
  }
  return nullptr;
}

/// A full AlbumObject: the simplified album plus its catalog tracks (SimplifiedTrackObject) and
/// the fields Spotify fills with little or nothing (copyrights, genres, label).
Json render_full_album(const Call& call, const Track& holder) {
  Json album = render_track(call, holder)["album"];
  Json tracks = Json::array();
  for (const auto& track : call.world.catalog.tracks()) {
    if (track.kind != "track" || track.album.id != holder.album.id) continue;
    Json simplified = render_track(call, track);
    for (const char* field : {"album", "external_ids", "popularity"}) simplified.erase(field);
    tracks.push_back(std::move(simplified));
    if (tracks.size() == 50) break;
  }
  const std::size_t total = tracks.size();
  album["tracks"] = render_page(call, "/v1/albums/" + holder.album.id + "/tracks", {},
                                std::move(tracks), 0, 50, total);
  album["copyrights"] = Json::array();
  album["external_ids"] = Json::object();
  album["genres"] = Json::array();
  album["label"] = "";
  album["popularity"] = holder.popularity;
  return album;
}

/// GET /albums, /artists, /episodes, ... ?ids=: `{"albums": [...]}` with each id rendered by
/// `render`, null where the catalog has nothing (as Spotify answers ids it cannot return).
template <typename Render>
Response several(Call& call, std::size_t max, Render render) {
  Response error;
  const auto ids = batch_ids(call, max, error);
  if (!ids) return error;
  Json items = Json::array();
  for (const auto& id : *ids) items.push_back(render(id));
  const std::string key = call.request.path.substr(std::string_view("/v1/").size());
  return json_response(200, Json{{key, std::move(items)}});
}

Response legacy_several_albums(Call& call) {
  return several(call, 20, [&](const std::string& id) {
    const Track* holder = track_with_album(call, id);
    return holder ? render_full_album(call, *holder) : Json(nullptr);
  });
}

Response legacy_several_artists(Call& call) {
  return several(call, 50, [&](const std::string& id) {
    const Artist* artist = find_artist(call, id);
    return artist ? render_search_artist(call, *artist) : Json(nullptr);
  });
}

/// Several shows, episodes, audiobooks or chapters: the catalog holds none of these objects, so
/// every id is unknown.
Response legacy_several_other(Call& call) {
  return several(call, 50, [](const std::string&) { return Json(nullptr); });
}

/// The artist's ten most popular catalog tracks.
Response legacy_artist_top_tracks(Call& call) {
  const auto& id = call.params[0];
  if (!is_base62_id(id)) return api_error(400, "invalid id");
  if (!find_artist(call, id)) return api_error(404, "Not found.");
  std::vector<const Track*> found;
  for (const auto& track : call.world.catalog.tracks()) {
    if (track.kind != "track") continue;
    const bool by_artist = std::any_of(track.artists.begin(), track.artists.end(),
                                       [&](const Artist& artist) { return artist.id == id; });
    if (by_artist) found.push_back(&track);
  }
  std::stable_sort(found.begin(), found.end(), [](const Track* left, const Track* right) {
    return left->popularity > right->popularity;
  });
  Json tracks = Json::array();
  for (std::size_t i = 0; i < found.size() && i < 10; ++i)
    tracks.push_back(render_track(call, *found[i]));
  return json_response(200, Json{{"tracks", std::move(tracks)}});
}

Response legacy_markets(Call& /*call*/) {
  return json_response(200, Json{{"markets", sample_markets()}});
}

/// The catalog's new releases: the albums `tag:new` finds in search.
Response legacy_new_releases(Call& call) {
  Response error;
  const auto limit = integer_param(call, "limit", 20, 1, 50, error, "Invalid limit");
  if (!limit) return error;
  const auto offset = integer_param(call, "offset", 0, 0, 1'000, error, "Invalid offset");
  if (!offset) return error;
  std::size_t total = 0;
  Json items = Json::array();
  for (const Album* album :
       call.world.search.search_albums(parse_search_query("tag:new"), *offset, *limit, total)) {
    Track holder;
    holder.album = *album;
    items.push_back(render_track(call, holder)["album"]);
  }
  return json_response(
      200, Json{{"albums", render_page(call, "/v1/browse/new-releases", {}, std::move(items),
                                       *offset, *limit, total)}});
}

/// The catalog has no browse categories: an empty page, and 404 for any category id.
Response legacy_categories(Call& call) {
  Response error;
  const auto limit = integer_param(call, "limit", 20, 1, 50, error, "Invalid limit");
  if (!limit) return error;
  const auto offset = integer_param(call, "offset", 0, 0, 1'000, error, "Invalid offset");
  if (!offset) return error;
  return json_response(200, Json{{"categories", render_page(call, "/v1/browse/categories", {},
                                                            Json::array(), *offset, *limit, 0)}});
}

Response legacy_category(Call& /*call*/) { return api_error(404, "Not found."); }

/// One of the type-specific save or follow sets, kept in the user's saved URIs (the set
/// /me/library uses, so its contains sees them too).
struct SavedSet {
  std::string prefix;  ///< "spotify:track:", "spotify:artist:", ...
  std::size_t max_ids = 50;
  bool base62_ids = true;  ///< user ids are any string
  const char* modify_scope = "";
  const char* read_scope = "";
};

/// PUT adds the ids, DELETE removes them; answers `success_status` with no body.
Response change_saved_set(Call& call, const SavedSet& set, int success_status) {
  const User* user = call.user();
  if (!user) return require_user(call);
  Response error;
  const auto ids = batch_ids(call, set.max_ids, error, set.base62_ids);
  if (!ids) return error;
  if (!call.has_scope(set.modify_scope)) return api_error(403, "Insufficient client scope");
  auto& saved = call.world.users.at(user->id).saved_uris;
  for (const auto& id : *ids) {
    if (call.request.method == "PUT") {
      saved.insert(set.prefix + id);
    } else {
      saved.erase(set.prefix + id);
    }
  }
  return Response::empty(success_status);
}

Response saved_set_contains(Call& call, const SavedSet& set) {
  const User* user = call.user();
  if (!user) return require_user(call);
  Response error;
  const auto ids = batch_ids(call, set.max_ids, error, set.base62_ids);
  if (!ids) return error;
  if (!call.has_scope(set.read_scope)) return api_error(403, "Insufficient client scope");
  Json result = Json::array();
  for (const auto& id : *ids) result.push_back(user->saved_uris.count(set.prefix + id) > 0);
  return json_response(200, result);
}

/// /me/tracks, /me/albums, /me/episodes, /me/shows, /me/audiobooks (and their /contains).
SavedSet library_set(const Call& call) {
  auto kind = call.request.path.substr(std::string_view("/v1/me/").size());
  kind = kind.substr(0, kind.find('/'));
  kind.pop_back();  // "tracks" -> "track"
  return SavedSet{.prefix = "spotify:" + kind + ":",
                  .max_ids = kind == "album" ? 20u : 50u,
                  .modify_scope = "user-library-modify",
                  .read_scope = "user-library-read"};
}

/// /me/following with `type=artist|user`; nullopt for any other type.
std::optional<SavedSet> following_set(const Call& call) {
  const auto type = call.request.query_param("type");
  if (type != "artist" && type != "user") return std::nullopt;
  return SavedSet{.prefix = "spotify:" + std::string(*type) + ":",
                  .base62_ids = type == "artist",
                  .modify_scope = "user-follow-modify",
                  .read_scope = "user-follow-read"};
}

Response legacy_change_saved(Call& call) { return change_saved_set(call, library_set(call), 200); }

Response legacy_saved_contains(Call& call) { return saved_set_contains(call, library_set(call)); }

Response legacy_change_following(Call& call) {
  const auto set = following_set(call);
  return set ? change_saved_set(call, *set, 204) : api_error(400, "Invalid type");
}

Response legacy_following_contains(Call& call) {
  const auto set = following_set(call);
  return set ? saved_set_contains(call, *set) : api_error(400, "Invalid type");
}

/// Whether the current user follows the playlist (its owner: unless they "deleted" it).
Response legacy_followers_contains(Call& call) {
  const User* user = call.user();
  if (!user) return require_user(call);
  Response error;
  Playlist* playlist = find_playlist(call, call.params[0], error);
  if (!playlist) return error;
  const bool follows = playlist->owner_id == user->id ? playlist->owner_follows
                                                      : playlist->followers.count(user->id) > 0;
  return json_response(200, Json::array({follows}));
}

// ---- legacy /users/{id} ------------------------------------------------------------------------

Response legacy_user(Call& call) {
  const auto found = call.world.users.find(call.params[0]);
  if (found == call.world.users.end()) return api_error(404, "Not found.");
  return json_response(200, render_public_user(call, found->second));
}

Response legacy_user_playlists(Call& call) {
  const auto found = call.world.users.find(call.params[0]);
  if (found == call.world.users.end()) return api_error(404, "Not found.");
  const User* me = call.user();
  if (me && me->id == found->second.id) return list_playlists(call, *me, false, call.request.path);
  return list_playlists(call, found->second, true, call.request.path);
}

Response legacy_create_playlist(Call& call) {
  const User* user = call.user();
  if (!user) return require_user(call);
  if (call.params[0] != user->id)
    return api_error(403, "You cannot create a playlist for another user.");
  return create_playlist(call);
}

// ---- the route table ---------------------------------------------------------------------------

enum class Surface {
  Both,        ///< in both modes
  LegacyOnly,  ///< removed for development-mode apps in February 2026: 403 in dev2026
};

struct Route {
  const char* method;
  const char* pattern;  ///< "{}" matches one path segment
  Surface surface;
  Response (*handler)(Call&);
};

constexpr Route kRoutes[] = {
    {"GET", "/v1/me", Surface::Both, get_me},
    {"GET", "/v1/me/playlists", Surface::Both, get_my_playlists},
    {"POST", "/v1/me/playlists", Surface::Both, create_playlist},
    {"PUT", "/v1/me/library", Surface::Both, change_library},
    {"DELETE", "/v1/me/library", Surface::Both, change_library},
    {"GET", "/v1/me/library/contains", Surface::Both, library_contains},
    {"GET", "/v1/playlists/{}", Surface::Both, get_playlist},
    {"PUT", "/v1/playlists/{}", Surface::Both, change_details},
    {"GET", "/v1/playlists/{}/items", Surface::Both, get_items},
    {"POST", "/v1/playlists/{}/items", Surface::Both, add_items},
    {"PUT", "/v1/playlists/{}/items", Surface::Both, reorder_or_replace_items},
    {"DELETE", "/v1/playlists/{}/items", Surface::Both, remove_items},
    {"GET", "/v1/playlists/{}/images", Surface::Both, get_images},
    {"PUT", "/v1/playlists/{}/images", Surface::Both, upload_cover},
    {"GET", "/v1/search", Surface::Both, search},
    {"GET", "/v1/tracks/{}", Surface::Both, get_track},
    {"GET", "/v1/playlists/{}/tracks", Surface::LegacyOnly, get_items},
    {"POST", "/v1/playlists/{}/tracks", Surface::LegacyOnly, add_items},
    {"PUT", "/v1/playlists/{}/tracks", Surface::LegacyOnly, reorder_or_replace_items},
    {"DELETE", "/v1/playlists/{}/tracks", Surface::LegacyOnly, remove_items},
    {"PUT", "/v1/playlists/{}/followers", Surface::LegacyOnly, legacy_followers},
    {"DELETE", "/v1/playlists/{}/followers", Surface::LegacyOnly, legacy_followers},
    {"GET", "/v1/tracks", Surface::LegacyOnly, legacy_several_tracks},
    {"GET", "/v1/users/{}", Surface::LegacyOnly, legacy_user},
    {"GET", "/v1/users/{}/playlists", Surface::LegacyOnly, legacy_user_playlists},
    {"POST", "/v1/users/{}/playlists", Surface::LegacyOnly, legacy_create_playlist},
    {"GET", "/v1/playlists/{}/followers/contains", Surface::LegacyOnly, legacy_followers_contains},
    {"GET", "/v1/albums", Surface::LegacyOnly, legacy_several_albums},
    {"GET", "/v1/artists", Surface::LegacyOnly, legacy_several_artists},
    {"GET", "/v1/episodes", Surface::LegacyOnly, legacy_several_other},
    {"GET", "/v1/shows", Surface::LegacyOnly, legacy_several_other},
    {"GET", "/v1/audiobooks", Surface::LegacyOnly, legacy_several_other},
    {"GET", "/v1/chapters", Surface::LegacyOnly, legacy_several_other},
    {"GET", "/v1/artists/{}/top-tracks", Surface::LegacyOnly, legacy_artist_top_tracks},
    {"GET", "/v1/markets", Surface::LegacyOnly, legacy_markets},
    {"GET", "/v1/browse/new-releases", Surface::LegacyOnly, legacy_new_releases},
    {"GET", "/v1/browse/categories", Surface::LegacyOnly, legacy_categories},
    {"GET", "/v1/browse/categories/{}", Surface::LegacyOnly, legacy_category},
    {"PUT", "/v1/me/following", Surface::LegacyOnly, legacy_change_following},
    {"DELETE", "/v1/me/following", Surface::LegacyOnly, legacy_change_following},
    {"GET", "/v1/me/following/contains", Surface::LegacyOnly, legacy_following_contains},
    {"PUT", "/v1/me/tracks", Surface::LegacyOnly, legacy_change_saved},
    {"DELETE", "/v1/me/tracks", Surface::LegacyOnly, legacy_change_saved},
    {"GET", "/v1/me/tracks/contains", Surface::LegacyOnly, legacy_saved_contains},
    {"PUT", "/v1/me/albums", Surface::LegacyOnly, legacy_change_saved},
    {"DELETE", "/v1/me/albums", Surface::LegacyOnly, legacy_change_saved},
    {"GET", "/v1/me/albums/contains", Surface::LegacyOnly, legacy_saved_contains},
    {"PUT", "/v1/me/episodes", Surface::LegacyOnly, legacy_change_saved},
    {"DELETE", "/v1/me/episodes", Surface::LegacyOnly, legacy_change_saved},
    {"GET", "/v1/me/episodes/contains", Surface::LegacyOnly, legacy_saved_contains},
    {"PUT", "/v1/me/shows", Surface::LegacyOnly, legacy_change_saved},
    {"DELETE", "/v1/me/shows", Surface::LegacyOnly, legacy_change_saved},
    {"GET", "/v1/me/shows/contains", Surface::LegacyOnly, legacy_saved_contains},
    {"PUT", "/v1/me/audiobooks", Surface::LegacyOnly, legacy_change_saved},
    {"DELETE", "/v1/me/audiobooks", Surface::LegacyOnly, legacy_change_saved},
    {"GET", "/v1/me/audiobooks/contains", Surface::LegacyOnly, legacy_saved_contains},
};

bool match_pattern(std::string_view pattern, std::string_view path,
                   std::vector<std::string>& params) {
  params.clear();
  while (!pattern.empty() || !path.empty()) {
    if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    const auto pattern_end = std::min(pattern.find('/'), pattern.size());
    const auto path_end = std::min(path.find('/'), path.size());
    const auto pattern_segment = pattern.substr(0, pattern_end);
    const auto path_segment = path.substr(0, path_end);
    if (pattern_segment == "{}") {
      if (path_segment.empty()) return false;
      params.emplace_back(path_segment);
    } else if (pattern_segment != path_segment) {
      return false;
    }
    pattern.remove_prefix(pattern_end);
    path.remove_prefix(path_end);
  }
  return true;
}

}  // namespace

std::string web_route_label(Call& call) {
  for (const auto& route : kRoutes) {
    if (call.request.method == route.method &&
        match_pattern(route.pattern, call.request.path, call.params)) {
      return std::string(route.method) + " " + route.pattern;
    }
  }
  return call.request.method + " (unknown)";
}

Response handle_web_api(Call& call) {
  bool path_known = false;
  for (const auto& route : kRoutes) {
    if (!match_pattern(route.pattern, call.request.path, call.params)) continue;
    path_known = true;
    if (call.request.method != route.method) continue;
    if (route.surface == Surface::LegacyOnly && call.dev2026()) return api_error(403, "Forbidden");
    try {
      return route.handler(call);
    } catch (const Json::exception&) {
      // A JSON value of an unexpected type that a handler did not check field by field: Spotify
      // answers such bodies with a plain 400.
      return api_error(400, "Bad request.");
    }
  }
  if (path_known) return api_error(405, "Method not allowed");
  return api_error(404, "Service not found");
}

}  // namespace spotify_emulator
