// Bad requests of every kind answer Spotify's status and error body, never a crash or a 500:
// every route is hit with malformed JSON, wrong types, out-of-range numbers and junk bytes.

#include <limits>

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

TEST_F(BadInputTest, DeeplyNestedOrOverlongFieldsAnswer400) {
  const std::string token = token_for("alice");
  auto nested = [](std::size_t depth) {
    std::string text;
    for (std::size_t i = 0; i < depth; ++i) text += "a(";
    text += "b";
    for (std::size_t i = 0; i < depth; ++i) text += ")";
    return text;
  };
  const std::string main = std::string("/v1/playlists/") + Ids::kAliceMain;
  std::string wide = "name";
  while (wide.size() <= 2048) wide += ",name";
  std::string unclosed;  // "a(" x 20,000: the recursive parser used to overflow the stack
  for (int i = 0; i < 20'000; ++i) unclosed += "a(";
  for (const std::string& fields : {unclosed, nested(40), wide}) {
    for (const std::string& path : {main, main + "/items"}) {
      const auto result = api("GET", path + "?fields=" + fields, token);
      ASSERT_NE(result.status, 0) << result.error;  // no crash
      EXPECT_EQ(result.status, 400) << path << " " << fields.size();
      EXPECT_EQ(error_of(result), Json::parse(R"({"status":400,"message":"Invalid fields"})"));
    }
  }
  EXPECT_EQ(api("GET", main + "?fields=" + nested(20), token).status, 200);
}

TEST_F(BadInputTest, ReorderWithAHugeRangeLengthAnswers400) {
  const std::string token = token_for("alice");
  const std::string items = std::string("/v1/playlists/") + Ids::kAliceMain + "/items";
  for (const long long start : {0LL, 1LL, 5LL}) {
    const auto result = api("PUT", items, token,
                            Json{{"range_start", start},
                                 {"insert_before", 0},
                                 {"range_length", std::numeric_limits<std::int64_t>::max()}}
                                .dump());
    EXPECT_EQ(result.status, 400) << start << " " << result.body;
    EXPECT_EQ(error_of(result)["message"], "Index out of bounds");
  }
  const auto past_end =
      api("PUT", items, token,
          Json{{"range_start", 7}, {"insert_before", 0}, {"range_length", 1}}.dump());
  EXPECT_EQ(past_end.status, 400);
}

}  // namespace
}  // namespace spotify_emulator::testing
