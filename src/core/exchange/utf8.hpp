#pragma once
/// UTF-8 decoding for the exchange code (CSV checks, sheet and file names): one code point at a
/// time, refusing what is not well-formed (overlong forms, surrogates, above U+10FFFF), and the
/// case folding names are compared with. Pure.

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

/// The simple lower case of the letters Excel and case-insensitive file systems fold in practice:
/// ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic and the full-width Latin letters.
inline char32_t lower_case(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0xC0) return c;
  if (c <= 0xDE) return c == 0xD7 ? c : c + 32;
  if (c >= 0x100 && c <= 0x137) return c == 0x130 ? U'i' : (c % 2 == 0 ? c + 1 : c);
  if (c >= 0x139 && c <= 0x148) return c % 2 == 1 ? c + 1 : c;
  if (c >= 0x14A && c <= 0x177) return c % 2 == 0 ? c + 1 : c;
  if (c == 0x178) return 0xFF;
  if (c >= 0x179 && c <= 0x17E) return c % 2 == 1 ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;
  return c;
}

}  // namespace plm::core::utf8
