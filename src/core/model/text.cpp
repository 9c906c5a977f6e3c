#include "core/model/text.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace plm::core {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

/// Length of the well-formed, non-control UTF-8 sequence at `text[at]`, or 0 if there is none.
std::size_t clean_sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return lead < 0x20 || lead == 0x7F ? 0 : 1;
  std::size_t length = 0;
  unsigned char low = 0x80;  // bounds of the second byte (Unicode 15, table 3-7)
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(at + i) < 0x80 || byte(at + i) > 0xBF) return 0;
  }
  return length;
}

/// fold_for_search of U+00C0 + i: the letter's canonical decomposition without its combining
/// marks, lower-cased (generated with Python's unicodedata), except "ß" -> "ss".
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatinFolds{
    "a", "a", "a", "a", "a", "a", "æ", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // U+00C0
    "ð", "n", "o", "o", "o", "o", "o", "×", "ø", "u", "u", "u", "u", "y", "þ", "ss",  // U+00D0
    "a", "a", "a", "a", "a", "a", "æ", "c", "e", "e", "e", "e", "i", "i", "i", "i",   // U+00E0
    "ð", "n", "o", "o", "o", "o", "o", "÷", "ø", "u", "u", "u", "u", "y", "þ", "y",   // U+00F0
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",   // U+0100
    "đ", "đ", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",   // U+0110
    "g", "g", "g", "g", "h", "h", "ħ", "ħ", "i", "i", "i", "i", "i", "i", "i", "i",   // U+0120
    "i", "ı", "ĳ", "ĳ", "j", "j", "k", "k", "ĸ", "l", "l", "l", "l", "l", "l", "ŀ",   // U+0130
    "ŀ", "ł", "ł", "n", "n", "n", "n", "n", "n", "ŉ", "ŋ", "ŋ", "o", "o", "o", "o",   // U+0140
    "o", "o", "œ", "œ", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",   // U+0150
    "s", "s", "t", "t", "t", "t", "ŧ", "ŧ", "u", "u", "u", "u", "u", "u", "u", "u",   // U+0160
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "ſ",   // U+0170
};

}  // namespace

bool is_clean_text(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = clean_sequence_length(text, at);
    if (length == 0) return false;
    at += length;
  }
  return true;
}

std::string clean_text(std::string_view text) {
  std::string cleaned;
  cleaned.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    if (const std::size_t length = clean_sequence_length(text, at); length > 0) {
      cleaned.append(text.substr(at, length));
      at += length;
    } else {
      cleaned.append(kReplacement);
      ++at;
    }
  }
  return cleaned;
}

std::string fold_for_search(std::string_view text) {
  std::string folded;
  folded.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) {
      folded.push_back(lead >= 'A' && lead <= 'Z' ? static_cast<char>(lead - 'A' + 'a')
                                                  : static_cast<char>(lead));
      ++at;
      continue;
    }
    // U+00C0–U+017F are the two-byte sequences C3 80 … C5 BF.
    if (lead >= 0xC3 && lead <= 0xC5 && at + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[at + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        const std::size_t code_point = (std::size_t{lead} & 0x1F) << 6 | (next & 0x3F);
        folded.append(kLatinFolds[code_point - 0xC0]);
        at += 2;
        continue;
      }
    }
    const std::size_t length = std::max<std::size_t>(clean_sequence_length(text, at), 1);
    folded.append(text.substr(at, length));
    at += length;
  }
  return folded;
}

std::string_view trim_spaces(std::string_view text) {
  constexpr std::string_view kSpaces = " \t\r\n";
  const auto first = text.find_first_not_of(kSpaces);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpaces);
  return text.substr(first, last - first + 1);
}

}  // namespace plm::core
