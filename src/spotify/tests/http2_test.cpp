// CurlTransport against a real HTTP/2 server: a local nghttpd over TLS with a throwaway
// self-signed certificate. Proves that HTTP/2 is negotiated (ALPN) and that the CURLSH share keeps
// the connection for the next request. Skipped when nghttpd or openssl is not installed
// (scripts/setup.sh installs both).

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "spotify/transport.hpp"
#include "support/process.hpp"

extern char** environ;

namespace plm::spotify::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// The executable `name` on PATH or in the sbin directories (nghttpd lives in /usr/sbin, which
/// is not on every user's PATH); nullopt when there is none.
std::optional<std::string> find_program(const std::string& name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH")) {
    std::stringstream stream(path);
    for (std::string dir; std::getline(stream, dir, ':');) {
      if (!dir.empty()) dirs.push_back(dir);
    }
  }
  for (const char* dir : {"/usr/local/sbin", "/usr/sbin", "/sbin"}) dirs.emplace_back(dir);
  for (const auto& dir : dirs) {
    const auto candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

/// A fresh directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/plm-http2-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// A loopback port that was free a moment ago (bound to port 0, then closed).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

/// nghttpd on 127.0.0.1:port; killed (and reaped) on destruction. Its output goes to `log`.
class Nghttpd {
 public:
  Nghttpd(const std::string& program, int port, const fs::path& htdocs, const fs::path& key,
          const fs::path& cert, const fs::path& log)
      : port_(port) {
    std::vector<std::string> argv = {
        program,      "-a",         "127.0.0.1", "-d", htdocs.string(), std::to_string(port),
        key.string(), cert.string()};
    std::vector<char*> args;
    for (auto& argument : argv) args.push_back(argument.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    const int failed =
        ::posix_spawn(&pid_, program.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (failed) pid_ = -1;
  }
  ~Nghttpd() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  Nghttpd(const Nghttpd&) = delete;
  Nghttpd& operator=(const Nghttpd&) = delete;

  /// Polls until the server accepts connections (true) or exits, e.g. because another process
  /// took the port first (false). Bounded by `limit`.
  bool wait_ready(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;  // exited: reaped, nothing left to kill
        return false;
      }
      if (accepts_connections(port_)) return true;
      std::this_thread::sleep_for(10ms);  // poll interval, not a guess at start-up time
    }
    return false;
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Http2Test, NegotiatesHttp2OverTlsAndReusesTheConnection) {
  const auto nghttpd = find_program("nghttpd");
  const auto openssl = find_program("openssl");
  if (!nghttpd || !openssl) {
    GTEST_SKIP() << "needs nghttpd (package nghttp2-server) and openssl; scripts/setup.sh "
                    "installs them";
  }

  TempDir dir;
  const auto key = dir.path() / "key.pem";
  const auto cert = dir.path() / "cert.pem";
  const auto htdocs = dir.path() / "htdocs";
  const auto log = dir.path() / "nghttpd.log";
  const auto made = test_support::run_process(
      {*openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
       "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.string(), "-out",
       cert.string()},
      {});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  fs::create_directory(htdocs);
  const std::string content = "hello over h2\n";
  std::ofstream(htdocs / "hello.txt") << content;

  // The port may be taken between free_port() and nghttpd's bind: then nghttpd exits, try again.
  std::optional<Nghttpd> server;
  int port = 0;
  for (int attempt = 0; attempt < 5; ++attempt) {
    port = free_port();
    ASSERT_NE(port, 0) << "no free loopback port";
    server.emplace(*nghttpd, port, htdocs, key, cert, log);
    if (server->wait_ready(10s)) break;
    server.reset();
  }
  ASSERT_TRUE(server) << "nghttpd did not start: " << read_text(log);

  CurlTransport transport(CurlTransportOptions{.ca_file = cert.string()});
  HttpRequest request;
  request.url = "https://127.0.0.1:" + std::to_string(port) + "/hello.txt";
  request.connect_timeout = 5s;
  request.total_timeout = 10s;

  const auto first = transport.send(request);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, content);
  EXPECT_EQ(first->http_version, 2);
  EXPECT_EQ(first->new_connections, 1);

  const auto second = transport.send(request);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, content);
  EXPECT_EQ(second->http_version, 2);
  EXPECT_EQ(second->new_connections, 0) << "the shared connection was not reused";
}

}  // namespace
}  // namespace plm::spotify::testing
