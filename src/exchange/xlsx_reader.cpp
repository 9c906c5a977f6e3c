// read_xlsx (xlsx.hpp): our own .xlsx reader on libzip (zip_archive.hpp) and pugixml.
//
// The path through the package: _rels/.rels → the workbook part (xl/workbook.xml) → its
// relationships → the shared strings, the styles and each sheet's part. Each part is read with
// the archive's cap, refused when it declares a DOCTYPE (no entity is ever expanded, so no XML
// bomb), parsed into a DOM and dropped before the next one, so memory stays near the largest
// part's size. Limits are counted while the cells are placed.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <pugixml.hpp>
#include <set>
#include <unordered_map>

#include "exchange/xlsx.hpp"
#include "exchange/xlsx_common.hpp"
#include "exchange/zip_archive.hpp"

namespace plm::exchange {

using core::Cell;
using core::ErrorCode;

namespace {

/// Days between the 1904 and the 1900 date systems' day 0.
constexpr double k1904OffsetDays = 1'462;

// --- Memory of the XML trees. A DOM takes about ten times the XML it holds (a node is 64 bytes,
// `<c/>` is 4), so 200 MB of tiny elements, a 200 kB upload, would take gigabytes. pugixml
// allocates through the functions below, which count the bytes of this thread's live trees and
// fail past the budget: pugixml then stops with status_out_of_memory. A sheet of 10,000 tracks
// (Spotify's largest playlist) needs about 30 MB.

constexpr std::size_t kMaxXmlTreeBytes = 256 * 1024 * 1024;
/// Below what any pugixml node takes (64 bytes on 64-bit machines), for the check before parsing.
constexpr std::size_t kSmallestXmlNodeBytes = 32;

thread_local std::size_t xml_tree_bytes = 0;
thread_local std::size_t xml_tree_budget = std::numeric_limits<std::size_t>::max();

void* budgeted_allocate(std::size_t size) {
  if (size > xml_tree_budget - std::min(xml_tree_bytes, xml_tree_budget)) return nullptr;
  // The size is kept in front of the block, which stays aligned for any type.
  auto* block = static_cast<std::max_align_t*>(std::malloc(size + sizeof(std::max_align_t)));
  if (block == nullptr) return nullptr;
  *reinterpret_cast<std::size_t*>(block) = size;
  xml_tree_bytes += size;
  return block + 1;
}

void budgeted_deallocate(void* pointer) {
  if (pointer == nullptr) return;
  auto* block = static_cast<std::max_align_t*>(pointer) - 1;
  xml_tree_bytes -= std::min(xml_tree_bytes, *reinterpret_cast<std::size_t*>(block));
  std::free(block);
}

/// The budget of this thread's XML trees while a Reader lives (the trees never leave it).
class XmlTreeBudget {
 public:
  XmlTreeBudget() {
    static std::once_flag installed;
    std::call_once(installed, [] {
      pugi::set_memory_management_functions(budgeted_allocate, budgeted_deallocate);
    });
    xml_tree_budget = kMaxXmlTreeBytes;
  }
  XmlTreeBudget(const XmlTreeBudget&) = delete;
  XmlTreeBudget& operator=(const XmlTreeBudget&) = delete;
  ~XmlTreeBudget() { xml_tree_budget = std::numeric_limits<std::size_t>::max(); }
};

core::Error damaged(std::string what, std::string detail = {}) {
  return invalid_input("the file is damaged: " + std::move(what), std::move(detail));
}

std::string quoted(std::string_view text) { return "“" + std::string(text) + "”"; }

std::string with_separators(std::size_t value) {
  std::string digits = std::to_string(value);
  for (std::size_t at = digits.size(); at > 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

// --- XML helpers: element and attribute names compared without their namespace prefix (some
// producers write <x:sheet>), the relationship id by its "id" local name in any prefix.

std::string_view local_name(const char* name) {
  std::string_view view(name);
  const auto colon = view.find(':');
  return colon == std::string_view::npos ? view : view.substr(colon + 1);
}

bool is(const pugi::xml_node& node, std::string_view name) {
  return node.type() == pugi::node_element && local_name(node.name()) == name;
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view name) {
  for (auto item : node.children()) {
    if (is(item, name)) return item;
  }
  return {};
}

template <typename Visit>
void for_each_child(const pugi::xml_node& node, std::string_view name, Visit&& visit) {
  for (auto item : node.children()) {
    if (is(item, name)) visit(item);
  }
}

std::string_view attribute(const pugi::xml_node& node, std::string_view name) {
  for (auto item : node.attributes()) {
    if (std::string_view(item.name()) == name) return item.value();
  }
  return {};
}

/// r:id (the relationship id), whatever the prefix of the relationships namespace.
std::string_view relationship_id(const pugi::xml_node& node) {
  for (auto item : node.attributes()) {
    const std::string_view name(item.name());
    if (name.size() > 3 && name.ends_with(":id")) return item.value();
  }
  return {};
}

bool is_true(std::string_view value) { return value == "1" || value == "true"; }

/// Excel's escape of characters XML cannot hold: "_x000D_" is U+000D ("_x005F_" an underscore).
std::string unescape_excel(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t index = 0;
  while (index < text.size()) {
    if (text[index] == '_' && index + 7 <= text.size() && text[index + 1] == 'x' &&
        text[index + 6] == '_') {
      unsigned code = 0;
      const auto* first = text.data() + index + 2;
      const auto [end, failure] = std::from_chars(first, first + 4, code, 16);
      if (failure == std::errc() && end == first + 4) {
        if (code < 0x80) {
          out.push_back(static_cast<char>(code));
        } else if (code < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (code >> 6)));
          out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xE0 | (code >> 12)));
          out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        }
        index += 7;
        continue;
      }
    }
    out.push_back(text[index]);
    ++index;
  }
  return out;
}

/// The text of a shared or inline string: its <t>, or its rich-text runs' <t>s joined (phonetic
/// runs, <rPh>, left out).
std::string string_item_text(const pugi::xml_node& item) {
  std::string text;
  for (auto part : item.children()) {
    if (is(part, "t")) {
      text += part.text().get();
    } else if (is(part, "r")) {
      text += child(part, "t").text().get();
    }
  }
  return unescape_excel(text);
}

// --- Package paths.

std::string directory_of(std::string_view part) {
  const auto slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

/// The part a relationship's target names: absolute ("/xl/worksheets/sheet1.xml", as openpyxl
/// writes) or relative to the source part's directory, with "." and ".." resolved.
std::string resolve_target(std::string_view source_part, std::string_view target) {
  std::string joined = target.starts_with('/') ? std::string(target.substr(1))
                                               : directory_of(source_part) + std::string(target);
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= joined.size()) {
    const auto slash = joined.find('/', start);
    const auto end = slash == std::string::npos ? joined.size() : slash;
    const std::string segment = joined.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string path;
  for (const auto& segment : segments) {
    if (!path.empty()) path += '/';
    path += segment;
  }
  return path;
}

std::string relationships_part_of(std::string_view part) {
  const auto slash = part.rfind('/');
  if (slash == std::string_view::npos) return "_rels/" + std::string(part) + ".rels";
  return std::string(part.substr(0, slash + 1)) + "_rels/" + std::string(part.substr(slash + 1)) +
         ".rels";
}

struct Relationship {
  std::string type;    ///< the last segment of the Type URI ("worksheet", "sharedStrings", …)
  std::string target;  ///< a part path, or the URL of an external target
  bool external = false;
};

// --- Number formats.

enum class NumberKind { General, Date, DateTime, Duration };

/// What a custom number format code shows (see xlsx.hpp): date and time letters counted outside
/// quotes, escapes and brackets; [h], [m] and [s] are elapsed time; m is minutes after an h or
/// before an s, months otherwise.
NumberKind classify_format_code(std::string_view code) {
  bool date = false, time = false, elapsed = false, hours = false, minutes = false, seconds = false,
       am_pm = false;
  char previous = 0;  // the last date/time letter seen ('h', 'm', 's', 'd', 'y')
  bool pending_m = false;
  const auto settle_m = [&](bool is_minute) {
    if (!pending_m) return;
    if (is_minute) {
      minutes = time = true;
    } else {
      date = true;
    }
    pending_m = false;
  };
  for (std::size_t index = 0; index < code.size(); ++index) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(code[index])));
    if (c == '"') {
      const auto close = code.find('"', index + 1);
      index = close == std::string_view::npos ? code.size() : close;
      continue;
    }
    if (c == '\\' || c == '_' || c == '*') {
      ++index;  // an escaped character, a space as wide as one, a fill character
      continue;
    }
    if (c == '[') {
      const auto close = code.find(']', index + 1);
      const auto inside = code.substr(
          index + 1, close == std::string_view::npos ? std::string_view::npos : close - index - 1);
      if (!inside.empty() && std::all_of(inside.begin(), inside.end(), [&](char letter) {
            const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
            return lower == std::tolower(static_cast<unsigned char>(inside.front())) &&
                   (lower == 'h' || lower == 'm' || lower == 's');
          })) {
        elapsed = time = true;
        const char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(inside[0])));
        if (unit == 'h') hours = true;
        if (unit == 'm') minutes = true;
        if (unit == 's') seconds = true;
        previous = unit;
      }
      index = close == std::string_view::npos ? code.size() : close;
      continue;
    }
    if (code.substr(index).size() >= 5 &&
        (code.substr(index, 5) == "AM/PM" || code.substr(index, 5) == "am/pm")) {
      am_pm = time = true;
      index += 4;
      continue;
    }
    if (c == 'y' || c == 'd' || c == 'h' || c == 's' || c == 'm') {
      std::size_t run = 1;
      while (index + run < code.size() &&
             std::tolower(static_cast<unsigned char>(code[index + run])) == c) {
        ++run;
      }
      if (c == 'm') {
        settle_m(false);
        if (run >= 3) {
          date = true;  // mmm, mmmm: month names
        } else {
          pending_m = true;
          if (previous == 'h') settle_m(true);
        }
      } else {
        if (c == 's') {
          settle_m(true);
          seconds = time = true;
        } else {
          settle_m(false);
          if (c == 'h') hours = time = true;
          if (c == 'y' || c == 'd') date = true;
        }
      }
      previous = c;
      index += run - 1;
      continue;
    }
  }
  settle_m(false);
  if (!date && !am_pm && (elapsed || (minutes && seconds && !hours))) return NumberKind::Duration;
  if (date && time) return NumberKind::DateTime;
  if (date) return NumberKind::Date;
  if (time) return NumberKind::DateTime;
  return NumberKind::General;
}

NumberKind classify_builtin_format(unsigned id) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) ||
      (id >= 50 && id <= 58)) {
    return NumberKind::Date;
  }
  if ((id >= 18 && id <= 22) || id == 32 || id == 33) return NumberKind::DateTime;
  if (id >= 45 && id <= 47) return NumberKind::Duration;
  return NumberKind::General;
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  const auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (failure != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

/// A cell reference ("B3", "$B$3") as 0-based row and column; nullopt if it is not one or lies
/// outside Excel's grid.
struct Position {
  std::size_t row = 0, column = 0;
};
std::optional<Position> parse_reference(std::string_view text) {
  std::size_t index = 0;
  if (index < text.size() && text[index] == '$') ++index;
  std::size_t column = 0, letters = 0;
  while (index < text.size() && std::isalpha(static_cast<unsigned char>(text[index]))) {
    if (++letters > 3) return std::nullopt;
    column = column * 26 + static_cast<std::size_t>(
                               std::toupper(static_cast<unsigned char>(text[index])) - 'A' + 1);
    ++index;
  }
  if (letters == 0 || column > kExcelColumns) return std::nullopt;
  if (index < text.size() && text[index] == '$') ++index;
  const auto row = parse_number<std::size_t>(text.substr(index));
  if (!row || *row == 0 || *row > kExcelRows) return std::nullopt;
  return Position{*row - 1, column - 1};
}

/// A range ("A1:C3", or one cell "B2") with its corners in order; nullopt if it is not one.
std::optional<core::MergedRange> parse_range(std::string_view text) {
  const auto colon = text.find(':');
  const auto first = parse_reference(text.substr(0, colon));
  const auto last =
      colon == std::string_view::npos ? first : parse_reference(text.substr(colon + 1));
  if (!first || !last) return std::nullopt;
  return core::MergedRange{std::min(first->row, last->row), std::min(first->column, last->column),
                           std::max(first->row, last->row), std::max(first->column, last->column)};
}

/// A parsed XML part: the DOM points into `bytes` (parsed in place).
struct XmlPart {
  std::string bytes;
  pugi::xml_document document;
  pugi::xml_node root() const { return document.document_element(); }
};

class Reader {
 public:
  explicit Reader(ZipArchive archive) : archive_(std::move(archive)) {}

  core::Result<core::Workbook> read() {
    auto main = main_part();
    if (!main) return main.error();
    auto workbook_part = parse(*main);
    if (!workbook_part) return workbook_part.error();
    const auto root = (*workbook_part)->root();
    if (!is(root, "workbook")) {
      return invalid_input("the file is not an .xlsx workbook (its main part is not a workbook)");
    }
    auto relationships = read_relationships(*main);
    if (!relationships) return relationships.error();

    core::Workbook workbook;
    workbook.date1904 = is_true(attribute(child(root, "workbookPr"), "date1904"));
    date1904_ = workbook.date1904;

    if (auto loaded = load_shared_strings(*main, *relationships); !loaded) return loaded.error();
    if (auto loaded = load_styles(*relationships); !loaded) return loaded.error();

    struct SheetEntry {
      std::string name;
      std::string part;
      bool hidden = false;
    };
    std::vector<SheetEntry> entries;
    std::set<std::u32string> folded_names;
    std::optional<core::Error> failure;
    for_each_child(child(root, "sheets"), "sheet", [&](const pugi::xml_node& sheet) {
      if (failure) return;
      if (entries.size() == core::kMaxSheets) {
        failure = invalid_input("the workbook has more than " + with_separators(core::kMaxSheets) +
                                " sheets");
        return;
      }
      std::string name = unescape_excel(attribute(sheet, "name"));
      if (name.empty() || !is_utf8(name)) {
        failure = damaged("a sheet has no name");
        return;
      }
      if (!folded_names.insert(sheet_name_key(name)).second) {
        failure = invalid_input("the workbook has two sheets named " + quoted(name));
        return;
      }
      const auto found = relationships->find(std::string(relationship_id(sheet)));
      if (found == relationships->end() || found->second.external) {
        failure = damaged("sheet " + quoted(name) + " has no part in the file");
        return;
      }
      const auto state = attribute(sheet, "state");
      entries.push_back(
          {std::move(name), found->second.target, state == "hidden" || state == "veryHidden"});
    });
    if (failure) return *failure;
    if (entries.empty()) return invalid_input("the workbook has no sheets");
    (*workbook_part).reset();  // the workbook's DOM is no longer needed

    for (auto& entry : entries) {
      auto sheet = read_sheet(entry.name, entry.part);
      if (!sheet) return sheet.error();
      sheet->hidden = entry.hidden;
      workbook.sheets.push_back(std::move(sheet).value());
    }
    return workbook;
  }

 private:
  /// The workbook part, from the package's relationships (xl/workbook.xml when they are missing).
  core::Result<std::string> main_part() {
    if (archive_.find("_rels/.rels")) {
      auto relationships = read_relationships("");
      if (!relationships) return relationships.error();
      for (const auto& [id, relationship] : *relationships) {
        if (relationship.type == "officeDocument" && !relationship.external &&
            archive_.find(relationship.target)) {
          return relationship.target;
        }
      }
    }
    if (archive_.find("xl/workbook.xml")) return std::string("xl/workbook.xml");
    return invalid_input("the file is not an .xlsx workbook (it has no workbook part)");
  }

  static core::Error too_large(const std::string& part_name, std::string detail) {
    return invalid_input("the workbook is too large to read: its part " + quoted(part_name) +
                             " would take more than " + megabytes(kMaxXmlTreeBytes) + " of memory",
                         std::move(detail));
  }

  core::Result<std::unique_ptr<XmlPart>> parse(const std::string& part_name) {
    const auto index = archive_.find(part_name);
    if (!index) return damaged("its part " + quoted(part_name) + " is missing");
    // Every two '<' make at least one node of the tree, of at least kSmallestXmlNodeBytes: a
    // part that cannot fit in the budget is refused while it is unpacked, before it is parsed.
    std::size_t markup = 0;
    auto bytes = archive_.read(*index, [&](std::string_view chunk) -> core::Status {
      markup += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '<'));
      if (markup / 2 > kMaxXmlTreeBytes / kSmallestXmlNodeBytes) {
        return too_large(part_name, std::to_string(markup) + " '<' in the part so far");
      }
      return core::ok();
    });
    if (!bytes) return bytes.error();
    auto part = std::make_unique<XmlPart>();
    part->bytes = std::move(bytes).value();
    // parse_doctype keeps a DOCTYPE as a node so that it can be refused below; pugixml never
    // expands entities other than XML's five, and whitespace-only text is kept (<t> </t>).
    const auto result = part->document.load_buffer_inplace(
        part->bytes.data(), part->bytes.size(),
        pugi::parse_default | pugi::parse_doctype | pugi::parse_ws_pcdata_single);
    if (result.status == pugi::status_out_of_memory) {
      return too_large(part_name,
                       "XML tree budget exhausted at offset " + std::to_string(result.offset));
    }
    if (!result) {
      return damaged(
          "its part " + quoted(part_name) + " is not well-formed XML",
          std::string(result.description()) + " at offset " + std::to_string(result.offset));
    }
    for (auto node : part->document.children()) {
      if (node.type() == pugi::node_doctype) {
        return invalid_input("the file is not a safe .xlsx workbook: its part " +
                                 quoted(part_name) +
                                 " declares a DOCTYPE, which Excel never writes (refused: it could "
                                 "be an XML bomb)",
                             "DOCTYPE in " + part_name);
      }
    }
    return part;
  }

  /// The relationships of `part` ("" for the package's own), by id.
  core::Result<std::map<std::string, Relationship>> read_relationships(const std::string& part) {
    const std::string rels = part.empty() ? "_rels/.rels" : relationships_part_of(part);
    std::map<std::string, Relationship> relationships;
    if (!archive_.find(rels)) return relationships;
    auto xml = parse(rels);
    if (!xml) return xml.error();
    for_each_child((*xml)->root(), "Relationship", [&](const pugi::xml_node& node) {
      Relationship relationship;
      const std::string_view type = attribute(node, "Type");
      relationship.type = std::string(type.substr(type.rfind('/') + 1));
      relationship.external = attribute(node, "TargetMode") == "External";
      const std::string_view target = attribute(node, "Target");
      relationship.target =
          relationship.external ? std::string(target) : resolve_target(part, target);
      relationships.emplace(std::string(attribute(node, "Id")), std::move(relationship));
    });
    return relationships;
  }

  std::optional<std::string> part_of_type(const std::map<std::string, Relationship>& relationships,
                                          std::string_view type) {
    for (const auto& [id, relationship] : relationships) {
      if (relationship.type == type && !relationship.external) return relationship.target;
    }
    return std::nullopt;
  }

  core::Status load_shared_strings(const std::string& main,
                                   const std::map<std::string, Relationship>& relationships) {
    auto part = part_of_type(relationships, "sharedStrings");
    if (!part) {
      const auto fallback = directory_of(main) + "sharedStrings.xml";
      if (!archive_.find(fallback)) return core::ok();
      part = fallback;
    }
    if (!archive_.find(*part)) return core::ok();
    auto xml = parse(*part);
    if (!xml) return xml.error();
    std::optional<core::Error> failure;
    for_each_child((*xml)->root(), "si", [&](const pugi::xml_node& item) {
      if (failure) return;
      if (shared_strings_.size() == core::kMaxCells) {
        failure = invalid_input("the workbook has more than " + with_separators(core::kMaxCells) +
                                " different texts");
        return;
      }
      std::string text = string_item_text(item);
      if (text.size() > core::kMaxCellBytes) {
        failure = invalid_input("a cell holds more than " + with_separators(core::kMaxCellBytes) +
                                " bytes of text");
        return;
      }
      shared_strings_.push_back(std::move(text));
    });
    if (failure) return *failure;
    return core::ok();
  }

  core::Status load_styles(const std::map<std::string, Relationship>& relationships) {
    auto part = part_of_type(relationships, "styles");
    if (!part || !archive_.find(*part)) return core::ok();  // every cell General
    auto xml = parse(*part);
    if (!xml) return xml.error();
    const auto root = (*xml)->root();
    std::unordered_map<unsigned, NumberKind> custom;
    for_each_child(child(root, "numFmts"), "numFmt", [&](const pugi::xml_node& format) {
      if (auto id = parse_number<unsigned>(attribute(format, "numFmtId"))) {
        custom[*id] = classify_format_code(attribute(format, "formatCode"));
      }
    });
    for_each_child(child(root, "cellXfs"), "xf", [&](const pugi::xml_node& xf) {
      const auto id = parse_number<unsigned>(attribute(xf, "numFmtId")).value_or(0);
      const auto found = custom.find(id);
      style_kinds_.push_back(found != custom.end() ? found->second : classify_builtin_format(id));
    });
    return core::ok();
  }

  /// Places `cell` at (row, column) of `sheet`, counting the limits.
  core::Status place(core::Sheet& sheet, std::size_t row, std::size_t column, Cell cell) {
    if (row >= core::kMaxRows) {
      return invalid_input("sheet " + quoted(sheet.name) + " has more than " +
                           with_separators(core::kMaxRows) + " rows");
    }
    if (column >= core::kMaxColumns) {
      return invalid_input("sheet " + quoted(sheet.name) + " has more than " +
                           with_separators(core::kMaxColumns) + " columns");
    }
    if (sheet.rows.size() <= row) sheet.rows.resize(row + 1);
    auto& cells = sheet.rows[row];
    if (cells.size() <= column) {
      cells_ += column + 1 - cells.size();
      if (cells_ > core::kMaxCells) {
        return invalid_input("the workbook has more than " + with_separators(core::kMaxCells) +
                             " cells");
      }
      cells.resize(column + 1);
    }
    cells[column] = std::move(cell);
    return core::ok();
  }

  /// The cell a <c> element holds (Empty for a cell with only a style).
  core::Result<Cell> read_cell(const core::Sheet& sheet, std::size_t row, std::size_t column,
                               const pugi::xml_node& node) {
    const auto at = [&] {
      return "sheet " + quoted(sheet.name) + " cell " + core::cell_reference(row, column);
    };
    const std::string_view type = attribute(node, "t");
    const auto value_node = child(node, "v");
    const std::string_view value = value_node.text().get();
    Cell cell;
    const auto formula = child(node, "f");
    // LibreOffice stores every Boolean as the formula TRUE() or FALSE(): a value, not a formula.
    const std::string_view formula_text = formula.text().get();
    cell.formula = static_cast<bool>(formula) &&
                   !(type == "b" && (formula_text == "TRUE()" || formula_text == "FALSE()"));
    if (type == "inlineStr") {
      const auto inline_string = child(node, "is");
      if (!inline_string && !value_node) return cell;
      cell.type = Cell::Type::Text;
      cell.text = inline_string ? string_item_text(inline_string) : unescape_excel(value);
    } else if (value.empty()) {  // no <v>, or openpyxl's empty <v></v> of a formula
      return cell;               // a formatted blank, or a formula without a cached value
    } else if (type == "s") {
      const auto index = parse_number<std::size_t>(value);
      if (!index || *index >= shared_strings_.size()) {
        return damaged(at() + " refers to a shared string that does not exist");
      }
      cell.type = Cell::Type::Text;
      cell.text = shared_strings_[*index];
    } else if (type == "str" || type == "d") {
      cell.type = Cell::Type::Text;
      cell.text = unescape_excel(value);
    } else if (type == "b") {
      cell.type = Cell::Type::Boolean;
      cell.boolean = is_true(value);
    } else if (type == "e") {
      cell.type = Cell::Type::Error;
      cell.text = std::string(value);
    } else if (type.empty() || type == "n") {
      const auto number = parse_number<double>(value);
      if (!number || !std::isfinite(*number)) {
        return damaged(at() + " holds " + quoted(value.substr(0, 40)) + ", which is not a number");
      }
      cell.type = Cell::Type::Number;
      cell.number = *number;
      const auto style = parse_number<std::size_t>(attribute(node, "s")).value_or(0);
      const auto kind = style < style_kinds_.size() ? style_kinds_[style] : NumberKind::General;
      if (kind == NumberKind::Duration) {
        cell.format = Cell::Format::Duration;
      } else if (kind == NumberKind::Date || kind == NumberKind::DateTime) {
        cell.type = Cell::Type::DateTime;
        cell.format = kind == NumberKind::Date ? Cell::Format::Date : Cell::Format::DateTime;
        if (date1904_) cell.number += k1904OffsetDays;
      }
    } else {
      return damaged(at() + " has the unknown type " + quoted(type.substr(0, 20)));
    }
    if (cell.type == Cell::Type::Text || cell.type == Cell::Type::Error) {
      if (cell.text.size() > core::kMaxCellBytes) {
        return invalid_input(at() + " holds more than " + with_separators(core::kMaxCellBytes) +
                             " bytes of text");
      }
      if (!is_utf8(cell.text)) return damaged(at() + " holds text that is not UTF-8");
    }
    return cell;
  }

  core::Result<core::Sheet> read_sheet(const std::string& name, const std::string& part) {
    core::Sheet sheet;
    sheet.name = name;
    if (!archive_.find(part)) return damaged("sheet " + quoted(name) + " has no part in the file");
    auto xml = parse(part);
    if (!xml) return xml.error();
    const auto root = (*xml)->root();
    std::size_t next_row = 0;
    for (auto row_node : child(root, "sheetData").children()) {
      if (!is(row_node, "row")) continue;
      std::size_t row = next_row;
      if (const auto r = attribute(row_node, "r"); !r.empty()) {
        const auto number = parse_number<std::size_t>(r);
        if (!number || *number == 0 || *number > kExcelRows) {
          return damaged("sheet " + quoted(name) + " has a row numbered " +
                         quoted(r.substr(0, 20)));
        }
        row = *number - 1;
      }
      next_row = row + 1;
      std::size_t next_column = 0;
      for (auto cell_node : row_node.children()) {
        if (!is(cell_node, "c")) continue;
        std::size_t column = next_column;
        if (const auto r = attribute(cell_node, "r"); !r.empty()) {
          const auto position = parse_reference(r);
          if (!position) {
            return damaged("sheet " + quoted(name) + " has a cell reference " +
                           quoted(r.substr(0, 20)) + " outside Excel's grid");
          }
          column = position->column;
        }
        next_column = column + 1;
        auto cell = read_cell(sheet, row, column, cell_node);
        if (!cell) return cell.error();
        if (cell->is_empty()) continue;
        if (auto placed = place(sheet, row, column, std::move(cell).value()); !placed) {
          return placed.error();
        }
      }
    }
    if (auto merged = read_merged(sheet, root); !merged) return merged.error();
    if (auto links = read_hyperlinks(sheet, part, root); !links) return links.error();
    return sheet;
  }

  core::Status read_merged(core::Sheet& sheet, const pugi::xml_node& root) {
    std::optional<core::Error> failure;
    for_each_child(child(root, "mergeCells"), "mergeCell", [&](const pugi::xml_node& node) {
      if (failure) return;
      if (++merged_ranges_ > core::kMaxCells) {
        failure = invalid_input("the workbook has more than " + with_separators(core::kMaxCells) +
                                " merged ranges");
        return;
      }
      const std::string_view ref = attribute(node, "ref");
      const auto range = parse_range(ref);
      if (!range) {
        failure = damaged("sheet " + quoted(sheet.name) + " merges the cells " +
                          quoted(ref.substr(0, 30)) + ", which is not a range");
        return;
      }
      sheet.merged.push_back(*range);
    });
    if (failure) return *failure;
    return core::ok();
  }

  /// Marks the cells under <hyperlinks> as Format::Hyperlink: a link to an external target (the
  /// sheet's relationships) or to a place in the workbook (location). The cell keeps its text.
  core::Status read_hyperlinks(core::Sheet& sheet, const std::string& part,
                               const pugi::xml_node& root) {
    const auto hyperlinks = child(root, "hyperlinks");
    if (!hyperlinks) return core::ok();
    auto relationships = read_relationships(part);
    if (!relationships) return relationships.error();
    for_each_child(hyperlinks, "hyperlink", [&](const pugi::xml_node& node) {
      const auto id = std::string(relationship_id(node));
      const bool linked =
          (!id.empty() && relationships->contains(id)) || !attribute(node, "location").empty();
      if (!linked) return;
      const auto range = parse_range(attribute(node, "ref"));
      if (!range) return;  // a link on no cell changes nothing
      // Only cells that exist are marked, so the loops stay within the sheet's rows.
      for (std::size_t row = range->first_row; row <= range->last_row && row < sheet.rows.size();
           ++row) {
        auto& cells = sheet.rows[row];
        for (std::size_t column = range->first_column;
             column <= range->last_column && column < cells.size(); ++column) {
          if (cells[column].type == Cell::Type::Text)
            cells[column].format = Cell::Format::Hyperlink;
        }
      }
    });
    return core::ok();
  }

  XmlTreeBudget budget_;  // first, so that it outlives every tree
  ZipArchive archive_;
  std::vector<std::string> shared_strings_;
  std::vector<NumberKind> style_kinds_;
  bool date1904_ = false;
  std::size_t cells_ = 0;
  std::size_t merged_ranges_ = 0;
};

}  // namespace

core::Result<core::Workbook> read_xlsx(std::string_view bytes) {
  auto archive = ZipArchive::open(
      bytes, {"the file is not an .xlsx workbook (not a zip archive)", "the workbook"});
  if (!archive) return archive.error();
  return Reader(std::move(archive).value()).read();
}

}  // namespace plm::exchange
