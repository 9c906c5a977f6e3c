// Export and import over real HTTP with the real wiring (SQLite, the worker in the process, the
// emulator): downloads as .xlsx and CSV read back by exchange::read_xlsx; an export uploaded again
// previews unchanged and has nothing to apply; rows with only a title and an artist matched by the
// paste job, previewed and applied as a batch_edit job that leaves the EMULATOR's playlist as the
// sheet lists it; an ambiguous row decided through the paste's line; a corrupt file (400, nothing
// stored), another user's import (404), a body over 20 MiB (413) and a wrong type (415). Every
// response is validated against api/openapi.yaml by the Browser.

#include <gmock/gmock.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "exchange/xlsx.hpp"
#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using spotify_emulator::testkit::catalog_track;
using spotify_emulator::testkit::demo_catalog;
using spotify_emulator::testkit::SeedIds;
using spotify_emulator::testkit::track_uri;

constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A title that exactly two artists sing (and nobody else): a row with only that title is
/// ambiguous, never guessed.
std::string shared_title() {
  std::map<std::string, std::set<std::string>> artists;
  std::map<std::string, std::string> spelled;
  for (const auto& track : demo_catalog().tracks()) {
    if (track.kind != "track" || track.artists.empty()) continue;
    artists[lower_ascii(track.name)].insert(lower_ascii(track.artists.front().name));
    spelled[lower_ascii(track.name)] = track.name;
  }
  for (const auto& [title, who] : artists) {
    const bool plain = std::all_of(title.begin(), title.end(), [](unsigned char c) {
      return std::isalnum(c) != 0 || c == ' ';
    });
    if (who.size() == 2 && plain && title.size() >= 8) return spelled[title];
  }
  ADD_FAILURE() << "no title shared by two artists in the demo catalog";
  return "";
}

class ExchangeApiTest : public PlmApiTest {
 protected:
  void start_synced() {
    start();
    alice_ = std::make_unique<Browser>(setup_admin());
    account_ = connect(*alice_);
    ASSERT_EQ(sync(*alice_, account_)["state"], "succeeded");
  }

  std::string account_path(const std::string& rest) const {
    return "/api/accounts/" + std::to_string(account_) + rest;
  }

  Reply upload(Browser& browser, const std::string& bytes, const std::string& query,
               const std::string& type = kXlsxType) {
    return browser.call("POST", account_path("/imports?" + query), nullptr,
                        RequestOptions{.content_type = type, .raw_body = bytes});
  }

  Reply preview(std::int64_t import_id) {
    return alice_->get("/api/imports/" + std::to_string(import_id) + "/preview");
  }

  /// Waits for the job's final state on a stream opened before it started.
  Json finished(EventReader& events, const Json& job_id) {
    EXPECT_TRUE(job_id.is_string()) << job_id.dump();
    return wait_for_job(events, job_id.is_string() ? job_id.get<std::string>() : "");
  }

  static const Json& playlist_of(const Json& preview, const std::string& id) {
    for (const auto& playlist : preview["playlists"]) {
      if (playlist["playlist_id"] == id) return playlist;
    }
    static const Json none;
    ADD_FAILURE() << "no playlist " << id << " in " << preview.dump();
    return none;
  }

  std::unique_ptr<Browser> alice_;
  std::int64_t account_ = 0;
};

TEST_F(ExchangeApiTest, ExportsAWorkbookAndCsvAsDownloads) {
  start_synced();

  const auto workbook = alice_->get(account_path("/export?format=xlsx"));
  ASSERT_EQ(workbook.status, 200) << workbook.body;
  EXPECT_EQ(workbook.header("Content-Type"), kXlsxType);
  EXPECT_EQ(workbook.header("Cache-Control"), "no-store");
  const std::string disposition(workbook.header("Content-Disposition").value_or(""));
  EXPECT_THAT(disposition, ::testing::StartsWith("attachment; filename=\""));
  EXPECT_THAT(disposition, ::testing::HasSubstr(".xlsx\""));
  const auto read = exchange::read_xlsx(workbook.body);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  ASSERT_FALSE(read->sheets.empty());
  EXPECT_EQ(read->sheets.front().name, "Playlists");
  std::string cells;
  for (const auto& sheet : read->sheets) {
    for (const auto& row : sheet.rows) {
      for (const auto& cell : row) cells += cell.text + "\n";
    }
  }
  // alice's own playlists and the ones she follows, with their tracks.
  for (const char* id : {SeedIds::kAliceMain, SeedIds::kAlicePrivate, SeedIds::kAliceBig}) {
    EXPECT_THAT(cells, ::testing::HasSubstr(id));
  }
  EXPECT_THAT(cells, ::testing::HasSubstr(track_uri(219)));

  const auto csv = alice_->get(
      account_path("/export?format=csv&playlists=" + std::string(SeedIds::kAlicePrivate)));
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_THAT(std::string(csv.header("Content-Type").value_or("")),
              ::testing::StartsWith("text/csv"));
  EXPECT_THAT(std::string(csv.header("Content-Disposition").value_or("")),
              ::testing::MatchesRegex("attachment; filename=\".*\\.csv\".*"));
  for (std::size_t n : {5, 6, 7}) EXPECT_THAT(csv.body, ::testing::HasSubstr(track_uri(n)));

  EXPECT_EQ(alice_->get(account_path("/export?format=pdf")).status, 400);
  EXPECT_EQ(alice_->get(account_path("/export?playlists=tag:nothing-has-it")).status, 400);
}

TEST_F(ExchangeApiTest, AnExportUploadedAgainChangesNothing) {
  start_synced();
  const auto exported = alice_->get(
      account_path("/export?format=xlsx&playlists=" + std::string(SeedIds::kAlicePrivate)));
  ASSERT_EQ(exported.status, 200) << exported.body;

  const auto created = upload(*alice_, exported.body, "file_name=private.xlsx");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["file_name"], "private.xlsx");
  EXPECT_EQ(created.json["account_id"], account_);
  EXPECT_TRUE(created.json["paste_id"].is_null()) << "every row has its URI: nothing to match";
  EXPECT_EQ(created.json["rows"], 3);
  EXPECT_EQ(created.json["rows_to_match"], 0);
  const std::int64_t id = created.json["id"];

  const auto shown = preview(id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json["import"], created.json);
  EXPECT_EQ(shown.json["matching"], (Json{{"done", 0}, {"total", 0}}));
  EXPECT_EQ(shown.json["changed"], 0);
  EXPECT_EQ(shown.json["unchanged"], 1);
  EXPECT_EQ(shown.json["calls"], 0);
  EXPECT_EQ(playlist_of(shown.json, SeedIds::kAlicePrivate)["status"], "unchanged");

  const auto applied =
      alice_->call("POST", "/api/imports/" + std::to_string(id) + "/apply", nullptr);
  EXPECT_EQ(applied.status, 400) << applied.body;
  EXPECT_THAT(applied.json["error"].value("message", ""), ::testing::HasSubstr("nothing to apply"));
}

TEST_F(ExchangeApiTest, RowsWithTitleAndArtistAreMatchedPreviewedAndApplied) {
  start_synced();
  const auto tracks = unmistakable_tracks(1000, 3);
  ASSERT_EQ(tracks.size(), 3u);
  std::string csv = "Title,Artist\r\n";
  std::vector<std::string> wanted;
  for (const std::size_t n : tracks) {
    csv += catalog_track(n).name + "," + catalog_track(n).artists[0].name + "\r\n";
    wanted.push_back(track_uri(n));
  }
  EventReader events(base_url() + "/api/events", alice_->cookie());
  ASSERT_TRUE(events.wait_connected());

  const auto created = upload(
      *alice_, csv, "file_name=new%20order.csv&playlist_id=" + std::string(SeedIds::kAlicePrivate),
      "text/csv");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["rows_to_match"], 3);
  ASSERT_FALSE(created.json["paste_id"].is_null());
  ASSERT_EQ(finished(events, created.json["job_id"])["state"], "succeeded");

  const auto shown = preview(created.json["id"]);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json["matching"], (Json{{"done", 3}, {"total", 3}}));
  const Json& playlist = playlist_of(shown.json, SeedIds::kAlicePrivate);
  ASSERT_EQ(playlist["status"], "change") << shown.body;
  EXPECT_EQ(playlist["entry"]["added_count"], 3);
  EXPECT_EQ(playlist["entry"]["removed_count"], 3);
  EXPECT_GT(shown.json["calls"].get<std::int64_t>(), 0);

  const auto applied = alice_->call("POST", "/api/imports/" + created.json["id"].dump() + "/apply",
                                    Json{{"why", "new order"}});
  ASSERT_EQ(applied.status, 202) << applied.body;
  EXPECT_EQ(applied.json["tags_changed"], 0);
  EXPECT_EQ(applied.json["job"]["kind"], "batch_edit");
  ASSERT_EQ(finished(events, applied.json["job"]["id"])["state"], "succeeded");
  EXPECT_EQ(emulator_uris("alice", SeedIds::kAlicePrivate), wanted);
  // The history says what did it.
  const auto history =
      alice_->get(account_path("/playlists/" + std::string(SeedIds::kAlicePrivate) + "/history"));
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_THAT(history.body, ::testing::HasSubstr("\"import\""));
  EXPECT_THAT(history.body, ::testing::HasSubstr("new order"));
}

TEST_F(ExchangeApiTest, AnAmbiguousRowWaitsForADecisionOnThePastesLine) {
  start_synced();
  const auto clear = unmistakable_tracks(1500, 1);
  ASSERT_EQ(clear.size(), 1u);
  const std::string title = shared_title();
  const std::string csv = "Title,Artist\r\n" + catalog_track(clear[0]).name + "," +
                          catalog_track(clear[0]).artists[0].name + "\r\n" + title + ",\r\n";
  EventReader events(base_url() + "/api/events", alice_->cookie());
  ASSERT_TRUE(events.wait_connected());
  const auto created =
      upload(*alice_, csv, "file_name=two.csv&playlist_id=" + std::string(SeedIds::kAlicePrivate),
             "application/octet-stream");
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_EQ(finished(events, created.json["job_id"])["state"], "succeeded");

  const auto waiting = preview(created.json["id"]);
  ASSERT_EQ(waiting.status, 200) << waiting.body;
  EXPECT_EQ(waiting.json["needs_decision"], 1);
  const Json& playlist = playlist_of(waiting.json, SeedIds::kAlicePrivate);
  ASSERT_EQ(playlist["status"], "needs_decision") << waiting.body;
  ASSERT_EQ(playlist["undecided"].size(), 1u) << waiting.body;
  const Json& row = playlist["undecided"][0];
  EXPECT_EQ(row["row"], 3);         // the sheet's third row (after the header)
  EXPECT_EQ(row["paste_line"], 3);  // the paste's header line, then one line per row to match
  EXPECT_EQ(row["status"], "ambiguous");
  ASSERT_GE(row["candidates"].size(), 2u);
  const std::string chosen = row["candidates"][1]["track"]["uri"];
  // Nothing to apply while it waits.
  EXPECT_EQ(
      alice_->call("POST", "/api/imports/" + created.json["id"].dump() + "/apply", nullptr).status,
      400);

  const auto decided =
      alice_->call("PUT", "/api/pastes/" + created.json["paste_id"].get<std::string>() + "/lines/3",
                   Json{{"decision", "accept"}, {"uri", chosen}});
  ASSERT_EQ(decided.status, 200) << decided.body;
  const auto ready = preview(created.json["id"]);
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(playlist_of(ready.json, SeedIds::kAlicePrivate)["status"], "change") << ready.body;

  const auto applied =
      alice_->call("POST", "/api/imports/" + created.json["id"].dump() + "/apply", nullptr);
  ASSERT_EQ(applied.status, 202) << applied.body;
  ASSERT_EQ(finished(events, applied.json["job"]["id"])["state"], "succeeded");
  EXPECT_EQ(emulator_uris("alice", SeedIds::kAlicePrivate),
            (std::vector<std::string>{track_uri(clear[0]), chosen}));
}

TEST_F(ExchangeApiTest, RefusesCorruptFilesOtherUsersImportsAndOversizedBodies) {
  start_synced();
  // A zip that breaks off: read at once, refused with the reason, nothing stored.
  const auto corrupt =
      upload(*alice_, std::string("PK\x03\x04\x14\x00\x00\x00", 8) + std::string(200, '\x7f'),
             "file_name=broken.xlsx");
  EXPECT_EQ(corrupt.status, 400) << corrupt.body;
  EXPECT_EQ(corrupt.json["error"].value("code", ""), "invalid_input") << corrupt.body;
  EXPECT_EQ(services_->imports().find_import(1).value(), std::nullopt) << "nothing is stored";

  const auto exported = alice_->get(
      account_path("/export?format=csv&playlists=" + std::string(SeedIds::kAlicePrivate)));
  ASSERT_EQ(exported.status, 200);
  const auto created = upload(
      *alice_, exported.body,
      "file_name=private.csv&playlist_id=" + std::string(SeedIds::kAlicePrivate), "text/csv");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json["id"], 1) << "the corrupt upload took no id";
  const std::string import_path = "/api/imports/" + created.json["id"].dump();

  // Another user sees neither the import nor the account: 404 as for a missing one.
  Browser bob = add_user(*alice_, "bob", "editor");
  EXPECT_EQ(bob.get(import_path + "/preview").status, 404);
  EXPECT_EQ(bob.call("POST", import_path + "/apply", nullptr).status, 404);
  EXPECT_EQ(upload(bob, exported.body, "file_name=x.csv", "text/csv").status, 404);
  EXPECT_EQ(alice_->get("/api/imports/987654/preview").status, 404);
  EXPECT_EQ(alice_->get("/api/imports/abc/preview").status, 404);

  // The body limit of this route is 20 MiB (others keep theirs); the type must be a file's.
  const auto huge =
      upload(*alice_, std::string(21 * 1024 * 1024, 'a'), "file_name=huge.csv", "text/csv");
  EXPECT_EQ(huge.status, 413) << huge.body.substr(0, 200);
  EXPECT_EQ(upload(*alice_, exported.body, "file_name=x.png", "image/png").status, 415);
  EXPECT_EQ(upload(*alice_, exported.body, "", "text/csv").status, 400) << "file_name is required";
  // Without the CSRF token, as every other POST.
  const auto forged = alice_->call(
      "POST", account_path("/imports?file_name=x.csv"), nullptr,
      RequestOptions{.csrf = false, .content_type = "text/csv", .raw_body = exported.body});
  EXPECT_EQ(forged.status, 403);
}

}  // namespace
}  // namespace plm::web_test
