#include "core/edit/playlist_lifecycle.hpp"

#include <gtest/gtest.h>

#include <map>

namespace plm::core {
namespace {

PlaylistItem track(const std::string& id, const std::string& artist = "A",
                   const std::string& release = "", const std::string& added = "") {
  return PlaylistItem{
      .uri = "spotify:track:" + id,
      .added_at = added.empty() ? std::nullopt : parse_utc(added),
      .track = TrackInfo{
          .uri = "spotify:track:" + id, .name = id, .artists = {artist}, .release_date = release}};
}

PlaylistItem local_file() { return PlaylistItem{.uri = "spotify:local:A:B:C:1", .is_local = true}; }

PlaylistItem unavailable_item() { return PlaylistItem{.uri = "", .unavailable = true}; }

std::vector<std::string> labels(const SplitResult& result) {
  std::vector<std::string> out;
  for (const auto& part : result.parts) out.push_back(part.label);
  return out;
}

std::vector<std::string> uris(const std::vector<PlaylistItem>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) out.push_back(item.uri);
  return out;
}

TEST(CheckNewPlaylist, SpotifysLimitsInCharactersWithAClearMessage) {
  EXPECT_TRUE(check_new_playlist({.name = "Summer"}));
  EXPECT_TRUE(check_new_playlist({.name = std::string(200, 'x')}));
  // 200 characters of two bytes each are 200 characters, not 400.
  std::string accented;
  for (int i = 0; i < 200; ++i) accented += "\u00e9";
  EXPECT_TRUE(check_new_playlist({.name = accented}));
  EXPECT_TRUE(check_new_playlist({.name = "x", .description = std::string(300, 'd')}));

  const auto too_long = check_new_playlist({.name = std::string(201, 'x')});
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::InvalidInput);
  EXPECT_NE(too_long.error().message.find("201 characters"), std::string::npos);
  EXPECT_FALSE(check_new_playlist({.name = ""}));
  EXPECT_FALSE(check_new_playlist({.name = "x", .description = std::string(301, 'd')}));
  EXPECT_FALSE(check_new_playlist({.name = "x", .description = "two\nlines"}));
  EXPECT_FALSE(check_new_playlist({.name = "bad \xff utf-8"}));
  EXPECT_FALSE(check_new_playlist({.name = "x", .is_public = true, .collaborative = true}));
  EXPECT_TRUE(check_new_playlist({.name = "x", .is_public = false, .collaborative = true}));
}

TEST(CollectItems, ACopyKeepsOrderAndDuplicatesAndSkipsWhatCannotBeAdded) {
  const std::vector<PlaylistItem> source = {track("a"), local_file(), track("b"),
                                            unavailable_item(), track("a")};
  const auto copy = collect_items({source}, /*dedupe=*/false);
  EXPECT_EQ(copy.uris(),
            (std::vector<std::string>{"spotify:track:a", "spotify:track:b", "spotify:track:a"}));
  EXPECT_EQ(copy.skipped, 2);
  EXPECT_EQ(copy.duplicates_dropped, 0);
  ASSERT_TRUE(copy.items[1].track);  // the catalog data goes with the item
  EXPECT_EQ(copy.items[1].track->name, "b");
}

TEST(CollectItems, AMergeTakesSourcesInOrderAndDedupeKeepsFirstCopies) {
  const std::vector<PlaylistItem> first = {track("a"), track("b"), track("a")};
  const std::vector<PlaylistItem> second = {track("c"), track("b"), local_file(), track("d")};
  const auto merged = collect_items({first, second}, /*dedupe=*/true);
  EXPECT_EQ(merged.uris(), (std::vector<std::string>{"spotify:track:a", "spotify:track:b",
                                                     "spotify:track:c", "spotify:track:d"}));
  EXPECT_EQ(merged.duplicates_dropped, 2);
  EXPECT_EQ(merged.skipped, 1);

  const auto kept = collect_items({first, second}, /*dedupe=*/false);
  EXPECT_EQ(kept.items.size(), 6u);
  EXPECT_TRUE(collect_items({}, true).items.empty());
}

TEST(SplitRule, TextForms) {
  for (const SplitRule rule :
       {SplitRule::Size, SplitRule::AddedYear, SplitRule::ReleaseYear, SplitRule::FirstArtist}) {
    EXPECT_EQ(split_rule_from_string(to_string(rule)), rule);
  }
  EXPECT_EQ(to_string(SplitRule::FirstArtist), "artist");
  EXPECT_EQ(split_rule_from_string("genre"), std::nullopt);
}

TEST(SplitItems, BySizeInConsecutivePartsNamedFromTheTemplate) {
  std::vector<PlaylistItem> items;
  for (int i = 0; i < 7; ++i) items.push_back(track(std::to_string(i)));
  items.insert(items.begin() + 3, local_file());

  const auto split = split_items("Mix", items, SplitSpec{.rule = SplitRule::Size, .size = 3});
  ASSERT_TRUE(split) << split.error().message;
  EXPECT_EQ(labels(*split), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(split->parts[0].name, "Mix (1)");
  EXPECT_EQ(uris(split->parts[1].items),
            (std::vector<std::string>{"spotify:track:3", "spotify:track:4", "spotify:track:5"}));
  EXPECT_EQ(split->parts[2].items.size(), 1u);
  EXPECT_EQ(split->skipped, 1);

  const auto custom =
      split_items("Mix", items,
                  SplitSpec{.rule = SplitRule::Size, .size = 5, .name_template = "{part}/{name}"});
  ASSERT_TRUE(custom);
  EXPECT_EQ(custom->parts[1].name, "2/Mix");
}

TEST(SplitItems, ByYearsOldestFirstUnknownLast) {
  const std::vector<PlaylistItem> items = {track("a", "A", "1999-05", "2024-03-01T00:00:00Z"),
                                           track("b", "A", "", "2021-12-31T23:59:59Z"),
                                           track("c", "A", "1987", ""),
                                           track("d", "A", "1999-01-02", "2024-01-01T00:00:00Z")};

  const auto by_release = split_items("X", items, SplitSpec{.rule = SplitRule::ReleaseYear});
  ASSERT_TRUE(by_release);
  EXPECT_EQ(labels(*by_release), (std::vector<std::string>{"1987", "1999", "unknown"}));
  EXPECT_EQ(uris(by_release->parts[1].items),
            (std::vector<std::string>{"spotify:track:a", "spotify:track:d"}));

  const auto by_added = split_items("X", items, SplitSpec{.rule = SplitRule::AddedYear});
  ASSERT_TRUE(by_added);
  EXPECT_EQ(labels(*by_added), (std::vector<std::string>{"2021", "2024", "unknown"}));
  EXPECT_EQ(by_added->parts[2].name, "X (unknown)");
}

TEST(SplitItems, ByFirstArtistInOrderOfAppearance) {
  TrackInfo no_artist{.uri = "spotify:track:n", .name = "n"};
  const std::vector<PlaylistItem> items = {
      track("a", "Zed"), track("b", "Abba"), track("c", "Zed"),
      PlaylistItem{.uri = "spotify:track:n", .track = no_artist}};
  const auto split = split_items("X", items, SplitSpec{.rule = SplitRule::FirstArtist});
  ASSERT_TRUE(split);
  EXPECT_EQ(labels(*split), (std::vector<std::string>{"Zed", "Abba", "unknown artist"}));
  EXPECT_EQ(split->parts[0].items.size(), 2u);
}

TEST(SplitItems, RefusesWhatCannotBeCreated) {
  const std::vector<PlaylistItem> items = {track("a", "A"), track("b", "B")};
  EXPECT_EQ(split_items("X", items, SplitSpec{.rule = SplitRule::Size, .size = 0}).error().code,
            ErrorCode::InvalidInput);
  EXPECT_FALSE(split_items("X", items, SplitSpec{.rule = SplitRule::Size, .size = 10'001}));
  // Without {part} two parts get one name.
  const auto same = split_items(
      "X", items, SplitSpec{.rule = SplitRule::FirstArtist, .name_template = "{name} copy"});
  ASSERT_FALSE(same);
  EXPECT_NE(same.error().message.find("{part}"), std::string::npos);
  // Names over Spotify's limit.
  EXPECT_FALSE(
      split_items(std::string(199, 'x'), items, SplitSpec{.rule = SplitRule::FirstArtist}));
  // Nothing to split.
  EXPECT_FALSE(split_items("X", {local_file(), unavailable_item()},
                           SplitSpec{.rule = SplitRule::Size, .size = 1}));
  // Too many parts.
  std::vector<PlaylistItem> many;
  for (int i = 0; i <= static_cast<int>(kMaxSplitParts); ++i)
    many.push_back(track(std::to_string(i)));
  EXPECT_FALSE(split_items("X", many, SplitSpec{.rule = SplitRule::Size, .size = 1}));
  many.pop_back();
  EXPECT_TRUE(split_items("X", many, SplitSpec{.rule = SplitRule::Size, .size = 1}));
}

TEST(PrepareCreation, EmptyFromUrisACopyOrAMerge) {
  const std::map<std::string, std::vector<PlaylistItem>> stored = {
      {"p1", {track("a"), local_file(), track("b")}}, {"p2", {track("b"), track("c")}}};
  const auto items_of = [&](const std::string& id) -> Result<std::vector<PlaylistItem>> {
    const auto found = stored.find(id);
    if (found == stored.end()) return make_error(ErrorCode::NotFound, "no " + id);
    return found->second;
  };
  using Action = PlaylistCreation::Action;

  const auto empty = prepare_creation({.details = {.name = "New", .description = "d"}}, items_of);
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(empty->creation.action, Action::Create);
  ASSERT_EQ(empty->creation.parts.size(), 1u);
  EXPECT_EQ(empty->creation.parts[0], (PlaylistCreation::Part{"New", {}}));
  EXPECT_EQ(empty->creation.description, "d");

  const auto copy = prepare_creation({.details = {.name = "C"}, .copy_of = "p1"}, items_of);
  ASSERT_TRUE(copy);
  EXPECT_EQ(copy->creation.action, Action::Copy);
  EXPECT_EQ(copy->creation.sources, std::vector<std::string>{"p1"});
  EXPECT_EQ(copy->creation.parts[0].uris,
            (std::vector<std::string>{"spotify:track:a", "spotify:track:b"}));
  EXPECT_EQ(copy->skipped, 1);

  const auto merge = prepare_creation(
      {.details = {.name = "M"}, .merge_of = {"p1", "p2"}, .dedupe = true}, items_of);
  ASSERT_TRUE(merge);
  EXPECT_EQ(merge->creation.action, Action::Merge);
  EXPECT_EQ(merge->creation.parts[0].uris.size(), 3u);
  EXPECT_EQ(merge->duplicates_dropped, 1);

  const std::string valid_uri = "spotify:track:4uLU6hMCjMI75M1A2tKUQC";
  const auto from_uris = prepare_creation(
      {.details = {.name = "U"}, .uris = {valid_uri, valid_uri}, .dedupe = true}, items_of);
  ASSERT_TRUE(from_uris) << from_uris.error().message;
  EXPECT_EQ(from_uris->creation.parts[0].uris, std::vector<std::string>{valid_uri});

  EXPECT_EQ(prepare_creation({.details = {.name = "C"}, .copy_of = "nope"}, items_of).error().code,
            ErrorCode::NotFound);
  EXPECT_EQ(prepare_creation({.details = {.name = ""}}, items_of).error().code,
            ErrorCode::InvalidInput);
  EXPECT_FALSE(
      prepare_creation({.details = {.name = "X"}, .uris = {"spotify:local:a:b:c:1"}}, items_of));
  EXPECT_FALSE(
      prepare_creation({.details = {.name = "X"}, .uris = {valid_uri}, .copy_of = "p1"}, items_of));
  EXPECT_FALSE(prepare_creation(
      {.details = {.name = "X"}, .uris = std::vector<std::string>(10'001, valid_uri)}, items_of));
}

TEST(CreationOfSplit, OnePartPerSplitPart) {
  const auto split = split_items("Mix", {track("a"), track("b"), track("c")},
                                 {.rule = SplitRule::Size, .size = 2});
  ASSERT_TRUE(split);
  const PlaylistCreation creation = creation_of_split("p", *split);
  EXPECT_EQ(creation.action, PlaylistCreation::Action::Split);
  EXPECT_EQ(creation.sources, std::vector<std::string>{"p"});
  ASSERT_EQ(creation.parts.size(), 2u);
  EXPECT_EQ(creation.parts[1], (PlaylistCreation::Part{"Mix (2)", {"spotify:track:c"}}));
  for (const auto action : {PlaylistCreation::Action::Create, PlaylistCreation::Action::Copy,
                            PlaylistCreation::Action::Merge, PlaylistCreation::Action::Split}) {
    EXPECT_EQ(creation_action_from_string(to_string(action)), action);
  }
}

TEST(RenderPartName, ReplacesEveryPlaceholderAndLeavesOtherBracesAlone) {
  EXPECT_EQ(render_part_name("{name} ({part})", "Mix", "2"), "Mix (2)");
  EXPECT_EQ(render_part_name("{part}-{part} {x} {name", "Mix", "a"), "a-a {x} {name");
  // A name that itself holds a placeholder is not expanded again.
  EXPECT_EQ(render_part_name("{name}", "{part}", "1"), "{part}");
}

}  // namespace
}  // namespace plm::core
