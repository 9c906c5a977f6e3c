#include "core/exchange/export_layout.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace plm::core {
namespace {

using Names = std::vector<std::string>;

std::string repeat(std::string_view unit, std::size_t times) {
  std::string text;
  for (std::size_t i = 0; i < times; ++i) text += unit;
  return text;
}

TEST(SheetNames, ReplacesForbiddenCharactersAndTrims) {
  EXPECT_EQ(sheet_names({"Rock/Pop: [live] *best*?", "back\\slash", "  'quoted'  ", "' x '",
                         "tab\there", "", "[]:*?/\\", "''"}),
            (Names{"Rock Pop   live   best", "back slash", "quoted", "x", "tab here", "Playlist",
                   "Playlist (2)", "Playlist (3)"}));
}

TEST(SheetNames, CutsToThirtyOneCharactersAsExcelCountsThem) {
  const std::string accented = repeat("\xC3\xA9", 40);  // "é" x 40: 80 bytes, 40 characters
  EXPECT_EQ(sheet_names({accented})[0], repeat("\xC3\xA9", 31));
  // An emoji outside the Basic Multilingual Plane is two UTF-16 units: 15 fit, with one "a".
  const std::string notes = "a" + repeat("\xF0\x9F\x8E\xB5", 20);
  EXPECT_EQ(sheet_names({notes})[0], "a" + repeat("\xF0\x9F\x8E\xB5", 15));
  // A cut that leaves a trailing space or apostrophe is trimmed again.
  EXPECT_EQ(sheet_names({repeat("x", 29) + " 'abc"})[0], repeat("x", 29));
  EXPECT_EQ(sheet_names({repeat("y", 31)})[0], repeat("y", 31));
  // Ill-formed UTF-8 becomes U+FFFD rather than a sheet name Excel refuses.
  EXPECT_EQ(sheet_names({"bad\xFFname"})[0], "bad\xEF\xBF\xBDname");
}

TEST(SheetNames, AreUniqueIgnoringCaseWithSuffixesThatFit) {
  EXPECT_EQ(sheet_names({"Chill", "chill", "CHILL", "Chill (2)", "Other"}),
            (Names{"Chill", "chill (2)", "CHILL (3)", "Chill (2) (2)", "Other"}));
  EXPECT_EQ(sheet_names({"Chill (2)", "Chill", "chill"}),
            (Names{"Chill (2)", "Chill", "chill (3)"}));
  const std::string long_name = repeat("z", 31);
  EXPECT_EQ(sheet_names({long_name, long_name}), (Names{long_name, repeat("z", 27) + " (2)"}));
  // The cut before the suffix does not leave a space before it.
  const std::string spaced = repeat("z", 26) + " abcd";
  EXPECT_EQ(sheet_names({spaced, spaced})[1], repeat("z", 26) + " (2)");
  // Letters beyond ASCII fold too: Excel sees "Été" and "éTÉ", "Ночь" and "ночь" as one name.
  EXPECT_EQ(sheet_names({"\xC3\x89t\xC3\xA9", "\xC3\xA9T\xC3\x89"})[1], "\xC3\xA9T\xC3\x89 (2)");
  EXPECT_EQ(
      sheet_names({"\xD0\x9D\xD0\xBE\xD1\x87\xD1\x8C", "\xD0\xBD\xD0\xBE\xD1\x87\xD1\x8C"})[1],
      "\xD0\xBD\xD0\xBE\xD1\x87\xD1\x8C (2)");
}

TEST(SheetNames, KeepClearOfTheReservedNames) {
  EXPECT_EQ(sheet_names({"Playlists", "schedule", "HISTORY", "Playlists 2"}),
            (Names{"Playlists (2)", "schedule (2)", "HISTORY (2)", "Playlists 2"}));
}

TEST(SheetNames, NumberManyEqualNamesInOrder) {
  // 10,000 equal names (the speed of this, linear rather than quadratic, is measured by
  // bench/exchange.sh, never by a timed test).
  const Names names(10'000, "New Playlist");
  const Names sheets = sheet_names(names);
  EXPECT_EQ(sheets[0], "New Playlist");
  EXPECT_EQ(sheets[1], "New Playlist (2)");
  EXPECT_EQ(sheets[9'999], "New Playlist (10000)");
}

TEST(CsvFileNames, AreSafeForFileSystemsAndUnique) {
  EXPECT_EQ(csv_file_names({"AC/DC", "a<b>c\"d|e", "line\nbreak", "..hidden.", "CON", "lpt1",
                            "Chill", "chill", "", "Console"}),
            (Names{"AC DC.csv", "a b c d e.csv", "line break.csv", "hidden.csv", "CON_.csv",
                   "lpt1_.csv", "Chill.csv", "chill (2).csv", "Playlist.csv", "Console.csv"}));
  const std::string accented = repeat("\xC3\xA9", 60);  // 120 bytes
  EXPECT_EQ(csv_file_names({accented})[0], repeat("\xC3\xA9", 50) + ".csv");
  EXPECT_EQ(csv_file_names({accented, accented})[1], repeat("\xC3\xA9", 48) + " (2).csv");
}

TEST(PlaylistLink, IsTheOpenSpotifyLink) {
  EXPECT_EQ(playlist_link("37i9dQZF1DXcBWIGoYBM5M"),
            "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M");
}

// ---- the workbook ---------------------------------------------------------------------------

constexpr std::int64_t kAddedSeconds = 1'704'110'400;  // 2024-01-01T12:00:00Z

PlaylistItem track_item(std::string id, std::string name, std::vector<std::string> artists) {
  TrackInfo track;
  track.uri = "spotify:track:" + id;
  track.name = std::move(name);
  track.artists = std::move(artists);
  track.album = "Album " + id;
  track.album_image_url = "https://i.scdn.co/image/" + id;
  track.duration_ms = 215'000;
  track.isrc = "USRC1" + id;
  track.release_date = "1987-06-15";
  return {.uri = track.uri,
          .added_at = from_unix_seconds(kAddedSeconds),
          .added_by = "curator",
          .track = track};
}

ExportPlaylist sample_playlist() {
  ExportPlaylist exported;
  PlaylistSummary& summary = exported.playlist.summary;
  summary = {.id = "p1aaaaaaaaaaaaaaaaaaaa",
             .name = "=Chill: Mix",
             .description = "late night",
             .owner_id = "owner1",
             .owner_name = "Owner One",
             .is_public = true,
             .collaborative = false,
             .snapshot_id = "snap-listed",
             .item_count = 4};
  exported.playlist.items_snapshot_id = "snap-items";
  exported.playlist.tags = {"focus", "night"};

  PlaylistItem first = track_item("t1", "-Intro", {"Alpha", "Beta, Gamma"});
  PlaylistItem local{.uri = "spotify:local:Band:Album:Home+Song:180",
                     .added_at = std::nullopt,
                     .added_by = "",
                     .is_local = true,
                     .track = TrackInfo{.uri = "spotify:local:Band:Album:Home+Song:180",
                                        .name = "Home Song",
                                        .artists = {"Band"},
                                        .duration_ms = 180'000}};
  PlaylistItem unavailable{.uri = "",
                           .added_at = from_unix_seconds(kAddedSeconds),
                           .added_by = "curator",
                           .unavailable = true};
  PlaylistItem coarse = track_item("t4", "Year Only", {"Delta"});
  coarse.track->release_date = "1987";
  coarse.track->explicit_content = true;
  exported.items = {first, local, unavailable, coarse};
  return exported;
}

Cell text(std::string value) { return Cell::of_text(std::move(value)); }
Cell bold_text(std::string value) { return Cell::of_text(std::move(value), Cell::Format::Bold); }

TEST(ExportWorkbook, StartsWithTheIndexSheet) {
  ExportPlaylist unread = sample_playlist();
  unread.playlist.summary.id = "p2bbbbbbbbbbbbbbbbbbbb";
  unread.playlist.summary.name = "Followed";
  unread.playlist.summary.item_count = 77;
  unread.playlist.items_snapshot_id.clear();
  unread.playlist.tags.clear();
  unread.items.clear();
  unread.items_readable = false;

  const Workbook workbook = export_workbook({sample_playlist(), unread});
  ASSERT_EQ(workbook.sheets.size(), 3u);
  const Sheet& index = workbook.sheets[0];
  EXPECT_EQ(index.name, "Playlists");
  EXPECT_EQ(index.frozen_rows, 1u);
  EXPECT_EQ(index.filter_row, std::optional<std::size_t>(0));
  ASSERT_EQ(index.rows.size(), 3u);
  std::vector<Cell> header;
  for (const std::string_view column : kIndexColumns)
    header.push_back(bold_text(std::string(column)));
  EXPECT_EQ(index.rows[0], header);
  EXPECT_EQ(
      index.rows[1],
      (std::vector<Cell>{text("p1aaaaaaaaaaaaaaaaaaaa"), text("'=Chill: Mix"), text("late night"),
                         Cell::of_boolean(true), Cell::of_boolean(false), text("Owner One"),
                         Cell::of_number(4), text("snap-items"), text("focus, night"),
                         Cell::of_text("https://open.spotify.com/playlist/p1aaaaaaaaaaaaaaaaaaaa",
                                       Cell::Format::Hyperlink)}));
  // Unread items: Spotify's count and snapshot, no tags cell.
  EXPECT_EQ(index.rows[2][6], Cell::of_number(77));
  EXPECT_EQ(index.rows[2][7], text("snap-listed"));
  EXPECT_TRUE(index.rows[2][8].is_empty());
  EXPECT_EQ(workbook.sheets[1].name, "=Chill  Mix");
  EXPECT_EQ(workbook.sheets[2].name, "Followed");
}

TEST(ExportWorkbook, WritesOnePlaylistSheetWithItsIdRowsAndTypedCells) {
  const Workbook workbook = export_workbook({sample_playlist()});
  const Sheet& sheet = workbook.sheets.at(1);
  EXPECT_EQ(sheet.frozen_rows, 5u);
  EXPECT_EQ(sheet.filter_row, std::optional<std::size_t>(kTrackHeaderRow));
  ASSERT_EQ(sheet.rows.size(), 9u);
  EXPECT_EQ(sheet.rows[0], (std::vector<Cell>{bold_text("Playlist"), text("'=Chill: Mix")}));
  EXPECT_EQ(sheet.rows[1],
            (std::vector<Cell>{bold_text("Spotify ID"), text("p1aaaaaaaaaaaaaaaaaaaa")}));
  EXPECT_EQ(
      sheet.rows[2],
      (std::vector<Cell>{bold_text("Link"),
                         Cell::of_text("https://open.spotify.com/playlist/p1aaaaaaaaaaaaaaaaaaaa",
                                       Cell::Format::Hyperlink)}));
  EXPECT_TRUE(sheet.rows[3].empty());
  std::vector<Cell> header;
  for (const std::string_view column : kTrackColumns)
    header.push_back(bold_text(std::string(column)));
  EXPECT_EQ(sheet.rows[kTrackHeaderRow], header);

  const Cell added = Cell::of_unix_seconds(kAddedSeconds);  // 2024-01-01 12:00:00 UTC
  EXPECT_DOUBLE_EQ(added.number, 45292.5);
  EXPECT_EQ(
      sheet.rows[5],
      (std::vector<Cell>{Cell::of_number(1), text("'-Intro"), text("Alpha, Beta, Gamma"),
                         text("Album t1"), Cell::of_unix_seconds(550'713'600, Cell::Format::Date),
                         Cell::of_duration_ms(215'000), added, text("curator"),
                         text("spotify:track:t1"), text("USRC1t1")}));
  EXPECT_EQ(sheet.rows[5][4].format, Cell::Format::Date);  // 1987-06-15
  // A local file keeps its spotify:local: URI; no added-at is an empty cell.
  EXPECT_EQ(
      sheet.rows[6],
      (std::vector<Cell>{Cell::of_number(2), text("Home Song"), text("Band"), Cell::empty(),
                         Cell::empty(), Cell::of_duration_ms(180'000), Cell::empty(), Cell::empty(),
                         text("spotify:local:Band:Album:Home+Song:180"), Cell::empty()}));
  // An unavailable slot: the marker in URI, no title, its position and added-at kept.
  EXPECT_EQ(sheet.rows[7],
            (std::vector<Cell>{Cell::of_number(3), Cell::empty(), Cell::empty(), Cell::empty(),
                               Cell::empty(), Cell::empty(), added, text("curator"),
                               text(std::string(kUnavailableMarker)), Cell::empty()}));
  EXPECT_EQ(sheet.rows[8][4], text("1987"));  // a year alone stays text
}

TEST(ExportWorkbook, FitsColumnWidthsToTheContentUpToSixty) {
  ExportPlaylist playlist = sample_playlist();
  playlist.items[0].track->album = repeat("long album ", 20);
  const Workbook workbook = export_workbook({playlist});
  const Sheet& sheet = workbook.sheets[1];
  ASSERT_EQ(sheet.column_widths.size(), kTrackColumns.size());
  EXPECT_EQ(sheet.column_widths[0], 12.0);  // "Spotify ID" + 2, the labels of column A
  EXPECT_EQ(sheet.column_widths[1], 11.0);  // "Home Song", not the link of row 3
  EXPECT_EQ(sheet.column_widths[3], 60.0);  // capped
  EXPECT_EQ(sheet.column_widths[6], 21.0);  // yyyy-mm-dd hh:mm:ss
  EXPECT_EQ(sheet.column_widths[8], 40.0);  // the local file's URI
  const Sheet& index = workbook.sheets[0];
  EXPECT_EQ(index.column_widths[9], 58.0);  // the link
}

TEST(ExportWorkbook, WritesANoteInsteadOfTracksItNeverRead) {
  ExportPlaylist unread = sample_playlist();
  unread.items.clear();
  unread.items_readable = false;
  const Workbook workbook = export_workbook({unread});
  const Sheet& sheet = workbook.sheets.at(1);
  ASSERT_EQ(sheet.rows.size(), kTrackHeaderRow + 1);
  EXPECT_EQ(sheet.rows[1][0], bold_text("Spotify ID"));
  EXPECT_TRUE(sheet.rows[3].empty());
  ASSERT_EQ(sheet.rows[kTrackHeaderRow].size(), 2u);
  EXPECT_EQ(sheet.rows[kTrackHeaderRow][0], bold_text("Note"));
  EXPECT_NE(sheet.rows[kTrackHeaderRow][1].text.find("An import leaves its tracks alone"),
            std::string::npos);
  EXPECT_EQ(sheet.frozen_rows, 0u);
  EXPECT_FALSE(sheet.filter_row.has_value());
}

TEST(ExportWorkbook, OfNoPlaylistsIsTheIndexAlone) {
  const Workbook workbook = export_workbook({});
  ASSERT_EQ(workbook.sheets.size(), 1u);
  EXPECT_EQ(workbook.sheets[0].rows.size(), 1u);
}

// ---- Exportify's CSV --------------------------------------------------------------------------

TEST(ExportifyRows, FollowExportifysColumns) {
  const std::vector<CsvRow> rows = exportify_rows(sample_playlist());
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], CsvRow(kExportifyColumns.begin(), kExportifyColumns.end()));
  EXPECT_EQ(rows[1],
            (CsvRow{"spotify:track:t1", "'-Intro", "", "Alpha, Beta\\, Gamma", "", "Album t1", "",
                    "", "1987-06-15", "https://i.scdn.co/image/t1", "", "", "215000", "", "false",
                    "", "USRC1t1", "spotify:user:curator", "2024-01-01T12:00:00Z"}));
  EXPECT_EQ(rows[2][0], "spotify:local:Band:Album:Home+Song:180");
  EXPECT_EQ(rows[2][12], "180000");
  EXPECT_EQ(rows[2][17], "");
  EXPECT_EQ(rows[2][18], "");
  EXPECT_EQ(rows[3],
            (CsvRow{std::string(kUnavailableMarker), "", "", "", "", "", "", "", "", "", "", "", "",
                    "", "", "", "", "spotify:user:curator", "2024-01-01T12:00:00Z"}));
  EXPECT_EQ(rows[4][8], "1987");
  EXPECT_EQ(rows[4][14], "true");
  for (const CsvRow& row : rows) EXPECT_EQ(row.size(), kExportifyColumns.size());
}

TEST(ExportifyRows, OfUnreadItemsIsTheHeaderAlone) {
  ExportPlaylist unread = sample_playlist();
  unread.items_readable = false;
  EXPECT_EQ(exportify_rows(unread).size(), 1u);
}

}  // namespace
}  // namespace plm::core
