#pragma once
/// Shared by the emulator's handler files only: the per-call context and the JSON renderers.

#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/emulator.hpp"
#include "emulator/world.hpp"
#include "http/message.hpp"

namespace spotify_emulator {

using plm::http::Request;
using plm::http::Response;
using Json = nlohmann::json;

/// One request being served.
struct Call {
  Call(const Request& request_in, World& world_in, std::string base_url_in, std::int64_t now_ms_in)
      : request(request_in), world(world_in), base_url(std::move(base_url_in)), now_ms(now_ms_in) {}

  const Request& request;
  World& world;
  std::string base_url;  ///< "http://127.0.0.1:41234": absolute links point back at the emulator
  std::int64_t now_ms = 0;
  std::vector<std::string> params;  ///< path parameters of the matched route, in order
  std::string access_token;         ///< the bearer token, when the route needs one
  const AccessToken* token = nullptr;
  const App* app = nullptr;

  bool dev2026() const { return world.options.mode == ApiMode::Dev2026; }
  const User* user() const;  ///< the token's user; null for client-credentials tokens
  bool has_scope(std::string_view scope) const;
};

// Errors, in Spotify's two shapes (../shared/docs/spotify-api.md section 4.2).
Response api_error(int status, std::string_view message, std::string_view reason = {});
Response auth_error(std::string_view error, std::string_view description = {});
Response json_response(int status, const Json& body);

/// FNV-1a: a stable 64-bit hash (the same in every run), for snapshot ids and ETags.
std::uint64_t fnv1a(std::string_view text);

/// The markets the emulator claims (available_markets in extended mode, GET /markets).
const std::vector<std::string>& sample_markets();

// Renderers. `base` is the emulator's base URL for href/next/previous links.
/// Changes on every mutation of the playlist and on every (re)load of the world.
std::string snapshot_id(const World& world, const Playlist& playlist);
std::string escape_description(std::string_view text);
Json render_user_ref(const Call& call, const std::string& user_id, bool with_display_name);
Json render_private_user(const Call& call, const User& user);
Json render_public_user(const Call& call, const User& user);
Json render_track(const Call& call, const Track& track);
Json render_playlist_entry(const Call& call, const Entry& entry);
Json render_images(const Call& call, const Playlist& playlist);
/// Fast paths for the hottest endpoint (a page of items): JSON text spliced from cached track JSON.
const std::string& track_json_text(const Call& call, const Track& track);
std::string render_playlist_entry_text(const Call& call, const Entry& entry);
std::string render_page_text(const Call& call, std::string_view path,
                             const std::vector<plm::http::Field>& extra,
                             const std::vector<std::string>& item_texts, std::size_t offset,
                             std::size_t limit, std::size_t total);
/// `full`: the full playlist object with the first page of entries (when `with_items`), else the
/// simplified object with an items/tracks reference.
Json render_playlist(const Call& call, const Playlist& playlist, bool full, bool with_items);
/// A paging object for `path` (e.g. "/v1/me/playlists") with `extra` query fields kept in links.
/// `next` is null when the next page's offset would exceed `max_offset` (the endpoint's own offset
/// cap), so following links never leads to a 400.
Json render_page(const Call& call, std::string_view path,
                 const std::vector<plm::http::Field>& extra, Json items, std::size_t offset,
                 std::size_t limit, std::size_t total,
                 std::size_t max_offset = std::numeric_limits<std::size_t>::max());
std::string image_url(const Call& call, std::string_view original, std::string_view key);

/// Applies Spotify's `fields` filter ("name,items(added_at,item(name,album(!images)))").
/// Returns false (leaving `value` untouched) if the expression is malformed.
bool apply_fields_filter(std::string_view fields, Json& value);

// Route groups.
Response handle_accounts(Call& call);
Response handle_web_api(Call& call);
Response handle_image(Call& call);

/// Track id of "spotify:track:<id>", or empty when `uri` is not a well-formed track URI.
std::string track_id_of_uri(std::string_view uri);
bool is_base62_id(std::string_view id);

}  // namespace spotify_emulator

namespace spotify_emulator {
bool redirect_uri_registered(const App& app, std::string_view uri);
/// A refresh grant (authorized now) and its first access token, as the token endpoint returns them.
/// `pkce`: the grant was authorized with PKCE and refreshes without the client secret.
Json issue_tokens(Call& call, const std::string& client_id, const std::string& user_id,
                  const std::set<std::string>& scopes, bool pkce);
/// `initial_options`: what the emulator started with, restored by POST /__emulator/reset.
Response handle_admin(Call& call, const Seed& seed, const EmulatorOptions& initial_options);
}  // namespace spotify_emulator

namespace spotify_emulator {
/// "GET /v1/playlists/{}/items" for statistics; fills call.params.
std::string web_route_label(Call& call);
}  // namespace spotify_emulator
