// plm_xlsx_fuzz_seeds DIR: writes the seed corpus of the read_xlsx fuzzer (tests/fuzz/
// xlsx_read_fuzz.sh) into DIR: workbooks from write_xlsx and hand-built ones with the features
// only other programs write (shared strings, rich text, styles, hyperlinks, merged cells, hidden
// sheets, absolute targets, the 1904 system). Generated at run time, so no binary is committed.

#include <cstdio>
#include <fstream>
#include <string>

#include "core/exchange/workbook.hpp"
#include "exchange/xlsx.hpp"
#include "exchange/xlsx_read_fuzz.hpp"
#include "exchange/xlsx_test_files.hpp"

namespace {

using plm::core::Cell;
namespace files = plm::exchange::testing;

bool save(const std::string& directory, const std::string& name, const std::string& bytes) {
  std::ofstream out(directory + "/" + name, std::ios::binary);
  out << bytes;
  return static_cast<bool>(out);
}

std::string written_workbook() {
  plm::core::Workbook workbook;
  plm::core::Sheet sheet;
  sheet.name = "Tracks";
  sheet.rows = {{Cell::of_text("Title", Cell::Format::Bold), Cell::of_text("Duration")},
                {Cell::of_text("東京 🎵 &<>\""), Cell::of_duration_ms(205'000),
                 Cell::of_unix_seconds(1'709'208'000), Cell::of_unix_seconds(0, Cell::Format::Date),
                 Cell::of_boolean(true), Cell::of_number(-1.5),
                 Cell::of_text("https://open.spotify.com/track/x", Cell::Format::Hyperlink)}};
  sheet.frozen_rows = 1;
  sheet.filter_row = 0;
  sheet.column_widths = {20, 10};
  workbook.sheets.push_back(sheet);
  sheet.name = "Second";
  workbook.sheets.push_back(sheet);
  auto bytes = plm::exchange::write_xlsx(workbook);
  if (!bytes) {
    std::fprintf(stderr, "plm_xlsx_fuzz_seeds: %s\n", bytes.error().message.c_str());
    std::exit(1);
  }
  return *bytes;
}

files::Parts hand_built_parts() {
  auto parts = files::minimal_parts(
      {{"Data",
        "<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>45351.5"
        "</v></c><c r=\"C1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row><row><c t=\"inlineStr\">"
        "<is><r><t>in</t></r><r><t>line</t></r></is></c><c t=\"b\"><v>1</v></c><c t=\"str\"><f>"
        "A1</f><v>x</v></c></row></sheetData><mergeCells><mergeCell ref=\"A3:B4\"/></mergeCells>"
        "<hyperlinks><hyperlink ref=\"A1\" r:id=\"rId1\" xmlns:r=\"http://schemas.openxmlformats"
        ".org/officeDocument/2006/relationships\"/></hyperlinks>"},
       {"Hidden", "<sheetData/>"}},
      "<workbookPr date1904=\"1\"/>");
  parts[2].second.replace(parts[2].second.find("</Relationships>"), 0,
                          "<Relationship Id=\"rS\" Type=\"http://x/sharedStrings\" "
                          "Target=\"/xl/sharedStrings.xml\"/><Relationship Id=\"rT\" "
                          "Type=\"http://x/styles\" Target=\"styles.xml\"/>");
  parts.emplace_back("xl/sharedStrings.xml",
                     "<sst><si><t xml:space=\"preserve\"> a_x000D_ </t></si><si><r><t>rich</t>"
                     "</r></si></sst>");
  parts.emplace_back("xl/styles.xml",
                     "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"[h]:mm:ss\"/>"
                     "</numFmts><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId="
                     "\"14\"/></cellXfs></styleSheet>");
  parts.emplace_back("xl/worksheets/_rels/sheet1.xml.rels",
                     "<Relationships><Relationship Id=\"rId1\" Type=\"http://x/hyperlink\" "
                     "Target=\"https://example.com\" TargetMode=\"External\"/></Relationships>");
  return parts;
}

/// The fuzzer's parts input (xlsx_read_fuzz.hpp) of a package's parts.
std::string parts_input(const files::Parts& parts) {
  namespace fuzzing = plm::exchange::fuzzing;
  std::string input(fuzzing::kPartsMarker);
  for (std::size_t index = 0; index < fuzzing::kPartNames.size(); ++index) {
    if (index > 0) input += '\0';
    for (const auto& [name, content] : parts) {
      if (name == fuzzing::kPartNames[index]) input += content;
    }
  }
  return input;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: plm_xlsx_fuzz_seeds DIR\n");
    return 2;
  }
  const std::string directory = argv[1];
  const bool saved = save(directory, "written.xlsx", written_workbook()) &&
                     save(directory, "hand_built.xlsx", files::package(hand_built_parts())) &&
                     save(directory, "hand_built.parts", parts_input(hand_built_parts())) &&
                     save(directory, "rows.xlsx",
                          files::package(files::minimal_parts({{"R", files::rows_body(30)}})));
  if (!saved) {
    std::fprintf(stderr, "plm_xlsx_fuzz_seeds: cannot write to %s\n", directory.c_str());
    return 1;
  }
  return 0;
}
