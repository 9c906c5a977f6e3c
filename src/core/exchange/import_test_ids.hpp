#pragma once
/// Helpers the import tests share (import_layout_test.cpp, import_plan_test.cpp): Spotify ids
/// and URIs numbered for reading.

#include <string>

namespace plm::core::import_test {

/// "spotify:track:TTTT…T12": a valid track URI per number.
inline std::string track_uri(int n) {
  const std::string digits = std::to_string(n);
  return "spotify:track:" + std::string(22 - digits.size(), 'T') + digits;
}

/// "PPPP…P12": a valid playlist id per number.
inline std::string playlist_id(int n) {
  const std::string digits = std::to_string(n);
  return std::string(22 - digits.size(), 'P') + digits;
}

}  // namespace plm::core::import_test
