#include "core/matching/matcher.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/ports/match_store.hpp"

namespace plm::core {
namespace {

TrackInfo track(std::string id, std::string name, std::vector<std::string> artists,
                std::int64_t duration_ms = 200'000) {
  TrackInfo t;
  t.uri = "spotify:track:" + id;
  t.name = std::move(name);
  t.artists = std::move(artists);
  t.album = "Album";
  t.duration_ms = duration_ms;
  return t;
}

PastedLine text_line(std::vector<LineReading> readings,
                     std::optional<std::int64_t> duration_ms = std::nullopt) {
  PastedLine line;
  line.number = 1;
  line.input = readings.front().artist + " - " + readings.front().title;
  line.kind = LineKind::Text;
  line.readings = std::move(readings);
  line.duration_ms = duration_ms;
  return line;
}

/// A hand-made catalog behind a tiny search: every filter's words must be in that field, free
/// words anywhere (the last one a prefix), as the emulator and Spotify do.
class Catalog {
 public:
  explicit Catalog(std::vector<TrackInfo> tracks) : tracks_(std::move(tracks)) {}

  std::vector<TrackInfo> search(std::string_view query) const {
    std::vector<TrackInfo> out;
    for (const TrackInfo& t : tracks_)
      if (matches(t, query) && out.size() < 10) out.push_back(t);
    return out;
  }

  /// Runs the matcher to its end; returns the result and the queries it made.
  LineMatch run(PastedLine line, std::vector<std::string>* queries = nullptr,
                const KnownTracks& known = KnownTracks()) const {
    LineMatcher matcher(std::move(line), known);
    int guard = 0;
    while (auto lookup = matcher.next_lookup()) {
      if (++guard > 20) ADD_FAILURE() << "the matcher does not end";
      if (queries) queries->push_back(lookup->value);
      if (lookup->kind == Lookup::Kind::Track) {
        std::vector<TrackInfo> found;
        for (const TrackInfo& t : tracks_)
          if (t.uri == "spotify:track:" + lookup->value) found.push_back(t);
        matcher.answer(found);
      } else {
        matcher.answer(search(lookup->value));
      }
    }
    EXPECT_TRUE(matcher.decided());
    return matcher.result();
  }

 private:
  static std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::string word;
    for (const char c : text) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') {
        word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      } else if (!word.empty()) {
        out.push_back(word);
        word.clear();
      }
    }
    if (!word.empty()) out.push_back(word);
    return out;
  }
  static bool has_word(std::string_view text, const std::string& word, bool prefix) {
    for (const std::string& w : words(text))
      if (prefix ? w.starts_with(word) : w == word) return true;
    return false;
  }
  static bool matches(const TrackInfo& t, std::string_view query) {
    std::string artists;
    for (const auto& a : t.artists) artists += a + " ";
    std::vector<std::pair<std::string, std::string>> terms;  // field, word
    std::size_t at = 0;
    while (at < query.size()) {
      if (query[at] == ' ') {
        ++at;
        continue;
      }
      const std::size_t colon = query.find(":\"", at);
      const std::size_t space = query.find(' ', at);
      if (colon != std::string_view::npos && colon < space) {
        const std::string field(query.substr(at, colon - at));
        const std::size_t end = query.find('"', colon + 2);
        for (const auto& w : words(query.substr(colon + 2, end - colon - 2)))
          terms.emplace_back(field, w);
        at = end + 1;
      } else {
        const std::size_t end = std::min(space, query.size());
        for (const auto& w : words(query.substr(at, end - at))) terms.emplace_back("", w);
        at = end;
      }
    }
    for (std::size_t i = 0; i < terms.size(); ++i) {
      const auto& [field, word] = terms[i];
      const bool prefix = field.empty() && i + 1 == terms.size();
      const bool found = field == "track"    ? has_word(t.name, word, false)
                         : field == "artist" ? has_word(artists, word, false)
                         : field == "isrc"   ? t.isrc == word
                                             : has_word(t.name + " " + artists, word, prefix);
      if (!found) return false;
    }
    return true;
  }

  std::vector<TrackInfo> tracks_;
};

TEST(NormaliseTitle, FoldsAccentsQuotesAndPunctuation) {
  EXPECT_EQ(normalise_title("Lay Low").base, normalise_title("Läy Löw").base);
  EXPECT_EQ(normalise_title("When I’m Gone").base, "when im gone");
  EXPECT_EQ(normalise_title("Rock & Roll").base, "rock and roll");
  EXPECT_EQ(normalise_title("Søster Ærlig Łza Straße").base, "soster aerlig lza strasse");
}

TEST(NormaliseTitle, DropsFeaturedArtists) {
  EXPECT_EQ(normalise_title("No Limit (feat. Zak Abel)"), (NormalisedTitle{"no limit", ""}));
  EXPECT_EQ(normalise_title("No Limit ft. Zak Abel"), (NormalisedTitle{"no limit", ""}));
  EXPECT_EQ(normalise_title("No Limit [feat. Zak Abel]"), (NormalisedTitle{"no limit", ""}));
  EXPECT_EQ(normalise_title("No Limit (with Zak Abel)"), (NormalisedTitle{"no limit", ""}));
  EXPECT_EQ(normalise_title("No Limit featuring Zak Abel - Live"),
            (NormalisedTitle{"no limit", "live"}));
}

TEST(NormaliseTitle, SeparatesVersions) {
  EXPECT_EQ(normalise_title("Song - Live"), normalise_title("Song (Live)"));
  EXPECT_EQ(normalise_title("Song - Remastered 2011"), (NormalisedTitle{"song", "2011 remaster"}));
  EXPECT_EQ(normalise_title("Song - Feed Me Remix"), normalise_title("Song (Feed Me Remix)"));
  EXPECT_EQ(normalise_title("Song (Radio Edit)").version, "edit radio");
  EXPECT_EQ(normalise_title("Song - Single Version").version, "single version");
  // Not versions: a part of the title, or a title that is a version word.
  EXPECT_EQ(normalise_title("Live Forever"), (NormalisedTitle{"live forever", ""}));
  EXPECT_EQ(normalise_title("Song - Part Two"), (NormalisedTitle{"song part two", ""}));
  EXPECT_EQ(normalise_title("Live").base, "live");
}

TEST(NormaliseArtist, DropsLeadingTheAndFolds) {
  EXPECT_EQ(normalise_artist("The Black Eyed Peas"), "black eyed peas");
  EXPECT_EQ(normalise_artist("Simon & Garfunkel"), "simon and garfunkel");
  EXPECT_EQ(normalise_artist("Tiësto"), "tiesto");
  EXPECT_EQ(normalise_artist("The The"), "the");
}

TEST(LineMatchText, StatusNamesRoundTrip) {
  for (const auto status : {MatchStatus::Pending, MatchStatus::Matched, MatchStatus::Ambiguous,
                            MatchStatus::NotFound, MatchStatus::Invalid})
    EXPECT_EQ(match_status_from_string(to_string(status)), status);
  for (const auto source : {MatchSource::None, MatchSource::Stored, MatchSource::Lookup,
                            MatchSource::Search, MatchSource::Choice})
    EXPECT_EQ(match_source_from_string(to_string(source)), source);
  EXPECT_EQ(choice_key("  Dépêche   MODE -  Enjoy\tthe Silence "),
            "depeche mode - enjoy the silence");
  EXPECT_EQ(lookup_key({Lookup::Kind::Search, "a", 10, 0}),
            lookup_key({Lookup::Kind::Search, "a", 10, 0}));
  EXPECT_NE(lookup_key({Lookup::Kind::Search, "a", 10, 0}),
            lookup_key({Lookup::Kind::Search, "a", 10, 10}));
  // A key the stores can hold (they refuse control characters in text).
  EXPECT_TRUE(is_clean_pasted_text(lookup_key({Lookup::Kind::Search, "track:\"a b\"", 10, 0})));
}

const Catalog& depeche() {
  static const Catalog catalog({
      track("a1", "Enjoy the Silence", {"Depeche Mode"}),
      track("a2", "Enjoy the Silence - Live", {"Depeche Mode"}),
      track("a3", "When the Body Speaks", {"Depeche Mode"}),
      track("a4", "Enjoy the Silence", {"Depeche Mode"}),  // the same recording, a compilation
      track("b1", "Enjoy the Silence", {"Tori Amos"}),
      track("c1", "The Seeker - Remastered 2011", {"The Who"}),
      track("d1", "Dream - Live", {"Imagine Dragons"}),
      track("d2", "Dream - Acoustic", {"Imagine Dragons"}),
      track("e1", "No Limit (feat. Zak Abel)", {"Lost Frequencies"}),
      track("f1", "Bulletproof", {"Godsmack"}),
      track("f2", "Awake", {"Godsmack"}),
  });
  return catalog;
}

TEST(LineMatcher, MatchesTheExactLineWithOneSearch) {
  std::vector<std::string> queries;
  const auto result =
      depeche().run(text_line({{"Enjoy the Silence", "Depeche Mode", ""}}), &queries);
  EXPECT_EQ(result.status, MatchStatus::Matched);
  EXPECT_EQ(result.uri, "spotify:track:a1");
  EXPECT_EQ(result.source, MatchSource::Search);
  EXPECT_EQ(result.calls, 1);
  EXPECT_EQ(queries,
            std::vector<std::string>{"track:\"enjoy the silence\" artist:\"depeche mode\""});
  EXPECT_GE(result.confidence, 0.95);
}

TEST(LineMatcher, TriesTheOtherReadingWhenTheFirstFindsNothing) {
  const auto result = depeche().run(text_line(
      {{"Depeche Mode", "Enjoy the Silence", ""}, {"Enjoy the Silence", "Depeche Mode", ""}}));
  EXPECT_EQ(result.status, MatchStatus::Matched);
  EXPECT_EQ(result.uri, "spotify:track:a1");
  EXPECT_EQ(result.calls, 2);
}

TEST(LineMatcher, ANamedVersionMatchesOnlyThatVersion) {
  EXPECT_EQ(depeche().run(text_line({{"Enjoy the Silence (Live)", "Depeche Mode", ""}})).uri,
            "spotify:track:a2");
  const auto acoustic =
      depeche().run(text_line({{"Enjoy the Silence - Acoustic", "Depeche Mode", ""}}));
  EXPECT_NE(acoustic.status, MatchStatus::Matched);
}

TEST(LineMatcher, APlainLineTakesTheOnlyVersionThereIs) {
  const auto result = depeche().run(text_line({{"The Seeker", "The Who", ""}}));
  EXPECT_EQ(result.status, MatchStatus::Matched);
  EXPECT_EQ(result.uri, "spotify:track:c1");
  EXPECT_LT(result.confidence, 1.0);
}

TEST(LineMatcher, APlainLineWithSeveralVersionsAndNoPlainOneIsAmbiguous) {
  const auto result = depeche().run(text_line({{"Dream", "Imagine Dragons", ""}}));
  EXPECT_EQ(result.status, MatchStatus::Ambiguous);
  EXPECT_EQ(result.candidates.size(), 2u);
}

TEST(LineMatcher, FeaturedArtistsWrittenAnyWay) {
  for (const LineReading& reading : {LineReading{"No Limit ft. Zak Abel", "Lost Frequencies", ""},
                                     LineReading{"No Limit", "Lost Frequencies feat. Zak Abel", ""},
                                     LineReading{"No Limit", "Lost Frequencies & Zak Abel", ""},
                                     LineReading{"No Limit", "Lost Frequencies", ""}}) {
    const auto result = depeche().run(text_line({reading}));
    EXPECT_EQ(result.uri, "spotify:track:e1") << reading.title << " / " << reading.artist;
  }
}

TEST(LineMatcher, TyposAreFoundThroughPartOfTheTitle) {
  const auto two_words = depeche().run(text_line({{"Wheb the Body Speaks", "Depeche Mode", ""}}));
  EXPECT_EQ(two_words.uri, "spotify:track:a3");
  const auto one_word = depeche().run(text_line({{"Bjlletproof", "Godsmack", ""}}));
  EXPECT_EQ(one_word.uri, "spotify:track:f1");
  EXPECT_LT(one_word.confidence, 1.0);
}

TEST(LineMatcher, ATitleTheArtistDoesNotHaveIsNotFound) {
  std::vector<std::string> queries;
  const auto result =
      depeche().run(text_line({{"Tennessee Whiskey", "Depeche Mode", ""}}), &queries);
  EXPECT_EQ(result.status, MatchStatus::NotFound);
  EXPECT_LE(queries.size(), 6u);
  // Another artist's song of that title is not this one.
  EXPECT_EQ(depeche().run(text_line({{"Enjoy the Silence", "Tori Amoss", ""}})).status,
            MatchStatus::NotFound);
}

TEST(LineMatcher, DurationSeparatesRecordingsThatFitAlike) {
  // A title alone: two artists' songs of that title fit alike; the line's duration picks one.
  const Catalog two(
      {track("y1", "Home", {"Artist"}, 180'000), track("y2", "Home", {"Other"}, 240'000)});
  const auto by_duration = two.run(text_line({{"Home", "", ""}}, 241'000));
  EXPECT_EQ(by_duration.status, MatchStatus::Matched);
  EXPECT_EQ(by_duration.uri, "spotify:track:y2");
  EXPECT_EQ(two.run(text_line({{"Home", "", ""}})).status, MatchStatus::Ambiguous);
  // The same recording on two releases is one answer.
  const Catalog releases(
      {track("x1", "Home", {"Artist"}, 180'000), track("x2", "Home", {"The Artist"}, 181'000)});
  EXPECT_EQ(releases.run(text_line({{"Home", "Artist", ""}})).status, MatchStatus::Matched);
}

TEST(LineMatcher, UrisAndIsrcsFromStoredTracksCostNothing) {
  KnownTracks known({track("a1", "Enjoy the Silence", {"Depeche Mode"})});
  PastedLine uri;
  uri.kind = LineKind::TrackUri;
  uri.uri = "spotify:track:a1";
  const LineMatcher stored(uri, known);
  EXPECT_TRUE(stored.decided());
  EXPECT_EQ(stored.result().source, MatchSource::Stored);
  EXPECT_EQ(stored.result().calls, 0);

  uri.uri = "spotify:track:a3";
  LineMatcher lookup(uri, known);
  ASSERT_TRUE(lookup.next_lookup());
  EXPECT_EQ(lookup.next_lookup()->kind, Lookup::Kind::Track);
  EXPECT_EQ(lookup.next_lookup()->value, "a3");
  lookup.answer({});
  EXPECT_EQ(lookup.result().status, MatchStatus::NotFound);

  const auto text =
      depeche().run(text_line({{"Enjoy the Silence", "Depeche Mode", ""}}), nullptr, known);
  EXPECT_EQ(text.source, MatchSource::Stored);
  EXPECT_EQ(text.calls, 0);
}

TEST(LineMatcher, BlankAndInvalidLinesAreInvalid) {
  PastedLine blank;
  blank.kind = LineKind::Blank;
  const LineMatcher matcher(blank, KnownTracks());
  EXPECT_TRUE(matcher.decided());
  EXPECT_EQ(matcher.result().status, MatchStatus::Invalid);
  EXPECT_EQ(matcher.result().reason, "blank line");
}

}  // namespace
}  // namespace plm::core
