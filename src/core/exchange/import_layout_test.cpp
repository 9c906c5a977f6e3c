#include "core/exchange/import_layout.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/edit/edit_request.hpp"
#include "core/exchange/csv.hpp"
#include "core/exchange/export_layout.hpp"
#include "core/exchange/import_test_ids.hpp"

namespace plm::core {
// Named, not anonymous: the release build compiles the exchange tests in one unity file.
namespace import_layout_tests {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Severity = ImportIssue::Severity;

using import_test::playlist_id;
using import_test::track_uri;

Cell text(std::string value) { return Cell::of_text(std::move(value)); }
Cell number(double value) { return Cell::of_number(value); }

Sheet sheet_of(std::string name, std::vector<std::vector<Cell>> rows) {
  Sheet sheet;
  sheet.name = std::move(name);
  sheet.rows = std::move(rows);
  return sheet;
}

Workbook book_of(std::vector<Sheet> sheets) { return Workbook{std::move(sheets), false}; }

ImportDocument read_ok(const Workbook& workbook, const ImportOptions& options = {}) {
  auto document = read_import(workbook, options);
  EXPECT_TRUE(document) << document.error().message;
  return document ? *document : ImportDocument{};
}

std::vector<std::string> described(const ImportDocument& document) {
  std::vector<std::string> lines;
  for (const auto& issue : document.issues) {
    lines.push_back(std::string(to_string(issue.severity)) + ": " + describe(issue));
  }
  return lines;
}

PlaylistItem item_of(const std::string& uri, std::string name, std::vector<std::string> artists) {
  PlaylistItem item{.uri = uri};
  item.track = TrackInfo{.uri = uri,
                         .name = std::move(name),
                         .artists = std::move(artists),
                         .album = "Album",
                         .duration_ms = 215'000,
                         .isrc = "GBAYE0601498"};
  return item;
}

ExportPlaylist exported(int n, std::string name, std::vector<PlaylistItem> items) {
  ExportPlaylist playlist;
  playlist.playlist.summary =
      PlaylistSummary{.id = playlist_id(n),
                      .name = std::move(name),
                      .description = "desc " + std::to_string(n),
                      .owner_id = "me",
                      .snapshot_id = "s" + std::to_string(n),
                      .item_count = static_cast<std::int64_t>(items.size())};
  playlist.playlist.items_snapshot_id = "s" + std::to_string(n);
  playlist.items = std::move(items);
  return playlist;
}

// ---- plm's own workbook ------------------------------------------------------------------------

TEST(ReadImport, ReadsPlmsExportBackWithIdsDetailsLocalFilesAndUnavailableSlots) {
  PlaylistItem local{.uri = "spotify:local:Artist:Album:Song:200", .is_local = true};
  PlaylistItem gone{.uri = "", .unavailable = true};
  auto first = exported(1, "=Chill", {item_of(track_uri(1), "-One", {"A"}), local, gone});
  first.playlist.summary.is_public = true;
  first.playlist.tags = {"focus", "work"};
  auto second = exported(2, "Empty", {});
  second.playlist.summary.collaborative = true;
  const auto document = read_ok(export_workbook({first, second}));

  EXPECT_EQ(document.layout, ImportDocument::Layout::Plm);
  EXPECT_THAT(described(document), ElementsAre());
  ASSERT_EQ(document.playlists.size(), 2u);
  const auto& chill = document.playlists[0];
  EXPECT_EQ(chill.playlist_id, playlist_id(1));
  EXPECT_EQ(chill.name, "=Chill") << "the formula guard is taken off";
  EXPECT_EQ(chill.index_row, 1u);
  EXPECT_TRUE(chill.has_items);
  EXPECT_EQ(chill.details.name, "=Chill");
  EXPECT_EQ(chill.details.description, "desc 1");
  EXPECT_EQ(chill.details.is_public, true);
  EXPECT_EQ(chill.details.collaborative, false);
  EXPECT_EQ(chill.details.tags, (std::vector<std::string>{"focus", "work"}));
  ASSERT_EQ(chill.rows.size(), 3u);
  EXPECT_EQ(chill.rows[0].uri, track_uri(1));
  EXPECT_EQ(chill.rows[0].isrc, "GBAYE0601498");
  EXPECT_EQ(chill.rows[0].duration_ms, 215'000);
  EXPECT_EQ(chill.rows[0].position, 1);
  EXPECT_EQ(chill.rows[0].row, kTrackHeaderRow + 1);
  EXPECT_EQ(chill.rows[1].uri, local.uri);
  EXPECT_TRUE(chill.rows[2].unavailable_slot);
  EXPECT_TRUE(chill.rows[2].uri.empty());
  EXPECT_FALSE(chill.rows[2].needs_match());
  EXPECT_TRUE(document.rows_to_match().empty());

  const auto& empty = document.playlists[1];
  EXPECT_TRUE(empty.has_items) << "a sheet of no rows asks for an empty list";
  EXPECT_TRUE(empty.rows.empty());
  EXPECT_EQ(empty.details.collaborative, true);
  EXPECT_EQ(empty.details.tags, std::vector<std::string>{});
}

TEST(ReadImport, FindsARenamedAndMovedSheetByItsIdAndKeepsIndexOnlyPlaylists) {
  auto workbook = export_workbook({exported(1, "One", {item_of(track_uri(1), "x", {"A"})}),
                                   exported(2, "Two", {item_of(track_uri(2), "y", {"B"})}),
                                   exported(3, "Three", {})});
  // A person renamed sheet "One", moved it to the end, and deleted sheet "Three".
  auto one = workbook.sheets[1];
  one.name = "my favourite";
  workbook.sheets.erase(workbook.sheets.begin() + 1);
  workbook.sheets.pop_back();
  workbook.sheets.push_back(one);
  const auto document = read_ok(workbook);
  ASSERT_EQ(document.playlists.size(), 3u);
  // The index's playlist without a sheet comes where the index is; the sheets in their order.
  EXPECT_EQ(document.playlists[0].playlist_id, playlist_id(3));
  EXPECT_FALSE(document.playlists[0].has_items);
  EXPECT_EQ(document.playlists[0].sheet, "Playlists");
  EXPECT_EQ(document.playlists[0].name, "Three");
  EXPECT_EQ(document.playlists[1].playlist_id, playlist_id(2));
  EXPECT_EQ(document.playlists[2].playlist_id, playlist_id(1));
  EXPECT_EQ(document.playlists[2].sheet, "my favourite");
  EXPECT_EQ(document.playlists[2].name, "One");
  EXPECT_EQ(document.playlists[2].details.name, "One");
  EXPECT_EQ(document.playlists[2].rows.at(0).uri, track_uri(1));
}

TEST(ReadImport, AnExportOfUnreadItemsLeavesTheTracksAlone) {
  auto unread = exported(1, "Followed", {});
  unread.items_readable = false;
  const auto document = read_ok(export_workbook({unread}));
  ASSERT_EQ(document.playlists.size(), 1u);
  EXPECT_FALSE(document.playlists[0].has_items);
  EXPECT_EQ(document.playlists[0].playlist_id, playlist_id(1));
  EXPECT_THAT(described(document),
              ElementsAre(HasSubstr("no header row of tracks under its Spotify ID")));
}

TEST(ReadImport, TheSpotifyIdMayBeAUriOrALinkAndABadOneIsAnError) {
  const std::vector<Cell> header{text("Title"), text("Artist"), text("URI")};
  const auto workbook =
      book_of({sheet_of("a", {{text("Spotify ID"), text("spotify:playlist:" + playlist_id(1))},
                              {},
                              header,
                              {text(""), text(""), text(track_uri(1))}}),
               sheet_of("b", {{text("Playlist"), text("Bee")},
                              {text("spotify id"), text("https://open.spotify.com/playlist/" +
                                                        playlist_id(2) + "?si=x")},
                              header}),
               sheet_of("c", {{text("Spotify ID"), text("nonsense")}, header})});
  const auto document = read_ok(workbook);
  ASSERT_EQ(document.playlists.size(), 3u);
  EXPECT_EQ(document.playlists[0].playlist_id, playlist_id(1));
  EXPECT_EQ(document.playlists[1].playlist_id, playlist_id(2));
  EXPECT_EQ(document.playlists[1].name, "Bee");
  EXPECT_FALSE(document.playlists[2].playlist_id);
  EXPECT_EQ(document.playlists[2].name, "c");
  EXPECT_THAT(described(document),
              ElementsAre("error: sheet \u201cc\u201d, row 1, column B: the Spotify ID cell holds "
                          "\u201cnonsense\u201d, not a playlist id: the sheet is found by its "
                          "name"));
}

// ---- plain sheets -------------------------------------------------------------------------------
TEST(ReadImport, AHeaderOfTracksStartingWithASpotifyIdColumnIsNoLabel) {
  const auto document = read_ok(
      book_of({sheet_of("Ids", {{text("Spotify ID"), text("Title"), text("Artist")},
                                {text(std::string(22, 'x')), text("Song"), text("Band")}})}));
  EXPECT_EQ(document.layout, ImportDocument::Layout::Plain);
  EXPECT_THAT(described(document), ElementsAre());
  ASSERT_EQ(document.playlists.at(0).rows.size(), 1u);
  EXPECT_EQ(document.playlists[0].rows[0].reading, (LineReading{"Song", "Band", ""}));
}

TEST(ReadImport, ReadsAPlainSheetByHeaderSynonymsInAnyOrderAndCase) {
  const auto workbook = book_of({sheet_of(
      "Road trip",
      {{text("My road trip")},  // a title line above the header
       {text("LENGTH"), text("performer"), text("Song"), text("album name"), text("isrc"),
        text("Spotify Link")},
       {text("3:45"), text("Queen"), text("Bohemian Rhapsody"), text("A Night at the Opera"),
        text("gb-ume-75-00001")},
       {number(215000), text("Daft Punk"), number(1999), text(""), text("")},
       {Cell::of_duration_ms(61'000), text(""), text(""), text(""), text(""),
        text("https://open.spotify.com/intl-de/track/" + std::string(22, 'x') + "?si=abc")},
       {},
       {text("1:02:03"), text("A\\, B"), text("Only title")},
       {text(""), text(""), text(""), text(""), text("USRC17607839")}})});
  const auto document = read_ok(workbook);
  EXPECT_EQ(document.layout, ImportDocument::Layout::Plain);
  EXPECT_THAT(described(document), ElementsAre());
  ASSERT_EQ(document.playlists.size(), 1u);
  const auto& playlist = document.playlists[0];
  EXPECT_EQ(playlist.name, "Road trip");
  EXPECT_FALSE(playlist.playlist_id);
  EXPECT_FALSE(playlist.index_row);
  ASSERT_EQ(playlist.rows.size(), 5u);
  EXPECT_EQ(playlist.rows[0].reading,
            (LineReading{"Bohemian Rhapsody", "Queen", "A Night at the Opera"}));
  EXPECT_EQ(playlist.rows[0].isrc, "GBUME7500001");
  EXPECT_EQ(playlist.rows[0].duration_ms, 225'000);
  EXPECT_EQ(playlist.rows[0].row, 2u);
  EXPECT_EQ(playlist.rows[1].reading, (LineReading{"1999", "Daft Punk", ""}))
      << "a number where text is expected is read as its text";
  EXPECT_EQ(playlist.rows[1].duration_ms, 215'000);
  EXPECT_EQ(playlist.rows[2].uri, "spotify:track:" + std::string(22, 'x'));
  EXPECT_EQ(playlist.rows[2].duration_ms, 61'000);
  EXPECT_EQ(playlist.rows[3].reading, (LineReading{"Only title", "A, B", ""}));
  EXPECT_EQ(playlist.rows[3].duration_ms, 3'723'000);
  EXPECT_FALSE(playlist.rows[4].reading);
  EXPECT_EQ(playlist.rows[4].isrc, "USRC17607839");
  EXPECT_TRUE(playlist.rows[4].needs_match());
  EXPECT_EQ(document.rows_to_match().size(), 4u);
}

TEST(ReadImport, ReadsAnExportifyCsvNamedByItsFile) {
  auto playlist = exported(1, "x",
                           {item_of(track_uri(1), "=SUM(A1)", {"Artist, Jr.", "Other"}),
                            item_of(track_uri(2), "Second", {"B"})});
  playlist.items.push_back(PlaylistItem{.uri = "", .unavailable = true});
  auto sheet = sheet_from_csv(write_csv(exportify_rows(playlist)), "Summer 2024");
  ASSERT_TRUE(sheet) << sheet.error().message;
  const auto document = read_ok(book_of({*sheet}));
  EXPECT_EQ(document.layout, ImportDocument::Layout::Plain);
  EXPECT_THAT(described(document), ElementsAre());
  ASSERT_EQ(document.playlists.size(), 1u);
  EXPECT_EQ(document.playlists[0].name, "Summer 2024");
  ASSERT_EQ(document.playlists[0].rows.size(), 3u);
  EXPECT_EQ(document.playlists[0].rows[0].uri, track_uri(1));
  EXPECT_EQ(document.playlists[0].rows[0].duration_ms, 215'000);
  EXPECT_EQ(document.playlists[0].rows[0].isrc, "GBAYE0601498");
  EXPECT_EQ(document.playlists[0].rows[1].uri, track_uri(2));
  EXPECT_TRUE(document.playlists[0].rows[2].unavailable_slot);

  // Without the URIs, the rows are read for the matcher (Exportify's "\," inside a name too).
  auto rows = exportify_rows(playlist);
  for (auto& row : rows) row.erase(row.begin());
  auto without_uris = sheet_from_csv(write_csv(rows), "Summer");
  ASSERT_TRUE(without_uris) << without_uris.error().message;
  const auto matched = read_ok(book_of({*without_uris}));
  ASSERT_EQ(matched.playlists.at(0).rows.size(), 2u) << "the unavailable slot's row is empty";
  EXPECT_EQ(matched.playlists[0].rows[0].reading,
            (LineReading{"=SUM(A1)", "Artist, Jr., Other", "Album"}));
  EXPECT_THAT(described(matched), ElementsAre());
}

TEST(ReadImport, RowErrorsNameTheSheetRowAndColumn) {
  const auto workbook =
      book_of({sheet_of("Chill", {{text("Title"), text("Artist"), text("URI"), text("Duration")},
                                  {text("Fine"), text("A"), text(""), text("soon")},
                                  {text("x"), text("y"),
                                   text("https://open.spotify.com/album/" + std::string(22, 'a'))},
                                  {text(""), text("only an artist")},
                                  {text("t"), text("a"), text("junk")},
                                  {text(""), text(""), text("(unavailable)")}})});
  const auto document = read_ok(workbook);
  EXPECT_THAT(
      described(document),
      ElementsAre("warning: sheet \u201cChill\u201d, row 2, column D: the duration cell holds "
                  "\u201csoon\u201d, not a duration (m:ss or milliseconds)",
                  "error: sheet \u201cChill\u201d, row 3, column C: the URI cell holds "
                  "\u201chttps://open.spotify.com/album/aaaaaaaaaaaaaaaaaaaaaa\u201d, not a "
                  "Spotify track or episode URI or link: the row is left out",
                  "error: sheet \u201cChill\u201d, row 4, column A: the row has neither a URI nor "
                  "a title: it is left out",
                  "error: sheet \u201cChill\u201d, row 5, column C: the URI cell holds "
                  "\u201cjunk\u201d, not a Spotify track or episode URI or link: the row is left "
                  "out"));
  ASSERT_EQ(document.playlists.at(0).rows.size(), 2u);
  EXPECT_FALSE(document.playlists[0].rows[0].duration_ms);
  EXPECT_TRUE(document.playlists[0].rows[1].unavailable_slot);
}

TEST(ReadImport, WarnsOncePerSheetAboutPositionsFormulasAndMergedCells) {
  Cell formula = text("Computed");
  formula.formula = true;
  auto sheet = sheet_of("Mixed", {{text("#"), text("Title"), text("Artist")},
                                  {number(1), text("a"), text("x")},
                                  {number(3), text("b"), text("x")},
                                  {number(2), formula, formula},
                                  {number(9), text("d"), text("x")}});
  sheet.merged = {MergedRange{0, 1, 0, 2}, MergedRange{3, 2, 4, 2}, MergedRange{4, 0, 4, 1}};
  const auto document = read_ok(book_of({sheet}));
  EXPECT_THAT(described(document),
              ElementsAre("warning: sheet \u201cMixed\u201d, row 3, column A: the Position column "
                          "says 3 where this is track row 2: the row order is the playlist's "
                          "order (Position is only for reading)",
                          "warning: sheet \u201cMixed\u201d, row 4, column B: cells of this sheet "
                          "hold formulas (the first is here): their last computed values are read",
                          "warning: sheet \u201cMixed\u201d, row 4, column C: cells over the "
                          "track rows are merged (the first range starts here): only the "
                          "top-left cell of a merged range holds its value"));
  ASSERT_EQ(document.playlists.at(0).rows.size(), 4u);
  EXPECT_EQ(document.playlists[0].rows[2].reading->title, "Computed");
  EXPECT_EQ(document.playlists[0].rows[3].position, 9);
}

TEST(ReadImport, IgnoresScheduleHiddenEmptyAndHeaderlessSheetsWithWarnings) {
  const std::vector<std::vector<Cell>> tracks{{text("Title"), text("Artist")},
                                              {text("t"), text("a")}};
  auto hidden = sheet_of("Secret", tracks);
  hidden.hidden = true;
  const auto workbook =
      book_of({sheet_of("Schedule", tracks), hidden, sheet_of("Blank", {{}, {text("  ")}}),
               sheet_of("Notes", {{text("just some words")}, {text("and more")}}),
               sheet_of("Real", tracks)});
  const auto document = read_ok(workbook);
  EXPECT_THAT(
      described(document),
      ElementsAre("warning: sheet \u201cSchedule\u201d: a schedule, which this version of plm "
                  "does not read: ignored",
                  "warning: sheet \u201cSecret\u201d: a hidden sheet: ignored",
                  "warning: sheet \u201cBlank\u201d: an empty sheet: ignored",
                  "warning: sheet \u201cNotes\u201d: no header row naming a title and an artist "
                  "column, or a URI column, in its first 10 rows: ignored"));
  ASSERT_EQ(document.playlists.size(), 1u);
  EXPECT_EQ(document.playlists[0].name, "Real");

  auto nothing = workbook;
  nothing.sheets.pop_back();
  const auto refused = read_import(nothing);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::InvalidInput);
  EXPECT_THAT(refused.error().message,
              HasSubstr("the workbook has no sheet plm can read: sheet \u201cSchedule\u201d: a "
                        "schedule"));
  EXPECT_THAT(refused.error().message, HasSubstr("; sheet \u201cSecret\u201d: a hidden sheet;"));
  EXPECT_FALSE(read_import(Workbook{}));
}

TEST(ReadImport, TwoSheetsNamingOnePlaylistAreAnErrorOnTheSecond) {
  const std::vector<Cell> header{text("Title"), text("Artist")};
  const auto workbook =
      book_of({sheet_of("A", {{text("Spotify ID"), text(playlist_id(1))}, header, {text("t")}}),
               sheet_of("B", {{text("Spotify ID"), text(playlist_id(1))}, header}),
               sheet_of("chill", {header, {text("t"), text("a")}}),
               sheet_of("C", {{text("Playlist"), text("CHILL")}, {text("Spotify ID")}, header})});
  const auto document = read_ok(workbook);
  ASSERT_EQ(document.playlists.size(), 2u);
  EXPECT_EQ(document.playlists[0].sheet, "A");
  EXPECT_EQ(document.playlists[1].sheet, "chill");
  EXPECT_THAT(
      described(document),
      ElementsAre("error: sheet \u201cB\u201d: names the same playlist as sheet \u201cA\u201d: its "
                  "rows are not used",
                  "error: sheet \u201cC\u201d: names the same playlist as sheet \u201cchill\u201d: "
                  "its rows are not used",
                  HasSubstr("sheet \u201cC\u201d, row 2, column B: the Spotify ID cell is empty")));
}

TEST(ReadImport, AnIndexRowsBadValuesAreIssues) {
  const auto workbook = book_of(
      {sheet_of("Playlists", {{text("ID"), text("Name"), text("Public"), text("Tags")},
                              {text(playlist_id(1)), text("One"), text("maybe"), text("b, a,,")},
                              {text("not an id"), text("Two")},
                              {text(playlist_id(1)), text("Again")},
                              {text(""), text("By name only"), Cell::of_boolean(false)},
                              {text(""), text("")},
                              {text(""), text(""), Cell::of_boolean(true)}})});
  const auto document = read_ok(workbook);
  ASSERT_EQ(document.playlists.size(), 2u);
  EXPECT_FALSE(document.playlists[0].details.is_public);
  EXPECT_EQ(document.playlists[0].details.tags, (std::vector<std::string>{"b", "a"}));
  EXPECT_FALSE(document.playlists[0].details.description) << "no Description column";
  EXPECT_FALSE(document.playlists[0].has_items);
  EXPECT_EQ(document.playlists[1].name, "By name only");
  EXPECT_FALSE(document.playlists[1].playlist_id);
  EXPECT_EQ(document.playlists[1].details.is_public, false);
  EXPECT_EQ(document.playlists[1].index_row, 4u);
  EXPECT_THAT(
      described(document),
      ElementsAre(HasSubstr("row 2, column C: the Public cell holds \u201cmaybe\u201d"),
                  HasSubstr("row 3, column A: the ID cell holds \u201cnot an id\u201d"),
                  HasSubstr("row 4, column A: playlist " + playlist_id(1) + " is on row 2 already"),
                  HasSubstr("row 7, column A: the row has neither an ID nor a name")));
}

TEST(ReadImport, ThePlaylistOptionNamesTheOneSheetsPlaylist) {
  const std::vector<std::vector<Cell>> tracks{{text("Title"), text("Artist")},
                                              {text("t"), text("a")}};
  ImportOptions options{.playlist_id = "spotify:playlist:" + playlist_id(7)};
  const auto one = read_ok(book_of({sheet_of("whatever", tracks)}), options);
  EXPECT_EQ(one.playlists.at(0).playlist_id, playlist_id(7));
  const auto two = read_import(book_of({sheet_of("a", tracks), sheet_of("b", tracks)}), options);
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code, ErrorCode::InvalidInput);
  EXPECT_THAT(two.error().message, HasSubstr("the file has 2 sheets of tracks"));
  options.playlist_id = "spotify:album:" + playlist_id(7);
  EXPECT_FALSE(read_import(book_of({sheet_of("whatever", tracks)}), options));
}

TEST(ReadImport, RefusesASheetOfMoreRowsThanAPlaylistHolds) {
  std::vector<std::vector<Cell>> rows{{text("URI")}};
  for (std::size_t i = 0; i <= kMaxPlaylistItems; ++i) rows.push_back({text(track_uri(1))});
  const auto refused = read_import(book_of({sheet_of("Huge", rows)}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::InvalidInput);
  EXPECT_THAT(refused.error().message, HasSubstr("sheet \u201cHuge\u201d has more than 10000"));
  rows.pop_back();
  EXPECT_EQ(read_ok(book_of({sheet_of("Full", rows)})).playlists.at(0).rows.size(),
            kMaxPlaylistItems);
}

// ---- issues
// --------------------------------------------------------------------------------------

TEST(ImportIssue, DescribesWhatItHas) {
  EXPECT_EQ(to_string(Severity::Warning), "warning");
  EXPECT_EQ(to_string(Severity::Error), "error");
  EXPECT_EQ(describe({Severity::Error, "", std::nullopt, std::nullopt, "bad file"}), "bad file");
  EXPECT_EQ(describe({Severity::Error, "S", 11, 28, "m"}),
            "sheet \u201cS\u201d, row 12, column AC: m");
  EXPECT_EQ(describe({Severity::Error, "S", 0, std::nullopt, "m"}),
            "sheet \u201cS\u201d, row 1: m");
  EXPECT_EQ(describe({Severity::Error, "", 4, 0, "m"}), "row 5, column A: m");
}

// ---- rows for the matcher -----------------------------------------------------------------------

TEST(RowsToMatch, GiveTheMatcherAPasteAndTheWebItsLines) {
  const auto workbook = book_of(
      {sheet_of("One", {{text("Title"), text("Artist"), text("Album"), text("URI"), text("ISRC"),
                         text("Duration (ms)")},
                        {text("Tab\there"), text("Line\nbreak"), text("LP"), text(""), text(""),
                         text("200000")},
                        {text("Known"), text("K"), text(""), text(track_uri(1))}}),
       sheet_of("Two", {{text("Title"), text("Artist"), text("Album"), text("URI"), text("ISRC"),
                         text("Duration")},
                        {text(""), text(""), text(""), text(""), text("USRC17607839")},
                        {text("Alone"), text(""), text(""), text(""), text(""), text("61:01")}})});
  const auto document = read_ok(workbook);
  using Pair = std::pair<std::size_t, std::size_t>;
  EXPECT_EQ(document.rows_to_match(), (std::vector<Pair>{{0, 0}, {1, 0}, {1, 1}}));

  const auto paste = paste_of_rows(document);
  EXPECT_FALSE(paste.columns);
  ASSERT_EQ(paste.lines.size(), 3u);
  EXPECT_EQ(paste.lines[0].number, 1u);
  EXPECT_EQ(paste.lines[0].kind, LineKind::Text);
  EXPECT_EQ(paste.lines[0].input, "Line\nbreak \u2013 Tab\there");
  EXPECT_EQ(paste.lines[0].readings,
            (std::vector<LineReading>{{"Tab\there", "Line\nbreak", "LP"}}));
  EXPECT_EQ(paste.lines[0].duration_ms, 200'000);
  EXPECT_EQ(paste.lines[1].kind, LineKind::Isrc);
  EXPECT_EQ(paste.lines[1].isrc, "USRC17607839");
  EXPECT_EQ(paste.lines[1].input, "USRC17607839");
  EXPECT_EQ(paste.lines[2].number, 3u);
  EXPECT_EQ(paste.lines[2].input, "Alone");
  EXPECT_EQ(paste.lines[2].duration_ms, 3'661'000);

  const auto lines = paste_inputs_of_rows(document);
  EXPECT_EQ(lines, (std::vector<std::string>{"Title\tArtist\tAlbum\tISRC\tDuration",
                                             "Tab here\tLine break\tLP\t\t3:20",
                                             "\t\t\tUSRC17607839\t", "Alone\t\t\t\t1:01:01"}));
  // The paste parser reads those lines with the header's columns: line k + 2 is row k.
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  const auto parsed = parse_paste(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_TRUE(parsed->columns);
  EXPECT_TRUE(parsed->columns->header);
  EXPECT_EQ(parsed->columns->title, 0u);
  EXPECT_EQ(parsed->columns->artist, 1u);
  EXPECT_EQ(parsed->columns->album, 2u);
  EXPECT_EQ(parsed->columns->isrc, 3u);
  EXPECT_EQ(parsed->columns->duration, 4u);
  ASSERT_EQ(parsed->lines.size(), 4u);
  EXPECT_EQ(parsed->lines[0].kind, LineKind::Invalid);
  EXPECT_EQ(parsed->lines[1].kind, LineKind::Text);
  ASSERT_FALSE(parsed->lines[1].readings.empty());
  EXPECT_EQ(parsed->lines[1].readings[0].title, "Tab here");
  EXPECT_EQ(parsed->lines[1].readings[0].artist, "Line break");
  EXPECT_EQ(parsed->lines[1].readings[0].album, "LP");
  EXPECT_EQ(parsed->lines[1].duration_ms, 200'000);
  EXPECT_EQ(parsed->lines[2].kind, LineKind::Isrc);
  EXPECT_EQ(parsed->lines[2].isrc, "USRC17607839");
  EXPECT_EQ(parsed->lines[3].kind, LineKind::Text);
  EXPECT_EQ(parsed->lines[3].readings.at(0).title, "Alone");
  EXPECT_EQ(parsed->lines[3].duration_ms, 3'661'000);
}

}  // namespace import_layout_tests
}  // namespace plm::core
