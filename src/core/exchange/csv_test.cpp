#include "core/exchange/csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace plm::core {
namespace {

using Rows = std::vector<CsvRow>;

Rows read_ok(std::string_view text) {
  auto rows = read_csv(text);
  EXPECT_TRUE(rows.has_value()) << (rows ? "" : rows.error().message);
  return rows ? *rows : Rows{};
}

std::string read_error(std::string_view text) {
  auto rows = read_csv(text);
  EXPECT_FALSE(rows.has_value());
  if (rows) return "";
  EXPECT_EQ(rows.error().code, ErrorCode::InvalidInput);
  return rows.error().message;
}

TEST(CsvRead, ReadsFieldsQuotesAndLineEnds) {
  EXPECT_EQ(read_ok("a,b,c\n1,2,3\n"), (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_EQ(read_ok("a,b\r\n1,2\r\n"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(read_ok("a,b\r1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(read_ok("\"a,1\",\"say \"\"hi\"\"\",\"\"\n"), (Rows{{"a,1", "say \"hi\"", ""}}));
  EXPECT_EQ(read_ok("a,,c,\n"), (Rows{{"a", "", "c", ""}}));
  EXPECT_EQ(read_ok("a,"), (Rows{{"a", ""}}));
}

TEST(CsvRead, KeepsLineBreaksInsideQuotesAsNewlines) {
  EXPECT_EQ(read_ok("\"one\r\ntwo\rthree\nfour\",x\r\nnext,y\r\n"),
            (Rows{{"one\ntwo\nthree\nfour", "x"}, {"next", "y"}}));
}

TEST(CsvRead, DropsTheByteOrderMarkAndTheTrailingEmptyLineOnly) {
  EXPECT_EQ(read_ok("\xEF\xBB\xBFTitle,Artist\nSong,Band\n"),
            (Rows{{"Title", "Artist"}, {"Song", "Band"}}));
  EXPECT_EQ(read_ok("a\n\nb\n"), (Rows{{"a"}, {""}, {"b"}}));
  EXPECT_EQ(read_ok(""), Rows{});
  EXPECT_EQ(read_ok("\xEF\xBB\xBF"), Rows{});
}

TEST(CsvRead, KeepsStrayQuotesAsSpreadsheetsDo) {
  EXPECT_EQ(read_ok("5\" single,\"a\"b\n"), (Rows{{"5\" single", "ab"}}));
}

TEST(CsvRead, DetectsSemicolonsAndTabsWhenTheFirstLineHasNoComma) {
  EXPECT_EQ(read_ok("Title;Artist\nA, B;C\n"), (Rows{{"Title", "Artist"}, {"A, B", "C"}}));
  EXPECT_EQ(read_ok("Title\tArtist\nA;B\tC\n"), (Rows{{"Title", "Artist"}, {"A;B", "C"}}));
  // A comma outside quotes on the first line wins; one inside quotes does not count.
  EXPECT_EQ(read_ok("Title,Artist;x\n"), (Rows{{"Title", "Artist;x"}}));
  EXPECT_EQ(read_ok("\"a,b\";c\n"), (Rows{{"a,b", "c"}}));
  EXPECT_EQ(read_ok("a;b\tc;d\n"), (Rows{{"a", "b\tc", "d"}}));
  EXPECT_EQ(read_ok("Title\n"), (Rows{{"Title"}}));
}

TEST(CsvRead, TakesTheSeparatorExcelsSepLineNames) {
  EXPECT_EQ(read_ok("sep=;\r\nTitle;Artist, feat.\r\nA;B\r\n"),
            (Rows{{"Title", "Artist, feat."}, {"A", "B"}}));
  EXPECT_EQ(read_ok("\xEF\xBB\xBFsep=,\nTitle;x,Artist\n"), (Rows{{"Title;x", "Artist"}}));
  EXPECT_EQ(read_ok("sep=\t"), Rows{});
  EXPECT_EQ(read_ok("sep=;x\n"), (Rows{{"sep=", "x"}}));  // not a sep line
  // Lines are still counted from the top of the file.
  EXPECT_EQ(read_error("sep=;\na;\"b\n"),
            "line 2 of the CSV file: a quoted field is never closed (a \" is missing)");
}

TEST(CsvRead, NamesTheLineOfAnUnterminatedQuote) {
  const std::string message = read_error("a,b\nc,d\n\"open\nstill open\n");
  EXPECT_EQ(message, "line 3 of the CSV file: a quoted field is never closed (a \" is missing)");
}

TEST(CsvRead, NamesTheLineOfTextThatIsNotUtf8) {
  EXPECT_EQ(read_error("a\r\n\"b\nc\"\r\nd\xE9t\xE9\n"),
            "line 4 of the CSV file: the text is not UTF-8 (save the file as \"CSV UTF-8\" and "
            "try again)");
  read_error("\xC0\xAF");      // an overlong "/"
  read_error("\xED\xA0\x80");  // a surrogate
  read_error("caf\xC3");       // cut in the middle of a character
  EXPECT_EQ(read_ok("caf\xC3\xA9,\xF0\x9F\x8E\xB5"), (Rows{{"caf\xC3\xA9", "\xF0\x9F\x8E\xB5"}}));
}

TEST(CsvRead, EnforcesTheWorkbookLimits) {
  std::string rows;
  for (std::size_t i = 0; i <= kMaxRows; ++i) rows += "x\n";
  EXPECT_EQ(read_error(rows), "the CSV file has more than 20,000 rows");
  rows.resize(rows.size() - 2);  // exactly kMaxRows
  EXPECT_EQ(read_ok(rows).size(), kMaxRows);

  std::string wide(kMaxColumns, ',');  // kMaxColumns + 1 fields
  EXPECT_EQ(read_error("a\n" + wide + "\n"),
            "line 2 of the CSV file: the row has more than 200 columns");
  EXPECT_EQ(read_ok(wide.substr(1))[0].size(), kMaxColumns);

  const std::string long_cell(kMaxCellBytes + 1, 'x');
  EXPECT_EQ(read_error("a\n\"" + long_cell + "\""),
            "line 2 of the CSV file: a field is longer than 32,767 bytes (the most a spreadsheet "
            "cell holds)");
  EXPECT_EQ(read_ok(long_cell.substr(1))[0][0].size(), kMaxCellBytes);
}

TEST(CsvSheet, MakesTextCellsAndDropsTrailingEmptiness) {
  auto sheet = sheet_from_csv("Title,Artist,\nSong,,x\n,,\n\n", "Chill");
  ASSERT_TRUE(sheet.has_value());
  EXPECT_EQ(sheet->name, "Chill");
  ASSERT_EQ(sheet->rows.size(), 2u);
  EXPECT_EQ(sheet->rows[0], (std::vector<Cell>{Cell::of_text("Title"), Cell::of_text("Artist")}));
  EXPECT_EQ(sheet->rows[1],
            (std::vector<Cell>{Cell::of_text("Song"), Cell::empty(), Cell::of_text("x")}));

  auto gap = sheet_from_csv("a\n\nb", "s");
  ASSERT_TRUE(gap.has_value());
  ASSERT_EQ(gap->rows.size(), 3u);  // the empty line keeps its row number
  EXPECT_TRUE(gap->rows[1].empty());

  EXPECT_FALSE(sheet_from_csv("\"open", "s").has_value());
}

TEST(CsvWrite, QuotesOnlyWhatNeedsItAndEndsLinesWithCrLf) {
  EXPECT_EQ(write_csv({{"a", "b c", ""}, {"x,y", "say \"hi\"", "two\nlines", "cr\r"}}),
            "a,b c,\r\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n");
  EXPECT_EQ(write_csv({}), "");
}

TEST(CsvWrite, RoundTripsThroughTheReader) {
  const Rows rows{{"Track URI", "Track Name", "Artist Name(s)"},
                  {"spotify:track:1", "Hello, \"World\"", "A\\, B, C"},
                  {"", "multi\nline", "caf\xC3\xA9 \xF0\x9F\x8E\xB5"},
                  {"'=1+1", "", "-3"}};
  EXPECT_EQ(read_ok(write_csv(rows)), rows);
}

TEST(Neutralise, PrefixesWhatASpreadsheetWouldRun) {
  EXPECT_EQ(neutralise_formula("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(neutralise_formula("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
  EXPECT_EQ(neutralise_formula("-2+3"), "'-2+3");
  EXPECT_EQ(neutralise_formula("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(neutralise_formula("\t=1"), "'\t=1");
  EXPECT_EQ(neutralise_formula("\r=1"), "'\r=1");
  EXPECT_EQ(neutralise_formula("- Intro"), "'- Intro");
  EXPECT_EQ(neutralise_formula("+44 20 7946 0958"), "'+44 20 7946 0958");
  EXPECT_EQ(neutralise_formula("-"), "'-");
  EXPECT_EQ(neutralise_formula("-1e"), "'-1e");
  EXPECT_EQ(neutralise_formula("--3"), "'--3");
}

TEST(Neutralise, LeavesPlainNumbersAndOrdinaryTextAlone) {
  for (const char* text : {"-3", "+3", "-3.25", "-.5", "+1e5", "-1E-3", "-12.", "Song", "", "a=b",
                           " =1", "1-2", "'quoted", "spotify:track:1"}) {
    EXPECT_EQ(neutralise_formula(text), text) << text;
  }
}

TEST(Neutralise, EscapesExistingApostrophesSoRestoreIsItsInverse) {
  EXPECT_EQ(neutralise_formula("'=A1"), "''=A1");
  EXPECT_EQ(neutralise_formula("'-3"), "''-3");
  EXPECT_EQ(restore_neutralised("'=A1"), "=A1");
  EXPECT_EQ(restore_neutralised("''=A1"), "'=A1");
  EXPECT_EQ(restore_neutralised("'-3"), "-3");
  EXPECT_EQ(restore_neutralised("'quoted"), "'quoted");
  EXPECT_EQ(restore_neutralised("'"), "'");
  EXPECT_EQ(restore_neutralised("=A1"), "=A1");

  const std::string alphabet = "'=+-@\t\r3.ea ";
  // Every text of up to four characters from that alphabet: 12^4 + … ≈ 22,000 cases.
  std::vector<std::string> texts{""};
  for (int length = 1; length <= 4; ++length) {
    std::vector<std::string> longer;
    for (const std::string& text : texts) {
      if (text.size() + 1 != static_cast<std::size_t>(length)) continue;
      for (const char c : alphabet) longer.push_back(text + c);
    }
    for (const std::string& text : longer) {
      const std::string written = neutralise_formula(text);
      ASSERT_EQ(restore_neutralised(written), text) << "[" << text << "]";
      const std::size_t first = written.find_first_not_of('\'');
      const bool formula_like = !written.empty() && first == 0 &&
                                std::string("=+-@\t\r").find(written[0]) != std::string::npos;
      if (formula_like) {
        // Only plain numbers may start like a formula once written.
        EXPECT_TRUE(written == "-3" || written.find_first_not_of("+-3.e") == std::string::npos)
            << "[" << written << "]";
      }
    }
    texts.insert(texts.end(), longer.begin(), longer.end());
  }
}

}  // namespace
}  // namespace plm::core
