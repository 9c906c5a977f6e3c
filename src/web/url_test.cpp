#include "web/url.hpp"

#include <gtest/gtest.h>

namespace plm::web {
namespace {

TEST(ParseUrl, TakesAnAbsoluteUrlApart) {
  const auto url = parse_url("HTTPS://ann:secret@Music.Example.org:8443/plm/?x=1#top");

  ASSERT_TRUE(url);
  EXPECT_EQ(url->scheme, "https");
  EXPECT_TRUE(url->has_userinfo);
  EXPECT_EQ(url->userinfo, "ann:secret");
  EXPECT_EQ(url->host, "music.example.org");
  EXPECT_EQ(url->port, "8443");
  EXPECT_EQ(url->path, "/plm/");
  EXPECT_EQ(url->query, "x=1");
  EXPECT_EQ(url->fragment, "top");
  EXPECT_EQ(url->origin(), "https://music.example.org:8443");
  EXPECT_EQ(parse_url("http://127.0.0.1:9")->path, "/");
  EXPECT_EQ(parse_url("http://[::1]:9/x")->host, "[::1]");
  EXPECT_EQ(parse_url("http://[::1]:9/x")->port, "9");
}

TEST(ParseUrl, ReadsUserInfoAsBrowsersDo) {
  // The host is what follows the last '@': these go to example.com, not to this machine.
  EXPECT_EQ(parse_url("http://127.0.0.1@example.com/")->host, "example.com");
  EXPECT_EQ(parse_url("http://127.0.0.1:80@example.com/")->host, "example.com");
  EXPECT_EQ(parse_url("http://a@127.0.0.1@example.com/")->host, "example.com");
  EXPECT_EQ(parse_url("http://example.com@127.0.0.1/")->host, "127.0.0.1");
  EXPECT_FALSE(parse_url("http://example.com/")->has_userinfo);
  EXPECT_TRUE(parse_url("http://@127.0.0.1/")->has_userinfo);
}

TEST(ParseUrl, RefusesWhatClientsWouldReadDifferently) {
  for (const char* text :
       {"ftp://example.org/", "example.org", "http://", "http:///path", "http://:80/",
        "http://127.0.0.1\\@example.com/", "http://127.0.0.1%2f@example.com/",
        "http://exa mple.org/", "http://127.0.0.1:0/", "http://127.0.0.1:65536/",
        "http://127.0.0.1:8o/", "http://127.0.0.1:/", "http://[::1/", "http://[::1]x/",
        "http://[not-an-address]/", "http://ex\xC3\xA4mple.org/"}) {
    EXPECT_FALSE(parse_url(text)) << text;
  }
}

TEST(ParseUrl, LeavesDefaultPortsOutOfOriginsAsBrowsersDo) {
  EXPECT_EQ(parse_url("https://example.org:443/plm/")->origin(), "https://example.org");
  EXPECT_EQ(parse_url("http://example.org:80/")->origin(), "http://example.org");
  EXPECT_EQ(parse_url("http://example.org:443/")->origin(), "http://example.org:443");
  EXPECT_EQ(parse_url("https://example.org:80/")->origin(), "https://example.org:80");
  EXPECT_EQ(parse_url("HTTPS://Example.org:443/plm/")->normalized(), "https://example.org/plm/");
  EXPECT_EQ(parse_url("http://127.0.0.1:8080/a?b#c")->normalized(), "http://127.0.0.1:8080/a?b#c");
  EXPECT_EQ(parse_url("https://example.org/")->effective_port(), 443);
  EXPECT_EQ(parse_url("http://example.org/")->effective_port(), 80);
}

TEST(IsLoopbackLiteral, KnowsAddressesFromNames) {
  for (const char* host :
       {"127.0.0.1", "127.1.2.3", "127.255.255.255", "[::1]", "[0:0:0:0:0:0:0:1]", "[0000::1]"}) {
    EXPECT_TRUE(is_loopback_literal(host)) << host;
  }
  for (const char* host : {"localhost", "127.0.0.1.nip.io", "127.0.0.1.", "127.0.0", "127.0.0.1.1",
                           "128.0.0.1", "127.0.0.256", "0127.0.0.1", "127.0.0.01", "::1", "[::2]",
                           "[::ffff:127.0.0.1]", "127.attacker.example", ""}) {
    EXPECT_FALSE(is_loopback_literal(host)) << host;
  }
}

}  // namespace
}  // namespace plm::web
