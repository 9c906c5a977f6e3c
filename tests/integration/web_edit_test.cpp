// The edit routes over real HTTP with the real wiring (SQLite, the worker in the process, the
// emulator): previews of every kind (nothing sent), edit jobs that change the emulator's playlist
// and record versions in the history, undo and restore, the cover upload and the catalog search;
// sessions, CSRF, roles, ownership (another user's account or playlist: 404; a playlist the
// account only follows: 403) and every way a body can be wrong. Every response is validated
// against api/openapi.yaml by the Browser.

#include <cctype>

#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using spotify_emulator::testkit::SeedIds;
using spotify_emulator::testkit::track_uri;

std::string edit_playlist_path(std::int64_t account, const std::string& playlist,
                          const std::string& rest) {
  return "/api/accounts/" + std::to_string(account) + "/playlists/" + playlist + rest;
}

/// `text` as a query value (%XX for everything but letters and digits).
std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte)) {
      out.push_back(c);
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

/// A few bytes that start like a JPEG (the emulator stores covers as sent).
std::string small_jpeg() { return std::string("\xFF\xD8\xFF\xE0", 4) + std::string(60, 'j'); }

class EditApiTest : public PlmApiTest {
 protected:
  /// alice signed in as the admin, her account connected and synced.
  void start_synced() {
    start();
    alice_ = std::make_unique<Browser>(setup_admin());
    account_ = connect(*alice_);
    ASSERT_EQ(sync(*alice_, account_)["state"], "succeeded");
  }

  std::string path(const std::string& playlist, const std::string& rest) const {
    return edit_playlist_path(account_, playlist, rest);
  }

  /// The stored items' snapshot and URIs (what the editor shows). Read past the Browser: the
  /// items route and its schema are not what these tests are about (main's PlaylistItem declares
  /// release_date and album_image_url, which wt-lifecycle's branch fills in).
  std::pair<std::string, std::vector<std::string>> stored(const std::string& playlist) {
    test_support::HttpClient client(base_url());
    const auto items = client.get(path(playlist, "/items"), {{"Cookie", alice_->cookie_header()}});
    EXPECT_EQ(items.status, 200) << items.body;
    const Json body = Json::parse(items.body, nullptr, /*allow_exceptions=*/false);
    std::vector<std::string> uris;
    if (body.is_discarded()) return {};
    for (const auto& item : body["items"]) uris.push_back(item["uri"]);
    return {body.value("snapshot_id", ""), uris};
  }

  /// The playlist on the emulator (the truth, whatever reads show).
  std::vector<std::string> on_spotify(const std::string& playlist) {
    return emulator_uris("alice", playlist);
  }

  Reply preview(const std::string& playlist, Json body) {
    if (!body.contains("planned_snapshot")) body["planned_snapshot"] = stored(playlist).first;
    return alice_->call("POST", path(playlist, "/edits/preview"), body);
  }

  /// POST …/edits and the job's final state.
  Json apply(const std::string& playlist, Json body) {
    if (!body.contains("planned_snapshot")) body["planned_snapshot"] = stored(playlist).first;
    EventReader events(base_url() + "/api/events", alice_->cookie());
    EXPECT_TRUE(events.wait_connected());
    const auto started = alice_->call("POST", path(playlist, "/edits"), body);
    EXPECT_EQ(started.status, 202) << started.body;
    EXPECT_EQ(started.json.value("kind", ""), "edit_playlist");
    return wait_for_job(events, started.json.value("id", ""));
  }

  std::unique_ptr<Browser> alice_;
  std::int64_t account_ = 0;
};

Json move_body(const std::vector<std::string>& uris, std::int64_t from, std::int64_t before) {
  return Json{{"kind", "move"},
              {"items", {{{"uri", uris[from]}, {"position", from}}}},
              {"placement",
               {{"kind", "before"}, {"before", {{"uri", uris[before]}, {"position", before}}}}}};
}

TEST_F(EditApiTest, APreviewOfEachKindShowsTheChangeAndSendsNothing) {
  start_synced();
  const auto [snapshot, main] = stored(SeedIds::kAliceMain);  // 0 1 2 3 4 1
  ASSERT_EQ(main.size(), 6u);
  const auto calls_before = emulator_admin("GET", "/__emulator/stats")["total"];

  const auto move = preview(SeedIds::kAliceMain, move_body(main, 4, 0));
  const auto set_list = preview(SeedIds::kAliceMain, {{"kind", "set_list"}, {"uris", {main[2]}}});
  const auto add =
      preview(SeedIds::kAliceMain,
              {{"kind", "add"}, {"uris", {track_uri(40)}}, {"placement", {{"kind", "top"}}}});
  const auto remove = preview(SeedIds::kAliceMain, {{"kind", "remove"}, {"uris", {main[0]}}});
  const auto dedupe = preview(SeedIds::kAliceMain, {{"kind", "dedupe"}, {"keep", "first"}});
  const auto sort = preview(SeedIds::kAliceMain, {{"kind", "sort"}, {"sort_by", "title"}});
  const auto shuffle = preview(SeedIds::kAliceMain, {{"kind", "shuffle"}});
  const auto seeded = preview(SeedIds::kAliceMain, {{"kind", "shuffle"}, {"seed", 7}});
  const auto seeded_again = preview(SeedIds::kAliceMain, {{"kind", "shuffle"}, {"seed", 7}});
  const auto details =
      preview(SeedIds::kAliceMain, {{"kind", "details"}, {"details", {{"name", "Renamed"}}}});
  const auto nothing = preview(SeedIds::kAliceMain, {{"kind", "set_list"}, {"uris", main}});
  const auto restore = preview(SeedIds::kAliceMain, {{"kind", "restore"}, {"version", 1}});

  ASSERT_EQ(move.status, 200) << move.body;
  EXPECT_EQ(move.json["strategy"], "edit");
  EXPECT_EQ(move.json["planned_snapshot"], snapshot);
  EXPECT_EQ(move.json["item_count"], 6);
  EXPECT_EQ(move.json["desired"],
            Json::array({main[4], main[0], main[1], main[2], main[3], main[5]}));
  EXPECT_EQ(move.json["calls"], 1);
  EXPECT_EQ(move.json["seed"], nullptr);
  ASSERT_EQ(set_list.status, 200) << set_list.body;
  EXPECT_EQ(set_list.json["desired"], Json::array({main[2]}));
  EXPECT_EQ(set_list.json["removed"].size(), 5u);
  ASSERT_EQ(add.status, 200) << add.body;
  EXPECT_EQ(add.json["added"], Json::array({{{"uri", track_uri(40)}, {"position", 0}}}));
  ASSERT_EQ(remove.status, 200) << remove.body;
  EXPECT_EQ(remove.json["desired"].size(), 5u);
  ASSERT_EQ(dedupe.status, 200) << dedupe.body;
  EXPECT_EQ(dedupe.json["desired"], Json::array({main[0], main[1], main[2], main[3], main[4]}));
  EXPECT_EQ(dedupe.json["reinserted"].size(), 1u);  // Spotify removes both copies of main[1]
  ASSERT_EQ(sort.status, 200) << sort.body;
  EXPECT_EQ(sort.json["desired"].size(), 6u);
  ASSERT_EQ(shuffle.status, 200) << shuffle.body;
  EXPECT_TRUE(shuffle.json["seed"].is_number_integer()) << shuffle.body;
  ASSERT_EQ(seeded.status, 200) << seeded.body;
  EXPECT_EQ(seeded.json["seed"], 7);
  EXPECT_EQ(seeded.json["desired"], seeded_again.json["desired"]);
  ASSERT_EQ(details.status, 200) << details.body;
  EXPECT_EQ(details.json["strategy"], "edit");
  EXPECT_EQ(
      details.json["details"],
      Json::array({{{"field", "name"}, {"before", "Alice's Main / Mix"}, {"after", "Renamed"}}}));
  EXPECT_EQ(details.json["calls"], 1);
  ASSERT_EQ(nothing.status, 200) << nothing.body;
  EXPECT_EQ(nothing.json["strategy"], "none");
  EXPECT_EQ(nothing.json["calls"], 0);
  ASSERT_EQ(restore.status, 200) << restore.body;
  EXPECT_EQ(restore.json["strategy"], "none");  // version 1 is the playlist as it is
  // Previews read the store only.
  EXPECT_EQ(emulator_admin("GET", "/__emulator/stats")["total"], calls_before);
  EXPECT_EQ(on_spotify(SeedIds::kAliceMain), main);
}

TEST_F(EditApiTest, AnEditJobChangesTheEmulatorsPlaylistAndUndoPutsItBack) {
  start_synced();
  const auto [snapshot, main] = stored(SeedIds::kAliceMain);
  Json moved_body = move_body(main, 4, 0);
  moved_body["why"] = "opener first";
  const auto previewed = preview(SeedIds::kAliceMain, moved_body);
  ASSERT_EQ(previewed.status, 200) << previewed.body;

  const Json moved = apply(SeedIds::kAliceMain, moved_body);

  ASSERT_EQ(moved["state"], "succeeded") << moved.dump();
  std::vector<std::string> desired = previewed.json["desired"];
  EXPECT_EQ(on_spotify(SeedIds::kAliceMain), desired);
  const auto [after, stored_uris] = stored(SeedIds::kAliceMain);
  EXPECT_EQ(stored_uris, desired);
  EXPECT_NE(after, snapshot);
  const auto history = alice_->get(path(SeedIds::kAliceMain, "/history"));
  ASSERT_EQ(history.status, 200) << history.body;
  const Json& latest = history.json["versions"][0];
  EXPECT_EQ(latest["cause"]["kind"], "edit");
  EXPECT_EQ(latest["cause"]["origin"], "web");
  EXPECT_EQ(latest["cause"]["action"], "move");
  EXPECT_EQ(latest["cause"]["why"], "opener first");
  EXPECT_EQ(latest["cause"]["username"], "root");
  EXPECT_EQ(latest["cause"]["job_id"], moved["id"]);
  const std::int64_t version = latest["version"];

  const Json undone = apply(SeedIds::kAliceMain, {{"kind", "undo"}, {"version", version}});

  ASSERT_EQ(undone["state"], "succeeded") << undone.dump();
  EXPECT_EQ(on_spotify(SeedIds::kAliceMain), main);
  const auto after_undo = alice_->get(path(SeedIds::kAliceMain, "/history"));
  EXPECT_EQ(after_undo.json["versions"][0]["cause"]["kind"], "undo");
  EXPECT_EQ(after_undo.json["versions"][0]["cause"]["restored_version"], version);
  // The undone edit is no longer the latest change: undoing it again is a conflict.
  const auto again = preview(SeedIds::kAliceMain, {{"kind", "undo"}, {"version", version}});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_NE(again.json["error"]["message"].get<std::string>().find("a later change exists"),
            std::string::npos);
}

TEST_F(EditApiTest, ARestoreMakesAnEarlierVersionAgain) {
  start_synced();
  const auto [snapshot, main] = stored(SeedIds::kAlicePrivate);
  ASSERT_EQ(apply(SeedIds::kAlicePrivate, {{"kind", "remove"}, {"uris", {main[0]}}})["state"],
            "succeeded");
  ASSERT_EQ(apply(SeedIds::kAlicePrivate, {{"kind", "add"},
                                           {"uris", {track_uri(50)}},
                                           {"placement", {{"kind", "top"}}}})["state"],
            "succeeded");
  ASSERT_NE(on_spotify(SeedIds::kAlicePrivate), main);

  const auto previewed = preview(SeedIds::kAlicePrivate, {{"kind", "restore"}, {"version", 1}});
  const Json restored = apply(SeedIds::kAlicePrivate, {{"kind", "restore"}, {"version", 1}});

  ASSERT_EQ(previewed.status, 200) << previewed.body;
  EXPECT_EQ(previewed.json["desired"], main);
  ASSERT_EQ(restored["state"], "succeeded") << restored.dump();
  EXPECT_EQ(on_spotify(SeedIds::kAlicePrivate), main);
  const auto history = alice_->get(path(SeedIds::kAlicePrivate, "/history?cause=restore"));
  ASSERT_EQ(history.json["versions"].size(), 1u);
  EXPECT_EQ(history.json["versions"][0]["cause"]["restored_version"], 1);
}

TEST_F(EditApiTest, RefusesBadBodiesStaleSnapshotsAndPlansThatCannotBe) {
  start_synced();
  const auto [snapshot, main] = stored(SeedIds::kAliceMain);
  const std::vector<Json> bad{
      {{"kind", "explode"}},
      {{"kind", 3}},
      {{"kind", "sort"}},
      {{"kind", "sort"}, {"sort_by", "title"}, {"unknown", true}},
      {{"kind", "set_list"}, {"uris", "not-a-list"}},
      {{"kind", "set_list"}, {"uris", {"spotify:track:bad"}}},
      {{"kind", "move"},
       {"items", {{{"uri", main[0]}, {"position", -1}}}},
       {"placement", {{"kind", "top"}}}},
      {{"kind", "move"},
       {"items", {{{"uri", main[0]}, {"position", 40}}}},
       {"placement", {{"kind", "top"}}}},
      {{"kind", "move"},
       {"items", {{{"uri", main[1]}, {"position", 0}}}},
       {"placement", {{"kind", "top"}}}},  // main[1] is not at 0
      {{"kind", "details"}, {"details", {{"name", std::string(201, 'n')}}}},
      {{"kind", "dedupe"}, {"why", std::string(501, 'w')}},
      {{"kind", "restore"}, {"version", "one"}},
  };
  for (const auto& body : bad) {
    const auto refused = preview(SeedIds::kAliceMain, body);
    EXPECT_EQ(refused.status, 400) << body.dump() << " → " << refused.body;
    EXPECT_EQ(refused.json["error"]["code"], "invalid_input") << body.dump();
    const auto not_started = alice_->call("POST", path(SeedIds::kAliceMain, "/edits"), [&] {
      Json with = body;
      with["planned_snapshot"] = snapshot;
      return with;
    }());
    EXPECT_EQ(not_started.status, 400) << body.dump() << " → " << not_started.body;
  }
  Json too_many{{"kind", "set_list"}, {"uris", Json::array()}};
  for (int i = 0; i < 10'001; ++i) too_many["uris"].push_back(main[0]);
  EXPECT_EQ(preview(SeedIds::kAliceMain, too_many).status, 400);
  // A local file can be moved but not removed: the plan is refused, naming it.
  const auto odd = stored(SeedIds::kAliceOdd).second;
  const auto local = preview(SeedIds::kAliceOdd, {{"kind", "set_list"}, {"uris", {odd[0]}}});
  EXPECT_EQ(local.status, 400) << local.body;
  EXPECT_NE(local.json["error"]["message"].get<std::string>().find("local"), std::string::npos)
      << local.body;
  const auto stale =
      preview(SeedIds::kAliceMain, {{"kind", "dedupe"}, {"planned_snapshot", "old"}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.json["error"]["code"], "conflict");
  const auto not_json = alice_->call("POST", path(SeedIds::kAliceMain, "/edits"), nullptr,
                                     {.content_type = "text/plain", .raw_body = "kind=move"});
  EXPECT_EQ(not_json.status, 415) << not_json.body;
  const auto unknown_version = preview(SeedIds::kAliceMain, {{"kind", "restore"}, {"version", 99}});
  EXPECT_EQ(unknown_version.status, 404) << unknown_version.body;
  // A body of 10,000 items fits (the default JSON limit is 64 KiB); one over 1 MiB does not.
  Json large{{"kind", "set_list"}, {"planned_snapshot", snapshot}, {"uris", Json::array()}};
  for (int i = 0; i < 10'000; ++i) large["uris"].push_back(main[i % 5]);
  EXPECT_EQ(preview(SeedIds::kAliceMain, large).status, 200);
  large["why"] = std::string(1024 * 1024, 'x');
  EXPECT_EQ(preview(SeedIds::kAliceMain, large).status, 413);
  EXPECT_EQ(on_spotify(SeedIds::kAliceMain), main);
}

TEST_F(EditApiTest, SessionsCsrfRolesAndOwnership) {
  start_synced();
  const std::string snapshot = stored(SeedIds::kAliceMain).first;
  const Json body{{"kind", "dedupe"}, {"planned_snapshot", snapshot}};
  Browser viewer = add_user(*alice_, "vera", "viewer");
  Browser bob = add_user(*alice_, "bob", "editor");
  Browser anonymous(*this);
  const std::string search = "/api/accounts/" + std::to_string(account_) + "/search?q=a";

  for (const std::string rest : {"/edits/preview", "/edits"}) {
    const std::string route = path(SeedIds::kAliceMain, rest);
    EXPECT_EQ(anonymous.call("POST", route, body).status, 401) << rest;
    EXPECT_EQ(alice_->call("POST", route, body, {.csrf = false}).status, 403) << rest;
    EXPECT_EQ(viewer.call("POST", route, body).status, 403) << rest;
    EXPECT_EQ(bob.call("POST", route, body).status, 404) << rest;  // alice's account
    EXPECT_EQ(alice_->call("POST", path("NoSuchPlaylist00000001", rest), body).status, 404);
    // A playlist alice only follows: Spotify would refuse, so plm does.
    const auto followed = alice_->call("POST", path(SeedIds::kBobPublic, rest), body);
    EXPECT_EQ(followed.status, 403) << followed.body;
  }
  const std::string cover = path(SeedIds::kAliceMain, "/cover");
  const RequestOptions jpeg{.content_type = "image/jpeg", .raw_body = small_jpeg()};
  EXPECT_EQ(anonymous.call("PUT", cover, nullptr, jpeg).status, 401);
  EXPECT_EQ(viewer.call("PUT", cover, nullptr, jpeg).status, 403);
  EXPECT_EQ(bob.call("PUT", cover, nullptr, jpeg).status, 404);
  EXPECT_EQ(anonymous.get(search).status, 401);
  EXPECT_EQ(bob.get(search).status, 404);
}

TEST_F(EditApiTest, ACoverUploadIsAnEditJobAndItsSizeAndTypeAreCheckedFirst) {
  start_synced();
  const std::string cover = path(SeedIds::kAliceMain, "/cover");
  EventReader events(base_url() + "/api/events", alice_->cookie());
  ASSERT_TRUE(events.wait_connected());

  const auto started =
      alice_->call("PUT", cover, nullptr, {.content_type = "image/jpeg", .raw_body = small_jpeg()});
  const auto too_big = alice_->call(
      "PUT", cover, nullptr,
      {.content_type = "image/jpeg", .raw_body = small_jpeg() + std::string(192 * 1024, 'j')});
  const auto png =
      alice_->call("PUT", cover, nullptr, {.content_type = "image/png", .raw_body = "\x89PNG"});
  const auto not_jpeg = alice_->call("PUT", cover, nullptr,
                                     {.content_type = "image/jpeg", .raw_body = "GIF89a......"});

  ASSERT_EQ(started.status, 202) << started.body;
  EXPECT_EQ(wait_for_job(events, started.json["id"])["state"], "succeeded");
  EXPECT_EQ(too_big.status, 413) << too_big.body;
  EXPECT_EQ(png.status, 415) << png.body;
  EXPECT_EQ(not_jpeg.status, 400) << not_jpeg.body;
}

TEST_F(EditApiTest, TheSearchFindsCatalogTracks) {
  start_synced();
  const auto& wanted = spotify_emulator::testkit::catalog_track(3);
  const std::string search = "/api/accounts/" + std::to_string(account_) + "/search";

  const auto found = alice_->get(search + "?q=" + url_encode(wanted.name) + "&limit=5");
  const auto bad_limit = alice_->get(search + "?q=a&limit=11");
  const auto no_query = alice_->get(search);
  const auto bad_offset = alice_->get(search + "?q=a&offset=-1");

  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_LE(found.json["tracks"].size(), 5u);
  bool seen = false;
  for (const auto& track : found.json["tracks"])
    seen = seen || track["uri"] == "spotify:track:" + wanted.id;
  EXPECT_TRUE(seen) << found.body;
  EXPECT_EQ(bad_limit.status, 400);
  EXPECT_EQ(no_query.status, 400);
  EXPECT_EQ(bad_offset.status, 400);
}

}  // namespace
}  // namespace plm::web_test
