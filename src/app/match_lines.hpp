#pragma once
/// Matches pasted lines against the catalog (issue 11 §2): the adapter that drives
/// core::LineMatcher. Identical lines are matched once; lookups go through the MatchStore's cache;
/// a remembered choice answers a line at once; several lines are in flight at a time (one client
/// each, all on the client ID's shared rate budget), so a paste is bound by the budget rather than
/// by latency. Used by `plm match`, `plm playlist add --from-text` and the match_paste job.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

#include "core/matching/line_match.hpp"
#include "core/matching/matcher.hpp"
#include "core/matching/paste_parse.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/match_store.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/result.hpp"

namespace plm::app {

struct MatchLinesDeps {
  /// A Spotify client for one thread of lookups (called once per line in flight; all must share
  /// the client ID's rate budget, as app::Services' clients do).
  std::function<std::unique_ptr<core::SpotifyApi>()> make_client;
  /// Cache and remembered choices; null: neither (every lookup is a call).
  core::MatchStore* store = nullptr;
  const core::Clock& clock;
};

struct MatchLinesOptions {
  /// Tracks plm knows already (an account's stored playlists): zero-call matches.
  const core::KnownTracks* known = nullptr;
  /// Whose remembered choices answer lines (none: no remembered choices).
  std::optional<std::int64_t> user_id;
  /// Lines in flight at once.
  int in_flight = 4;
  /// Cached lookups younger than this are used instead of a call.
  std::chrono::seconds cache_for{7 * 24 * 3600};
  core::MatchSettings settings;
  /// Lines already decided (a resumed job): not matched again; their results are returned as
  /// given. Indexed like paste.lines; empty: none.
  std::vector<std::optional<core::LineMatch>> earlier;
};

/// Matches every line of `paste`; returns one result per line, in input order. `on_results` is
/// called (on the calling thread, several lines at a time, in any order) as lines are decided, so
/// a job can store them and report progress. An error other than a 404 track or a refused query
/// (which only mean "nothing found") ends the run with that error after the lines in flight
/// finish: retryable ones (rate limit past the client's waits, Spotify down), re-authorisation
/// needed, and refused credentials or access (Forbidden: a wrong client secret, a user not on the
/// app's allowlist). What was decided has been given to on_results. A stop request ends it once the
/// lines in flight finish, returning the results with the lines not reached still Pending.
core::Result<std::vector<core::LineMatch>> match_lines(
    const MatchLinesDeps& deps, const core::ParsedPaste& paste, const MatchLinesOptions& options,
    const std::function<void(std::vector<core::LineMatch>)>& on_results, std::stop_token stop);

}  // namespace plm::app
