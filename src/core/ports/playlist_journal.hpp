#pragma once
/// The journal of playlist versions (core/journal/playlist_version.hpp): every version of every
/// playlist plm has seen. Implemented once in SQL for SQLite and PostgreSQL
/// (sql::SqlPlaylistJournal) and in memory (test_support::InMemoryStore); all pass the store
/// contract suite. A unit of work hands one out (TransactionPorts::journal()), so an edit records
/// its version in the same transaction as its job's progress.
///
/// Versions belong to a Spotify account: every call is scoped by account id, and the caller checks
/// that the account belongs to the app user (as for playlists). Deleting the account deletes its
/// journal; a playlist gone from Spotify keeps its versions (they are what a restore needs).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/journal/playlist_version.hpp"
#include "core/result.hpp"

namespace plm::core {

/// Which versions list_versions returns: newest first, those with a sequence below `before` (all
/// when nullopt), of the cause `cause` (any when nullopt), at most `limit` (1 to kMaxVersionPage).
struct VersionFilter {
  std::optional<VersionCauseKind> cause;
  std::optional<std::int64_t> before;
  std::int64_t limit = 50;
};

inline constexpr std::int64_t kMaxVersionPage = 1000;

class PlaylistJournal {
 public:
  virtual ~PlaylistJournal() = default;

  /// Records `version` as the next of its playlist (sequence = latest + 1, from 1), with the
  /// store clock's time and its ChangeCounts against the latest, and returns it without its items.
  /// Returns nullopt and records nothing when it is the same version as the latest
  /// (is_new_version is false): an edit that recorded the snapshot its last write returned is not
  /// recorded again by the sync that later finds that snapshot. NotFound when the account does not
  /// exist; InvalidInput for an empty playlist id or a cause that is not clean text.
  virtual Result<std::optional<RecordedVersion>> record_version(
      const NewRecordedVersion& version) = 0;

  /// The playlist's versions as VersionFilter says, without their items (item_count and changes
  /// are set). Empty when the account holds no versions of this playlist. InvalidInput for a
  /// limit out of range.
  virtual Result<std::vector<RecordedVersion>> list_versions(std::int64_t account_id,
                                                             const std::string& playlist_id,
                                                             const VersionFilter& filter) = 0;

  /// One version with its items, or nullopt.
  virtual Result<std::optional<RecordedVersion>> find_version(std::int64_t account_id,
                                                              const std::string& playlist_id,
                                                              std::int64_t sequence) = 0;

  /// The latest sequence of every playlist of the account that has versions, in one query (the
  /// sync asks once per run which playlists it has seen before).
  virtual Result<std::map<std::string, std::int64_t>> latest_sequences(std::int64_t account_id) = 0;

  /// The newest version with its items, or nullopt when none was recorded.
  virtual Result<std::optional<RecordedVersion>> latest_version(std::int64_t account_id,
                                                                const std::string& playlist_id) = 0;
};

}  // namespace plm::core
