// The matcher: normalisation, the known-tracks index and the lookup loop of one line (what to ask
// Spotify, in which order, and what the answers mean). See docs/matching.md, "Matching".

#include "core/matching/matcher.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/model/text.hpp"

namespace plm::core {

namespace {

// ---------------------------------------------------------------------------------------------
// Folding: what fold_for_search leaves, finished the way the labels of matching-eval are made
// (NFKD-like, ø/æ/ł/ß folded, curly quotes and dashes straight).

struct Replacement {
  std::string_view from;
  std::string_view to;
};

constexpr std::array<Replacement, 32> kReplacements{{
    {"æ", "ae"}, {"ø", "o"},  {"ł", "l"},  {"đ", "d"},      {"ð", "d"},  {"þ", "th"}, {"œ", "oe"},
    {"ı", "i"},  {"ħ", "h"},  {"ŧ", "t"},  {"ŋ", "n"},      {"ĳ", "ij"}, {"ŀ", "l"},  {"ſ", "s"},
    {"ĸ", "k"},  {"ŉ", "n"},  {"’", "'"},  {"‘", "'"},      {"‛", "'"},  {"′", "'"},  {"´", "'"},
    {"“", "\""}, {"”", "\""}, {"„", "\""}, {"‐", "-"},      {"‑", "-"},  {"‒", "-"},  {"–", "-"},
    {"—", "-"},  {"―", "-"},  {"−", "-"},  {"\u00A0", " "},
}};

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

char32_t code_point_at(std::string_view text, std::size_t at, std::size_t length) {
  const auto byte = [&](std::size_t i) { return static_cast<char32_t>(text[at + i]) & 0x3F; };
  const auto lead = static_cast<unsigned char>(text[at]);
  if (length == 2) return (static_cast<char32_t>(lead & 0x1F) << 6) | byte(1);
  if (length == 3) return (static_cast<char32_t>(lead & 0x0F) << 12) | (byte(1) << 6) | byte(2);
  if (length == 4)
    return (static_cast<char32_t>(lead & 0x07) << 18) | (byte(1) << 12) | (byte(2) << 6) | byte(3);
  return lead;
}

/// Combining marks (dropped), and symbols, punctuation and emoji (a word break).
bool is_combining_mark(char32_t c) { return c >= 0x300 && c <= 0x36F; }
bool is_symbol(char32_t c) {
  return (c >= 0x80 && c <= 0xBF) || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x2BFF) ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE00 && c <= 0xFE0F) || c >= 0x1F000;
}

/// Lower case, accents off, ø/æ/ł… folded, curly quotes and dashes straight; ASCII punctuation
/// kept (the title's structure, brackets and " - ", is read from it).
std::string fold_for_matching(std::string_view text) {
  const std::string folded = fold_for_search(text);
  std::string out;
  out.reserve(folded.size());
  const std::string_view view = folded;
  for (std::size_t at = 0; at < view.size();) {
    const auto lead = static_cast<unsigned char>(view[at]);
    if (lead < 0x80) {
      out.push_back(static_cast<char>(lead));
      ++at;
      continue;
    }
    const std::size_t length = std::min(utf8_length(lead), view.size() - at);
    const std::string_view sequence = view.substr(at, length);
    const auto replacement = std::find_if(kReplacements.begin(), kReplacements.end(),
                                          [&](const Replacement& r) { return r.from == sequence; });
    if (replacement != kReplacements.end()) {
      out.append(replacement->to);
    } else if (const char32_t c = code_point_at(view, at, length); is_combining_mark(c)) {
      // dropped: the letter before it stays
    } else if (is_symbol(c)) {
      out.push_back(' ');
    } else {
      out.append(sequence);
    }
    at += length;
  }
  return out;
}

/// Folded text as words: apostrophes dropped, "&" -> "and", every other ASCII punctuation a
/// space, white space collapsed.
std::string to_words(std::string_view folded) {
  std::string out;
  bool space = false;
  const auto put = [&](std::string_view piece) {
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.append(piece);
  };
  for (const char c : folded) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || std::isalnum(byte)) {
      put(std::string_view(&c, 1));
    } else if (c == '\'' || c == '`') {
      // apostrophes are dropped: "don't" = "dont"
    } else if (c == '&') {
      space = true;
      put("and");
      space = true;
    } else {
      space = true;
    }
  }
  return out;
}

std::vector<std::string> split_words(std::string_view words) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < words.size()) {
    const std::size_t end = std::min(words.find(' ', at), words.size());
    if (end > at) out.emplace_back(words.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

bool starts_with_word(std::string_view text, std::string_view word) {
  if (!text.starts_with(word)) return false;
  return text.size() == word.size() || !std::isalnum(static_cast<unsigned char>(text[word.size()]));
}

/// "feat. X", "ft X", "featuring X", "with X" at the start of `text` (a bracket's content).
bool is_featuring_clause(std::string_view text) {
  for (const std::string_view word : {"feat", "ft", "featuring", "with", "prod"}) {
    if (starts_with_word(text, word)) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 36> kVersionWords{
    "live",     "acoustic",   "remix",         "remixed",      "mix",     "edit",
    "remaster", "remastered", "version",       "instrumental", "demo",    "mono",
    "stereo",   "unplugged",  "session",       "sessions",     "rework",  "reworked",
    "dub",      "vip",        "bootleg",       "reprise",      "karaoke", "acapella",
    "cappella", "radio",      "extended",      "orchestral",   "cover",   "recorded",
    "outtake",  "rerecorded", "remasterizado", "explicit",     "clean",   "bonus"};

bool names_a_version(std::string_view segment) {
  for (const std::string& word : split_words(to_words(segment))) {
    if (std::find(kVersionWords.begin(), kVersionWords.end(), word) != kVersionWords.end())
      return true;
  }
  return false;
}

/// A version's words in a canonical order ("Remastered 2011" = "2011 Remaster").
std::string canonical_version(std::vector<std::string> words) {
  for (std::string& word : words) {
    if (word == "remastered") word = "remaster";
    if (word == "remixed") word = "remix";
  }
  std::sort(words.begin(), words.end());
  std::string out;
  for (const std::string& word : words) {
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

/// A folded title split into its base (featured clauses out, punctuation kept) and version
/// segments (outermost last).
struct TitleParts {
  std::string base;
  std::vector<std::string> versions;
};

/// Index of the bracket that opens the one closing at `close`, or npos.
std::size_t matching_open(std::string_view text, std::size_t close) {
  const char closing = text[close];
  const char opening = closing == ')' ? '(' : '[';
  int depth = 0;
  for (std::size_t i = close + 1; i-- > 0;) {
    if (text[i] == closing) ++depth;
    if (text[i] == opening && --depth == 0) return i;
  }
  return std::string_view::npos;
}

TitleParts split_title(std::string_view folded_title) {
  std::string text(folded_title);
  // Bracketed featured-artist clauses, anywhere.
  for (std::size_t open = text.find_first_of("(["); open != std::string::npos;) {
    const char closing = text[open] == '(' ? ')' : ']';
    const std::size_t close = text.find(closing, open);
    if (close == std::string::npos) break;
    if (is_featuring_clause(trim(std::string_view(text).substr(open + 1, close - open - 1)))) {
      text.erase(open, close - open + 1);
      open = text.find_first_of("([", open);
    } else {
      open = text.find_first_of("([", open + 1);
    }
  }
  // A bare " feat. X" runs to the next bracket or " - ".
  for (const std::string_view marker : {" feat. ", " feat ", " ft. ", " ft ", " featuring "}) {
    const std::size_t at = text.find(marker);
    if (at == std::string::npos) continue;
    std::size_t end = std::min(text.find(" - ", at + 1), text.find_first_of("([", at + 1));
    if (end == std::string::npos) end = text.size();
    text.erase(at, end - at);
  }
  TitleParts parts;
  // Version suffixes, peeled from the end: "(Live)", "[Remix]", " - Remastered 2011".
  while (true) {
    text = trim(text);
    if (text.empty()) break;
    std::size_t cut = std::string::npos;
    std::string segment;
    if (text.back() == ')' || text.back() == ']') {
      const std::size_t open = matching_open(text, text.size() - 1);
      if (open != std::string::npos && open > 0) {
        cut = open;
        segment = text.substr(open + 1, text.size() - open - 2);
      }
    } else if (const std::size_t dash = text.rfind(" - "); dash != std::string::npos && dash > 0) {
      cut = dash;
      segment = text.substr(dash + 3);
    }
    if (cut == std::string::npos || !names_a_version(segment)) break;
    parts.versions.insert(parts.versions.begin(), segment);
    text.erase(cut);
  }
  parts.base = text;
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// Optimal string alignment distance (a transposition is one edit), or limit + 1 when above it.
int edit_distance(std::string_view a, std::string_view b, int limit) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  if (std::abs(n - m) > limit) return limit + 1;
  std::vector<std::vector<int>> d(static_cast<std::size_t>(n + 1),
                                  std::vector<int>(static_cast<std::size_t>(m + 1)));
  for (int i = 0; i <= n; ++i) d[i][0] = i;
  for (int j = 0; j <= m; ++j) d[0][j] = j;
  for (int i = 1; i <= n; ++i) {
    int row_min = limit + 1;
    for (int j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int best = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        best = std::min(best, d[i - 2][j - 2] + 1);
      d[i][j] = best;
      row_min = std::min(row_min, best);
    }
    if (row_min > limit) return limit + 1;
  }
  return std::min(d[n][m], limit + 1);
}

/// How many typing errors a title of this many letters may carry and still be the same title:
/// short titles must be exact (one edit turns "Home" into "Hope").
int allowed_typos(std::string_view base) {
  const auto letters = std::count_if(base.begin(), base.end(), [](char c) { return c != ' '; });
  if (letters >= 8) return 2;
  if (letters >= 5) return 1;
  return 0;
}

/// One way the line may be read, prepared for scoring and searching.
struct Reading {
  NormalisedTitle title;
  std::string search_title;  ///< base title words as Spotify's search tokenises them
  std::string search_version;
  std::string search_artist;              ///< the first artist named, for `artist:`
  std::string artist_whole;               ///< normalised, all of it
  std::vector<std::string> artist_parts;  ///< normalised, split at "," "&" "feat." "x" …
  bool has_artist() const { return !artist_whole.empty(); }
};

/// Text safe inside a quoted search filter, apostrophes kept (Spotify keeps "don't" whole).
std::string search_words(std::string_view folded) {
  std::string out;
  bool space = false;
  for (const char c : folded) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || std::isalnum(byte) || c == '\'') {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
    } else {
      space = true;
    }
  }
  return out;
}

constexpr std::array<std::string_view, 14> kArtistSeparators{
    ",",      ";",     " / ",  " & ",         " and ",  " x ",   " feat. ",
    " feat ", " ft. ", " ft ", " featuring ", " with ", " vs. ", " vs "};

std::vector<std::string> split_artists(std::string_view folded) {
  std::vector<std::string> parts{std::string(folded)};
  for (const std::string_view separator : kArtistSeparators) {
    std::vector<std::string> next;
    for (const std::string& part : parts) {
      std::size_t at = 0;
      while (true) {
        const std::size_t found = part.find(separator, at);
        next.push_back(trim(std::string_view(part).substr(at, found - at)));
        if (found == std::string::npos) break;
        at = found + separator.size();
      }
    }
    parts = std::move(next);
  }
  std::erase_if(parts, [](const std::string& part) { return part.empty(); });
  return parts;
}

Reading prepare(const LineReading& line) {
  Reading reading;
  reading.title = normalise_title(line.title);
  const TitleParts parts = split_title(fold_for_matching(line.title));
  reading.search_title = search_words(parts.base);
  for (const std::string& version : parts.versions) {
    if (!reading.search_version.empty()) reading.search_version.push_back(' ');
    reading.search_version += search_words(version);
  }
  if (!line.artist.empty()) {
    const std::string folded = fold_for_matching(line.artist);
    reading.artist_whole = normalise_artist(line.artist);
    const auto parts_of_artist = split_artists(folded);
    for (const std::string& part : parts_of_artist) {
      std::string normalised = normalise_artist(part);
      if (!normalised.empty()) reading.artist_parts.push_back(std::move(normalised));
    }
    reading.search_artist =
        search_words(parts_of_artist.empty() ? folded : std::string_view(parts_of_artist[0]));
  }
  return reading;
}

/// How the track's version relates to the line's.
enum class VersionFit { Same, OnlyVersion, Different };

/// What one track is to one reading. `fits`: the same song by the same artist in a version the
/// line allows.
struct Evaluation {
  bool fits = false;
  int title_edits = 99;  ///< 0: the same base title
  VersionFit version = VersionFit::Different;
  double artist = 0;  ///< 1 the line's artist is the track's first; 0.9 another of its artists
  bool duration_close = true;
  double score = 0;
  std::string group;  ///< the recording: base title, version and first artist, normalised
};

double artist_fit(const Reading& reading, const std::vector<std::string>& track_artists) {
  if (!reading.has_artist()) return 0.8;  // a title alone: the artist is not known to differ
  if (track_artists.empty()) return 0;
  const auto named = [&](const std::string& artist) {
    return artist == reading.artist_whole ||
           std::find(reading.artist_parts.begin(), reading.artist_parts.end(), artist) !=
               reading.artist_parts.end();
  };
  if (named(track_artists.front())) return 1.0;
  if (std::any_of(track_artists.begin() + 1, track_artists.end(), named)) return 0.9;
  return 0;
}

Evaluation evaluate(const Reading& reading, const TrackInfo& track,
                    std::optional<std::int64_t> duration_ms) {
  Evaluation out;
  const NormalisedTitle title = normalise_title(track.name);
  std::vector<std::string> artists;
  for (const std::string& artist : track.artists) artists.push_back(normalise_artist(artist));
  out.group = title.base + "|" + title.version + "|" + (artists.empty() ? "" : artists.front());
  out.artist = artist_fit(reading, artists);
  const int allowed = allowed_typos(reading.title.base);
  out.title_edits = edit_distance(title.base, reading.title.base, std::max(allowed, 3));
  if (title.version == reading.title.version) {
    out.version = VersionFit::Same;
  } else if (reading.title.version.empty()) {
    out.version = VersionFit::OnlyVersion;
  }
  if (duration_ms && track.duration_ms > 0)
    out.duration_close = std::llabs(*duration_ms - track.duration_ms) <= 5000;
  const double title_score =
      1.0 - static_cast<double>(out.title_edits) /
                static_cast<double>(std::max<std::size_t>(reading.title.base.size(), 1));
  const double version_score = out.version == VersionFit::Same          ? 1.0
                               : out.version == VersionFit::OnlyVersion ? 0.8
                                                                        : 0.3;
  out.score = std::clamp(0.5 * std::max(title_score, 0.0) + 0.35 * out.artist +
                             0.15 * version_score - (out.duration_close ? 0.0 : 0.1),
                         0.0, 1.0);
  // A title alone fits only exactly, and any artist's song of that title fits alike (ambiguous
  // unless one recording has it).
  out.fits = out.artist >= (reading.has_artist() ? 0.9 : 0.8) && out.title_edits <= allowed &&
             out.version != VersionFit::Different && (reading.has_artist() || out.title_edits == 0);
  return out;
}

/// The class of a fit: the lower, the better (the same title and version first, then a typo,
/// then the only version there is).
int fit_class(const Evaluation& e) {
  return (e.version == VersionFit::Same ? 0 : 2) + (e.title_edits == 0 ? 0 : 1);
}

struct Scored {
  const TrackInfo* track = nullptr;
  Evaluation evaluation;
};

/// The decision over every track seen so far.
struct Decision {
  MatchStatus status = MatchStatus::NotFound;
  std::optional<Scored> match;
  std::vector<Scored> candidates;
  std::string reason;
};

Decision decide(const std::vector<Reading>& readings, const std::vector<TrackInfo>& pool,
                std::optional<std::int64_t> duration_ms) {
  // The best evaluation of each track over the readings.
  std::vector<Scored> scored;
  for (const TrackInfo& track : pool) {
    Scored best{&track, {}};
    bool first = true;
    for (const Reading& reading : readings) {
      Evaluation e = evaluate(reading, track, duration_ms);
      const auto key = [](const Evaluation& x) {
        return std::make_tuple(x.fits, -fit_class(x), x.artist, x.score);
      };
      if (first || key(e) > key(best.evaluation)) best.evaluation = std::move(e);
      first = false;
    }
    scored.push_back(std::move(best));
  }
  Decision decision;
  std::vector<Scored> fits;
  for (const Scored& s : scored)
    if (s.evaluation.fits) fits.push_back(s);
  if (fits.empty()) {
    std::vector<Scored> near = scored;
    std::stable_sort(near.begin(), near.end(), [](const Scored& a, const Scored& b) {
      return a.evaluation.score > b.evaluation.score;
    });
    for (const Scored& s : near) {
      if (s.evaluation.score < 0.6 || decision.candidates.size() >= 3) break;
      decision.candidates.push_back(s);
    }
    decision.reason = pool.empty() ? "no track found for this line"
                                   : "no track by this artist has this title and version";
    return decision;
  }
  // The best class, then the best artist fit, then the closest duration, then the fewest edits.
  const auto narrow = [&](auto&& better_key) {
    auto best = better_key(fits.front());
    for (const Scored& s : fits) best = std::max(best, better_key(s));
    std::erase_if(fits, [&](const Scored& s) { return better_key(s) < best; });
  };
  narrow([](const Scored& s) { return -fit_class(s.evaluation); });
  narrow([](const Scored& s) { return s.evaluation.artist; });
  narrow([](const Scored& s) { return s.evaluation.duration_close ? 1 : 0; });
  narrow([](const Scored& s) { return -s.evaluation.title_edits; });
  // One answer per recording (the same song on several releases is one answer), in search order.
  std::vector<Scored> groups;
  std::set<std::string> seen;
  for (const Scored& s : fits)
    if (seen.insert(s.evaluation.group).second) groups.push_back(s);
  if (groups.size() == 1) {
    decision.status = MatchStatus::Matched;
    decision.match = groups.front();
    return decision;
  }
  decision.status = MatchStatus::Ambiguous;
  decision.candidates = groups;
  if (decision.candidates.size() > kMaxCandidates) decision.candidates.resize(kMaxCandidates);
  decision.reason = fit_class(groups.front().evaluation) >= 2
                        ? "several versions fit and the line names none"
                        : "several recordings fit about as well";
  return decision;
}

double confidence_of(const Evaluation& e) {
  double confidence = e.artist >= 1.0 ? 1.0 : 0.95;
  if (e.title_edits > 0) confidence -= 0.1 * e.title_edits;
  if (e.version == VersionFit::OnlyVersion) confidence -= 0.1;
  if (!e.duration_close) confidence -= 0.1;
  return std::clamp(confidence, 0.1, 1.0);
}

MatchCandidate candidate_of(const Scored& s) {
  return MatchCandidate{*s.track, std::round(s.evaluation.score * 1000) / 1000};
}

std::string uri_id(std::string_view uri) {
  const std::size_t colon = uri.rfind(':');
  return std::string(colon == std::string_view::npos ? uri : uri.substr(colon + 1));
}

std::string normalised_isrc(std::string_view isrc) {
  std::string out;
  for (const char c : isrc) {
    if (c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

Lookup search_lookup(std::string query, const MatchSettings& settings) {
  return Lookup{Lookup::Kind::Search, std::move(query), settings.search_limit, 0};
}

std::string field_query(std::string_view title, std::string_view artist) {
  std::string query = "track:\"" + std::string(title) + "\"";
  if (!artist.empty()) query += " artist:\"" + std::string(artist) + "\"";
  return query;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string lookup_key(const Lookup& lookup) {
  // "search 10 0 q": the fixed fields first and the value last, so spaces in it cannot make two
  // lookups one key; no control character, which stores refuse in text (a key with one would
  // never be cached).
  return std::string(lookup.kind == Lookup::Kind::Track ? "track" : "search") + " " +
         std::to_string(lookup.limit) + " " + std::to_string(lookup.offset) + " " + lookup.value;
}

NormalisedTitle normalise_title(std::string_view title) {
  const TitleParts parts = split_title(fold_for_matching(title));
  std::vector<std::string> version_words;
  for (const std::string& version : parts.versions)
    for (std::string& word : split_words(to_words(version))) version_words.push_back(word);
  NormalisedTitle out{to_words(parts.base), canonical_version(std::move(version_words))};
  if (out.base.empty()) {  // a title that is only a version word ("Live"): keep it whole
    out.base = to_words(fold_for_matching(title));
    out.version.clear();
  }
  return out;
}

std::string normalise_artist(std::string_view artist) {
  std::string words = to_words(fold_for_matching(artist));
  if (words.starts_with("the ") && words.size() > 4) words.erase(0, 4);
  return words;
}

// ---- KnownTracks ----------------------------------------------------------------------------

struct KnownTracks::Index {
  std::vector<TrackInfo> tracks;
  std::unordered_map<std::string, std::size_t> by_uri;
  std::unordered_multimap<std::string, std::size_t> by_isrc;
  std::unordered_multimap<std::string, std::size_t> by_title;
};

KnownTracks::KnownTracks() : KnownTracks(std::vector<TrackInfo>{}) {}

KnownTracks::KnownTracks(std::vector<TrackInfo> tracks) : index_(std::make_unique<Index>()) {
  index_->tracks = std::move(tracks);
  for (std::size_t i = 0; i < index_->tracks.size(); ++i) {
    const TrackInfo& track = index_->tracks[i];
    index_->by_uri.emplace(track.uri, i);
    if (!track.isrc.empty()) index_->by_isrc.emplace(normalised_isrc(track.isrc), i);
    index_->by_title.emplace(normalise_title(track.name).base, i);
  }
}

KnownTracks::KnownTracks(KnownTracks&&) noexcept = default;
KnownTracks& KnownTracks::operator=(KnownTracks&&) noexcept = default;
KnownTracks::~KnownTracks() = default;

const TrackInfo* KnownTracks::by_uri(std::string_view uri) const {
  const auto found = index_->by_uri.find(std::string(uri));
  return found == index_->by_uri.end() ? nullptr : &index_->tracks[found->second];
}

std::vector<const TrackInfo*> KnownTracks::by_isrc(std::string_view isrc) const {
  std::vector<const TrackInfo*> out;
  const auto [first, last] = index_->by_isrc.equal_range(normalised_isrc(isrc));
  for (auto it = first; it != last; ++it) out.push_back(&index_->tracks[it->second]);
  return out;
}

std::vector<const TrackInfo*> KnownTracks::candidates_for(const LineReading& reading) const {
  std::vector<const TrackInfo*> out;
  const auto [first, last] = index_->by_title.equal_range(normalise_title(reading.title).base);
  for (auto it = first; it != last; ++it) out.push_back(&index_->tracks[it->second]);
  return out;
}

std::size_t KnownTracks::size() const { return index_->tracks.size(); }

// ---- LineMatcher ----------------------------------------------------------------------------

struct LineMatcher::State {
  PastedLine line;
  MatchSettings settings;
  std::vector<Reading> readings;
  std::vector<TrackInfo> pool;  ///< every track seen (stored and searched), first seen first
  std::vector<Lookup> planned;  ///< lookups still to make, next first
  std::set<std::string> asked;  ///< lookup keys already made
  int lookups = 0;
  int calls = 0;
  bool version_query_added = false;
  std::optional<LineMatch> decided;

  LineMatch base_result() const {
    LineMatch out;
    out.number = line.number;
    out.input = line.input;
    return out;
  }

  void finish(LineMatch result) {
    result.calls = calls;
    decided = std::move(result);
  }

  void finish_invalid(std::string reason) {
    LineMatch out = base_result();
    out.status = MatchStatus::Invalid;
    out.reason = std::move(reason);
    finish(std::move(out));
  }

  void finish_with_track(const TrackInfo& track, MatchSource source, double confidence) {
    LineMatch out = base_result();
    out.status = MatchStatus::Matched;
    out.uri = track.uri;
    out.track = track;
    out.confidence = confidence;
    out.source = source;
    out.candidates.push_back(MatchCandidate{track, confidence});
    finish(std::move(out));
  }

  void finish_not_found(std::string reason) {
    LineMatch out = base_result();
    out.status = MatchStatus::NotFound;
    out.reason = std::move(reason);
    finish(std::move(out));
  }

  void add_to_pool(std::vector<TrackInfo> tracks) {
    for (TrackInfo& track : tracks) {
      const bool known = std::any_of(pool.begin(), pool.end(),
                                     [&](const TrackInfo& t) { return t.uri == track.uri; });
      if (!known) pool.push_back(std::move(track));
    }
  }

  /// Decides from the pool (no more lookups will come: a line without a fit is NotFound).
  void settle(MatchSource source) {
    const Decision decision = decide(readings, pool, line.duration_ms);
    LineMatch out = base_result();
    out.status = decision.status;
    out.reason = decision.reason;
    out.source = decision.status == MatchStatus::NotFound ? MatchSource::None : source;
    if (decision.match) {
      out.uri = decision.match->track->uri;
      out.track = *decision.match->track;
      out.confidence = confidence_of(decision.match->evaluation);
      out.candidates.push_back(MatchCandidate{*decision.match->track, out.confidence});
    } else {
      for (const Scored& s : decision.candidates) out.candidates.push_back(candidate_of(s));
    }
    finish(std::move(out));
  }

  /// A line naming a version that the searches so far found only in other versions: one more
  /// search with the version's words.
  bool wants_version_query() const {
    return std::any_of(readings.begin(), readings.end(), [](const Reading& r) {
      return !r.search_version.empty() && r.has_artist();
    });
  }

  void plan_text_searches() {
    for (const Reading& reading : readings) {
      if (reading.search_title.empty()) continue;
      planned.push_back(search_lookup(reading.has_artist()
                                          ? field_query(reading.search_title, reading.search_artist)
                                          : reading.search_title,
                                      settings));
    }
    // Typing errors: Spotify wants every word, so a misspelt word finds nothing. The artist with
    // part of the title finds the track when the error is in the other part; a one-word title
    // falls back to the artist's tracks with a word starting with its first letter.
    for (const Reading& reading : readings) {
      if (!reading.has_artist() || allowed_typos(reading.title.base) == 0) continue;
      const auto words = split_words(reading.search_title);
      if (words.size() >= 2) {
        const std::size_t half = words.size() / 2;
        const std::array<std::pair<std::size_t, std::size_t>, 2> halves{
            {{0, half}, {half, words.size()}}};
        for (const auto& [from, to] : halves) {
          std::string part;
          for (std::size_t i = from; i < to; ++i) {
            if (!part.empty()) part.push_back(' ');
            part += words[i];
          }
          planned.push_back(search_lookup(field_query(part, reading.search_artist), settings));
        }
      } else if (!words.empty()) {
        planned.push_back(search_lookup(
            "artist:\"" + reading.search_artist + "\" " + words.front().substr(0, 1), settings));
      }
    }
    // Plain keywords last: both orders of the words at once.
    if (!readings.empty() && readings.front().has_artist() &&
        !readings.front().search_title.empty()) {
      planned.push_back(search_lookup(
          readings.front().search_title + " " + readings.front().search_artist, settings));
    }
    drop_asked();
  }

  void drop_asked() {
    std::erase_if(planned,
                  [&](const Lookup& lookup) { return asked.contains(lookup_key(lookup)); });
    // The same query twice in the plan (both readings' halves can coincide).
    std::set<std::string> keys;
    std::erase_if(planned,
                  [&](const Lookup& lookup) { return !keys.insert(lookup_key(lookup)).second; });
  }

  /// Zero calls first: what plm stored already; then the lookups.
  void begin(const KnownTracks& known) {
    if (line.kind == LineKind::TrackUri) {
      if (const TrackInfo* track = known.by_uri(line.uri))
        return finish_with_track(*track, MatchSource::Stored, 1.0);
    } else if (line.kind == LineKind::Isrc) {
      if (const auto tracks = known.by_isrc(line.isrc); !tracks.empty())
        return finish_with_track(*tracks.front(), MatchSource::Stored, 1.0);
    } else if (line.kind == LineKind::Text && known.size() > 0) {
      for (const LineReading& reading : line.readings)
        for (const TrackInfo* track : known.candidates_for(reading)) add_to_pool({*track});
      const Decision decision = decide(readings, pool, line.duration_ms);
      // Only a clean answer from stored tracks: the catalog may hold a better one otherwise.
      if (decision.status == MatchStatus::Matched && fit_class(decision.match->evaluation) == 0)
        return settle(MatchSource::Stored);
    }
    start();
  }

  void start() {
    switch (line.kind) {
      case LineKind::Blank:
        return finish_invalid(line.reason.empty() ? "blank line" : line.reason);
      case LineKind::Comment:
        return finish_invalid(line.reason.empty() ? "comment" : line.reason);
      case LineKind::Invalid:
        return finish_invalid(line.reason.empty() ? "not a track" : line.reason);
      case LineKind::TrackUri:
        planned.push_back(Lookup{Lookup::Kind::Track, uri_id(line.uri), 1, 0});
        return;
      case LineKind::Isrc:
        planned.push_back(search_lookup("isrc:" + normalised_isrc(line.isrc), settings));
        // Some catalogs keep ISRCs in their hyphenated form (CC-XXX-YY-NNNNN): asked only when
        // the plain form finds nothing.
        if (const std::string isrc = normalised_isrc(line.isrc); isrc.size() == 12)
          planned.push_back(search_lookup("isrc:" + isrc.substr(0, 2) + "-" + isrc.substr(2, 3) +
                                              "-" + isrc.substr(5, 2) + "-" + isrc.substr(7),
                                          settings));
        return;
      case LineKind::Text:
        if (line.readings.empty()) return finish_invalid("no title on this line");
        plan_text_searches();
        if (planned.empty()) finish_not_found("no words to search for");
        return;
    }
  }

  void answer(std::vector<TrackInfo> tracks) {
    planned.erase(planned.begin());
    ++lookups;
    if (line.kind == LineKind::TrackUri) {
      if (tracks.empty()) return finish_not_found("Spotify has no track with this id");
      return finish_with_track(tracks.front(), MatchSource::Lookup, 1.0);
    }
    if (line.kind == LineKind::Isrc) {
      if (tracks.empty() && !planned.empty()) return;  // the hyphenated form next
      if (tracks.empty()) return finish_not_found("Spotify has no track with this ISRC");
      return finish_with_track(tracks.front(), MatchSource::Search, 1.0);
    }
    add_to_pool(std::move(tracks));
    const Decision decision = decide(readings, pool, line.duration_ms);
    if (decision.status == MatchStatus::NotFound && !version_query_added && wants_version_query()) {
      // The song is there but not in the named version: ask for the version's words too.
      const bool song_seen = std::any_of(pool.begin(), pool.end(), [&](const TrackInfo& track) {
        return std::any_of(readings.begin(), readings.end(), [&](const Reading& r) {
          const Evaluation e = evaluate(r, track, line.duration_ms);
          return e.artist >= 0.9 && e.title_edits == 0;
        });
      });
      version_query_added = true;
      if (song_seen && lookups < settings.max_lookups_per_line) {
        // The song is found: typing-error fallbacks cannot help any more.
        planned.clear();
        for (const Reading& r : readings) {
          if (r.search_version.empty() || !r.has_artist()) continue;
          planned.insert(
              planned.begin(),
              search_lookup(field_query(r.search_title + " " + r.search_version, r.search_artist),
                            settings));
        }
        drop_asked();
      }
    }
    if (decision.status != MatchStatus::NotFound || planned.empty() ||
        lookups >= settings.max_lookups_per_line)
      settle(MatchSource::Search);
  }
};

LineMatcher::LineMatcher(PastedLine line, const KnownTracks& known, MatchSettings settings)
    : state_(std::make_unique<State>()) {
  State& state = *state_;
  state.line = std::move(line);
  state.settings = settings;
  for (const LineReading& reading : state.line.readings) state.readings.push_back(prepare(reading));
  state.begin(known);
}

LineMatcher::LineMatcher(LineMatcher&&) noexcept = default;
LineMatcher& LineMatcher::operator=(LineMatcher&&) noexcept = default;
LineMatcher::~LineMatcher() = default;

bool LineMatcher::decided() const { return state_->decided.has_value(); }

std::optional<Lookup> LineMatcher::next_lookup() const {
  if (decided() || state_->planned.empty()) return std::nullopt;
  return state_->planned.front();
}

void LineMatcher::answer(std::vector<TrackInfo> tracks, bool from_cache) {
  State& state = *state_;
  if (state.decided || state.planned.empty()) return;
  state.asked.insert(lookup_key(state.planned.front()));
  if (!from_cache) ++state.calls;
  state.answer(std::move(tracks));
}

LineMatch LineMatcher::result() const {
  if (state_->decided) return *state_->decided;
  LineMatch pending = state_->base_result();
  pending.calls = state_->calls;
  return pending;
}

}  // namespace plm::core
