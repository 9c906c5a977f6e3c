#include "sql/playlist_journal.hpp"

#include <chrono>
#include <limits>
#include <utility>

#include "core/journal/version_encoding.hpp"
#include "sql/transaction_scope.hpp"

namespace plm::sql {
namespace {

using core::ErrorCode;
using Millis = std::chrono::milliseconds;

// ---- the journal's SQL, once for both dialects (placeholders as in src/sql/common.hpp) --------

/// Every column of a version but its items, in the order read_version reads them.
#define PLM_SQL_VERSION_COLUMNS                                                                   \
  "account_id, playlist_id, sequence, snapshot_id, name, description, is_public, collaborative, " \
  "item_count, added_count, removed_count, moved_count, details_changed, recorded_at_ms, cause, " \
  "app_user_id, origin, action, why, job_id, restored_version, delta_depth"

constexpr std::string_view kInsertVersion =
    "INSERT INTO playlist_versions (" PLM_SQL_VERSION_COLUMNS
    ", items) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
    "$18, $19, $20, $21, $22, $23)";
constexpr std::string_view kListVersions =
    "SELECT " PLM_SQL_VERSION_COLUMNS
    " FROM playlist_versions WHERE account_id = $1 AND playlist_id = $2 AND sequence < $3";
constexpr std::string_view kFindVersion =
    "SELECT " PLM_SQL_VERSION_COLUMNS
    " FROM playlist_versions WHERE account_id = $1 AND playlist_id = $2 AND sequence = $3";
constexpr std::string_view kLatestVersion =
    "SELECT " PLM_SQL_VERSION_COLUMNS
    " FROM playlist_versions WHERE account_id = $1 AND playlist_id = $2 "
    "ORDER BY sequence DESC LIMIT 1";
#undef PLM_SQL_VERSION_COLUMNS
/// The encoded items from the last full version up to the one wanted, oldest first.
constexpr std::string_view kItemChain =
    "SELECT items FROM playlist_versions WHERE account_id = $1 AND playlist_id = $2 "
    "AND sequence >= $3 AND sequence <= $4 ORDER BY sequence";
constexpr std::string_view kLatestSequences =
    "SELECT playlist_id, MAX(sequence) FROM playlist_versions WHERE account_id = $1 "
    "GROUP BY playlist_id";
constexpr std::string_view kAccountExists = "SELECT 1 FROM spotify_accounts WHERE id = $1";

/// The lock key of one playlist's journal: FNV-1a of "journal/<account>/<playlist>", the same in
/// every process (std::hash is not).
std::int64_t journal_lock_key(std::int64_t account_id, const std::string& playlist_id) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : "journal/" + std::to_string(account_id) + "/" + playlist_id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return static_cast<std::int64_t>(hash);
}

std::int64_t to_ms(core::TimePoint time) {
  return std::chrono::duration_cast<Millis>(time.time_since_epoch()).count();
}

Param optional_integer(const std::optional<std::int64_t>& value) {
  return value ? Param(*value) : Param(nullptr);
}

std::optional<std::int64_t> integer_or_null(const Row& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.int64(column);
}

struct StoredVersion {
  core::RecordedVersion version;  // without items
  std::int64_t delta_depth = 0;
};

/// A row of PLM_SQL_VERSION_COLUMNS. A cause this version does not know (a newer plm wrote it)
/// reads as Sync.
StoredVersion read_version(const Row& row) {
  core::RecordedVersion version;
  version.account_id = row.int64(0);
  version.playlist_id = row.text(1);
  version.sequence = row.int64(2);
  version.snapshot_id = row.text(3);
  version.details = {row.text(4), row.text(5), row.boolean(6), row.boolean(7)};
  version.item_count = row.int64(8);
  version.changes = {row.int64(9), row.int64(10), row.int64(11), row.boolean(12)};
  version.recorded_at = core::TimePoint(Millis(row.int64(13)));
  version.cause.kind =
      core::version_cause_from_string(row.text(14)).value_or(core::VersionCauseKind::Sync);
  version.cause.app_user_id = integer_or_null(row, 15);
  version.cause.origin = row.text(16);
  version.cause.action = row.text(17);
  version.cause.why = row.text(18);
  version.cause.job_id = integer_or_null(row, 19);
  version.cause.restored_version = integer_or_null(row, 20);
  return {std::move(version), row.int64(21)};
}

/// Fills in the items of `stored` by decoding its chain. Internal for a corrupt chain.
core::Status read_items(Connection& db, StoredVersion& stored) {
  core::RecordedVersion& version = stored.version;
  std::vector<core::VersionItem> items;
  std::optional<core::Error> corrupt;
  db.query(kItemChain,
           {version.account_id, version.playlist_id, version.sequence - stored.delta_depth,
            version.sequence},
           [&](const Row& row) {
             if (corrupt) return;
             auto decoded = core::decode_items(row.text(0), items);
             if (!decoded) {
               corrupt = decoded.error();
               return;
             }
             items = std::move(*decoded);
           });
  if (corrupt) {
    return core::make_error(ErrorCode::Internal, "version " + std::to_string(version.sequence) +
                                                     " of playlist " + version.playlist_id + ": " +
                                                     corrupt->message);
  }
  version.items = std::move(items);
  return core::ok();
}

/// The version `sql` finds (with `params`), with its items.
core::Result<std::optional<core::RecordedVersion>> read_with_items(Connection& db,
                                                                   std::string_view sql,
                                                                   Params params) {
  auto stored = first_row(db, sql, params, read_version);
  if (!stored) return std::optional<core::RecordedVersion>();
  if (auto read = read_items(db, *stored); !read) return read.error();
  return std::optional<core::RecordedVersion>(std::move(stored->version));
}

}  // namespace

SqlPlaylistJournal::SqlPlaylistJournal(std::shared_ptr<TransactionScope> scope,
                                       const StoreContext& context)
    : scope_(std::move(scope)), clock_(context.clock) {}

SqlPlaylistJournal::~SqlPlaylistJournal() = default;

core::Result<std::optional<core::RecordedVersion>> SqlPlaylistJournal::record_version(
    const core::NewRecordedVersion& version) {
  using Recorded = std::optional<core::RecordedVersion>;
  if (version.playlist_id.empty()) {
    return core::make_error(ErrorCode::InvalidInput, "a version needs a playlist id");
  }
  return scope_->run(
      "record a playlist version", Access::Write, [&](Connection& db) -> core::Result<Recorded> {
        db.lock_until_transaction_end(journal_lock_key(version.account_id, version.playlist_id));
        if (!first_row(db, kAccountExists, {version.account_id}, [](const Row&) { return 1; })) {
          return core::make_error(ErrorCode::NotFound,
                                  "account " + std::to_string(version.account_id) + " not found");
        }
        std::optional<StoredVersion> latest =
            first_row(db, kLatestVersion, {version.account_id, version.playlist_id}, read_version);
        if (latest) {
          if (auto read = read_items(db, *latest); !read) return read.error();
        }
        std::optional<core::RecordedVersion> latest_version;
        if (latest) latest_version = latest->version;
        Recorded next = core::next_version(latest_version, version, clock_.now());
        if (!next) return Recorded();
        core::EncodedItems encoded = core::encode_items(
            next->items,
            latest ? std::optional<std::vector<core::VersionItem>>(latest->version.items)
                   : std::nullopt,
            latest ? latest->delta_depth : 0);
        const core::VersionCause& cause = next->cause;
        db.execute(kInsertVersion, {next->account_id,
                                    next->playlist_id,
                                    next->sequence,
                                    next->snapshot_id,
                                    next->details.name,
                                    next->details.description,
                                    next->details.is_public,
                                    next->details.collaborative,
                                    next->item_count,
                                    next->changes.added,
                                    next->changes.removed,
                                    next->changes.moved,
                                    next->changes.details_changed,
                                    to_ms(next->recorded_at),
                                    core::to_string(cause.kind),
                                    optional_integer(cause.app_user_id),
                                    cause.origin,
                                    cause.action,
                                    cause.why,
                                    optional_integer(cause.job_id),
                                    optional_integer(cause.restored_version),
                                    encoded.delta_depth,
                                    std::move(encoded.text)});
        next->items.clear();
        return next;
      });
}

core::Result<std::vector<core::RecordedVersion>> SqlPlaylistJournal::list_versions(
    std::int64_t account_id, const std::string& playlist_id, const core::VersionFilter& filter) {
  if (filter.limit < 1 || filter.limit > core::kMaxVersionPage) {
    return core::make_error(ErrorCode::InvalidInput, "limit must be 1-" +
                                                         std::to_string(core::kMaxVersionPage) +
                                                         ", not " + std::to_string(filter.limit));
  }
  std::string sql(kListVersions);
  std::vector<Param> params{account_id, playlist_id,
                            filter.before.value_or(std::numeric_limits<std::int64_t>::max())};
  if (filter.cause) {
    sql += " AND cause = $4";
    params.emplace_back(core::to_string(*filter.cause));
  }
  sql += " ORDER BY sequence DESC LIMIT " + std::to_string(filter.limit);
  return scope_->run("list playlist versions", Access::Read,
                     [&](Connection& db) -> core::Result<std::vector<core::RecordedVersion>> {
                       std::vector<core::RecordedVersion> versions;
                       db.query_with(sql, params, [&](const Row& row) {
                         versions.push_back(read_version(row).version);
                       });
                       return versions;
                     });
}

core::Result<std::optional<core::RecordedVersion>> SqlPlaylistJournal::find_version(
    std::int64_t account_id, const std::string& playlist_id, std::int64_t sequence) {
  return scope_->run("read a playlist version", Access::Read, [&](Connection& db) {
    return read_with_items(db, kFindVersion, {account_id, playlist_id, sequence});
  });
}

core::Result<std::map<std::string, std::int64_t>> SqlPlaylistJournal::latest_sequences(
    std::int64_t account_id) {
  return scope_->run("list the latest playlist versions", Access::Read,
                     [&](Connection& db) -> core::Result<std::map<std::string, std::int64_t>> {
                       std::map<std::string, std::int64_t> latest;
                       db.query(kLatestSequences, {account_id},
                                [&](const Row& row) { latest.emplace(row.text(0), row.int64(1)); });
                       return latest;
                     });
}

core::Result<std::optional<core::RecordedVersion>> SqlPlaylistJournal::latest_version(
    std::int64_t account_id, const std::string& playlist_id) {
  return scope_->run("read the latest playlist version", Access::Read, [&](Connection& db) {
    return read_with_items(db, kLatestVersion, {account_id, playlist_id});
  });
}

}  // namespace plm::sql
