#include "core/journal/playlist_version.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <utility>

#include "core/model/text.hpp"

namespace plm::core {
namespace {

constexpr std::array<std::pair<VersionCauseKind, std::string_view>, 4> kCauseNames{{
    {VersionCauseKind::Sync, "sync"},
    {VersionCauseKind::Edit, "edit"},
    {VersionCauseKind::Restore, "restore"},
    {VersionCauseKind::Undo, "undo"},
}};

std::string_view yes_no(bool value) { return value ? "true" : "false"; }

/// Indices (into `values`) of one longest strictly increasing subsequence, in order: patience
/// sorting with back links, O(n log n).
std::vector<std::size_t> longest_increasing_subsequence(const std::vector<std::int64_t>& values) {
  std::vector<std::size_t> tails;  // tails[k]: index of the smallest tail of a run of length k+1
  std::vector<std::size_t> previous(values.size(), values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto place = std::lower_bound(
        tails.begin(), tails.end(), values[i],
        [&](std::size_t index, std::int64_t value) { return values[index] < value; });
    if (place != tails.begin()) previous[i] = *(place - 1);
    if (place == tails.end()) {
      tails.push_back(i);
    } else {
      *place = i;
    }
  }
  std::vector<std::size_t> run(tails.size());
  std::size_t at = tails.empty() ? values.size() : tails.back();
  for (std::size_t k = run.size(); k > 0; --k) {
    run[k - 1] = at;
    at = previous[at];
  }
  return run;
}

}  // namespace

std::string_view to_string(VersionCauseKind kind) {
  for (const auto& [value, name] : kCauseNames) {
    if (value == kind) return name;
  }
  return "sync";
}

std::optional<VersionCauseKind> version_cause_from_string(std::string_view text) {
  for (const auto& [value, name] : kCauseNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::vector<VersionItem> version_items(const std::vector<PlaylistItem>& items) {
  std::vector<VersionItem> result;
  result.reserve(items.size());
  for (const PlaylistItem& item : items) {
    result.push_back({item.uri, item.added_at, item.added_by});
  }
  return result;
}

PlaylistDetails details_of(const PlaylistSummary& summary) {
  return {summary.name, summary.description, summary.is_public, summary.collaborative};
}

bool is_new_version(const RecordedVersion& latest, const NewRecordedVersion& next) {
  if (!next.snapshot_id.empty() && next.snapshot_id == latest.snapshot_id) return false;
  return !(latest.details == next.details && latest.items == next.items);
}

std::optional<RecordedVersion> next_version(const std::optional<RecordedVersion>& latest,
                                            const NewRecordedVersion& next, TimePoint now) {
  if (latest && !is_new_version(*latest, next)) return std::nullopt;
  RecordedVersion version;
  version.account_id = next.account_id;
  version.playlist_id = next.playlist_id;
  version.sequence = latest ? latest->sequence + 1 : 1;
  version.snapshot_id = next.snapshot_id;
  version.details = next.details;
  version.item_count = static_cast<std::int64_t>(next.items.size());
  version.items = next.items;
  version.recorded_at = std::chrono::time_point_cast<std::chrono::seconds>(now);
  version.cause = next.cause;
  version.cause.origin = clean_text(next.cause.origin);
  version.cause.action = clean_text(next.cause.action);
  version.cause.why = clean_text(next.cause.why);
  version.changes =
      latest ? diff_versions(latest->items, latest->details, next.items, next.details).counts()
             : ChangeCounts{version.item_count, 0, 0, false};
  return version;
}

ChangeCounts VersionDiff::counts() const {
  return {static_cast<std::int64_t>(added.size()), static_cast<std::int64_t>(removed.size()),
          static_cast<std::int64_t>(moved.size()), !details.empty()};
}

VersionDiff diff_items(const std::vector<VersionItem>& before,
                       const std::vector<VersionItem>& after) {
  VersionDiff diff;
  // The positions of each URI's copies in `before`, matched in order with its copies in `after`.
  std::unordered_map<std::string_view, std::vector<std::int64_t>> copies_before;
  copies_before.reserve(before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    copies_before[before[i].uri].push_back(static_cast<std::int64_t>(i));
  }
  std::unordered_map<std::string_view, std::size_t> copies_used;
  copies_used.reserve(copies_before.size());
  // new_position_of[old position]: where the matched item went, or -1 when it was removed.
  std::vector<std::int64_t> new_position_of(before.size(), -1);
  for (std::size_t j = 0; j < after.size(); ++j) {
    const auto found = copies_before.find(after[j].uri);
    std::size_t& used = copies_used[after[j].uri];
    if (found == copies_before.end() || used >= found->second.size()) {
      diff.added.push_back({after[j].uri, static_cast<std::int64_t>(j)});
      continue;
    }
    new_position_of[static_cast<std::size_t>(found->second[used++])] = static_cast<std::int64_t>(j);
  }
  // The matched items in their old order; those off a longest run of increasing new positions
  // moved.
  std::vector<std::int64_t> old_positions;
  std::vector<std::int64_t> new_positions;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (new_position_of[i] < 0) {
      diff.removed.push_back({before[i].uri, static_cast<std::int64_t>(i)});
    } else {
      old_positions.push_back(static_cast<std::int64_t>(i));
      new_positions.push_back(new_position_of[i]);
    }
  }
  const std::vector<std::size_t> kept = longest_increasing_subsequence(new_positions);
  std::size_t next_kept = 0;
  for (std::size_t k = 0; k < new_positions.size(); ++k) {
    if (next_kept < kept.size() && kept[next_kept] == k) {
      ++next_kept;
      continue;
    }
    const auto from = old_positions[k];
    diff.moved.push_back({before[static_cast<std::size_t>(from)].uri, from, new_positions[k]});
  }
  return diff;
}

VersionDiff diff_versions(const std::vector<VersionItem>& before_items,
                          const PlaylistDetails& before_details,
                          const std::vector<VersionItem>& after_items,
                          const PlaylistDetails& after_details) {
  VersionDiff diff = diff_items(before_items, after_items);
  if (before_details.name != after_details.name) {
    diff.details.push_back({"name", before_details.name, after_details.name});
  }
  if (before_details.description != after_details.description) {
    diff.details.push_back({"description", before_details.description, after_details.description});
  }
  if (before_details.is_public != after_details.is_public) {
    diff.details.push_back({"public", std::string(yes_no(before_details.is_public)),
                            std::string(yes_no(after_details.is_public))});
  }
  if (before_details.collaborative != after_details.collaborative) {
    diff.details.push_back({"collaborative", std::string(yes_no(before_details.collaborative)),
                            std::string(yes_no(after_details.collaborative))});
  }
  return diff;
}

}  // namespace plm::core
