#pragma once
/// Playlist items for the edit and batch job tests: the given URIs as a sync stores them (added on
/// 2026-01-01 by "me", with a catalog name), so kept items can be told from new ones.

#include <string>
#include <vector>

#include "core/model/playlist.hpp"
#include "core/time.hpp"

namespace plm::app::edit_testing {

inline std::vector<core::PlaylistItem> items_of(const std::vector<std::string>& uris) {
  std::vector<core::PlaylistItem> items;
  for (const auto& uri : uris) {
    core::PlaylistItem item;
    item.uri = uri;
    item.added_at = core::parse_utc("2026-01-01T00:00:00Z");
    item.added_by = "me";
    item.track = core::TrackInfo{.uri = uri, .name = "name of " + uri};
    items.push_back(item);
  }
  return items;
}

}  // namespace plm::app::edit_testing
