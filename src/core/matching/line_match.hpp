#pragma once
/// What became of one pasted line (issue 11 §2): the result the matcher gives, `plm match` prints
/// (one JSON object per input line) and the web app shows. Shared by core/matching/matcher.hpp,
/// app/match_lines.hpp, the match store and the web routes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/matching/paste_parse.hpp"
#include "core/model/playlist.hpp"

namespace plm::core {

enum class MatchStatus {
  Pending,    ///< "pending": not matched yet (a paste being matched); never printed by plm match
  Matched,    ///< "matched": `uri` is the track, with `confidence`
  Ambiguous,  ///< "ambiguous": several tracks fit about as well; `candidates` to choose from
  NotFound,   ///< "not_found": the catalog has nothing that fits (candidates: near misses, if any)
  Invalid,    ///< "invalid": not a track (blank, comment, header row, unreadable): `reason`
};
std::string_view to_string(MatchStatus status);
std::optional<MatchStatus> match_status_from_string(std::string_view text);

/// Where a match came from (for people and for the benchmark's call accounting).
enum class MatchSource {
  None,    ///< "none": not matched
  Stored,  ///< "stored": tracks plm already knows from syncs (no Spotify call)
  Lookup,  ///< "lookup": GET /tracks/{id} (a URI or link plm did not know)
  Search,  ///< "search": GET /search (ISRC or text)
  Choice,  ///< "choice": a person's earlier choice for the same line (remembered per user)
};
std::string_view to_string(MatchSource source);
std::optional<MatchSource> match_source_from_string(std::string_view text);

struct MatchCandidate {
  TrackInfo track;
  double score = 0;  ///< 0 to 1, how well it fits the line (the matched one's is the confidence)

  bool operator==(const MatchCandidate&) const = default;
};

/// At most this many candidates are kept for a line (best first).
inline constexpr std::size_t kMaxCandidates = 5;

struct LineMatch {
  std::size_t number = 0;  ///< 1-based line number in the paste
  std::string input;       ///< the line as pasted
  MatchStatus status = MatchStatus::Pending;
  std::optional<std::string> uri;          ///< Matched: the track's URI
  std::optional<TrackInfo> track;          ///< Matched: the track's catalog data when known
  double confidence = 0;                   ///< 0 to 1; 0 unless Matched
  std::vector<MatchCandidate> candidates;  ///< Ambiguous: to choose from; else may be empty
  MatchSource source = MatchSource::None;
  std::string reason;  ///< Invalid / NotFound / Ambiguous: why, for people ("blank line", "two
                       ///< versions fit: Live and Acoustic", "no track by this artist has this
                       ///< title")
  int calls = 0;       ///< Spotify calls this line cost (cached answers and stored tracks: 0)

  bool operator==(const LineMatch&) const = default;
};

/// The key under which a person's choice for a line is remembered: the line folded
/// (fold_for_search), white space collapsed and trimmed, numbering and noise left in. Two pastes
/// of the same line give the same key.
std::string choice_key(std::string_view input);

}  // namespace plm::core
