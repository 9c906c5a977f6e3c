#pragma once
/// Hand-built .xlsx files for the reader's tests, its benchmark and its fuzzer's seed corpus
/// (library plm_exchange_test_files; never linked into plm). Hostile files are generated when
/// needed, never committed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace plm::exchange::testing {

using Parts = std::vector<std::pair<std::string, std::string>>;

/// A zip of `parts` (write_zip); aborts the test program when it cannot be made.
std::string package(const Parts& parts);

/// The parts of a minimal workbook: _rels/.rels, xl/workbook.xml listing `sheets` (name, the body
/// of <worksheet>) with their relationships, xl/worksheets/sheetN.xml. `workbook_extra` goes into
/// <workbook> before <sheets> (e.g. `<workbookPr date1904="1"/>`).
Parts minimal_parts(const std::vector<std::pair<std::string, std::string>>& sheets,
                    const std::string& workbook_extra = {});

/// <sheetData> of `rows` rows, each with a number in A and a text in B (inline strings).
std::string rows_body(std::size_t rows);

/// A workbook whose one sheet is a billion-laughs XML bomb (a DOCTYPE with nested entities).
std::string xml_bomb();

/// A workbook whose sheet part (xl/worksheets/sheet1.xml) deflates to `uncompressed_bytes` of a
/// repeated row.
std::string zip_bomb(std::size_t uncompressed_bytes);

/// `zip` with the uncompressed size of `part` in its local and central headers set to `size`
/// (a zip bomb that lies about its size).
std::string with_declared_size(std::string zip, const std::string& part, std::uint32_t size);

}  // namespace plm::exchange::testing
