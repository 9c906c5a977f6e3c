#pragma once

// RFC-4180 CSV reading over an in-memory buffer (catalog files are a few MB each, so reading a
// whole file first and parsing without per-byte I/O is the fast path).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spotify_emulator {

/// Reads RFC-4180 rows: quoted fields, doubled quotes, embedded commas and newlines, LF or CRLF
/// line ends, an optional UTF-8 byte order mark. Lenient like spreadsheet tools: a quote inside an
/// unquoted field is kept literally and text after a closing quote is appended; only a quote left
/// open at the end of the input marks the row malformed.
class CsvReader {
 public:
  /// The buffer must outlive the reader.
  explicit CsvReader(std::string_view text);

  /// Reads the next row into `fields` (reusing its strings' capacity). Returns false at the end.
  /// A blank line yields a row with one empty field, as RFC 4180 implies.
  bool next_row(std::vector<std::string>& fields);

  /// Whether the row just read ended inside an open quote.
  bool last_row_malformed() const { return malformed_; }
  /// 1-based line number where the row just read started (for warnings).
  std::size_t last_row_line() const { return row_line_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t row_line_ = 0;
  bool malformed_ = false;
};

/// Parses a whole buffer into rows (convenience for tests and small files).
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

}  // namespace spotify_emulator
