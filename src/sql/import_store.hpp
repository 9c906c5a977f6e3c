#pragma once
/// core::ImportStore on the plm database (table `imports` of migration 0009_imports), written once
/// for SQLite and PostgreSQL on the connection layer (connection.hpp): the file is a BLOB / bytea
/// column. sql::Store hands one out over transactions of its own (Store::imports()).

#include <memory>

#include "core/ports/import_store.hpp"

namespace plm::sql {

class TransactionScope;

class SqlImportStore final : public core::ImportStore {
 public:
  explicit SqlImportStore(std::shared_ptr<TransactionScope> scope);
  ~SqlImportStore() override;
  SqlImportStore(const SqlImportStore&) = delete;
  SqlImportStore& operator=(const SqlImportStore&) = delete;

  core::Result<core::StoredImport> create_import(
      std::int64_t owner_user_id, std::int64_t account_id, const std::string& file_name,
      const std::string& bytes, std::optional<std::int64_t> paste_id,
      const std::optional<std::string>& playlist_id, core::TimePoint now) override;
  core::Result<std::optional<core::StoredImport>> find_import(std::int64_t import_id) override;
  core::Result<std::string> import_bytes(std::int64_t import_id) override;
  core::Result<std::int64_t> delete_imports_before(core::TimePoint cutoff) override;

 private:
  std::shared_ptr<TransactionScope> scope_;
};

}  // namespace plm::sql
