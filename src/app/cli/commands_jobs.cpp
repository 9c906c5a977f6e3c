// plm jobs / plm jobs show / plm jobs cancel: the acting user's durable jobs (syncs started from
// the web app), as the web app's Jobs page shows them. --json prints the web API's Job and
// JobDetails bodies (web/job_json.hpp), so scripts and the front end read one shape.

#include <charconv>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/json_shapes.hpp"
#include "app/cli/output.hpp"
#include "web/job_json.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;
using core::ErrorCode;

/// How many jobs one read of the queue returns (its most); `plm jobs` reads until the last.
constexpr int kPage = 1000;

/// The job named by the command's ID argument, if the acting user asked for it.
core::Result<core::JobDetails> owned_job(CommandContext& context) {
  const std::string& text = context.invocation().arguments.front();
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc{} || end != text.data() + text.size() || id <= 0) {
    return core::make_error(ErrorCode::InvalidInput,
                            "ID must be a job id (a number from plm "
                            "jobs), got '" +
                                text + "'");
  }
  auto user = context.acting_user();
  if (!user) return user.error();
  auto found = context.services().jobs().find_job(id);
  if (!found) return found.error();
  // Another user's job is not found, as in the web app.
  if (!*found || (*found)->job.owner_user_id != user->id)
    return core::make_error(ErrorCode::NotFound, "no job " + text + " of user " + user->username +
                                                     ": `plm jobs` lists them");
  return std::move(**found);
}

// The columns read the web API's Job shape (json_shapes.hpp: job_shape).

std::string progress_text(const Json& job) {
  std::string text = job.value("done", Json(0)).dump();
  if (job.value("total", 0) > 0) text += "/" + job["total"].dump();
  return text + " " + job.value("unit", "");
}

std::string state_text(const Json& job) {
  std::string text = job.value("state", "");
  const bool finished = text == "succeeded" || text == "failed" || text == "cancelled";
  if (job.value("cancel_requested", false) && !finished) text += " (cancelling)";
  return text;
}

Colour state_colour(const Json& job) {
  const std::string state = job.value("state", "");
  if (state == "succeeded") return Colour::Good;
  if (state == "failed") return Colour::Bad;
  if (state == "interrupted" || state == "cancelled") return Colour::Warning;
  return Colour::None;
}

/// A nullable field (a time, an account id) for a person: "-" when null.
std::string dash_if_null(const Json& value) {
  if (value.is_null()) return "-";
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string calls_text(const Json& api) {
  return api.value("calls", Json(0)).dump() + " calls (" +
         api.value("check_reads", Json(0)).dump() + " check reads, " +
         api.value("retries", Json(0)).dump() + " retries, " +
         api.value("rate_limited", Json(0)).dump() + " rate-limited, " +
         api.value("waited_ms", Json(0)).dump() + " ms waited)";
}

std::string error_text(const Json& error) {
  return error.is_object() ? error.value("code", "") + ": " + error.value("message", "") : "-";
}

std::string last_event(const Json& history) {
  if (!history.is_array() || history.empty()) return "-";
  const Json& event = history.back();
  return event.value("at", "") + " " + event.value("kind", "") + " " + event.value("message", "");
}

/// The whole Job object for the columns that combine several of its fields.
constexpr std::string_view kWholeRecord = "";

constexpr Column kJobColumns[] = {
    {.header = "ID", .field = "id", .right_aligned = true},
    {.header = "STATE", .field = kWholeRecord, .colour = state_colour, .format = state_text},
    {.header = "KIND", .field = "kind"},
    {.header = "PROGRESS", .field = kWholeRecord, .format = progress_text},
    {.header = "CREATED", .field = "created_at"},
    {.header = "MESSAGE", .field = "message", .shrink = true},
};

constexpr Field kJobFields[] = {
    {.label = "Job", .field = "job.id"},
    {.label = "Kind", .field = "job.kind"},
    {.label = "State", .field = "job", .format = state_text},
    {.label = "Account", .field = "job.account_id", .format = dash_if_null},
    {.label = "Playlist", .field = "job.playlist_id", .format = dash_if_null},
    {.label = "Progress", .field = "job", .format = progress_text},
    {.label = "Message", .field = "job.message"},
    {.label = "Attempts", .field = "job.attempts"},
    {.label = "Created", .field = "job.created_at"},
    {.label = "Runs from", .field = "job.run_at"},
    {.label = "Started", .field = "job.started_at", .format = dash_if_null},
    {.label = "Finished", .field = "job.finished_at", .format = dash_if_null},
    {.label = "Spotify", .field = "job.api", .format = calls_text},
    {.label = "Error", .field = "job.error", .format = error_text},
    {.label = "Last event", .field = "history", .format = last_event},
};

Colour outcome_colour(const Json& outcome) {
  if (outcome == "done") return Colour::Good;
  if (outcome == "failed" || outcome == "conflict") return Colour::Bad;
  if (outcome == "skipped" || outcome == "pending") return Colour::Warning;
  return Colour::None;
}

std::string item_error(const Json& error) {
  return error.is_object() ? error.value("message", "") : "";
}

constexpr Column kJobItemColumns[] = {
    {.header = "OUTCOME", .field = "outcome", .colour = outcome_colour},
    {.header = "ITEM", .field = "label", .shrink = true},
    {.header = "KEY", .field = "key"},
    {.header = "DETAIL", .field = "detail", .shrink = true},
    {.header = "ERROR", .field = "error", .shrink = true, .format = item_error},
};

ExitCode list_jobs(CommandContext& context) {
  core::JobFilter filter;
  if (const auto states = context.invocation().value("--state")) {
    auto parsed = web::parse_job_states(*states);
    if (!parsed) {
      return context.fail(core::make_error(
          ErrorCode::InvalidInput, "--state " + parsed.error().message + " (see plm jobs --help)"));
    }
    filter.states = std::move(*parsed);
  }
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  filter.owner_user_id = user->id;
  filter.limit = kPage;
  std::vector<core::Job> jobs;
  for (;;) {
    auto page = context.services().jobs().list_jobs(filter);
    if (!page) return context.fail(page.error());
    jobs.insert(jobs.end(), page->begin(), page->end());
    if (page->size() < static_cast<std::size_t>(kPage)) break;
    filter.before_id = page->back().id;
  }
  Json list = Json::array();
  for (const auto& job : jobs) list.push_back(job_shape(job));
  auto& output = context.output();
  if (jobs.empty() && !output.json())
    output.note(filter.states.empty() ? "no jobs" : "no jobs in that state");
  return output.list(list, kJobColumns);
}

ExitCode show_job(CommandContext& context) {
  auto details = owned_job(context);
  if (!details) return context.fail(details.error());
  return context.output().object(job_details_shape(*details), kJobFields, "items", kJobItemColumns);
}

ExitCode cancel_job(CommandContext& context) {
  auto details = owned_job(context);
  if (!details) return context.fail(details.error());
  const core::Job& job = details->job;
  auto finished = [&](core::JobState state) {
    return context.fail(core::make_error(
        ErrorCode::Conflict, "job " + std::to_string(job.id) + " has already finished (" +
                                 std::string(core::to_string(state)) + ")"));
  };
  if (core::is_finished(job.state)) return finished(job.state);
  auto cancelled = context.services().jobs().cancel(job.id);
  if (!cancelled) {
    if (cancelled.error().code != ErrorCode::Conflict) return context.fail(cancelled.error());
    auto now = context.services().jobs().find_job(job.id);
    return finished(now && *now ? (*now)->job.state : job.state);
  }
  const std::string name = "job " + std::to_string(job.id);
  // The worker (in plm serve) learns of a running job's cancel at its next step or heartbeat.
  return context.output().result(
      job_shape(*cancelled),
      cancelled->state == core::JobState::Cancelled
          ? name + " cancelled"
          : name + ": cancel requested; it stops at its next step (what was done stays done)");
}

}  // namespace

CommandGroup jobs_commands() {
  return {
      .name = "jobs",
      .summary = "list, show and cancel background jobs (syncs started from the web app)",
      .commands = {
          {.summary = "list your jobs, newest first",
           .flags = {{.name = "--state",
                      .value_name = "S",
                      .description = "only jobs in state S: queued, running, succeeded, failed, "
                                     "cancelled or interrupted; several comma-separated"}},
           .details = "Jobs run inside plm serve and survive its restarts: an interrupted job "
                      "resumes by itself.\n--json prints the web API's Job objects "
                      "(api/openapi.yaml).\n",
           .handler = list_jobs,
           .examples = {{"plm jobs --state queued,running", "the jobs not finished yet"}},
           .json_fields = kJobJsonFields},
          {.name = "show",
           .summary = "show one job with its per-item results and its history",
           .arguments = {{"ID", "a job id from plm jobs"}},
           .details = "ID is a job id from plm jobs. --json prints the web API's JobDetails.\n",
           .handler = show_job,
           .examples = {{"plm jobs show 42", "what job 42 did, playlist by playlist"}},
           .json_fields = kJobDetailsJsonFields},
          {.name = "cancel",
           .summary = "cancel a job: at once when it waits, between two steps when it runs",
           .arguments = {{"ID", "a job id from plm jobs"}},
           .details = "What a running job has done stays done. A finished job cannot be "
                      "cancelled (exit 1).\n",
           .handler = cancel_job,
           .examples = {{"plm jobs cancel 42", "stop job 42 (at once if it still waits)"}},
           .json_fields = kJobJsonFields},
      }};
}

}  // namespace plm::app::cli
