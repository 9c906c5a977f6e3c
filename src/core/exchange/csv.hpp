#pragma once
/// CSV as RFC 4180 has it (issue 14 §1, §2): reading and writing tables of text, and the guard
/// against formula injection that every text cell plm writes gets. Pure (std only).
///
/// Reading: fields separated by `,` (or `;` or a tab when the first line has more of those and no
/// comma outside quotes), quotes doubled inside quoted fields, line breaks inside quoted fields,
/// \n, \r\n or \r line endings, a UTF-8 byte-order mark dropped, trailing empty line ignored.
/// Limits of core/exchange/workbook.hpp (kMaxRows, kMaxColumns, kMaxCellBytes) and InvalidInput
/// naming the line for an unterminated quote or text that is not UTF-8.

#include <string>
#include <string_view>
#include <vector>

#include "core/exchange/workbook.hpp"
#include "core/result.hpp"

namespace plm::core {

using CsvRow = std::vector<std::string>;

/// The rows of a CSV file. InvalidInput as above (message names the 1-based line).
Result<std::vector<CsvRow>> read_csv(std::string_view text);

/// One sheet of Text cells from a CSV file (the sheet is named `name`), for the import layout,
/// which reads CSV and .xlsx alike.
Result<Sheet> sheet_from_csv(std::string_view text, std::string name);

/// RFC 4180 text: every field quoted when it holds a comma, a quote or a line break, lines ended
/// by \r\n, UTF-8 without a byte-order mark. Fields are written as given: neutralise text first.
std::string write_csv(const std::vector<CsvRow>& rows);

/// Formula injection (OWASP "CSV injection"): text that starts with = + - @, a tab or a carriage
/// return is written with a leading apostrophe, so no spreadsheet runs it as a formula. Numbers
/// written as text ("-3") are left alone: only text that a spreadsheet would take for a formula
/// is changed.
std::string neutralise_formula(std::string_view text);
/// The inverse for text read back: a leading apostrophe followed by one of those characters is
/// dropped (what neutralise_formula added); other text is unchanged.
std::string restore_neutralised(std::string_view text);

}  // namespace plm::core
