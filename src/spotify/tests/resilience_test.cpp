// 429s, quota, 5xx, writes behind failures, pacing and network errors. Waiting goes through the
// fake sleeper, which moves the emulator's clock: nothing here sleeps.

#include <gtest/gtest.h>

#include <numeric>

#include "spotify/tests/spotify_fixture.hpp"

namespace plm::spotify::testing {
namespace {

using core::ErrorCode;
using namespace std::chrono_literals;

class ResilienceTest : public SpotifyClientTest {
 protected:
  void SetUp() override { client_ = make_client(mint_tokens("alice")); }
  void add_fault(const Json& rule) {
    ASSERT_EQ(admin("POST", "/__emulator/faults", Json{{"rules", Json::array({rule})}}).status,
              201);
  }
  std::chrono::system_clock::time_point now() const { return core_clock_.now(); }
  std::unique_ptr<Client> client_;
};

TEST_F(ResilienceTest, StormOf429sIsWaitedOut) {
  add_fault({{"kind", "rate_limit"}, {"count", 5}, {"retry_after_s", 1}});
  const auto page = client_->my_playlists(0, 50);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(sleeper_.waits, std::vector<Millis>(5, 1s));
  const auto counters = client_->counters();
  EXPECT_EQ(counters.rate_limited, 5);
  EXPECT_EQ(counters.calls, 6);
  EXPECT_EQ(counters.waited_ms, 5000);
}

TEST_F(ResilienceTest, LongRetryAfterFailsWithRetryAtAndNoSleep) {
  add_fault({{"kind", "rate_limit"}, {"count", 1}, {"retry_after_s", 3600}});
  const auto start = now();
  const auto page = client_->my_playlists(0, 50);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::RateLimited);
  ASSERT_TRUE(page.error().retry_at);
  EXPECT_EQ(*page.error().retry_at, start + 3600s);
  EXPECT_TRUE(sleeper_.waits.empty());

  // Every account of this client ID now holds back instead of calling while limited.
  const auto bob = make_client(mint_tokens("bob"));
  const auto calls_before = stat("");
  const auto profile = bob->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::RateLimited);
  EXPECT_EQ(*profile.error().retry_at, start + 3600s);
  EXPECT_EQ(stat(""), calls_before);
  EXPECT_TRUE(sleeper_.waits.empty());

  advance(3600s);
  EXPECT_TRUE(bob->current_user());
}

TEST_F(ResilienceTest, QuotaExceededIsSurfacedNotSlept) {
  add_fault({{"kind", "quota_exceeded"}, {"count", 1}, {"retry_after_s", 7200}});
  const auto start = now();
  const auto profile = client_->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::QuotaExceeded);
  EXPECT_EQ(*profile.error().retry_at, start + 7200s);
  EXPECT_TRUE(sleeper_.waits.empty());
  EXPECT_EQ(client_->counters().calls, 1);
}

TEST_F(ResilienceTest, QuotaExceededStopsEveryAccountOfTheClientId) {
  add_fault({{"kind", "quota_exceeded"}, {"count", 1}, {"retry_after_s", 7200}});
  const auto start = now();
  ASSERT_EQ(client_->current_user().error().code, ErrorCode::QuotaExceeded);

  // Bob uses the same client ID: he fails fast with the same retry time, without calling or
  // sleeping (the quota is the app's, not the account's).
  const auto bob = make_client(mint_tokens("bob"));
  const auto calls_before = stat("");
  advance(600s);
  const auto profile = bob->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::QuotaExceeded);
  ASSERT_TRUE(profile.error().retry_at);
  EXPECT_EQ(*profile.error().retry_at, start + 7200s);
  EXPECT_EQ(bob->playlist_items(SeedIds::kAliceBig, 0, 50).error().code, ErrorCode::QuotaExceeded);
  EXPECT_EQ(stat(""), calls_before);
  EXPECT_EQ(bob->counters().calls, 0);
  EXPECT_TRUE(sleeper_.waits.empty());

  advance(6600s);
  EXPECT_TRUE(bob->current_user());
  EXPECT_TRUE(client_->current_user());
}

TEST_F(ResilienceTest, RealQuotaFromTheEmulatorLimiter) {
  ASSERT_EQ(admin("POST", "/__emulator/rate-limits",
                  Json{{"quota_budget", 2}, {"quota_period_ms", 3'600'000}})
                .status,
            200);
  ASSERT_TRUE(client_->current_user());
  ASSERT_TRUE(client_->current_user());
  const auto profile = client_->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::QuotaExceeded);
  EXPECT_EQ(*profile.error().retry_at, now() + 3600s);
}

TEST_F(ResilienceTest, TwentyShort429sInARowDoNotStopASync) {
  add_fault({{"kind", "rate_limit"}, {"count", 20}, {"retry_after_s", 1}});
  const auto page = client_->playlist_items(SeedIds::kAliceBig, 0, 50);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(sleeper_.waits, std::vector<Millis>(20, 1s));
  EXPECT_EQ(client_->counters().rate_limited, 20);
}

TEST_F(ResilienceTest, MissingRetryAfterBacksOffExponentially) {
  add_fault({{"kind", "rate_limit"}, {"count", 3}, {"retry_after_s", -1}, {"empty_body", true}});
  ASSERT_TRUE(client_->current_user());
  ASSERT_EQ(sleeper_.waits.size(), 3u);
  // 1 s, 2 s, 4 s steps with equal jitter: [0.5, 1), [1, 2), [2, 4).
  EXPECT_GE(sleeper_.waits[0], 500ms);
  EXPECT_LT(sleeper_.waits[0], 1s);
  EXPECT_GE(sleeper_.waits[1], 1s);
  EXPECT_LT(sleeper_.waits[1], 2s);
  EXPECT_GE(sleeper_.waits[2], 2s);
  EXPECT_LT(sleeper_.waits[2], 4s);
}

TEST_F(ResilienceTest, ServerErrorBurstOnGetIsRecovered) {
  add_fault({{"kind", "status"}, {"status", 503}, {"count", 2}, {"method", "GET"}});
  add_fault({{"kind", "status"}, {"status", 502}, {"count", 1}, {"nth", 3}, {"empty_body", true}});
  const auto page = client_->playlist_items(SeedIds::kAliceBig, 0, 50);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->items.size(), 50u);
  EXPECT_EQ(client_->counters().retries, 3);
  EXPECT_EQ(sleeper_.waits.size(), 3u);
}

TEST_F(ResilienceTest, TooManyServerErrorsAreUnavailable) {
  add_fault({{"kind", "status"}, {"status", 500}, {"count", 100}});
  const auto profile = client_->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::Unavailable);
  EXPECT_TRUE(profile.error().retryable());
  EXPECT_EQ(client_->counters().calls, 5);  // 1 + max_retries (4)
}

TEST_F(ResilienceTest, ServerErrorOnAddIsCheckedBeforeRepeating) {
  add_fault({{"kind", "status"}, {"status", 503}, {"method", "POST"}, {"count", 1}});
  const auto uris = track_uris(500, 3);
  const auto snapshot = client_->add_items(SeedIds::kAliceMain, uris, std::nullopt);
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  auto expected = entry_uris("alice", SeedIds::kAliceMain);
  ASSERT_EQ(expected.size(), 9u);  // added once
  EXPECT_EQ(std::vector<std::string>(expected.begin() + 6, expected.end()), uris);
  // Not repeated blindly: a read of the playlist came between the two POSTs.
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 2);
  EXPECT_EQ(stat("GET /v1/playlists/{}"), 2);  // length before, then the check
}

TEST_F(ResilienceTest, AppliedAddBehind502IsNotRepeated) {
  add_fault({{"kind", "apply_then_502"}, {"method", "POST"}, {"count", 1}});
  const auto uris = track_uris(600, 3);
  const auto snapshot = client_->add_items(SeedIds::kAliceMain, uris, std::nullopt);
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  const auto dump = dump_playlist("alice", SeedIds::kAliceMain);
  EXPECT_EQ(dump["entries"].size(), 9u);
  const auto entries = entry_uris("alice", SeedIds::kAliceMain);
  for (const auto& uri : uris) EXPECT_EQ(std::count(entries.begin(), entries.end(), uri), 1);
  EXPECT_EQ(*snapshot, dump["snapshot_id"]);
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 1);
}

TEST_F(ResilienceTest, AppliedChunkBehind502InTheMiddleOfAPositionedAdd) {
  // The second of three chunks is applied, then answered 502.
  add_fault({{"kind", "apply_then_502"}, {"method", "POST"}, {"nth", 2}, {"count", 1}});
  const auto uris = track_uris(1000, 250);
  ASSERT_TRUE(client_->add_items(SeedIds::kAlicePrivate, uris, 1));
  std::vector<std::string> expected{track_uri(5)};
  expected.insert(expected.end(), uris.begin(), uris.end());
  expected.insert(expected.end(), {track_uri(6), track_uri(7)});
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate), expected);
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 3);
}

TEST_F(ResilienceTest, AppliedAddBehindTheLast502IsReportedAsAdded) {
  auto config = this->config();
  config.retry.max_retries = 0;  // the first failure is also the last attempt
  const auto client = make_client(mint_tokens("alice"), config);
  add_fault({{"kind", "apply_then_502"}, {"method", "POST"}, {"count", 1}});
  const auto uris = track_uris(650, 2);
  const auto snapshot = client->add_items(SeedIds::kAliceMain, uris, std::nullopt);
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(*snapshot, dump_playlist("alice", SeedIds::kAliceMain)["snapshot_id"]);
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain).size(), 8u);
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 1);
}

TEST_F(ResilienceTest, ReorderAppliedBehind502IsAConflictNotARepeat) {
  add_fault({{"kind", "apply_then_502"}, {"method", "PUT"}, {"count", 1}});
  const auto snapshot = client_->reorder_items(SeedIds::kAlicePrivate, 0, 3, 1);
  ASSERT_FALSE(snapshot);
  EXPECT_EQ(snapshot.error().code, ErrorCode::Conflict);
  EXPECT_NE(
      snapshot.error().message.find("the reorder may have been applied; re-read the playlist"),
      std::string::npos)
      << snapshot.error().message;
  // Moved once: a repeat would have moved track 6 to the end as well.
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate),
            (std::vector<std::string>{track_uri(6), track_uri(7), track_uri(5)}));
  EXPECT_EQ(stat("PUT /v1/playlists/{}/items"), 1);
}

TEST_F(ResilienceTest, ReorderNotAppliedBehind503IsRepeated) {
  add_fault({{"kind", "status"}, {"status", 503}, {"method", "PUT"}, {"count", 1}});
  const auto snapshot = client_->reorder_items(SeedIds::kAlicePrivate, 0, 3, 1);
  ASSERT_TRUE(snapshot) << snapshot.error().message;
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate),
            (std::vector<std::string>{track_uri(6), track_uri(7), track_uri(5)}));
  EXPECT_EQ(stat("PUT /v1/playlists/{}/items"), 2);
  EXPECT_EQ(client_->counters().retries, 1);
}

TEST_F(ResilienceTest, AddThatKeepsFailingGivesUpWithoutDuplicates) {
  add_fault({{"kind", "status"}, {"status", 503}, {"method", "POST"}, {"count", 100}});
  const auto snapshot = client_->add_items(SeedIds::kAliceMain, track_uris(700, 2), std::nullopt);
  ASSERT_FALSE(snapshot);
  EXPECT_EQ(snapshot.error().code, ErrorCode::Unavailable);
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain).size(), 6u);
}

TEST_F(ResilienceTest, CreateIsNotRepeatedAfterAServerError) {
  add_fault({{"kind", "apply_then_502"}, {"method", "POST"}, {"count", 1}});
  const auto created = client_->create_playlist("Once", "", true, false);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, ErrorCode::Unavailable);
  EXPECT_NE(created.error().message.find("may have been created"), std::string::npos);
  EXPECT_EQ(stat("POST /v1/me/playlists"), 1);
}

TEST_F(ResilienceTest, ServerErrorsOnIdempotentWritesAreRetried) {
  add_fault({{"kind", "status"}, {"status", 502}, {"method", "DELETE"}, {"count", 2}});
  add_fault({{"kind", "status"}, {"status", 504}, {"method", "PUT"}, {"count", 1}});
  ASSERT_TRUE(client_->remove_items(SeedIds::kAliceMain, {track_uri(1)}));
  ASSERT_TRUE(client_->replace_items(SeedIds::kAlicePrivate, track_uris(800, 2)));
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain).size(), 4u);
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate), track_uris(800, 2));
  EXPECT_EQ(client_->counters().retries, 3);
}

TEST_F(ResilienceTest, PacingKeepsEveryAccountOfAClientIdUnderTheBudget) {
  constexpr int kBudget = 5;
  ASSERT_EQ(admin("POST", "/__emulator/rate-limits",
                  Json{{"window_budget", kBudget}, {"window_ms", 30'000}})
                .status,
            200);
  auto config = this->config();
  config.rate_limit.window_budget = kBudget;
  registry_ = std::make_unique<RateLimiterRegistry>();  // so the paced settings apply
  const auto alice = make_client(mint_tokens("alice"), config);
  const auto bob = make_client(mint_tokens("bob"), config);
  for (int i = 0; i < 3 * kBudget; ++i) {
    ASSERT_TRUE((i % 2 == 0 ? alice : bob)->current_user()) << i;
  }
  EXPECT_EQ(stat("rate_limited"), 0);
  EXPECT_EQ(stat(""), 3 * kBudget);
  EXPECT_EQ(sleeper_.waits.size(), 2u);  // once per full window
  EXPECT_EQ(sleeper_.waits[0], 30s);
  const auto paced = alice->counters().paced_waits + bob->counters().paced_waits;
  EXPECT_EQ(paced, 2);
  EXPECT_EQ(alice->counters().rate_limited + bob->counters().rate_limited, 0);
}

TEST_F(ResilienceTest, NetworkErrorsAreRetriedThenUnavailable) {
  auto config = this->config();
  config.api_base_url = "http://127.0.0.1:1/v1";  // nothing listens on port 1
  config.connect_timeout = 2s;
  const auto client = make_client(mint_tokens("alice"), config);
  const auto profile = client->current_user();
  ASSERT_FALSE(profile);
  EXPECT_EQ(profile.error().code, ErrorCode::Unavailable);
  EXPECT_NE(profile.error().message.find("network error"), std::string::npos);
  EXPECT_EQ(client->counters().calls, 5);
  EXPECT_EQ(sleeper_.waits.size(), 4u);
}

}  // namespace
}  // namespace plm::spotify::testing
