#include "web/json_read.hpp"

#include <algorithm>
#include <limits>

namespace plm::web {

using core::ErrorCode;

core::Error invalid(const std::string& message) {
  return core::make_error(ErrorCode::InvalidInput, message);
}

std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

core::Status only_known(const Json& object, const std::string& path,
                        std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return invalid("unknown property '" + (path.empty() ? "" : path + ".") + key.substr(0, 64) +
                     "'");
    }
  }
  return core::ok();
}

std::string wrong_type(const std::string& path, std::string_view wanted, const Json& value) {
  return "'" + path + "' must be " + std::string(wanted) + ", got " + value.type_name();
}

core::Result<std::string> read_string(const Json& value, const std::string& path,
                                      std::size_t min_length, std::size_t max_length) {
  if (!value.is_string()) return invalid(wrong_type(path, "a string", value));
  std::string text = value.get<std::string>();
  const std::size_t length = characters(text);
  if (length < min_length) return invalid("'" + path + "' must not be empty");
  if (length > max_length) {
    return invalid("'" + path + "' must have at most " + std::to_string(max_length) +
                   " characters, got " + std::to_string(length));
  }
  return text;
}

core::Result<bool> read_bool(const Json& value, const std::string& path) {
  if (!value.is_boolean()) return invalid(wrong_type(path, "true or false", value));
  return value.get<bool>();
}

core::Result<std::int64_t> read_integer(const Json& value, const std::string& path,
                                        std::int64_t min) {
  const std::string wanted = "a whole number of at least " + std::to_string(min);
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return invalid("'" + path + "' is too large");
    if (static_cast<std::int64_t>(number) < min) return invalid("'" + path + "' must be " + wanted);
    return static_cast<std::int64_t>(number);
  }
  if (!value.is_number_integer()) return invalid(wrong_type(path, wanted, value));
  const auto number = value.get<std::int64_t>();
  if (number < min) {
    return invalid("'" + path + "' must be " + wanted + ", got " + std::to_string(number));
  }
  return number;
}

core::Status check_list(const Json& value, const std::string& path, std::size_t max_size) {
  if (!value.is_array()) return invalid(wrong_type(path, "an array", value));
  if (value.size() > max_size) {
    return invalid("'" + path + "' may list at most " + std::to_string(max_size) +
                   " elements, got " + std::to_string(value.size()));
  }
  return core::ok();
}

core::Result<std::vector<std::string>> read_uris(const Json& value, const std::string& path,
                                                 std::size_t max_size) {
  if (auto list = check_list(value, path, max_size); !list) return list.error();
  std::vector<std::string> uris;
  uris.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto uri = read_string(value[i], path + "[" + std::to_string(i) + "]", 0, 1000);
    if (!uri) return uri.error();
    uris.push_back(std::move(*uri));
  }
  return uris;
}

core::Result<core::TrackInfo> read_track(const Json& value, const std::string& path) {
  if (!value.is_object()) return invalid(wrong_type(path, "a Track object", value));
  if (auto known = only_known(
          value, path,
          {"uri", "name", "artists", "album", "album_image_url", "duration_ms", "release_date"});
      !known)
    return known.error();
  for (const char* field :
       {"uri", "name", "artists", "album", "album_image_url", "duration_ms", "release_date"}) {
    if (!value.contains(field)) return invalid("'" + path + "." + field + "' is required");
  }
  core::TrackInfo track;
  auto uri = read_string(value["uri"], path + ".uri", 1, 1000);
  if (!uri) return uri.error();
  track.uri = std::move(*uri);
  auto name = read_string(value["name"], path + ".name", 0, 1000);
  if (!name) return name.error();
  track.name = std::move(*name);
  const Json& artists = value["artists"];
  if (!artists.is_array()) return invalid(wrong_type(path + ".artists", "an array", artists));
  for (std::size_t i = 0; i < artists.size() && i < 100; ++i) {
    auto artist = read_string(artists[i], path + ".artists[" + std::to_string(i) + "]", 0, 1000);
    if (!artist) return artist.error();
    track.artists.push_back(std::move(*artist));
  }
  auto album = read_string(value["album"], path + ".album", 0, 1000);
  if (!album) return album.error();
  track.album = std::move(*album);
  auto image = read_string(value["album_image_url"], path + ".album_image_url", 0, 2000);
  if (!image) return image.error();
  track.album_image_url = std::move(*image);
  auto duration = read_integer(value["duration_ms"], path + ".duration_ms", 0);
  if (!duration) return duration.error();
  track.duration_ms = *duration;
  auto release = read_string(value["release_date"], path + ".release_date", 0, 10);
  if (!release) return release.error();
  track.release_date = std::move(*release);
  return track;
}

}  // namespace plm::web
