#include "web/response_cache.hpp"

#include <gtest/gtest.h>

namespace plm::web {
namespace {

std::string body_of(std::size_t bytes, char fill = 'x') {
  // Not compressible into nothing, but small bodies (< 1 KiB) are not gzipped at all.
  return std::string(bytes, fill);
}

TEST(ResponseCache, KeepsBodiesUntilInvalidatedAndDropsRendersThatRacedAnInvalidation) {
  ResponseCache cache;
  const auto generation = cache.generation(1);
  cache.put(1, generation, "list", "[1]");
  ASSERT_TRUE(cache.get(1, "list"));
  EXPECT_EQ(cache.get(1, "list")->json, "[1]");

  const auto before = cache.generation(1);
  cache.invalidate(1);
  cache.put(1, before, "list", "[stale]");

  EXPECT_FALSE(cache.get(1, "list"));
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ResponseCache, InvalidatingUnknownUsersCreatesNothing) {
  ResponseCache cache;
  for (std::int64_t user = 1; user <= 1000; ++user) cache.invalidate(user);
  EXPECT_EQ(cache.users(), 0u);
  cache.put(5, 0, "list", "[]");  // never asked for a generation: nothing to store into
  EXPECT_EQ(cache.users(), 0u);
  EXPECT_FALSE(cache.get(5, "list"));
}

TEST(ResponseCache, StaysWithinItsByteBudgetEvictingTheLeastRecentlyUsed) {
  ResponseCache cache(/*max_bytes=*/2000, /*max_per_user=*/32);
  cache.put(1, cache.generation(1), "a", body_of(600, 'a'));
  cache.put(2, cache.generation(2), "b", body_of(600, 'b'));
  cache.put(3, cache.generation(3), "c", body_of(600, 'c'));
  ASSERT_TRUE(cache.get(1, "a"));  // "a" is now more recent than "b"

  cache.put(4, cache.generation(4), "d", body_of(600, 'd'));

  EXPECT_LE(cache.bytes(), 2000u);
  EXPECT_TRUE(cache.get(1, "a"));
  EXPECT_FALSE(cache.get(2, "b"));
  EXPECT_TRUE(cache.get(3, "c"));
  EXPECT_TRUE(cache.get(4, "d"));
  // A body larger than the whole budget is served but not kept.
  const auto huge = cache.put(5, cache.generation(5), "e", body_of(5000, 'e'));
  EXPECT_EQ(huge->json.size(), 5000u);
  EXPECT_FALSE(cache.get(5, "e"));
  EXPECT_LE(cache.bytes(), 2000u);
}

TEST(ResponseCache, AUserKeepsAtMostMaxPerUserBodies) {
  ResponseCache cache(1 << 20, 3);
  const auto generation = cache.generation(1);
  for (int i = 0; i < 5; ++i) cache.put(1, generation, "k" + std::to_string(i), "[]");
  EXPECT_EQ(cache.bodies(), 3u);
  EXPECT_TRUE(cache.get(1, "k4"));
  EXPECT_FALSE(cache.get(1, "k0"));
  cache.erase_user(1);
  EXPECT_EQ(cache.users(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

}  // namespace
}  // namespace plm::web
