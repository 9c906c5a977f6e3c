#include "core/model/text.hpp"

#include <gtest/gtest.h>

#include "core/model/playlist.hpp"

namespace plm::core {
namespace {

using namespace std::string_literals;

TEST(CleanText, AcceptsWellFormedUtf8) {
  for (const std::string text : {"", "plain", "Café", "夏", "🎶", "\xF4\x8F\xBF\xBF" /* U+10FFFF */,
                                 "\xED\x9F\xBF" /* U+D7FF */, "tab-free text with spaces"}) {
    EXPECT_TRUE(is_clean_text(text)) << text;
    EXPECT_EQ(clean_text(text), text);
  }
}

TEST(CleanText, RefusesControlsAndIllFormedUtf8) {
  for (const std::string& text :
       {"a\tb"s, "nul\0inside"s, "\x7F"s, "\xFF"s, "\xC0\xAF"s /* overlong '/' */,
        "\xE0\x80\xAF"s /* overlong */, "\xED\xA0\x80"s /* surrogate */,
        "\xF4\x90\x80\x80"s /* above U+10FFFF */, "\xE6\x97"s /* truncated */, "\x80"s}) {
    EXPECT_FALSE(is_clean_text(text)) << testing::PrintToString(text);
  }
}

TEST(CleanText, ReplacesEachBadByteWithTheReplacementCharacter) {
  EXPECT_EQ(clean_text("Mozilla\xFF/5.0\n"s), "Mozilla\uFFFD/5.0\uFFFD");
  EXPECT_EQ(clean_text("a\0b"s), "a\uFFFDb");
  EXPECT_EQ(clean_text("\xE6\x97"s), "\uFFFD\uFFFD");
  EXPECT_EQ(clean_text("ok 夏 \xC0\xAF"s), "ok 夏 \uFFFD\uFFFD");
  EXPECT_TRUE(is_clean_text(clean_text("\xF8\x88\x80\x80\x80 \x01"s)));
}

TEST(NormalizeTags, TrimsDeduplicatesAndSorts) {
  const auto tags = normalize_tags({" b ", "a", "b", "\tc\n"});

  ASSERT_TRUE(tags.has_value());
  EXPECT_EQ(*tags, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(normalize_tags({})->empty());
}

TEST(NormalizeTags, RefusesEmptyLongDirtyAndTooManyTags) {
  std::vector<std::string> many;
  for (int i = 0; i <= 50; ++i) many.push_back(std::to_string(i));
  for (const auto& tags : std::vector<std::vector<std::string>>{
           {" "}, {std::string(65, 'x')}, {"a\x01"}, {"\xFF"}, many}) {
    const auto result = normalize_tags(tags);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, ErrorCode::InvalidInput);
  }
  many.pop_back();
  EXPECT_TRUE(normalize_tags(many).has_value());
}

TEST(FoldForSearch, LowerCasesAndDropsTheAccentsOfLatinLetters) {
  EXPECT_EQ(fold_for_search("Café DEL Mar"), "cafe del mar");
  EXPECT_EQ(fold_for_search("ÀÉÎÕÜ àéîõü Ç ç Ñ ñ Ÿ ÿ"), "aeiou aeiou c c n n y y");
  EXPECT_EQ(fold_for_search("Łódź Škoda Čeština Ğ İ"), "łodz skoda cestina g i");
  EXPECT_EQ(fold_for_search("Straße"), "strasse");
}

TEST(FoldForSearch, KeepsWhatTheDecompositionKeeps) {
  // As the page's NFD fold: letters without a decomposition are only lower-cased.
  EXPECT_EQ(fold_for_search("ÆØ Þ Đ"), "æø þ đ");
  EXPECT_EQ(fold_for_search("× ÷"), "× ÷");
  EXPECT_EQ(fold_for_search("日本 Ωμέγα 🎵"), "日本 Ωμέγα 🎵");
  EXPECT_EQ(fold_for_search(""), "");
}

TEST(FoldForSearch, KeepsIllFormedBytes) {
  EXPECT_EQ(fold_for_search("A\xC3"), "a\xC3");
  EXPECT_EQ(fold_for_search("\xFF"
                            "B"),
            "\xFF"
            "b");
}

}  // namespace
}  // namespace plm::core
