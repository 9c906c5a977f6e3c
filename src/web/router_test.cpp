#include "web/router.hpp"

#include <gtest/gtest.h>

namespace plm::web {
namespace {

TEST(PathPattern, MatchesLiteralSegmentsAndCapturesParameters) {
  const PathPattern pattern("/api/accounts/{account_id}/playlists/{playlist_id}");

  const auto match = pattern.match("/api/accounts/12/playlists/abc");

  ASSERT_TRUE(match);
  EXPECT_EQ(*match, (PathParams{{"account_id", "12"}, {"playlist_id", "abc"}}));
  EXPECT_FALSE(pattern.match("/api/accounts/12/playlists"));
  EXPECT_FALSE(pattern.match("/api/accounts/12/playlists/abc/items"));
  EXPECT_FALSE(pattern.match("/api/accounts//playlists/abc"));
  EXPECT_FALSE(pattern.match("/api/accounts/12/playlists/abc/"));
  EXPECT_FALSE(pattern.match("api/accounts/12/playlists/abc"));
}

TEST(Router, FindsTheRouteOrTellsWhichMethodsThePathHas) {
  Router<int> router;
  router.add("GET", "/api/jobs", 1);
  router.add("GET", "/api/jobs/{job_id}", 2);
  router.add("DELETE", "/api/jobs/{job_id}", 3);

  const auto get = router.match("GET", "/api/jobs/j1");
  const auto head = router.match("HEAD", "/api/jobs");
  const auto put = router.match("PUT", "/api/jobs/j1");
  const auto none = router.match("GET", "/api/nothing");

  ASSERT_TRUE(get.route);
  EXPECT_EQ(get.route->value, 2);
  EXPECT_EQ(get.params, (PathParams{{"job_id", "j1"}}));
  ASSERT_TRUE(head.route);
  EXPECT_EQ(head.route->value, 1);
  EXPECT_FALSE(put.route);
  EXPECT_EQ(put.allowed, (std::vector<std::string>{"GET", "DELETE"}));
  EXPECT_FALSE(none.route);
  EXPECT_TRUE(none.allowed.empty());
}

}  // namespace
}  // namespace plm::web
