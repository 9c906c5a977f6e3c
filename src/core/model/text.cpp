#include "core/model/text.hpp"

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

}  // namespace plm::core
