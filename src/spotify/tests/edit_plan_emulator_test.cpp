// The edit engine's plans (core/edit/edit_plan.hpp) sent through the real client to the emulator
// by run_write_sequence: for seeded random edits of a playlist, the emulator's own final state
// (its admin dump) is exactly the desired list, nothing was added twice, and every item the plan
// keeps still has its added_at. Once with the emulator's default behaviour, once under its
// realistic profile (background 5xx, writes applied behind a 502, reads that lag writes by 2 s).

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "core/edit/edit_plan.hpp"
#include "core/edit/edit_test_lists.hpp"
#include "core/write/playlist_edits.hpp"
#include "core/write/write_sequence.hpp"
#include "spotify/tests/spotify_fixture.hpp"

namespace plm::spotify::testing {
namespace {

using core::edit_testing::PairShape;

/// A playlist as the emulator holds it: its slots as the API reads them ("" for an unavailable
/// item) and their added_at.
struct Held {
  std::string snapshot_id;
  std::vector<std::string> uris;
  std::vector<std::string> added_at;
};

class EditPlanOnEmulatorTest : public SpotifyClientTest {
 protected:
  void SetUp() override { client_ = make_client(mint_tokens("alice")); }

  Held held(const std::string& playlist_id) {
    const auto dump = dump_playlist("alice", playlist_id);
    Held playlist{.snapshot_id = dump.value("snapshot_id", "")};
    for (const auto& entry : dump.value("entries", Json::array())) {
      playlist.uris.push_back(entry.value("unavailable", false) ? "" : entry.value("uri", ""));
      playlist.added_at.push_back(entry.value("added_at", ""));
    }
    return playlist;
  }

  /// Plans `desired` against the playlist as it is, sends the plan and checks the result.
  void edit(const std::string& playlist_id, const std::vector<std::string>& desired,
            bool allow_replace, const core::WriteSequenceOptions& options) {
    const auto before = held(playlist_id);
    const auto plan = core::plan_edit(before.uris, desired, {.allow_replace = allow_replace});
    ASSERT_TRUE(plan) << plan.error().message;
    const auto result = core::run_write_sequence(
        *client_, {playlist_id, before.snapshot_id, before.uris}, plan->steps, options);
    ASSERT_TRUE(result.complete()) << result.stopped_by->message;

    const auto after = held(playlist_id);
    ASSERT_EQ(after.uris, desired);  // so no track is there twice unless asked for
    ASSERT_EQ(result.snapshot_id.empty() ? after.snapshot_id : result.snapshot_id,
              after.snapshot_id);
    if (plan->strategy != core::EditPlan::Strategy::Edit) return;

    // Kept items (matched by URI and occurrence) keep their added_at; only added and
    // re-inserted ones are new.
    std::set<std::int64_t> written;
    for (const auto& item : plan->preview.added) written.insert(item.position);
    for (const auto& item : plan->preview.reinserted) written.insert(item.position);
    std::map<std::string, std::vector<std::string>> dates_of;
    for (std::size_t i = 0; i < before.uris.size(); ++i) {
      dates_of[before.uris[i]].push_back(before.added_at[i]);
    }
    std::map<std::string, std::size_t> seen;
    for (std::size_t j = 0; j < desired.size(); ++j) {
      const auto copy = seen[desired[j]]++;
      if (written.count(static_cast<std::int64_t>(j)) > 0) continue;
      ASSERT_LT(copy, dates_of[desired[j]].size()) << j;
      EXPECT_EQ(after.added_at[j], dates_of[desired[j]][copy]) << "item " << j;
    }
  }

  /// Seeded random edits of Alice's 120-item playlist, one after the other.
  void edit_randomly(int seeds, bool realistic) {
    std::size_t next_track = 3000;
    const core::edit_testing::FreshUri fresh = [&] { return track_uri(next_track++); };
    for (int seed = 1; seed <= seeds; ++seed) {
      SCOPED_TRACE("seed " + std::to_string(seed));
      core::WriteSequenceOptions options;
      if (realistic) {
        ASSERT_EQ(admin("POST", "/__emulator/profile", Json{{"name", "realistic"}, {"seed", seed}})
                      .status,
                  200);
        // Its latency is real time on the server and its rate budget is tested elsewhere.
        ASSERT_EQ(admin("POST", "/__emulator/faults", Json{{"latency", Json::object()}}).status,
                  201);
        ASSERT_EQ(admin("POST", "/__emulator/rate-limits", Json{{"window_budget", 0}}).status, 200);
        // As in resilience_test.cpp: settle lost answers over 3 s of the emulator's clock.
        options.settle_reads = 4;
        options.before_settling = [this] { advance(std::chrono::seconds(1)); };
      }
      // Plans are made from reads taken once the lag has passed (write_sequence.hpp); and the
      // edit's new items get a date of their own.
      advance(std::chrono::seconds(3));
      std::mt19937_64 random(static_cast<std::uint64_t>(seed));
      const PairShape shapes[] = {
          {.range_moves = 4, .inserts = 3, .removals = 6},
          {.shuffle = true},
          {.range_moves = 2, .inserts = 7, .removals = 3},  // an insert run over 100
      };
      const auto& shape = shapes[static_cast<std::size_t>(seed) % std::size(shapes)];
      const auto desired =
          core::edit_testing::random_desired(held(SeedIds::kAliceBig).uris, shape, random, fresh);
      edit(SeedIds::kAliceBig, desired, /*allow_replace=*/seed % 4 == 0, options);
      if (HasFatalFailure()) return;
    }
  }

  std::unique_ptr<Client> client_;
};

TEST_F(EditPlanOnEmulatorTest, RandomEditsEndExactlyAsDesired) { edit_randomly(9, false); }

TEST_F(EditPlanOnEmulatorTest, RandomEditsEndExactlyAsDesiredUnderTheRealisticProfile) {
  edit_randomly(9, true);
  EXPECT_GT(stat("faults"), 0);  // the profile did get in the way
}

TEST_F(EditPlanOnEmulatorTest, DuplicatesAreThinnedByRemovingAndPuttingBack) {
  auto desired = held(SeedIds::kAliceMain).uris;  // six entries, one URI twice
  std::map<std::string, int> copies;
  for (const auto& uri : desired) ++copies[uri];
  const auto duplicated = std::find_if(desired.begin(), desired.end(),
                                       [&](const std::string& uri) { return copies[uri] > 1; });
  ASSERT_NE(duplicated, desired.end());
  const std::string uri = *duplicated;
  desired.erase(duplicated);  // the second copy stays, put back after a removal of both
  edit(SeedIds::kAliceMain, desired, false, {});
  EXPECT_EQ(std::count(desired.begin(), desired.end(), uri), 1);
}

TEST_F(EditPlanOnEmulatorTest, LocalFilesAndUnavailableItemsAreMovedNotRewritten) {
  const auto current = held(SeedIds::kAliceOdd).uris;  // a track, a local file, an unavailable
  ASSERT_EQ(current.size(), 3u);
  ASSERT_TRUE(core::is_local_uri(current[1]));
  ASSERT_EQ(current[2], "");
  edit(SeedIds::kAliceOdd, {"", track_uri(3100), current[0], current[1]}, true, {});

  // Dropping the local file is refused: there is nothing to send.
  const auto refused = core::plan_edit(held(SeedIds::kAliceOdd).uris, {"", track_uri(3100)});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::InvalidInput);
}

}  // namespace
}  // namespace plm::spotify::testing
