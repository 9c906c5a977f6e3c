#include "http/server.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "support/flag.hpp"
#include "support/http_client.hpp"
#include "support/raw_client.hpp"

namespace plm::http {
namespace {

Response echo(const Request& request) {
  std::string body = request.method + " " + request.path;
  for (const auto& [name, value] : request.query) body += " " + name + "=" + value;
  body += " body=" + request.body;
  if (request.path == "/throw") throw std::runtime_error("boom");
  if (request.path == "/throw-int") throw 42;
  if (request.path == "/204") return Response::text(204, "a body that must not be sent");
  if (request.path == "/304") {
    auto response = Response::text(304, "a body that must not be sent");
    response.set_header("ETag", "\"v1\"");
    return response;
  }
  if (request.path == "/slow") {
    auto response = Response::text(200, body);
    response.delay = std::chrono::milliseconds(1);
    return response;
  }
  return Response::text(200, body);
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : server_(echo, ServerOptions{.max_body_bytes = 1024}) { server_.start(); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  Server server_;
};

TEST_F(ServerTest, BindsAFreePortAndPassesDecodedRequestToHandler) {
  test_support::HttpClient client(base());

  const auto result = client.request("POST", "/a%20b?x=1&y=%C3%A9", {}, "hello");

  EXPECT_NE(server_.port(), 0);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "POST /a b x=1 y=\xC3\xA9 body=hello");
}

TEST_F(ServerTest, ReusesTheConnectionForManyRequests) {
  test_support::HttpClient client(base());
  for (int i = 0; i < 50; ++i) ASSERT_EQ(client.get("/x").status, 200);
}

TEST_F(ServerTest, AnswersJson500WithoutDetailsWhenTheHandlerThrows) {
  test_support::HttpClient client(base());

  const auto result = client.get("/throw");

  EXPECT_EQ(result.status, 500);
  EXPECT_EQ(result.body.find("boom"), std::string::npos);
}

TEST_F(ServerTest, AnswersTooLargeBodiesWith413) {
  test_support::HttpClient client(base());

  const auto result = client.request("POST", "/x", {}, std::string(4096, 'a'));

  EXPECT_EQ(result.status, 413);
}

TEST_F(ServerTest, HonoursResponseDelay) {
  test_support::HttpClient client(base());
  EXPECT_EQ(client.get("/slow").status, 200);
}

TEST_F(ServerTest, AnswersTheSameJsonBodyForAnyThrownValue) {
  test_support::HttpClient client(base());

  const auto thrown_exception = client.get("/throw");
  const auto thrown_int = client.get("/throw-int");

  EXPECT_EQ(thrown_exception.body, R"({"error":{"status":500,"message":"Server error"}})");
  EXPECT_EQ(thrown_exception.header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(thrown_int.status, 500);
  EXPECT_EQ(thrown_int.body, thrown_exception.body);
}

TEST_F(ServerTest, HeadSendsTheLengthOfTheGetBodyButNoBody) {
  test_support::HttpClient client(base());

  const auto get = client.get("/x");
  const auto head = client.request("HEAD", "/x");
  const auto after = client.get("/after");  // same connection: framing stayed right

  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(get.body, "GET /x body=");
  EXPECT_EQ(head.header("Content-Length"), std::to_string(std::string("HEAD /x body=").size()));
  EXPECT_EQ(after.body, "GET /after body=");
}

TEST_F(ServerTest, NoContentAndNotModifiedCarryNoBody) {
  test_support::HttpClient client(base());

  const auto no_content = client.get("/204");
  const auto not_modified = client.get("/304");
  const auto after = client.get("/after");  // a stray body would be read as this response

  EXPECT_EQ(no_content.status, 204);
  EXPECT_EQ(no_content.body, "");
  EXPECT_FALSE(no_content.header("Content-Length").has_value());
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(not_modified.body, "");
  EXPECT_EQ(not_modified.header("ETag"), "\"v1\"");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, "GET /after body=");
}

using test_support::Flag;
using test_support::RawClient;

std::string post_with_transfer_encoding(std::string_view coding, std::string_view version) {
  return "POST /x " + std::string(version) +
         "\r\nHost: test\r\nTransfer-Encoding: " + std::string(coding) +
         "\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
}

TEST_F(ServerTest, UnknownTransferCodingsAnswer501AndCloseTheConnection) {
  // RFC 9112 section 6.1. Beast frames these as bodiless, so the handler would see an empty body
  // and the bytes that follow would be read as the next request.
  for (const std::string_view coding : {"gzip", "gzip, chunked", "chunked, chunked", "identity"}) {
    RawClient client(server_.port());
    client.send(post_with_transfer_encoding(coding, "HTTP/1.1"));

    ASSERT_TRUE(client.read_until_closed()) << coding;
    EXPECT_EQ(client.status(), 501) << coding;
    EXPECT_EQ(client.body(),
              R"({"error":{"status":501,"message":"Transfer coding not implemented"}})")
        << coding;
  }
}

TEST_F(ServerTest, ChunkedRequestBodiesAreRead) {
  RawClient client(server_.port());
  client.send(post_with_transfer_encoding("Chunked", "HTTP/1.1"));

  ASSERT_TRUE(client.read_until_contains("body=hello"));
  EXPECT_EQ(client.status(), 200);
}

/// A server that accepts up to 1 KiB of body from requests carrying `X-Signed-In` and 16 bytes
/// from the rest, remembering the last head it was asked about.
class BodyLimitTest : public ::testing::Test {
 protected:
  BodyLimitTest()
      : server_(echo,
                ServerOptions{.max_body_bytes = 1024,
                              .body_limit_for = [this](const RequestHead& head) -> std::size_t {
                                std::lock_guard lock(mutex_);
                                last_head_ = head;
                                return head.header("X-Signed-In") ? 1024 : 16;
                              },
                              .max_header_bytes = 1024}) {
    server_.start();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
  RequestHead last_head() {
    std::lock_guard lock(mutex_);
    return last_head_;
  }

  std::mutex mutex_;
  RequestHead last_head_;
  Server server_;
};

TEST_F(BodyLimitTest, TheHookChoosesTheLimitFromTheHead) {
  test_support::HttpClient client(base());

  const auto anonymous = client.request("POST", "/x?y=1", {}, std::string(100, 'a'));
  const auto signed_in =
      client.request("POST", "/x?y=1", {{"X-Signed-In", "1"}}, std::string(100, 'a'));
  const auto small = client.request("POST", "/x", {}, "tiny");

  EXPECT_EQ(anonymous.status, 413);
  EXPECT_EQ(anonymous.body, R"({"error":{"status":413,"message":"Request entity too large"}})");
  EXPECT_EQ(signed_in.status, 200);
  EXPECT_EQ(signed_in.body, "POST /x y=1 body=" + std::string(100, 'a'));
  EXPECT_EQ(small.body, "POST /x body=tiny");
  const RequestHead head = last_head();
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(head.target, "/x");
  EXPECT_EQ(head.path, "/x");
  EXPECT_EQ(head.remote_address, "127.0.0.1");
  EXPECT_EQ(head.header("Content-Length"), "4");
}

TEST_F(BodyLimitTest, RefusesADeclaredLengthBeforeTheBodyArrives) {
  RawClient client(server_.port());
  // Only the head: the refusal must not wait for a body the server will not take.
  client.send("POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n");

  ASSERT_TRUE(client.read_until_closed());
  EXPECT_EQ(client.status(), 413);
}

TEST_F(BodyLimitTest, CountsChunkedBodiesAgainstTheLimit) {
  RawClient anonymous(server_.port());
  RawClient signed_in(server_.port());
  const std::string chunks = "20\r\n" + std::string(32, 'c') + "\r\n0\r\n\r\n";

  anonymous.send("POST /x HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
  signed_in.send(
      "POST /x HTTP/1.1\r\nHost: test\r\nX-Signed-In: 1\r\nTransfer-Encoding: chunked\r\n\r\n" +
      chunks);

  ASSERT_TRUE(anonymous.read_until_closed());
  EXPECT_EQ(anonymous.status(), 413);
  ASSERT_TRUE(signed_in.read_until_contains("body=" + std::string(32, 'c')));
  EXPECT_EQ(signed_in.status(), 200);
}

TEST_F(BodyLimitTest, MaxBodyBytesBoundsWhatTheHookAllows) {
  Server server(echo, ServerOptions{.max_body_bytes = 16,
                                    .body_limit_for = [](const RequestHead&) -> std::size_t {
                                      return 1'000'000;
                                    }});
  server.start();
  RawClient client(server.port());
  client.send("POST /x HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" +
              std::string(32, 'c') + "\r\n0\r\n\r\n");

  ASSERT_TRUE(client.read_until_closed());
  EXPECT_EQ(client.status(), 413);
}

TEST_F(BodyLimitTest, TheRefusalArrivesEvenWhenTheClientSendsItsWholeBody) {
  RawClient client(server_.port());
  // More than the socket buffers hold: a server that closed after refusing would reset the
  // connection while the client still sends (as a browser uploading a file does), so the client
  // would never read the 413.
  const std::size_t size = 8 * 1024 * 1024;
  client.send("POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(size) +
              "\r\n\r\n" + std::string(size, 'a'));

  ASSERT_TRUE(client.read_until_closed());
  EXPECT_EQ(client.status(), 413);
}

TEST_F(BodyLimitTest, HeadersAboveTheLimitAnswer431) {
  RawClient client(server_.port());
  client.send("GET /x HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(2000, 'p') + "\r\n\r\n");

  ASSERT_TRUE(client.read_until_closed());
  EXPECT_EQ(client.status(), 431);
  EXPECT_EQ(client.body(),
            R"({"error":{"status":431,"message":"Request header fields too large"}})");
}

TEST_F(ServerTest, TransferEncodingInHttp10IsRefusedAsMalformed) {
  // RFC 9112 section 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
  RawClient client(server_.port());
  client.send(post_with_transfer_encoding("chunked", "HTTP/1.0"));

  ASSERT_TRUE(client.read_until_closed());
  EXPECT_EQ(client.status(), 400);
}

TEST(ServerHandlerPool, BlockingHandlerDoesNotDelayOtherConnections) {
  Flag slow_started;
  Flag fast_answered;
  std::atomic<bool> fast_finished_first{false};
  // One I/O thread: without the pool, /slow would hold it and /fast could not even be read.
  Server server(
      [&](const Request& request) {
        if (request.path == "/slow") {
          slow_started.set();
          // Stands for blocking work (Argon2id, a database). It blocks until /fast has been
          // answered: with the pool that takes milliseconds; without it, never, and the 10 s cap
          // turns the hang into a failure. No timing threshold can flake.
          fast_finished_first = fast_answered.wait(std::chrono::seconds(10));
          return Response::text(200, "slow");
        }
        return Response::text(200, "fast");
      },
      ServerOptions{.threads = 1, .handler_threads = 2});
  server.start();
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());

  test_support::HttpResult slow;
  std::thread slow_client([&] { slow = test_support::HttpClient(base).get("/slow"); });
  ASSERT_TRUE(slow_started.wait());
  const auto fast = test_support::HttpClient(base).get("/fast");
  fast_answered.set();
  slow_client.join();

  EXPECT_EQ(fast.body, "fast");
  EXPECT_EQ(slow.body, "slow");
  EXPECT_TRUE(fast_finished_first);
}

TEST(ServerHandlerPool, AnswersJson500WhenTheHandlerThrows) {
  Server server(echo, ServerOptions{.handler_threads = 1});
  server.start();
  test_support::HttpClient client("http://127.0.0.1:" + std::to_string(server.port()));

  const auto thrown = client.get("/throw");
  const auto after = client.get("/x");

  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(thrown.body, R"({"error":{"status":500,"message":"Server error"}})");
  EXPECT_EQ(after.body, "GET /x body=");
}

TEST(ServerHandlerPool, StopWaitsForRunningHandlers) {
  Flag started;
  Flag release;
  std::atomic<bool> finished{false};
  Server server(
      [&](const Request&) {
        started.set();
        release.wait();
        finished = true;
        return Response::text(200, "late");
      },
      ServerOptions{.handler_threads = 1});
  server.start();
  std::thread client([&] {
    test_support::HttpClient("http://127.0.0.1:" + std::to_string(server.port())).get("/");
  });
  ASSERT_TRUE(started.wait());

  std::thread releaser([&] { release.set(); });
  server.stop();

  EXPECT_TRUE(finished);
  releaser.join();
  client.join();
}

/// Keeps this process from opening any new file descriptor while it lives: the soft limit drops
/// to the lowest free descriptor number, so accept() fails with EMFILE as on a server that ran
/// out of them.
class DescriptorExhaustion {
 public:
  DescriptorExhaustion() {
    if (::getrlimit(RLIMIT_NOFILE, &saved_) != 0) throw std::runtime_error("getrlimit failed");
    const int lowest_free = ::open("/dev/null", O_RDONLY);
    if (lowest_free < 0) throw std::runtime_error("open failed");
    ::close(lowest_free);
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(lowest_free);
    if (::setrlimit(RLIMIT_NOFILE, &lowered) != 0) throw std::runtime_error("setrlimit failed");
  }
  ~DescriptorExhaustion() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  DescriptorExhaustion(const DescriptorExhaustion&) = delete;
  DescriptorExhaustion& operator=(const DescriptorExhaustion&) = delete;

 private:
  rlimit saved_{};
};

/// What ServerOptions::on_accept_error reported, for a test to wait on.
class AcceptErrors {
 public:
  void record(std::string_view error, std::chrono::milliseconds retry_in) {
    {
      std::lock_guard lock(mutex_);
      errors_.emplace_back(error);
      waits_.push_back(retry_in);
    }
    changed_.notify_all();
  }
  bool wait_for_count(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return waits_.size() >= count; });
  }
  std::vector<std::chrono::milliseconds> waits() {
    std::lock_guard lock(mutex_);
    return waits_;
  }
  std::vector<std::string> errors() {
    std::lock_guard lock(mutex_);
    return errors_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> errors_;
  std::vector<std::chrono::milliseconds> waits_;
};

TEST(ServerAcceptErrors, WaitLongerAfterEachFailureAndStartOverAfterASuccess) {
#ifdef __SANITIZE_ADDRESS__
  // The asan preset also enables UBSan, whose vptr check probes memory through a pipe: with no
  // descriptor left it reports every virtual call as a bad one. The release run covers this test.
  GTEST_SKIP() << "needs a process without sanitizers: UBSan's vptr check opens a pipe";
#endif
  using std::chrono::milliseconds;
  AcceptErrors reported;
  Server server(
      echo, ServerOptions{.accept_retry_min = milliseconds(1),
                          .accept_retry_max = milliseconds(4),
                          .on_accept_error = [&](std::string_view error, milliseconds retry_in) {
                            reported.record(error, retry_in);
                          }});
  server.start();
  // The sockets exist before descriptors run out; connecting needs none.
  RawClient first;
  RawClient second;

  {
    DescriptorExhaustion exhausted;
    first.connect(server.port());
    ASSERT_TRUE(reported.wait_for_count(5));
  }
  first.get("/first");  // accepted once descriptors are back
  ASSERT_TRUE(first.read_until_contains("GET /first"));
  const std::size_t before_success = reported.waits().size();
  {
    DescriptorExhaustion exhausted;
    second.connect(server.port());
    ASSERT_TRUE(reported.wait_for_count(before_success + 2));
  }
  second.get("/second");
  ASSERT_TRUE(second.read_until_contains("GET /second"));

  const auto waits = reported.waits();
  // Without the wait, accept() fails again at once: thousands of failures a millisecond at full
  // CPU, each reported with no wait at all.
  EXPECT_EQ(std::vector<milliseconds>(waits.begin(), waits.begin() + 5),
            (std::vector<milliseconds>{milliseconds(1), milliseconds(2), milliseconds(4),
                                       milliseconds(4), milliseconds(4)}));
  EXPECT_EQ(waits[before_success], milliseconds(1));
  EXPECT_EQ(waits[before_success + 1], milliseconds(2));
  EXPECT_EQ(reported.errors().front(), std::strerror(EMFILE));
}

/// An application error shape, to see that turned-away connections get it.
Response app_error(int status, std::string_view message) {
  return Response::json(status, R"({"app_error":")" + std::string(message) + "\"}");
}

TEST(ServerConnectionCaps, AConnectionOverTheTotalGets503UntilAnotherCloses) {
  Server server(echo, ServerOptions{.max_connections = 2,
                                    .max_connections_per_address = 2,
                                    .error_response = app_error});
  server.start();
  RawClient first(server.port());
  RawClient second(server.port());
  first.get("/first");
  second.get("/second");
  ASSERT_TRUE(first.read_until_contains("GET /first"));
  ASSERT_TRUE(second.read_until_contains("GET /second"));

  RawClient third(server.port());
  ASSERT_TRUE(third.read_until_closed());
  EXPECT_EQ(third.status(), 503);
  EXPECT_EQ(third.body(), R"({"app_error":"Too many connections"})");
  EXPECT_NE(third.head().find("Connection: close\r\n"), std::string::npos) << third.head();

  first.shut_down_sending();
  ASSERT_TRUE(first.read_until_closed());  // the server has let it go
  RawClient fourth(server.port());
  fourth.get("/fourth");
  EXPECT_TRUE(fourth.read_until_contains("GET /fourth"));
}

TEST(ServerConnectionCaps, TheCapPerAddressLeavesOtherAddressesServed) {
  Server server(echo, ServerOptions{.max_connections = 10, .max_connections_per_address = 1});
  server.start();
  RawClient first(server.port(), "127.0.0.1");
  first.get("/first");
  ASSERT_TRUE(first.read_until_contains("GET /first"));

  RawClient same_address(server.port(), "127.0.0.1");
  RawClient other_address(server.port(), "127.0.0.2");
  other_address.get("/other");

  ASSERT_TRUE(same_address.read_until_closed());
  EXPECT_EQ(same_address.status(), 503);
  EXPECT_EQ(same_address.body(), R"({"error":{"status":503,"message":"Too many connections"}})");
  EXPECT_TRUE(other_address.read_until_contains("GET /other"));
}

TEST(ConnectionGroup, CountsAnIpv6ClientByItsSlash64AndAnIpv4OneByItsAddress) {
  EXPECT_EQ(connection_group("192.0.2.7"), "192.0.2.7");
  // Any of the 2^64 addresses of one allocation is the same client.
  EXPECT_EQ(connection_group("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(connection_group("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  EXPECT_NE(connection_group("2001:db8:1:3::1"), connection_group("2001:db8:1:2::1"));
  EXPECT_EQ(connection_group("::1"), "::/64");
  // An IPv4 client on a dual-stack socket counts with the same client over IPv4.
  EXPECT_EQ(connection_group("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(connection_group(""), "");
  EXPECT_EQ(connection_group("not an address"), "not an address");
}

struct Logged {
  std::string method;
  std::string path;
  int status = 0;
  std::string body;
  std::chrono::nanoseconds elapsed{};
};

TEST(ServerResponseHook, SeesEveryResponseWithItsBodyAfterWritingIt) {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Logged> logged;
  Server server(echo,
                ServerOptions{.max_body_bytes = 16,
                              .on_response = [&](const Request& request, const Response& response,
                                                 std::chrono::nanoseconds elapsed) {
                                {
                                  std::lock_guard lock(mutex);
                                  logged.push_back({request.method, request.path, response.status,
                                                    response.body, elapsed});
                                }
                                changed.notify_all();
                              }});
  server.start();
  test_support::HttpClient client("http://127.0.0.1:" + std::to_string(server.port()));

  ASSERT_EQ(client.get("/a").status, 200);
  ASSERT_EQ(client.request("HEAD", "/b").status, 200);
  ASSERT_EQ(client.get("/throw").status, 500);
  ASSERT_EQ(client.request("POST", "/big", {}, std::string(100, 'x')).status, 413);

  std::unique_lock lock(mutex);
  // The hook runs after the write, so the client may see a response before it is logged.
  ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return logged.size() == 4; }));
  EXPECT_EQ(logged[0].method, "GET");
  EXPECT_EQ(logged[0].path, "/a");
  EXPECT_EQ(logged[0].status, 200);
  EXPECT_EQ(logged[0].body, "GET /a body=");
  EXPECT_GT(logged[0].elapsed.count(), 0);
  EXPECT_EQ(logged[1].method, "HEAD");
  EXPECT_EQ(logged[1].body, "HEAD /b body=");  // what the handler made, though not sent
  EXPECT_EQ(logged[2].status, 500);
  EXPECT_EQ(logged[3].status, 413);
  EXPECT_EQ(logged[3].path, "/big");
}

TEST(Server, StopIsIdempotent) {
  Server server(echo, ServerOptions{});
  server.start();
  server.stop();
  server.stop();
}

}  // namespace
}  // namespace plm::http
