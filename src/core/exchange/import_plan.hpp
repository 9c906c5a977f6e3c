#pragma once
/// From an import document to what would change on Spotify (issue 14 §2): the preview, and the
/// batch that applies it. Each playlist of the file becomes one entry of a core::BatchProposal
/// whose request is a set_list of the rows' URIs (with the details the index asks for), planned
/// by the edit engine on the stored items: only the differences are sent, and the added_at of
/// every track that stays is kept. app::batch_job_from turns the proposal into the batch_edit job
/// that applies it (the web's run_batch, `plm import --apply`), so an import has the batch's
/// journal, progress, cancel and undo. Over the ports, like batch_requests.hpp.
///
/// Rules:
/// - Which playlist: the file's id when it gives one (NotFound for the account → the playlist's
///   status is Unknown: "not a playlist of this account: plm sync reads new ones"); else the
///   stored playlist whose name equals the sheet's name (case and accents ignored, as the
///   playlists page's search folds text), when exactly one has it (several: Unknown, "3
///   playlists are named “Chill”: put the Spotify ID in the sheet"). Creating playlists from a
///   sheet is not done (Unknown, saying so).
/// - Rows: URIs as they are; matched rows by the matcher's result (`matches`, in
///   rows_to_match() order): Matched (or a person's choice) gives the URI; Ambiguous or Pending
///   make the playlist NeedsDecision (never guessed; nothing of it is applied); NotFound,
///   Invalid and Skipped rows are left out with a warning naming the row.
/// - A playlist whose stored items are not current (items never read, or changed on Spotify
///   since) is Refused with kNotSyncedReason, like a batch entry; one the account may not change
///   is Refused (why_not_writable: Items, and Details when details change).
/// - Details: only those that differ from the stored summary go into the request; tags that
///   differ are applied locally when the import is applied (they never reach Spotify).
/// - An export imported again with no edit: every entry Unchanged, zero calls.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/batch/batch_plan.hpp"
#include "core/batch/batch_requests.hpp"
#include "core/exchange/import_layout.hpp"
#include "core/matching/line_match.hpp"
#include "core/model/account.hpp"
#include "core/ports/store.hpp"
#include "core/result.hpp"

namespace plm::core {

/// The matcher's result for one row to match, with a person's decision folded in (the web's
/// paste decisions: Accepted and Picked give `match.status` Matched with the chosen uri).
struct RowMatch {
  LineMatch match;       ///< Pending while the matcher has not reached the row
  bool skipped = false;  ///< a person chose to leave the row out
};

struct ImportPlaylistPlan {
  enum class Status {
    Change,         ///< `entry` of the proposal changes it, or its tags change
    Unchanged,      ///< the playlist already is what the file says
    NeedsDecision,  ///< rows are ambiguous or still being matched: `undecided` lists them
    Refused,        ///< left alone: `reason` (not synced, not writable, Spotify would refuse)
    Unknown,        ///< no playlist of the account: `reason`
  };
  std::size_t document_index = 0;  ///< in ImportDocument::playlists
  std::string sheet;
  std::optional<std::string> playlist_id;  ///< resolved, unless Unknown
  std::string name;                        ///< the stored name, else the file's
  Status status = Status::Unchanged;
  std::string reason;
  /// The entry of `ImportProposal::batch.plan.entries` for this playlist (Change, Unchanged and
  /// Refused have one; its proposal's preview says what is added, removed and moved).
  std::optional<std::size_t> entry;
  /// The details that would change, as sent (only the differing fields set).
  PlaylistDetailsChange details;
  /// Tags that would change (applied locally), when they differ.
  std::optional<std::vector<std::string>> tags;
  /// Indexes into rows_to_match() (and `matches`) of the rows that wait for a decision.
  std::vector<std::size_t> undecided;
  std::int64_t rows = 0;      ///< track rows of the sheet
  std::int64_t left_out = 0;  ///< rows not found, invalid or skipped
};
std::string_view to_string(ImportPlaylistPlan::Status status);
///< "change", "unchanged", "needs_decision", "refused", "unknown"

struct ImportProposal {
  /// Only the playlists that have a resolved target (Change, Unchanged, Refused), in file order.
  /// Its summary: "import of “plan.xlsx”: 3 playlists change".
  BatchProposal batch;
  std::vector<ImportPlaylistPlan> playlists;  ///< one per document playlist, in file order
  /// The document's issues, then the plan's (rows left out, ambiguous rows).
  std::vector<ImportIssue> issues;
  std::int64_t changed = 0, unchanged = 0, needs_decision = 0, refused = 0, unknown = 0;
  std::int64_t tag_changes = 0;  ///< playlists whose tags change
};

struct ImportPlanOptions {
  std::string file_name;  ///< for the summary
  BatchPlanOptions batch;
};

/// The preview of `document` for `account`. `matches` has one entry per rows_to_match() row
/// (InvalidInput otherwise). Never fails for problems of single playlists or rows (they are
/// statuses and issues); errors are the store's.
Result<ImportProposal> propose_import(PlaylistStore& playlists, const SpotifyAccount& account,
                                      const ImportDocument& document,
                                      const std::vector<RowMatch>& matches,
                                      const ImportPlanOptions& options);

/// What applying a proposal does: the batch (its Change entries; run when at least one changes)
/// and the local tag changes (store.set_playlist_tags, done at once by the caller).
struct ImportApplication {
  BatchProposal batch;
  std::vector<std::pair<std::string, std::vector<std::string>>> tags;  ///< (playlist id, tags)

  bool batch_changes() const { return batch.plan.changed > 0; }
};

/// What applying the proposal does, restricted to `playlist_ids` when not empty (NotFound for an
/// id that is not a Change playlist of the proposal). A playlist is Change when its entry changes
/// or its tags do. InvalidInput when nothing would change ("nothing to apply: the playlists
/// already are what the file says"), or when every playlist it would touch NeedsDecision.
Result<ImportApplication> import_to_apply(const ImportProposal& proposal,
                                          const std::vector<std::string>& playlist_ids = {});

}  // namespace plm::core
