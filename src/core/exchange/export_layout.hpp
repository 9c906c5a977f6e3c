#pragma once
/// What plm writes when it exports playlists (issue 14 §1): the workbook layout and the CSV
/// layout, as Workbook and CSV rows. The .xlsx bytes come from exchange::write_xlsx
/// (src/exchange/xlsx.hpp); import_layout.hpp reads the same layout back. Pure (std only).
///
/// The workbook:
/// - Sheet "Playlists" (kIndexSheetName), the index, first: a bold, frozen header row with an
///   auto-filter, then one row per playlist in the given order, with the columns of
///   kIndexColumns: ID, Name, Description, Public, Collaborative, Owner, Tracks, Snapshot, Tags
///   (", "-joined), Link (a hyperlink to open.spotify.com). Public and Collaborative are Boolean
///   cells, Tracks a Number (the items exported; Spotify's count for a playlist whose items were
///   never read). Owner is the owner's display name (its id when it has none); Snapshot the
///   snapshot of the exported items (Spotify's listed one when they were never read).
/// - One sheet per playlist, named by sheet_names (its playlist's name made safe), in the same
///   order. Its first rows say which playlist it is, so a sheet renamed or moved by a person still
///   maps to its playlist:
///     row 1: "Playlist"   | the name
///     row 2: "Spotify ID" | the id          (kIdLabel: the import looks for this label)
///     row 3: "Link"       | https://open.spotify.com/playlist/<id> (a hyperlink)
///     row 4: empty
///     row 5: the bold header of kTrackColumns, frozen (frozen_rows = 5), with an auto-filter
///     rows 6…: one row per item, in playlist order.
///   A playlist whose items were never read (items_readable false) has rows 1–4 as above and, in
///   row 5 instead of the track header, "Note" | why its tracks are not in the file; no track
///   rows, nothing frozen, no filter. Having no track header, the sheet asks nothing of the
///   playlist's items.
///   Columns: Position (1-based, a Number: for reading; re-numbered on export, ignored on
///   import), Title, Artists (", "-joined), Album, Release date (a Date cell when Spotify gives a
///   full date, else the text "1987" or "1987-06"), Duration (a Duration cell), Added at (a
///   DateTime cell, UTC; empty when Spotify sent none), Added by, URI, ISRC (empty when unknown).
///   A local file's URI is its spotify:local: URI; an unavailable slot's URI cell holds
///   kUnavailableMarker and its title cell is empty, so the import keeps the slot.
/// - Column widths fit the content (2 characters of room, at most 60 characters wide; a playlist
///   sheet's columns B… count from the track header, so the link in B3 does not widen Title), every
///   text cell is neutralise_formula'd (core/exchange/csv.hpp); empty text is an Empty cell.
/// - The sheet name kScheduleSheetName is reserved for the scheduling feature (a later issue): no
///   playlist sheet takes it, and the import ignores it today with a warning.
///
/// The CSV of one playlist uses Exportify's column layout (kExportifyColumns: the columns many
/// users' scripts already read), one row per item after the header, fields neutralised; columns
/// plm does not know (artist and album URIs, preview URL, popularity, disc and track number)
/// are empty. As Exportify writes them: Artist Name(s) ", "-joined with a comma inside a name
/// written "\,"; Track Duration (ms) as integer text; Explicit "true" or "false"; Added By as
/// "spotify:user:<id>"; Added At as "2024-01-01T12:00:00Z" (empty when unknown). An unavailable
/// slot's Track URI is kUnavailableMarker (the import keeps the slot), its other track columns
/// empty.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/exchange/csv.hpp"
#include "core/exchange/workbook.hpp"
#include "core/model/playlist.hpp"
#include "core/time.hpp"

namespace plm::core {

inline constexpr std::string_view kIndexSheetName = "Playlists";
inline constexpr std::string_view kScheduleSheetName = "Schedule";
inline constexpr std::string_view kPlaylistLabel = "Playlist";
inline constexpr std::string_view kIdLabel = "Spotify ID";
inline constexpr std::string_view kLinkLabel = "Link";
inline constexpr std::string_view kUnavailableMarker = "(unavailable)";
/// The 0-based row of a playlist sheet's track header (row 5 in a spreadsheet's numbering).
inline constexpr std::size_t kTrackHeaderRow = 4;

inline constexpr std::array<std::string_view, 10> kIndexColumns = {
    "ID",    "Name",   "Description", "Public", "Collaborative",
    "Owner", "Tracks", "Snapshot",    "Tags",   "Link"};
inline constexpr std::array<std::string_view, 10> kTrackColumns = {
    "Position", "Title",    "Artists",  "Album", "Release date",
    "Duration", "Added at", "Added by", "URI",   "ISRC"};
inline constexpr std::array<std::string_view, 19> kExportifyColumns = {"Track URI",
                                                                       "Track Name",
                                                                       "Artist URI(s)",
                                                                       "Artist Name(s)",
                                                                       "Album URI",
                                                                       "Album Name",
                                                                       "Album Artist URI(s)",
                                                                       "Album Artist Name(s)",
                                                                       "Album Release Date",
                                                                       "Album Image URL",
                                                                       "Disc Number",
                                                                       "Track Number",
                                                                       "Track Duration (ms)",
                                                                       "Track Preview URL",
                                                                       "Explicit",
                                                                       "Popularity",
                                                                       "ISRC",
                                                                       "Added By",
                                                                       "Added At"};

/// One playlist to export: what the store holds of it.
struct ExportPlaylist {
  StoredPlaylist playlist;
  std::vector<PlaylistItem> items;
  /// False when its items were never read (a followed playlist development mode cannot read):
  /// the index lists it, and its sheet holds the header rows and a note instead of tracks.
  bool items_readable = true;
};

/// Sheet names for playlists named `names`, in order: each name with the characters Excel
/// forbids ([ ] : * ? / \) replaced by a space, trimmed of spaces and leading or trailing
/// apostrophes, cut to 31 characters as Excel counts them (UTF-16 units: an emoji outside the
/// Basic Multilingual Plane counts two; never inside a UTF-8 character), "Playlist" when nothing
/// is left, and made unique case-insensitively (Excel's rule; ASCII, Latin-1, Latin Extended-A,
/// Greek, Cyrillic and full-width letters fold) and distinct from the reserved names
/// ("Playlists", "Schedule", "History") by a " (2)", " (3)"… suffix that still fits in 31
/// characters. Control characters become spaces and ill-formed UTF-8 U+FFFD. Linear in the
/// number of names, even when they are all equal.
std::vector<std::string> sheet_names(const std::vector<std::string>& names);

/// The link of a playlist: https://open.spotify.com/playlist/<id>.
std::string playlist_link(std::string_view playlist_id);

/// The whole workbook for `playlists`, in order.
Workbook export_workbook(const std::vector<ExportPlaylist>& playlists);

/// The rows of one playlist's Exportify CSV (header first), fields neutralised; write_csv makes
/// the file.
std::vector<CsvRow> exportify_rows(const ExportPlaylist& playlist);

/// File names for the CSVs of playlists named `names` inside a zip or a folder: the sheet-name
/// rules (without reserved names) with < > " | also replaced by a space and leading and trailing
/// dots trimmed, at most 100 UTF-8 bytes before ".csv", a Windows device name ("CON", "LPT1")
/// given a "_", unique ignoring case (as Windows and macOS file systems compare), ".csv" ended.
std::vector<std::string> csv_file_names(const std::vector<std::string>& names);

}  // namespace plm::core
