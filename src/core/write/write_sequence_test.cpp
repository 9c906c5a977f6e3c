// The write sequence over the port's fake (trusted because the SpotifyApi contract suite passes on
// it), with injected outcomes: applied, not applied, unknown-but-applied, unknown-and-not-applied.

#include "core/write/write_sequence.hpp"

#include <gtest/gtest.h>

#include "support/fakes.hpp"

namespace plm::core {
namespace {

using test_support::FakeSpotifyApi;
using Injected = FakeSpotifyApi::Injected;

/// A track URI with a 22-character base-62 id, distinct per `n`.
std::string uri(int n) {
  const std::string digits = std::to_string(n);
  return "spotify:track:Track" + std::string(17 - digits.size(), '0') + digits;
}

std::vector<std::string> uris(int first, int count) {
  std::vector<std::string> result;
  for (int i = 0; i < count; ++i) result.push_back(uri(first + i));
  return result;
}

std::vector<PlaylistItem> playlist_items_of(const std::vector<std::string>& list) {
  std::vector<PlaylistItem> items;
  for (const auto& each : list) {
    PlaylistItem item;
    item.uri = each;
    item.is_local = each.starts_with("spotify:local:");
    item.unavailable = each.empty();
    items.push_back(item);
  }
  return items;
}

class WriteSequenceTest : public ::testing::Test {
 protected:
  WriteSequenceTest() : spotify_("me") {
    PlaylistSummary summary;
    summary.id = "Playlist00000000000001";
    summary.name = "Mine";
    summary.owner_id = "me";
    summary.is_public = true;
    spotify_.put_playlist(summary, playlist_items_of(uris(0, 5)));
  }

  std::vector<std::string> current() const {
    std::vector<std::string> list;
    for (const auto& item : spotify_.find_playlist(kId)->items) list.push_back(item.uri);
    return list;
  }
  std::int64_t copies_of(const std::string& wanted) const {
    const auto list = current();
    return std::count(list.begin(), list.end(), wanted);
  }
  std::string snapshot() const { return spotify_.find_playlist(kId)->summary.snapshot_id; }
  PlannedPlaylist plan() const { return {kId, snapshot(), current()}; }
  /// Someone else's edit: a track appended behind our back.
  void edit_elsewhere() {
    auto items = spotify_.find_playlist(kId)->items;
    items.push_back(playlist_items_of({uri(900)}).front());
    spotify_.set_items(kId, items);
  }

  WriteSequenceResult run(const std::vector<WriteStep>& steps,
                          const WriteSequenceOptions& options = {}) {
    return run_write_sequence(spotify_, plan(), steps, options);
  }

  static constexpr const char* kId = "Playlist00000000000001";
  FakeSpotifyApi spotify_;
};

TEST_F(WriteSequenceTest, AppendsNeedNoConfirmationAndChainTheirSnapshots) {
  const auto result = run({WriteStep::add(uris(100, 2)), WriteStep::add({uri(200)})});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(current().size(), 8u);
  EXPECT_EQ(result.counters.check_reads, 0);
  EXPECT_EQ(result.counters.calls, 2);
  EXPECT_EQ(spotify_.calls(), 2);
  ASSERT_EQ(result.steps.size(), 2u);
  EXPECT_EQ(result.steps[0].writes, 1);
  EXPECT_EQ(result.steps[0].status, WriteStatus::Applied);
  EXPECT_NE(result.steps[0].snapshot_id, result.steps[1].snapshot_id);
  EXPECT_EQ(result.steps[1].snapshot_id, snapshot());
  EXPECT_EQ(result.snapshot_id, snapshot());
}

TEST_F(WriteSequenceTest, OnePositionalStepMakesOneConfirmationBeforeTheFirstWrite) {
  std::vector<std::string> calls;
  spotify_.on_call([&](std::int64_t) { calls.push_back(snapshot()); });
  const auto before = plan();
  const auto result = run({WriteStep::add({uri(100)}), WriteStep::add({uri(101)}, 0),
                           WriteStep::reorder(0, 7, 1), WriteStep::remove({uri(2)})});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(result.counters.check_reads, 1);
  EXPECT_EQ(result.steps[0].check_reads, 1);  // counted on the step it came before
  EXPECT_EQ(result.counters.calls, 5);
  // The read came first, while the playlist was still as planned.
  ASSERT_EQ(calls.size(), 5u);
  EXPECT_EQ(calls[0], before.snapshot_id);
  EXPECT_EQ(current(),
            (std::vector<std::string>{uri(0), uri(1), uri(3), uri(4), uri(100), uri(101)}));
}

TEST_F(WriteSequenceTest, AStaleSnapshotStopsItWithAConflictNamingBoth) {
  const auto planned = plan();
  edit_elsewhere();
  const auto result = run_write_sequence(spotify_, planned, {WriteStep::add({uri(100)}, 0)});
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Conflict);
  EXPECT_NE(result.stopped_by->message.find(planned.snapshot_id), std::string::npos);
  EXPECT_NE(result.stopped_by->message.find(snapshot()), std::string::npos);
  EXPECT_EQ(spotify_.writes(), 0);
  EXPECT_EQ(result.steps[0].status, WriteStatus::NotApplied);
  EXPECT_EQ(result.steps[0].check_reads, 1);
}

TEST_F(WriteSequenceTest, AlwaysConfirmGuardsARerunOfAnAppend) {
  const auto planned = plan();
  ASSERT_TRUE(run_write_sequence(spotify_, planned, {WriteStep::add({uri(100)})}).complete());
  // The same plan again (a job running its step a second time): confirmed, so refused.
  const auto again =
      run_write_sequence(spotify_, planned, {WriteStep::add({uri(100)})}, {.always_confirm = true});
  EXPECT_EQ(again.stopped_by->code, ErrorCode::Conflict);
  EXPECT_EQ(current().size(), 6u);
}

TEST_F(WriteSequenceTest, AnInvalidStepIsRefusedBeforeAnythingIsSent) {
  const auto result = run({WriteStep::add({uri(100)}), WriteStep::remove({uri(1)}),
                           WriteStep::reorder(0, 9, 1)});  // 5 items: out of bounds
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.stopped_by->code, ErrorCode::InvalidInput);
  EXPECT_NE(result.stopped_by->message.find("step 3 (reorder)"), std::string::npos)
      << result.stopped_by->message;
  EXPECT_EQ(spotify_.calls(), 0);
  EXPECT_EQ(result.steps[2].error->code, ErrorCode::InvalidInput);
  EXPECT_FALSE(result.steps[0].error);
}

TEST_F(WriteSequenceTest, LocalFilesCanNeitherBeAddedNorRemoved) {
  const std::string local = "spotify:local:Artist:Album:Title:200";
  spotify_.set_items(kId, playlist_items_of({uri(0), local, ""}));
  EXPECT_EQ(run({WriteStep::add({local})}).stopped_by->code, ErrorCode::InvalidInput);
  EXPECT_EQ(run({WriteStep::remove({local})}).stopped_by->code, ErrorCode::InvalidInput);
  EXPECT_EQ(spotify_.calls(), 0);
  // The model keeps their slots: a move past them lands where Spotify puts it.
  const auto result = run({WriteStep::reorder(0, 3, 1), WriteStep::add({uri(5)}, 1)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(current(), (std::vector<std::string>{local, uri(5), "", uri(0)}));
}

TEST_F(WriteSequenceTest, AddsOverOneHundredGoInChunksInOrder) {
  const auto added = uris(1000, 250);
  const auto result = run({WriteStep::add(added, 1)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  std::vector<std::string> expected{uri(0)};
  expected.insert(expected.end(), added.begin(), added.end());
  for (int i = 1; i < 5; ++i) expected.push_back(uri(i));
  EXPECT_EQ(current(), expected);
  EXPECT_EQ(result.steps[0].chunks, 3);
  EXPECT_EQ(result.steps[0].chunks_applied, 3);
  EXPECT_EQ(result.steps[0].writes, 3);
}

TEST_F(WriteSequenceTest, ALongReplaceIsOnePutThenAppends) {
  const auto replacement = uris(3000, 230);
  const auto result = run({WriteStep::replace(replacement)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(current(), replacement);
  EXPECT_EQ(result.steps[0].writes, 3);
  EXPECT_EQ(result.counters.check_reads, 1);  // a replace discards changes: confirmed first
}

TEST_F(WriteSequenceTest, RemovalsOverOneHundredGoInChunksAndTakeEveryCopy) {
  spotify_.set_items(kId, playlist_items_of([] {
                       auto list = uris(0, 150);
                       list.push_back(uri(3));
                       return list;
                     }()));
  const auto result = run({WriteStep::remove(uris(0, 120))});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(current(), uris(120, 30));
  EXPECT_EQ(result.steps[0].writes, 2);
}

// ---- unknown outcomes ----------------------------------------------------------------------

TEST_F(WriteSequenceTest, UnknownButAppliedAddIsSettledAndNotRepeated) {
  spotify_.inject_write(1, Injected::UnknownApplied);
  const auto result = run({WriteStep::add(uris(100, 3))});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(current().size(), 8u);  // exactly one copy
  EXPECT_EQ(spotify_.writes(), 1);
  EXPECT_EQ(result.steps[0].status, WriteStatus::Applied);
  EXPECT_EQ(result.steps[0].check_reads, 2);  // the version, then the slice it should fill
  EXPECT_EQ(result.counters.check_reads, 2);
  EXPECT_EQ(result.snapshot_id, snapshot());  // learnt from the read
}

TEST_F(WriteSequenceTest, UnknownAndNotAppliedAddIsRepeatedOnceAfterARead) {
  spotify_.inject_write(1, Injected::UnknownNotApplied);
  int pauses = 0;
  const auto result = run({WriteStep::add(uris(100, 3), 2)}, {.before_settling = [&] {
                            ++pauses;
                            EXPECT_EQ(spotify_.calls(), 2);  // the confirmation and the add
                          }});
  EXPECT_EQ(pauses, 1);
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(current(), (std::vector<std::string>{uri(0), uri(1), uri(100), uri(101), uri(102),
                                                 uri(2), uri(3), uri(4)}));
  EXPECT_EQ(spotify_.writes(), 2);
  EXPECT_EQ(result.steps[0].writes, 2);
  EXPECT_EQ(result.counters.check_reads, 2);  // the confirmation and the settling read
}

TEST_F(WriteSequenceTest, AnAddThatNeverGetsThroughGivesUpWithoutAnyCopy) {
  for (int n = 1; n <= 3; ++n) spotify_.inject_write(n, Injected::UnknownNotApplied);
  const auto result = run({WriteStep::add({uri(100)})});
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Unavailable);
  EXPECT_NE(result.stopped_by->message.find("not applied after 3 attempts"), std::string::npos);
  EXPECT_EQ(result.steps[0].status, WriteStatus::NotApplied);
  EXPECT_EQ(spotify_.writes(), 3);
  EXPECT_EQ(current().size(), 5u);
}

TEST_F(WriteSequenceTest, UnknownAddWhileSomeoneElseEditedIsAConflictNotARepeat) {
  spotify_.inject_write(1, Injected::UnknownNotApplied);
  spotify_.on_call([&](std::int64_t call) {
    if (call == 2) edit_elsewhere();  // between the lost add and the settling read
  });
  const auto result = run({WriteStep::add({uri(100)})});
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Conflict);
  EXPECT_EQ(result.steps[0].status, WriteStatus::Unknown);
  EXPECT_EQ(spotify_.writes(), 1);
  EXPECT_EQ(copies_of(uri(100)), 0);
  EXPECT_TRUE(result.snapshot_id.empty());  // unknown
}

TEST_F(WriteSequenceTest, UnknownButAppliedAddPlusSomeoneElsesEditIsAConflict) {
  spotify_.inject_write(1, Injected::UnknownApplied);
  spotify_.on_call([&](std::int64_t call) {
    if (call == 2) edit_elsewhere();
  });
  const auto result = run({WriteStep::add({uri(100)}), WriteStep::add({uri(101)})});
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Conflict);
  EXPECT_EQ(copies_of(uri(100)), 1);
  EXPECT_EQ(result.steps[1].writes, 0);  // never reached
}

TEST_F(WriteSequenceTest, UnknownButAppliedReorderIsNotMovedTwice) {
  spotify_.inject_write(1, Injected::UnknownApplied);
  const auto result = run({WriteStep::reorder(0, 5, 2)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(current(), (std::vector<std::string>{uri(2), uri(3), uri(4), uri(0), uri(1)}));
  EXPECT_EQ(spotify_.writes(), 1);
  // Confirmation, settling version, and the window it rearranged (one page).
  EXPECT_EQ(result.counters.check_reads, 3);
}

TEST_F(WriteSequenceTest, UnknownAndNotAppliedReorderIsRepeated) {
  spotify_.inject_write(1, Injected::UnknownNotApplied);
  const auto result = run({WriteStep::reorder(4, 0, 1)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(current(), (std::vector<std::string>{uri(4), uri(0), uri(1), uri(2), uri(3)}));
  EXPECT_EQ(spotify_.writes(), 2);
}

TEST_F(WriteSequenceTest, UnknownRemovalIsSettledByItsCount) {
  spotify_.set_items(kId, playlist_items_of({uri(0), uri(1), uri(0), uri(2)}));
  spotify_.inject_write(1, Injected::UnknownApplied);
  const auto result = run({WriteStep::remove({uri(0)})});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(current(), (std::vector<std::string>{uri(1), uri(2)}));
  EXPECT_EQ(spotify_.writes(), 1);
  EXPECT_EQ(result.counters.check_reads, 2);  // confirmation and one version read
}

TEST_F(WriteSequenceTest, AChunkRefusedHalfWayReportsWhatWasApplied) {
  spotify_.inject_write(2, Injected::NotApplied,
                        make_error(ErrorCode::Forbidden, "Playlist size limit reached"));
  const auto result = run({WriteStep::add(uris(1000, 250)), WriteStep::add({uri(1)})});
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Forbidden);
  EXPECT_EQ(result.steps[0].status, WriteStatus::NotApplied);
  EXPECT_EQ(result.steps[0].chunks, 3);
  EXPECT_EQ(result.steps[0].chunks_applied, 1);
  EXPECT_EQ(result.steps[1].writes, 0);
  EXPECT_EQ(current().size(), 105u);
  EXPECT_EQ(result.snapshot_id, snapshot());  // nothing unknown happened
}

TEST_F(WriteSequenceTest, AfterStepSeesEachAppliedStepAndCanStopBeforeTheNext) {
  std::vector<WriteStepReport> seen;
  WriteSequenceOptions options;
  options.after_step = [&](const WriteStepReport& report) {
    seen.push_back(report);
    EXPECT_EQ(report.snapshot_id, snapshot()) << "called once the step is applied";
    return seen.size() < 2;  // stop after the second step
  };
  const auto result =
      run({WriteStep::add({uri(100)}), WriteStep::reorder(0, 2, 1), WriteStep::add({uri(101)})},
          options);
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Unavailable);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].index, 0u);
  EXPECT_EQ(seen[1].index, 1u);
  EXPECT_EQ(result.steps[1].status, WriteStatus::Applied);
  EXPECT_EQ(result.steps[2].status, WriteStatus::NotApplied);
  EXPECT_EQ(result.steps[2].writes, 0);
  EXPECT_EQ(result.snapshot_id, snapshot());
  EXPECT_EQ(current().size(), 6u);
}

// ---- details and covers --------------------------------------------------------------------

TEST_F(WriteSequenceTest, DetailsAndCoversGoAfterTheItemWrites) {
  const std::string jpeg("\xFF\xD8\xFF\xE0 a tiny jpeg", 16);
  const auto result = run({WriteStep::change_details({.name = "Renamed"}),
                           WriteStep::upload_cover(jpeg), WriteStep::add({uri(100)}, 0)});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  ASSERT_EQ(result.steps.size(), 3u);
  EXPECT_EQ(result.steps[0].index, 2u);
  EXPECT_EQ(result.steps[0].kind, WriteStep::Kind::Add);
  EXPECT_EQ(result.steps[1].index, 0u);
  EXPECT_EQ(result.steps[2].index, 1u);
  EXPECT_FALSE(result.steps[0].snapshot_id.empty());
  EXPECT_TRUE(result.snapshot_id.empty());  // details and covers move it without saying
  EXPECT_EQ(spotify_.find_playlist(kId)->summary.name, "Renamed");
  EXPECT_EQ(spotify_.find_playlist(kId)->cover_jpeg, jpeg);
  EXPECT_EQ(result.counters.check_reads, 1);
}

TEST_F(WriteSequenceTest, UnknownDetailsChangeIsSettledByReadingThePlaylist) {
  spotify_.inject_write(1, Injected::UnknownApplied);
  auto result = run({WriteStep::change_details({.description = "New words"})});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(spotify_.writes(), 1);
  EXPECT_EQ(result.counters.check_reads, 1);

  spotify_.inject_write(2, Injected::UnknownNotApplied);
  result = run({WriteStep::change_details({.name = "Other"})});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(spotify_.writes(), 3);  // read showed it was not applied: sent again
  EXPECT_EQ(spotify_.find_playlist(kId)->summary.name, "Other");
}

TEST_F(WriteSequenceTest, UnknownCoverStopsWithoutGuessing) {
  spotify_.inject_write(1, Injected::UnknownNotApplied);
  const auto result = run({WriteStep::upload_cover(std::string("\xFF\xD8\xFF\xE0", 4))});
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.steps[0].status, WriteStatus::Unknown);
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Unavailable);
  EXPECT_NE(result.stopped_by->message.find("asynchronously"), std::string::npos);
  EXPECT_EQ(result.counters.check_reads, 0);
}

TEST_F(WriteSequenceTest, ARefusedWriteStopsTheSequence) {
  spotify_.inject_write(2, Injected::NotApplied, make_error(ErrorCode::Forbidden, "Forbidden"));
  const auto result =
      run({WriteStep::add({uri(100)}), WriteStep::add({uri(101)}), WriteStep::add({uri(102)})});
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Forbidden);
  EXPECT_EQ(result.steps[0].status, WriteStatus::Applied);
  EXPECT_EQ(result.steps[1].status, WriteStatus::NotApplied);
  EXPECT_EQ(result.steps[2].writes, 0);
  EXPECT_EQ(spotify_.writes(), 2);
}

// ---- a plan without a snapshot -------------------------------------------------------------

TEST_F(WriteSequenceTest, APlanWithoutASnapshotLearnsItWhenTheCountAgrees) {
  auto planned = plan();
  planned.snapshot_id.clear();
  auto result = run_write_sequence(spotify_, planned, {WriteStep::add({uri(100)})});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(result.counters.check_reads, 1);

  planned = plan();
  planned.snapshot_id.clear();
  edit_elsewhere();
  result = run_write_sequence(spotify_, planned, {WriteStep::add({uri(101)})});
  EXPECT_EQ(result.stopped_by->code, ErrorCode::Conflict);
}

// ---- lagging reads (spotify-api.md §2.14) ----------------------------------------------------

/// The fake behind reads that lag writes, as the emulator's `stale_reads`: after each write the
/// next `lag` version reads show the version from before the oldest write not caught up yet.
class LaggingReads final : public SpotifyApi {
 public:
  LaggingReads(FakeSpotifyApi& inner, std::string id, int lag)
      : inner_(inner), id_(std::move(id)), lag_(lag) {}

  Result<PlaylistVersion> playlist_version(const std::string& playlist_id) override {
    std::erase_if(pending_, [](const Pending& each) { return each.reads_left == 0; });
    if (pending_.empty()) return inner_.playlist_version(playlist_id);
    const PlaylistVersion shown = pending_.front().before;
    for (auto& each : pending_) --each.reads_left;
    ++lagging_reads;
    return shown;
  }

  WriteOutcome add_items(const std::string& playlist_id, const std::vector<std::string>& uris,
                         std::optional<std::int64_t> position) override {
    return lagging([&] { return inner_.add_items(playlist_id, uris, position); });
  }
  WriteOutcome remove_items(const std::string& playlist_id,
                            const std::vector<std::string>& uris) override {
    return lagging([&] { return inner_.remove_items(playlist_id, uris); });
  }
  WriteOutcome reorder_items(const std::string& playlist_id, std::int64_t range_start,
                             std::int64_t insert_before, std::int64_t range_length) override {
    return lagging([&] {
      return inner_.reorder_items(playlist_id, range_start, insert_before, range_length);
    });
  }
  WriteOutcome replace_items(const std::string& playlist_id,
                             const std::vector<std::string>& uris) override {
    return lagging([&] { return inner_.replace_items(playlist_id, uris); });
  }

  // The rest as the fake has it.
  Result<SpotifyProfile> current_user() override { return inner_.current_user(); }
  Result<Page<PlaylistSummary>> my_playlists(std::int64_t offset, int limit) override {
    return inner_.my_playlists(offset, limit);
  }
  Result<Page<PlaylistItem>> playlist_items(const std::string& playlist_id, std::int64_t offset,
                                            int limit) override {
    return inner_.playlist_items(playlist_id, offset, limit);
  }
  Result<PlaylistSummary> playlist(const std::string& playlist_id) override {
    return inner_.playlist(playlist_id);
  }
  CreateOutcome create_playlist(const NewPlaylist& playlist) override {
    return inner_.create_playlist(playlist);
  }
  WriteOutcome change_details(const std::string& playlist_id,
                              const PlaylistDetailsChange& change) override {
    return inner_.change_details(playlist_id, change);
  }
  WriteOutcome upload_cover(const std::string& playlist_id, const std::string& jpeg) override {
    return inner_.upload_cover(playlist_id, jpeg);
  }
  WriteOutcome unfollow_playlist(const std::string& playlist_id) override {
    return inner_.unfollow_playlist(playlist_id);
  }
  Result<TrackInfo> track(const std::string& track_id) override { return inner_.track(track_id); }
  Result<Page<TrackInfo>> search_tracks(const std::string& query, std::int64_t offset,
                                        int limit) override {
    return inner_.search_tracks(query, offset, limit);
  }
  ApiCounters counters() const override { return inner_.counters(); }

  int lagging_reads = 0;

 private:
  struct Pending {
    PlaylistVersion before;
    int reads_left = 0;
  };

  template <typename Write>
  WriteOutcome lagging(Write write) {
    const auto* playlist = inner_.find_playlist(id_);
    const PlaylistVersion before{playlist->summary.snapshot_id,
                                 static_cast<std::int64_t>(playlist->items.size())};
    auto outcome = write();
    if (inner_.find_playlist(id_)->summary.snapshot_id != before.snapshot_id) {
      pending_.push_back({before, lag_});
    }
    return outcome;
  }

  FakeSpotifyApi& inner_;
  std::string id_;
  int lag_;
  std::vector<Pending> pending_;
};

TEST_F(WriteSequenceTest, AnAppliedAddIsNotSentAgainWhileReadsStillShowTheSnapshotBefore) {
  // Fails with settle_reads 1 (the only behaviour before it existed): the first settling read
  // shows the old snapshot, the add is sent again and the track is there twice.
  LaggingReads lagging(spotify_, kId, 2);
  spotify_.inject_write(1, Injected::UnknownApplied);
  int pauses = 0;
  const auto result = run_write_sequence(lagging, plan(), {WriteStep::add({uri(100)}, 1)},
                                         {.settle_reads = 3, .before_settling = [&] { ++pauses; }});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(copies_of(uri(100)), 1);
  EXPECT_EQ(spotify_.writes(), 1);
  EXPECT_EQ(lagging.lagging_reads, 2);
  EXPECT_EQ(pauses, 3);  // before every settling read
  // The confirmation, three version reads, the slice.
  EXPECT_EQ(result.counters.check_reads, 5);
  EXPECT_EQ(result.snapshot_id, snapshot());
}

TEST_F(WriteSequenceTest, AnAddNotAppliedIsSentAgainOnlyAfterEverySettlingReadShowedItMissing) {
  LaggingReads lagging(spotify_, kId, 2);
  spotify_.inject_write(1, Injected::UnknownNotApplied);
  const auto result =
      run_write_sequence(lagging, plan(), {WriteStep::add({uri(100)})}, {.settle_reads = 3});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(copies_of(uri(100)), 1);
  EXPECT_EQ(spotify_.writes(), 2);
  EXPECT_EQ(result.counters.check_reads, 3);  // an append needs no confirmation
}

TEST_F(WriteSequenceTest, AReadShowingASnapshotFromBeforeAnEarlierWriteIsReadAgain) {
  // The first add is answered; the second's answer is lost. Lagging reads show the playlist as it
  // was before the first: neither "unchanged" nor the second add's result.
  LaggingReads lagging(spotify_, kId, 2);
  spotify_.inject_write(2, Injected::UnknownApplied);
  const std::vector<WriteStep> steps{WriteStep::add({uri(100)}), WriteStep::add({uri(101)}, 0)};
  auto result = run_write_sequence(lagging, plan(), steps, {.settle_reads = 3});
  ASSERT_TRUE(result.complete()) << result.stopped_by->message;
  EXPECT_EQ(copies_of(uri(101)), 1);
  EXPECT_EQ(spotify_.writes(), 2);

  // With fewer reads than the lag, the sequence stops as Unknown rather than guess.
  LaggingReads again(spotify_, kId, 2);
  spotify_.inject_write(4, Injected::UnknownApplied);
  result =
      run_write_sequence(again, plan(), {WriteStep::add({uri(102)}), WriteStep::add({uri(103)}, 0)},
                         {.settle_reads = 1});
  ASSERT_FALSE(result.complete());
  EXPECT_EQ(result.steps[1].status, WriteStatus::Unknown);
  EXPECT_NE(result.stopped_by->message.find("from before earlier writes"), std::string::npos)
      << result.stopped_by->message;
  EXPECT_EQ(copies_of(uri(103)), 1);
}

}  // namespace
}  // namespace plm::core
