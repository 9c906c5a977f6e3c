// Bad requests of every kind answer Spotify's status and error body, never a crash or a 500:
// every route is hit with malformed JSON, wrong types, out-of-range numbers and junk bytes.

#include "tests/emulator_fixture.hpp"

namespace spotify_emulator::testing {
namespace {

using Ids = SeedIds;

class BadInputTest : public EmulatorTest {};

TEST_F(BadInputTest, EveryRouteAnswersJunkWithAClientErrorAndTheErrorShape) {
  const std::string token = token_for("alice");
  const std::string main = std::string("/v1/playlists/") + Ids::kAliceMain;
  const std::vector<std::pair<std::string, std::string>> routes{
      {"POST", "/v1/me/playlists"},
      {"PUT", main},
      {"POST", main + "/items"},
      {"PUT", main + "/items"},
      {"DELETE", main + "/items"},
      {"PUT", main + "/images"},
      {"GET", "/v1/search?q=%ZZ&type=track&limit=1e3"},
      {"GET", main + "/items?offset=99999999999999999999"},
      {"PUT", "/v1/me/library?uris=,,,"},
  };
  const std::vector<std::string> bodies{
      "",
      "{",
      "[]",
      "null",
      "\"text\"",
      "12",
      R"({"uris": 5, "name": null, "public": "yes"})",
      R"({"uris": [1, 2, null], "position": 1e20})",
      R"({"uris": ["spotify:track:)" + std::string(5000, 'a') + R"("]})",
      R"({"range_start": -1, "insert_before": 18446744073709551615, "range_length": 0})",
      R"({"range_start": 0.5, "insert_before": "1"})",
      R"({"items": [{"uri": 7}, "x", null]})",
      R"({"items": {"uri": "spotify:track:x"}})",
      R"({"name": "", "description": ["a"], "collaborative": 1})",
      std::string("\xFF\xFE\x00\x01garbage", 11),
      std::string(300'000, '{'),
  };
  for (const auto& [method, path] : routes) {
    for (const auto& body : bodies) {
      const auto result = api(method, path, token, body);
      ASSERT_NE(result.status, 0) << result.error;
      if (result.status >= 400) {
        EXPECT_LT(result.status, 500) << method << " " << path << " body=" << body.substr(0, 60);
        const Json error = error_of(result);
        EXPECT_TRUE(error.contains("status") && error.contains("message"))
            << method << " " << path << " " << result.body.substr(0, 200);
      }
    }
  }
  EXPECT_EQ(api("GET", "/v1/me", token).status, 200);  // still serving
}

TEST_F(BadInputTest, AdminAndAccountsSurviveJunkToo) {
  const std::vector<std::string> paths{
      "/__emulator/seed",  "/__emulator/apps",   "/__emulator/tokens",      "/__emulator/faults",
      "/__emulator/clock", "/__emulator/config", "/__emulator/rate-limits", "/__emulator/revoke",
      "/api/token",        "/authorize/decision"};
  const std::vector<std::string> bodies{"{",
                                        "[]",
                                        R"({"client_id": 5, "rules": "x", "advance_ms": "soon"})",
                                        R"({"users": [{"id": 1}]})",
                                        R"({"scopes": [1, 2], "client_id": "plm-test-client"})",
                                        "grant_type=authorization_code&code=%%%",
                                        "a=1&&&=&b"};
  for (const auto& path : paths) {
    for (const auto& body : bodies) {
      const auto result = client_->request(
          "POST", path, {{"Content-Type", "application/x-www-form-urlencoded"}}, body);
      EXPECT_GE(result.status, 200) << path;
      EXPECT_LT(result.status, 500) << path << " body=" << body << " -> " << result.body;
    }
  }
}

}  // namespace
}  // namespace spotify_emulator::testing
