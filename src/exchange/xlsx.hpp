#pragma once
/// .xlsx and zip files (issue 14): the adapter between bytes and core::Workbook. Writing with
/// libxlsxwriter, reading with a reader of our own on libzip + pugixml (Debian 12 has no C/C++
/// .xlsx reader; ../shared/docs/stack.md). Library plm::exchange, linked by the app and the web.
///
/// The reader follows workbook.xml → its relationships → each sheet's part (relative targets and
/// the absolute "/xl/…" ones openpyxl writes), reads shared strings (rich-text runs joined),
/// inline strings, numbers, booleans, errors, formulas (their cached value, Cell::formula set),
/// dates (a number whose style's number format is a date or time format, built-in 14–22, 45–47
/// or a custom code with d, m, y, h or s outside quotes and brackets: Cell::Type::DateTime, the
/// 1904 system converted), hyperlinks (Cell::Format::Hyperlink), merged ranges and hidden sheets.
///
/// Hostile files are refused before they cost much (limits of core/exchange/workbook.hpp): the
/// file larger than kMaxImportFileBytes; a zip whose entries' declared or actual uncompressed
/// sizes add up past kMaxUncompressedBytes (each entry is read with a cap, never trusting the
/// declared size); more than kMaxSheets sheets, kMaxRows rows in a sheet, kMaxColumns columns,
/// kMaxCells cells, a cell over kMaxCellBytes; XML with a DOCTYPE (no entity expansion, so no XML
/// bomb); cell references out of Excel's range. Each is InvalidInput with a message a person
/// understands ("the file is not an .xlsx workbook (not a zip archive)", "the workbook would
/// unpack to more than 200 MB", "sheet “X” has more than 20,000 rows"); the technical reason (a
/// libzip or pugixml message) goes in Error::detail. Never crashes, never reads out of bounds
/// (the fuzzer of tests/fuzz/ runs over read_xlsx).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/exchange/workbook.hpp"
#include "core/result.hpp"

namespace plm::exchange {

/// The .xlsx file of `workbook`: each sheet with its cells typed and formatted (Cell::Format:
/// bold header, m:ss durations ([h]:mm:ss past an hour), yyyy-mm-dd dates, hyperlinks up to
/// Excel's 2,079 characters and 65,530 per sheet, plain text beyond), its frozen rows,
/// auto-filter and column widths. Text is always a text cell, which no spreadsheet evaluates on
/// opening; libxlsxwriter 1.1.4 has no quote prefix (format_set_quote_prefix came in 1.1.5), so
/// text that starts like a formula is neutralised by the caller (the export does, csv.hpp).
/// InvalidInput for what Excel would refuse (no sheet, a sheet name it refuses or two equal
/// without case, text over kMaxCellBytes or not UTF-8, a number that is not finite); Internal for
/// a libxlsxwriter failure (with its message in detail).
core::Result<std::string> write_xlsx(const core::Workbook& workbook);

/// The workbook an .xlsx file holds. InvalidInput as above.
core::Result<core::Workbook> read_xlsx(std::string_view bytes);

/// A zip archive of named files (for a CSV export of several playlists), deflated.
core::Result<std::string> write_zip(const std::vector<std::pair<std::string, std::string>>& files);

/// The files of a zip archive, in the archive's order, with the same limits as read_xlsx on
/// their sizes. Directories are skipped.
core::Result<std::vector<std::pair<std::string, std::string>>> read_zip(std::string_view bytes);

}  // namespace plm::exchange
