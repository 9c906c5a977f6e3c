#pragma once
/// Plain HTTP request and response values shared by every server in plm (the application and the
/// Spotify emulator). They know nothing of sockets or of Boost.Beast, so handlers are ordinary
/// functions `Response handle(const Request&)` that unit tests call directly.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace plm::http {

/// A header or query parameter: name and value, in arrival order.
using Field = std::pair<std::string, std::string>;

class EventStream;  // http/event_stream.hpp

/// A request as far as the server knows it before reading the body: what
/// ServerOptions::body_limit_for decides from (http/server.hpp).
struct RequestHead {
  std::string method;          ///< "GET", "POST", ... upper case as sent
  std::string target;          ///< raw request target, e.g. "/v1/search?q=abba&type=track"
  std::string path;            ///< percent-decoded path without the query, e.g. "/v1/search"
  std::vector<Field> query;    ///< decoded query parameters in order
  std::vector<Field> headers;  ///< header names as sent
  std::string remote_address;

  /// First header with this name (case-insensitive), if any.
  std::optional<std::string_view> header(std::string_view name) const;
  /// First query parameter with this name (case-sensitive, like Spotify), if any.
  std::optional<std::string_view> query_param(std::string_view name) const;
  bool has_query_param(std::string_view name) const { return query_param(name).has_value(); }
};

struct Request : RequestHead {
  std::string body;
};

struct Response {
  int status = 200;
  std::vector<Field> headers;
  std::string body;
  /// Delay the server waits (without blocking a thread) before sending the response; used by the
  /// emulator's latency faults.
  std::chrono::milliseconds delay{0};
  /// Set for a response whose body is written as it is produced (server-sent events): the server
  /// sends the headers and `body`, then whatever is pushed to the stream until it is closed. See
  /// http/event_stream.hpp.
  std::shared_ptr<EventStream> stream;

  Response& set_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response empty(int status);
  static Response redirect(int status, std::string location);
};

/// Case-insensitive ASCII comparison, for header names.
bool iequals(std::string_view a, std::string_view b);

/// Percent-decodes `text`; with `plus_is_space` ("application/x-www-form-urlencoded") '+' becomes '
/// '. Invalid escapes are kept verbatim, as browsers and Spotify do.
std::string percent_decode(std::string_view text, bool plus_is_space);
/// Percent-encodes everything but unreserved characters (RFC 3986 section 2.3).
std::string percent_encode(std::string_view text);
/// Parses "a=1&b=two" (query strings and form bodies) into decoded fields, keeping order.
std::vector<Field> parse_form(std::string_view text);
/// Builds "a=1&b=two" with every name and value percent-encoded.
std::string build_query(const std::vector<Field>& fields);
/// Standard base64 (RFC 4648 section 4) with padding; decode accepts missing padding and returns
/// nullopt on any other invalid character.
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

/// Reason phrase for a status code ("Not Found"); "Unknown" for codes we never send.
std::string_view reason_phrase(int status);

}  // namespace plm::http
