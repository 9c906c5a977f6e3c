// WebApp::handle called directly (no server) over in-memory fakes: error mapping and the
// plumbing that needs no Spotify.

#include "web/web_app.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/fakes.hpp"
#include "web/errors.hpp"

namespace plm::web {
namespace {

using Json = nlohmann::json;

class NoSpotify final : public SpotifyConnector {
 public:
  std::string client_id() const override { return ""; }
  core::Result<Authorization> begin(const std::string&) override {
    return core::make_error(core::ErrorCode::InvalidInput, "PLM_SPOTIFY_CLIENT_ID is not set");
  }
  core::Result<core::AccountTokens> finish(const std::string&, const std::string&,
                                           const std::string&) override {
    return core::make_error(core::ErrorCode::InvalidInput, "no");
  }
  std::unique_ptr<core::SpotifyApi> spotify_for(const core::SpotifyAccount&) override {
    return std::make_unique<test_support::FakeSpotifyApi>("nobody");
  }
};

Crypto fake_crypto() {
  auto counter = std::make_shared<int>(0);
  return Crypto{[](std::string_view password) { return "hash:" + std::string(password); },
                [](std::string_view hash, std::string_view password) {
                  return hash == "hash:" + std::string(password);
                },
                [counter] { return "token" + std::to_string(++*counter) + "-abcdefghijklmnop"; },
                [](std::string_view token) { return "digest:" + std::string(token); }};
}

http::Request request(std::string method, std::string path, std::string body = {},
                      std::vector<http::Field> headers = {}) {
  http::Request result;
  result.method = std::move(method);
  result.path = path;
  result.target = std::move(path);
  result.body = std::move(body);
  result.headers = std::move(headers);
  result.remote_address = "127.0.0.1";
  return result;
}

class WebAppTest : public ::testing::Test {
 protected:
  WebAppTest()
      : app_(WebDeps{store_, store_, store_, store_, clock_, spotify_, fake_crypto()},
             WebOptions{.static_dir = "", .log = [](std::string_view) {}}) {}
  test_support::InMemoryStore store_;
  test_support::ManualClock clock_;
  NoSpotify spotify_;
  WebApp app_;
};

TEST_F(WebAppTest, ACoreErrorMapsToOneStatusAndCode) {
  const auto now = clock_.now();
  core::Error limited = core::make_error(core::ErrorCode::RateLimited, "wait");
  limited.retry_at = now + std::chrono::seconds(90);

  EXPECT_EQ(api_error(core::make_error(core::ErrorCode::NotFound, "x"), now).status, 404);
  EXPECT_EQ(api_error(core::make_error(core::ErrorCode::NeedsReauth, "x"), now).code,
            "needs_reauth");
  EXPECT_EQ(api_error(core::make_error(core::ErrorCode::NeedsReauth, "x"), now).status, 409);
  EXPECT_EQ(api_error(limited, now).status, 503);
  EXPECT_EQ(api_error(limited, now).retry_after, std::chrono::seconds(90));
  const auto internal = api_error(core::make_error(core::ErrorCode::Internal, "disk /x full"), now);
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.message.find("disk"), std::string::npos);  // internals stay in the log
}

TEST_F(WebAppTest, ErrorBodiesStayValidJsonWhateverTheyEcho) {
  const auto response = error_response(400, "invalid_input", "bad \xff\"\n\x01 byte");
  const auto json = Json::parse(response.body);
  EXPECT_EQ(json["error"]["message"], "bad \xEF\xBF\xBD\"\n\x01 byte");
}

TEST_F(WebAppTest, UnknownRoutesWrongMethodsAndMissingSessionsAnswerInTheErrorShape) {
  const auto unknown = app_.handle(request("GET", "/api/unknown"));
  const auto method = app_.handle(request("DELETE", "/api/playlists"));
  const auto session = app_.handle(request("GET", "/api/playlists"));
  const auto no_spa = app_.handle(request("GET", "/some/page"));

  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Json::parse(unknown.body)["error"]["code"], "not_found");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.header("Allow"), "GET");
  EXPECT_EQ(session.status, 401);
  EXPECT_EQ(no_spa.status, 404);
}

TEST_F(WebAppTest, SetupThenSignInThenConnectWithoutAClientIdAnswersInvalidInput) {
  const std::string code = app_.setup_code();
  ASSERT_FALSE(code.empty());
  const auto setup = app_.handle(
      request("POST", "/api/setup",
              Json{{"username", "root"}, {"password", "0123456789"}, {"setup_code", code}}.dump(),
              {{"Content-Type", "application/json"}}));
  ASSERT_EQ(setup.status, 200) << setup.body;
  const std::string cookie(
      setup.header("Set-Cookie")->substr(0, setup.header("Set-Cookie")->find(';')));
  const std::string csrf = Json::parse(setup.body)["csrf_token"];

  const auto connect = app_.handle(
      request("POST", "/api/accounts/connect", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}));
  const auto jobs = app_.handle(request("GET", "/api/jobs", "", {{"Cookie", cookie}}));

  EXPECT_EQ(connect.status, 400);
  EXPECT_NE(connect.body.find("PLM_SPOTIFY_CLIENT_ID"), std::string::npos);
  EXPECT_EQ(jobs.status, 200);
  EXPECT_EQ(Json::parse(jobs.body)["jobs"], Json::array());
}

TEST_F(WebAppTest, PlaylistListFromMemoryOnlyOnceCachedAndThenLikeHandle) {
  const auto setup = app_.handle(request(
      "POST", "/api/setup",
      Json{{"username", "root"}, {"password", "0123456789"}, {"setup_code", app_.setup_code()}}
          .dump(),
      {{"Content-Type", "application/json"}}));
  ASSERT_EQ(setup.status, 200) << setup.body;
  const std::string cookie(
      setup.header("Set-Cookie")->substr(0, setup.header("Set-Cookie")->find(';')));
  const auto list = request("GET", "/api/playlists", "", {{"Cookie", cookie}});

  const auto before_cached = app_.handle_from_memory(list);
  const auto answered = app_.handle(list);
  const auto from_memory = app_.handle_from_memory(list);
  const auto stranger =
      app_.handle_from_memory(request("GET", "/api/playlists", "", {{"Cookie", "plm_session=x"}}));
  const auto other_route =
      app_.handle_from_memory(request("GET", "/api/accounts", "", {{"Cookie", cookie}}));
  clock_.advance(std::chrono::minutes(2));  // activity is due to be written: not from memory
  const auto due = app_.handle_from_memory(list);

  EXPECT_FALSE(before_cached);
  ASSERT_TRUE(from_memory);
  EXPECT_EQ(from_memory->status, answered.status);
  EXPECT_EQ(from_memory->body, answered.body);
  EXPECT_EQ(from_memory->header("ETag"), answered.header("ETag"));
  EXPECT_TRUE(from_memory->header("X-Request-Id"));
  EXPECT_TRUE(from_memory->header("X-Content-Type-Options"));
  EXPECT_FALSE(stranger);
  EXPECT_FALSE(other_route);
  EXPECT_FALSE(due);
}

}  // namespace
}  // namespace plm::web
