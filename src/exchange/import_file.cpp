// read_import_file (files.hpp): the bytes of an uploaded or named file -> an import document.
// What the file is comes from its content (a zip with xl/workbook.xml is a workbook, another zip
// a folder of CSVs, anything else must be CSV text); core::read_import gives it meaning.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/exchange/csv.hpp"
#include "core/exchange/workbook.hpp"
#include "exchange/files.hpp"
#include "exchange/xlsx.hpp"

namespace plm::exchange {
namespace {

constexpr std::string_view kNotASpreadsheet = "the file is neither an .xlsx workbook nor CSV text";

core::Error invalid(std::string message) {
  return core::make_error(core::ErrorCode::InvalidInput, std::move(message));
}

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return result;
}

bool ends_with_nocase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && lower(text.substr(text.size() - suffix.size())) == suffix;
}

/// A zip archive's first bytes: a local file header, or the end record of an empty archive.
bool is_zip(std::string_view bytes) {
  return bytes.starts_with(std::string_view("PK\x03\x04", 4)) ||
         bytes.starts_with(std::string_view("PK\x05\x06", 4));
}

/// Binary junk: control characters other than tabs, line ends and form feeds never occur in CSV
/// text. (Text that is not UTF-8 is left to read_csv, which names the line: a Latin-1 CSV is a
/// mistake a person can fix, not junk.)
bool is_binary(std::string_view bytes) {
  return std::any_of(bytes.begin(), bytes.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || byte == 0x7F;
  });
}

/// What to say of a file another program wrote in a format plm does not read, by its first bytes
/// (people upload these instead of .xlsx or UTF-8 CSV); nullopt for any other file.
std::optional<std::string> foreign_format(std::string_view bytes) {
  // A compound file (OLE2): Excel 97-2003's .xls, and also an .xlsx saved with a password.
  if (bytes.starts_with(std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))) {
    return "the file is an Excel 97-2003 workbook (.xls) or a password-protected workbook, which "
           "plm does not read: save it as .xlsx (Excel Workbook) without a password";
  }
  // OpenDocument: a zip whose first entry, stored uncompressed, is "mimetype" (ODF 1.2 §3.3).
  if (bytes.size() > 38 && bytes.starts_with(std::string_view("PK\x03\x04", 4)) &&
      bytes.substr(30, 8) == "mimetype" &&
      bytes.substr(38).starts_with("application/vnd.oasis.opendocument.spreadsheet")) {
    return "the file is an OpenDocument spreadsheet (.ods), which plm does not read: save it as "
           ".xlsx (Excel 2007-365)";
  }
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return "the file is UTF-16 text (Excel's \u201cUnicode Text\u201d), which plm does not read: "
           "save it as \u201cCSV UTF-8\u201d";
  }
  return std::nullopt;
}

/// "exports/Chill.csv" -> "Chill": the name of the playlist a CSV file holds.
std::string playlist_name_of(std::string_view file_name) {
  if (const auto slash = file_name.find_last_of("/\\"); slash != std::string_view::npos) {
    file_name.remove_prefix(slash + 1);
  }
  for (const std::string_view extension : {".csv", ".txt", ".tsv", ".xlsx"}) {
    if (ends_with_nocase(file_name, extension)) {
      file_name.remove_suffix(extension.size());
      break;
    }
  }
  return file_name.empty() ? std::string("playlist") : std::string(file_name);
}

core::Result<core::Sheet> csv_sheet(std::string_view bytes, std::string name) {
  if (is_binary(bytes)) return invalid(std::string(kNotASpreadsheet));
  return core::sheet_from_csv(bytes, std::move(name));
}

/// Entries a zip of CSVs holds besides them and that nobody asked to import: folders' metadata
/// of macOS ("__MACOSX/", "._x.csv").
bool is_archive_litter(std::string_view path) {
  const auto slash = path.find_last_of('/');
  const auto base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return path.starts_with("__MACOSX/") || base.starts_with("._");
}

core::Result<core::Workbook> csv_zip_workbook(std::string_view bytes) {
  auto files = read_zip(bytes);
  if (!files) return files.error();
  core::Workbook workbook;
  for (const auto& [path, content] : *files) {
    if (!ends_with_nocase(path, ".csv") || is_archive_litter(path)) continue;
    auto sheet = csv_sheet(content, playlist_name_of(path));
    if (!sheet) {
      return invalid("\u201c" + path + "\u201d in the zip archive: " + sheet.error().message);
    }
    workbook.sheets.push_back(std::move(*sheet));
  }
  if (workbook.sheets.empty()) return invalid("the zip archive holds no .csv file");
  return workbook;
}

}  // namespace

FileKind file_kind_of(std::string_view bytes, std::string_view file_name) {
  if (!is_zip(bytes)) return FileKind::Csv;
  // A zip stores its part names as they are, so the workbook's part shows in its bytes; a zip
  // named .xlsx without it is a broken workbook, and read_xlsx says what is wrong with it.
  const bool workbook = bytes.find("xl/workbook.xml") != std::string_view::npos ||
                        ends_with_nocase(file_name, ".xlsx");
  return workbook ? FileKind::Xlsx : FileKind::CsvZip;
}

core::Result<core::ImportDocument> read_import_file(std::string_view bytes,
                                                    std::string_view file_name,
                                                    const core::ImportOptions& options) {
  if (bytes.size() > core::kMaxImportFileBytes) {
    return invalid("the file is larger than " +
                   std::to_string(core::kMaxImportFileBytes / (1024 * 1024)) +
                   " MB, more than plm imports");
  }
  if (auto foreign = foreign_format(bytes)) return invalid(std::move(*foreign));
  core::Result<core::Workbook> workbook = core::Workbook{};
  switch (file_kind_of(bytes, file_name)) {
    case FileKind::Xlsx:
      workbook = read_xlsx(bytes);
      break;
    case FileKind::CsvZip:
      workbook = csv_zip_workbook(bytes);
      break;
    case FileKind::Csv: {
      auto sheet = csv_sheet(bytes, playlist_name_of(file_name));
      if (!sheet) return sheet.error();
      workbook->sheets.push_back(std::move(*sheet));
      break;
    }
  }
  if (!workbook) return workbook.error();
  return core::read_import(*workbook, options);
}

}  // namespace plm::exchange
