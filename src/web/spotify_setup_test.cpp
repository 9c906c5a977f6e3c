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
        "http://[::1]:8080/api/spotify/callback", "HTTP://127.0.0.1:8080/cb",
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
  for (const char* disguised :
       {"http://127.attacker.example/cb", "http://127.0.0.1.nip.io/cb", "http://127.0.0.1./cb",
        "http://127.0.0.1@example.com/cb", "HTTP://127.0.0.1:80@example.com/cb"}) {
    EXPECT_TRUE(mentions(redirect_uri_problems(disguised), "plain http only for loopback"))
        << disguised;
  }
  EXPECT_TRUE(
      mentions(redirect_uri_problems("http://127.0.0.1@example.com/cb"), "user information"));
  EXPECT_TRUE(
      mentions(redirect_uri_problems("http://127.0.0.1\\@example.com/cb"), "host name is missing"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://example.org/cb#frag"), "fragment"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://user@example.org/cb"), "user information"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://*.example.org/cb"), "wildcards"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://example.org/a b"), "white space"));
  EXPECT_TRUE(mentions(redirect_uri_problems("myapp://callback"), "absolute http"));
  EXPECT_TRUE(mentions(redirect_uri_problems("https://example.org:99999/cb"), "port"));
  EXPECT_TRUE(mentions(redirect_uri_problems(""), "empty"));
}

}  // namespace
}  // namespace plm::web
