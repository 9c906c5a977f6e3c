#pragma once
/// Each enum's text forms in one table, read both ways: a value added to an enum is named once.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace plm::core {

template <typename Enum, std::size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

/// The text of `value`; "" for a value the table lacks (every table lists them all: tests
/// round-trip each enumerator).
template <typename Enum, std::size_t N>
std::string_view name_in(const Names<Enum, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return "";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_in(const Names<Enum, N>& names, std::string_view text) {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace plm::core
