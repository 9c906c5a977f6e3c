#pragma once
/// What Spotify would refuse in a redirect URI, as sentences for the setup page (pure).

#include <string>
#include <string_view>
#include <vector>

namespace plm::web {

inline constexpr const char* kSpotifyDashboardUrl = "https://developer.spotify.com/dashboard";

/// Problems of `uri` as a Spotify redirect URI (empty when Spotify accepts it): not an absolute
/// http(s) URL, `localhost` (refused since 2025: use 127.0.0.1 or [::1]), plain http on a host that
/// is not a loopback IP literal, a fragment, user info, wildcards, white space or non-ASCII.
std::vector<std::string> redirect_uri_problems(std::string_view uri);

/// 127.0.0.0/8 as a dotted quad or [::1]; names (even "localhost") are not literals.
bool is_loopback_literal(std::string_view host);

/// The origin ("https://example.org:8443") and path ("/plm/") of an absolute URL.
struct UrlParts {
  std::string scheme;
  std::string host;  ///< with brackets for IPv6
  std::string port;  ///< empty when absent
  std::string path;  ///< starts with '/'
  std::string origin() const { return scheme + "://" + host + (port.empty() ? "" : ":" + port); }
};
/// Nullopt-like: an empty scheme when `url` is not an absolute http(s) URL.
UrlParts split_url(std::string_view url);

}  // namespace plm::web
