#pragma once
/// Spotify's rules for the items of a playlist as pure functions: which URIs an item write may
/// carry, which positions and ranges are in bounds, and what add, remove and reorder do to the
/// list (spotify-api.md §2.9–§2.11, §7.5, §7.6). The write sequence validates and models its steps
/// with them; the port's fake (tests/support/fakes.hpp) applies them, and the SpotifyApi contract
/// suite proves that the fake, hence these rules, agree with the emulator.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/spotify_api.hpp"
#include "core/result.hpp"

namespace plm::core {

/// `spotify:local:…`: a local file, which no write can add or remove (§7.5).
bool is_local_uri(std::string_view uri);

/// A URI an item write may carry: `spotify:track:` or `spotify:episode:` and a 22-character
/// base-62 id.
bool is_item_uri(std::string_view uri);

/// Spotify's cover limit counts base64 characters: 4 for every 3 bytes of JPEG, or part of them.
constexpr std::size_t base64_size(std::size_t bytes) { return (bytes + 2) / 3 * 4; }

// ---- What implementations of the port refuse before any call (InvalidInput): what Spotify would
// ---- refuse on the request's face. `verb` ("added", "removed") names the write in messages.

/// 1–100 URIs (0–100 with `allow_empty`, for a replace).
Status check_uri_count(const std::vector<std::string>& uris, std::string_view verb,
                       bool allow_empty = false);
/// check_uri_count for an add, and no negative position.
Status check_add_request(const std::vector<std::string>& uris,
                         std::optional<std::int64_t> position);
/// No negative index and at least one item to move.
Status check_reorder_request(std::int64_t range_start, std::int64_t insert_before,
                             std::int64_t range_length);
Status check_details_change(const PlaylistDetailsChange& change);
/// A JPEG of at most SpotifyApi::kMaxCoverBase64Bytes once base64-encoded.
Status check_cover(const std::string& jpeg);

// ---- What Spotify refuses once it looks at the playlist (InvalidInput, as its 400s).

/// check_uri_count, and each URI an item URI (local files named as such).
Status check_item_uris(const std::vector<std::string>& uris, std::string_view verb,
                       bool allow_empty = false);

/// An add's position on a playlist of `item_count` items: 0 ≤ position ≤ item_count.
Status check_position(std::int64_t item_count, std::int64_t position);

/// A reorder on a playlist of `item_count` items: the range lies inside the playlist, has at least
/// one item and `insert_before` is 0…item_count.
Status check_reorder(std::int64_t item_count, std::int64_t range_start, std::int64_t insert_before,
                     std::int64_t range_length);

/// Where the moved range starts once a (valid) reorder is done.
std::int64_t reorder_destination(std::int64_t range_start, std::int64_t insert_before,
                                 std::int64_t range_length);

/// Applies a valid reorder: [range_start, range_start + range_length) goes before the item that
/// was at `insert_before` (indices before the move); a target inside the range changes nothing.
template <typename T>
void move_range(std::vector<T>& items, std::int64_t range_start, std::int64_t insert_before,
                std::int64_t range_length) {
  if (insert_before >= range_start && insert_before <= range_start + range_length) return;
  const auto first = items.begin() + range_start;
  const auto last = first + range_length;
  if (insert_before < range_start) {
    std::rotate(items.begin() + insert_before, first, last);
  } else {
    std::rotate(first, last, items.begin() + insert_before);
  }
}

/// Applies a removal: every item whose URI (`uri_of(item)`) is listed goes, except local files.
template <typename T, typename UriOf>
void remove_every(std::vector<T>& items, const std::vector<std::string>& uris, UriOf uri_of) {
  const std::set<std::string, std::less<>> removed(uris.begin(), uris.end());
  std::erase_if(items, [&](const T& item) {
    const std::string_view uri = uri_of(item);
    return !is_local_uri(uri) && removed.count(uri) > 0;
  });
}

}  // namespace plm::core
