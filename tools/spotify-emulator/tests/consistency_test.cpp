// Spotify's unkind side around versions, each opt-in through /__emulator/config (or start-up
// flags): snapshot strictness on removals and reorders, reads that lag writes, covers that show up
// late. Over real HTTP, every response checked against the OpenAPI files; the emulator's truth
// through the admin dump. The clock is frozen and moved by the tests: nothing sleeps.

#include "tests/emulator_fixture.hpp"

namespace spotify_emulator::testing {
namespace {

using Ids = SeedIds;

class ConsistencyTest : public EmulatorTest {
 protected:
  void SetUp() override { alice_ = token_for("alice"); }

  void configure(const Json& settings) {
    const auto result = admin("POST", "/__emulator/config", settings);
    ASSERT_EQ(result.status, 200) << result.body;
  }
  void advance(std::int64_t ms) {
    ASSERT_EQ(admin("POST", "/__emulator/clock", Json{{"advance_ms", ms}}).status, 200);
  }
  /// A Web API call by alice, its response checked against the OpenAPI files.
  HttpResult call(const std::string& method, const std::string& path, const Json& body = nullptr) {
    auto result = api(method, path, alice_, body.is_null() ? std::string() : body.dump());
    expect_schema(method, path, result);
    return result;
  }
  static std::string items_path(const std::string& id) { return "/v1/playlists/" + id + "/items"; }

  /// What a read shows: the snapshot (GET /playlists/{id}?fields=snapshot_id).
  std::string read_snapshot(const std::string& id) {
    return json_of(call("GET", "/v1/playlists/" + id + "?fields=snapshot_id"))
        .value("snapshot_id", "");
  }
  /// What a read shows: the item URIs (one page of /items, enough for these playlists).
  std::vector<std::string> read_uris(const std::string& id) {
    std::vector<std::string> uris;
    const Json page = json_of(call("GET", items_path(id) + "?limit=50"));
    for (const auto& item : page["items"]) {
      uris.push_back(item["item"].is_null() ? "" : item["item"].value("uri", ""));
    }
    return uris;
  }
  /// The truth: the admin dump of alice's playlist.
  Json truth(const std::string& id) {
    for (const auto& playlist : json_of(admin("GET", "/__emulator/users/alice/playlists"))) {
      if (playlist["id"] == id) return playlist;
    }
    ADD_FAILURE() << "no playlist " << id << " in the dump";
    return Json::object();
  }
  std::vector<std::string> true_uris(const std::string& id) {
    std::vector<std::string> uris;
    const Json playlist = truth(id);  // kept: a range-for does not extend a member's lifetime
    for (const auto& entry : playlist["entries"]) uris.push_back(entry["uri"]);
    return uris;
  }
  /// alice's /me/playlists entry for `id`.
  Json listed(const std::string& id) {
    const Json page = json_of(call("GET", "/v1/me/playlists?limit=50"));
    for (const auto& playlist : page["items"]) {
      if (playlist["id"] == id) return playlist;
    }
    ADD_FAILURE() << "no playlist " << id << " in /me/playlists";
    return Json::object();
  }
  std::string add(const std::string& id, const std::vector<std::string>& uris,
                  std::optional<int> position = std::nullopt) {
    Json body{{"uris", uris}};
    if (position) body["position"] = *position;
    const auto result = call("POST", items_path(id), body);
    EXPECT_EQ(result.status, 201) << result.body;
    return json_of(result).value("snapshot_id", "");
  }

  std::string alice_;
};

// Main holds tracks 0 1 2 3 4 1.
std::vector<std::string> main_seeded() {
  return {track_uri(0), track_uri(1), track_uri(2), track_uri(3), track_uri(4), track_uri(1)};
}

// ---- snapshot strictness -------------------------------------------------------------------

TEST_F(ConsistencyTest, BySnapshotIdIsAcceptedAndIgnoredByDefault) {
  const Json config = json_of(admin("GET", "/__emulator/config"));
  EXPECT_EQ(config["snapshot_mode"], "ignore");
  EXPECT_EQ(config["stale_read_ms"], 0);
  EXPECT_EQ(config["stale_reads"], 0);
  EXPECT_EQ(config["cover_delay_ms"], 0);

  const auto reordered = call("PUT", items_path(Ids::kAliceMain),
                              Json{{"range_start", 0}, {"insert_before", 2}, {"snapshot_id", "x"}});
  EXPECT_EQ(reordered.status, 200) << reordered.body;
  const auto removed = call(
      "DELETE", items_path(Ids::kAliceMain),
      Json{{"items", {{{"uri", track_uri(3)}}}}, {"snapshot_id", read_snapshot(Ids::kAliceMain)}});
  EXPECT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(true_uris(Ids::kAliceMain),
            (std::vector<std::string>{track_uri(1), track_uri(0), track_uri(2), track_uri(4),
                                      track_uri(1)}));
}

TEST_F(ConsistencyTest, RefusingModesRefuseEverySnapshotIdTheCurrentOneIncluded) {
  struct Mode {
    const char* name;
    int status;
    const char* message;
  };
  for (const Mode mode : {Mode{"bad-version-tag", 400, "Missing or bad version tag"},
                          Mode{"error-loading", 502, "Error while loading resource"},
                          Mode{"invalid-base62", 502, "Invalid base62"}}) {
    SCOPED_TRACE(mode.name);
    configure(Json{{"snapshot_mode", mode.name}});
    const Json before = truth(Ids::kAliceMain);
    const std::string current = read_snapshot(Ids::kAliceMain);
    ASSERT_EQ(current, before["snapshot_id"]);

    const auto removal = call("DELETE", items_path(Ids::kAliceMain),
                              Json{{"items", {{{"uri", track_uri(3)}}}}, {"snapshot_id", current}});
    const auto reorder =
        call("PUT", items_path(Ids::kAliceMain),
             Json{{"range_start", 0}, {"insert_before", 2}, {"snapshot_id", current}});
    const auto stale_reorder =
        call("PUT", items_path(Ids::kAliceMain),
             Json{{"range_start", 0}, {"insert_before", 2}, {"snapshot_id", "bm9wZSwwMDAw"}});

    for (const auto* result : {&removal, &reorder, &stale_reorder}) {
      EXPECT_EQ(result->status, mode.status) << result->body;
      EXPECT_EQ(error_of(*result)["message"], mode.message);
    }
    EXPECT_EQ(truth(Ids::kAliceMain), before);  // nothing was applied
    // The same writes without a snapshot_id go through; so do adds and replaces with one.
    EXPECT_EQ(
        call("PUT", items_path(Ids::kAliceMain), Json{{"range_start", 0}, {"insert_before", 2}})
            .status,
        200);
    EXPECT_EQ(call("POST", items_path(Ids::kAliceMain),
                   Json{{"uris", {track_uri(20)}}, {"snapshot_id", current}})
                  .status,
              201);
  }
}

TEST_F(ConsistencyTest, ApplyToNamedCountsAReordersIndicesOnTheSnapshotItNames) {
  configure(Json{{"snapshot_mode", "apply-to-named"}});
  const std::string seeded = read_snapshot(Ids::kAliceMain);
  const std::string added = add(Ids::kAliceMain, {track_uri(20)}, 0);  // 20 0 1 2 3 4 1

  // On the seeded version, index 0 is track 0 and index 3 track 3: track 0 moves before track 3,
  // wherever they are now. (On the current version the same indices would move track 20.)
  const auto reorder =
      call("PUT", items_path(Ids::kAliceMain),
           Json{{"range_start", 0}, {"insert_before", 3}, {"snapshot_id", seeded}});
  ASSERT_EQ(reorder.status, 200) << reorder.body;
  EXPECT_EQ(true_uris(Ids::kAliceMain),
            (std::vector<std::string>{track_uri(20), track_uri(1), track_uri(2), track_uri(0),
                                      track_uri(3), track_uri(4), track_uri(1)}));
  EXPECT_NE(json_of(reorder)["snapshot_id"], added);

  // Copies of a URI stay apart: the seeded index 5 is the second track 1, and only it moves,
  // before track 0 (the seeded index 0), where that is now.
  ASSERT_EQ(call("PUT", items_path(Ids::kAliceMain),
                 Json{{"range_start", 5}, {"insert_before", 0}, {"snapshot_id", seeded}})
                .status,
            200);
  EXPECT_EQ(true_uris(Ids::kAliceMain),
            (std::vector<std::string>{track_uri(20), track_uri(1), track_uri(2), track_uri(1),
                                      track_uri(0), track_uri(3), track_uri(4)}));

  // The target removed since: the moved items go to the end.
  ASSERT_EQ(call("DELETE", items_path(Ids::kAliceMain),
                 Json{{"items", {{{"uri", track_uri(3)}}}}, {"snapshot_id", seeded}})
                .status,
            200);  // a removal names any snapshot the playlist had: it goes by URI anyway
  ASSERT_EQ(call("PUT", items_path(Ids::kAliceMain),
                 Json{{"range_start", 1}, {"insert_before", 3}, {"snapshot_id", seeded}})
                .status,
            200);  // seeded: the first track 1 before track 3 (gone)
  EXPECT_EQ(true_uris(Ids::kAliceMain),
            (std::vector<std::string>{track_uri(20), track_uri(2), track_uri(1), track_uri(0),
                                      track_uri(4), track_uri(1)}));

  // The current snapshot: an ordinary reorder. Indices out of the named version's range: 400.
  const std::string current = truth(Ids::kAliceMain)["snapshot_id"];
  ASSERT_EQ(call("PUT", items_path(Ids::kAliceMain),
                 Json{{"range_start", 1}, {"insert_before", 0}, {"snapshot_id", current}})
                .status,
            200);
  EXPECT_EQ(true_uris(Ids::kAliceMain).front(), track_uri(2));  // index 1 of the current one
  EXPECT_EQ(call("PUT", items_path(Ids::kAliceMain),
                 Json{{"range_start", 6}, {"insert_before", 0}, {"snapshot_id", seeded}})
                .status,
            400);

  // A snapshot the playlist never had, or of another playlist: "Missing or bad version tag".
  const Json before = truth(Ids::kAliceMain);
  for (const Json& bad : {Json("bm9wZSwwMDAw"), Json(read_snapshot(Ids::kAlicePrivate)), Json(7)}) {
    const auto refused = call("PUT", items_path(Ids::kAliceMain),
                              Json{{"range_start", 0}, {"insert_before", 2}, {"snapshot_id", bad}});
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(error_of(refused)["message"], "Missing or bad version tag");
    EXPECT_EQ(call("DELETE", items_path(Ids::kAliceMain),
                   Json{{"items", {{{"uri", track_uri(4)}}}}, {"snapshot_id", bad}})
                  .status,
              400);
  }
  EXPECT_EQ(truth(Ids::kAliceMain), before);
}

TEST_F(ConsistencyTest, ApplyToNamedKeepsABoundedHistory) {
  configure(Json{{"snapshot_mode", "apply-to-named"}});
  const std::string seeded = read_snapshot(Ids::kAliceMain);
  for (int i = 0; i < 31; ++i) add(Ids::kAlicePrivate, {track_uri(20)});  // another playlist
  for (int i = 0; i < 31; ++i) add(Ids::kAliceMain, {track_uri(20)});
  // The seeded version and the 31 after it are the 32 kept: the seeded one is still named.
  EXPECT_EQ(call("PUT", items_path(Ids::kAliceMain),
                 Json{{"range_start", 0}, {"insert_before", 2}, {"snapshot_id", seeded}})
                .status,
            200);
  // That reorder made a 33rd version: the seeded one fell out.
  EXPECT_EQ(call("PUT", items_path(Ids::kAliceMain),
                 Json{{"range_start", 0}, {"insert_before", 2}, {"snapshot_id", seeded}})
                .status,
            400);
}

// ---- stale reads ---------------------------------------------------------------------------

TEST_F(ConsistencyTest, ReadsShowTheVersionBeforeAWriteUntilTheLagHasPassed) {
  configure(Json{{"stale_read_ms", 1000}});
  const std::string before = read_snapshot(Ids::kAliceMain);
  const std::string after = add(Ids::kAliceMain, {track_uri(20)});
  ASSERT_NE(after, before);

  // Every read of the playlist lags: the snapshot, the items, the full object, the listing.
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), before);
  EXPECT_EQ(read_uris(Ids::kAliceMain), main_seeded());
  const Json full = json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceMain));
  EXPECT_EQ(full["snapshot_id"], before);
  EXPECT_EQ(full["items"]["total"], 6);
  EXPECT_EQ(listed(Ids::kAliceMain)["snapshot_id"], before);
  EXPECT_EQ(listed(Ids::kAliceMain)["items"]["total"], 6);
  // The admin dump shows the truth.
  EXPECT_EQ(truth(Ids::kAliceMain)["snapshot_id"], after);
  EXPECT_EQ(true_uris(Ids::kAliceMain).size(), 7u);

  advance(999);
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), before);
  advance(1);
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), after);
  EXPECT_EQ(read_uris(Ids::kAliceMain).back(), track_uri(20));
  EXPECT_EQ(listed(Ids::kAliceMain)["items"]["total"], 7);
  // Other playlists were never touched.
  EXPECT_EQ(read_uris(Ids::kAlicePrivate).size(), 3u);
}

TEST_F(ConsistencyTest, ReadsShowTheVersionBeforeAWriteForANumberOfReads) {
  configure(Json{{"stale_reads", 2}});
  const std::string before = read_snapshot(Ids::kAliceMain);
  const std::string after = add(Ids::kAliceMain, {track_uri(20)});

  EXPECT_EQ(read_snapshot(Ids::kAliceMain), before);  // 1st read since the write
  EXPECT_EQ(read_uris(Ids::kAliceMain).size(), 6u);   // 2nd
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), after);   // 3rd: caught up
  EXPECT_EQ(read_uris(Ids::kAliceMain).size(), 7u);   // and stays so
  advance(3'000'000);                                 // within the token's hour
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), after);
}

TEST_F(ConsistencyTest, WithBothSettingsWhicheverComesFirst) {
  configure(Json{{"stale_read_ms", 1000}, {"stale_reads", 3}});
  const std::string first = add(Ids::kAliceMain, {track_uri(20)});
  for (int read = 0; read < 3; ++read) EXPECT_NE(read_snapshot(Ids::kAliceMain), first);
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), first);  // three reads answered, before 1000 ms

  const std::string second = add(Ids::kAliceMain, {track_uri(21)});
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), first);
  advance(1000);
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), second);  // 1000 ms, after one read
}

TEST_F(ConsistencyTest, AfterSeveralWritesReadsShowTheLastSettledVersion) {
  configure(Json{{"stale_read_ms", 1000}});
  const std::string seeded = read_snapshot(Ids::kAliceMain);
  const std::string first = add(Ids::kAliceMain, {track_uri(20)});
  advance(600);
  const std::string second = add(Ids::kAliceMain, {track_uri(21)});
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), seeded);
  advance(400);  // the first write is 1000 ms old, the second 400 ms
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), first);
  EXPECT_EQ(read_uris(Ids::kAliceMain).size(), 7u);
  advance(600);
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), second);
  EXPECT_EQ(read_uris(Ids::kAliceMain).size(), 8u);
}

TEST_F(ConsistencyTest, WritesActOnTheTrueCurrentPlaylist) {
  configure(Json{{"stale_read_ms", 1000}});
  add(Ids::kAliceMain, {track_uri(20)});  // the truth has 7 items, reads show 6
  ASSERT_EQ(read_uris(Ids::kAliceMain).size(), 6u);
  // Index 6 exists only in the truth; the reorder is checked and applied there.
  const auto moved =
      call("PUT", items_path(Ids::kAliceMain), Json{{"range_start", 6}, {"insert_before", 0}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(true_uris(Ids::kAliceMain).front(), track_uri(20));
  // A removal of what reads do not show yet removes it.
  ASSERT_EQ(call("DELETE", items_path(Ids::kAliceMain), Json{{"items", {{{"uri", track_uri(20)}}}}})
                .status,
            200);
  EXPECT_EQ(true_uris(Ids::kAliceMain), main_seeded());
  // Details too: the rename is there at once for writes, later for reads.
  ASSERT_EQ(call("PUT", std::string("/v1/playlists/") + Ids::kAliceMain, Json{{"name", "Renamed"}})
                .status,
            200);
  EXPECT_EQ(truth(Ids::kAliceMain)["name"], "Renamed");
  EXPECT_NE(json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceMain))["name"],
            "Renamed");
  advance(1000);
  EXPECT_EQ(json_of(call("GET", std::string("/v1/playlists/") + Ids::kAliceMain))["name"],
            "Renamed");
}

TEST_F(ConsistencyTest, TheLegacyTracksEndpointLagsToo) {
  configure(Json{{"stale_reads", 1}});
  add(Ids::kAliceMain, {track_uri(20)});
  set_mode("extended");
  const std::string tracks = std::string("/v1/playlists/") + Ids::kAliceMain + "/tracks";
  EXPECT_EQ(json_of(call("GET", tracks))["total"], 6);
  EXPECT_EQ(json_of(call("GET", tracks))["total"], 7);
}

TEST_F(ConsistencyTest, TurningStaleReadsOffShowsTheTruthAtOnce) {
  configure(Json{{"stale_read_ms", 1000}});
  const std::string after = add(Ids::kAliceMain, {track_uri(20)});
  configure(Json{{"stale_read_ms", 0}});
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), after);
}

// ---- covers --------------------------------------------------------------------------------

TEST_F(ConsistencyTest, AnUploadedCoverShowsAfterTheDelay) {
  configure(Json{{"cover_delay_ms", 5000}});
  const std::string path = std::string("/v1/playlists/") + Ids::kAliceMain + "/images";
  const std::string playlist = std::string("/v1/playlists/") + Ids::kAliceMain;
  const Json generated = json_of(call("GET", path));
  const auto upload = [&](const std::string& jpeg) {
    const auto result = api("PUT", path, alice_, plm::http::base64_encode(jpeg), "image/jpeg");
    EXPECT_EQ(result.status, 202);
  };
  const std::string first = std::string("\xFF\xD8\xFF\xE0", 4) + "first";
  const std::string second = std::string("\xFF\xD8\xFF\xE0", 4) + "second";

  const auto is_custom = [](const Json& images) {
    return images.size() == 1 &&
           images[0]["url"].get<std::string>().find("/image/cover-") != std::string::npos;
  };
  ASSERT_FALSE(is_custom(generated));

  upload(first);
  EXPECT_FALSE(is_custom(json_of(call("GET", path))));  // still the generated one
  EXPECT_FALSE(is_custom(json_of(call("GET", playlist))["images"]));
  EXPECT_TRUE(truth(Ids::kAliceMain)["has_custom_cover"].get<bool>());  // the truth has it
  advance(5000);
  const Json shown = json_of(call("GET", path));
  ASSERT_TRUE(is_custom(shown));
  EXPECT_EQ(client_->get(shown[0]["url"].get<std::string>()).body, first);
  EXPECT_EQ(json_of(call("GET", playlist))["images"], shown);

  upload(second);
  advance(4999);
  EXPECT_EQ(json_of(call("GET", path)), shown);  // still the first: its URL serves it
  EXPECT_EQ(client_->get(shown[0]["url"].get<std::string>()).body, first);
  advance(1);
  const Json latest = json_of(call("GET", path));
  EXPECT_NE(latest, shown);
  EXPECT_EQ(client_->get(latest[0]["url"].get<std::string>()).body, second);
}

// ---- settings ------------------------------------------------------------------------------

TEST_F(ConsistencyTest, ConfigRefusesUnknownModesAndNegativeValues) {
  const auto mode = admin("POST", "/__emulator/config", Json{{"snapshot_mode", "strict"}});
  EXPECT_EQ(mode.status, 400);
  EXPECT_NE(mode.body.find("bad-version-tag"), std::string::npos) << mode.body;
  for (const char* field : {"stale_read_ms", "stale_reads", "cover_delay_ms"}) {
    EXPECT_EQ(admin("POST", "/__emulator/config", Json{{field, -1}}).status, 400) << field;
  }
  EXPECT_EQ(json_of(admin("GET", "/__emulator/config"))["snapshot_mode"], "ignore");
}

TEST_F(ConsistencyTest, ResetRestoresTheStartUpSettings) {
  configure(Json{{"snapshot_mode", "bad-version-tag"},
                 {"stale_read_ms", 1000},
                 {"stale_reads", 2},
                 {"cover_delay_ms", 5000}});
  ASSERT_EQ(admin("POST", "/__emulator/reset").status, 200);
  alice_ = token_for("alice");
  const Json config = json_of(admin("GET", "/__emulator/config"));
  EXPECT_EQ(config["snapshot_mode"], "ignore");
  EXPECT_EQ(config["stale_read_ms"], 0);
  EXPECT_EQ(config["stale_reads"], 0);
  EXPECT_EQ(config["cover_delay_ms"], 0);
  const std::string after = add(Ids::kAliceMain, {track_uri(20)});
  EXPECT_EQ(read_snapshot(Ids::kAliceMain), after);
}

TEST(ConsistencyStartUp, StartUpSettingsAreTheOnesResetRestores) {
  Clock clock{kStartMs, /*frozen=*/true};
  EmulatorOptions options;
  options.snapshot_mode = SnapshotMode::ErrorLoading;
  options.consistency.stale_reads = 1;
  testkit::RunningEmulator running(test_seed(), options, clock);
  plm::test_support::HttpClient client(running.base_url());
  const auto reset = client.request("POST", "/__emulator/reset", {}, "");
  ASSERT_EQ(reset.status, 200);
  const Json config = Json::parse(client.request("GET", "/__emulator/config", {}, "").body);
  EXPECT_EQ(config["snapshot_mode"], "error-loading");
  EXPECT_EQ(config["stale_reads"], 1);
}

}  // namespace
}  // namespace spotify_emulator::testing
