#pragma once
/// Uploaded import files (issue 14 §5, the web's import preview): the file is kept as uploaded,
/// read again for each preview and for the apply (reading 300 playlists x 100 tracks takes well
/// under a second), so no second format of the document exists. Implemented in SQL for SQLite and
/// PostgreSQL (a migration adds table `imports`) and in memory (test_support::InMemoryStore); one
/// contract suite (tests/contract/). Conventions of core/ports/store.hpp.

#include <cstdint>
#include <optional>
#include <string>

#include "core/exchange/workbook.hpp"
#include "core/model/text.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace plm::core {

struct StoredImport {
  std::int64_t id = 0;
  std::int64_t owner_user_id = 0;
  std::int64_t account_id = 0;
  std::string file_name;  ///< as uploaded (clean text, at most 255 bytes)
  /// The paste whose lines are the rows to match (ImportDocument::rows_to_match), when any.
  std::optional<std::int64_t> paste_id;
  /// The playlist a file of one sheet of tracks is (ImportOptions::playlist_id), as asked at the
  /// upload: each reading of the file takes it again.
  std::optional<std::string> playlist_id;
  std::int64_t size_bytes = 0;
  TimePoint created_at{};

  bool operator==(const StoredImport&) const = default;
};

/// Imports older than this are deleted (delete_imports_before, from the server's housekeeping).
inline constexpr std::int64_t kImportKeepDays = 7;

/// What every ImportStore checks before storing an upload (create_import's InvalidInput).
inline Status check_import_upload(const std::string& file_name, std::size_t size_bytes,
                                  const std::optional<std::string>& playlist_id) {
  if (playlist_id &&
      (playlist_id->empty() || playlist_id->size() > 1000 || !is_clean_text(*playlist_id))) {
    return make_error(ErrorCode::InvalidInput,
                      "an import's playlist must be 1 to 1000 bytes of clean text");
  }
  if (file_name.empty() || file_name.size() > 255 || !is_clean_text(file_name)) {
    return make_error(ErrorCode::InvalidInput,
                      "an import's file name must be 1 to 255 bytes of clean text");
  }
  if (size_bytes > kMaxImportFileBytes) {
    return make_error(ErrorCode::InvalidInput,
                      "an import file is at most " + std::to_string(kMaxImportFileBytes) +
                          " bytes, this one has " + std::to_string(size_bytes));
  }
  return ok();
}

class ImportStore {
 public:
  virtual ~ImportStore() = default;

  /// Stores an upload. InvalidInput as check_import_upload (an empty or unclean file name, at most
  /// 255 bytes; bytes over kMaxImportFileBytes; an empty or unclean playlist id); NotFound for a
  /// missing user, account or paste.
  virtual Result<StoredImport> create_import(std::int64_t owner_user_id, std::int64_t account_id,
                                             const std::string& file_name, const std::string& bytes,
                                             std::optional<std::int64_t> paste_id,
                                             const std::optional<std::string>& playlist_id,
                                             TimePoint now) = 0;
  virtual Result<std::optional<StoredImport>> find_import(std::int64_t import_id) = 0;
  /// The file as uploaded. NotFound when the import does not exist.
  virtual Result<std::string> import_bytes(std::int64_t import_id) = 0;
  /// Deletes imports created before `cutoff`; returns how many.
  virtual Result<std::int64_t> delete_imports_before(TimePoint cutoff) = 0;
};

}  // namespace plm::core
