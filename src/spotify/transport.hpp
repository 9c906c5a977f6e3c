#pragma once
/// The HTTP seam of the Spotify client: a request goes out, a status, headers and body come back,
/// or a network error value. `CurlTransport` is the real one (libcurl); tests of the client's logic
/// can substitute a fake.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace plm::spotify {

/// A header: name and value.
using Header = std::pair<std::string, std::string>;

struct HttpRequest {
  std::string method = "GET";  ///< "GET", "POST", "PUT", "DELETE"
  std::string url;             ///< absolute
  std::vector<Header> headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};
};

struct HttpResponse {
  int status = 0;
  std::vector<Header> headers;  ///< names lower-cased (HTTP/2 sends them so anyway)
  std::string body;
  /// HTTP version the answer came over: 10, 11, 2 or 3 (from CURLINFO_HTTP_VERSION); 0 = unknown.
  int http_version = 0;
  /// Connections opened for this request (CURLINFO_NUM_CONNECTS): 0 when a kept-alive one was
  /// reused.
  int new_connections = 0;

  /// First header with this name; `name` must be lower-case.
  std::optional<std::string_view> header(std::string_view name) const;
};

/// Sends one request. Implementations must be safe to call from several threads at once.
///
/// Fails (never throws) with ErrorCode::Unavailable for anything that prevented an HTTP response:
/// DNS, connect, TLS, timeouts, a reset connection; with ErrorCode::BadResponse for an answer
/// whose body is larger than the transport accepts. Any HTTP status, 5xx included, is a value.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual core::Result<HttpResponse> send(const HttpRequest& request) = 0;
};

struct CurlTransportOptions {
  std::string user_agent = "plm/0.1";
  /// Extra CA bundle (tests with a self-signed HTTPS server); empty = system default.
  std::string ca_file;
  /// The largest response body accepted, after decompression; a larger one fails the request
  /// (BadResponse) without being buffered past this. Spotify's largest answers (a page of 100
  /// items with full track objects) are a few hundred KB.
  std::size_t max_response_bytes = 16 * 1024 * 1024;
};

/// libcurl, one easy handle per request and a pool of CURLSH shares (connections, DNS cache, TLS
/// sessions), each lent to one request at a time (libcurl does not support one connection cache
/// used by concurrent threads), so keep-alive connections are reused across calls and accounts.
/// HTTP/2 is used where the server offers it over TLS (CURL_HTTP_VERSION_2TLS). Proxy environment
/// variables (https_proxy, no_proxy, ...) are honoured as libcurl does by default.
class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlTransportOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  core::Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  struct Shared;
  struct SharePool;
  CurlTransportOptions options_;
  std::unique_ptr<SharePool> shares_;
};

}  // namespace plm::spotify
