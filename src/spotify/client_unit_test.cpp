// Client logic over a scripted fake transport: the cases a real server cannot stage on demand
// (a timeout after the write was applied, a transient refresh failure).

#include <gtest/gtest.h>

#include <deque>

#include "spotify/client.hpp"

namespace plm::spotify {
namespace {

using core::ErrorCode;
using namespace std::chrono_literals;

constexpr std::int64_t kNowS = 1'793'491'200;

class FixedClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return now_; }
  std::chrono::system_clock::time_point now_{std::chrono::seconds(kNowS)};
};

class RecordingSleeper final : public Sleeper {
 public:
  explicit RecordingSleeper(FixedClock& clock) : clock_(clock) {}
  void sleep_for(Millis duration) override {
    waits.push_back(duration);
    clock_.now_ += duration;
  }
  std::vector<Millis> waits;

 private:
  FixedClock& clock_;
};

/// Answers from a script, in order, and records what was asked.
class ScriptedTransport final : public HttpTransport {
 public:
  core::Result<HttpResponse> send(const HttpRequest& request) override {
    requests.push_back(request);
    if (script.empty()) return core::make_error(ErrorCode::Internal, "script exhausted");
    auto next = std::move(script.front());
    script.pop_front();
    return next;
  }
  void respond(int status, std::string body) {
    script.emplace_back(HttpResponse{status, {}, std::move(body)});
  }
  void fail(std::string message) {
    script.emplace_back(core::make_error(ErrorCode::Unavailable, std::move(message)));
  }
  int count(const std::string& method) const {
    return static_cast<int>(std::count_if(requests.begin(), requests.end(),
                                          [&](const auto& r) { return r.method == method; }));
  }
  std::deque<core::Result<HttpResponse>> script;
  std::vector<HttpRequest> requests;
};

class ClientLogicTest : public ::testing::Test {
 protected:
  std::unique_ptr<Client> make_client(std::int64_t expires_in_s = 3600) {
    core::AccountTokens tokens{.access_token = "access-1",
                               .refresh_token = "refresh-1",
                               .scope = "s",
                               .expires_at = kNowS + expires_in_s,
                               .authorized_at = kNowS - 100};
    ClientConfig config{.api_base_url = "https://api.test/v1",
                        .accounts_base_url = "https://accounts.test",
                        .client_id = "id",
                        .client_secret = "secret-value",
                        .jitter_seed = 7};
    config.rate_limit.window_budget = 0;
    return std::make_unique<Client>(config, tokens, transport_, nullptr, clock_, sleeper_);
  }
  static std::string item(const std::string& uri) {
    return R"({"added_at":"x","is_local":false,"item":{"uri":")" + uri + R"("}})";
  }

  FixedClock clock_;
  RecordingSleeper sleeper_{clock_};
  ScriptedTransport transport_;
};

TEST_F(ClientLogicTest, TimeoutAfterAnAppliedAddIsNotRepeated) {
  const auto client = make_client();
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.fail("network error: Timeout was reached");
  transport_.respond(200, R"({"snapshot_id":"s1","items":{"total":5}})");
  transport_.respond(200, R"({"items":[)" + item("spotify:track:a") + "," +
                              item("spotify:track:b") + R"(],"total":5,"offset":3,"next":null})");
  const auto snapshot =
      client->add_items("p", {"spotify:track:a", "spotify:track:b"}, std::nullopt);
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(*snapshot, "s1");
  EXPECT_EQ(transport_.count("POST"), 1);
  EXPECT_EQ(transport_.requests.back().url,
            "https://api.test/v1/playlists/p/items?limit=2&offset=3");
  EXPECT_EQ(sleeper_.waits.size(), 1u);
}

TEST_F(ClientLogicTest, TimeoutBeforeTheAddLandedRepeatsIt) {
  const auto client = make_client();
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.fail("network error: Connection reset");
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.respond(201, R"({"snapshot_id":"s2"})");
  const auto snapshot = client->add_items("p", {"spotify:track:a"}, 1);
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(*snapshot, "s2");
  EXPECT_EQ(transport_.count("POST"), 2);
  EXPECT_EQ(transport_.requests.back().body, R"({"position":1,"uris":["spotify:track:a"]})");
  EXPECT_EQ(client->counters().retries, 1);
}

TEST_F(ClientLogicTest, SomeoneElsesChangeDuringAFailedAddIsAConflict) {
  const auto client = make_client();
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.respond(502, "");
  transport_.respond(200, R"({"snapshot_id":"s9","items":{"total":4}})");
  const auto snapshot =
      client->add_items("p", {"spotify:track:a", "spotify:track:b"}, std::nullopt);
  ASSERT_FALSE(snapshot);
  EXPECT_EQ(snapshot.error().code, ErrorCode::Conflict);
  EXPECT_EQ(transport_.count("POST"), 1);
}

TEST_F(ClientLogicTest, TransientRefreshFailureKeepsUsingAStillValidToken) {
  const auto client = make_client(/*expires_in_s=*/120);  // inside the 5-minute margin
  transport_.respond(503, "<html>down</html>");           // the refresh
  transport_.respond(200, R"({"id":"alice"})");
  const auto profile = client->current_user();
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(transport_.requests[0].url, "https://accounts.test/api/token");
  EXPECT_EQ(transport_.requests[1].headers[0].second, "Bearer access-1");
  EXPECT_FALSE(client->needs_reauth());
}

TEST_F(ClientLogicTest, RequestsCarryTheBearerAndJsonBodies) {
  const auto client = make_client();
  transport_.respond(200, R"({"snapshot_id":"s"})");
  ASSERT_TRUE(client->remove_items("p 1", {"spotify:track:a"}));
  const auto& request = transport_.requests.at(0);
  EXPECT_EQ(request.method, "DELETE");
  EXPECT_EQ(request.url, "https://api.test/v1/playlists/p%201/items");
  EXPECT_EQ(request.body, R"({"items":[{"uri":"spotify:track:a"}]})");
  EXPECT_EQ(request.connect_timeout, 10s);
}

TEST_F(ClientLogicTest, ErrorMessagesNeverCarryTokensOrSecrets) {
  const auto client = make_client(/*expires_in_s=*/0);
  transport_.respond(400,
                     R"({"error":"invalid_grant","error_description":"Refresh token revoked"})");
  const auto profile = client->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::NeedsReauth);
  for (const char* secret : {"access-1", "refresh-1", "secret-value"}) {
    EXPECT_EQ(profile.error().message.find(secret), std::string::npos) << secret;
  }
}

TEST_F(ClientLogicTest, MalformedSuccessBodyIsABadResponse) {
  const auto client = make_client();
  transport_.respond(200, R"({"items": [{"item": )");
  const auto page = client->playlist_items("p", 0, 50);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::BadResponse);
}

}  // namespace
}  // namespace plm::spotify
