#include "core/edit/edit_request.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/enum_names.hpp"
#include "core/journal/playlist_version.hpp"
#include "core/write/playlist_edits.hpp"

namespace plm::core {
namespace {

using Kind = EditRequest::Kind;

constexpr Names<Kind, 10> kKindNames{{
    {Kind::SetList, "set_list"},
    {Kind::Move, "move"},
    {Kind::Add, "add"},
    {Kind::Remove, "remove"},
    {Kind::Dedupe, "dedupe"},
    {Kind::Sort, "sort"},
    {Kind::Shuffle, "shuffle"},
    {Kind::Restore, "restore"},
    {Kind::Details, "details"},
    {Kind::Cover, "cover"},
}};

constexpr Names<Placement::Kind, 3> kPlacementNames{{
    {Placement::Kind::Top, "top"},
    {Placement::Kind::Bottom, "bottom"},
    {Placement::Kind::Before, "before"},
}};

constexpr Names<SortKey, 6> kSortKeyNames{{
    {SortKey::Title, "title"},
    {SortKey::Artist, "artist"},
    {SortKey::Album, "album"},
    {SortKey::Release, "release"},
    {SortKey::Duration, "duration"},
    {SortKey::Added, "added"},
}};

constexpr Names<DedupeKeep, 2> kDedupeKeepNames{{
    {DedupeKeep::First, "first"},
    {DedupeKeep::Last, "last"},
}};

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidInput, std::move(message));
}
Error conflict(std::string message) { return make_error(ErrorCode::Conflict, std::move(message)); }

/// "spotify:track:… at position 6" (1-based, as the user sees the list).
std::string describe(std::string_view uri, std::int64_t position) {
  const std::string what = uri.empty() ? "the unavailable item" : std::string(uri);
  return what + " at position " + std::to_string(position + 1);
}
std::string describe(const ItemRef& item) { return describe(item.uri, item.position); }

std::string kind_name(Kind kind) { return std::string(to_string(kind)); }

// ---- Checks on the request's face ------------------------------------------------------------

Status check_item_refs(const std::vector<ItemRef>& items, std::string_view verb) {
  std::set<std::int64_t> positions;
  for (const auto& item : items) {
    if (item.position < 0) {
      return invalid("the item " + item.uri + " to be " + std::string(verb) +
                     " has a negative position");
    }
    if (!positions.insert(item.position).second) {
      return invalid("position " + std::to_string(item.position + 1) + " is named twice");
    }
  }
  return ok();
}

Status check_placement(const Placement& placement, const std::vector<ItemRef>& moved) {
  if (placement.kind != Placement::Kind::Before) return ok();
  if (placement.before.position < 0) return invalid("the placement has a negative position");
  for (const auto& item : moved) {
    if (item.position == placement.before.position) {
      return invalid("cannot move " + describe(item) + " before itself");
    }
  }
  return ok();
}

/// A URI an exact list may hold: an item URI, a local file or "" (an unavailable slot), which
/// the list may keep but plan_edit refuses to add.
Status check_list_uris(const std::vector<std::string>& uris) {
  if (uris.size() > kMaxPlaylistItems) {
    return invalid("the list has " + std::to_string(uris.size()) + " items, more than " +
                   std::to_string(kMaxPlaylistItems));
  }
  for (std::size_t i = 0; i < uris.size(); ++i) {
    const auto& uri = uris[i];
    if (!uri.empty() && !is_local_uri(uri) && !is_item_uri(uri)) {
      return invalid("line " + std::to_string(i + 1) + ": \"" + uri +
                     "\" is not a Spotify track or episode URI");
    }
  }
  return ok();
}

/// URIs an add or a removal of every copy may carry (local files cannot be either).
Status check_write_uris(const std::vector<std::string>& uris, std::string_view verb) {
  for (const auto& uri : uris) {
    if (is_local_uri(uri)) {
      return invalid("the local file " + uri + " cannot be " + std::string(verb) +
                     " through Spotify's API");
    }
    if (!is_item_uri(uri)) {
      return invalid("\"" + uri + "\" is not a Spotify track or episode URI");
    }
  }
  return ok();
}

Status check_items_removable(const std::vector<ItemRef>& items) {
  for (const auto& item : items) {
    if (item.uri.empty() || is_local_uri(item.uri)) {
      return invalid(describe(item) + " cannot be removed through Spotify's API");
    }
  }
  return ok();
}

/// Characters (UTF-8 code points: every byte but continuation bytes).
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Status check_detail_text(std::string_view field, const std::optional<std::string>& text,
                         std::size_t max_characters) {
  if (!text) return ok();
  if (text->empty()) return invalid("the " + std::string(field) + " cannot be empty");
  if (characters(*text) > max_characters) {
    return invalid("the " + std::string(field) + " has " + std::to_string(characters(*text)) +
                   " characters, more than Spotify's " + std::to_string(max_characters));
  }
  if (text->find_first_of("\r\n") != std::string::npos) {
    return invalid("the " + std::string(field) + " cannot contain line breaks");
  }
  return ok();
}

/// Spotify's limits on details (spotify-api.md §2.7, §2.8, §4.3): what it refuses, or answers with
/// a 500, is refused here with a message the user can act on.
Status check_details_limits(const PlaylistDetailsChange& change) {
  if (auto checked = check_details_change(change); !checked) return checked;
  if (auto name = check_detail_text("name", change.name, kMaxNameCharacters); !name) return name;
  if (auto description =
          check_detail_text("description", change.description, kMaxDescriptionCharacters);
      !description) {
    return description;
  }
  if (change.collaborative.value_or(false) && change.is_public.value_or(false)) {
    return invalid("a public playlist cannot be collaborative");
  }
  return ok();
}

/// A JPEG starts with the SOI marker and another marker (FF D8 FF).
bool is_jpeg(std::string_view bytes) { return bytes.starts_with("\xFF\xD8\xFF"); }

template <typename... Checks>
Status first_failure(Checks&&... checks) {
  Status result = ok();
  // Evaluated in order; the first failure wins.
  (void)((result = checks(), result.has_value()) && ...);
  return result;
}

// ---- Finding the items of the planned list in the current one --------------------------------

/// The positions of each URI's copies in a list, in order.
using Occurrences = std::unordered_map<std::string, std::vector<std::int64_t>>;

Occurrences occurrences_of(const std::vector<std::string>& uris) {
  Occurrences found;
  for (std::size_t i = 0; i < uris.size(); ++i) {
    found[uris[i]].push_back(static_cast<std::int64_t>(i));
  }
  return found;
}

std::size_t copies(const Occurrences& occurrences, const std::string& uri) {
  const auto it = occurrences.find(uri);
  return it == occurrences.end() ? 0 : it->second.size();
}

/// The planned list, the current one, and how to find the items of one in the other.
class ListPair {
 public:
  ListPair(std::vector<std::string> planned, std::vector<std::string> current)
      : planned_(std::move(planned)),
        current_(std::move(current)),
        unchanged_(planned_ == current_),
        in_planned_(occurrences_of(planned_)),
        in_current_(unchanged_ ? Occurrences{} : occurrences_of(current_)) {}

  const std::vector<std::string>& planned() const { return planned_; }
  const std::vector<std::string>& current() const { return current_; }
  bool unchanged() const { return unchanged_; }

  /// InvalidInput unless `item` is what the planned list holds at its position.
  Status check_fits(const ItemRef& item) const {
    if (item.position < 0 || item.position >= static_cast<std::int64_t>(planned_.size())) {
      return invalid(describe(item) + " is out of range: the playlist had " +
                     std::to_string(planned_.size()) + " items");
    }
    if (planned_[static_cast<std::size_t>(item.position)] != item.uri) {
      return invalid(describe(item) + " does not match the playlist, which had " +
                     describe(planned_[static_cast<std::size_t>(item.position)], item.position) +
                     " there");
    }
    return ok();
  }

  /// Where `item` (checked by check_fits) is in the current list: nullopt when no copy of its URI
  /// is left; Conflict when its copies were added or removed outside plm, so that which copy the
  /// user meant is no longer certain.
  Result<std::optional<std::int64_t>> find_again(const ItemRef& item) const {
    if (unchanged_) return std::optional<std::int64_t>(item.position);
    const auto& planned_copies = in_planned_.at(item.uri);
    const auto now = copies(in_current_, item.uri);
    if (now == 0) return std::optional<std::int64_t>();
    if (now != planned_copies.size()) {
      return conflict("the playlist changed on Spotify: " + describe(item) + " now occurs " +
                      std::to_string(now) + " times instead of " +
                      std::to_string(planned_copies.size()) +
                      ", so which copy is meant is unclear");
    }
    const auto rank =
        std::lower_bound(planned_copies.begin(), planned_copies.end(), item.position) -
        planned_copies.begin();
    return std::optional<std::int64_t>(in_current_.at(item.uri)[static_cast<std::size_t>(rank)]);
  }

  /// find_again for an item that must still be there (what is moved, an anchor).
  Result<std::int64_t> find_present(const ItemRef& item) const {
    auto found = find_again(item);
    if (!found) return found.error();
    if (!*found) {
      return conflict("the playlist changed on Spotify: " + describe(item) +
                      " was removed from it");
    }
    return **found;
  }

 private:
  std::vector<std::string> planned_;
  std::vector<std::string> current_;
  bool unchanged_;
  Occurrences in_planned_;
  Occurrences in_current_;
};

/// "3 added, 1 removed, 2 moved" between the planned and the current list.
std::string what_changed(const ListPair& lists) {
  const auto as_version = [](const std::vector<std::string>& uris) {
    std::vector<VersionItem> items;
    items.reserve(uris.size());
    for (const auto& uri : uris) items.push_back({uri, std::nullopt, {}});
    return items;
  };
  const auto counts = diff_items(as_version(lists.planned()), as_version(lists.current())).counts();
  return std::to_string(counts.added) + " added, " + std::to_string(counts.removed) + " removed, " +
         std::to_string(counts.moved) + " moved";
}

/// Where inserted items go in `list` (which holds the current items not being moved).
/// `anchor` is the anchor's position in the current list; `taken_before_anchor` how many of the
/// current items before it are not in `list`.
std::size_t insertion_index(const Placement& placement, std::size_t list_size, std::int64_t anchor,
                            std::int64_t taken_before_anchor) {
  switch (placement.kind) {
    case Placement::Kind::Top:
      return 0;
    case Placement::Kind::Bottom:
      return list_size;
    case Placement::Kind::Before:
      return static_cast<std::size_t>(anchor - taken_before_anchor);
  }
  return list_size;
}

/// The anchor's position in the current list, when the placement has one.
Result<std::int64_t> find_anchor(const Placement& placement, const ListPair& lists) {
  if (placement.kind != Placement::Kind::Before) return std::int64_t{-1};
  if (auto fits = lists.check_fits(placement.before); !fits) return fits.error();
  return lists.find_present(placement.before);
}

Result<std::vector<std::string>> resolve_move(const EditRequest& request, const ListPair& lists) {
  std::vector<std::int64_t> moved;
  for (const auto& item : request.items) {
    if (auto fits = lists.check_fits(item); !fits) return fits.error();
    auto found = lists.find_present(item);
    if (!found) return found.error();
    moved.push_back(*found);
  }
  auto anchor = find_anchor(request.placement, lists);
  if (!anchor) return anchor.error();
  std::sort(moved.begin(), moved.end());

  const auto& current = lists.current();
  std::vector<std::string> rest;
  std::vector<std::string> moving;
  rest.reserve(current.size());
  std::int64_t moved_before_anchor = 0;
  for (std::size_t i = 0; i < current.size(); ++i) {
    const auto position = static_cast<std::int64_t>(i);
    if (std::binary_search(moved.begin(), moved.end(), position)) {
      moving.push_back(current[i]);
      if (position < *anchor) ++moved_before_anchor;
    } else {
      rest.push_back(current[i]);
    }
  }
  const auto at = insertion_index(request.placement, rest.size(), *anchor, moved_before_anchor);
  rest.insert(rest.begin() + static_cast<std::ptrdiff_t>(at), moving.begin(), moving.end());
  return rest;
}

Result<std::vector<std::string>> resolve_add(const EditRequest& request, const ListPair& lists) {
  auto anchor = find_anchor(request.placement, lists);
  if (!anchor) return anchor.error();
  auto list = lists.current();
  const auto at = insertion_index(request.placement, list.size(), *anchor, 0);
  list.insert(list.begin() + static_cast<std::ptrdiff_t>(at), request.uris.begin(),
              request.uris.end());
  return list;
}

Result<std::vector<std::string>> resolve_remove(const EditRequest& request, const ListPair& lists) {
  const auto& current = lists.current();
  std::vector<bool> removed(current.size(), false);
  for (const auto& item : request.items) {
    if (auto fits = lists.check_fits(item); !fits) return fits.error();
    auto found = lists.find_again(item);
    if (!found) return found.error();
    if (*found) removed[static_cast<std::size_t>(**found)] = true;  // gone already: done
  }
  const std::set<std::string, std::less<>> every_copy(request.uris.begin(), request.uris.end());
  std::vector<std::string> list;
  list.reserve(current.size());
  for (std::size_t i = 0; i < current.size(); ++i) {
    if (!removed[i] && every_copy.count(current[i]) == 0) list.push_back(current[i]);
  }
  return list;
}

std::vector<std::string> resolve_dedupe(DedupeKeep keep, const std::vector<std::string>& current) {
  const auto untouchable = [](const std::string& uri) { return uri.empty() || is_local_uri(uri); };
  std::vector<bool> kept(current.size(), false);
  std::set<std::string_view> seen;
  const auto visit = [&](std::size_t i) {
    kept[i] = untouchable(current[i]) || seen.insert(current[i]).second;
  };
  if (keep == DedupeKeep::First) {
    for (std::size_t i = 0; i < current.size(); ++i) visit(i);
  } else {
    for (std::size_t i = current.size(); i-- > 0;) visit(i);
  }
  std::vector<std::string> list;
  for (std::size_t i = 0; i < current.size(); ++i) {
    if (kept[i]) list.push_back(current[i]);
  }
  return list;
}

// ---- Sort ------------------------------------------------------------------------------------

/// ASCII letters folded to lower case; other bytes (UTF-8 included) compare as they are.
std::string folded(std::string_view text) {
  std::string result(text);
  for (auto& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

/// An item's sort key: text or number; none when the item has no such data.
struct SortValue {
  bool present = false;
  std::string text;
  std::int64_t number = 0;
};

SortValue text_value(std::string_view text) {
  if (text.empty()) return {};
  return {true, folded(text), 0};
}

SortValue sort_value(SortKey key, const PlaylistItem& item, const TrackInfo* track) {
  if (key == SortKey::Added) {
    if (!item.added_at) return {};
    return {true, {}, item.added_at->time_since_epoch().count()};
  }
  if (track == nullptr) return {};
  switch (key) {
    case SortKey::Title:
      return text_value(track->name);
    case SortKey::Artist:
      return track->artists.empty() ? SortValue{} : text_value(track->artists.front());
    case SortKey::Album:
      return text_value(track->album);
    case SortKey::Release:
      return text_value(track->release_date);
    case SortKey::Duration:
      return track->duration_ms > 0 ? SortValue{true, {}, track->duration_ms} : SortValue{};
    case SortKey::Added:
      break;
  }
  return {};
}

std::vector<std::string> resolve_sort(const EditRequest& request,
                                      const std::vector<PlaylistItem>& planned,
                                      const std::vector<PlaylistItem>& current) {
  // Catalog data: the current item's, else the planned item's of the same URI (a version read
  // may come without it).
  std::unordered_map<std::string_view, const TrackInfo*> planned_tracks;
  for (const auto& item : planned) {
    if (item.track) planned_tracks.emplace(item.uri, &*item.track);
  }
  std::vector<SortValue> values;
  values.reserve(current.size());
  for (const auto& item : current) {
    const TrackInfo* track = item.track ? &*item.track : nullptr;
    if (track == nullptr && !item.uri.empty()) {
      const auto it = planned_tracks.find(item.uri);
      if (it != planned_tracks.end()) track = it->second;
    }
    values.push_back(sort_value(request.sort_by, item, track));
  }
  std::vector<std::size_t> order(current.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const bool descending = request.descending;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = values[a];
    const auto& y = values[b];
    if (x.present != y.present) return x.present;  // items without the key go last either way
    if (!x.present) return false;
    const auto compared = x.text != y.text       ? (x.text < y.text ? -1 : 1)
                          : x.number != y.number ? (x.number < y.number ? -1 : 1)
                                                 : 0;
    return descending ? compared > 0 : compared < 0;
  });
  std::vector<std::string> list;
  list.reserve(current.size());
  for (const auto i : order) list.push_back(current[i].uri);
  return list;
}

// ---- Shuffle ---------------------------------------------------------------------------------

/// splitmix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fixed by its seed on
/// every platform.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound), bound > 0, by rejection (no modulo bias).
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % bound);
    std::uint64_t value = next();
    while (value >= limit) value = next();
    return value % bound;
  }

 private:
  std::uint64_t state_;
};

Result<std::vector<std::string>> resolve_shuffle(const EditRequest& request,
                                                 const ListPair& lists) {
  if (!lists.unchanged()) {
    auto planned = lists.planned();
    auto current = lists.current();
    std::sort(planned.begin(), planned.end());
    std::sort(current.begin(), current.end());
    if (planned != current) {
      return conflict("the playlist changed on Spotify since the shuffle was previewed (" +
                      what_changed(lists) + "); preview it again");
    }
  }
  const auto& planned = lists.planned();
  std::vector<std::string> list;
  list.reserve(planned.size());
  for (const auto i : shuffle_permutation(planned.size(), request.shuffle_seed)) {
    list.push_back(planned[i]);
  }
  return list;
}

Result<std::vector<std::string>> resolve_exact(const EditRequest& request, const ListPair& lists) {
  if (lists.unchanged() || lists.current() == request.uris) return request.uris;
  return conflict("the playlist changed on Spotify since it was planned (" + what_changed(lists) +
                  "); a " + kind_name(request.kind) +
                  " sets the whole list and would overwrite that change");
}

Result<std::vector<std::string>> resolve_list(const EditRequest& request,
                                              const std::vector<PlaylistItem>& planned,
                                              const std::vector<PlaylistItem>& current) {
  const ListPair lists(uris_of(planned), uris_of(current));
  switch (request.kind) {
    case Kind::SetList:
    case Kind::Restore:
      return resolve_exact(request, lists);
    case Kind::Move:
      return resolve_move(request, lists);
    case Kind::Add:
      return resolve_add(request, lists);
    case Kind::Remove:
      return resolve_remove(request, lists);
    case Kind::Dedupe:
      return resolve_dedupe(request.keep, lists.current());
    case Kind::Sort:
      return resolve_sort(request, planned, current);
    case Kind::Shuffle:
      return resolve_shuffle(request, lists);
    case Kind::Details:
    case Kind::Cover:
      return lists.current();
  }
  return lists.current();
}

}  // namespace

EditRequest EditRequest::set_list(std::vector<std::string> uris) {
  EditRequest request;
  request.kind = Kind::SetList;
  request.uris = std::move(uris);
  return request;
}

EditRequest EditRequest::move(std::vector<ItemRef> items, Placement placement) {
  EditRequest request;
  request.kind = Kind::Move;
  request.items = std::move(items);
  request.placement = std::move(placement);
  return request;
}

EditRequest EditRequest::add(std::vector<std::string> uris, Placement placement) {
  auto request = set_list(std::move(uris));
  request.kind = Kind::Add;
  request.placement = std::move(placement);
  return request;
}

EditRequest EditRequest::remove(std::vector<ItemRef> items, std::vector<std::string> every_copy) {
  auto request = set_list(std::move(every_copy));
  request.kind = Kind::Remove;
  request.items = std::move(items);
  return request;
}

EditRequest EditRequest::dedupe(DedupeKeep keep) {
  EditRequest request;
  request.kind = Kind::Dedupe;
  request.keep = keep;
  return request;
}

EditRequest EditRequest::sort(SortKey key, bool descending) {
  EditRequest request;
  request.kind = Kind::Sort;
  request.sort_by = key;
  request.descending = descending;
  return request;
}

EditRequest EditRequest::shuffle(std::uint64_t seed) {
  EditRequest request;
  request.kind = Kind::Shuffle;
  request.shuffle_seed = seed;
  return request;
}

EditRequest EditRequest::restore(std::vector<std::string> uris) {
  auto request = set_list(std::move(uris));
  request.kind = Kind::Restore;
  return request;
}

EditRequest EditRequest::change_details(PlaylistDetailsChange details) {
  EditRequest request;
  request.kind = Kind::Details;
  request.details = std::move(details);
  return request;
}

EditRequest EditRequest::cover(std::string jpeg) {
  EditRequest request;
  request.kind = Kind::Cover;
  request.cover_jpeg = std::move(jpeg);
  return request;
}

std::string_view to_string(Placement::Kind kind) { return name_in(kPlacementNames, kind); }
std::optional<Placement::Kind> placement_kind_from_string(std::string_view text) {
  return value_in(kPlacementNames, text);
}

std::string_view to_string(SortKey key) { return name_in(kSortKeyNames, key); }
std::optional<SortKey> sort_key_from_string(std::string_view text) {
  return value_in(kSortKeyNames, text);
}

std::string_view to_string(DedupeKeep keep) { return name_in(kDedupeKeepNames, keep); }
std::optional<DedupeKeep> dedupe_keep_from_string(std::string_view text) {
  return value_in(kDedupeKeepNames, text);
}

std::string_view to_string(EditRequest::Kind kind) { return name_in(kKindNames, kind); }
std::optional<EditRequest::Kind> edit_kind_from_string(std::string_view text) {
  return value_in(kKindNames, text);
}

Status check_edit_request(const EditRequest& request) {
  const bool carries_details = !request.details.empty();
  if (carries_details && request.kind != Kind::Details && request.kind != Kind::Restore &&
      request.kind != Kind::SetList) {
    return invalid("a " + kind_name(request.kind) + " edit cannot change the details");
  }
  if (!request.cover_jpeg.empty() && request.kind != Kind::Cover) {
    return invalid("a " + kind_name(request.kind) + " edit cannot change the cover");
  }
  if (carries_details) {
    if (auto checked = check_details_limits(request.details); !checked) return checked;
  }
  switch (request.kind) {
    case Kind::SetList:
    case Kind::Restore:
      return check_list_uris(request.uris);
    case Kind::Move:
      if (request.items.empty()) return invalid("no item to move");
      return first_failure([&] { return check_item_refs(request.items, "moved"); },
                           [&] { return check_placement(request.placement, request.items); });
    case Kind::Add:
      if (request.uris.empty()) return invalid("no track to add");
      if (request.uris.size() > kMaxPlaylistItems) {
        return invalid("cannot add " + std::to_string(request.uris.size()) +
                       " tracks: a playlist holds at most " + std::to_string(kMaxPlaylistItems));
      }
      return first_failure([&] { return check_write_uris(request.uris, "added"); },
                           [&] { return check_placement(request.placement, {}); });
    case Kind::Remove:
      if (request.items.empty() && request.uris.empty()) return invalid("no item to remove");
      return first_failure([&] { return check_item_refs(request.items, "removed"); },
                           [&] { return check_items_removable(request.items); },
                           [&] { return check_write_uris(request.uris, "removed"); });
    case Kind::Dedupe:
    case Kind::Sort:
    case Kind::Shuffle:
      return ok();
    case Kind::Details:
      if (!carries_details) return invalid("no detail to change");
      return ok();
    case Kind::Cover:
      if (!is_jpeg(request.cover_jpeg)) return invalid("the cover is not a JPEG image");
      return check_cover(request.cover_jpeg);
  }
  return ok();
}

Result<std::vector<std::string>> resolve_edit(const EditRequest& request,
                                              const std::vector<PlaylistItem>& planned,
                                              const std::vector<PlaylistItem>& current) {
  auto desired = resolve_list(request, planned, current);
  if (!desired) return desired;
  if (desired->size() > kMaxPlaylistItems) {
    return invalid("the playlist would hold " + std::to_string(desired->size()) +
                   " items, more than " + std::to_string(kMaxPlaylistItems));
  }
  return desired;
}

Result<EditProposal> propose_edit(const EditRequest& request,
                                  const std::vector<PlaylistItem>& items) {
  if (auto checked = check_edit_request(request); !checked) return checked.error();
  auto desired = resolve_edit(request, items, items);
  if (!desired) return desired.error();
  auto plan = plan_edit(uris_of(items), *desired, EditOptions{request.allow_replace});
  if (!plan) return plan.error();
  if (!request.details.empty()) plan->steps.push_back(WriteStep::change_details(request.details));
  if (request.kind == Kind::Cover)
    plan->steps.push_back(WriteStep::upload_cover(request.cover_jpeg));
  plan->preview.calls = write_requests(plan->steps);
  return EditProposal{std::move(desired).value(), std::move(plan).value()};
}

std::vector<std::string> uris_of(const std::vector<PlaylistItem>& items) {
  std::vector<std::string> uris;
  uris.reserve(items.size());
  for (const auto& item : items) uris.push_back(item.uri);
  return uris;
}

std::vector<std::size_t> shuffle_permutation(std::size_t size, std::uint64_t seed) {
  std::vector<std::size_t> order(size);
  for (std::size_t i = 0; i < size; ++i) order[i] = i;
  SplitMix64 random(seed);
  for (std::size_t i = size; i > 1; --i) {
    const auto j = static_cast<std::size_t>(random.below(i));
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

}  // namespace plm::core
