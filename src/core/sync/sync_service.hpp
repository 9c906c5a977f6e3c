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
///
/// Removal policy: a stored playlist is removed (with its items and tags, for good) only when a
/// consistent listing lacks it and a second listing, made just before removing, lacks it too. A
/// listing is consistent when every page reports the same total, no id comes twice and the pages
/// cover exactly that total; an inconsistent one (the list moved while it was paged: an unfollow
/// shifts every later row one place up, so a row slides from one page onto the end of the page
/// already read) is made again once from the start, and when it is still inconsistent nothing is
/// removed this time. The second listing catches a shift the checks cannot see (one playlist gone
/// and another added further down keeps the total).
///
/// Journal: every playlist whose contents are saved with a new snapshot is recorded in the
/// playlist journal (core/ports/playlist_journal.hpp) as a version of cause Sync, "first seen" when
/// the journal holds none of it yet, otherwise "changed outside plm" (the journal itself skips a
/// version equal to its latest: the snapshot an edit recorded, or the same content). The version
/// is recorded just before the playlist is saved: a crash in between leaves the old snapshot
/// stored, so the next sync reads the playlist again and finds the version recorded already. A
/// stored, readable, unchanged playlist that the journal has never seen (stored before the
/// journal existed) is recorded from the stored items, once. None of this costs a Spotify call.
///
/// Calls in flight: the listing is read one page after another (its consistency rules need the
/// pages in order), then up to `SyncOptions::in_flight` playlists' items are read at once
/// (core/sync/in_flight.hpp), each playlist's pages in order with its restart-on-change rule, so
/// with a rate budget above one call per round trip the sync is bound by the budget rather than
/// by latency. Saving, journal records, progress and `on_playlist` stay on the calling thread, one
/// playlist at a time, in the order the reads end; each playlist is still saved in one
/// transaction. A stop, and an error that stops the sync, end the reads in flight at their next
/// page: a read that ends whole is saved, one cut short is not (the next run reads it again), so
/// an interrupted sync costs at most `in_flight` partial reads more than its lower bound.
///
/// Resuming: `SyncOptions::listing` starts from a listing saved by `on_listed` in an interrupted
/// run. Playlists that run saved have their new snapshot stored, so the plan skips them, and the
/// resumed run reads only what was missing or in flight.

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/model/account.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/playlist_journal.hpp"
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

/// The user's playlists as Spotify listed them, once each, in Spotify's order.
struct PlaylistListing {
  std::vector<PlaylistSummary> playlists;
  std::int64_t pages = 0;  ///< calls the listing took (the last attempt, when it was made twice)
  bool consistent = true;  ///< see the removal policy above; false: nothing may be removed
};

/// How one playlist of a sync ended, as it happens.
struct PlaylistOutcome {
  enum class Kind {
    Read,        ///< items read (or saved empty) and stored
    Unchanged,   ///< same snapshot as stored: metadata saved, no call
    Unreadable,  ///< followed, contents not readable by this app: metadata saved
    Failed,      ///< `error` says why; the stored version (if any) is untouched
    Removed,     ///< gone from Spotify: removed from the store
  };
  Kind kind = Kind::Read;
  std::string playlist_id;
  std::string playlist_name;
  std::int64_t items = 0;  ///< items stored (Read)
  std::optional<Error> error;
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
  /// Set when playlists gone from the listing were kept because it could not be trusted (see the
  /// removal policy) or the second listing failed; the next sync removes them.
  std::optional<Error> removals_skipped;
};

using ProgressCallback = std::function<void(const SyncProgress&)>;

struct SyncOptions {
  ProgressCallback progress;
  /// A requested stop ends the sync before the next page or playlist (see sync_account).
  std::stop_token stop;
  /// A listing saved by `on_listed` in an earlier, interrupted run of this sync: used instead of
  /// listing again. Anything it is wrong about is corrected by the next sync (a playlist gone since
  /// fails to read; removals are confirmed by a fresh listing anyway).
  std::optional<PlaylistListing> listing;
  /// Called once with a listing made by this run, before anything is read or saved.
  std::function<void(const PlaylistListing&)> on_listed;
  /// Called as each playlist ends, in the order they end.
  std::function<void(const PlaylistOutcome&)> on_playlist;
  /// Playlists whose items are read at once (clamped to 1-16; see "Calls in flight" above). Above
  /// 1 the SpotifyApi is called from that many threads at once and must be safe to share
  /// (spotify::Client is); everything else still runs on the calling thread.
  int in_flight = 1;
};

/// The most playlists a sync reads at once (PLM_SYNC_IN_FLIGHT's range is 1 to this).
inline constexpr int kMaxSyncInFlight = 16;

class SyncService {
 public:
  SyncService(SpotifyApi& spotify, PlaylistStore& store, PlaylistJournal& journal,
              const Clock& clock)
      : spotify_(spotify), store_(store), journal_(journal), clock_(clock) {}

  /// Syncs every playlist of `account`. Returns an error only when nothing could be done (the
  /// listing failed or the store failed); partial outcomes are in the report. A requested stop
  /// ends the sync before its next call with `stopped_by` = Unavailable: what was saved stays
  /// saved, a playlist read halfway is not saved (the next run reads it again), gone playlists are
  /// not removed.
  Result<SyncReport> sync_account(const SpotifyAccount& account, const SyncOptions& options);
  Result<SyncReport> sync_account(const SpotifyAccount& account,
                                  const ProgressCallback& progress = {}, std::stop_token stop = {});

  /// Re-reads one stored playlist: its metadata (one call), then its items only when the snapshot
  /// differs from the stored one (or the items were never stored) and the account may read them.
  /// Saved in one transaction at the playlist's place in the list. NotFound when the playlist is
  /// not stored for the account (sync the account first) or Spotify no longer has it; any Spotify
  /// or store failure is returned as the error (nothing is half-saved). The report counts this one
  /// playlist (playlists_total = 1). A requested `stop` ends it before its next call with an
  /// Unavailable error, nothing saved.
  Result<SyncReport> sync_playlist(const SpotifyAccount& account, const std::string& playlist_id,
                                   const ProgressCallback& progress = {},
                                   std::stop_token stop = {});

 private:
  /// One pass over the listing pages (PlaylistListing::consistent says whether it can be trusted).
  Result<PlaylistListing> list_once(std::stop_token stop);
  /// A listing, made again once from the start when the first one was not consistent.
  Result<PlaylistListing> list_playlists(std::stop_token stop);
  /// Reads all items of one playlist; restarts once if the playlist changed while paging.
  /// `on_page(read, total)` runs after every page (a 10,000-item playlist takes 200 calls).
  Result<std::vector<PlaylistItem>> read_all_items(
      const PlaylistSummary& summary, std::stop_token stop,
      const std::function<void(std::int64_t read, std::int64_t total)>& on_page = {});
  /// Removes the stored playlists that `listing` and a second, fresh listing both lack.
  Status remove_gone_playlists(const SpotifyAccount& account, const PlaylistListing& listing,
                               const std::vector<StoredPlaylist>& stored,
                               const SyncOptions& options, SyncReport& report);
  ApiCounters counters_since(const ApiCounters& start) const;
  /// Records the version a sync found (`seen_before`: the journal holds a version of it), then
  /// saves the playlist; the first error stops it.
  Status record_and_save(const SpotifyAccount& account, std::int64_t list_position,
                         const PlaylistSummary& summary, const std::vector<PlaylistItem>& items,
                         bool seen_before);
  /// Records the stored contents of an unchanged playlist the journal has never seen.
  Status record_stored(const SpotifyAccount& account, const StoredPlaylist& stored);

  SpotifyApi& spotify_;
  PlaylistStore& store_;
  PlaylistJournal& journal_;
  const Clock& clock_;
};

}  // namespace plm::core
