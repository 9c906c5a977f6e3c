// plm jobs / plm jobs show / plm jobs cancel: the acting user's durable jobs (syncs started from
// the web app), as the web app's Jobs page shows them. --json prints the web API's Job and
// JobDetails bodies (web/job_json.hpp), so scripts and the front end read one shape.

#include <charconv>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
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

std::string progress_text(const core::Job& job) {
  std::string text = std::to_string(job.progress.done);
  if (job.progress.total > 0) text += "/" + std::to_string(job.progress.total);
  return text + " " + std::string(core::to_string(job.progress.unit));
}

std::string state_text(const core::Job& job) {
  std::string text(core::to_string(job.state));
  if (job.cancel_requested && !core::is_finished(job.state)) text += " (cancelling)";
  return text;
}

std::string optional_time(const std::optional<core::TimePoint>& time) {
  return time ? core::format_utc(*time) : "-";
}

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
  auto& out = context.out();
  if (context.json()) {
    Json list = Json::array();
    for (const auto& job : jobs) list.push_back(Json::parse(web::job_json(job)));
    out << list.dump(2) << "\n";
    return ExitCode::Ok;
  }
  if (jobs.empty()) {
    out << "no jobs" << (filter.states.empty() ? "" : " in that state") << "\n";
    return ExitCode::Ok;
  }
  out << std::left << std::setw(8) << "ID" << std::setw(24) << "STATE" << std::setw(15) << "KIND"
      << std::setw(20) << "PROGRESS" << std::setw(22) << "CREATED"
      << "MESSAGE\n";
  for (const auto& job : jobs) {
    out << std::left << std::setw(8) << job.id << std::setw(24) << state_text(job) << std::setw(15)
        << core::to_string(job.kind) << std::setw(20) << progress_text(job) << std::setw(22)
        << core::format_utc(job.created_at) << job.progress.message << "\n";
  }
  return ExitCode::Ok;
}

ExitCode show_job(CommandContext& context) {
  auto details = owned_job(context);
  if (!details) return context.fail(details.error());
  auto& out = context.out();
  if (context.json()) {
    out << Json::parse(web::job_details_json(*details)).dump(2) << "\n";
    return ExitCode::Ok;
  }
  const core::Job& job = details->job;
  out << "job " << job.id << ": " << core::to_string(job.kind) << ", " << state_text(job) << "\n";
  out << "  account      " << (job.account_id ? std::to_string(job.account_id) : "-") << "\n";
  if (!job.playlist_id.empty()) out << "  playlist     " << job.playlist_id << "\n";
  out << "  progress     " << progress_text(job) << (job.progress.message.empty() ? "" : ": ")
      << job.progress.message << "\n";
  out << "  attempts     " << job.attempts << " of " << job.max_attempts << "\n";
  out << "  created      " << core::format_utc(job.created_at) << "\n";
  out << "  runs from    " << core::format_utc(job.run_at) << "\n";
  out << "  started      " << optional_time(job.started_at) << "\n";
  out << "  finished     " << optional_time(job.finished_at) << "\n";
  out << "  Spotify      " << job.api.calls << " calls (" << job.api.check_reads << " check reads, "
      << job.api.retries << " retries, " << job.api.rate_limited << " rate-limited, "
      << job.api.waited_ms << " ms waited)\n";
  if (job.error) {
    out << "  error        " << core::to_string(job.error->code) << ": " << job.error->message
        << "\n";
  }
  out << "\nitems (" << details->items.size() << "):\n";
  for (const auto& item : details->items) {
    out << "  " << std::left << std::setw(10) << core::to_string(item.outcome) << item.label;
    if (item.label != item.key) out << " (" << item.key << ")";
    if (item.error) out << ": " << item.error->message;
    if (!item.detail.empty()) out << " - " << item.detail;
    out << "\n";
  }
  out << "\nhistory:\n";
  for (const auto& event : details->history) {
    out << "  " << core::format_utc(event.at) << "  " << std::left << std::setw(17)
        << core::to_string(event.kind) << event.message << "\n";
  }
  return ExitCode::Ok;
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
  if (context.json()) {
    context.out() << Json::parse(web::job_json(*cancelled)).dump(2) << "\n";
  } else if (cancelled->state == core::JobState::Cancelled) {
    context.out() << "job " << job.id << " cancelled\n";
  } else {
    // The worker (in plm serve) learns it at its next step or heartbeat.
    context.out() << "job " << job.id
                  << ": cancel requested; it stops at its next step (what was done stays "
                     "done)\n";
  }
  return ExitCode::Ok;
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
           .handler = list_jobs},
          {.name = "show",
           .summary = "show one job with its per-item results and its history",
           .arguments = {"ID"},
           .details = "ID is a job id from plm jobs. --json prints the web API's JobDetails.\n",
           .handler = show_job},
          {.name = "cancel",
           .summary = "cancel a job: at once when it waits, between two steps when it runs",
           .arguments = {"ID"},
           .details = "What a running job has done stays done. A finished job cannot be "
                      "cancelled (exit 1).\n",
           .handler = cancel_job},
      }};
}

}  // namespace plm::app::cli
