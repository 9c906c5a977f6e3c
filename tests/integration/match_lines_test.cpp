// app::match_lines over the real Spotify client against an in-process emulator (demo catalog):
// identical lines searched once, lines in flight on their own clients, the lookup cache and
// remembered choices through a MatchStore, a retryable error ending the run, the stop token.

#include "app/match_lines.hpp"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "spotify/tests/spotify_fixture.hpp"
#include "support/fakes.hpp"

namespace plm::spotify::testing {
namespace {

using core::LineKind;
using core::LineMatch;
using core::MatchStatus;
using core::PastedLine;

class MatchLinesTest : public SpotifyClientTest {
 protected:
  MatchLinesTest() : tokens_(mint_tokens("alice")) {}

  static PastedLine text(std::size_t number, const spotify_emulator::Track& track) {
    PastedLine line;
    line.number = number;
    line.input = track.artists.front().name + " - " + track.name;
    line.kind = LineKind::Text;
    line.readings.push_back({track.name, track.artists.front().name, ""});
    return line;
  }
  static PastedLine blank(std::size_t number) {
    PastedLine line;
    line.number = number;
    line.kind = LineKind::Blank;
    return line;
  }

  /// Lines 1-6: three catalog tracks, the first twice, a blank line, a track URI.
  core::ParsedPaste paste() const {
    core::ParsedPaste paste;
    paste.lines = {text(1, spotify_emulator::testkit::catalog_track(0)),
                   text(2, spotify_emulator::testkit::catalog_track(1)),
                   text(3, spotify_emulator::testkit::catalog_track(0)), blank(4),
                   text(5, spotify_emulator::testkit::catalog_track(2))};
    PastedLine uri;
    uri.number = 6;
    uri.input = track_uri(3);
    uri.kind = LineKind::TrackUri;
    uri.uri = track_uri(3);
    paste.lines.push_back(uri);
    return paste;
  }

  app::MatchLinesDeps deps(core::MatchStore* store = nullptr) {
    return app::MatchLinesDeps{.make_client = [this]() -> std::unique_ptr<core::SpotifyApi> {
                                 std::lock_guard lock(clients_mutex_);
                                 ++clients_made_;
                                 return make_client(tokens_);
                               },
                               .store = store,
                               .clock = core_clock_};
  }

  core::Result<std::vector<LineMatch>> run(const core::ParsedPaste& paste,
                                           const app::MatchLinesOptions& options,
                                           core::MatchStore* store = nullptr,
                                           std::stop_token stop = {}) {
    reported_.clear();
    return app::match_lines(
        deps(store), paste, options,
        [this](std::vector<LineMatch> results) {
          for (auto& result : results) reported_.push_back(std::move(result));
        },
        stop);
  }

  core::AccountTokens tokens_;
  std::mutex clients_mutex_;
  int clients_made_ = 0;
  std::vector<LineMatch> reported_;
};

TEST_F(MatchLinesTest, MatchesEveryLineInOrderAndSearchesIdenticalLinesOnce) {
  app::MatchLinesOptions options;
  const auto calls_before = stat("");
  const auto results = run(paste(), options);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 6u);
  for (std::size_t i = 0; i < results->size(); ++i) EXPECT_EQ((*results)[i].number, i + 1);
  for (const std::size_t text_line : {0u, 1u, 2u, 4u}) {
    const LineMatch& result = (*results)[text_line];
    EXPECT_EQ(result.status, MatchStatus::Matched) << result.input << ": " << result.reason;
    ASSERT_TRUE(result.track);
    EXPECT_EQ(core::normalise_title(result.track->name).base,
              core::normalise_title(paste().lines[text_line].readings[0].title).base);
  }
  EXPECT_EQ((*results)[3].status, MatchStatus::Invalid);
  EXPECT_EQ((*results)[5].uri, track_uri(3));
  EXPECT_EQ((*results)[5].source, core::MatchSource::Lookup);
  // Line 3 is line 1 again: the same answer, no call of its own.
  EXPECT_EQ((*results)[2].uri, (*results)[0].uri);
  EXPECT_EQ((*results)[2].calls, 0);
  std::int64_t calls = 0;
  for (const auto& result : *results) calls += result.calls;
  EXPECT_EQ(calls, stat("") - calls_before);
  // Every line was reported once; a client per thread that took a line (4 lines need calls,
  // 4 in flight by default).
  EXPECT_EQ(reported_.size(), 6u);
  EXPECT_LE(clients_made_, 4);
  EXPECT_GE(clients_made_, 1);
}

TEST_F(MatchLinesTest, CachedLookupsAreNotRepeated) {
  test_support::InMemoryStore memory;
  core::MatchStore& store = memory.matches();
  app::MatchLinesOptions options;
  ASSERT_TRUE(run(paste(), options, &store));
  const auto calls_before = stat("");
  ASSERT_GT(calls_before, 0);
  const auto again = run(paste(), options, &store);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(stat(""), calls_before);
  for (const auto& result : *again) EXPECT_EQ(result.calls, 0);
  EXPECT_EQ((*again)[0].status, MatchStatus::Matched);

  // Past cache_for the answers are asked again, and the run drops the stale ones (the cache
  // does not grow without end).
  advance(std::chrono::hours(2));
  options.cache_for = std::chrono::hours(1);
  ASSERT_TRUE(run(paste(), options, &store));
  EXPECT_GT(stat(""), calls_before);
  const auto stale = store.prune_lookups(now_s() - std::chrono::hours(1));
  ASSERT_TRUE(stale) << stale.error().message;
  EXPECT_EQ(*stale, 0);
}

TEST_F(MatchLinesTest, ARememberedChoiceAnswersTheLineWithoutACall) {
  test_support::InMemoryStore memory;
  core::MatchStore& store = memory.matches();
  const auto chosen = make_client(tokens_)->track(spotify_emulator::testkit::catalog_track(7).id);
  ASSERT_TRUE(chosen);
  const auto paste_of_one = [&] {
    core::ParsedPaste paste;
    paste.lines = {text(1, spotify_emulator::testkit::catalog_track(0))};
    return paste;
  }();
  const auto user = memory.create_user("alice", "hash", core::Role::Editor);
  const auto other = memory.create_user("bob", "hash", core::Role::Editor);
  ASSERT_TRUE(user && other);
  ASSERT_TRUE(store.remember_choice(user->id, core::choice_key(paste_of_one.lines[0].input),
                                    *chosen, now_s()));
  const auto calls_before = stat("");
  app::MatchLinesOptions options;
  options.user_id = user->id;
  const auto results = run(paste_of_one, options, &store);
  ASSERT_TRUE(results);
  EXPECT_EQ((*results)[0].uri, chosen->uri);
  EXPECT_EQ((*results)[0].source, core::MatchSource::Choice);
  EXPECT_EQ(stat(""), calls_before);
  // Another person's choice is not this one's.
  options.user_id = other->id;
  EXPECT_NE((*run(paste_of_one, options, &store))[0].source, core::MatchSource::Choice);
}

TEST_F(MatchLinesTest, ARetryableErrorEndsTheRunWithWhatWasDecidedReported) {
  ASSERT_EQ(admin("POST", "/__emulator/faults",
                  Json{{"rules",
                        {{{"kind", "status"},
                          {"status", 503},
                          {"nth", 2},
                          {"count", 1000},
                          {"path_contains", "/search"}}}}})
                .status,
            201);
  app::MatchLinesOptions options;
  options.in_flight = 1;
  const auto results = run(paste(), options);
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().code, core::ErrorCode::Unavailable);
  // The first text line was decided before the error and reported (with its copy, line 3).
  ASSERT_FALSE(reported_.empty());
  for (const auto& result : reported_) EXPECT_NE(result.status, MatchStatus::Pending);
}

TEST_F(MatchLinesTest, AStopRequestLeavesTheLinesNotReachedPending) {
  std::stop_source stop;
  stop.request_stop();
  app::MatchLinesOptions options;
  const auto calls_before = stat("");
  const auto results = run(paste(), options, nullptr, stop.get_token());
  ASSERT_TRUE(results);
  EXPECT_EQ((*results)[0].status, MatchStatus::Pending);
  EXPECT_EQ((*results)[3].status, MatchStatus::Invalid);  // a blank line needs no call
  EXPECT_EQ(stat(""), calls_before);
}

TEST_F(MatchLinesTest, EarlierResultsOfAResumedRunAreKept) {
  app::MatchLinesOptions options;
  LineMatch earlier;
  earlier.number = 1;
  earlier.input = paste().lines[0].input;
  earlier.status = MatchStatus::NotFound;
  options.earlier = {earlier};
  const auto results = run(paste(), options);
  ASSERT_TRUE(results);
  EXPECT_EQ((*results)[0], earlier);
}

}  // namespace
}  // namespace plm::spotify::testing
