#pragma once
/// core::PlaylistJournal on the plm database (table playlist_versions of migration 0005_journal),
/// written once for SQLite and PostgreSQL on the connection layer (connection.hpp). sql::Store
/// hands one out over transactions of its own (Store::journal()), and each unit of work one over
/// the unit's transaction (core::TransactionPorts::journal()), so an edit records its version with
/// its job's progress, or not at all.
///
/// A version's items are stored as core::encode_items says (full, or a delta against the version
/// before); reading one decodes the rows from the last full version on (at most
/// core::kMaxDeltaChain + 1). Recording takes a lock on the playlist's journal first
/// (Connection::lock_until_transaction_end), so two recordings of one playlist, in any processes,
/// number their versions one after the other.

#include <memory>

#include "core/ports/playlist_journal.hpp"
#include "sql/store_context.hpp"

namespace plm::sql {

class TransactionScope;

class SqlPlaylistJournal final : public core::PlaylistJournal {
 public:
  SqlPlaylistJournal(std::shared_ptr<TransactionScope> scope, const StoreContext& context);
  ~SqlPlaylistJournal() override;
  SqlPlaylistJournal(const SqlPlaylistJournal&) = delete;
  SqlPlaylistJournal& operator=(const SqlPlaylistJournal&) = delete;

  core::Result<std::optional<core::RecordedVersion>> record_version(
      const core::NewRecordedVersion& version) override;
  core::Result<std::vector<core::RecordedVersion>> list_versions(
      std::int64_t account_id, const std::string& playlist_id,
      const core::VersionFilter& filter) override;
  core::Result<std::optional<core::RecordedVersion>> find_version(std::int64_t account_id,
                                                                  const std::string& playlist_id,
                                                                  std::int64_t sequence) override;
  core::Result<std::map<std::string, std::int64_t>> latest_sequences(
      std::int64_t account_id) override;
  core::Result<std::optional<core::RecordedVersion>> latest_version(
      std::int64_t account_id, const std::string& playlist_id) override;

 private:
  std::shared_ptr<TransactionScope> scope_;
  const core::Clock& clock_;
};

}  // namespace plm::sql
