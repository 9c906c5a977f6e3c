// The import bodies: ImportApplyRequest read strictly (no body: the defaults), ImportIssue with
// 1-based rows and column letters, Import with the paste and job as strings, an undecided row's
// paste line; and the export's Content-Disposition (RFC 6266 filename* for names that are not
// plain ASCII).

#include "web/exchange_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "web/handlers.hpp"

namespace plm::web {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

TEST(ParseImportApplyBody, ReadsTheIdsAndWhyAndTakesNoBodyAsTheDefaults) {
  const auto none = parse_import_apply_body(Json());
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->playlist_ids.empty());
  EXPECT_EQ(none->why, "");
  const auto some = parse_import_apply_body(
      Json{{"playlist_ids", {"37i9dQZF1DX0XUsuxWHRQd"}}, {"why", "from the plan"}});
  ASSERT_TRUE(some);
  EXPECT_EQ(some->playlist_ids, std::vector<std::string>{"37i9dQZF1DX0XUsuxWHRQd"});
  EXPECT_EQ(some->why, "from the plan");
  EXPECT_THAT(parse_import_apply_body(Json{{"playlists", 1}}).error().message,
              HasSubstr("'playlists'"));
  EXPECT_THAT(parse_import_apply_body(Json{{"why", std::string(501, 'a')}}).error().message,
              HasSubstr("'why'"));
  EXPECT_THAT(parse_import_apply_body(Json{{"playlist_ids", "x"}}).error().message,
              HasSubstr("'playlist_ids'"));
  EXPECT_FALSE(parse_import_apply_body(Json::array()));
}

TEST(ImportIssueJson, ShowsRowsFromOneAndColumnsAsLetters) {
  const core::ImportIssue issue{.severity = core::ImportIssue::Severity::Error,
                                .sheet = "Chill",
                                .row = 11,
                                .column = 27,
                                .message = "the URI cell holds an album link"};
  const Json value = import_issue_json(issue);
  EXPECT_EQ(value["severity"], "error");
  EXPECT_EQ(value["sheet"], "Chill");
  EXPECT_EQ(value["row"], 12);
  EXPECT_EQ(value["column"], "AB");
  EXPECT_EQ(value["message"], "the URI cell holds an album link");
  EXPECT_EQ(value["where"], core::describe(issue));

  const Json whole = import_issue_json(core::ImportIssue{.message = "the file is empty"});
  EXPECT_EQ(whole["severity"], "warning");
  EXPECT_TRUE(whole["row"].is_null());
  EXPECT_TRUE(whole["column"].is_null());
}

core::ImportDocument two_playlists() {
  core::ImportDocument document;
  core::ImportedPlaylist chill{.sheet = "Chill", .name = "Chill", .has_items = true};
  chill.rows.push_back(core::ImportRow{.row = 1, .uri = "spotify:track:4uLU6hMCjMI75M1A2tKUQC"});
  chill.rows.push_back(core::ImportRow{
      .row = 2, .reading = core::LineReading{.title = "Intro", .artist = "The xx"}});
  core::ImportedPlaylist road{.sheet = "Road", .name = "Road", .has_items = true};
  road.rows.push_back(core::ImportRow{.row = 4, .reading = core::LineReading{.title = "Solo"}});
  document.playlists = {chill, road};
  return document;
}

TEST(ImportJson, CountsTheDocumentsRowsAndNamesThePasteAndJobAsStrings) {
  const core::StoredImport stored{.id = 7,
                                  .owner_user_id = 1,
                                  .account_id = 3,
                                  .file_name = "plan.xlsx",
                                  .paste_id = 12,
                                  .created_at = core::from_unix_seconds(1'793'491'200)};
  const Json value = import_json(stored, two_playlists(), 99);
  EXPECT_EQ(value["id"], 7);
  EXPECT_EQ(value["account_id"], 3);
  EXPECT_EQ(value["paste_id"], "12");
  EXPECT_EQ(value["job_id"], "99");
  EXPECT_EQ(value["playlists"], 2);
  EXPECT_EQ(value["rows"], 3);
  EXPECT_EQ(value["rows_to_match"], 2);
  EXPECT_EQ(value["created_at"], core::format_utc(stored.created_at));
  EXPECT_TRUE(import_json(core::StoredImport{}, {}, std::nullopt)["paste_id"].is_null());
}

TEST(ImportProposalJson, AnUndecidedRowNamesItsSheetRowAndPasteLine) {
  const auto document = two_playlists();
  core::ImportProposal proposal;
  proposal.batch.summary = "import of “plan.xlsx”: 1 playlist waits for a decision";
  core::ImportPlaylistPlan road{.document_index = 1,
                                .sheet = "Road",
                                .name = "Road",
                                .status = core::ImportPlaylistPlan::Status::NeedsDecision,
                                .undecided = {1},
                                .rows = 1};
  proposal.playlists = {road};
  proposal.needs_decision = 1;
  std::vector<core::RowMatch> matches(2);
  matches[0].match = core::LineMatch{.number = 2, .status = core::MatchStatus::Matched};
  matches[1].match = core::LineMatch{
      .number = 3,
      .status = core::MatchStatus::Ambiguous,
      .candidates = {{core::TrackInfo{.uri = "spotify:track:a", .name = "Solo"}, 0.8},
                     {core::TrackInfo{.uri = "spotify:track:b", .name = "Solo"}, 0.79}}};

  const Json value = import_proposal_json(document, matches, proposal, {}, 90);
  EXPECT_EQ(value["summary"], proposal.batch.summary);
  EXPECT_EQ(value["needs_decision"], 1);
  ASSERT_EQ(value["playlists"].size(), 1u);
  const Json& shown = value["playlists"][0];
  EXPECT_EQ(shown["status"], "needs_decision");
  EXPECT_TRUE(shown["entry"].is_null());
  EXPECT_TRUE(shown["tags"].is_null());
  EXPECT_TRUE(shown["playlist_id"].is_null());
  ASSERT_EQ(shown["undecided"].size(), 1u);
  const Json& row = shown["undecided"][0];
  EXPECT_EQ(row["sheet"], "Road");
  EXPECT_EQ(row["row"], 5);
  EXPECT_EQ(row["paste_line"], 3);
  EXPECT_EQ(row["input"], "Solo");
  EXPECT_EQ(row["status"], "ambiguous");
  ASSERT_EQ(row["candidates"].size(), 2u);
  EXPECT_EQ(row["candidates"][1]["track"]["uri"], "spotify:track:b");
}

TEST(ContentDisposition, GivesAnAsciiNameAndTheUtf8NameWhenTheyDiffer) {
  EXPECT_EQ(content_disposition("plm-alice-2026-12-07.xlsx"),
            "attachment; filename=\"plm-alice-2026-12-07.xlsx\"");
  EXPECT_EQ(content_disposition("Café \"live\".csv"),
            "attachment; filename=\"Caf__ _live_.csv\"; "
            "filename*=UTF-8''Caf%C3%A9%20%22live%22.csv");
}

}  // namespace
}  // namespace plm::web
