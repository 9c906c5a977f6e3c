#include "app/lifecycle_jobs.hpp"

#include <gtest/gtest.h>

#include "support/fakes.hpp"
#include "support/in_memory_job_queue.hpp"

namespace plm::app {
namespace {

using core::ErrorCode;
using core::ItemOutcome;
using core::Job;
using core::JobState;
using Injected = test_support::FakeSpotifyApi::Injected;

/// A valid track URI (22-character id) for `n`.
std::string uri(int n) {
  const std::string number = std::to_string(n);
  return "spotify:track:T" + std::string(21 - number.size(), '0') + number;
}

core::PlaylistItem item(int n, const std::string& release = "2001-02") {
  return core::PlaylistItem{.uri = uri(n),
                            .added_at = core::parse_utc("2025-01-01T00:00:00Z"),
                            .added_by = "me",
                            .track = core::TrackInfo{.uri = uri(n),
                                                     .name = "Track " + std::to_string(n),
                                                     .artists = {"A"},
                                                     .release_date = release}};
}

std::vector<core::PlaylistItem> items(int first, int count) {
  std::vector<core::PlaylistItem> result;
  for (int n = first; n < first + count; ++n) result.push_back(item(n));
  return result;
}

class LifecycleJobsTest : public ::testing::Test {
 protected:
  LifecycleJobsTest() {
    owner_ = store_.create_user("alice", "hash", core::Role::Editor)->id;
    account_ = *store_.upsert_account(
        core::SpotifyAccount{.app_user_id = owner_, .spotify_user_id = "me", .display_name = "Me"});
    add_lifecycle_handlers(handlers_, deps_);
    worker_ =
        std::make_unique<Worker>(queue_, handlers_, clock_, waiter_, WorkerOptions{.name = "w"});
  }

  /// A playlist on the fake and in the store, as a sync leaves it.
  void put_playlist(const std::string& id, const std::vector<core::PlaylistItem>& content) {
    spotify_.put_playlist(
        core::PlaylistSummary{.id = id, .name = "Playlist " + id, .owner_id = "me"}, content);
    const auto* remote = spotify_.find_playlist(id);
    ASSERT_TRUE(store_.save_playlist(account_, 0, remote->summary, remote->items).has_value());
  }

  Job enqueue(const core::PlaylistCreation& creation) {
    auto enqueued = queue_.enqueue(creation_job(owner_, account_, creation));
    EXPECT_TRUE(enqueued.has_value());
    return enqueued->job;
  }

  core::PlaylistCreation prepared(const core::CreateInput& input) {
    auto prepared = core::prepare_creation(
        input, [&](const std::string& id) { return store_.playlist_items(account_, id); });
    EXPECT_TRUE(prepared.has_value()) << prepared.error().message;
    prepared->creation.origin = "cli";
    prepared->creation.why = "testing";
    return prepared->creation;
  }

  bool run_one() { return worker_->run_one(); }
  core::JobDetails details(std::int64_t id) { return queue_.find_job(id)->value(); }

  /// The fake's playlists of that name.
  std::vector<const test_support::FakeSpotifyApi::FakePlaylist*> named(const std::string& name) {
    std::vector<const test_support::FakeSpotifyApi::FakePlaylist*> found;
    for (std::int64_t offset = 0;; offset += 50) {
      auto page = spotify_.my_playlists(offset, 50);
      EXPECT_TRUE(page.has_value());
      for (const auto& summary : page->items) {
        if (summary.name == name) found.push_back(spotify_.find_playlist(summary.id));
      }
      if (!page->has_next) break;
    }
    return found;
  }

  static std::vector<std::string> uris_of(const std::vector<core::PlaylistItem>& list) {
    std::vector<std::string> result;
    for (const auto& entry : list) result.push_back(entry.uri);
    return result;
  }

  test_support::ManualClock clock_;
  test_support::InMemoryStore store_;
  test_support::FakeSpotifyApi spotify_{"me"};
  test_support::InMemoryJobQueue queue_{clock_};
  ConditionWaiter waiter_{clock_};  // never waits: the tests call run_one
  int settle_waits_ = 0;
  LifecycleJobDeps deps_{store_,
                         store_,
                         store_,
                         clock_,
                         [this](const core::SpotifyAccount&) {
                           return std::shared_ptr<core::SpotifyApi>(std::shared_ptr<void>(),
                                                                    &spotify_);
                         },
                         [this] {
                           ++settle_waits_;
                           clock_.advance(kSettleWait);
                         }};
  JobHandlers handlers_;
  std::unique_ptr<Worker> worker_;
  std::int64_t owner_ = 0;
  std::int64_t account_ = 0;
};

TEST_F(LifecycleJobsTest, ACopyCreatesFillsStoresAndJournalsTheNewPlaylist) {
  auto source = items(0, 120);
  source.insert(source.begin() + 5,
                core::PlaylistItem{.uri = "spotify:local:a:b:c:1", .is_local = true});
  put_playlist("src", source);
  const Job queued =
      enqueue(prepared({.details = {.name = "Copy", .description = "a copy"}, .copy_of = "src"}));
  EXPECT_EQ(queued.kind, core::JobKind::CreatePlaylist);

  ASSERT_TRUE(run_one());

  const core::JobDetails done = details(queued.id);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << done.job.error->message;
  EXPECT_EQ(done.job.progress.message, "created \u201cCopy\u201d with 120 tracks");
  const auto copies = named("Copy");
  ASSERT_EQ(copies.size(), 1u);
  const auto& created = *copies.front();
  EXPECT_EQ(uris_of(created.items), uris_of(items(0, 120)));  // the local file is skipped
  EXPECT_EQ(created.summary.description, "a copy");
  // One create, two appends (100 + 20), and the one confirmation read before them.
  EXPECT_EQ(spotify_.writes(), 3);
  EXPECT_EQ(done.job.api.calls, 4);

  ASSERT_EQ(done.items.size(), 1u);
  EXPECT_EQ(done.items[0].key, "part/1");
  EXPECT_EQ(done.items[0].outcome, ItemOutcome::Done);
  EXPECT_EQ(done.items[0].detail, "created " + created.summary.id + " with 120 tracks");

  // Stored with the sources' catalog data (no read back) and journaled.
  const auto stored = store_.find_playlist(account_, created.summary.id)->value();
  EXPECT_EQ(stored.summary.name, "Copy");
  EXPECT_EQ(stored.summary.snapshot_id, created.summary.snapshot_id);
  const auto stored_items = *store_.playlist_items(account_, created.summary.id);
  ASSERT_EQ(stored_items.size(), 120u);
  EXPECT_EQ(stored_items[7].track, item(7).track);
  const auto versions = *store_.list_versions(account_, created.summary.id, {});
  ASSERT_EQ(versions.size(), 1u);
  EXPECT_EQ(versions[0].snapshot_id, created.summary.snapshot_id);
  EXPECT_EQ(versions[0].cause.kind, core::VersionCauseKind::Edit);
  EXPECT_EQ(versions[0].cause.action, "copy");
  EXPECT_EQ(versions[0].cause.origin, "cli");
  EXPECT_EQ(versions[0].cause.why, "testing");
  EXPECT_EQ(versions[0].cause.app_user_id, owner_);
  EXPECT_EQ(versions[0].cause.job_id, queued.id);
  EXPECT_EQ(versions[0].item_count, 120);
}

TEST_F(LifecycleJobsTest, AnEmptyPlaylistAndAMergeWithDedupe) {
  put_playlist("a", items(0, 3));
  put_playlist("b", items(2, 3));
  const Job empty = enqueue(prepared({.details = {.name = "Empty"}}));
  const Job merged =
      enqueue(prepared({.details = {.name = "Merged"}, .merge_of = {"a", "b"}, .dedupe = true}));
  ASSERT_TRUE(run_one());
  ASSERT_TRUE(run_one());

  EXPECT_EQ(details(empty.id).job.state, JobState::Succeeded);
  ASSERT_EQ(named("Empty").size(), 1u);
  EXPECT_TRUE(named("Empty").front()->items.empty());
  EXPECT_EQ(details(merged.id).job.state, JobState::Succeeded);
  EXPECT_EQ(uris_of(named("Merged").front()->items), uris_of(items(0, 5)));
  EXPECT_EQ(
      store_.list_versions(account_, named("Merged").front()->summary.id, {})->at(0).cause.action,
      "merge");
}

TEST_F(LifecycleJobsTest, APlaylistFromUrisIsReadBackOnceForItsCatalogData) {
  spotify_.put_playlist(core::PlaylistSummary{.id = "elsewhere", .name = "E", .owner_id = "me"},
                        items(0, 60));  // on Spotify, not in the store: plm knows no track
  core::PlaylistCreation creation =
      prepared({.details = {.name = "Typed"}, .uris = uris_of(items(0, 60))});
  const Job queued = enqueue(creation);

  ASSERT_TRUE(run_one());

  ASSERT_EQ(details(queued.id).job.state, JobState::Succeeded);
  const std::string id = named("Typed").front()->summary.id;
  // Create, one confirmation read, one append, then two pages read back.
  EXPECT_EQ(details(queued.id).job.api.calls, 5);
  const auto stored = *store_.playlist_items(account_, id);
  EXPECT_EQ(stored, named("Typed").front()->items);  // Spotify's added_at and catalog data
  EXPECT_EQ(store_.find_playlist(account_, id)->value().summary.snapshot_id,
            named("Typed").front()->summary.snapshot_id);
}

TEST_F(LifecycleJobsTest, AnUnansweredCreateThatWasAppliedIsAdoptedNotRepeated) {
  put_playlist("src", items(0, 10));
  spotify_.inject_write(1, Injected::UnknownApplied);
  const Job queued = enqueue(prepared({.details = {.name = "Copy"}, .copy_of = "src"}));

  ASSERT_TRUE(run_one());

  EXPECT_EQ(details(queued.id).job.state, JobState::Succeeded);
  const auto copies = named("Copy");
  ASSERT_EQ(copies.size(), 1u);  // found by listing, not created twice
  EXPECT_EQ(uris_of(copies.front()->items), uris_of(items(0, 10)));
  EXPECT_TRUE(store_.find_playlist(account_, copies.front()->summary.id)->has_value());
}

TEST_F(LifecycleJobsTest, AnUnansweredCreateIsNotTakenForAPlaylistThatAlreadyHasTracks) {
  put_playlist("src", items(0, 10));
  // A playlist of that name the user made elsewhere (not synced yet), with tracks in it.
  spotify_.put_playlist(core::PlaylistSummary{.id = "theirs", .name = "Copy", .owner_id = "me"},
                        items(50, 2));
  spotify_.inject_write(1, Injected::UnknownNotApplied);
  const Job queued = enqueue(prepared({.details = {.name = "Copy"}, .copy_of = "src"}));

  ASSERT_TRUE(run_one());

  EXPECT_EQ(details(queued.id).job.state, JobState::Failed);
  EXPECT_EQ(uris_of(spotify_.find_playlist("theirs")->items), uris_of(items(50, 2)));  // untouched
}

TEST_F(LifecycleJobsTest, AnUnansweredCreateThatWasNotAppliedFailsWithoutCreating) {
  put_playlist("src", items(0, 10));
  spotify_.inject_write(1, Injected::UnknownNotApplied);
  const Job queued = enqueue(prepared({.details = {.name = "Copy"}, .copy_of = "src"}));

  ASSERT_TRUE(run_one());

  const core::JobDetails failed = details(queued.id);
  EXPECT_EQ(failed.job.state, JobState::Failed);  // Conflict: not retried, never created twice
  EXPECT_EQ(failed.job.error->code, ErrorCode::Conflict);
  EXPECT_NE(failed.job.error->message.find("not created again"), std::string::npos);
  EXPECT_TRUE(named("Copy").empty());
  EXPECT_EQ(spotify_.writes(), 1);
  ASSERT_EQ(failed.items.size(), 1u);
  EXPECT_EQ(failed.items[0].outcome, ItemOutcome::Failed);
}

/// A JobContext for calling a handler directly, as the worker would after a crash: the job as
/// claimed again, with the checkpoint the dead attempt saved.
class ResumedContext final : public JobContext {
 public:
  explicit ResumedContext(Job job) : job_(std::move(job)) {}
  const Job& job() const override { return job_; }
  const std::vector<core::JobItemResult>& earlier_items() const override { return items_; }
  std::stop_token stop_token() const override { return {}; }
  void report(const core::JobProgress&, std::optional<std::string> checkpoint) override {
    if (checkpoint) job_.checkpoint = *checkpoint;
  }
  void record_item(const core::JobItemResult& item) override { items_.push_back(item); }
  void count_api(const core::ApiCounters&) override {}

 private:
  Job job_;
  std::vector<core::JobItemResult> items_;
};

TEST_F(LifecycleJobsTest, AJobThatDiedAfterSendingTheCreateAdoptsThePlaylistInsteadOfCreatingIt) {
  put_playlist("src", items(0, 10));
  Job job = enqueue(prepared({.details = {.name = "Copy"}, .copy_of = "src"}));
  // The dead attempt had saved "creating" and sent the create, which Spotify carried out.
  job.checkpoint = R"({"version":1,"parts":[{"state":"creating","id":"","snapshot":""}]})";
  ASSERT_TRUE(spotify_.create_playlist({.name = "Copy"}).write.is_applied());
  ResumedContext context(job);

  const JobResult result = handlers_.at(core::JobKind::CreatePlaylist)(context);

  ASSERT_EQ(result.kind, JobResult::Kind::Succeeded) << result.error->message;
  ASSERT_EQ(named("Copy").size(), 1u);
  EXPECT_EQ(uris_of(named("Copy").front()->items), uris_of(items(0, 10)));
  EXPECT_EQ(spotify_.writes(), 2);  // the dead attempt's create and one append: no second create
}

TEST_F(LifecycleJobsTest, ACheckpointThisVersionDidNotWriteFailsTheJobRatherThanGuess) {
  Job job = enqueue(prepared({.details = {.name = "X"}}));
  job.checkpoint = R"({"version":9})";
  ResumedContext context(job);

  const JobResult result = handlers_.at(core::JobKind::CreatePlaylist)(context);

  ASSERT_EQ(result.kind, JobResult::Kind::Failed);
  EXPECT_EQ(result.error->code, ErrorCode::Internal);
  EXPECT_EQ(spotify_.writes(), 0);
}

TEST_F(LifecycleJobsTest, ARefusedCreateIsRetriedAndCreatesOnce) {
  spotify_.inject_write(1, Injected::NotApplied,
                        core::make_error(ErrorCode::Unavailable, "Spotify is down"));
  const Job queued = enqueue(prepared({.details = {.name = "Later"}}));

  ASSERT_TRUE(run_one());
  EXPECT_EQ(details(queued.id).job.state, JobState::Queued);  // a retry at its time
  clock_.advance(std::chrono::minutes(1));
  ASSERT_TRUE(run_one());

  EXPECT_EQ(details(queued.id).job.state, JobState::Succeeded);
  EXPECT_EQ(named("Later").size(), 1u);
}

TEST_F(LifecycleJobsTest, AResumedJobAppendsOnlyWhatIsMissing) {
  put_playlist("src", items(0, 250));
  // The create and the first append go through; the second append is refused with an outage, so
  // the attempt ends with 100 of 250 tracks on Spotify and "adding" in its checkpoint.
  spotify_.inject_write(3, Injected::NotApplied,
                        core::make_error(ErrorCode::Unavailable, "Spotify is down"));
  const Job queued = enqueue(prepared({.details = {.name = "Big"}, .copy_of = "src"}));
  ASSERT_TRUE(run_one());
  ASSERT_EQ(details(queued.id).job.state, JobState::Queued);
  ASSERT_EQ(named("Big").size(), 1u);
  EXPECT_EQ(named("Big").front()->items.size(), 100u);

  clock_.advance(std::chrono::minutes(1));
  ASSERT_TRUE(run_one());

  EXPECT_EQ(details(queued.id).job.state, JobState::Succeeded);
  ASSERT_EQ(named("Big").size(), 1u);
  EXPECT_EQ(uris_of(named("Big").front()->items), uris_of(items(0, 250)));
}

TEST_F(LifecycleJobsTest, AnUnansweredAppendIsSettledWithReadsNotRepeated) {
  put_playlist("src", items(0, 30));
  spotify_.inject_write(2, Injected::UnknownApplied);
  const Job queued = enqueue(prepared({.details = {.name = "Copy"}, .copy_of = "src"}));

  ASSERT_TRUE(run_one());

  EXPECT_EQ(details(queued.id).job.state, JobState::Succeeded);
  EXPECT_EQ(uris_of(named("Copy").front()->items), uris_of(items(0, 30)));
}

TEST_F(LifecycleJobsTest, AnUnansweredAppendThatWasNotAppliedIsSentAgainAfterTheWaits) {
  put_playlist("src", items(0, 30));
  spotify_.inject_write(2, Injected::UnknownNotApplied);
  const Job queued = enqueue(prepared({.details = {.name = "Copy"}, .copy_of = "src"}));

  ASSERT_TRUE(run_one());

  EXPECT_EQ(details(queued.id).job.state, JobState::Succeeded);
  EXPECT_EQ(uris_of(named("Copy").front()->items), uris_of(items(0, 30)));
  EXPECT_EQ(settle_waits_, kSettleReads);  // four reads, each after a wait, showed no change
}

TEST_F(LifecycleJobsTest, ASplitCreatesOnePlaylistPerPartWithAResultEach) {
  auto content = items(0, 5);
  content[1].track->release_date = "1990";
  content[3].track->release_date = "1990-05-01";
  put_playlist("src", content);
  const auto split = core::split_items("Playlist src", content,
                                       core::SplitSpec{.rule = core::SplitRule::ReleaseYear});
  ASSERT_TRUE(split.has_value());
  core::PlaylistCreation creation = core::creation_of_split("src", *split);
  creation.origin = "web";
  const Job queued = enqueue(creation);
  EXPECT_EQ(queued.kind, core::JobKind::SplitPlaylist);
  EXPECT_EQ(queued.playlist_id, "src");

  ASSERT_TRUE(run_one());

  const core::JobDetails done = details(queued.id);
  ASSERT_EQ(done.job.state, JobState::Succeeded);
  EXPECT_EQ(done.job.progress.message, "created 2 playlists with 5 tracks");
  ASSERT_EQ(done.items.size(), 2u);
  EXPECT_EQ(done.items[0].label, "Playlist src (1990)");
  EXPECT_EQ(done.items[1].label, "Playlist src (2001)");
  EXPECT_EQ(uris_of(named("Playlist src (1990)").front()->items), (std::vector{uri(1), uri(3)}));
  EXPECT_EQ(uris_of(named("Playlist src (2001)").front()->items),
            (std::vector{uri(0), uri(2), uri(4)}));
  EXPECT_EQ(uris_of(spotify_.find_playlist("src")->items), uris_of(content));  // untouched
  EXPECT_EQ(store_.list_versions(account_, named("Playlist src (2001)").front()->summary.id, {})
                ->at(0)
                .cause.action,
            "split");
}

TEST_F(LifecycleJobsTest, ADeleteUnfollowsAndForgetsThePlaylistButKeepsItsHistory) {
  put_playlist("doomed", items(0, 3));
  ASSERT_TRUE(
      store_
          .record_version(core::NewRecordedVersion{.account_id = account_,
                                                   .playlist_id = "doomed",
                                                   .snapshot_id = "s1",
                                                   .items = core::version_items(items(0, 3))})
          .has_value());
  const auto enqueued = queue_.enqueue(delete_playlist_job(owner_, account_, "doomed"));
  ASSERT_TRUE(enqueued.has_value());
  // Asking twice is one delete.
  EXPECT_FALSE(queue_.enqueue(delete_playlist_job(owner_, account_, "doomed"))->created);

  ASSERT_TRUE(run_one());

  const core::JobDetails done = details(enqueued->job.id);
  ASSERT_EQ(done.job.state, JobState::Succeeded) << done.job.error->message;
  EXPECT_EQ(done.items.at(0),
            (core::JobItemResult{"doomed", "Playlist doomed", ItemOutcome::Done, std::nullopt,
                                 "unfollowed; its history is kept"}));
  EXPECT_FALSE(spotify_.find_playlist("doomed")->followed);
  EXPECT_FALSE(store_.find_playlist(account_, "doomed")->has_value());
  EXPECT_EQ(store_.list_versions(account_, "doomed", {})->size(), 1u);
}

TEST_F(LifecycleJobsTest, ARefusedUnfollowFailsAndKeepsThePlaylist) {
  put_playlist("kept", items(0, 3));
  spotify_.inject_write(1, Injected::NotApplied,
                        core::make_error(ErrorCode::Forbidden, "not allowed"));
  const auto enqueued = queue_.enqueue(delete_playlist_job(owner_, account_, "kept"));

  ASSERT_TRUE(run_one());

  EXPECT_EQ(details(enqueued->job.id).job.state, JobState::Failed);
  EXPECT_EQ(details(enqueued->job.id).items.at(0).outcome, ItemOutcome::Failed);
  EXPECT_TRUE(store_.find_playlist(account_, "kept")->has_value());
}

TEST(CreationPayload, RoundTripsAndRefusesOthers) {
  const core::PlaylistCreation creation{.action = core::PlaylistCreation::Action::Merge,
                                        .description = "d",
                                        .is_public = true,
                                        .collaborative = false,
                                        .sources = {"a", "b"},
                                        .parts = {{"Merged", {uri(1), uri(2)}}},
                                        .origin = "web",
                                        .why = "because"};
  EXPECT_EQ(decode_creation(encode_creation(creation)), creation);
  EXPECT_EQ(decode_creation(""), std::nullopt);
  EXPECT_EQ(decode_creation("{\"version\":2}"), std::nullopt);
  EXPECT_EQ(decode_creation("not json"), std::nullopt);
}

}  // namespace
}  // namespace plm::app
