#include "core/write/playlist_edits.hpp"

namespace plm::core {

namespace {

bool is_base62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr std::size_t kIdLength = 22;

}  // namespace

bool is_local_uri(std::string_view uri) { return uri.starts_with("spotify:local:"); }

bool is_item_uri(std::string_view uri) {
  std::string_view id;
  if (uri.starts_with("spotify:track:")) {
    id = uri.substr(14);
  } else if (uri.starts_with("spotify:episode:")) {
    id = uri.substr(16);
  } else {
    return false;
  }
  return id.size() == kIdLength && std::all_of(id.begin(), id.end(), is_base62);
}

Status check_uri_count(const std::vector<std::string>& uris, std::string_view verb,
                       bool allow_empty) {
  if (uris.empty() && !allow_empty) {
    return make_error(ErrorCode::InvalidInput, "no items to be " + std::string(verb));
  }
  if (uris.size() > static_cast<std::size_t>(SpotifyApi::kMaxItemsPerWrite)) {
    return make_error(ErrorCode::InvalidInput,
                      "at most " + std::to_string(SpotifyApi::kMaxItemsPerWrite) +
                          " items can be " + std::string(verb) + " per request, got " +
                          std::to_string(uris.size()));
  }
  return ok();
}

Status check_add_request(const std::vector<std::string>& uris,
                         std::optional<std::int64_t> position) {
  if (auto count = check_uri_count(uris, "added"); !count) return count;
  if (position && *position < 0) {
    return make_error(ErrorCode::InvalidInput,
                      "position must not be negative, got " + std::to_string(*position));
  }
  return ok();
}

Status check_reorder_request(std::int64_t range_start, std::int64_t insert_before,
                             std::int64_t range_length) {
  if (range_start < 0 || insert_before < 0 || range_length < 1) {
    return make_error(ErrorCode::InvalidInput,
                      "a reorder needs range_start >= 0, insert_before >= 0 and range_length >= "
                      "1, got " +
                          std::to_string(range_start) + ", " + std::to_string(insert_before) +
                          ", " + std::to_string(range_length));
  }
  return ok();
}

Status check_details_change(const PlaylistDetailsChange& change) {
  if (change.empty()) {
    return make_error(ErrorCode::InvalidInput, "a change of details must change something");
  }
  return ok();
}

Status check_cover(const std::string& jpeg) {
  if (jpeg.empty()) return make_error(ErrorCode::InvalidInput, "the cover image is empty");
  if (base64_size(jpeg.size()) > SpotifyApi::kMaxCoverBase64Bytes) {
    return make_error(ErrorCode::InvalidInput,
                      "a cover of " + std::to_string(jpeg.size()) + " bytes is " +
                          std::to_string(base64_size(jpeg.size())) +
                          " bytes of base64, over Spotify's " +
                          std::to_string(SpotifyApi::kMaxCoverBase64Bytes));
  }
  return ok();
}

Status check_item_uris(const std::vector<std::string>& uris, std::string_view verb,
                       bool allow_empty) {
  if (auto count = check_uri_count(uris, verb, allow_empty); !count) return count;
  for (const auto& uri : uris) {
    if (is_local_uri(uri)) {
      return make_error(ErrorCode::InvalidInput,
                        "local files cannot be " + std::string(verb) + ": " + uri);
    }
    if (!is_item_uri(uri)) {
      return make_error(ErrorCode::InvalidInput, "invalid track uri: " + uri);
    }
  }
  return ok();
}

Status check_position(std::int64_t item_count, std::int64_t position) {
  if (position < 0 || position > item_count) {
    return make_error(ErrorCode::InvalidInput, "position " + std::to_string(position) +
                                                   " is out of bounds for " +
                                                   std::to_string(item_count) + " items");
  }
  return ok();
}

Status check_reorder(std::int64_t item_count, std::int64_t range_start, std::int64_t insert_before,
                     std::int64_t range_length) {
  // `range_length > item_count - range_start` rather than a sum: no overflow for huge lengths.
  if (range_start < 0 || range_start > item_count || range_length < 1 ||
      range_length > item_count - range_start || insert_before < 0 || insert_before > item_count) {
    return make_error(ErrorCode::InvalidInput,
                      "reorder of " + std::to_string(range_length) + " items from " +
                          std::to_string(range_start) + " before " + std::to_string(insert_before) +
                          " is out of bounds for " + std::to_string(item_count) + " items");
  }
  return ok();
}

std::int64_t reorder_destination(std::int64_t range_start, std::int64_t insert_before,
                                 std::int64_t range_length) {
  if (insert_before >= range_start && insert_before <= range_start + range_length) {
    return range_start;
  }
  return insert_before > range_start ? insert_before - range_length : insert_before;
}

}  // namespace plm::core
