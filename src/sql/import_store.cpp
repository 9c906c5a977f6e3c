#include "sql/import_store.hpp"

#include <utility>

#include "sql/common.hpp"
#include "sql/transaction_scope.hpp"

namespace plm::sql {
namespace {

// ---- the store's SQL, once for both dialects (placeholders as in src/sql/common.hpp) ----------

#define PLM_SQL_IMPORT_COLUMNS \
  "id, owner_user_id, account_id, file_name, paste_id, playlist_id, size_bytes, created_at"
constexpr std::string_view kInsertImport =
    "INSERT INTO imports (owner_user_id, account_id, file_name, paste_id, playlist_id, size_bytes, "
    "created_at, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "RETURNING " PLM_SQL_IMPORT_COLUMNS;
constexpr std::string_view kFindImport =
    "SELECT " PLM_SQL_IMPORT_COLUMNS " FROM imports WHERE id = $1";
#undef PLM_SQL_IMPORT_COLUMNS
constexpr std::string_view kImportBytes = "SELECT content FROM imports WHERE id = $1";
constexpr std::string_view kDeleteImportsBefore = "DELETE FROM imports WHERE created_at < $1";

core::StoredImport read_import(const Row& row) {
  return core::StoredImport{
      .id = row.int64(0),
      .owner_user_id = row.int64(1),
      .account_id = row.int64(2),
      .file_name = row.text(3),
      .paste_id = row.is_null(4) ? std::nullopt : std::optional<std::int64_t>(row.int64(4)),
      .playlist_id = row.is_null(5) ? std::nullopt : std::optional<std::string>(row.text(5)),
      .size_bytes = row.int64(6),
      .created_at = core::from_unix_seconds(row.int64(7))};
}

std::string describe_import(std::int64_t import_id) {
  return "import " + std::to_string(import_id);
}

}  // namespace

SqlImportStore::SqlImportStore(std::shared_ptr<TransactionScope> scope)
    : scope_(std::move(scope)) {}

SqlImportStore::~SqlImportStore() = default;

core::Result<core::StoredImport> SqlImportStore::create_import(
    std::int64_t owner_user_id, std::int64_t account_id, const std::string& file_name,
    const std::string& bytes, std::optional<std::int64_t> paste_id,
    const std::optional<std::string>& playlist_id, core::TimePoint now) {
  if (auto checked = core::check_import_upload(file_name, bytes.size(), playlist_id); !checked) {
    return checked.error();
  }
  return scope_->run("store an import of account " + std::to_string(account_id), Access::Write,
                     [&](Connection& db) -> core::Result<core::StoredImport> {
                       // RETURNING always gives the new row; a missing user, account or paste fails
                       // the insert.
                       return *first_row(db, kInsertImport,
                                         {owner_user_id, account_id, file_name,
                                          paste_id ? Param(*paste_id) : Param(nullptr), playlist_id,
                                          static_cast<std::int64_t>(bytes.size()),
                                          core::to_unix_seconds(now), Bytes{bytes}},
                                         read_import);
                     });
}

core::Result<std::optional<core::StoredImport>> SqlImportStore::find_import(
    std::int64_t import_id) {
  return scope_->run("find " + describe_import(import_id), Access::Read,
                     [&](Connection& db) -> core::Result<std::optional<core::StoredImport>> {
                       return first_row(db, kFindImport, {import_id}, read_import);
                     });
}

core::Result<std::string> SqlImportStore::import_bytes(std::int64_t import_id) {
  return scope_->run("read the file of " + describe_import(import_id), Access::Read,
                     [&](Connection& db) -> core::Result<std::string> {
                       auto bytes = first_row(db, kImportBytes, {import_id},
                                              [](const Row& row) { return row.bytes(0); });
                       if (!bytes) {
                         return core::make_error(core::ErrorCode::NotFound,
                                                 describe_import(import_id) + " not found");
                       }
                       return std::move(*bytes);
                     });
}

core::Result<std::int64_t> SqlImportStore::delete_imports_before(core::TimePoint cutoff) {
  return scope_->run("delete old imports", Access::Write,
                     [&](Connection& db) -> core::Result<std::int64_t> {
                       return db.execute(kDeleteImportsBefore, {core::to_unix_seconds(cutoff)});
                     });
}

}  // namespace plm::sql
