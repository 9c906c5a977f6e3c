#pragma once
// Internal to plm::web: reading JSON request bodies strictly, as api/openapi.yaml says (edit_json,
// batch_json). Every refusal is InvalidInput with a message naming the field by its path
// ("items[3].position", "more[0].operation.kind").

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/playlist.hpp"
#include "core/result.hpp"

namespace plm::web {

using Json = nlohmann::json;

core::Error invalid(const std::string& message);

/// Characters of UTF-8 text (bytes that do not continue a sequence).
std::size_t characters(std::string_view text);

/// Refuses properties of `object` (at `path`) that the schema does not declare.
core::Status only_known(const Json& object, const std::string& path,
                        std::initializer_list<std::string_view> known);

/// "'path' must be <wanted>, got <type>".
std::string wrong_type(const std::string& path, std::string_view wanted, const Json& value);

/// A string of `min_length` to `max_length` characters.
core::Result<std::string> read_string(const Json& value, const std::string& path,
                                      std::size_t min_length, std::size_t max_length);

core::Result<bool> read_bool(const Json& value, const std::string& path);

/// A JSON integer from `min` (a float such as 1.5 or 1e3 is refused: positions are counts).
core::Result<std::int64_t> read_integer(const Json& value, const std::string& path,
                                        std::int64_t min);

/// One of `choices` (as the schema's enum).
template <std::size_t N>
core::Result<std::string> read_choice(const Json& value, const std::string& path,
                                      const std::array<std::string_view, N>& choices) {
  std::string listed;
  for (std::size_t i = 0; i < N; ++i)
    listed += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(choices[i]);
  if (!value.is_string()) return invalid(wrong_type(path, listed, value));
  const std::string text = value.get<std::string>();
  if (std::find(choices.begin(), choices.end(), text) == choices.end())
    return invalid("'" + path + "' must be " + listed + ", got '" + text.substr(0, 64) + "'");
  return text;
}

/// An array of at most `max_size` elements.
core::Status check_list(const Json& value, const std::string& path, std::size_t max_size);

/// An array of at most `max_size` strings (up to 1,000 characters each).
core::Result<std::vector<std::string>> read_uris(const Json& value, const std::string& path,
                                                 std::size_t max_size);

/// The Track schema (every field required).
core::Result<core::TrackInfo> read_track(const Json& value, const std::string& path);

}  // namespace plm::web
