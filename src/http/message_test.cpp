#include "http/message.hpp"

#include <gtest/gtest.h>

namespace plm::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlusOnlyInForms) {
  EXPECT_EQ(percent_decode("a%20b+c", /*plus_is_space=*/true), "a b c");
  EXPECT_EQ(percent_decode("a%20b+c", /*plus_is_space=*/false), "a b+c");
}

TEST(PercentDecode, KeepsInvalidEscapesVerbatim) {
  EXPECT_EQ(percent_decode("100%", true), "100%");
  EXPECT_EQ(percent_decode("%zz%4", true), "%zz%4");
}

TEST(ParseForm, KeepsOrderAndDecodes) {
  const auto fields = parse_form("q=isrc%3AUSUM7&type=track&empty=&flag");
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0], (Field{"q", "isrc:USUM7"}));
  EXPECT_EQ(fields[2], (Field{"empty", ""}));
  EXPECT_EQ(fields[3], (Field{"flag", ""}));
}

TEST(BuildQuery, RoundTripsThroughParseForm) {
  const std::vector<Field> fields{{"q", "track:\"Doxy\" é&="}, {"limit", "10"}};
  EXPECT_EQ(parse_form(build_query(fields)), fields);
}

TEST(Base64, RoundTripsEveryLength) {
  for (const std::string text : {"", "a", "ab", "abc", "abcd", "client:secret"}) {
    const auto decoded = base64_decode(base64_encode(text));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, text);
  }
  EXPECT_EQ(base64_encode("client:secret"), "Y2xpZW50OnNlY3JldA==");
}

TEST(Base64, RejectsInvalidCharacters) {
  EXPECT_FALSE(base64_decode("ab$c").has_value());
  EXPECT_FALSE(base64_decode("abc\n").has_value());
}

TEST(Request, HeaderLookupIsCaseInsensitiveButQueryIsNot) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}};
  request.query = {{"Limit", "5"}};
  EXPECT_EQ(request.header("content-type"), "application/json");
  EXPECT_FALSE(request.query_param("limit").has_value());
}

}  // namespace
}  // namespace plm::http
