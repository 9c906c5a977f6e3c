#pragma once
/// Edits as durable jobs (issue 9 §2): the edit_playlist handler and the job that asks for it. An
/// edit job carries an intent (core::EditRequest) and the snapshot it was planned against; it
/// resolves the intent on that list, plans it with the edit engine and sends the plan with the
/// write sequence, then stores the result and records it in the journal in one unit of work.
///
/// - The planned list: the stored items when their snapshot is `planned_snapshot`, else the
///   journal's version `planned_version` when it has that snapshot; otherwise Conflict ("the
///   playlist changed since the preview").
/// - Lagging reads of plm's own writes: a confirmation read that shows a snapshot the journal
///   knows as an older version than the planned one, or one this job already moved past, is read
///   again after a wait (bounded) instead of being taken for an outside change. A snapshot nobody
///   recorded (a step of an earlier edit, which a lagging read can show too) counts as a change
///   only once reads kEditSettleWait apart have shown it over kEditSettleReads reads.
/// - An outside change (another app, a collaborator): the playlist is read in full, recorded in
///   the journal ("changed outside plm") and the store, and the intent resolved again on it
///   (core::resolve_edit) at most kMaxReplans times; when the intent has no single meaning any
///   more, the job fails with Conflict saying what changed. Nothing is ever overwritten.
/// - Crash safety: after every applied step the checkpoint holds the step reached, the snapshot
///   after it and the journal versions the desired list is recomputed from. Resumed, the job reads
///   the version: a snapshot it made continues after that step; an unknown one is read in full and
///   continues from the plan's intermediate state it matches, or is an outside change.
/// - Success: the stored playlist becomes the desired list (kept items keep added_at, added_by
///   and catalog data; new ones get the job clock's time and their catalog data from the request,
///   the planned list or a track lookup) with the final snapshot, and the journal records the
///   version with the payload's cause and the job's id.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "app/worker.hpp"
#include "core/edit/edit_request.hpp"
#include "core/jobs/job.hpp"
#include "core/journal/playlist_version.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/job_queue.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/result.hpp"

namespace plm::app {

/// What an edit_playlist job carries (its payload).
struct EditJob {
  core::EditRequest request;
  /// The snapshot of the list the request was made against (what the preview showed).
  std::string planned_snapshot;
  /// The journal's version with that snapshot, when the caller knows it (the web app's history,
  /// a restore): the planned list when the stored copy has moved on since.
  std::optional<std::int64_t> planned_version;
  /// Recorded with the version the edit makes: kind Edit, Restore or Undo; app_user_id; origin
  /// "web" or "cli"; action ("move", "playlist sort"); why; restored_version for Restore and Undo.
  /// job_id is set by the job.
  core::VersionCause cause;
};

/// The payload as stored (JSON, versioned; the cover's JPEG base64-encoded).
std::string encode_edit_payload(const EditJob& edit);
/// InvalidInput for a payload this version did not write or that does not hold an edit.
core::Result<EditJob> decode_edit_payload(const std::string& payload);

/// The job that applies `edit` to one playlist, on the playlist's concurrency key (edits of one
/// playlist run one after the other, side by side with edits of others). Not unique: two edits
/// are two jobs.
core::NewJob edit_playlist_job(std::int64_t owner_user_id, std::int64_t account_id,
                               const std::string& playlist_id, const EditJob& edit);

/// Waits `duration`, returning at once when `stop` is requested (between settling reads).
using StoppableWait = std::function<void(std::chrono::milliseconds duration, std::stop_token stop)>;

/// The production wait: a condition variable woken by the stop token.
void wait_or_stop(std::chrono::milliseconds duration, std::stop_token stop);

struct EditJobDeps {
  core::AccountStore& accounts;
  core::PlaylistStore& playlists;
  core::PlaylistJournal& journal;
  /// The success's store and journal writes go in one transaction of it.
  core::UnitOfWork& unit_of_work;
  const core::Clock& clock;
  /// The Spotify client for an account (Services::spotify_for).
  std::function<std::shared_ptr<core::SpotifyApi>(const core::SpotifyAccount&)> spotify_for;
  /// Between the reads that settle an unknown outcome or wait out a lagging read (tests: a fake
  /// that advances their clock).
  StoppableWait wait = wait_or_stop;
};

/// How the job uses the write sequence and waits for Spotify's lagging reads.
inline constexpr int kEditSettleReads = 4;
inline constexpr std::chrono::milliseconds kEditSettleWait{1'000};
/// Reads of a version the journal knows as older (a lagging read) before the job gives up.
inline constexpr int kMaxLaggingReads = 5;
/// Times an intent is resolved again on a list changed outside plm before the job gives up.
inline constexpr int kMaxReplans = 3;
/// Track lookups for new items whose catalog data neither the request nor the planned list has.
inline constexpr int kMaxTrackLookups = 100;

/// Adds the edit_playlist handler to the worker's table. What `deps` refers to must outlive the
/// worker.
void add_edit_handlers(JobHandlers& handlers, const EditJobDeps& deps);

}  // namespace plm::app
