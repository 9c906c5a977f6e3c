#pragma once
/// Absolute http(s) URLs taken apart once (scheme, user info, host, port, path, query, fragment),
/// so that every check that trusts a host — "plain http only on this machine", the allowed Origin,
/// what Spotify would refuse in a redirect URI — looks at the host a client would connect to, not
/// at a prefix of the text ("http://127.0.0.1@example.com/" connects to example.com).

#include <optional>
#include <string>
#include <string_view>

namespace plm::web {

struct Url {
  std::string scheme;  ///< "http" or "https", lower case
  bool has_userinfo = false;
  std::string userinfo;              ///< what comes before '@' in the authority
  std::string host;                  ///< lower case; an IPv6 literal keeps its brackets ("[::1]")
  std::string port;                  ///< digits, as written; empty when absent
  std::string path;                  ///< starts with '/' ("/" when the URL has none)
  std::optional<std::string> query;  ///< after '?'
  std::optional<std::string> fragment;  ///< after '#'

  /// The port a client connects to: the explicit one, else 80 (http) or 443 (https).
  int effective_port() const;
  /// "https://example.org" or "http://127.0.0.1:8080": lower case, and without the scheme's
  /// default port, as browsers send it in Origin.
  std::string origin() const;
  /// origin() + path + query + fragment: the URL with the default port left out, so that what is
  /// derived from it (a redirect URI, an Origin to compare) matches what browsers use.
  std::string normalized() const;
};

/// The parts of an absolute http:// or https:// URL (scheme case-insensitive), or nullopt when
/// `text` is not one: another scheme, no host, a port that is not a number from 1 to 65535, or an
/// authority with white space, control characters, backslashes, '%' or other characters a host
/// name cannot have (browsers and libcurl disagree about such URLs, so none is trusted). The path,
/// query and fragment are kept as written.
std::optional<Url> parse_url(std::string_view text);

/// A loopback address literal: an IPv4 dotted quad in 127.0.0.0/8, or the IPv6 loopback in
/// brackets ("[::1]", any spelling of it). Names are not literals: "localhost" (which Spotify
/// refuses in redirect URIs), "127.0.0.1.nip.io" and "127.0.0.1." may resolve anywhere.
bool is_loopback_literal(std::string_view host);

}  // namespace plm::web
