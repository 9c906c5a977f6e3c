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

TEST(FieldsFilter, RepeatedPrefixesMergeInsteadOfOverwriting) {
  EXPECT_EQ(filtered("items.total,items.limit_missing,items.items(added_at)"),
            Json::parse(R"({"items":{"total":2,"items":[{"added_at":"t1"},{"added_at":"t2"}]}})"));
  EXPECT_EQ(filtered("owner.id,owner.display_name"),
            Json::parse(R"({"owner":{"id":"alice","display_name":"A"}})"));
  // A bare mention keeps the whole value, before or after a narrower one.
  EXPECT_EQ(filtered("owner.id,owner"),
            Json::parse(R"({"owner":{"id":"alice","display_name":"A"}})"));
  EXPECT_EQ(filtered("owner,owner.id"),
            Json::parse(R"({"owner":{"id":"alice","display_name":"A"}})"));
  EXPECT_EQ(
      filtered("items(items(item(uri))),items(items(added_at))"),
      Json::parse(
          R"({"items":{"items":[{"added_at":"t1","item":{"uri":"u1"}},{"added_at":"t2","item":null}]}})"));
}

std::string nested(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += "a(";
  text += "b";
  for (std::size_t i = 0; i < depth; ++i) text += ")";
  return text;
}

TEST(FieldsFilter, NestingAndLengthAreCapped) {
  Json value = kPlaylist;
  EXPECT_TRUE(apply_fields_filter(nested(20), value));
  for (const auto& bad : {nested(40), nested(20'000), std::string(40'000, '(')}) {
    value = kPlaylist;
    EXPECT_FALSE(apply_fields_filter(bad, value)) << bad.size();
  }
  std::string dotted = "a";
  for (int i = 0; i < 40; ++i) dotted += ".a";
  EXPECT_FALSE(apply_fields_filter(dotted, value));
  std::string wide = "name";
  while (wide.size() <= 2048) wide += ",name";
  EXPECT_FALSE(apply_fields_filter(wide, value));  // longer than 2 KB
}

}  // namespace
}  // namespace spotify_emulator
