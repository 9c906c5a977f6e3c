// `plm export` and `plm import` end to end (issue 14 §5): the plm binary as a separate process
// against a real emulator over loopback HTTP, the files edited as people do with openpyxl
// (Debian's python3-openpyxl, run by /usr/bin/python3: the `python3` on PATH may lack it). Every
// import is checked on the EMULATOR's playlists (what Spotify holds) and by its call counters.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "cli_fixture.hpp"
#include "exchange/xlsx.hpp"

namespace {

using namespace plm_cli_test;

std::string exchange_playlist_id(std::string name) {
  return padded_playlist_id(std::move(name), '2');
}

const std::string kTrip = exchange_playlist_id("XcTrip");
const std::string kWork = exchange_playlist_id("XcWork");
const std::string kChill = exchange_playlist_id("XcChill");
const std::string kFollowed = exchange_playlist_id("XcFollowed");

std::string t(std::size_t n) { return catalog_uri(n); }

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

/// A catalog track that a title and an artist name without doubt: no other track has its title
/// (so no other version or artist can compete), and its title is plain words.
std::size_t plain_unique_track() {
  std::map<std::string, int> titles;
  for (const auto& track : catalog().tracks()) ++titles[lower(track.name)];
  for (std::size_t n = 200; n < catalog().tracks().size(); ++n) {
    const auto& track = catalog().tracks()[n];
    const bool plain = track.name.find_first_of("()-[]&/'.,!?") == std::string::npos &&
                       track.name.size() >= 6 && !track.artists.empty();
    if (plain && titles[lower(track.name)] == 1) return n;
  }
  ADD_FAILURE() << "no plain unique title in the catalog";
  return 0;
}

/// A title two different artists sing (and no one else): a row with only that title is
/// ambiguous, never guessed.
std::string shared_title() {
  std::map<std::string, std::set<std::string>> artists;
  std::map<std::string, std::string> spelled;
  for (const auto& track : catalog().tracks()) {
    if (track.artists.empty()) continue;
    artists[lower(track.name)].insert(lower(track.artists.front().name));
    spelled[lower(track.name)] = track.name;
  }
  for (const auto& [title, who] : artists) {
    if (who.size() == 2 && title.size() >= 8 &&
        title.find_first_of("()-[]&/'.,!?") == std::string::npos)
      return spelled[title];
  }
  ADD_FAILURE() << "no title shared by two artists in the catalog";
  return {};
}

/// dj owns three playlists and follows one of someone else's.
Seed exchange_seed() {
  const auto entries = [](std::vector<std::size_t> tracks, const std::string& by = "dj") {
    std::vector<SeedEntry> result;
    for (const auto n : tracks) result.push_back({t(n), "2025-01-01T00:00:00Z", by});
    return result;
  };
  Seed seed;
  seed.users = {{"dj", "DJ Test", true}, {"other", "Other", true}};
  seed.playlists = {
      {kTrip, "dj", "Road Trip", "", true, false, entries({0, 1, 2, 3, 4}), {}},
      {kWork, "dj", "Work", "", true, false, entries({10, 11, 12}), {}},
      {kChill, "dj", "Chill", "", false, false, entries({20, 21}), {}},
      {kFollowed, "other", "Followed", "", true, false, entries({30}, "other"), {"dj"}},
  };
  return seed;
}

class CliExchangeTest : public CliTest {
 protected:
  void SetUp() override {
    start(exchange_seed(), "dj");
    connect();
    ASSERT_EQ(plm({"sync", "--quiet"}).exit_code, 0);
    files_ = data_dir_.parent_path() / (data_dir_.filename().string() + "-files");
    fs::remove_all(files_);
    fs::create_directories(files_);
  }
  void TearDown() override {
    fs::remove_all(files_);
    CliTest::TearDown();
  }

  std::string file(const std::string& name) const { return (files_ / name).string(); }

  /// Runs `script` with /usr/bin/python3 (openpyxl's Python); fails the test clearly when it
  /// cannot (openpyxl missing: scripts/setup.sh installs python3-openpyxl).
  void python(const std::string& script, std::vector<std::string> arguments = {}) {
    const auto path = files_ / "script.py";
    std::ofstream(path) << script;
    arguments.insert(arguments.begin(), {"/usr/bin/python3", path.string()});
    const auto result = run_process(arguments, {});
    ASSERT_EQ(result.exit_code, 0)
        << "/usr/bin/python3 (with openpyxl, scripts/setup.sh) failed: " << result.err;
  }

  std::int64_t write_calls() {
    std::int64_t writes = 0;
    // Held in a local: a range-for over a member of a temporary would read freed memory.
    const Json stats = admin_json("GET", "/__emulator/stats");
    for (const auto& [endpoint, count] : stats["by_endpoint"].items()) {
      if (!endpoint.starts_with("GET ")) writes += count.get<std::int64_t>();
    }
    return writes;
  }
  Json all_on_spotify() { return admin_json("GET", "/__emulator/users/dj/playlists"); }

  static std::map<std::string, Json> by_id(const Json& playlists, const char* key = "id") {
    std::map<std::string, Json> result;
    for (const auto& playlist : playlists) {
      if (playlist.contains(key) && playlist[key].is_string()) result[playlist[key]] = playlist;
    }
    return result;
  }

  fs::path files_;
};

TEST_F(CliExchangeTest, ExportThenImportOfTheSameFileChangesNothingAndSendsNothing) {
  const auto calls_before = emulator_calls();
  const auto exported = run({"export", "-o", file("all.xlsx")});
  // 10 tracks: the followed playlist's items are not readable by a development-mode app (its
  // sheet says so), as on Spotify.
  EXPECT_NE(exported.err.find("exported 4 playlists (10 tracks) to " + file("all.xlsx")),
            std::string::npos)
      << exported.err;
  EXPECT_TRUE(exported.out.empty()) << exported.out;
  const Json described = run_json({"export", "--output", file("again.xlsx")});
  EXPECT_EQ(described["file"], file("again.xlsx"));
  EXPECT_EQ(described["format"], "xlsx");
  EXPECT_EQ(described["playlists"], 4);
  EXPECT_EQ(described["tracks"], 10);
  EXPECT_EQ(described["bytes"], fs::file_size(file("again.xlsx")));
  // Nothing but the files: no temporary left beside them.
  EXPECT_EQ(std::distance(fs::directory_iterator(files_), fs::directory_iterator()), 2);
  // `-o -`: the same workbook on stdout.
  // The bytes may differ (the workbook's creation time is inside it), the cells may not.
  const auto piped = run({"export", "-o", "-"});
  std::ifstream written(file("all.xlsx"), std::ios::binary);
  const std::string on_disk{std::istreambuf_iterator<char>(written), {}};
  const auto piped_cells = plm::exchange::read_xlsx(piped.out);
  const auto file_cells = plm::exchange::read_xlsx(on_disk);
  ASSERT_TRUE(piped_cells) << piped_cells.error().message;
  ASSERT_TRUE(file_cells) << file_cells.error().message;
  EXPECT_EQ(*piped_cells, *file_cells);
  EXPECT_EQ(emulator_calls(), calls_before);  // an export reads the store only

  const auto preview = run({"import", file("all.xlsx")});
  EXPECT_NE(preview.err.find("nothing was changed; run again with --apply"), std::string::npos)
      << preview.err;
  const Json previewed = run_json({"import", file("all.xlsx")});
  EXPECT_EQ(previewed["changed"], 0) << previewed.dump(1);
  EXPECT_EQ(previewed["needs_decision"], 0);
  EXPECT_EQ(previewed["unknown"], 0);
  EXPECT_EQ(previewed["calls"], 0);
  ASSERT_EQ(previewed["playlists"].size(), 4u);
  for (const auto& playlist : previewed["playlists"]) {
    EXPECT_NE(playlist["status"], "change") << playlist.dump();
    expect_schema("ImportPlaylistPreview", playlist);  // the web API's shape
  }
  const Json applied = run_json({"import", file("all.xlsx"), "--apply"});
  EXPECT_TRUE(applied["applied"]["job_id"].is_null()) << applied.dump(1);
  EXPECT_EQ(applied["applied"]["results"].size(), 0u);

  EXPECT_EQ(emulator_calls(), calls_before);  // not one call, so zero writes
  EXPECT_EQ(write_calls(), 0);
}

TEST_F(CliExchangeTest, AnEditedWorkbookMakesSpotifyLookLikeItsSheets) {
  const std::size_t added = plain_unique_track();
  const auto& added_track = catalog().tracks().at(added);
  const std::string ambiguous = shared_title();
  run({"export", "-o", file("plan.xlsx")});
  const Json before = by_id(all_on_spotify());

  // As a person would: in "Road Trip" rows reordered (t4 to the top), t2 deleted, and a row
  // with only a title and an artist added at the bottom; the index renames it. In "Work" a row
  // with only a title two artists sing: that playlist waits for a decision, Road Trip does not.
  python(R"(
import sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
def sheet_of(playlist_id):
    for sheet in book.worksheets:
        if sheet["B2"].value == playlist_id:
            return sheet
    raise SystemExit("no sheet for " + playlist_id)
trip = sheet_of(sys.argv[2])
rows = [[cell.value for cell in row] for row in trip.iter_rows(min_row=6)]
uris = [row[8] for row in rows]
order = [rows[4], rows[0], rows[1], rows[3]]       # t4, t0, t1, t3: t2 deleted
for r, row in enumerate(order):
    for c, value in enumerate(row):
        trip.cell(row=6 + r, column=1 + c, value=value)
for c in range(1, 11):
    trip.cell(row=10, column=c).value = None       # cell(value=None) would keep the value
trip.cell(row=10, column=2, value=sys.argv[3])    # Title
trip.cell(row=10, column=3, value=sys.argv[4])    # Artists
index = book["Playlists"]
for row in index.iter_rows(min_row=2):
    if row[0].value == sys.argv[2]:
        row[1].value = "Road Trip 2026"
work = sheet_of(sys.argv[5])
work.cell(row=9, column=2, value=sys.argv[6])
book.save(sys.argv[1])
)",
         {file("plan.xlsx"), kTrip, added_track.name, added_track.artists.front().name, kWork,
          ambiguous});

  const Json preview = run_json({"import", file("plan.xlsx")});
  const auto planned = by_id(preview["playlists"], "playlist_id");
  ASSERT_TRUE(planned.contains(kTrip)) << preview.dump(1);
  EXPECT_EQ(planned.at(kTrip)["status"], "change");
  EXPECT_EQ(planned.at(kWork)["status"], "needs_decision");
  EXPECT_EQ(planned.at(kChill)["status"], "unchanged");
  for (const auto& playlist : preview["playlists"])
    expect_schema("ImportPlaylistPreview", playlist);
  for (const auto& issue : preview["issues"]) expect_schema("ImportIssue", issue);
  const auto text = run({"import", file("plan.xlsx")});
  EXPECT_NE(text.out.find("put the track's URI in row 9 of sheet"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("\u201cRoad Trip\u201d -> \u201cRoad Trip 2026\u201d"), std::string::npos)
      << text.out;
  EXPECT_EQ(write_calls(), 0);  // a preview sends nothing

  // --apply: Road Trip is made exactly the sheet; Work waits (exit 5: not everything applied).
  const Json applied = run_json({"import", file("plan.xlsx"), "--apply"}, 5);
  ASSERT_TRUE(applied["applied"]["job_id"].is_string()) << applied.dump(1);
  const std::vector<std::string> expected{t(4), t(0), t(1), t(3),
                                          "spotify:track:" + added_track.id};
  EXPECT_EQ(on_spotify(kTrip), expected);
  const Json trip = emulator_playlist(kTrip);
  EXPECT_EQ(trip["name"], "Road Trip 2026");
  for (std::size_t i = 0; i < 4; ++i)  // the tracks that stayed keep their added date
    EXPECT_EQ(trip["entries"][i]["added_at"], "2025-01-01T00:00:00Z") << i;
  EXPECT_EQ(on_spotify(kWork), (std::vector{t(10), t(11), t(12)}));
  EXPECT_EQ(emulator_playlist(kWork)["version"], before.at(kWork)["version"]);
  EXPECT_EQ(emulator_playlist(kChill)["version"], before.at(kChill)["version"]);
  // The import is a batch in the playlist's history, undoable as one.
  const Json history = run_json({"playlist", "history", kTrip});
  EXPECT_EQ(history[0]["cause"]["origin"], "cli");
  EXPECT_EQ(history[0]["cause"]["action"], "import");
}

TEST_F(CliExchangeTest, ExportifyCsvRoundTripsAndATagSelectsThePlaylists) {
  // One playlist as CSV: Exportify's columns; importing it back changes nothing.
  run({"export", "--playlists", kTrip, "--format", "csv", "-o", file("trip.csv")});
  std::ifstream csv(file("trip.csv"));
  std::string header;
  std::getline(csv, header);
  EXPECT_TRUE(header.starts_with("\"Track URI\"") || header.starts_with("Track URI")) << header;
  const Json same = run_json({"import", file("trip.csv"), "--playlist", kTrip});
  EXPECT_EQ(same["changed"], 0) << same.dump(1);

  // Reversed in the CSV, then applied: Spotify holds the reversed list.
  python(R"(
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
with open(sys.argv[1], "w", newline="", encoding="utf-8") as f:
    csv.writer(f).writerows([rows[0]] + rows[1:][::-1])
)",
         {file("trip.csv")});
  run({"import", file("trip.csv"), "--playlist", kTrip, "--apply"});
  EXPECT_EQ(on_spotify(kTrip), (std::vector{t(4), t(3), t(2), t(1), t(0)}));

  // --playlists tag:x: only the tagged playlists are exported.
  set_tags(kWork, {"x"});
  set_tags(kChill, {"x", "y"});
  const Json tagged = run_json({"export", "--playlists", "tag:x", "-o", file("x.xlsx")});
  EXPECT_EQ(tagged["playlists"], 2);
  EXPECT_EQ(tagged["tracks"], 5);
  const Json imported = run_json({"import", file("x.xlsx")});
  std::set<std::string> ids;
  for (const auto& playlist : imported["playlists"]) ids.insert(playlist["playlist_id"]);
  EXPECT_EQ(ids, (std::set<std::string>{kWork, kChill}));
}

TEST_F(CliExchangeTest, BadFilesAndPathsFailCleanlyAndChangeNothing) {
  run({"export", "-o", file("good.xlsx")});
  const Json before = all_on_spotify();
  const auto calls_before = emulator_calls();

  // A truncated workbook, a zip bomb (250 MB of zeros behind a workbook's names), text that is
  // no spreadsheet, a file that is not there: exit 2, the reason on stderr.
  python(R"(
import sys, zipfile
data = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(data[: len(data) // 2])
with zipfile.ZipFile(sys.argv[3], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("xl/workbook.xml", "<workbook/>")
    with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(250):
            f.write(chunk)
)",
         {file("good.xlsx"), file("truncated.xlsx"), file("bomb.xlsx")});
  for (const auto& bad : {file("truncated.xlsx"), file("bomb.xlsx"), file("missing.xlsx")}) {
    for (const bool apply : {false, true}) {
      std::vector<std::string> arguments{"import", bad};
      if (apply) arguments.push_back("--apply");
      const auto result = run(arguments, 2);
      EXPECT_TRUE(result.err.starts_with("plm: ")) << bad << ": " << result.err;
      EXPECT_GT(result.err.size(), 20u) << bad << ": " << result.err;  // with the reason
    }
  }
  EXPECT_EQ(all_on_spotify(), before);
  EXPECT_EQ(emulator_calls(), calls_before);

  // -o into a folder that does not exist: exit 1, the reason, nothing written anywhere.
  const auto missing = run({"export", "-o", file("no/such/folder/out.xlsx")}, 1);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(files_ / "no"));
  // A bad selector: exit 2, no file.
  const auto bad_selector = run({"export", "--playlists", "bogus:x", "-o", file("sel.xlsx")}, 2);
  EXPECT_NE(bad_selector.err.find("--playlists"), std::string::npos) << bad_selector.err;
  EXPECT_FALSE(fs::exists(file("sel.xlsx")));
  // An export over an existing file replaces it whole.
  const auto size = fs::file_size(file("good.xlsx"));
  run({"export", "--playlists", kChill, "-o", file("good.xlsx")});
  EXPECT_LT(fs::file_size(file("good.xlsx")), size);
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(files_)) names.insert(entry.path().filename());
  EXPECT_EQ(names,
            (std::set<std::string>{"good.xlsx", "truncated.xlsx", "bomb.xlsx", "script.py"}));
}

}  // namespace
