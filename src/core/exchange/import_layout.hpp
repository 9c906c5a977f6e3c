#pragma once
/// What a workbook or CSV file asks of the account's playlists (issue 14 §2): the sheets read as
/// playlists and their rows as tracks, before any catalog lookup. Pure (std only): the file
/// readers (src/exchange/) give a Workbook; import_plan.hpp turns the document into a preview.
///
/// Sheets it understands, in any order, with any name:
/// - plm's own playlist sheet (export_layout.hpp): a "Spotify ID" label in column A of one of the
///   first 10 rows with the id (or a playlist URI or link) beside it, then a header row; the
///   sheet is that playlist whatever its name. Without a header row below the id (the note of an
///   export of items plm never read), the playlist's items are left alone (has_items false).
/// - a plain sheet: a header row (the first row within the first 10 that names a title and an
///   artist column, or a URI column) in any order, case, accents, with common synonyms: "Title",
///   "Track", "Track Name", "Song", "Name"; "Artist", "Artists", "Artist Name(s)", "Performer";
///   "Album", "Album Name"; "URI", "Track URI", "Spotify URI", "Link", "Spotify Link", "URL";
///   "ISRC"; "Duration", "Track Duration (ms)", "Duration (ms)", "Length"; "Position", "#", "No",
///   "No.", "Pos". Exportify's CSV is such a sheet. The sheet's playlist is named by the sheet name
///   (a CSV's file name without ".csv"), or given by the caller (ImportOptions::playlist_id).
/// - the index sheet "Playlists" (a header row with "ID" and "Name" columns and no artist column,
///   whatever the sheet's name): the details it holds (name, description, public, collaborative,
///   tags) are what the playlists should have; name and description exactly as the cells hold
///   them (spaces at either end kept). A playlist in the index without a sheet gets its details
///   only (its items are left alone). A track sheet joins its index row by id, else by name.
/// - a sheet named "Schedule": ignored with a warning (a later issue reads it); a hidden sheet
///   and a sheet with no header: ignored with a warning; an empty sheet: ignored with a warning.
///
/// Rows, in order, are the playlist's list: the row order is the order (the Position column is
/// for reading; a warning, once per sheet, names the first row where it disagrees with the row
/// order). A row with a URI cell: the URI (spotify:track:, spotify:episode:, spotify:local:, an
/// open.spotify.com track or episode link; kUnavailableMarker for an unavailable slot). A row
/// without one: a title and artists to match (and album, ISRC and duration when present). Empty
/// rows are skipped. Problems name the sheet, the 1-based row and the column letter: a URI cell
/// holding something else (an album link, junk) is an Error row; a row with neither URI nor title
/// is an Error row; a Number where text is expected is read as its text; a formula's cached value
/// is used, with a warning per sheet; a merged range over the track rows is a warning per sheet
/// (only its top-left cell holds the value); a duration as a Duration cell, a number of
/// milliseconds or "m:ss" text; a 1904-system workbook is read correctly (the reader converted
/// it). Two sheets naming the same playlist are an Error on the second (its rows are not used).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/exchange/workbook.hpp"
#include "core/matching/paste_parse.hpp"
#include "core/result.hpp"

namespace plm::core {

/// Where a problem is, for people: "sheet “Chill”, row 12, column C" (1-based row, letters).
struct ImportIssue {
  enum class Severity { Warning, Error };
  Severity severity = Severity::Warning;
  std::string sheet;                  ///< "" for the file as a whole
  std::optional<std::size_t> row;     ///< 0-based; shown 1-based
  std::optional<std::size_t> column;  ///< 0-based; shown as letters
  std::string message;                ///< lower-case start, no period

  bool operator==(const ImportIssue&) const = default;
};
std::string_view to_string(ImportIssue::Severity severity);  ///< "warning", "error"
/// "sheet “Chill”, row 12, column C: the URI cell holds an album link" (the parts it has).
std::string describe(const ImportIssue& issue);

/// One track row of a sheet.
struct ImportRow {
  std::size_t row = 0;  ///< 0-based row in its sheet
  /// The item's URI when the row has one: a track, episode or local-file URI, or "" for an
  /// unavailable slot (unavailable_slot true). Empty and false: the row needs matching.
  std::string uri;
  bool unavailable_slot = false;
  /// A row without URI: what to look for (title never empty; artist, album may be).
  std::optional<LineReading> reading;
  std::string isrc;                         ///< upper case, no hyphens; "" when none
  std::optional<std::int64_t> duration_ms;  ///< when the row gives one
  std::optional<std::int64_t> position;     ///< the Position cell as read, when present

  bool needs_match() const { return uri.empty() && !unavailable_slot; }
  bool operator==(const ImportRow&) const = default;
};

/// The details an index row asks for (fields absent from the index stay nullopt).
struct ImportedDetails {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<bool> is_public;
  std::optional<bool> collaborative;
  std::optional<std::vector<std::string>> tags;

  bool operator==(const ImportedDetails&) const = default;
};

/// One playlist the file speaks of.
struct ImportedPlaylist {
  std::string sheet;                     ///< its track sheet, or the index sheet when it has none
  std::optional<std::size_t> index_row;  ///< its row in the index sheet, when it has one
  /// The Spotify id the file gives (plm's sheet, or the index), when it gives one.
  std::optional<std::string> playlist_id;
  /// The name to find it by when there is no id: the "Playlist" row, else the sheet's name (a
  /// CSV's file name).
  std::string name;
  ImportedDetails details;
  /// False: the file has no track rows for it (index only): its items are left alone.
  bool has_items = false;
  std::vector<ImportRow> rows;  ///< in order

  bool operator==(const ImportedPlaylist&) const = default;
};

struct ImportDocument {
  enum class Layout { Plm, Plain };  ///< plm's export (an index or an id sheet), or other sheets
  Layout layout = Layout::Plain;
  std::vector<ImportedPlaylist> playlists;  ///< in the file's sheet order
  std::vector<ImportIssue> issues;          ///< warnings and row errors, in sheet and row order

  /// Rows that need matching, in document order: (playlist index, row index) pairs. The
  /// matcher's results (import_plan.hpp) are given in this order.
  std::vector<std::pair<std::size_t, std::size_t>> rows_to_match() const;
  bool operator==(const ImportDocument&) const = default;
};

struct ImportOptions {
  /// A file of one sheet of tracks (a CSV, a plain one-sheet workbook) is this playlist, whatever
  /// its name (`plm import --playlist`). InvalidInput when the file has several track sheets.
  std::optional<std::string> playlist_id;
};

/// The document of `workbook`. InvalidInput for a file with nothing to import ("the workbook has
/// no sheet plm can read: …" listing why each sheet was ignored), more than kMaxPlaylistItems rows
/// in one sheet, or `options.playlist_id` on a file of several track sheets. Problems of single
/// rows or sheets are issues, never a failure of the whole file.
Result<ImportDocument> read_import(const Workbook& workbook, const ImportOptions& options = {});

/// The rows that need matching as a paste the matcher (app::match_lines) takes: one PastedLine per
/// row of rows_to_match(), numbered from 1 in that order, kind Text with one reading (or Isrc when
/// the row has only an ISRC), duration_ms when known; input "Artist – Title" for people.
ParsedPaste paste_of_rows(const ImportDocument& document);

/// The same rows as text lines the web's paste store takes (core::check_paste_inputs): a header
/// line "Title\tArtist\tAlbum\tISRC\tDuration" then one tab-separated line per row (tabs and line
/// breaks inside cells become spaces). Line k + 2 (1-based) is row k of rows_to_match();
/// parse_paste reads them with the header's columns.
std::vector<std::string> paste_inputs_of_rows(const ImportDocument& document);

}  // namespace plm::core
