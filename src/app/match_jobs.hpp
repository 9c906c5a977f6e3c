#pragma once
/// The match_paste job (issue 11 §3): matches a stored paste's lines (core::MatchStore) with
/// app::match_lines, saving results as they arrive (the web app reads them by seq) and reporting
/// progress in lines. Durable like every job: a resumed attempt matches only the lines still
/// Pending; a retryable error fails the attempt and the retry resumes.

#include <cstdint>
#include <functional>
#include <memory>

#include "app/worker.hpp"
#include "core/jobs/job.hpp"
#include "core/model/account.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/match_store.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"

namespace plm::app {

/// The job for paste `paste_id` of `account_id`, owned by `owner_user_id` (on the account's
/// concurrency key, unit "lines").
core::NewJob match_paste_job(std::int64_t owner_user_id, std::int64_t account_id,
                             std::int64_t paste_id, std::int64_t line_count);

struct MatchJobDeps {
  core::AccountStore& accounts;
  core::MatchStore& matches;
  const core::Clock& clock;
  /// A new Spotify client for the account (one per line in flight; Services::spotify_for).
  std::function<std::unique_ptr<core::SpotifyApi>(const core::SpotifyAccount&)> spotify_for;
};

/// Adds the match_paste handler to the worker's table. What `deps` refers to must outlive it.
void add_match_handlers(JobHandlers& handlers, const MatchJobDeps& deps);

}  // namespace plm::app
