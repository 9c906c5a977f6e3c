// The pure parts of consistency.hpp: when a version settles, and a reorder named on an older
// version applied to the current one.

#include "emulator/consistency.hpp"

#include <gtest/gtest.h>

namespace spotify_emulator {
namespace {

KeptVersion written(std::int64_t at_ms, std::int64_t reads = 0) {
  return KeptVersion{.written_at_ms = at_ms, .reads_since = reads};
}

TEST(VisibleVersion, TheFirstIsAlwaysShownAndNewerOnesAfterTheLag) {
  const ConsistencySettings by_time{.stale_read_ms = 1000};
  const std::deque<KeptVersion> versions{written(0), written(100), written(600)};
  EXPECT_EQ(visible_version(versions, by_time, 600), 0u);
  EXPECT_EQ(visible_version(versions, by_time, 1099), 0u);
  EXPECT_EQ(visible_version(versions, by_time, 1100), 1u);
  EXPECT_EQ(visible_version(versions, by_time, 1600), 2u);
}

TEST(VisibleVersion, ByReadsOrByTimeWhicheverComesFirst) {
  const ConsistencySettings both{.stale_read_ms = 1000, .stale_reads = 2};
  EXPECT_EQ(visible_version({written(0), written(500, 1)}, both, 600), 0u);
  EXPECT_EQ(visible_version({written(0), written(500, 2)}, both, 600), 1u);   // reads first
  EXPECT_EQ(visible_version({written(0), written(500, 0)}, both, 1500), 1u);  // time first
  const ConsistencySettings by_reads{.stale_reads = 2};
  EXPECT_EQ(visible_version({written(0), written(0, 1)}, by_reads, 1'000'000), 0u);
}

TEST(VisibleVersion, SettledStaysShownAndNoLagShowsTheNewest) {
  auto settled = written(500);
  settled.settled = true;
  EXPECT_EQ(visible_version({written(0), settled, written(600)},
                            ConsistencySettings{.stale_read_ms = 1000}, 700),
            1u);
  EXPECT_EQ(visible_version({written(0), written(600)}, ConsistencySettings{}, 600), 1u);
}

TEST(ReorderByIdentity, MovesTheNamedEntriesBeforeTheNamedTarget) {
  const std::vector<std::uint64_t> named{1, 2, 3, 4, 5};
  // 9 was added at the front and 4 removed since.
  const std::vector<std::uint64_t> current{9, 1, 2, 3, 5};
  EXPECT_EQ(reorder_by_identity(named, current, 0, 2, 1),
            (std::vector<std::uint64_t>{9, 2, 1, 3, 5}));
  EXPECT_EQ(reorder_by_identity(named, current, 4, 0, 1),
            (std::vector<std::uint64_t>{9, 5, 1, 2, 3}));
  // A range, in its named order; the target is the end.
  EXPECT_EQ(reorder_by_identity(named, current, 0, 5, 2),
            (std::vector<std::uint64_t>{9, 3, 5, 1, 2}));
  // The target removed since: the end. Part of the range removed since: the rest moves.
  EXPECT_EQ(reorder_by_identity(named, current, 0, 3, 1),
            (std::vector<std::uint64_t>{9, 2, 3, 5, 1}));
  EXPECT_EQ(reorder_by_identity(named, current, 2, 0, 2),
            (std::vector<std::uint64_t>{9, 3, 1, 2, 5}));
}

TEST(ReorderByIdentity, ATargetInsideTheRangeChangesNothing) {
  const std::vector<std::uint64_t> named{1, 2, 3};
  const std::vector<std::uint64_t> current{3, 2, 1};
  EXPECT_EQ(reorder_by_identity(named, current, 0, 0, 2), current);
  EXPECT_EQ(reorder_by_identity(named, current, 0, 2, 2), current);
}

TEST(SnapshotModeNames, RoundTrip) {
  for (const auto mode :
       {SnapshotMode::Ignore, SnapshotMode::BadVersionTag, SnapshotMode::ErrorLoading,
        SnapshotMode::InvalidBase62, SnapshotMode::ApplyToNamed}) {
    EXPECT_EQ(parse_snapshot_mode(to_string(mode)), mode);
  }
  EXPECT_FALSE(parse_snapshot_mode("strict"));
}

}  // namespace
}  // namespace spotify_emulator
