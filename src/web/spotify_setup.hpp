#pragma once
/// What Spotify would refuse in a redirect URI, as sentences for the setup page (pure).

#include <string>
#include <string_view>
#include <vector>

namespace plm::web {

inline constexpr const char* kSpotifyDashboardUrl = "https://developer.spotify.com/dashboard";

/// Problems of `uri` as a Spotify redirect URI (empty when Spotify accepts it): not an absolute
/// http(s) URL, `localhost` (refused since 2025: use 127.0.0.1 or [::1]), plain http on a host that
/// is not a loopback IP literal (web/url.hpp), a fragment, user info, wildcards, white space or
/// non-ASCII.
std::vector<std::string> redirect_uri_problems(std::string_view uri);

}  // namespace plm::web
