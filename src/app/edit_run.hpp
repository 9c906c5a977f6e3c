#pragma once
/// The edit_playlist job's run of one edit, for the jobs that run edits inside themselves (a
/// batch_edit runs one per playlist, app/batch_jobs.cpp) with the same code, and the EditJob's
/// JSON, for payloads that carry edits. Internal to plm::app.

#include <nlohmann/json.hpp>

#include "app/edit_jobs.hpp"
#include "app/worker.hpp"
#include "core/model/account.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/result.hpp"

namespace plm::app {

struct EditRunResult {
  JobResult result;
  /// Succeeded: whether the playlist changed; false when nothing was left to send.
  bool changed = false;
};

/// Runs `edit` on `context.job().playlist_id` exactly as an edit_playlist job does (see
/// app/edit_jobs.hpp): resumes from `context.job().checkpoint` (an edit checkpoint, or empty),
/// reports progress (unit Calls) and that checkpoint through `context`, records the playlist's
/// item result (Done; Conflict or Failed for an error that is not retryable) and counts the calls
/// of this run. `context.job().id` is the job recorded in the journal's version, and
/// `context.job().api.calls` the calls the edit made in earlier attempts.
EditRunResult run_one_edit(const EditJobDeps& deps, JobContext& context,
                           const core::SpotifyAccount& account, core::SpotifyApi& spotify,
                           EditJob edit);

/// The EditJob as the edit_playlist payload holds it (encode_edit_payload is its dump), and back
/// (InvalidInput as decode_edit_payload).
nlohmann::json edit_job_json(const EditJob& edit);
core::Result<EditJob> edit_job_from(const nlohmann::json& json);

}  // namespace plm::app
