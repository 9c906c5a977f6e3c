#include "app/sync_jobs.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "app/job_account.hpp"

namespace plm::app {

using core::ErrorCode;
using Json = nlohmann::json;

namespace {

constexpr int kCheckpointVersion = 1;

/// What a sync is doing, for people: the same words the web app used for its in-memory jobs.
std::string describe(const core::SyncProgress& state) {
  if (state.phase == core::SyncProgress::Phase::Listing) return "listing playlists";
  if (state.current_playlist.empty()) return "saving";
  std::string message = "reading \u201c" + state.current_playlist + "\u201d";
  // Long playlists take many calls (200 for 10,000 items): say how far the reading is.
  if (state.items_total > core::SpotifyApi::kMaxItemsPage) {
    message += " (" + std::to_string(state.items_read) + " of " +
               std::to_string(state.items_total) + " tracks)";
  }
  return message;
}

core::JobItemResult item_result(const core::PlaylistOutcome& outcome) {
  using Kind = core::PlaylistOutcome::Kind;
  core::JobItemResult item{outcome.playlist_id, outcome.playlist_name, core::ItemOutcome::Done,
                           outcome.error, ""};
  switch (outcome.kind) {
    case Kind::Read:
      item.detail = "read " + std::to_string(outcome.items) + " tracks";
      break;
    case Kind::Unchanged:
      item.outcome = core::ItemOutcome::Unchanged;
      break;
    case Kind::Unreadable:
      item.outcome = core::ItemOutcome::Skipped;
      item.detail = "followed: Spotify lets only its owner and collaborators read its tracks";
      break;
    case Kind::Failed:
      item.outcome = core::ItemOutcome::Failed;
      break;
    case Kind::Removed:
      item.detail = "removed: no longer in the account's Spotify list";
      break;
  }
  return item;
}

std::string summary_of(const core::SyncReport& report) {
  std::string message = "synced " + std::to_string(report.playlists_total) +
                        (report.playlists_total == 1 ? " playlist: " : " playlists: ") +
                        std::to_string(report.read) + " read, " + std::to_string(report.unchanged) +
                        " unchanged, " + std::to_string(report.unreadable) + " followed, " +
                        std::to_string(report.removed) + " removed";
  if (!report.failures.empty())
    message += "; " + std::to_string(report.failures.size()) + " could not be read";
  if (report.removals_skipped) message += "; " + report.removals_skipped->message;
  return message;
}

/// A sync that ended early: stopped when the worker asked, failed otherwise (the worker retries
/// rate limits and outages at their time, resuming from the checkpoint).
JobResult ended_early(JobContext& context, const core::Error& error) {
  if (context.stop_token().stop_requested()) return JobResult::stopped();
  return JobResult::failed(error);
}

/// Runs `sync(account, service)` with the job's account and a SyncService over its client.
template <typename Sync>
JobResult with_sync_service(const SyncJobDeps& deps, const core::Job& job, Sync&& sync) {
  auto account = account_for_job(deps.accounts, job, "sync");
  if (!account) return JobResult::failed(account.error());
  const auto spotify = deps.spotify_for(*account);
  core::SyncService service(*spotify, deps.playlists, deps.journal, deps.clock);
  return sync(*account, service);
}

JobResult run_sync_account(const SyncJobDeps& deps, JobContext& context,
                           const core::SpotifyAccount& account, core::SyncService& service) {
  const core::Job& job = context.job();

  // A playlist an earlier attempt read is "unchanged" now: its earlier result says more.
  std::set<std::string> recorded_before;
  for (const auto& item : context.earlier_items()) recorded_before.insert(item.key);
  core::JobProgress progress{0, 0, core::ProgressUnit::Playlists, "listing playlists"};

  core::SyncOptions options;
  options.stop = context.stop_token();
  options.in_flight = deps.in_flight;
  options.listing = decode_listing_checkpoint(job.checkpoint, deps.clock.now());
  options.on_listed = [&](const core::PlaylistListing& listing) {
    progress.total = static_cast<std::int64_t>(listing.playlists.size());
    context.report(progress, encode_listing_checkpoint(listing, deps.clock.now()));
  };
  options.progress = [&](const core::SyncProgress& state) {
    progress = core::JobProgress{state.playlists_done, state.playlists_total,
                                 core::ProgressUnit::Playlists, describe(state)};
    context.count_api(state.counters);
    context.report(progress);
  };
  options.on_playlist = [&](const core::PlaylistOutcome& outcome) {
    if (outcome.kind == core::PlaylistOutcome::Kind::Unchanged &&
        recorded_before.count(outcome.playlist_id)) {
      return;
    }
    context.record_item(item_result(outcome));
  };

  auto result = service.sync_account(account, options);
  if (!result) return ended_early(context, result.error());
  context.count_api(result->counters);
  if (result->stopped_by) return ended_early(context, *result->stopped_by);
  // Done: the listing is of no use any more.
  progress.message = summary_of(*result);
  context.report(progress, "");
  return JobResult::succeeded(progress.message);
}

JobResult run_sync_playlist(const SyncJobDeps& deps, JobContext& context,
                            const core::SpotifyAccount& account, core::SyncService& service) {
  const core::Job& job = context.job();
  std::string name = job.playlist_id;

  auto result = service.sync_playlist(
      account, job.playlist_id,
      [&](const core::SyncProgress& state) {
        if (!state.current_playlist.empty()) name = state.current_playlist;
        context.count_api(state.counters);
        context.report(core::JobProgress{state.items_read, state.items_total,
                                         core::ProgressUnit::Tracks, describe(state)});
      },
      context.stop_token());
  if (!result) {
    if (!context.stop_token().stop_requested()) {
      context.record_item(core::JobItemResult{job.playlist_id, name, core::ItemOutcome::Failed,
                                              result.error(), ""});
    }
    return ended_early(context, result.error());
  }
  context.count_api(result->counters);
  using Kind = core::PlaylistOutcome::Kind;
  const Kind kind = result->read        ? Kind::Read
                    : result->unchanged ? Kind::Unchanged
                                        : Kind::Unreadable;
  const auto items = deps.playlists.find_playlist(account.id, job.playlist_id);
  const std::int64_t stored_items = items && *items ? (*items)->stored_item_count : std::int64_t{0};
  context.record_item(
      item_result(core::PlaylistOutcome{kind, job.playlist_id, name, stored_items, std::nullopt}));
  return JobResult::succeeded(summary_of(*result));
}

Json summary_json(const core::PlaylistSummary& summary) {
  return Json{{"id", summary.id},
              {"name", summary.name},
              {"description", summary.description},
              {"owner_id", summary.owner_id},
              {"owner_name", summary.owner_name},
              {"public", summary.is_public},
              {"collaborative", summary.collaborative},
              {"snapshot_id", summary.snapshot_id},
              {"items", summary.item_count},
              {"image_url", summary.image_url}};
}

core::PlaylistSummary summary_from(const Json& json) {
  return core::PlaylistSummary{.id = json.at("id").get<std::string>(),
                               .name = json.at("name").get<std::string>(),
                               .description = json.at("description").get<std::string>(),
                               .owner_id = json.at("owner_id").get<std::string>(),
                               .owner_name = json.at("owner_name").get<std::string>(),
                               .is_public = json.at("public").get<bool>(),
                               .collaborative = json.at("collaborative").get<bool>(),
                               .snapshot_id = json.at("snapshot_id").get<std::string>(),
                               .item_count = json.at("items").get<std::int64_t>(),
                               .image_url = json.at("image_url").get<std::string>()};
}

}  // namespace

void add_sync_handlers(JobHandlers& handlers, const SyncJobDeps& deps) {
  handlers[core::JobKind::SyncAccount] = [deps](JobContext& context) {
    return with_sync_service(deps, context.job(), [&](const auto& account, auto& service) {
      return run_sync_account(deps, context, account, service);
    });
  };
  handlers[core::JobKind::SyncPlaylist] = [deps](JobContext& context) {
    return with_sync_service(deps, context.job(), [&](const auto& account, auto& service) {
      return run_sync_playlist(deps, context, account, service);
    });
  };
}

core::NewJob sync_account_job(std::int64_t owner_user_id, std::int64_t account_id) {
  return core::NewJob{.kind = core::JobKind::SyncAccount,
                      .owner_user_id = owner_user_id,
                      .account_id = account_id,
                      .concurrency_key = core::concurrency_key_for_account(account_id),
                      .unit = core::ProgressUnit::Playlists,
                      .unique_while_active = true};
}

core::NewJob sync_playlist_job(std::int64_t owner_user_id, std::int64_t account_id,
                               const std::string& playlist_id) {
  return core::NewJob{
      .kind = core::JobKind::SyncPlaylist,
      .owner_user_id = owner_user_id,
      .account_id = account_id,
      .playlist_id = playlist_id,
      .concurrency_key = core::concurrency_key_for_playlist(account_id, playlist_id),
      .unit = core::ProgressUnit::Tracks,
      .unique_while_active = true};
}

std::string encode_listing_checkpoint(const core::PlaylistListing& listing,
                                      core::TimePoint listed_at) {
  Json playlists = Json::array();
  for (const auto& summary : listing.playlists) playlists.push_back(summary_json(summary));
  const auto listed_at_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(listed_at.time_since_epoch()).count();
  return Json{{"version", kCheckpointVersion},
              {"listed_at_ms", listed_at_ms},
              {"pages", listing.pages},
              {"consistent", listing.consistent},
              {"playlists", std::move(playlists)}}
      .dump();
}

std::optional<core::PlaylistListing> decode_listing_checkpoint(const std::string& checkpoint,
                                                               core::TimePoint now) {
  if (checkpoint.empty()) return std::nullopt;
  const Json json = Json::parse(checkpoint, nullptr, /*allow_exceptions=*/false);
  try {
    if (!json.is_object() || json.value("version", 0) != kCheckpointVersion) return std::nullopt;
    const core::TimePoint listed_at{
        std::chrono::milliseconds(json.at("listed_at_ms").get<std::int64_t>())};
    if (now - listed_at > kListingMaxAge || listed_at > now) return std::nullopt;
    core::PlaylistListing listing;
    listing.pages = json.at("pages").get<std::int64_t>();
    listing.consistent = json.at("consistent").get<bool>();
    for (const auto& summary : json.at("playlists"))
      listing.playlists.push_back(summary_from(summary));
    return listing;
  } catch (const Json::exception&) {
    return std::nullopt;  // not a checkpoint this version wrote: list again
  }
}

}  // namespace plm::app
