#pragma once
/// UTF-8 decoding for the exchange code (CSV checks, sheet and file names): one code point at a
/// time, refusing what is not well-formed (overlong forms, surrogates, above U+10FFFF). Pure.

#include <cstddef>
#include <string_view>

namespace plm::core::utf8 {

struct Decoded {
  char32_t code_point = 0;
  std::size_t length = 0;  ///< bytes; 0 when `text` holds no well-formed sequence at `at`
};

/// The code point at `text[at]` (at < text.size()).
inline Decoded decode(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1};
  std::size_t length = 0;
  unsigned char low = 0x80;  // bounds of the second byte (Unicode 15, table 3-7)
  unsigned char high = 0xBF;
  char32_t code_point = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {};
  }
  if (at + length > text.size()) return {};
  if (byte(at + 1) < low || byte(at + 1) > high) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return {};
    code_point = (code_point << 6) | (byte(at + i) & 0x3F);
  }
  return {code_point, length};
}

/// The number of UTF-16 code units of a code point: what Excel counts as characters (a character
/// outside the Basic Multilingual Plane, like most emoji, counts as two).
inline std::size_t utf16_units(char32_t code_point) { return code_point > 0xFFFF ? 2 : 1; }

}  // namespace plm::core::utf8
