#pragma once
/// What plm knows of playlists and tracks, independent of how Spotify or a database spells it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/time.hpp"

namespace plm::core {

/// Catalog metadata of a track, as embedded in playlist items and search results.
struct TrackInfo {
  std::string uri;  ///< "spotify:track:<id>", "spotify:episode:<id>" or "spotify:local:…"
  std::string name;
  std::vector<std::string> artists;
  std::string album;
  std::string album_image_url;  ///< may be empty
  std::int64_t duration_ms = 0;
  std::string isrc;  ///< may be empty
  bool explicit_content = false;
  /// The album's release date as Spotify sends it: "YYYY", "YYYY-MM" or "YYYY-MM-DD" (its
  /// precision varies); empty when unknown. Sorting by release compares it as text, which orders
  /// the three precisions correctly.
  std::string release_date;

  bool operator==(const TrackInfo&) const = default;
};

/// One slot of a playlist. Slots keep their position even when the track is a local file or no
/// longer available, because positions matter for reorder and for what the user sees.
struct PlaylistItem {
  std::string uri;  ///< empty for an unavailable slot whose URI Spotify no longer reports
  /// As Spotify sends it (to the second); nullopt when it sends none (very old playlists).
  std::optional<TimePoint> added_at;
  std::string added_by;  ///< Spotify user id, may be empty
  bool is_local = false;
  bool unavailable = false;  ///< Spotify returned a null item
  std::optional<TrackInfo> track;

  bool operator==(const PlaylistItem&) const = default;
};

/// A playlist as listed by Spotify (metadata, no items).
struct PlaylistSummary {
  std::string id;
  std::string name;
  std::string description;  ///< decoded (Spotify sends it HTML-escaped)
  std::string owner_id;
  std::string owner_name;
  bool is_public = false;
  bool collaborative = false;
  std::string snapshot_id;
  std::int64_t item_count = 0;
  std::string image_url;  ///< largest image, may be empty

  bool operator==(const PlaylistSummary&) const = default;
};

/// A playlist as stored: the summary Spotify last listed, plus what we hold of its contents.
struct StoredPlaylist {
  PlaylistSummary summary;
  /// Snapshot of the items we hold; empty when the contents were never read (e.g. a followed
  /// playlist whose items development-mode apps cannot see).
  std::string items_snapshot_id;
  std::int64_t stored_item_count = 0;
  TimePoint synced_at;  ///< the last save, from the store's clock
  /// Local labels the user attaches in plm (never sent to Spotify): sorted, unique. They survive
  /// re-syncs of the playlist and go with it.
  std::vector<std::string> tags;

  bool operator==(const StoredPlaylist&) const = default;
};

inline constexpr std::size_t kMaxTagBytes = 64;
inline constexpr std::size_t kMaxTagsPerPlaylist = 50;

/// The tags as stored: each trimmed of ASCII white space, then de-duplicated and sorted (bytewise).
/// InvalidInput for a tag that is empty after trimming, longer than kMaxTagBytes bytes, or not
/// is_clean_text (core/model/text.hpp), or for more than kMaxTagsPerPlaylist distinct tags.
Result<std::vector<std::string>> normalize_tags(const std::vector<std::string>& tags);

}  // namespace plm::core
