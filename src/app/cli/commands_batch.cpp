// plm batch add / remove / replace / dedupe / sort / shuffle / rename / visibility / undo and
// plm where (issue 10 §5; scripts rely on these exact forms). A batch command turns its arguments
// into a core::BatchOperation over a SELECTOR, plans it exactly as the web app's preview does
// (core::propose_batch, or core::plan_batch_undo for an undo), prints the per-playlist preview and
// what it costs, and unless --dry-run runs the batch_edit job in this process (run_job_here) with
// the handlers `plm serve` uses, so every playlist gets its own journal version (origin "cli",
// action "batch <kind>") and the batch can be undone as one. Positions are 1-based, as
// `plm playlist show` numbers the tracks.

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "app/batch_jobs.hpp"
#include "app/cli/batch_run.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/json_shapes.hpp"
#include "app/cli/output.hpp"
#include "app/cli/run_job.hpp"
#include "app/job_handlers.hpp"
#include "core/batch/batch_requests.hpp"
#include "core/write/playlist_edits.hpp"
#include "web/batch_json.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;
using core::BatchEntryPlan;
using core::BatchOperation;
using core::ErrorCode;

core::Error usage(const std::string& message) {
  return core::make_error(ErrorCode::InvalidInput, message);
}

// ---- arguments ----------------------------------------------------------------------------

core::Result<std::vector<std::string>> uri_arguments(const std::vector<std::string>& arguments) {
  std::vector<std::string> uris;
  for (const auto& argument : arguments) {
    auto uri = item_uri_argument(argument);
    if (!uri) return uri.error();
    uris.push_back(std::move(*uri));
  }
  return uris;
}

/// A whole number argument ("JOB_ID", "--seed N") in 1…max, or 0…max with `allow_zero`.
core::Result<std::uint64_t> unsigned_argument(std::string_view what, const std::string& text,
                                              bool allow_zero = false) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
      (value == 0 && !allow_zero)) {
    return usage(std::string(what) + " must be a whole number" + (allow_zero ? "" : " from 1") +
                 ", got '" + text + "'");
  }
  return value;
}

std::string comma_list_item(std::string_view text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(' ');
  return std::string(text.substr(first, last - first + 1));
}

// ---- each subcommand's operation ------------------------------------------------------------

using OperationOf = core::Result<BatchOperation> (*)(const Invocation& invocation);

core::Result<BatchOperation> add_operation(const Invocation& invocation) {
  auto uris = uri_arguments(invocation.arguments);
  if (!uris) return uris.error();
  BatchOperation operation{.kind = BatchOperation::Kind::Add, .uris = std::move(*uris)};
  operation.add_existing = invocation.has("--add-existing");
  const auto position = invocation.number("--position");
  if (position && invocation.has("--top"))
    return usage("--position and --top say two different places: give one");
  if (invocation.has("--top")) operation.at = BatchOperation::At::Top;
  if (position) {
    operation.at = BatchOperation::At::Position;
    operation.position = *position - 1;  // the core counts from 0
  }
  return operation;
}

core::Result<BatchOperation> remove_operation(const Invocation& invocation) {
  auto uris = uri_arguments(invocation.arguments);
  if (!uris) return uris.error();
  return BatchOperation{.kind = BatchOperation::Kind::Remove, .uris = std::move(*uris)};
}

core::Result<BatchOperation> replace_operation(const Invocation& invocation) {
  auto uris = uri_arguments(invocation.arguments);
  if (!uris) return uris.error();
  BatchOperation operation{.kind = BatchOperation::Kind::Replace};
  operation.old_uri = (*uris)[0];
  operation.new_uri = (*uris)[1];
  return operation;
}

core::Result<BatchOperation> dedupe_operation(const Invocation& invocation) {
  BatchOperation operation{.kind = BatchOperation::Kind::Dedupe};
  operation.keep = *core::dedupe_keep_from_string(invocation.value("--keep").value_or("first"));
  return operation;
}

core::Result<BatchOperation> sort_operation(const Invocation& invocation) {
  const auto key = invocation.value("--by");
  if (!key) return usage("--by is required: title, artist, album, release, duration or added");
  BatchOperation operation{.kind = BatchOperation::Kind::Sort};
  operation.sort_by = *core::sort_key_from_string(*key);
  operation.descending = invocation.has("--descending");
  return operation;
}

core::Result<BatchOperation> shuffle_operation(const Invocation& invocation) {
  BatchOperation operation{.kind = BatchOperation::Kind::Shuffle};
  if (const auto seed = invocation.value("--seed")) {
    auto number = unsigned_argument("--seed", *seed, /*allow_zero=*/true);
    if (!number) return number.error();
    operation.shuffle_seed = *number;
  } else {
    std::random_device random;
    operation.shuffle_seed = (std::uint64_t{random()} << 32) | random();
  }
  return operation;
}

core::Result<BatchOperation> rename_operation(const Invocation& invocation) {
  BatchOperation operation{.kind = BatchOperation::Kind::Rename};
  operation.name_template = invocation.value("--name");
  operation.description_template = invocation.value("--description");
  if (!operation.name_template && !operation.description_template)
    return usage("give --name TEMPLATE, --description TEMPLATE or both");
  return operation;
}

core::Result<BatchOperation> visibility_operation(const Invocation& invocation) {
  const std::string& wanted = invocation.arguments.front();
  if (wanted != "public" && wanted != "private")
    return usage("VISIBILITY must be public or private, got '" + wanted + "'");
  BatchOperation operation{.kind = BatchOperation::Kind::Visibility};
  operation.make_public = wanted == "public";
  return operation;
}

}  // namespace

// ---- the preview and the results (batch_run.hpp: plm import shows and runs its batch the same)

/// "+1 at 3 · -2 · 4 moved · renamed to “X”": what a change does to one playlist.
std::string change_text(const BatchEntryPlan& entry) {
  const core::EditPreview& preview = entry.proposal.plan.preview;
  std::vector<std::string> parts;
  if (!preview.added.empty()) {
    parts.push_back("+" + std::to_string(preview.added.size()) + " at " +
                    std::to_string(preview.added.front().position + 1));
  }
  if (!preview.removed.empty()) parts.push_back("-" + std::to_string(preview.removed.size()));
  if (!preview.moved.empty()) parts.push_back(std::to_string(preview.moved.size()) + " moved");
  if (!preview.reinserted.empty()) {
    parts.push_back(std::to_string(preview.reinserted.size()) + " copies put back (new added_at)");
  }
  const core::PlaylistDetailsChange& details = entry.request.details;
  if (details.name) parts.push_back("renamed to \"" + *details.name + "\"");
  if (details.description) parts.push_back("description \"" + *details.description + "\"");
  if (details.is_public) parts.push_back(*details.is_public ? "made public" : "made private");
  if (entry.undo_version) parts.push_back("undoes version " + std::to_string(*entry.undo_version));
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : " · ") + part;
  return text;
}

std::string entry_detail(const BatchEntryPlan& entry) {
  return entry.status == BatchEntryPlan::Status::Change ? change_text(entry) : entry.reason;
}

std::string plural(std::int64_t count, std::string_view word) {
  return std::to_string(count) + " " + std::string(word) + (count == 1 ? "" : "s");
}

/// "about 40 s" / "about 3 min 20 s".
std::string duration_text(std::chrono::milliseconds duration) {
  const auto seconds = (duration.count() + 999) / 1000;
  if (seconds < 60) return "about " + std::to_string(seconds) + " s";
  return "about " + std::to_string(seconds / 60) + " min " + std::to_string(seconds % 60) + " s";
}

/// The cost line of the preview: "4 playlists to change, 0 unchanged, 0 refused; 8 Spotify calls
/// (...), about 3 s at 100 calls per 30 s".
std::string cost_text(const core::BatchProposal& proposal, std::int64_t budget) {
  const core::BatchPlan& plan = proposal.plan;
  return plural(plan.changed, "playlist") + " to change, " + std::to_string(plan.unchanged) +
         " unchanged, " + std::to_string(plan.refused) + " refused; " +
         plural(plan.calls, "Spotify call") + " (" + std::to_string(plan.write_calls) +
         " writes + " + std::to_string(plan.check_reads) + " snapshot checks), " +
         duration_text(plan.expected_duration) + " at " + std::to_string(budget) +
         " calls per 30 s";
}

Colour status_colour(const Json& status) {
  if (status == "change" || status == "done") return Colour::Good;
  if (status == "failed" || status == "conflict" || status == "refused") return Colour::Bad;
  if (status == "skipped" || status == "pending") return Colour::Warning;
  return Colour::None;
}

std::string error_message(const Json& error) {
  return error.is_object() ? error.value("message", "") : "";
}

/// The batch's playlists, planned (dry run) or as they ended: from batch_value's `playlists`.
constexpr Column kBatchColumns[] = {
    {.header = "STATUS", .field = "status", .colour = status_colour},
    {.header = "PLAYLIST", .field = "name", .shrink = true},
    {.header = "ID", .field = "id"},
    {.header = "CHANGE", .field = "detail", .shrink = true},
    {.header = "CALLS", .field = "calls", .right_aligned = true},
    {.header = "ERROR", .field = "error", .shrink = true, .format = error_message},
};

std::string job_text(const Json& job_id) {
  return job_id.is_string() ? job_id.get<std::string>() : "-";
}

constexpr Field kBatchFields[] = {
    {.label = "Batch", .field = "summary"},
    {.label = "Job", .field = "job_id", .format = job_text},
    {.label = "State", .field = "state", .format = job_text},
    {.label = "Spotify calls", .field = "calls"},
};

const BatchEntryPlan* planned_entry(const core::BatchPlan& plan, const std::string& id) {
  for (const auto& entry : plan.entries) {
    if (entry.playlist_id == id) return &entry;
  }
  return nullptr;
}

/// One playlist of the --json object; `result` for a run, nullptr for a dry run.
Json playlist_value(const BatchEntryPlan* entry, const core::JobItemResult* result) {
  Json value{{"id", result ? result->key : entry->playlist_id},
             {"name", result ? result->label : entry->name},
             {"status", result ? std::string(core::to_string(result->outcome))
                               : std::string(core::to_string(entry->status))},
             {"detail", result ? result->detail : entry_detail(*entry)},
             {"error", nullptr},
             {"added", 0},
             {"removed", 0},
             {"moved", 0},
             {"calls", 0}};
  if (result && result->error) {
    value["error"] =
        Json{{"code", core::to_string(result->error->code)}, {"message", result->error->message}};
  }
  if (entry && entry->status == BatchEntryPlan::Status::Change) {
    const core::EditPreview& preview = entry->proposal.plan.preview;
    value["added"] = preview.added.size();
    value["removed"] = preview.removed.size();
    value["moved"] = preview.moved.size();
    value["calls"] = entry->calls;
  }
  return value;
}

/// The keys of batch_value: `--json FIELDS` of every batch command (`error` only when the job
/// failed).
const std::vector<std::string_view> kBatchJsonFields{
    "job_id", "dry_run", "state", "summary", "calls", "expected_seconds", "playlists", "error"};

Json batch_value(const core::BatchProposal& proposal, const core::JobDetails* run) {
  const core::BatchPlan& plan = proposal.plan;
  Json playlists = Json::array();
  if (run) {
    for (const auto& item : run->items)
      playlists.push_back(playlist_value(planned_entry(plan, item.key), &item));
  } else {
    for (const auto& entry : plan.entries) playlists.push_back(playlist_value(&entry, nullptr));
  }
  return Json{{"job_id", run ? Json(std::to_string(run->job.id)) : Json(nullptr)},
              {"dry_run", run == nullptr},
              {"state", run ? Json(core::to_string(run->job.state)) : Json(nullptr)},
              {"summary", proposal.summary},
              {"calls", run ? run->job.api.calls : plan.calls},
              {"expected_seconds", static_cast<double>(plan.expected_duration.count()) / 1000.0},
              {"playlists", std::move(playlists)}};
}

bool item_failed(const core::JobItemResult& item) {
  return item.outcome == core::ItemOutcome::Conflict || item.outcome == core::ItemOutcome::Failed;
}

/// "job 12 succeeded: 3 done, 1 unchanged; 4 Spotify calls (plm jobs show 12; undo: ...)".
std::string results_text(const core::JobDetails& run) {
  std::map<core::ItemOutcome, std::int64_t> counts;
  for (const auto& item : run.items) ++counts[item.outcome];
  const std::string id = std::to_string(run.job.id);
  std::string text = "job " + id + " " + std::string(core::to_string(run.job.state)) + ": ";
  bool first = true;
  for (const auto outcome :
       {core::ItemOutcome::Done, core::ItemOutcome::Unchanged, core::ItemOutcome::Skipped,
        core::ItemOutcome::Conflict, core::ItemOutcome::Failed, core::ItemOutcome::Pending}) {
    if (counts[outcome] == 0 && outcome != core::ItemOutcome::Done) continue;
    text += (first ? "" : ", ") + std::to_string(counts[outcome]) + " " +
            std::string(core::to_string(outcome));
    first = false;
  }
  return text + "; " + plural(run.job.api.calls, "Spotify call") + " (plm jobs show " + id +
         "; undo: plm batch undo " + id + ")";
}

// ---- planning and running ----------------------------------------------------------------------

core::BatchPlanOptions plan_options(CommandContext& context) {
  core::BatchPlanOptions options;
  options.today = context.services().clock().now();
  if (context.config().spotify_rate_budget > 0)
    options.rate_budget = context.config().spotify_rate_budget;
  return options;
}

core::Result<core::JobDetails> run_batch_here(CommandContext& context, const core::AppUser& user,
                                              const core::SpotifyAccount& account,
                                              const core::BatchProposal& proposal,
                                              const core::VersionCause& cause,
                                              std::optional<std::int64_t> undo_of) {
  if (account.status == core::AccountStatus::NeedsReauth) {
    return core::make_error(ErrorCode::NeedsReauth, "Spotify account " + account.spotify_user_id +
                                                        " needs re-authorization");
  }
  context.warn_if_authorization_ends_soon(account);
  const BatchJob batch = batch_job_from(proposal, cause, undo_of);
  RunHereOptions run_options{.handlers = app::job_handlers(context.services())};
  return enqueue_and_run_here(context, batch_edit_job(user.id, account.id, batch), run_options);
}

std::span<const Column> batch_columns() { return kBatchColumns; }

namespace {

/// Prints the preview (text or --json) and stops for --dry-run; otherwise enqueues the batch as
/// one job, runs it here, and prints each playlist's result. Exit 5 when a playlist ended in a
/// conflict or failed.
ExitCode preview_or_run(CommandContext& context, const core::AppUser& user,
                        const core::SpotifyAccount& account, const core::BatchProposal& proposal,
                        const core::VersionCause& cause, std::optional<std::int64_t> undo_of) {
  const bool dry_run = context.invocation().has("--dry-run");
  const auto options = plan_options(context);
  auto& output = context.output();
  if (dry_run) {
    const ExitCode written =
        output.object(batch_value(proposal, nullptr), kBatchFields, "playlists", kBatchColumns);
    if (!output.json()) {
      output.note(cost_text(proposal, options.rate_budget));
      output.note("dry run: nothing sent to Spotify");
    }
    return written;
  }
  if (!output.json())
    output.note(proposal.summary + ": " + cost_text(proposal, options.rate_budget));
  auto run = run_batch_here(context, user, account, proposal, cause, undo_of);
  if (!run) return context.fail(run.error());
  const bool finished = core::is_finished(run->job.state);
  if (finished) {
    Json value = batch_value(proposal, &*run);
    const auto error = job_error(*run);
    if (error && output.json()) {
      value["error"] = Json{{"code", core::to_string(error->code)}, {"message", error->message}};
    }
    const ExitCode written = output.object(value, kBatchFields, "playlists", kBatchColumns);
    if (!output.json()) output.note(results_text(*run));
    if (written != ExitCode::Ok) return written;
    if (error && output.json()) {
      context.err() << "plm: " << describe_error(*error) << "\n";
      return exit_code_for(*error);
    }
  }
  if (const ExitCode code = job_exit(context, *run); code != ExitCode::Ok) return code;
  for (const auto& item : run->items) {
    if (item_failed(item)) return ExitCode::Partial;
  }
  return ExitCode::Ok;
}

/// Catalog data of the tracks an add sends, from the account's stored items, so that the batch
/// need not look them up on Spotify (it does once per batch for the others).
std::vector<core::TrackInfo> stored_catalog_of(CommandContext& context,
                                               const core::SpotifyAccount& account,
                                               const std::vector<std::string>& uris) {
  std::map<std::string, core::TrackInfo, std::less<>> found;
  auto& playlists = context.services().playlists();
  const std::set<std::string, std::less<>> wanted(uris.begin(), uris.end());
  auto stored = playlists.playlists_of(account.id);
  if (!stored) return {};  // only a saving of one call per track
  for (const auto& playlist : *stored) {
    if (found.size() == wanted.size()) break;
    if (playlist.items_snapshot_id.empty()) continue;
    auto items = playlists.playlist_items(account.id, playlist.summary.id);
    if (!items) continue;
    for (const auto& item : *items) {
      if (item.track && wanted.contains(item.uri)) found.emplace(item.uri, *item.track);
    }
  }
  std::vector<core::TrackInfo> tracks;
  for (auto& [uri, track] : found) tracks.push_back(std::move(track));
  return tracks;
}

/// Every batch operation command: the account, the selection, the operation its arguments make,
/// the plan, then preview_or_run.
template <OperationOf operation_for>
ExitCode batch_command(CommandContext& context) {
  const Invocation& invocation = context.invocation();
  const auto selector = invocation.value("--playlists");
  if (!selector) {
    return context.fail(
        usage("--playlists SELECTOR is required (playlist ids, tag:NAME, "
              "search:TEXT, owned or all; see plm batch --help)"));
  }
  if (auto parsed = core::parse_selector(*selector); !parsed)
    return context.fail(usage("--playlists: " + parsed.error().message));
  auto operation = operation_for(invocation);
  if (!operation) return context.fail(operation.error());
  if (auto checked = core::check_batch_operation(*operation); !checked)
    return context.fail(checked.error());
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  if (operation->kind == BatchOperation::Kind::Add && !invocation.has("--dry-run"))
    operation->tracks = stored_catalog_of(context, *account, operation->uris);
  core::VersionCause cause;
  cause.kind = core::VersionCauseKind::Edit;
  cause.app_user_id = user->id;
  cause.origin = std::string(core::kOriginCli);
  cause.action = "batch " + std::string(core::to_string(operation->kind));
  cause.why = invocation.value("--why").value_or("");
  core::BatchRequest request{
      .parts = {core::BatchPart{.selection = {.selector = *selector}, .operation = *operation}},
      .cause = cause};
  auto proposal =
      core::propose_batch(context.services().playlists(), *account, request, plan_options(context));
  if (!proposal) return context.fail(proposal.error());
  return preview_or_run(context, *user, *account, *proposal, cause, std::nullopt);
}

/// plm batch undo JOB_ID: the user's finished batch, planned back to the versions before it.
ExitCode undo_command(CommandContext& context) {
  const Invocation& invocation = context.invocation();
  auto job_id = unsigned_argument("JOB_ID", invocation.arguments.front());
  if (!job_id) return context.fail(job_id.error());
  std::vector<std::string> playlist_ids;
  if (const auto list = invocation.value("--playlists")) {
    std::string_view rest = *list;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (auto item = comma_list_item(rest.substr(0, comma)); !item.empty()) {
        auto id = playlist_id_argument(item);
        if (!id) return context.fail(id.error());
        playlist_ids.push_back(std::move(*id));
      }
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (playlist_ids.empty())
      return context.fail(usage("--playlists takes a comma list of playlist ids"));
  }
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto& services = context.services();
  auto found = services.jobs().find_job(static_cast<std::int64_t>(*job_id));
  if (!found) return context.fail(found.error());
  const std::string name = "job " + std::to_string(*job_id);
  if (!*found || (*found)->job.owner_user_id != user->id) {
    return context.fail(
        core::make_error(ErrorCode::NotFound,
                         "no " + name + " of user " + user->username + ": `plm jobs` lists them"));
  }
  auto account = services.accounts().find_account((*found)->job.account_id);
  if (!account) return context.fail(account.error());
  if (!*account) {
    return context.fail(core::make_error(ErrorCode::NotFound,
                                         "the account of " + name + " is no longer connected"));
  }
  auto proposal = core::plan_batch_undo(services.playlists(), services.journal(), **account,
                                        **found, playlist_ids, plan_options(context));
  if (!proposal) return context.fail(proposal.error());
  core::VersionCause cause;
  cause.kind = core::VersionCauseKind::Undo;
  cause.app_user_id = user->id;
  cause.origin = std::string(core::kOriginCli);
  cause.action = "batch undo";
  return preview_or_run(context, *user, **account, *proposal, cause,
                        static_cast<std::int64_t>(*job_id));
}

// ---- plm where -------------------------------------------------------------------------------

/// "2026-03-01" of a time point.
/// The where table's cells, from the TrackWhere shape.
std::string day_of(const Json& time) {
  return time.is_string() ? time.get<std::string>().substr(0, 10) : "";
}

std::string one_based_positions(const Json& positions) {
  std::string text;
  for (const auto& position : positions)
    text += (text.empty() ? "" : ", ") + std::to_string(position.get<std::int64_t>() + 1);
  return text;
}

constexpr Field kWhereFields[] = {
    {.label = "URI", .field = "uri"},
    {.label = "Track", .field = "track.name"},
    {.label = "Artists", .field = "track.artists"},
};

constexpr Column kWhereColumns[] = {
    {.header = "PLAYLIST", .field = "name", .shrink = true},
    {.header = "ID", .field = "playlist_id"},
    {.header = "ACCOUNT", .field = "account_id", .right_aligned = true},
    {.header = "POSITIONS", .field = "positions", .format = one_based_positions},
    {.header = "ADDED", .field = "added_at", .format = day_of},
    {.header = "IN HISTORY SINCE", .field = "in_history_since", .format = day_of},
    {.header = "READ-ONLY", .field = "read_only_reason", .shrink = true},
};

ExitCode where_command(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto& services = context.services();
  std::vector<core::SpotifyAccount> accounts;
  if (context.invocation().value(kAccountFlag.name)) {
    auto account = context.chosen_account(*user);
    if (!account) return context.fail(account.error());
    accounts.push_back(std::move(*account));
  } else {
    auto all = services.accounts().accounts_of(user->id);
    if (!all) return context.fail(all.error());
    accounts = std::move(*all);
  }
  auto where = core::where_is_track(services.playlists(), services.journal(), accounts,
                                    context.invocation().arguments.front());
  if (!where) return context.fail(where.error());
  const auto read_only_reason = [&](const core::TrackWhereRow& row) -> std::optional<std::string> {
    for (const auto& account : accounts) {
      if (account.id != row.account_id) continue;
      auto found = services.playlists().find_playlist(account.id, row.playlist_id);
      if (!found || !*found) return std::nullopt;
      return core::why_not_writable((*found)->summary, account.spotify_user_id,
                                    core::WriteScope::Items);
    }
    return std::nullopt;
  };
  auto& output = context.output();
  if (where->playlists.empty() && !output.json())
    output.note("in no stored playlist (plm sync reads new ones)");
  return output.object(Json::parse(web::track_where_json(*where, read_only_reason)), kWhereFields,
                       "playlists", kWhereColumns);
}

// ---- the table -------------------------------------------------------------------------------

const Flag kPlaylistsFlag{"--playlists", "SELECTOR",
                          "which playlists: ids, URIs or links, tag:NAME, search:TEXT, owned, "
                          "all (comma list)"};
const Flag kDryRunFlag{.name = "--dry-run",
                       .description = "print the per-playlist preview and stop: nothing is sent",
                       .short_name = 'n'};
const Flag kWhyFlag{"--why", "TEXT", "the reason, recorded in each playlist's history"};

/// The flags every batch operation takes, then the operation's own.
std::vector<Flag> batch_flags(std::vector<Flag> own) {
  std::vector<Flag> flags{kAccountFlag, kPlaylistsFlag};
  flags.insert(flags.end(), own.begin(), own.end());
  flags.push_back(kDryRunFlag);
  flags.push_back(kWhyFlag);
  return flags;
}

constexpr std::string_view kTrackArgument =
    "a spotify:track: or spotify:episode: URI, or an open.spotify.com track link";

constexpr std::string_view kSelectorDetails =
    "SELECTOR is a comma list of playlist ids (22 characters), spotify:playlist: URIs or "
    "open.spotify.com links, tag:NAME, search:TEXT (every word in the name, description or "
    "owner), owned, all. Prints the preview of every selected playlist (change, unchanged or "
    "refused, with why) and the Spotify calls and time it takes, then runs the batch as one job "
    "(plm jobs show JOB_ID; plm batch undo JOB_ID). Exit code 5 when some playlists ended in a "
    "conflict or failed.\n";

}  // namespace

CommandGroup batch_commands() {
  return {
      "batch",
      "the same edit over many playlists, previewed, run as one job, undoable",
      {
          {.name = "add",
           .summary = "add tracks to every selected playlist",
           .arguments = {{"URI...", kTrackArgument}},
           .flags = batch_flags(
               {{.name = "--position",
                 .value_name = "N",
                 .description = "the position of the first added track (1 is the top; default: "
                                "the bottom)",
                 .number = NumberRange{1, 10'001},
                 .short_name = 'p'},
                {.name = "--top", .description = "add at the top"},
                {.name = "--add-existing",
                 .description = "add to playlists that already hold a track too"}}),
           .details = "Adds the tracks (spotify:track:… or spotify:episode:… URIs, or "
                      "open.spotify.com track links) in the order given. A playlist that already "
                      "holds one is only given the others (unchanged when it holds them all) "
                      "unless --add-existing. A playlist shorter than N gets them at the "
                      "bottom.\n",
           .handler = batch_command<add_operation>,
           .examples =
               {{"plm batch add --playlists tag:gigs --top -n spotify:track:4uLU6hMCjMI75M1A2tKUQC",
                 "preview adding a track at the top of every playlist tagged gigs"},
                {"plm batch add --playlists owned spotify:track:4uLU6hMCjMI75M1A2tKUQC --why 'new "
                 "single'",
                 "add it at the bottom of every playlist the account owns"}},
           .json_fields = kBatchJsonFields},
          {.name = "remove",
           .summary = "remove every copy of tracks from every selected playlist",
           .arguments = {{"URI...", kTrackArgument}},
           .flags = batch_flags({}),
           .details = kSelectorDetails,
           .handler = batch_command<remove_operation>,
           .examples = {{"plm batch remove --playlists owned spotify:track:4uLU6hMCjMI75M1A2tKUQC",
                         "remove a track from every playlist the account owns"}},
           .json_fields = kBatchJsonFields},
          {.name = "replace",
           .summary = "replace a track by another at the same position",
           .arguments = {{"OLD_URI", "the track to replace (a URI or an open.spotify.com link)"},
                         {"NEW_URI", "the track that takes its place"}},
           .flags = batch_flags({}),
           .details = "Every copy of OLD_URI becomes NEW_URI at its position.\n",
           .handler = batch_command<replace_operation>,
           .examples = {{"plm batch replace --playlists all spotify:track:4uLU6hMCjMI75M1A2tKUQC "
                         "spotify:track:7ouMYWpwJ422jRcDASZB7P",
                         "swap a track for another version in every playlist"}},
           .json_fields = kBatchJsonFields},
          {.name = "dedupe",
           .summary = "keep one copy of each track in every selected playlist",
           .flags = batch_flags({{.name = "--keep",
                                  .value_name = "WHICH",
                                  .description = "the copy that stays: first (default) or last",
                                  .choices = {"first", "last"}}}),
           .details = kSelectorDetails,
           .handler = batch_command<dedupe_operation>,
           .examples = {{"plm batch dedupe --playlists owned --keep last -n",
                         "preview keeping the last copy of each track in the owned playlists"}},
           .json_fields = kBatchJsonFields},
          {.name = "sort",
           .summary = "sort every selected playlist",
           .flags = batch_flags(
               {{.name = "--by",
                 .value_name = "KEY",
                 .description = "title, artist, album, release, duration or added",
                 .choices = {"title", "artist", "album", "release", "duration", "added"}},
                {.name = "--descending", .description = "descending order"}}),
           .details = "A stable sort made of range moves: every track keeps its added_at.\n",
           .handler = batch_command<sort_operation>,
           .examples = {{"plm batch sort --playlists 'search:road trip' --by release --descending",
                         "newest releases first in every playlist whose name has 'road trip'"}},
           .json_fields = kBatchJsonFields},
          {.name = "shuffle",
           .summary = "shuffle every selected playlist",
           .flags = batch_flags({{.name = "--seed",
                                  .value_name = "N",
                                  .description = "the same N gives the same orders (default: "
                                                 "random)"}}),
           .details = "Each playlist gets its own order (the seed mixed with its id), made of "
                      "range moves: every track keeps its added_at.\n",
           .handler = batch_command<shuffle_operation>,
           .examples = {{"plm batch shuffle --playlists tag:party --seed 7",
                         "shuffle the party playlists (the same seed gives the same orders)"}},
           .json_fields = kBatchJsonFields},
          {.name = "rename",
           .summary = "set names or descriptions from a template",
           .flags = batch_flags(
               {{.name = "--name", .value_name = "TEMPLATE", .description = "the new name"},
                {.name = "--description",
                 .value_name = "TEMPLATE",
                 .description = "the new description"}}),
           .details = "Templates: {name} (the playlist's name now), {description}, {count} (its "
                      "tracks), {date} (today, YYYY-MM-DD, UTC), {year}, {month}, {day}; {{ and }} "
                      "are braces. Only the owner may change a playlist's details.\n",
           .handler = batch_command<rename_operation>,
           .examples = {{"plm batch rename --playlists tag:gigs --name '{name} ({year})'",
                         "add the year to the name of every playlist tagged gigs"}},
           .json_fields = kBatchJsonFields},
          {.name = "visibility",
           .summary = "make every selected playlist public or private",
           .arguments = {{"VISIBILITY", "public or private"}},
           .flags = batch_flags({}),
           .details = "VISIBILITY is public or private. Only the owner may change it.\n",
           .handler = batch_command<visibility_operation>,
           .examples = {{"plm batch visibility --playlists tag:drafts private",
                         "make the playlists tagged drafts private"}},
           .json_fields = kBatchJsonFields},
          {.name = "undo",
           .summary = "put the playlists of a batch back as they were before it",
           .arguments = {{"JOB_ID", "the batch's job (printed by the batch; plm jobs lists them)"}},
           .flags = {{.name = "--playlists",
                      .value_name = "ID,...",
                      .description = "only these playlists of the batch"},
                     kDryRunFlag},
           .details = "JOB_ID is the batch's job (printed by the batch, listed by plm jobs). "
                      "Each playlist the batch changed goes back to its version before the batch, "
                      "through the edit engine; a playlist changed since is refused (restore it "
                      "with plm playlist restore). The undo is itself a batch job.\n",
           .handler = undo_command,
           .examples = {{"plm batch undo 42 -n", "preview putting back what batch job 42 changed"},
                        {"plm batch undo 42 --playlists 37i9dQZF1DXcBWIGoYBM5M",
                         "undo it for one playlist only"}},
           .json_fields = kBatchJsonFields},
      }};
}

CommandGroup where_commands() {
  return {"where",
          "every stored playlist that holds a track",
          {{.name = "",
            .summary = "",
            .arguments = {{"URI", kTrackArgument}},
            .flags = {kAccountFlag},
            .details = "URI is a spotify:track:/spotify:episode: URI or an open.spotify.com link. "
                       "One line per playlist of the user's accounts (or --account's): positions "
                       "(1-based; 0-based with --json, as the web API), Spotify's added date and "
                       "since when plm's history has it there.\n",
            .handler = where_command,
            .examples = {{"plm where spotify:track:4uLU6hMCjMI75M1A2tKUQC",
                          "the playlists that hold this track, with its positions"},
                         {"plm where https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC --json",
                          "the same from a link, as JSON"}},
            .json_fields = kTrackWhereJsonFields}}};
}

}  // namespace plm::app::cli
