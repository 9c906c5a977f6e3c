#include "web/router.hpp"

namespace plm::web {

PathPattern::PathPattern(std::string pattern) : text_(std::move(pattern)) {
  std::string_view rest = text_;
  while (!rest.empty()) {
    if (rest.front() == '/') rest.remove_prefix(1);
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
      segments_.push_back({std::string(segment.substr(1, segment.size() - 2)), true});
    } else {
      segments_.push_back({std::string(segment), false});
    }
  }
}

std::optional<PathParams> PathPattern::match(std::string_view path) const {
  PathParams params;
  std::size_t index = 0;
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string_view rest = path.substr(1);
  for (;;) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (index >= segments_.size()) return std::nullopt;
    const Segment& expected = segments_[index++];
    if (expected.parameter) {
      if (segment.empty()) return std::nullopt;
      params.emplace_back(expected.text, std::string(segment));
    } else if (segment != expected.text) {
      return std::nullopt;
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  if (index != segments_.size()) return std::nullopt;
  return params;
}

}  // namespace plm::web
