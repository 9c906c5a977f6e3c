#pragma once
/// What the .xlsx writer, the reader and the zip code share (internal to plm::exchange).

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace plm::exchange {

/// Excel's grid: the writer refuses sheets past it, the reader references outside it.
inline constexpr std::size_t kExcelRows = 1'048'576;
inline constexpr std::size_t kExcelColumns = 16'384;

/// InvalidInput with a sentence for a person and the technical reason.
inline core::Error invalid_input(std::string message, std::string detail = {}) {
  auto error = core::make_error(core::ErrorCode::InvalidInput, std::move(message));
  error.detail = std::move(detail);
  return error;
}

// UTF-8: text that is not well-formed would make a file's XML unreadable, or reach the stores,
// which refuse it.

/// Well-formed UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
inline bool is_utf8(std::string_view text) {
  std::size_t index = 0;
  while (index < text.size()) {
    const auto lead = static_cast<unsigned char>(text[index]);
    if (lead < 0x80) {
      ++index;
      continue;
    }
    std::size_t length = 0;
    char32_t code = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code = lead & 0x07;
    } else {
      return false;
    }
    if (index + length > text.size()) return false;
    for (std::size_t next = 1; next < length; ++next) {
      const auto byte = static_cast<unsigned char>(text[index + next]);
      if ((byte & 0xC0) != 0x80) return false;
      code = (code << 6) | (byte & 0x3F);
    }
    constexpr std::array<char32_t, 5> kSmallest = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    index += length;
  }
  return true;
}

/// The characters (code points) of UTF-8 text.
inline std::size_t utf8_characters(std::string_view text) {
  std::size_t count = 0;
  for (const char byte : text) {
    if ((static_cast<unsigned char>(byte) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace plm::exchange
