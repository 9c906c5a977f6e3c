#include "core/edit/edit_plan.hpp"

#include <algorithm>
#include <limits>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "core/write/playlist_edits.hpp"

namespace plm::core {

namespace {

using Kind = WriteStep::Kind;

constexpr std::int64_t kPerRequest = SpotifyApi::kMaxItemsPerWrite;

std::int64_t requests_for(std::size_t items) {
  return (static_cast<std::int64_t>(items) + kPerRequest - 1) / kPerRequest;
}

std::int64_t replace_requests(std::size_t items) {
  return std::max<std::int64_t>(1, requests_for(items));
}

/// How an item is named in a refusal: its kind, its URI and its 1-based place, as the user counts.
std::string describe(std::string_view uri, std::int64_t position, std::string_view list) {
  const std::string place = "item " + std::to_string(position + 1) + " of the " + std::string(list);
  if (uri.empty()) return "the unavailable slot at " + place;
  if (is_local_uri(uri)) return "the local file " + std::string(uri) + " at " + place;
  return "'" + std::string(uri) + "' at " + place;
}

Error refusal(std::string what, std::string_view why) {
  return make_error(ErrorCode::InvalidInput, std::move(what) + std::string(why));
}

/// Where the copies of one URI are in each list.
struct Occurrences {
  std::vector<std::int64_t> current;
  std::vector<std::int64_t> desired;

  /// Every copy goes when the desired list has fewer: a removal takes them all.
  bool removed() const { return current.size() > desired.size(); }
  /// Copies of the current list that stay untouched (matched by occurrence).
  std::size_t kept() const { return removed() ? 0 : current.size(); }
};

using OccurrenceMap = std::unordered_map<std::string_view, Occurrences>;

OccurrenceMap occurrences_of(const std::vector<std::string>& current,
                             const std::vector<std::string>& desired) {
  OccurrenceMap map;
  map.reserve(current.size() + desired.size());
  for (std::size_t i = 0; i < current.size(); ++i) {
    map[current[i]].current.push_back(static_cast<std::int64_t>(i));
  }
  for (std::size_t j = 0; j < desired.size(); ++j) {
    map[desired[j]].desired.push_back(static_cast<std::int64_t>(j));
  }
  return map;
}

/// Why Spotify cannot add or remove (`verb`) an item that is not a track or episode URI.
std::string cannot(std::string_view uri, std::string_view verb) {
  if (uri.empty()) return "Spotify cannot " + std::string(verb) + " an unavailable slot";
  if (is_local_uri(uri)) return "Spotify cannot " + std::string(verb) + " local files";
  return "it is not a Spotify track or episode URI";
}

/// Refuses the edit when it would need an item removed or added that Spotify cannot remove or add
/// (named by its first copy that would need it).
Status check_feasible(const std::vector<std::string>& current,
                      const std::vector<std::string>& desired, const OccurrenceMap& map) {
  for (const auto& uri : current) {
    const auto& occurrences = map.at(uri);
    if (is_item_uri(uri) || !occurrences.removed()) continue;
    const auto position = occurrences.current[occurrences.desired.size()];
    return refusal(describe(uri, position, "playlist"),
                   " is not in the desired list, and " + cannot(uri, "remove"));
  }
  for (const auto& uri : desired) {
    const auto& occurrences = map.at(uri);
    if (is_item_uri(uri) || occurrences.current.size() >= occurrences.desired.size()) continue;
    const auto position = occurrences.desired[occurrences.current.size()];
    return refusal(describe(uri, position, "desired list"),
                   " is not in the playlist, and " + cannot(uri, "add"));
  }
  return ok();
}

/// Prefix sums over slots that move (a Fenwick tree): where a strip is in the list right now.
class PositionIndex {
 public:
  explicit PositionIndex(std::size_t slots) : tree_(slots + 1, 0) {}
  void add(std::size_t slot, std::int64_t count) {
    for (std::size_t i = slot + 1; i < tree_.size(); i += i & (~i + 1)) tree_[i] += count;
  }
  /// Items in the slots before `slot`.
  std::int64_t before(std::size_t slot) const {
    std::int64_t sum = 0;
    for (std::size_t i = slot; i > 0; i -= i & (~i + 1)) sum += tree_[i];
    return sum;
  }

 private:
  std::vector<std::int64_t> tree_;
};

/// A maximal run of kept items whose ranks follow each other (r, r+1, …): it never needs
/// splitting, so it moves as one range.
struct Strip {
  std::size_t first = 0;  ///< index into the kept items, in current order
  std::int64_t length = 0;
  std::int64_t rank = 0;  ///< of its first item
  bool stays = false;     ///< in the longest increasing subsequence of strips
};

std::vector<Strip> strips_of(const std::vector<std::int64_t>& ranks) {
  std::vector<Strip> strips;
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    if (i > 0 && ranks[i] == ranks[i - 1] + 1) {
      ++strips.back().length;
    } else {
      strips.push_back(Strip{.first = i, .length = 1, .rank = ranks[i]});
    }
  }
  return strips;
}

/// Marks the strips of a longest increasing subsequence (by rank) as staying: the most strips,
/// and among those the most items (so that a dragged block is what moves, not what it passed). A
/// Fenwick tree of prefix maxima over ranks gives the best chain ending below each rank.
void mark_longest_increasing(std::vector<Strip>& strips, std::size_t rank_count) {
  constexpr auto kNone = std::numeric_limits<std::size_t>::max();
  struct Chain {
    std::int64_t strips = 0;
    std::int64_t items = 0;
    std::size_t last = kNone;
    bool operator>(const Chain& other) const {
      return std::tie(strips, items) > std::tie(other.strips, other.items);
    }
  };
  std::vector<Chain> best(rank_count + 1);  // 1-based Fenwick tree over ranks
  std::vector<std::size_t> parent(strips.size(), kNone);
  Chain longest;
  for (std::size_t s = 0; s < strips.size(); ++s) {
    const auto rank = static_cast<std::size_t>(strips[s].rank);
    Chain before;
    for (std::size_t i = rank; i > 0; i -= i & (~i + 1)) {
      if (best[i] > before) before = best[i];
    }
    parent[s] = before.last;
    const Chain mine{before.strips + 1, before.items + strips[s].length, s};
    for (std::size_t i = rank + 1; i <= rank_count; i += i & (~i + 1)) {
      if (mine > best[i]) best[i] = mine;
    }
    if (mine > longest) longest = mine;
  }
  for (auto s = longest.last; s != kNone; s = parent[s]) strips[s].stays = true;
}

/// The range moves that sort the kept items (given by rank, in current order) into rank order.
/// Each strip off the longest increasing subsequence moves once, in rank order, to just after the
/// item ranked before it (the front for rank 0), which is by then in its final place: staying
/// strips never move and each moved one lands behind its predecessor. A Fenwick tree over slots
/// (each strip's original place, and its destination right after the staying strip that heads its
/// chain) gives every index in O(log n).
std::vector<WriteStep> range_moves(std::vector<Strip>& strips, std::size_t rank_count) {
  mark_longest_increasing(strips, rank_count);
  std::vector<std::size_t> by_rank(strips.size());
  for (std::size_t s = 0; s < strips.size(); ++s) by_rank[s] = s;
  std::sort(by_rank.begin(), by_rank.end(),
            [&](std::size_t a, std::size_t b) { return strips[a].rank < strips[b].rank; });

  // chains[s]: the moving strips that end up behind staying strip s, in rank order; the last
  // entry (index strips.size()) holds those that go to the front.
  std::vector<std::vector<std::size_t>> chains(strips.size() + 1);
  std::size_t head = strips.size();
  for (const auto s : by_rank) {
    if (strips[s].stays) {
      head = s;
    } else {
      chains[head].push_back(s);
    }
  }

  std::vector<std::size_t> origin(strips.size());
  std::vector<std::size_t> destination(strips.size());
  std::size_t slot = 0;
  for (const auto s : chains[strips.size()]) destination[s] = slot++;
  for (std::size_t s = 0; s < strips.size(); ++s) {
    origin[s] = slot++;
    if (strips[s].stays) {
      for (const auto moved : chains[s]) destination[moved] = slot++;
    }
  }
  PositionIndex index(slot);
  for (std::size_t s = 0; s < strips.size(); ++s) index.add(origin[s], strips[s].length);

  std::vector<WriteStep> moves;
  for (const auto s : by_rank) {
    if (strips[s].stays) continue;
    const auto length = strips[s].length;
    const auto range_start = index.before(origin[s]);
    const auto insert_before = index.before(destination[s]);
    // Earlier moves may already have brought its predecessor right before it.
    if (insert_before < range_start || insert_before > range_start + length) {
      moves.push_back(WriteStep::reorder(range_start, insert_before, length));
    }
    index.add(origin[s], -length);
    index.add(destination[s], length);
  }
  return moves;
}

ReplaceCost replace_cost(const std::vector<std::string>& current,
                         const std::vector<std::string>& desired, std::int64_t kept) {
  ReplaceCost cost{.calls = replace_requests(desired.size()), .added_at_lost = kept};
  const auto locals = std::count_if(current.begin(), current.end(),
                                    [](const std::string& uri) { return is_local_uri(uri); });
  const auto unavailable = std::count(current.begin(), current.end(), std::string());
  if (locals > 0 || unavailable > 0) {
    cost.impossible_because = "a replace would drop the playlist's " + std::to_string(locals) +
                              " local file(s) and " + std::to_string(unavailable) +
                              " unavailable slot(s), which Spotify cannot add back";
  } else if (!std::all_of(desired.begin(), desired.end(),
                          [](const std::string& uri) { return is_item_uri(uri); })) {
    cost.impossible_because = "the desired list holds items a replace cannot add";
  }
  return cost;
}

/// How the two lists' items correspond.
struct Matching {
  /// For each desired position, the index of the current item it keeps; -1 for an item that is
  /// added or re-inserted.
  std::vector<std::int64_t> kept_from;
  std::vector<std::string> removals;  ///< URIs whose copies all go, in order of first appearance
  std::int64_t intersection = 0;      ///< copies in both lists: what a replace keeps (and resets)
};

Matching match(const std::vector<std::string>& current, const std::vector<std::string>& desired,
               const OccurrenceMap& map, EditPreview& preview) {
  Matching matching{.kept_from = std::vector<std::int64_t>(desired.size(), -1)};
  for (std::size_t i = 0; i < current.size(); ++i) {
    const auto& occurrences = map.at(current[i]);
    const auto copy = static_cast<std::size_t>(std::lower_bound(occurrences.current.begin(),
                                                                occurrences.current.end(),
                                                                static_cast<std::int64_t>(i)) -
                                               occurrences.current.begin());
    if (copy < occurrences.desired.size()) ++matching.intersection;
    if (occurrences.removed()) {
      if (copy == 0) matching.removals.push_back(current[i]);
      if (copy >= occurrences.desired.size()) {
        preview.removed.push_back({current[i], static_cast<std::int64_t>(i)});
      }
    } else {
      matching.kept_from[static_cast<std::size_t>(occurrences.desired[copy])] =
          static_cast<std::int64_t>(i);
    }
  }
  return matching;
}

/// The range moves that put the kept items in the desired order (after the removal), and the
/// moved items in the preview.
void plan_moves(const std::vector<std::string>& current, const Matching& matching, EditPlan& plan) {
  const auto& kept_from = matching.kept_from;
  // Ranks: the kept items numbered in desired order.
  std::vector<std::int64_t> rank_of_current(current.size(), -1);
  std::vector<std::int64_t> desired_of_rank;
  for (std::size_t j = 0; j < kept_from.size(); ++j) {
    if (kept_from[j] < 0) continue;
    rank_of_current[static_cast<std::size_t>(kept_from[j])] =
        static_cast<std::int64_t>(desired_of_rank.size());
    desired_of_rank.push_back(static_cast<std::int64_t>(j));
  }
  std::vector<std::int64_t> ranks;          // of the kept items, in current order
  std::vector<std::int64_t> current_index;  // of each of them
  for (std::size_t i = 0; i < current.size(); ++i) {
    if (rank_of_current[i] < 0) continue;
    ranks.push_back(rank_of_current[i]);
    current_index.push_back(static_cast<std::int64_t>(i));
  }

  auto strips = strips_of(ranks);
  for (auto& move : range_moves(strips, ranks.size())) plan.steps.push_back(std::move(move));
  auto& moved = plan.preview.moved;
  for (const auto& strip : strips) {
    if (strip.stays) continue;
    for (auto at = strip.first; at < strip.first + static_cast<std::size_t>(strip.length); ++at) {
      const auto from = current_index[at];
      moved.push_back({current[static_cast<std::size_t>(from)], from,
                       desired_of_rank[static_cast<std::size_t>(ranks[at])]});
    }
  }
  std::sort(moved.begin(), moved.end(),
            [](const MovedItem& a, const MovedItem& b) { return a.to < b.to; });
  plan.preview.move_lower_bound = range_move_lower_bound(ranks);
}

/// One add per contiguous run of positions the kept items do not fill, left to right, so that
/// everything before a run is in place when it is added.
void plan_adds(const std::vector<std::string>& desired, const Matching& matching,
               const OccurrenceMap& map, EditPlan& plan) {
  const auto& kept_from = matching.kept_from;
  for (std::size_t j = 0; j < desired.size();) {
    if (kept_from[j] >= 0) {
      ++j;
      continue;
    }
    const auto start = j;
    std::vector<std::string> run;
    for (; j < desired.size() && kept_from[j] < 0; ++j) {
      run.push_back(desired[j]);
      const PlacedItem item{desired[j], static_cast<std::int64_t>(j)};
      if (map.at(desired[j]).removed()) {
        plan.preview.reinserted.push_back(item);
      } else {
        plan.preview.added.push_back(item);
      }
    }
    // A run that ends the list is appended: the same request, one the sequence need not confirm.
    std::optional<std::int64_t> position;
    if (j < desired.size()) position = static_cast<std::int64_t>(start);
    plan.steps.push_back(WriteStep::add(std::move(run), position));
  }
}

}  // namespace

std::string_view to_string(EditPlan::Strategy strategy) {
  return strategy == EditPlan::Strategy::Replace ? "replace" : "edit";
}

Result<EditPlan> plan_edit(const std::vector<std::string>& current,
                           const std::vector<std::string>& desired, const EditOptions& options) {
  const auto map = occurrences_of(current, desired);
  if (auto feasible = check_feasible(current, desired, map); !feasible) return feasible.error();

  EditPlan plan;
  auto& preview = plan.preview;
  const auto matching = match(current, desired, map, preview);
  if (!matching.removals.empty()) plan.steps.push_back(WriteStep::remove(matching.removals));
  plan_moves(current, matching, plan);
  plan_adds(desired, matching, map, plan);
  preview.calls = write_requests(plan.steps);
  preview.added_at_lost = static_cast<std::int64_t>(preview.reinserted.size());
  preview.replace_everything = replace_cost(current, desired, matching.intersection);

  const auto& replace = preview.replace_everything;
  if (options.allow_replace && replace.possible() && replace.calls < preview.calls) {
    plan.strategy = EditPlan::Strategy::Replace;
    plan.steps = {WriteStep::replace(desired)};
    preview.calls = replace.calls;
    preview.added_at_lost = replace.added_at_lost;
    preview.moved.clear();
    // Every kept copy is rewritten: those a removal would have put back are simply kept ones now.
    preview.reinserted.clear();
  }
  return plan;
}

std::int64_t write_requests(const WriteStep& step) {
  switch (step.kind) {
    case Kind::Add:
    case Kind::Remove:
      return requests_for(step.uris.size());
    case Kind::Replace:
      return replace_requests(step.uris.size());
    case Kind::Reorder:
    case Kind::ChangeDetails:
    case Kind::UploadCover:
      return 1;
  }
  return 1;
}

std::int64_t write_requests(const std::vector<WriteStep>& steps) {
  std::int64_t total = 0;
  for (const auto& step : steps) total += write_requests(step);
  return total;
}

std::int64_t breakpoints(const std::vector<std::int64_t>& permutation) {
  std::int64_t count = 0;
  std::int64_t previous = -1;
  for (const auto value : permutation) {
    if (value != previous + 1) ++count;
    previous = value;
  }
  if (static_cast<std::int64_t>(permutation.size()) != previous + 1) ++count;
  return count;
}

std::int64_t range_move_lower_bound(const std::vector<std::int64_t>& permutation) {
  return (breakpoints(permutation) + 2) / 3;
}

namespace {

/// Checks a step's URIs as Spotify checks each of the requests it takes (chunks of 100).
Status check_step_uris(const std::vector<std::string>& uris, std::string_view verb,
                       bool allow_empty) {
  if (uris.empty()) return check_item_uris(uris, verb, allow_empty);
  for (std::size_t start = 0; start < uris.size(); start += kPerRequest) {
    const auto end = std::min(uris.size(), start + static_cast<std::size_t>(kPerRequest));
    const std::vector<std::string> chunk(uris.begin() + static_cast<std::ptrdiff_t>(start),
                                         uris.begin() + static_cast<std::ptrdiff_t>(end));
    if (auto valid = check_item_uris(chunk, verb); !valid) return valid;
  }
  return ok();
}

Status apply_step(std::vector<std::string>& items, const WriteStep& step) {
  const auto size = static_cast<std::int64_t>(items.size());
  switch (step.kind) {
    case Kind::Add: {
      if (step.uris.empty()) return ok();  // the sequence sends nothing
      if (auto valid = check_step_uris(step.uris, "added", false); !valid) return valid;
      const auto at = step.position.value_or(size);
      if (auto valid = check_position(size, at); !valid) return valid;
      items.insert(items.begin() + at, step.uris.begin(), step.uris.end());
      return ok();
    }
    case Kind::Remove:
      if (step.uris.empty()) return ok();
      if (auto valid = check_step_uris(step.uris, "removed", false); !valid) return valid;
      remove_every(items, step.uris, [](const std::string& uri) { return std::string_view(uri); });
      return ok();
    case Kind::Reorder:
      if (auto valid =
              check_reorder_request(step.range_start, step.insert_before, step.range_length);
          !valid) {
        return valid;
      }
      if (auto valid = check_reorder(size, step.range_start, step.insert_before, step.range_length);
          !valid) {
        return valid;
      }
      move_range(items, step.range_start, step.insert_before, step.range_length);
      return ok();
    case Kind::Replace:
      if (auto valid = check_step_uris(step.uris, "added", true); !valid) return valid;
      items = step.uris;
      return ok();
    case Kind::ChangeDetails:
      return check_details_change(step.details);
    case Kind::UploadCover:
      return check_cover(step.jpeg);
  }
  return ok();
}

}  // namespace

Result<std::vector<std::string>> apply_steps(std::vector<std::string> items,
                                             const std::vector<WriteStep>& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (auto applied = apply_step(items, steps[i]); !applied) {
      return make_error(applied.error().code, "step " + std::to_string(i + 1) + " (" +
                                                  std::string(to_string(steps[i].kind)) +
                                                  "): " + applied.error().message);
    }
  }
  return items;
}

}  // namespace plm::core
