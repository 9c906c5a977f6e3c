#pragma once
/// Route matching: a route is data (method + path template with {params}); matching a concrete
/// path gives the route and its decoded parameters, or tells "path known, method not" (405).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plm::web {

using PathParams = std::vector<std::pair<std::string, std::string>>;

/// A path template such as "/api/accounts/{account_id}/playlists/{playlist_id}". A parameter
/// matches one non-empty segment.
class PathPattern {
 public:
  explicit PathPattern(std::string pattern);
  const std::string& text() const { return text_; }
  /// The parameters when `path` matches, else nullopt.
  std::optional<PathParams> match(std::string_view path) const;

 private:
  struct Segment {
    std::string text;
    bool parameter = false;
  };
  std::string text_;
  std::vector<Segment> segments_;
};

/// Routes in a table of `T`s (a route's handler and policy); the first match wins.
template <typename T>
class Router {
 public:
  struct Route {
    std::string method;
    PathPattern pattern;
    T value;
  };
  struct Match {
    const Route* route = nullptr;  ///< null: no route for this method
    PathParams params;
    std::vector<std::string> allowed;  ///< methods the path has (for 405 Allow)
  };

  void add(std::string method, std::string pattern, T value) {
    routes_.push_back(Route{std::move(method), PathPattern(std::move(pattern)), std::move(value)});
  }

  /// HEAD matches GET routes. `allowed` is filled only when no route matched the method.
  Match match(std::string_view method, std::string_view path) const {
    Match result;
    const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
    for (const auto& route : routes_) {
      auto params = route.pattern.match(path);
      if (!params) continue;
      if (route.method == wanted) {
        result.route = &route;
        result.params = std::move(*params);
        result.allowed.clear();
        return result;
      }
      result.allowed.push_back(route.method);
    }
    return result;
  }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace plm::web
