#include "core/sync/sync_plan.hpp"

#include <gtest/gtest.h>

namespace plm::core {
namespace {

PlaylistSummary summary(std::string id, std::string owner, std::string snapshot, std::int64_t items,
                        bool collaborative = false) {
  PlaylistSummary playlist;
  playlist.id = std::move(id);
  playlist.name = playlist.id;
  playlist.owner_id = std::move(owner);
  playlist.snapshot_id = std::move(snapshot);
  playlist.item_count = items;
  playlist.collaborative = collaborative;
  return playlist;
}

StoredPlaylist stored(const PlaylistSummary& playlist, std::string items_snapshot) {
  return StoredPlaylist{playlist, std::move(items_snapshot), playlist.item_count, {}};
}

TEST(PagesFor, RoundsUpAndTreatsEmptyAsNoCall) {
  EXPECT_EQ(pages_for(0, 50), 0);
  EXPECT_EQ(pages_for(1, 50), 1);
  EXPECT_EQ(pages_for(50, 50), 1);
  EXPECT_EQ(pages_for(51, 50), 2);
  EXPECT_EQ(pages_for(10'000, 50), 200);
}

TEST(PlanSync, FirstSyncReadsEveryReadablePlaylist) {
  const std::vector<PlaylistSummary> remote{
      summary("a", "me", "s1", 120), summary("b", "me", "s2", 0), summary("c", "other", "s3", 10),
      summary("d", "other", "s4", 75, true)};

  const auto plan = plan_sync("me", remote, {}, 50);

  ASSERT_EQ(plan.read_items.size(), 2u);
  EXPECT_EQ(plan.read_items[0].summary.id, "a");
  EXPECT_EQ(plan.read_items[1].summary.id, "d");  // collaborators may read
  EXPECT_EQ(plan.read_items[1].list_position, 3);
  ASSERT_EQ(plan.save_empty.size(), 1u);
  ASSERT_EQ(plan.summary_only.size(), 1u);
  EXPECT_EQ(plan.summary_only[0].summary.id, "c");  // followed: contents unreadable in dev mode
  EXPECT_EQ(plan.item_page_calls, 3 + 2);
  EXPECT_EQ(plan.keep_ids, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(PlanSync, UnchangedSnapshotsCostNothing) {
  const auto a = summary("a", "me", "s1", 120);
  const auto b = summary("b", "me", "s2", 30);

  const auto plan = plan_sync("me", {a, b}, {stored(a, "s1"), stored(b, "s2")}, 50);

  EXPECT_TRUE(plan.read_items.empty());
  EXPECT_EQ(plan.summary_only.size(), 2u);
  EXPECT_EQ(plan.item_page_calls, 0);
}

TEST(PlanSync, AChangedSnapshotOrANeverReadPlaylistIsReadAgain) {
  const auto a = summary("a", "me", "s1-new", 10);
  const auto b = summary("b", "me", "s2", 10);
  StoredPlaylist b_metadata_only = stored(b, "");  // listed before, items never read

  const auto plan = plan_sync("me", {a, b}, {stored(a, "s1-old"), b_metadata_only}, 50);

  EXPECT_EQ(plan.read_items.size(), 2u);
}

TEST(PlanSync, AnEmptySnapshotIsNeverTrustedAsUnchanged) {
  const auto a = summary("a", "me", "", 10);
  EXPECT_EQ(plan_sync("me", {a}, {stored(a, "")}, 50).read_items.size(), 1u);
}

}  // namespace
}  // namespace plm::core
