#pragma once
/// CSV as RFC 4180 has it (issue 14 §1, §2): reading and writing tables of text, and the guard
/// against formula injection that every text cell plm writes gets. Pure (std only).
///
/// Reading: fields separated by `,` (or `;` or a tab when the first line has more of those and no
/// comma outside quotes), quotes doubled inside quoted fields, line breaks inside quoted fields,
/// \n, \r\n or \r line endings, a UTF-8 byte-order mark dropped, trailing empty line ignored.
/// A first line "sep=X" (Excel's way to name the separator; Excel hides it) sets the separator and
/// is not a row.
/// A line break inside a quoted field is read as "\n" (as a spreadsheet cell holds it); text after
/// a closing quote is kept ("a"b reads as ab, as spreadsheets read it); an empty line is a row of
/// one empty field. Limits of core/exchange/workbook.hpp (kMaxRows, kMaxColumns, kMaxCellBytes)
/// and InvalidInput naming the 1-based line ("line 12 of the CSV file: …") for an unterminated
/// quote (the line where it opened), text that is not UTF-8, or a limit passed.

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
/// which reads CSV and .xlsx alike. Empty fields are Empty cells; trailing empty cells and rows
/// are dropped, as the .xlsx reader drops them (row k of the sheet is record k of the file).
Result<Sheet> sheet_from_csv(std::string_view text, std::string name);

/// RFC 4180 text: every field quoted when it holds a comma, a quote or a line break, lines ended
/// by \r\n, UTF-8 without a byte-order mark. Fields are written as given: neutralise text first.
std::string write_csv(const std::vector<CsvRow>& rows);

/// Formula injection (OWASP "CSV injection"): text that starts with = + - @, a tab or a carriage
/// return is written with a leading apostrophe, so no spreadsheet runs it as a formula. A plain
/// number ("-3", "+3.25", "-1e-3": a sign, digits with at most one point, an optional exponent,
/// nothing else) is left alone, since every spreadsheet reads it as a number and never as a
/// formula; anything else that starts with a sign ("+44 20 7946 0958", "-3+2", "- Intro") gets the
/// apostrophe, as OWASP advises. Text that already starts with apostrophes followed by one of
/// those characters ("'=A1") gets one more, so that restore_neutralised(neutralise_formula(t)) ==
/// t for every t.
std::string neutralise_formula(std::string_view text);
/// The inverse for text read back: of text that starts with one or more apostrophes followed by
/// one of those characters, the first apostrophe is dropped (what neutralise_formula added);
/// other text is unchanged.
std::string restore_neutralised(std::string_view text);

}  // namespace plm::core
