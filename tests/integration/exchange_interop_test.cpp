// The interoperability proof of issue 14 §4: plm's .xlsx export and import against files that
// other programs write and read. LibreOffice Calc (headless, Debian's libreoffice-calc-nogui) and
// openpyxl (Debian's python3-openpyxl, run by /usr/bin/python3) re-save our export, which must
// import back to the same structure (every playlist Unchanged, zero Spotify calls); openpyxl
// reads our export and must see the values and types we meant (durations as times, dates as
// datetimes, the bold frozen header and its auto-filter); workbooks made by those programs the
// way people make them (tests/interop/make_workbook.py) import as what their author meant; and
// the CSV that LibreOffice writes from our workbook reads back. The scripts are in tests/interop/.
//
// Over an in-memory store seeded with playlists as people name and fill them (’ / : [ ] in
// names, emoji and CJK, two names equal but for case, a local file, an unavailable slot,
// duplicates, 120 tracks, formula-like text). No Spotify at all: the export reads the store, the
// import's plan compares with it.
//
// The tools are required: a test FAILS, naming scripts/setup.sh, when /usr/bin/python3 cannot
// import openpyxl or soffice is missing. LibreOffice starts in about a second per run; each test
// batches its conversions into one or two runs and has its own profile directory (ctest runs
// tests in parallel).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/exchange/export_layout.hpp"
#include "core/exchange/import_layout.hpp"
#include "core/exchange/import_plan.hpp"
#include "core/exchange/workbook.hpp"
#include "core/time.hpp"
#include "exchange/files.hpp"
#include "exchange/xlsx.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"

namespace plm {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using Status = core::ImportPlaylistPlan::Status;
using Severity = core::ImportIssue::Severity;

constexpr const char* kPython = "/usr/bin/python3";
const core::TimePoint kToday = core::from_unix_seconds(1'796'601'600);  // 2026-12-07

// ---- the programs ---------------------------------------------------------------------------

fs::path interop_scripts() { return fs::path(PLM_SOURCE_DIR) / "tests" / "interop"; }

/// Why the other programs cannot run here, or "" when they can.
std::string missing_tools() {
  std::string missing;
  const auto openpyxl = test_support::run_process({kPython, "-c", "import openpyxl"}, {});
  if (openpyxl.exit_code != 0) {
    missing += std::string(kPython) + " cannot import openpyxl (" + openpyxl.err + "); ";
  }
  const auto soffice = test_support::run_process({"/bin/sh", "-c", "command -v soffice"}, {});
  if (soffice.exit_code != 0) missing += "soffice (LibreOffice) is not on PATH; ";
  if (!missing.empty()) {
    missing += "run scripts/setup.sh (it installs python3-openpyxl and libreoffice-calc-nogui)";
  }
  return missing;
}

/// Standard output of a program that must succeed (throws, and so fails the test, otherwise).
std::string run_ok(const std::vector<std::string>& argv) {
  const auto result = test_support::run_process(argv, {});
  if (result.exit_code != 0) {
    std::string command;
    for (const auto& part : argv) command += part + " ";
    throw std::runtime_error(command + "exited with " + std::to_string(result.exit_code) + ":\n" +
                             result.err + result.out);
  }
  return result.out;
}

std::string python(const std::string& script, std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {kPython, (interop_scripts() / script).string()});
  return run_ok(arguments);
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// ---- the seeded account ---------------------------------------------------------------------

/// A Spotify id of 22 base-62 characters: `prefix` then `number`, zero-padded.
std::string spotify_id(const std::string& prefix, std::int64_t number) {
  const std::string digits = std::to_string(number);
  return prefix + std::string(22 - prefix.size() - digits.size(), '0') + digits;
}
std::string track_uri(std::int64_t number) { return "spotify:track:" + spotify_id("T", number); }

core::PlaylistItem track_item(std::int64_t number, std::optional<std::int64_t> added_unix) {
  core::TrackInfo track;
  track.uri = track_uri(number);
  static const std::vector<std::string> kTitles = {
      "Bohemian Rhapsody", "One More Time", "First Love",        "Svefn-g-englar", "Formation",
      "=Intro (Skit)",  // formula-like: written neutralised, read back the same
      "Señorita",          "夜に駆ける",    "Don’t Stop Me Now", "99 Luftballons"};
  static const std::vector<std::vector<std::string>> kArtists = {{"Queen"},
                                                                 {"Daft Punk"},
                                                                 {"宇多田ヒカル"},
                                                                 {"Sigur Rós"},
                                                                 {"Beyoncé"},
                                                                 {"The Roots"},
                                                                 {"Shawn Mendes", "Camila Cabello"},
                                                                 {"YOASOBI"},
                                                                 {"Queen"},
                                                                 {"Nena"}};
  const auto kind = static_cast<std::size_t>(number) % kTitles.size();
  track.name = kTitles[kind] + (number >= 10 ? " " + std::to_string(number) : "");
  track.artists = kArtists[kind];
  track.album = "Album " + std::to_string(number % 7);
  // Spotify's release dates come in three precisions.
  track.release_date = number % 3 == 0 ? "1975-10-31" : number % 3 == 1 ? "1987" : "2001-03";
  track.duration_ms = 95'000 + number * 7'919 % 400'000;  // some past an hour below
  if (number % 11 == 0) track.duration_ms = 3'600'000 + number * 1'000;
  if (number % 2 == 0) track.isrc = "GBUM7" + spotify_id("", number).substr(15);
  core::PlaylistItem item;
  item.uri = track.uri;
  if (added_unix) item.added_at = core::from_unix_seconds(*added_unix);
  item.added_by = "nova";
  item.track = std::move(track);
  return item;
}

core::PlaylistItem local_item() {
  core::PlaylistItem item;
  item.uri = "spotify:local:Unknown+Artist:Demos:Garage+Take+3:241";
  item.is_local = true;
  item.added_at = core::from_unix_seconds(1'700'000'000);
  item.added_by = "nova";
  core::TrackInfo track;
  track.uri = item.uri;
  track.name = "Garage Take 3";
  track.artists = {"Unknown Artist"};
  track.album = "Demos";
  track.duration_ms = 241'000;
  item.track = std::move(track);
  return item;
}

core::PlaylistItem unavailable_item() {
  core::PlaylistItem item;
  item.unavailable = true;
  item.added_at = core::from_unix_seconds(1'500'000'000);
  return item;
}

struct SeededPlaylist {
  std::string id;
  std::string name;
  std::string description;
  bool is_public = true;
  bool collaborative = false;
  std::vector<std::string> tags;
  std::vector<core::PlaylistItem> items;
};

/// The playlists of the seeded account, in list order.
std::vector<SeededPlaylist> seeded_playlists() {
  std::vector<SeededPlaylist> playlists;
  // 120 tracks with a local file, an unavailable slot, a duplicate and an item without added_at.
  SeededPlaylist road{.id = spotify_id("PL", 1),
                      .name = "Rock ’n’ Roll / Road Trip: 2024 [Live] – the long one",
                      .description = "Everything we played on the road, in set order.",
                      .tags = {"live", "summer"}};
  for (std::int64_t n = 1; n <= 117; ++n) {
    road.items.push_back(
        track_item(n, n == 40 ? std::nullopt
                              : std::optional<std::int64_t>(1'704'067'200 + n * 86'400 + n * 37)));
  }
  road.items.insert(road.items.begin() + 10, local_item());
  road.items.insert(road.items.begin() + 50, unavailable_item());
  road.items.push_back(track_item(3, 1'720'000'000));  // the same track again
  playlists.push_back(std::move(road));

  SeededPlaylist night{.id = spotify_id("PL", 2),
                       .name = "夜のドライブ 🌙🚗",
                       .description = "深夜のプレイリスト — for late drives",
                       .is_public = false};
  for (std::int64_t n = 200; n < 212; ++n) night.items.push_back(track_item(n, 1'710'000'000 + n));
  playlists.push_back(std::move(night));

  SeededPlaylist chill{.id = spotify_id("PL", 3), .name = "Chill", .tags = {"work"}};
  for (std::int64_t n = 300; n < 305; ++n) chill.items.push_back(track_item(n, 1'600'000'000));
  playlists.push_back(std::move(chill));

  // Equal to the last but for case: the sheet names must differ ("chill (2)").
  SeededPlaylist chill2{.id = spotify_id("PL", 4),
                        .name = "chill",
                        .description = "=HYPERLINK(\"http://evil.example\") looks like a formula",
                        .collaborative = true};
  chill2.is_public = false;  // Spotify's collaborative playlists are never public
  for (std::int64_t n = 300; n < 303; ++n) chill2.items.push_back(track_item(n, 1'650'000'000));
  playlists.push_back(std::move(chill2));

  SeededPlaylist empty{.id = spotify_id("PL", 5), .name = "Playlists", .description = ""};
  playlists.push_back(std::move(empty));  // named like the index sheet, and empty
  return playlists;
}

struct SeededStore {
  test_support::InMemoryStore store;
  core::SpotifyAccount account;
  std::vector<SeededPlaylist> playlists = seeded_playlists();

  SeededStore() {
    auto user = store.create_user("interop", "hash", core::Role::Admin);
    if (!user) throw std::runtime_error(user.error().message);
    account.app_user_id = user->id;
    account.spotify_user_id = "nova";
    account.display_name = "Nova Sound Records";
    account.client_id = "client";
    auto id = store.upsert_account(account);
    if (!id) throw std::runtime_error(id.error().message);
    account.id = *id;
    for (std::size_t i = 0; i < playlists.size(); ++i) {
      const auto& playlist = playlists[i];
      core::PlaylistSummary summary;
      summary.id = playlist.id;
      summary.name = playlist.name;
      summary.description = playlist.description;
      summary.owner_id = "nova";
      summary.owner_name = "Nova Sound Records";
      summary.is_public = playlist.is_public;
      summary.collaborative = playlist.collaborative;
      summary.snapshot_id = "snapshot-" + playlist.id;
      summary.item_count = static_cast<std::int64_t>(playlist.items.size());
      check(store.save_playlist(account.id, static_cast<std::int64_t>(i), summary, playlist.items));
      if (!playlist.tags.empty()) {
        check(store.set_playlist_tags(account.id, playlist.id, playlist.tags));
      }
    }
  }

  static void check(const core::Status& status) {
    if (!status) throw std::runtime_error(status.error().message);
  }

  const SeededPlaylist& by_id(const std::string& id) const {
    for (const auto& playlist : playlists) {
      if (playlist.id == id) return playlist;
    }
    throw std::runtime_error("no seeded playlist " + id);
  }
  std::vector<std::string> sheet_names() const {
    std::vector<std::string> names;
    for (const auto& playlist : playlists) names.push_back(playlist.name);
    return core::sheet_names(names);
  }
};

// ---- the fixture ----------------------------------------------------------------------------

class ExchangeInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string missing = missing_tools();
    ASSERT_EQ(missing, "") << "the interoperability tests need openpyxl and LibreOffice: "
                           << missing;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("plm-interop-" + std::string(test->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "profile");
  }
  void TearDown() override {
    std::error_code ignored;
    if (!HasFailure()) fs::remove_all(dir_, ignored);  // kept to look at when a test fails
  }

  fs::path path(const std::string& name) const { return dir_ / name; }

  /// Our export of every seeded playlist, written to `name`.
  fs::path export_xlsx(const std::string& name = "export.xlsx") {
    auto exported = exchange::export_playlists(seeded_.store, seeded_.account, std::nullopt,
                                               exchange::ExportFormat::Xlsx, kToday);
    if (!exported) throw std::runtime_error("export: " + exported.error().message);
    write_bytes(path(name), exported->bytes);
    return path(name);
  }

  /// LibreOffice's conversion of `files` (format "xlsx" or "csv") into `outdir`: the written
  /// files, in order. One soffice run for all of them (per input kind).
  std::vector<fs::path> libreoffice(const std::string& format, const std::string& outdir,
                                    const std::vector<fs::path>& files) {
    std::vector<std::string> arguments = {"--profile", path("profile").string(), format,
                                          path(outdir).string()};
    for (const auto& file : files) arguments.push_back(file.string());
    std::vector<fs::path> written;
    std::istringstream lines(python("libreoffice.py", arguments));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty()) written.emplace_back(line);
    }
    return written;
  }

  core::ImportDocument import_file(const fs::path& file, const core::ImportOptions& options = {}) {
    auto document = exchange::read_import_file(read_bytes(file), file.filename().string(), options);
    if (!document) {
      throw std::runtime_error("read_import_file(" + file.filename().string() +
                               "): " + document.error().message);
    }
    return *document;
  }

  /// The preview of `document` for the seeded account, every row to match still Pending.
  core::ImportProposal propose(const core::ImportDocument& document) {
    std::vector<core::RowMatch> matches(document.rows_to_match().size());
    core::ImportPlanOptions options;
    options.file_name = "interop.xlsx";
    options.batch.today = kToday;
    auto proposal =
        core::propose_import(seeded_.store, seeded_.account, document, matches, options);
    if (!proposal) throw std::runtime_error("propose_import: " + proposal.error().message);
    return *proposal;
  }

  /// The file imports back to exactly the seeded structure: each seeded playlist once, with its
  /// rows' URIs in order, Unchanged, and nothing to apply.
  void expect_imports_unchanged(const fs::path& file) {
    SCOPED_TRACE(file.filename().string());
    const auto document = import_file(file);
    EXPECT_EQ(document.layout, core::ImportDocument::Layout::Plm);
    EXPECT_TRUE(document.rows_to_match().empty());
    for (const auto& issue : document.issues) {
      EXPECT_NE(issue.severity, Severity::Error) << core::describe(issue);
    }
    std::map<std::string, int> seen;
    for (const auto& playlist : document.playlists) {
      ASSERT_TRUE(playlist.playlist_id) << playlist.sheet;
      ++seen[*playlist.playlist_id];
      const auto& seeded = seeded_.by_id(*playlist.playlist_id);
      if (playlist.has_items) {
        EXPECT_EQ(uris_of(playlist), core::uris_of(seeded.items)) << seeded.name;
      }
      EXPECT_EQ(playlist.details.name, seeded.name);
      EXPECT_EQ(playlist.details.description, seeded.description) << seeded.name;
    }
    for (const auto& seeded : seeded_.playlists) EXPECT_EQ(seen[seeded.id], 1) << seeded.name;

    const auto proposal = propose(document);
    for (const auto& plan : proposal.playlists) {
      EXPECT_EQ(plan.status, Status::Unchanged)
          << plan.name << ": " << core::to_string(plan.status) << " " << plan.reason;
    }
    EXPECT_EQ(proposal.changed, 0);
    EXPECT_EQ(proposal.tag_changes, 0);
    EXPECT_EQ(proposal.batch.plan.calls, 0);
    EXPECT_EQ(proposal.batch.plan.write_calls, 0);
    const auto application = core::import_to_apply(proposal);
    ASSERT_FALSE(application) << "an unedited round trip must have nothing to apply";
    EXPECT_EQ(application.error().code, core::ErrorCode::InvalidInput);
  }

  /// The URIs of a document playlist's rows as the edit engine takes them ("" for a slot).
  static std::vector<std::string> uris_of(const core::ImportedPlaylist& playlist) {
    std::vector<std::string> uris;
    for (const auto& row : playlist.rows) uris.push_back(row.unavailable_slot ? "" : row.uri);
    return uris;
  }

  SeededStore seeded_;
  fs::path dir_;
};

const core::ImportedPlaylist& playlist_of_sheet(const core::ImportDocument& document,
                                                const std::string& sheet) {
  for (const auto& playlist : document.playlists) {
    if (playlist.sheet == sheet) return playlist;
  }
  throw std::runtime_error("the document has no playlist of sheet \"" + sheet + "\"");
}

bool has_issue(const core::ImportDocument& document, Severity severity, const std::string& sheet,
               const std::string& words) {
  return std::any_of(document.issues.begin(), document.issues.end(), [&](const auto& issue) {
    return issue.severity == severity && issue.sheet == sheet &&
           issue.message.find(words) != std::string::npos;
  });
}

std::string all_issues(const core::ImportDocument& document) {
  std::string text;
  for (const auto& issue : document.issues) {
    text += std::string(core::to_string(issue.severity)) + ": " + core::describe(issue) + "\n";
  }
  return text;
}

/// How two readings of the same file differ, for people ("" when they do not): the first
/// differing field of each playlist and row.
std::string differences(const std::vector<core::ImportedPlaylist>& expected,
                        const std::vector<core::ImportedPlaylist>& actual) {
  if (expected.size() != actual.size()) {
    return std::to_string(expected.size()) + " playlists, then " + std::to_string(actual.size());
  }
  std::ostringstream out;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& a = expected[i];
    const auto& b = actual[i];
    if (a == b) continue;
    out << "playlist " << i << " (" << a.sheet << "): ";
    if (a.sheet != b.sheet) out << "sheet " << b.sheet << "; ";
    if (a.playlist_id != b.playlist_id) out << "id " << b.playlist_id.value_or("-") << "; ";
    if (a.name != b.name) out << "name " << b.name << "; ";
    if (a.details != b.details) {
      out << "details (description \"" << b.details.description.value_or("-") << "\"); ";
    }
    if (a.has_items != b.has_items) out << "has_items; ";
    if (a.rows.size() != b.rows.size()) out << b.rows.size() << " rows, not " << a.rows.size();
    for (std::size_t r = 0; r < std::min(a.rows.size(), b.rows.size()); ++r) {
      const auto& x = a.rows[r];
      const auto& y = b.rows[r];
      if (x == y) continue;
      out << "row " << x.row + 1 << ": uri " << x.uri << " / " << y.uri << ", isrc " << x.isrc
          << " / " << y.isrc << ", duration " << x.duration_ms.value_or(-1) << " / "
          << y.duration_ms.value_or(-1) << ", position " << x.position.value_or(-1) << " / "
          << y.position.value_or(-1) << "; ";
      break;
    }
    out << "\n";
  }
  return out.str();
}

// ---- our export, re-saved by others, imports back unchanged ----------------------------------

TEST_F(ExchangeInterop, OurExportResavedByLibreOfficeImportsBackUnchanged) {
  const auto exported = export_xlsx();
  expect_imports_unchanged(exported);  // the baseline: our own file
  const auto resaved = libreoffice("xlsx", "libreoffice", {exported});
  ASSERT_EQ(resaved.size(), 1u);
  // LibreOffice writes its own parts: shared strings, styles, relative relationship targets.
  expect_imports_unchanged(resaved[0]);
  EXPECT_EQ(differences(import_file(exported).playlists, import_file(resaved[0]).playlists), "");
}

TEST_F(ExchangeInterop, OurExportResavedByOpenpyxlImportsBackUnchanged) {
  const auto exported = export_xlsx();
  python("edit_workbook.py", {exported.string(), path("openpyxl.xlsx").string()});
  // openpyxl writes inline strings, its own styles and absolute "/xl/…" relationship targets.
  expect_imports_unchanged(path("openpyxl.xlsx"));
  EXPECT_EQ(
      differences(import_file(exported).playlists, import_file(path("openpyxl.xlsx")).playlists),
      "");
}

// ---- our export, as openpyxl reads it ---------------------------------------------------------

/// Milliseconds of an openpyxl "time" value "HH:MM:SS[.ffffff]".
std::int64_t ms_of_time(const std::string& text) {
  int hours = 0, minutes = 0;
  double seconds = 0;
  if (std::sscanf(text.c_str(), "%d:%d:%lf", &hours, &minutes, &seconds) != 3) return -1;
  return std::llround(((hours * 60.0 + minutes) * 60.0 + seconds) * 1000.0);
}

/// "2024-01-02T03:04:05", as openpyxl prints a datetime (no zone: the cell holds UTC).
std::string iso_utc(core::TimePoint time) {
  const std::time_t seconds = core::to_unix_seconds(time);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  return text;
}

const Json& sheet_json(const Json& book, const std::string& name) {
  for (const auto& sheet : book["sheets"]) {
    if (sheet["name"] == name) return sheet;
  }
  throw std::runtime_error("openpyxl sees no sheet \"" + name + "\"");
}

/// The cell at 0-based (row, column) as openpyxl printed it; null when empty or absent.
Json cell_json(const Json& sheet, std::size_t row, std::size_t column) {
  const auto& rows = sheet["rows"];
  if (row >= rows.size() || column >= rows[row].size()) return nullptr;
  return rows[row][column];
}

std::string text_of(const Json& cell) {
  return cell.is_object() && cell["type"] == "text" ? cell["value"].get<std::string>() : "";
}

void expect_bold_header(const Json& sheet, std::size_t row, const auto& names) {
  for (std::size_t column = 0; column < names.size(); ++column) {
    const auto cell = cell_json(sheet, row, column);
    ASSERT_TRUE(cell.is_object()) << sheet["name"] << " header column " << column;
    EXPECT_EQ(cell["value"], std::string(names[column]));
    EXPECT_TRUE(cell["bold"].get<bool>()) << names[column];
  }
}

TEST_F(ExchangeInterop, OpenpyxlReadsOurExportWithItsValuesAndTypes) {
  const auto book = Json::parse(python("dump_workbook.py", {export_xlsx().string()}));
  ASSERT_EQ(book["sheets"].size(), 1 + seeded_.playlists.size());
  EXPECT_FALSE(book["date1904"].get<bool>());

  // The index: a bold, frozen header with an auto-filter; typed cells; links.
  const auto& index = book["sheets"][0];
  EXPECT_EQ(index["name"], std::string(core::kIndexSheetName));
  EXPECT_EQ(index["freeze_panes"], "A2");
  ASSERT_TRUE(index["auto_filter"].is_string());
  EXPECT_THAT(index["auto_filter"].get<std::string>(), ::testing::StartsWith("A1:"));
  expect_bold_header(index, 0, core::kIndexColumns);
  const auto names = seeded_.sheet_names();
  for (std::size_t i = 0; i < seeded_.playlists.size(); ++i) {
    const auto& seeded = seeded_.playlists[i];
    SCOPED_TRACE(seeded.name);
    const std::size_t row = i + 1;
    EXPECT_EQ(text_of(cell_json(index, row, 0)), seeded.id);
    EXPECT_EQ(text_of(cell_json(index, row, 1)), seeded.name);
    EXPECT_EQ(cell_json(index, row, 3)["type"], "bool");
    EXPECT_EQ(cell_json(index, row, 3)["value"], seeded.is_public);
    EXPECT_EQ(cell_json(index, row, 4)["value"], seeded.collaborative);
    EXPECT_EQ(cell_json(index, row, 6)["type"], "number");
    EXPECT_EQ(cell_json(index, row, 6)["value"].get<double>(),
              static_cast<double>(seeded.items.size()));
    EXPECT_EQ(cell_json(index, row, 9)["link"], core::playlist_link(seeded.id));
    EXPECT_EQ(book["sheets"][i + 1]["name"], names[i]);
  }

  // A playlist sheet: its id rows, the header, typed cells row by row.
  const auto& road = seeded_.playlists[0];
  const auto& sheet = sheet_json(book, names[0]);
  EXPECT_EQ(text_of(cell_json(sheet, 0, 0)), std::string(core::kPlaylistLabel));
  EXPECT_EQ(text_of(cell_json(sheet, 0, 1)), road.name);
  EXPECT_EQ(text_of(cell_json(sheet, 1, 0)), std::string(core::kIdLabel));
  EXPECT_EQ(text_of(cell_json(sheet, 1, 1)), road.id);
  EXPECT_EQ(cell_json(sheet, 2, 1)["link"], core::playlist_link(road.id));
  EXPECT_EQ(sheet["freeze_panes"], "A6");
  ASSERT_TRUE(sheet["auto_filter"].is_string());
  EXPECT_THAT(sheet["auto_filter"].get<std::string>(), ::testing::StartsWith("A5:"));
  EXPECT_FALSE(sheet["column_widths"].empty()) << "column widths fit the content";
  expect_bold_header(sheet, core::kTrackHeaderRow, core::kTrackColumns);
  ASSERT_EQ(sheet["rows"].size(), core::kTrackHeaderRow + 1 + road.items.size());
  for (std::size_t i = 0; i < road.items.size(); ++i) {
    const auto& item = road.items[i];
    const std::size_t row = core::kTrackHeaderRow + 1 + i;
    SCOPED_TRACE("item " + std::to_string(i) + " " + item.uri);
    EXPECT_EQ(cell_json(sheet, row, 0)["type"], "number");
    EXPECT_EQ(cell_json(sheet, row, 0)["value"].get<double>(), static_cast<double>(i + 1));
    if (item.unavailable) {
      EXPECT_EQ(text_of(cell_json(sheet, row, 8)), std::string(core::kUnavailableMarker));
      EXPECT_TRUE(cell_json(sheet, row, 1).is_null());
      continue;
    }
    ASSERT_TRUE(item.track);
    const auto& track = *item.track;
    EXPECT_EQ(text_of(cell_json(sheet, row, 8)), item.uri);
    // Formula-like text is neutralised: no program takes it for a formula.
    EXPECT_EQ(cell_json(sheet, row, 1)["type"], "text");
    EXPECT_THAT(text_of(cell_json(sheet, row, 1)), HasSubstr(track.name.substr(1)));
    EXPECT_EQ(text_of(cell_json(sheet, row, 3)), track.album);
    // Durations: numbers of days shown as m:ss, which openpyxl reads as times of day.
    const auto duration = cell_json(sheet, row, 5);
    ASSERT_TRUE(duration.is_object());
    EXPECT_EQ(duration["type"], "time") << duration.dump();
    EXPECT_NEAR(static_cast<double>(ms_of_time(duration["value"].get<std::string>())),
                static_cast<double>(track.duration_ms), 1.0)
        << duration.dump();
    EXPECT_THAT(duration["format"].get<std::string>(), HasSubstr("ss"));
    // Added at: a datetime (UTC), empty when Spotify sent none.
    const auto added = cell_json(sheet, row, 6);
    if (item.added_at) {
      ASSERT_TRUE(added.is_object());
      EXPECT_EQ(added["type"], "datetime");
      EXPECT_EQ(added["value"], iso_utc(*item.added_at));
    } else {
      EXPECT_TRUE(added.is_null()) << added.dump();
    }
    // Release date: a date for a full date, else the text Spotify gave.
    const auto released = cell_json(sheet, row, 4);
    if (track.release_date.empty()) {
      EXPECT_TRUE(released.is_null()) << released.dump();
    } else if (track.release_date.size() == 10) {
      EXPECT_EQ(released["type"], "datetime") << released.dump();
      EXPECT_EQ(released["value"], track.release_date + "T00:00:00");
    } else {
      EXPECT_EQ(text_of(released), track.release_date);
    }
    EXPECT_EQ(text_of(cell_json(sheet, row, 9)), track.isrc);
  }
}

// ---- our export, edited in openpyxl, imports as the edits made --------------------------------

TEST_F(ExchangeInterop, OurExportEditedWithOpenpyxlImportsAsTheEditsMade) {
  const auto names = seeded_.sheet_names();
  const auto& road = seeded_.playlists[0];
  const std::size_t first = core::kTrackHeaderRow + 2;  // the first track row, 1-based
  const auto operations = Json::array({
      // Drag the first track down four rows, delete the 15th, add a new one at the end.
      Json{{"op", "move_row"}, {"sheet", names[0]}, {"from", first}, {"to", first + 4}},
      Json{{"op", "delete_row"}, {"sheet", names[0]}, {"row", first + 14}},
      Json{{"op", "append"},
           {"sheet", names[0]},
           {"values", {999, "Brand New", "Someone", "", "", "", "", "", track_uri(9'999), ""}}},
      // Rename and move the CJK playlist's sheet: its Spotify ID still says which playlist it is.
      Json{{"op", "rename_sheet"}, {"sheet", names[1]}, {"to", "Renamed by hand"}},
      Json{{"op", "move_sheet"}, {"sheet", "Renamed by hand"}, {"offset", 3}},
      // In the index: a new description for "Chill", new tags for the second "chill".
      Json{{"op", "set"}, {"sheet", "Playlists"}, {"cell", "C4"}, {"value", "Edited in Excel"}},
      Json{{"op", "set"}, {"sheet", "Playlists"}, {"cell", "I5"}, {"value", "focus, work"}},
  });
  python("edit_workbook.py",
         {export_xlsx().string(), path("edited.xlsx").string(), operations.dump()});

  const auto document = import_file(path("edited.xlsx"));
  // The Position column no longer follows the row order: a warning (the order is the rows').
  EXPECT_TRUE(has_issue(document, Severity::Warning, names[0], "Position")) << all_issues(document);
  EXPECT_EQ(playlist_of_sheet(document, "Renamed by hand").playlist_id, seeded_.playlists[1].id);

  auto desired = core::uris_of(road.items);
  std::rotate(desired.begin(), desired.begin() + 1, desired.begin() + 5);  // the drag
  desired.erase(desired.begin() + 14);
  desired.push_back(track_uri(9'999));

  const auto proposal = propose(document);
  std::map<std::string, const core::ImportPlaylistPlan*> plans;
  for (const auto& plan : proposal.playlists) {
    ASSERT_TRUE(plan.playlist_id) << plan.sheet << ": " << plan.reason;
    plans[*plan.playlist_id] = &plan;
  }
  const auto& road_plan = *plans.at(road.id);
  ASSERT_EQ(road_plan.status, Status::Change) << road_plan.reason;
  ASSERT_TRUE(road_plan.entry);
  const auto& entry = proposal.batch.plan.entries.at(*road_plan.entry);
  EXPECT_EQ(entry.proposal.desired, desired);
  EXPECT_EQ(entry.proposal.plan.preview.added.size(), 1u);
  EXPECT_EQ(entry.proposal.plan.preview.removed.size(), 1u);
  EXPECT_FALSE(entry.proposal.plan.preview.moved.empty());
  EXPECT_EQ(entry.proposal.plan.preview.added_at_lost, 0) << "dates are kept for tracks that stay";

  EXPECT_EQ(plans.at(seeded_.playlists[1].id)->status, Status::Unchanged);
  const auto& chill = *plans.at(seeded_.playlists[2].id);
  EXPECT_EQ(chill.status, Status::Change);
  EXPECT_EQ(chill.details.description, "Edited in Excel");
  EXPECT_FALSE(chill.details.name);
  const auto& chill2 = *plans.at(seeded_.playlists[3].id);
  EXPECT_EQ(chill2.status, Status::Change);
  EXPECT_EQ(chill2.tags, (std::vector<std::string>{"focus", "work"}));
  EXPECT_EQ(plans.at(seeded_.playlists[4].id)->status, Status::Unchanged);
  EXPECT_EQ(proposal.changed, 3);
  EXPECT_EQ(proposal.tag_changes, 1);
}

// ---- workbooks other programs make, the way people make them ---------------------------------

/// The cases of make_workbook.py, made into `dir` in one run: (file, what its author meant).
std::vector<std::pair<fs::path, Json>> made_workbooks(const fs::path& dir) {
  std::vector<std::pair<fs::path, Json>> made;
  const auto cases = Json::parse(python("make_workbook.py", {"--all", dir.string()}));
  for (const auto& [name, meant] : cases.items()) made.emplace_back(dir / (name + ".xlsx"), meant);
  return made;
}

/// The document of a made workbook holds what its author meant: its visible sheets as
/// playlists named by the sheets, their rows in order with URIs or title/artist readings, the
/// warnings the case calls for. `calculated`: the file's formulas have cached values (a program
/// with a calculation engine saved it).
void expect_reads_as_meant(const core::ImportDocument& document, const Json& meant,
                           bool calculated) {
  EXPECT_EQ(document.layout, core::ImportDocument::Layout::Plain);
  ASSERT_EQ(document.playlists.size(), meant["sheets"].size()) << all_issues(document);
  for (std::size_t i = 0; i < document.playlists.size(); ++i) {
    const auto& playlist = document.playlists[i];
    const auto& sheet = meant["sheets"][i];
    SCOPED_TRACE(sheet["name"].get<std::string>());
    EXPECT_EQ(playlist.sheet, sheet["name"]);
    EXPECT_EQ(playlist.name, sheet["name"]);
    EXPECT_FALSE(playlist.playlist_id);
    EXPECT_TRUE(playlist.has_items);
    std::size_t next = 0;
    for (const auto& row : sheet["rows"]) {
      const auto spreadsheet_row = row["row"].get<std::size_t>();
      if (row.value("formula", false) && !calculated) {
        // No cached value: the row cannot be read, and the import says so at that row.
        EXPECT_TRUE(std::any_of(document.issues.begin(), document.issues.end(),
                                [&](const auto& issue) {
                                  return issue.sheet == playlist.sheet &&
                                         issue.row == spreadsheet_row - 1 &&
                                         issue.severity == Severity::Error;
                                }))
            << all_issues(document);
        continue;
      }
      ASSERT_LT(next, playlist.rows.size()) << all_issues(document);
      const auto& read = playlist.rows[next++];
      EXPECT_EQ(read.row + 1, spreadsheet_row);
      if (row.contains("uri")) {
        EXPECT_EQ(read.uri, row["uri"]);
        EXPECT_FALSE(read.needs_match());
        continue;
      }
      ASSERT_TRUE(read.reading) << "row " << spreadsheet_row;
      EXPECT_EQ(read.reading->title, row["title"]);
      EXPECT_EQ(read.reading->artist, row["artist"]);
      if (row.contains("album")) {
        EXPECT_EQ(read.reading->album, row["album"]);
      }
      if (row.contains("duration_ms")) {
        EXPECT_EQ(read.duration_ms, row["duration_ms"].get<std::int64_t>());
      }
    }
    EXPECT_EQ(next, playlist.rows.size()) << all_issues(document);
  }
  auto warnings = meant["warnings"];
  if (calculated) {
    for (const auto& warning : meant["warnings_once_calculated"]) warnings.push_back(warning);
  }
  for (const auto& warning : warnings) {
    EXPECT_TRUE(std::any_of(document.issues.begin(), document.issues.end(),
                            [&](const auto& issue) {
                              return issue.severity == Severity::Warning &&
                                     issue.message.find(warning.get<std::string>()) !=
                                         std::string::npos;
                            }))
        << "a warning about " << warning << ":\n"
        << all_issues(document);
  }
  for (const auto& hidden : meant["hidden"]) {
    EXPECT_TRUE(has_issue(document, Severity::Warning, hidden.get<std::string>(), "hidden"))
        << all_issues(document);
  }
}

/// The "Added" cells of the typed cases are read as the datetimes meant (the 1904 system too).
void expect_dates_as_meant(const fs::path& file, const Json& meant) {
  auto workbook = exchange::read_xlsx(read_bytes(file));
  ASSERT_TRUE(workbook) << workbook.error().message;
  EXPECT_EQ(workbook->date1904, meant["date1904"].get<bool>());
  const auto& sheet = workbook->sheets.at(0);
  for (const auto& row : meant["sheets"][0]["rows"]) {
    const auto index = row["row"].get<std::size_t>() - 1;
    ASSERT_LT(index, sheet.rows.size());
    ASSERT_GT(sheet.rows[index].size(), 3u);
    const auto& added = sheet.rows[index][3];
    EXPECT_EQ(added.type, core::Cell::Type::DateTime) << "row " << index + 1;
    const auto expected = core::parse_utc(row["added"].get<std::string>());
    ASSERT_TRUE(expected);
    EXPECT_EQ(core::unix_seconds_from_serial(added.number), core::to_unix_seconds(*expected))
        << "row " << index + 1;
  }
}

TEST_F(ExchangeInterop, WorkbooksMadeByOpenpyxlImportAsMeant) {
  for (const auto& [file, meant] : made_workbooks(dir_)) {
    SCOPED_TRACE(file.filename().string());
    expect_reads_as_meant(import_file(file), meant, /*calculated=*/false);
    if (meant["sheets"][0]["rows"][0].contains("added")) expect_dates_as_meant(file, meant);
  }

  // A one-sheet workbook of URIs given a playlist (`plm import --playlist`): the preview makes
  // that playlist the sheet's list, planned by the edit engine.
  core::ImportOptions options;
  options.playlist_id = seeded_.playlists[2].id;
  const auto document = import_file(dir_ / "uri_column.xlsx", options);
  ASSERT_EQ(document.playlists.size(), 1u);
  const auto proposal = propose(document);
  ASSERT_EQ(proposal.playlists.size(), 1u);
  const auto& plan = proposal.playlists[0];
  EXPECT_EQ(plan.playlist_id, seeded_.playlists[2].id);
  ASSERT_EQ(plan.status, Status::Change) << plan.reason;
  ASSERT_TRUE(plan.entry);
  EXPECT_EQ(proposal.batch.plan.entries.at(*plan.entry).proposal.desired,
            uris_of(document.playlists[0]));
  EXPECT_GT(proposal.batch.plan.calls, 0);
  EXPECT_FALSE(plan.details.name) << "a plain sheet asks for no details";
}

TEST_F(ExchangeInterop, WorkbooksMadeByOpenpyxlAndSavedByLibreOfficeImportAsMeant) {
  fs::create_directories(path("made"));
  const auto made = made_workbooks(path("made"));
  std::vector<fs::path> files;
  for (const auto& [file, meant] : made) files.push_back(file);
  const auto resaved = libreoffice("xlsx", "libreoffice", files);
  ASSERT_EQ(resaved.size(), made.size());
  for (std::size_t i = 0; i < made.size(); ++i) {
    SCOPED_TRACE(resaved[i].filename().string());
    // LibreOffice computes formulas when it saves: the cached value is there now.
    expect_reads_as_meant(import_file(resaved[i]), made[i].second, /*calculated=*/true);
    if (made[i].second["sheets"][0]["rows"][0].contains("added")) {
      expect_dates_as_meant(resaved[i], made[i].second);
    }
  }
}

TEST_F(ExchangeInterop, CsvOpenedAndSavedAsXlsxByLibreOfficeImportsAsMeant) {
  // A CSV as a person writes it, with a comma inside quotes, CJK and accents, opened in Calc
  // and saved as .xlsx: LibreOffice types the cells it recognises.
  write_bytes(path("Late Night.csv"),
              "Track Name,Artist Name(s),Album Name,Spotify URI\r\n"
              "First Love,宇多田ヒカル,First Love,\r\n"
              "\"Hello, Goodbye\",The Beatles,Magical Mystery Tour,\r\n"
              "Svefn-g-englar,Sigur Rós,Ágætis byrjun,spotify:track:6eTGxxQxiTFE6LfZHC33Wm\r\n"
              "1999,Prince,1999,\r\n");
  const auto converted = libreoffice("xlsx", "libreoffice", {path("Late Night.csv")});
  ASSERT_EQ(converted.size(), 1u);
  const auto document = import_file(converted[0]);
  ASSERT_EQ(document.playlists.size(), 1u) << all_issues(document);
  const auto& playlist = document.playlists[0];
  EXPECT_EQ(playlist.name, "Late Night");
  ASSERT_EQ(playlist.rows.size(), 4u) << all_issues(document);
  EXPECT_EQ(playlist.rows[0].reading,
            (core::LineReading{"First Love", "宇多田ヒカル", "First Love"}));
  EXPECT_EQ(playlist.rows[1].reading,
            (core::LineReading{"Hello, Goodbye", "The Beatles", "Magical Mystery Tour"}));
  EXPECT_EQ(playlist.rows[2].uri, "spotify:track:6eTGxxQxiTFE6LfZHC33Wm");
  // Calc stores 1999 as a number: still the title and the album.
  EXPECT_EQ(playlist.rows[3].reading, (core::LineReading{"1999", "Prince", "1999"}));
  EXPECT_EQ(document.rows_to_match().size(), 3u);
}

// ---- files other programs write that are no .xlsx or UTF-8 CSV ------------------------------

/// read_import_file refuses the file (InvalidInput) with a message holding every one of `words`.
void expect_refused(const std::string& bytes, const std::string& file_name,
                    const std::vector<std::string>& words) {
  SCOPED_TRACE(file_name);
  auto document = exchange::read_import_file(bytes, file_name);
  ASSERT_FALSE(document) << "the file was read";
  EXPECT_EQ(document.error().code, core::ErrorCode::InvalidInput);
  for (const auto& word : words) EXPECT_THAT(document.error().message, HasSubstr(word));
}

TEST_F(ExchangeInterop, SpreadsheetsOfOtherFormatsAreRefusedSayingHowToSaveThem) {
  // What people upload instead of .xlsx: Excel 97-2003 (.xls, a compound file, as a
  // password-protected .xlsx is too) and LibreOffice's own .ods (a zip without xl/workbook.xml).
  fs::create_directories(path("made"));
  const auto made = made_workbooks(path("made"));
  const auto xls = libreoffice("xls", "xls", {made.at(0).first});
  const auto ods = libreoffice("ods", "ods", {made.at(0).first});
  ASSERT_EQ(xls.size(), 1u);
  ASSERT_EQ(ods.size(), 1u);
  expect_refused(read_bytes(xls[0]), "plan.xls", {".xls", "save it as .xlsx"});
  expect_refused(read_bytes(ods[0]), "plan.ods", {".ods", "save it as .xlsx"});

  // Excel's "Unicode Text" is UTF-16 with tabs; its plain "CSV" in Western languages is
  // Windows-1252.
  std::string utf16 = "\xFF\xFE";
  for (const char c : std::string("Title\tArtist\r\nFormation\tBeyonce\r\n")) {
    utf16 += c;
    utf16 += '\0';
  }
  expect_refused(utf16, "plan.txt", {"UTF-16", "CSV UTF-8"});
  expect_refused("Title,Artist\r\nFormation,Beyonc\xE9\r\n", "plan.csv", {"UTF-8", "line 2"});

  // Excel in a language with a decimal comma: semicolons, and its sep= hint line.
  const auto document = exchange::read_import_file(
      "sep=;\r\nTitle;Artist;Duration\r\nFormation;Beyonc\xC3\xA9;3:26\r\n", "Semicolons.csv");
  ASSERT_TRUE(document) << document.error().message;
  ASSERT_EQ(document->playlists.size(), 1u);
  ASSERT_EQ(document->playlists[0].rows.size(), 1u);
  EXPECT_EQ(document->playlists[0].rows[0].reading,
            (core::LineReading{"Formation", "Beyonc\xC3\xA9", ""}));
  EXPECT_EQ(document->playlists[0].rows[0].duration_ms, 206'000);
}

// ---- the CSV that LibreOffice writes from our workbook ---------------------------------------

TEST_F(ExchangeInterop, CsvWrittenByLibreOfficeFromOurExportReadsBack) {
  const auto exported = export_xlsx();
  const auto csvs = libreoffice("csv", "csv", {exported});
  const auto names = seeded_.sheet_names();
  ASSERT_EQ(csvs.size(), 1 + seeded_.playlists.size());
  for (std::size_t i = 0; i < seeded_.playlists.size(); ++i) {
    const auto& seeded = seeded_.playlists[i];
    SCOPED_TRACE(seeded.name);
    // LibreOffice names each file <stem>-<sheet>.csv: the sheet names survive in file names.
    const auto csv = path("csv") / ("export-" + names[i] + ".csv");
    ASSERT_TRUE(fs::exists(csv)) << csv;
    // Every cell is text now (durations "5:55", dates as shown): the sheet reads as rows of
    // URIs under the playlist's Spotify ID.
    const auto document = import_file(csv);
    ASSERT_EQ(document.playlists.size(), 1u) << all_issues(document);
    EXPECT_EQ(document.playlists[0].playlist_id, seeded.id);
    EXPECT_EQ(uris_of(document.playlists[0]), core::uris_of(seeded.items));
    for (const auto& issue : document.issues) {
      EXPECT_NE(issue.severity, Severity::Error) << core::describe(issue);
    }
    const auto proposal = propose(document);
    ASSERT_EQ(proposal.playlists.size(), 1u);
    EXPECT_EQ(proposal.playlists[0].status, Status::Unchanged) << proposal.playlists[0].reason;
    EXPECT_EQ(proposal.batch.plan.calls, 0);
  }

  // The same CSVs with their rows only (the four id rows deleted by hand) are plain sheets: the
  // playlist is the one named by the file name, when exactly one has that name, or --playlist.
  const auto rows_only = [&](std::size_t playlist, const std::string& file_name) {
    auto text = read_bytes(path("csv") / ("export-" + names[playlist] + ".csv"));
    for (int line = 0; line < 4; ++line) text.erase(0, text.find('\n') + 1);
    write_bytes(path(file_name), text);
    auto document = import_file(path(file_name));
    EXPECT_EQ(document.layout, core::ImportDocument::Layout::Plain);
    EXPECT_EQ(document.playlists.at(0).name, file_name.substr(0, file_name.size() - 4));
    EXPECT_EQ(uris_of(document.playlists.at(0)), core::uris_of(seeded_.playlists[playlist].items));
    return document;
  };
  const auto night = propose(rows_only(1, seeded_.playlists[1].name + ".csv"));
  ASSERT_EQ(night.playlists.size(), 1u);
  EXPECT_EQ(night.playlists[0].playlist_id, seeded_.playlists[1].id);
  EXPECT_EQ(night.playlists[0].status, Status::Unchanged) << night.playlists[0].reason;

  // "Chill" and "chill": the name says no single playlist; --playlist does.
  const auto by_name = propose(rows_only(2, "Chill.csv"));
  ASSERT_EQ(by_name.playlists.size(), 1u);
  EXPECT_EQ(by_name.playlists[0].status, Status::Unknown);
  EXPECT_THAT(by_name.playlists[0].reason, HasSubstr("Spotify ID"));
  core::ImportOptions options;
  options.playlist_id = seeded_.playlists[2].id;
  const auto given = import_file(path("Chill.csv"), options);
  ASSERT_EQ(given.playlists.size(), 1u);
  EXPECT_EQ(given.playlists[0].playlist_id, seeded_.playlists[2].id);
  const auto by_id = propose(given);
  ASSERT_EQ(by_id.playlists.size(), 1u);
  EXPECT_EQ(by_id.playlists[0].status, Status::Unchanged) << by_id.playlists[0].reason;
}

}  // namespace
}  // namespace plm
