#pragma once
/// The read_xlsx fuzzer's second kind of input (xlsx_read_fuzz.cpp): kPartsMarker, then the XML
/// parts named by kPartNames separated by NUL bytes. Shared with the seed writer
/// (xlsx_fuzz_seeds.cpp).

#include <array>
#include <string_view>

namespace plm::exchange::fuzzing {

inline constexpr std::string_view kPartsMarker = "PARTS\n";
inline constexpr std::array<std::string_view, 7> kPartNames = {
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/worksheets/_rels/sheet1.xml.rels",
    "xl/worksheets/sheet2.xml"};

}  // namespace plm::exchange::fuzzing
