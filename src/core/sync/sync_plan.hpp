#pragma once
/// The pure decision of a sync: given what Spotify lists now and what we stored before, which
/// playlists need their items read. Unchanged playlists (same snapshot_id) cost no call at all;
/// playlists whose contents a development-mode app cannot read (followed, not collaborative) get
/// their metadata saved only.

#include <cstdint>
#include <string>
#include <vector>

#include "core/model/playlist.hpp"

namespace plm::core {

struct SyncPlan {
  struct Step {
    PlaylistSummary summary;
    std::int64_t list_position = 0;
  };
  std::vector<Step> read_items;    ///< changed or never read, readable, non-empty: read every page
  std::vector<Step> save_empty;    ///< changed and readable but empty: saved with no items, no call
  std::vector<Step> summary_only;  ///< unchanged, or contents unreadable: metadata only, no call
  std::vector<std::string> keep_ids;  ///< every listed playlist; others are gone from Spotify
  std::int64_t item_page_calls = 0;   ///< sum of ceil(items / page_size) over read_items
};

/// Whether `user_id` may read the items of `playlist` with a development-mode app: only owners and
/// collaborators (../shared/docs/spotify-api.md section 7, pitfall 3).
bool can_read_items(const PlaylistSummary& playlist, const std::string& user_id);

/// `remote` in Spotify's list order; `stored` in any order. `page_size` is the items page limit.
SyncPlan plan_sync(const std::string& user_id, const std::vector<PlaylistSummary>& remote,
                   const std::vector<StoredPlaylist>& stored, int page_size);

/// ceil(count / page_size) for non-negative counts.
std::int64_t pages_for(std::int64_t count, int page_size);

}  // namespace plm::core
