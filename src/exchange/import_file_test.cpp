#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/exchange/csv.hpp"
#include "core/exchange/export_layout.hpp"
#include "exchange/files.hpp"
#include "exchange/xlsx.hpp"

namespace plm::exchange {
// Named, not anonymous: the release build compiles the exchange tests in one unity file.
namespace import_file_tests {

using ::testing::HasSubstr;

std::string track(int n) {
  const std::string digits = std::to_string(n);
  return "spotify:track:" + std::string(22 - digits.size(), 'T') + digits;
}

const std::string kCsv =
    "Track URI,Track Name,Artist Name(s)\r\n" + track(1) + ",One,A\r\n,Two,\"B, C\"\r\n";

core::Result<core::ImportDocument> read(std::string_view bytes, std::string_view name,
                                        const core::ImportOptions& options = {}) {
  return read_import_file(bytes, name, options);
}

void expect_refused(const core::Result<core::ImportDocument>& result, std::string_view message) {
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, core::ErrorCode::InvalidInput);
  EXPECT_THAT(result.error().message, HasSubstr(std::string(message)));
}

TEST(ReadImportFile, ReadsCsvTextAsOnePlaylistNamedByTheFile) {
  const auto document = read(kCsv, "exports/Road trip.CSV");
  ASSERT_TRUE(document) << document.error().message;
  ASSERT_EQ(document->playlists.size(), 1u);
  EXPECT_EQ(document->playlists[0].name, "Road trip");
  EXPECT_EQ(document->playlists[0].sheet, "Road trip");
  ASSERT_EQ(document->playlists[0].rows.size(), 2u);
  EXPECT_EQ(document->playlists[0].rows[0].uri, track(1));
  EXPECT_EQ(document->playlists[0].rows[1].reading->artist, "B, C");
  EXPECT_EQ(file_kind_of(kCsv, "x.xlsx"), FileKind::Csv) << "the content decides";

  // A UTF-8 byte-order mark and semicolons, as spreadsheets save CSV in some countries.
  const auto semicolons = read("\xEF\xBB\xBFTitle;Artist\n\xC3\x89t\xC3\xA9;Z\n", "");
  ASSERT_TRUE(semicolons) << semicolons.error().message;
  EXPECT_EQ(semicolons->playlists.at(0).name, "playlist");
  EXPECT_EQ(semicolons->playlists[0].rows.at(0).reading->title, "\xC3\x89t\xC3\xA9");

  core::ImportOptions options{.playlist_id = std::string(22, 'p')};
  const auto into = read(kCsv, "x.csv", options);
  ASSERT_TRUE(into) << into.error().message;
  EXPECT_EQ(into->playlists.at(0).playlist_id, std::string(22, 'p'));
}

TEST(ReadImportFile, RefusesBinaryJunkTooLargeFilesAndFilesWithNothingToImport) {
  expect_refused(read(std::string("Title,Artist\n\0\x01\x02", 16), "x.csv"),
                 "the file is neither an .xlsx workbook nor CSV text");
  expect_refused(read("Title,Artist\n\xFF\xFE,x\n", "x.csv"),
                 "line 2 of the CSV file: the text is not UTF-8");
  expect_refused(read(std::string(core::kMaxImportFileBytes + 1, 'a'), "big.csv"),
                 "the file is larger than 20 MB");
  expect_refused(read("", "empty.csv"), "no sheet plm can read");
  expect_refused(read("just,some\nwords,here\n", "notes.csv"), "no header row");
  expect_refused(read("PK\x03\x04 truncated", "broken.xlsx"), "");
}

TEST(ReadImportFile, ReadsAnXlsxWorkbookAsTheLayoutReadsIt) {
  core::ExportPlaylist playlist;
  playlist.playlist.summary = core::PlaylistSummary{
      .id = std::string(22, 'P'), .name = "Chill", .owner_id = "me", .snapshot_id = "s"};
  playlist.playlist.items_snapshot_id = "s";
  playlist.items = {core::PlaylistItem{.uri = track(1)}, core::PlaylistItem{.uri = track(2)}};
  const auto workbook = core::export_workbook({playlist});
  const auto bytes = write_xlsx(workbook);
  ASSERT_TRUE(bytes) << bytes.error().message;
  EXPECT_EQ(file_kind_of(*bytes, "download"), FileKind::Xlsx);

  const auto document = read(*bytes, "whatever.bin");
  ASSERT_TRUE(document) << document.error().message;
  const auto expected = core::read_import(workbook);
  ASSERT_TRUE(expected);
  EXPECT_EQ(*document, *expected);
  EXPECT_EQ(document->playlists.at(0).playlist_id, std::string(22, 'P'));
  EXPECT_EQ(document->playlists[0].rows.size(), 2u);
}

TEST(ReadImportFile, ReadsAZipOfCsvsAsOneSheetPerCsv) {
  const auto zip = write_zip({{"export/Chill.csv", kCsv},
                              {"readme.txt", "not a playlist"},
                              {"__MACOSX/export/._Chill.csv", std::string("\0\x05junk", 6)},
                              {"Party.csv", "URI\n" + track(3) + "\n"}});
  ASSERT_TRUE(zip) << zip.error().message;
  EXPECT_EQ(file_kind_of(*zip, "x.zip"), FileKind::CsvZip);
  const auto document = read(*zip, "x.zip");
  ASSERT_TRUE(document) << document.error().message;
  ASSERT_EQ(document->playlists.size(), 2u);
  EXPECT_EQ(document->playlists[0].name, "Chill");
  EXPECT_EQ(document->playlists[0].rows.size(), 2u);
  EXPECT_EQ(document->playlists[1].name, "Party");
  EXPECT_EQ(document->playlists[1].rows.at(0).uri, track(3));

  const auto junk = write_zip({{"bad.csv", std::string("\0\0\0", 3)}});
  ASSERT_TRUE(junk);
  expect_refused(read(*junk, "x.zip"),
                 "\u201cbad.csv\u201d in the zip archive: the file is neither an .xlsx workbook "
                 "nor CSV text");
  const auto none = write_zip({{"a.txt", "x"}});
  ASSERT_TRUE(none);
  expect_refused(read(*none, "x.zip"), "the zip archive holds no .csv file");
}

}  // namespace import_file_tests
}  // namespace plm::exchange
