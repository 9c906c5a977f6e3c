// The batch job's crash safety with the real process (issue 10 §6): `plm serve` (SQLite) runs a
// batch over 300 playlists through the web API (add one track at position 3 to every playlist the
// account owns) with the emulator answering every call after 100 ms; it is killed with SIGKILL
// once about half of the playlists have their result and started again on the same data. The
// same job resumes and completes, and the EMULATOR holds every playlist exactly as desired: the
// track once, at index 2, the other items unchanged and in order. The calls over both runs are the
// plan's (one confirming read and one add per playlist) plus at most those of the playlist in
// flight when the process died.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "app/services.hpp"
#include "batch_world.hpp"
#include "catalog/seed.hpp"
#include "serve_process.hpp"
#include "testkit/testkit.hpp"
#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* kOwner = "batch-owner";
constexpr std::size_t kPlaylists = 300;
constexpr std::size_t kTracks = 20;
/// A playlist's calls when nothing goes wrong: the version read that confirms its snapshot, the
/// add (its answer carries the new snapshot).
constexpr std::int64_t kCallsPerPlaylist = 2;
/// What the playlist in flight at the kill may cost again: its two calls, and one read that
/// settles an add whose answer died with the process.
constexpr std::int64_t kCallsInFlight = kCallsPerPlaylist + 1;

Json dump_of_owner(ServeStage& stage) {
  return stage.emulator_admin("GET", std::string("/__emulator/users/") + kOwner + "/playlists");
}

std::size_t count_outcome(const Json& details, const std::string& outcome) {
  std::size_t count = 0;
  for (const auto& item : details["items"]) count += item["outcome"] == outcome;
  return count;
}

TEST(PlmServeBatchRestart, ABatchOver300PlaylistsKilledWithSigkillResumesAndEndsExactlyAsDesired) {
#ifdef PLM_SANITIZED
  GTEST_SKIP() << "release only: 600 calls at 100 ms each (ctest --preset release -R "
                  "PlmServeBatchRestart)";
#endif
  const auto began = Clock::now();
  ServeStage stage(
      "batch-restart",
      spotify_emulator::build_seed(batch_test::many_playlists_seed(kOwner, kPlaylists, kTracks),
                                   spotify_emulator::testkit::demo_catalog()),
      kOwner, {{"PLM_SPOTIFY_RATE_BUDGET", "100000"}});
  const std::string added = batch_test::track_outside(kPlaylists, kTracks);

  // ---- the first server: connect, sync (no latency), then the batch at 100 ms a call ----
  auto first = std::make_unique<ServeProcess>(stage.directory(), stage.settings(), "first");
  ASSERT_TRUE(first->listening());
  first->sign_in("root", kPassword);
  const std::int64_t account = first->connect_account(stage.emulator_url());
  ASSERT_GT(account, 0);
  const std::string account_path = "/api/accounts/" + std::to_string(account);
  int status = 0;
  const Json sync = first->call("POST", account_path + "/sync", &status);
  ASSERT_EQ(status, 202) << sync.dump();
  const Json synced =
      poll(*first, "/api/jobs/" + sync["id"].get<std::string>(), 120s, job_finished);
  ASSERT_EQ(synced["job"]["state"], "succeeded") << synced["job"].dump();
  const batch_test::Lists before = batch_test::lists_of(dump_of_owner(stage));
  ASSERT_EQ(before.size(), kPlaylists);

  // The preview plans what runs: every playlist changes, at the bound of two calls each.
  const Json batch{
      {"selector", "owned"},
      {"operation", {{"kind", "add"}, {"uris", {added}}, {"at", "position"}, {"position", 2}}},
      {"why", "the batch restart proof"}};
  const Json preview = first->call("POST", account_path + "/batch/preview", batch, &status);
  ASSERT_EQ(status, 200) << preview.dump().substr(0, 500);
  EXPECT_EQ(preview["changed"], kPlaylists);
  const std::int64_t lower_bound = kCallsPerPlaylist * static_cast<std::int64_t>(kPlaylists);
  EXPECT_EQ(preview["calls"], lower_bound) << "the planner's estimate is the bound";

  stage.emulator_admin("POST", "/__emulator/faults", Json{{"latency", {{"fixed_ms", 100}}}});
  stage.emulator_admin("DELETE", "/__emulator/stats");
  const auto batch_began = Clock::now();
  const Json started = first->call("POST", account_path + "/batch", batch, &status);
  ASSERT_EQ(status, 202) << started.dump();
  ASSERT_EQ(started["kind"], "batch_edit");
  const std::string job_id = started["id"];
  const std::string job_path = "/api/jobs/" + job_id;

  // Killed once half of the playlists have their result (a job not claimed yet is queued, which
  // is no end: the first poll can come before the claim).
  const Json before_kill = poll(*first, job_path, 120s, [](const Json& details) {
    return count_outcome(details, "done") >= kPlaylists / 2 || job_finished(details);
  });
  ASSERT_EQ(before_kill["job"]["state"], "running") << before_kill["job"].dump();
  first->kill(SIGKILL);
  EXPECT_EQ(first->wait().exit_code, -1);  // killed, not stopped
  const auto killed_at = Clock::now();
  const std::string token = first->session_token();
  const std::string csrf = first->csrf();
  first.reset();

  // What the dead server left: the results it recorded. One entry runs at a time, so at most one
  // playlist was in flight.
  std::size_t done_at_kill = 0;
  {
    auto services = app::Services::open(stage.config());
    const auto left = services->jobs().find_job(std::stoll(job_id));
    ASSERT_TRUE(left && *left);
    EXPECT_EQ((*left)->job.state, core::JobState::Running) << "held by the dead process";
    ASSERT_EQ((*left)->items.size(), kPlaylists) << "every entry recorded at the first start";
    for (const auto& item : (*left)->items) done_at_kill += item.outcome == core::ItemOutcome::Done;
  }
  EXPECT_GE(done_at_kill, kPlaylists / 2);
  ASSERT_LT(done_at_kill, kPlaylists) << "the batch ended before the kill";
  const std::int64_t in_flight = 1;

  // ---- the second server on the same data: the same job resumes and completes ----
  const auto restarted = Clock::now();
  ServeProcess second(stage.directory(), stage.settings(), "second");
  ASSERT_TRUE(second.listening());
  second.use_session(token, csrf);
  const Json done = poll(second, job_path, 300s, job_finished);
  const auto done_at = Clock::now();
  ASSERT_EQ(done["job"]["state"], "succeeded") << done.dump().substr(0, 2000);
  EXPECT_EQ(done["job"]["id"], job_id);
  EXPECT_EQ(history_of(done), (std::vector<std::string>{"enqueued", "started", "interrupted",
                                                        "resumed", "succeeded"}))
      << done["history"].dump();
  EXPECT_EQ(done["items"].size(), kPlaylists);
  EXPECT_EQ(count_outcome(done, "done"), kPlaylists) << done["items"].dump().substr(0, 2000);
  EXPECT_EQ(done["job"]["done"], kPlaylists);
  EXPECT_EQ(done["job"]["total"], kPlaylists);

  // The truth: every playlist on the emulator holds the track once, at index 2, and the rest as
  // before, in order.
  const Json dumped = dump_of_owner(stage);
  batch_test::expect_every_playlist(batch_test::lists_of(dumped), before,
                                    [&](const std::vector<std::string>& list) {
                                      return batch_test::with_inserted(list, added, 2);
                                    });
  const Json stats = stage.emulator_admin("GET", "/__emulator/stats");
  stage.emulator_admin("DELETE", "/__emulator/faults");

  // plm's copies follow the emulator: the same snapshot for every playlist.
  std::map<std::string, std::string> snapshots;
  for (const auto& playlist : dumped) snapshots[playlist["id"]] = playlist["snapshot_id"];
  const Json stored = second.call("GET", "/api/playlists");
  ASSERT_EQ(stored["playlists"].size(), kPlaylists);
  std::size_t behind = 0;
  for (const auto& playlist : stored["playlists"]) {
    behind += playlist["snapshot_id"] != snapshots[playlist["id"]];
  }
  EXPECT_EQ(behind, 0u) << "stored playlists behind the emulator";

  // The calls over both runs: one add per playlist, again at most for the one in flight (sent
  // again only if its answer died with the process and the reads showed it missing); in all the
  // plan's bound plus the playlist in flight.
  const std::int64_t adds =
      stats["by_endpoint"].value("POST /v1/playlists/{}/items", std::int64_t{0});
  EXPECT_GE(adds, static_cast<std::int64_t>(kPlaylists));
  EXPECT_LE(adds, static_cast<std::int64_t>(kPlaylists) + in_flight);
  const std::int64_t calls = stats["total"];
  EXPECT_GE(calls, lower_bound) << stats.dump();
  EXPECT_LE(calls, lower_bound + in_flight * kCallsInFlight) << stats.dump();
  EXPECT_EQ(stats["rate_limited"], 0);

  second.kill(SIGTERM);
  const auto stopped = second.wait();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  const auto seconds = [](Clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 1000.0;
  };
  std::cout << "[batch restart proof] " << kPlaylists << " playlists, " << done_at_kill
            << " done at the kill, " << adds << " adds, " << calls << " calls (lower bound "
            << lower_bound << "); set-up and sync " << seconds(batch_began - began)
            << " s, first run " << seconds(killed_at - batch_began) << " s, second run "
            << seconds(done_at - restarted) << " s, " << seconds(Clock::now() - began)
            << " s in all\n";
}

}  // namespace
}  // namespace plm::web_test
