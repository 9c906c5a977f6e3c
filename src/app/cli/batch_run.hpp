#pragma once
/// How a planned batch is shown and run from the command line (commands_batch.cpp), shared by
/// `plm batch …` and `plm import --apply` (commands_exchange.cpp), whose import is a batch_edit
/// job too: the same cost line, per-playlist rows, results and exit code.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "app/cli/context.hpp"
#include "app/cli/output.hpp"
#include "core/batch/batch_plan.hpp"
#include "core/batch/batch_requests.hpp"
#include "core/jobs/job.hpp"
#include "core/model/account.hpp"

namespace plm::app::cli {

/// Today and the configured rate budget, for core::propose_batch and core::propose_import.
core::BatchPlanOptions plan_options(CommandContext& context);

/// "+1 at 3 · -2 · 4 moved · renamed to "X"": what a Change entry does to its playlist.
std::string change_text(const core::BatchEntryPlan& entry);

/// "3 playlists", "1 Spotify call".
std::string plural(std::int64_t count, std::string_view word);

/// "4 playlists to change, 0 unchanged, 0 refused; 8 Spotify calls (...), about 3 s at 100 calls
/// per 30 s".
std::string cost_text(const core::BatchProposal& proposal, std::int64_t budget);

/// One playlist's row as the batch commands show it ({id, name, status, detail, error, added,
/// removed, moved, calls}): `result` of a run, or nullptr for the planned `entry`.
nlohmann::json playlist_value(const core::BatchEntryPlan* entry, const core::JobItemResult* result);

/// The planned entry of `id` in `plan`, or nullptr.
const core::BatchEntryPlan* planned_entry(const core::BatchPlan& plan, const std::string& id);

/// The columns of playlist_value rows: STATUS, PLAYLIST, ID, CHANGE, CALLS, ERROR.
std::span<const Column> batch_columns();

/// A playlist whose run ended in a conflict or failed (the command then exits 5, Partial).
bool item_failed(const core::JobItemResult& item);

/// "job 12 succeeded: 3 done, 1 unchanged; 4 Spotify calls (plm jobs show 12; undo: ...)".
std::string results_text(const core::JobDetails& run);

/// Runs `proposal` as one batch_edit job in this process (app::batch_job_from, then
/// enqueue_and_run_here with the server's handlers), after refusing an account that needs
/// re-authorization; returns the job as it ended (see run_job_here).
core::Result<core::JobDetails> run_batch_here(CommandContext& context, const core::AppUser& user,
                                              const core::SpotifyAccount& account,
                                              const core::BatchProposal& proposal,
                                              const core::VersionCause& cause,
                                              std::optional<std::int64_t> undo_of = std::nullopt);

}  // namespace plm::app::cli
