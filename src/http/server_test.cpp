#include "http/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "support/flag.hpp"
#include "support/http_client.hpp"

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
