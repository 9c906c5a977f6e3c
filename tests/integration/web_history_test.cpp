// The history API over real HTTP with the real wiring (the journal on SQLite, the sync as a job,
// the emulator): the versions a sync records (first seen, changed outside plm), paging and the
// cause filter, one version with its items and its diff against the one before or another,
// ownership (another user's account: 404) and viewers (they read). Every response is validated
// against api/openapi.yaml by the Browser.

#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using spotify_emulator::testkit::SeedIds;

std::string history_of(std::int64_t account, const std::string& playlist,
                       const std::string& rest = "") {
  return "/api/accounts/" + std::to_string(account) + "/playlists/" + playlist + "/history" + rest;
}

class HistoryApiTest : public PlmApiTest {
 protected:
  /// Changes a playlist outside plm: `spotify_user` adds `uri` at `position` through the Web API.
  void add_on_spotify(const std::string& spotify_user, const std::string& playlist,
                      const std::string& uri, int position) {
    const Json tokens = emulator_admin(
        "POST", "/__emulator/tokens",
        Json{{"client_id", kClientId},
             {"user_id", spotify_user},
             {"scopes", "playlist-modify-public playlist-modify-private playlist-read-private"}});
    test_support::HttpClient client(emulator_->base_url());
    const auto result =
        client.request("POST", "/v1/playlists/" + playlist + "/items",
                       {{"Authorization", "Bearer " + tokens.value("access_token", std::string())},
                        {"Content-Type", "application/json"}},
                       Json{{"uris", Json::array({uri})}, {"position", position}}.dump());
    ASSERT_EQ(result.status, 201) << result.body;
  }
};

TEST_F(HistoryApiTest, TheFirstSyncRecordsTheFirstVersionOfEachPlaylist) {
  start();
  Browser alice = setup_admin();
  const std::int64_t account = connect(alice);
  ASSERT_EQ(sync(alice, account)["state"], "succeeded");

  const auto history = alice.get(history_of(account, SeedIds::kAliceMain));
  const auto first = alice.get(history_of(account, SeedIds::kAliceMain, "/1"));

  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.json["versions"].size(), 1u);
  const Json& version = history.json["versions"][0];
  EXPECT_EQ(version["version"], 1);
  EXPECT_EQ(version["item_count"], 6);
  EXPECT_EQ(version["cause"]["kind"], "sync");
  EXPECT_EQ(version["cause"]["why"], "first seen");
  EXPECT_EQ(version["cause"]["user_id"], nullptr);
  EXPECT_EQ(version["changes"]["added"], 6);
  EXPECT_EQ(history.json["next_before"], nullptr);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json["version"], version);
  EXPECT_EQ(first.json["items"].size(), 6u);
  EXPECT_EQ(first.json["against"], nullptr);
  EXPECT_EQ(first.json["diff"]["added"].size(), 6u);
  // The odd playlist's local file and unavailable item are versions' items like any other.
  const auto odd = alice.get(history_of(account, SeedIds::kAliceOdd, "/1"));
  ASSERT_EQ(odd.status, 200) << odd.body;
  EXPECT_EQ(odd.json["items"].size(), 3u);
}

TEST_F(HistoryApiTest, AChangeOutsidePlmIsAVersionWithItsDiff) {
  start();
  Browser alice = setup_admin();
  const std::int64_t account = connect(alice);
  ASSERT_EQ(sync(alice, account)["state"], "succeeded");
  const std::string added = spotify_emulator::testkit::track_uri(40);
  add_on_spotify("alice", SeedIds::kAliceMain, added, 2);
  ASSERT_EQ(sync(alice, account)["state"], "succeeded");
  ASSERT_EQ(sync(alice, account)["state"], "succeeded");  // nothing new: nothing recorded

  const auto history = alice.get(history_of(account, SeedIds::kAliceMain));
  const auto second = alice.get(history_of(account, SeedIds::kAliceMain, "/2"));
  const auto backwards = alice.get(history_of(account, SeedIds::kAliceMain, "/1?against=2"));

  ASSERT_EQ(history.status, 200) << history.body;
  ASSERT_EQ(history.json["versions"].size(), 2u);
  const Json& latest = history.json["versions"][0];
  EXPECT_EQ(latest["version"], 2);
  EXPECT_EQ(latest["cause"]["why"], "changed outside plm");
  EXPECT_EQ(latest["changes"],
            (Json{{"added", 1}, {"removed", 0}, {"moved", 0}, {"details_changed", false}}));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json["against"], 1);
  EXPECT_EQ(second.json["diff"]["added"], Json::array({{{"uri", added}, {"position", 2}}}));
  EXPECT_EQ(second.json["items"][2]["uri"], added);
  ASSERT_EQ(backwards.status, 200) << backwards.body;
  EXPECT_EQ(backwards.json["diff"]["removed"], Json::array({{{"uri", added}, {"position", 2}}}));
}

TEST_F(HistoryApiTest, PagesAndTheCauseFilter) {
  start();
  Browser alice = setup_admin();
  const std::int64_t account = connect(alice);
  ASSERT_EQ(sync(alice, account)["state"], "succeeded");
  add_on_spotify("alice", SeedIds::kAliceMain, spotify_emulator::testkit::track_uri(41), 0);
  ASSERT_EQ(sync(alice, account)["state"], "succeeded");

  const auto page = alice.get(history_of(account, SeedIds::kAliceMain, "?limit=1"));
  const auto next = alice.get(history_of(account, SeedIds::kAliceMain, "?limit=1&before=2"));
  const auto edits = alice.get(history_of(account, SeedIds::kAliceMain, "?cause=edit"));
  const auto syncs = alice.get(history_of(account, SeedIds::kAliceMain, "?cause=sync"));

  ASSERT_EQ(page.status, 200);
  ASSERT_EQ(page.json["versions"].size(), 1u);
  EXPECT_EQ(page.json["versions"][0]["version"], 2);
  EXPECT_EQ(page.json["next_before"], "2");
  ASSERT_EQ(next.json["versions"].size(), 1u);
  EXPECT_EQ(next.json["versions"][0]["version"], 1);
  EXPECT_EQ(next.json["next_before"], nullptr);
  EXPECT_TRUE(edits.json["versions"].empty());
  EXPECT_EQ(syncs.json["versions"].size(), 2u);
  for (const std::string bad : {"?cause=magic", "?limit=0", "?limit=201", "?before=x"}) {
    const auto refused = alice.get(history_of(account, SeedIds::kAliceMain, bad));
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(refused.json["error"]["code"], "invalid_input") << bad;
  }
  EXPECT_EQ(alice.get(history_of(account, SeedIds::kAliceMain, "/1?against=x")).status, 400);
}

TEST_F(HistoryApiTest, OnlyTheAccountsOwnerReadsItsHistoryAndViewersMay) {
  start();
  Browser root = setup_admin();
  Browser eddie = add_user(root, "eddie", "editor");
  const std::int64_t account = connect(root);
  ASSERT_EQ(sync(root, account)["state"], "succeeded");

  // Another user: the same 404 as for an account that does not exist.
  EXPECT_EQ(eddie.get(history_of(account, SeedIds::kAliceMain)).status, 404);
  EXPECT_EQ(eddie.get(history_of(account, SeedIds::kAliceMain, "/1")).status, 404);
  EXPECT_EQ(root.get(history_of(account + 100, SeedIds::kAliceMain)).status, 404);
  // Unknown playlists and versions.
  EXPECT_EQ(root.get(history_of(account, "NoSuchPlaylist00000001")).status, 404);
  EXPECT_EQ(root.get(history_of(account, SeedIds::kAliceMain, "/2")).status, 404);
  EXPECT_EQ(root.get(history_of(account, SeedIds::kAliceMain, "/0")).status, 404);
  EXPECT_EQ(root.get(history_of(account, SeedIds::kAliceMain, "/1?against=9")).status, 404);
  // A followed playlist whose items the app cannot read has no history yet, but exists.
  const auto followed = root.get(history_of(account, SeedIds::kBobPublic));
  EXPECT_EQ(followed.status, 200);
  EXPECT_TRUE(followed.json["versions"].empty());

  // The owner demoted to viewer still reads.
  Browser second = add_user(root, "second", "admin");
  const std::int64_t root_id = root.get("/api/session").json["user"]["id"];
  ASSERT_EQ(second.call("PATCH", "/api/users/" + std::to_string(root_id), Json{{"role", "viewer"}})
                .status,
            200);
  EXPECT_EQ(root.get(history_of(account, SeedIds::kAliceMain)).status, 200);
  EXPECT_EQ(root.get(history_of(account, SeedIds::kAliceMain, "/1")).status, 200);
}

}  // namespace
}  // namespace plm::web_test
