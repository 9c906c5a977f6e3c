// Connecting Spotify accounts through the web API when the tokens misbehave: a first access token
// that is already about to expire, and reconnecting an account whose authorization ended while this
// process keeps one shared authorization per account.

#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

TEST_F(PlmApiTest, ConnectingWithAShortLivedFirstTokenStoresTheRefreshedTokens) {
  start();
  Browser admin = setup_admin();
  // Access tokens that live 60 s (inside the client's 5-minute margin): reading the profile at
  // connect time refreshes before the account exists. Refreshing rotates the refresh token, so
  // storing the tokens from before the refresh would leave a dead one.
  emulator_admin("POST", "/__emulator/config",
                 Json{{"access_token_ttl_s", 60}, {"rotate_refresh_tokens", true}});

  const std::int64_t account = connect(admin);

  ASSERT_GT(account, 0);
  emulator_admin("POST", "/__emulator/config", Json{{"access_token_ttl_s", 3600}});
  EXPECT_EQ(sync(admin, account)["state"], "succeeded");
  EXPECT_EQ(admin.get("/api/accounts").json["accounts"][0]["status"], "active");
}

// Also the proof that a failed sync stays visible (Account.last_sync_failure) until the next
// success, through a reconnection: a failure is not forgotten because the account changed.
TEST_F(PlmApiTest, AnAccountReconnectedAfterItsAuthorizationEndedSyncsAgain) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  auto last_failure = [&] {
    return admin.get("/api/accounts").json["accounts"][0]["last_sync_failure"];
  };
  const Json before_any_sync = last_failure();
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  const Json after_success = last_failure();
  // The user revokes plm in their Spotify settings: the access token is refused (401), and so is
  // the refresh that follows.
  emulator_admin("POST", "/__emulator/revoke", Json{{"user_id", "alice"}});
  const Json failed = sync(admin, account);
  ASSERT_EQ(failed["error"]["code"], "needs_reauth");
  const Json after_failure = last_failure();

  // Reconnected within the same second as the first consent (the clocks stand still): the new
  // tokens carry the same authorized_at, and the process's shared authorization of the account,
  // ended by the refusal, still takes them.
  ASSERT_EQ(connect(admin), account);
  const Json after_reconnecting = last_failure();

  EXPECT_EQ(admin.get("/api/accounts").json["accounts"][0]["status"], "active");
  EXPECT_EQ(sync(admin, account)["state"], "succeeded");
  EXPECT_EQ(before_any_sync, nullptr);
  EXPECT_EQ(after_success, nullptr);
  ASSERT_TRUE(after_failure.is_object()) << after_failure.dump();
  EXPECT_EQ(after_failure["job_id"], failed["id"]);
  EXPECT_EQ(after_failure["code"], "needs_reauth");
  EXPECT_EQ(after_failure["message"], failed["error"]["message"]);
  EXPECT_EQ(after_failure["ended_at"], failed["finished_at"]);
  EXPECT_EQ(after_reconnecting, after_failure);
  EXPECT_EQ(last_failure(), nullptr);
}

}  // namespace
}  // namespace plm::web_test
