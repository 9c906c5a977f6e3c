#include "core/edit/edit_plan.hpp"

#include <gtest/gtest.h>

#include <map>
#include <numeric>
#include <set>

#include "core/edit/edit_test_lists.hpp"
#include "core/write/playlist_edits.hpp"

namespace plm::core {
namespace {

using edit_testing::local_file;
using edit_testing::track;
using edit_testing::tracks;
using StepKind = WriteStep::Kind;

/// The plan, checked in the simulator: it must turn current into exactly desired.
EditPlan planned(const std::vector<std::string>& current, const std::vector<std::string>& desired,
                 EditOptions options = {}) {
  auto plan = plan_edit(current, desired, options);
  EXPECT_TRUE(plan) << plan.error().message;
  if (!plan) return {};
  const auto applied = apply_steps(current, plan->steps);
  EXPECT_TRUE(applied) << applied.error().message;
  if (applied) {
    EXPECT_EQ(*applied, desired);
  }
  EXPECT_EQ(plan->preview.calls, write_requests(plan->steps));
  return std::move(plan).value();
}

std::int64_t count(const EditPlan& plan, StepKind kind) {
  return std::count_if(plan.steps.begin(), plan.steps.end(),
                       [&](const WriteStep& step) { return step.kind == kind; });
}

TEST(EditPlan, SameListTakesNoCall) {
  const auto list = tracks(1, 30);
  const auto plan = planned(list, list);
  EXPECT_TRUE(plan.steps.empty());
  EXPECT_EQ(plan.preview.calls, 0);
  EXPECT_EQ(plan.preview.replace_everything.calls, 1);
  EXPECT_EQ(plan.preview.replace_everything.added_at_lost, 30);
}

TEST(EditPlan, OneItemMovedIsOneReorder) {
  const auto current = tracks(1, 10);
  auto desired = current;
  std::rotate(desired.begin() + 2, desired.begin() + 7, desired.begin() + 8);  // 7 before 2
  const auto plan = planned(current, desired);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].kind, StepKind::Reorder);
  EXPECT_EQ(plan.steps[0].range_length, 1);
  ASSERT_EQ(plan.preview.moved.size(), 1u);
  EXPECT_EQ(plan.preview.moved[0], (MovedItem{current[7], 7, 2}));
  EXPECT_EQ(plan.preview.added_at_lost, 0);
}

TEST(EditPlan, ABlockMovedIsOneRangeMove) {
  const auto current = tracks(1, 100);
  auto desired = current;
  std::rotate(desired.begin() + 10, desired.begin() + 60, desired.begin() + 90);
  const auto plan = planned(current, desired);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].range_length, 30);  // the shorter side moves
  EXPECT_EQ(plan.preview.moved.size(), 30u);
  EXPECT_EQ(plan.preview.move_lower_bound, 1);
}

TEST(EditPlan, ReversalMovesEveryItemButOne) {
  const auto current = tracks(1, 8);
  const std::vector<std::string> desired(current.rbegin(), current.rend());
  const auto plan = planned(current, desired);
  EXPECT_EQ(count(plan, StepKind::Reorder), 7);
  EXPECT_EQ(plan.preview.move_lower_bound, 3);  // 9 breakpoints
}

TEST(EditPlan, AddsAreGroupedByContiguousRun) {
  const auto current = tracks(1, 10);
  auto desired = current;
  const auto top = tracks(100, 3);
  const auto middle = tracks(200, 250);  // three requests
  const auto bottom = tracks(900, 2);
  desired.insert(desired.end(), bottom.begin(), bottom.end());
  desired.insert(desired.begin() + 5, middle.begin(), middle.end());
  desired.insert(desired.begin(), top.begin(), top.end());
  const auto plan = planned(current, desired);
  ASSERT_EQ(plan.steps.size(), 3u);
  EXPECT_EQ(plan.steps[0].position, 0);
  EXPECT_EQ(plan.steps[1].position, 8);
  EXPECT_EQ(plan.steps[1].uris.size(), 250u);
  EXPECT_EQ(plan.steps[2].position, std::nullopt);  // appended
  EXPECT_EQ(plan.preview.calls, 5);
  EXPECT_EQ(plan.preview.added.size(), 255u);
  EXPECT_TRUE(plan.preview.reinserted.empty());
}

TEST(EditPlan, RemovalsAreOneRequestPerHundredUris) {
  const auto current = tracks(1, 250);
  std::vector<std::string> desired;
  for (std::size_t i = 0; i < current.size(); i += 2) desired.push_back(current[i]);
  const auto plan = planned(current, desired);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].kind, StepKind::Remove);
  EXPECT_EQ(plan.preview.calls, 2);  // 125 URIs
  EXPECT_EQ(plan.preview.removed.size(), 125u);
  EXPECT_EQ(plan.preview.removed[0], (PlacedItem{current[1], 1}));
}

TEST(EditPlan, DroppingOneCopyOfADuplicatePutsTheOthersBack) {
  const auto a = track(1);
  const auto b = track(2);
  const auto c = track(3);
  const std::vector<std::string> current{a, b, a, c, a};
  const std::vector<std::string> desired{a, b, c, a};
  const auto plan = planned(current, desired);
  EXPECT_EQ(plan.steps[0].kind, StepKind::Remove);
  EXPECT_EQ(plan.steps[0].uris, std::vector<std::string>{a});
  EXPECT_EQ(plan.preview.removed, (std::vector<PlacedItem>{{a, 4}}));
  EXPECT_EQ(plan.preview.reinserted, (std::vector<PlacedItem>{{a, 0}, {a, 3}}));
  EXPECT_EQ(plan.preview.added_at_lost, 2);
  EXPECT_TRUE(plan.preview.added.empty());
  EXPECT_EQ(plan.preview.calls, 3);  // remove, add at the top, append
}

TEST(EditPlan, AnExtraCopyIsAddedAndTheOthersKept) {
  const auto a = track(1);
  const auto b = track(2);
  const std::vector<std::string> current{a, b};
  const std::vector<std::string> desired{a, b, a};
  const auto plan = planned(current, desired);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].kind, StepKind::Add);
  EXPECT_EQ(plan.preview.added, (std::vector<PlacedItem>{{a, 2}}));
  EXPECT_EQ(plan.preview.added_at_lost, 0);
}

TEST(EditPlan, LocalFilesAndUnavailableSlotsMoveButStay) {
  const auto list = tracks(1, 5);
  const std::vector<std::string> current{list[0], local_file(1), list[1], "", list[2]};
  const std::vector<std::string> desired{"", list[0], list[2], local_file(1), list[3]};
  const auto plan = planned(current, desired);
  EXPECT_EQ(plan.steps[0].kind, StepKind::Remove);
  EXPECT_EQ(plan.steps[0].uris, std::vector<std::string>{list[1]});
  EXPECT_FALSE(plan.preview.replace_everything.possible());
}

TEST(EditPlan, RefusesToRemoveALocalFileNamingIt) {
  const auto list = tracks(1, 3);
  const std::vector<std::string> current{list[0], local_file(7), list[1]};
  const auto plan = plan_edit(current, {list[0], list[1]});
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(plan.error().message, "the local file " + local_file(7) +
                                      " at item 2 of the playlist is not in the desired list, "
                                      "and Spotify cannot remove local files");
}

TEST(EditPlan, RefusesToAddALocalFileOrAnUnavailableSlot) {
  const auto list = tracks(1, 3);
  auto plan = plan_edit(list, {list[0], local_file(1), list[1], list[2]});
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("at item 2 of the desired list"), std::string::npos);
  EXPECT_NE(plan.error().message.find("cannot add local files"), std::string::npos);

  plan = plan_edit({list[0], ""}, {list[0]});
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message,
            "the unavailable slot at item 2 of the playlist is not in the desired list, and "
            "Spotify cannot remove an unavailable slot");

  plan = plan_edit({list[0], ""}, {"", list[0], ""});
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("unavailable slot at item 3 of the desired list"),
            std::string::npos);

  plan = plan_edit({list[0]}, {list[0], "spotify:track:short"});
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("not a Spotify track or episode URI"), std::string::npos);
}

TEST(EditPlan, ReplaceOnlyWhenAllowedAndCheaper) {
  const auto current = tracks(1, 60);
  auto desired = current;
  std::reverse(desired.begin(), desired.end());  // 59 moves
  auto plan = planned(current, desired);
  EXPECT_EQ(plan.strategy, EditPlan::Strategy::Edit);
  EXPECT_EQ(plan.preview.calls, 59);
  EXPECT_EQ(plan.preview.replace_everything.calls, 1);
  EXPECT_EQ(plan.preview.replace_everything.added_at_lost, 60);

  plan = planned(current, desired, {.allow_replace = true});
  EXPECT_EQ(plan.strategy, EditPlan::Strategy::Replace);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].kind, StepKind::Replace);
  EXPECT_EQ(plan.preview.calls, 1);
  EXPECT_EQ(plan.preview.added_at_lost, 60);

  // One move is cheaper than a replace, even when allowed.
  desired = current;
  std::swap(desired[3], desired[4]);
  plan = planned(current, desired, {.allow_replace = true});
  EXPECT_EQ(plan.strategy, EditPlan::Strategy::Edit);
  EXPECT_EQ(plan.preview.calls, 1);
}

TEST(EditPlan, NeverReplacesAPlaylistWithLocalFiles) {
  auto current = tracks(1, 60);
  current.push_back(local_file(1));
  std::vector<std::string> desired(current.rbegin(), current.rend());
  const auto plan = planned(current, desired, {.allow_replace = true});
  EXPECT_EQ(plan.strategy, EditPlan::Strategy::Edit);
  EXPECT_EQ(plan.preview.replace_everything.impossible_because,
            "a replace would drop the playlist's 1 local file(s) and 0 unavailable slot(s), "
            "which Spotify cannot add back");
}

TEST(EditPlan, ClearingAPlaylist) {
  const auto current = tracks(1, 150);
  auto plan = planned(current, {});
  EXPECT_EQ(plan.preview.calls, 2);
  plan = planned(current, {}, {.allow_replace = true});
  EXPECT_EQ(plan.strategy, EditPlan::Strategy::Replace);
  EXPECT_EQ(plan.preview.calls, 1);
  EXPECT_EQ(plan.preview.added_at_lost, 0);
}

TEST(EditPlan, WriteRequestsCountChunks) {
  EXPECT_EQ(write_requests(WriteStep::add(tracks(1, 100))), 1);
  EXPECT_EQ(write_requests(WriteStep::add(tracks(1, 101))), 2);
  EXPECT_EQ(write_requests(WriteStep::remove(tracks(1, 201))), 3);
  EXPECT_EQ(write_requests(WriteStep::replace({})), 1);
  EXPECT_EQ(write_requests(WriteStep::replace(tracks(1, 250))), 3);
  EXPECT_EQ(write_requests(WriteStep::reorder(0, 5, 3)), 1);
}

TEST(EditSimulator, AppliesSpotifysRulesAndRefusesWhatItRefuses) {
  const auto list = tracks(1, 5);
  const std::vector<std::string> current{list[0], list[1], list[0], local_file(1), ""};
  auto applied = apply_steps(current, {WriteStep::remove({list[0]})});
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, (std::vector<std::string>{list[1], local_file(1), ""}));

  applied = apply_steps(current, {WriteStep::reorder(0, 5, 2), WriteStep::add({list[4]}, 1)});
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied,
            (std::vector<std::string>{list[0], list[4], local_file(1), "", list[0], list[1]}));

  applied = apply_steps(current, {WriteStep::add({list[4]}), WriteStep::remove({local_file(1)})});
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code, ErrorCode::InvalidInput);
  EXPECT_TRUE(applied.error().message.starts_with("step 2 (remove): ")) << applied.error().message;
  EXPECT_FALSE(apply_steps(current, {WriteStep::reorder(4, 0, 2)}));
  EXPECT_FALSE(apply_steps(current, {WriteStep::add({list[4]}, 6)}));
}

TEST(EditBound, BreakpointsFrameThePermutation) {
  EXPECT_EQ(breakpoints({}), 0);
  EXPECT_EQ(breakpoints({0, 1, 2}), 0);
  EXPECT_EQ(breakpoints({1, 0}), 3);
  EXPECT_EQ(breakpoints({2, 0, 1}), 3);
  EXPECT_EQ(breakpoints({3, 2, 1, 0}), 5);
  EXPECT_EQ(range_move_lower_bound({0, 1, 2}), 0);
  EXPECT_EQ(range_move_lower_bound({2, 0, 1}), 1);
  EXPECT_EQ(range_move_lower_bound({3, 2, 1, 0}), 2);
}

/// Every permutation of up to 6 items, against the true minimum of range moves (a breadth-first
/// search over Spotify's reorders): the bound never exceeds it, and the engine never beats it.
TEST(EditBound, BoundIsBelowTheTrueMinimumAndThePlanAtOrAboveIt) {
  for (std::int64_t n = 1; n <= 6; ++n) {
    std::vector<std::int64_t> identity(static_cast<std::size_t>(n));
    std::iota(identity.begin(), identity.end(), 0);
    // Distance from a permutation to the identity = from the identity to its inverse under the
    // inverse moves; the set of range moves is closed under inversion, so a search from the
    // identity gives every permutation's distance.
    std::map<std::vector<std::int64_t>, int> distance{{identity, 0}};
    std::vector<std::vector<std::int64_t>> frontier{identity};
    while (!frontier.empty()) {
      std::vector<std::vector<std::int64_t>> next;
      for (const auto& permutation : frontier) {
        for (std::int64_t start = 0; start < n; ++start) {
          for (std::int64_t length = 1; start + length <= n; ++length) {
            for (std::int64_t before = 0; before <= n; ++before) {
              auto moved = permutation;
              move_range(moved, start, before, length);
              if (distance.emplace(moved, distance[permutation] + 1).second) {
                next.push_back(moved);
              }
            }
          }
        }
      }
      frontier = std::move(next);
    }
    std::int64_t optimal = 0;
    std::int64_t total = 0;
    for (const auto& [permutation, minimum] : distance) {
      ASSERT_LE(range_move_lower_bound(permutation), minimum);
      std::vector<std::string> current;
      std::vector<std::string> desired;
      for (const auto value : permutation)
        current.push_back(track(static_cast<std::uint64_t>(value)));
      for (const auto value : identity) desired.push_back(track(static_cast<std::uint64_t>(value)));
      const auto plan = planned(current, desired);
      const auto moves = count(plan, StepKind::Reorder);
      ASSERT_GE(moves, minimum);
      optimal += moves == minimum ? 1 : 0;
      ++total;
    }
    RecordProperty("optimal_n" + std::to_string(n),
                   std::to_string(optimal) + "/" + std::to_string(total));
  }
}

}  // namespace
}  // namespace plm::core
