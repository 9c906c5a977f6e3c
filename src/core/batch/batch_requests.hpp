#pragma once
/// From a batch request to a plan (issue 10): what the web routes (`POST
/// /api/accounts/{id}/batch[/preview]`, `/api/jobs/{id}/undo`) and `plm batch …` share. Loads the
/// account's stored playlists and the items of the selected ones and plans the operation with
/// plan_batch; app::batch_job_from (app/batch_jobs.hpp) turns the plan into the job that runs it.
/// Also where a track is (with the journal's "in the history since") and duplicates, for the web
/// and `plm where`. Over the ports only (plm::web links the core, not the app).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/batch/batch_plan.hpp"
#include "core/jobs/job.hpp"
#include "core/journal/playlist_version.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/ports/store.hpp"
#include "core/result.hpp"

namespace plm::core {

/// Which playlists: explicit ids (web multi-select; in the account's list order whatever order
/// they come in) or a SELECTOR (parse_selector). Exactly one of the two.
struct BatchSelection {
  std::vector<std::string> playlist_ids;
  std::optional<std::string> selector;
};

/// One operation on a selection of the account's playlists.
struct BatchPart {
  BatchSelection selection;
  BatchOperation operation;
  /// Add: take the URIs (and their catalog data) of this stored playlist of the account instead
  /// of operation.uris (tracks and episodes, in order; local files and unavailable slots skipped).
  std::optional<std::string> add_from_playlist;
};

/// A batch: usually one part; several when one job must do different things to different
/// playlists (where-is-this-track toggles: add to some, remove from others). A playlist may be in
/// one part only (InvalidInput naming it), so each playlist gets one edit per batch.
struct BatchRequest {
  std::vector<BatchPart> parts;
  /// Recorded in every version the batch makes: kind Edit, who, origin, action ("batch add"),
  /// why.
  VersionCause cause;
};

struct BatchProposal {
  /// The parts' plans joined: entries part after part, totals summed, the duration re-estimated.
  BatchPlan plan;
  /// For people and the job list: "add 1 track at position 3 to 40 playlists", "undo of batch 41".
  std::string summary;
};

/// InvalidInput for no parts, a bad selection (none or both, a bad selector, more than 5,000 ids),
/// a bad operation (check_batch_operation), an add_from_playlist that is empty, a playlist in two
/// parts; NotFound for an id the account does not hold (or an add_from_playlist it does not hold).
/// A part whose selection matches nothing is InvalidInput ("the selector matches no playlist").
Result<BatchProposal> propose_batch(PlaylistStore& playlists, const SpotifyAccount& account,
                                    const BatchRequest& request, const BatchPlanOptions& options);

/// The undo of a finished batch_edit job (`batch`, with its item results): one entry per playlist
/// whose result is Done and for which the journal holds a version recorded with the batch's job
/// id, restricted to `playlist_ids` when not empty (NotFound for an id the batch did not change).
/// Each entry: Change with `undo_version` = that version and the request undo_request gives now
/// (planned on the stored items, so the preview is exact), or Refused with undo_request's Conflict
/// message (a later change exists: restore it from its history). InvalidInput for a job that is
/// no batch_edit; Conflict while it is not finished. The job resolves each entry again when it
/// runs (app/batch_jobs.hpp), so a change made between the preview and the run is never
/// overwritten.
Result<BatchProposal> plan_batch_undo(PlaylistStore& playlists, PlaylistJournal& journal,
                                      const SpotifyAccount& account, const JobDetails& batch,
                                      const std::vector<std::string>& playlist_ids,
                                      const BatchPlanOptions& options);

/// One playlist that holds a track, for people.
struct TrackWhereRow {
  std::int64_t account_id = 0;
  std::string playlist_id;
  std::string name;
  std::vector<std::int64_t> positions;  ///< 0-based
  std::optional<TimePoint> added_at;    ///< the earliest copy's, from Spotify
  /// The time of the oldest journal version in the latest unbroken run of versions that hold the
  /// track (plm's own record of "since when"), when the journal has one.
  std::optional<TimePoint> in_history_since;
};

struct TrackWhere {
  std::string uri;
  std::optional<TrackInfo> track;        ///< catalog data from a stored item, when plm has one
  std::vector<TrackWhereRow> playlists;  ///< every stored playlist of `accounts` that holds it
};

/// Where `uri` is among the stored playlists of `accounts` (a user's accounts, or the one chosen).
/// InvalidInput for a URI that is no track or episode URI (open.spotify.com links are accepted and
/// read as the track's URI).
Result<TrackWhere> where_is_track(PlaylistStore& playlists, PlaylistJournal& journal,
                                  const std::vector<SpotifyAccount>& accounts,
                                  const std::string& uri_or_link);

/// Duplicates among the selected playlists of the account (find_duplicates over their
/// stored items).
Result<DuplicateReport> find_batch_duplicates(PlaylistStore& playlists,
                                              const SpotifyAccount& account,
                                              const BatchSelection& selection);

}  // namespace plm::core
