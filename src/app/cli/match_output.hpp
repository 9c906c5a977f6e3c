#pragma once
/// How the command line shows a matched track (issue 11 §4): `plm match` prints candidates so,
/// and `plm playlist add --from-text` lists the lines it did not add with the same objects.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/model/playlist.hpp"

namespace plm::app::cli {

/// "3:07" (seconds rounded down, as Spotify's apps show them).
std::string minutes_and_seconds(std::int64_t duration_ms);

/// A candidate as the `plm match` contract has it: uri, title, artists, album, duration ("m:ss"),
/// duration_ms, score.
nlohmann::json candidate_json(const core::TrackInfo& track, double score);

}  // namespace plm::app::cli
