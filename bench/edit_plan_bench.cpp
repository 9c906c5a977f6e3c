// What the edit engine (core/edit/edit_plan.hpp, issue 9 §1) costs to plan and what its plans cost
// in Spotify calls. Each benchmark plans one seeded random current/desired pair (the generator of
// the property tests, core/edit/edit_test_lists.hpp) again and again; its counters describe the
// plan:
//   calls          write requests of the plan (chunks of 100 counted)
//   moves          of those, range moves
//   move_bound     the breakpoint lower bound on range moves (⌈breakpoints / 3⌉)
//   replace_calls  write requests of replace-everything (a PUT of 100, then appends)
//   added_at_lost  items the plan re-inserts (a new added_at); replace_lost: those replace resets
//
//   Reorder/<n>     a random shuffle of n distinct tracks
//   DragBlocks/<n>  five random range moves of up to 20 items (drag and drop)
//   Mixed/<n>       a few range moves, inserts (some over 100), removals, 5 % duplicates
//
// Usage: plm_edit_plan_bench [benchmark flags]; bench/edit_plan.sh builds and runs it.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <optional>
#include <random>

#include "core/edit/edit_plan.hpp"
#include "core/edit/edit_test_lists.hpp"

namespace {

using plm::core::EditPlan;
using plm::core::WriteStep;
using plm::core::edit_testing::PairShape;

void plan_pair(benchmark::State& state, const PairShape& shape) {
  std::mt19937_64 random(static_cast<std::uint64_t>(state.range(0)) * 7919 + shape.size);
  const auto pair = plm::core::edit_testing::random_pair(random, shape);
  std::optional<EditPlan> last;
  for (auto _ : state) {
    auto plan = plm::core::plan_edit(pair.current, pair.desired);
    if (!plan) {
      state.SkipWithError(plan.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(plan->steps.data());
    last = std::move(plan).value();
  }
  const auto& preview = last->preview;
  state.counters["calls"] = static_cast<double>(preview.calls);
  state.counters["moves"] = static_cast<double>(
      std::count_if(last->steps.begin(), last->steps.end(),
                    [](const WriteStep& step) { return step.kind == WriteStep::Kind::Reorder; }));
  state.counters["move_bound"] = static_cast<double>(preview.move_lower_bound);
  state.counters["replace_calls"] = static_cast<double>(preview.replace_everything.calls);
  state.counters["added_at_lost"] = static_cast<double>(preview.added_at_lost);
  state.counters["replace_lost"] = static_cast<double>(preview.replace_everything.added_at_lost);
}

void BM_Reorder(benchmark::State& state) {
  plan_pair(state, {.size = static_cast<std::size_t>(state.range(0)), .shuffle = true});
}

void BM_DragBlocks(benchmark::State& state) {
  plan_pair(state, {.size = static_cast<std::size_t>(state.range(0)), .range_moves = 5});
}

void BM_Mixed(benchmark::State& state) {
  plan_pair(state, {.size = static_cast<std::size_t>(state.range(0)),
                    .range_moves = 10,
                    .inserts = 8,
                    .removals = 40,
                    .duplicates = 0.05});
}

BENCHMARK(BM_Reorder)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DragBlocks)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Mixed)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
