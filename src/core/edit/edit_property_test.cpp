// Property tests of the edit engine: thousands of seeded random current/desired pairs. Every case
// prints its seed on failure; PLM_EDIT_SEED=<seed> replays that one case alone.

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>

#include "core/edit/edit_plan.hpp"
#include "core/edit/edit_test_lists.hpp"
#include "core/write/playlist_edits.hpp"

namespace plm::core {
namespace {

using edit_testing::Pair;
using edit_testing::PairShape;
using edit_testing::random_pair;

std::optional<std::uint64_t> replayed_seed() {
  const char* text = std::getenv("PLM_EDIT_SEED");
  if (text == nullptr || *text == '\0') return std::nullopt;
  return std::strtoull(text, nullptr, 10);
}

/// Whether Spotify can do it at all: local files and unavailable slots are neither added nor
/// removed, so each must have as many copies in both lists.
bool feasible(const Pair& pair) {
  std::map<std::string, std::int64_t> balance;
  for (const auto& uri : pair.current) {
    if (!is_item_uri(uri)) ++balance[uri];
  }
  for (const auto& uri : pair.desired) {
    if (!is_item_uri(uri)) --balance[uri];
  }
  return std::all_of(balance.begin(), balance.end(),
                     [](const auto& entry) { return entry.second == 0; });
}

std::int64_t reorders(const EditPlan& plan) {
  return std::count_if(plan.steps.begin(), plan.steps.end(),
                       [](const WriteStep& step) { return step.kind == WriteStep::Kind::Reorder; });
}

/// The properties, for one pair: a plan exactly when the edit is feasible; applied in the
/// simulator it gives exactly the desired list; no more calls than a replace when one is allowed
/// and possible; no fewer moves than the breakpoint bound; a preview that adds up.
/// `refused` counts the pairs refused (as they must be).
void check_pair(const Pair& pair, bool allow_replace, int& refused) {
  const auto plan = plan_edit(pair.current, pair.desired, {.allow_replace = allow_replace});
  ASSERT_EQ(plan.has_value(), feasible(pair)) << (plan ? "" : plan.error().message);
  if (!plan) {
    EXPECT_EQ(plan.error().code, ErrorCode::InvalidInput);
    ++refused;
    return;
  }
  const auto applied = apply_steps(pair.current, plan->steps);
  ASSERT_TRUE(applied) << applied.error().message;
  ASSERT_EQ(*applied, pair.desired);

  const auto& preview = plan->preview;
  EXPECT_EQ(preview.calls, write_requests(plan->steps));
  const auto& replace = preview.replace_everything;
  if (allow_replace && replace.possible()) {
    EXPECT_LE(preview.calls, replace.calls);
  }
  if (plan->strategy == EditPlan::Strategy::Edit) {
    EXPECT_GE(reorders(*plan), preview.move_lower_bound);
    EXPECT_EQ(preview.added_at_lost, static_cast<std::int64_t>(preview.reinserted.size()));
    // Every desired slot is kept, added or re-inserted; every current slot kept or removed.
    const auto kept = static_cast<std::int64_t>(pair.desired.size() - preview.added.size() -
                                                preview.reinserted.size());
    EXPECT_EQ(kept + static_cast<std::int64_t>(preview.removed.size() + preview.reinserted.size()),
              static_cast<std::int64_t>(pair.current.size()));
  } else {
    EXPECT_TRUE(replace.possible());
    EXPECT_EQ(plan->steps.size(), 1u);
  }
}

struct Family {
  const char* name;
  int cases;
  PairShape (*shape)(std::mt19937_64&);
};

std::size_t size_upto(std::mt19937_64& random, std::size_t most) {
  return std::uniform_int_distribution<std::size_t>(0, most)(random);
}

const Family kFamilies[] = {
    {"shuffle", 400,
     [](std::mt19937_64& r) { return PairShape{.size = size_upto(r, 120), .shuffle = true}; }},
    {"few moves", 600,
     [](std::mt19937_64& r) {
       return PairShape{.size = size_upto(r, 300), .range_moves = static_cast<int>(r() % 6)};
     }},
    {"inserts and removals", 600,
     [](std::mt19937_64& r) {
       return PairShape{.size = size_upto(r, 300),
                        .inserts = static_cast<int>(r() % 8),
                        .removals = static_cast<int>(r() % 20)};
     }},
    {"mixed with duplicates", 800,
     [](std::mt19937_64& r) {
       return PairShape{.size = size_upto(r, 200),
                        .shuffle = r() % 4 == 0,
                        .range_moves = static_cast<int>(r() % 5),
                        .inserts = static_cast<int>(r() % 5),
                        .removals = static_cast<int>(r() % 10),
                        .duplicates = 0.3};
     }},
    {"local files and unavailable slots", 600,
     [](std::mt19937_64& r) {
       return PairShape{.size = size_upto(r, 100),
                        .shuffle = r() % 3 == 0,
                        .range_moves = static_cast<int>(r() % 4),
                        .inserts = static_cast<int>(r() % 4),
                        .removals = static_cast<int>(r() % 6),
                        .duplicates = 0.1,
                        .local_files = static_cast<int>(r() % 4),
                        .unavailable = static_cast<int>(r() % 3),
                        .touch_fixed = r() % 2 == 0};
     }},
    {"small", 2000,
     [](std::mt19937_64& r) {
       return PairShape{.size = size_upto(r, 8),
                        .shuffle = r() % 2 == 0,
                        .range_moves = static_cast<int>(r() % 3),
                        .inserts = static_cast<int>(r() % 3),
                        .removals = static_cast<int>(r() % 3),
                        .duplicates = 0.4,
                        .local_files = static_cast<int>(r() % 2),
                        .unavailable = static_cast<int>(r() % 2),
                        .touch_fixed = r() % 4 == 0};
     }},
};

/// Case `index` of a family has seed family_number * 1,000,000 + index: stable across runs, and
/// PLM_EDIT_SEED replays it.
TEST(EditProperties, RandomPairsGiveExactlyTheDesiredList) {
  const auto replay = replayed_seed();
  std::uint64_t family_number = 0;
  int refused = 0;
  for (const auto& family : kFamilies) {
    ++family_number;
    for (int index = 0; index < family.cases; ++index) {
      const auto seed = family_number * 1000000 + static_cast<std::uint64_t>(index);
      if (replay && *replay != seed) continue;
      std::mt19937_64 random(seed);
      const auto shape = family.shape(random);
      const auto pair = random_pair(random, shape);
      SCOPED_TRACE(std::string(family.name) + ", seed " + std::to_string(seed) +
                   " (replay: PLM_EDIT_SEED=" + std::to_string(seed) + ")");
      check_pair(pair, /*allow_replace=*/seed % 2 == 0, refused);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  // The families that may touch local files and unavailable slots do produce refusals.
  if (!replay) {
    EXPECT_GT(refused, 100);
  }
}

/// Large lists: a few cases only (the simulator's moves are linear each, and the ASan build is
/// slower).
TEST(EditProperties, TenThousandItems) {
  const auto replay = replayed_seed();
  const PairShape shapes[] = {
      {.size = 10000, .shuffle = true},
      {.size = 10000, .range_moves = 5, .inserts = 10, .removals = 30},
      {.size = 10000, .range_moves = 3, .inserts = 6, .removals = 10, .duplicates = 0.05},
      {.size = 1000, .shuffle = true, .inserts = 5, .removals = 50, .duplicates = 0.1},
  };
  std::uint64_t seed = 9000000;
  for (const auto& shape : shapes) {
    ++seed;
    if (replay && *replay != seed) continue;
    std::mt19937_64 random(seed);
    const auto pair = random_pair(random, shape);
    SCOPED_TRACE("seed " + std::to_string(seed) +
                 " (replay: PLM_EDIT_SEED=" + std::to_string(seed) + ")");
    int refused = 0;
    check_pair(pair, /*allow_replace=*/false, refused);
    check_pair(pair, /*allow_replace=*/true, refused);
    EXPECT_EQ(refused, 0);
  }
}

}  // namespace
}  // namespace plm::core
