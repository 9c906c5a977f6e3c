#include "catalog/text.hpp"

#include <gtest/gtest.h>

#include <set>

namespace spotify_emulator {
namespace {

TEST(FoldForSearch, LowerCasesAndRemovesLatinAccents) {
  EXPECT_EQ(fold_for_search("Beyoncé"), "beyonce");
  EXPECT_EQ(fold_for_search("Motörhead Über Straße"), "motorhead uber strasse");
  EXPECT_EQ(fold_for_search("ÀÉÎÕÜÇÑ"), "aeioucn");
}

TEST(FoldForSearch, FoldsLatinExtendedA) {
  EXPECT_EQ(fold_for_search("JAŸ-Z"), "jay z");
  EXPECT_EQ(fold_for_search("Łódź Dvořák Œuvre"), "lodz dvorak oeuvre");
}

TEST(FoldForSearch, DropsCombiningMarksOfDecomposedText) {
  EXPECT_EQ(fold_for_search("Beyonce\xCC\x81"), "beyonce");  // e + U+0301
}

TEST(FoldForSearch, LowerCasesGreekAndCyrillic) {
  EXPECT_EQ(fold_for_search("ΑΘΗΝΑ"), "αθηνα");
  EXPECT_EQ(fold_for_search("Ελλάδα"), "ελλαδα");
  EXPECT_EQ(fold_for_search("КИНО Ёлка"), "кино елка");
}

TEST(FoldForSearch, TurnsCurlyQuotesIntoApostropheAndPunctuationIntoSpace) {
  EXPECT_EQ(fold_for_search("Don’t Stop"), "don't stop");
  EXPECT_EQ(fold_for_search("AC/DC (Live!)"), "ac dc  live  ");
  EXPECT_EQ(fold_for_search("Trap Nation 🔊"), "trap nation  ");
}

TEST(FoldForSearch, KeepsOtherScriptsAndSurvivesInvalidUtf8) {
  EXPECT_EQ(fold_for_search("東京"), "東京");
  EXPECT_EQ(fold_for_search("a\xFF"
                            "b"),
            "a b");
  EXPECT_EQ(fold_for_search("abc\xC3"), "abc ");
}

TEST(SearchTokens, SplitsOnWhitespaceAndTrimsApostrophes) {
  EXPECT_EQ(search_tokens("  'Til   Tuesday’s  "), (std::vector<std::string>{"til", "tuesday's"}));
  EXPECT_TRUE(search_tokens(" - ").empty());
}

TEST(Base62Id, IsDeterministicTwentyTwoCharactersOfBase62) {
  const std::string id = base62_id(42);

  EXPECT_EQ(id.size(), 22u);
  EXPECT_EQ(id, base62_id(42));
  EXPECT_NE(id, base62_id(43));
  for (const char c : id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
}

TEST(Base62Id, HasNoCollisionsOnManySeeds) {
  std::set<std::string> ids;
  for (std::uint64_t seed = 0; seed < 10000; ++seed)
    ids.insert(base62_id(fnv1a64(std::to_string(seed))));

  EXPECT_EQ(ids.size(), 10000u);
}

TEST(Fnv1a64, MatchesTheReferenceValue) {
  EXPECT_EQ(fnv1a64(""), 14695981039346656037ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
}

}  // namespace
}  // namespace spotify_emulator
