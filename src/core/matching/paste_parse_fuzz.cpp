// libFuzzer target over the paste parser (issue 11 §5): no crash, no hang, no line lost, and
// what every reader of a ParsedPaste relies on. Built with clang++ by
// tests/fuzz/paste_parse_fuzz.sh (the suite's g++ has no libFuzzer), which runs it for a bounded
// time as the ctest PasteParseFuzz.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/matching/paste_parse.hpp"

namespace {

using plm::core::LineKind;
using plm::core::PastedLine;

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "paste_parse_fuzz: %s\n", what);
  std::abort();
}

/// The input's lines, counted independently of the parser: \n, \r\n and \r end a line; a final
/// line ending adds none.
std::size_t count_lines(std::string_view text) {
  std::size_t count = 0;
  std::size_t start = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] != '\n' && text[at] != '\r') continue;
    ++count;
    if (text[at] == '\r' && at + 1 < text.size() && text[at + 1] == '\n') ++at;
    start = at + 1;
  }
  return count + (start < text.size() ? 1 : 0);
}

bool is_base62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void check_line(const PastedLine& line) {
  require(line.input.find('\n') == std::string::npos && line.input.find('\r') == std::string::npos,
          "a line's input holds a line ending");
  switch (line.kind) {
    case LineKind::Text:
      require(!line.readings.empty(), "a Text line without a reading");
      for (const auto& reading : line.readings) {
        require(!reading.title.empty(), "a reading with an empty title");
      }
      break;
    case LineKind::TrackUri: {
      const std::string_view uri = line.uri;
      require(uri.size() == 36 && uri.starts_with("spotify:track:"), "a malformed track URI");
      for (const char c : uri.substr(14)) require(is_base62(c), "a track ID that is not base62");
      break;
    }
    case LineKind::Isrc:
      require(line.isrc.size() == 12, "an ISRC that is not 12 characters");
      break;
    case LineKind::Invalid:
    case LineKind::Blank:
    case LineKind::Comment:
      require(!line.reason.empty(), "an Invalid, Blank or Comment line without a reason");
      break;
  }
  if (line.kind != LineKind::Text) require(line.readings.empty(), "readings on a non-Text line");
  if (line.duration_ms) require(*line.duration_ms > 0, "a duration that is not positive");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t expected = count_lines(text);
  const auto parsed = plm::core::parse_paste(text);
  if (!parsed) {
    require(expected > plm::core::kMaxPastedLines, "a paste refused under the line limit");
    return 0;
  }
  require(parsed->lines.size() == expected, "a line lost or added");
  for (std::size_t i = 0; i < parsed->lines.size(); ++i) {
    const PastedLine& line = parsed->lines[i];
    require(line.number == i + 1, "line numbers out of order");
    check_line(line);
    // A line on its own obeys the same rules.
    check_line(plm::core::parse_line(line.input, line.number));
  }
  return 0;
}
