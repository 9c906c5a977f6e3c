// The EditRequest body read strictly (every kind, every way a body can be wrong, each message
// naming the field), the detail changes a preview lists, and restore and undo against a journal.

#include "web/edit_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/journal/restore_request.hpp"
#include "support/fakes.hpp"

namespace plm::web {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;
using Kind = core::EditRequest::Kind;

const std::string kUri = "spotify:track:4uLU6hMCjMI75M1A2tKUQC";

EditBody parsed(const Json& body) {
  auto edit = parse_edit_body(body);
  EXPECT_TRUE(edit) << body.dump() << ": " << (edit ? "" : edit.error().message);
  return edit ? *edit : EditBody{};
}

std::string refusal(const Json& body) {
  auto edit = parse_edit_body(body);
  EXPECT_FALSE(edit) << "accepted: " << body.dump();
  if (edit) return "";
  EXPECT_EQ(edit.error().code, core::ErrorCode::InvalidInput);
  return edit.error().message;
}

Json body(Json fields) {
  fields["planned_snapshot"] = "snap-1";
  return fields;
}

TEST(ParseEditBody, ReadsEveryKind) {
  const Json item{{"uri", kUri}, {"position", 3}};
  const Json track{{"uri", kUri},           {"name", "Song"},        {"artists", {"A", "B"}},
                   {"album", "Album"},      {"album_image_url", ""}, {"duration_ms", 1000},
                   {"release_date", "2020"}};

  const auto set_list = parsed(body({{"kind", "set_list"}, {"uris", {kUri}}}));
  EXPECT_EQ(set_list.request.kind, Kind::SetList);
  EXPECT_EQ(set_list.request.uris, std::vector<std::string>{kUri});
  EXPECT_EQ(set_list.planned_snapshot, "snap-1");

  const auto move = parsed(body({{"kind", "move"},
                                 {"items", {item}},
                                 {"placement", {{"kind", "before"}, {"before", item}}},
                                 {"why", "tidy"}}));
  EXPECT_EQ(move.request.kind, Kind::Move);
  EXPECT_EQ(move.request.items, (std::vector<core::ItemRef>{{kUri, 3}}));
  EXPECT_EQ(move.request.placement, core::Placement::before_item({kUri, 3}));
  EXPECT_EQ(move.why, "tidy");

  const auto add = parsed(body(
      {{"kind", "add"}, {"uris", {kUri}}, {"placement", {{"kind", "top"}}}, {"tracks", {track}}}));
  EXPECT_EQ(add.request.placement, core::Placement::top());
  ASSERT_EQ(add.request.tracks.size(), 1u);
  EXPECT_EQ(add.request.tracks[0].artists, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(add.request.tracks[0].release_date, "2020");

  EXPECT_EQ(parsed(body({{"kind", "remove"}, {"uris", {kUri}}})).request.kind, Kind::Remove);
  EXPECT_EQ(parsed(body({{"kind", "dedupe"}, {"keep", "last"}})).request.keep,
            core::DedupeKeep::Last);
  const auto sort = parsed(body({{"kind", "sort"}, {"sort_by", "release"}, {"descending", true}}));
  EXPECT_EQ(sort.request.sort_by, core::SortKey::Release);
  EXPECT_TRUE(sort.request.descending);
  const auto shuffle = parsed(body({{"kind", "shuffle"}, {"seed", 42}}));
  EXPECT_TRUE(shuffle.seed_given);
  EXPECT_EQ(shuffle.request.shuffle_seed, 42u);
  EXPECT_FALSE(parsed(body({{"kind", "shuffle"}})).seed_given);
  const auto undo = parsed(body({{"kind", "undo"}, {"version", 7}, {"allow_replace", true}}));
  EXPECT_EQ(undo.kind, "undo");
  EXPECT_EQ(undo.request.kind, Kind::Restore);
  EXPECT_EQ(undo.version, 7);
  EXPECT_TRUE(undo.request.allow_replace);
  const auto details =
      parsed(body({{"kind", "details"}, {"details", {{"name", "New"}, {"public", false}}}}));
  EXPECT_EQ(details.request.details.name, "New");
  EXPECT_EQ(details.request.details.is_public, false);
  EXPECT_FALSE(details.request.details.description);
}

TEST(ParseEditBody, RefusesWrongBodiesNamingTheField) {
  EXPECT_EQ(refusal(Json{{"kind", "sort"}, {"sort_by", "title"}}),
            "'planned_snapshot' is required");
  EXPECT_EQ(refusal(body({})), "'kind' is required");
  EXPECT_THAT(refusal(body({{"kind", "explode"}})),
              HasSubstr("'kind' must be set_list, move, add, remove, dedupe, sort, shuffle, "
                        "restore, undo or details, got 'explode'"));
  EXPECT_THAT(refusal(body({{"kind", 3}})), HasSubstr("got number"));
  EXPECT_EQ(refusal(body({{"kind", "sort"}, {"sort_by", "title"}, {"colour", "red"}})),
            "unknown property 'colour'");
  EXPECT_EQ(refusal(body({{"kind", "set_list"}, {"uris", "spotify:track:x"}})),
            "'uris' must be an array, got string");
  EXPECT_EQ(refusal(body({{"kind", "set_list"}, {"uris", {1}}})),
            "'uris[0]' must be a string, got number");
  EXPECT_EQ(refusal(body({{"kind", "move"},
                          {"items", {{{"uri", kUri}, {"position", -1}}}},
                          {"placement", {{"kind", "top"}}}})),
            "'items[0].position' must be a whole number of at least 0, got -1");
  EXPECT_THAT(refusal(body({{"kind", "move"},
                            {"items", {{{"uri", kUri}, {"position", 1.5}}}},
                            {"placement", {{"kind", "top"}}}})),
              HasSubstr("'items[0].position' must be a whole number"));
  EXPECT_EQ(refusal(body({{"kind", "move"},
                          {"items", {{{"uri", kUri}, {"position", 1}, {"x", 1}}}},
                          {"placement", {{"kind", "top"}}}})),
            "unknown property 'items[0].x'");
  EXPECT_EQ(refusal(body({{"kind", "move"}, {"items", Json::array()}})),
            "'placement' is required when kind is 'move'");
  EXPECT_EQ(refusal(body(
                {{"kind", "move"}, {"items", Json::array()}, {"placement", {{"kind", "before"}}}})),
            "'placement.before' is required when placement.kind is 'before'");
  EXPECT_EQ(refusal(body({{"kind", "add"}})), "'uris' is required when kind is 'add'");
  EXPECT_EQ(refusal(body({{"kind", "remove"}})),
            "'items' or 'uris' is required when kind is 'remove'");
  EXPECT_EQ(refusal(body({{"kind", "sort"}})), "'sort_by' is required when kind is 'sort'");
  EXPECT_THAT(refusal(body({{"kind", "sort"}, {"sort_by", "colour"}})),
              HasSubstr("'sort_by' must be title, artist, album, release, duration or added"));
  EXPECT_EQ(refusal(body({{"kind", "restore"}, {"version", 0}})),
            "'version' must be a whole number of at least 1, got 0");
  EXPECT_EQ(refusal(body({{"kind", "shuffle"}, {"seed", -4}})),
            "'seed' must be a whole number of at least 0, got -4");
  EXPECT_EQ(refusal(body({{"kind", "details"}, {"details", {{"name", ""}}}})),
            "'details.name' must not be empty");
  EXPECT_EQ(refusal(body({{"kind", "details"}, {"details", {{"public", "yes"}}}})),
            "'details.public' must be true or false, got string");
  EXPECT_EQ(refusal(body({{"kind", "dedupe"}, {"why", std::string(501, 'x')}})),
            "'why' must have at most 500 characters, got 501");
  EXPECT_EQ(refusal(body({{"kind", "add"}, {"uris", {kUri}}, {"tracks", {{{"uri", kUri}}}}})),
            "'tracks[0].name' is required");
  Json too_many = body({{"kind", "set_list"}});
  too_many["uris"] = Json::array();
  for (int i = 0; i < 10'001; ++i) too_many["uris"].push_back(kUri);
  EXPECT_EQ(refusal(too_many), "'uris' may list at most 10000 elements, got 10001");
}

TEST(DetailChanges, ListOnlyWhatDiffersAndNeverClearADescription) {
  const core::PlaylistDetails before{"Old", "About", true, false};
  core::PlaylistDetailsChange change;
  change.name = "New";
  change.description = "About";
  change.is_public = false;
  const auto changes = detail_field_changes(change, before);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].field, "name");
  EXPECT_EQ(changes[0].before, "Old");
  EXPECT_EQ(changes[1].field, "public");
  EXPECT_EQ(changes[1].after, "false");

  const auto to = core::details_change_to(before, core::PlaylistDetails{"Old", "", false, true});
  EXPECT_FALSE(to.name);
  EXPECT_FALSE(to.description);  // Spotify refuses an empty description
  EXPECT_EQ(to.is_public, false);
  EXPECT_EQ(to.collaborative, true);
}

}  // namespace
}  // namespace plm::web
