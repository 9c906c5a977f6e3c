#pragma once
/// What plm needs from Spotify, for one connected account. Implemented by spotify::Client over
/// HTTPS (and pointed at the emulator in tests); faked in core tests (tests/support/fakes.hpp).
///
/// Reads return a Result: 429s, 5xx, expired tokens and refused refresh tokens are normal outcomes
/// (ErrorCode::RateLimited/QuotaExceeded with retry_at, Unavailable, NeedsReauth), never
/// exceptions. Implementations pace and retry reads themselves; a read that returns an error has
/// already used up the retries that were safe.
///
/// Writes return a WriteOutcome that says what became of them: applied, not applied, or unknown.
/// Each write is one Spotify request: no paging, no chunking and no reads behind the caller's back
/// (core/write/write_sequence.hpp composes longer edits, checks snapshots and settles unknown
/// outcomes with reads it counts and reports). An implementation repeats a write only when that
/// cannot change the result: after a 401 (refresh, then repeat), a 429 (nothing was done), and,
/// for the idempotent writes (remove by URI, replace, change details, cover, unfollow), after a
/// 5xx or a network error too. Add, reorder and create are never repeated once they may have
/// reached Spotify: they come back as Unknown.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

/// The cheap version read of a playlist (`fields=snapshot_id,items(total),tracks(total)`).
struct PlaylistVersion {
  std::string snapshot_id;
  std::int64_t item_count = 0;  ///< every slot: local files and unavailable tracks included

  bool operator==(const PlaylistVersion&) const = default;
};

/// What became of a write (spotify-api.md §3.5, §7.12).
enum class WriteStatus {
  Applied,     ///< Spotify answered 2xx
  NotApplied,  ///< nothing was done: refused (4xx), rate limited or needing re-auth before it was
               ///< sent, or invalid input caught before any call
  Unknown,     ///< the request left and no answer tells (a timeout, a reset, a 5xx): it may have
               ///< been applied; only a read can tell
};

constexpr std::string_view to_string(WriteStatus status) {
  switch (status) {
    case WriteStatus::Applied:
      return "applied";
    case WriteStatus::NotApplied:
      return "not_applied";
    case WriteStatus::Unknown:
      return "unknown";
  }
  return "unknown";
}

struct WriteOutcome {
  WriteStatus status = WriteStatus::NotApplied;
  /// Applied: the playlist's new snapshot when Spotify sent one (adds, removes, reorders,
  /// replaces); empty for details, covers and unfollows, which answer without a body, although
  /// details and covers do move the snapshot (§2.8).
  std::string snapshot_id;
  /// NotApplied and Unknown: why. Applied: set only when the answer could not be read (the write
  /// was done, its snapshot is unknown).
  std::optional<Error> error;

  static WriteOutcome applied(std::string snapshot_id = {}) {
    return {WriteStatus::Applied, std::move(snapshot_id), std::nullopt};
  }
  static WriteOutcome not_applied(Error error) {
    return {WriteStatus::NotApplied, {}, std::move(error)};
  }
  static WriteOutcome unknown(Error error) { return {WriteStatus::Unknown, {}, std::move(error)}; }
  bool is_applied() const { return status == WriteStatus::Applied; }
};

/// A playlist to create (§2.7). `collaborative` needs `is_public == false`.
struct NewPlaylist {
  std::string name;         ///< required, at most 200 characters
  std::string description;  ///< empty: none; at most 300 characters, no line breaks
  bool is_public = false;   ///< always sent: Spotify's default is public
  bool collaborative = false;
};

struct CreateOutcome {
  WriteOutcome write;  ///< write.snapshot_id is the new playlist's first snapshot
  /// Applied: the new playlist (item_count 0); empty when the answer could not be read.
  std::optional<PlaylistSummary> playlist;
};

/// A change of details (§2.8): any subset; fields left empty are not sent. Owner only.
struct PlaylistDetailsChange {
  std::optional<std::string> name;
  std::optional<std::string> description;  ///< Spotify refuses "" (§4.3)
  std::optional<bool> is_public;
  std::optional<bool> collaborative;  ///< true only on non-public playlists

  bool empty() const { return !name && !description && !is_public && !collaborative; }
};

/// Counters an implementation keeps, for progress reports and benchmarks.
struct ApiCounters {
  std::int64_t calls = 0;         ///< HTTP requests sent to the Web API
  std::int64_t retries = 0;       ///< of those, repeats after 5xx/network errors/401
  std::int64_t rate_limited = 0;  ///< 429s received
  std::int64_t paced_waits = 0;   ///< times the limiter made a call wait for its budget
  std::int64_t waited_ms = 0;     ///< total time spent waiting (pacing, Retry-After, backoff)
  /// Of `calls`, reads made only to confirm a snapshot before a write or to settle a write whose
  /// outcome was unknown: reported with the job, never hidden inside a write. Implementations of
  /// the port cannot tell such reads apart and leave it 0; the write sequence that makes them
  /// counts them in its result.
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
  /// A cover's JPEG travels base64-encoded; Spotify takes at most 256 KB of base64 (§2.12).
  static constexpr std::size_t kMaxCoverBase64Bytes = 256 * 1024;

  virtual Result<SpotifyProfile> current_user() = 0;
  /// One page of the user's playlists (owned and followed), `limit` ≤ 50.
  virtual Result<Page<PlaylistSummary>> my_playlists(std::int64_t offset, int limit) = 0;
  /// One page of a playlist's items, `limit` ≤ 50.
  virtual Result<Page<PlaylistItem>> playlist_items(const std::string& playlist_id,
                                                    std::int64_t offset, int limit) = 0;
  /// Metadata of one playlist (no items).
  virtual Result<PlaylistSummary> playlist(const std::string& playlist_id) = 0;
  /// Snapshot id and item count, the cheapest read that tells whether a playlist changed. Meant
  /// for playlists the user can write: in development mode Spotify sends no count for others'
  /// playlists (Forbidden).
  virtual Result<PlaylistVersion> playlist_version(const std::string& playlist_id) = 0;

  // ---- writes: one request each; InvalidInput before any call for what Spotify would refuse
  // ---- on its face (empty or over-long URI lists, negative indices, an over-sized cover).

  /// POST /me/playlists. Not idempotent: an Unknown outcome may have created it.
  virtual CreateOutcome create_playlist(const NewPlaylist& playlist) = 0;
  /// PUT /playlists/{id}; `change` must not be empty. Moves the snapshot, returns none.
  virtual WriteOutcome change_details(const std::string& playlist_id,
                                      const PlaylistDetailsChange& change) = 0;
  /// PUT /playlists/{id}/images with the JPEG's bytes (the implementation base64-encodes them: at
  /// most kMaxCoverBase64Bytes of base64). Moves the snapshot, returns none; Spotify processes the
  /// image asynchronously.
  virtual WriteOutcome upload_cover(const std::string& playlist_id, const std::string& jpeg) = 0;
  /// POST /playlists/{id}/items: 1–100 track or episode URIs (no local files), inserted in order
  /// at `position` (0 ≤ position ≤ item count) or appended. Not idempotent.
  virtual WriteOutcome add_items(const std::string& playlist_id,
                                 const std::vector<std::string>& uris,
                                 std::optional<std::int64_t> position) = 0;
  /// DELETE /playlists/{id}/items: 1–100 URIs; every occurrence of each goes (Spotify ignores
  /// positions since 2024). Local files cannot be removed.
  virtual WriteOutcome remove_items(const std::string& playlist_id,
                                    const std::vector<std::string>& uris) = 0;
  /// PUT /playlists/{id}/items: moves [range_start, range_start + range_length) before the item
  /// that was at `insert_before`, indices of the playlist before the move (insert_before = item
  /// count moves to the end). Not idempotent.
  virtual WriteOutcome reorder_items(const std::string& playlist_id, std::int64_t range_start,
                                     std::int64_t insert_before, std::int64_t range_length) = 0;
  /// PUT /playlists/{id}/items: the playlist becomes exactly these 0–100 URIs (local files are
  /// lost). Longer lists are a replace plus adds: WriteStep::replace in the write sequence.
  virtual WriteOutcome replace_items(const std::string& playlist_id,
                                     const std::vector<std::string>& uris) = 0;
  /// DELETE /me/library?uris=spotify:playlist:{id}: the user stops following it (for the owner
  /// that is Spotify's "delete"). Leaves the snapshot alone.
  virtual WriteOutcome unfollow_playlist(const std::string& playlist_id) = 0;

  virtual Result<TrackInfo> track(const std::string& track_id) = 0;
  /// One page of track search results, `limit` ≤ 10 (development mode).
  virtual Result<Page<TrackInfo>> search_tracks(const std::string& query, std::int64_t offset,
                                                int limit) = 0;

  virtual ApiCounters counters() const = 0;
};

}  // namespace plm::core
