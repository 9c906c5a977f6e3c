#include "exchange/files.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/exchange/export_layout.hpp"
#include "exchange/xlsx.hpp"
#include "support/fakes.hpp"

namespace plm::exchange {
namespace {

// 2026-12-07T10:30:00Z: the files are named by its date.
const core::TimePoint kToday = core::from_unix_seconds(1'796'639'400);

std::string playlist_id(int n) {
  std::string id = "Export" + std::to_string(n);
  id.resize(22, 'x');
  return id;
}

std::vector<core::PlaylistItem> tracks(int playlist, int count) {
  std::vector<core::PlaylistItem> items;
  for (int i = 1; i <= count; ++i) {
    const std::string id = "p" + std::to_string(playlist) + "t" + std::to_string(i);
    core::TrackInfo track{.uri = "spotify:track:" + id,
                          .name = "Song " + id,
                          .artists = {"Artist " + id},
                          .album = "Album",
                          .duration_ms = 200'000 + i,
                          .isrc = "ISRC" + id};
    items.push_back({.uri = track.uri,
                     .added_at = core::from_unix_seconds(1'704'110'400),
                     .added_by = "me",
                     .track = track});
  }
  return items;
}

class ExportPlaylistsTest : public ::testing::Test {
 protected:
  ExportPlaylistsTest() {
    const auto user = store_.create_user("alice", "hash", core::Role::Editor)->id;
    account_ = core::SpotifyAccount{
        .app_user_id = user, .spotify_user_id = "me", .display_name = "Nova Sound"};
    account_.id = *store_.upsert_account(account_);
    add(1, "Chill", 3, {"mood"});
    add(2, "Road/Trip: Ünïcode", 2, {"mood"});
    add(3, "Workout", 1, {});
    // Followed, not owned: plm never read its items.
    const core::PlaylistSummary followed{.id = playlist_id(4),
                                         .name = "Top Hits",
                                         .owner_id = "spotify",
                                         .snapshot_id = "s4",
                                         .item_count = 50};
    EXPECT_TRUE(store_.save_playlist_summary(account_.id, 3, followed));
  }

  void add(int n, const std::string& name, int count, const std::vector<std::string>& tags) {
    const core::PlaylistSummary summary{.id = playlist_id(n),
                                        .name = name,
                                        .owner_id = "me",
                                        .snapshot_id = "s" + std::to_string(n),
                                        .item_count = count};
    EXPECT_TRUE(store_.save_playlist(account_.id, n - 1, summary, tracks(n, count)));
    if (!tags.empty()) {
      EXPECT_TRUE(store_.set_playlist_tags(account_.id, summary.id, tags));
    }
  }

  core::Result<ExportedFile> run(std::optional<std::string> selector, ExportFormat format) {
    return export_playlists(store_, account_, selector, format, kToday);
  }

  test_support::InMemoryStore store_;
  core::SpotifyAccount account_;
};

TEST(ExportFormatText, RoundTrips) {
  for (const ExportFormat format : {ExportFormat::Xlsx, ExportFormat::Csv}) {
    EXPECT_EQ(export_format_from_string(to_string(format)), format);
  }
  EXPECT_EQ(to_string(ExportFormat::Xlsx), "xlsx");
  EXPECT_EQ(to_string(ExportFormat::Csv), "csv");
  EXPECT_EQ(export_format_from_string("XLSX"), std::nullopt);
  EXPECT_EQ(export_format_from_string("xls"), std::nullopt);
}

TEST_F(ExportPlaylistsTest, WritesAWorkbookOfEveryPlaylistThatReadsBack) {
  auto file = run(std::nullopt, ExportFormat::Xlsx);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->file_name, "plm-Nova Sound-2026-12-07.xlsx");
  EXPECT_EQ(file->content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(file->playlists, 4);
  EXPECT_EQ(file->tracks, 6);

  auto workbook = read_xlsx(file->bytes);
  ASSERT_TRUE(workbook.has_value()) << workbook.error().message;
  ASSERT_EQ(workbook->sheets.size(), 5u);
  std::vector<std::string> names;
  for (const core::Sheet& sheet : workbook->sheets) names.push_back(sheet.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Playlists", "Chill", "Road Trip  Ünïcode", "Workout",
                                             "Top Hits"}));

  const core::Sheet& index = workbook->sheets[0];
  ASSERT_EQ(index.rows.size(), 5u);
  EXPECT_EQ(index.rows[0][0].text, "ID");
  EXPECT_EQ(index.rows[1][0].text, playlist_id(1));
  EXPECT_EQ(index.rows[1][1].text, "Chill");
  EXPECT_EQ(index.rows[1][3].type, core::Cell::Type::Boolean);
  EXPECT_EQ(index.rows[1][6].number, 3);
  EXPECT_EQ(index.rows[1][8].text, "mood");
  EXPECT_EQ(index.rows[4][6].number, 50);  // never read: Spotify's count

  const core::Sheet& chill = workbook->sheets[1];
  ASSERT_EQ(chill.rows.size(), core::kTrackHeaderRow + 1 + 3);
  EXPECT_EQ(chill.rows[1][0].text, "Spotify ID");
  EXPECT_EQ(chill.rows[1][1].text, playlist_id(1));
  EXPECT_EQ(chill.rows[core::kTrackHeaderRow][1].text, "Title");
  const std::vector<core::Cell>& first = chill.rows[core::kTrackHeaderRow + 1];
  EXPECT_EQ(first[0].number, 1);
  EXPECT_EQ(first[1].text, "Song p1t1");
  EXPECT_EQ(first[5].format, core::Cell::Format::Duration);
  EXPECT_EQ(first[6].type, core::Cell::Type::DateTime);
  EXPECT_EQ(core::unix_seconds_from_serial(first[6].number), 1'704'110'400);
  EXPECT_EQ(first[8].text, "spotify:track:p1t1");

  const core::Sheet& followed = workbook->sheets[4];
  ASSERT_EQ(followed.rows.size(), core::kTrackHeaderRow + 1);
  EXPECT_EQ(followed.rows[core::kTrackHeaderRow][0].text, "Note");
}

/// The cells read back are the cells built, except for the writer's hints and bold (which the
/// reader does not report).
void expect_same_cells(const core::Workbook& read, const core::Workbook& built) {
  ASSERT_EQ(read.sheets.size(), built.sheets.size());
  for (std::size_t s = 0; s < built.sheets.size(); ++s) {
    const core::Sheet& expected = built.sheets[s];
    const core::Sheet& actual = read.sheets[s];
    EXPECT_EQ(actual.name, expected.name);
    // The reader drops trailing empty rows and cells.
    ASSERT_EQ(actual.rows.size(), expected.rows.size()) << expected.name;
    for (std::size_t r = 0; r < expected.rows.size(); ++r) {
      std::vector<core::Cell> cells = expected.rows[r];
      while (!cells.empty() && cells.back().is_empty()) cells.pop_back();
      ASSERT_EQ(actual.rows[r].size(), cells.size()) << expected.name << " row " << r;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        core::Cell want = cells[c];
        if (want.format == core::Cell::Format::Bold) want.format = core::Cell::Format::General;
        const core::Cell& got = actual.rows[r][c];
        const std::string where = expected.name + " " + core::cell_reference(r, c);
        EXPECT_EQ(got.type, want.type) << where;
        EXPECT_EQ(got.format, want.format) << where;
        EXPECT_EQ(got.text, want.text) << where;
        EXPECT_NEAR(got.number, want.number, 1e-9) << where;
        EXPECT_EQ(got.boolean, want.boolean) << where;
      }
    }
  }
}

TEST_F(ExportPlaylistsTest, TheWorkbookReadsBackCellForCell) {
  // Text that needs care: a formula, a number as text, quotes, line breaks, other scripts.
  const core::PlaylistSummary tricky{.id = playlist_id(5),
                                     .name = "=HYPERLINK(\"x\")",
                                     .description = "two\nlines & <tags> \"quoted\"",
                                     .owner_id = "me",
                                     .snapshot_id = "s5"};
  std::vector<core::PlaylistItem> items = tracks(5, 2);
  items[0].track->name = "-3";
  items[1].track->name = "+44 20 7946 0958";
  items[1].track->artists = {"\xE5\xAE\x87\xE5\xA4\x9A\xE7\x94\xB0", "Bj\xC3\xB6rk"};
  items[1].track->release_date = "1987";
  ASSERT_TRUE(store_.save_playlist(account_.id, 4, tricky, items));

  auto file = run(std::nullopt, ExportFormat::Xlsx);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  auto read = read_xlsx(file->bytes);
  ASSERT_TRUE(read.has_value()) << read.error().message;

  std::vector<core::ExportPlaylist> exported;
  const std::vector<core::StoredPlaylist> stored = *store_.playlists_of(account_.id);
  for (const core::StoredPlaylist& playlist : stored) {
    core::ExportPlaylist entry{.playlist = playlist};
    entry.items_readable = !playlist.items_snapshot_id.empty();
    if (entry.items_readable)
      entry.items = *store_.playlist_items(account_.id, playlist.summary.id);
    exported.push_back(std::move(entry));
  }
  expect_same_cells(*read, core::export_workbook(exported));
  EXPECT_EQ(read->sheets[5].rows[0][1].text, "'=HYPERLINK(\"x\")");
}

TEST_F(ExportPlaylistsTest, ExportsWhatTheSelectorNamesInListOrder) {
  auto file = run("tag:mood", ExportFormat::Xlsx);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->playlists, 2);
  EXPECT_EQ(file->tracks, 5);
  auto workbook = read_xlsx(file->bytes);
  ASSERT_TRUE(workbook.has_value());
  ASSERT_EQ(workbook->sheets.size(), 3u);
  EXPECT_EQ(workbook->sheets[1].name, "Chill");

  // Terms given in another order still export in the account's list order.
  auto by_id = run(playlist_id(3) + "," + playlist_id(1), ExportFormat::Xlsx);
  ASSERT_TRUE(by_id.has_value());
  auto reordered = read_xlsx(by_id->bytes);
  ASSERT_TRUE(reordered.has_value());
  ASSERT_EQ(reordered->sheets.size(), 3u);
  EXPECT_EQ(reordered->sheets[1].name, "Chill");
  EXPECT_EQ(reordered->sheets[2].name, "Workout");
}

TEST_F(ExportPlaylistsTest, RefusesABadSelectorOrOneThatMatchesNothing) {
  auto bad = run("colour:blue", ExportFormat::Xlsx);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, core::ErrorCode::InvalidInput);

  auto nothing = run("tag:none", ExportFormat::Csv);
  ASSERT_FALSE(nothing.has_value());
  EXPECT_EQ(nothing.error().code, core::ErrorCode::InvalidInput);
  EXPECT_EQ(nothing.error().message,
            "the selector 'tag:none' matches no stored playlist (plm playlists lists them)");

  auto unknown = run(playlist_id(9), ExportFormat::Xlsx);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, core::ErrorCode::NotFound);
}

TEST_F(ExportPlaylistsTest, RefusesAnAccountWithNothingStored) {
  core::SpotifyAccount other = account_;
  other.spotify_user_id = "other";
  other.id = *store_.upsert_account(other);
  auto file = export_playlists(store_, other, std::nullopt, ExportFormat::Xlsx, kToday);
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code, core::ErrorCode::InvalidInput);
}

TEST_F(ExportPlaylistsTest, WritesOneCsvForOnePlaylist) {
  auto file = run(playlist_id(2), ExportFormat::Csv);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->file_name, "Road_Trip_ Unicode.csv");
  EXPECT_EQ(file->content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(file->playlists, 1);
  EXPECT_EQ(file->tracks, 2);
  auto rows = core::read_csv(file->bytes);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0][0], "Track URI");
  EXPECT_EQ((*rows)[1][0], "spotify:track:p2t1");
  EXPECT_EQ((*rows)[1][12], "200001");
  EXPECT_EQ((*rows)[2][18], "2024-01-01T12:00:00Z");
}

TEST_F(ExportPlaylistsTest, ZipsOneCsvPerReadPlaylistForSeveral) {
  auto file = run(std::nullopt, ExportFormat::Csv);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->file_name, "plm-Nova Sound-2026-12-07.zip");
  EXPECT_EQ(file->content_type, "application/zip");
  EXPECT_EQ(file->playlists, 3);  // "Top Hits" was never read: no CSV
  EXPECT_EQ(file->tracks, 6);
  auto entries = read_zip(file->bytes);
  ASSERT_TRUE(entries.has_value()) << entries.error().message;
  std::vector<std::string> names;
  for (const auto& [name, bytes] : *entries) names.push_back(name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"Chill.csv", "Road Trip  Ünïcode.csv", "Workout.csv"}));
  auto chill = core::read_csv(entries->front().second);
  ASSERT_TRUE(chill.has_value());
  EXPECT_EQ(chill->size(), 4u);
  EXPECT_EQ((*chill)[3][1], "Song p1t3");
}

TEST_F(ExportPlaylistsTest, ZipsSeveralSelectedEvenWhenOnlyOneWasRead) {
  auto file = run(playlist_id(4) + "," + playlist_id(3), ExportFormat::Csv);
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(file->content_type, "application/zip");
  EXPECT_EQ(file->playlists, 1);
  auto entries = read_zip(file->bytes);
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->front().first, "Workout.csv");
}

TEST_F(ExportPlaylistsTest, RefusesACsvOfPlaylistsNeverRead) {
  auto file = run(playlist_id(4), ExportFormat::Csv);
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code, core::ErrorCode::InvalidInput);
  // The workbook has its details.
  EXPECT_TRUE(run(playlist_id(4), ExportFormat::Xlsx).has_value());
}

TEST_F(ExportPlaylistsTest, NamesFilesSafelyWhateverTheNames) {
  account_.display_name = "../\"\xE5\xAE\x87\"";  // a CJK character
  auto file = run(playlist_id(1), ExportFormat::Xlsx);
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->file_name, "plm-account-2026-12-07.xlsx");
  account_.display_name =
      "Caf\xC3\xA9 \xC3\x89t\xC3\xA9 Stra\xC3\x9F"
      "e\xFF";
  file = run(playlist_id(1), ExportFormat::Xlsx);
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->file_name, "plm-Cafe Ete Strasse-2026-12-07.xlsx");
  account_.display_name = "";
  file = run(playlist_id(1), ExportFormat::Xlsx);
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->file_name, "plm-me-2026-12-07.xlsx");
}

}  // namespace
}  // namespace plm::exchange
