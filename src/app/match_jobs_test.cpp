// The match_paste job over the in-memory store and queue, with a catalog-only Spotify fake: the
// lines' results stored as they come with progress in lines, a resumed attempt matching only the
// lines still pending, a retryable error failing the attempt (the retry goes on where it stopped),
// a deleted paste.

#include "app/match_jobs.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "support/fakes.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::app {
namespace {

using core::ErrorCode;
using core::Job;
using core::JobState;
using core::MatchStatus;

/// "Trk0000000000000000001": a 22-character track id, like Spotify's.
std::string track_id(int n) {
  std::string digits = std::to_string(n);
  return "Trk" + std::string(19 - digits.size(), '0') + digits;
}
std::string track_uri(int n) { return "spotify:track:" + track_id(n); }

/// The catalog side of Spotify, shared by the clients the job makes (one per line in flight, on
/// several threads): every track id exists ("Track <id>" by "Artist"); the calls are counted per
/// id; the ids in `failing` fail with `failure`.
struct Catalog {
  std::mutex mutex;
  std::map<std::string, int> calls_by_id;
  std::set<std::string> failing;
  core::Error failure = core::make_error(ErrorCode::Unavailable, "Spotify is down");

  int calls() {
    std::lock_guard lock(mutex);
    int total = 0;
    for (const auto& [id, calls] : calls_by_id) total += calls;
    return total;
  }
};

class CatalogSpotify final : public core::SpotifyApi {
 public:
  explicit CatalogSpotify(Catalog& catalog) : catalog_(catalog) {}

  core::Result<core::TrackInfo> track(const std::string& id) override {
    std::lock_guard lock(catalog_.mutex);
    ++catalog_.calls_by_id[id];
    ++counters_.calls;
    if (catalog_.failing.contains(id)) return catalog_.failure;
    return core::TrackInfo{.uri = "spotify:track:" + id,
                           .name = "Track " + id,
                           .artists = {"Artist"},
                           .album = "Album",
                           .duration_ms = 200'000};
  }
  core::Result<core::Page<core::TrackInfo>> search_tracks(const std::string& query, std::int64_t,
                                                          int) override {
    std::lock_guard lock(catalog_.mutex);
    ++catalog_.calls_by_id["search:" + query];
    ++counters_.calls;
    return core::Page<core::TrackInfo>{};
  }
  core::ApiCounters counters() const override { return counters_; }

  // Nothing else is the matcher's business.
  core::Result<core::SpotifyProfile> current_user() override { return refused(); }
  core::Result<core::Page<core::PlaylistSummary>> my_playlists(std::int64_t, int) override {
    return refused();
  }
  core::Result<core::Page<core::PlaylistItem>> playlist_items(const std::string&, std::int64_t,
                                                              int) override {
    return refused();
  }
  core::Result<core::PlaylistSummary> playlist(const std::string&) override { return refused(); }
  core::Result<core::PlaylistVersion> playlist_version(const std::string&) override {
    return refused();
  }
  core::CreateOutcome create_playlist(const core::NewPlaylist&) override {
    return core::CreateOutcome{refused_write(), std::nullopt};
  }
  core::WriteOutcome change_details(const std::string&,
                                    const core::PlaylistDetailsChange&) override {
    return refused_write();
  }
  core::WriteOutcome upload_cover(const std::string&, const std::string&) override {
    return refused_write();
  }
  core::WriteOutcome add_items(const std::string&, const std::vector<std::string>&,
                               std::optional<std::int64_t>) override {
    return refused_write();
  }
  core::WriteOutcome remove_items(const std::string&, const std::vector<std::string>&) override {
    return refused_write();
  }
  core::WriteOutcome reorder_items(const std::string&, std::int64_t, std::int64_t,
                                   std::int64_t) override {
    return refused_write();
  }
  core::WriteOutcome replace_items(const std::string&, const std::vector<std::string>&) override {
    return refused_write();
  }
  core::WriteOutcome unfollow_playlist(const std::string&) override { return refused_write(); }

 private:
  static core::Error refused() {
    ADD_FAILURE() << "the matcher reads no playlist";
    return core::make_error(ErrorCode::Internal, "not in this test");
  }
  static core::WriteOutcome refused_write() {
    ADD_FAILURE() << "the matcher writes nothing";
    return core::WriteOutcome::not_applied(core::make_error(ErrorCode::Internal, "not here"));
  }

  Catalog& catalog_;
  core::ApiCounters counters_;
};

class MatchJobsTest : public ::testing::Test {
 protected:
  MatchJobsTest() {
    owner_ = store_.create_user("alice", "hash", core::Role::Editor)->id;
    account_ = *store_.upsert_account(
        core::SpotifyAccount{.app_user_id = owner_, .spotify_user_id = "me", .display_name = "Me"});
    add_match_handlers(handlers_, deps_);
  }

  core::StoredPaste paste_of(const std::vector<std::string>& inputs) {
    auto paste = store_.create_paste(owner_, account_, inputs, clock_.now());
    EXPECT_TRUE(paste) << paste.error().message;
    return *paste;
  }
  Job enqueue(const core::StoredPaste& paste) {
    auto enqueued = queue_.enqueue(
        match_paste_job(owner_, account_, paste.id, static_cast<std::int64_t>(paste.line_count)));
    EXPECT_TRUE(enqueued.has_value());
    EXPECT_TRUE(store_.set_paste_job(paste.id, enqueued->job.id));
    return enqueued->job;
  }
  core::JobDetails run(const Job& job) {
    // Made at the first run: the worker copies the handlers the constructor added.
    if (!worker_) worker_ = std::make_unique<Worker>(queue_, handlers_, clock_, waiter_);
    EXPECT_TRUE(worker_->run_one());
    return queue_.find_job(job.id)->value();
  }
  std::vector<core::PasteLineRow> lines(const core::StoredPaste& paste) {
    return *store_.paste_lines(paste.id);
  }
  static std::string error_of(const core::JobDetails& details) {
    return details.job.error ? details.job.error->message : "";
  }

  test_support::ManualClock clock_;
  test_support::InMemoryStore store_{clock_};
  test_support::InMemoryJobQueue queue_{clock_};
  ConditionWaiter waiter_{clock_};  // never waits: the tests call run_one
  Catalog catalog_;
  MatchJobDeps deps_{.accounts = store_,
                     .matches = store_,
                     .clock = clock_,
                     .spotify_for = [this](const core::SpotifyAccount&) {
                       return std::make_unique<CatalogSpotify>(catalog_);
                     }};
  JobHandlers handlers_;
  std::unique_ptr<Worker> worker_;
  std::int64_t owner_ = 0;
  std::int64_t account_ = 0;
};

TEST_F(MatchJobsTest, TheJobIsOnTheAccountsKeyAndCountsLines) {
  const core::NewJob job = match_paste_job(3, 4, 5, 1000);
  EXPECT_EQ(job.kind, core::JobKind::MatchPaste);
  EXPECT_EQ(job.owner_user_id, 3);
  EXPECT_EQ(job.account_id, 4);
  EXPECT_EQ(job.concurrency_key, core::concurrency_key_for_account(4));
  EXPECT_EQ(job.unit, core::ProgressUnit::Lines);
  EXPECT_EQ(job.message, "waiting to match 1000 lines");
}

TEST_F(MatchJobsTest, EveryLineGetsItsResultStoredAndTheJobCountsLines) {
  const auto paste = paste_of({track_uri(1), "", "# a comment", track_uri(2)});
  const Job job = enqueue(paste);

  const auto done = run(job);

  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(done.job.progress,
            (core::JobProgress{4, 4, core::ProgressUnit::Lines,
                               "2 matched, 0 ambiguous, 0 not found, 2 invalid"}));
  EXPECT_EQ(done.job.api.calls, 2);
  const auto stored = lines(paste);
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored[0].match.status, MatchStatus::Matched);
  EXPECT_EQ(stored[0].match.uri, track_uri(1));
  EXPECT_EQ(stored[1].match.status, MatchStatus::Invalid);
  EXPECT_EQ(stored[2].match.status, MatchStatus::Invalid);
  EXPECT_EQ(stored[3].match.uri, track_uri(2));
}

TEST_F(MatchJobsTest, AResumedAttemptMatchesOnlyTheLinesStillPending) {
  const auto paste = paste_of({track_uri(1), track_uri(2), track_uri(3)});
  // An earlier attempt decided the first two lines before it died.
  std::vector<core::LineMatch> earlier;
  for (int n : {1, 2}) {
    core::LineMatch line;
    line.number = static_cast<std::size_t>(n);
    line.input = track_uri(n);
    line.status = MatchStatus::Matched;
    line.uri = track_uri(n);
    line.track = core::TrackInfo{.uri = track_uri(n), .name = "Decided earlier"};
    line.confidence = 1;
    line.source = core::MatchSource::Lookup;
    line.calls = 1;
    earlier.push_back(line);
  }
  ASSERT_TRUE(store_.save_line_results(paste.id, earlier));
  const auto before = lines(paste);
  const Job job = enqueue(paste);

  const auto done = run(job);

  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(catalog_.calls(), 1) << "only the line still pending is looked up";
  EXPECT_EQ(catalog_.calls_by_id[track_id(3)], 1);
  const auto after = lines(paste);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[0], before[0]) << "not matched again, not even saved again";
  EXPECT_EQ(after[1], before[1]);
  EXPECT_EQ(after[2].match.status, MatchStatus::Matched);
  EXPECT_EQ(after[2].match.uri, track_uri(3));
  EXPECT_EQ(done.job.progress.done, 3);
  EXPECT_EQ(done.job.progress.total, 3);
}

TEST_F(MatchJobsTest, ARetryableErrorFailsTheAttemptAndTheRetryGoesOnWhereItStopped) {
  const auto paste = paste_of({track_uri(1), track_uri(2), track_uri(3)});
  catalog_.failing = {track_id(3)};
  const Job job = enqueue(paste);

  const auto failed = run(job);

  ASSERT_EQ(failed.job.state, JobState::Queued) << "retried later: " << error_of(failed);
  ASSERT_TRUE(failed.job.error);
  EXPECT_EQ(failed.job.error->code, ErrorCode::Unavailable);
  auto stored = lines(paste);
  EXPECT_EQ(stored[0].match.status, MatchStatus::Matched);
  EXPECT_EQ(stored[1].match.status, MatchStatus::Matched);
  EXPECT_EQ(stored[2].match.status, MatchStatus::Pending);
  EXPECT_EQ(failed.job.progress.done, 2);

  {
    std::lock_guard lock(catalog_.mutex);
    catalog_.failing.clear();
  }
  clock_.advance(std::chrono::minutes(5));
  const auto done = run(job);

  ASSERT_EQ(done.job.state, JobState::Succeeded) << error_of(done);
  EXPECT_EQ(catalog_.calls_by_id[track_id(1)], 1) << "decided lines are not looked up again";
  EXPECT_EQ(catalog_.calls_by_id[track_id(2)], 1);
  stored = lines(paste);
  EXPECT_EQ(stored[2].match.uri, track_uri(3));
  EXPECT_EQ(done.job.progress.done, 3);
}

TEST_F(MatchJobsTest, APasteDeletedBeforeItsJobRanFailsTheJobForGood) {
  const auto paste = paste_of({track_uri(1)});
  const Job job = enqueue(paste);
  ASSERT_TRUE(store_.delete_paste(paste.id));

  const auto done = run(job);

  EXPECT_EQ(done.job.state, JobState::Failed);
  EXPECT_EQ(done.job.error->code, ErrorCode::NotFound);
  EXPECT_EQ(catalog_.calls(), 0);
}

}  // namespace
}  // namespace plm::app
