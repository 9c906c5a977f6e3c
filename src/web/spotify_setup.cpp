#include "web/spotify_setup.hpp"

#include <algorithm>

#include "http/message.hpp"
#include "web/url.hpp"

namespace plm::web {

std::vector<std::string> redirect_uri_problems(std::string_view uri) {
  std::vector<std::string> problems;
  if (uri.empty()) {
    problems.emplace_back("the redirect URI is empty");
    return problems;
  }
  if (std::any_of(uri.begin(), uri.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte >= 0x7F;
      })) {
    problems.emplace_back(
        "it contains white space or non-ASCII characters; Spotify compares redirect URIs byte by "
        "byte, so write them percent-encoded");
  }
  const auto scheme_end = uri.find("://");
  const auto scheme = uri.substr(0, scheme_end);
  if (scheme_end == std::string_view::npos ||
      (!http::iequals(scheme, "http") && !http::iequals(scheme, "https"))) {
    problems.emplace_back("it must be an absolute http:// or https:// URL");
    return problems;
  }
  const auto rest = uri.substr(scheme_end + 3);
  const auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos)
    problems.emplace_back("it must not contain user information (user@host)");
  if (uri.find('#') != std::string_view::npos)
    problems.emplace_back("it must not contain a fragment (#…)");
  if (uri.find('*') != std::string_view::npos)
    problems.emplace_back("Spotify does not accept wildcards (*) in redirect URIs");
  const auto parts = parse_url(uri);
  if (!parts) {
    const auto host_port = authority.substr(authority.rfind('@') + 1);
    const auto colon = host_port.rfind(':');
    const auto port =
        colon == std::string_view::npos || host_port.find(']', colon) != std::string_view::npos
            ? std::string_view{}
            : host_port.substr(colon + 1);
    if (!port.empty() && !parse_url("http://127.0.0.1:" + std::string(port))) {
      problems.emplace_back("the port '" + std::string(port) + "' is not a number from 1 to 65535");
    } else if (authority.find('*') == std::string_view::npos) {
      problems.emplace_back("the host name is missing or malformed");
    }
    return problems;
  }
  const std::string& host = parts->host;
  if (host == "localhost" || host.ends_with(".localhost")) {
    problems.emplace_back(
        "Spotify refuses 'localhost' in redirect URIs: use the loopback address 127.0.0.1 (or "
        "[::1]) in PLM_PUBLIC_URL and in the dashboard instead");
  } else if (parts->scheme == "http" && !is_loopback_literal(host)) {
    problems.emplace_back(
        "Spotify accepts plain http only for loopback addresses (127.0.0.1 or [::1]); serve plm "
        "over https (for example behind a reverse proxy) and set PLM_PUBLIC_URL to that https "
        "address");
  }
  return problems;
}

}  // namespace plm::web
