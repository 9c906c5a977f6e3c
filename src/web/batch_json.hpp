#pragma once
/// The JSON of batch edits (issue 10; api/openapi.yaml: BatchRequest, BatchOperation,
/// BatchUndoRequest, PlaylistSelection, SavedSelectionInput read; BatchPreview, TrackWhere,
/// DuplicateReport, SavedSelection written), shared with `plm batch … --json` and `plm where
/// --json` as journal_json.hpp is with the history commands. Requests are read strictly, as
/// edit_json reads an EditRequest (unknown properties, wrong types and missing fields refused with
/// a message naming the field, e.g. "more[1].operation.uris[0]"; positions are 0-based); what an
/// operation means for each playlist is core::propose_batch's to judge.

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/batch/batch_plan.hpp"
#include "core/batch/batch_requests.hpp"
#include "core/model/playlist.hpp"
#include "core/model/selection.hpp"
#include "core/result.hpp"

namespace plm::web {

/// A BatchRequest body as sent: its parts (the main operation first, then `more`) and `why` in
/// `request.cause.why` (the rest of the cause is the route's to fill in).
struct BatchBody {
  core::BatchRequest request;
  /// Per part: true when it is a shuffle without a `seed` (the server picks one).
  std::vector<bool> seed_missing;
};

/// A BatchUndoRequest body.
struct BatchUndoBody {
  std::vector<std::string> playlist_ids;  ///< empty: every playlist the batch changed
  bool dry_run = false;
  std::string why;
};

/// A SavedSelectionInput body.
struct SelectionInput {
  std::optional<std::int64_t> account_id;
  std::string selector;
};

inline constexpr std::size_t kMaxBatchIds = 5'000;
inline constexpr std::size_t kMaxSelectorLength = 20'000;  ///< characters, in a request
inline constexpr std::size_t kMaxBatchParts = 21;          ///< the operation and 20 more
inline constexpr std::size_t kMaxBatchUris = 100;
/// The most items of each list a preview entry shows (its counts are complete).
inline constexpr std::size_t kMaxPreviewListItems = 20;

core::Result<BatchBody> parse_batch_body(const nlohmann::json& body);
core::Result<BatchUndoBody> parse_batch_undo_body(const nlohmann::json& body);
/// A PlaylistSelection body: `playlist_ids` or `selector`, exactly one of the two.
core::Result<core::BatchSelection> parse_playlist_selection(const nlohmann::json& body);
core::Result<SelectionInput> parse_selection_input(const nlohmann::json& body);

/// The BatchPreview schema. `playlists`: the account's stored playlists (each entry's item count
/// and its details now, for the detail changes); `rate_budget`: what the expected duration was
/// estimated at; `seed`: the shuffle's seed, nullopt for other operations.
std::string batch_preview_json(const core::BatchProposal& proposal,
                               const std::vector<core::StoredPlaylist>& playlists,
                               std::int64_t rate_budget, std::optional<std::uint64_t> seed);

/// The BatchEntryPreview schema of one entry; `playlist`: the stored playlist it is (its item
/// count and its details now), nullptr when it is not stored.
nlohmann::json batch_entry_value(const core::BatchEntryPlan& entry,
                                 const core::StoredPlaylist* playlist);

/// Why the account may not change a playlist where a track is (core::why_not_writable), nullopt
/// when it may.
using ReadOnlyReason = std::function<std::optional<std::string>(const core::TrackWhereRow&)>;

/// The TrackWhere schema.
std::string track_where_json(const core::TrackWhere& where, const ReadOnlyReason& read_only_reason);

/// Catalog data of a URI from the stored items, when plm holds it.
using TrackLookup = std::function<std::optional<core::TrackInfo>(const std::string& uri)>;

/// The DuplicateReport schema, each entry with its `track` from `track_of` (null when unknown).
std::string duplicate_report_json(const core::DuplicateReport& report, const TrackLookup& track_of);

/// The SavedSelection and SavedSelectionList schemas.
nlohmann::json saved_selection_value(const core::SavedSelection& selection);
std::string saved_selections_json(const std::vector<core::SavedSelection>& selections);

}  // namespace plm::web
