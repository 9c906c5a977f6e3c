#pragma once
/// The edit engine: from a playlist's current items and the list the user wants, the Spotify
/// writes (WriteSteps) that turn one into the other with as few requests as it can find, keeping
/// the added_at of every item that stays. Pure: the plan is sent by run_write_sequence
/// (core/write/write_sequence.hpp), which chunks, confirms the snapshot and settles unknowns.
///
/// Spotify's semantics it plans for (spotify-api.md §2.9–§2.11, §7.5, §7.6; the rules as code in
/// core/write/playlist_edits.hpp):
/// - an add inserts up to 100 URIs at a position; a reorder moves one contiguous range;
/// - a removal takes a URI and removes every copy of it: to drop one copy of a duplicated track,
///   every copy goes and the ones that must stay are put back (their added_at is reset: the
///   preview lists them as re-inserted);
/// - local files (`spotify:local:…`) and unavailable slots ("") can be neither added nor removed,
///   only moved: a desired list that needs one added or removed is refused (InvalidInput, naming
///   the item and its position);
/// - a replace (PUT of the first 100, then appends) rewrites the list and resets every kept item's
///   added_at, and drops local files and unavailable slots.
///
/// The plan, in the order it is sent:
/// 1. one removal of every URI whose copies are fewer in the desired list (all its copies go);
/// 2. range moves that sort what is left into the desired order: items are matched by URI and
///    occurrence (the k-th copy of a URI in one list with the k-th copy in the other); maximal
///    runs already in order (strips) move as one range; the strips of a longest increasing
///    subsequence stay, every other strip moves once, right after its predecessor in the desired
///    order — O(n log n), so a 10,000-item reorder plans in milliseconds;
/// 3. one add per contiguous run of new or re-inserted items, at its desired position.
/// Moves come before adds so that they move fewer items and runs stay contiguous. With
/// `allow_replace`, the plan is a single replace instead when that costs fewer write requests and
/// the playlist has no local file or unavailable slot.

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/moved_item.hpp"
#include "core/result.hpp"
#include "core/write/write_sequence.hpp"

namespace plm::core {

struct EditOptions {
  /// The user accepts a replace (every kept item's added_at reset) when it takes fewer requests.
  bool allow_replace = false;
};

/// An item of one of the two lists and its 0-based index there.
struct PlacedItem {
  std::string uri;
  std::int64_t position = 0;

  bool operator==(const PlacedItem&) const = default;
};

/// What rewriting the whole playlist would cost, for comparison.
struct ReplaceCost {
  /// Empty when a replace could do it; otherwise why not (local files, unavailable slots).
  std::string impossible_because;
  std::int64_t calls = 0;          ///< write requests: a PUT of the first 100, appends of the rest
  std::int64_t added_at_lost = 0;  ///< items of the current list that stay but get a new added_at

  bool possible() const { return impossible_because.empty(); }
};

struct EditPreview {
  std::vector<PlacedItem> added;    ///< new items, at their desired positions
  std::vector<PlacedItem> removed;  ///< items that go, at their current positions
  /// Items that stay but change place among the kept ones (the strips off the longest increasing
  /// subsequence): each strip is one range move, unless earlier moves already put it in place.
  /// Empty for a replace.
  std::vector<MovedItem> moved;
  std::vector<PlacedItem> reinserted;  ///< copies removed and put back, at desired positions
  std::int64_t calls = 0;              ///< write requests of the plan (chunks of 100 counted)
  std::int64_t added_at_lost = 0;      ///< items that stay but get a new added_at
  std::int64_t move_lower_bound = 0;   ///< no plan can sort the kept items in fewer range moves
  ReplaceCost replace_everything;
};

struct EditPlan {
  enum class Strategy { Edit, Replace };
  Strategy strategy = Strategy::Edit;
  std::vector<WriteStep> steps;  ///< for run_write_sequence, in order
  EditPreview preview;
};

std::string_view to_string(EditPlan::Strategy strategy);

/// The plan that turns `current` into exactly `desired` (both as PlannedPlaylist::uris has them:
/// "spotify:local:…" for local files, "" for unavailable slots). InvalidInput, naming the first
/// offending item, when the desired list needs a local file or an unavailable slot added or
/// removed, or an item URI Spotify would refuse.
Result<EditPlan> plan_edit(const std::vector<std::string>& current,
                           const std::vector<std::string>& desired,
                           const EditOptions& options = {});

/// Write requests a step takes once the write sequence chunks it (adds and removals by 100, a
/// replace as a PUT and appends).
std::int64_t write_requests(const WriteStep& step);
std::int64_t write_requests(const std::vector<WriteStep>& steps);

/// Breakpoints of a permutation of 0…n-1 framed by -1 and n: adjacent pairs (a, b) with b ≠ a + 1.
/// The identity has none.
std::int64_t breakpoints(const std::vector<std::int64_t>& permutation);

/// The breakpoint bound: a range move changes three adjacencies, so it removes at most three
/// breakpoints, and sorting takes at least ⌈breakpoints / 3⌉ range moves.
std::int64_t range_move_lower_bound(const std::vector<std::int64_t>& permutation);

/// The simulator: `items` after the steps, applied in order as Spotify applies them (the rules of
/// core/write/playlist_edits.hpp; detail and cover changes leave the items alone). InvalidInput
/// for a step Spotify would refuse (a bad URI, a position or range out of bounds), naming the step.
Result<std::vector<std::string>> apply_steps(std::vector<std::string> items,
                                             const std::vector<WriteStep>& steps);

}  // namespace plm::core
