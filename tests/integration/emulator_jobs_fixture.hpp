#pragma once
// plm's jobs in-process against the emulator over real HTTP (edit_job_emulator_test.cpp,
// batch_fault_test.cpp): an InMemoryStore and job queue on the emulator's clock, the real client
// for one seeded user, the account synced, the edit dependencies (whose waits move the emulator's
// clock) and a worker that runs jobs on the calling thread: nothing sleeps.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "app/edit_jobs.hpp"
#include "app/worker.hpp"
#include "core/sync/sync_service.hpp"
#include "spotify/tests/spotify_fixture.hpp"
#include "support/fakes.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::spotify::testing {

class JobsOnEmulator : public SpotifyClientTest {
 protected:
  /// Connects `user` (tokens minted, an editor of plm owning the account) and syncs the account.
  void connect(const std::string& user) {
    client_ = make_client(mint_tokens(user));
    account_.spotify_user_id = user;
    account_.display_name = user;
    account_.app_user_id = store_.create_user(user, "hash", core::Role::Editor)->id;
    account_.id = *store_.upsert_account(account_);
    core::SyncService service(*client_, store_, store_, core_clock_);
    const auto report = service.sync_account(account_, core::SyncOptions{});
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_TRUE(report->failures.empty());
  }
  /// The worker, once the test has added its handlers to `handlers_`.
  void start_worker() {
    worker_ = std::make_unique<app::Worker>(queue_, handlers_, core_clock_, waiter_);
  }

  std::unique_ptr<Client> client_;
  test_support::InMemoryStore store_{core_clock_};
  test_support::InMemoryJobQueue queue_{core_clock_};
  app::ConditionWaiter waiter_{core_clock_};  // never waits: run_one on this thread
  core::SpotifyAccount account_;
  app::EditJobDeps deps_{
      .accounts = store_,
      .playlists = store_,
      .journal = store_,
      .unit_of_work = store_,
      .clock = core_clock_,
      .spotify_for =
          [this](const core::SpotifyAccount&) {
            return std::shared_ptr<core::SpotifyApi>(std::shared_ptr<void>(), client_.get());
          },
      .wait = [this](std::chrono::milliseconds duration, std::stop_token) { advance(duration); }};
  app::JobHandlers handlers_;
  std::unique_ptr<app::Worker> worker_;
};

}  // namespace plm::spotify::testing
