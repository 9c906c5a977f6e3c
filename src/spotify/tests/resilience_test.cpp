// 429s, quota, 5xx, writes behind failures, pacing and network errors. Waiting goes through the
// fake sleeper, which moves the emulator's clock: nothing here sleeps.

#include <gtest/gtest.h>

#include <numeric>

#include "core/write/write_sequence.hpp"
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
  /// The playlist as it is now, as the edit engine would plan against it.
  core::PlannedPlaylist planned(const std::string& playlist_id) {
    const auto dump = dump_playlist("alice", playlist_id);
    return {playlist_id, dump.value("snapshot_id", ""), entry_uris("alice", playlist_id)};
  }
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

// Writes behind failures. The client sends an add, a reorder or a create once and reports Unknown
// when the answer is lost; the write sequence (core/write) settles that with reads it counts, so
// the guarantees "never added twice" and "not applied is repeated" are tested here through it.

TEST_F(ResilienceTest, ServerErrorOnAddIsUnknownAndNotRepeated) {
  add_fault({{"kind", "status"}, {"status", 503}, {"method", "POST"}, {"count", 1}});
  const auto outcome = client_->add_items(SeedIds::kAliceMain, track_uris(500, 3), std::nullopt);
  EXPECT_EQ(outcome.status, core::WriteStatus::Unknown);
  EXPECT_EQ(outcome.error->code, ErrorCode::Unavailable);
  EXPECT_EQ(stat(""), 1);  // no repeat, no read behind the caller's back
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain).size(), 6u);
}

TEST_F(ResilienceTest, NotAppliedAddBehind503IsRepeatedAfterARead) {
  const auto plan = planned(SeedIds::kAliceMain);
  add_fault({{"kind", "status"}, {"status", 503}, {"method", "POST"}, {"count", 1}});
  const auto uris = track_uris(500, 3);
  const auto result = core::run_write_sequence(*client_, plan, {core::WriteStep::add(uris)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain).size(), 9u);  // added once
  // Not repeated blindly: a version read came between the two POSTs.
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 2);
  EXPECT_EQ(stat("GET /v1/playlists/{}"), 1);
  EXPECT_EQ(result.steps.at(0).writes, 2);
  EXPECT_EQ(result.counters.check_reads, 1);
}

TEST_F(ResilienceTest, AppliedAddBehind502IsUnknownThenSettledAsApplied) {
  const auto plan = planned(SeedIds::kAliceMain);
  add_fault({{"kind", "apply_then_502"}, {"method", "POST"}, {"count", 1}});
  const auto uris = track_uris(600, 3);
  const auto result = core::run_write_sequence(*client_, plan, {core::WriteStep::add(uris)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  const auto dump = dump_playlist("alice", SeedIds::kAliceMain);
  EXPECT_EQ(dump["entries"].size(), 9u);
  const auto entries = entry_uris("alice", SeedIds::kAliceMain);
  for (const auto& uri : uris) EXPECT_EQ(std::count(entries.begin(), entries.end(), uri), 1);
  EXPECT_EQ(result.snapshot_id, dump["snapshot_id"]);
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 1);
  // One version read and one page of the slice where the items should be.
  EXPECT_EQ(result.counters.check_reads, 2);
}

TEST_F(ResilienceTest, AppliedChunkBehind502InTheMiddleOfAPositionedAdd) {
  // The second of three chunks is applied, then answered 502.
  const auto plan = planned(SeedIds::kAlicePrivate);
  add_fault({{"kind", "apply_then_502"}, {"method", "POST"}, {"nth", 2}, {"count", 1}});
  const auto uris = track_uris(1000, 250);
  const auto result = core::run_write_sequence(*client_, plan, {core::WriteStep::add(uris, 1)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  std::vector<std::string> expected{track_uri(5)};
  expected.insert(expected.end(), uris.begin(), uris.end());
  expected.insert(expected.end(), {track_uri(6), track_uri(7)});
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate), expected);
  EXPECT_EQ(stat("POST /v1/playlists/{}/items"), 3);
  // The confirmation, then the settling: a version read and two pages of 50 for 100 items.
  EXPECT_EQ(result.counters.check_reads, 4);
}

TEST_F(ResilienceTest, ReorderAppliedBehind502IsNotRepeated) {
  add_fault({{"kind", "apply_then_502"}, {"method", "PUT"}, {"count", 1}});
  EXPECT_EQ(client_->reorder_items(SeedIds::kAlicePrivate, 0, 3, 1).status,
            core::WriteStatus::Unknown);
  EXPECT_EQ(stat("PUT /v1/playlists/{}/items"), 1);
  // Moved once: a repeat would have moved track 6 to the end as well.
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate),
            (std::vector<std::string>{track_uri(6), track_uri(7), track_uri(5)}));

  // Through the sequence: the read shows the move is ours, so it is not sent again.
  add_fault({{"kind", "apply_then_502"}, {"method", "PUT"}, {"count", 1}});
  const auto moved = planned(SeedIds::kAlicePrivate);
  const auto result =
      core::run_write_sequence(*client_, moved, {core::WriteStep::reorder(0, 3, 1)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate),
            (std::vector<std::string>{track_uri(7), track_uri(5), track_uri(6)}));
  EXPECT_EQ(stat("PUT /v1/playlists/{}/items"), 2);
}

TEST_F(ResilienceTest, ReorderNotAppliedBehind503IsRepeatedAfterARead) {
  const auto plan = planned(SeedIds::kAlicePrivate);
  add_fault({{"kind", "status"}, {"status", 503}, {"method", "PUT"}, {"count", 1}});
  const auto result = core::run_write_sequence(*client_, plan, {core::WriteStep::reorder(0, 3, 1)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate),
            (std::vector<std::string>{track_uri(6), track_uri(7), track_uri(5)}));
  EXPECT_EQ(stat("PUT /v1/playlists/{}/items"), 2);
  EXPECT_EQ(result.counters.check_reads, 2);  // the confirmation, then the settling read
}

TEST_F(ResilienceTest, AddThatKeepsFailingGivesUpWithoutDuplicates) {
  const auto plan = planned(SeedIds::kAliceMain);
  add_fault({{"kind", "status"}, {"status", 503}, {"method", "POST"}, {"count", 100}});
  const auto result =
      core::run_write_sequence(*client_, plan, {core::WriteStep::add(track_uris(700, 2))});
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Unavailable);
  EXPECT_EQ(result.steps.at(0).status, core::WriteStatus::NotApplied);
  EXPECT_EQ(result.steps.at(0).writes, 3);  // the first and max_repeats (2) repeats
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain).size(), 6u);
}

TEST_F(ResilienceTest, CreateIsNotRepeatedAfterAServerError) {
  add_fault({{"kind", "apply_then_502"}, {"method", "POST"}, {"count", 1}});
  const auto created = client_->create_playlist({.name = "Once", .is_public = true});
  EXPECT_EQ(created.write.status, core::WriteStatus::Unknown);
  EXPECT_EQ(created.write.error->code, ErrorCode::Unavailable);
  EXPECT_NE(created.write.error->message.find("may have been applied"), std::string::npos);
  EXPECT_EQ(stat("POST /v1/me/playlists"), 1);
}

TEST_F(ResilienceTest, ServerErrorsOnIdempotentWritesAreRetried) {
  add_fault({{"kind", "status"}, {"status", 502}, {"method", "DELETE"}, {"count", 2}});
  add_fault({{"kind", "status"}, {"status", 504}, {"method", "PUT"}, {"count", 1}});
  ASSERT_TRUE(client_->remove_items(SeedIds::kAliceMain, {track_uri(1)}).is_applied());
  ASSERT_TRUE(client_->replace_items(SeedIds::kAlicePrivate, track_uris(800, 2)).is_applied());
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain).size(), 4u);
  EXPECT_EQ(entry_uris("alice", SeedIds::kAlicePrivate), track_uris(800, 2));
  EXPECT_EQ(client_->counters().retries, 3);
}

TEST_F(ResilienceTest, IdempotentWriteAppliedBehindEvery502IsUnknown) {
  add_fault({{"kind", "apply_then_502"}, {"method", "DELETE"}, {"count", 100}});
  const auto outcome = client_->remove_items(SeedIds::kAliceMain, {track_uri(1)});
  EXPECT_EQ(outcome.status, core::WriteStatus::Unknown);
  EXPECT_EQ(stat("DELETE /v1/playlists/{}/items"), 5);  // 1 + max_retries, all applied
  EXPECT_EQ(entry_uris("alice", SeedIds::kAliceMain).size(), 4u);
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

/// `items` after `step`, as Spotify applies it (a removal takes every occurrence).
std::vector<std::string> modelled(std::vector<std::string> items, const core::WriteStep& step) {
  using Kind = core::WriteStep::Kind;
  if (step.kind == Kind::Add) {
    const auto at = step.position ? items.begin() + *step.position : items.end();
    items.insert(at, step.uris.begin(), step.uris.end());
  } else if (step.kind == Kind::Remove) {
    std::erase_if(items, [&](const std::string& uri) {
      return std::find(step.uris.begin(), step.uris.end(), uri) != step.uris.end();
    });
  } else if (step.kind == Kind::Reorder) {
    const auto first = items.begin() + step.range_start;
    std::vector<std::string> moved(first, first + step.range_length);
    items.erase(first, first + step.range_length);
    const auto before = step.insert_before > step.range_start
                            ? step.insert_before - step.range_length
                            : step.insert_before;
    items.insert(items.begin() + before, moved.begin(), moved.end());
  }
  return items;
}

// The emulator's realistic profile (docs/emulator.md): background 5xx on about 1 call in 100,
// 1 write in 100 applied behind a 502, and reads that show the version before a write for 2 s. A
// long edit, once per seed: whatever the draws, every sequence ends with the playlist exactly as
// planned (nothing added twice, nothing lost).
TEST_F(ResilienceTest, EditsUnderTheRealisticProfileEndAsPlannedWhateverTheSeed) {
  const auto added = track_uris(3000, 200);
  const std::vector<std::string> first(added.begin(), added.begin() + 40);
  const std::vector<std::string> second(added.begin() + 40, added.begin() + 70);
  const std::vector<std::string> third(added.begin() + 70, added.end());
  const std::vector<core::WriteStep> steps{
      core::WriteStep::add(first, 10),
      core::WriteStep::add(second),
      core::WriteStep::reorder(0, 50, 5),
      core::WriteStep::remove({first.begin(), first.begin() + 10}),
      core::WriteStep::add(third, 0),  // two chunks
      core::WriteStep::remove(third),
      core::WriteStep::remove(first),
      core::WriteStep::remove(second),
  };
  std::int64_t check_reads = 0;
  constexpr int kSeeds = 40;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    ASSERT_EQ(
        admin("POST", "/__emulator/profile", Json{{"name", "realistic"}, {"seed", seed}}).status,
        200);
    // Its latency is real time on the server and its rate budget is tested above: both off.
    ASSERT_EQ(admin("POST", "/__emulator/faults", Json{{"latency", Json::object()}}).status, 201);
    ASSERT_EQ(admin("POST", "/__emulator/rate-limits", Json{{"window_budget", 0}}).status, 200);
    // The previous seed's writes are seconds old when the next edit is planned, so reads show
    // them (a confirmation read within the lag would see the version before them: a conflict).
    advance(std::chrono::seconds(3));
    const auto plan = planned(SeedIds::kAliceBig);
    auto expected = plan.uris;
    for (const auto& step : steps) expected = modelled(expected, step);

    // The profile's reads lag writes by 2 s: a lost answer is settled by reads spread over 3 s of
    // the emulator's clock, as a job would wait (core/write/write_sequence.hpp).
    const auto result = core::run_write_sequence(
        *client_, plan, steps,
        {.settle_reads = 4, .before_settling = [this] { advance(std::chrono::seconds(1)); }});

    ASSERT_TRUE(result.complete()) << "seed " << seed << ": " << result.stopped_by->message;
    ASSERT_EQ(entry_uris("alice", SeedIds::kAliceBig), expected) << "seed " << seed;
    check_reads += result.counters.check_reads;
  }
  // Faults did hit writes: beyond one confirming read per sequence, some were settled by reads.
  EXPECT_GT(check_reads, kSeeds);
  EXPECT_GT(stat("faults"), 0);
}

// The realistic profile's rate limits met by a client that does not pace (as if its
// PLM_SPOTIFY_RATE_BUDGET were set too high): it waits out each 429 and never calls while limited,
// so the penalty, which grows with every such call up to hours, never grows at all. (The
// profile's background 5xx are left out: their backoffs would spread the calls over the window.)
TEST_F(ResilienceTest, AnUnpacedClientOverTheRealisticBudgetNeverLengthensThePenalty) {
  ASSERT_EQ(admin("POST", "/__emulator/profile", Json{{"name", "realistic"}}).status, 200);
  const Json limits = admin("GET", "/__emulator/rate-limits").json;
  ASSERT_EQ(admin("POST", "/__emulator/profile", Json{{"name", "default"}}).status, 200);
  ASSERT_EQ(admin("POST", "/__emulator/rate-limits", limits).status, 200);
  const int budget = limits["window_budget"];

  for (int call = 0; call < 3 * budget; ++call) ASSERT_TRUE(client_->current_user()) << call;

  // The frozen clock moves only by the client's waits, so each window's calls come at one
  // instant and each further window costs one 429 with the window's own Retry-After: 30 s. A call
  // made while limited would have made the next one 35 s.
  EXPECT_EQ(stat("rate_limited"), 2);
  EXPECT_EQ(sleeper_.waits, std::vector<Millis>(2, 30s));
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
