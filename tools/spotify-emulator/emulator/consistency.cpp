#include "emulator/consistency.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "emulator/internal.hpp"

namespace spotify_emulator {

namespace {

constexpr std::pair<SnapshotMode, std::string_view> kSnapshotModes[] = {
    {SnapshotMode::Ignore, "ignore"},
    {SnapshotMode::BadVersionTag, "bad-version-tag"},
    {SnapshotMode::ErrorLoading, "error-loading"},
    {SnapshotMode::InvalidBase62, "invalid-base62"},
    {SnapshotMode::ApplyToNamed, "apply-to-named"}};

bool keeps_named_versions(const EmulatorOptions& options) {
  return options.snapshot_mode == SnapshotMode::ApplyToNamed;
}

/// Drops what no mode needs any more: beyond kMaxKeptVersions the oldest (the next one becomes the
/// oldest, always shown), and, unless reorders may name older versions, every version before the
/// one reads show.
void prune(std::deque<KeptVersion>& versions, const EmulatorOptions& options, std::size_t visible) {
  if (!keeps_named_versions(options) && visible > 0) {
    versions.erase(versions.begin(), versions.begin() + static_cast<std::ptrdiff_t>(visible));
  }
  while (versions.size() > kMaxKeptVersions) versions.pop_front();
  if (!versions.empty()) versions.front().settled = true;
}

}  // namespace

std::string_view to_string(SnapshotMode mode) {
  for (const auto& [value, name] : kSnapshotModes) {
    if (value == mode) return name;
  }
  return "ignore";
}

std::optional<SnapshotMode> parse_snapshot_mode(std::string_view name) {
  for (const auto& [value, known] : kSnapshotModes) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string snapshot_mode_names() {
  std::string names;
  for (const auto& [value, name] : kSnapshotModes) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

bool keeps_history(const EmulatorOptions& options) {
  return options.consistency.stale() || keeps_named_versions(options);
}

bool is_settled(const KeptVersion& version, const ConsistencySettings& settings,
                std::int64_t now_ms) {
  if (version.settled || !settings.stale()) return true;
  return (settings.stale_read_ms > 0 && now_ms - version.written_at_ms >= settings.stale_read_ms) ||
         (settings.stale_reads > 0 && version.reads_since >= settings.stale_reads);
}

std::size_t visible_version(const std::deque<KeptVersion>& versions,
                            const ConsistencySettings& settings, std::int64_t now_ms) {
  for (std::size_t i = versions.size(); i-- > 1;) {
    if (is_settled(versions[i], settings, now_ms)) return i;
  }
  return 0;
}

void before_write(World& world, const Playlist& playlist) {
  if (!keeps_history(world.options)) return;
  auto& versions = world.history[playlist.id];
  if (versions.empty()) {
    versions.push_back(KeptVersion{.state = playlist, .settled = true});
  }
}

void after_write(World& world, Playlist& playlist, std::int64_t now_ms) {
  ++playlist.version;
  if (!keeps_history(world.options)) return;
  auto& versions = world.history[playlist.id];
  versions.push_back(KeptVersion{.state = playlist, .written_at_ms = now_ms});
  prune(versions, world.options, visible_version(versions, world.options.consistency, now_ms));
}

const Playlist& shown_version(World& world, const Playlist& truth, std::int64_t now_ms) {
  const auto& settings = world.options.consistency;
  if (!settings.stale()) return truth;
  const auto found = world.history.find(truth.id);
  if (found == world.history.end() || found->second.empty()) return truth;
  auto& versions = found->second;
  std::size_t visible = visible_version(versions, settings, now_ms);
  for (std::size_t i = 1; i <= visible; ++i) versions[i].settled = true;
  const std::size_t before = versions.size();
  prune(versions, world.options, visible);
  visible -= before - versions.size();
  for (std::size_t i = visible + 1; i < versions.size(); ++i) ++versions[i].reads_since;
  // The newest version is the truth, whose followers (not versioned) may have moved since.
  return visible + 1 == versions.size() ? truth : versions[visible].state;
}

const Playlist* version_named(const World& world, const Playlist& truth,
                              std::string_view snapshot) {
  if (snapshot == snapshot_id(world, truth)) return &truth;
  const auto found = world.history.find(truth.id);
  if (found == world.history.end()) return nullptr;
  for (const auto& kept : found->second) {
    if (snapshot == snapshot_id(world, kept.state)) return &kept.state;
  }
  return nullptr;
}

ShownCover shown_cover(const Playlist& playlist, std::int64_t now_ms) {
  if (!playlist.cover_jpeg.empty() && now_ms >= playlist.cover_shown_from_ms) {
    return {&playlist.cover_jpeg, playlist.cover_version};
  }
  return {&playlist.previous_cover_jpeg, playlist.previous_cover_version};
}

std::vector<std::uint64_t> reorder_by_identity(const std::vector<std::uint64_t>& named,
                                               const std::vector<std::uint64_t>& current,
                                               std::size_t range_start, std::size_t insert_before,
                                               std::size_t range_length) {
  if (insert_before >= range_start && insert_before <= range_start + range_length) return current;
  const std::vector<std::uint64_t> block(
      named.begin() + static_cast<std::ptrdiff_t>(range_start),
      named.begin() + static_cast<std::ptrdiff_t>(range_start + range_length));
  const std::set<std::uint64_t> moving(block.begin(), block.end());
  std::vector<std::uint64_t> result;
  for (const auto key : current) {
    if (!moving.count(key)) result.push_back(key);
  }
  std::vector<std::uint64_t> still_there;
  const std::set<std::uint64_t> present(current.begin(), current.end());
  for (const auto key : block) {
    if (present.count(key)) still_there.push_back(key);
  }
  auto at = result.end();
  if (insert_before < named.size()) {
    at = std::find(result.begin(), result.end(), named[insert_before]);  // end() if removed since
  }
  result.insert(at, still_there.begin(), still_there.end());
  return result;
}

}  // namespace spotify_emulator
