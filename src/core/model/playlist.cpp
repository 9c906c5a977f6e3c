#include "core/model/playlist.hpp"

#include <algorithm>

#include "core/model/text.hpp"

namespace plm::core {

Result<std::vector<std::string>> normalize_tags(const std::vector<std::string>& tags) {
  constexpr std::string_view kSpace = " \t\n\r\f\v";
  std::vector<std::string> normalized;
  normalized.reserve(tags.size());
  for (const std::string& tag : tags) {
    const auto first = tag.find_first_not_of(kSpace);
    if (first == std::string::npos) {
      return make_error(ErrorCode::InvalidInput, "tag must not be empty");
    }
    const auto last = tag.find_last_not_of(kSpace);
    std::string trimmed = tag.substr(first, last - first + 1);
    if (trimmed.size() > kMaxTagBytes) {
      return make_error(ErrorCode::InvalidInput, "tag of " + std::to_string(trimmed.size()) +
                                                     " bytes is longer than the " +
                                                     std::to_string(kMaxTagBytes) + " allowed");
    }
    if (!is_clean_text(trimmed)) {
      return make_error(ErrorCode::InvalidInput,
                        "tag holds a control character or is not valid UTF-8");
    }
    normalized.push_back(std::move(trimmed));
  }
  std::sort(normalized.begin(), normalized.end());
  normalized.erase(std::unique(normalized.begin(), normalized.end()), normalized.end());
  if (normalized.size() > kMaxTagsPerPlaylist) {
    return make_error(ErrorCode::InvalidInput,
                      "a playlist takes at most " + std::to_string(kMaxTagsPerPlaylist) +
                          " tags, got " + std::to_string(normalized.size()));
  }
  return normalized;
}

}  // namespace plm::core
