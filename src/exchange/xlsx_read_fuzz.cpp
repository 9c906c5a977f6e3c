// libFuzzer target over read_xlsx (issue 14 §3): any bytes give a workbook or an InvalidInput
// error, never a crash, a hang or a read out of bounds. tests/fuzz/xlsx_read_fuzz.sh builds it
// with clang++ and the sanitizers and runs it for a bounded time from a seed corpus that
// plm_xlsx_fuzz_seeds writes.
//
// Two kinds of input: a file as it is (the zip layer: truncation, corrupt headers, bombs), and,
// when the input starts with kPartsMarker, the XML parts of a package separated by NUL bytes
// (kPartNames in order), zipped here before read_xlsx. A mutation inside a deflated part only
// breaks its checksum, so the second kind is what lets the fuzzer reach the XML readers.

#include "exchange/xlsx_read_fuzz.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exchange/xlsx.hpp"

namespace {

std::string input_file(std::string_view bytes) {
  using plm::exchange::fuzzing::kPartNames;
  using plm::exchange::fuzzing::kPartsMarker;
  if (!bytes.starts_with(kPartsMarker)) return std::string(bytes);
  bytes.remove_prefix(kPartsMarker.size());
  std::vector<std::pair<std::string, std::string>> parts;
  for (const auto name : kPartNames) {
    const auto end = bytes.find('\0');
    parts.emplace_back(std::string(name), std::string(bytes.substr(0, end)));
    if (end == std::string_view::npos) break;
    bytes.remove_prefix(end + 1);
  }
  auto zipped = plm::exchange::write_zip(parts);
  if (!zipped) std::abort();  // zipping text never fails
  return std::move(zipped).value();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes = input_file(std::string_view(reinterpret_cast<const char*>(data), size));
  auto workbook = plm::exchange::read_xlsx(bytes);
  if (!workbook) {
    // Only a file's fault is expected: anything else is a bug the fuzzer found.
    if (workbook.error().code != plm::core::ErrorCode::InvalidInput) std::abort();
    return 0;
  }
  // Touch every cell, so that a cell left half-made would show under the sanitizers.
  std::size_t total = 0;
  for (const auto& sheet : workbook->sheets) {
    for (const auto& row : sheet.rows) {
      for (const auto& cell : row) total += cell.text.size() + static_cast<std::size_t>(cell.type);
    }
  }
  if (total == static_cast<std::size_t>(-1)) std::abort();
  return 0;
}
