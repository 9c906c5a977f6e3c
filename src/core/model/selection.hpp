#pragma once
/// Saved selections of playlists (issue 10): a user names a SELECTOR (core/batch/batch_plan.hpp)
/// to pick the same playlists again on the playlists page or in `plm batch`.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "core/time.hpp"

namespace plm::core {

struct SavedSelection {
  std::string name;  ///< unique per user
  /// The account whose playlists it names (ids are per account); nullopt: any account (a tag or
  /// search selector).
  std::optional<std::int64_t> account_id;
  std::string selector;  ///< kept as given: a hand selection of 5,000 ids is its ids
  TimePoint saved_at;    ///< the store's clock, to the second

  bool operator==(const SavedSelection&) const = default;
};

inline constexpr std::size_t kMaxSelectionNameLength = 100;  ///< characters
inline constexpr std::size_t kMaxSelectorBytes = 200'000;    ///< 5,000 ids and their commas

/// What every store checks before saving (so SQLite, PostgreSQL and the fakes agree):
/// InvalidInput, naming the field, for a name empty, over 100 characters or not clean text
/// (model/text.hpp), a selector empty, over 200,000 bytes or not clean text.
Status check_saved_selection(const SavedSelection& selection);

}  // namespace plm::core
