// The jobs API over real HTTP with the real wiring (the durable queue on SQLite, the worker in the
// process, the emulator): listing with filters and paging, one job with its per-item results and
// history, cancelling a queued job and a running one (stopped between two playlists), "Sync now"
// twice, the `syncing` flag and /metrics from the queue, ownership and roles. Every response is
// validated against api/openapi.yaml by the Browser. Syncs are stopped at chosen points by holding
// one Spotify request at the gate in front of the emulator: no test sleeps.

#include <set>

#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using spotify_emulator::testkit::SeedIds;
using namespace std::chrono_literals;

std::string jobs_path_of(std::int64_t account, const std::string& playlist,
                    const std::string& rest = "") {
  return "/api/accounts/" + std::to_string(account) + "/playlists/" + playlist + rest;
}

std::string sync_path(std::int64_t account) {
  return "/api/accounts/" + std::to_string(account) + "/sync";
}

class JobsApiTest : public PlmApiTest {
 protected:
  void start_gated() { start(Setup{.gate_spotify = true}); }

  Json job_details(Browser& browser, const std::string& id) {
    const auto reply = browser.get("/api/jobs/" + id);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply.json;
  }

  static std::vector<std::string> history_of(const Json& details) {
    std::vector<std::string> kinds;
    for (const auto& event : details["history"]) kinds.push_back(event["kind"]);
    return kinds;
  }
};

/// The playlists a sync job read (outcome "done"), in the order it read them.
std::vector<std::string> read_playlists(const Json& details) {
  std::vector<std::string> read;
  for (const auto& item : details["items"]) {
    if (item["outcome"] == "done") read.push_back(item["key"]);
  }
  return read;
}

bool is_items_request(const http::Request& request) {
  return request.path.starts_with("/v1/playlists/") && request.path.ends_with("/items");
}

TEST_F(JobsApiTest, AFinishedSyncShowsItsResultsPerPlaylistItsCallsAndItsHistory) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);

  const Json done = sync(admin, account);
  const Json details = job_details(admin, done["id"]);

  ASSERT_EQ(done["state"], "succeeded") << done.dump();
  const Json& job = details["job"];
  EXPECT_EQ(job, done);  // the final event carries the job as stored
  EXPECT_EQ(job["kind"], "sync_account");
  EXPECT_EQ(job["account_id"], account);
  EXPECT_EQ(job["unit"], "playlists");
  EXPECT_EQ(job["done"], 6);
  EXPECT_EQ(job["total"], 6);
  EXPECT_EQ(job["attempts"], 1);
  EXPECT_EQ(job["cancel_requested"], false);
  EXPECT_NE(job["started_at"], nullptr);
  // One listing page and the item pages of the five playlists alice may read (120 items: 3).
  EXPECT_EQ(job["api"]["calls"], 1 + 1 + 1 + 3 + 1 + 1) << job["api"].dump();
  EXPECT_EQ(history_of(details), (std::vector<std::string>{"enqueued", "started", "succeeded"}));
  std::map<std::string, std::string> outcomes;
  for (const auto& item : details["items"]) outcomes[item["key"]] = item["outcome"];
  EXPECT_EQ(outcomes.size(), 6u);
  EXPECT_EQ(outcomes[SeedIds::kAliceMain], "done");
  EXPECT_EQ(outcomes[SeedIds::kAliceBig], "done");
  EXPECT_EQ(outcomes[SeedIds::kBobPublic], "skipped");  // followed: Spotify keeps its items
  // Synced again: nothing changed, and the new job says so.
  const Json again = sync(admin, account);
  ASSERT_NE(again["id"], done["id"]);
  // Held in a variable: a range-for over a member of a temporary outlives the temporary.
  const Json again_details = job_details(admin, again["id"]);
  for (const auto& item : again_details["items"]) EXPECT_NE(item["outcome"], "done") << item.dump();
  EXPECT_EQ(again["api"]["calls"], 1);  // one listing page: every snapshot is the stored one
}

TEST_F(JobsApiTest, TheListFiltersByStateKindAccountAndPlaylistAndPagesNewestFirst) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  std::vector<std::string> ids{sync(admin, account)["id"]};
  EventReader events(base_url() + "/api/events", admin.cookie());
  ASSERT_TRUE(events.wait_connected());
  for (const char* playlist : {SeedIds::kAliceMain, SeedIds::kAliceBig, SeedIds::kAliceOdd}) {
    const auto started = admin.call("POST", jobs_path_of(account, playlist, "/sync"));
    ASSERT_EQ(started.status, 202) << started.body;
    ASSERT_EQ(wait_for_job(events, started.json["id"])["state"], "succeeded");
    ids.push_back(started.json["id"]);
  }
  const std::vector<std::string> newest_first(ids.rbegin(), ids.rend());
  auto listed = [&](const std::string& query) {
    const auto reply = admin.get("/api/jobs" + query);
    EXPECT_EQ(reply.status, 200) << query << ": " << reply.body;
    std::vector<std::string> found;
    for (const auto& job : reply.json["jobs"]) found.push_back(job["id"]);
    return found;
  };
  std::vector<std::string> paged;
  std::vector<Json> cursors;
  for (std::string query = "?limit=3";;) {
    const auto page = admin.get("/api/jobs" + query);
    for (const auto& job : page.json["jobs"]) paged.push_back(job["id"]);
    cursors.push_back(page.json["next_before"]);
    if (page.json["next_before"].is_null() || cursors.size() > 5) break;
    query = "?limit=3&before=" + page.json["next_before"].get<std::string>();
  }

  EXPECT_EQ(listed(""), newest_first);
  EXPECT_EQ(paged, newest_first);
  EXPECT_EQ(cursors, (std::vector<Json>{newest_first[2], nullptr}));
  EXPECT_EQ(listed("?state=succeeded"), newest_first);
  EXPECT_EQ(listed("?state=queued,running,interrupted"), std::vector<std::string>{});
  EXPECT_EQ(listed("?kind=sync_account"), std::vector<std::string>{ids[0]});
  EXPECT_EQ(listed("?kind=sync_playlist&playlist_id=" + std::string(SeedIds::kAliceBig)),
            std::vector<std::string>{ids[2]});
  EXPECT_EQ(listed("?account_id=" + std::to_string(account)), newest_first);
  EXPECT_EQ(listed("?account_id=" + std::to_string(account + 1000)), std::vector<std::string>{});
  for (const char* bad : {"?state=partial", "?kind=sync", "?limit=0", "?limit=201", "?before=x"}) {
    const auto refused = admin.get(std::string("/api/jobs") + bad);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(refused.json["error"]["code"], "invalid_input") << bad;
  }
}

TEST_F(JobsApiTest, SyncNowTwiceIsOneSyncAndAPlaylistSyncWaitsForItsAccountsSync) {
  start_gated();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");  // its playlists are known now
  EventReader events(base_url() + "/api/events", admin.cookie());
  ASSERT_TRUE(events.wait_connected());
  auto held = hold([](const http::Request& request) {
    return request.path.starts_with("/v1/me/playlists");  // the account sync's listing
  });

  const auto first = admin.call("POST", sync_path(account));
  ASSERT_TRUE(held->wait_reached());
  const auto second = admin.call("POST", sync_path(account));
  const auto playlist = admin.call("POST", jobs_path_of(account, SeedIds::kAliceMain, "/sync"));
  const auto playlist_again = admin.call("POST", jobs_path_of(account, SeedIds::kAliceMain, "/sync"));
  const auto accounts = admin.get("/api/accounts");
  const auto active = admin.get("/api/jobs?state=queued,running");
  const std::string metrics = Browser(*this).get("/metrics").body;
  held->release();
  ASSERT_EQ(first.status, 202) << first.body;
  ASSERT_EQ(playlist.status, 202) << playlist.body;
  const Json account_done = wait_for_job(events, first.json["id"]);
  const Json playlist_done = wait_for_job(events, playlist.json["id"]);

  EXPECT_EQ(second.status, 202);
  EXPECT_EQ(second.json["id"], first.json["id"]);
  EXPECT_EQ(second.json["state"], "running");
  EXPECT_NE(playlist.json["id"], first.json["id"]);
  EXPECT_EQ(playlist.json["state"], "queued");  // its key conflicts with the running sync's
  EXPECT_EQ(playlist.json["kind"], "sync_playlist");
  EXPECT_EQ(playlist.json["unit"], "tracks");
  EXPECT_EQ(playlist_again.json["id"], playlist.json["id"]);
  EXPECT_EQ(accounts.json["accounts"][0]["syncing"], true);
  EXPECT_EQ(active.json["jobs"].size(), 2u);
  EXPECT_NE(metrics.find("plm_sync_jobs_running 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("plm_sync_jobs_queued 1\n"), std::string::npos) << metrics;
  EXPECT_EQ(account_done["state"], "succeeded") << account_done.dump();
  EXPECT_EQ(playlist_done["state"], "succeeded") << playlist_done.dump();
  // The playlist's sync ran once the account's had finished.
  const auto all = events.events();
  const auto position = [&](const std::string& id, const std::string& state) {
    return std::find_if(all.begin(), all.end(), [&](const EventReader::Event& event) {
      return event.name == "job" && event.data["id"] == id && event.data["state"] == state;
    });
  };
  EXPECT_LT(position(first.json["id"], "succeeded"), position(playlist.json["id"], "running"));
  EXPECT_EQ(admin.get("/api/accounts").json["accounts"][0]["syncing"], false);
  const std::string after = Browser(*this).get("/metrics").body;
  EXPECT_NE(after.find("plm_sync_jobs_running 0\n"), std::string::npos) << after;
  EXPECT_NE(after.find("plm_sync_jobs_queued 0\n"), std::string::npos) << after;
  EXPECT_NE(after.find("plm_sync_jobs_finished_total{state=\"succeeded\"} 3"), std::string::npos);
}

TEST_F(JobsApiTest, AQueuedJobIsCancelledAtOnceAndNeverRuns) {
  start_gated();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  EventReader events(base_url() + "/api/events", admin.cookie());
  ASSERT_TRUE(events.wait_connected());
  auto held = hold(
      [](const http::Request& request) { return request.path.starts_with("/v1/me/playlists"); });
  const auto running = admin.call("POST", sync_path(account));
  ASSERT_TRUE(held->wait_reached());
  const auto queued = admin.call("POST", jobs_path_of(account, SeedIds::kAliceBig, "/sync"));
  ASSERT_EQ(queued.status, 202) << queued.body;
  ASSERT_EQ(queued.json["state"], "queued");
  const std::string id = queued.json["id"];

  const auto cancelled = admin.call("POST", "/api/jobs/" + id + "/cancel");
  const auto event = events.wait_for([&](const EventReader::Event& e) {
    return e.name == "job" && e.data["id"] == id && e.data["state"] == "cancelled";
  });
  held->release();
  const Json account_done = wait_for_job(events, running.json["id"]);
  const auto again = admin.call("POST", "/api/jobs/" + id + "/cancel");
  const auto finished =
      admin.call("POST", "/api/jobs/" + account_done["id"].get<std::string>() + "/cancel");
  const Json details = job_details(admin, id);

  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json["state"], "cancelled");
  EXPECT_NE(cancelled.json["finished_at"], nullptr);
  EXPECT_TRUE(event.has_value());
  EXPECT_EQ(account_done["state"], "succeeded");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json["error"]["code"], "conflict");
  EXPECT_EQ(finished.status, 409);
  EXPECT_EQ(details["job"]["state"], "cancelled");
  EXPECT_EQ(details["job"]["attempts"], 0);
  EXPECT_EQ(details["job"]["started_at"], nullptr);
  EXPECT_EQ(history_of(details), (std::vector<std::string>{"enqueued", "cancelled"}));
  EXPECT_EQ(details["items"], Json::array());
}

TEST_F(JobsApiTest, ARunningSyncIsCancelledBetweenTwoPlaylistsAndWhatItDidStaysDone) {
  // One playlist at a time, so "the playlist it was reading" is one (a stop with several in
  // flight: core/sync/sync_in_flight_test.cpp).
  start(Setup{.gate_spotify = true, .sync_in_flight = 1});
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  EventReader events(base_url() + "/api/events", admin.cookie());
  ASSERT_TRUE(events.wait_connected());
  // Held: the first item page of the second playlist the sync reads.
  auto first_read = std::make_shared<std::string>();
  auto held = hold([first_read](const http::Request& request) {
    if (!is_items_request(request)) return false;
    if (first_read->empty()) *first_read = request.path;  // the gate's calls are serialised
    return request.path != *first_read;
  });
  const auto started = admin.call("POST", sync_path(account));
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string id = started.json["id"];
  ASSERT_TRUE(held->wait_reached());

  const auto cancelling = admin.call("POST", "/api/jobs/" + id + "/cancel");
  const Json while_held = job_details(admin, id);
  held->release();
  const Json done = wait_for_job(events, id);
  const Json details = job_details(admin, id);
  const auto listed = admin.get("/api/playlists");
  const auto new_sync = admin.call("POST", sync_path(account));

  ASSERT_EQ(cancelling.status, 200) << cancelling.body;
  EXPECT_EQ(cancelling.json["state"], "running");
  EXPECT_EQ(cancelling.json["cancel_requested"], true);
  EXPECT_EQ(read_playlists(while_held).size(), 1u) << while_held.dump();
  EXPECT_EQ(done["state"], "cancelled") << done.dump();
  EXPECT_EQ(details["job"]["cancel_requested"], true);
  EXPECT_EQ(history_of(details),
            (std::vector<std::string>{"enqueued", "started", "cancel_requested", "cancelled"}));
  // It stopped after the playlist it was reading: two read, the others never started.
  const auto read = read_playlists(details);
  ASSERT_EQ(read.size(), 2u) << details["items"].dump();
  EXPECT_LT(details["items"].size(), 6u);
  EXPECT_EQ("/v1/playlists/" + read[1] + "/items", held->held());
  std::set<std::string> stored;
  for (const auto& playlist : listed.json["playlists"]) {
    if (playlist["stored_track_count"].get<int>() > 0) stored.insert(playlist["id"]);
  }
  EXPECT_EQ(stored, (std::set<std::string>{read[0], read[1]})) << listed.body;
  // "Sync now" after "Cancel" is a new sync.
  ASSERT_EQ(new_sync.status, 202);
  EXPECT_NE(new_sync.json["id"], id);
  EXPECT_EQ(wait_for_job(events, new_sync.json["id"])["state"], "succeeded");
}

TEST_F(JobsApiTest, ViewersReadTheirJobsEditorsCancelAndOtherUsersGetNotFound) {
  start_gated();
  Browser admin = setup_admin();
  Browser eddie = add_user(admin, "eddie", "editor");
  Browser mallory = add_user(admin, "mallory", "editor");
  const std::int64_t account = connect(eddie);
  auto held = hold(
      [](const http::Request& request) { return request.path.starts_with("/v1/me/playlists"); });
  const auto started = eddie.call("POST", sync_path(account));
  ASSERT_EQ(started.status, 202) << started.body;
  ASSERT_TRUE(held->wait_reached());
  const std::string id = started.json["id"];
  const std::int64_t eddie_id = eddie.get("/api/session").json["user"]["id"];
  ASSERT_EQ(admin.call("PATCH", "/api/users/" + std::to_string(eddie_id), Json{{"role", "viewer"}})
                .status,
            200);
  Browser vic(*this);
  ASSERT_EQ(vic.sign_in("eddie").status, 200);  // eddie, a viewer now

  const auto viewer_list = vic.get("/api/jobs");
  const auto viewer_read = vic.get("/api/jobs/" + id);
  const auto viewer_cancel = vic.call("POST", "/api/jobs/" + id + "/cancel");
  const auto other_read = mallory.get("/api/jobs/" + id);
  const auto other_cancel = mallory.call("POST", "/api/jobs/" + id + "/cancel");
  const auto other_list = mallory.get("/api/jobs");
  const auto admin_cancel = admin.call("POST", "/api/jobs/" + id + "/cancel");
  held->release();

  EXPECT_EQ(viewer_list.status, 200);
  EXPECT_EQ(viewer_list.json["jobs"].size(), 1u);
  EXPECT_EQ(viewer_read.status, 200);
  EXPECT_EQ(viewer_cancel.status, 403);
  EXPECT_EQ(viewer_cancel.json["error"]["code"], "forbidden");
  for (const auto* reply : {&other_read, &other_cancel, &admin_cancel}) {
    EXPECT_EQ(reply->status, 404) << reply->body;  // like a job that does not exist
    EXPECT_EQ(reply->json["error"]["code"], "not_found");
  }
  EXPECT_EQ(other_list.json["jobs"], Json::array());
  EXPECT_EQ(mallory.get("/api/jobs/999999").status, 404);
  EXPECT_EQ(mallory.get("/api/jobs/not-a-number").status, 404);
}

}  // namespace
}  // namespace plm::web_test
