#include "core/exchange/export_layout.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "core/exchange/utf8.hpp"

namespace plm::core {
namespace {

constexpr std::size_t kMaxColumnWidth = 60;
constexpr std::size_t kMaxCsvFileNameBytes = 100;
constexpr std::u32string_view kDefaultName = U"Playlist";  ///< a name with nothing left
constexpr char32_t kReplacementCharacter = 0xFFFD;

constexpr std::string_view kUnreadableLabel = "Note";
constexpr std::string_view kUnreadableNote =
    "Tracks not exported: plm has not read this playlist's tracks (Spotify lets it read only the "
    "playlists the account owns or collaborates on). An import leaves its tracks alone.";

// ---- names --------------------------------------------------------------------------------

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

/// The code points of `text`, each ill-formed byte read as U+FFFD.
std::u32string code_points(std::string_view text) {
  std::u32string points;
  points.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const utf8::Decoded decoded = utf8::decode(text, at);
    points.push_back(decoded.length == 0 ? kReplacementCharacter : decoded.code_point);
    at += decoded.length == 0 ? 1 : decoded.length;
  }
  return points;
}

std::string to_utf8(std::u32string_view points) {
  std::string text;
  text.reserve(points.size());
  for (const char32_t c : points) append_utf8(text, c);
  return text;
}

std::u32string case_key(std::u32string_view name) {
  std::u32string key(name);
  for (char32_t& c : key) c = utf8::lower_case(c);
  return key;
}

/// How a name's length counts: Excel counts a sheet name's UTF-16 code units, file systems and
/// zip entries their UTF-8 bytes.
using LengthOf = std::size_t (*)(char32_t);
std::size_t utf16_length(char32_t c) { return utf8::utf16_units(c); }
std::size_t utf8_length(char32_t c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

std::size_t length_of(std::u32string_view name, LengthOf length) {
  std::size_t total = 0;
  for (const char32_t c : name) total += length(c);
  return total;
}

/// `name` cut to at most `limit` (whole characters).
std::u32string_view cut(std::u32string_view name, std::size_t limit, LengthOf length) {
  std::size_t used = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    used += length(name[i]);
    if (used > limit) return name.substr(0, i);
  }
  return name;
}

/// `name` without the spaces and apostrophes around it (Excel refuses a sheet name that starts or
/// ends with an apostrophe), nor, when `dots`, the dots (Windows drops trailing dots from file
/// names; a leading one hides a file on Unix).
std::u32string_view trim(std::u32string_view name, bool dots) {
  const auto trimmed = [dots](char32_t c) {
    return c == U' ' || c == U'\'' || (dots && c == U'.');
  };
  while (!name.empty() && trimmed(name.front())) name.remove_prefix(1);
  while (!name.empty() && trimmed(name.back())) name.remove_suffix(1);
  return name;
}

bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

struct NameRules {
  std::u32string_view forbidden;  ///< replaced by a space, as control characters are
  std::size_t limit = 0;
  LengthOf length = utf16_length;
  bool trim_dots = false;
  std::vector<std::u32string> reserved;  ///< case keys no name may take
};

/// One name made safe by `rules`, before it is made unique.
std::u32string safe_name(std::string_view name, const NameRules& rules) {
  std::u32string points = code_points(name);
  for (char32_t& c : points) {
    if (is_control(c) || rules.forbidden.find(c) != std::u32string_view::npos) c = U' ';
  }
  std::u32string safe(
      trim(cut(trim(points, rules.trim_dots), rules.limit, rules.length), rules.trim_dots));
  if (safe.empty()) safe = kDefaultName;
  return safe;
}

/// `names` made safe and unique by `rules`: the first of equal names (ignoring case) keeps its
/// name, the next ones get " (2)", " (3)"… with the name cut so that the suffix fits.
std::vector<std::u32string> unique_names(const std::vector<std::string>& names,
                                         const NameRules& rules) {
  std::unordered_set<std::u32string> taken(rules.reserved.begin(), rules.reserved.end());
  taken.reserve(names.size() * 2 + rules.reserved.size());
  // The next suffix to try for a name: many playlists called "New Playlist" stay linear.
  std::unordered_map<std::u32string, std::size_t> next_suffix;
  std::vector<std::u32string> unique;
  unique.reserve(names.size());
  for (const std::string& name : names) {
    std::u32string safe = safe_name(name, rules);
    std::u32string key = case_key(safe);
    if (taken.insert(key).second) {
      unique.push_back(std::move(safe));
      continue;
    }
    std::size_t& suffix = next_suffix.try_emplace(key, 2).first->second;
    while (true) {
      std::u32string candidate;
      for (const char c : " (" + std::to_string(suffix++) + ")")
        candidate += static_cast<char32_t>(c);
      const std::size_t room = rules.limit - length_of(candidate, rules.length);
      candidate.insert(0, trim(cut(safe, room, rules.length), rules.trim_dots));
      if (taken.insert(case_key(candidate)).second) {
        unique.push_back(std::move(candidate));
        break;
      }
    }
  }
  return unique;
}

/// Windows refuses these as file names whatever their extension ("CON.csv").
bool is_windows_device_name(std::u32string_view name) {
  const std::u32string key = case_key(name);
  for (const std::u32string_view device : {U"con", U"prn", U"aux", U"nul"}) {
    if (key == device) return true;
  }
  return key.size() == 4 && (key.starts_with(U"com") || key.starts_with(U"lpt")) &&
         key[3] >= U'1' && key[3] <= U'9';
}

// ---- cells --------------------------------------------------------------------------------

/// A text cell as plm writes every text: neutralised; empty text is an empty cell.
Cell text_cell(std::string_view text) {
  if (text.empty()) return Cell::empty();
  return Cell::of_text(neutralise_formula(text));
}

Cell bold(std::string_view label) { return Cell::of_text(std::string(label), Cell::Format::Bold); }

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (const std::string& part : parts) {
    if (!joined.empty()) joined += separator;
    joined += part;
  }
  return joined;
}

std::vector<Cell> header_row(const auto& columns) {
  std::vector<Cell> row;
  row.reserve(columns.size());
  for (const std::string_view column : columns) row.push_back(bold(column));
  return row;
}

/// A full "YYYY-MM-DD" as a Date cell; "1987" and "1987-06" (Spotify's coarser precisions) and
/// anything unexpected as text.
Cell release_date_cell(std::string_view date) {
  const auto number = [&](std::size_t at, std::size_t digits, int& value) {
    const auto [end, error] = std::from_chars(date.data() + at, date.data() + at + digits, value);
    return error == std::errc{} && end == date.data() + at + digits;
  };
  int year = 0, month = 0, day = 0;
  if (date.size() == 10 && date[4] == '-' && date[7] == '-' && number(0, 4, year) &&
      number(5, 2, month) && number(8, 2, day)) {
    const std::chrono::year_month_day ymd{std::chrono::year{year},
                                          std::chrono::month{static_cast<unsigned>(month)},
                                          std::chrono::day{static_cast<unsigned>(day)}};
    if (ymd.ok() && year >= 1900) {
      const auto days = std::chrono::sys_days{ymd}.time_since_epoch().count();
      return Cell::of_unix_seconds(static_cast<std::int64_t>(days) * 86'400, Cell::Format::Date);
    }
  }
  return text_cell(date);
}

/// The width a cell's shown value takes, in characters.
std::size_t shown_width(const Cell& cell) {
  switch (cell.type) {
    case Cell::Type::Empty:
      return 0;
    case Cell::Type::Text:
    case Cell::Type::Error: {
      std::size_t width = 0, line = 0;  // the longest line of the text, in characters
      for (const char c : cell.text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
          line = 0;
        } else if ((byte & 0xC0) != 0x80) {  // not a continuation byte: a character starts
          line += byte >= 0xF0 ? 2 : 1;      // 4-byte sequences are two UTF-16 units
        }
        width = std::max(width, line);
      }
      return width;
    }
    case Cell::Type::Boolean:
      return 5;  // FALSE
    case Cell::Type::DateTime:
      return cell.format == Cell::Format::Date ? 10 : 19;  // yyyy-mm-dd hh:mm:ss
    case Cell::Type::Number:
      if (cell.format == Cell::Format::Duration) return 7;  // h:mm:ss
      return std::to_string(static_cast<std::int64_t>(cell.number)).size();
  }
  return 0;
}

/// Column widths that fit the content (with a little room, at most kMaxColumnWidth): column A
/// over every row (its labels), the others over the rows from `first_row` (the label rows' values
/// may spill into the empty cells to their right).
void fit_column_widths(Sheet& sheet, std::size_t first_row) {
  std::vector<std::size_t> widths;
  for (std::size_t r = 0; r < sheet.rows.size(); ++r) {
    const std::vector<Cell>& row = sheet.rows[r];
    const std::size_t columns = r < first_row ? std::min<std::size_t>(row.size(), 1) : row.size();
    if (widths.size() < columns) widths.resize(columns, 0);
    for (std::size_t c = 0; c < columns; ++c) widths[c] = std::max(widths[c], shown_width(row[c]));
  }
  sheet.column_widths.clear();
  sheet.column_widths.reserve(widths.size());
  for (const std::size_t width : widths) {
    sheet.column_widths.push_back(
        width == 0 ? 0.0 : static_cast<double>(std::min(width + 2, kMaxColumnWidth)));
  }
}

std::int64_t exported_track_count(const ExportPlaylist& playlist) {
  return playlist.items_readable ? static_cast<std::int64_t>(playlist.items.size())
                                 : playlist.playlist.summary.item_count;
}

std::vector<Cell> index_row(const ExportPlaylist& exported) {
  const PlaylistSummary& summary = exported.playlist.summary;
  const std::string& snapshot =
      exported.items_readable && !exported.playlist.items_snapshot_id.empty()
          ? exported.playlist.items_snapshot_id
          : summary.snapshot_id;
  std::vector<Cell> row;
  row.reserve(kIndexColumns.size());
  row.push_back(text_cell(summary.id));
  row.push_back(text_cell(summary.name));
  row.push_back(text_cell(summary.description));
  row.push_back(Cell::of_boolean(summary.is_public));
  row.push_back(Cell::of_boolean(summary.collaborative));
  row.push_back(text_cell(summary.owner_name.empty() ? summary.owner_id : summary.owner_name));
  row.push_back(Cell::of_number(static_cast<double>(exported_track_count(exported))));
  row.push_back(text_cell(snapshot));
  row.push_back(text_cell(join(exported.playlist.tags, ", ")));
  row.push_back(Cell::of_text(playlist_link(summary.id), Cell::Format::Hyperlink));
  return row;
}

Sheet index_sheet(const std::vector<ExportPlaylist>& playlists) {
  Sheet sheet;
  sheet.name = std::string(kIndexSheetName);
  sheet.rows.reserve(playlists.size() + 1);
  sheet.rows.push_back(header_row(kIndexColumns));
  for (const ExportPlaylist& playlist : playlists) sheet.rows.push_back(index_row(playlist));
  sheet.frozen_rows = 1;
  sheet.filter_row = 0;
  fit_column_widths(sheet, 0);
  return sheet;
}

/// The item's track as exported: none (all fields empty) for an unavailable slot or an item
/// Spotify described no track for.
const TrackInfo& exported_track(const PlaylistItem& item) {
  static const TrackInfo kNoTrack;
  return item.track && !item.unavailable ? *item.track : kNoTrack;
}

std::vector<Cell> track_row(const PlaylistItem& item, std::size_t position) {
  const TrackInfo& track = exported_track(item);
  std::vector<Cell> row;
  row.reserve(kTrackColumns.size());
  row.push_back(Cell::of_number(static_cast<double>(position)));
  row.push_back(text_cell(track.name));
  row.push_back(text_cell(join(track.artists, ", ")));
  row.push_back(text_cell(track.album));
  row.push_back(release_date_cell(track.release_date));
  row.push_back(track.duration_ms > 0 ? Cell::of_duration_ms(track.duration_ms) : Cell::empty());
  row.push_back(item.added_at ? Cell::of_unix_seconds(to_unix_seconds(*item.added_at))
                              : Cell::empty());
  row.push_back(text_cell(item.added_by));
  row.push_back(item.unavailable ? Cell::of_text(std::string(kUnavailableMarker))
                                 : text_cell(item.uri));
  row.push_back(text_cell(track.isrc));
  return row;
}

Sheet playlist_sheet(const ExportPlaylist& exported, std::string name) {
  const PlaylistSummary& summary = exported.playlist.summary;
  Sheet sheet;
  sheet.name = std::move(name);
  sheet.rows.reserve(kTrackHeaderRow + 1 + exported.items.size());
  sheet.rows.push_back({bold(kPlaylistLabel), text_cell(summary.name)});
  sheet.rows.push_back({bold(kIdLabel), text_cell(summary.id)});
  sheet.rows.push_back(
      {bold(kLinkLabel), Cell::of_text(playlist_link(summary.id), Cell::Format::Hyperlink)});
  sheet.rows.emplace_back();
  if (!exported.items_readable) {
    sheet.rows.push_back({bold(kUnreadableLabel), Cell::of_text(std::string(kUnreadableNote))});
    fit_column_widths(sheet, kTrackHeaderRow + 1);
    return sheet;
  }
  sheet.rows.push_back(header_row(kTrackColumns));
  for (std::size_t i = 0; i < exported.items.size(); ++i) {
    sheet.rows.push_back(track_row(exported.items[i], i + 1));
  }
  sheet.frozen_rows = kTrackHeaderRow + 1;
  sheet.filter_row = kTrackHeaderRow;
  fit_column_widths(sheet, kTrackHeaderRow);
  return sheet;
}

/// Exportify's "Artist Name(s)": names joined by ", ", a comma inside a name written "\,".
std::string exportify_artists(const std::vector<std::string>& artists) {
  std::string joined;
  for (const std::string& artist : artists) {
    if (!joined.empty()) joined += ", ";
    for (const char c : artist) {
      if (c == ',') joined += '\\';
      joined += c;
    }
  }
  return joined;
}

CsvRow exportify_row(const PlaylistItem& item) {
  const bool has_track = item.track.has_value() && !item.unavailable;
  const TrackInfo& track = exported_track(item);
  CsvRow row;
  row.reserve(kExportifyColumns.size());
  row.push_back(item.unavailable ? std::string(kUnavailableMarker) : item.uri);  // Track URI
  row.push_back(track.name);                                                     // Track Name
  row.emplace_back();                                                            // Artist URI(s)
  row.push_back(exportify_artists(track.artists));                               // Artist Name(s)
  row.emplace_back();                                                            // Album URI
  row.push_back(track.album);                                                    // Album Name
  row.emplace_back();                    // Album Artist URI(s)
  row.emplace_back();                    // Album Artist Name(s)
  row.push_back(track.release_date);     // Album Release Date
  row.push_back(track.album_image_url);  // Album Image URL
  row.emplace_back();                    // Disc Number
  row.emplace_back();                    // Track Number
  row.push_back(has_track ? std::to_string(track.duration_ms) : std::string());
  row.emplace_back();  // Track Preview URL
  row.push_back(has_track ? (track.explicit_content ? "true" : "false") : "");
  row.emplace_back();                                                           // Popularity
  row.push_back(track.isrc);                                                    // ISRC
  row.push_back(item.added_by.empty() ? "" : "spotify:user:" + item.added_by);  // Added By
  row.push_back(format_utc_or_empty(item.added_at));                            // Added At
  for (std::string& field : row) field = neutralise_formula(field);
  return row;
}

std::vector<std::string> names_of(const std::vector<std::u32string>& names,
                                  std::string_view extension) {
  std::vector<std::string> texts;
  texts.reserve(names.size());
  for (const std::u32string& name : names) texts.push_back(to_utf8(name) + std::string(extension));
  return texts;
}

}  // namespace

std::vector<std::string> sheet_names(const std::vector<std::string>& names) {
  NameRules rules{
      .forbidden = U"[]:*?/\\", .limit = kMaxSheetNameCharacters, .length = utf16_length};
  for (const std::u32string_view reserved :
       {std::u32string_view(U"Playlists"), std::u32string_view(U"Schedule"),
        std::u32string_view(U"History")}) {
    rules.reserved.push_back(case_key(reserved));
  }
  return names_of(unique_names(names, rules), "");
}

std::string playlist_link(std::string_view playlist_id) {
  return "https://open.spotify.com/playlist/" + std::string(playlist_id);
}

Workbook export_workbook(const std::vector<ExportPlaylist>& playlists) {
  std::vector<std::string> names;
  names.reserve(playlists.size());
  for (const ExportPlaylist& playlist : playlists) names.push_back(playlist.playlist.summary.name);
  std::vector<std::string> sheets = sheet_names(names);

  Workbook workbook;
  workbook.sheets.reserve(playlists.size() + 1);
  workbook.sheets.push_back(index_sheet(playlists));
  for (std::size_t i = 0; i < playlists.size(); ++i) {
    workbook.sheets.push_back(playlist_sheet(playlists[i], std::move(sheets[i])));
  }
  return workbook;
}

std::vector<CsvRow> exportify_rows(const ExportPlaylist& playlist) {
  std::vector<CsvRow> rows;
  rows.reserve(playlist.items.size() + 1);
  rows.emplace_back(kExportifyColumns.begin(), kExportifyColumns.end());
  if (!playlist.items_readable) return rows;
  for (const PlaylistItem& item : playlist.items) rows.push_back(exportify_row(item));
  return rows;
}

std::vector<std::string> csv_file_names(const std::vector<std::string>& names) {
  // The sheet rules' characters, and those Windows refuses in file names.
  const NameRules rules{.forbidden = U"[]:*?/\\<>\"|",
                        .limit = kMaxCsvFileNameBytes,
                        .length = utf8_length,
                        .trim_dots = true};
  std::vector<std::string> safe_bases;
  safe_bases.reserve(names.size());
  for (const std::string& name : names) {
    std::u32string safe = safe_name(name, rules);
    if (is_windows_device_name(safe)) safe += U'_';
    safe_bases.push_back(to_utf8(safe));
  }
  return names_of(unique_names(safe_bases, rules), ".csv");
}

}  // namespace plm::core
