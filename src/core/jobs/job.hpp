#pragma once
/// Background work that survives a restart: a sync today; edits, batches, pasted lines, imported
/// workbooks and scheduled changes next. A job is a row in the database (core::JobQueue), claimed
/// by a worker with a lease, run by the handler for its kind, and finished with a result that the
/// web app, the CLI and the metrics read back. The pure rules (states, what is due, which jobs may
/// run together, when to retry) live here so every JobQueue implementation and the worker agree.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/spotify_api.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace plm::core {

/// What a job does; the worker has one handler per kind. The text forms are stored and sent in the
/// API, so they never change once released.
enum class JobKind {
  SyncAccount,     ///< "sync_account": read every playlist of an account
  SyncPlaylist,    ///< "sync_playlist": re-read one playlist
  EditPlaylist,    ///< "edit_playlist": an edit of one playlist (core/edit/edit_request.hpp)
  CreatePlaylist,  ///< "create_playlist": a new playlist, empty, copied or merged
  SplitPlaylist,   ///< "split_playlist": new playlists made of the parts of one
  DeletePlaylist,  ///< "delete_playlist": unfollow one playlist
  BatchEdit,       ///< "batch_edit": one edit per playlist over many playlists of an account
                   ///< (app/batch_jobs.hpp), an undo of a batch included
  MatchPaste,      ///< "match_paste": match a stored paste's lines against the catalog
                   ///< (app/match_jobs.hpp; issue 11)
};
std::string_view to_string(JobKind kind);
std::optional<JobKind> job_kind_from_string(std::string_view text);

/// queued → running → succeeded | failed | cancelled, with two ways back to "ready to run":
/// interrupted (the worker died or the server stopped while it ran; resumed by the next claim) and
/// a failure with a retry time (back to queued with a later run_at).
enum class JobState {
  Queued,       ///< waiting for its run_at and a free worker
  Running,      ///< held by a worker's lease
  Succeeded,    ///< finished; per-item results may still report failures (a partial sync)
  Failed,       ///< finished without doing what was asked; `error` says why
  Cancelled,    ///< a person cancelled it (before it ran, or between two steps)
  Interrupted,  ///< was running when its worker stopped; claimable again at once
};
std::string_view to_string(JobState state);
std::optional<JobState> job_state_from_string(std::string_view text);
/// Succeeded, failed or cancelled: nothing will happen to the job any more.
bool is_finished(JobState state);

/// What `JobProgress::done` and `total` count (Lines: the lines of a paste, for match_paste).
enum class ProgressUnit { Items, Playlists, Tracks, Calls, Lines };
std::string_view to_string(ProgressUnit unit);
std::optional<ProgressUnit> progress_unit_from_string(std::string_view text);

struct JobProgress {
  std::int64_t done = 0;
  std::int64_t total = 0;  ///< 0 while unknown
  ProgressUnit unit = ProgressUnit::Items;
  std::string message;  ///< what is happening now, for people ("reading “Summer” (200 of 10,000)")

  bool operator==(const JobProgress&) const = default;
};

/// How one item of a job ended (a playlist of a sync or of a batch).
enum class ItemOutcome {
  Done,       ///< changed or read as asked
  Unchanged,  ///< nothing to do (same snapshot, already there)
  Skipped,    ///< deliberately left alone (e.g. contents not readable); `detail` says why
  Conflict,   ///< changed elsewhere in a way the job cannot resolve alone
  Failed,     ///< `error` says why
  Pending,    ///< not run yet: a batch records every playlist so at the start; a cancelled batch
              ///< keeps it for the playlists it never reached
};
std::string_view to_string(ItemOutcome outcome);
std::optional<ItemOutcome> item_outcome_from_string(std::string_view text);

struct JobItemResult {
  std::string key;    ///< stable within the job (a playlist id); recording a key again replaces it
  std::string label;  ///< for people (the playlist's name)
  ItemOutcome outcome = ItemOutcome::Done;
  std::optional<Error> error;  ///< set for Failed and Conflict
  std::string detail;          ///< optional, for people

  bool operator==(const JobItemResult&) const;
};

/// One line of a job's history, appended by the queue at every transition.
enum class JobEventKind {
  Enqueued,
  Started,          ///< claimed for the first time
  Resumed,          ///< claimed again after an interruption or a retry
  Interrupted,      ///< the lease expired (the process died) or the worker released it (shutdown)
  RetryScheduled,   ///< failed with a retry time: queued again
  CancelRequested,  ///< asked to stop while running; stops at the next step
  Succeeded,
  Failed,
  Cancelled,
};
std::string_view to_string(JobEventKind kind);
std::optional<JobEventKind> job_event_kind_from_string(std::string_view text);

struct JobEvent {
  TimePoint at;
  JobEventKind kind = JobEventKind::Enqueued;
  std::string message;  ///< for people; may be empty

  bool operator==(const JobEvent&) const = default;
};

struct Job {
  std::int64_t id = 0;
  JobKind kind = JobKind::SyncAccount;
  JobState state = JobState::Queued;
  std::int64_t owner_user_id = 0;  ///< the app user who asked: every access is checked against it
  std::int64_t account_id = 0;     ///< the Spotify account it acts on; 0 when none
  std::string playlist_id;         ///< the one playlist it acts on, if any
  /// Two jobs whose keys conflict (jobs_conflict) never run at once. See concurrency_key_for_*.
  std::string concurrency_key;
  std::string payload;     ///< the kind's parameters, opaque to the queue (JSON written by the app)
  std::string checkpoint;  ///< what the handler saved to resume from, opaque to the queue
  JobProgress progress;
  ApiCounters api;       ///< Spotify calls made for this job over all its attempts
  int attempts = 0;      ///< claims so far
  int max_attempts = 5;  ///< after this many claims an interrupted job fails instead of resuming
  TimePoint created_at;
  TimePoint run_at;  ///< not claimed before this time (scheduling, retry backoff)
  TimePoint updated_at;
  std::optional<TimePoint> started_at;   ///< first claim
  std::optional<TimePoint> finished_at;  ///< set in a finished state
  std::optional<Error> error;            ///< why it failed, or the cause of the pending retry
  bool cancel_requested = false;
  std::string lease_owner;  ///< the worker holding it while Running; empty otherwise
  std::optional<TimePoint> lease_expires_at;

  bool operator==(const Job&) const;
};

/// A job with what list views leave out.
struct JobDetails {
  Job job;
  std::vector<JobItemResult> items;  ///< in the order their keys were first recorded
  std::vector<JobEvent> history;     ///< oldest first

  bool operator==(const JobDetails&) const = default;
};

// ---- pure rules shared by every JobQueue implementation and the worker -----------------------

/// Keys are paths of '/'-separated segments: "account/12" (a sync of the account),
/// "account/12/playlist/<id>" (anything touching one playlist). Two keys conflict when they are
/// equal or one is a prefix of the other at a '/' boundary, so a sync of an account waits for the
/// edits of its playlists and the other way round, while edits of two playlists run side by side.
bool jobs_conflict(std::string_view key_a, std::string_view key_b);
std::string concurrency_key_for_account(std::int64_t account_id);
std::string concurrency_key_for_playlist(std::int64_t account_id, std::string_view playlist_id);

/// When a job that failed with `error` on its `attempts`-th claim should run again, or nullopt when
/// it should fail for good: errors that are not retryable (Error::retryable), and attempts >=
/// max_attempts. Spotify's own retry time wins (rate limit, quota: running earlier would only fail
/// again), held within kMaxSpotifyRetryWait so a bogus Retry-After cannot park a job for a year;
/// otherwise the backoff grows as attempts^4 seconds (River's policy: 1 s, 16 s, 81 s, 256 s…),
/// capped at kMaxRetryBackoff. No jitter: the result is a pure function of its inputs, and jobs
/// are claimed one at a time anyway. Never earlier than `now`.
std::optional<TimePoint> next_retry(const Error& error, int attempts, int max_attempts,
                                    TimePoint now);
inline constexpr std::chrono::hours kMaxRetryBackoff{1};
inline constexpr std::chrono::hours kMaxSpotifyRetryWait{24};

}  // namespace plm::core
