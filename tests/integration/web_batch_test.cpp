// The batch routes over real HTTP with the real wiring (SQLite, the worker in the process, the
// emulator): previews over a tag selector and over ids (nothing sent), a batch run to the end that
// changes the emulator's playlists with per-playlist results, its undo (dry run, then for real),
// where a track is, duplicates, saved selections; ownership (another user's account or job: 404),
// roles (viewers: 403) and bad bodies (400). Every response is validated against api/openapi.yaml
// by the Browser.

#include <gmock/gmock.h>

#include <map>

#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using spotify_emulator::testkit::SeedIds;
using spotify_emulator::testkit::track_uri;

class BatchApiTest : public PlmApiTest {
 protected:
  /// alice signed in as the admin, her account connected and synced, Main, Private and Bob's
  /// public playlist (followed: refused) tagged "mix".
  void start_synced() {
    start();
    alice_ = std::make_unique<Browser>(setup_admin());
    account_ = connect(*alice_);
    ASSERT_EQ(sync(*alice_, account_)["state"], "succeeded");
    for (const char* id : {SeedIds::kAliceMain, SeedIds::kAlicePrivate, SeedIds::kBobPublic}) {
      const auto tagged = alice_->call(
          "PUT", account_path("/playlists/" + std::string(id) + "/tags"), Json{{"tags", {"mix"}}});
      ASSERT_EQ(tagged.status, 200) << tagged.body;
    }
  }

  std::string account_path(const std::string& rest) const {
    return "/api/accounts/" + std::to_string(account_) + rest;
  }

  /// The playlist on the emulator (the truth, whatever plm stored).
  std::vector<std::string> on_spotify(const std::string& playlist) {
    return emulator_uris("alice", playlist);
  }

  std::int64_t emulator_calls() { return emulator_admin("GET", "/__emulator/stats")["total"]; }

  /// Starts a job with `method path body` (202 expected) and waits for its final state.
  Json run(const std::string& path, const Json& body) {
    EventReader events(base_url() + "/api/events", alice_->cookie());
    EXPECT_TRUE(events.wait_connected());
    const auto started = alice_->call("POST", path, body);
    EXPECT_EQ(started.status, 202) << started.body;
    EXPECT_EQ(started.json.value("kind", ""), "batch_edit");
    return wait_for_job(events, started.json.value("id", ""));
  }

  /// The per-playlist outcomes of a job, by playlist id.
  std::map<std::string, std::string> outcomes(const std::string& job_id) {
    const auto details = alice_->get("/api/jobs/" + job_id);
    EXPECT_EQ(details.status, 200) << details.body;
    std::map<std::string, std::string> by_playlist;
    for (const auto& item : details.json["items"]) by_playlist[item["key"]] = item["outcome"];
    return by_playlist;
  }

  std::unique_ptr<Browser> alice_;
  std::int64_t account_ = 0;
};

Json add_at(std::int64_t position, const std::string& uri) {
  return Json{{"kind", "add"}, {"uris", {uri}}, {"at", "position"}, {"position", position}};
}

const Json& entry_of(const Json& preview, const std::string& playlist) {
  for (const auto& entry : preview["entries"]) {
    if (entry["playlist_id"] == playlist) return entry;
  }
  static const Json none;
  ADD_FAILURE() << "no entry for " << playlist << " in " << preview.dump();
  return none;
}

TEST_F(BatchApiTest, APreviewOverATagOrOverIdsShowsEachPlaylistAndSendsNothing) {
  start_synced();
  const std::string added = track_uri(40);
  const auto calls_before = emulator_calls();

  const auto by_tag = alice_->call("POST", account_path("/batch/preview"),
                                   Json{{"selector", "tag:mix"}, {"operation", add_at(1, added)}});
  const auto by_ids =
      alice_->call("POST", account_path("/batch/preview"),
                   Json{{"playlist_ids", {SeedIds::kAlicePrivate, SeedIds::kAliceMain}},
                        {"operation", add_at(1, added)}});
  const auto shuffled =
      alice_->call("POST", account_path("/batch/preview"),
                   Json{{"selector", "owned"}, {"operation", {{"kind", "shuffle"}}}});
  const auto seeded =
      alice_->call("POST", account_path("/batch/preview"),
                   Json{{"selector", "owned"}, {"operation", {{"kind", "shuffle"}, {"seed", 7}}}});

  ASSERT_EQ(by_tag.status, 200) << by_tag.body;
  EXPECT_EQ(by_tag.json["entries"].size(), 3u);
  EXPECT_EQ(by_tag.json["changed"], 2);
  EXPECT_EQ(by_tag.json["refused"], 1);
  EXPECT_GT(by_tag.json["calls"].get<std::int64_t>(), 0);
  EXPECT_GT(by_tag.json["expected_seconds"].get<double>(), 0.0);
  EXPECT_EQ(by_tag.json["rate_budget"], 100'000);  // the fixture's PLM_SPOTIFY_RATE_BUDGET
  EXPECT_TRUE(by_tag.json["seed"].is_null());
  EXPECT_FALSE(by_tag.json["summary"].get<std::string>().empty());
  const Json& main = entry_of(by_tag.json, SeedIds::kAliceMain);
  EXPECT_EQ(main["status"], "change");
  EXPECT_EQ(main["item_count"], 6);
  EXPECT_EQ(main["added_count"], 1);
  EXPECT_EQ(main["added"], (Json::array({{{"uri", added}, {"position", 1}}})));
  EXPECT_EQ(entry_of(by_tag.json, SeedIds::kAlicePrivate)["added"][0]["position"], 1);
  const Json& followed = entry_of(by_tag.json, SeedIds::kBobPublic);
  EXPECT_EQ(followed["status"], "refused");
  EXPECT_FALSE(followed["reason"].get<std::string>().empty());
  EXPECT_EQ(followed["calls"], 0);
  // Ids are taken in the account's list order, whatever order they come in.
  ASSERT_EQ(by_ids.status, 200) << by_ids.body;
  ASSERT_EQ(by_ids.json["entries"].size(), 2u);
  EXPECT_EQ(by_ids.json["entries"][0]["playlist_id"], SeedIds::kAliceMain);
  EXPECT_EQ(by_ids.json["entries"][1]["playlist_id"], SeedIds::kAlicePrivate);
  // A shuffle without a seed gets one picked and shown, so the run can repeat it.
  ASSERT_EQ(shuffled.status, 200) << shuffled.body;
  EXPECT_TRUE(shuffled.json["seed"].is_number_integer());
  EXPECT_EQ(seeded.json["seed"], 7);
  EXPECT_EQ(emulator_calls(), calls_before);
  EXPECT_EQ(on_spotify(SeedIds::kAliceMain).size(), 6u);
}

TEST_F(BatchApiTest, ABatchRunsToTheEndAndItsUndoPutsEveryPlaylistBack) {
  start_synced();
  const std::string added = track_uri(40);
  const auto main_before = on_spotify(SeedIds::kAliceMain);
  const auto private_before = on_spotify(SeedIds::kAlicePrivate);

  const Json finished =
      run(account_path("/batch"),
          Json{{"selector", "tag:mix"}, {"operation", add_at(1, added)}, {"why", "summer"}});

  ASSERT_EQ(finished["state"], "succeeded") << finished.dump();
  const std::string batch_id = finished["id"];
  auto main_after = main_before;
  main_after.insert(main_after.begin() + 1, added);
  auto private_after = private_before;
  private_after.insert(private_after.begin() + 1, added);
  EXPECT_EQ(on_spotify(SeedIds::kAliceMain), main_after);
  EXPECT_EQ(on_spotify(SeedIds::kAlicePrivate), private_after);
  EXPECT_EQ(outcomes(batch_id),
            (std::map<std::string, std::string>{{SeedIds::kAliceMain, "done"},
                                                {SeedIds::kAlicePrivate, "done"},
                                                {SeedIds::kBobPublic, "skipped"}}));
  // Each changed playlist has a version of its own, with the batch's cause.
  const auto history =
      alice_->get(account_path("/playlists/" + std::string(SeedIds::kAliceMain) + "/history"));
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_NE(history.body.find("summer"), std::string::npos) << history.body;
  // The same batch again changes nothing: refused before any job exists.
  const auto again = alice_->call("POST", account_path("/batch"),
                                  Json{{"selector", "tag:mix"}, {"operation", add_at(1, added)}});
  EXPECT_EQ(again.status, 400) << again.body;

  const auto calls_before_dry_run = emulator_calls();
  const auto dry_run =
      alice_->call("POST", "/api/jobs/" + batch_id + "/undo", Json{{"dry_run", true}});
  ASSERT_EQ(dry_run.status, 200) << dry_run.body;
  EXPECT_EQ(dry_run.json["changed"], 2);
  EXPECT_EQ(entry_of(dry_run.json, SeedIds::kAliceMain)["removed"],
            (Json::array({{{"uri", added}, {"position", 1}}})));
  EXPECT_EQ(emulator_calls(), calls_before_dry_run);

  const Json undone = run("/api/jobs/" + batch_id + "/undo", Json{{"why", "too much"}});

  ASSERT_EQ(undone["state"], "succeeded") << undone.dump();
  EXPECT_EQ(on_spotify(SeedIds::kAliceMain), main_before);
  EXPECT_EQ(on_spotify(SeedIds::kAlicePrivate), private_before);
  const auto undo_outcomes = outcomes(undone["id"]);
  EXPECT_EQ(undo_outcomes.at(SeedIds::kAliceMain), "done");
  EXPECT_EQ(undo_outcomes.at(SeedIds::kAlicePrivate), "done");
  // An undo of a job that is no batch is refused.
  const Json sync_job = sync(*alice_, account_);
  const auto not_a_batch = alice_->call(
      "POST", "/api/jobs/" + sync_job["id"].get<std::string>() + "/undo", Json::object());
  EXPECT_EQ(not_a_batch.status, 400) << not_a_batch.body;
}

TEST_F(BatchApiTest, WhereShowsEveryPlaylistWithPositionsAndSinceWhen) {
  start_synced();
  const std::string twice = track_uri(1);  // Main holds it at 1 and 5

  const auto where = alice_->get("/api/where?uri=" + twice);
  const auto in_account =
      alice_->get("/api/where?uri=" + twice + "&account_id=" + std::to_string(account_));
  // In Bob's collaborative playlist, which alice may change. (A playlist she only follows has no
  // stored items in dev2026 mode, so it never shows here.)
  const auto collaborative = alice_->get("/api/where?uri=" + track_uri(10));
  const auto nowhere = alice_->get("/api/where?uri=" + track_uri(300));
  const auto bad = alice_->get("/api/where?uri=not-a-track");
  const auto missing = alice_->get("/api/where");

  ASSERT_EQ(where.status, 200) << where.body;
  EXPECT_EQ(where.json["uri"], twice);
  EXPECT_FALSE(where.json["track"].is_null());
  ASSERT_EQ(where.json["playlists"].size(), 1u);
  const Json& row = where.json["playlists"][0];
  EXPECT_EQ(row["account_id"], account_);
  EXPECT_EQ(row["playlist_id"], SeedIds::kAliceMain);
  EXPECT_EQ(row["positions"], (Json{1, 5}));
  EXPECT_TRUE(row["in_history_since"].is_string()) << row.dump();
  EXPECT_TRUE(row["read_only_reason"].is_null());
  EXPECT_EQ(in_account.json, where.json);
  ASSERT_EQ(collaborative.status, 200) << collaborative.body;
  ASSERT_EQ(collaborative.json["playlists"].size(), 1u) << collaborative.body;
  EXPECT_EQ(collaborative.json["playlists"][0]["playlist_id"], SeedIds::kBobCollab);
  EXPECT_TRUE(collaborative.json["playlists"][0]["read_only_reason"].is_null());
  ASSERT_EQ(nowhere.status, 200) << nowhere.body;
  EXPECT_EQ(nowhere.json["playlists"], Json::array());
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(missing.status, 400) << missing.body;
}

TEST_F(BatchApiTest, DuplicatesListTracksInSeveralPlaylistsAndTwiceInOne) {
  start_synced();
  ASSERT_EQ(run(account_path("/batch"), Json{{"playlist_ids", {SeedIds::kAlicePrivate}},
                                             {"operation", add_at(0, track_uri(0))}})["state"],
            "succeeded");

  const auto report =
      alice_->call("POST", account_path("/duplicates"), Json{{"selector", "owned"}});

  ASSERT_EQ(report.status, 200) << report.body;
  ASSERT_EQ(report.json["across"].size(), 1u) << report.body;
  const Json& across = report.json["across"][0];
  EXPECT_EQ(across["uri"], track_uri(0));
  EXPECT_EQ(across["track"]["uri"], track_uri(0));
  EXPECT_EQ(across["playlists"],
            (Json::array({{{"playlist_id", SeedIds::kAliceMain}, {"copies", 1}},
                          {{"playlist_id", SeedIds::kAlicePrivate}, {"copies", 1}}})));
  ASSERT_EQ(report.json["within"].size(), 1u) << report.body;
  EXPECT_EQ(report.json["within"][0]["playlist_id"], SeedIds::kAliceMain);
  EXPECT_EQ(report.json["within"][0]["uri"], track_uri(1));
  EXPECT_EQ(report.json["within"][0]["positions"], (Json{1, 5}));
  EXPECT_EQ(alice_->call("POST", account_path("/duplicates"), Json::object()).status, 400);
}

TEST_F(BatchApiTest, SelectionsAreSavedListedReplacedAndDeleted) {
  start_synced();

  const auto saved = alice_->call("PUT", "/api/selections/My%20mix",
                                  Json{{"account_id", account_}, {"selector", "tag:mix"}});
  const auto anywhere = alice_->call("PUT", "/api/selections/Owned", Json{{"selector", "owned"}});
  const auto listed = alice_->get("/api/selections");

  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.json["name"], "My mix");
  EXPECT_EQ(saved.json["account_id"], account_);
  EXPECT_EQ(saved.json["selector"], "tag:mix");
  ASSERT_EQ(anywhere.status, 200) << anywhere.body;
  EXPECT_TRUE(anywhere.json["account_id"].is_null());
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json["selections"].size(), 2u);
  EXPECT_EQ(listed.json["selections"][0]["name"], "My mix");
  EXPECT_EQ(listed.json["selections"][1]["name"], "Owned");

  const auto replaced =
      alice_->call("PUT", "/api/selections/My%20mix", Json{{"selector", SeedIds::kAliceMain}});
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(alice_->get("/api/selections").json["selections"][0]["selector"], SeedIds::kAliceMain);

  EXPECT_EQ(alice_->call("DELETE", "/api/selections/My%20mix").status, 204);
  EXPECT_EQ(alice_->call("DELETE", "/api/selections/My%20mix").status, 404);
  EXPECT_EQ(alice_->get("/api/selections").json["selections"].size(), 1u);
  EXPECT_EQ(
      alice_->call("PUT", "/api/selections/" + std::string(101, 'n'), Json{{"selector", "all"}})
          .status,
      400);
  EXPECT_EQ(alice_->call("PUT", "/api/selections/x", Json{{"selector", ""}}).status, 400);
  EXPECT_EQ(alice_
                ->call("PUT", "/api/selections/x",
                       Json{{"selector", "all"}, {"account_id", account_ + 100}})
                .status,
            404);
}

TEST_F(BatchApiTest, AnotherUsersAccountsJobsAndSelectionsAreNotFoundAndViewersAreForbidden) {
  start_synced();
  const Json finished = run(account_path("/batch"), Json{{"playlist_ids", {SeedIds::kAliceMain}},
                                                         {"operation", add_at(0, track_uri(41))}});
  ASSERT_EQ(finished["state"], "succeeded");
  const std::string batch_id = finished["id"];
  ASSERT_EQ(alice_->call("PUT", "/api/selections/mine", Json{{"selector", "all"}}).status, 200);
  Browser mallory = add_user(*alice_, "mallory", "editor");
  Browser vic = add_user(*alice_, "vic", "viewer");
  const Json add{{"playlist_ids", {SeedIds::kAliceMain}}, {"operation", add_at(0, track_uri(42))}};

  EXPECT_EQ(mallory.call("POST", account_path("/batch/preview"), add).status, 404);
  EXPECT_EQ(mallory.call("POST", account_path("/batch"), add).status, 404);
  EXPECT_EQ(mallory.call("POST", account_path("/duplicates"), Json{{"selector", "all"}}).status,
            404);
  EXPECT_EQ(mallory.call("POST", "/api/jobs/" + batch_id + "/undo", Json::object()).status, 404);
  EXPECT_EQ(
      mallory.get("/api/where?uri=" + track_uri(1) + "&account_id=" + std::to_string(account_))
          .status,
      404);
  EXPECT_EQ(mallory.get("/api/where?uri=" + track_uri(1)).json["playlists"], Json::array());
  EXPECT_EQ(mallory.get("/api/selections").json["selections"], Json::array());
  EXPECT_EQ(mallory.call("DELETE", "/api/selections/mine").status, 404);
  EXPECT_EQ(mallory
                .call("PUT", "/api/selections/theirs",
                      Json{{"selector", "all"}, {"account_id", account_}})
                .status,
            404);

  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", account_path("/batch/preview")},
                                                        {"POST", account_path("/batch")},
                                                        {"POST", "/api/jobs/" + batch_id + "/undo"},
                                                        {"PUT", "/api/selections/mine"},
                                                        {"DELETE", "/api/selections/mine"}}) {
    const auto reply = vic.call(method, path, method == "DELETE" ? Json() : add);
    EXPECT_EQ(reply.status, 403) << method << " " << path << ": " << reply.body;
  }
  EXPECT_EQ(vic.get("/api/selections").status, 200);
  EXPECT_EQ(vic.get("/api/where?uri=" + track_uri(1)).status, 200);
}

TEST_F(BatchApiTest, BadBodiesAreRefusedNamingWhatIsWrong) {
  start_synced();
  const Json add = add_at(0, track_uri(40));
  const auto refused = [&](const Json& body) {
    const auto reply = alice_->call("POST", account_path("/batch/preview"), body);
    EXPECT_EQ(reply.status, 400) << body.dump() << ": " << reply.body;
    return reply.json["error"]["message"].get<std::string>();
  };

  EXPECT_THAT(refused(Json{{"selector", "all"}, {"operation", {{"kind", "merge"}}}}),
              ::testing::HasSubstr("operation.kind"));
  EXPECT_THAT(
      refused(
          Json{{"selector", "all"}, {"playlist_ids", {SeedIds::kAliceMain}}, {"operation", add}}),
      ::testing::HasSubstr("both"));
  EXPECT_THAT(refused(Json{{"selector", "color:red"}, {"operation", add}}),
              ::testing::HasSubstr("color"));
  EXPECT_THAT(refused(Json{{"playlist_ids", {SeedIds::kAliceMain}},
                           {"operation", add},
                           {"more",
                            {{{"playlist_ids", {SeedIds::kAliceMain}},
                              {"operation", {{"kind", "remove"}, {"uris", {track_uri(1)}}}}}}}}),
              ::testing::HasSubstr(SeedIds::kAliceMain));
  EXPECT_THAT(refused(Json{{"selector", "all"}, {"operation", add}, {"dry_run", true}}),
              ::testing::HasSubstr("dry_run"));
  EXPECT_EQ(alice_
                ->call("POST", account_path("/batch/preview"),
                       Json{{"playlist_ids", {"Unknown000000000000001"}}, {"operation", add}})
                .status,
            404);
  EXPECT_EQ(alice_->call("POST", account_path("/batch"), Json{{"selector", "all"}}).status, 400);
  EXPECT_EQ(alice_->call("POST", "/api/jobs/1/undo", Json{{"everything", true}}).status, 400);
}

}  // namespace
}  // namespace plm::web_test
