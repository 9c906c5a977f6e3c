#include "web/spotify_setup.hpp"

#include <gtest/gtest.h>

namespace plm::web {
namespace {

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
  for (const auto& problem : problems) {
    if (problem.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(RedirectUriProblems, AcceptsLoopbackIpsAndHttps) {
  for (const char* uri :
       {"http://127.0.0.1:8080/api/spotify/callback", "http://127.0.0.1/cb",
        "http://[::1]:8080/api/spotify/callback",
        "https://music.example.org/plm/api/spotify/callback", "https://localhost.example.org/cb"}) {
    EXPECT_EQ(redirect_uri_problems(uri), std::vector<std::string>{}) << uri;
  }
}

TEST(RedirectUriProblems, ExplainsWhatSpotifyRefuses) {
  EXPECT_TRUE(mentions(redirect_uri_problems("http://localhost:8080/api/spotify/callback"),
                       "use the loopback address 127.0.0.1"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://app.localhost/cb"), "'localhost'"));
  EXPECT_TRUE(mentions(redirect_uri_problems("http://music.example.org/api/spotify/callback"),
                       "plain http only for loopback"));
  EXPECT_TRUE(mentions(redirect_uri_problems("http://127.attacker.example/cb"),
                       "plain http only for loopback"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://example.org/cb#frag"), "fragment"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://user@example.org/cb"), "user information"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://*.example.org/cb"), "wildcards"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://example.org/a b"), "white space"));
  EXPECT_TRUE(mentions(redirect_uri_problems("myapp://callback"), "absolute http"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://example.org:99999/cb"), "port"));
  EXPECT_TRUE(mentions(redirect_uri_problems(""), "empty"));
}

TEST(SplitUrl, GivesOriginAndPath) {
  const auto parts = split_url("HTTPS://Music.Example.org:8443/plm/?x=1");
  EXPECT_EQ(parts.origin(), "https://music.example.org:8443");
  EXPECT_EQ(parts.path, "/plm/");
  EXPECT_EQ(split_url("http://127.0.0.1:9/").path, "/");
  EXPECT_EQ(split_url("http://[::1]:9/x").host, "[::1]");
  EXPECT_TRUE(split_url("ftp://example.org/").scheme.empty());
}

TEST(IsLoopbackLiteral, KnowsAddressesFromNames) {
  EXPECT_TRUE(is_loopback_literal("127.0.0.1"));
  EXPECT_TRUE(is_loopback_literal("127.1.2.3"));
  EXPECT_TRUE(is_loopback_literal("[::1]"));
  EXPECT_FALSE(is_loopback_literal("localhost"));
  EXPECT_FALSE(is_loopback_literal("127.0.0"));
  EXPECT_FALSE(is_loopback_literal("128.0.0.1"));
  EXPECT_FALSE(is_loopback_literal("127.0.0.256"));
}

}  // namespace
}  // namespace plm::web
