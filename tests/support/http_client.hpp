#pragma once
/// A blocking HTTP client for tests (libcurl). Tests talk to servers over real loopback HTTP.

#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace plm::test_support {

struct HttpResult {
  int status = 0;  ///< 0 when the request could not be made at all
  std::vector<plm::http::Field> headers;
  std::string body;
  std::string error;  ///< curl's message when status is 0

  std::optional<std::string_view> header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// `path` is appended to the base URL unless it starts with "http". Redirects are not followed.
  HttpResult request(std::string_view method, std::string_view path,
                     const std::vector<plm::http::Field>& headers = {}, std::string_view body = {});
  HttpResult get(std::string_view path, const std::vector<plm::http::Field>& headers = {}) {
    return request("GET", path, headers);
  }

  const std::string& base_url() const { return base_url_; }

 private:
  std::string base_url_;
  void* curl_;  // CURL*, kept for connection reuse
};

}  // namespace plm::test_support
