#pragma once
/// What plm needs from Spotify, for one connected account. Implemented by spotify::Client over
/// HTTPS (and pointed at the emulator in tests); faked in core tests.
///
/// Every call returns a Result: 429s, 5xx, expired tokens and refused refresh tokens are normal
/// outcomes (ErrorCode::RateLimited/QuotaExceeded with retry_at, Unavailable, NeedsReauth), never
/// exceptions. Implementations page, chunk, pace and retry idempotent calls themselves; a call that
/// returns an error has already used up the retries that were safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/playlist.hpp"
#include "core/result.hpp"

namespace plm::core {

template <typename T>
struct Page {
  std::vector<T> items;
  std::int64_t offset = 0;
  std::int64_t total = 0;
  bool has_next = false;
  /// Where the next page starts: offset + the number of elements Spotify sent, null ones included
  /// (a parser may drop null playlists, so items.size() can be smaller). 0 means "not set":
  /// callers then use offset + items.size().
  std::int64_t next_offset = 0;
};

struct SpotifyProfile {
  std::string id;
  std::string display_name;
  std::string account_id;  ///< stable id added in May 2026; may be empty
};

/// Counters an implementation keeps, for progress reports and benchmarks.
struct ApiCounters {
  std::int64_t calls = 0;         ///< HTTP requests sent to the Web API
  std::int64_t retries = 0;       ///< of those, repeats after 5xx/network errors/401
  std::int64_t rate_limited = 0;  ///< 429s received
  std::int64_t paced_waits = 0;   ///< times the limiter made a call wait for its budget
  std::int64_t waited_ms = 0;     ///< total time spent waiting (pacing, Retry-After, backoff)
  /// Of `calls`, reads made only to confirm a snapshot before a write or to settle a write whose
  /// outcome was unknown: reported with the job, never hidden inside a write.
  std::int64_t check_reads = 0;

  bool operator==(const ApiCounters&) const = default;
};

class SpotifyApi {
 public:
  virtual ~SpotifyApi() = default;

  /// Spotify's limits, used by callers to plan pages and chunks.
  static constexpr int kMaxPlaylistsPage = 50;
  static constexpr int kMaxItemsPage = 50;
  static constexpr int kMaxItemsPerWrite = 100;
  static constexpr int kMaxSearchPage = 10;

  virtual Result<SpotifyProfile> current_user() = 0;
  /// One page of the user's playlists (owned and followed), `limit` ≤ 50.
  virtual Result<Page<PlaylistSummary>> my_playlists(std::int64_t offset, int limit) = 0;
  /// One page of a playlist's items, `limit` ≤ 50.
  virtual Result<Page<PlaylistItem>> playlist_items(const std::string& playlist_id,
                                                    std::int64_t offset, int limit) = 0;
  /// Metadata of one playlist (no items).
  virtual Result<PlaylistSummary> playlist(const std::string& playlist_id) = 0;

  /// Writes return the new snapshot id. Lists longer than 100 URIs are sent in chunks.
  virtual Result<std::string> add_items(const std::string& playlist_id,
                                        const std::vector<std::string>& uris,
                                        std::optional<std::int64_t> position) = 0;
  /// Removes every occurrence of each URI (Spotify ignores positions since 2024).
  virtual Result<std::string> remove_items(const std::string& playlist_id,
                                           const std::vector<std::string>& uris) = 0;
  virtual Result<std::string> reorder_items(const std::string& playlist_id,
                                            std::int64_t range_start, std::int64_t insert_before,
                                            std::int64_t range_length) = 0;
  /// Replaces the whole playlist: the first 100 by PUT, the rest appended in chunks.
  virtual Result<std::string> replace_items(const std::string& playlist_id,
                                            const std::vector<std::string>& uris) = 0;
  virtual Result<PlaylistSummary> create_playlist(const std::string& name,
                                                  const std::string& description, bool is_public,
                                                  bool collaborative) = 0;
  virtual Result<TrackInfo> track(const std::string& track_id) = 0;
  /// One page of track search results, `limit` ≤ 10 (development mode).
  virtual Result<Page<TrackInfo>> search_tracks(const std::string& query, std::int64_t offset,
                                                int limit) = 0;

  virtual ApiCounters counters() const = 0;
};

}  // namespace plm::core
