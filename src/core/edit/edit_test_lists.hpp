#pragma once
/// Lists for the edit engine's tests and benchmark: valid track URIs by number, and seeded random
/// current/desired pairs (shuffles, a few range moves, inserts, removals, duplicates, local files,
/// unavailable slots). Header-only, std only.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace plm::core::edit_testing {

/// A valid track URI for `n` (22 base-62 characters), distinct for distinct n.
inline std::string track(std::uint64_t n) {
  static constexpr char kDigits[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string id(22, '0');
  for (auto i = id.size(); i-- > 0 && n > 0; n /= 62) id[i] = kDigits[n % 62];
  return "spotify:track:" + id;
}

inline std::string local_file(std::uint64_t n) {
  return "spotify:local:Artist:Album:Song+" + std::to_string(n) + ":180";
}

inline std::vector<std::string> tracks(std::uint64_t first, std::size_t count) {
  std::vector<std::string> list;
  for (std::size_t i = 0; i < count; ++i) list.push_back(track(first + i));
  return list;
}

/// What a random pair is made of.
struct PairShape {
  std::size_t size = 50;
  bool shuffle = false;      ///< desired is a random permutation (then the edits below)
  int range_moves = 0;       ///< random range moves
  int inserts = 0;           ///< runs of new tracks (or copies of present ones)
  int removals = 0;          ///< items dropped
  double duplicates = 0.0;   ///< share of the current list that copies an earlier item
  int local_files = 0;       ///< in the current list, kept in the desired one
  int unavailable = 0;       ///< "" slots, likewise
  bool touch_fixed = false;  ///< removals and inserts may hit local files and "" (a refusal)
};

struct Pair {
  std::vector<std::string> current;
  std::vector<std::string> desired;
};

inline bool is_fixed(const std::string& uri) {
  return uri.empty() || uri.starts_with("spotify:local:");
}

inline std::size_t below(std::mt19937_64& random, std::size_t n) {
  return n == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
}

/// Makes a new track URI each time it is called.
using FreshUri = std::function<std::string()>;

/// A desired list made from `current` by the edits of `shape` (its size and the shape of the
/// current list aside); new tracks come from `fresh`.
inline std::vector<std::string> random_desired(const std::vector<std::string>& current,
                                               const PairShape& shape, std::mt19937_64& random,
                                               const FreshUri& fresh) {
  auto desired = current;
  if (shape.shuffle) std::shuffle(desired.begin(), desired.end(), random);
  for (int k = 0; k < shape.range_moves && desired.size() > 1; ++k) {
    const auto start = below(random, desired.size());
    const auto length = 1 + below(random, std::min<std::size_t>(desired.size() - start, 20));
    const auto first = desired.begin() + static_cast<std::ptrdiff_t>(start);
    std::vector<std::string> range(first, first + static_cast<std::ptrdiff_t>(length));
    desired.erase(first, first + static_cast<std::ptrdiff_t>(length));
    const auto at = below(random, desired.size() + 1);
    desired.insert(desired.begin() + static_cast<std::ptrdiff_t>(at), range.begin(), range.end());
  }
  for (int k = 0; k < shape.removals && !desired.empty(); ++k) {
    const auto at = below(random, desired.size());
    if (is_fixed(desired[at]) && !shape.touch_fixed) continue;
    desired.erase(desired.begin() + static_cast<std::ptrdiff_t>(at));
  }
  for (int k = 0; k < shape.inserts; ++k) {
    const auto length = 1 + below(random, k % 7 == 6 ? 150 : 5);
    std::vector<std::string> run;
    for (std::size_t n = 0; n < length; ++n) {
      const bool copy = !desired.empty() && std::bernoulli_distribution(0.2)(random);
      std::string uri = copy ? desired[below(random, desired.size())] : fresh();
      if (is_fixed(uri) && !shape.touch_fixed) uri = fresh();
      run.push_back(std::move(uri));
    }
    const auto at = below(random, desired.size() + 1);
    desired.insert(desired.begin() + static_cast<std::ptrdiff_t>(at), run.begin(), run.end());
  }
  return desired;
}

inline Pair random_pair(std::mt19937_64& random, const PairShape& shape) {
  Pair pair;
  std::uint64_t next = 1 + random() % 1000000;
  for (std::size_t i = 0; i < shape.size; ++i) {
    const bool copy = i > 0 && std::bernoulli_distribution(shape.duplicates)(random);
    pair.current.push_back(copy ? pair.current[below(random, i)] : track(next++));
  }
  for (int k = 0; k < shape.local_files; ++k) {
    const auto at = below(random, pair.current.size() + 1);
    pair.current.insert(pair.current.begin() + static_cast<std::ptrdiff_t>(at), local_file(next++));
  }
  for (int k = 0; k < shape.unavailable; ++k) {
    const auto at = below(random, pair.current.size() + 1);
    pair.current.insert(pair.current.begin() + static_cast<std::ptrdiff_t>(at), std::string());
  }
  pair.desired = random_desired(pair.current, shape, random, [&] { return track(next++); });
  return pair;
}

}  // namespace plm::core::edit_testing
