#include "core/exchange/import_layout.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <utility>

#include "core/edit/edit_request.hpp"
#include "core/exchange/csv.hpp"
#include "core/exchange/export_layout.hpp"
#include "core/model/spotify_refs.hpp"
#include "core/model/text.hpp"

namespace plm::core {
namespace {

using Severity = ImportIssue::Severity;

/// How many rows from the top a header (or the "Spotify ID" label) may be found in.
constexpr std::size_t kHeaderSearchRows = 10;
/// Cell text quoted in a message is cut to this many bytes (whole UTF-8 characters).
constexpr std::size_t kQuotedBytes = 60;
constexpr std::int64_t kMillisecondsPerDay = 86'400'000;

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidInput, std::move(message));
}

std::string in_quotes(std::string_view text) { return "\u201c" + std::string(text) + "\u201d"; }

/// `text` cut to kQuotedBytes without splitting a UTF-8 character, in quotes, for messages.
std::string quoted(std::string_view text) {
  if (text.size() <= kQuotedBytes) return in_quotes(text);
  std::size_t end = kQuotedBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return in_quotes(std::string(text.substr(0, end)) + "\u2026");
}

std::string sheet_label(std::string_view sheet) { return "sheet " + in_quotes(sheet); }

// ---- cells as text -----------------------------------------------------------------------------

/// A number as a person would have typed it: "1999", "3.5".
std::string number_text(double number) {
  if (std::isfinite(number) && std::floor(number) == number && std::fabs(number) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(number));
  }
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), number);
  return std::string(buffer.data(), result.ptr);
}

/// What a cell says as text, trimmed: text with plm's formula guard taken off, a number as its
/// digits, a boolean as Excel shows it; "" for an empty cell or a formula's error.
std::string cell_text(const Cell& cell) {
  switch (cell.type) {
    case Cell::Type::Text:
      return restore_neutralised(trim_spaces(cell.text));
    case Cell::Type::Number:
    case Cell::Type::DateTime:
      return number_text(cell.number);
    case Cell::Type::Boolean:
      return cell.boolean ? "TRUE" : "FALSE";
    case Cell::Type::Empty:
    case Cell::Type::Error:
      break;
  }
  return {};
}

const Cell& cell_at(const Sheet& sheet, std::size_t row, std::size_t column) {
  static const Cell kEmpty;
  if (row >= sheet.rows.size() || column >= sheet.rows[row].size()) return kEmpty;
  return sheet.rows[row][column];
}

std::string text_at(const Sheet& sheet, std::size_t row, std::optional<std::size_t> column) {
  return column ? cell_text(cell_at(sheet, row, *column)) : std::string();
}

/// A detail's text exactly as the cell holds it (a playlist name may start or end with spaces);
/// "" for a cell of only white space.
std::string detail_text_at(const Sheet& sheet, std::size_t row, std::size_t column) {
  const Cell& cell = cell_at(sheet, row, column);
  if (cell.type != Cell::Type::Text || trim_spaces(cell.text).empty()) return cell_text(cell);
  return restore_neutralised(cell.text);
}

bool is_blank(const Cell& cell) {
  return cell.is_empty() || (cell.type == Cell::Type::Text && trim_spaces(cell.text).empty());
}

bool is_blank_row(const std::vector<Cell>& row) {
  return std::all_of(row.begin(), row.end(), is_blank);
}

/// A header cell as compared with the synonyms: folded like a search, "_" read as a space,
/// runs of white space made one space.
std::string header_key(const Cell& cell) {
  std::string key;
  bool space = false;
  for (const char c : fold_for_search(cell_text(cell))) {
    if (c == ' ' || c == '_' || c == '\t') {
      space = !key.empty();
      continue;
    }
    if (space) key += ' ';
    space = false;
    key += c;
  }
  return key;
}

// ---- headers -----------------------------------------------------------------------------------

enum class Field { Title, Artist, Album, Uri, Isrc, Duration, DurationMs, Position };

struct Synonym {
  std::string_view key;  ///< as header_key makes it
  Field field;
};

/// The column names a track sheet may use (import_layout.hpp lists them), as header_key folds
/// them.
constexpr std::array<Synonym, 27> kTrackSynonyms{{
    {"title", Field::Title},
    {"track", Field::Title},
    {"track name", Field::Title},
    {"song", Field::Title},
    {"name", Field::Title},
    {"artist", Field::Artist},
    {"artists", Field::Artist},
    {"artist name(s)", Field::Artist},
    {"performer", Field::Artist},
    {"album", Field::Album},
    {"album name", Field::Album},
    {"uri", Field::Uri},
    {"track uri", Field::Uri},
    {"spotify uri", Field::Uri},
    {"link", Field::Uri},
    {"spotify link", Field::Uri},
    {"url", Field::Uri},
    {"isrc", Field::Isrc},
    {"duration", Field::Duration},
    {"length", Field::Duration},
    {"track duration (ms)", Field::DurationMs},
    {"duration (ms)", Field::DurationMs},
    {"position", Field::Position},
    {"#", Field::Position},
    {"no", Field::Position},
    {"no.", Field::Position},
    {"pos", Field::Position},
}};

std::optional<Field> track_field(const std::string& key) {
  for (const auto& synonym : kTrackSynonyms) {
    if (synonym.key == key) return synonym.field;
  }
  return std::nullopt;
}

/// Where a track sheet's fields are (the first column of each name wins).
struct TrackColumns {
  std::optional<std::size_t> title, artist, album, uri, isrc, duration, position;

  bool reads_tracks() const { return (title && artist) || uri; }
};

TrackColumns track_columns(const std::vector<Cell>& header) {
  TrackColumns columns;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const auto field = track_field(header_key(header[i]));
    if (!field) continue;
    const auto claim = [i](std::optional<std::size_t>& column) {
      if (!column) column = i;
    };
    switch (*field) {
      case Field::Title:
        claim(columns.title);
        break;
      case Field::Artist:
        claim(columns.artist);
        break;
      case Field::Album:
        claim(columns.album);
        break;
      case Field::Uri:
        claim(columns.uri);
        break;
      case Field::Isrc:
        claim(columns.isrc);
        break;
      case Field::Duration:
      case Field::DurationMs:
        claim(columns.duration);
        break;
      case Field::Position:
        claim(columns.position);
        break;
    }
  }
  return columns;
}

/// Where the index sheet's fields are: an "ID" and a "Name" column and no artist column (a track
/// sheet may have a "Name" and even an "ID" column, but then it names artists).
struct IndexColumns {
  std::size_t id = 0, name = 0;
  std::optional<std::size_t> description, is_public, collaborative, tags;
};

std::optional<IndexColumns> index_columns(const std::vector<Cell>& header) {
  std::map<std::string, std::size_t, std::less<>> at;
  for (std::size_t i = 0; i < header.size(); ++i) at.emplace(header_key(header[i]), i);
  const auto column = [&](std::string_view key) -> std::optional<std::size_t> {
    const auto found = at.find(key);
    return found == at.end() ? std::nullopt : std::optional<std::size_t>(found->second);
  };
  if (!column("id") || !column("name") || track_columns(header).artist) return std::nullopt;
  return IndexColumns{*column("id"),    *column("name"),         column("description"),
                      column("public"), column("collaborative"), column("tags")};
}

// ---- values ------------------------------------------------------------------------------------

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> whole_number(std::string_view text) {
  if (!all_digits(text) || text.size() > 15) return std::nullopt;
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

/// "3:45", "03:45", "1:02:03" (and a fraction of a second after a dot): milliseconds.
std::optional<std::int64_t> clock_duration(std::string_view text) {
  std::int64_t milliseconds = 0;
  if (const auto dot = text.find('.'); dot != std::string_view::npos) {
    const auto fraction = text.substr(dot + 1);
    if (!all_digits(fraction) || fraction.size() > 3) return std::nullopt;
    milliseconds = *whole_number(fraction);
    for (std::size_t digits = fraction.size(); digits < 3; ++digits) milliseconds *= 10;
    text = text.substr(0, dot);
  }
  std::vector<std::int64_t> parts;
  while (true) {
    const auto colon = text.find(':');
    const auto part = whole_number(text.substr(0, colon));
    if (!part) return std::nullopt;
    parts.push_back(*part);
    if (colon == std::string_view::npos) break;
    text = text.substr(colon + 1);
  }
  if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i] > 59) return std::nullopt;
  }
  std::int64_t seconds = 0;
  for (const auto part : parts) seconds = seconds * 60 + part;
  return seconds * 1000 + milliseconds;
}

/// A duration cell: a Duration (or time) cell holds days, a plain number milliseconds, text
/// "m:ss" or a number of milliseconds. nullopt for anything else (the caller warns).
std::optional<std::int64_t> duration_ms(const Cell& cell) {
  switch (cell.type) {
    case Cell::Type::Number:
      if (cell.number < 0 || !std::isfinite(cell.number)) return std::nullopt;
      if (cell.format == Cell::Format::Duration) {
        return std::llround(cell.number * static_cast<double>(kMillisecondsPerDay));
      }
      return std::llround(cell.number);
    case Cell::Type::DateTime:
      // A time of day ("0:03:45" typed into a time-formatted cell): the fraction of a day.
      if (cell.number < 0 || cell.number >= 1) return std::nullopt;
      return std::llround(cell.number * static_cast<double>(kMillisecondsPerDay));
    case Cell::Type::Text: {
      const std::string text = cell_text(cell);
      if (auto milliseconds = whole_number(text)) return milliseconds;
      return clock_duration(text);
    }
    case Cell::Type::Empty:
    case Cell::Type::Boolean:
    case Cell::Type::Error:
      break;
  }
  return std::nullopt;
}

std::optional<std::int64_t> position_of(const Cell& cell) {
  if (cell.type == Cell::Type::Number && std::isfinite(cell.number) &&
      std::fabs(cell.number) < 1e15) {
    return std::llround(cell.number);
  }
  if (cell.type == Cell::Type::Text) return whole_number(cell_text(cell));
  return std::nullopt;
}

/// An ISRC upper-cased without hyphens or spaces, or nullopt when it is none: two letters, three
/// letters or digits, seven digits.
std::optional<std::string> isrc_of(std::string_view text) {
  std::string isrc;
  for (const char c : text) {
    if (c == '-' || c == ' ') continue;
    isrc += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  const auto alpha = [](char c) { return c >= 'A' && c <= 'Z'; };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (isrc.size() != 12 || !alpha(isrc[0]) || !alpha(isrc[1])) return std::nullopt;
  for (std::size_t i = 2; i < 5; ++i) {
    if (!alpha(isrc[i]) && !digit(isrc[i])) return std::nullopt;
  }
  for (std::size_t i = 5; i < 12; ++i) {
    if (!digit(isrc[i])) return std::nullopt;
  }
  return isrc;
}

/// Artists as a person reads them: Exportify writes a comma inside a name as "\\,".
std::string artists_text(std::string text) {
  for (auto at = text.find("\\,"); at != std::string::npos; at = text.find("\\,", at)) {
    text.erase(at, 1);
  }
  return text;
}

std::optional<bool> yes_or_no(const Cell& cell) {
  if (cell.type == Cell::Type::Boolean) return cell.boolean;
  if (cell.type == Cell::Type::Number) return cell.number != 0;
  const std::string text = fold_for_search(cell_text(cell));
  if (text == "true" || text == "yes" || text == "1" || text == "x") return true;
  if (text == "false" || text == "no" || text == "0") return false;
  return std::nullopt;
}

/// "a, b,c" -> {"a", "b", "c"} (empty parts dropped).
std::vector<std::string> split_tags(std::string_view text) {
  std::vector<std::string> tags;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto tag = trim_spaces(text.substr(0, comma));
    if (!tag.empty()) tags.emplace_back(tag);
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  return tags;
}

// ---- the reader --------------------------------------------------------------------------------

/// A playlist of the index sheet, before it is joined to its track sheet.
struct IndexEntry {
  ImportedPlaylist playlist;
  bool joined = false;
};

/// Reads a workbook sheet by sheet into the document.
class DocumentReader {
 public:
  DocumentReader(const Workbook& workbook, const ImportOptions& options)
      : workbook_(workbook), options_(options) {}

  Result<ImportDocument> read() {
    for (const auto& sheet : workbook_.sheets) {
      const std::size_t first_issue = document_.issues.size();
      if (auto read = read_sheet(sheet); !read) return read.error();
      // In row order within the sheet (sheet-wide issues first).
      std::stable_sort(document_.issues.begin() + static_cast<std::ptrdiff_t>(first_issue),
                       document_.issues.end(), [](const ImportIssue& a, const ImportIssue& b) {
                         return a.row.value_or(0) + (a.row ? 1 : 0) <
                                b.row.value_or(0) + (b.row ? 1 : 0);
                       });
    }
    if (auto given = apply_playlist_option(); !given) return given.error();
    assemble();
    if (document_.playlists.empty()) {
      std::string reasons;
      for (const auto& reason : ignored_) reasons += (reasons.empty() ? "" : "; ") + reason;
      if (reasons.empty()) reasons = "it has no sheet";
      return invalid("the workbook has no sheet plm can read: " + reasons);
    }
    return std::move(document_);
  }

 private:
  void issue(Severity severity, const Sheet& sheet, std::optional<std::size_t> row,
             std::optional<std::size_t> column, std::string message) {
    document_.issues.push_back({severity, sheet.name, row, column, std::move(message)});
  }
  void warn(const Sheet& sheet, std::optional<std::size_t> row, std::optional<std::size_t> column,
            std::string message) {
    issue(Severity::Warning, sheet, row, column, std::move(message));
  }
  void error(const Sheet& sheet, std::optional<std::size_t> row, std::optional<std::size_t> column,
             std::string message) {
    issue(Severity::Error, sheet, row, column, std::move(message));
  }
  void ignore(const Sheet& sheet, std::string why) {
    warn(sheet, std::nullopt, std::nullopt, why + ": ignored");
    ignored_.push_back(sheet_label(sheet.name) + ": " + why);
  }

  Status read_sheet(const Sheet& sheet) {
    if (fold_for_search(sheet.name) == fold_for_search(kScheduleSheetName)) {
      ignore(sheet, "a schedule, which this version of plm does not read");
      return ok();
    }
    if (sheet.hidden) {
      ignore(sheet, "a hidden sheet");
      return ok();
    }
    if (std::all_of(sheet.rows.begin(), sheet.rows.end(), is_blank_row)) {
      ignore(sheet, "an empty sheet");
      return ok();
    }
    const std::size_t top = std::min(sheet.rows.size(), kHeaderSearchRows);
    for (std::size_t row = 0; row < top; ++row) {
      // A header row of tracks may start with a "Spotify ID" column (of track ids): not a label.
      if (header_key(cell_at(sheet, row, 0)) == fold_for_search(kIdLabel) &&
          !track_columns(sheet.rows[row]).reads_tracks()) {
        return read_playlist_sheet(sheet, row);
      }
    }
    for (std::size_t row = 0; row < top; ++row) {
      if (is_blank_row(sheet.rows[row])) continue;
      if (auto columns = index_columns(sheet.rows[row])) {
        read_index(sheet, row, *columns);
        return ok();
      }
      if (auto columns = track_columns(sheet.rows[row]); columns.reads_tracks()) {
        ImportedPlaylist playlist;
        playlist.sheet = sheet.name;
        playlist.name = sheet.name;
        return read_tracks(sheet, row, columns, std::move(playlist));
      }
    }
    ignore(sheet,
           "no header row naming a title and an artist column, or a URI column, in its first " +
               std::to_string(kHeaderSearchRows) + " rows");
    return ok();
  }

  /// plm's own sheet: the labels at the top say which playlist it is.
  Status read_playlist_sheet(const Sheet& sheet, std::size_t id_row) {
    document_.layout = ImportDocument::Layout::Plm;
    ImportedPlaylist playlist;
    playlist.sheet = sheet.name;
    playlist.name = sheet.name;
    const std::string id_text = text_at(sheet, id_row, 1);
    if (auto id = playlist_id_from(id_text)) {
      playlist.playlist_id = std::move(*id);
    } else {
      error(sheet, id_row, 1,
            id_text.empty() ? "the Spotify ID cell is empty: the sheet is found by its name"
                            : "the Spotify ID cell holds " + quoted(id_text) +
                                  ", not a playlist id: the sheet is found by its name");
    }
    const std::size_t top = std::min(sheet.rows.size(), kHeaderSearchRows);
    for (std::size_t row = 0; row < top; ++row) {
      if (header_key(cell_at(sheet, row, 0)) == fold_for_search(kPlaylistLabel)) {
        if (auto name = text_at(sheet, row, 1); !name.empty()) playlist.name = std::move(name);
      }
    }
    const std::size_t last = std::min(sheet.rows.size(), id_row + 1 + kHeaderSearchRows);
    for (std::size_t row = id_row + 1; row < last; ++row) {
      // The "Link" label would read as a header naming a URI column.
      if (header_key(cell_at(sheet, row, 0)) == fold_for_search(kLinkLabel)) continue;
      if (auto columns = track_columns(sheet.rows[row]); columns.reads_tracks()) {
        return read_tracks(sheet, row, columns, std::move(playlist));
      }
    }
    // An export of a playlist whose items plm could not read has a note there instead: the
    // playlist keeps its tracks, and the index may still change its details.
    warn(sheet, std::nullopt, std::nullopt,
         "no header row of tracks under its Spotify ID: the playlist's tracks are left alone");
    add_sheet_playlist(sheet, std::move(playlist));
    return ok();
  }

  /// The sheet-wide warnings about what lies over the track rows: formulas and merged cells.
  void warn_about_cells(const Sheet& sheet, std::size_t header_row) {
    for (std::size_t row = header_row + 1; row < sheet.rows.size(); ++row) {
      const auto& cells = sheet.rows[row];
      const auto formula =
          std::find_if(cells.begin(), cells.end(), [](const Cell& c) { return c.formula; });
      if (formula != cells.end()) {
        warn(sheet, row, static_cast<std::size_t>(formula - cells.begin()),
             "cells of this sheet hold formulas (the first is here): their last computed values "
             "are read");
        break;
      }
    }
    for (const auto& range : sheet.merged) {
      if (range.last_row > header_row) {
        warn(sheet, range.first_row, range.first_column,
             "cells over the track rows are merged (the first range starts here): only the "
             "top-left cell of a merged range holds its value");
        break;
      }
    }
  }

  Status read_tracks(const Sheet& sheet, std::size_t header_row, const TrackColumns& columns,
                     ImportedPlaylist playlist) {
    warn_about_cells(sheet, header_row);
    playlist.has_items = true;
    std::int64_t ordinal = 0;
    bool position_warned = false;
    for (std::size_t row = header_row + 1; row < sheet.rows.size(); ++row) {
      if (is_blank_row(sheet.rows[row])) continue;
      ++ordinal;
      if (static_cast<std::size_t>(ordinal) > kMaxPlaylistItems) {
        return invalid(sheet_label(sheet.name) + " has more than " +
                       std::to_string(kMaxPlaylistItems) +
                       " track rows, more than a playlist may hold");
      }
      auto read = read_row(sheet, row, columns);
      if (!read) continue;
      if (read->position && *read->position != ordinal && !position_warned) {
        position_warned = true;
        warn(sheet, row, columns.position,
             "the Position column says " + std::to_string(*read->position) +
                 " where this is track row " + std::to_string(ordinal) +
                 ": the row order is the playlist's order (Position is only for reading)");
      }
      playlist.rows.push_back(std::move(*read));
    }
    add_sheet_playlist(sheet, std::move(playlist));
    return ok();
  }

  /// One track row, or nullopt when it is an Error row (the issue is recorded).
  std::optional<ImportRow> read_row(const Sheet& sheet, std::size_t row,
                                    const TrackColumns& columns) {
    ImportRow result;
    result.row = row;
    if (const std::string uri = text_at(sheet, row, columns.uri); !uri.empty()) {
      if (uri == kUnavailableMarker) {
        result.unavailable_slot = true;
      } else if (uri.starts_with("spotify:local:")) {
        result.uri = uri;
      } else if (auto item = item_uri_from(uri)) {
        result.uri = std::move(*item);
      } else {
        error(sheet, row, columns.uri,
              "the URI cell holds " + quoted(uri) +
                  ", not a Spotify track or episode URI or link: the row is left out");
        return std::nullopt;
      }
    }
    if (const std::string isrc = text_at(sheet, row, columns.isrc); !isrc.empty()) {
      if (auto normal = isrc_of(isrc)) {
        result.isrc = std::move(*normal);
      } else {
        warn(sheet, row, columns.isrc, "the ISRC cell holds " + quoted(isrc) + ", not an ISRC");
      }
    }
    if (columns.duration && !is_blank(cell_at(sheet, row, *columns.duration))) {
      const Cell& cell = cell_at(sheet, row, *columns.duration);
      result.duration_ms = duration_ms(cell);
      if (!result.duration_ms) {
        warn(sheet, row, columns.duration,
             "the duration cell holds " + quoted(cell_text(cell)) +
                 ", not a duration (m:ss or milliseconds)");
      }
    }
    if (columns.position) result.position = position_of(cell_at(sheet, row, *columns.position));
    if (!result.uri.empty() || result.unavailable_slot) return result;

    std::string title = text_at(sheet, row, columns.title);
    if (title.empty() && result.isrc.empty()) {
      error(sheet, row, columns.title ? columns.title : columns.uri,
            "the row has neither a URI nor a title: it is left out");
      return std::nullopt;
    }
    if (!title.empty()) {
      result.reading =
          LineReading{std::move(title), artists_text(text_at(sheet, row, columns.artist)),
                      text_at(sheet, row, columns.album)};
    }
    return result;
  }

  void read_index(const Sheet& sheet, std::size_t header_row, const IndexColumns& columns) {
    document_.layout = ImportDocument::Layout::Plm;
    index_slot_ = slots_.size();
    slots_.push_back(std::nullopt);
    std::map<std::string, std::size_t> rows_of_ids;
    for (std::size_t row = header_row + 1; row < sheet.rows.size(); ++row) {
      if (is_blank_row(sheet.rows[row])) continue;
      ImportedPlaylist playlist;
      playlist.sheet = sheet.name;
      playlist.index_row = row;
      if (const std::string id_text = text_at(sheet, row, columns.id); !id_text.empty()) {
        auto id = playlist_id_from(id_text);
        if (!id) {
          error(
              sheet, row, columns.id,
              "the ID cell holds " + quoted(id_text) + ", not a playlist id: the row is left out");
          continue;
        }
        if (const auto [earlier, fresh] = rows_of_ids.emplace(*id, row); !fresh) {
          error(sheet, row, columns.id,
                "playlist " + *id + " is on row " + std::to_string(earlier->second + 1) +
                    " already: this row is left out");
          continue;
        }
        playlist.playlist_id = std::move(*id);
      }
      playlist.name = detail_text_at(sheet, row, columns.name);
      if (!playlist.name.empty()) playlist.details.name = playlist.name;
      if (!playlist.playlist_id && playlist.name.empty()) {
        error(sheet, row, columns.id, "the row has neither an ID nor a name: it is left out");
        continue;
      }
      if (columns.description) {
        playlist.details.description = detail_text_at(sheet, row, *columns.description);
      }
      const auto flag = [&](std::optional<std::size_t> column, std::string_view what,
                            std::optional<bool>& into) {
        if (!column || is_blank(cell_at(sheet, row, *column))) return;
        into = yes_or_no(cell_at(sheet, row, *column));
        if (!into) {
          warn(sheet, row, column,
               "the " + std::string(what) + " cell holds " + quoted(text_at(sheet, row, column)) +
                   ", not TRUE or FALSE: left as it is");
        }
      };
      flag(columns.is_public, "Public", playlist.details.is_public);
      flag(columns.collaborative, "Collaborative", playlist.details.collaborative);
      if (columns.tags) playlist.details.tags = split_tags(text_at(sheet, row, columns.tags));
      index_.push_back(IndexEntry{std::move(playlist), false});
    }
  }

  /// A track sheet's playlist, unless an earlier sheet names the same playlist.
  void add_sheet_playlist(const Sheet& sheet, ImportedPlaylist playlist) {
    for (const auto& slot : slots_) {
      if (!slot) continue;
      const bool same =
          playlist.playlist_id
              ? slot->playlist_id == playlist.playlist_id
              : !slot->playlist_id && fold_for_search(slot->name) == fold_for_search(playlist.name);
      if (same) {
        error(sheet, std::nullopt, std::nullopt,
              "names the same playlist as " + sheet_label(slot->sheet) + ": its rows are not used");
        return;
      }
    }
    slots_.emplace_back(std::move(playlist));
  }

  Status apply_playlist_option() {
    if (!options_.playlist_id) return ok();
    auto id = playlist_id_from(*options_.playlist_id);
    if (!id) return invalid(quoted(*options_.playlist_id) + " is not a playlist id, URI or link");
    const auto sheets = std::count_if(slots_.begin(), slots_.end(),
                                      [](const auto& slot) { return slot.has_value(); });
    if (sheets > 1) {
      return invalid("the file has " + std::to_string(sheets) +
                     " sheets of tracks: a playlist to import into goes with a file of one");
    }
    for (auto& slot : slots_) {
      if (slot) slot->playlist_id = *id;
    }
    return ok();
  }

  /// The index entry of a track sheet's playlist: by id, else by name.
  IndexEntry* index_entry_of(const ImportedPlaylist& playlist) {
    for (auto& entry : index_) {
      if (entry.joined) continue;
      if (playlist.playlist_id
              ? entry.playlist.playlist_id == playlist.playlist_id
              : fold_for_search(entry.playlist.name) == fold_for_search(playlist.name)) {
        return &entry;
      }
    }
    return nullptr;
  }

  /// The document's playlists in sheet order: each track sheet's, joined to its index row; the
  /// index rows without a sheet where the index sheet is.
  void assemble() {
    for (auto& slot : slots_) {
      if (!slot) continue;
      if (auto* entry = index_entry_of(*slot)) {
        entry->joined = true;
        slot->index_row = entry->playlist.index_row;
        slot->details = entry->playlist.details;
        if (!slot->playlist_id) slot->playlist_id = entry->playlist.playlist_id;
      }
    }
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i]) {
        document_.playlists.push_back(std::move(*slots_[i]));
      } else if (index_slot_ == i) {
        for (auto& entry : index_) {
          if (!entry.joined) document_.playlists.push_back(std::move(entry.playlist));
        }
      }
    }
  }

  const Workbook& workbook_;
  const ImportOptions& options_;
  ImportDocument document_;
  /// Track sheets' playlists in sheet order; nullopt where the index sheet is.
  std::vector<std::optional<ImportedPlaylist>> slots_;
  std::optional<std::size_t> index_slot_;
  std::vector<IndexEntry> index_;
  std::vector<std::string> ignored_;  ///< "sheet “X”: why", for the file-wide error
};

// ---- rows for the matcher ----------------------------------------------------------------------

/// "Artist – Title" (or the title alone, or the ISRC), for people.
std::string line_input(const ImportRow& row) {
  if (!row.reading) return row.isrc;
  if (row.reading->artist.empty()) return row.reading->title;
  return row.reading->artist + " \u2013 " + row.reading->title;
}

/// A cell of a tab-separated line: tabs and line breaks become spaces.
std::string tab_field(std::string_view text) {
  std::string field(text);
  std::replace_if(
      field.begin(), field.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  return field;
}

/// "3:45" (or "1:02:03"), as the paste parser reads a duration cell.
std::string clock_text(std::int64_t milliseconds) {
  const std::int64_t seconds = (milliseconds + 500) / 1000;
  const auto two = [](std::int64_t value) {
    return (value < 10 ? "0" : "") + std::to_string(value);
  };
  if (seconds >= 3600) {
    return std::to_string(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60);
  }
  return std::to_string(seconds / 60) + ":" + two(seconds % 60);
}

}  // namespace

std::string_view to_string(ImportIssue::Severity severity) {
  return severity == Severity::Error ? "error" : "warning";
}

std::string describe(const ImportIssue& issue) {
  std::string where;
  if (!issue.sheet.empty()) where = sheet_label(issue.sheet);
  if (issue.row) where += (where.empty() ? "row " : ", row ") + std::to_string(*issue.row + 1);
  if (issue.column) {
    where += (where.empty() ? "column " : ", column ") + column_letters(*issue.column);
  }
  return where.empty() ? issue.message : where + ": " + issue.message;
}

std::vector<std::pair<std::size_t, std::size_t>> ImportDocument::rows_to_match() const {
  std::vector<std::pair<std::size_t, std::size_t>> rows;
  for (std::size_t p = 0; p < playlists.size(); ++p) {
    for (std::size_t r = 0; r < playlists[p].rows.size(); ++r) {
      if (playlists[p].rows[r].needs_match()) rows.emplace_back(p, r);
    }
  }
  return rows;
}

Result<ImportDocument> read_import(const Workbook& workbook, const ImportOptions& options) {
  return DocumentReader(workbook, options).read();
}

ParsedPaste paste_of_rows(const ImportDocument& document) {
  ParsedPaste paste;
  for (const auto& [p, r] : document.rows_to_match()) {
    const ImportRow& row = document.playlists[p].rows[r];
    PastedLine line;
    line.number = paste.lines.size() + 1;
    line.input = line_input(row);
    if (row.reading) {
      line.kind = LineKind::Text;
      line.readings = {*row.reading};
    } else {
      line.kind = LineKind::Isrc;
      line.isrc = row.isrc;
    }
    line.duration_ms = row.duration_ms;
    paste.lines.push_back(std::move(line));
  }
  return paste;
}

std::vector<std::string> paste_inputs_of_rows(const ImportDocument& document) {
  std::vector<std::string> lines{"Title\tArtist\tAlbum\tISRC\tDuration"};
  for (const auto& [p, r] : document.rows_to_match()) {
    const ImportRow& row = document.playlists[p].rows[r];
    const LineReading reading = row.reading.value_or(LineReading{});
    lines.push_back(tab_field(reading.title) + "\t" + tab_field(reading.artist) + "\t" +
                    tab_field(reading.album) + "\t" + row.isrc + "\t" +
                    (row.duration_ms ? clock_text(*row.duration_ms) : ""));
  }
  return lines;
}

}  // namespace plm::core
