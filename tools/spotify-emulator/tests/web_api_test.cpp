// The Web API over real HTTP: every endpoint a playlist manager needs, its limits and error bodies,
// in dev2026 and extended modes. Every response is checked against the OpenAPI schema.

#include <set>

#include "tests/emulator_fixture.hpp"

namespace spotify_emulator::testing {
namespace {

using Ids = SeedIds;

class WebApiTest : public EmulatorTest {
 protected:
  void SetUp() override { alice_ = token_for("alice"); }

  /// A call by alice whose response must match the schema.
  HttpResult call(const std::string& method, const std::string& path,
                  const std::string& body = {}) {
    auto result = api(method, path, alice_, body);
    expect_schema(method, path, result);
    return result;
  }
  std::vector<std::string> uris_of(const std::string& playlist_id) {
    const auto dump = json_of(admin("GET", "/__emulator/users/alice/playlists"));
    for (const auto& playlist : dump) {
      if (playlist["id"] == playlist_id) {
        std::vector<std::string> uris;
        for (const auto& entry : playlist["entries"]) uris.push_back(entry["uri"]);
        return uris;
      }
    }
    ADD_FAILURE() << "playlist " << playlist_id << " not in alice's dump";
    return {};
  }
  std::string snapshot_of(const std::string& playlist_id) {
    return json_of(
        call("GET", "/v1/playlists/" + playlist_id + "?fields=snapshot_id"))["snapshot_id"];
  }
  static Json uris_body(std::initializer_list<std::size_t> tracks) {
    Json uris = Json::array();
    for (const auto track : tracks) uris.push_back(track_uri(track));
    return Json{{"uris", uris}};
  }
  static Json many_uris(std::size_t count) {
    Json uris = Json::array();
    for (std::size_t i = 0; i < count; ++i) uris.push_back(track_uri(500 + i));
    return Json{{"uris", uris}};
  }

  std::string alice_;
};

// ---- authentication ----------------------------------------------------------------------------

TEST_F(WebApiTest, MissingMalformedAndUnknownTokensAreRefused) {
  const auto missing = client_->get("/v1/me");
  const auto basic = client_->get("/v1/me", {{"Authorization", "Basic abc"}});
  const auto unknown = api("GET", "/v1/me", "not-a-token");

  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(error_of(missing), Json::parse(R"({"status":401,"message":"No token provided"})"));
  EXPECT_EQ(basic.status, 400);
  EXPECT_EQ(error_of(basic)["message"], "Only valid bearer authentication supported");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(error_of(unknown)["message"], "Invalid access token");
}

// ---- /me ---------------------------------------------------------------------------------------

TEST_F(WebApiTest, MeHasTheDevelopmentModeFieldsOnly) {
  const Json me = json_of(call("GET", "/v1/me"));

  EXPECT_EQ(me["id"], "alice");
  EXPECT_EQ(me["display_name"], "Alice Producer");
  EXPECT_EQ(me["uri"], "spotify:user:alice");
  EXPECT_EQ(me["account_id"].get<std::string>().size(), 22u);
  for (const char* removed : {"email", "country", "product", "followers", "explicit_content"}) {
    EXPECT_FALSE(me.contains(removed)) << removed;
  }
}

TEST_F(WebApiTest, ExtendedModeMeKeepsTheLegacyFields) {
  set_mode("extended");
  const Json me = json_of(call("GET", "/v1/me"));
  EXPECT_EQ(me["product"], "premium");
  EXPECT_TRUE(me.contains("country"));
}

// ---- /me/playlists -----------------------------------------------------------------------------

TEST_F(WebApiTest, MyPlaylistsListsOwnedAndFollowedWithAbsolutePagingLinks) {
  const Json page = json_of(call("GET", "/v1/me/playlists?limit=2&offset=2"));

  EXPECT_EQ(page["total"], 6);  // 4 owned + a followed collaborative + a followed public
  EXPECT_EQ(page["limit"], 2);
  EXPECT_EQ(page["offset"], 2);
  EXPECT_EQ(page["items"].size(), 2u);
  EXPECT_EQ(page["href"], base_url() + "/v1/me/playlists?offset=2&limit=2");
  EXPECT_EQ(page["next"], base_url() + "/v1/me/playlists?offset=4&limit=2");
  EXPECT_EQ(page["previous"], base_url() + "/v1/me/playlists?offset=0&limit=2");
  const Json first = json_of(call("GET", "/v1/me/playlists"));
  EXPECT_EQ(first["limit"], 20);
  EXPECT_TRUE(first["next"].is_null());
  EXPECT_TRUE(first["previous"].is_null());
  EXPECT_EQ(first["items"][0]["items"]["total"], 6);  // dev2026: `items` reference, not `tracks`
  EXPECT_FALSE(first["items"][0].contains("tracks"));
}

TEST_F(WebApiTest, FollowingNextLinksVisitsEveryPlaylistOnce) {
  std::set<std::string> seen;
  std::string next = "/v1/me/playlists?limit=1";
  int pages = 0;
  while (!next.empty() && pages < 20) {
    const Json page = json_of(call("GET", next));
    for (const auto& item : page["items"]) seen.insert(item["id"]);
    next = page["next"].is_null() ? "" : page["next"].get<std::string>();
    ++pages;
  }
  EXPECT_EQ(pages, 6);
  EXPECT_EQ(seen.size(), 6u);
}

TEST_F(WebApiTest, MyPlaylistsNeedsReadScopesForPrivateAndCollaborative) {
  const std::string public_only = token_for("alice", "user-read-private");
  const Json page = json_of(api("GET", "/v1/me/playlists", public_only));
  EXPECT_EQ(page["total"], 4);  // without the private and the collaborative one
}

TEST_F(WebApiTest, MyPlaylistsRejectsLimitsLikeSpotify) {
  for (const char* query : {"limit=51", "limit=0", "limit=abc", "offset=-1", "offset=100001"}) {
    const auto result = call("GET", std::string("/v1/me/playlists?") + query);
    EXPECT_EQ(result.status, 400) << query;
    const std::string expected =
        std::string(query).starts_with("limit") ? "Invalid limit" : "Invalid offset";
    EXPECT_EQ(error_of(result), Json({{"status", 400}, {"message", expected}})) << query;
  }
}

TEST_F(WebApiTest, CreatePlaylistPutsItFirstAndChecksTheBody) {
  const auto created = call("POST", "/v1/me/playlists",
                            R"({"name":"New & Shiny","public":false,"description":"Made by plm"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const Json playlist = json_of(created);
  EXPECT_EQ(playlist["name"], "New & Shiny");
  EXPECT_EQ(playlist["public"], false);
  EXPECT_EQ(playlist["items"]["total"], 0);
  EXPECT_EQ(playlist["owner"]["id"], "alice");
  EXPECT_EQ(json_of(call("GET", "/v1/me/playlists?limit=1"))["items"][0]["id"], playlist["id"]);

  EXPECT_EQ(error_of(call("POST", "/v1/me/playlists", R"({"public":true})"))["message"],
            "Missing required field: name");
  EXPECT_EQ(call("POST", "/v1/me/playlists", R"({"name":"x","collaborative":true})").status, 400);
  EXPECT_EQ(error_of(call("POST", "/v1/me/playlists", "{not json"))["message"],
            "Error parsing JSON.");
  EXPECT_EQ(call("POST", "/v1/me/playlists", R"({"name":42})").status, 400);
  const std::string read_only = token_for("alice", "playlist-read-private");
  EXPECT_EQ(error_of(api("POST", "/v1/me/playlists", read_only, R"({"name":"x"})"))["message"],
            "Insufficient client scope");
}

// ---- /playlists/{id} ---------------------------------------------------------------------------

TEST_F(WebApiTest, GetPlaylistReturnsTheFullObjectWithTheFirstPageOfItems) {
  const Json playlist = json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceMain));

  EXPECT_EQ(playlist["name"], "Alice's Main / Mix");
  EXPECT_EQ(playlist["description"],
            "Fresh &amp; new &lt;b&gt;picks&lt;&#x2F;b&gt;");  // HTML-escaped
  EXPECT_EQ(playlist["items"]["total"], 6);
  EXPECT_EQ(playlist["items"]["items"].size(), 6u);
  EXPECT_EQ(playlist["items"]["items"][0]["item"]["uri"], track_uri(0));
  EXPECT_EQ(playlist["followers"]["total"], 0);
  EXPECT_FALSE(playlist["snapshot_id"].get<std::string>().empty());
}

TEST_F(WebApiTest, FieldsFilterTrimsTheResponse) {
  const Json playlist =
      json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceMain +
                              "?fields=name,items(total,items(added_at,item(uri)))"));
  EXPECT_EQ(playlist.size(), 2u);
  EXPECT_EQ(playlist["items"]["total"], 6);
  EXPECT_EQ(playlist["items"]["items"][0],
            Json({{"added_at", "2025-01-01T10:00:00Z"}, {"item", {{"uri", track_uri(0)}}}}));
  EXPECT_EQ(call("GET", std::string("/v1/playlists/") + Ids::kAliceMain + "?fields=items(").status,
            400);
}

TEST_F(WebApiTest, OthersPlaylistsShowMetadataOnlyAndPrivateOnesAreHidden) {
  const Json followed = json_of(call("GET", std::string("/v1/playlists/") + Ids::kBobPublic));
  const auto hidden = call("GET", std::string("/v1/playlists/") + Ids::kBobPrivate);
  const auto items = call("GET", std::string("/v1/playlists/") + Ids::kBobPublic + "/items");
  const auto collab_items = call("GET", std::string("/v1/playlists/") + Ids::kBobCollab + "/items");

  EXPECT_EQ(followed["name"], "Bob Public");
  EXPECT_FALSE(followed.contains("items"));  // dev2026: no contents of playlists you don't own
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(items.status, 403);
  EXPECT_EQ(error_of(items), Json::parse(R"({"status":403,"message":"Forbidden"})"));
  EXPECT_EQ(collab_items.status, 200);  // collaborators may read
}

TEST_F(WebApiTest, BadAndUnknownPlaylistIdsAnswer400And404) {
  EXPECT_EQ(error_of(call("GET", "/v1/playlists/short"))["message"], "Invalid base62 id");
  EXPECT_EQ(call("GET", "/v1/playlists/0000000000000000000000").status, 404);
  EXPECT_EQ(call("GET", "/v1/playlists/0000000000000000000000/items").status, 404);
}

TEST_F(WebApiTest, EmbeddedFirstPageLinksToPagesTheItemsEndpointServes) {
  const Json playlist = json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceBig));
  ASSERT_EQ(playlist["items"]["items"].size(), 50u);  // dev2026: the /items maximum
  EXPECT_EQ(playlist["items"]["limit"], 50);

  const auto next = call("GET", playlist["items"]["next"].get<std::string>());

  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(json_of(next)["offset"], 50);
  EXPECT_EQ(json_of(next)["items"][0]["item"]["uri"], track_uri(150));
  // Extended mode embeds 100, linked to the legacy /tracks (which serves 100 a page).
  set_mode("extended");
  const Json legacy = json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceBig));
  EXPECT_EQ(legacy["tracks"]["items"].size(), 100u);
  const auto legacy_next = call("GET", legacy["tracks"]["next"].get<std::string>());
  ASSERT_EQ(legacy_next.status, 200) << legacy_next.body;
  EXPECT_EQ(json_of(legacy_next)["items"].size(), 20u);
}

TEST_F(WebApiTest, ReadingPrivateOrCollaborativeContentsNeedsTheReadScope) {
  const std::string no_private = token_for(
      "alice", "playlist-read-collaborative playlist-modify-public playlist-modify-private");
  const std::string no_collab =
      token_for("alice", "playlist-read-private playlist-modify-public playlist-modify-private");
  const std::string private_path = std::string("/v1/playlists/") + Ids::kAlicePrivate;
  const std::string collab_path = std::string("/v1/playlists/") + Ids::kBobCollab;

  const auto private_items = api("GET", private_path + "/items", no_private);
  const auto collab_items = api("GET", collab_path + "/items", no_collab);
  const Json private_playlist = json_of(api("GET", private_path, no_private));
  const Json collab_playlist = json_of(api("GET", collab_path, no_collab));

  EXPECT_EQ(private_items.status, 403);
  EXPECT_EQ(error_of(private_items)["message"], "Insufficient client scope");
  EXPECT_EQ(collab_items.status, 403);
  EXPECT_EQ(error_of(collab_items)["message"], "Insufficient client scope");
  EXPECT_EQ(private_playlist["name"], "Alice Private");  // metadata, but no contents
  EXPECT_FALSE(private_playlist.contains("items"));
  EXPECT_FALSE(collab_playlist.contains("items"));
  // With the matching scope they are readable; public playlists need none.
  EXPECT_EQ(api("GET", private_path + "/items", no_collab).status, 200);
  EXPECT_EQ(api("GET", collab_path + "/items", no_private).status, 200);
  EXPECT_EQ(api("GET", std::string("/v1/playlists/") + Ids::kAliceMain + "/items",
                token_for("alice", "user-read-private"))
                .status,
            200);
}

// ---- items -------------------------------------------------------------------------------------

TEST_F(WebApiTest, ItemsArePagedWithAtMost50AndNextLinksReachTheEnd) {
  std::string next = std::string("/v1/playlists/") + Ids::kAliceBig + "/items?limit=50";
  std::vector<std::string> uris;
  int pages = 0;
  while (!next.empty()) {
    const Json page = json_of(call("GET", next));
    for (const auto& entry : page["items"]) uris.push_back(entry["item"]["uri"]);
    next = page["next"].is_null() ? "" : page["next"].get<std::string>();
    ++pages;
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(uris.size(), 120u);
  EXPECT_EQ(uris[0], track_uri(100));
  EXPECT_EQ(uris[119], track_uri(219));
  EXPECT_EQ(
      json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceBig + "/items"))["limit"], 20);
  EXPECT_EQ(error_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceBig +
                                     "/items?limit=51"))["message"],
            "Invalid limit");
}

TEST_F(WebApiTest, LocalFilesAndUnavailableTracksKeepTheirSlots) {
  const Json page = json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceOdd + "/items"));

  ASSERT_EQ(page["total"], 3);
  EXPECT_EQ(page["items"][1]["is_local"], true);
  EXPECT_EQ(page["items"][1]["item"]["uri"],
            "spotify:local:Local+Artist:Local+Album:Local+Title:200");
  EXPECT_TRUE(page["items"][1]["item"]["id"].is_null());
  EXPECT_EQ(page["items"][1]["item"]["name"], "Local Title");
  EXPECT_TRUE(page["items"][2]["item"].is_null());
  EXPECT_EQ(page["items"][2]["added_by"]["id"], "");
}

TEST_F(WebApiTest, AddingAppendsOrInsertsAndChangesTheSnapshot) {
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceMain + "/items";
  const std::string before = snapshot_of(Ids::kAliceMain);

  const auto appended = call("POST", path, uris_body({20, 21}).dump());
  const auto inserted = call("POST", path, Json{{"uris", {track_uri(22)}}, {"position", 0}}.dump());
  const auto from_query = call("POST", path + "?position=1&uris=" + track_uri(23));

  EXPECT_EQ(appended.status, 201);
  EXPECT_NE(json_of(appended)["snapshot_id"], before);
  EXPECT_NE(json_of(inserted)["snapshot_id"], json_of(appended)["snapshot_id"]);
  EXPECT_EQ(from_query.status, 201);
  EXPECT_EQ(uris_of(Ids::kAliceMain),
            (std::vector<std::string>{track_uri(22), track_uri(23), track_uri(0), track_uri(1),
                                      track_uri(2), track_uri(3), track_uri(4), track_uri(1),
                                      track_uri(20), track_uri(21)}));
}

TEST_F(WebApiTest, AddingValidatesUrisCountsAndPositions) {
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceMain + "/items";
  EXPECT_EQ(error_of(call("POST", path, many_uris(101).dump()))["message"],
            "You can add a maximum of 100 tracks per request.");
  EXPECT_EQ(call("POST", path, many_uris(100).dump()).status, 201);
  EXPECT_EQ(error_of(call("POST", path, R"({"uris":["spotify:track:5"]})"))["message"],
            "JSON body contains an invalid track uri: spotify:track:5");
  EXPECT_EQ(error_of(call("POST", path,
                          R"({"uris":["spotify:track:0000000000000000000000"]})"))["message"],
            "Payload contains a non-existing ID");
  EXPECT_EQ(call("POST", path, R"({"uris":["spotify:local:a:b:c:1"]})").status,
            400);  // local files cannot be added
  EXPECT_EQ(error_of(call("POST", path, R"({})"))["message"], "No uris provided");
  EXPECT_EQ(error_of(call("POST", path,
                          uris_body({1}).dump().replace(0, 1, "{\"position\":999,")))["message"],
            "Index out of bounds");
  EXPECT_EQ(call("POST", path, R"({"uris":"spotify:track:x"})").status, 400);
  EXPECT_EQ(call("POST", path, "[1,2]").status, 400);
  EXPECT_EQ(uris_of(Ids::kAliceMain).size(), 106u);  // only the valid call changed anything
}

TEST_F(WebApiTest, OnlyOwnersAndCollaboratorsWithTheRightScopeMayWrite) {
  const std::string collab = std::string("/v1/playlists/") + Ids::kBobCollab + "/items";
  const std::string not_mine = std::string("/v1/playlists/") + Ids::kBobPublic + "/items";
  const std::string public_scope_only = token_for("alice", "playlist-modify-public");

  EXPECT_EQ(call("POST", collab, uris_body({30}).dump()).status, 201);
  EXPECT_EQ(error_of(call("POST", not_mine, uris_body({30}).dump())),
            Json::parse(R"({"status":403,"message":"Forbidden"})"));
  EXPECT_EQ(error_of(api("POST", std::string("/v1/playlists/") + Ids::kAlicePrivate + "/items",
                         public_scope_only, uris_body({30}).dump()))["message"],
            "Insufficient client scope");
}

TEST_F(WebApiTest, PlaylistSizeIsCapped) {
  ASSERT_EQ(admin("POST", "/__emulator/config", Json{{"max_playlist_items", 8}}).status, 200);
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceMain + "/items";
  EXPECT_EQ(call("POST", path, uris_body({40, 41}).dump()).status, 201);
  EXPECT_EQ(call("POST", path, uris_body({42}).dump()).status, 403);
}

TEST_F(WebApiTest, ReorderFollowsSpotifysDocumentedExamples) {
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceMain + "/items";
  const auto u = [](std::size_t n) { return track_uri(n); };

  // Move the first item to the end: range_start 0, insert_before = length.
  ASSERT_EQ(call("PUT", path, R"({"range_start":0,"insert_before":6})").status, 200);
  EXPECT_EQ(uris_of(Ids::kAliceMain),
            (std::vector<std::string>{u(1), u(2), u(3), u(4), u(1), u(0)}));
  // Move the last item to the start.
  ASSERT_EQ(call("PUT", path, R"({"range_start":5,"insert_before":0})").status, 200);
  EXPECT_EQ(uris_of(Ids::kAliceMain),
            (std::vector<std::string>{u(0), u(1), u(2), u(3), u(4), u(1)}));
  // Move two items (indices 1-2) before index 5.
  const auto moved = call("PUT", path, R"({"range_start":1,"range_length":2,"insert_before":5})");
  EXPECT_EQ(uris_of(Ids::kAliceMain),
            (std::vector<std::string>{u(0), u(3), u(4), u(1), u(2), u(1)}));
  EXPECT_NE(json_of(moved)["snapshot_id"].get<std::string>(), "");
  // A target inside the range changes nothing.
  ASSERT_EQ(call("PUT", path, R"({"range_start":1,"range_length":2,"insert_before":2})").status,
            200);
  EXPECT_EQ(uris_of(Ids::kAliceMain),
            (std::vector<std::string>{u(0), u(3), u(4), u(1), u(2), u(1)}));

  for (const char* bad :
       {R"({"range_start":6,"insert_before":0})", R"({"range_start":0,"insert_before":7})",
        R"({"range_start":5,"range_length":2,"insert_before":0})",
        R"({"range_start":"0","insert_before":1})"}) {
    EXPECT_EQ(call("PUT", path, bad).status, 400) << bad;
  }
}

TEST_F(WebApiTest, ReplaceOverwritesEverythingWithAtMost100) {
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceOdd + "/items";
  ASSERT_EQ(call("PUT", path, uris_body({50, 51}).dump()).status, 200);
  EXPECT_EQ(uris_of(Ids::kAliceOdd),
            (std::vector<std::string>{track_uri(50), track_uri(51)}));  // local file gone
  EXPECT_EQ(call("PUT", path, many_uris(101).dump()).status, 400);
  ASSERT_EQ(call("PUT", path, R"({"uris":[]})").status, 200);
  EXPECT_TRUE(uris_of(Ids::kAliceOdd).empty());
}

TEST_F(WebApiTest, RemovingDeletesEveryOccurrenceAndIgnoresPositions) {
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceMain + "/items";
  const Json body{{"items", {{{"uri", track_uri(1)}, {"positions", {1}}}}}};

  const auto removed = call("DELETE", path, body.dump());

  EXPECT_EQ(removed.status, 200);
  EXPECT_EQ(uris_of(Ids::kAliceMain),
            (std::vector<std::string>{track_uri(0), track_uri(2), track_uri(3), track_uri(4)}));
  EXPECT_EQ(
      error_of(call("DELETE", path,
                    R"({"tracks":[{"uri":"spotify:track:0000000000000000000000"}]})"))["message"],
      "No uris provided");  // the February 2026 rename: `items`, not `tracks`
  EXPECT_EQ(call("DELETE", std::string("/v1/playlists/") + Ids::kAliceOdd + "/items",
                 R"({"items":[{"uri":"spotify:local:Local+Artist:Local+Album:Local+Title:200"}]})")
                .status,
            400);  // local files cannot be removed by URI
  Json too_many = Json::array();
  for (int i = 0; i < 101; ++i) too_many.push_back({{"uri", track_uri(1)}});
  EXPECT_EQ(call("DELETE", path, Json{{"items", too_many}}.dump()).status, 400);
}

// ---- details and cover -------------------------------------------------------------------------

TEST_F(WebApiTest, ChangeDetailsUpdatesAndValidates) {
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceMain;
  const std::string before = snapshot_of(Ids::kAliceMain);

  const auto changed =
      call("PUT", path, R"({"name":"Renamed","description":"It's 90's/00's","public":false})");

  EXPECT_EQ(changed.status, 200);
  EXPECT_TRUE(changed.body.empty());
  const Json playlist = json_of(call("GET", path));
  EXPECT_EQ(playlist["name"], "Renamed");
  EXPECT_EQ(playlist["description"], "It&#x27;s 90&#x27;s&#x2F;00&#x27;s");
  EXPECT_EQ(playlist["public"], false);
  EXPECT_NE(playlist["snapshot_id"], before);  // metadata changes move the snapshot too
  EXPECT_EQ(error_of(call("PUT", path, R"({"description":""})"))["message"],
            "Attribute description is empty");
  EXPECT_EQ(call("PUT", path, Json{{"description", std::string(301, 'a')}}.dump()).status, 400);
  EXPECT_EQ(call("PUT", path, R"({"description":"two\nlines"})").status, 400);
  EXPECT_EQ(call("PUT", path, R"({"public":true,"collaborative":true})").status, 400);
  EXPECT_EQ(
      call("PUT", std::string("/v1/playlists/") + Ids::kBobCollab, R"({"name":"mine now"})").status,
      403);
}

TEST_F(WebApiTest, NameAndDescriptionLimitsCountCharactersNotBytes) {
  std::string accented;  // 160 characters, 320 bytes
  for (int i = 0; i < 160; ++i) accented += "\xC3\xA9";
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceMain;

  const auto changed =
      call("PUT", path, Json{{"name", accented}, {"description", accented}}.dump());
  const auto created =
      call("POST", "/v1/me/playlists", Json{{"name", accented}, {"description", accented}}.dump());

  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json_of(call("GET", path))["name"], accented);
  std::string too_long;  // 301 characters
  for (int i = 0; i < 301; ++i) too_long += "\xC3\xA9";
  EXPECT_EQ(error_of(call("PUT", path, Json{{"description", too_long}}.dump()))["message"],
            "Description is too long");
  EXPECT_EQ(error_of(call("PUT", path, Json{{"name", too_long.substr(0, 402)}}.dump()))["message"],
            "Playlist name is too long");  // 201 characters
}

TEST_F(WebApiTest, CoverUploadAcceptsBase64JpegUpTo256KB) {
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceMain + "/images";
  const std::string jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(1000, 'x');
  const std::string base64 = plm::http::base64_encode(jpeg);

  const auto uploaded = api("PUT", path, alice_, base64, "image/jpeg");
  const Json images = json_of(call("GET", path));

  EXPECT_EQ(uploaded.status, 202);
  ASSERT_EQ(images.size(), 1u);
  const auto cover = client_->get(images[0]["url"].get<std::string>());
  EXPECT_EQ(cover.status, 200);
  EXPECT_EQ(cover.body, jpeg);
  EXPECT_EQ(api("PUT", path, alice_, std::string(256 * 1024 + 4, 'A'), "image/jpeg").status, 413);
  EXPECT_EQ(api("PUT", path, alice_, "data:image/jpeg;base64," + base64, "image/jpeg").status, 400);
  EXPECT_EQ(api("PUT", path, alice_, base64 + "\n", "image/jpeg").status, 400);
  EXPECT_EQ(api("PUT", path, alice_, plm::http::base64_encode("GIF89a..."), "image/jpeg").status,
            400);
  EXPECT_EQ(
      api("PUT", path, token_for("alice", "playlist-modify-public"), base64, "image/jpeg").status,
      403);
}

TEST_F(WebApiTest, GeneratedCoversAreServedByTheEmulator) {
  const Json images =
      json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceBig + "/images"));
  ASSERT_FALSE(images.empty());
  const auto image = client_->get(images[0]["url"].get<std::string>());
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.header("Content-Type").value_or(""), "image/svg+xml");
}

// ---- library -----------------------------------------------------------------------------------

TEST_F(WebApiTest, UnfollowingAnOwnedPlaylistDeletesItFromTheList) {
  const std::string uri = std::string("spotify:playlist:") + Ids::kAliceBig;
  ASSERT_EQ(call("DELETE", "/v1/me/library?uris=" + uri).status, 200);
  EXPECT_EQ(json_of(call("GET", "/v1/me/playlists"))["total"], 5);
  EXPECT_EQ(json_of(call("GET", "/v1/me/library/contains?uris=" + uri)), Json::parse("[false]"));

  ASSERT_EQ(call("PUT", "/v1/me/library?uris=" + uri).status, 200);
  EXPECT_EQ(json_of(call("GET", "/v1/me/playlists"))["total"], 6);
  std::string too_many = "spotify:track:" + catalog_track(0).id;
  for (int i = 0; i < 40; ++i) too_many += ",spotify:track:" + catalog_track(0).id;
  EXPECT_EQ(call("PUT", "/v1/me/library?uris=" + too_many).status, 400);
  EXPECT_EQ(call("PUT", "/v1/me/library?uris=nonsense").status, 400);
}

// ---- search and tracks -------------------------------------------------------------------------

TEST_F(WebApiTest, SearchFindsTracksWithFiltersAndCapsTheLimitInDevelopmentMode) {
  const Track& track = catalog_track(42);
  const std::string q = plm::http::percent_encode("track:\"" + track.name + "\" artist:\"" +
                                                  track.artists[0].name + "\"");

  const Json result = json_of(call("GET", "/v1/search?type=track&limit=10&q=" + q));

  ASSERT_FALSE(result["tracks"]["items"].empty());
  bool found = false;
  for (const auto& item : result["tracks"]["items"]) found = found || item["id"] == track.id;
  EXPECT_TRUE(found);
  EXPECT_NE(result["tracks"]["href"].get<std::string>().find("query="), std::string::npos);
  EXPECT_EQ(json_of(call("GET", "/v1/search?type=track&q=love"))["tracks"]["limit"], 5);
  EXPECT_EQ(error_of(call("GET", "/v1/search?type=track&q=love&limit=11"))["message"],
            "Invalid limit");
  EXPECT_EQ(error_of(call("GET", "/v1/search?type=track&q=love&offset=1001"))["message"],
            "Invalid offset");
  EXPECT_EQ(error_of(call("GET", "/v1/search?type=track"))["message"], "No search query");
  EXPECT_EQ(error_of(call("GET", "/v1/search?q=love"))["message"], "Missing parameter type");
  EXPECT_EQ(call("GET", "/v1/search?q=love&type=song").status, 400);
}

TEST_F(WebApiTest, SearchNextLinksWork) {
  const Json first = json_of(call("GET", "/v1/search?type=track&q=love&limit=3"));
  ASSERT_FALSE(first["tracks"]["next"].is_null());
  const Json second = json_of(call("GET", first["tracks"]["next"]));
  EXPECT_EQ(second["tracks"]["offset"], 3);
  EXPECT_NE(second["tracks"]["items"][0]["id"], first["tracks"]["items"][0]["id"]);
}

TEST_F(WebApiTest, SearchNextStopsAtTheOffsetCap) {
  const Json last = json_of(call("GET", "/v1/search?type=track&q=the&offset=995&limit=10"));
  ASSERT_GT(last["tracks"]["total"].get<int>(), 1005);  // more results exist beyond the cap
  EXPECT_TRUE(last["tracks"]["next"].is_null());        // offset 1005 would be refused
  const Json before = json_of(call("GET", "/v1/search?type=track&q=the&offset=990&limit=10"));
  ASSERT_FALSE(before["tracks"]["next"].is_null());  // offset 1000 is still allowed
  EXPECT_EQ(call("GET", before["tracks"]["next"].get<std::string>()).status, 200);
}

TEST_F(WebApiTest, SearchReturnsArtistsAndAlbumsToo) {
  const Json result = json_of(call("GET", "/v1/search?type=artist,album&q=love&limit=2"));
  EXPECT_TRUE(result.contains("artists"));
  EXPECT_TRUE(result.contains("albums"));
}

TEST_F(WebApiTest, ExtendedModeAllowsFiftySearchResults) {
  set_mode("extended");
  EXPECT_EQ(call("GET", "/v1/search?type=track&q=love&limit=50").status, 200);
  EXPECT_EQ(json_of(call("GET", "/v1/search?type=track&q=love"))["tracks"]["limit"], 20);
}

TEST_F(WebApiTest, GetTrackAnswersTrackNotFoundOrInvalidId) {
  const Json track = json_of(call("GET", "/v1/tracks/" + catalog_track(3).id));
  EXPECT_EQ(track["name"], catalog_track(3).name);
  EXPECT_FALSE(track.contains("popularity"));  // removed for development mode
  EXPECT_EQ(error_of(call("GET", "/v1/tracks/xyz")),
            Json::parse(R"({"status":400,"message":"invalid id"})"));
  EXPECT_EQ(call("GET", "/v1/tracks/0000000000000000000000").status, 404);
}

// ---- modes and unknown routes ------------------------------------------------------------------

TEST_F(WebApiTest, LegacyEndpointsAnswer403InDevelopmentMode) {
  const std::string id = Ids::kAliceMain;
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/playlists/" + id + "/tracks"},
           {"POST", "/v1/playlists/" + id + "/tracks"},
           {"GET", "/v1/users/alice/playlists"},
           {"POST", "/v1/users/alice/playlists"},
           {"GET", "/v1/users/alice"},
           {"GET", "/v1/tracks?ids=" + catalog_track(0).id},
           {"PUT", "/v1/playlists/" + id + "/followers"}}) {
    const auto result = api(method, path, alice_, method == "GET" ? "" : "{}");
    EXPECT_EQ(result.status, 403) << method << " " << path;
    EXPECT_EQ(error_of(result), Json::parse(R"({"status":403,"message":"Forbidden"})"));
  }
}

TEST_F(WebApiTest, ExtendedModeServesLegacyPathsAndFieldNames) {
  set_mode("extended");
  const std::string id = Ids::kAliceMain;

  const Json page = json_of(call("GET", "/v1/playlists/" + id + "/tracks?limit=100"));
  const Json playlist = json_of(call("GET", "/v1/playlists/" + id));
  const Json list = json_of(call("GET", "/v1/users/alice/playlists"));
  // Unknown ids come back as null entries, which the spec does not model: not schema-checked.
  const Json several = json_of(
      api("GET", "/v1/tracks?ids=" + catalog_track(0).id + ",0000000000000000000000", alice_));
  const auto removed = call("DELETE", "/v1/playlists/" + id + "/tracks",
                            Json{{"tracks", {{{"uri", track_uri(1)}}}}}.dump());

  EXPECT_EQ(page["items"][0]["track"]["uri"], track_uri(0));
  EXPECT_FALSE(page["items"][0].contains("item"));
  EXPECT_EQ(playlist["tracks"]["total"], 6);
  EXPECT_TRUE(playlist["tracks"]["items"][0]["track"].contains("popularity"));
  EXPECT_EQ(list["total"], 6);  // her own id: the same list as /me/playlists
  EXPECT_TRUE(several["tracks"][1].is_null());
  EXPECT_EQ(removed.status, 200);
  EXPECT_EQ(uris_of(Ids::kAliceMain).size(), 4u);
}

TEST_F(WebApiTest, UnknownPathsAndMethodsAnswer404And405) {
  EXPECT_EQ(error_of(api("GET", "/v1/nothing-here", alice_)),
            Json::parse(R"({"status":404,"message":"Service not found"})"));
  EXPECT_EQ(api("PATCH", "/v1/me", alice_).status, 405);
  EXPECT_EQ(client_->get("/").status, 404);
}

TEST_F(WebApiTest, LegacyTrackFieldCanBeSentBesideItem) {
  ASSERT_EQ(admin("POST", "/__emulator/config", Json{{"emit_legacy_track_field", true}}).status,
            200);
  const Json page =
      json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceMain + "/items"));
  EXPECT_EQ(page["items"][0]["item"], page["items"][0]["track"]);
}

TEST_F(WebApiTest, LibraryAcceptsTheSpecsUriTypesWithValidIds) {
  const std::string id = catalog_track(0).id;  // any base-62 id
  for (const std::string kind : {"track", "album", "episode", "show", "audiobook"}) {
    const std::string uri = "spotify:" + kind + ":" + id;
    EXPECT_EQ(call("PUT", "/v1/me/library?uris=" + uri).status, 200) << uri;
    EXPECT_EQ(json_of(call("GET", "/v1/me/library/contains?uris=" + uri)), Json::array({true}));
  }
  EXPECT_EQ(call("PUT", "/v1/me/library?uris=spotify:user:bob").status, 200);
  for (const std::string& bad : std::vector<std::string>{
           "spotify:artist:" + id, "spotify:album:not-base62", "spotify:show:short",
           "spotify:user:", "spotify:genre:" + id, "https://open.spotify.com/track/" + id}) {
    const auto saved = call("PUT", "/v1/me/library?uris=" + plm::http::percent_encode(bad));
    const auto contains =
        call("GET", "/v1/me/library/contains?uris=" + plm::http::percent_encode(bad));
    EXPECT_EQ(saved.status, 400) << bad;
    EXPECT_EQ(contains.status, 400) << bad;
  }
}

}  // namespace
}  // namespace spotify_emulator::testing
