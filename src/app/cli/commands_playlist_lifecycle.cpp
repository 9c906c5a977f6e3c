// plm playlist create NAME / copy ID NAME / delete ID: the create_playlist and delete_playlist
// jobs of the web app (app/lifecycle_jobs.hpp), enqueued and run in this process (run_job.hpp), so
// they are listed by `plm jobs`, journaled (origin "cli") and resumed after a crash.

#include <unistd.h>

#include <iostream>
#include <string>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/json_shapes.hpp"
#include "app/cli/output.hpp"
#include "app/cli/run_job.hpp"
#include "app/job_handlers.hpp"
#include "app/lifecycle_jobs.hpp"
#include "app/services.hpp"
#include "core/journal/playlist_version.hpp"

namespace plm::app::cli {

namespace {

RunHereOptions lifecycle_run_options(CommandContext& context) {
  // The same table as plm serve's worker (app/job_handlers.hpp): this process may also claim
  // other due jobs while it waits for its own.
  RunHereOptions options{.handlers = job_handlers(context.services())};
  options.show_progress = !context.json();
  return options;
}

/// Runs `job` here and prints how it ended: the job in the web API's JobDetails shape with
/// --json, else its message and one line per item.
ExitCode run_and_report(CommandContext& context, const core::NewJob& job) {
  auto details = enqueue_and_run_here(context, job, lifecycle_run_options(context));
  if (!details) return context.fail(details.error());
  if (const ExitCode code = job_exit(context, *details); code != ExitCode::Ok) return code;
  std::string text = details->job.progress.message + "\n";
  for (const auto& item : details->items) {
    if (!item.detail.empty()) text += "  " + item.label + ": " + item.detail + "\n";
  }
  return context.output().result(job_details_shape(*details), text);
}

ExitCode create_or_copy(CommandContext& context, std::optional<std::string> copy_of) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  const auto& invocation = context.invocation();
  core::CreateInput input{.details = {.name = invocation.arguments.back(),
                                      .description = invocation.value("--description").value_or(""),
                                      .is_public = invocation.has("--public")},
                          .copy_of = std::move(copy_of),
                          .dedupe = invocation.has("--dedupe")};
  auto prepared = core::prepare_creation(input, [&](const std::string& id) {
    auto items = context.services().playlists().playlist_items(account->id, id);
    if (!items && items.error().code == core::ErrorCode::NotFound) {
      return core::Result<std::vector<core::PlaylistItem>>(playlist_not_found(id, *account));
    }
    return items;
  });
  if (!prepared) return context.fail(prepared.error());
  prepared->creation.origin = std::string(core::kOriginCli);
  prepared->creation.why = invocation.value("--why").value_or("");
  context.warn_if_authorization_ends_soon(*account);
  return run_and_report(context, creation_job(user->id, account->id, prepared->creation));
}

ExitCode create_playlist(CommandContext& context) { return create_or_copy(context, std::nullopt); }

ExitCode copy_playlist(CommandContext& context) {
  const auto source = playlist_id_argument(context.invocation().arguments.front());
  if (!source) return context.fail(source.error());
  return create_or_copy(context, *source);
}

/// Asks on the terminal; true when the answer starts with y or Y.
bool confirmed(CommandContext& context, const std::string& question) {
  context.err() << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return !answer.empty() && (answer[0] == 'y' || answer[0] == 'Y');
}

ExitCode delete_playlist(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  const auto argument = playlist_id_argument(context.invocation().arguments.front());
  if (!argument) return context.fail(argument.error());
  const std::string& id = *argument;
  auto found = context.services().playlists().find_playlist(account->id, id);
  if (!found) return context.fail(found.error());
  if (!*found) return context.fail(playlist_not_found(id, *account));
  // Only a person at a terminal is asked; scripts (stdin not a terminal) and --yes are not.
  if (!context.invocation().has("--yes") && isatty(STDIN_FILENO) == 1 &&
      !confirmed(context, "Unfollow \u201c" + (*found)->summary.name + "\u201d (" + id +
                              ") on Spotify? plm keeps its history.")) {
    context.err() << "not unfollowed\n";
    return ExitCode::Failure;
  }
  return run_and_report(context, delete_playlist_job(user->id, account->id, id));
}

const Flag kWhyFlag{.name = "--why",
                    .value_name = "TEXT",
                    .description = "the reason, kept in the new playlist's history"};

}  // namespace

std::vector<Command> playlist_lifecycle_commands() {
  const Flag description{.name = "--description",
                         .value_name = "TEXT",
                         .description = "the new playlist's description (at most 300 characters)"};
  const Flag is_public{.name = "--public",
                       .description = "make it public (new playlists are private by default)"};
  return {
      {.name = "create",
       .summary = "create an empty playlist on Spotify",
       .arguments = {{"NAME", "the new playlist's name"}},
       .flags = {kAccountFlag, description, is_public, kWhyFlag},
       .details = "NAME: 1 to 200 characters. The playlist is created, stored and recorded in its "
                  "history by a job (see plm jobs).\n",
       .handler = create_playlist,
       .examples = {{"plm playlist create 'Focus 2026' --description 'deep work' --public",
                     "create a public playlist"}},
       .json_fields = kJobDetailsJsonFields},
      {.name = "copy",
       .summary = "copy a stored playlist's tracks into a new playlist",
       .arguments = {{"ID", "the stored playlist to copy (see plm playlists)"},
                     {"NAME", "the new playlist's name"}},
       .flags = {kAccountFlag,
                 description,
                 is_public,
                 {.name = "--dedupe", .description = "keep only the first copy of each track"},
                 kWhyFlag},
       .details = "ID is the Spotify id of the playlist to copy (see plm playlists), as last "
                  "synced. Local files and unavailable tracks cannot be added and are skipped. "
                  "The new playlist NAME is created, filled, stored and recorded in its history "
                  "by a job (see plm jobs); a job interrupted half-way is resumed without "
                  "creating the playlist or adding a track twice.\n",
       .handler = copy_playlist,
       .examples = {{"plm playlist copy 37i9dQZF1DXcBWIGoYBM5M 'Top Hits (mine)' --dedupe",
                     "copy a playlist you follow into one you own, without duplicates"}},
       .json_fields = kJobDetailsJsonFields},
      {.name = "delete",
       .summary = "unfollow a playlist (Spotify's delete); its history is kept",
       .arguments = {{"ID", "the playlist to unfollow (see plm playlists)"}},
       .flags = {kAccountFlag,
                 {.name = "--yes",
                  .description = "do not ask for confirmation at a terminal",
                  .short_name = 'y'}},
       .details = "Asks for confirmation when standard input is a terminal (not with --yes). "
                  "The playlist leaves plm's list; `plm playlist history ID` still shows its "
                  "versions.\n",
       .handler = delete_playlist,
       .examples = {{"plm playlist delete 37i9dQZF1DXcBWIGoYBM5M -y",
                     "unfollow a playlist without being asked"}},
       .json_fields = kJobDetailsJsonFields},
  };
}

}  // namespace plm::app::cli
