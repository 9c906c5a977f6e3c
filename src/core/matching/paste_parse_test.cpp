#include "core/matching/paste_parse.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace plm::core {

// Readable failures: gtest finds these by argument-dependent lookup.
void PrintTo(const LineReading& reading, std::ostream* out) {
  *out << "{title \"" << reading.title << "\", artist \"" << reading.artist << "\", album \""
       << reading.album << "\"}";
}
void PrintTo(LineKind kind, std::ostream* out) {
  constexpr const char* kNames[] = {"Blank", "Comment", "TrackUri", "Isrc", "Text", "Invalid"};
  *out << kNames[static_cast<int>(kind)];
}

namespace {

using namespace std::string_literals;

constexpr std::string_view kId = "4Wu99vte4OW3m0GTx3fyUE";
const std::string kUri = "spotify:track:" + std::string(kId);

LineReading reading(std::string title, std::string artist = "", std::string album = "") {
  return {std::move(title), std::move(artist), std::move(album)};
}

/// The line's first reading (the most likely), or an empty one.
LineReading first(const PastedLine& line) {
  return line.readings.empty() ? LineReading{} : line.readings.front();
}

bool has_reading(const PastedLine& line, const LineReading& wanted) {
  for (const LineReading& candidate : line.readings) {
    if (candidate.title == wanted.title && candidate.artist == wanted.artist) return true;
  }
  return false;
}

std::vector<PastedLine> parse_all(std::string_view text) {
  auto parsed = parse_paste(text);
  EXPECT_TRUE(parsed.has_value());
  return parsed ? parsed.value().lines : std::vector<PastedLine>{};
}

// ---- identifiers -----------------------------------------------------------------------------

TEST(PasteParseIdentifiers, ReadsTrackUris) {
  const PastedLine line = parse_line(kUri, 3);
  EXPECT_EQ(line.kind, LineKind::TrackUri);
  EXPECT_EQ(line.uri, kUri);
  EXPECT_EQ(line.number, 3u);
  EXPECT_EQ(line.input, kUri);
  EXPECT_EQ(parse_line("  Spotify:Track:" + std::string(kId) + "  ").uri, kUri);
}

TEST(PasteParseIdentifiers, ReadsTrackLinksInEveryShape) {
  for (const std::string& link :
       {"https://open.spotify.com/track/"s + std::string(kId),
        "http://open.spotify.com/track/"s + std::string(kId) + "/",
        "open.spotify.com/track/"s + std::string(kId),
        "https://open.spotify.com/intl-it/track/"s + std::string(kId) +
            "?si=CgkYBooOdwmYbYGg4VMXHR",
        "https://open.spotify.com/intl-pt-BR/track/"s + std::string(kId) + "?si=a8e3&context=x",
        "https://open.spotify.com/embed/track/"s + std::string(kId) + "?utm_source=generator",
        "https://open.spotify.com/track/"s + std::string(kId) + "#t=1:02",
        "<https://open.spotify.com/track/"s + std::string(kId) + ">",
        "Helion - Pharaoh https://open.spotify.com/track/"s + std::string(kId),
        "7. https://open.spotify.com/track/"s + std::string(kId)}) {
    const PastedLine line = parse_line(link);
    EXPECT_EQ(line.kind, LineKind::TrackUri) << link;
    EXPECT_EQ(line.uri, kUri) << link;
  }
}

TEST(PasteParseIdentifiers, OtherSpotifyThingsAndLinksAreInvalidWithAReason) {
  for (const std::string& text :
       {"spotify:album:4aawyAB9vmqN3uQ7FjRGTy"s,
        "https://open.spotify.com/album/4aawyAB9vmqN3uQ7FjRGTy"s,
        "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M?si=1"s,
        "https://open.spotify.com/artist/0OdUWJ0sBjDrqHygGUXeCF"s, "spotify:track:tooShort"s,
        "https://open.spotify.com/track/4Wu99vte4OW3m0GTx3fyU"s, "https://spotify.link/AbCdEf"s,
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ"s}) {
    const PastedLine line = parse_line(text);
    EXPECT_EQ(line.kind, LineKind::Invalid) << text;
    EXPECT_FALSE(line.reason.empty()) << text;
  }
  EXPECT_NE(
      parse_line("https://open.spotify.com/album/4aawyAB9vmqN3uQ7FjRGTy").reason.find("album"),
      std::string::npos);
}

TEST(PasteParseIdentifiers, ReadsIsrcsInAnyCaseWithOrWithoutHyphens) {
  for (const std::string& text : {"USEM39500079"s, "usem39500079"s, " UsEm39500079 "s,
                                  "US-EM3-95-00079"s, "isrc:USEM39500079"s, "ISRC USEM39500079"s}) {
    const PastedLine line = parse_line(text);
    EXPECT_EQ(line.kind, LineKind::Isrc) << text;
    EXPECT_EQ(line.isrc, "USEM39500079") << text;
  }
  EXPECT_EQ(parse_line("GB-SMU-33-95041").isrc, "GBSMU3395041");
  // Not ISRCs: the wrong shape (letters where the seven digits go, too short, too long).
  for (const std::string& text :
       {"USEM3950007X"s, "USEM3950007"s, "USEM395000791"s, "12EM39500079"s}) {
    EXPECT_NE(parse_line(text).kind, LineKind::Isrc) << text;
  }
}

// ---- blank, comment, invalid --------------------------------------------------------------------

TEST(PasteParseLines, BlankAndCommentLines) {
  for (const std::string& text : {""s, "   "s, "\t \t"s, "\xC2\xA0"s}) {
    const PastedLine line = parse_line(text);
    EXPECT_EQ(line.kind, LineKind::Blank) << testing::PrintToString(text);
    EXPECT_EQ(line.reason, "blank line");
  }
  for (const std::string& text : {"# side A"s, "  #"s, "## notes"s, "// from Anna"s, "#-- x"s}) {
    const PastedLine line = parse_line(text);
    EXPECT_EQ(line.kind, LineKind::Comment) << text;
    EXPECT_EQ(line.reason, "comment");
  }
  // A number or a word right after "#" is no comment: "#7 Title", "#thatPOWER".
  EXPECT_EQ(first(parse_line("#7 Freya Ridings - Holy Water")),
            reading("Holy Water", "Freya Ridings"));
  EXPECT_EQ(parse_line("#thatPOWER - will.i.am").kind, LineKind::Text);
}

TEST(PasteParseLines, IllFormedTextControlsAndLongLinesAreInvalid) {
  EXPECT_EQ(parse_line("Caf\xC3").reason, "not valid UTF-8 text");
  EXPECT_EQ(parse_line("\xED\xA0\x80 - x"s).kind, LineKind::Invalid);
  EXPECT_EQ(parse_line("a\0b - c"s).reason, "holds a control character");
  EXPECT_EQ(parse_line("a\x1b[31m - b"s).reason, "holds a control character");
  EXPECT_EQ(parse_line(std::string(1001, 'a')).reason, "longer than 1,000 characters");
  EXPECT_EQ(parse_line(std::string(1000, 'a')).kind, LineKind::Text);
  // Only punctuation: nothing to match.
  EXPECT_EQ(parse_line("---- ♫ ----").kind, LineKind::Invalid);
  EXPECT_EQ(parse_line("♫ ♪ 🎵").kind, LineKind::Invalid);
}

// ---- text lines -------------------------------------------------------------------------------

TEST(PasteParseText, ArtistDashTitleGivesBothOrdersArtistFirst) {
  const PastedLine line = parse_line("Helion - Pharaoh");
  EXPECT_EQ(line.kind, LineKind::Text);
  EXPECT_EQ(line.readings,
            (std::vector<LineReading>{reading("Pharaoh", "Helion"), reading("Helion", "Pharaoh")}));
}

TEST(PasteParseText, EveryDashSplitsWithOrWithoutSpacesAroundLongDashes) {
  for (const std::string& text :
       {"LL COOL J - Luv U Better"s, "LL COOL J – Luv U Better"s, "LL COOL J — Luv U Better"s,
        "LL COOL J ‒ Luv U Better"s, "LL COOL J ― Luv U Better"s, "LL COOL J–Luv U Better"s,
        "LL COOL J—Luv U Better"s, "LL COOL J -- Luv U Better"s}) {
    EXPECT_EQ(first(parse_line(text)), reading("Luv U Better", "LL COOL J")) << text;
  }
  // A hyphen inside a word is no separator.
  EXPECT_EQ(first(parse_line("JAY-Z - Blueprint 2")), reading("Blueprint 2", "JAY-Z"));
  EXPECT_EQ(first(parse_line("T-Pain")), reading("T-Pain"));
}

TEST(PasteParseText, AVersionSuffixStaysWithTheTitle) {
  const PastedLine line = parse_line("Oasis - Live Forever - Remastered");
  EXPECT_EQ(first(line), reading("Live Forever - Remastered", "Oasis"));
  // "Remastered" cannot be an artist: no "Title - Artist" reading splits there.
  EXPECT_FALSE(has_reading(line, reading("Oasis - Live Forever", "Remastered")));
  EXPECT_EQ(first(parse_line("Dire Straits — On Every Street - 7\" Radio Edit")),
            reading("On Every Street - 7\" Radio Edit", "Dire Straits"));
  // Three parts without a version: the last may be the artist ("Title - Mix - Artist").
  EXPECT_TRUE(has_reading(parse_line("Rainy Monday - Bimbo Jones Edit - Shiny Toy Guns"),
                          reading("Rainy Monday - Bimbo Jones Edit", "Shiny Toy Guns")));
}

TEST(PasteParseText, TitleByArtistSplitsAtTheLastByAndKeepsTheWholeLine) {
  EXPECT_EQ(parse_line("Dream by Imagine Dragons").readings,
            (std::vector<LineReading>{reading("Dream", "Imagine Dragons"),
                                      reading("Dream by Imagine Dragons")}));
  EXPECT_EQ(first(parse_line("Stand by Me by Ben E. King")), reading("Stand by Me", "Ben E. King"));
  // After every dash, " by " names the artist of the whole title.
  EXPECT_EQ(first(parse_line("Rainy Monday - Bimbo Jones Radio Edit by Shiny Toy Guns")),
            reading("Rainy Monday - Bimbo Jones Radio Edit", "Shiny Toy Guns"));
  // Before a dash it is part of a title.
  const PastedLine stand = parse_line("Stand By Me - Ben E. King");
  EXPECT_EQ(first(stand), reading("Ben E. King", "Stand By Me"));
  EXPECT_TRUE(has_reading(stand, reading("Stand By Me", "Ben E. King")));
}

TEST(PasteParseText, ArtistColonTitle) {
  EXPECT_EQ(first(parse_line("Social Distortion: Machine Gun Blues")),
            reading("Machine Gun Blues", "Social Distortion"));
  // The colon comes first: the dash belongs to the title.
  EXPECT_EQ(first(parse_line("Annapantsu: Viva La Vida - Orchestral Version")),
            reading("Viva La Vida - Orchestral Version", "Annapantsu"));
  // A time is no colon separator.
  EXPECT_EQ(parse_line("Hold 3:45am").readings, (std::vector<LineReading>{reading("Hold 3:45am")}));
}

TEST(PasteParseText, ACommaLineReadsAsTitleCommaArtistAndTheReverse) {
  const PastedLine line = parse_line("American Boyfriend, Kevin Abstract");
  EXPECT_EQ(first(line), reading("American Boyfriend", "Kevin Abstract"));
  EXPECT_TRUE(has_reading(line, reading("Kevin Abstract", "American Boyfriend")));
  EXPECT_TRUE(has_reading(line, reading("American Boyfriend, Kevin Abstract")));
  EXPECT_EQ(first(parse_line("\"Love, Love, Love\", Avalanche City")),
            reading("Love, Love, Love", "Avalanche City"));
  // With a dash, the comma belongs to a name: "Ray Parker, Jr.".
  EXPECT_EQ(first(parse_line("Ray Parker, Jr. - Ghostbusters")),
            reading("Ghostbusters", "Ray Parker, Jr."));
}

TEST(PasteParseText, ATabRowReadsBothWays) {
  EXPECT_EQ(parse_line("Prodigy\tClick Clack").readings,
            (std::vector<LineReading>{reading("Click Clack", "Prodigy"),
                                      reading("Prodigy", "Click Clack")}));
  const PastedLine three = parse_line("No More Rain (In This Cloud)\tAngie Stone\tBlack Diamond");
  EXPECT_EQ(first(three), reading("No More Rain (In This Cloud)", "Angie Stone", "Black Diamond"));
  EXPECT_TRUE(has_reading(three, reading("Angie Stone", "No More Rain (In This Cloud)")));
  // Positions and durations are set aside; a lone number beside one cell may be a title.
  const PastedLine numbered = parse_line("7\tLorde\tSober\t3:17");
  EXPECT_EQ(numbered.duration_ms, 197'000);
  EXPECT_TRUE(has_reading(numbered, reading("Sober", "Lorde")));
  EXPECT_TRUE(has_reading(parse_line("Prince\t1999"), reading("1999", "Prince")));
  EXPECT_EQ(parse_line("Title\tArtist\tAlbum").reason, "header row");
}

TEST(PasteParseText, LeadingNumberingIsRemoved) {
  for (const std::string& text :
       {"07. Freya Ridings - Holy Water"s, "7. Freya Ridings - Holy Water"s,
        "7) Freya Ridings - Holy Water"s, "7.) Freya Ridings - Holy Water"s,
        "#7 Freya Ridings - Holy Water"s, "#7. Freya Ridings - Holy Water"s,
        "07 Freya Ridings - Holy Water"s, "07 - Freya Ridings - Holy Water"s,
        "12 - Freya Ridings - Holy Water"s}) {
    EXPECT_EQ(first(parse_line(text)), reading("Holy Water", "Freya Ridings")) << text;
  }
  // List bullets too.
  for (const std::string& text : {"- Freya Ridings - Holy Water"s, "• Freya Ridings - Holy Water"s,
                                  "* 7. Freya Ridings - Holy Water"s}) {
    EXPECT_EQ(first(parse_line(text)), reading("Holy Water", "Freya Ridings")) << text;
  }
  // "#1 Crush": numbering removed, and the whole line read too.
  const PastedLine hash = parse_line("#1 Crush - Garbage");
  EXPECT_EQ(first(hash), reading("Garbage", "Crush"));
  EXPECT_TRUE(has_reading(hash, reading("#1 Crush", "Garbage")));
  // Numbers that are names: kept.
  EXPECT_EQ(first(parse_line("50 Cent - In Da Club")), reading("In Da Club", "50 Cent"));
  EXPECT_EQ(first(parse_line("2 Chainz - Birthday Song")), reading("Birthday Song", "2 Chainz"));
  EXPECT_EQ(first(parse_line("7 Rings - Ariana Grande")), reading("Ariana Grande", "7 Rings"));
  // A number without a leading zero before a dash may be a title: the whole line is read too.
  const PastedLine maybe_title = parse_line("365 - Zedd Remix - Zedd");
  EXPECT_EQ(first(maybe_title), reading("Zedd", "Zedd Remix"));
  EXPECT_TRUE(has_reading(maybe_title, reading("365 - Zedd Remix", "Zedd")));
  EXPECT_FALSE(has_reading(parse_line("07 - Freya Ridings - Holy Water"),
                           reading("07 - Freya Ridings", "Holy Water")));
  // "07 - Title": a track number, or an artist named "07"; both readings, the title alone first.
  const PastedLine line = parse_line("311 - Amber");
  EXPECT_EQ(first(line), reading("Amber"));
  EXPECT_TRUE(has_reading(line, reading("Amber", "311")));
}

TEST(PasteParseText, DurationsAreRemovedAndKept) {
  struct Case {
    std::string text;
    std::int64_t ms;
  };
  for (const Case& c : {Case{"Ugly Kid Joe - Cats In The Cradle (4:01)", 241'000},
                        Case{"Cage The Elephant - House Of Glass [4:09]", 249'000},
                        Case{"Jennifer Lopez - Booty - 3:30", 210'000},
                        Case{"Jennifer Lopez - Booty – 3:30", 210'000},
                        Case{"Jennifer Lopez - Booty 3:30", 210'000},
                        Case{"Jennifer Lopez - Booty (3:30) [HD]", 210'000},
                        Case{"Jennifer Lopez - Booty | 3:30", 210'000},
                        Case{"Jennifer Lopez - Booty 1:02:03", 3'723'000}}) {
    const PastedLine line = parse_line(c.text);
    EXPECT_EQ(line.duration_ms, c.ms) << c.text;
    EXPECT_EQ(first(line).title.find(':'), std::string::npos) << c.text;
  }
  EXPECT_EQ(first(parse_line("Ugly Kid Joe - Cats In The Cradle (4:01)")),
            reading("Cats In The Cradle", "Ugly Kid Joe"));
  // A time that is the title stays: "4:44" by JAY-Z.
  const PastedLine title = parse_line("JAY-Z - 4:44");
  EXPECT_EQ(first(title), reading("4:44", "JAY-Z"));
  EXPECT_EQ(title.duration_ms, std::nullopt);
  // Not durations: "3:75", "3:4".
  EXPECT_EQ(parse_line("Song - Artist 3:75").duration_ms, std::nullopt);
}

TEST(PasteParseText, EmojiMusicSignsAndUploadNoiseAreRemoved) {
  EXPECT_EQ(first(parse_line("♫ Monomono - Kenimania (4:38)")), reading("Kenimania", "Monomono"));
  EXPECT_EQ(first(parse_line("Chronic Law - Empty 2:50 ♪")), reading("Empty", "Chronic Law"));
  EXPECT_EQ(first(parse_line("🎵🎶 Lorde - Sober ❤️")), reading("Sober", "Lorde"));
  for (const std::string& noise :
       {"(Official Video)"s, "(Official Music Video)"s, "[HD]"s, "[HQ]"s, "(Lyrics)"s,
        "(Lyric Video)"s, "(Audio)"s, "(Official Audio)"s, "(Visualizer)"s, "[4K]"s,
        "[Official HD Video]"s, "- Official Video"s, "| Lyrics"s}) {
    EXPECT_EQ(first(parse_line("Freya Ridings - Holy Water " + noise)),
              reading("Holy Water", "Freya Ridings"))
        << noise;
  }
  EXPECT_EQ(first(parse_line("Freya Ridings - Holy Water [HQ] 2:52")),
            reading("Holy Water", "Freya Ridings"));
  // Versions are not noise: the matcher must see them.
  for (const std::string& version : {"(Live)"s, "(Explicit)"s, "- (Explicit)"s, "(Acoustic)"s,
                                     "(Official Remix)"s, "(Remastered 2011)"s, "(Radio Edit)"s}) {
    EXPECT_EQ(first(parse_line("Freya Ridings - Holy Water " + version)),
              reading("Holy Water " + version, "Freya Ridings"))
        << version;
  }
  // A song called "Video" keeps its title.
  EXPECT_EQ(first(parse_line("India.Arie - Video")), reading("Video", "India.Arie"));
}

TEST(PasteParseText, ReadsVideoTitlesAndFileNames) {
  EXPECT_EQ(first(parse_line("Artist | Title | Official Video")), reading("Title", "Artist"));
  EXPECT_EQ(first(parse_line("02 Daft Punk - Get Lucky.mp3")), reading("Get Lucky", "Daft Punk"));
  EXPECT_EQ(first(parse_line("Daft Punk - Get Lucky.FLAC")), reading("Get Lucky", "Daft Punk"));
  EXPECT_EQ(first(parse_line("a|b")), reading("a|b"));
}

TEST(PasteParseText, KeepsCurlyQuotesAccentsAndFeaturing) {
  EXPECT_EQ(first(parse_line("3 Doors Down - When I’m Gone")),
            reading("When I’m Gone", "3 Doors Down"));
  EXPECT_EQ(first(parse_line("Tiësto - The Business")), reading("The Business", "Tiësto"));
  EXPECT_EQ(first(parse_line("Skytech Feat. Matt Wolff, Jordan Rys - Whisper")),
            reading("Whisper", "Skytech Feat. Matt Wolff, Jordan Rys"));
  EXPECT_EQ(first(parse_line("Beyoncé \"Halo\"")), reading("Halo", "Beyoncé"));
}

TEST(PasteParseText, UnescapesExportifyCommas) {
  EXPECT_EQ(first(parse_line("Crosby\\, Stills & Nash - Helplessly Hoping")),
            reading("Helplessly Hoping", "Crosby, Stills & Nash"));
}

TEST(PasteParseText, EveryTextLineHasATitle) {
  for (const std::string& text : {"x"s, "- x"s, "x -"s, "a – "s, ": a"s, "by by"s, " by x"s,
                                  "\"\""s, ",,,"s, "a\t\t"s, "(Official Video)"s, "3:45"s}) {
    const PastedLine line = parse_line(text);
    if (line.kind != LineKind::Text) continue;
    ASSERT_FALSE(line.readings.empty()) << text;
    for (const LineReading& r : line.readings) EXPECT_FALSE(r.title.empty()) << text;
  }
}

// ---- the whole paste
// ------------------------------------------------------------------------------

TEST(PasteParsePaste, OneLinePerInputLineWithEveryLineEnding) {
  EXPECT_EQ(parse_all("").size(), 0u);
  EXPECT_EQ(parse_all("a - b").size(), 1u);
  EXPECT_EQ(parse_all("a - b\n").size(), 1u);
  EXPECT_EQ(parse_all("a - b\r\n").size(), 1u);
  EXPECT_EQ(parse_all("a - b\r").size(), 1u);
  EXPECT_EQ(parse_all("\n").size(), 1u);
  const auto lines = parse_all("a - b\r\n\r\n# note\rc - d\n\nspotify:track:"s + std::string(kId));
  ASSERT_EQ(lines.size(), 6u);
  const std::vector<LineKind> kinds = {LineKind::Text, LineKind::Blank, LineKind::Comment,
                                       LineKind::Text, LineKind::Blank, LineKind::TrackUri};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].kind, kinds[i]) << i;
    EXPECT_EQ(lines[i].number, i + 1);
  }
  EXPECT_EQ(lines[3].input, "c - d");
}

TEST(PasteParsePaste, RefusesMoreThanTenThousandLines) {
  std::string text;
  for (int i = 0; i < 10'000; ++i) text += "a - b\n";
  EXPECT_TRUE(parse_paste(text).has_value());
  text += "one more";
  const auto refused = parse_paste(text);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(refused.error().message, "a paste holds at most 10,000 lines; this one has 10001");
}

TEST(PasteParsePaste, AFreeTextPasteHasNoColumns) {
  const auto parsed =
      parse_paste("Helion - Pharaoh\nAmerican Boyfriend, Kevin Abstract\nProdigy\tClick Clack\n");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_FALSE(parsed->columns.has_value());
}

TEST(PasteParsePaste, ReadsAnExportifyCsvByItsHeader) {
  const std::string csv =
      "\xEF\xBB\xBF\"Track URI\",\"Track Name\",\"Artist Name(s)\",\"Album Name\","
      "\"Track Duration (ms)\",\"ISRC\"\n"
      "\"spotify:track:3I1vEQhGwRK7URrTq4BqNl\",\"(Ghost) Riders in the Sky\",\"Johnny Cash\","
      "\"Silver\",\"224813\",\"USSM17900687\"\n"
      "\"\",\"Helplessly Hoping\",\"Crosby\\, Stills & Nash\",\"CSN\",\"161000\",\"\"\n"
      "\"\",\"Teach Your Children\",\"Crosby\\, Stills\\, Nash & Young\",\"Deja "
      "Vu\",\"\",\"usat21810504\"\n";
  const auto parsed = parse_paste(csv);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_TRUE(parsed->columns.has_value());
  const PasteColumns& columns = *parsed->columns;
  EXPECT_EQ(columns.separator, ',');
  EXPECT_TRUE(columns.header);
  EXPECT_EQ(columns.uri, 0u);
  EXPECT_EQ(columns.title, 1u);
  EXPECT_EQ(columns.artist, 2u);
  EXPECT_EQ(columns.album, 3u);
  EXPECT_EQ(columns.duration, 4u);
  EXPECT_EQ(columns.isrc, 5u);
  const auto& lines = parsed->lines;
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].kind, LineKind::Invalid);
  EXPECT_EQ(lines[0].reason, "header row");
  EXPECT_EQ(lines[1].kind, LineKind::TrackUri);
  EXPECT_EQ(lines[1].uri, "spotify:track:3I1vEQhGwRK7URrTq4BqNl");
  EXPECT_EQ(lines[2].kind, LineKind::Text);
  EXPECT_EQ(
      lines[2].readings,
      (std::vector<LineReading>{reading("Helplessly Hoping", "Crosby, Stills & Nash", "CSN")}));
  EXPECT_EQ(lines[2].duration_ms, 161'000);
  EXPECT_EQ(lines[3].kind, LineKind::Isrc);
  EXPECT_EQ(lines[3].isrc, "USAT21810504");
}

TEST(PasteParsePaste, GuessesTitleAndArtistColumnsFromRepeatsWithoutAHeader) {
  // Artists repeat, titles do not: the second column is the title.
  const std::string tsv =
      "Robyn\tDancing On My Own\t4:41\n"
      "Robyn\tCall Your Girlfriend\t3:49\n"
      "Lorde\tRoyals\t3:10\n"
      "Lorde\tGreen Light\t3:54\n";
  const auto parsed = parse_paste(tsv);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_TRUE(parsed->columns.has_value());
  EXPECT_EQ(parsed->columns->separator, '\t');
  EXPECT_FALSE(parsed->columns->header);
  EXPECT_EQ(parsed->columns->artist, 0u);
  EXPECT_EQ(parsed->columns->title, 1u);
  EXPECT_EQ(parsed->columns->duration, 2u);
  const PastedLine& royals = parsed->lines[2];
  EXPECT_EQ(first(royals), reading("Royals", "Lorde"));
  EXPECT_EQ(royals.duration_ms, 190'000);
  // Guessed columns may be wrong for a row: the swapped reading follows.
  EXPECT_TRUE(has_reading(royals, reading("Lorde", "Royals")));
}

TEST(PasteParsePaste, GuessesAUriColumnAndATitleCommaArtistList) {
  const std::string csv = "1,Rise,Jonas Blue,spotify:track:" + std::string(kId) +
                          "\n2,\"Hot Mess (feat. Elly Jackson)\",Chromeo,\n"
                          "3,BOY BYE,BROCKHAMPTON,https://open.spotify.com/track/" +
                          std::string(kId) + "?si=x\n";
  const auto parsed = parse_paste(csv);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_TRUE(parsed->columns.has_value());
  EXPECT_EQ(parsed->columns->uri, 3u);
  EXPECT_EQ(parsed->columns->title, 1u);
  EXPECT_EQ(parsed->columns->artist, 2u);
  EXPECT_EQ(parsed->lines[0].kind, LineKind::TrackUri);
  EXPECT_EQ(first(parsed->lines[1]), reading("Hot Mess (feat. Elly Jackson)", "Chromeo"));
  EXPECT_EQ(parsed->lines[2].uri, kUri);
}

TEST(PasteParsePaste, ADashListWithCommasIsNoSpreadsheet) {
  const auto parsed = parse_paste(
      "Ray Parker, Jr. - Ghostbusters\n50 Cent, Eminem - Gatman And Robbin\nThe Beatles - Hello, "
      "Goodbye\n");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_FALSE(parsed->columns.has_value());
  EXPECT_EQ(first(parsed->lines[2]), reading("Hello, Goodbye", "The Beatles"));
}

TEST(PasteParsePaste, RowsOfAnotherShapeAreReadAsLines) {
  const auto parsed = parse_paste("Title\tArtist\nRoyals\tLorde\nHelion - Pharaoh\n");
  ASSERT_TRUE(parsed.has_value());
  ASSERT_TRUE(parsed->columns.has_value());
  EXPECT_EQ(parsed->lines[1].readings, (std::vector<LineReading>{reading("Royals", "Lorde")}));
  EXPECT_EQ(first(parsed->lines[2]), reading("Pharaoh", "Helion"));
}

TEST(PasteParsePaste, PutsTitleFirstWhenTheRightHandSidesRepeat) {
  // An album's tracklist as "Title - Artist": the artist repeats on the right.
  const auto lines = parse_all(
      "Royals - Lorde\nTeam - Lorde\nRibs - Lorde\nGreen Light - Lorde\nPerfect Places - Lorde\n"
      "Dancing On My Own - Robyn\n");
  ASSERT_EQ(lines.size(), 6u);
  for (const PastedLine& line : lines) {
    EXPECT_EQ(first(line).artist, line.input.substr(line.input.find(" - ") + 3)) << line.input;
    EXPECT_EQ(line.readings.size(), 2u);
  }
  // Artists on the left, repeating: artist first, as always.
  const auto artist_first =
      parse_all("Lorde - Royals\nLorde - Team\nRobyn - Dancing On My Own\nRobyn - Hang With Me\n");
  for (const PastedLine& line : artist_first) {
    EXPECT_EQ(first(line).artist, line.input.substr(0, line.input.find(" - "))) << line.input;
  }
  // No signal (every side different): artist first.
  const auto mixed = parse_all("A1 - T1\nA2 - T2\nA3 - T3\nA4 - T4\n");
  for (const PastedLine& line : mixed) EXPECT_EQ(first(line).artist.front(), 'A') << line.input;
}

TEST(PasteParsePaste, ParseLineAgreesWithAPasteOfOne) {
  for (const std::string& text : {"Helion - Pharaoh"s, "Prodigy\tClick Clack"s, "USEM39500079"s,
                                  "# x"s, ""s, "Dream by Imagine Dragons"s}) {
    const auto lines = parse_all(text);
    if (text.empty()) {
      EXPECT_TRUE(lines.empty());
      continue;
    }
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], parse_line(text)) << text;
  }
}

TEST(PasteParseRegressions, ARowOfDurationsOnlyIsReadWithoutTouchingAMissingCell) {
  // Found by PasteParseFuzz: the durations were taken out of the row, no cell was left, and the
  // row's readings read its first cell anyway (a crash before the fix).
  for (const std::string row : {"3:45\t4:41", "\t4:41", "(3:45)\t[4:41]"}) {
    const PastedLine line = parse_line(row);
    EXPECT_EQ(line.input, row);
    EXPECT_TRUE(line.kind == LineKind::Text || line.kind == LineKind::Invalid) << row;
  }
}

}  // namespace
}  // namespace plm::core
