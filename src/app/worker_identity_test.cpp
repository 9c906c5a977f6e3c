#include "app/worker_identity.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/fakes.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::app {
namespace {

TEST(WorkerIdentity, ANameSaysWhichProcessOfWhichMachineHoldsAJob) {
  const WorkerProcess process{"box:with:colons", 4242, 987654, "0123456789ab"};
  const std::string name = worker_name(process);

  EXPECT_EQ(name, "box:with:colons:4242:987654@0123456789ab");
  EXPECT_EQ(parse_worker_name(name), process);
  EXPECT_EQ(parse_worker_name(name + "/3"), process);
  for (const char* other :
       {"test/0", "host:12:abc123/1", "host:x:5@m/0", "host:12:5@/0", ":5@m", "host:0:5@m/0", ""}) {
    EXPECT_EQ(parse_worker_name(other), std::nullopt) << other;
  }
}

TEST(WorkerIdentity, ThisProcessRunsAndAnEndedOneDoesNotEvenBeforeItIsReaped) {
  const WorkerProcess self = this_process();
  int ready[2];
  int finish[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(finish), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(finish[1]);  // else its own copy keeps the pipe open and the read below never ends
    const std::int64_t start = this_process().start;
    (void)!::write(ready[1], &start, sizeof start);
    char byte;
    (void)!::read(finish[0], &byte, 1);
    ::_exit(0);
  }
  std::int64_t child_start = 0;
  ASSERT_EQ(::read(ready[0], &child_start, sizeof child_start),
            static_cast<ssize_t>(sizeof child_start));
  const bool child_ran = process_running(child, child_start);
  const bool other_start = process_running(child, child_start + 1);  // the pid reused
  ::close(finish[1]);
  // The child has exited once its status can be collected: a zombie until then.
  ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(child), nullptr, WEXITED | WNOWAIT), 0);
  const bool zombie = process_running(child, child_start);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  const bool reaped = process_running(child, child_start);

  EXPECT_EQ(self.pid, ::getpid());
  EXPECT_TRUE(process_running(self.pid, self.start));
  EXPECT_EQ(parse_worker_name(worker_name(self)), self);
  EXPECT_EQ(this_process().machine, self.machine);
  EXPECT_TRUE(child_ran);
  EXPECT_FALSE(other_start);
  EXPECT_FALSE(zombie);
  EXPECT_FALSE(reaped);
  for (int fd : {ready[0], ready[1], finish[0]}) ::close(fd);
}

TEST(WorkerIdentity, OnlyTheJobsOfDeadProcessesOfThisMachineAreReleased) {
  test_support::ManualClock clock;
  test_support::InMemoryJobQueue queue(clock);
  const std::vector<std::string> holders{
      "host:10:5@here/0",   // dead: released
      "host:11:6@here/1",   // running
      "host:10:5@there/0",  // another machine: its pids are not ours to judge
      "test/0",             // not a name of this scheme
      "host:10:5@here/1",   // dead too
  };
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < holders.size(); ++i) {
    const auto account = static_cast<std::int64_t>(i + 1);
    ids.push_back(
        queue
            .enqueue(core::NewJob{.owner_user_id = 1,
                                  .account_id = account,
                                  .concurrency_key = core::concurrency_key_for_account(account)})
            ->job.id);
    ASSERT_TRUE(queue.claim(holders[i], {}, std::chrono::seconds(30))->has_value());
  }
  const auto running = [](std::int64_t pid, std::int64_t start) { return pid == 11 && start == 6; };

  const auto released = release_jobs_of_dead_processes(queue, "here", running);

  ASSERT_TRUE(released.has_value()) << released.error().message;
  EXPECT_EQ(*released, 2);
  std::vector<core::JobState> states;
  for (const auto id : ids) states.push_back(queue.find_job(id)->value().job.state);
  using core::JobState;
  EXPECT_EQ(states, (std::vector{JobState::Interrupted, JobState::Running, JobState::Running,
                                 JobState::Running, JobState::Interrupted}));
  const auto history = queue.find_job(ids[0])->value().history;
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().kind, core::JobEventKind::Interrupted);
  EXPECT_NE(history.back().message.find("pid 10 on host"), std::string::npos)
      << history.back().message;
  // The released job is claimable at once: no lease to wait for.
  EXPECT_TRUE(queue.claim("host:12:7@here/0", {}, std::chrono::seconds(30))->has_value());
}

}  // namespace
}  // namespace plm::app
