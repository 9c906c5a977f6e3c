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

/// Wall-clock time (`now_`) and monotonic time (`steady_`), moved together by the sleeper; a test
/// can jump the wall clock alone.
class FixedClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return now_; }
  std::chrono::system_clock::time_point now_{std::chrono::seconds(kNowS)};
  SteadyTime steady_{std::chrono::hours(1000)};
};

class RecordingSleeper final : public Sleeper {
 public:
  explicit RecordingSleeper(FixedClock& clock) : clock_(clock) {}
  void sleep_for(Millis duration) override {
    waits.push_back(duration);
    clock_.now_ += duration;
    clock_.steady_ += duration;
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
    if (on_send) on_send();
    if (script.empty()) return core::make_error(ErrorCode::Internal, "script exhausted");
    auto next = std::move(script.front());
    script.pop_front();
    return next;
  }
  void respond(int status, std::string body) {
    script.emplace_back(HttpResponse{status, {}, std::move(body)});
  }
  void respond(int status, std::string body, std::vector<Header> headers) {
    script.emplace_back(HttpResponse{status, std::move(headers), std::move(body)});
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
  std::function<void()> on_send;  ///< e.g. latency: moves the clock while the request is out
};

class ClientLogicTest : public ::testing::Test {
 protected:
  static core::AccountTokens tokens(std::int64_t expires_in_s = 3600) {
    return core::AccountTokens{.access_token = "access-1",
                               .refresh_token = "refresh-1",
                               .scope = "s",
                               .expires_at = kNowS + expires_in_s,
                               .authorized_at = kNowS - 100};
  }
  ClientConfig config() {
    ClientConfig config{.api_base_url = "https://api.test/v1",
                        .accounts_base_url = "https://accounts.test",
                        .client_id = "id",
                        .client_secret = "secret-value",
                        .jitter_seed = 7};
    config.rate_limit.window_budget = 0;
    config.steady_now = [this] { return clock_.steady_; };
    return config;
  }
  std::unique_ptr<Client> make_client(std::int64_t expires_in_s = 3600,
                                      const std::function<void(ClientConfig&)>& adjust = {},
                                      AccountHooks hooks = {}) {
    auto config = this->config();
    if (adjust) adjust(config);
    return std::make_unique<Client>(config, tokens(expires_in_s), transport_, nullptr, clock_,
                                    sleeper_, std::move(hooks));
  }
  /// One account's authorization, to share between clients as app::Services does.
  std::shared_ptr<AccountAuthorization> make_authorization(std::int64_t expires_in_s,
                                                           AccountHooks hooks = {}) {
    return std::make_shared<AccountAuthorization>(authorization_settings(config()),
                                                  tokens(expires_in_s), transport_, clock_,
                                                  std::move(hooks));
  }
  std::unique_ptr<Client> client_of(std::shared_ptr<AccountAuthorization> authorization) {
    return std::make_unique<Client>(config(), std::move(authorization), transport_, nullptr, clock_,
                                    sleeper_);
  }
  /// A client whose token has expired and whose refresh Spotify refuses; `load_tokens` answers
  /// what the store holds then; on_needs_reauth counts into `marked`.
  std::unique_ptr<Client> refused_client(
      std::function<core::Result<core::AccountTokens>()> load_tokens, int& marked) {
    AccountHooks hooks;
    hooks.on_needs_reauth = [&marked](const core::Error&) { ++marked; };
    hooks.load_tokens = std::move(load_tokens);
    transport_.respond(400,
                       R"({"error":"invalid_grant","error_description":"Refresh token revoked"})");
    return make_client(/*expires_in_s=*/0, {}, std::move(hooks));
  }
  int token_requests() const {
    return static_cast<int>(
        std::count_if(transport_.requests.begin(), transport_.requests.end(),
                      [](const auto& r) { return r.url == "https://accounts.test/api/token"; }));
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

TEST_F(ClientLogicTest, AnAnswerTooLargeToAcceptIsNotAskedForAgain) {
  const auto client = make_client();
  transport_.script.emplace_back(
      core::make_error(ErrorCode::BadResponse, "response body larger than 16 bytes"));
  transport_.respond(200, R"({"items": [], "total": 0})");  // what a retry would get

  const auto page = client->playlist_items("p", 0, 50);

  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::BadResponse);
  EXPECT_EQ(page.error().message, "response body larger than 16 bytes");
  EXPECT_EQ(transport_.requests.size(), 1u);
}

TEST_F(ClientLogicTest, TwentyShort429sInARowAreRiddenOut) {
  const auto client = make_client();
  for (int i = 0; i < 20; ++i) transport_.respond(429, "", {{"retry-after", "1"}});
  transport_.respond(200, R"({"id":"alice"})");
  const auto profile = client->current_user();
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(sleeper_.waits, std::vector<Millis>(20, 1s));
  EXPECT_EQ(client->counters().rate_limited, 20);
}

TEST_F(ClientLogicTest, A429StormGivesUpWhenItsWaitBudgetIsSpent) {
  // max_wait 10 s: a budget of 50 s of Retry-After per call.
  const auto client = make_client(3600, [](ClientConfig& c) { c.retry.max_wait = 10s; });
  for (int i = 0; i < 10; ++i) transport_.respond(429, "", {{"retry-after", "9"}});
  const auto profile = client->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::RateLimited);
  EXPECT_EQ(sleeper_.waits, std::vector<Millis>(5, 9s));  // 45 s waited; 54 s would be over
  ASSERT_TRUE(profile.error().retry_at);
  EXPECT_EQ(*profile.error().retry_at, clock_.now_ + 9s);
}

TEST_F(ClientLogicTest, PacingCountsACallFromWhenItsAnswerArrived) {
  const auto client = make_client(
      3600, [](ClientConfig& c) { c.rate_limit = {.window_budget = 1, .window = 30s}; });
  transport_.on_send = [this] { clock_.steady_ += 250ms; };  // the request takes 250 ms
  transport_.respond(200, R"({"id":"alice"})");
  transport_.respond(200, R"({"id":"alice"})");
  ASSERT_TRUE(client->current_user());
  ASSERT_TRUE(client->current_user());
  // Sent at T, counted by the server at T + ≤250 ms: the next call goes at T + 30.25 s, not T + 30.
  EXPECT_EQ(sleeper_.waits, std::vector<Millis>{30s});
}

TEST_F(ClientLogicTest, AWallClockJumpBackDoesNotBlockTheBudget) {
  const auto client = make_client(
      3600, [](ClientConfig& c) { c.rate_limit = {.window_budget = 1, .window = 30s}; });
  transport_.respond(200, R"({"id":"alice"})");
  transport_.respond(200, R"({"id":"alice"})");
  ASSERT_TRUE(client->current_user());
  clock_.now_ -= 1h;      // NTP steps the wall clock back an hour...
  clock_.steady_ += 10s;  // ...while 10 s really pass
  const auto profile = client->current_user();
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(sleeper_.waits, std::vector<Millis>{20s});  // the rest of the window, not an hour
}

TEST_F(ClientLogicTest, NextOffsetCountsFromTheRequestedOffset) {
  const auto client = make_client();
  transport_.respond(200, R"({"items":[{"id":"p1"},null,{"id":"p3"}],"total":60,"next":"n"})");
  const auto page = client->my_playlists(50, 50);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->next_offset, 53);  // the null playlist took a position too
}

TEST_F(ClientLogicTest, LastFailedAddThatLandedIsReportedAsAdded) {
  const auto client = make_client(3600, [](ClientConfig& c) { c.retry.max_retries = 0; });
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.respond(502, "");
  transport_.respond(200, R"({"snapshot_id":"s1","items":{"total":4}})");
  transport_.respond(
      200, R"({"items":[)" + item("spotify:track:a") + R"(],"total":4,"offset":3,"next":null})");
  const auto snapshot = client->add_items("p", {"spotify:track:a"}, std::nullopt);
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(*snapshot, "s1");
  EXPECT_EQ(transport_.count("POST"), 1);
}

TEST_F(ClientLogicTest, LastFailedAddThatDidNotLandIsReportedAsNotAdded) {
  const auto client = make_client(3600, [](ClientConfig& c) { c.retry.max_retries = 0; });
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.respond(502, "");
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  const auto snapshot = client->add_items("p", {"spotify:track:a"}, std::nullopt);
  ASSERT_FALSE(snapshot);
  EXPECT_EQ(snapshot.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(snapshot.error().message.find("may have been applied"), std::string::npos);
  EXPECT_EQ(transport_.count("GET"), 2);  // checked before giving up
}

TEST_F(ClientLogicTest, FailedAddWhoseCheckFailsSaysItMayHaveBeenApplied) {
  const auto client = make_client(3600, [](ClientConfig& c) { c.retry.max_retries = 0; });
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.fail("network error: Timeout was reached");
  transport_.respond(503, "");  // the check
  const auto snapshot = client->add_items("p", {"spotify:track:a"}, std::nullopt);
  ASSERT_FALSE(snapshot);
  EXPECT_EQ(snapshot.error().code, ErrorCode::Unavailable);
  EXPECT_NE(snapshot.error().message.find("may have been applied"), std::string::npos)
      << snapshot.error().message;
  EXPECT_EQ(transport_.count("POST"), 1);
}

TEST_F(ClientLogicTest, ReorderIsNotRepeatedWhenTheSnapshotMoved) {
  const auto client = make_client();
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.respond(502, "");
  transport_.respond(200, R"({"snapshot_id":"s1","items":{"total":3}})");
  const auto snapshot = client->reorder_items("p", 0, 3, 1);
  ASSERT_FALSE(snapshot);
  EXPECT_EQ(snapshot.error().code, ErrorCode::Conflict);
  EXPECT_NE(snapshot.error().message.find("may have been applied; re-read the playlist"),
            std::string::npos);
  EXPECT_EQ(transport_.count("PUT"), 1);
}

TEST_F(ClientLogicTest, ReorderIsRepeatedWhenTheSnapshotShowsItWasNotApplied) {
  const auto client = make_client();
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.fail("network error: Connection reset");
  transport_.respond(200, R"({"snapshot_id":"s0","items":{"total":3}})");
  transport_.respond(200, R"({"snapshot_id":"s2"})");
  const auto snapshot = client->reorder_items("p", 0, 3, 1);
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(*snapshot, "s2");
  EXPECT_EQ(transport_.count("PUT"), 2);
}

TEST_F(ClientLogicTest, RotatedTokensThatCannotBeStoredAreNotUsed) {
  int stored = 0;
  AccountHooks hooks;
  hooks.on_tokens = [&stored](const core::AccountTokens&) -> core::Status {
    ++stored;
    return core::make_error(ErrorCode::Internal, "disk full");
  };
  const auto client = make_client(/*expires_in_s=*/0, {}, hooks);
  transport_.respond(
      200, R"({"access_token":"access-2","refresh_token":"refresh-2","expires_in":3600})");
  const auto profile = client->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::Internal);
  EXPECT_NE(profile.error().message.find("could not store refreshed tokens"), std::string::npos);
  EXPECT_EQ(stored, 1);
  EXPECT_EQ(transport_.requests.size(), 1u);  // no API call after the failed store
  EXPECT_EQ(client->tokens().access_token, "access-1");
  EXPECT_EQ(client->tokens().refresh_token, "refresh-1");
}

TEST_F(ClientLogicTest, UnrotatedTokensThatCannotBeStoredFailTheCallButAreKept) {
  AccountHooks hooks;
  hooks.on_tokens = [](const core::AccountTokens&) -> core::Status {
    return core::make_error(ErrorCode::Internal, "disk full");
  };
  const auto client = make_client(/*expires_in_s=*/0, {}, hooks);
  transport_.respond(200, R"({"access_token":"access-2","expires_in":3600})");
  transport_.respond(200, R"({"id":"alice"})");
  const auto failed = client->current_user();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::Internal);
  // The refresh token did not change, so the stored one still works: the new access token is
  // used from now on, without another refresh.
  EXPECT_EQ(client->tokens().access_token, "access-2");
  EXPECT_EQ(client->tokens().refresh_token, "refresh-1");
  ASSERT_TRUE(client->current_user());
  EXPECT_EQ(transport_.requests.size(), 2u);
  EXPECT_EQ(transport_.requests[1].headers[0].second, "Bearer access-2");
}

TEST_F(ClientLogicTest, AClientStartedAsNeedsReauthMakesNoCalls) {
  int reauth_calls = 0;
  AccountHooks hooks;
  hooks.on_needs_reauth = [&reauth_calls](const core::Error&) { ++reauth_calls; };
  const auto client =
      make_client(/*expires_in_s=*/0, [](ClientConfig& c) { c.start_needs_reauth = true; }, hooks);
  EXPECT_TRUE(client->needs_reauth());
  EXPECT_EQ(client->current_user().error().code, ErrorCode::NeedsReauth);
  EXPECT_EQ(client->my_playlists(0, 50).error().code, ErrorCode::NeedsReauth);
  EXPECT_EQ(client->add_items("p", {"spotify:track:a"}, std::nullopt).error().code,
            ErrorCode::NeedsReauth);
  EXPECT_EQ(client->reorder_items("p", 0, 1, 1).error().code, ErrorCode::NeedsReauth);
  EXPECT_TRUE(transport_.requests.empty());
  EXPECT_EQ(client->counters().calls, 0);
  EXPECT_EQ(reauth_calls, 0);  // already marked: not reported again
}

// ---- one authorization per account, shared by its clients ----

TEST_F(ClientLogicTest, ClientsOfOneAccountShareARotatedRefreshTokenAndCountTheirOwnCalls) {
  std::vector<core::AccountTokens> stored;
  AccountHooks hooks;
  hooks.on_tokens = [&stored](const core::AccountTokens& fresh) {
    stored.push_back(fresh);
    return core::ok();
  };
  const auto authorization = make_authorization(/*expires_in_s=*/60, hooks);
  const auto sync = client_of(authorization);
  const auto edit = client_of(authorization);
  transport_.respond(
      200, R"({"access_token":"access-2","refresh_token":"refresh-2","expires_in":3600})");
  transport_.respond(200, R"({"id":"alice"})");
  transport_.respond(200, R"({"id":"alice"})");
  ASSERT_TRUE(sync->current_user());
  ASSERT_TRUE(edit->current_user());
  EXPECT_EQ(token_requests(), 1);  // the second client did not refresh again with refresh-1
  EXPECT_EQ(transport_.requests[2].headers[0].second, "Bearer access-2");
  EXPECT_EQ(edit->tokens().refresh_token, "refresh-2");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(sync->counters().calls, 1);
  EXPECT_EQ(edit->counters().calls, 1);
}

TEST_F(ClientLogicTest, A401SeenByTwoClientsAtOnceRefreshesOnce) {
  const auto authorization = make_authorization(/*expires_in_s=*/3600);
  const auto a = client_of(authorization);
  const auto b = client_of(authorization);
  const std::string expired = R"({"error":{"status":401,"message":"The access token expired"}})";
  // While a's request (with access-1) is out, b sends with access-1 too, is refused and refreshes.
  transport_.on_send = [&] {
    transport_.on_send = nullptr;
    ASSERT_TRUE(b->current_user());
  };
  transport_.respond(401, expired);  // b
  transport_.respond(200, R"({"access_token":"access-2","expires_in":3600})");
  transport_.respond(200, R"({"id":"alice"})");  // b again
  transport_.respond(401, expired);              // a's answer
  transport_.respond(200, R"({"id":"alice"})");  // a again, with b's new token
  ASSERT_TRUE(a->current_user());
  EXPECT_EQ(token_requests(), 1);
  EXPECT_EQ(transport_.requests.back().headers[0].second, "Bearer access-2");
  EXPECT_EQ(a->counters().calls, 2);
  EXPECT_EQ(b->counters().calls, 2);
}

TEST_F(ClientLogicTest, ARefusedRefreshTakesTheTokensAnotherProcessStored) {
  int marked = 0;
  const auto client = refused_client(
      []() -> core::Result<core::AccountTokens> {
        // Another process refreshed a minute ago: its rotated refresh token, a fresh access token.
        return core::AccountTokens{.access_token = "access-9",
                                   .refresh_token = "refresh-9",
                                   .scope = "s",
                                   .expires_at = kNowS + 3540,
                                   .authorized_at = kNowS - 100};
      },
      marked);
  transport_.respond(200, R"({"id":"alice"})");
  const auto profile = client->current_user();
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(token_requests(), 1);  // its access token is still good: no second refresh
  EXPECT_EQ(transport_.requests[1].headers[0].second, "Bearer access-9");
  EXPECT_FALSE(client->needs_reauth());
  EXPECT_EQ(marked, 0);
}

TEST_F(ClientLogicTest, AStoredTokenAboutToExpireIsRefreshedWithTheStoredRefreshToken) {
  int marked = 0;
  const auto client = refused_client(
      []() -> core::Result<core::AccountTokens> {
        return core::AccountTokens{.access_token = "access-9",
                                   .refresh_token = "refresh-9",
                                   .expires_at = kNowS + 10,
                                   .authorized_at = kNowS - 100};
      },
      marked);
  transport_.respond(200, R"({"access_token":"access-10","expires_in":3600})");
  transport_.respond(200, R"({"id":"alice"})");
  ASSERT_TRUE(client->current_user());
  EXPECT_EQ(token_requests(), 2);
  EXPECT_NE(transport_.requests[1].body.find("refresh_token=refresh-9"), std::string::npos);
  EXPECT_EQ(transport_.requests[2].headers[0].second, "Bearer access-10");
}

TEST_F(ClientLogicTest, OnlyARefusalOfTheStoredRefreshTokenMarksTheAccount) {
  int marked = 0;
  const auto client =
      refused_client([]() -> core::Result<core::AccountTokens> { return tokens(0); }, marked);
  const auto profile = client->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::NeedsReauth);
  EXPECT_TRUE(client->needs_reauth());
  EXPECT_EQ(marked, 1);
  EXPECT_EQ(token_requests(), 1);
}

TEST_F(ClientLogicTest, AStoreThatCannotBeReadAfterARefusalMarksNothing) {
  int marked = 0;
  const auto client = refused_client(
      []() -> core::Result<core::AccountTokens> {
        return core::make_error(ErrorCode::Internal, "database is locked");
      },
      marked);
  const auto profile = client->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::Internal);
  EXPECT_FALSE(client->needs_reauth());
  EXPECT_EQ(marked, 0);
}

TEST_F(ClientLogicTest, AnAuthorizationAdoptsOnlyNewerCopiesOfTheAccount) {
  const auto authorization = make_authorization(/*expires_in_s=*/3600);
  auto stale = tokens(3000);
  stale.refresh_token = "refresh-0";
  authorization->adopt(stale, /*stored_needs_reauth=*/false);  // read before our last refresh
  EXPECT_EQ(authorization->tokens().refresh_token, "refresh-1");

  auto refreshed_elsewhere = tokens(3700);
  refreshed_elsewhere.refresh_token = "refresh-2";
  authorization->adopt(refreshed_elsewhere, false);
  EXPECT_EQ(authorization->tokens().refresh_token, "refresh-2");

  authorization->adopt(refreshed_elsewhere, /*stored_needs_reauth=*/true);  // marked elsewhere
  EXPECT_TRUE(authorization->needs_reauth());

  auto reconnected = tokens(3600);  // a new consent within the same second
  reconnected.refresh_token = "refresh-new";
  authorization->adopt(reconnected, false);
  EXPECT_FALSE(authorization->needs_reauth());
  EXPECT_EQ(authorization->tokens().refresh_token, "refresh-new");

  auto later_consent = tokens(60);
  later_consent.authorized_at = kNowS;
  later_consent.refresh_token = "refresh-later";
  authorization->adopt(later_consent, false);
  EXPECT_EQ(authorization->tokens().refresh_token, "refresh-later");
}

}  // namespace
}  // namespace plm::spotify
