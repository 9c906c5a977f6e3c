// The `plm` command line end to end: connect (headless and interactive), sync with the fewest
// calls, listings, and Spotify's bad days (expired authorization, rate limits, 5xx) — against a
// real emulator over loopback HTTP, with the plm binary run as a separate process.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/config.hpp"
#include "app/services.hpp"
#include "app/sync_jobs.hpp"
#include "app/worker.hpp"
#include "catalog/seed.hpp"
#include "cli_fixture.hpp"
#include "core/model/account.hpp"
#include "core/ports/clock.hpp"
#include "emulator/emulator.hpp"
#include "http/server.hpp"
#include "support/http_client.hpp"
#include "support/openapi/openapi_validator.hpp"
#include "support/process.hpp"
#include "terminal_session.hpp"
#include "testkit/testkit.hpp"

extern char** environ;

namespace {

using namespace plm_cli_test;

/// A small account: 3 owned playlists (120, 3 and 0 tracks) and one followed playlist.
Seed small_seed() {
  auto uri = [](std::size_t n) { return "spotify:track:" + catalog().tracks().at(n).id; };
  Seed seed;
  seed.users = {{"dj", "DJ Test", true}, {"other", "Other", true}};
  SeedPlaylist big;
  big.id = "DjBig00000000000000001";
  big.owner_id = "dj";
  big.name = "Big";
  for (std::size_t i = 0; i < 120; ++i)
    big.entries.push_back({uri(i), "2025-01-01T00:00:00Z", "dj"});
  SeedPlaylist small{"DjSmall000000000000001",
                     "dj",
                     "Small",
                     "three tracks",
                     true,
                     false,
                     {{uri(200), "", "dj"}, {uri(201), "", "dj"}, {uri(202), "", "dj"}},
                     {}};
  SeedPlaylist empty{"DjEmpty000000000000001", "dj", "Empty", "", false, false, {}, {}};
  SeedPlaylist followed{"Followed00000000000001",  "other", "Followed", "", true, false,
                        {{uri(300), "", "other"}}, {"dj"}};
  seed.playlists = {big, small, empty, followed};
  return seed;
}

TEST_F(CliTest, HeadlessConnectStoresTheAccount) {
  start(small_seed(), "dj");
  connect();

  const auto accounts = plm({"--json", "accounts"});

  ASSERT_EQ(accounts.exit_code, 0) << accounts.err;
  const Json list = Json::parse(accounts.out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["spotify_user_id"], "dj");
  EXPECT_EQ(list[0]["status"], "active");
  EXPECT_GE(list[0]["days_until_expiry"].get<int>(), 180);
}

TEST_F(CliTest, ConnectingWithAShortLivedFirstTokenStoresTheRefreshedTokens) {
  start(small_seed(), "dj");
  // The profile read at connect time refreshes (60 s tokens are inside the 5-minute margin) before
  // the account exists; the refresh rotates, so only the refreshed tokens work afterwards.
  admin_json("POST", "/__emulator/config",
             Json{{"access_token_ttl_s", 60}, {"rotate_refresh_tokens", true}});
  connect();
  admin_json("POST", "/__emulator/config", Json{{"access_token_ttl_s", 3600}});

  const auto sync = plm({"sync", "--quiet"});

  EXPECT_EQ(sync.exit_code, 0) << sync.err;
  EXPECT_EQ(Json::parse(plm({"--json", "accounts"}).out)[0]["status"], "active");
}

TEST_F(CliTest, AccountsShowTheAuthorizationExpiryTheCoreComputesLikeTheWebApp) {
  start(small_seed(), "dj");
  connect();

  const auto accounts = plm({"--json", "accounts"});

  ASSERT_EQ(accounts.exit_code, 0) << accounts.err;
  const Json shown = Json::parse(accounts.out).at(0);
  ASSERT_TRUE(shown["authorized_at"].is_string()) << shown.dump();
  plm::core::SpotifyAccount account;
  account.tokens.authorized_at = plm::core::parse_utc(shown["authorized_at"].get<std::string>());
  ASSERT_TRUE(account.tokens.authorized_at) << shown.dump();
  // Six calendar months after consent (what Spotify and the emulator do), not 183 days.
  EXPECT_EQ(shown["authorization_expires_at"],
            plm::core::format_utc(*plm::core::authorization_expires_at(account)));
  const auto days_left = shown["days_until_expiry"].get<std::int64_t>();
  const auto now = std::chrono::system_clock::now();
  EXPECT_TRUE(days_left == plm::core::authorization_days_left(account, now) ||
              days_left ==
                  plm::core::authorization_days_left(account, now - std::chrono::minutes(1)))
      << days_left;  // plm's clock ran on between its answer and this line
}

TEST_F(CliTest, InteractiveConnectReceivesTheCallbackOnALoopbackPort) {
  start(small_seed(), "dj");
  plm::test_support::Process connect(
      {PLM_BINARY, "--json", "connect", "--port", "0", "--timeout", "60"}, environment());

  const Json started = Json::parse(connect.read_line());
  HttpClient browser(base_);
  const auto consent = browser.get(started["authorize_url"].get<std::string>());
  const std::string callback(consent.header("Location").value_or(""));
  const std::string redirect_uri = started["redirect_uri"];
  HttpClient stranger(redirect_uri.substr(0, redirect_uri.rfind('/')));
  const auto forged =
      stranger.get("/callback?code=forged&state=not-ours");  // turned away, wait goes on
  const auto landed = browser.get(callback);  // the browser following Spotify's redirect to plm
  const auto result = connect.wait();

  EXPECT_EQ(forged.status, 400);
  EXPECT_TRUE(callback.starts_with(started["redirect_uri"].get<std::string>() + "?code="));
  EXPECT_EQ(landed.status, 200);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(Json::parse(result.out)["spotify_user_id"], "dj");
}

TEST_F(CliTest, ACallbackWithTheWrongStateIsRefused) {
  start(small_seed(), "dj");
  ASSERT_EQ(plm({"connect", "--print-url"}).exit_code, 0);

  const auto forged =
      plm({"connect", "--callback", "http://127.0.0.1/callback?code=abc&state=forged"});

  EXPECT_NE(forged.exit_code, 0);
  EXPECT_NE(forged.err.find("state"), std::string::npos) << forged.err;
}

TEST_F(CliTest, SyncMakesTheLowerBoundOfCallsAndResyncOnlyLists) {
  start(default_seed(), "demo-pro");
  connect();
  const auto before = emulator_calls();

  const auto first = plm({"--json", "sync"});
  const auto after_first = emulator_calls();
  const auto second = plm({"--json", "sync"});

  ASSERT_EQ(first.exit_code, 0) << first.err;
  const Json report = Json::parse(first.out);
  EXPECT_GE(report["playlists"].get<int>(), 300);
  EXPECT_EQ(report["calls"], report["planned_calls"]);  // exactly the lower bound
  EXPECT_EQ(after_first - before, report["calls"].get<std::int64_t>());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const Json again = Json::parse(second.out);
  const auto playlists = report["playlists"].get<std::int64_t>();
  EXPECT_EQ(again["calls"], (playlists + 49) / 50);
  EXPECT_EQ(emulator_calls() - after_first, (playlists + 49) / 50);
  EXPECT_EQ(again["read"], 0);
}

TEST_F(CliTest, PlaylistsAndPlaylistShowListWhatWasSynced) {
  start(small_seed(), "dj");
  connect();
  ASSERT_EQ(plm({"sync"}).exit_code, 0);

  const auto list = plm({"--json", "playlists"});
  const auto owned = plm({"--json", "playlists", "--owned"});
  const auto show = plm({"--json", "playlist", "show", "DjBig00000000000000001"});
  const auto followed = plm({"playlist", "show", "Followed00000000000001"});
  const auto text = plm({"playlists"});

  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(Json::parse(list.out).size(), 4u);
  EXPECT_EQ(Json::parse(owned.out).size(), 3u);
  const Json big = Json::parse(show.out);
  ASSERT_EQ(big["items"].size(), 120u);
  EXPECT_EQ(big["items"][0]["name"], catalog().tracks().at(0).name);
  EXPECT_NE(followed.err.find("contents not stored"), std::string::npos);
  EXPECT_NE(text.out.find("Small"), std::string::npos);
}

// ---- plm jobs ----------------------------------------------------------------------------------

// plm playlist history, in the web API's PlaylistVersion shape.
TEST_F(CliTest, PlaylistHistoryListsTheVersionsTheSyncsRecordedNewestFirst) {
  start(small_seed(), "dj");
  connect();
  ASSERT_EQ(plm({"sync"}).exit_code, 0);
  // Someone changes the playlist outside plm: two tracks added at the top.
  const auto added = outside_plm("POST", "/playlists/DjSmall000000000000001/items",
                                 Json{{"uris", testkit::track_uris(300, 2)}, {"position", 0}});
  ASSERT_EQ(added.status, 201) << added.body;
  ASSERT_EQ(plm({"sync"}).exit_code, 0);

  const auto text = plm({"playlist", "history", "DjSmall000000000000001"});
  const auto json = plm({"--json", "playlist", "history", "DjSmall000000000000001"});
  const auto edits =
      plm({"--json", "playlist", "history", "DjSmall000000000000001", "--cause", "edit"});
  const auto bad_cause = plm({"playlist", "history", "DjSmall000000000000001", "--cause", "x"});
  const auto unknown = plm({"playlist", "history", "NoSuch0000000000000001"});
  const auto unread = plm({"playlist", "history", "Followed00000000000001"});

  ASSERT_EQ(text.exit_code, 0) << text.err;
  // One TSV line per version (a pipe): VERSION, RECORDED, CAUSE, WHO, CHANGES, WHAT.
  const auto second = text.out.find("2\t");
  const auto first = text.out.find("\n1\t");
  ASSERT_NE(second, std::string::npos) << text.out;
  EXPECT_LT(second, first);  // newest first
  EXPECT_NE(text.out.find("+2 -0 ~0", second), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("changed outside plm", second), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("first seen", first), std::string::npos) << text.out;
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const Json versions = Json::parse(json.out);
  ASSERT_EQ(versions.size(), 2u);
  for (const auto& version : versions) expect_schema("PlaylistVersion", version);
  EXPECT_EQ(versions[0]["version"], 2);
  EXPECT_EQ(versions[0]["changes"]["added"], 2);
  EXPECT_EQ(versions[0]["cause"]["kind"], "sync");
  ASSERT_EQ(edits.exit_code, 0) << edits.err;
  EXPECT_EQ(Json::parse(edits.out), Json::array());
  EXPECT_NE(bad_cause.exit_code, 0);
  EXPECT_NE(bad_cause.err.find("--cause takes sync, edit"), std::string::npos) << bad_cause.err;
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("NoSuch0000000000000001"), std::string::npos) << unknown.err;
  ASSERT_EQ(unread.exit_code, 0) << unread.err;  // stored, its items unreadable: no versions
  EXPECT_NE(unread.err.find("no versions recorded yet"), std::string::npos);
}

// plm playlist create / copy / delete: jobs run in the process, checked on the emulator's state.
TEST_F(CliTest, PlaylistCreateCopyAndDeleteChangeSpotifyAndTheStore) {
  start(small_seed(), "dj");
  connect();
  ASSERT_EQ(plm({"sync"}).exit_code, 0);
  const auto spotify_playlists = [&] {
    std::map<std::string, Json> by_name;
    for (const auto& playlist : admin_json("GET", "/__emulator/users/dj/playlists"))
      if (playlist["owner_id"] == "dj") by_name[playlist["name"]] = playlist;
    return by_name;
  };
  const auto uris_of = [](const Json& playlist) {
    std::vector<std::string> uris;
    for (const auto& entry : playlist["entries"]) uris.push_back(entry["uri"]);
    return uris;
  };

  const auto created = plm({"playlist", "create", "Fresh", "--description", "new"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.out.find("created \u201cFresh\u201d with 0 tracks"), std::string::npos)
      << created.out;
  ASSERT_TRUE(spotify_playlists().contains("Fresh"));
  EXPECT_TRUE(spotify_playlists().at("Fresh")["entries"].empty());
  EXPECT_EQ(spotify_playlists().at("Fresh")["description"], "new");

  const auto copied = plm({"--json", "playlist", "copy", "DjBig00000000000000001", "Big copy",
                           "--why", "for the show"});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  const Json job = Json::parse(copied.out);
  EXPECT_EQ(job["job"]["kind"], "create_playlist");
  EXPECT_EQ(job["job"]["state"], "succeeded");
  const auto remote = spotify_playlists();
  ASSERT_TRUE(remote.contains("Big copy"));
  EXPECT_EQ(uris_of(remote.at("Big copy")), uris_of(remote.at("Big")));
  const std::string copy_id = remote.at("Big copy")["id"];
  const Json history = Json::parse(plm({"--json", "playlist", "history", copy_id}).out);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["cause"]["action"], "copy");
  EXPECT_EQ(history[0]["cause"]["origin"], "cli");
  EXPECT_EQ(history[0]["cause"]["why"], "for the show");
  const Json jobs = Json::parse(plm({"--json", "jobs"}).out);
  EXPECT_EQ(jobs.size(), 2u);  // the two creations, listed like the web app's jobs

  const auto unknown = plm({"playlist", "copy", "NoSuch0000000000000001", "x"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("plm sync"), std::string::npos) << unknown.err;
  EXPECT_EQ(plm({"playlist", "create", std::string(201, 'x')}).exit_code, 2);

  // Not on a terminal: no question.
  const auto deleted = plm({"playlist", "delete", copy_id});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_FALSE(spotify_playlists().contains("Big copy"));
  EXPECT_NE(plm({"playlist", "show", copy_id}).exit_code, 0);
  EXPECT_EQ(Json::parse(plm({"--json", "playlist", "history", copy_id}).out).size(), 1u);
}

TEST_F(CliTest, PlaylistDeleteAsksAtATerminalUnlessYes) {
  start(small_seed(), "dj");
  connect();
  ASSERT_EQ(plm({"sync"}).exit_code, 0);
  const auto followed = [&](const std::string& id) {
    for (const auto& playlist : admin_json("GET", "/__emulator/users/dj/playlists"))
      if (playlist["id"] == id) return true;
    return false;
  };
  {
    TerminalSession terminal({PLM_BINARY, "playlist", "delete", "DjSmall000000000000001"},
                             environment());
    ASSERT_TRUE(terminal.wait_for("[y/N] ")) << terminal.screen();
    terminal.type("n\n");
    EXPECT_EQ(terminal.wait_exit(), 1) << terminal.screen();
    EXPECT_NE(terminal.screen().find("Unfollow \u201cSmall\u201d"), std::string::npos);
  }
  EXPECT_TRUE(followed("DjSmall000000000000001"));
  {
    TerminalSession terminal({PLM_BINARY, "playlist", "delete", "DjSmall000000000000001"},
                             environment());
    ASSERT_TRUE(terminal.wait_for("[y/N] ")) << terminal.screen();
    terminal.type("y\n");
    EXPECT_EQ(terminal.wait_exit(), 0) << terminal.screen();
  }
  EXPECT_FALSE(followed("DjSmall000000000000001"));
  {
    TerminalSession terminal({PLM_BINARY, "playlist", "delete", "DjEmpty000000000000001", "--yes"},
                             environment());
    EXPECT_EQ(terminal.wait_exit(), 0) << terminal.screen();
    EXPECT_EQ(terminal.screen().find("[y/N]"), std::string::npos);
  }
  EXPECT_FALSE(followed("DjEmpty000000000000001"));
}

TEST_F(CliTest, JobsListShowAndCancelTheUsersJobsInTheWebApisShapes) {
  start(small_seed(), "dj");
  connect();
  // The jobs plm serve would have: a sync that ran (through the worker, as plm serve runs it), one
  // running in another process, one waiting; and another user's.
  auto config = plm::app::build_config(environment(), {}, {}, "");
  ASSERT_TRUE(config) << config.error().message;
  auto services = plm::app::Services::open(*config);
  auto& queue = services->jobs();
  const auto admin = services->users().find_user_by_name("admin")->value();
  const auto account = services->accounts().accounts_of(admin.id)->front();
  plm::app::JobHandlers handlers;
  plm::app::add_sync_handlers(
      handlers, {services->accounts(), services->playlists(), services->journal(),
                 services->clock(), [&](const plm::core::SpotifyAccount& a) {
                   return std::shared_ptr<plm::core::SpotifyApi>(services->spotify_for(a));
                 }});
  plm::app::ConditionWaiter waiter(services->clock());
  plm::app::Worker worker(queue, handlers, services->clock(), waiter, {.name = "cli-test"});
  const auto synced = queue.enqueue(plm::app::sync_account_job(admin.id, account.id))->job.id;
  ASSERT_TRUE(worker.run_one());
  const auto running =
      queue.enqueue(plm::app::sync_playlist_job(admin.id, account.id, "DjBig00000000000000001"))
          ->job.id;
  ASSERT_TRUE(queue.claim("elsewhere/0", {}, std::chrono::seconds(30))->has_value());
  const auto waiting =
      queue.enqueue(plm::app::sync_playlist_job(admin.id, account.id, "DjSmall000000000000001"))
          ->job.id;
  const auto other_user = services->users().create_user("other", "", plm::core::Role::Editor);
  const auto others =
      queue.enqueue(plm::core::NewJob{.owner_user_id = other_user->id, .concurrency_key = "other"})
          ->job.id;
  auto id = [](std::int64_t number) { return std::to_string(number); };

  const auto list = plm({"jobs"});
  const auto json = plm({"jobs", "--json"});
  const auto active = plm({"--json", "jobs", "--state", "queued,running"});
  const auto bad_state = plm({"jobs", "--state", "partial"});
  const auto show = plm({"jobs", "show", id(synced)});
  const auto show_json = plm({"jobs", "show", id(synced), "--json"});
  const auto missing = plm({"jobs", "show", "999999"});
  const auto not_mine = plm({"jobs", "show", id(others)});
  const auto not_a_number = plm({"jobs", "show", "abc"});
  const auto cancel_waiting = plm({"jobs", "cancel", id(waiting)});
  const auto cancel_running = plm({"jobs", "cancel", id(running), "--json"});
  const auto cancel_finished = plm({"jobs", "cancel", id(synced)});
  const auto cancel_nothing = plm({"jobs", "cancel"});
  const auto cancelled = plm({"jobs", "--state", "cancelled"});

  ASSERT_EQ(list.exit_code, 0) << list.err;
  // In a pipe: one TSV line per job, no header.
  const auto line_of = [&](std::int64_t job) {
    return ("\n" + list.out).find("\n" + id(job) + "\t");
  };
  EXPECT_LT(line_of(waiting), line_of(running));  // newest first
  EXPECT_LT(line_of(running), line_of(synced));
  EXPECT_EQ(line_of(others), std::string::npos);
  EXPECT_NE(list.out.find("succeeded"), std::string::npos) << list.out;
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const Json jobs = Json::parse(json.out);
  ASSERT_EQ(jobs.size(), 3u);
  for (const auto& job : jobs) expect_schema("Job", job);
  EXPECT_EQ(jobs[2]["id"], id(synced));
  EXPECT_EQ(jobs[2]["state"], "succeeded");
  EXPECT_EQ(jobs[2]["done"], 4);
  ASSERT_EQ(active.exit_code, 0) << active.err;
  EXPECT_EQ(Json::parse(active.out).size(), 2u);
  EXPECT_EQ(bad_state.exit_code, 2);
  EXPECT_NE(bad_state.err.find("--state takes queued, running"), std::string::npos);
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(std::count(show.out.begin(), show.out.end(), '\n'), 4) << show.out;  // its items
  EXPECT_NE(show.out.find("\tBig\t"), std::string::npos) << show.out;
  ASSERT_EQ(show_json.exit_code, 0) << show_json.err;
  const Json details = Json::parse(show_json.out);
  expect_schema("JobDetails", details);
  EXPECT_EQ(details["items"].size(), 4u);
  EXPECT_EQ(details["history"].size(), 3u);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no job 999999"), std::string::npos) << missing.err;
  EXPECT_EQ(not_mine.exit_code, 1);
  EXPECT_EQ(not_a_number.exit_code, 2);
  EXPECT_EQ(cancel_waiting.exit_code, 0) << cancel_waiting.err;
  EXPECT_NE(cancel_waiting.out.find("cancelled"), std::string::npos) << cancel_waiting.out;
  ASSERT_EQ(cancel_running.exit_code, 0) << cancel_running.err;
  const Json asked = Json::parse(cancel_running.out);
  expect_schema("Job", asked);
  EXPECT_EQ(asked["state"], "running");
  EXPECT_EQ(asked["cancel_requested"], true);
  EXPECT_EQ(cancel_finished.exit_code, 1);
  EXPECT_NE(cancel_finished.err.find("already finished (succeeded)"), std::string::npos);
  EXPECT_EQ(cancel_nothing.exit_code, 2);
  EXPECT_NE(("\n" + cancelled.out).find("\n" + id(waiting) + "\t"), std::string::npos)
      << cancelled.out;
  EXPECT_EQ(queue.find_job(running)->value().job.state, plm::core::JobState::Running);
}

TEST_F(CliTest, AnExpiredAuthorizationStopsWithExitCode3AndMarksTheAccount) {
  start(small_seed(), "dj");
  connect();
  admin_json("POST", "/__emulator/clock", Json{{"advance_ms", 190LL * 24 * 3600 * 1000}});
  admin_json("POST", "/__emulator/faults", Json{{"rules", {{{"kind", "expired_token"}}}}});

  const auto sync = plm({"sync"});
  const auto again = plm({"sync"});

  EXPECT_EQ(sync.exit_code, 3) << sync.err;
  EXPECT_NE(sync.err.find("plm connect"), std::string::npos) << sync.err;
  EXPECT_EQ(Json::parse(plm({"--json", "accounts"}).out)[0]["status"], "needs_reauth");
  EXPECT_EQ(again.exit_code, 3);
}

TEST_F(CliTest, ALongRetryAfterStopsWithExitCode4AndTheRetryTime) {
  start(small_seed(), "dj");
  connect();
  admin_json(
      "POST", "/__emulator/faults",
      Json{{"rules",
            {{{"kind", "rate_limit"}, {"retry_after_s", 7200}, {"path_contains", "/items"}}}}});

  const auto sync = plm({"sync"});

  EXPECT_EQ(sync.exit_code, 4) << sync.err;
  EXPECT_NE(sync.err.find("retry after"), std::string::npos) << sync.err;
  admin_json("DELETE", "/__emulator/faults");
  // The pause is the client ID's and kept in the database: the next process does not call Spotify
  // before it ends (calling while limited only lengthens the penalty).
  const auto calls = emulator_calls();
  const auto paused = plm({"sync"});
  EXPECT_EQ(paused.exit_code, 4) << paused.err;
  EXPECT_EQ(emulator_calls(), calls);
  // Two hours later (plm reads the real clock, so the pause is ended in the database), nothing is
  // half-stored: the next sync reads what the first could not.
  end_rate_limit_pauses();
  EXPECT_EQ(plm({"sync"}).exit_code, 0);
  const auto show = plm({"--json", "playlist", "show", "DjBig00000000000000001"});
  EXPECT_EQ(Json::parse(show.out)["items"].size(), 120u);
}

TEST_F(CliTest, ShortRateLimitStormsAndServerErrorsAreRiddenOut) {
  start(small_seed(), "dj");
  connect();
  admin_json("POST", "/__emulator/faults",
             Json{{"rules",
                   {{{"kind", "rate_limit"}, {"retry_after_s", 0}, {"count", 3}},
                    {{"kind", "status"},
                     {"status", 503},
                     {"nth", 2},
                     {"count", 2},
                     {"path_contains", "/items"}}}}});

  const auto sync = plm({"--json", "sync"});

  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  const Json report = Json::parse(sync.out);
  EXPECT_GE(report["rate_limited"].get<int>(), 3);
  EXPECT_GE(report["retries"].get<int>(), 2);
  const auto show = plm({"--json", "playlist", "show", "DjBig00000000000000001"});
  EXPECT_EQ(Json::parse(show.out)["items"].size(), 120u);
}

TEST_F(CliTest, HelpWorksWithABrokenConfigurationAndTouchesNothing) {
  start(small_seed(), "dj");
  auto env = environment();
  env["PLM_DATABASE_URL"] = "postgresql://127.0.0.1:1/nowhere";
  env["PLM_SPOTIFY_RATE_BUDGET"] = "broken";

  for (const char* command : {"sync", "connect", "playlists", "accounts", "config", "user"}) {
    const auto help = run_process({PLM_BINARY, command, "--help"}, env);
    EXPECT_EQ(help.exit_code, 0) << command << ": " << help.err;
    EXPECT_NE(help.out.find("usage: plm"), std::string::npos) << command;
  }
  EXPECT_FALSE(fs::exists(data_dir_));
}

TEST_F(CliTest, BadNumbersAreUsageErrorsBeforeAnythingStarts) {
  start(small_seed(), "dj");
  const auto port = plm({"connect", "--port", "70000"});
  const auto timeout = plm({"connect", "--timeout", "soon"});

  EXPECT_EQ(port.exit_code, 2);
  EXPECT_NE(port.err.find("--port must be a number from 0 to 65535"), std::string::npos)
      << port.err;
  EXPECT_EQ(timeout.exit_code, 2);
  EXPECT_EQ(timeout.out, "");  // no URL printed, no listener started
}

TEST_F(CliTest, JsonModeReportsErrorsOnStdoutToo) {
  start(small_seed(), "dj");
  const auto sync = plm({"--json", "sync"});
  EXPECT_NE(sync.exit_code, 0);
  EXPECT_EQ(Json::parse(sync.out)["error"]["code"], "not_found");
}

TEST_F(CliTest, BadConfigurationAndUsageGiveClearMessagesAndExitCode2) {
  start(small_seed(), "dj");
  auto env = environment();

  const auto budget = run_process({PLM_BINARY, "sync"}, [&] {
    auto e = env;
    e["PLM_SPOTIFY_RATE_BUDGET"] = "fast";
    return e;
  }());
  const auto unknown = plm({"frobnicate"});
  const auto no_account = plm({"sync"});
  const auto help = plm({"sync", "--help"});

  EXPECT_EQ(budget.exit_code, 2);
  EXPECT_NE(budget.err.find("PLM_SPOTIFY_RATE_BUDGET must be a whole number"), std::string::npos);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(no_account.err.find("plm connect"), std::string::npos);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: plm sync"), std::string::npos);
}

TEST_F(CliTest, FlagsTakeBothFormsAndGlobalOptionsComeBeforeOrAfterTheCommand) {
  start(small_seed(), "dj");
  connect();
  ASSERT_EQ(plm({"sync"}).exit_code, 0);
  auto elsewhere = environment();
  elsewhere["PLM_DATA_DIR"] = data_dir_.string() + "-unused";

  const auto before = plm({"--json", "playlists", "--search", "big"});
  const auto after = plm({"playlists", "--search=big", "--json"});
  const auto data_dir_after = run_process(
      {PLM_BINARY, "accounts", "--data-dir=" + data_dir_.string(), "--json"}, elsewhere);

  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(Json::parse(before.out).size(), 1u);
  EXPECT_EQ(after.out, before.out);
  ASSERT_EQ(data_dir_after.exit_code, 0) << data_dir_after.err;
  EXPECT_EQ(Json::parse(data_dir_after.out).size(), 1u);
  EXPECT_FALSE(fs::exists(data_dir_.string() + "-unused"));
}

TEST_F(CliTest, UsageMistakesNameTheCommandAndPointAtItsHelp) {
  start(small_seed(), "dj");

  const auto option = plm({"sync", "--x"});
  const auto command = plm({"user", "frob"});
  const auto value = plm({"playlists", "--search"});
  const auto argument = plm({"playlist", "show"});

  EXPECT_EQ(option.exit_code, 2);
  EXPECT_EQ(option.err, "plm: unknown option '--x' for 'plm sync' (see plm sync --help)\n");
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_EQ(command.err, "plm: unknown command 'frob' for 'plm user' (see plm user --help)\n");
  EXPECT_EQ(value.exit_code, 2);
  EXPECT_EQ(value.err,
            "plm: option '--search' for 'plm playlists' needs a value (see plm playlists "
            "--help)\n");
  EXPECT_EQ(argument.exit_code, 2);
  EXPECT_EQ(argument.err,
            "plm: missing ID for 'plm playlist show' (see plm playlist show --help)\n");
  EXPECT_FALSE(fs::exists(data_dir_));  // refused before anything was opened
}

TEST_F(CliTest, DoubleDashEndsTheOptions) {
  start(small_seed(), "dj");

  const auto added = plm({"user", "add", "--password-stdin", "--", "-dash"}, "long enough\n");
  const auto users = plm({"--json", "user", "list"});

  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.out, "added editor -dash\n");
  EXPECT_NE(users.out.find("\"-dash\""), std::string::npos) << users.out;
}

TEST_F(CliTest, UserAddRefusesNamesTheWebSignInThrottleCannotKey) {
  start(small_seed(), "dj");

  for (const std::string& name : std::vector<std::string>{"two words", std::string(65, 'x'),
                                                          "sl/ash", "Zo\u00eb", "tab\tbed"}) {
    const auto added = plm({"user", "add", name, "--password-stdin"}, "long enough\n");
    EXPECT_EQ(added.exit_code, 2) << name;
    EXPECT_NE(added.err.find("invalid user name '" + name + "'"), std::string::npos) << added.err;
  }
  const auto valid =
      plm({"user", "add", "jane.doe@example.org", "--password-stdin"}, "long enough\n");
  const auto users = plm({"--json", "user", "list"});

  EXPECT_EQ(valid.exit_code, 0) << valid.err;
  const Json list = Json::parse(users.out);
  ASSERT_EQ(list.size(), 1u) << users.out;
  EXPECT_EQ(list[0]["username"], "jane.doe@example.org");
}

TEST_F(CliTest, APasswordTypedAtATerminalIsNotShownAndIsAskedTwice) {
  start(small_seed(), "dj");
  TerminalSession terminal({PLM_BINARY, "user", "add", "bob", "--role", "viewer"}, environment());

  ASSERT_TRUE(terminal.wait_for("password for bob: ")) << terminal.screen();
  EXPECT_FALSE(terminal.echo_on());
  terminal.type("correct horse battery\n");
  ASSERT_TRUE(terminal.wait_for("again: ")) << terminal.screen();
  terminal.type("correct horse battery\n");
  const int exit_code = terminal.wait_exit();

  EXPECT_EQ(exit_code, 0) << terminal.screen();
  EXPECT_EQ(terminal.screen().find("correct horse"), std::string::npos) << terminal.screen();
  EXPECT_NE(terminal.screen().find("added viewer bob"), std::string::npos) << terminal.screen();
  EXPECT_TRUE(terminal.echo_on());
  const Json users = Json::parse(plm({"--json", "user", "list"}).out);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]["has_password"], true);
}

TEST_F(CliTest, TwoDifferentPasswordsAtATerminalAreRefused) {
  start(small_seed(), "dj");
  TerminalSession terminal({PLM_BINARY, "user", "add", "bob"}, environment());

  ASSERT_TRUE(terminal.wait_for("password for bob: ")) << terminal.screen();
  terminal.type("correct horse battery\n");
  ASSERT_TRUE(terminal.wait_for("again: ")) << terminal.screen();
  terminal.type("correct horse batterie\n");
  const int exit_code = terminal.wait_exit();

  EXPECT_EQ(exit_code, 2) << terminal.screen();
  EXPECT_NE(terminal.screen().find("the two passwords differ"), std::string::npos)
      << terminal.screen();
  EXPECT_EQ(terminal.screen().find("correct horse"), std::string::npos) << terminal.screen();
  EXPECT_TRUE(terminal.echo_on());
  EXPECT_EQ(Json::parse(plm({"--json", "user", "list"}).out).size(), 0u);
}

TEST_F(CliTest, CtrlCAtThePasswordPromptTurnsEchoBackOn) {
  start(small_seed(), "dj");
  TerminalSession terminal({PLM_BINARY, "user", "add", "bob"}, environment());

  ASSERT_TRUE(terminal.wait_for("password for bob: ")) << terminal.screen();
  ASSERT_FALSE(terminal.echo_on());
  terminal.type("half a pass\x03");  // Ctrl-C: the terminal sends SIGINT to plm
  const int exit_code = terminal.wait_exit();

  EXPECT_EQ(exit_code, -SIGINT) << terminal.screen();
  EXPECT_TRUE(terminal.echo_on());
  EXPECT_EQ(terminal.screen().find("half a pass"), std::string::npos) << terminal.screen();
  EXPECT_EQ(Json::parse(plm({"--json", "user", "list"}).out).size(), 0u);
}

// ---- plm playlist edit / move / add / remove / dedupe / sort / shuffle / restore (issue 9 §5) --

constexpr const char* kSmall = "DjSmall000000000000001";

class CliEditTest : public CliTest {
 protected:
  void start_synced() {
    start(small_seed(), "dj");
    connect();
    ASSERT_EQ(plm({"sync", "--quiet"}).exit_code, 0);
  }
  /// Runs an edit command and expects it to succeed.
  plm::test_support::ProcessResult edit(std::vector<std::string> arguments,
                                        const std::string& input = {}) {
    auto result = plm(std::move(arguments), input);
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    return result;
  }
};

TEST_F(CliEditTest, EachEditCommandChangesTheEmulatorsPlaylistAndIsRecordedInTheHistory) {
  start_synced();
  const auto u = catalog_uri;
  ASSERT_EQ(on_spotify(kSmall), (std::vector{u(200), u(201), u(202)}));

  const auto moved = edit({"playlist", "move", kSmall, "--from", "3", "--to", "1"});
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(202), u(200), u(201)}));
  EXPECT_NE(moved.out.find("1 moved; 1 Spotify call"), std::string::npos) << moved.out;
  EXPECT_NE(moved.out.find("done: "), std::string::npos) << moved.out;
  EXPECT_NE(moved.err.find("job "), std::string::npos) << moved.err;  // progress on stderr

  edit({"playlist", "add", kSmall, u(203), u(204), "--position", "2"});
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(202), u(203), u(204), u(200), u(201)}));
  edit({"playlist", "move", kSmall, "--from", "2", "--count", "2", "--to", "4"});
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(202), u(200), u(201), u(203), u(204)}));
  edit({"playlist", "remove", kSmall, u(200), u(204)});
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(202), u(201), u(203)}));
  edit({"playlist", "add", kSmall, u(202)});  // at the bottom: a duplicate
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(202), u(201), u(203), u(202)}));
  edit({"playlist", "dedupe", kSmall, "--keep", "last"});
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(201), u(203), u(202)}));
  edit({"playlist", "edit", kSmall, "--to", "-"},
       "# the new list\n" + u(205) + "\n\n  " + u(203) + "  \n" + u(201) + "\n");
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(205), u(203), u(201)}));
  edit({"playlist", "sort", kSmall, "--by", "title", "--desc"});
  auto by_title = std::vector{u(205), u(203), u(201)};
  sort_by_title_descending(by_title);
  EXPECT_EQ(on_spotify(kSmall), by_title);
  edit({"playlist", "shuffle", kSmall});
  // A random shuffle of three tracks keeps their order one time in six: then nothing is sent and
  // no version is recorded.
  const bool shuffle_changed = on_spotify(kSmall) != by_title;
  auto shuffled = on_spotify(kSmall);
  std::sort(shuffled.begin(), shuffled.end());
  auto same = by_title;
  std::sort(same.begin(), same.end());
  EXPECT_EQ(shuffled, same);
  const auto restored = edit({"playlist", "restore", kSmall, "1"});
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(200), u(201), u(202)}));

  // Each edit is a version in the journal, as the web app's are (origin cli, the command).
  const auto history = plm({"--json", "playlist", "history", kSmall});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const Json versions = Json::parse(history.out);
  const std::size_t edits = shuffle_changed ? 10 : 9;
  ASSERT_EQ(versions.size(), edits + 1) << versions.dump(1);  // first seen + the edits
  EXPECT_EQ(versions[0]["cause"]["kind"], "restore");
  EXPECT_EQ(versions[0]["cause"]["origin"], "cli");
  EXPECT_EQ(versions[0]["cause"]["action"], "playlist restore");
  EXPECT_EQ(versions[0]["cause"]["restored_version"], 1);
  EXPECT_EQ(versions[0]["cause"]["username"], "admin");
  EXPECT_EQ(versions[edits - 1]["cause"]["kind"], "edit");
  EXPECT_EQ(versions[edits - 1]["cause"]["action"], "playlist move");
  EXPECT_EQ(versions[edits]["cause"]["kind"], "sync");
  // The stored copy follows: `plm playlist show` lists what Spotify has.
  const Json shown = Json::parse(plm({"--json", "playlist", "show", kSmall}).out);
  EXPECT_EQ(shown["items"].size(), 3u);
  EXPECT_EQ(shown["items"][0]["uri"], u(200));
  EXPECT_EQ(shown["snapshot_id"], emulator_playlist(kSmall)["snapshot_id"]);
}

TEST_F(CliEditTest, DryRunAndJsonPrintThePlanAndTheCallsAndSnapshotOfARun) {
  start_synced();
  const auto u = catalog_uri;
  const auto calls_before = emulator_calls();

  const auto dry =
      plm({"--json", "playlist", "edit", kSmall, "--to", "-", "--dry-run"}, u(202) + "\n" + u(200));

  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const Json plan = Json::parse(dry.out);
  expect_schema("EditPreview", plan["preview"]);
  EXPECT_EQ(plan["preview"]["desired"], (Json{u(202), u(200)}));
  EXPECT_EQ(plan["preview"]["removed"], (Json{{{"uri", u(201)}, {"position", 1}}}));
  ASSERT_FALSE(plan["steps"].empty());
  EXPECT_EQ(plan["steps"][0]["kind"], "remove");
  EXPECT_EQ(emulator_calls(), calls_before);  // nothing sent
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(200), u(201), u(202)}));
  const auto text_dry = plm({"playlist", "restore", kSmall, "1", "--dry-run"});
  EXPECT_EQ(text_dry.exit_code, 0) << text_dry.err;
  EXPECT_NE(text_dry.out.find("nothing to change"), std::string::npos) << text_dry.out;

  const auto run = plm({"--json", "playlist", "move", kSmall, "--from", "1", "--to", "3"});

  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Json done = Json::parse(run.out);
  EXPECT_EQ(
      done["steps"],
      (Json{{{"kind", "reorder"}, {"range_start", 0}, {"insert_before", 3}, {"range_length", 1}}}));
  EXPECT_GE(done["calls"].get<int>(), 1);
  EXPECT_EQ(done["snapshot_id"], emulator_playlist(kSmall)["snapshot_id"]);
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(201), u(202), u(200)}));
}

TEST_F(CliEditTest, MistakesUnknownPlaylistsOthersPlaylistsAndConflictsExitNonZero) {
  start_synced();
  const auto u = catalog_uri;
  const fs::path list = data_dir_ / "list.txt";
  {
    std::ofstream file(list);
    file << u(200) << "\n# fine\n\nnot-a-uri\n";
  }

  const auto bad_line = plm({"playlist", "edit", kSmall, "--to", list.string()});
  const auto unknown =
      plm({"playlist", "move", "NoSuch0000000000000001", "--from", "1", "--to", "2"});
  const auto followed = plm({"playlist", "dedupe", "Followed00000000000001"});
  const auto out_of_range =
      plm({"playlist", "move", kSmall, "--from", "3", "--count", "2", "--to", "1"});
  const auto bad_uri = plm({"playlist", "add", kSmall, "spotify:track:short"});
  const auto no_uri = plm({"playlist", "remove", kSmall});
  const auto no_key = plm({"playlist", "sort", kSmall});

  EXPECT_EQ(bad_line.exit_code, 2);
  EXPECT_NE(bad_line.err.find("line 4: 'not-a-uri'"), std::string::npos) << bad_line.err;
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no stored playlist NoSuch0000000000000001"), std::string::npos)
      << unknown.err;
  EXPECT_EQ(followed.exit_code, 1);
  EXPECT_NE(followed.err.find("belongs to Spotify user other"), std::string::npos) << followed.err;
  EXPECT_EQ(out_of_range.exit_code, 2);
  EXPECT_NE(out_of_range.err.find("goes past the last track"), std::string::npos)
      << out_of_range.err;
  EXPECT_EQ(bad_uri.exit_code, 2) << bad_uri.err;
  EXPECT_EQ(no_uri.exit_code, 2) << no_uri.err;
  EXPECT_NE(no_uri.err.find("missing URI..."), std::string::npos) << no_uri.err;
  EXPECT_EQ(no_key.exit_code, 2) << no_key.err;
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(200), u(201), u(202)}));

  // Someone adds a track on Spotify after the sync: an exact list no longer has one meaning.
  const auto outside = outside_plm("POST", std::string("/playlists/") + kSmall + "/items",
                                   Json{{"uris", {u(300)}}, {"position", 0}});
  ASSERT_EQ(outside.status, 201) << outside.body;

  const auto conflict = plm({"playlist", "edit", kSmall, "--to", "-"}, u(202) + "\n");

  EXPECT_EQ(conflict.exit_code, 1) << conflict.out << conflict.err;
  EXPECT_EQ(on_spotify(kSmall), (std::vector{u(300), u(200), u(201), u(202)}));  // not overwritten
}

}  // namespace
