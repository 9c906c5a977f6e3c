#pragma once
// Internal to plm::web: the handlers the route table (routes.cpp) names, as free functions of the
// application and the request's context (the Handler type of routes.hpp), by resource.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "web/internal.hpp"

namespace plm::web {

// ---- system, setup, session, users (handlers_auth.cpp) ----
http::Response get_health(App& app, Context& context);
http::Response get_metrics(App& app, Context& context);
http::Response get_setup(App& app, Context& context);
http::Response post_setup(App& app, Context& context);
http::Response get_session(App& app, Context& context);
http::Response post_session(App& app, Context& context);
http::Response delete_session(App& app, Context& context);
http::Response post_password(App& app, Context& context);
http::Response list_users(App& app, Context& context);
http::Response create_user(App& app, Context& context);
http::Response patch_user(App& app, Context& context);
http::Response delete_user(App& app, Context& context);

// ---- Spotify accounts (handlers_accounts.cpp) ----
http::Response get_spotify_setup(App& app, Context& context);
http::Response spotify_callback(App& app, Context& context);
http::Response list_accounts(App& app, Context& context);
http::Response connect_account(App& app, Context& context);
http::Response delete_account(App& app, Context& context);

// ---- playlists, events (handlers_playlists.cpp) ----
http::Response list_playlists(App& app, Context& context);
http::Response get_playlist(App& app, Context& context);
http::Response get_items(App& app, Context& context);
http::Response put_tags(App& app, Context& context);
http::Response get_events(App& app, Context& context);

// ---- the journal of playlist versions (handlers_history.cpp) ----
http::Response get_history(App& app, Context& context);
http::Response get_history_version(App& app, Context& context);

// ---- jobs: the syncs routes start, the jobs API (handlers_jobs.cpp) ----
http::Response sync_account(App& app, Context& context);
http::Response sync_playlist(App& app, Context& context);
http::Response list_jobs(App& app, Context& context);
http::Response get_job(App& app, Context& context);
http::Response cancel_job(App& app, Context& context);
/// 202 with the job `enqueue` answered (a new one, or the one already queued or running), its
/// `job` event published; refused as refuse_job_start says.
http::Response start_job(App& app, const core::SpotifyAccount& account, std::string_view what,
                         const std::function<core::Result<core::Enqueued>()>& enqueue);
/// Why no job of `account` may start now: 409 needs_reauth when the account must be connected
/// again before it can do `what` ("sync", "change playlists"), 503 while the server shuts down.
std::optional<http::Response> refuse_job_start(App& app, const core::SpotifyAccount& account,
                                               std::string_view what);
/// What every new state of a job means for its owner's views: a `job` event; once an attempt is
/// over (finished, interrupted, or queued again for a retry), what it saved becomes visible. The
/// bookkeeping comes first, so a client that reacts to an event finds it done.
void publish_job(App& app, const core::Job& job);

// ---- create, copy, merge, split, unfollow (handlers_lifecycle.cpp) ----
http::Response create_playlist(App& app, Context& context);
http::Response split_playlist(App& app, Context& context);
http::Response delete_playlist(App& app, Context& context);

// ---- edits of one playlist, the catalog search (handlers_edits.cpp) ----
http::Response search_tracks(App& app, Context& context);
http::Response preview_edit(App& app, Context& context);
http::Response apply_edit(App& app, Context& context);
http::Response upload_cover(App& app, Context& context);
/// A seed for a shuffle the user did not seed: below 2^53, so the browser's numbers hold it
/// exactly when it sends it back to apply what the preview showed.
std::uint64_t random_seed();

// ---- batch edits, where a track is, duplicates, saved selections (handlers_batch.cpp) ----
/// How batches are planned here: today, the server's rate budget, the latency one call assumes.
core::BatchPlanOptions batch_plan_options(const App& app);
/// The history's record of a batch: who, from where (the web), what ("batch add") and why.
core::VersionCause batch_cause(core::VersionCauseKind kind, std::string action,
                               std::int64_t user_id, std::string why);
http::Response preview_batch(App& app, Context& context);
http::Response run_batch(App& app, Context& context);
http::Response undo_batch(App& app, Context& context);
http::Response find_duplicates(App& app, Context& context);
http::Response where_is_track(App& app, Context& context);
http::Response list_selections(App& app, Context& context);
http::Response save_selection(App& app, Context& context);
http::Response delete_selection(App& app, Context& context);

// ---- paste to add: pasted lines matched by a job, decisions per line (handlers_pastes.cpp) ----
http::Response start_paste(App& app, Context& context);
http::Response get_paste(App& app, Context& context);
http::Response delete_paste(App& app, Context& context);
http::Response decide_paste_line(App& app, Context& context);

// ---- export and import of spreadsheets (handlers_exchange.cpp) ----
http::Response export_playlists(App& app, Context& context);
http::Response start_import(App& app, Context& context);
http::Response preview_import(App& app, Context& context);
http::Response apply_import(App& app, Context& context);

}  // namespace plm::web
