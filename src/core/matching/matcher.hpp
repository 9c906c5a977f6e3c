#pragma once
/// Which catalog track a pasted line names (issue 11 §2). Pure: the matcher decides what to look
/// up and what the answers mean; app/match_lines.* makes the calls (with a cache, several lines in
/// flight, within the rate budget) and feeds the answers back.
///
/// Rules (the issue's, restated as the contract the tests hold):
/// - URIs and links resolve from the tracks plm stored, else one GET /tracks/{id}; ISRCs through
///   stored tracks, else one `isrc:` search.
/// - Text lines: first the stored tracks (zero calls), then searches within Spotify's 10 results
///   (field-filtered first, fallbacks after), scored by normalised title and artists (accents,
///   case, punctuation, quotes, "feat."/"ft."/"with", a leading "The") and by duration when the
///   line has one.
/// - Versions are not interchangeable: a line naming Live, Acoustic, Remix, Instrumental, Radio
///   Edit, Demo or a remaster matches that version; a plain line prefers the plain recording and
///   takes the only version there is when the catalog has just one.
/// - Guessing is worse than asking: when two different recordings fit about as well the line is
///   Ambiguous with both; the same recording on several releases (same normalised title and
///   primary artist) is one answer, not an ambiguity.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/matching/line_match.hpp"
#include "core/matching/paste_parse.hpp"
#include "core/model/playlist.hpp"

namespace plm::core {

/// One thing the matcher wants from Spotify.
struct Lookup {
  enum class Kind {
    Track,   ///< GET /tracks/{value}: `value` is the track id
    Search,  ///< GET /search?type=track&q={value}&limit={limit}&offset={offset}
  };
  Kind kind = Kind::Search;
  std::string value;
  int limit = 10;
  int offset = 0;

  bool operator==(const Lookup&) const = default;
};

/// The cache key of a lookup (the same key, the same answer): kind, value, limit and offset.
std::string lookup_key(const Lookup& lookup);

struct MatchSettings {
  int search_limit = 10;         ///< results per search (development mode allows 10)
  int max_lookups_per_line = 6;  ///< then the line is decided with what was found
};

/// Tracks plm already knows (every stored playlist of the account), indexed for zero-call
/// matching: by URI, by ISRC (upper case, no hyphens) and by normalised title and artist.
class KnownTracks {
 public:
  KnownTracks();
  explicit KnownTracks(std::vector<TrackInfo> tracks);
  KnownTracks(KnownTracks&&) noexcept;
  KnownTracks& operator=(KnownTracks&&) noexcept;
  ~KnownTracks();

  const TrackInfo* by_uri(std::string_view uri) const;
  std::vector<const TrackInfo*> by_isrc(std::string_view isrc) const;
  /// Tracks whose normalised title and artists could be what the reading names (the matcher
  /// scores them like search results).
  std::vector<const TrackInfo*> candidates_for(const LineReading& reading) const;
  std::size_t size() const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
};

/// The matching of one line: ask next_lookup() what to fetch, give the answer to answer(), until
/// decided(); then result(). A line that needs nothing from Spotify (blank, stored track) is
/// decided at construction. Lookups that failed with a final error (a 404 track) are answered
/// with no tracks; retryable errors are the caller's (it retries later or gives up on the line).
class LineMatcher {
 public:
  LineMatcher(PastedLine line, const KnownTracks& known, MatchSettings settings = {});
  LineMatcher(LineMatcher&&) noexcept;
  LineMatcher& operator=(LineMatcher&&) noexcept;
  ~LineMatcher();

  bool decided() const;
  /// The next lookup; nullopt once decided.
  std::optional<Lookup> next_lookup() const;
  /// The tracks the pending lookup found (`from_cache`: no call was made for it).
  void answer(std::vector<TrackInfo> tracks, bool from_cache = false);
  /// The result so far (Pending until decided).
  LineMatch result() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Normalisation the scorer uses, exposed for tests and for KnownTracks: a title without its
/// featured-artist clause, folded, punctuation dropped, with its version (Live, Remix, "Remastered
/// 2011", …) separated out.
struct NormalisedTitle {
  std::string base;  ///< "when the body speaks"
  std::string
      version;  ///< "" for the plain recording, else e.g. "live", "remaster", "feed me remix"
  bool operator==(const NormalisedTitle&) const = default;
};
NormalisedTitle normalise_title(std::string_view title);
/// An artist name folded, punctuation dropped, "&" -> "and", a leading "the " dropped.
std::string normalise_artist(std::string_view artist);

}  // namespace plm::core
