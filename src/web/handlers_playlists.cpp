// Playlists (the cached hot path), items, tags, sync jobs and the event stream.

#include "core/sync/sync_service.hpp"
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

http::Response sync_playlist(App& app, Context& context) {
  auto owned = app.owned_playlist(context);
  if (!owned) return app.fail(owned.error());
  return start_job(app, context, owned->account, "sync_playlist", owned->playlist.summary.id);
}

// ---- jobs --------------------------------------------------------------------------------------

http::Response start_job(App& app, const Context& context, const core::SpotifyAccount& account,
                         std::string kind, std::string playlist_id) {
  if (account.status == core::AccountStatus::NeedsReauth) {
    return error_response(409, "needs_reauth",
                          "Spotify account " + account.spotify_user_id +
                              " must be connected again before it can sync");
  }
  if (app.shut_down) return error_response(503, "unavailable", "the server is shutting down");
  const auto submitted =
      app.jobs->submit(context.user_id(), account.id, std::move(kind), std::move(playlist_id));
  if (submitted.created)
    app.events.publish(context.user_id(), "accounts", dump(Json{{"account_id", account.id}}));
  return http::Response::json(202, dump(job_json(submitted.job)));
}

void publish_job(App& app, const Job& job) {
  app.events.publish(job.user_id, "job", dump(job_json(job)));
  // Last sync time, status and `syncing` changed once the job is over.
  if (job.finished())
    app.events.publish(job.user_id, "accounts", dump(Json{{"account_id", job.account_id}}));
}

void run_job(App& app, Job& job, const std::function<void()>& progress, std::stop_token stop) {
  auto finish_with = [&](const std::string& state, const core::Error& error) {
    job.state = state;
    job.error = JobError{error_code_for(error.code),
                         error.code == core::ErrorCode::Internal
                             ? "the sync failed; the server log has details"
                             : error.message,
                         error.retry_at ? core::format_utc(*error.retry_at) : ""};
    job.message = job.error->message;
  };
  auto account = app.deps.accounts.find_account(job.account_id);
  if (!account || !*account) {
    finish_with("failed", account ? core::make_error(core::ErrorCode::NotFound,
                                                     "the account was disconnected")
                                  : account.error());
    app.metrics.record_job_finished(job.state);
    return;
  }
  job.message = job.kind == "sync_account" ? "listing playlists" : "reading the playlist";
  progress();
  auto spotify = app.deps.spotify.spotify_for(**account);
  core::SyncService service(*spotify, app.deps.playlists, app.deps.clock);
  auto on_progress = [&](const core::SyncProgress& state) {
    job.done = state.playlists_done;
    job.total = state.playlists_total;
    if (state.phase == core::SyncProgress::Phase::Listing) {
      job.message = "listing playlists";
    } else if (!state.current_playlist.empty()) {
      job.message = "reading \u201c" + state.current_playlist + "\u201d";
      // Long playlists take many calls (200 for 10,000 items): say how far the reading is.
      if (state.items_total > core::SpotifyApi::kMaxItemsPage) {
        job.message += " (" + std::to_string(state.items_read) + " of " +
                       std::to_string(state.items_total) + " tracks)";
      }
    } else {
      job.message = "saving";
    }
    progress();
  };
  const auto started = spotify->counters();
  auto result = job.kind == "sync_account"
                    ? service.sync_account(**account, on_progress, stop)
                    : service.sync_playlist(**account, job.playlist_id, on_progress);
  const auto counters = spotify->counters();
  app.metrics.record_spotify(counters.calls - started.calls,
                             counters.rate_limited - started.rate_limited,
                             counters.retries - started.retries);
  if (!result) {
    if (result.error().code == core::ErrorCode::Internal)
      app.log_error("web.sync_failed", result.error().message);
    finish_with("failed", result.error());
  } else {
    const core::SyncReport& report = *result;
    const std::int64_t saved = report.read + report.unchanged + report.unreadable;
    if (report.stopped_by) {
      finish_with(saved > 0 ? "partial" : "failed", *report.stopped_by);
    } else if (!report.failures.empty()) {
      core::Error first = report.failures.front().error;
      first.message = std::to_string(report.failures.size()) + " of " +
                      std::to_string(report.playlists_total) +
                      " playlists could not be read; first: \u201c" +
                      report.failures.front().playlist_name + "\u201d: " + first.message;
      finish_with("partial", first);
    } else {
      job.state = "succeeded";
      job.message = "synced " + std::to_string(report.playlists_total) +
                    (report.playlists_total == 1 ? " playlist: " : " playlists: ") +
                    std::to_string(report.read) + " read, " + std::to_string(report.unchanged) +
                    " unchanged, " + std::to_string(report.unreadable) + " followed, " +
                    std::to_string(report.removed) + " removed";
    }
    job.done = report.read + report.unchanged + report.unreadable;
    job.total = report.playlists_total;
  }
  app.metrics.record_job_finished(job.state);
  app.log(Json{{"event", "web.job_finished"},
               {"job_id", job.id},
               {"kind", job.kind},
               {"account_id", job.account_id},
               {"state", job.state},
               {"calls", counters.calls - started.calls},
               {"rate_limited", counters.rate_limited - started.rate_limited}});
  // What the sync saved (even a partial one) is visible now.
  app.invalidate(job.user_id);
  Json ids = Json::array();
  if (!job.playlist_id.empty()) ids.push_back(job.playlist_id);
  app.events.publish(job.user_id, "playlists",
                     dump(Json{{"account_id", job.account_id}, {"playlist_ids", ids}}));
}

http::Response list_jobs(App& app, Context& context) {
  Json list = Json::array();
  for (const auto& job : app.jobs->list(context.user_id())) list.push_back(job_json(job));
  return http::Response::json(200, dump(Json{{"jobs", list}}));
}

http::Response get_job(App& app, Context& context) {
  const std::string& id = context.param("job_id");
  const auto job = app.jobs->find(context.user_id(), id);
  if (!job) return error_response(404, "not_found", "job " + id.substr(0, 64) + " not found");
  return http::Response::json(200, dump(job_json(*job)));
}

http::Response get_events(App& app, Context& context) {
  if (app.shut_down) return error_response(503, "unavailable", "the server is shutting down");
  return app.events.subscribe(context.user_id(), context.signed_in->session.id_hash,
                              app.deps.clock.now());
}

}  // namespace plm::web
