#include "web/spotify_setup.hpp"

#include <algorithm>
#include <cctype>

namespace plm::web {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_dotted_quad_127(std::string_view host) {
  int parts = 0;
  int first = -1;
  while (!host.empty()) {
    const auto dot = host.find('.');
    const auto part = host.substr(0, dot);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
    const int value = std::stoi(std::string(part));
    if (value > 255) return false;
    if (parts == 0) first = value;
    ++parts;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
    if (host.empty()) return false;
  }
  return parts == 4 && first == 127;
}

}  // namespace

bool is_loopback_literal(std::string_view host) {
  return host == "[::1]" || is_dotted_quad_127(host);
}

UrlParts split_url(std::string_view url) {
  UrlParts parts;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const std::string scheme = lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return {};
  auto rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find_first_of("/?#");
  const auto authority = rest.substr(0, path_start);
  std::string_view path =
      path_start == std::string_view::npos ? std::string_view("/") : rest.substr(path_start);
  if (const auto cut = path.find_first_of("?#"); cut != std::string_view::npos)
    path = path.substr(0, cut);
  if (path.empty() || path.front() != '/') path = "/";
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return {};
    parts.host = lower(authority.substr(0, close + 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return {};
      parts.port = std::string(authority.substr(close + 2));
    }
  } else {
    const auto colon = authority.rfind(':');
    parts.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) parts.port = std::string(authority.substr(colon + 1));
  }
  if (parts.host.empty()) return {};
  parts.scheme = scheme;
  parts.path = std::string(path);
  return parts;
}

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
  const std::string scheme =
      scheme_end == std::string_view::npos ? "" : lower(uri.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") {
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
  const UrlParts parts = split_url(uri.substr(0, uri.find('#')));
  if (parts.scheme.empty()) {
    problems.emplace_back("the host name is missing or malformed");
    return problems;
  }
  if (!parts.port.empty() && (parts.port.size() > 5 ||
                              !std::all_of(parts.port.begin(), parts.port.end(),
                                           [](char c) { return c >= '0' && c <= '9'; }) ||
                              std::stoi(parts.port) > 65535)) {
    problems.emplace_back("the port '" + parts.port + "' is not a number from 1 to 65535");
  }
  const std::string& host = parts.host;
  if (host == "localhost" || host.ends_with(".localhost")) {
    problems.emplace_back(
        "Spotify refuses 'localhost' in redirect URIs: use the loopback address 127.0.0.1 (or "
        "[::1]) in PLM_PUBLIC_URL and in the dashboard instead");
  } else if (parts.scheme == "http" && !is_loopback_literal(host)) {
    problems.emplace_back(
        "Spotify accepts plain http only for loopback addresses (127.0.0.1 or [::1]); serve plm "
        "over https (for example behind a reverse proxy) and set PLM_PUBLIC_URL to that https "
        "address");
  }
  return problems;
}

}  // namespace plm::web
