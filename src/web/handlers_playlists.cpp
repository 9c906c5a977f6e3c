// Playlists (the cached hot path), items, tags and the event stream.

#include "web/handlers.hpp"

namespace plm::web {

namespace {

std::string playlist_body(std::int64_t account_id, const std::string& account_user_id,
                          const core::StoredPlaylist& playlist) {
  std::string out;
  append_playlist_json(out, account_id, account_user_id, playlist);
  return out;
}

}  // namespace

http::Response list_playlists(App& app, Context& context) {
  const std::int64_t user_id = context.user_id();
  const auto filter = context.request.query_param("account_id");
  const std::string key = filter ? "list:" + std::string(*filter) : "list";
  // The hot path: a session from memory, a body from memory, no database and no JSON building.
  if (auto hit = app.cached(user_id, key)) return app.serve_cached(context.request, *hit);

  const std::uint64_t generation = app.cache_generation(user_id);
  std::vector<core::SpotifyAccount> accounts;
  if (filter) {
    auto account = app.owned_account(context, std::string(*filter));
    if (!account) return app.fail(account.error());
    accounts.push_back(std::move(*account));
  } else {
    auto all = app.deps.accounts.accounts_of(user_id);
    if (!all) return app.fail(all.error());
    accounts = std::move(*all);
  }
  std::string json = "{\"playlists\":[";
  std::size_t total = 0;
  for (const auto& account : accounts) {
    auto playlists = app.deps.playlists.playlists_of(account.id);
    if (!playlists) return app.fail(playlists.error());
    for (const auto& playlist : *playlists) {
      if (total++) json.push_back(',');
      append_playlist_json(json, account.id, account.spotify_user_id, playlist);
    }
  }
  json += "],\"total\":" + std::to_string(total) + "}";
  return app.serve_cached(context.request,
                          *app.store_cached(user_id, generation, key, std::move(json)));
}

http::Response get_playlist(App& app, Context& context) {
  auto owned = app.owned_playlist(context);
  if (!owned) return app.fail(owned.error());
  const auto& account = owned->account;
  return http::Response::json(200,
                              playlist_body(account.id, account.spotify_user_id, owned->playlist));
}

http::Response get_items(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  const std::string& id = context.param("playlist_id");
  const std::string key = "items:" + std::to_string(account->id) + ":" + id;
  if (auto hit = app.cached(context.user_id(), key)) return app.serve_cached(context.request, *hit);
  const std::uint64_t generation = app.cache_generation(context.user_id());
  auto found = app.deps.playlists.find_playlist(account->id, id);
  if (!found) return app.fail(found.error());
  if (!*found)
    return error_response(404, "not_found", "playlist " + id.substr(0, 64) + " not found");
  std::vector<core::PlaylistItem> items;
  if (!(*found)->items_snapshot_id.empty()) {
    auto loaded = app.deps.playlists.playlist_items(account->id, id);
    if (!loaded) return app.fail(loaded.error());
    items = std::move(*loaded);
  }
  return app.serve_cached(context.request,
                          *app.store_cached(context.user_id(), generation, key,
                                            items_json(items, (*found)->items_snapshot_id)));
}

http::Response put_tags(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  const std::string& id = context.param("playlist_id");
  const auto tags_json = context.body.find("tags");
  if (tags_json == context.body.end() || !tags_json->is_array())
    return error_response(400, "invalid_input", "'tags' must be an array of strings");
  if (tags_json->size() > core::kMaxTagsPerPlaylist) {
    return error_response(400, "invalid_input",
                          "a playlist takes at most " + std::to_string(core::kMaxTagsPerPlaylist) +
                              " tags, got " + std::to_string(tags_json->size()));
  }
  std::vector<std::string> tags;
  for (std::size_t i = 0; i < tags_json->size(); ++i) {
    const auto& tag = (*tags_json)[i];
    if (!tag.is_string()) {
      return error_response(
          400, "invalid_input",
          "tags[" + std::to_string(i) + "] must be a string, got " + tag.type_name());
    }
    tags.push_back(tag.get<std::string>());
  }
  // Existence first, so another user's playlist and a missing one answer the same 404.
  if (auto owned = app.owned_playlist(context); !owned) return app.fail(owned.error());
  if (auto set = app.deps.playlists.set_playlist_tags(account->id, id, tags); !set)
    return app.fail(set.error());
  auto updated = app.deps.playlists.find_playlist(account->id, id);
  if (!updated) return app.fail(updated.error());
  if (!*updated)
    return error_response(404, "not_found", "playlist " + id.substr(0, 64) + " not found");
  app.invalidate(context.user_id());
  app.events.publish(context.user_id(), "playlists",
                     dump(Json{{"account_id", account->id}, {"playlist_ids", Json::array({id})}}));
  return http::Response::json(200, playlist_body(account->id, account->spotify_user_id, **updated));
}

http::Response get_events(App& app, Context& context) {
  if (app.shut_down) return error_response(503, "unavailable", "the server is shutting down");
  return app.events.subscribe(context.user_id(), context.signed_in->session.id_hash,
                              app.deps.clock.now());
}

}  // namespace plm::web
