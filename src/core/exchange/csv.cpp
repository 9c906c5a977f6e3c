#include "core/exchange/csv.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "core/exchange/utf8.hpp"

namespace plm::core {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

/// "20,000": counts in messages read like the limits in the docs.
std::string grouped(std::size_t number) {
  std::string digits = std::to_string(number);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

Error csv_error(std::size_t line, const std::string& what) {
  return make_error(ErrorCode::InvalidInput,
                    "line " + std::to_string(line) + " of the CSV file: " + what);
}

/// The 1-based line of `text[at]`, counting \n, \r\n and \r as one line break each.
std::size_t line_of(std::string_view text, std::size_t at) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
    }
  }
  return line;
}

/// The offset of the first byte that is not well-formed UTF-8, or npos.
std::size_t first_invalid_utf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = utf8::decode(text, at).length;
    if (length == 0) return at;
    at += length;
  }
  return std::string_view::npos;
}

/// The separator of the file: a comma, unless the first line has none outside quotes and has
/// semicolons or tabs (the "CSV" of spreadsheets set to a language with a decimal comma, and
/// tab-separated text), the more frequent of those two.
char detect_separator(std::string_view text) {
  std::size_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') {
      quoted = !quoted;  // a doubled quote toggles twice: still right
    } else if (!quoted) {
      if (c == '\n' || c == '\r') break;
      if (c == ',') ++commas;
      if (c == ';') ++semicolons;
      if (c == '\t') ++tabs;
    }
  }
  if (commas > 0 || (semicolons == 0 && tabs == 0)) return ',';
  return semicolons >= tabs ? ';' : '\t';
}

/// The separator of Excel's "sep=;" first line, which names it (Excel hides that line).
std::optional<char> declared_separator(std::string_view text) {
  if (!text.starts_with("sep=") || text.size() < 5) return std::nullopt;
  if (text.size() > 5 && text[5] != '\n' && text[5] != '\r') return std::nullopt;
  const char separator = text[4];
  if (separator == '"' || separator == '\n' || separator == '\r') return std::nullopt;
  return separator;
}

bool is_formula_start(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// True for a plain decimal number: an optional sign, digits with at most one decimal point, an
/// optional exponent ("-3", "+3.25", "-.5", "-1e-3"). Spreadsheets read these as numbers, never
/// as formulas, so neutralise_formula leaves them alone.
bool reads_as_number(std::string_view text) {
  std::size_t at = 0;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
  std::size_t digits = 0;
  bool point = false;
  for (; at < text.size(); ++at) {
    if (is_digit(text[at])) {
      ++digits;
    } else if (text[at] == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits == 0) return false;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    const std::size_t exponent_start = at;
    while (at < text.size() && is_digit(text[at])) ++at;
    if (at == exponent_start) return false;
  }
  return at == text.size();
}

/// Where the text after its leading apostrophes starts like a formula: the apostrophes
/// neutralise_formula adds and restore_neutralised takes away.
bool starts_like_formula_after_apostrophes(std::string_view text) {
  const std::size_t first = text.find_first_not_of('\'');
  return first != std::string_view::npos && is_formula_start(text[first]);
}

/// RFC 4180's reader over the whole text, with the separator chosen up front.
class CsvReader {
 public:
  CsvReader(std::string_view text, char separator, std::size_t first_line = 1)
      : text_(text), separator_(separator), line_(first_line) {}

  Result<std::vector<CsvRow>> read() {
    std::vector<CsvRow> rows;
    CsvRow row;
    std::string field;
    while (at_ < text_.size()) {
      field.clear();
      if (auto read = read_field(field); !read) return read.error();
      if (field.size() > kMaxCellBytes) {
        return csv_error(line_, "a field is longer than " + grouped(kMaxCellBytes) +
                                    " bytes (the most a spreadsheet cell holds)");
      }
      row.push_back(field);
      if (row.size() > kMaxColumns) {
        return csv_error(line_, "the row has more than " + grouped(kMaxColumns) + " columns");
      }
      if (at_ >= text_.size()) break;
      if (text_[at_] == separator_) {
        ++at_;
        if (at_ == text_.size()) row.emplace_back();  // "a,b," ends with an empty field
        continue;
      }
      skip_line_break();
      rows.push_back(std::move(row));
      row.clear();
      if (rows.size() > kMaxRows) {
        return make_error(ErrorCode::InvalidInput,
                          "the CSV file has more than " + grouped(kMaxRows) + " rows");
      }
    }
    if (!row.empty()) rows.push_back(std::move(row));
    if (rows.size() > kMaxRows) {
      return make_error(ErrorCode::InvalidInput,
                        "the CSV file has more than " + grouped(kMaxRows) + " rows");
    }
    return rows;
  }

 private:
  bool at_line_break() const { return text_[at_] == '\n' || text_[at_] == '\r'; }

  void skip_line_break() {
    if (text_[at_] == '\r' && at_ + 1 < text_.size() && text_[at_ + 1] == '\n') ++at_;
    ++at_;
    ++line_;
  }

  /// One field from `at_`, leaving `at_` on the separator, the line break or the end.
  Status read_field(std::string& field) {
    if (text_[at_] == '"') {
      const std::size_t opened_on = line_;
      ++at_;
      while (true) {
        if (at_ >= text_.size()) {
          return csv_error(opened_on, "a quoted field is never closed (a \" is missing)");
        }
        const char c = text_[at_];
        if (c == '"') {
          if (at_ + 1 < text_.size() && text_[at_ + 1] == '"') {
            field += '"';
            at_ += 2;
            continue;
          }
          ++at_;
          break;
        }
        if (c == '\n' || c == '\r') {
          // A line break inside a cell: "\n" whatever the file's line ends, as cells hold them.
          field += '\n';
          skip_line_break();
          continue;
        }
        field += c;
        ++at_;
      }
    }
    // Unquoted text, or text after a closing quote ("a"b reads as ab, as spreadsheets read it).
    const std::size_t start = at_;
    while (at_ < text_.size() && text_[at_] != separator_ && !at_line_break()) ++at_;
    field.append(text_.substr(start, at_ - start));
    return ok();
  }

  std::string_view text_;
  char separator_;
  std::size_t line_;
  std::size_t at_ = 0;
};

}  // namespace

Result<std::vector<CsvRow>> read_csv(std::string_view text) {
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  if (const std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    return csv_error(line_of(text, bad),
                     "the text is not UTF-8 (save the file as \"CSV UTF-8\" and try again)");
  }
  if (const std::optional<char> separator = declared_separator(text)) {
    const std::size_t line_end = text.find_first_of("\r\n");
    std::size_t rest = line_end == std::string_view::npos ? text.size() : line_end + 1;
    if (rest < text.size() && text[line_end] == '\r' && text[rest] == '\n') ++rest;
    return CsvReader(text.substr(rest), *separator, 2).read();
  }
  return CsvReader(text, detect_separator(text)).read();
}

Result<Sheet> sheet_from_csv(std::string_view text, std::string name) {
  auto rows = read_csv(text);
  if (!rows) return rows.error();
  Sheet sheet;
  sheet.name = std::move(name);
  sheet.rows.reserve(rows->size());
  for (CsvRow& fields : *rows) {
    while (!fields.empty() && fields.back().empty()) fields.pop_back();
    std::vector<Cell> cells;
    cells.reserve(fields.size());
    for (std::string& field : fields) {
      cells.push_back(field.empty() ? Cell::empty() : Cell::of_text(std::move(field)));
    }
    sheet.rows.push_back(std::move(cells));
  }
  while (!sheet.rows.empty() && sheet.rows.back().empty()) sheet.rows.pop_back();
  return sheet;
}

std::string write_csv(const std::vector<CsvRow>& rows) {
  std::string csv;
  for (const CsvRow& row : rows) {
    for (std::size_t column = 0; column < row.size(); ++column) {
      if (column > 0) csv += ',';
      const std::string& field = row[column];
      if (field.find_first_of(",\"\r\n") == std::string::npos) {
        csv += field;
        continue;
      }
      csv += '"';
      for (const char c : field) {
        if (c == '"') csv += '"';
        csv += c;
      }
      csv += '"';
    }
    csv += "\r\n";
  }
  return csv;
}

std::string neutralise_formula(std::string_view text) {
  if (!starts_like_formula_after_apostrophes(text)) return std::string(text);
  if (reads_as_number(text)) return std::string(text);
  return "'" + std::string(text);
}

std::string restore_neutralised(std::string_view text) {
  if (text.starts_with('\'') && starts_like_formula_after_apostrophes(text)) {
    return std::string(text.substr(1));
  }
  return std::string(text);
}

}  // namespace plm::core
