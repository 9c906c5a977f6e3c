// plm sync: read an account's playlists from Spotify with the fewest calls.

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/json_shapes.hpp"
#include "app/cli/output.hpp"
#include "core/sync/sync_service.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

/// "[#########.....] 120/330 playlists · 130 calls · waited 3 s" on one line, redrawn.
void draw_progress(std::ostream& err, const core::SyncProgress& progress) {
  const auto total = std::max<std::int64_t>(progress.playlists_total, 1);
  const int width = 30;
  const int filled = static_cast<int>(width * progress.playlists_done / total);
  err << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
      << std::string(static_cast<std::size_t>(width - filled), '.') << "] "
      << progress.playlists_done << "/" << progress.playlists_total << " playlists · "
      << progress.counters.calls << " calls";
  if (progress.counters.rate_limited + progress.counters.paced_waits > 0) {
    err << " · waited " << progress.counters.waited_ms / 1000 << " s";
  }
  err << "   " << std::flush;
  if (progress.phase == core::SyncProgress::Phase::Done) err << "\n";
}

/// The keys of report_json (`stopped_by` only when the sync stopped early).
const std::vector<std::string_view> kSyncJsonFields{
    "playlists", "read",    "unchanged",    "unreadable", "removed",  "planned_calls",
    "calls",     "retries", "rate_limited", "waited_ms",  "failures", "stopped_by"};

Json report_json(const core::SyncReport& report) {
  Json failures = Json::array();
  for (const auto& failure : report.failures) {
    failures.push_back({{"playlist_id", failure.playlist_id},
                        {"name", failure.playlist_name},
                        {"error", core::to_string(failure.error.code)},
                        {"message", failure.error.message}});
  }
  Json json{{"playlists", report.playlists_total},
            {"read", report.read},
            {"unchanged", report.unchanged},
            {"unreadable", report.unreadable},
            {"removed", report.removed},
            {"planned_calls", report.planned_calls},
            {"calls", report.counters.calls},
            {"retries", report.counters.retries},
            {"rate_limited", report.counters.rate_limited},
            {"waited_ms", report.counters.waited_ms},
            {"failures", failures}};
  if (report.stopped_by) {
    json["stopped_by"] = {{"error", core::to_string(report.stopped_by->code)},
                          {"message", describe_error(*report.stopped_by)}};
  }
  return json;
}

std::string report_text(const core::SyncReport& report) {
  std::string text = "synced " + std::to_string(report.playlists_total) +
                     " playlists: " + std::to_string(report.read) + " read, " +
                     std::to_string(report.unchanged) + " unchanged, " +
                     std::to_string(report.unreadable) + " followed (contents not readable), " +
                     std::to_string(report.removed) + " removed; " +
                     std::to_string(report.counters.calls) + " Spotify calls";
  if (report.counters.waited_ms > 0) {
    char waited[32];
    std::snprintf(waited, sizeof waited, "%g", report.counters.waited_ms / 1000.0);
    text += ", waited " + std::string(waited) + " s";
  }
  return text;
}

ExitCode sync(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  if (account->status == core::AccountStatus::NeedsReauth) {
    return context.fail(core::make_error(
        core::ErrorCode::NeedsReauth,
        "Spotify account " + account->spotify_user_id + " needs re-authorization"));
  }
  context.warn_if_authorization_ends_soon(*account);
  auto& services = context.services();
  auto spotify = services.spotify_for(*account);
  core::SyncService service(*spotify, services.playlists(), services.journal(), services.clock());
  const bool show_progress = !context.invocation().has("--quiet") && isatty(STDERR_FILENO);
  auto result = service.sync_account(
      *account, core::SyncOptions{.progress =
                                      [&](const core::SyncProgress& progress) {
                                        if (show_progress) draw_progress(context.err(), progress);
                                      },
                                  .in_flight = services.config().sync_in_flight});
  if (!result) return context.fail(result.error());
  const auto& report = *result;
  auto& output = context.output();
  for (const auto& failure : report.failures) {
    output.note("plm: could not read \"" + failure.playlist_name + "\" (" + failure.playlist_id +
                "): " + describe_error(failure.error));
  }
  if (const auto written = output.result(report_json(report), report_text(report));
      written != ExitCode::Ok)
    return written;
  if (report.stopped_by) {
    context.err() << "plm: sync stopped early: " << describe_error(*report.stopped_by) << "\n";
    return exit_code_for(*report.stopped_by);
  }
  return report.failures.empty() ? ExitCode::Ok : ExitCode::Partial;
}

}  // namespace

CommandGroup sync_commands() {
  return {
      .name = "sync",
      .summary = "read an account's playlists from Spotify (incremental)",
      .commands = {
          {.flags = {kAccountFlag,
                     {.name = "--quiet",
                      .description = "no progress bar on the terminal",
                      .short_name = 'q'}},
           .details = "Reads the account's playlists from Spotify: one call per 50 playlists, "
                      "then only the\nplaylists whose snapshot changed (one call per 50 tracks). "
                      "Shows progress on a terminal.\nExit code 5 when some playlists could not "
                      "be read, 3 when the account needs\nre-authorization, 4 when Spotify asked "
                      "to wait (the message says until when).\n",
           .handler = sync,
           .examples = {{"plm sync", "read the only connected account's playlists"},
                        {"plm sync -a 2 -q", "sync account 2 without a progress bar (cron)"}},
           .json_fields = kSyncJsonFields}}};
}

}  // namespace plm::app::cli
