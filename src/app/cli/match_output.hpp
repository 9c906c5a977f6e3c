#pragma once
/// How the command line matches and shows tracks (issue 11 §4): `plm match` prints candidates so,
/// `plm playlist add --from-text` lists the lines it did not add and `plm import` its undecided
/// rows with the same objects.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "app/match_lines.hpp"
#include "app/services.hpp"
#include "core/model/account.hpp"
#include "core/model/playlist.hpp"

namespace plm::app::cli {

/// "3:07" (seconds rounded down, as Spotify's apps show them).
std::string minutes_and_seconds(std::int64_t duration_ms);

/// A candidate as the `plm match` contract has it: uri, title, artists, album, duration ("m:ss"),
/// duration_ms, score.
nlohmann::json candidate_json(const core::TrackInfo& track, double score);

/// What app::match_lines needs to match lines for `account`: a client of the account per line in
/// flight, and the match store (cached lookups, the person's remembered choices).
MatchLinesDeps account_match_deps(Services& services, const core::SpotifyAccount& account);

}  // namespace plm::app::cli
