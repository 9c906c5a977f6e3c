// Spotify connections: setup guidance, the OAuth start and callback, health, disconnect.

#include <set>

#include "web/handlers.hpp"
#include "web/job_json.hpp"

namespace plm::web {

namespace {

constexpr std::chrono::minutes kStateLifetime{10};

Json time_or_null(const std::optional<core::TimePoint>& time) {
  return time ? Json(core::format_utc(*time)) : Json(nullptr);
}

/// The accounts of the signed-in user that have a sync (or any job) queued, running or
/// interrupted: their `syncing` flag.
core::Result<std::set<std::int64_t>> busy_accounts(App& app, std::int64_t user_id) {
  core::JobFilter filter;
  filter.owner_user_id = user_id;
  filter.states = {core::JobState::Queued, core::JobState::Running, core::JobState::Interrupted};
  filter.limit = 1000;
  auto active = app.deps.jobs.list_jobs(filter);
  if (!active) return active.error();
  std::set<std::int64_t> busy;
  for (const auto& job : *active) busy.insert(job.account_id);
  return busy;
}

Json account_json(App& app, const core::SpotifyAccount& account, bool syncing,
                  Json last_sync_failure) {
  const auto now = app.deps.clock.now();
  Json json{{"id", account.id},
            {"spotify_user_id", account.spotify_user_id},
            {"display_name", account.display_name},
            {"status", core::to_string(account.status)},
            {"authorized_at", nullptr},
            {"authorization_expires_at", nullptr},
            {"days_until_expiry", nullptr},
            {"expiry_warning", account.status == core::AccountStatus::NeedsReauth},
            {"last_synced_at", time_or_null(account.last_synced_at)},
            {"playlist_count", 0},
            {"syncing", syncing},
            {"last_sync_failure", std::move(last_sync_failure)}};
  if (const auto expires = core::authorization_expires_at(account)) {
    const auto days_left = *core::authorization_days_left(account, now);
    json["authorized_at"] = core::format_utc(*account.tokens.authorized_at);
    json["authorization_expires_at"] = core::format_utc(*expires);
    json["days_until_expiry"] = days_left;
    if (days_left <= core::kAuthorizationWarningDays) json["expiry_warning"] = true;
  }
  if (auto playlists = app.deps.playlists.playlists_of(account.id)) {
    json["playlist_count"] = playlists->size();
  }
  return json;
}

}  // namespace

http::Response get_spotify_setup(App& app, Context&) {
  const std::string redirect = app.spotify_redirect_uri();
  Json problems = Json::array();
  for (auto& problem : redirect_uri_problems(redirect)) problems.push_back(std::move(problem));
  Json body{{"client_id_configured", !app.deps.spotify.client_id().empty()},
            {"redirect_uri", redirect},
            {"redirect_uri_problems", problems},
            {"dashboard_url", kSpotifyDashboardUrl}};
  return http::Response::json(200, dump(body));
}

http::Response list_accounts(App& app, Context& context) {
  auto accounts = app.deps.accounts.accounts_of(context.user_id());
  if (!accounts) return app.fail(accounts.error());
  auto busy = busy_accounts(app, context.user_id());
  if (!busy) return app.fail(busy.error());
  Json list = Json::array();
  for (const auto& account : *accounts) {
    // A store that cannot say whether the last sync failed must not answer "it did not".
    auto failure = last_sync_failure_json(app.deps.jobs, account.id);
    if (!failure) return app.fail(failure.error());
    list.push_back(account_json(app, account, busy->contains(account.id), Json::parse(*failure)));
  }
  return http::Response::json(200, dump(Json{{"accounts", list}}));
}

http::Response connect_account(App& app, Context& context) {
  const std::string redirect = app.spotify_redirect_uri();
  auto started = app.deps.spotify.begin(redirect);
  if (!started) return app.fail(started.error());
  core::OAuthState state;
  state.state = started->state;
  state.app_user_id = context.user_id();
  state.code_verifier = started->code_verifier;
  state.redirect_uri = redirect;
  state.expires_at = app.deps.clock.now() + kStateLifetime;
  if (auto saved = app.deps.sessions.save_oauth_state(state); !saved)
    return app.fail(saved.error());
  return http::Response::json(200, dump(Json{{"authorize_url", started->url}}));
}

http::Response spotify_callback(App& app, Context& context) {
  const auto& request = context.request;
  auto back = [&](const std::string& query) {
    return http::Response::redirect(302, app.options.public_url + "accounts?" + query);
  };
  auto refused = [&](const char* code, const std::string& why) {
    app.log(Json{{"event", "web.connect_failed"}, {"code", code}, {"reason", why}});
    return back(std::string("error=") + code);
  };
  const std::string state_text(request.query_param("state").value_or(""));
  // The state is usable once, whatever happens next.
  std::optional<core::OAuthState> state;
  if (!state_text.empty() && state_text.size() <= 256) {
    auto taken = app.deps.sessions.take_oauth_state(state_text, app.deps.clock.now());
    if (!taken) return refused("exchange_failed", taken.error().message);
    state = std::move(*taken);
  }
  if (request.query_param("error")) return refused("access_denied", "the user refused");
  // The browser that started the authorization must come back signed in as the same user.
  const auto signed_in = app.optional_session(request);
  if (!signed_in) return refused("not_signed_in", "no session");
  context.signed_in = signed_in;
  if (!state || state->app_user_id != signed_in->user.id)
    return refused("invalid_state", "unknown, used, expired or another user's state");
  // Connecting needs the editor role now, not only when the authorization started (the user
  // may have been demoted since).
  if (role_rank(signed_in->user.role) < role_rank(core::Role::Editor))
    return refused("forbidden", "the user is no longer an editor");
  const auto code = request.query_param("code");
  if (!code || code->empty()) return refused("invalid_state", "no code");

  // The profile is read before the account is stored, so nothing may write to it yet: finish hands
  // back the tokens as they are after any refresh, and they are stored with the account.
  auto connection =
      app.deps.spotify.finish(std::string(*code), state->redirect_uri, state->code_verifier);
  if (!connection) return refused("exchange_failed", connection.error().message);
  core::SpotifyAccount account;
  account.app_user_id = signed_in->user.id;
  account.client_id = app.deps.spotify.client_id();
  account.tokens = connection->tokens;
  account.spotify_user_id = connection->profile.id;
  account.display_name = connection->profile.display_name;
  auto id = app.deps.accounts.upsert_account(account);
  if (!id) return refused("exchange_failed", id.error().message);
  // A reconnected account works again.
  if (auto status = app.deps.accounts.set_account_status(*id, core::AccountStatus::Active); !status)
    return refused("exchange_failed", status.error().message);
  app.invalidate(signed_in->user.id);
  app.log(Json{
      {"event", "web.account_connected"}, {"user_id", signed_in->user.id}, {"account_id", *id}});
  app.events.publish(signed_in->user.id, "accounts", dump(Json{{"account_id", *id}}));
  return back("connected=" + std::to_string(*id));
}

http::Response delete_account(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  if (auto deleted = app.deps.accounts.delete_account(account->id); !deleted)
    return app.fail(deleted.error());
  app.invalidate(context.user_id());
  app.events.publish(context.user_id(), "accounts", dump(Json{{"account_id", account->id}}));
  app.events.publish(context.user_id(), "playlists",
                     dump(Json{{"account_id", account->id}, {"playlist_ids", Json::array()}}));
  return http::Response::empty(204);
}

}  // namespace plm::web
