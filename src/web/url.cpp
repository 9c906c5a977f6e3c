#include "web/url.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace plm::web {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// Letters, digits, '.', '-' and '_': what a DNS name or an IPv4 literal is made of.
bool is_host_name(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

/// The bytes of a bracketed IPv6 literal ("[::1]"), or nullopt when it is not one.
std::optional<in6_addr> ipv6_literal(std::string_view host) {
  if (host.size() < 3 || host.front() != '[' || host.back() != ']') return std::nullopt;
  const std::string inside(host.substr(1, host.size() - 2));
  in6_addr address{};
  if (inet_pton(AF_INET6, inside.c_str(), &address) != 1) return std::nullopt;
  return address;
}

/// The four numbers of a dotted quad written plainly (no leading zeros, which some resolvers read
/// as octal), or nullopt.
std::optional<std::array<int, 4>> dotted_quad(std::string_view host) {
  std::array<int, 4> parts{};
  std::size_t count = 0;
  for (;;) {
    const auto dot = host.find('.');
    const std::string_view part = host.substr(0, dot);
    if (count == 4 || part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), is_digit) || (part.size() > 1 && part[0] == '0'))
      return std::nullopt;
    int value = 0;
    for (const char c : part) value = value * 10 + (c - '0');
    if (value > 255) return std::nullopt;
    parts[count++] = value;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  if (count != 4) return std::nullopt;
  return parts;
}

}  // namespace

bool is_loopback_literal(std::string_view host) {
  if (const auto quad = dotted_quad(host)) return (*quad)[0] == 127;
  if (const auto address = ipv6_literal(host)) return IN6_IS_ADDR_LOOPBACK(&*address);
  return false;
}

int Url::effective_port() const {
  if (!port.empty()) return std::stoi(port);
  return scheme == "https" ? 443 : 80;
}

std::string Url::origin() const {
  const bool default_port = port.empty() || effective_port() == (scheme == "https" ? 443 : 80);
  return scheme + "://" + host + (default_port ? "" : ":" + std::to_string(effective_port()));
}

std::string Url::normalized() const {
  std::string text = origin() + path;
  if (query) text += "?" + *query;
  if (fragment) text += "#" + *fragment;
  return text;
}

std::optional<Url> parse_url(std::string_view text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  Url url;
  url.scheme = lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);

  // Anything a host cannot contain makes the URL untrusted: '\' is a '/' to browsers but not to
  // libcurl, '%' hides characters, white space and control characters split differently.
  if (std::any_of(authority.begin(), authority.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte >= 0x7F || c == '\\' || c == '%';
      }))
    return std::nullopt;
  // User info ends at the last '@', as browsers read it: "http://127.0.0.1@example.com/" goes to
  // example.com.
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    url.has_userinfo = true;
    url.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      has_port = true;
      port = authority.substr(close + 2);
    }
    if (!ipv6_literal(host)) return std::nullopt;
  } else {
    if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      has_port = true;
      port = authority.substr(colon + 1);
    }
    if (!is_host_name(host)) return std::nullopt;
  }
  if (has_port) {
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), is_digit))
      return std::nullopt;
    const int number = std::stoi(std::string(port));
    if (number < 1 || number > 65535) return std::nullopt;
    url.port = std::string(port);
  }
  url.host = lower(host);

  if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
    url.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  if (const auto question = rest.find('?'); question != std::string_view::npos) {
    url.query = std::string(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  url.path = rest.empty() ? "/" : std::string(rest);
  return url;
}

}  // namespace plm::web
