// The batch bodies read strictly (every operation, the parts, selections, each refusal naming its
// field) and the BatchPreview, TrackWhere, DuplicateReport and SavedSelection bodies written.

#include "web/batch_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plm::web {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;
using Kind = core::BatchOperation::Kind;
using At = core::BatchOperation::At;

const std::string kUri = "spotify:track:4uLU6hMCjMI75M1A2tKUQC";
const std::string kOther = "spotify:track:1301WleyT98MSxVHPZCA6M";

BatchBody parsed(const Json& body) {
  auto batch = parse_batch_body(body);
  EXPECT_TRUE(batch) << body.dump() << ": " << (batch ? "" : batch.error().message);
  return batch ? *batch : BatchBody{};
}

std::string refusal(const Json& body) {
  auto batch = parse_batch_body(body);
  EXPECT_FALSE(batch) << "accepted: " << body.dump();
  if (batch) return "";
  EXPECT_EQ(batch.error().code, core::ErrorCode::InvalidInput);
  return batch.error().message;
}

Json over_tag(Json operation) { return Json{{"selector", "tag:rock"}, {"operation", operation}}; }

TEST(ParseBatchBody, ReadsAnAddAtAPositionOverASelector) {
  const auto batch = parsed(Json{{"selector", "tag:rock, owned"},
                                 {"operation",
                                  {{"kind", "add"},
                                   {"uris", {kUri, kOther}},
                                   {"at", "position"},
                                   {"position", 2},
                                   {"add_existing", true}}},
                                 {"why", "summer"}});

  ASSERT_EQ(batch.request.parts.size(), 1u);
  const core::BatchPart& part = batch.request.parts[0];
  EXPECT_EQ(part.selection.selector, "tag:rock, owned");
  EXPECT_TRUE(part.selection.playlist_ids.empty());
  EXPECT_EQ(part.operation.kind, Kind::Add);
  EXPECT_EQ(part.operation.uris, (std::vector<std::string>{kUri, kOther}));
  EXPECT_EQ(part.operation.at, At::Position);
  EXPECT_EQ(part.operation.position, 2);  // 0-based, as sent
  EXPECT_TRUE(part.operation.add_existing);
  EXPECT_EQ(batch.request.cause.why, "summer");
  EXPECT_EQ(batch.seed_missing, std::vector<bool>{false});
}

TEST(ParseBatchBody, ReadsEveryOperation) {
  const Json track{{"uri", kUri},           {"name", "Song"},        {"artists", {"A", "B"}},
                   {"album", "Album"},      {"album_image_url", ""}, {"duration_ms", 1000},
                   {"release_date", "1999"}};
  auto add = parsed(Json{{"playlist_ids", {"p1", "p2"}},
                         {"operation", {{"kind", "add"}, {"uris", {kUri}}, {"tracks", {track}}}}});
  EXPECT_EQ(add.request.parts[0].selection.playlist_ids, (std::vector<std::string>{"p1", "p2"}));
  EXPECT_EQ(add.request.parts[0].operation.at, At::Bottom);
  ASSERT_EQ(add.request.parts[0].operation.tracks.size(), 1u);
  EXPECT_EQ(add.request.parts[0].operation.tracks[0].artists, (std::vector<std::string>{"A", "B"}));
  auto copy = parsed(over_tag({{"kind", "add"}, {"from_playlist_id", "src"}, {"at", "top"}}));
  EXPECT_EQ(copy.request.parts[0].add_from_playlist, "src");
  EXPECT_EQ(copy.request.parts[0].operation.at, At::Top);
  // `position` alone places there.
  EXPECT_EQ(parsed(over_tag({{"kind", "add"}, {"uris", {kUri}}, {"position", 0}}))
                .request.parts[0]
                .operation.at,
            At::Position);
  EXPECT_EQ(
      parsed(over_tag({{"kind", "remove"}, {"uris", {kUri}}})).request.parts[0].operation.kind,
      Kind::Remove);
  const auto replace =
      parsed(over_tag({{"kind", "replace"}, {"old_uri", kUri}, {"new_uri", kOther}}));
  EXPECT_EQ(replace.request.parts[0].operation.old_uri, kUri);
  EXPECT_EQ(replace.request.parts[0].operation.new_uri, kOther);
  EXPECT_EQ(
      parsed(over_tag({{"kind", "dedupe"}, {"keep", "last"}})).request.parts[0].operation.keep,
      core::DedupeKeep::Last);
  const auto sort =
      parsed(over_tag({{"kind", "sort"}, {"sort_by", "release"}, {"descending", true}}));
  EXPECT_EQ(sort.request.parts[0].operation.sort_by, core::SortKey::Release);
  EXPECT_TRUE(sort.request.parts[0].operation.descending);
  const auto seeded = parsed(over_tag({{"kind", "shuffle"}, {"seed", 42}}));
  EXPECT_EQ(seeded.request.parts[0].operation.shuffle_seed, 42u);
  EXPECT_EQ(seeded.seed_missing, std::vector<bool>{false});
  EXPECT_EQ(parsed(over_tag({{"kind", "shuffle"}})).seed_missing, std::vector<bool>{true});
  const auto rename = parsed(over_tag({{"kind", "rename"}, {"name_template", "{name} ({year})"}}));
  EXPECT_EQ(rename.request.parts[0].operation.name_template, "{name} ({year})");
  EXPECT_EQ(rename.request.parts[0].operation.description_template, std::nullopt);
  const auto visibility =
      parsed(over_tag({{"kind", "visibility"}, {"public", true}, {"allow_replace", true}}));
  EXPECT_TRUE(visibility.request.parts[0].operation.make_public);
  EXPECT_TRUE(visibility.request.parts[0].operation.allow_replace);
}

TEST(ParseBatchBody, ReadsFurtherPartsInOrder) {
  const auto batch = parsed(
      Json{{"playlist_ids", {"a"}},
           {"operation", {{"kind", "add"}, {"uris", {kUri}}}},
           {"more",
            {{{"playlist_ids", {"b", "c"}}, {"operation", {{"kind", "remove"}, {"uris", {kUri}}}}},
             {{"selector", "tag:x"}, {"operation", {{"kind", "shuffle"}}}}}}});

  ASSERT_EQ(batch.request.parts.size(), 3u);
  EXPECT_EQ(batch.request.parts[0].operation.kind, Kind::Add);
  EXPECT_EQ(batch.request.parts[1].operation.kind, Kind::Remove);
  EXPECT_EQ(batch.request.parts[1].selection.playlist_ids, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(batch.request.parts[2].selection.selector, "tag:x");
  EXPECT_EQ(batch.seed_missing, (std::vector<bool>{false, false, true}));
}

TEST(ParseBatchBody, RefusesBadBodiesNamingTheField) {
  const Json add{{"kind", "add"}, {"uris", {kUri}}};
  EXPECT_THAT(refusal(Json::array()), HasSubstr("BatchRequest"));
  EXPECT_THAT(refusal({{"selector", "all"}, {"operation", add}, {"dry_run", true}}),
              HasSubstr("unknown property 'dry_run'"));
  EXPECT_THAT(refusal({{"selector", "all"}}), HasSubstr("'operation' is required"));
  EXPECT_THAT(refusal({{"operation", add}}), HasSubstr("got neither"));
  EXPECT_THAT(refusal({{"selector", "all"}, {"playlist_ids", {"p"}}, {"operation", add}}),
              HasSubstr("got both"));
  EXPECT_THAT(refusal({{"selector", ""}, {"operation", add}}), HasSubstr("'selector'"));
  EXPECT_THAT(refusal({{"selector", 7}, {"operation", add}}),
              HasSubstr("'selector' must be a string"));
  EXPECT_THAT(refusal({{"playlist_ids", {"p", 3}}, {"operation", add}}),
              HasSubstr("'playlist_ids[1]'"));
  EXPECT_THAT(refusal(over_tag({{"kind", "merge"}})), HasSubstr("'operation.kind' must be add"));
  EXPECT_THAT(refusal(over_tag({{"uris", {kUri}}})), HasSubstr("'operation.kind' is required"));
  EXPECT_THAT(refusal(over_tag({{"kind", "add"}, {"uris", {kUri}}, {"color", "red"}})),
              HasSubstr("unknown property 'operation.color'"));
  EXPECT_THAT(refusal(over_tag({{"kind", "add"}})), HasSubstr("'operation.uris' or"));
  EXPECT_THAT(refusal(over_tag({{"kind", "add"}, {"uris", kUri}})),
              HasSubstr("'operation.uris' must be an array"));
  EXPECT_THAT(refusal(over_tag({{"kind", "add"}, {"uris", {kUri}}, {"position", -1}})),
              HasSubstr("'operation.position' must be a whole number of at least 0"));
  EXPECT_THAT(refusal(over_tag({{"kind", "add"}, {"uris", {kUri}}, {"position", 1.5}})),
              HasSubstr("'operation.position'"));
  EXPECT_THAT(refusal(over_tag({{"kind", "add"}, {"uris", {kUri}}, {"at", "position"}})),
              HasSubstr("'operation.position' is required"));
  EXPECT_THAT(
      refusal(over_tag({{"kind", "add"}, {"uris", {kUri}}, {"at", "top"}, {"position", 1}})),
      HasSubstr("only read when operation.at is 'position'"));
  EXPECT_THAT(refusal(over_tag({{"kind", "remove"}})), HasSubstr("'operation.uris' is required"));
  EXPECT_THAT(refusal(over_tag({{"kind", "replace"}, {"old_uri", kUri}})),
              HasSubstr("'operation.new_uri' is required"));
  EXPECT_THAT(refusal(over_tag({{"kind", "sort"}, {"sort_by", "color"}})),
              HasSubstr("'operation.sort_by'"));
  EXPECT_THAT(refusal(over_tag({{"kind", "rename"}})), HasSubstr("'operation.name_template' or"));
  EXPECT_THAT(refusal(over_tag({{"kind", "visibility"}})),
              HasSubstr("'operation.public' is required"));
  EXPECT_THAT(refusal(over_tag({{"kind", "visibility"}, {"public", "yes"}})),
              HasSubstr("'operation.public' must be true or false"));
  EXPECT_THAT(refusal(over_tag({{"kind", "shuffle"}, {"seed", -3}})),
              HasSubstr("'operation.seed'"));
  EXPECT_THAT(
      refusal(over_tag({{"kind", "add"}, {"uris", Json(std::vector<std::string>(101, kUri))}})),
      HasSubstr("'operation.uris' may list at most 100"));
  EXPECT_THAT(refusal(over_tag({{"kind", "add"}, {"uris", {kUri}}, {"tracks", {{{"uri", kUri}}}}})),
              HasSubstr("'operation.tracks[0].name' is required"));
  EXPECT_THAT(refusal({{"selector", "all"}, {"operation", add}, {"why", std::string(501, 'w')}}),
              HasSubstr("'why' must have at most 500"));
  EXPECT_THAT(refusal({{"selector", "all"}, {"operation", add}, {"more", {{{"operation", add}}}}}),
              HasSubstr("'more[0].playlist_ids' and 'more[0].selector'"));
  EXPECT_THAT(refusal({{"selector", "all"},
                       {"operation", add},
                       {"more", {{{"selector", "a"}, {"operation", {{"kind", "nope"}}}}}}}),
              HasSubstr("'more[0].operation.kind'"));
  EXPECT_THAT(refusal({{"selector", "all"},
                       {"operation", add},
                       {"more", {{{"selector", "a"}, {"operation", add}, {"why", "x"}}}}}),
              HasSubstr("unknown property 'more[0].why'"));
  EXPECT_THAT(refusal({{"selector", "all"},
                       {"operation", add},
                       {"more", Json(std::vector<Json>(21, over_tag(add)))}}),
              HasSubstr("'more' may list at most 20"));
}

TEST(ParseBatchBody, ReadsUndoSelectionAndSavedSelectionBodies) {
  const auto undo =
      parse_batch_undo_body({{"playlist_ids", {"p1"}}, {"dry_run", true}, {"why", "oops"}});
  ASSERT_TRUE(undo) << undo.error().message;
  EXPECT_EQ(undo->playlist_ids, std::vector<std::string>{"p1"});
  EXPECT_TRUE(undo->dry_run);
  EXPECT_EQ(undo->why, "oops");
  const auto everything = parse_batch_undo_body(Json::object());
  ASSERT_TRUE(everything);
  EXPECT_TRUE(everything->playlist_ids.empty());
  EXPECT_FALSE(everything->dry_run);
  EXPECT_THAT(parse_batch_undo_body({{"dry_run", 1}}).error().message, HasSubstr("'dry_run'"));
  EXPECT_THAT(parse_batch_undo_body({{"all", true}}).error().message,
              HasSubstr("unknown property 'all'"));

  const auto selection = parse_playlist_selection({{"playlist_ids", {"a", "b"}}});
  ASSERT_TRUE(selection);
  EXPECT_EQ(selection->playlist_ids, (std::vector<std::string>{"a", "b"}));
  EXPECT_THAT(parse_playlist_selection(Json::object()).error().message, HasSubstr("neither"));
  EXPECT_THAT(parse_playlist_selection({{"selector", "all"}, {"operation", 1}}).error().message,
              HasSubstr("unknown property 'operation'"));

  const auto input = parse_selection_input({{"account_id", 3}, {"selector", "tag:rock"}});
  ASSERT_TRUE(input);
  EXPECT_EQ(input->account_id, 3);
  EXPECT_EQ(input->selector, "tag:rock");
  const auto any = parse_selection_input({{"account_id", nullptr}, {"selector", "all"}});
  ASSERT_TRUE(any);
  EXPECT_EQ(any->account_id, std::nullopt);
  EXPECT_THAT(parse_selection_input({{"selector", ""}}).error().message, HasSubstr("'selector'"));
  EXPECT_THAT(parse_selection_input({{"account_id", "3"}, {"selector", "all"}}).error().message,
              HasSubstr("'account_id'"));
  EXPECT_THAT(parse_selection_input({{"name", "x"}, {"selector", "all"}}).error().message,
              HasSubstr("unknown property 'name'"));
}

core::StoredPlaylist stored(const std::string& id, std::int64_t items) {
  core::StoredPlaylist playlist;
  playlist.summary.id = id;
  playlist.summary.name = "Name " + id;
  playlist.summary.item_count = items;
  playlist.items_snapshot_id = "snap-" + id;
  playlist.stored_item_count = items;
  return playlist;
}

TEST(BatchPreviewJson, CapsEachListAtTwentyWithCompleteCounts) {
  core::BatchProposal proposal;
  proposal.summary = "add 30 tracks to 1 playlist";
  core::BatchEntryPlan change;
  change.playlist_id = "p1";
  change.name = "Name p1";
  change.calls = 3;
  for (int i = 0; i < 30; ++i)
    change.proposal.plan.preview.added.push_back({"spotify:track:" + std::to_string(i), i});
  change.proposal.plan.preview.moved.push_back({kUri, 4, 0});
  change.proposal.plan.preview.added_at_lost = 1;
  change.request.details.name = "Renamed";
  core::BatchEntryPlan refused;
  refused.playlist_id = "p2";
  refused.name = "Name p2";
  refused.status = core::BatchEntryPlan::Status::Refused;
  refused.reason = "followed, owned by someone else";
  refused.calls = 9;  // a refused entry costs nothing, whatever it says
  proposal.plan.entries = {change, refused};
  proposal.plan.changed = 1;
  proposal.plan.refused = 1;
  proposal.plan.write_calls = 2;
  proposal.plan.check_reads = 1;
  proposal.plan.calls = 3;
  proposal.plan.expected_duration = std::chrono::milliseconds(1500);

  const Json preview =
      Json::parse(batch_preview_json(proposal, {stored("p1", 12), stored("p2", 5)}, 90, 77));

  EXPECT_EQ(preview["summary"], "add 30 tracks to 1 playlist");
  EXPECT_EQ(preview["changed"], 1);
  EXPECT_EQ(preview["unchanged"], 0);
  EXPECT_EQ(preview["refused"], 1);
  EXPECT_EQ(preview["write_calls"], 2);
  EXPECT_EQ(preview["check_reads"], 1);
  EXPECT_EQ(preview["calls"], 3);
  EXPECT_DOUBLE_EQ(preview["expected_seconds"].get<double>(), 1.5);
  EXPECT_EQ(preview["rate_budget"], 90);
  EXPECT_EQ(preview["seed"], 77);
  ASSERT_EQ(preview["entries"].size(), 2u);
  const Json& first = preview["entries"][0];
  EXPECT_EQ(first["status"], "change");
  EXPECT_EQ(first["item_count"], 12);
  EXPECT_EQ(first["added_count"], 30);
  EXPECT_EQ(first["added"].size(), 20u);
  EXPECT_EQ(first["added"][19], (Json{{"uri", "spotify:track:19"}, {"position", 19}}));
  EXPECT_EQ(first["moved"][0], (Json{{"uri", kUri}, {"from", 4}, {"to", 0}}));
  EXPECT_EQ(first["details"],
            (Json::array({{{"field", "name"}, {"before", "Name p1"}, {"after", "Renamed"}}})));
  EXPECT_EQ(first["calls"], 3);
  EXPECT_EQ(first["added_at_lost"], 1);
  const Json& second = preview["entries"][1];
  EXPECT_EQ(second["status"], "refused");
  EXPECT_EQ(second["reason"], "followed, owned by someone else");
  EXPECT_EQ(second["item_count"], 5);
  EXPECT_EQ(second["calls"], 0);
  EXPECT_TRUE(second["added"].empty());
  EXPECT_TRUE(Json::parse(batch_preview_json(proposal, {}, 90, std::nullopt))["seed"].is_null());
}

TEST(BatchJson, WritesWhereDuplicatesAndSelections) {
  core::TrackInfo track;
  track.uri = kUri;
  track.name = "Song";
  core::TrackWhere where{.uri = kUri, .track = track, .playlists = {}};
  where.playlists.push_back({.account_id = 1,
                             .playlist_id = "p1",
                             .name = "One",
                             .positions = {0, 4},
                             .added_at = core::from_unix_seconds(1'700'000'000),
                             .in_history_since = std::nullopt});
  const Json written = Json::parse(track_where_json(where, [](const core::TrackWhereRow& row) {
    return row.playlist_id == "p1" ? std::optional<std::string>("followed") : std::nullopt;
  }));
  EXPECT_EQ(written["uri"], kUri);
  EXPECT_EQ(written["track"]["name"], "Song");
  EXPECT_EQ(written["playlists"][0]["positions"], (Json{0, 4}));
  EXPECT_EQ(written["playlists"][0]["added_at"], "2023-11-14T22:13:20Z");
  EXPECT_TRUE(written["playlists"][0]["in_history_since"].is_null());
  EXPECT_EQ(written["playlists"][0]["read_only_reason"], "followed");

  core::DuplicateReport report;
  report.across.push_back({kUri, {{"p1", 1}, {"p2", 2}}});
  report.within.push_back({"p2", kOther, {1, 3}});
  const Json duplicates = Json::parse(duplicate_report_json(report, [&](const std::string& uri) {
    return uri == kUri ? std::optional(track) : std::nullopt;
  }));
  EXPECT_EQ(duplicates["across"][0]["track"]["uri"], kUri);
  EXPECT_EQ(duplicates["across"][0]["playlists"][1], (Json{{"playlist_id", "p2"}, {"copies", 2}}));
  EXPECT_TRUE(duplicates["within"][0]["track"].is_null());
  EXPECT_EQ(duplicates["within"][0]["positions"], (Json{1, 3}));

  const Json selections =
      Json::parse(saved_selections_json({{.name = "rock",
                                          .account_id = 2,
                                          .selector = "tag:rock",
                                          .saved_at = core::from_unix_seconds(1'700'000'000)},
                                         {.name = "all",
                                          .account_id = std::nullopt,
                                          .selector = "all",
                                          .saved_at = core::from_unix_seconds(1'700'000'000)}}));
  EXPECT_EQ(selections["selections"][0], (Json{{"name", "rock"},
                                               {"account_id", 2},
                                               {"selector", "tag:rock"},
                                               {"saved_at", "2023-11-14T22:13:20Z"}}));
  EXPECT_TRUE(selections["selections"][1]["account_id"].is_null());
}

}  // namespace
}  // namespace plm::web
