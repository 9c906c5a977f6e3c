#pragma once
/// The journal of playlist versions (issue 9 §3): every version of a playlist plm has seen, why it
/// came to be (a sync that found it changed outside plm, an edit by an app user, a restore, an
/// undo), and the pure diff between two versions that the history shows and a restore previews.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/moved_item.hpp"
#include "core/model/playlist.hpp"
#include "core/time.hpp"

namespace plm::core {

/// One slot of a recorded version: what a restore needs to put it back (the track's catalog data
/// lives with the stored playlist, not in the journal).
struct VersionItem {
  std::string uri;  ///< "" for an unavailable slot; local files as Spotify spells them
  std::optional<TimePoint> added_at;
  std::string added_by;

  bool operator==(const VersionItem&) const = default;
};

/// The details of a playlist a version records (what an edit of the details changes).
struct PlaylistDetails {
  std::string name;
  std::string description;
  bool is_public = false;
  bool collaborative = false;

  bool operator==(const PlaylistDetails&) const = default;
};

enum class VersionCauseKind {
  Sync,     ///< changed outside plm, found by a sync (or first seen by one)
  Edit,     ///< an app user's edit, from the web app or the CLI
  Restore,  ///< a restore to an earlier version
  Undo,     ///< the undo of the change right before
};
std::string_view to_string(VersionCauseKind kind);
std::optional<VersionCauseKind> version_cause_from_string(std::string_view text);

/// Why a version came to be, and who asked.
struct VersionCause {
  VersionCauseKind kind = VersionCauseKind::Sync;
  std::optional<std::int64_t> app_user_id;  ///< who (Edit, Restore, Undo); nullopt for Sync
  std::string origin;                       ///< "web" or "cli" (Edit, Restore, Undo); "" for Sync
  std::string action;  ///< the action's name ("move", "sort", "playlist edit"); "" for Sync
  std::string why;     ///< free text: the user's reason, or the sync's ("first seen")
  std::optional<std::int64_t> job_id;            ///< the job that made the change, if any
  std::optional<std::int64_t> restored_version;  ///< Restore: to which version; Undo: which undone

  bool operator==(const VersionCause&) const = default;
};

inline constexpr std::string_view kOriginWeb = "web";
inline constexpr std::string_view kOriginCli = "cli";
inline constexpr std::string_view kFirstSeen = "first seen";
inline constexpr std::string_view kChangedOutside = "changed outside plm";

/// A version as the sync or an edit hands it to the journal.
struct NewRecordedVersion {
  std::int64_t account_id = 0;
  std::string playlist_id;
  std::string snapshot_id;  ///< Spotify's snapshot of this content ("" when unknown)
  PlaylistDetails details;
  std::vector<VersionItem> items;
  VersionCause cause;
};

/// How a version differs from the one before it, counted when it is recorded (the history lists
/// them without reading any items). The first version of a playlist counts every item as added.
struct ChangeCounts {
  std::int64_t added = 0;
  std::int64_t removed = 0;
  std::int64_t moved = 0;
  bool details_changed = false;

  bool operator==(const ChangeCounts&) const = default;
};

/// A recorded version. `items` is filled only where the port says so (list_versions leaves it
/// empty; item_count is always set).
struct RecordedVersion {
  std::int64_t account_id = 0;
  std::string playlist_id;
  std::int64_t sequence = 0;  ///< 1, 2, 3... per playlist, in the order recorded
  std::string snapshot_id;
  PlaylistDetails details;
  std::int64_t item_count = 0;
  std::vector<VersionItem> items;
  TimePoint recorded_at;  ///< from the store's clock, to the second
  VersionCause cause;
  ChangeCounts changes;  ///< against the version before (sequence - 1)

  bool operator==(const RecordedVersion&) const = default;
};

/// The items and details of a stored playlist, as a version records them.
std::vector<VersionItem> version_items(const std::vector<PlaylistItem>& items);
PlaylistDetails details_of(const PlaylistSummary& summary);

/// False when `next` is the same version as `latest` and must not be recorded again: the same
/// non-empty snapshot, or the same items (URIs, order, added_at, added_by) and details.
bool is_new_version(const RecordedVersion& latest, const NewRecordedVersion& next);

/// What the journal records for `next` after `latest` (its items included; nullopt when none was
/// recorded yet), at `now`: sequence latest + 1 (or 1), the change counts against it (every item
/// added for a first version), the cause's texts as clean_text (model/text.hpp). nullopt when it
/// is not a new version (is_new_version). Every implementation of the port records this.
std::optional<RecordedVersion> next_version(const std::optional<RecordedVersion>& latest,
                                            const NewRecordedVersion& next, TimePoint now);

// ---- The diff between two versions -----------------------------------------------------------

struct PositionedItem {
  std::string uri;
  std::int64_t position = 0;  ///< 0-based; in the older version for removed, the newer for added

  bool operator==(const PositionedItem&) const = default;
};

struct DetailChange {
  std::string field;  ///< "name", "description", "public", "collaborative"
  std::string before;
  std::string after;

  bool operator==(const DetailChange&) const = default;
};

/// What turns `before` into `after`. Items are matched by URI, the k-th copy of a URI in one list
/// with the k-th copy in the other (so duplicates are handled, and "" matches unavailable slots);
/// copies left over are removed or added. Of the matched items, those on a longest increasing
/// subsequence of their new positions kept their relative order; the others moved (so a single
/// item dragged elsewhere is one move, not every item it jumped over). Each list is ordered by
/// position.
struct VersionDiff {
  std::vector<PositionedItem> added;
  std::vector<PositionedItem> removed;
  std::vector<MovedItem> moved;
  std::vector<DetailChange> details;

  ChangeCounts counts() const;
  bool operator==(const VersionDiff&) const = default;
};

/// O(n log n) in the longer list.
VersionDiff diff_items(const std::vector<VersionItem>& before,
                       const std::vector<VersionItem>& after);
VersionDiff diff_versions(const std::vector<VersionItem>& before_items,
                          const PlaylistDetails& before_details,
                          const std::vector<VersionItem>& after_items,
                          const PlaylistDetails& after_details);

}  // namespace plm::core
