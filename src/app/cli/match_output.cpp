#include "app/cli/match_output.hpp"

namespace plm::app::cli {

std::string minutes_and_seconds(std::int64_t duration_ms) {
  const std::int64_t seconds = duration_ms / 1000;
  const std::int64_t rest = seconds % 60;
  return std::to_string(seconds / 60) + ":" + (rest < 10 ? "0" : "") + std::to_string(rest);
}

nlohmann::json candidate_json(const core::TrackInfo& track, double score) {
  return {{"uri", track.uri},
          {"title", track.name},
          {"artists", track.artists},
          {"album", track.album},
          {"duration", minutes_and_seconds(track.duration_ms)},
          {"duration_ms", track.duration_ms},
          {"score", score}};
}

MatchLinesDeps account_match_deps(Services& services, const core::SpotifyAccount& account) {
  return MatchLinesDeps{
      .make_client = [&services, account] { return services.spotify_for(account); },
      .store = &services.matches(),
      .clock = services.clock()};
}

}  // namespace plm::app::cli
