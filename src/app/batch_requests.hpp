#pragma once
/// From a batch request to a plan and a job (issue 10): what the web routes (`POST
/// /api/accounts/{id}/batch[/preview]`) and `plm batch …` share. Loads the account's stored
/// playlists and the items of the selected ones, plans the operation with core::plan_batch, and
/// turns the plan into the BatchJob that app/batch_jobs.hpp runs. Also where a track is (with the
/// journal's "in the history since") and duplicates, for the web and `plm where`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/batch_jobs.hpp"
#include "core/batch/batch_plan.hpp"
#include "core/journal/playlist_version.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/ports/store.hpp"
#include "core/result.hpp"

namespace plm::app {

/// Which playlists: explicit ids (web multi-select; in the account's list order whatever order
/// they come in) or a SELECTOR (core::parse_selector). Exactly one of the two.
struct BatchSelection {
  std::vector<std::string> playlist_ids;
  std::optional<std::string> selector;
};

/// One operation on a selection of the account's playlists.
struct BatchPart {
  BatchSelection selection;
  core::BatchOperation operation;
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
  core::VersionCause cause;
};

struct BatchProposal {
  /// The parts' plans joined: entries part after part, totals summed, the duration re-estimated.
  core::BatchPlan plan;
  BatchJob job;  ///< what POST …/batch enqueues (batch_edit_job); entries in the plan's order
};

/// InvalidInput for no parts, a bad selection (none or both, a bad selector, more than 5,000 ids),
/// a bad operation (check_batch_operation), an add_from_playlist that is empty, a playlist in two
/// parts; NotFound for an id the account does not hold (or an add_from_playlist it does not hold).
/// A part whose selection matches nothing is InvalidInput ("the selector matches no playlist").
core::Result<BatchProposal> propose_batch(core::PlaylistStore& playlists,
                                          const core::SpotifyAccount& account,
                                          const BatchRequest& request,
                                          const core::BatchPlanOptions& options);

/// One playlist that holds a track, for people.
struct TrackWhereRow {
  std::int64_t account_id = 0;
  std::string playlist_id;
  std::string name;
  std::vector<std::int64_t> positions;      ///< 0-based
  std::optional<core::TimePoint> added_at;  ///< the earliest copy's, from Spotify
  /// The time of the oldest journal version in the latest unbroken run of versions that hold the
  /// track (plm's own record of "since when"), when the journal has one.
  std::optional<core::TimePoint> in_history_since;
};

struct TrackWhere {
  std::string uri;
  std::optional<core::TrackInfo> track;  ///< catalog data from a stored item, when plm has one
  std::vector<TrackWhereRow> playlists;  ///< every stored playlist of `accounts` that holds it
};

/// Where `uri` is among the stored playlists of `accounts` (a user's accounts, or the one chosen).
/// InvalidInput for a URI that is no track or episode URI (open.spotify.com links are accepted and
/// read as the track's URI).
core::Result<TrackWhere> where_is_track(core::PlaylistStore& playlists,
                                        core::PlaylistJournal& journal,
                                        const std::vector<core::SpotifyAccount>& accounts,
                                        const std::string& uri_or_link);

/// Duplicates among the selected playlists of the account (core::find_duplicates over their
/// stored items).
core::Result<core::DuplicateReport> find_batch_duplicates(core::PlaylistStore& playlists,
                                                          const core::SpotifyAccount& account,
                                                          const BatchSelection& selection);

}  // namespace plm::app
