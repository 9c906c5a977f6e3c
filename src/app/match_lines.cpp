// Drives core::LineMatcher for a whole paste: identical lines once, remembered choices, the
// lookup cache, several lines in flight on their own clients. See docs/matching.md.

#include "app/match_lines.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace plm::app {

namespace {

/// What every line-matching thread shares: the work, the finished lines, the first retryable
/// error. The store is not assumed to be thread-safe: its calls are serialised here.
struct Run {
  const MatchLinesDeps& deps;
  const MatchLinesOptions& options;
  const core::KnownTracks& known;
  const core::ParsedPaste& paste;
  std::stop_token stop;

  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::size_t> work;  ///< indexes of the lines to match (one per text)
  /// Decided (with the index of their line), not yet given to on_results.
  std::vector<std::pair<std::size_t, core::LineMatch>> finished;
  std::optional<core::Error> error;  ///< the retryable error that ends the run
  int running = 0;                   ///< threads still working
  std::mutex store_mutex;

  std::optional<std::size_t> next_line() {
    std::lock_guard lock(mutex);
    if (error || stop.stop_requested() || work.empty()) return std::nullopt;
    const std::size_t index = work.front();
    work.pop_front();
    return index;
  }

  void finish(std::size_t index, core::LineMatch result) {
    std::lock_guard lock(mutex);
    finished.emplace_back(index, std::move(result));
    changed.notify_all();
  }

  void fail(core::Error problem) {
    std::lock_guard lock(mutex);
    if (!error) error = std::move(problem);
    changed.notify_all();
  }

  std::optional<std::vector<core::TrackInfo>> cached(const std::string& key) {
    if (!deps.store) return std::nullopt;
    std::lock_guard lock(store_mutex);
    auto found = deps.store->cached_lookup(key, deps.clock.now() - options.cache_for);
    if (!found) return std::nullopt;  // a cache that cannot be read is a cache miss
    return std::move(*found);
  }

  void remember(const std::string& key, const std::vector<core::TrackInfo>& tracks) {
    if (!deps.store) return;
    std::lock_guard lock(store_mutex);
    (void)deps.store->cache_lookup(key, tracks, deps.clock.now());  // best effort
  }

  /// The answer to one lookup, from the cache or from Spotify; nullopt after a retryable error.
  std::optional<std::pair<std::vector<core::TrackInfo>, bool>> look_up(core::SpotifyApi& client,
                                                                       const core::Lookup& lookup) {
    const std::string key = core::lookup_key(lookup);
    if (auto hit = cached(key)) return std::pair{std::move(*hit), true};
    std::vector<core::TrackInfo> tracks;
    std::optional<core::Error> problem;
    if (lookup.kind == core::Lookup::Kind::Track) {
      auto track = client.track(lookup.value);
      if (track) {
        tracks.push_back(std::move(*track));
      } else {
        problem = track.error();
      }
    } else {
      auto page = client.search_tracks(lookup.value, lookup.offset, lookup.limit);
      if (page) {
        tracks = std::move(page->items);
      } else {
        problem = page.error();
      }
    }
    if (problem) {
      // A 404 track and a query Spotify refused (400) are final for this lookup: it found
      // nothing. Anything else ends the run: retryable errors, a lost authorisation, and refused
      // credentials or access (a wrong client secret, a user not on the app's allowlist), which
      // would otherwise pass for "not found" on every line.
      const bool found_nothing = problem->code == core::ErrorCode::NotFound ||
                                 problem->code == core::ErrorCode::InvalidInput;
      if (!found_nothing) {
        fail(std::move(*problem));
        return std::nullopt;
      }
      return std::pair{std::move(tracks), false};
    }
    remember(key, tracks);
    return std::pair{std::move(tracks), false};
  }

  void match(core::SpotifyApi& client, std::size_t index) {
    core::LineMatcher matcher(paste.lines[index], known, options.settings);
    while (auto lookup = matcher.next_lookup()) {
      auto answer = look_up(client, *lookup);
      if (!answer) return;  // the run ends; this line stays Pending
      matcher.answer(std::move(answer->first), answer->second);
    }
    finish(index, matcher.result());
  }

  void thread_main() {
    try {
      std::unique_ptr<core::SpotifyApi> client;
      while (auto index = next_line()) {
        if (!client) client = deps.make_client();
        match(*client, *index);
      }
    } catch (const std::exception& problem) {
      // A client's wait interrupted at shutdown, a broken database: the run ends with it.
      fail(core::make_error(core::ErrorCode::Internal, problem.what()));
    }
    std::lock_guard lock(mutex);
    --running;
    changed.notify_all();
  }
};

core::LineMatch remembered(const core::PastedLine& line, const core::TrackInfo& track) {
  core::LineMatch out;
  out.number = line.number;
  out.input = line.input;
  out.status = core::MatchStatus::Matched;
  out.uri = track.uri;
  out.track = track;
  out.confidence = 1.0;
  out.source = core::MatchSource::Choice;
  out.candidates.push_back(core::MatchCandidate{track, 1.0});
  return out;
}

bool can_be_remembered(core::LineKind kind) {
  return kind == core::LineKind::Text || kind == core::LineKind::Isrc ||
         kind == core::LineKind::TrackUri;
}

}  // namespace

core::Result<std::vector<core::LineMatch>> match_lines(
    const MatchLinesDeps& deps, const core::ParsedPaste& paste, const MatchLinesOptions& options,
    const std::function<void(std::vector<core::LineMatch>)>& on_results, std::stop_token stop) {
  const core::KnownTracks no_tracks;
  Run run{deps, options, options.known ? *options.known : no_tracks, paste, stop};
  // Answers past cache_for are never used again: dropped here, so the cache stays the size of
  // what was looked up within it (best effort, as the cache itself).
  if (deps.store) (void)deps.store->prune_lookups(deps.clock.now() - options.cache_for);

  std::vector<core::LineMatch> results(paste.lines.size());
  // Lines with the same text share one matching: the first is matched, the rest copy it.
  std::map<std::string, std::vector<std::size_t>> copies;
  std::vector<core::LineMatch> ready;
  for (std::size_t i = 0; i < paste.lines.size(); ++i) {
    const core::PastedLine& line = paste.lines[i];
    results[i].number = line.number;
    results[i].input = line.input;
    if (i < options.earlier.size() && options.earlier[i]) {
      results[i] = *options.earlier[i];
      continue;
    }
    if (deps.store && options.user_id && can_be_remembered(line.kind)) {
      auto choice = deps.store->remembered_choice(*options.user_id, core::choice_key(line.input));
      if (choice && *choice) {
        results[i] = remembered(line, **choice);
        ready.push_back(results[i]);
        continue;
      }
    }
    // Lines that need no call (blank, invalid, stored tracks) are decided here.
    if (const core::LineMatcher matcher(line, run.known, options.settings); matcher.decided()) {
      results[i] = matcher.result();
      ready.push_back(results[i]);
      continue;
    }
    auto& same = copies[line.input];
    if (same.empty()) run.work.push_back(i);
    same.push_back(i);
  }
  if (!ready.empty() && on_results) on_results(std::move(ready));

  // Results of a line for every line with its text (numbers and inputs of their own; calls were
  // spent once).
  const auto spread = [&](std::size_t matched, const core::LineMatch& result) {
    std::vector<core::LineMatch> out;
    for (const std::size_t index : copies[paste.lines[matched].input]) {
      core::LineMatch copy = result;
      copy.number = paste.lines[index].number;
      copy.input = paste.lines[index].input;
      if (index != matched) copy.calls = 0;
      results[index] = copy;
      out.push_back(std::move(copy));
    }
    return out;
  };

  const int threads =
      std::max(1, std::min<int>(options.in_flight, static_cast<int>(run.work.size())));
  // The count is set before any thread starts and the loop counts on its own: a thread that finds
  // no work (a stop, an error) ends at once and lowers run.running, which a loop over run.running
  // would then read as fewer threads to start, leaving the wait below for threads never started.
  const int to_start = run.work.empty() ? 0 : threads;
  run.running = to_start;
  std::vector<std::jthread> workers;
  for (int t = 0; t < to_start; ++t) workers.emplace_back([&run] { run.thread_main(); });

  while (true) {
    std::vector<std::pair<std::size_t, core::LineMatch>> finished;
    bool done = false;
    {
      std::unique_lock lock(run.mutex);
      run.changed.wait(lock, [&] { return !run.finished.empty() || run.running == 0; });
      finished.swap(run.finished);
      done = run.running == 0;
    }
    std::vector<core::LineMatch> batch;
    for (const auto& [index, result] : finished)
      for (core::LineMatch& copy : spread(index, result)) batch.push_back(std::move(copy));
    if (!batch.empty() && on_results) on_results(std::move(batch));
    if (done) break;
  }
  workers.clear();
  if (run.error) return *run.error;
  return results;
}

}  // namespace plm::app
