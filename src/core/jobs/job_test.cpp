#include "core/jobs/job.hpp"

#include <gtest/gtest.h>

namespace plm::core {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

const TimePoint kNow{seconds{1'793'491'200}};  // 2026-11-01T00:00:00Z

// The text forms are stored in databases and sent by the API: they are spelt out here so that a
// rename fails a test instead of orphaning stored rows.

TEST(JobText, KindsHaveTheirStoredNames) {
  EXPECT_EQ(to_string(JobKind::SyncAccount), "sync_account");
  EXPECT_EQ(to_string(JobKind::SyncPlaylist), "sync_playlist");
  EXPECT_EQ(job_kind_from_string("sync_playlist"), JobKind::SyncPlaylist);
  EXPECT_EQ(to_string(JobKind::EditPlaylist), "edit_playlist");
  EXPECT_EQ(job_kind_from_string("edit_playlist"), JobKind::EditPlaylist);
  EXPECT_EQ(job_kind_from_string("create_playlist"), JobKind::CreatePlaylist);
  EXPECT_EQ(job_kind_from_string("split_playlist"), JobKind::SplitPlaylist);
  EXPECT_EQ(job_kind_from_string("delete_playlist"), JobKind::DeletePlaylist);
  EXPECT_EQ(to_string(JobKind::BatchEdit), "batch_edit");
  EXPECT_EQ(job_kind_from_string("batch_edit"), JobKind::BatchEdit);
  EXPECT_EQ(job_kind_from_string("match_paste"), JobKind::MatchPaste);
  EXPECT_EQ(job_kind_from_string("Sync_Account"), std::nullopt);
  EXPECT_EQ(job_kind_from_string(""), std::nullopt);
}

TEST(JobText, StatesRoundTrip) {
  const std::vector<std::pair<JobState, std::string_view>> expected = {
      {JobState::Queued, "queued"},       {JobState::Running, "running"},
      {JobState::Succeeded, "succeeded"}, {JobState::Failed, "failed"},
      {JobState::Cancelled, "cancelled"}, {JobState::Interrupted, "interrupted"}};
  for (const auto& [state, text] : expected) {
    EXPECT_EQ(to_string(state), text);
    EXPECT_EQ(job_state_from_string(text), state);
  }
  EXPECT_EQ(job_state_from_string("partial"), std::nullopt);
}

TEST(JobText, UnitsOutcomesAndEventsRoundTrip) {
  for (const auto& [unit, text] : std::vector<std::pair<ProgressUnit, std::string_view>>{
           {ProgressUnit::Items, "items"},
           {ProgressUnit::Playlists, "playlists"},
           {ProgressUnit::Tracks, "tracks"},
           {ProgressUnit::Calls, "calls"},
           {ProgressUnit::Lines, "lines"}}) {
    EXPECT_EQ(to_string(unit), text);
    EXPECT_EQ(progress_unit_from_string(text), unit);
  }
  for (const auto& [outcome, text] :
       std::vector<std::pair<ItemOutcome, std::string_view>>{{ItemOutcome::Done, "done"},
                                                             {ItemOutcome::Unchanged, "unchanged"},
                                                             {ItemOutcome::Skipped, "skipped"},
                                                             {ItemOutcome::Conflict, "conflict"},
                                                             {ItemOutcome::Failed, "failed"},
                                                             {ItemOutcome::Pending, "pending"}}) {
    EXPECT_EQ(to_string(outcome), text);
    EXPECT_EQ(item_outcome_from_string(text), outcome);
  }
  for (const auto& [kind, text] : std::vector<std::pair<JobEventKind, std::string_view>>{
           {JobEventKind::Enqueued, "enqueued"},
           {JobEventKind::Started, "started"},
           {JobEventKind::Resumed, "resumed"},
           {JobEventKind::Interrupted, "interrupted"},
           {JobEventKind::RetryScheduled, "retry_scheduled"},
           {JobEventKind::CancelRequested, "cancel_requested"},
           {JobEventKind::Succeeded, "succeeded"},
           {JobEventKind::Failed, "failed"},
           {JobEventKind::Cancelled, "cancelled"}}) {
    EXPECT_EQ(to_string(kind), text);
    EXPECT_EQ(job_event_kind_from_string(text), kind);
  }
  EXPECT_EQ(progress_unit_from_string("bytes"), std::nullopt);
  EXPECT_EQ(item_outcome_from_string("ok"), std::nullopt);
  EXPECT_EQ(job_event_kind_from_string("claimed"), std::nullopt);
}

TEST(JobState, OnlySucceededFailedAndCancelledAreFinished) {
  EXPECT_TRUE(is_finished(JobState::Succeeded));
  EXPECT_TRUE(is_finished(JobState::Failed));
  EXPECT_TRUE(is_finished(JobState::Cancelled));
  EXPECT_FALSE(is_finished(JobState::Queued));
  EXPECT_FALSE(is_finished(JobState::Running));
  EXPECT_FALSE(is_finished(JobState::Interrupted));
}

TEST(JobEquality, ComparesErrorsByCodeMessageAndRetryTime) {
  Job a;
  a.error = make_error(ErrorCode::Unavailable, "502");
  Job b = a;
  EXPECT_EQ(a, b);
  b.error->retry_at = kNow;
  EXPECT_NE(a, b);
  b.error = std::nullopt;
  EXPECT_NE(a, b);

  JobItemResult item{"p1", "Summer", ItemOutcome::Failed, make_error(ErrorCode::Forbidden, "403"),
                     ""};
  JobItemResult other = item;
  EXPECT_EQ(item, other);
  other.error->code = ErrorCode::NotFound;
  EXPECT_NE(item, other);
}

TEST(ConcurrencyKeys, AreBuiltAsPaths) {
  EXPECT_EQ(concurrency_key_for_account(12), "account/12");
  EXPECT_EQ(concurrency_key_for_playlist(12, "37i9dQZF1DX"), "account/12/playlist/37i9dQZF1DX");
}

TEST(ConcurrencyKeys, AnAccountConflictsWithItsPlaylistsBothWays) {
  const auto account = concurrency_key_for_account(12);
  const auto playlist = concurrency_key_for_playlist(12, "a");

  EXPECT_TRUE(jobs_conflict(account, account));
  EXPECT_TRUE(jobs_conflict(account, playlist));
  EXPECT_TRUE(jobs_conflict(playlist, account));
  EXPECT_TRUE(jobs_conflict(playlist, playlist));
}

TEST(ConcurrencyKeys, TwoPlaylistsAndTwoAccountsRunSideBySide) {
  EXPECT_FALSE(
      jobs_conflict(concurrency_key_for_playlist(12, "a"), concurrency_key_for_playlist(12, "b")));
  EXPECT_FALSE(jobs_conflict(concurrency_key_for_account(12), concurrency_key_for_account(13)));
  // A prefix counts only at a '/' boundary: account 1 is not account 12.
  EXPECT_FALSE(jobs_conflict(concurrency_key_for_account(1), concurrency_key_for_account(12)));
  EXPECT_FALSE(
      jobs_conflict(concurrency_key_for_account(1), concurrency_key_for_playlist(12, "a")));
  EXPECT_FALSE(
      jobs_conflict(concurrency_key_for_playlist(12, "ab"), concurrency_key_for_playlist(12, "a")));
}

Error unavailable() { return make_error(ErrorCode::Unavailable, "502 bad gateway"); }

TEST(NextRetry, BacksOffAsTheFourthPowerOfTheAttempts) {
  EXPECT_EQ(next_retry(unavailable(), 1, 25, kNow), kNow + seconds(1));
  EXPECT_EQ(next_retry(unavailable(), 2, 25, kNow), kNow + seconds(16));
  EXPECT_EQ(next_retry(unavailable(), 3, 25, kNow), kNow + seconds(81));
  EXPECT_EQ(next_retry(unavailable(), 4, 25, kNow), kNow + seconds(256));
  EXPECT_EQ(next_retry(unavailable(), 7, 25, kNow), kNow + seconds(2401));
}

TEST(NextRetry, TheBackoffIsCappedAtAnHour) {
  EXPECT_EQ(next_retry(unavailable(), 8, 25, kNow), kNow + hours(1));  // 4096 s
  EXPECT_EQ(next_retry(unavailable(), 24, 25, kNow), kNow + hours(1));
  EXPECT_EQ(next_retry(unavailable(), 0, 25, kNow), kNow + seconds(1));  // never below one
}

TEST(NextRetry, SpotifysRetryTimeWins) {
  Error limited = make_error(ErrorCode::RateLimited, "spotify asked to wait");
  limited.retry_at = kNow + seconds(3);
  EXPECT_EQ(next_retry(limited, 4, 5, kNow), kNow + seconds(3));  // not the 256 s backoff

  Error quota = make_error(ErrorCode::QuotaExceeded, "daily quota");
  quota.retry_at = kNow + hours(9);
  EXPECT_EQ(next_retry(quota, 1, 5, kNow), kNow + hours(9));  // beyond the backoff cap
}

TEST(NextRetry, SpotifysRetryTimeIsHeldBetweenNowAndADay) {
  Error past = make_error(ErrorCode::RateLimited, "late");
  past.retry_at = kNow - seconds(30);
  EXPECT_EQ(next_retry(past, 1, 5, kNow), kNow);

  Error bogus = make_error(ErrorCode::RateLimited, "Retry-After: 31536000");
  bogus.retry_at = kNow + hours(24 * 365);
  EXPECT_EQ(next_retry(bogus, 1, 5, kNow), kNow + kMaxSpotifyRetryWait);
}

TEST(NextRetry, FailsForGoodWhenNotRetryableOrOutOfAttempts) {
  EXPECT_EQ(next_retry(make_error(ErrorCode::NeedsReauth, "refresh token revoked"), 1, 5, kNow),
            std::nullopt);
  EXPECT_EQ(next_retry(make_error(ErrorCode::Internal, "disk full"), 1, 5, kNow), std::nullopt);
  EXPECT_EQ(next_retry(make_error(ErrorCode::NotFound, "account gone"), 1, 5, kNow), std::nullopt);
  EXPECT_EQ(next_retry(unavailable(), 5, 5, kNow), std::nullopt);
  EXPECT_EQ(next_retry(unavailable(), 6, 5, kNow), std::nullopt);
  EXPECT_TRUE(next_retry(unavailable(), 4, 5, kNow).has_value());

  Error limited = make_error(ErrorCode::RateLimited, "wait");
  limited.retry_at = kNow + seconds(3);
  EXPECT_EQ(next_retry(limited, 5, 5, kNow), std::nullopt);  // Spotify's time does not add tries
}

}  // namespace
}  // namespace plm::core
