#include "core/jobs/job.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/enum_names.hpp"

namespace plm::core {

namespace {

constexpr Names<JobKind, 8> kJobKinds{{
    {JobKind::SyncAccount, "sync_account"},
    {JobKind::SyncPlaylist, "sync_playlist"},
    {JobKind::EditPlaylist, "edit_playlist"},
    {JobKind::CreatePlaylist, "create_playlist"},
    {JobKind::SplitPlaylist, "split_playlist"},
    {JobKind::DeletePlaylist, "delete_playlist"},
    {JobKind::BatchEdit, "batch_edit"},
    {JobKind::MatchPaste, "match_paste"},
}};

constexpr Names<JobState, 6> kJobStates{{
    {JobState::Queued, "queued"},
    {JobState::Running, "running"},
    {JobState::Succeeded, "succeeded"},
    {JobState::Failed, "failed"},
    {JobState::Cancelled, "cancelled"},
    {JobState::Interrupted, "interrupted"},
}};

constexpr Names<ProgressUnit, 5> kProgressUnits{{
    {ProgressUnit::Items, "items"},
    {ProgressUnit::Playlists, "playlists"},
    {ProgressUnit::Tracks, "tracks"},
    {ProgressUnit::Calls, "calls"},
    {ProgressUnit::Lines, "lines"},
}};

constexpr Names<ItemOutcome, 6> kItemOutcomes{{
    {ItemOutcome::Done, "done"},
    {ItemOutcome::Unchanged, "unchanged"},
    {ItemOutcome::Skipped, "skipped"},
    {ItemOutcome::Conflict, "conflict"},
    {ItemOutcome::Failed, "failed"},
    {ItemOutcome::Pending, "pending"},
}};

constexpr Names<JobEventKind, 9> kJobEventKinds{{
    {JobEventKind::Enqueued, "enqueued"},
    {JobEventKind::Started, "started"},
    {JobEventKind::Resumed, "resumed"},
    {JobEventKind::Interrupted, "interrupted"},
    {JobEventKind::RetryScheduled, "retry_scheduled"},
    {JobEventKind::CancelRequested, "cancel_requested"},
    {JobEventKind::Succeeded, "succeeded"},
    {JobEventKind::Failed, "failed"},
    {JobEventKind::Cancelled, "cancelled"},
}};

bool same_error(const std::optional<Error>& a, const std::optional<Error>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->code == b->code && a->message == b->message && a->retry_at == b->retry_at);
}

/// `prefix` names a group that contains `key`: "account/1" contains "account/1/playlist/x" but
/// not "account/10".
bool contains(std::string_view prefix, std::string_view key) {
  return key.size() > prefix.size() && key.starts_with(prefix) && key[prefix.size()] == '/';
}

}  // namespace

std::string_view to_string(JobKind kind) { return name_in(kJobKinds, kind); }
std::optional<JobKind> job_kind_from_string(std::string_view text) {
  return value_in(kJobKinds, text);
}

std::string_view to_string(JobState state) { return name_in(kJobStates, state); }
std::optional<JobState> job_state_from_string(std::string_view text) {
  return value_in(kJobStates, text);
}

bool is_finished(JobState state) {
  return state == JobState::Succeeded || state == JobState::Failed || state == JobState::Cancelled;
}

std::string_view to_string(ProgressUnit unit) { return name_in(kProgressUnits, unit); }
std::optional<ProgressUnit> progress_unit_from_string(std::string_view text) {
  return value_in(kProgressUnits, text);
}

std::string_view to_string(ItemOutcome outcome) { return name_in(kItemOutcomes, outcome); }
std::optional<ItemOutcome> item_outcome_from_string(std::string_view text) {
  return value_in(kItemOutcomes, text);
}

std::string_view to_string(JobEventKind kind) { return name_in(kJobEventKinds, kind); }
std::optional<JobEventKind> job_event_kind_from_string(std::string_view text) {
  return value_in(kJobEventKinds, text);
}

bool JobItemResult::operator==(const JobItemResult& other) const {
  return key == other.key && label == other.label && outcome == other.outcome &&
         same_error(error, other.error) && detail == other.detail;
}

bool Job::operator==(const Job& other) const {
  return id == other.id && kind == other.kind && state == other.state &&
         owner_user_id == other.owner_user_id && account_id == other.account_id &&
         playlist_id == other.playlist_id && concurrency_key == other.concurrency_key &&
         payload == other.payload && checkpoint == other.checkpoint && progress == other.progress &&
         api == other.api && attempts == other.attempts && max_attempts == other.max_attempts &&
         created_at == other.created_at && run_at == other.run_at &&
         updated_at == other.updated_at && started_at == other.started_at &&
         finished_at == other.finished_at && same_error(error, other.error) &&
         cancel_requested == other.cancel_requested && lease_owner == other.lease_owner &&
         lease_expires_at == other.lease_expires_at;
}

bool jobs_conflict(std::string_view key_a, std::string_view key_b) {
  return key_a == key_b || contains(key_a, key_b) || contains(key_b, key_a);
}

std::string concurrency_key_for_account(std::int64_t account_id) {
  return "account/" + std::to_string(account_id);
}

std::string concurrency_key_for_playlist(std::int64_t account_id, std::string_view playlist_id) {
  return concurrency_key_for_account(account_id) + "/playlist/" + std::string(playlist_id);
}

std::optional<TimePoint> next_retry(const Error& error, int attempts, int max_attempts,
                                    TimePoint now) {
  if (!error.retryable() || attempts >= max_attempts) return std::nullopt;
  if (error.retry_at) return std::clamp(*error.retry_at, now, now + kMaxSpotifyRetryWait);
  // attempts^4 overflows nothing before the cap: 8^4 s is already past an hour.
  const std::int64_t n = std::clamp(attempts, 1, 8);
  const std::chrono::seconds backoff{n * n * n * n};
  return now + std::min<std::chrono::seconds>(backoff, kMaxRetryBackoff);
}

}  // namespace plm::core
