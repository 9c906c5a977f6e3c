#pragma once
/// What the .xlsx writer, the reader and the zip code share (internal to plm::exchange).

#include <cstddef>
#include <string>
#include <string_view>

#include "core/exchange/utf8.hpp"
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

// UTF-8 (core/exchange/utf8.hpp decodes): text that is not well-formed would make a file's XML
// unreadable, or reach the stores, which refuse it.

/// Well-formed UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
inline bool is_utf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    if (static_cast<unsigned char>(text[at]) < 0x80) {
      ++at;
      continue;
    }
    const auto decoded = core::utf8::decode(text, at);
    if (decoded.length == 0) return false;
    at += decoded.length;
  }
  return true;
}

/// The characters of well-formed UTF-8 text as Excel counts them: UTF-16 code units (an emoji
/// counts two).
inline std::size_t excel_characters(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t at = 0; at < text.size();) {
    const auto decoded = core::utf8::decode(text, at);
    count += decoded.length == 0 ? 1 : core::utf8::utf16_units(decoded.code_point);
    at += decoded.length == 0 ? 1 : decoded.length;
  }
  return count;
}

/// A sheet name as Excel compares names: without case (core::utf8::lower_case's letters).
inline std::u32string sheet_name_key(std::string_view name) {
  std::u32string key;
  for (std::size_t at = 0; at < name.size();) {
    const auto decoded = core::utf8::decode(name, at);
    key.push_back(decoded.length == 0 ? U'\uFFFD' : core::utf8::lower_case(decoded.code_point));
    at += decoded.length == 0 ? 1 : decoded.length;
  }
  return key;
}

}  // namespace plm::exchange
