// What only SQLite needs proving: crash consistency of a killed process, several processes (here:
// stores) writing to one file, and opening files.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <latch>
#include <thread>

#include "store_backends.hpp"
#include "support/fakes.hpp"

namespace plm::contract {
namespace {

core::PlaylistItem item(int n) {
  return core::PlaylistItem{
      .uri = "spotify:track:k" + std::to_string(n),
      .track = core::TrackInfo{.uri = "spotify:track:k" + std::to_string(n), .name = "K"}};
}

std::vector<core::PlaylistItem> items(int count, int first) {
  std::vector<core::PlaylistItem> result;
  for (int n = first; n < first + count; ++n) result.push_back(item(n));
  return result;
}

core::PlaylistSummary summary(const std::string& snapshot) {
  return core::PlaylistSummary{.id = "p", .name = "P " + snapshot, .snapshot_id = snapshot};
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  security::TokenCipher cipher_{security::SecretKey::generate()};
  test_support::ManualClock clock_;
  SqliteBackend backend_;
};

TEST_F(SqliteStoreTest, AProcessKilledMidSaveLeavesTheOldPlaylist) {
  std::int64_t account = 0;
  {
    auto store = backend_.open(cipher_, clock_);
    const auto user = store->create_user("alice", "h", core::Role::Admin);
    account = *store->upsert_account(
        core::SpotifyAccount{.app_user_id = user->id, .spotify_user_id = "sp"});
    ASSERT_TRUE(store->save_playlist(account, 0, summary("old"), items(100, 0)).has_value());
  }

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child opens its own connection and dies by SIGKILL halfway through writing 20,000 rows:
    // no destructor, no rollback, no flush runs.
    auto store = backend_.open(cipher_, clock_, {.on_rows_written_for_test = [](std::size_t rows) {
                                 if (rows >= 10'000) ::kill(::getpid(), SIGKILL);
                               }});
    (void)store->save_playlist(account, 0, summary("new"), items(20'000, 1000));
    ::_exit(3);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;

  auto store = backend_.open(cipher_, clock_);
  const auto stored = store->find_playlist(account, "p");
  ASSERT_TRUE(stored.has_value() && stored->has_value());
  EXPECT_EQ((*stored)->summary.snapshot_id, "old");
  EXPECT_EQ((*stored)->stored_item_count, 100);
  EXPECT_EQ(*store->playlist_items(account, "p"), items(100, 0));
  EXPECT_EQ(backend_.raw_text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(backend_.raw_count("SELECT count(*) FROM tracks"), 100);
  // And the database takes the next save.
  EXPECT_TRUE(store->save_playlist(account, 0, summary("new"), items(10, 0)).has_value());
}

TEST_F(SqliteStoreTest, TwoStoresOnOneFileWriteAtOnceWithoutFailing) {
  // Two stores are two connections to one file, as `plm serve` and a `plm sync` beside it are.
  // Writers wait for each other (busy timeout) instead of failing, and a unit of work that reads
  // before it writes holds the write lock from its start (BEGIN IMMEDIATE): begun as a reader, it
  // would fail at once when the other wrote in between.
  auto first = backend_.open(cipher_, clock_);
  auto second = backend_.open(cipher_, clock_);
  const auto user = first->create_user("alice", "h", core::Role::Admin);
  const auto account = *first->upsert_account(
      core::SpotifyAccount{.app_user_id = user->id, .spotify_user_id = "sp"});
  constexpr int kRounds = 300;
  std::latch start(2);
  const auto write = [&](sql::Store& store, const std::string& name,
                         std::vector<std::string>& failures) {
    start.arrive_and_wait();
    for (int round = 0; round < kRounds; ++round) {
      const std::string id = name + "-" + std::to_string(round);
      const auto saved = store.save_playlist(
          account, round, core::PlaylistSummary{.id = id, .snapshot_id = "s"}, items(20, round));
      if (!saved) failures.push_back(saved.error().message);
      const auto tagged = store.in_transaction([&](core::TransactionPorts& ports) -> core::Status {
        const auto found = ports.playlists().find_playlist(account, id);
        if (!found) return found.error();
        if (!*found) return core::make_error(core::ErrorCode::NotFound, id + " not saved");
        return ports.playlists().set_playlist_tags(account, id, {name});
      });
      if (!tagged) failures.push_back(tagged.error().message);
    }
  };
  std::vector<std::string> first_failures;
  std::vector<std::string> second_failures;

  std::thread first_writer(write, std::ref(*first), "first", std::ref(first_failures));
  std::thread second_writer(write, std::ref(*second), "second", std::ref(second_failures));
  first_writer.join();
  second_writer.join();

  EXPECT_TRUE(first_failures.empty()) << first_failures.size() << ", e.g. " << first_failures[0];
  EXPECT_TRUE(second_failures.empty()) << second_failures.size() << ", e.g. " << second_failures[0];
  EXPECT_EQ(backend_.raw_count("SELECT count(*) FROM playlists"), 2 * kRounds);
  EXPECT_EQ(backend_.raw_count("SELECT count(*) FROM playlist_tags WHERE tag = 'second'"), kRounds);
  EXPECT_EQ(backend_.raw_count("SELECT count(*) FROM playlist_items"), 2 * kRounds * 20);
}

TEST_F(SqliteStoreTest, UsesWriteAheadLogging) {
  auto store = backend_.open(cipher_, clock_);

  EXPECT_EQ(backend_.raw_text("PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStoreTest, RefusesASchemaNewerThanTheProgram) {
  { auto store = backend_.open(cipher_, clock_); }
  backend_.raw_execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')");

  try {
    backend_.open(cipher_, clock_);
    FAIL() << "opened a database from the future";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("newer"), std::string::npos) << error.what();
  }
}

TEST_F(SqliteStoreTest, ReportsAnUnopenableFile) {
  try {
    sql::open_store("sqlite:///nonexistent-dir-plm/x/plm.db", cipher_, clock_);
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent-dir-plm/x/plm.db"), std::string::npos);
  }
}

}  // namespace
}  // namespace plm::contract
