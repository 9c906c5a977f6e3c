#pragma once
/// Batch edits as one durable job (issue 10 §3): a batch_edit job carries one entry per selected
/// playlist and runs them one after the other, each exactly as an edit_playlist job would run it
/// (the same EditRun of app/edit_jobs.cpp: confirm the snapshot, minimal writes, settle lost
/// answers, re-plan outside changes, store and journal the result with the batch's job id).
///
/// - Results: at its first start the job records every entry as a JobItemResult (key = playlist
///   id, label = its name): Pending for the entries it will run, Unchanged or Skipped (refused,
///   with the reason in `detail`) for those the plan already settled. Each entry run then replaces
///   its result: Done ("1 added · 2 calls · version 12"), Unchanged (nothing left to send),
///   Conflict (changed outside plm in a way the intent cannot follow) or Failed (with the error).
///   A failure of one playlist never stops the batch; errors that concern every playlist
///   (NeedsReauth, RateLimited / QuotaExceeded past the client's own waits, Unavailable) fail the
///   job's attempt, which the worker retries at core::next_retry, resuming where it stopped.
/// - Progress: unit Playlists, done = entries settled, total = entries; the message names the
///   playlist being edited ("editing “Name” (12 of 300)"); the final one is the job's message,
///   "37 changed, 3 unchanged, 1 conflict, 0 failed" (", 2 skipped" when the plan refused some).
/// - Crash safety: the checkpoint holds the index of the entry in flight and that entry's own edit
///   checkpoint (the one an edit_playlist job would save). Resumed, entries with a settled result
///   are skipped and the one in flight resumes from its edit checkpoint, so nothing is sent twice
///   and the calls over all attempts stay within the plan's bound plus the entry in flight.
/// - Cancel and shutdown: the entry in flight stops after its next write step, as a stopped
///   edit_playlist job does (what it sent stays sent; a resumed batch continues its edit from its
///   checkpoint, and after a cancel the next sync records it), the rest stay Pending.
/// - Undo: a batch is undone by another batch_edit job whose entries restore each playlist the
///   batch changed to the journal version before the batch's own version (core::plan_batch_undo,
///   then batch_job_from); an entry
///   whose playlist changed since the batch is a Conflict for that playlist alone ("changed since
///   the batch: restore it from its history"), never overwritten.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/edit_jobs.hpp"
#include "app/worker.hpp"
#include "core/batch/batch_plan.hpp"
#include "core/batch/batch_requests.hpp"
#include "core/jobs/job.hpp"
#include "core/ports/job_queue.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/ports/store.hpp"
#include "core/result.hpp"

namespace plm::app {

/// One playlist of a batch.
struct BatchEntry {
  std::string playlist_id;
  std::string label;  ///< the playlist's name when planned, for results
  /// Pending: `edit` is run. Unchanged or Skipped: settled when planned (`reason` says why), only
  /// recorded.
  core::ItemOutcome outcome = core::ItemOutcome::Pending;
  std::string reason;
  /// The edit (its cause carries the batch's who, origin, action and why; job_id is set at run).
  EditJob edit;
  /// Set for the entries of an undo: the journal version the undone batch recorded for this
  /// playlist. At run time the entry becomes core::undo_request(journal, …, undo_version, details
  /// now): a restore of the version before it, Conflict when a later version exists. `edit.request`
  /// is then ignored; `edit.cause` is kind Undo.
  std::optional<std::int64_t> undo_version;
};

/// What a batch_edit job carries (its payload).
struct BatchJob {
  /// For people and the job list: "add 1 track at position 3", "undo of batch 41".
  std::string summary;
  /// The operation when the batch is one ("batch add" as the cause's action); nullopt for an undo
  /// or a batch of several operations (each entry's edit says what it does).
  std::optional<core::BatchOperation::Kind> operation;
  /// The batch this one undoes, if it is an undo.
  std::optional<std::int64_t> undo_of;
  std::vector<BatchEntry> entries;
};

/// The payload as stored (JSON, versioned). Entries carry intents, never whole lists (an undo
/// names journal versions), and entries whose edits differ only in the planned snapshot share one
/// copy of the edit, so a batch over 2,000 playlists stays small.
std::string encode_batch_payload(const BatchJob& batch);
/// InvalidInput for a payload this version did not write.
core::Result<BatchJob> decode_batch_payload(const std::string& payload);

/// The job that runs `batch` on `account_id`: kind BatchEdit, the account's concurrency key (it
/// waits for the account's sync and for edits of its playlists, and holds them off), not unique,
/// progress unit Playlists, 20 attempts (each resumes; five would fail a long batch for good
/// through a storm of 429s).
core::NewJob batch_edit_job(std::int64_t owner_user_id, std::int64_t account_id,
                            const BatchJob& batch);

/// The job's payload for a planned batch (core::propose_batch or core::plan_batch_undo): entries
/// in the plan's order; Change -> Pending with EditJob{request, planned_snapshot, no planned
/// version, `cause`; action "batch" when the cause names none (callers name it: "batch add")},
/// Unchanged -> Unchanged, Refused -> Skipped, the reason kept; an entry with undo_version carries
/// it, with cause kind Undo, restored_version = undo_version and action "batch undo" when the
/// cause names none. `operation` is read from an action "batch <kind>" (the proposal does not
/// carry it). `undo_of`: the job an undo undoes.
BatchJob batch_job_from(const core::BatchProposal& proposal, const core::VersionCause& cause,
                        std::optional<std::int64_t> undo_of = std::nullopt);

/// Adds the batch_edit handler to the worker's table (the same dependencies as edits). What
/// `deps` refers to must outlive the worker.
void add_batch_handlers(JobHandlers& handlers, const EditJobDeps& deps);

}  // namespace plm::app
