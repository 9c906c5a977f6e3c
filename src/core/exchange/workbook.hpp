#pragma once
/// A spreadsheet as plm reads and writes it (issue 14): sheets of typed cells, independent of the
/// file format. The .xlsx writer (libxlsxwriter) and reader (libzip + pugixml) of src/exchange/
/// and the CSV code (core/exchange/csv.hpp) convert files to and from it; the layouts
/// (export_layout.hpp, import_layout.hpp) give it meaning. Pure (std only).
///
/// Limits every reader enforces, so a hostile file is refused in under a second with bounded
/// memory (issue 14 §3): kMaxUncompressedBytes over all parts of a zip, kMaxSheets, kMaxRows per
/// sheet, kMaxCells per workbook, kMaxCellBytes per cell.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace plm::core {

inline constexpr std::size_t kMaxImportFileBytes = 20 * 1024 * 1024;     ///< an upload or file
inline constexpr std::size_t kMaxUncompressedBytes = 200 * 1024 * 1024;  ///< all zip parts
inline constexpr std::size_t kMaxSheets = 2'000;                         ///< per workbook
inline constexpr std::size_t kMaxRows = 20'000;                          ///< per sheet
inline constexpr std::size_t kMaxColumns = 200;                          ///< per sheet
inline constexpr std::size_t kMaxCells = 5'000'000;                      ///< per workbook
inline constexpr std::size_t kMaxCellBytes = 32'767;  ///< Excel's own limit on a cell's text

/// Excel's limits on a sheet name (ExportLayout makes names that keep them).
inline constexpr std::size_t kMaxSheetNameCharacters = 31;

struct Cell {
  enum class Type {
    Empty,
    Text,      ///< `text` (shared, inline, rich-text runs joined, a formula's string result)
    Number,    ///< `number`
    Boolean,   ///< `boolean`
    DateTime,  ///< `number`: days since 1899-12-30 00:00 (Excel's 1900 system; a workbook in
               ///< the 1904 system is converted when read), fraction = time of day, UTC
    Error,     ///< `text`: "#N/A", "#REF!", … (a formula's error result)
  };
  /// How the writer formats a cell; the reader sets Duration, Date and DateTime from the cell's
  /// number format, and Hyperlink for a cell with a hyperlink, General otherwise.
  enum class Format {
    General,
    Bold,       ///< header cells
    Duration,   ///< a Number of days shown as m:ss ([h]:mm:ss past an hour)
    Date,       ///< a DateTime shown as yyyy-mm-dd
    DateTime,   ///< a DateTime shown as yyyy-mm-dd hh:mm:ss
    Hyperlink,  ///< Text that is a URL: written as a link (its text is the URL)
  };

  Type type = Type::Empty;
  Format format = Format::General;
  std::string text;
  double number = 0;
  bool boolean = false;
  /// Read: the cell holds a formula (its cached value is the value above). The writer never
  /// writes formulas: text that looks like one is written as text (neutralised, see csv.hpp).
  bool formula = false;

  static Cell empty() { return {}; }
  static Cell of_text(std::string value, Format format = Format::General);
  static Cell of_number(double value, Format format = Format::General);
  static Cell of_boolean(bool value);
  /// A DateTime from seconds since the Unix epoch (UTC).
  static Cell of_unix_seconds(std::int64_t seconds, Format format = Format::DateTime);
  /// A Duration cell from milliseconds.
  static Cell of_duration_ms(std::int64_t milliseconds);

  bool is_empty() const { return type == Type::Empty; }
  bool operator==(const Cell&) const = default;
};

/// A rectangle of merged cells, 0-based and inclusive.
struct MergedRange {
  std::size_t first_row = 0, first_column = 0, last_row = 0, last_column = 0;
  bool operator==(const MergedRange&) const = default;
};

struct Sheet {
  std::string name;
  /// rows[r][c], 0-based (A1 is rows[0][0]). Read: gaps filled with Empty cells; trailing empty
  /// cells of a row and trailing empty rows are dropped.
  std::vector<std::vector<Cell>> rows;
  std::vector<MergedRange> merged;  ///< read only
  bool hidden = false;              ///< read only (a hidden or very hidden sheet)

  // Writer hints (ignored when reading; the reader leaves them at their defaults).
  std::size_t frozen_rows = 0;            ///< rows frozen at the top (the header)
  std::optional<std::size_t> filter_row;  ///< an auto-filter on this row over the used columns
  std::vector<double> column_widths;      ///< in Excel's character units; 0 or missing: default

  bool operator==(const Sheet&) const = default;
};

struct Workbook {
  std::vector<Sheet> sheets;  ///< in the workbook's tab order
  /// Read: the file used the 1904 date system (DateTime cells are already converted).
  bool date1904 = false;

  bool operator==(const Workbook&) const = default;
};

/// Seconds since the Unix epoch of a DateTime cell's number (rounded to the second), and back.
std::int64_t unix_seconds_from_serial(double serial);
double serial_from_unix_seconds(std::int64_t seconds);

/// "A1"-style reference of a 0-based row and column, for messages ("Sheet 'Chill' row 12, column
/// C").
std::string cell_reference(std::size_t row, std::size_t column);
/// The column letters of a 0-based column ("A", …, "Z", "AA", …).
std::string column_letters(std::size_t column);

}  // namespace plm::core
