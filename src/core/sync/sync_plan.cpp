#include "core/sync/sync_plan.hpp"

#include <unordered_map>

namespace plm::core {

bool can_read_items(const PlaylistSummary& playlist, const std::string& user_id) {
  return playlist.owner_id == user_id || playlist.collaborative;
}

std::int64_t pages_for(std::int64_t count, int page_size) {
  if (count <= 0 || page_size <= 0) return 0;
  return (count + page_size - 1) / page_size;
}

SyncPlan plan_sync(const std::string& user_id, const std::vector<PlaylistSummary>& remote,
                   const std::vector<StoredPlaylist>& stored, int page_size) {
  std::unordered_map<std::string, const StoredPlaylist*> by_id;
  for (const auto& playlist : stored) by_id[playlist.summary.id] = &playlist;

  SyncPlan plan;
  std::int64_t position = 0;
  for (const auto& summary : remote) {
    SyncPlan::Step step{summary, position++};
    plan.keep_ids.push_back(summary.id);
    const auto found = by_id.find(summary.id);
    // The items we hold are current when they were read at this very snapshot.
    const bool unchanged = found != by_id.end() && !summary.snapshot_id.empty() &&
                           found->second->items_snapshot_id == summary.snapshot_id;
    if (unchanged || !can_read_items(summary, user_id)) {
      plan.summary_only.push_back(std::move(step));
    } else if (summary.item_count == 0) {
      plan.save_empty.push_back(std::move(step));
    } else {
      plan.item_page_calls += pages_for(summary.item_count, page_size);
      plan.read_items.push_back(std::move(step));
    }
  }
  return plan;
}

}  // namespace plm::core
