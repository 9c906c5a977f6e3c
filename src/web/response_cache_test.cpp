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
  cache.put(1, generation, "list", "[1]", 0);
  ASSERT_TRUE(cache.get(1, "list", 0));
  EXPECT_EQ(cache.get(1, "list", 0)->json, "[1]");

  const auto before = cache.generation(1);
  cache.invalidate(1);
  cache.put(1, before, "list", "[stale]", 0);

  EXPECT_FALSE(cache.get(1, "list", 0));
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ResponseCache, InvalidatingUnknownUsersCreatesNothing) {
  ResponseCache cache;
  for (std::int64_t user = 1; user <= 1000; ++user) cache.invalidate(user);
  EXPECT_EQ(cache.users(), 0u);
  cache.put(5, 0, "list", "[]", 0);  // never asked for a generation: nothing to store into
  EXPECT_EQ(cache.users(), 0u);
  EXPECT_FALSE(cache.get(5, "list", 0));
}

TEST(ResponseCache, StaysWithinItsByteBudgetEvictingTheLeastRecentlyUsed) {
  ResponseCache cache(/*max_bytes=*/2000, /*max_per_user=*/32);
  cache.put(1, cache.generation(1), "a", body_of(600, 'a'), 0);
  cache.put(2, cache.generation(2), "b", body_of(600, 'b'), 0);
  cache.put(3, cache.generation(3), "c", body_of(600, 'c'), 0);
  ASSERT_TRUE(cache.get(1, "a", 0));  // "a" is now more recent than "b"

  cache.put(4, cache.generation(4), "d", body_of(600, 'd'), 0);

  EXPECT_LE(cache.bytes(), 2000u);
  EXPECT_TRUE(cache.get(1, "a", 0));
  EXPECT_FALSE(cache.get(2, "b", 0));
  EXPECT_TRUE(cache.get(3, "c", 0));
  EXPECT_TRUE(cache.get(4, "d", 0));
  // A body larger than the whole budget is served but not kept.
  const auto huge = cache.put(5, cache.generation(5), "e", body_of(5000, 'e'), 0);
  EXPECT_EQ(huge->json.size(), 5000u);
  EXPECT_FALSE(cache.get(5, "e", 0));
  EXPECT_LE(cache.bytes(), 2000u);
}

TEST(ResponseCache, AUserKeepsAtMostMaxPerUserBodies) {
  ResponseCache cache(1 << 20, 3);
  const auto generation = cache.generation(1);
  for (int i = 0; i < 5; ++i) cache.put(1, generation, "k" + std::to_string(i), "[]", 0);
  EXPECT_EQ(cache.bodies(), 3u);
  EXPECT_TRUE(cache.get(1, "k4", 0));
  EXPECT_FALSE(cache.get(1, "k0", 0));
  cache.erase_user(1);
  EXPECT_EQ(cache.users(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ResponseCache, BodiesOlderThanTheMaxAgeAreNotServed) {
  ResponseCache cache(ResponseCache::kDefaultMaxBytes, 32, /*max_age_ms=*/5'000);
  cache.put(1, cache.generation(1), "list", "[1]", 10'000);

  EXPECT_TRUE(cache.get(1, "list", 15'000));
  EXPECT_FALSE(cache.get(1, "list", 15'001));  // e.g. a `plm sync` from the command line meanwhile
}

}  // namespace
}  // namespace plm::web
