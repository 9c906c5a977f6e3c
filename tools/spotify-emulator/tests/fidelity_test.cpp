// Error and protocol fidelity over real HTTP: fault bodies as Spotify words them, the description
// 500 mode, ETag and 304, 403 for the endpoints removed in February 2026 (and their extended-mode
// versions), the missing-token challenge and /authorize with an unknown client. Every response is
// checked against the OpenAPI files.

#include <set>

#include "emulator/faults.hpp"
#include "tests/emulator_fixture.hpp"

namespace spotify_emulator::testing {
namespace {

using Ids = SeedIds;

/// Scopes of the type-specific library and follow endpoints (removed for development mode).
constexpr const char* kLegacyScopes =
    "user-library-modify user-library-read user-follow-modify user-follow-read "
    "playlist-read-private playlist-modify-public playlist-modify-private";

class FidelityTest : public EmulatorTest {
 protected:
  void SetUp() override { alice_ = token_for("alice"); }
  HttpResult call(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::string& token = {}) {
    auto result = api(method, path, token.empty() ? alice_ : token, body);
    expect_schema(method, path, result);
    return result;
  }
  void add_faults(const Json& rules) {
    ASSERT_EQ(admin("POST", "/__emulator/faults", Json{{"rules", rules}}).status, 201);
  }
  void configure(const Json& config) {
    const auto result = admin("POST", "/__emulator/config", config);
    ASSERT_EQ(result.status, 200) << result.body;
  }
  HttpResult conditional_get(const std::string& path, const std::string& etag) {
    return client_->request("GET", path,
                            {{"Authorization", "Bearer " + alice_}, {"If-None-Match", etag}}, "");
  }
  std::string alice_;
};

// ---- 1. fault bodies ---------------------------------------------------------------------------

TEST(FaultMessage, DefaultsAreSpotifysWordingAndARuleMessageWins) {
  FaultRule rule;
  EXPECT_EQ(fault_message(rule, 500), "Server error.");
  EXPECT_EQ(fault_message(rule, 502), "Bad gateway.");
  EXPECT_EQ(fault_message(rule, 503), "Service unavailable");
  EXPECT_EQ(fault_message(rule, 504), "Service didn't reply before timeout");
  EXPECT_EQ(fault_message(rule, 404), "Not found.");
  rule.kind = FaultRule::Kind::RateLimited;
  EXPECT_EQ(fault_message(rule, 429), "API rate limit exceeded");
  rule.kind = FaultRule::Kind::QuotaExceeded;
  EXPECT_EQ(fault_message(rule, 429), "Too many requests");
  rule.message = "Error while loading resource";
  EXPECT_EQ(fault_message(rule, 502), "Error while loading resource");
}

TEST_F(FidelityTest, InjectedServerErrorsSaySpotifysMessageForTheirStatus) {
  add_faults(Json::array({{{"kind", "status"}, {"status", 500}, {"nth", 1}},
                          {{"kind", "status"}, {"status", 504}, {"nth", 2}}}));

  const auto server_error = call("GET", "/v1/me");
  const auto timeout = call("GET", "/v1/me");

  EXPECT_EQ(server_error.status, 500);
  EXPECT_EQ(error_of(server_error), Json::parse(R"({"status":500,"message":"Server error."})"));
  EXPECT_EQ(timeout.status, 504);
  EXPECT_EQ(error_of(timeout)["message"], "Service didn't reply before timeout");
}

TEST_F(FidelityTest, AFaultRuleCarriesItsOwnMessage) {
  const std::string items = std::string("/v1/playlists/") + Ids::kAliceMain + "/items";
  add_faults(Json::array({{{"kind", "status"},
                           {"status", 502},
                           {"path_contains", "/items"},
                           {"method", "DELETE"},
                           {"message", "Error while loading resource"}},
                          {{"kind", "apply_then_502"},
                           {"method", "POST"},
                           {"message", "Error while loading resource"}},
                          {{"kind", "rate_limit"},
                           {"method", "GET"},
                           {"path_contains", "/me"},
                           {"message", "Too many requests"}}}));

  const auto removed = call("DELETE", items, R"({"items":[{"uri":")" + track_uri(0) + R"("}]})");
  const auto added = call("POST", items, Json{{"uris", {track_uri(77)}}}.dump());
  const auto limited = call("GET", "/v1/me");

  EXPECT_EQ(removed.status, 502);
  EXPECT_EQ(error_of(removed),
            Json::parse(R"({"status":502,"message":"Error while loading resource"})"));
  EXPECT_EQ(added.status, 502);
  EXPECT_EQ(error_of(added)["message"], "Error while loading resource");
  const auto dump = json_of(admin("GET", "/__emulator/users/alice/playlists"));
  bool applied = false;
  for (const auto& playlist : dump) {
    if (playlist["id"] != Ids::kAliceMain) continue;
    for (const auto& entry : playlist["entries"])
      applied = applied || entry["uri"] == track_uri(77);
  }
  EXPECT_TRUE(applied) << "apply_then_502 still applies the write";
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(error_of(limited), Json::parse(R"({"status":429,"message":"Too many requests"})"));
  EXPECT_EQ(limited.header("Retry-After"), "1");
}

TEST_F(FidelityTest, EmptyBodyFaultsStayEmptyEvenWithAMessage) {
  add_faults(Json::array(
      {{{"kind", "status"}, {"status", 503}, {"empty_body", true}, {"message", "unused"}}}));
  const auto result = api("GET", "/v1/me", alice_);
  EXPECT_EQ(result.status, 503);
  EXPECT_TRUE(result.body.empty());
}

// ---- 2. descriptions Spotify refuses -----------------------------------------------------------

TEST_F(FidelityTest, RefusedDescriptionsAnswer400ByDefaultAnd500InObservedMode) {
  const std::string playlist = std::string("/v1/playlists/") + Ids::kAliceMain;
  const std::string too_long = Json{{"description", std::string(301, 'x')}}.dump();
  const std::string line_break = Json{{"description", "two\nlines"}}.dump();

  const auto clear_long = call("PUT", playlist, too_long);
  const auto clear_break = call("PUT", playlist, line_break);
  EXPECT_EQ(clear_long.status, 400);
  EXPECT_EQ(error_of(clear_long)["message"], "Description is too long");
  EXPECT_EQ(clear_break.status, 400);
  EXPECT_EQ(error_of(clear_break)["message"], "Description must not contain line breaks");

  configure(Json{{"description_errors", "observed"}});
  EXPECT_EQ(json_of(admin("GET", "/__emulator/config"))["description_errors"], "observed");
  const auto observed_long = call("PUT", playlist, too_long);
  const auto observed_break = call("PUT", playlist, line_break);
  const auto observed_create =
      call("POST", "/v1/me/playlists", Json{{"name", "x"}, {"description", "a\r\nb"}}.dump());
  const Json server_error = Json::parse(R"({"status":500,"message":"Server error."})");
  EXPECT_EQ(observed_long.status, 500);
  EXPECT_EQ(error_of(observed_long), server_error);
  EXPECT_EQ(observed_break.status, 500);
  EXPECT_EQ(error_of(observed_break), server_error);
  EXPECT_EQ(observed_create.status, 500);
  // Nothing was changed: a 300-character description is still fine.
  EXPECT_EQ(call("PUT", playlist, Json{{"description", std::string(300, 'y')}}.dump()).status, 200);
  EXPECT_EQ(admin("POST", "/__emulator/config", Json{{"description_errors", "loud"}}).status, 400);
}

// ---- 3. ETag and 304 ---------------------------------------------------------------------------

TEST_F(FidelityTest, NoETagUnlessEnabled) {
  const auto result = call("GET", std::string("/v1/playlists/") + Ids::kAliceMain);
  EXPECT_FALSE(result.header("ETag").has_value());
}

TEST_F(FidelityTest, PlaylistReadsCarryAnETagAndAMatchAnswers304WithoutABody) {
  configure(Json{{"etags", true}});
  const std::string playlist = std::string("/v1/playlists/") + Ids::kAliceMain;

  const auto first = call("GET", playlist);
  const std::string etag(first.header("ETag").value_or(""));
  ASSERT_FALSE(etag.empty());
  EXPECT_TRUE(etag.starts_with('"') && etag.ends_with('"')) << etag;
  EXPECT_EQ(first.header("Cache-Control"), "private, max-age=0");
  EXPECT_EQ(call("GET", playlist).header("ETag"), etag);  // same content, same tag

  const auto not_modified = conditional_get(playlist, etag);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(not_modified.header("ETag"), etag);
  EXPECT_EQ(conditional_get(playlist, "\"something-else\"").status, 200);

  ASSERT_EQ(call("POST", playlist + "/items", Json{{"uris", {track_uri(91)}}}.dump()).status, 201);
  const auto changed = conditional_get(playlist, etag);
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("ETag").value_or(etag), etag);
}

TEST_F(FidelityTest, AnItemsPageTagFollowsTheWholePlaylist) {
  configure(Json{{"etags", true}});
  const std::string items = std::string("/v1/playlists/") + Ids::kAliceBig + "/items";
  const auto before = call("GET", items + "?limit=1");
  const std::string etag(before.header("ETag").value_or(""));
  ASSERT_FALSE(etag.empty());

  // Moving the last two items changes nothing on the first page, but the playlist changed.
  ASSERT_EQ(
      call("PUT", items, R"({"range_start":118,"insert_before":119,"range_length":1})").status,
      200);
  const auto after = conditional_get(items + "?limit=1", etag);

  EXPECT_EQ(after.status, 200);
  EXPECT_NE(after.header("ETag").value_or(etag), etag);
}

TEST_F(FidelityTest, MyPlaylistsAreTaggedAndSearchIsNot) {
  configure(Json{{"etags", true}});
  const auto mine = call("GET", "/v1/me/playlists");
  const std::string etag(mine.header("ETag").value_or(""));
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(conditional_get("/v1/me/playlists", etag).status, 304);
  ASSERT_EQ(call("POST", "/v1/me/playlists", R"({"name":"new"})").status, 201);
  EXPECT_EQ(conditional_get("/v1/me/playlists", etag).status, 200);

  EXPECT_FALSE(call("GET", "/v1/search?q=love&type=track").header("ETag").has_value());
  EXPECT_FALSE(call("GET", "/v1/me").header("ETag").has_value());
}

// ---- 4. endpoints removed in February 2026 -----------------------------------------------------

/// Every endpoint removed for development-mode apps that the emulator routes.
std::vector<std::pair<std::string, std::string>> removed_endpoints() {
  const std::string track = catalog_track(3).id;
  const std::string artist = catalog_track(3).artists.at(0).id;
  const std::string album = catalog_track(3).album.id;
  const std::string playlist = std::string("/v1/playlists/") + Ids::kBobPublic;
  std::vector<std::pair<std::string, std::string>> endpoints{
      {"GET", "/v1/browse/new-releases"},
      {"GET", "/v1/browse/categories"},
      {"GET", "/v1/browse/categories/dinner"},
      {"GET", "/v1/artists/" + artist + "/top-tracks"},
      {"GET", "/v1/markets"},
      {"GET", "/v1/tracks?ids=" + track},
      {"GET", "/v1/albums?ids=" + album},
      {"GET", "/v1/artists?ids=" + artist},
      {"GET", "/v1/episodes?ids=" + track},
      {"GET", "/v1/shows?ids=" + track},
      {"GET", "/v1/audiobooks?ids=" + track},
      {"GET", "/v1/chapters?ids=" + track},
      {"PUT", "/v1/me/following?type=artist&ids=" + artist},
      {"DELETE", "/v1/me/following?type=artist&ids=" + artist},
      {"GET", "/v1/me/following/contains?type=artist&ids=" + artist},
      {"GET", playlist + "/followers/contains"},
      {"PUT", playlist + "/followers"},
      {"DELETE", playlist + "/followers"},
      {"GET", "/v1/users/bob"},
      {"GET", "/v1/users/bob/playlists"},
      {"POST", "/v1/users/alice/playlists"},
      {"GET", playlist + "/tracks"},
  };
  for (const char* kind : {"tracks", "albums", "episodes", "shows", "audiobooks"}) {
    const std::string base = std::string("/v1/me/") + kind;
    endpoints.emplace_back("PUT", base + "?ids=" + track);
    endpoints.emplace_back("DELETE", base + "?ids=" + track);
    endpoints.emplace_back("GET", base + "/contains?ids=" + track);
  }
  return endpoints;
}

TEST_F(FidelityTest, RemovedEndpointsAnswer403ForbiddenInDevelopmentMode) {
  const std::string token = token_for("alice", kLegacyScopes);
  for (const auto& [method, path] : removed_endpoints()) {
    const auto result = call(method, path, {}, token);
    EXPECT_EQ(result.status, 403) << method << " " << path;
    EXPECT_EQ(json_of(result), Json::parse(R"({"error":{"status":403,"message":"Forbidden"}})"))
        << method << " " << path;
  }
}

TEST_F(FidelityTest, ExtendedModeServesTheRemovedCatalogEndpoints) {
  set_mode("extended");
  const Track& track = catalog_track(3);
  const std::string artist = track.artists.at(0).id;

  const Json albums = json_of(call("GET", "/v1/albums?ids=" + track.album.id));
  ASSERT_EQ(albums["albums"].size(), 1u);
  EXPECT_EQ(albums["albums"][0]["id"], track.album.id);
  std::set<std::string> album_tracks;
  for (const auto& item : albums["albums"][0]["tracks"]["items"]) album_tracks.insert(item["id"]);
  EXPECT_TRUE(album_tracks.count(track.id));

  const Json artists = json_of(call("GET", "/v1/artists?ids=" + artist));
  EXPECT_EQ(artists["artists"][0]["id"], artist);

  const Json top = json_of(call("GET", "/v1/artists/" + artist + "/top-tracks"));
  ASSERT_FALSE(top["tracks"].empty());
  EXPECT_LE(top["tracks"].size(), 10u);
  for (const auto& item : top["tracks"]) {
    bool by_artist = false;
    for (const auto& credited : item["artists"]) by_artist = by_artist || credited["id"] == artist;
    EXPECT_TRUE(by_artist) << item["id"];
  }
  EXPECT_EQ(call("GET", "/v1/artists/0000000000000000000000/top-tracks").status, 404);

  const Json markets = json_of(call("GET", "/v1/markets"));
  EXPECT_TRUE(markets["markets"].is_array());
  EXPECT_FALSE(markets["markets"].empty());

  const Json releases = json_of(call("GET", "/v1/browse/new-releases?limit=5"));
  EXPECT_EQ(releases["albums"]["limit"], 5);
  const Json categories = json_of(call("GET", "/v1/browse/categories"));
  EXPECT_EQ(categories["categories"]["total"], 0);
  EXPECT_EQ(call("GET", "/v1/browse/categories/dinner").status, 404);

  // Unknown ids come back as null items, as the spec's ManyAudiobooks/ManyEpisodes descriptions
  // say; their item schemas do not allow null, so this one is not validated.
  const auto episodes = api("GET", "/v1/episodes?ids=" + track.id, alice_);
  EXPECT_EQ(episodes.status, 200);
  EXPECT_EQ(json_of(episodes), Json::parse(R"({"episodes":[null]})"));
  EXPECT_EQ(call("GET", "/v1/albums?ids=not-an-id").status, 400);
}

TEST_F(FidelityTest, ExtendedModeSavesAndFollowsThroughTheTypeSpecificEndpoints) {
  set_mode("extended");
  const std::string token = token_for("alice", kLegacyScopes);
  const std::string track = catalog_track(5).id;
  const std::string artist = catalog_track(5).artists.at(0).id;

  EXPECT_EQ(call("PUT", "/v1/me/tracks?ids=" + track, {}, token).status, 200);
  EXPECT_EQ(json_of(call("GET", "/v1/me/tracks/contains?ids=" + track, {}, token)),
            Json::parse("[true]"));
  // The same saved set as /me/library (absent from the pre-2026 file, so not validated here).
  EXPECT_EQ(json_of(api("GET", "/v1/me/library/contains?uris=spotify:track:" + track, token)),
            Json::parse("[true]"));
  EXPECT_EQ(call("DELETE", "/v1/me/tracks", Json{{"ids", {track}}}.dump(), token).status, 200);
  EXPECT_EQ(json_of(call("GET", "/v1/me/tracks/contains?ids=" + track, {}, token)),
            Json::parse("[false]"));
  EXPECT_EQ(call("PUT", "/v1/me/tracks?ids=" + track).status, 403);  // no user-library-modify

  EXPECT_EQ(call("PUT", "/v1/me/following?type=artist&ids=" + artist, {}, token).status, 204);
  EXPECT_EQ(json_of(call("GET", "/v1/me/following/contains?type=artist&ids=" + artist, {}, token)),
            Json::parse("[true]"));
  EXPECT_EQ(call("PUT", "/v1/me/following?type=planet&ids=" + artist, {}, token).status, 400);

  const std::string followers = std::string("/v1/playlists/") + Ids::kBobPublic + "/followers";
  EXPECT_EQ(json_of(call("GET", followers + "/contains", {}, token)), Json::parse("[true]"));
  ASSERT_EQ(call("DELETE", followers, {}, token).status, 200);
  EXPECT_EQ(json_of(call("GET", followers + "/contains", {}, token)), Json::parse("[false]"));
}

TEST_F(FidelityTest, EditorialPlaylistsAre404ForDevelopmentModeAppsOnly) {
  // spotify-api.md section 7.21: Spotify-owned playlists vanished for new apps in November 2024.
  const Json seed = Json::parse(R"({"users":[{"id":"spotify"},{"id":"alice"}],
    "playlists":[{"owner":"spotify","name":"Today's Top Hits","random_tracks":3,
                  "followers":["alice"]}]})");
  ASSERT_EQ(admin("POST", "/__emulator/seed", seed).status, 200);
  const std::string token = token_for("alice");
  const std::string id =
      json_of(admin("GET", "/__emulator/users/spotify/playlists"))[0]["id"].get<std::string>();

  const auto hidden = call("GET", "/v1/playlists/" + id, {}, token);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(error_of(hidden)["message"], "Not found.");
  set_mode("extended");
  EXPECT_EQ(call("GET", "/v1/playlists/" + id, {}, token).status, 200);
}

// ---- 5. missing token and unknown clients ------------------------------------------------------

TEST_F(FidelityTest, AMissingTokenGetsSpotifysBodyAndABareChallenge) {
  const auto result = client_->get("/v1/me");
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(json_of(result),
            Json::parse(R"({"error":{"status":401,"message":"No token provided"}})"));
  EXPECT_EQ(result.header("WWW-Authenticate"), "Bearer realm=\"spotify\"");
  // A token that is there but wrong still names the error.
  const auto invalid = api("GET", "/v1/me", "bogus");
  EXPECT_NE(invalid.header("WWW-Authenticate").value_or("").find("error=\"invalid_token\""),
            std::string::npos);
}

TEST_F(FidelityTest, AnUnknownClientGetsAnErrorPageAndNeverARedirect) {
  // The redirect URI is nobody's: following it would hand an attacker the error (and the state).
  const std::string query = plm::http::build_query({{"client_id", "no-such-client"},
                                                    {"response_type", "code"},
                                                    {"redirect_uri", "https://evil.example/cb"},
                                                    {"state", "s"}});
  const auto page = client_->get("/authorize?" + query);
  const auto decision = client_->request("POST", "/authorize/decision",
                                         {{"Content-Type", "application/x-www-form-urlencoded"}},
                                         query + "&user_id=alice&decision=approve");

  for (const auto* result : {&page, &decision}) {
    EXPECT_EQ(result->status, 400);
    EXPECT_FALSE(result->header("Location").has_value());
    EXPECT_TRUE(result->header("Content-Type").value_or("").starts_with("text/html"));
    EXPECT_NE(result->body.find("INVALID_CLIENT: Invalid client"), std::string::npos);
    EXPECT_EQ(result->body.find("evil.example"), std::string::npos);
  }
}

}  // namespace
}  // namespace spotify_emulator::testing
