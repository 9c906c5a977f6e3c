#include "core/journal/version_encoding.hpp"

#include <gtest/gtest.h>

#include <random>

namespace plm::core {
namespace {

std::vector<VersionItem> playlist(int size, int seed) {
  std::mt19937 random(static_cast<unsigned>(seed));
  std::vector<VersionItem> items;
  for (int i = 0; i < size; ++i) {
    items.push_back({"spotify:track:" + std::to_string(random()) + "abcdefghijkl",
                     from_unix_seconds(1'600'000'000 + i), "curator"});
  }
  return items;
}

TEST(VersionEncoding, AnyByteInATextSurvives) {
  const std::vector<VersionItem> items{
      {"spotify:local:a%20b:al%bum:t\ti\nt\rle:1", std::nullopt, ""},
      {"", from_unix_seconds(0), std::string("odd\0by%", 7)},
      {"spotify:episode:x", from_unix_seconds(-5), "\xE2\x82\xAC"}};
  const auto decoded = decode_items(encode_full(items), {});
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, items);
  EXPECT_EQ(encode_full(items).find('\0'), std::string::npos);
}

TEST(VersionEncoding, AFirstVersionIsFull) {
  const auto items = playlist(10, 1);
  const EncodedItems encoded = encode_items(items, std::nullopt, 0);
  EXPECT_EQ(encoded.delta_depth, 0);
  EXPECT_EQ(encoded.text, encode_full(items));
}

TEST(VersionEncoding, ASmallChangeIsAShortDeltaThatDecodesBack) {
  const auto before = playlist(10'000, 2);
  auto after = before;
  std::swap(after[10], after[9'000]);                   // a move
  after.erase(after.begin() + 500);                     // a removal
  after.insert(after.begin() + 20, playlist(1, 3)[0]);  // an add
  after.push_back(before[0]);                           // a second copy
  const EncodedItems encoded = encode_items(after, before, 0);
  EXPECT_EQ(encoded.delta_depth, 1);
  EXPECT_LT(encoded.text.size(), 1'000u);
  const auto decoded = decode_items(encoded.text, before);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(*decoded, after);
}

TEST(VersionEncoding, AChangedAddedAtIsNotCopied) {
  const auto before = playlist(100, 4);
  auto after = before;
  after[50].added_at = from_unix_seconds(1);  // removed and added again
  const auto decoded = decode_items(encode_items(after, before, 0).text, before);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, after);
}

TEST(VersionEncoding, AShuffleIsAnIndexPerItemANewListOrALongChainIsFull) {
  const auto before = playlist(1'000, 5);
  auto shuffled = before;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(6));
  const EncodedItems shuffle = encode_items(shuffled, before, 0);
  EXPECT_EQ(shuffle.delta_depth, 1);
  EXPECT_LT(shuffle.text.size() * 4, encode_full(shuffled).size());
  EXPECT_EQ(*decode_items(shuffle.text, before), shuffled);
  EXPECT_EQ(encode_items(playlist(1'000, 8), before, 0).delta_depth, 0);
  auto one_removed = before;
  one_removed.pop_back();
  EXPECT_EQ(encode_items(one_removed, before, kMaxDeltaChain - 1).delta_depth, kMaxDeltaChain);
  EXPECT_EQ(encode_items(one_removed, before, kMaxDeltaChain).delta_depth, 0);
}

TEST(VersionEncoding, CorruptTextIsAnErrorNotACrash) {
  for (const std::string text :
       {"+a\tb", "+a\n", "=0,5\n", "=x\n", "?\n", "+a%4\t\t\n", "+a\tnot-a-number\t\n"}) {
    const auto decoded = decode_items(text, playlist(2, 7));
    ASSERT_FALSE(decoded) << text;
    EXPECT_EQ(decoded.error().code, ErrorCode::InvalidInput);
  }
}

}  // namespace
}  // namespace plm::core
