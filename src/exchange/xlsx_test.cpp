#include "exchange/xlsx.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/exchange/workbook.hpp"
#include "exchange/xlsx_test_files.hpp"

namespace plm::core {
// Readable failures for the comparisons below.
void PrintTo(const Cell& cell, std::ostream* out) {
  *out << "{type " << static_cast<int>(cell.type) << ", format " << static_cast<int>(cell.format)
       << ", text \"" << cell.text << "\", number " << cell.number << ", boolean " << cell.boolean
       << ", formula " << cell.formula << "}";
}
void PrintTo(const Sheet& sheet, std::ostream* out) {
  *out << "sheet \"" << sheet.name << "\" hidden " << sheet.hidden << "\n";
  for (const auto& row : sheet.rows) {
    for (const auto& cell : row) PrintTo(cell, out);
    *out << "\n";
  }
}
void PrintTo(const Workbook& workbook, std::ostream* out) {
  for (const auto& sheet : workbook.sheets) PrintTo(sheet, out);
}
}  // namespace plm::core

namespace plm::exchange {
namespace {

using core::Cell;
using core::ErrorCode;
using core::Sheet;
using core::Workbook;
using testing::minimal_parts;
using testing::package;

Sheet sheet_of(std::string name, std::vector<std::vector<Cell>> rows) {
  Sheet sheet;
  sheet.name = std::move(name);
  sheet.rows = std::move(rows);
  return sheet;
}

Workbook workbook_of(std::vector<Sheet> sheets) {
  Workbook workbook;
  workbook.sheets = std::move(sheets);
  return workbook;
}

/// The writer hints that the reader leaves at their defaults (bold is not read back either).
Workbook without_hints(Workbook workbook) {
  for (auto& sheet : workbook.sheets) {
    for (auto& row : sheet.rows) {
      for (auto& cell : row) {
        if (cell.format == Cell::Format::Bold) cell.format = Cell::Format::General;
      }
    }
    sheet.frozen_rows = 0;
    sheet.filter_row.reset();
    sheet.column_widths.clear();
  }
  return workbook;
}

/// `read` is `written` without the writer's hints, numbers within the 15 significant digits
/// that an .xlsx file keeps (libxlsxwriter writes %.16g).
void expect_same(const Workbook& read, const Workbook& written) {
  const auto expected = without_hints(written);
  ASSERT_EQ(read.sheets.size(), expected.sheets.size());
  for (std::size_t index = 0; index < read.sheets.size(); ++index) {
    auto got = read.sheets[index];
    auto want = expected.sheets[index];
    ASSERT_EQ(got.rows.size(), want.rows.size()) << got.name;
    for (std::size_t row = 0; row < got.rows.size(); ++row) {
      ASSERT_EQ(got.rows[row].size(), want.rows[row].size()) << got.name << " row " << row;
      for (std::size_t column = 0; column < got.rows[row].size(); ++column) {
        auto& cell = got.rows[row][column];
        const auto& wanted = want.rows[row][column];
        EXPECT_NEAR(cell.number, wanted.number, 1e-14 * std::max(1.0, std::abs(wanted.number)));
        cell.number = wanted.number;
        EXPECT_EQ(cell, wanted) << got.name << " " << core::cell_reference(row, column);
      }
    }
    got.rows.clear();
    want.rows.clear();
    EXPECT_EQ(got, want);
  }
  EXPECT_EQ(read.date1904, expected.date1904);
}

Workbook round_trip(const Workbook& workbook) {
  auto bytes = write_xlsx(workbook);
  EXPECT_TRUE(bytes) << bytes.error().message << " " << bytes.error().detail;
  if (!bytes) return {};
  auto read = read_xlsx(*bytes);
  EXPECT_TRUE(read) << read.error().message << " " << read.error().detail;
  if (!read) return {};
  return std::move(read).value();
}

core::Error read_error(std::string_view bytes) {
  auto read = read_xlsx(bytes);
  EXPECT_FALSE(read) << "the file was read";
  if (read) return {};
  EXPECT_EQ(read.error().code, ErrorCode::InvalidInput) << read.error().message;
  return read.error();
}

Workbook read_parts(const testing::Parts& parts) {
  auto read = read_xlsx(package(parts));
  EXPECT_TRUE(read) << read.error().message << " " << read.error().detail;
  if (!read) return {};
  return std::move(read).value();
}

testing::Parts with_part(testing::Parts parts, std::string name, std::string content) {
  for (auto& [part, bytes] : parts) {
    if (part == name) {
      bytes = std::move(content);
      return parts;
    }
  }
  parts.emplace_back(std::move(name), std::move(content));
  return parts;
}

// --- Write, then read.

TEST(XlsxRoundTrip, EveryCellTypeAndFormat) {
  auto sheet = sheet_of(
      "Tracks",
      {{Cell::of_text("Title", Cell::Format::Bold), Cell::of_text("Duration", Cell::Format::Bold),
        Cell::of_text("Added", Cell::Format::Bold)},
       {Cell::of_text("Song"), Cell::of_duration_ms(205'000), Cell::of_unix_seconds(1'709'208'000),
        Cell::of_unix_seconds(1'709'164'800, Cell::Format::Date), Cell::of_number(-3.25),
        Cell::of_boolean(true), Cell::of_boolean(false),
        Cell::of_text("https://open.spotify.com/playlist/abc", Cell::Format::Hyperlink)},
       {},
       {Cell::empty(), Cell::of_number(42), Cell::empty(), Cell::of_duration_ms(3'723'000)}});
  sheet.frozen_rows = 1;
  sheet.filter_row = 0;
  sheet.column_widths = {30, 0, 12.5};
  const auto written = workbook_of({sheet, sheet_of("Second", {{Cell::of_text("x")}})});

  const auto read = round_trip(written);
  expect_same(read, written);
  EXPECT_FALSE(read.date1904);
  ASSERT_EQ(read.sheets.size(), 2u);
  EXPECT_EQ(read.sheets[0].rows[1][2].type, Cell::Type::DateTime);
  EXPECT_EQ(core::unix_seconds_from_serial(read.sheets[0].rows[1][2].number), 1'709'208'000);
  EXPECT_EQ(read.sheets[0].rows[1][1].format, Cell::Format::Duration);
  EXPECT_EQ(read.sheets[0].rows[3][3].format, Cell::Format::Duration);  // past an hour
}

TEST(XlsxRoundTrip, TextOfEveryKind) {
  const std::vector<std::string> texts = {"東京事変 – 群青日和",
                                          "🎵🎶 emoji",
                                          R"(&<>"' in XML)",
                                          "  spaces kept  ",
                                          " ",
                                          "line\nbreak",
                                          "tab\tinside",
                                          "=SUM(A1:A2)",
                                          "+1 555",
                                          "-minus",
                                          "@mention",
                                          "'quoted",
                                          "ends with a space "};
  std::vector<std::vector<Cell>> rows;
  for (const auto& text : texts) rows.push_back({Cell::of_text(text)});
  auto read = round_trip(workbook_of({sheet_of("Texts", rows)}));
  ASSERT_EQ(read.sheets.size(), 1u);
  ASSERT_EQ(read.sheets[0].rows.size(), texts.size());
  for (std::size_t row = 0; row < texts.size(); ++row) {
    EXPECT_EQ(read.sheets[0].rows[row][0].text, texts[row]);
    EXPECT_FALSE(read.sheets[0].rows[row][0].formula);
  }
}

TEST(XlsxRoundTrip, CjkAndEmojiSheetNamesAndTheLongestText) {
  const std::string longest(core::kMaxCellBytes, 'x');
  const auto written = workbook_of({sheet_of("プレイリスト 🎧", {{Cell::of_text(longest)}}),
                                    sheet_of(std::string(31, 'n'), {{Cell::of_number(1)}})});
  expect_same(round_trip(written), written);
}

TEST(XlsxRoundTrip, ManyLinksAndLongUrlsBecomeText) {
  const std::string long_url = "https://example.com/" + std::string(2'100, 'a');
  const auto written = workbook_of({sheet_of(
      "Links", {{Cell::of_text(long_url, Cell::Format::Hyperlink),
                 Cell::of_text("not a url", Cell::Format::Hyperlink),
                 Cell::of_text("https://open.spotify.com/track/1", Cell::Format::Hyperlink)}})});
  const auto read = round_trip(written);
  ASSERT_EQ(read.sheets.size(), 1u);
  EXPECT_EQ(read.sheets[0].rows[0][0], Cell::of_text(long_url));
  EXPECT_EQ(read.sheets[0].rows[0][1], Cell::of_text("not a url"));
  EXPECT_EQ(read.sheets[0].rows[0][2].format, Cell::Format::Hyperlink);
}

TEST(XlsxWrite, RefusesWhatExcelWouldRefuse) {
  const auto refused = [](Workbook workbook, std::string_view fragment) {
    auto bytes = write_xlsx(workbook);
    ASSERT_FALSE(bytes);
    EXPECT_EQ(bytes.error().code, ErrorCode::InvalidInput);
    EXPECT_NE(bytes.error().message.find(fragment), std::string::npos) << bytes.error().message;
  };
  refused(Workbook{}, "at least one sheet");
  refused(workbook_of({sheet_of("", {})}), "no name");
  refused(workbook_of({sheet_of(std::string(32, 'a'), {})}), "longer than 31");
  refused(workbook_of({sheet_of("a/b", {})}), "[ ] : * ? / \\");
  refused(workbook_of({sheet_of("'quoted'", {})}), "apostrophe");
  refused(workbook_of({sheet_of("History", {})}), "reserved");
  refused(workbook_of({sheet_of("Same", {}), sheet_of("sAME", {})}), "two sheets");
  refused(workbook_of({sheet_of("Été", {}), sheet_of("éTÉ", {})}), "two sheets");
  // Excel counts UTF-16 code units: 30 letters and an emoji are 32.
  refused(workbook_of({sheet_of(std::string(30, 'a') + "🎧", {})}), "longer than 31");
  refused(
      workbook_of({sheet_of("A", {{Cell::of_text(std::string(core::kMaxCellBytes + 1, 'x'))}})}),
      "more than 32767 bytes");
  refused(workbook_of({sheet_of("A", {{Cell::of_text("\xff\xfe")}})}), "not UTF-8");
  refused(
      workbook_of({sheet_of("A", {{Cell::of_number(std::numeric_limits<double>::infinity())}})}),
      "not finite");
}

// --- Files made by hand: what other programs write.

TEST(XlsxRead, SharedStringsRichTextStylesAndAbsoluteTargets) {
  auto parts = minimal_parts({{"Data",
                               "<sheetData><row r=\"1\">"
                               "<c r=\"A1\" t=\"s\"><v>0</v></c>"
                               "<c r=\"B1\" t=\"s\"><v>1</v></c>"
                               "<c r=\"C1\" s=\"1\"><v>45351.5</v></c>"
                               "<c r=\"D1\" s=\"2\"><v>45351</v></c>"
                               "<c r=\"E1\" s=\"3\"><v>0.0023726851851851851</v></c>"
                               "<c r=\"F1\" s=\"4\"><v>0.5</v></c>"
                               "<c r=\"G1\" s=\"5\"><v>7</v></c>"
                               "<c r=\"H1\" s=\"6\"><v>0.25</v></c>"
                               "<c r=\"I1\" s=\"7\"><v>1.5</v></c>"
                               "<c r=\"J1\" s=\"8\"><v>2.5</v></c>"
                               "</row></sheetData>"}});
  // openpyxl's absolute targets.
  parts = with_part(parts, "xl/_rels/workbook.xml.rels",
                    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/"
                    "relationships\"><Relationship Id=\"rId1\" Type=\"http://x/worksheet\" "
                    "Target=\"/xl/worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" "
                    "Type=\"http://x/sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>"
                    "<Relationship Id=\"rId3\" Type=\"http://x/styles\" "
                    "Target=\"styles.xml\"/></Relationships>");
  parts.emplace_back("xl/sharedStrings.xml",
                     "<sst xmlns=\"m\"><si><t xml:space=\"preserve\"> plain_x000D_ </t></si>"
                     "<si><r><rPr><b/></rPr><t>rich </t></r><r><t>text</t></r>"
                     "<rPh><t>ignored</t></rPh></si></sst>");
  parts.emplace_back("xl/styles.xml",
                     "<styleSheet xmlns=\"m\"><numFmts count=\"3\">"
                     "<numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\\ hh:mm\"/>"
                     "<numFmt numFmtId=\"165\" formatCode=\"[h]:mm:ss\"/>"
                     "<numFmt numFmtId=\"166\" formatCode=\"&quot;days&quot; 0\"/>"
                     // LibreOffice writes General as a custom format.
                     "<numFmt numFmtId=\"167\" formatCode=\"General\"/>"
                     "<numFmt numFmtId=\"168\" formatCode=\"0.00E+00\"/>"
                     "</numFmts><cellXfs count=\"9\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/>"
                     "<xf numFmtId=\"14\"/><xf numFmtId=\"45\"/><xf numFmtId=\"165\"/>"
                     "<xf numFmtId=\"166\"/><xf numFmtId=\"20\"/><xf numFmtId=\"167\"/>"
                     "<xf numFmtId=\"168\"/></cellXfs></styleSheet>");
  const auto read = read_parts(parts);
  ASSERT_EQ(read.sheets.size(), 1u);
  const auto& row = read.sheets[0].rows.at(0);
  ASSERT_EQ(row.size(), 10u);
  EXPECT_EQ(row[0], Cell::of_text(" plain\r "));
  EXPECT_EQ(row[1], Cell::of_text("rich text"));
  EXPECT_EQ(row[2].type, Cell::Type::DateTime);
  EXPECT_EQ(row[2].format, Cell::Format::DateTime);
  EXPECT_EQ(row[3].type, Cell::Type::DateTime);
  EXPECT_EQ(row[3].format, Cell::Format::Date);
  EXPECT_EQ(row[4].type, Cell::Type::Number);
  EXPECT_EQ(row[4].format, Cell::Format::Duration);
  EXPECT_EQ(row[5].format, Cell::Format::Duration);
  EXPECT_EQ(row[6], Cell::of_number(7));         // quoted "d" is no date
  EXPECT_EQ(row[7].type, Cell::Type::DateTime);  // h:mm, a time of day
  EXPECT_EQ(row[8], Cell::of_number(1.5));
  EXPECT_EQ(row[9], Cell::of_number(2.5));
}

TEST(XlsxRead, InlineStringsFormulasErrorsAndCellsWithoutReferences) {
  const auto read = read_parts(
      minimal_parts({{"Data",
                      "<sheetData><row>"
                      "<c t=\"inlineStr\"><is><r><t>in</t></r><r><t>line</t></r></is></c>"
                      "<c t=\"str\"><f>A1&amp;\"!\"</f><v>inline!</v></c>"
                      "<c><f t=\"shared\" ref=\"C1:C2\" si=\"0\">1+1</f><v>2</v></c>"
                      "<c t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
                      "<c t=\"b\"><f aca=\"false\">TRUE()</f><v>1</v></c>"
                      "<c s=\"3\"/><c><f>1+1</f><v></v></c>"
                      "</row><row><c r=\"C2\"><f t=\"shared\" si=\"0\"/><v>2</v></c></row>"
                      "<row r=\"5\"><c r=\"B5\" t=\"n\"><v>1e3</v></c></row></sheetData>"}}));
  ASSERT_EQ(read.sheets.size(), 1u);
  const auto& rows = read.sheets[0].rows;
  ASSERT_EQ(rows.size(), 5u);
  ASSERT_EQ(rows[0].size(), 5u);  // the styled blank and openpyxl's uncached formula dropped
  EXPECT_EQ(rows[0][0], Cell::of_text("inline"));
  EXPECT_EQ(rows[0][1].text, "inline!");
  EXPECT_TRUE(rows[0][1].formula);
  EXPECT_EQ(rows[0][2].number, 2);
  EXPECT_TRUE(rows[0][2].formula);
  EXPECT_EQ(rows[0][3].type, Cell::Type::Error);
  EXPECT_EQ(rows[0][3].text, "#DIV/0!");
  EXPECT_EQ(rows[0][4], Cell::of_boolean(true));  // LibreOffice's TRUE() is no formula
  ASSERT_EQ(rows[1].size(), 3u);
  EXPECT_TRUE(rows[1][0].is_empty());
  EXPECT_TRUE(rows[1][2].formula);
  EXPECT_TRUE(rows[2].empty());
  EXPECT_EQ(rows[4][1], Cell::of_number(1000));
}

TEST(XlsxRead, HiddenSheetsMergedCellsHyperlinksAnd1904Dates) {
  auto parts = minimal_parts(
      {{"Visible",
        "<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Listen</t></is></c>"
        "<c r=\"B1\" t=\"inlineStr\"><is><t>Jump</t></is></c><c r=\"C1\" s=\"1\"><v>0</v></c>"
        "</row></sheetData><mergeCells count=\"1\"><mergeCell ref=\"A3:C4\"/></mergeCells>"
        "<hyperlinks><hyperlink ref=\"A1\" r:id=\"rId1\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"/>"
        "<hyperlink ref=\"B1\" location=\"'Hidden'!A1\"/></hyperlinks>"},
       {"Hidden", ""},
       {"VeryHidden", ""}},
      "<workbookPr date1904=\"1\"/>");
  auto& workbook_xml = parts[1].second;
  workbook_xml.replace(workbook_xml.find("sheetId=\"2\""), 11, "sheetId=\"2\" state=\"hidden\"");
  workbook_xml.replace(workbook_xml.find("sheetId=\"3\""), 11,
                       "sheetId=\"3\" state=\"veryHidden\"");
  parts.emplace_back("xl/worksheets/_rels/sheet1.xml.rels",
                     "<Relationships xmlns=\"p\"><Relationship Id=\"rId1\" Type=\"http://x/"
                     "hyperlink\" Target=\"https://open.spotify.com/track/1\" "
                     "TargetMode=\"External\"/></Relationships>");
  parts.emplace_back("xl/styles.xml",
                     "<styleSheet><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>"
                     "</styleSheet>");
  parts[2].second.replace(
      parts[2].second.find("</Relationships>"), 0,
      "<Relationship Id=\"rS\" Type=\"http://x/styles\" Target=\"styles.xml\"/>");
  const auto read = read_parts(parts);
  ASSERT_EQ(read.sheets.size(), 3u);
  EXPECT_TRUE(read.date1904);
  EXPECT_FALSE(read.sheets[0].hidden);
  EXPECT_TRUE(read.sheets[1].hidden);
  EXPECT_TRUE(read.sheets[2].hidden);
  ASSERT_EQ(read.sheets[0].merged.size(), 1u);
  EXPECT_EQ(read.sheets[0].merged[0], (core::MergedRange{2, 0, 3, 2}));
  const auto& row = read.sheets[0].rows.at(0);
  EXPECT_EQ(row[0], Cell::of_text("Listen", Cell::Format::Hyperlink));
  EXPECT_EQ(row[1], Cell::of_text("Jump", Cell::Format::Hyperlink));
  // Day 0 of the 1904 system is 1904-01-01.
  EXPECT_EQ(row[2].type, Cell::Type::DateTime);
  EXPECT_EQ(core::unix_seconds_from_serial(row[2].number), -2'082'844'800);
}

TEST(XlsxRead, PrefixedElementsAndMissingPackageRelationships) {
  auto parts = minimal_parts({{"S", ""}});
  parts.erase(parts.begin());  // no _rels/.rels: xl/workbook.xml is found anyway
  parts.back().second =
      "<x:worksheet xmlns:x=\"m\"><x:sheetData><x:row><x:c><x:v>5</x:v></x:c></x:row>"
      "</x:sheetData></x:worksheet>";
  const auto read = read_parts(parts);
  ASSERT_EQ(read.sheets.size(), 1u);
  EXPECT_EQ(read.sheets[0].rows.at(0).at(0), Cell::of_number(5));
}

// --- Bad files.

void expect_message(std::string_view bytes, std::string_view fragment) {
  const auto error = read_error(bytes);
  EXPECT_NE(error.message.find(fragment), std::string::npos) << error.message;
}

TEST(XlsxBadFiles, EmptyNotAZipAndTooLarge) {
  expect_message("", "the file is empty");
  expect_message("name,artist\nx,y\n", "not an .xlsx workbook (not a zip archive)");
  expect_message(std::string(core::kMaxImportFileBytes + 1, 'x'), "larger than 20 MB");
  expect_message(package({{"word/document.xml", "<document/>"}}), "no workbook part");
}

TEST(XlsxBadFiles, TruncatedAtAnyPoint) {
  const auto good = write_xlsx(workbook_of({sheet_of("A", {{Cell::of_text("x")}})}));
  ASSERT_TRUE(good);
  for (const double fraction : {0.1, 0.3, 0.5, 0.7, 0.9, 0.99}) {
    const auto cut = good->substr(0, static_cast<std::size_t>(good->size() * fraction));
    const auto error = read_error(cut);
    EXPECT_TRUE(error.message == "the file is not an .xlsx workbook (not a zip archive)" ||
                error.message == "the file is damaged: its zip archive is truncated or corrupt")
        << fraction << ": " << error.message;
  }
}

TEST(XlsxBadFiles, CorruptEntry) {
  auto parts = minimal_parts({{"S", testing::rows_body(200)}});
  auto bytes = package(parts);
  // Flip bytes inside the sheet's deflated data (the last local entry, before the directory).
  const auto directory = bytes.find("PK\x01\x02");
  ASSERT_NE(directory, std::string::npos);
  for (std::size_t at = directory - 200; at < directory - 100; at += 7) bytes[at] ^= 0x5A;
  const auto error = read_error(bytes);
  EXPECT_NE(error.message.find("damaged"), std::string::npos) << error.message;
}

TEST(XlsxBadFiles, ZipBombs) {
  // How fast a bomb is refused is bench/xlsx.sh's to measure; here: refused, with the reason.
  const auto bomb = testing::zip_bomb(core::kMaxUncompressedBytes + 1);
  EXPECT_LT(bomb.size(), 2'000'000u);
  expect_message(bomb, "would unpack to more than 200 MB");
  // A bomb whose headers claim 1,000 bytes is stopped once it unpacks past them.
  const auto lying =
      read_error(testing::with_declared_size(bomb, "xl/worksheets/sheet1.xml", 1'000));
  EXPECT_EQ(lying.message,
            "the file is damaged: its part “xl/worksheets/sheet1.xml” cannot be unpacked");
  EXPECT_NE(lying.detail.find("more than the 1000 bytes its header declares"), std::string::npos)
      << lying.detail;
}

TEST(XlsxBadFiles, PartWhoseXmlTreeWouldTakeTooMuchMemory) {
  // 40 MB of tiny elements, under the 200 MB limit, would be a tree of about 400 MB.
  const auto error = read_error(testing::zip_bomb(40 * 1024 * 1024));
  EXPECT_EQ(error.message,
            "the workbook is too large to read: its part “xl/worksheets/sheet1.xml” would take "
            "more than 256 MB of memory");
  // The budget is given back: a small workbook reads afterwards.
  EXPECT_TRUE(read_xlsx(package(minimal_parts({{"S", testing::rows_body(3)}}))));
}

TEST(XlsxBadFiles, XmlBomb) { expect_message(testing::xml_bomb(), "DOCTYPE"); }

TEST(XlsxBadFiles, NotWellFormedXml) {
  expect_message(package(minimal_parts({{"S", "<sheetData><row>"}})), "not well-formed XML");
}

TEST(XlsxBadFiles, TooManyRowsColumnsAndSheets) {
  expect_message(package(minimal_parts({{"Long", testing::rows_body(core::kMaxRows + 1)}})),
                 "sheet “Long” has more than 20,000 rows");
  expect_message(package(minimal_parts(
                     {{"Wide", "<sheetData><row><c r=\"" + core::column_letters(core::kMaxColumns) +
                                   "1\"><v>1</v></c></row></sheetData>"}})),
                 "sheet “Wide” has more than 200 columns");
  std::vector<std::pair<std::string, std::string>> sheets;
  for (std::size_t index = 0; index <= core::kMaxSheets; ++index) {
    sheets.emplace_back("S" + std::to_string(index), "");
  }
  // The sheets are counted before any is read: their parts can be left out.
  auto parts = minimal_parts(sheets);
  parts.resize(3);
  expect_message(package(parts), "more than 2,000 sheets");
}

// At full scale (5 million cells, about 300 MB): the release suite runs it, not the ASan one
// (scripts/test.sh).
TEST(XlsxBadFiles, TooManyCellsAtFullScale) {
  // Each row filled to its last column counts: 2 sheets of 12,501 rows x 200 columns.
  std::string body = "<sheetData>";
  const std::string last_column = core::column_letters(core::kMaxColumns - 1);
  for (int row = 1; row <= 12'501; ++row) {
    body += "<row><c r=\"" + last_column + std::to_string(row) + "\"><v>1</v></c></row>";
  }
  body += "</sheetData>";
  expect_message(package(minimal_parts({{"One", body}, {"Two", body}})),
                 "more than 5,000,000 cells");
}

TEST(XlsxBadFiles, CellOverTheLimit) {
  expect_message(package(minimal_parts({{"S", "<sheetData><row><c t=\"inlineStr\"><is><t>" +
                                                  std::string(core::kMaxCellBytes + 1, 'x') +
                                                  "</t></is></c></row></sheetData>"}})),
                 "sheet “S” cell A1 holds more than 32,767 bytes");
}

TEST(XlsxBadFiles, DuplicateNamesNoSheetsAndMissingParts) {
  expect_message(package(minimal_parts({{"Chill", ""}, {"CHILL", ""}})),
                 "two sheets named “CHILL”");
  expect_message(package(minimal_parts({{"Ünïcode", ""}, {"üNÏCODE", ""}})),
                 "two sheets named “üNÏCODE”");
  expect_message(package(minimal_parts({})), "has no sheets");
  auto parts = minimal_parts({{"Gone", ""}});
  parts.pop_back();
  expect_message(package(parts), "sheet “Gone” has no part");
  auto unlinked = minimal_parts({{"Gone", ""}});
  unlinked[2].second = "<Relationships/>";
  expect_message(package(unlinked), "sheet “Gone” has no part");
}

TEST(XlsxBadFiles, BadReferencesAndValues) {
  expect_message(package(minimal_parts({{"S",
                                         "<sheetData><row><c r=\"A0\"><v>1</v></c></row>"
                                         "</sheetData>"}})),
                 "outside Excel's grid");
  expect_message(package(minimal_parts({{"S",
                                         "<sheetData><row><c t=\"s\"><v>3</v></c></row>"
                                         "</sheetData>"}})),
                 "shared string that does not exist");
  expect_message(package(minimal_parts({{"S",
                                         "<sheetData><row><c><v>abc</v></c></row>"
                                         "</sheetData>"}})),
                 "not a number");
}

// --- Zip archives.

TEST(Zip, RoundTripInOrderSkippingDirectories) {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"b.csv", "x,y\r\n"}, {"a/Ünïcode 東京.csv", std::string(100'000, 'z')}, {"empty", ""}};
  auto bytes = write_zip(files);
  ASSERT_TRUE(bytes);
  EXPECT_LT(bytes->size(), 2'000u);  // deflated
  auto read = read_zip(*bytes);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(*read, files);
}

TEST(Zip, BadArchives) {
  auto read = read_zip("not a zip");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::InvalidInput);
  EXPECT_EQ(read.error().message, "the file is not a zip archive");
}

}  // namespace
}  // namespace plm::exchange
