#include "http/server.hpp"

#include <gtest/gtest.h>

#include "support/http_client.hpp"

namespace plm::http {
namespace {

Response echo(const Request& request) {
  std::string body = request.method + " " + request.path;
  for (const auto& [name, value] : request.query) body += " " + name + "=" + value;
  body += " body=" + request.body;
  if (request.path == "/throw") throw std::runtime_error("boom");
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

TEST(Server, StopIsIdempotent) {
  Server server(echo, ServerOptions{});
  server.start();
  server.stop();
  server.stop();
}

}  // namespace
}  // namespace plm::http
