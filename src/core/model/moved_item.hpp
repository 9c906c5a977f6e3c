#pragma once
/// An item that changes place between two lists. One definition for the edit engine's preview
/// (current → desired) and the journal's diff (older → newer version): both used to declare their
/// own plm::core::MovedItem, so no file could include both headers (the edit job needs both).

#include <cstdint>
#include <string>

namespace plm::core {

/// An item that stays but changes place: `from` in the earlier list (the current one, or the older
/// version), `to` in the later one (the desired list, or the newer version); 0-based.
struct MovedItem {
  std::string uri;
  std::int64_t from = 0;
  std::int64_t to = 0;

  bool operator==(const MovedItem&) const = default;
};

}  // namespace plm::core
