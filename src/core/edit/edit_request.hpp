#pragma once
/// What a user asks of one playlist (issue 9 §2, §4, §5), as an intent rather than a list: "move
/// these two tracks before that one", "sort by artist", "become exactly this list". The edit job
/// resolves the intent against the playlist's items into the desired list and hands both lists to
/// the edit engine (plan_edit). When the playlist changed on Spotify between the plan and the
/// writes (another app, a collaborator), the job re-reads it and resolves the same intent again, if
/// the intent still has one meaning on the changed list; otherwise it stops with a Conflict that
/// says what changed. An outside edit is never silently overwritten.
///
/// Which intents keep one meaning on a changed list (resolve_edit with `planned` != `current`):
/// - Move, Remove of chosen items: each chosen item (ItemRef: URI and position in the planned
///   list) is found again when its URI occurs exactly as often in the changed list as in the
///   planned one and the copy of the same rank exists; a removed item already gone counts as done;
///   otherwise Conflict naming it. The anchor of a move or an add (`before`) likewise.
/// - Add at the top, the bottom or before an anchor item; remove every copy of URIs; dedupe;
///   sort: always (they are defined on any list).
/// - Shuffle: the planned permutation is kept for the items found again; Conflict when items were
///   added or removed outside plm (a shuffle is previewed, and the preview would be wrong).
/// - SetList (plm playlist edit --to FILE), Restore, Undo: an exact list: Conflict whenever the
///   playlist changed, unless it is already the desired list (then there is nothing to do).
/// - Details and cover changes touch no item: they never conflict.
///
/// Pure (std only): the job, the web preview and the CLI's --dry-run call the same functions.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/edit/edit_plan.hpp"
#include "core/model/playlist.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/result.hpp"

namespace plm::core {

/// An item as the user saw it: its URI ("" for an unavailable slot, local files as Spotify spells
/// them) and its 0-based position in the list the request was made against.
struct ItemRef {
  std::string uri;
  std::int64_t position = 0;

  bool operator==(const ItemRef&) const = default;
};

/// Where added or moved items go.
struct Placement {
  enum class Kind { Top, Bottom, Before };
  Kind kind = Kind::Bottom;
  ItemRef before;  ///< Before: the item they go in front of (in the planned list)

  static Placement top() { return {Kind::Top, {}}; }
  static Placement bottom() { return {Kind::Bottom, {}}; }
  static Placement before_item(ItemRef item) { return {Kind::Before, std::move(item)}; }
  bool operator==(const Placement&) const = default;
};

std::string_view to_string(Placement::Kind kind);  ///< "top", "bottom", "before" (as the API)
std::optional<Placement::Kind> placement_kind_from_string(std::string_view text);

enum class SortKey { Title, Artist, Album, Release, Duration, Added };
std::string_view to_string(SortKey key);  ///< "title", "artist", ... (the CLI's --by words)
std::optional<SortKey> sort_key_from_string(std::string_view text);

enum class DedupeKeep { First, Last };
std::string_view to_string(DedupeKeep keep);  ///< "first", "last"
std::optional<DedupeKeep> dedupe_keep_from_string(std::string_view text);

struct EditRequest {
  enum class Kind {
    SetList,  ///< `uris` becomes the list, exactly; `details`, when given, change too (an
              ///< import: the list and the details its index asks for, in one edit)
    Move,     ///< `items` go, in their current order, to `placement` (not one of them)
    Add,      ///< `uris` are inserted, in order, at `placement`
    Remove,   ///< `items` go (one copy each); and every copy of each URI in `uris`
    Dedupe,   ///< one copy of each URI stays: the first or the last (`keep`); local files and
              ///< unavailable slots are never touched
    Sort,     ///< stable sort by `sort_by` (`descending`); items without the key keep last
    Shuffle,  ///< the order `shuffle_seed` gives (a seeded, portable permutation)
    Restore,  ///< `uris` (a recorded version's list) becomes the list: SetList with a cause;
              ///< `details`, when given, the version's details that differ from the current ones
    Details,  ///< `details` (name, description, public, collaborative); touches no item
    Cover,    ///< `cover_jpeg` becomes the cover; touches no item
  };
  Kind kind = Kind::SetList;
  std::vector<std::string> uris;
  std::vector<ItemRef> items;
  Placement placement;
  DedupeKeep keep = DedupeKeep::First;
  SortKey sort_by = SortKey::Title;
  bool descending = false;
  std::uint64_t shuffle_seed = 0;
  PlaylistDetailsChange details;
  std::string cover_jpeg;  ///< the JPEG's bytes
  /// Add: the catalog data of the added URIs as the search returned it, so that the stored copy
  /// shows them at once (the job looks up the others). Not part of the list's meaning.
  std::vector<TrackInfo> tracks;
  /// The user accepts a full replace (added_at reset) when it is cheaper (EditOptions).
  bool allow_replace = false;

  // One request of each kind, the other fields left at their defaults.
  static EditRequest set_list(std::vector<std::string> uris);
  static EditRequest move(std::vector<ItemRef> items, Placement placement);
  static EditRequest add(std::vector<std::string> uris, Placement placement);
  static EditRequest remove(std::vector<ItemRef> items, std::vector<std::string> every_copy = {});
  static EditRequest dedupe(DedupeKeep keep);
  static EditRequest sort(SortKey key, bool descending = false);
  static EditRequest shuffle(std::uint64_t seed);
  static EditRequest restore(std::vector<std::string> uris);
  static EditRequest change_details(PlaylistDetailsChange details);
  static EditRequest cover(std::string jpeg);
};

std::string_view to_string(EditRequest::Kind kind);  ///< "set_list", "move", ... (stored)
std::optional<EditRequest::Kind> edit_kind_from_string(std::string_view text);

/// InvalidInput for a request that no list can satisfy: no items to move or remove, a URI an add
/// may not carry (local files, bad ids), a placement relative to one of the moved items, more than
/// 10,000 items in the result, details that Spotify would refuse (check_details_change, an empty
/// or too long name or description, a line break, a public collaborative playlist), a cover
/// that is not a JPEG within Spotify's size (check_cover), details on a kind other than Details,
/// Restore and SetList, a cover on a kind other than Cover. Messages give positions 1-based, as the
/// user sees them (`plm playlist show`, the web table).
Status check_edit_request(const EditRequest& request);

/// The list `request` asks for, given the list it was made against (`planned`, with its catalog
/// data for sorting) and the playlist as it is now (`current`; the same list when nothing changed).
/// Conflict, saying which item or what changed, when the intent has no single meaning on
/// `current` (see the header comment); InvalidInput for a request that does not fit `planned`
/// (an ItemRef whose URI is not at its position, a position out of range).
Result<std::vector<std::string>> resolve_edit(const EditRequest& request,
                                              const std::vector<PlaylistItem>& planned,
                                              const std::vector<PlaylistItem>& current);

/// What the user is shown before anything is sent: the desired list, the plan and its preview
/// (EditPreview: added, removed, moved, re-inserted, calls, added_at lost, against a replace).
struct EditProposal {
  std::vector<std::string> desired;
  EditPlan plan;
};

/// check_edit_request, resolve_edit on an unchanged list, then plan_edit, then the request's
/// detail and cover steps appended to the plan (they go after the item writes; see
/// write_sequence.hpp) and counted in its preview's calls.
Result<EditProposal> propose_edit(const EditRequest& request,
                                  const std::vector<PlaylistItem>& items);

/// The URIs of a playlist's items as the edit engine takes them (PlaylistItem::uri; "" for an
/// unavailable slot).
std::vector<std::string> uris_of(const std::vector<PlaylistItem>& items);

/// The permutation a shuffle with `seed` applies to a list of `size` items: result[i] is the index
/// (in the list shuffled) of the item that goes to position i. The same on every platform and
/// standard library (splitmix64 and Fisher–Yates, not std::shuffle), so a preview and the job
/// that applies it agree.
std::vector<std::size_t> shuffle_permutation(std::size_t size, std::uint64_t seed);

/// The most items a playlist may hold (spotify-api.md): a request whose result is longer is
/// refused.
inline constexpr std::size_t kMaxPlaylistItems = 10'000;
/// Spotify's practical limits on details (spotify-api.md §2.7), in characters; neither may be
/// empty or hold a line break.
inline constexpr std::size_t kMaxNameCharacters = 200;
inline constexpr std::size_t kMaxDescriptionCharacters = 300;

}  // namespace plm::core
