#include "core/write/playlist_edits.hpp"

#include <gtest/gtest.h>

namespace plm::core {
namespace {

std::vector<int> ten() { return {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}; }

std::vector<int> moved(std::int64_t start, std::int64_t before, std::int64_t length) {
  auto items = ten();
  EXPECT_TRUE(check_reorder(10, start, before, length));
  move_range(items, start, before, length);
  return items;
}

TEST(PlaylistEdits, ReorderFollowsSpotifysExamples) {
  // spotify-api.md §2.10: indices are those of the list before the move.
  EXPECT_EQ(moved(0, 10, 1), (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}));
  EXPECT_EQ(moved(9, 0, 1), (std::vector<int>{9, 0, 1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(moved(8, 0, 2), (std::vector<int>{8, 9, 0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(moved(2, 6, 2), (std::vector<int>{0, 1, 4, 5, 2, 3, 6, 7, 8, 9}));
  EXPECT_EQ(reorder_destination(2, 6, 2), 4);
  EXPECT_EQ(reorder_destination(9, 0, 1), 0);
  EXPECT_EQ(reorder_destination(0, 10, 1), 9);
}

TEST(PlaylistEdits, ReorderIntoItsOwnRangeChangesNothing) {
  for (const std::int64_t before : {3, 4, 5}) {
    EXPECT_EQ(moved(3, before, 2), ten()) << before;
    EXPECT_EQ(reorder_destination(3, before, 2), 3);
  }
}

TEST(PlaylistEdits, ReorderBounds) {
  EXPECT_TRUE(check_reorder(10, 9, 10, 1));
  EXPECT_FALSE(check_reorder(10, 10, 0, 1));  // the range starts past the end
  EXPECT_FALSE(check_reorder(10, 8, 0, 3));   // and ends past it
  EXPECT_FALSE(check_reorder(10, 0, 11, 1));
  EXPECT_FALSE(check_reorder(10, 0, 1, 0));
  EXPECT_FALSE(check_reorder(10, 0, 1, std::numeric_limits<std::int64_t>::max()));  // no overflow
  EXPECT_FALSE(check_reorder(0, 0, 0, 1));
  EXPECT_EQ(check_reorder(10, -1, 0, 1).error().code, ErrorCode::InvalidInput);
  EXPECT_FALSE(check_reorder_request(-1, 0, 1));
  EXPECT_FALSE(check_reorder_request(0, -1, 1));
  EXPECT_FALSE(check_reorder_request(0, 0, 0));
  EXPECT_TRUE(check_reorder_request(5, 0, 1));  // bounds need the playlist: Spotify's to check
}

TEST(PlaylistEdits, PositionsRunFromZeroToTheLength) {
  EXPECT_TRUE(check_position(3, 0));
  EXPECT_TRUE(check_position(3, 3));
  EXPECT_FALSE(check_position(3, 4));
  EXPECT_FALSE(check_position(3, -1));
  EXPECT_FALSE(check_add_request({"spotify:track:x"}, -1));
  EXPECT_TRUE(check_add_request({"spotify:track:x"}, 99));
}

TEST(PlaylistEdits, ItemUris) {
  EXPECT_TRUE(is_item_uri("spotify:track:6rqhFgbbKwnb9MLmUQDhG6"));
  EXPECT_TRUE(is_item_uri("spotify:episode:512ojhOuo1ktJprKbVcKyQ"));
  EXPECT_FALSE(is_item_uri("spotify:track:5"));
  EXPECT_FALSE(is_item_uri("spotify:track:6rqhFgbbKwnb9MLmUQDhG!"));
  EXPECT_FALSE(is_item_uri("spotify:album:6rqhFgbbKwnb9MLmUQDhG6"));
  EXPECT_FALSE(is_item_uri("spotify:local:Artist:Album:Title:200"));
  EXPECT_FALSE(is_item_uri("https://open.spotify.com/track/6rqhFgbbKwnb9MLmUQDhG6"));
  EXPECT_TRUE(is_local_uri("spotify:local:Artist:Album:Title:200"));
}

TEST(PlaylistEdits, UriListsHoldOneToOneHundred) {
  const std::string track = "spotify:track:6rqhFgbbKwnb9MLmUQDhG6";
  EXPECT_TRUE(check_item_uris(std::vector<std::string>(100, track), "added"));
  EXPECT_FALSE(check_item_uris(std::vector<std::string>(101, track), "added"));
  EXPECT_FALSE(check_item_uris({}, "added"));
  EXPECT_TRUE(check_item_uris({}, "added", /*allow_empty=*/true));
  const auto local = check_item_uris({track, "spotify:local:A:B:C:1"}, "removed");
  ASSERT_FALSE(local);
  EXPECT_EQ(local.error().message, "local files cannot be removed: spotify:local:A:B:C:1");
  EXPECT_FALSE(check_item_uris({"spotify:track:5"}, "added"));
  EXPECT_TRUE(check_uri_count({"spotify:track:5"}, "added"));  // the URI is Spotify's to judge
}

TEST(PlaylistEdits, RemovalTakesEveryCopyButNoLocalFile) {
  std::vector<std::string> items{"a", "spotify:local:x", "b", "a", "", "a"};
  remove_every(items, {"a", "spotify:local:x", "missing"},
               [](const std::string& uri) { return std::string_view(uri); });
  EXPECT_EQ(items, (std::vector<std::string>{"spotify:local:x", "b", ""}));
}

TEST(PlaylistEdits, CoverLimitCountsBase64) {
  EXPECT_EQ(base64_size(3), 4u);
  EXPECT_EQ(base64_size(4), 8u);
  EXPECT_TRUE(check_cover(std::string(196'608, 'x')));  // exactly 256 KB of base64
  EXPECT_FALSE(check_cover(std::string(196'609, 'x')));
  EXPECT_FALSE(check_cover(""));
  EXPECT_FALSE(check_details_change({}));
  EXPECT_TRUE(check_details_change({.is_public = false}));
}

}  // namespace
}  // namespace plm::core
