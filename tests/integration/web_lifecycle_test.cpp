// Creating, copying, merging, splitting and unfollowing playlists over the web API with the real
// wiring (SQLite, the worker in the process, the emulator over HTTP): previews with dry_run, the
// jobs, the emulator's state after each, the journal, input errors, ownership and roles. Every
// response is validated against api/openapi.yaml by the Browser.

#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using spotify_emulator::testkit::SeedIds;

std::string playlists_path(std::int64_t account) {
  return "/api/accounts/" + std::to_string(account) + "/playlists";
}

std::string playlist_path(std::int64_t account, const std::string& playlist,
                          const std::string& rest = "") {
  return playlists_path(account) + "/" + playlist + rest;
}

class LifecycleApiTest : public PlmApiTest {
 protected:
  /// Starts a job with `method path body`, expects 202 and waits for its final state.
  Json run_job(Browser& browser, const std::string& method, const std::string& path,
               const Json& body = nullptr) {
    EventReader events(base_url() + "/api/events", browser.cookie());
    EXPECT_TRUE(events.wait_connected());
    const auto started = browser.call(method, path, body);
    EXPECT_EQ(started.status, 202) << started.body;
    return wait_for_job(events, started.json.value("id", ""));
  }

  /// alice's playlists on the emulator, by name: id and URIs.
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> remote_playlists() {
    std::map<std::string, std::pair<std::string, std::vector<std::string>>> found;
    const Json listed = emulator_get("alice", "/v1/me/playlists?limit=50");
    for (const auto& playlist : listed["items"]) {
      if (playlist.is_null() || playlist["owner"]["id"] != "alice") continue;
      const std::string id = playlist["id"];
      std::vector<std::string> uris;
      for (int offset = 0;; offset += 50) {
        const Json page = emulator_get(
            "alice", "/v1/playlists/" + id + "/items?limit=50&offset=" + std::to_string(offset));
        for (const auto& entry : page["items"]) {
          const Json& item = entry.contains("item") ? entry["item"] : entry["track"];
          uris.push_back(item.is_null() ? "" : item.value("uri", ""));
        }
        if (page["next"].is_null()) break;
      }
      found[playlist["name"]] = {id, uris};
    }
    return found;
  }

  std::vector<std::string> stored_uris(Browser& browser, std::int64_t account,
                                       const std::string& id) {
    const auto items = browser.get(playlist_path(account, id, "/items"));
    EXPECT_EQ(items.status, 200) << items.body;
    std::vector<std::string> uris;
    for (const auto& item : items.json["items"]) uris.push_back(item["uri"]);
    return uris;
  }
};

TEST_F(LifecycleApiTest, PreviewsThenCopyMergeSplitAndUnfollowChangeSpotifyAndTheStore) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  const auto before = remote_playlists();
  const auto& big = before.at("Alice Big").second;
  ASSERT_EQ(big.size(), 120u);

  // A preview sends nothing: Alice Odd holds one track, a local file and an unavailable slot.
  const auto preview =
      admin.call("POST", playlists_path(account),
                 Json{{"name", "Odd copy"}, {"copy_of", SeedIds::kAliceOdd}, {"dry_run", true}});
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.json, (Json{{"name", "Odd copy"},
                                {"item_count", 1},
                                {"duplicates_dropped", 0},
                                {"local_files_skipped", 2}}));
  const auto merge_preview =
      admin.call("POST", playlists_path(account),
                 Json{{"name", "M"},
                      {"merge_of", {SeedIds::kAliceMain, SeedIds::kAliceMain}},
                      {"dedupe", true},
                      {"dry_run", true}});
  ASSERT_EQ(merge_preview.status, 200) << merge_preview.body;
  EXPECT_EQ(merge_preview.json["item_count"], 5);  // Alice's Main holds 0 1 2 3 4 1
  EXPECT_EQ(merge_preview.json["duplicates_dropped"], 7);
  EXPECT_EQ(remote_playlists().size(), before.size());

  // A copy of the 120 tracks.
  const Json copied = run_job(admin, "POST", playlists_path(account),
                              Json{{"name", "Big copy"},
                                   {"description", "made by plm"},
                                   {"copy_of", SeedIds::kAliceBig},
                                   {"why", "a test"}});
  ASSERT_EQ(copied["state"], "succeeded") << copied.dump();
  EXPECT_EQ(copied["kind"], "create_playlist");
  auto after = remote_playlists();
  ASSERT_TRUE(after.contains("Big copy"));
  const std::string copy_id = after.at("Big copy").first;
  EXPECT_EQ(after.at("Big copy").second, big);
  EXPECT_EQ(stored_uris(admin, account, copy_id), big);
  const auto copy_items = admin.get(playlist_path(account, copy_id, "/items"));
  EXPECT_NE(copy_items.json["items"][0]["name"], "");  // the catalog data came along
  const auto history = admin.get(playlist_path(account, copy_id, "/history"));
  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.json["versions"].size(), 1u) << history.body;
  EXPECT_EQ(history.json["versions"][0]["cause"]["action"], "copy");
  EXPECT_EQ(history.json["versions"][0]["cause"]["origin"], "web");

  // A merge.
  const Json merged =
      run_job(admin, "POST", playlists_path(account),
              Json{{"name", "Merged"}, {"merge_of", {SeedIds::kAlicePrivate, SeedIds::kAliceOdd}}});
  ASSERT_EQ(merged["state"], "succeeded") << merged.dump();
  after = remote_playlists();
  const auto& private_uris = before.at("Alice Private").second;
  std::vector<std::string> expected(private_uris.begin(), private_uris.end());
  expected.push_back(before.at("Alice Odd").second.front());
  EXPECT_EQ(after.at("Merged").second, expected);

  // A split by size: preview, then three new playlists; the original stays.
  const auto split_preview =
      admin.call("POST", playlist_path(account, SeedIds::kAliceBig, "/split"),
                 Json{{"by", "size"}, {"size", 50}, {"dry_run", true}});
  ASSERT_EQ(split_preview.status, 200) << split_preview.body;
  EXPECT_EQ(split_preview.json["parts"].size(), 3u);
  EXPECT_EQ(split_preview.json["parts"][2], (Json{{"name", "Alice Big (3)"}, {"item_count", 20}}));
  const Json split = run_job(admin, "POST", playlist_path(account, SeedIds::kAliceBig, "/split"),
                             Json{{"by", "size"}, {"size", 50}});
  ASSERT_EQ(split["state"], "succeeded") << split.dump();
  EXPECT_EQ(split["kind"], "split_playlist");
  after = remote_playlists();
  EXPECT_EQ(after.at("Alice Big (1)").second,
            std::vector<std::string>(big.begin(), big.begin() + 50));
  EXPECT_EQ(after.at("Alice Big (3)").second,
            std::vector<std::string>(big.begin() + 100, big.end()));
  EXPECT_EQ(after.at("Alice Big").second, big);
  const auto details = admin.get("/api/jobs/" + split["id"].get<std::string>());
  EXPECT_EQ(details.json["items"].size(), 3u);

  // Unfollowing the copy: gone from Spotify's list and from plm's; its history stays.
  const Json deleted = run_job(admin, "DELETE", playlist_path(account, copy_id));
  ASSERT_EQ(deleted["state"], "succeeded") << deleted.dump();
  EXPECT_EQ(deleted["kind"], "delete_playlist");
  EXPECT_FALSE(remote_playlists().contains("Big copy"));
  EXPECT_EQ(admin.get(playlist_path(account, copy_id)).status, 404);
}

TEST_F(LifecycleApiTest, ACreateFromUrisThenACopyOf250Tracks) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  const auto uris = spotify_emulator::testkit::track_uris(300, 250);

  const Json created =
      run_job(admin, "POST", playlists_path(account), Json{{"name", "From URIs"}, {"uris", uris}});
  ASSERT_EQ(created["state"], "succeeded") << created.dump();
  const std::string source = remote_playlists().at("From URIs").first;
  EXPECT_EQ(remote_playlists().at("From URIs").second, uris);
  // plm held no catalog data for these URIs: the job read the new playlist back once (5 pages).
  EXPECT_EQ(stored_uris(admin, account, source), uris);
  const auto items = admin.get(playlist_path(account, source, "/items"));
  EXPECT_EQ(items.json["items"][0]["name"], spotify_emulator::testkit::catalog_track(300).name);
  EXPECT_EQ(created["api"]["calls"], 1 + 1 + 3 + 5) << created.dump();

  const Json copied = run_job(admin, "POST", playlists_path(account),
                              Json{{"name", "Copy of 250"}, {"copy_of", source}});
  ASSERT_EQ(copied["state"], "succeeded") << copied.dump();
  const auto copy = remote_playlists().at("Copy of 250");
  EXPECT_EQ(copy.second, uris);
  EXPECT_EQ(stored_uris(admin, account, copy.first), uris);
  // One create, three appends and one confirmation read: the copy reads nothing back.
  EXPECT_EQ(copied["api"]["calls"], 5) << copied.dump();
}

TEST_F(LifecycleApiTest, ALostCreateAnswerIsSettledByListingAndNeverCreatesTwice) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");

  // Spotify creates the playlist and the answer is lost (a 502): the job finds and adopts it.
  emulator_admin("POST", "/__emulator/faults",
                 Json{{"rules",
                       {{{"kind", "apply_then_502"},
                         {"nth", 1},
                         {"count", 1},
                         {"method", "POST"},
                         {"path_contains", "/me/playlists"}}}}});
  const Json adopted = run_job(admin, "POST", playlists_path(account),
                               Json{{"name", "Lost answer"}, {"copy_of", SeedIds::kAlicePrivate}});
  ASSERT_EQ(adopted["state"], "succeeded") << adopted.dump();
  int named = 0;
  const Json listed = emulator_get("alice", "/v1/me/playlists?limit=50");
  for (const auto& playlist : listed["items"]) named += playlist["name"] == "Lost answer";
  EXPECT_EQ(named, 1);
  EXPECT_EQ(remote_playlists().at("Lost answer").second,
            remote_playlists().at("Alice Private").second);

  // Spotify fails before creating anything (a 503 after the request left: unknown to plm): the
  // job finds nothing and fails without sending the create again.
  emulator_admin("POST", "/__emulator/faults",
                 Json{{"rules",
                       {{{"kind", "status"},
                         {"status", 503},
                         {"nth", 1},
                         {"count", 1},
                         {"method", "POST"},
                         {"path_contains", "/me/playlists"}}}}});
  const Json failed = run_job(admin, "POST", playlists_path(account), Json{{"name", "Never made"}});
  ASSERT_EQ(failed["state"], "failed") << failed.dump();
  EXPECT_EQ(failed["error"]["code"], "conflict");
  EXPECT_FALSE(remote_playlists().contains("Never made"));
}

TEST_F(LifecycleApiTest, InputErrorsOwnershipAndRoles) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  const std::string create = playlists_path(account);
  const std::string split = playlist_path(account, SeedIds::kAliceBig, "/split");

  for (const Json& body :
       {Json{{"description", "no name"}}, Json{{"name", ""}}, Json{{"name", std::string(201, 'x')}},
        Json{{"name", "x"}, {"public", "yes"}}, Json{{"name", "x"}, {"colour", "red"}},
        Json{{"name", "x"}, {"uris", {"spotify:local:a:b:c:1"}}},
        Json{{"name", "x"}, {"public", true}, {"collaborative", true}},
        Json{{"name", "x"}, {"copy_of", SeedIds::kAliceBig}, {"merge_of", {SeedIds::kAliceOdd}}},
        Json{{"name", "x"}, {"description", "two\nlines"}}}) {
    const auto refused = admin.call("POST", create, body);
    EXPECT_EQ(refused.status, 400) << body.dump() << " " << refused.body;
  }
  for (const Json& body :
       {Json{{"by", "genre"}}, Json{{"by", "size"}}, Json{{"by", "size"}, {"size", 0}},
        Json{{"by", "artist"}, {"name_template", "same name"}}}) {
    const auto refused = admin.call("POST", split, body);
    EXPECT_EQ(refused.status, 400) << body.dump() << " " << refused.body;
  }
  EXPECT_EQ(
      admin.call("POST", create, Json{{"name", "x"}, {"copy_of", "NoSuchPlaylist00000001"}}).status,
      404);

  // Another user's account and playlists answer as if they did not exist; a viewer may not.
  Browser editor = add_user(admin, "eddie", "editor");
  EXPECT_EQ(editor.call("POST", create, Json{{"name", "x"}}).status, 404);
  EXPECT_EQ(editor.call("POST", split, Json{{"by", "size"}, {"size", 10}}).status, 404);
  EXPECT_EQ(editor.call("DELETE", playlist_path(account, SeedIds::kAliceBig)).status, 404);
  Browser viewer = add_user(admin, "vera", "viewer");
  EXPECT_EQ(viewer.call("POST", create, Json{{"name", "x"}}).status, 403);
  EXPECT_EQ(viewer.call("POST", split, Json{{"by", "size"}, {"size", 10}}).status, 403);
  EXPECT_EQ(viewer.call("DELETE", playlist_path(account, SeedIds::kAliceBig)).status, 403);
  // Nothing was enqueued by any of it.
  EXPECT_EQ(admin.get("/api/jobs?kind=create_playlist").json["jobs"].size(), 0u);
}

}  // namespace
}  // namespace plm::web_test
