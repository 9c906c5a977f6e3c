// The edit job's crash safety with the real process: `plm serve` (SQLite) shuffles a playlist of
// the demo account through an edit_playlist job, the emulator answering every call after 100 ms;
// it is killed with SIGKILL after some of the moves and started again on the same data. The same
// job resumes from its checkpoint and completes: the emulator holds exactly the shuffled list
// (no track twice, none lost), the stored copy and the journal follow, and the moves over both
// runs are the plan's plus at most the one in flight when the process died.

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>

#include "app/edit_jobs.hpp"
#include "app/services.hpp"
#include "catalog/seed.hpp"
#include "core/edit/edit_plan.hpp"
#include "serve_process.hpp"
#include "testkit/testkit.hpp"
#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kEditDemoUser = "demo-pro";

/// The emulator's own view of the demo user's playlist `id`.
Json held_on_emulator(ServeStage& stage, const std::string& id) {
  for (const auto& playlist : stage.emulator_admin(
           "GET", std::string("/__emulator/users/") + kEditDemoUser + "/playlists")) {
    if (playlist["id"] == id) return playlist;
  }
  ADD_FAILURE() << "the emulator has no playlist " << id;
  return Json::object();
}

TEST(PlmServeEditRestart, AShuffleKilledWithSigkillResumesAndEndsExactlyAsPlanned) {
#ifdef PLM_SANITIZED
  GTEST_SKIP() << "release only: a few hundred moves at 100 ms each";
#endif
  ServeStage stage(
      "edit-restart",
      spotify_emulator::load_seed_file(
          fs::path(PLM_SOURCE_DIR) / "tools/spotify-emulator/catalog/seeds/default.json",
          spotify_emulator::testkit::demo_catalog()),
      kEditDemoUser, {{"PLM_SPOTIFY_RATE_BUDGET", "100000"}});
  const app::Config config = stage.config();

  // ---- the first server: connect, sync (no latency), then the edit at 100 ms a call ----
  auto first = std::make_unique<ServeProcess>(stage.directory(), stage.settings(), "first");
  ASSERT_TRUE(first->listening());
  first->sign_in("root", kPassword);
  const std::int64_t account = first->connect_account(stage.emulator_url());
  ASSERT_GT(account, 0);
  int status = 0;
  const Json sync =
      first->call("POST", "/api/accounts/" + std::to_string(account) + "/sync", &status);
  ASSERT_EQ(status, 202) << sync.dump();
  const Json synced =
      poll(*first, "/api/jobs/" + sync["id"].get<std::string>(), 120s, job_finished);
  ASSERT_EQ(synced["job"]["state"], "succeeded") << synced["job"].dump();

  // A playlist of the demo account, shuffled with a fixed seed.
  std::string playlist_id;
  std::vector<std::string> planned;
  std::vector<std::string> desired;
  std::string job_id;
  {
    auto services = app::Services::open(config);
    const auto owner = services->users().find_user_by_name("root");
    ASSERT_TRUE(owner && *owner);
    const auto stored = services->playlists().playlists_of(account);
    ASSERT_TRUE(stored);
    // The longest one under 1,000 tracks that it owns and plm has read.
    std::int64_t size = 0;
    for (const auto& playlist : *stored) {
      const auto count = playlist.summary.item_count;
      if (playlist.summary.owner_id == kEditDemoUser && !playlist.items_snapshot_id.empty() &&
          count < 1000 && count > size) {
        playlist_id = playlist.summary.id;
        size = count;
      }
    }
    ASSERT_FALSE(playlist_id.empty()) << "no playlist of the right size in the demo account";
    planned = core::uris_of(*services->playlists().playlist_items(account, playlist_id));
    app::EditJob edit;
    edit.request = core::EditRequest::shuffle(7);
    edit.planned_snapshot =
        (*services->playlists().find_playlist(account, playlist_id))->items_snapshot_id;
    edit.cause = core::VersionCause{.kind = core::VersionCauseKind::Edit,
                                    .app_user_id = (*owner)->id,
                                    .origin = "cli",
                                    .action = "playlist shuffle"};
    const auto proposal = core::propose_edit(
        edit.request, *services->playlists().playlist_items(account, playlist_id));
    ASSERT_TRUE(proposal) << proposal.error().message;
    desired = proposal->desired;
    ASSERT_GT(proposal->plan.steps.size(), 40u);
    stage.emulator_admin("POST", "/__emulator/faults", Json{{"latency", {{"fixed_ms", 100}}}});
    stage.emulator_admin("DELETE", "/__emulator/stats");
    const auto enqueued =
        services->jobs().enqueue(app::edit_playlist_job((*owner)->id, account, playlist_id, edit));
    ASSERT_TRUE(enqueued) << enqueued.error().message;
    job_id = std::to_string(enqueued->job.id);
  }
  const std::string job_path = "/api/jobs/" + job_id;
  // Claimed at the worker's next poll; killed once 20 moves are checkpointed.
  const Json before_kill = poll(*first, job_path, 60s, [](const Json& details) {
    return details["job"]["done"].get<std::int64_t>() >= 20 || job_finished(details);
  });
  ASSERT_EQ(before_kill["job"]["state"], "running") << before_kill["job"].dump();
  first->kill(SIGKILL);
  EXPECT_EQ(first->wait().exit_code, -1);
  const std::string token = first->session_token();
  const std::string csrf = first->csrf();
  first.reset();
  const Json mid = held_on_emulator(stage, playlist_id);
  ASSERT_EQ(mid["entries"].size(), planned.size()) << "moves neither add nor remove";

  // ---- the second server on the same data: the same job resumes and completes ----
  ServeProcess second(stage.directory(), stage.settings(), "second");
  ASSERT_TRUE(second.listening());
  second.use_session(token, csrf);
  const Json done = poll(second, job_path, 300s, job_finished);
  ASSERT_EQ(done["job"]["state"], "succeeded") << done.dump().substr(0, 2000);
  EXPECT_EQ(done["job"]["attempts"], 2);

  const Json held = held_on_emulator(stage, playlist_id);
  std::vector<std::string> on_emulator;
  for (const auto& entry : held["entries"]) {
    on_emulator.push_back(entry["unavailable"].get<bool>() ? "" : entry["uri"].get<std::string>());
  }
  EXPECT_EQ(on_emulator, desired);
  const Json stats = stage.emulator_admin("GET", "/__emulator/stats");
  stage.emulator_admin("DELETE", "/__emulator/faults");

  auto services = app::Services::open(config);
  EXPECT_EQ(core::uris_of(*services->playlists().playlist_items(account, playlist_id)), desired);
  EXPECT_EQ((*services->playlists().find_playlist(account, playlist_id))->items_snapshot_id,
            held["snapshot_id"]);
  const auto versions =
      services->journal().list_versions(account, playlist_id, core::VersionFilter{});
  ASSERT_TRUE(versions && !versions->empty());
  EXPECT_EQ(versions->front().snapshot_id, held["snapshot_id"]);
  EXPECT_EQ(versions->front().cause.action, "playlist shuffle");
  EXPECT_EQ(versions->front().cause.job_id, std::stoll(job_id));
  for (const auto& version : *versions) EXPECT_NE(version.cause.why, core::kChangedOutside);

  // The moves over both runs: those of the plan, plus at most the one in flight at the kill
  // (sent again only if its answer never reached the checkpoint and the reads showed it missing).
  const auto plan = core::plan_edit(planned, desired);
  ASSERT_TRUE(plan);
  const std::int64_t moves =
      stats["by_endpoint"].value("PUT /v1/playlists/{}/items", std::int64_t{0});
  EXPECT_GE(moves, static_cast<std::int64_t>(plan->steps.size()));
  EXPECT_LE(moves, static_cast<std::int64_t>(plan->steps.size()) + 1);

  second.kill(SIGTERM);
  EXPECT_EQ(second.wait().exit_code, 0);
}

}  // namespace
}  // namespace plm::web_test
