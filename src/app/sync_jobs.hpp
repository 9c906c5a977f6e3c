#pragma once
/// Syncs as durable jobs: the sync_account and sync_playlist handlers over core::SyncService, and
/// the jobs that ask for them. A sync_account job saves the playlist listing as its checkpoint as
/// soon as it has it; claimed again after an interruption (shutdown, crash, a rate limit), it
/// starts from that listing, and SyncService skips every playlist the earlier run saved (its
/// snapshot is stored), so the calls over all runs stay within the sync's lower bound plus the
/// pages of the playlists that were being read when it stopped.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/worker.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"
#include "core/sync/sync_service.hpp"

namespace plm::app {

struct SyncJobDeps {
  core::AccountStore& accounts;
  core::PlaylistStore& playlists;
  core::PlaylistJournal& journal;
  const core::Clock& clock;
  /// The Spotify client for an account (Services::spotify_for).
  std::function<std::shared_ptr<core::SpotifyApi>(const core::SpotifyAccount&)> spotify_for;
  /// Playlists a sync_account job reads at once (PLM_SYNC_IN_FLIGHT; SyncOptions::in_flight). The
  /// client from spotify_for is then called from that many threads (spotify::Client is
  /// thread-safe).
  int in_flight = 1;
};

/// Adds the sync_account and sync_playlist handlers to the worker's table. What `deps` refers to
/// must outlive the worker.
void add_sync_handlers(JobHandlers& handlers, const SyncJobDeps& deps);

/// What "Sync now" enqueues for an account, or for one playlist: unique while active, so asking
/// twice is one sync.
core::NewJob sync_account_job(std::int64_t owner_user_id, std::int64_t account_id);
core::NewJob sync_playlist_job(std::int64_t owner_user_id, std::int64_t account_id,
                               const std::string& playlist_id);

/// A listing older than this is made again rather than resumed from: the account may have
/// changed a lot since (the removal check would catch what matters, but reading from a fresh
/// listing costs only ceil(P/50) calls).
inline constexpr std::chrono::hours kListingMaxAge{1};

/// The checkpoint of a sync_account job (JSON): the listing and when it was made.
std::string encode_listing_checkpoint(const core::PlaylistListing& listing,
                                      core::TimePoint listed_at);
/// The listing in a checkpoint, or nullopt (list again) when there is none, it is not one this
/// version wrote, or it is older than kListingMaxAge at `now`.
std::optional<core::PlaylistListing> decode_listing_checkpoint(const std::string& checkpoint,
                                                               core::TimePoint now);

}  // namespace plm::app
