// What only SQLite needs proving: crash consistency of a killed process, and opening files.

#include "sql/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_backends.hpp"

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
  SqliteBackend backend_;
};

TEST_F(SqliteStoreTest, AProcessKilledMidSaveLeavesTheOldPlaylist) {
  std::int64_t account = 0;
  {
    auto store = backend_.open(cipher_);
    const auto user = store->create_user("alice", "h", core::Role::Admin);
    account = *store->upsert_account(
        core::SpotifyAccount{.app_user_id = user->id, .spotify_user_id = "sp"});
    ASSERT_TRUE(store->save_playlist(account, 0, summary("old"), items(100, 0)).has_value());
  }

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child opens its own connection and dies by SIGKILL halfway through writing 20,000 items:
    // no destructor, no rollback, no flush runs.
    sql::SqliteStore store(backend_.file().string(), cipher_);
    store.on_item_saved_for_test([](std::size_t index) {
      if (index == 10'000) ::kill(::getpid(), SIGKILL);
    });
    (void)store.save_playlist(account, 0, summary("new"), items(20'000, 1000));
    ::_exit(3);  // not reached
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child status " << status;

  auto store = backend_.open(cipher_);
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

TEST_F(SqliteStoreTest, UsesWriteAheadLogging) {
  auto store = backend_.open(cipher_);

  EXPECT_EQ(backend_.raw_text("PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteStoreTest, RefusesASchemaNewerThanTheProgram) {
  { auto store = backend_.open(cipher_); }
  backend_.raw_execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')");

  try {
    backend_.open(cipher_);
    FAIL() << "opened a database from the future";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("newer"), std::string::npos) << error.what();
  }
}

TEST_F(SqliteStoreTest, ReportsAnUnopenableFile) {
  try {
    sql::open_store("sqlite:///nonexistent-dir-plm/x/plm.db", cipher_);
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent-dir-plm/x/plm.db"), std::string::npos);
  }
}

}  // namespace
}  // namespace plm::contract
