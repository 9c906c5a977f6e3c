// Jobs: the syncs that routes start, the jobs API (list with filters and paging, one job with its
// per-item results and history, cancel), and what the web app does when the worker publishes a
// job's state. The queue (core::JobQueue) is the record; the web app keeps no job of its own.

#include <algorithm>
#include <charconv>
#include <functional>

#include "web/handlers.hpp"
#include "web/job_json.hpp"

namespace plm::web {

namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

}  // namespace

void publish_job(App& app, const core::Job& job) {
  const bool attempt_over = job.state != core::JobState::Running &&
                            (job.state != core::JobState::Queued || job.error.has_value());
  if (core::is_finished(job.state)) {
    app.metrics.record_job_finished(std::string(core::to_string(job.state)));
    Json line{{"event", "web.job_finished"},
              {"job_id", job.id},
              {"kind", core::to_string(job.kind)},
              {"account_id", job.account_id},
              {"state", core::to_string(job.state)},
              {"attempts", job.attempts},
              {"calls", job.api.calls},
              {"rate_limited", job.api.rate_limited}};
    if (job.error) {
      line["error_code"] = error_code_for(job.error->code);
      // Internal errors reach people as "see the log": this is the log.
      if (job.error->code == core::ErrorCode::Internal) {
        line["level"] = "error";
        line["error"] = job.error->message;
      }
    }
    app.log(line);
  }
  if (attempt_over) app.invalidate(job.owner_user_id);
  app.events.publish(job.owner_user_id, "job", dump(job_value(job)));
  if (job.state == core::JobState::Running) return;
  if (attempt_over) {
    Json ids = Json::array();
    if (!job.playlist_id.empty()) ids.push_back(job.playlist_id);
    app.events.publish(job.owner_user_id, "playlists",
                       dump(Json{{"account_id", job.account_id}, {"playlist_ids", ids}}));
  }
  // Last sync time, status and `syncing` change when a job is queued and when it ends.
  app.events.publish(job.owner_user_id, "accounts", dump(Json{{"account_id", job.account_id}}));
}

namespace {

/// The filters and the page of GET /api/jobs, for the signed-in user's jobs.
core::Result<core::JobFilter> job_filter(const Context& context, int& page_size) {
  const auto& request = context.request;
  auto invalid = [](const std::string& message) {
    return core::make_error(core::ErrorCode::InvalidInput, message);
  };
  core::JobFilter filter;
  filter.owner_user_id = context.user_id();
  if (const auto state = request.query_param("state")) {
    auto states = parse_job_states(*state);
    if (!states) return invalid("'state' " + states.error().message);
    filter.states = std::move(*states);
  }
  if (const auto kind = request.query_param("kind")) {
    filter.kind = core::job_kind_from_string(*kind);
    if (!filter.kind)
      return invalid(
          "'kind' must be sync_account, sync_playlist, edit_playlist, create_playlist, "
          "split_playlist, delete_playlist, batch_edit or match_paste");
  }
  if (const auto account = request.query_param("account_id")) {
    filter.account_id = whole_number(*account);
    if (!filter.account_id) return invalid("'account_id' must be a number");
  }
  if (const auto playlist = request.query_param("playlist_id"))
    filter.playlist_id = std::string(*playlist);
  if (const auto before = request.query_param("before")) {
    filter.before_id = whole_number(*before);
    if (!filter.before_id) return invalid("'before' must be a job id (the last of a page)");
  }
  page_size = kDefaultPageSize;
  if (const auto limit = request.query_param("limit")) {
    const auto number = whole_number(*limit);
    if (!number || *number < 1 || *number > kMaxPageSize)
      return invalid("'limit' must be a number from 1 to " + std::to_string(kMaxPageSize));
    page_size = static_cast<int>(*number);
  }
  filter.limit = page_size + 1;  // one more tells whether there is a next page
  return filter;
}

}  // namespace

std::optional<http::Response> refuse_job_start(App& app, const core::SpotifyAccount& account,
                                               std::string_view what) {
  if (account.status == core::AccountStatus::NeedsReauth) {
    return error_response(409, "needs_reauth",
                          "Spotify account " + account.spotify_user_id +
                              " must be connected again before it can " + std::string(what));
  }
  if (app.shut_down) return error_response(503, "unavailable", "the server is shutting down");
  return std::nullopt;
}

http::Response start_job(App& app, const core::SpotifyAccount& account, std::string_view what,
                         const std::function<core::Result<core::Enqueued>()>& enqueue) {
  if (auto refused = refuse_job_start(app, account, what)) return std::move(*refused);
  auto enqueued = enqueue();
  if (!enqueued) return app.fail(enqueued.error());
  if (enqueued->created) publish_job(app, enqueued->job);
  return http::Response::json(202, dump(job_value(enqueued->job)));
}

http::Response sync_account(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  return start_job(app, *account, "sync", [&] {
    return app.deps.job_control.sync_account(context.user_id(), account->id);
  });
}

http::Response sync_playlist(App& app, Context& context) {
  auto owned = app.owned_playlist(context);
  if (!owned) return app.fail(owned.error());
  return start_job(app, owned->account, "sync", [&] {
    return app.deps.job_control.sync_playlist(context.user_id(), owned->account.id,
                                              owned->playlist.summary.id);
  });
}

http::Response list_jobs(App& app, Context& context) {
  int page_size = kDefaultPageSize;
  auto filter = job_filter(context, page_size);
  if (!filter) return app.fail(filter.error());
  auto jobs = app.deps.jobs.list_jobs(*filter);
  if (!jobs) return app.fail(jobs.error());
  Json next_before = nullptr;
  if (jobs->size() > static_cast<std::size_t>(page_size)) {
    jobs->resize(static_cast<std::size_t>(page_size));
    next_before = std::to_string(jobs->back().id);
  }
  Json list = Json::array();
  for (const auto& job : *jobs) list.push_back(job_value(job));
  return http::Response::json(200, dump(Json{{"jobs", list}, {"next_before", next_before}}));
}

http::Response get_job(App& app, Context& context) {
  auto details = app.owned_job(context);
  if (!details) return app.fail(details.error());
  return http::Response::json(200, dump(job_details_value(*details)));
}

http::Response cancel_job(App& app, Context& context) {
  auto details = app.owned_job(context);
  if (!details) return app.fail(details.error());
  const core::Job& job = details->job;
  auto conflict = [&](core::JobState state) {
    return error_response(409, "conflict",
                          "job " + std::to_string(job.id) + " has already finished (" +
                              std::string(core::to_string(state)) + ")");
  };
  if (core::is_finished(job.state)) return conflict(job.state);
  auto cancelled = app.deps.job_control.cancel(job.id);
  if (!cancelled) {
    // It finished between the read and the cancel.
    if (cancelled.error().code == core::ErrorCode::Conflict) {
      auto now = app.deps.jobs.find_job(job.id);
      return conflict(now && *now ? (*now)->job.state : job.state);
    }
    return app.fail(cancelled.error());
  }
  publish_job(app, *cancelled);
  return http::Response::json(200, dump(job_value(*cancelled)));
}

void App::job_changed(const core::Job& job) {
  // The Spotify calls this process made since the job's last publication (its first one here
  // carries what earlier attempts made: the base to count from).
  {
    std::lock_guard lock(job_calls_mutex);
    const auto known = job_calls.find(job.id);
    if (known != job_calls.end()) {
      const core::ApiCounters& before = known->second;
      metrics.record_spotify(std::max<std::int64_t>(0, job.api.calls - before.calls),
                             std::max<std::int64_t>(0, job.api.rate_limited - before.rate_limited),
                             std::max<std::int64_t>(0, job.api.retries - before.retries));
    }
    if (job.state == core::JobState::Running) {
      job_calls[job.id] = job.api;
    } else {
      job_calls.erase(job.id);
    }
  }
  publish_job(*this, job);
}

void WebApp::job_changed(const core::Job& job) { app_->job_changed(job); }

core::Result<core::JobDetails> App::owned_job(const Context& context) {
  const std::string& text = context.param("job_id");
  const auto not_found =
      core::make_error(core::ErrorCode::NotFound, "job " + text.substr(0, 40) + " not found");
  const auto id = whole_number(text);
  if (!id || *id <= 0) return not_found;
  auto found = deps.jobs.find_job(*id);
  if (!found) return found.error();
  // Another user's job answers exactly like one that does not exist.
  if (!*found || (*found)->job.owner_user_id != context.user_id()) return not_found;
  return std::move(**found);
}

}  // namespace plm::web
