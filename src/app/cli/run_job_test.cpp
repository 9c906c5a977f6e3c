// run_job_here: a command's job enqueued in the real database (SQLite in a temporary data
// directory) and worked off in this process by the handler of its kind, with its progress on
// stderr; failures, retries beyond the wait and the order of jobs of one playlist.

#include "app/cli/run_job.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "app/config.hpp"

namespace plm::app::cli {
namespace {

namespace fs = std::filesystem;

class RunJobHereTest : public ::testing::Test {
 protected:
  RunJobHereTest()
      : directory_(fs::temp_directory_path() /
                   ("plm-run-job-" + std::to_string(::getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name())),
        context_(invocation_, out_, err_) {
    fs::remove_all(directory_);
    auto config = build_config({{"PLM_DATA_DIR", directory_.string()}}, {}, {}, "");
    EXPECT_TRUE(config) << config.error().message;
    context_.set_config(*config);
    context_.open_services();
    auto user = context_.acting_user();
    EXPECT_TRUE(user) << user.error().message;
    owner_ = user->id;
  }
  ~RunJobHereTest() override { fs::remove_all(directory_); }

  core::NewJob edit_job(const std::string& playlist_id) const {
    return core::NewJob{.kind = core::JobKind::EditPlaylist,
                        .owner_user_id = owner_,
                        .playlist_id = playlist_id,
                        .concurrency_key = core::concurrency_key_for_playlist(0, playlist_id),
                        .payload = playlist_id};
  }

  fs::path directory_;
  Invocation invocation_;
  std::ostringstream out_;
  std::ostringstream err_;
  CommandContext context_;
  std::int64_t owner_ = 0;
};

TEST_F(RunJobHereTest, RunsTheJobHereWithItsHandlerAndShowsItsProgress) {
  std::vector<std::string> ran;
  RunHereOptions options;
  options.handlers[core::JobKind::EditPlaylist] = [&](JobContext& job) {
    ran.push_back(job.job().payload);
    job.report({.done = 1, .total = 2, .unit = core::ProgressUnit::Calls, .message = "moving"});
    return JobResult::succeeded("moved 2 tracks");
  };

  auto details = enqueue_and_run_here(context_, edit_job("p1"), options);

  ASSERT_TRUE(details) << details.error().message;
  EXPECT_EQ(details->job.state, core::JobState::Succeeded);
  EXPECT_EQ(details->job.progress.message, "moved 2 tracks");
  EXPECT_EQ(ran, std::vector<std::string>{"p1"});
  // Progress is published at most 5 times a second; the final state always is.
  const std::string job = "job " + std::to_string(details->job.id);
  EXPECT_NE(
      err_.str().find(job + ": running (plm jobs show " + std::to_string(details->job.id) + ")\n"),
      std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find(job + ": moved 2 tracks\n"), std::string::npos) << err_.str();
  EXPECT_EQ(job_exit(context_, *details), ExitCode::Ok);
  // The job is in the queue's record like any other: `plm jobs` lists it.
  auto listed = context_.services().jobs().find_job(details->job.id);
  ASSERT_TRUE(listed && *listed);
  EXPECT_EQ((*listed)->job.state, core::JobState::Succeeded);
}

TEST_F(RunJobHereTest, AnOlderJobOfThePlaylistRunsFirst) {
  std::vector<std::string> ran;
  RunHereOptions options;
  options.handlers[core::JobKind::EditPlaylist] = [&](JobContext& job) {
    ran.push_back(job.job().payload);
    return JobResult::succeeded("done");
  };
  auto older = context_.services().jobs().enqueue(edit_job("p1"));
  ASSERT_TRUE(older);

  auto details = enqueue_and_run_here(context_, edit_job("p1"), options);

  ASSERT_TRUE(details) << details.error().message;
  EXPECT_EQ(details->job.state, core::JobState::Succeeded);
  EXPECT_EQ(ran, (std::vector<std::string>{"p1", "p1"}));
  auto first = context_.services().jobs().find_job(older->job.id);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->job.state, core::JobState::Succeeded);
}

TEST_F(RunJobHereTest, AFailedJobEndsTheCommandWithItsErrorAndExitCode) {
  RunHereOptions options;
  options.handlers[core::JobKind::EditPlaylist] = [](JobContext&) {
    return JobResult::failed(
        core::make_error(core::ErrorCode::InvalidInput, "local file at position 3 is in the way"));
  };

  auto details = enqueue_and_run_here(context_, edit_job("p1"), options);

  ASSERT_TRUE(details) << details.error().message;
  EXPECT_EQ(details->job.state, core::JobState::Failed);
  EXPECT_EQ(job_exit(context_, *details), ExitCode::Usage);
  EXPECT_NE(err_.str().find("plm: local file at position 3 is in the way"), std::string::npos)
      << err_.str();
}

TEST_F(RunJobHereTest, ARetryLaterThanTheWaitLeavesTheJobQueuedAndSaysSo) {
  RunHereOptions options;
  options.max_retry_wait = std::chrono::seconds(60);
  options.handlers[core::JobKind::EditPlaylist] = [&](JobContext&) {
    core::Error limited = core::make_error(core::ErrorCode::RateLimited, "Spotify asked to wait");
    limited.retry_at = context_.services().clock().now() + std::chrono::hours(1);
    return JobResult::failed(limited);
  };

  auto details = enqueue_and_run_here(context_, edit_job("p1"), options);

  ASSERT_TRUE(details) << details.error().message;
  EXPECT_EQ(details->job.state, core::JobState::Queued);
  EXPECT_EQ(job_exit(context_, *details), ExitCode::RetryLater);
  EXPECT_NE(err_.str().find("is queued to try again at"), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("plm jobs cancel " + std::to_string(details->job.id)),
            std::string::npos);
}

}  // namespace
}  // namespace plm::app::cli
