#include "catalog/csv.hpp"

#include <gtest/gtest.h>

namespace spotify_emulator {
namespace {

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, ReadsPlainRows) {
  EXPECT_EQ(parse_csv("a,b,c\n1,2,3\n"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
}

TEST(CsvReader, HandlesQuotesDoubledQuotesCommasAndNewlines) {
  const Rows rows = parse_csv("\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\"\n");

  EXPECT_EQ(rows, (Rows{{"x, y", "say \"hi\"", "line1\nline2"}}));
}

TEST(CsvReader, HandlesCrlfBomAndMissingFinalNewline) {
  EXPECT_EQ(parse_csv("\xEF\xBB\xBFh1,h2\r\nv1,\"v2\"\r\nv3,v4"),
            (Rows{{"h1", "h2"}, {"v1", "v2"}, {"v3", "v4"}}));
}

TEST(CsvReader, KeepsEmptyFieldsAndEmptyQuotedFields) {
  EXPECT_EQ(parse_csv(",\"\",\n"), (Rows{{"", "", ""}}));
}

TEST(CsvReader, ReportsLineNumbersAcrossEmbeddedNewlines) {
  CsvReader reader("h\n\"a\nb\"\nc\n");
  std::vector<std::string> row;

  reader.next_row(row);
  reader.next_row(row);
  reader.next_row(row);

  EXPECT_EQ(row, std::vector<std::string>{"c"});
  EXPECT_EQ(reader.last_row_line(), 4u);
}

TEST(CsvReader, MarksUnterminatedQuoteAsMalformed) {
  CsvReader reader("a,\"open\nmore");
  std::vector<std::string> row;

  ASSERT_TRUE(reader.next_row(row));

  EXPECT_TRUE(reader.last_row_malformed());
  EXPECT_FALSE(reader.next_row(row));
}

TEST(CsvReader, KeepsStrayQuotesInUnquotedFieldsLiterally) {
  EXPECT_EQ(parse_csv("12\" single,b\n"), (Rows{{"12\" single", "b"}}));
}

}  // namespace
}  // namespace spotify_emulator
