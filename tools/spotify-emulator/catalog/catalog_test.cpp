#include "catalog/catalog.hpp"

#include <gtest/gtest.h>

#include "catalog/test_util.hpp"

namespace spotify_emulator {
namespace {

using testing::TempDir;

constexpr std::string_view kExportifyHeader =
    "Track URI,Track Name,Artist URI(s),Artist Name(s),Album URI,Album Name,Album Artist URI(s),"
    "Album Artist Name(s),Album Release Date,Album Image URL,Disc Number,Track Number,"
    "Track Duration (ms),Track Preview URL,Explicit,Popularity,ISRC,Added By,Added At\n";

constexpr std::string_view kExportifyRows =
    "spotify:track:3I1vEQhGwRK7URrTq4BqNl,(Ghost) Riders in the Sky,"
    "spotify:artist:6kACVPfCOnqzgfEF5ryl0x,Johnny Cash,spotify:album:5LWsHgqyGqhd6HNBYLb6W7,Silver,"
    "spotify:artist:6kACVPfCOnqzgfEF5ryl0x,Johnny Cash,1979-05-01,https://i.scdn.co/image/x,1,5,"
    "224813,,false,61,USSM17900470,spotify:user:robbednark,2019-09-17T01:02:03Z\n"
    "spotify:track:0AAAAAAAAAAAAAAAAAAAAA,Duet,"
    "\"spotify:artist:1AAAAAAAAAAAAAAAAAAAAA, spotify:artist:2AAAAAAAAAAAAAAAAAAAAA\","
    "\"Tyler, The Creator, Kali Uchis\",spotify:album:3AAAAAAAAAAAAAAAAAAAAA,Flower Boy,"
    "spotify:artist:1AAAAAAAAAAAAAAAAAAAAA,\"Tyler, The Creator\",2017-07,,1,2,180000,,true,70,"
    "usab11700001,spotify:user:someone,2020-01-01T00:00:00Z\n"
    "spotify:local:Local+Band:Demo%3A+Tape:My+Song:200,My Song,,Local Band,,Demo: Tape,,,,,0,0,"
    "200000,,false,0,,spotify:user:robbednark,2020-02-02T00:00:00Z\n"
    "spotify:episode:4AAAAAAAAAAAAAAAAAAAAA,A Podcast Episode,,,,,,,2020,,1,1,3600000,,false,0,,"
    "spotify:user:robbednark,2020-03-03T00:00:00Z\n";

constexpr std::string_view kTidyTuesday =
    "track_id,track_name,track_artist,track_popularity,track_album_id,track_album_name,"
    "track_album_release_date,playlist_name,playlist_id,playlist_genre,playlist_subgenre,"
    "duration_ms\n"
    "6f807x0ima9a1j3VPbc7VN,I Don't Care,Ed Sheeran,66,2oCs0DGTsRO98Gh5ZSl2Cx,I Don't Care,"
    "2019-06-14,Pop Remix,37i9dQZF1DXcZDD7cfEKhW,pop,dance pop,194754\n"
    "3I1vEQhGwRK7URrTq4BqNl,Ghost Riders,Johnny Cash,10,5LWsHgqyGqhd6HNBYLb6W7,Silver,1979,"
    "Country,37i9dQZF1DX0000000000,country,classic,224813\n";

TEST(Catalog, KeepsTheFirstRecordButLetsARicherOneReplaceABareOne) {
  Catalog catalog;
  Track bare;
  bare.id = "t1";
  bare.name = "Bare";
  bare.generated = true;
  Track rich = bare;
  rich.name = "Rich";
  rich.isrc = "X";
  rich.generated = false;
  Track later = rich;
  later.name = "Later";

  catalog.add(bare);
  catalog.add(rich);
  catalog.add(later);

  ASSERT_EQ(catalog.size(), 1u);
  EXPECT_EQ(catalog.find("t1")->name, "Rich");
  EXPECT_EQ(catalog.find("missing"), nullptr);
}

TEST(LoadCatalog, ReadsAPlainExportifyFileAsAPlaylistNamedAfterTheFile) {
  TempDir dir;
  const auto file =
      dir.write("my_road_trip.csv", std::string(kExportifyHeader) + std::string(kExportifyRows));
  Catalog catalog;

  const LoadReport report = load_catalog_file(file, catalog);

  EXPECT_TRUE(report.warnings.empty()) << report.warnings.front();
  EXPECT_EQ(report.rows, 4u);
  ASSERT_EQ(catalog.source_playlists().size(), 1u);
  const SourcePlaylist& playlist = catalog.source_playlists().front();
  EXPECT_EQ(playlist.name, "my road trip");
  ASSERT_EQ(playlist.entries.size(), 4u);
  EXPECT_EQ(playlist.entries[0].added_by, "robbednark");
  EXPECT_EQ(playlist.entries[0].added_at, "2019-09-17T01:02:03Z");
  EXPECT_EQ(playlist.entries[2].uri.rfind("spotify:local:", 0), 0u);
  EXPECT_EQ(catalog.size(), 3u);  // two tracks and an episode; the local file is no track

  const Track* track = catalog.find("3I1vEQhGwRK7URrTq4BqNl");
  ASSERT_NE(track, nullptr);
  EXPECT_EQ(track->album.release_date_precision, "day");
  EXPECT_EQ(track->album.image_url, "https://i.scdn.co/image/x");
  EXPECT_EQ(track->isrc, "USSM17900470");
  EXPECT_EQ(track->duration_ms, 224813);
  EXPECT_EQ(track->track_number, 5);
  EXPECT_EQ(track->album.total_tracks, 5);
  EXPECT_EQ(catalog.find("4AAAAAAAAAAAAAAAAAAAAA")->kind, "episode");
}

TEST(LoadCatalog, PairsArtistNamesContainingCommasWithTheirIds) {
  TempDir dir;
  const auto file = dir.write("x.csv", std::string(kExportifyHeader) + std::string(kExportifyRows));
  Catalog catalog;

  load_catalog_file(file, catalog);

  const Track* track = catalog.find("0AAAAAAAAAAAAAAAAAAAAA");
  ASSERT_NE(track, nullptr);
  ASSERT_EQ(track->artists.size(), 2u);
  EXPECT_EQ(track->artists[0].name, "Tyler, The Creator");
  EXPECT_EQ(track->artists[0].id, "1AAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(track->artists[1].name, "Kali Uchis");
  EXPECT_EQ(track->album.artists.at(0).name, "Tyler, The Creator");
  EXPECT_EQ(track->album.release_date_precision, "month");
  EXPECT_TRUE(track->is_explicit);
}

TEST(LoadCatalog, ReadsRobbednarkPartsWithKeysAndNamesFromTheIndex) {
  TempDir dir;
  std::string lines = "playlist_key,position," + std::string(kExportifyHeader);
  std::string rows(kExportifyRows);
  std::size_t start = 0;
  int position = 1;
  while (start < rows.size()) {
    const std::size_t end = rows.find('\n', start);
    lines += "7," + std::to_string(position++) + "," + rows.substr(start, end - start + 1);
    start = end + 1;
  }
  dir.write("robbednark_playlist_tracks.part1of1.csv", lines);
  dir.write("robbednark_playlists.csv",
            "playlist_key,source_file,playlist_name_from_filename,n_rows,source_blob_sha1\n"
            "7,road_trip.csv,road trip,4,abc\n8,empty.csv,empty one,0,def\n");
  Catalog catalog;

  const LoadReport report = load_catalog_dir(dir.path(), catalog);

  EXPECT_EQ(report.files, 2u);
  ASSERT_EQ(catalog.source_playlists().size(), 2u);
  EXPECT_EQ(catalog.source_playlists()[0].name, "road trip");
  EXPECT_EQ(catalog.source_playlists()[0].entries.size(), 4u);
  EXPECT_EQ(catalog.source_playlists()[1].name, "empty one");
  EXPECT_TRUE(catalog.source_playlists()[1].entries.empty());
}

TEST(LoadCatalog, ReadsTidyTuesdayWithGeneratedStableArtistIdsAndGenres) {
  TempDir dir;
  const auto file = dir.write("tidy.csv", kTidyTuesday);
  Catalog first;
  Catalog second;

  load_catalog_file(file, first);
  load_catalog_file(file, second);

  const Track* track = first.find("6f807x0ima9a1j3VPbc7VN");
  ASSERT_NE(track, nullptr);
  ASSERT_EQ(track->artists.size(), 1u);
  EXPECT_EQ(track->artists[0].name, "Ed Sheeran");
  EXPECT_EQ(track->artists[0].id.size(), 22u);
  EXPECT_EQ(track->artists[0].id, second.find("6f807x0ima9a1j3VPbc7VN")->artists[0].id);
  EXPECT_EQ(track->genres, (std::vector<std::string>{"pop", "dance pop"}));
  EXPECT_EQ(first.find("3I1vEQhGwRK7URrTq4BqNl")->album.release_date_precision, "year");
  ASSERT_EQ(first.source_playlists().size(), 2u);
  EXPECT_EQ(first.source_playlists()[0].name, "Pop Remix");
  EXPECT_EQ(first.source_playlists()[0].genre, "pop");
}

TEST(LoadCatalog, PrefersExportifyOverTidyTuesdayForTheSameId) {
  TempDir dir;
  dir.write("a_tidy.csv", kTidyTuesday);
  dir.write("b_export.csv", std::string(kExportifyHeader) + std::string(kExportifyRows));
  Catalog catalog;

  load_catalog_dir(dir.path(), catalog);

  EXPECT_EQ(catalog.find("3I1vEQhGwRK7URrTq4BqNl")->name, "(Ghost) Riders in the Sky");
  EXPECT_EQ(catalog.find("3I1vEQhGwRK7URrTq4BqNl")->genres,
            (std::vector<std::string>{"country", "classic"}));
}

TEST(LoadCatalog, BuildsTracksFromHariSekhonLinesOnlyForUnknownIds) {
  TempDir dir;
  dir.write("harisekhon_playlists.csv",
            "playlist_key,playlist_name,folder,source_path,n_lines,n_track_uris,spotify_playlist_"
            "id,description\n"
            "1,2000s Rap,,2000s Rap,3,3,45xOvaDjf7gLkmQT1xOJUn,\"Jay-Z, Eminem… legends\"\n");
  dir.write(
      "harisekhon_playlist_lines.part1of1.csv",
      "playlist_key,position,uri,line_text\n"
      "1,1,spotify:track:5zkMLiZLve4jFLGyqoKFMt,JAŸ-Z - Blueprint 2\n"
      "1,2,spotify:track:7AAAAAAAAAAAAAAAAAAAAA,\"Timbaland, Drake - Say Something - Remix\"\n"
      "1,3,spotify:local:A:B:C:120,A - C\n"
      "1,4,spotify:track:6f807x0ima9a1j3VPbc7VN,Ed Sheeran - I Don't Care\n");
  dir.write("tidy.csv", kTidyTuesday);
  Catalog catalog;

  load_catalog_dir(dir.path(), catalog);

  const SourcePlaylist& playlist = catalog.source_playlists().front();  // index files load first
  EXPECT_EQ(playlist.name, "2000s Rap");
  EXPECT_EQ(playlist.description, "Jay-Z, Eminem… legends");
  EXPECT_EQ(playlist.entries.size(), 4u);
  const Track* jay = catalog.find("5zkMLiZLve4jFLGyqoKFMt");
  ASSERT_NE(jay, nullptr);
  EXPECT_TRUE(jay->generated);
  EXPECT_EQ(jay->name, "Blueprint 2");
  EXPECT_EQ(jay->artists.at(0).name, "JAŸ-Z");
  EXPECT_GE(jay->duration_ms, 150000);
  EXPECT_LE(jay->duration_ms, 300000);
  const Track* duo = catalog.find("7AAAAAAAAAAAAAAAAAAAAA");
  ASSERT_EQ(duo->artists.size(), 2u);
  EXPECT_EQ(duo->name, "Say Something - Remix");
  EXPECT_EQ(duo->album.name, "Say Something - Remix");
  EXPECT_FALSE(catalog.find("6f807x0ima9a1j3VPbc7VN")->generated);  // TidyTuesday record kept
}

TEST(LoadCatalog, WarnsAboutUnknownFilesAndCountsMalformedRowsOnce) {
  TempDir dir;
  dir.write("notes.csv", "foo,bar\n1,2\n");
  dir.write("tidy.csv", std::string(kTidyTuesday) + "bad-id!,x\nshort\n\"unterminated\n");
  Catalog catalog;

  const LoadReport report = load_catalog_dir(dir.path(), catalog);

  ASSERT_EQ(report.warnings.size(), 2u);
  EXPECT_NE(report.warnings[0].find("tidy.csv: skipped 3 malformed"), std::string::npos)
      << report.warnings[0];
  EXPECT_NE(report.warnings[1].find("notes.csv"), std::string::npos);
  EXPECT_EQ(catalog.size(), 2u);
}

TEST(ParseLocalUri, DecodesPlusAndPercentEncoding) {
  LocalFile local;

  ASSERT_TRUE(parse_local_uri("spotify:local:Local+Band:Demo%3A+Tape:My+Song:200", local));

  EXPECT_EQ(local.artist, "Local Band");
  EXPECT_EQ(local.album, "Demo: Tape");
  EXPECT_EQ(local.title, "My Song");
  EXPECT_EQ(local.duration_ms, 200000);
  EXPECT_FALSE(parse_local_uri("spotify:track:abc", local));
}

TEST(LoadCatalog, ReadsTheCommittedDemoCatalog) {
  Catalog catalog;

  const LoadReport report = load_catalog_file(testing::demo_catalog_path(), catalog);

  EXPECT_TRUE(report.warnings.empty());
  EXPECT_GE(catalog.size(), 9000u);
  EXPECT_GE(catalog.source_playlists().size(), 100u);
}

}  // namespace
}  // namespace spotify_emulator
