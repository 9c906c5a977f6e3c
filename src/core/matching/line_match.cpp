#include "core/matching/line_match.hpp"

#include <cctype>

#include "core/enum_names.hpp"
#include "core/model/text.hpp"

namespace plm::core {

namespace {

constexpr Names<MatchStatus, 5> kMatchStatuses{{
    {MatchStatus::Pending, "pending"},
    {MatchStatus::Matched, "matched"},
    {MatchStatus::Ambiguous, "ambiguous"},
    {MatchStatus::NotFound, "not_found"},
    {MatchStatus::Invalid, "invalid"},
}};

constexpr Names<MatchSource, 5> kMatchSources{{
    {MatchSource::None, "none"},
    {MatchSource::Stored, "stored"},
    {MatchSource::Lookup, "lookup"},
    {MatchSource::Search, "search"},
    {MatchSource::Choice, "choice"},
}};

}  // namespace

std::string_view to_string(MatchStatus status) { return name_in(kMatchStatuses, status); }
std::optional<MatchStatus> match_status_from_string(std::string_view text) {
  return value_in(kMatchStatuses, text);
}

std::string_view to_string(MatchSource source) { return name_in(kMatchSources, source); }
std::optional<MatchSource> match_source_from_string(std::string_view text) {
  return value_in(kMatchSources, text);
}

std::string choice_key(std::string_view input) {
  const std::string folded = fold_for_search(input);
  std::string key;
  key.reserve(folded.size());
  bool pending_space = false;
  for (const char c : folded) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !key.empty();
      continue;
    }
    if (pending_space) key.push_back(' ');
    pending_space = false;
    key.push_back(c);
  }
  return key;
}

}  // namespace plm::core
