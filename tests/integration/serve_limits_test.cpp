// What `plm serve`'s HTTP server refuses before the web app sees a request (app::web_server_options
// over the real wiring): body limits by session cookie, the connection caps from the Config, and
// the app's error shape for all of it.

#include "support/raw_client.hpp"
#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using test_support::RawClient;

/// A JSON object of `size` bytes.
std::string json_of_size(std::size_t size) {
  std::string body = R"({"padding":")";
  body += std::string(size - body.size() - 2, 'p');
  body += "\"}";
  return body;
}

TEST_F(PlmApiTest, BodiesWithoutASessionAreRefusedBeforeTheyAreRead) {
  start();
  RawClient client(server_->port());
  // The head only: the refusal must come without waiting for a body the server will not take.
  client.send(
      "POST /api/session HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Content-Length: 100000\r\n\r\n");

  ASSERT_TRUE(client.read_until_closed());
  EXPECT_EQ(client.status(), 413);
  EXPECT_EQ(Json::parse(client.body()), Json::parse(R"({"error":{"code":"payload_too_large",
                                     "message":"the request body is too large"}})"));
}

TEST_F(PlmApiTest, RequestsWithASessionCookieMaySendUpToTwoMebibytes) {
  start();
  Browser admin = setup_admin();
  test_support::HttpClient client(base_url());
  const std::vector<http::Field> headers{{"Cookie", admin.cookie_header()},
                                         {"X-CSRF-Token", admin.csrf()},
                                         {"Content-Type", "application/json"}};

  // Read by the server, then refused by the app's own JSON limit (64 KiB), which names the size;
  // beyond 2 MiB (a paste's limit, the largest route's) the server refuses it unread.
  const auto read = client.request("POST", "/api/users", headers, json_of_size(100'000));
  const auto too_large = client.request("POST", "/api/users", headers, json_of_size(2'200'000));

  EXPECT_EQ(read.status, 413);
  EXPECT_NE(read.body.find("the body has 100000 bytes"), std::string::npos) << read.body;
  EXPECT_EQ(too_large.status, 413);
  EXPECT_NE(too_large.body.find("the request body is too large"), std::string::npos)
      << too_large.body;
}

TEST(WebServerOptions, TakeTheConnectionCapsFromTheConfig) {
  auto config = app::build_config({{"PLM_DATA_DIR", "/nonexistent"},
                                   {"PLM_MAX_CONNECTIONS", "300"},
                                   {"PLM_MAX_CONNECTIONS_PER_ADDRESS", "30"}},
                                  {}, {}, "");
  ASSERT_TRUE(config) << config.error().message;
  const std::unique_ptr<web::WebApp> no_app;

  const auto direct = app::web_server_options(*config, no_app);
  config->trust_proxy = true;
  const auto behind_proxy = app::web_server_options(*config, no_app);

  EXPECT_EQ(direct.max_connections, 300u);
  EXPECT_EQ(direct.max_connections_per_address, 30u);
  // Every client of a proxy has the proxy's address.
  EXPECT_EQ(behind_proxy.max_connections_per_address, 300u);
  const auto over_cap = direct.error_response(503, "Too many connections");
  EXPECT_EQ(over_cap.status, 503);
  EXPECT_EQ(Json::parse(over_cap.body)["error"]["code"], "unavailable");
}

TEST(WebServerOptions, OnlyAnImportUploadWithASessionMayExceedTwoMebibytes) {
  auto config = app::build_config({{"PLM_DATA_DIR", "/nonexistent"}}, {}, {}, "");
  ASSERT_TRUE(config) << config.error().message;
  const std::unique_ptr<web::WebApp> no_app;
  const auto options = app::web_server_options(*config, no_app);
  const auto limit = [&](std::string method, std::string path, bool cookie) {
    http::RequestHead head;
    head.method = std::move(method);
    head.path = std::move(path);
    if (cookie) head.headers.emplace_back("Cookie", "theme=dark; plm_session=abc");
    return options.body_limit_for(head);
  };
  constexpr std::size_t kMiB = 1024 * 1024;

  // The route takes files up to 20 MiB; the server reads a little more, for the app's own 413.
  EXPECT_EQ(limit("POST", "/api/accounts/12/imports", true), 22 * kMiB);
  EXPECT_EQ(options.max_body_bytes, 22 * kMiB);
  EXPECT_EQ(limit("POST", "/api/accounts/12/imports", false), 64 * 1024u);
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/api/accounts/12/pastes"},
                                                        {"PUT", "/api/accounts/12/imports"},
                                                        {"POST", "/api/accounts/x/imports"},
                                                        {"POST", "/api/accounts//imports"},
                                                        {"POST", "/api/accounts/12/imports/1"},
                                                        {"POST", "/api/imports/3/apply"}}) {
    EXPECT_EQ(limit(method, path, true), 2 * kMiB) << method << " " << path;
  }
}

}  // namespace
}  // namespace plm::web_test
