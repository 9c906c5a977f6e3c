#pragma once
/// Spotify's unkind side around versions (spotify-api.md §2.12, §2.14), each opt-in:
/// - stale reads: after a write, reads of the playlist keep showing the version before it for a
///   while (ConsistencySettings); writes always act on the true, current playlist;
/// - delayed covers: an upload shows in `images` only after cover_delay_ms;
/// - apply-to-named: a reorder that names an older snapshot is applied as it was meant on that
///   version (SnapshotMode::ApplyToNamed).
///
/// The world keeps, per playlist, the versions these need (World::history), oldest first, at most
/// kMaxKeptVersions; nothing at all while every setting is off.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/world.hpp"

namespace spotify_emulator {

/// "ignore", "bad-version-tag", "error-loading", "invalid-base62", "apply-to-named": the names of
/// `--snapshot-mode` and of `snapshot_mode` in /__emulator/config.
std::string_view to_string(SnapshotMode mode);
std::optional<SnapshotMode> parse_snapshot_mode(std::string_view name);
/// The names, comma-separated, for error messages.
std::string snapshot_mode_names();

/// Versions kept per playlist: the bound of apply-to-named (an older snapshot answers like one
/// that never existed) and of stale reads (with more unsettled writes, the oldest settles early).
inline constexpr std::size_t kMaxKeptVersions = 32;

/// Whether the world keeps versions of playlists at all under `options`.
bool keeps_history(const EmulatorOptions& options);

/// Whether reads may show `version` at `now_ms`: once stale_read_ms have passed since its write or
/// stale_reads reads were answered since, whichever comes first (a 0 takes no part; both 0: at
/// once). A version once shown stays shown (`settled`).
bool is_settled(const KeptVersion& version, const ConsistencySettings& settings,
                std::int64_t now_ms);

/// Index in `versions` (oldest first) of the newest version reads may show: the first one is
/// always shown, and so, as settling follows write order, is every one before a settled one.
std::size_t visible_version(const std::deque<KeptVersion>& versions,
                            const ConsistencySettings& settings, std::int64_t now_ms);

/// Before a write changes `playlist`: starts its history with the version it has now (settled),
/// when versions are kept and none are yet.
void before_write(World& world, const Playlist& playlist);
/// After a write changed `playlist`: the next version (a new snapshot), kept when needed.
void after_write(World& world, Playlist& playlist, std::int64_t now_ms);
/// The version of `truth` a read at `now_ms` shows, counting this read for the newer ones: the
/// truth itself unless stale reads are on. Valid until the next write.
const Playlist& shown_version(World& world, const Playlist& truth, std::int64_t now_ms);
/// `truth` itself when `snapshot` is its current snapshot, else the kept version with that
/// snapshot; null when there is none.
const Playlist* version_named(const World& world, const Playlist& truth, std::string_view snapshot);

/// The custom cover reads show at `now_ms` (an upload once cover_delay_ms passed, else the one
/// before it) and the version it was uploaded at; `jpeg` empty: the generated mosaic.
struct ShownCover {
  const std::string* jpeg = nullptr;
  std::uint64_t version = 0;
};
ShownCover shown_cover(const Playlist& playlist, std::int64_t now_ms);

/// A reorder computed on an older version, applied to the current one (SnapshotMode::ApplyToNamed,
/// spotify/web-api#193): the entries at [range_start, range_start + range_length) of `named` are
/// taken out of `current` wherever they are now (those removed since are skipped) and put, in
/// their named order, before the entry that was at `insert_before` in `named`; at the end when that
/// was the end or has been removed since. A target inside the range changes nothing, as on the
/// current version. Entries are compared by Entry::key (unique), so duplicates of a URI stay
/// apart. Indices must be valid for `named`. Returns the keys of the new order.
std::vector<std::uint64_t> reorder_by_identity(const std::vector<std::uint64_t>& named,
                                               const std::vector<std::uint64_t>& current,
                                               std::size_t range_start, std::size_t insert_before,
                                               std::size_t range_length);

}  // namespace spotify_emulator
