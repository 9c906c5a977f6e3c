#pragma once
/// Export and import files as the command line and the web app handle them (issue 14 §5): from
/// the store to the bytes of a download, and from the bytes of an upload to an import document.
/// Both `plm export`/`plm import` (src/app/cli/commands_exchange.cpp) and the web routes
/// (src/web/handlers_exchange.cpp) call these, so the two give the same files and read the same.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/exchange/import_layout.hpp"
#include "core/model/account.hpp"
#include "core/ports/store.hpp"
#include "core/result.hpp"

namespace plm::exchange {

enum class ExportFormat { Xlsx, Csv };
std::string_view to_string(ExportFormat format);  ///< "xlsx", "csv"
std::optional<ExportFormat> export_format_from_string(std::string_view text);

struct ExportedFile {
  std::string bytes;
  /// "plm-<account display name>-<YYYY-MM-DD>.xlsx"; for csv: "<playlist>.csv" for one playlist,
  /// "plm-<account>-<date>.zip" (one CSV per playlist, core::csv_file_names) for several. Safe
  /// for a Content-Disposition header and a file system (ASCII letters, digits, ". _ -", spaces).
  std::string file_name;
  std::string content_type;  ///< the .xlsx, text/csv; charset=utf-8, or application/zip type
  std::int64_t playlists = 0;
  std::int64_t tracks = 0;
};

/// The export of the account's stored playlists that `selector` names (core::parse_selector and
/// select_playlists, as `plm batch`; nullopt: all), in the account's list order. InvalidInput
/// for a bad selector or one that matches nothing; NotFound as select_playlists. `today` names
/// the file.
core::Result<ExportedFile> export_playlists(core::PlaylistStore& store,
                                            const core::SpotifyAccount& account,
                                            const std::optional<std::string>& selector,
                                            ExportFormat format, core::TimePoint today);

/// What kind of file `bytes` is: an .xlsx (a zip with xl/workbook.xml), a zip of CSV files, or
/// CSV text; by content first, the file name's extension only to break a tie.
enum class FileKind { Xlsx, CsvZip, Csv };
/// The kind of `bytes`: a zip holding xl/workbook.xml (or any zip named .xlsx) is Xlsx, another
/// zip CsvZip, anything else Csv (read_import_file then refuses what is not CSV text).
FileKind file_kind_of(std::string_view bytes, std::string_view file_name);

/// The import document of an uploaded or named file (`file_name` names a CSV's playlist and the
/// messages). InvalidInput, with the reason, for a file that cannot be read (too large, corrupt,
/// hostile, not a spreadsheet: "the file is neither an .xlsx workbook nor CSV text") or that holds
/// nothing to import (core::read_import). A zip of CSVs reads as one sheet per CSV file.
core::Result<core::ImportDocument> read_import_file(std::string_view bytes,
                                                    std::string_view file_name,
                                                    const core::ImportOptions& options = {});

}  // namespace plm::exchange
