#pragma once
/// How the journal keeps the items of a version compactly (see ARCHITECTURE.md, "The journal of
/// playlist versions"): as text, one line per item or per run of items copied from the version
/// before. A version is either full (every line an item) or a delta against the version right
/// before it (runs "=start,length" of that version's items, the rest items). Most versions differ
/// from the one before by a few items, so a delta of a 10,000-item playlist is a few lines instead
/// of ~600 KB; the chain of deltas is cut by a full version every kMaxDeltaChain versions, so a
/// read decodes a bounded number of rows.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/journal/playlist_version.hpp"
#include "core/result.hpp"

namespace plm::core {

/// Deltas in a row before a full version is stored again.
inline constexpr std::int64_t kMaxDeltaChain = 15;

struct EncodedItems {
  std::string text;
  /// 0: full; otherwise how many deltas in a row this is (the version before has depth - 1).
  std::int64_t delta_depth = 0;
};

/// Every item, one per line.
std::string encode_full(const std::vector<VersionItem>& items);

/// `items` encoded against `previous` (the items of the version before, whose depth is
/// `previous_depth`): a delta, unless the chain is long enough (kMaxDeltaChain) or the delta would
/// not be less than half the size of the full text, then full.
EncodedItems encode_items(const std::vector<VersionItem>& items,
                          const std::optional<std::vector<VersionItem>>& previous,
                          std::int64_t previous_depth);

/// The items of `text`; `previous` is needed (and used) for a delta only. InvalidInput for text
/// that is not an encoding of items, or a run beyond `previous` (a corrupt row).
Result<std::vector<VersionItem>> decode_items(std::string_view text,
                                              const std::vector<VersionItem>& previous);

}  // namespace plm::core
