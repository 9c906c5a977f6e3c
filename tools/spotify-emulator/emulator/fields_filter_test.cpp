#include <gtest/gtest.h>

#include "emulator/internal.hpp"

namespace spotify_emulator {
namespace {

const Json kPlaylist = Json::parse(R"({
  "name": "Mix", "description": "d", "snapshot_id": "s", "owner": {"id": "alice", "display_name": "A"},
  "items": {"total": 2, "items": [
    {"added_at": "t1", "item": {"name": "One", "uri": "u1", "album": {"name": "X", "href": "h", "id": "1"}}},
    {"added_at": "t2", "item": null}
  ]}
})");

Json filtered(std::string_view fields) {
  Json value = kPlaylist;
  EXPECT_TRUE(apply_fields_filter(fields, value)) << fields;
  return value;
}

TEST(FieldsFilter, KeepsOnlyListedTopLevelFields) {
  EXPECT_EQ(filtered("name,snapshot_id"), Json::parse(R"({"name":"Mix","snapshot_id":"s"})"));
}

TEST(FieldsFilter, DotSelectsANonRepeatingChild) {
  EXPECT_EQ(filtered("owner.id"), Json::parse(R"({"owner":{"id":"alice"}})"));
  EXPECT_EQ(filtered("items.total"), Json::parse(R"({"items":{"total":2}})"));
}

TEST(FieldsFilter, ParenthesesApplyToEveryElementOfArrays) {
  EXPECT_EQ(
      filtered("items.items(added_at,item(uri))"),
      Json::parse(
          R"({"items":{"items":[{"added_at":"t1","item":{"uri":"u1"}},{"added_at":"t2","item":null}]}})"));
}

TEST(FieldsFilter, ExclamationMarkExcludes) {
  const auto value = filtered("items.items(item(album(!name,href)))");
  EXPECT_EQ(value["items"]["items"][0]["item"]["album"], Json::parse(R"({"id":"1"})"));
}

TEST(FieldsFilter, RejectsMalformedExpressions) {
  for (const char* bad : {"", "items(", "items(added_at", "a,,b", "a)", "(a)"}) {
    Json value = kPlaylist;
    EXPECT_FALSE(apply_fields_filter(bad, value)) << bad;
    EXPECT_EQ(value, kPlaylist);
  }
}

}  // namespace
}  // namespace spotify_emulator
