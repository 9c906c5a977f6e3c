// Batch edits across many playlists of one account (issue 10): the preview (nothing sent), the
// batch_edit job that runs it and its undo, where a track is, duplicates, and the user's saved
// selections. What a batch does is planned by core::propose_batch / core::plan_batch_undo on the
// stored items, the same way for the preview and the job, so a batch that cannot be planned is
// refused before any job exists; the job itself is app/batch_jobs.hpp's, started through
// JobControl::run_batch.

#include <map>
#include <set>

#include "core/batch/batch_requests.hpp"
#include "web/batch_json.hpp"
#include "web/handlers.hpp"

namespace plm::web {

namespace {

using core::ErrorCode;

/// Every shuffle part sent without a seed gets one picked here (one for the batch: seed_for mixes
/// in each playlist's id). The seed the preview shows: the first shuffle part's, if any.
std::optional<std::uint64_t> pick_seeds(BatchBody& body) {
  std::optional<std::uint64_t> picked;
  std::optional<std::uint64_t> shown;
  for (std::size_t i = 0; i < body.request.parts.size(); ++i) {
    core::BatchOperation& operation = body.request.parts[i].operation;
    if (operation.kind != core::BatchOperation::Kind::Shuffle) continue;
    if (body.seed_missing[i]) {
      if (!picked) picked = random_seed();
      operation.shuffle_seed = *picked;
    }
    if (!shown) shown = operation.shuffle_seed;
  }
  return shown;
}

/// A batch request read, seeded and planned against the account's stored playlists.
struct PlannedBatch {
  core::SpotifyAccount account;
  core::BatchProposal proposal;
  core::VersionCause cause;
  std::optional<std::uint64_t> seed;
};

core::Result<PlannedBatch> plan_request(App& app, const Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return account.error();
  auto body = parse_batch_body(context.body);
  if (!body) return body.error();
  const auto seed = pick_seeds(*body);
  core::BatchRequest& request = body->request;
  request.cause =
      batch_cause(core::VersionCauseKind::Edit,
                  "batch " + std::string(core::to_string(request.parts.front().operation.kind)),
                  context.user_id(), std::move(request.cause.why));
  auto proposal =
      core::propose_batch(app.deps.playlists, *account, request, batch_plan_options(app));
  if (!proposal) return proposal.error();
  return PlannedBatch{std::move(*account), std::move(*proposal), std::move(request.cause), seed};
}

/// The preview of `proposal` with the account's playlists as they are stored now.
http::Response preview_response(App& app, const core::SpotifyAccount& account,
                                const core::BatchProposal& proposal,
                                std::optional<std::uint64_t> seed) {
  auto playlists = app.deps.playlists.playlists_of(account.id);
  if (!playlists) return app.fail(playlists.error());
  return http::Response::json(
      200, batch_preview_json(proposal, *playlists, app.options.rate_budget, seed));
}

/// A batch where no selected playlist would change is refused (400) with the reasons, so no job
/// is queued that has nothing to do.
std::optional<core::Error> nothing_to_do(const core::BatchProposal& proposal) {
  if (proposal.plan.changed > 0) return std::nullopt;
  std::string reasons;
  for (const auto& entry : proposal.plan.entries) {
    if (reasons.size() > 300) {
      reasons += "; …";
      break;
    }
    reasons += (reasons.empty() ? "" : "; ") + entry.name + ": " + entry.reason;
  }
  return core::make_error(ErrorCode::InvalidInput,
                          "no selected playlist would change" +
                              (reasons.empty() ? std::string() : " (" + reasons + ")"));
}

/// The account a job acts on, if the signed-in user owns it (404 otherwise).
core::Result<core::SpotifyAccount> account_of_job(App& app, const core::Job& job) {
  auto account = app.deps.accounts.find_account(job.account_id);
  if (!account) return account.error();
  if (!*account || (*account)->app_user_id != job.owner_user_id) {
    return core::make_error(ErrorCode::NotFound,
                            "the account of job " + std::to_string(job.id) + " is gone");
  }
  return **account;
}

}  // namespace

/// What the duration estimate assumes of one Spotify call.
constexpr std::chrono::milliseconds kCallLatency{100};

core::BatchPlanOptions batch_plan_options(const App& app) {
  return core::BatchPlanOptions{.today = app.deps.clock.now(),
                                .rate_budget = app.options.rate_budget,
                                .latency = kCallLatency};
}

/// The history's record of a batch: who, from where, what ("batch add") and why.
core::VersionCause batch_cause(core::VersionCauseKind kind, std::string action,
                               std::int64_t user_id, std::string why) {
  core::VersionCause cause;
  cause.kind = kind;
  cause.app_user_id = user_id;
  cause.origin = std::string(core::kOriginWeb);
  cause.action = std::move(action);
  cause.why = std::move(why);
  return cause;
}

http::Response preview_batch(App& app, Context& context) {
  auto planned = plan_request(app, context);
  if (!planned) return app.fail(planned.error());
  return preview_response(app, planned->account, planned->proposal, planned->seed);
}

http::Response run_batch(App& app, Context& context) {
  auto planned = plan_request(app, context);
  if (!planned) return app.fail(planned.error());
  if (auto refused = nothing_to_do(planned->proposal)) return app.fail(*refused);
  return start_job(app, planned->account, "change playlists", [&] {
    return app.deps.job_control.run_batch(context.user_id(), planned->account.id, planned->proposal,
                                          planned->cause, std::nullopt);
  });
}

http::Response undo_batch(App& app, Context& context) {
  auto details = app.owned_job(context);
  if (!details) return app.fail(details.error());
  auto body = parse_batch_undo_body(context.body);
  if (!body) return app.fail(body.error());
  const core::Job& job = details->job;
  if (job.kind != core::JobKind::BatchEdit) {
    return app.fail(core::make_error(ErrorCode::InvalidInput,
                                     "job " + std::to_string(job.id) + " is no batch (" +
                                         std::string(core::to_string(job.kind)) +
                                         "): undo a single edit from the playlist's history"));
  }
  auto account = account_of_job(app, job);
  if (!account) return app.fail(account.error());
  auto proposal = core::plan_batch_undo(app.deps.playlists, app.deps.journal, *account, *details,
                                        body->playlist_ids, batch_plan_options(app));
  if (!proposal) return app.fail(proposal.error());
  if (body->dry_run) return preview_response(app, *account, *proposal, std::nullopt);
  if (auto refused = nothing_to_do(*proposal)) return app.fail(*refused);
  const auto cause =
      batch_cause(core::VersionCauseKind::Undo, "batch undo", context.user_id(), body->why);
  return start_job(app, *account, "change playlists", [&] {
    return app.deps.job_control.run_batch(context.user_id(), account->id, *proposal, cause, job.id);
  });
}

http::Response find_duplicates(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  auto selection = parse_playlist_selection(context.body);
  if (!selection) return app.fail(selection.error());
  auto report = core::find_batch_duplicates(app.deps.playlists, *account, *selection);
  if (!report) return app.fail(report.error());
  // The tracks' catalog data, from the stored items of the playlists the report names.
  std::set<std::string> named;
  for (const auto& duplicate : report->across) {
    for (const auto& in : duplicate.playlists) named.insert(in.playlist_id);
  }
  for (const auto& duplicate : report->within) named.insert(duplicate.playlist_id);
  std::map<std::string, core::TrackInfo> tracks;
  for (const auto& playlist_id : named) {
    auto items = app.deps.playlists.playlist_items(account->id, playlist_id);
    if (!items) return app.fail(items.error());
    for (const auto& item : *items) {
      if (item.track) tracks.emplace(item.track->uri, *item.track);
    }
  }
  return http::Response::json(200, duplicate_report_json(*report, [&](const std::string& uri) {
                                const auto found = tracks.find(uri);
                                return found == tracks.end() ? std::nullopt
                                                             : std::optional(found->second);
                              }));
}

http::Response where_is_track(App& app, Context& context) {
  const auto uri = context.request.query_param("uri");
  if (!uri || uri->empty()) {
    return app.fail(core::make_error(ErrorCode::InvalidInput,
                                     "'uri' is required: a track or episode URI, or a link"));
  }
  std::vector<core::SpotifyAccount> accounts;
  if (const auto text = context.request.query_param("account_id")) {
    if (!whole_number(*text)) {
      return app.fail(
          core::make_error(ErrorCode::InvalidInput, "'account_id' must be an account's id"));
    }
    auto account = app.owned_account(context, std::string(*text));
    if (!account) return app.fail(account.error());
    accounts.push_back(std::move(*account));
  } else {
    auto owned = app.deps.accounts.accounts_of(context.user_id());
    if (!owned) return app.fail(owned.error());
    accounts = std::move(*owned);
  }
  auto where =
      core::where_is_track(app.deps.playlists, app.deps.journal, accounts, std::string(*uri));
  if (!where) return app.fail(where.error());
  std::map<std::int64_t, const core::SpotifyAccount*> by_id;
  for (const auto& account : accounts) by_id.emplace(account.id, &account);
  // Looked up per row, as rows are few next to the playlists of every account.
  std::optional<core::Error> failure;
  const auto body = track_where_json(*where, [&](const core::TrackWhereRow& row) {
    auto playlist = app.deps.playlists.find_playlist(row.account_id, row.playlist_id);
    if (!playlist) failure = playlist.error();
    if (!playlist || !*playlist) return std::optional<std::string>();
    return core::why_not_writable((*playlist)->summary, by_id.at(row.account_id)->spotify_user_id,
                                  core::WriteScope::Items);
  });
  if (failure) return app.fail(*failure);
  return http::Response::json(200, body);
}

http::Response list_selections(App& app, Context& context) {
  auto selections = app.deps.playlists.saved_selections(context.user_id());
  if (!selections) return app.fail(selections.error());
  return http::Response::json(200, saved_selections_json(*selections));
}

http::Response save_selection(App& app, Context& context) {
  auto input = parse_selection_input(context.body);
  if (!input) return app.fail(input.error());
  // Another user's account answers as a missing one (the store checks it too, in its
  // transaction).
  if (input->account_id) {
    auto account = app.owned_account(context, std::to_string(*input->account_id));
    if (!account) return app.fail(account.error());
  }
  auto saved = app.deps.playlists.save_selection(
      context.user_id(), core::SavedSelection{.name = context.param("name"),
                                              .account_id = input->account_id,
                                              .selector = std::move(input->selector)});
  if (!saved) return app.fail(saved.error());
  return http::Response::json(200, dump(saved_selection_value(*saved)));
}

http::Response delete_selection(App& app, Context& context) {
  if (auto deleted = app.deps.playlists.delete_selection(context.user_id(), context.param("name"));
      !deleted)
    return app.fail(deleted.error());
  return http::Response::empty(204);
}

}  // namespace plm::web
