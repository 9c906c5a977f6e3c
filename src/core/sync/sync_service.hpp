#pragma once
/// Reads all of an account's playlists from Spotify with the fewest calls and stores them:
/// ceil(P/50) pages of playlists, then ceil(n/50) pages of items for each playlist whose snapshot
/// changed. Each playlist is saved in one transaction, so an interrupted sync leaves every
/// playlist either as it was or as it is now.
///
/// Failure policy: a listing failure stops the sync before anything is written. While reading
/// items, NeedsReauth, RateLimited and QuotaExceeded stop the sync (the caller reschedules at
/// retry_at or asks the user to reconnect) and what was saved so far stays saved; other errors on
/// one playlist are recorded in the report and the sync goes on with the next.

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/model/account.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"

namespace plm::core {

struct SyncProgress {
  enum class Phase { Listing, Reading, Done };
  Phase phase = Phase::Listing;
  std::int64_t playlists_done = 0;   ///< playlists stored so far (all kinds)
  std::int64_t playlists_total = 0;  ///< known once listing is done
  std::string current_playlist;      ///< name of the playlist being read, if any
  std::int64_t items_read = 0;       ///< items of the current playlist read so far
  std::int64_t items_total = 0;      ///< its item count (0 while unknown or between playlists)
  ApiCounters counters;              ///< calls, retries, 429s and waits so far
};

struct PlaylistFailure {
  std::string playlist_id;
  std::string playlist_name;
  Error error;
};

struct SyncReport {
  std::int64_t playlists_total = 0;
  std::int64_t read = 0;           ///< playlists whose items were read
  std::int64_t unchanged = 0;      ///< same snapshot: no call
  std::int64_t unreadable = 0;     ///< followed playlists whose contents the app cannot read
  std::int64_t removed = 0;        ///< stored playlists gone from Spotify
  std::int64_t planned_calls = 0;  ///< the lower bound: listing pages + item pages
  ApiCounters counters;            ///< what it really took (this sync only)
  std::vector<PlaylistFailure> failures;
  std::optional<Error> stopped_by;  ///< set when the sync stopped early (see the policy above)
};

using ProgressCallback = std::function<void(const SyncProgress&)>;

class SyncService {
 public:
  SyncService(SpotifyApi& spotify, PlaylistStore& store, const Clock& clock)
      : spotify_(spotify), store_(store), clock_(clock) {}

  /// Syncs every playlist of `account`. Returns an error only when nothing could be done (the
  /// listing failed or the store failed); partial outcomes are in the report. A requested `stop`
  /// ends the sync at the next playlist boundary with `stopped_by` = Unavailable (what was saved
  /// stays saved; gone playlists are not removed).
  Result<SyncReport> sync_account(const SpotifyAccount& account,
                                  const ProgressCallback& progress = {}, std::stop_token stop = {});

  /// Re-reads one stored playlist: its metadata (one call), then its items only when the snapshot
  /// differs from the stored one (or the items were never stored) and the account may read them.
  /// Saved in one transaction at the playlist's place in the list. NotFound when the playlist is
  /// not stored for the account (sync the account first) or Spotify no longer has it; any Spotify
  /// or store failure is returned as the error (nothing is half-saved). The report counts this one
  /// playlist (playlists_total = 1).
  Result<SyncReport> sync_playlist(const SpotifyAccount& account, const std::string& playlist_id,
                                   const ProgressCallback& progress = {});

 private:
  /// Reads all items of one playlist; restarts once if the playlist changed while paging.
  /// `on_page(read, total)` runs after every page (a 10,000-item playlist takes 200 calls).
  Result<std::vector<PlaylistItem>> read_all_items(
      const PlaylistSummary& summary,
      const std::function<void(std::int64_t read, std::int64_t total)>& on_page = {});
  ApiCounters counters_since(const ApiCounters& start) const;

  SpotifyApi& spotify_;
  PlaylistStore& store_;
  const Clock& clock_;
};

}  // namespace plm::core
