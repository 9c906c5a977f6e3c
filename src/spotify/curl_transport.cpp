#include <curl/curl.h>

#include <array>
#include <cctype>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "spotify/transport.hpp"

namespace plm::spotify {

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

namespace {

void global_init() {
  // curl_global_init is not thread-safe in 7.88; do it once, before any handle exists.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

/// Where the body goes: up to `limit` bytes; past that, the transfer is aborted.
struct BodySink {
  std::string* body;
  std::size_t limit;
  bool too_large = false;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  auto& sink = *static_cast<BodySink*>(user);
  const std::size_t bytes = size * count;
  if (bytes > sink.limit - sink.body->size()) {
    sink.too_large = true;
    return 0;  // anything but `bytes` makes libcurl stop with CURLE_WRITE_ERROR
  }
  sink.body->append(data, bytes);
  return bytes;
}

size_t write_header(char* data, size_t size, size_t count, void* user) {
  auto& headers = *static_cast<std::vector<Header>*>(user);
  std::string_view line(data, size * count);
  // A new status line starts a new header block (100 Continue, proxies): keep only the last one.
  if (line.starts_with("HTTP/")) {
    headers.clear();
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  headers.emplace_back(std::move(name), std::string(value));
  return size * count;
}

/// CURLINFO_HTTP_VERSION's constant as the number people write: 10, 11, 2, 3; 0 if unknown.
int http_version_number(long version) {
  switch (version) {
    case CURL_HTTP_VERSION_1_0:
      return 10;
    case CURL_HTTP_VERSION_1_1:
      return 11;
    case CURL_HTTP_VERSION_2_0:
      return 2;
    case CURL_HTTP_VERSION_3:
      return 3;
    default:
      return 0;
  }
}

}  // namespace

/// A CURLSH share and its locks (libcurl calls back to lock each kind of shared data; a share is
/// used by one request at a time, but libcurl asks for the locks all the same).
struct CurlTransport::Shared {
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  CURLSH* share = nullptr;

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Shared*>(user)->locks[static_cast<std::size_t>(data)].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Shared*>(user)->locks[static_cast<std::size_t>(data)].unlock();
  }

  Shared() {
    share = curl_share_init();
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Shared::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Shared::unlock);
  }
  ~Shared() { curl_share_cleanup(share); }
};

/// The shares, each lent to one request at a time. libcurl does not support sharing a connection
/// cache between concurrent threads (CURLSHOPT_SHARE(3)): with several lines of a paste matched
/// at once, two threads sharing one cache hung in curl_easy_perform past every timeout. A share
/// lent out whole keeps what sharing is for (keep-alive connections, DNS, TLS sessions reused by
/// the next request, whichever thread sends it) with one user at a time; the pool grows to the
/// number of requests ever in flight at once.
struct CurlTransport::SharePool {
  std::mutex mutex;
  std::vector<std::unique_ptr<Shared>> idle;

  std::unique_ptr<Shared> take() {
    {
      const std::lock_guard lock(mutex);
      if (!idle.empty()) {
        auto share = std::move(idle.back());
        idle.pop_back();
        return share;
      }
    }
    return std::make_unique<Shared>();
  }
  void give_back(std::unique_ptr<Shared> share) {
    const std::lock_guard lock(mutex);
    idle.push_back(std::move(share));
  }
};

CurlTransport::CurlTransport(CurlTransportOptions options)
    : options_(std::move(options)), shares_(std::make_unique<SharePool>()) {
  global_init();
}

CurlTransport::~CurlTransport() = default;

core::Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  // Declared before the easy handle, so the handle is cleaned up (and leaves the share) before the
  // share goes back to the pool.
  struct Lease {
    SharePool& pool;
    std::unique_ptr<Shared> share;
    ~Lease() { pool.give_back(std::move(share)); }
  } lease{*shares_, shares_->take()};
  CURL* curl = curl_easy_init();
  if (!curl) return core::make_error(core::ErrorCode::Internal, "curl_easy_init failed");
  HttpResponse response;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  // No "Expect: 100-continue" round trip for bodies over 1 KB.
  headers = curl_slist_append(headers, "Expect:");

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_SHARE, lease.share->share);
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(curl, CURLOPT_PIPEWAIT, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever this libcurl can decode
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer.data());
  BodySink sink{&response.body, options_.max_response_bytes};
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  // A declared Content-Length over the limit stops the transfer before the body; the callback
  // covers chunked and compressed bodies.
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_response_bytes));
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &write_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (request.method != "GET" || !request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }

  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  long version = 0;
  curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &version);
  long connects = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (sink.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return core::make_error(core::ErrorCode::BadResponse,
                            "response body larger than " +
                                std::to_string(options_.max_response_bytes) +
                                " bytes (the limit of plm's HTTP client)");
  }
  if (code != CURLE_OK) {
    // The message names the failure (timeout, connection refused); it never holds headers, so no
    // token can leak through it.
    std::string message = std::string("network error: ") + curl_easy_strerror(code);
    if (error_buffer[0] != '\0') message += std::string(" (") + error_buffer.data() + ")";
    return core::make_error(core::ErrorCode::Unavailable, std::move(message));
  }
  response.status = static_cast<int>(status);
  response.http_version = http_version_number(version);
  response.new_connections = static_cast<int>(connects);
  return response;
}

}  // namespace plm::spotify
