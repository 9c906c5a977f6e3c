// write_xlsx (xlsx.hpp): a core::Workbook as an .xlsx file, written by libxlsxwriter.
//
// libxlsxwriter 1.1.4 writes only to a file (output_buffer came in a later version), so the
// workbook goes to a private temporary file under $TMPDIR (mkstemp, removed at once) and is read
// back. It also has no format_set_quote_prefix (1.1.5): text that starts like a formula is written
// as a text cell (a shared string, which no spreadsheet evaluates on opening) and the export
// neutralises it beforehand (export_layout.hpp).

#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "exchange/xlsx.hpp"
#include "exchange/xlsx_common.hpp"

namespace plm::exchange {

using core::Cell;
using core::ErrorCode;

namespace {

/// Excel's limits on hyperlinks (libxlsxwriter refuses past them): beyond, a link is plain text.
constexpr std::size_t kMaxUrlCharacters = 2'079;
constexpr std::size_t kMaxLinksPerSheet = 65'530;

/// The number formats of Cell::Format. A duration is a number of days: m:ss below an hour
/// ("3:25"), [h]:mm:ss from an hour on ("1:02:03"), through a conditional section.
constexpr const char* kDurationFormat = "[<0.041666666666666664]m:ss;[h]:mm:ss";
constexpr const char* kDateFormat = "yyyy-mm-dd";
constexpr const char* kDateTimeFormat = "yyyy-mm-dd hh:mm:ss";

core::Error library_failure(std::string_view what, lxw_error code) {
  auto error = core::make_error(ErrorCode::Internal, "could not write the workbook");
  error.detail = std::string(what) + ": " + lxw_strerror(code);
  return error;
}

/// Why Excel would refuse `name` as a sheet name, or "" when it would take it.
std::string sheet_name_problem(std::string_view name) {
  if (name.empty()) return "a sheet has no name";
  const std::string quoted = "the sheet name “" + std::string(name) + "”";
  if (!is_utf8(name)) return quoted + " is not UTF-8 text";
  if (excel_characters(name) > core::kMaxSheetNameCharacters) {
    return quoted + " is longer than " + std::to_string(core::kMaxSheetNameCharacters) +
           " characters";
  }
  for (const char c : name) {
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) {
      return quoted + " holds one of the characters [ ] : * ? / \\";
    }
    if (static_cast<unsigned char>(c) < 0x20) return quoted + " holds a control character";
  }
  if (name.front() == '\'' || name.back() == '\'') {
    return quoted + " starts or ends with an apostrophe";
  }
  if (sheet_name_key(name) == U"history") return quoted + " is reserved by Excel";
  return {};
}

bool is_link(std::string_view text) {
  return text.starts_with("https://") || text.starts_with("http://") || text.starts_with("mailto:");
}

/// The libxlsxwriter formats of the Cell::Formats, made once per workbook.
class Formats {
 public:
  explicit Formats(lxw_workbook* workbook) : workbook_(workbook) {}

  lxw_format* of(Cell::Format format, Cell::Type type) {
    switch (format) {
      case Cell::Format::General:
        // A DateTime cell without a format hint still shows as a date and time.
        return type == Cell::Type::DateTime ? numbered(date_time_, kDateTimeFormat) : nullptr;
      case Cell::Format::Bold:
        if (bold_ == nullptr) {
          bold_ = workbook_add_format(workbook_);
          format_set_bold(bold_);
        }
        return bold_;
      case Cell::Format::Duration:
        return numbered(duration_, kDurationFormat);
      case Cell::Format::Date:
        return numbered(date_, kDateFormat);
      case Cell::Format::DateTime:
        return numbered(date_time_, kDateTimeFormat);
      case Cell::Format::Hyperlink:
        return workbook_get_default_url_format(workbook_);
    }
    return nullptr;
  }

 private:
  lxw_format* numbered(lxw_format*& slot, const char* code) {
    if (slot == nullptr) {
      slot = workbook_add_format(workbook_);
      format_set_num_format(slot, code);
    }
    return slot;
  }

  lxw_workbook* workbook_;
  lxw_format* bold_ = nullptr;
  lxw_format* duration_ = nullptr;
  lxw_format* date_ = nullptr;
  lxw_format* date_time_ = nullptr;
};

/// A private temporary file, removed when this goes.
class TemporaryFile {
 public:
  static core::Result<TemporaryFile> create() {
    const char* directory = std::getenv("TMPDIR");
    std::string path =
        std::string(directory != nullptr && *directory != '\0' ? directory : "/tmp") +
        "/plm-xlsx-XXXXXX";
    const int descriptor = mkstemp(path.data());
    if (descriptor < 0) {
      auto error = core::make_error(ErrorCode::Internal, "could not write the workbook");
      error.detail = "mkstemp in " + path + " failed";
      return error;
    }
    close(descriptor);
    return TemporaryFile(std::move(path));
  }
  TemporaryFile(TemporaryFile&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TemporaryFile& operator=(TemporaryFile&&) = delete;
  ~TemporaryFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit TemporaryFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

struct WorkbookCloser {
  void operator()(lxw_workbook* workbook) const {
    // A workbook that failed half-way is still closed (that frees it); its file is discarded.
    if (workbook != nullptr) workbook_close(workbook);
  }
};

core::Status write_cell(lxw_worksheet* worksheet, const std::string& sheet_name, std::size_t row,
                        std::size_t column, const Cell& cell, Formats& formats,
                        std::size_t& links) {
  const auto at = [&] {
    return "sheet “" + sheet_name + "” cell " + core::cell_reference(row, column);
  };
  const auto lxw_row = static_cast<lxw_row_t>(row);
  const auto lxw_column = static_cast<lxw_col_t>(column);
  lxw_format* format = formats.of(cell.format, cell.type);
  lxw_error result = LXW_NO_ERROR;
  switch (cell.type) {
    case Cell::Type::Empty:
      return core::ok();
    case Cell::Type::Text:
    case Cell::Type::Error: {
      if (!is_utf8(cell.text)) return invalid_input(at() + " is not UTF-8 text");
      if (cell.text.size() > core::kMaxCellBytes) {
        return invalid_input(at() + " holds more than " + std::to_string(core::kMaxCellBytes) +
                             " bytes of text");
      }
      if (cell.format == Cell::Format::Hyperlink && is_link(cell.text) &&
          excel_characters(cell.text) <= kMaxUrlCharacters && links < kMaxLinksPerSheet) {
        result = worksheet_write_url_opt(worksheet, lxw_row, lxw_column, cell.text.c_str(), format,
                                         cell.text.c_str(), nullptr);
        if (result == LXW_NO_ERROR) {
          ++links;
          return core::ok();
        }
        // A URL that libxlsxwriter refuses (its own checks) is still written, as text.
      }
      if (cell.format == Cell::Format::Hyperlink) format = nullptr;
      result = worksheet_write_string(worksheet, lxw_row, lxw_column, cell.text.c_str(), format);
      break;
    }
    case Cell::Type::Number:
    case Cell::Type::DateTime:
      if (!std::isfinite(cell.number))
        return invalid_input(at() + " holds a number that is not finite");
      result = worksheet_write_number(worksheet, lxw_row, lxw_column, cell.number, format);
      break;
    case Cell::Type::Boolean:
      result =
          worksheet_write_boolean(worksheet, lxw_row, lxw_column, cell.boolean ? 1 : 0, format);
      break;
  }
  if (result != LXW_NO_ERROR) return library_failure(at(), result);
  return core::ok();
}

core::Status write_sheet(lxw_workbook* workbook, const core::Sheet& sheet, Formats& formats) {
  lxw_worksheet* worksheet = workbook_add_worksheet(workbook, sheet.name.c_str());
  if (worksheet == nullptr) {
    return invalid_input("the sheet name “" + sheet.name + "” cannot be used in Excel");
  }
  if (sheet.rows.size() > kExcelRows) {
    return invalid_input("sheet “" + sheet.name + "” has more rows than Excel allows");
  }
  std::size_t used_columns = 0;
  std::size_t links = 0;
  for (std::size_t row = 0; row < sheet.rows.size(); ++row) {
    const auto& cells = sheet.rows[row];
    if (cells.size() > kExcelColumns) {
      return invalid_input("sheet “" + sheet.name + "” has more columns than Excel allows");
    }
    used_columns = std::max(used_columns, cells.size());
    for (std::size_t column = 0; column < cells.size(); ++column) {
      if (auto written =
              write_cell(worksheet, sheet.name, row, column, cells[column], formats, links);
          !written) {
        return written.error();
      }
    }
  }
  for (std::size_t column = 0; column < sheet.column_widths.size() && column < kExcelColumns;
       ++column) {
    const double width = sheet.column_widths[column];
    if (!(width > 0)) continue;
    const auto lxw_column = static_cast<lxw_col_t>(column);
    if (auto result = worksheet_set_column(worksheet, lxw_column, lxw_column,
                                           std::min(width, 255.0), nullptr);
        result != LXW_NO_ERROR) {
      return library_failure("column width of sheet “" + sheet.name + "”", result);
    }
  }
  if (sheet.frozen_rows > 0 && sheet.frozen_rows < kExcelRows) {
    worksheet_freeze_panes(worksheet, static_cast<lxw_row_t>(sheet.frozen_rows), 0);
  }
  if (sheet.filter_row && *sheet.filter_row < kExcelRows && used_columns > 0) {
    const std::size_t last_row = std::max(*sheet.filter_row, sheet.rows.size() - 1);
    if (auto result = worksheet_autofilter(worksheet, static_cast<lxw_row_t>(*sheet.filter_row), 0,
                                           static_cast<lxw_row_t>(last_row),
                                           static_cast<lxw_col_t>(used_columns - 1));
        result != LXW_NO_ERROR) {
      return library_failure("auto-filter of sheet “" + sheet.name + "”", result);
    }
  }
  return core::ok();
}

core::Result<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  if (!file) {
    auto error = core::make_error(ErrorCode::Internal, "could not write the workbook");
    error.detail = "reading back " + path + " failed";
    return error;
  }
  return std::move(content).str();
}

}  // namespace

core::Result<std::string> write_xlsx(const core::Workbook& workbook) {
  if (workbook.sheets.empty()) return invalid_input("a workbook needs at least one sheet");
  std::set<std::u32string> names;
  for (const auto& sheet : workbook.sheets) {
    if (auto problem = sheet_name_problem(sheet.name); !problem.empty())
      return invalid_input(problem);
    // Excel compares sheet names without case (export_layout's names are unique that way).
    if (!names.insert(sheet_name_key(sheet.name)).second) {
      return invalid_input("two sheets are named “" + sheet.name + "”");
    }
  }

  auto file = TemporaryFile::create();
  if (!file) return file.error();
  std::string temporary_directory = file->path().substr(0, file->path().rfind('/'));
  lxw_workbook_options options{};
  options.constant_memory = LXW_FALSE;
  options.tmpdir = temporary_directory.data();
  std::unique_ptr<lxw_workbook, WorkbookCloser> book(
      workbook_new_opt(file->path().c_str(), &options));
  if (!book) {
    auto error = core::make_error(ErrorCode::Internal, "could not write the workbook");
    error.detail = "workbook_new_opt failed";
    return error;
  }
  Formats formats(book.get());
  for (const auto& sheet : workbook.sheets) {
    if (auto written = write_sheet(book.get(), sheet, formats); !written) return written.error();
  }
  if (auto result = workbook_close(book.release()); result != LXW_NO_ERROR) {
    return library_failure("workbook_close", result);
  }
  return read_file(file->path());
}

}  // namespace plm::exchange
