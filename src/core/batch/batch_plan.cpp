#include "core/batch/batch_plan.hpp"

#include "core/sync/sync_plan.hpp"

namespace plm::core {

std::optional<std::string> why_not_writable(const PlaylistSummary& playlist,
                                            std::string_view account_user_id, WriteScope scope) {
  const bool owned = playlist.owner_id == account_user_id;
  if (owned) return std::nullopt;
  if (!playlist.collaborative) {
    return std::string("followed, owned by someone else: Spotify refuses changes");
  }
  if (scope == WriteScope::Details) {
    return std::string(
        "collaborative, owned by someone else: only its owner may change its details");
  }
  return std::nullopt;
}

}  // namespace plm::core
