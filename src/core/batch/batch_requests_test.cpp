#include "core/batch/batch_requests.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/fakes.hpp"

namespace plm::core {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Status = BatchEntryPlan::Status;

std::string track(const std::string& name) {
  return "spotify:track:" + std::string(22 - name.size(), 'x') + name;
}
std::string pid(const std::string& name) { return std::string(22 - name.size(), 'P') + name; }

class BatchRequests : public ::testing::Test {
 protected:
  void SetUp() override {
    auto user = store_.create_user("alice", "", Role::Admin);
    ASSERT_TRUE(user);
    auto account =
        store_.upsert_account(SpotifyAccount{.app_user_id = user->id, .spotify_user_id = "me"});
    ASSERT_TRUE(account) << account.error().message;
    account_ = SpotifyAccount{.id = *account, .app_user_id = user->id, .spotify_user_id = "me"};
  }

  /// Stores a playlist of the account at the end of its list.
  void save(const std::string& id, const std::string& name, const std::vector<std::string>& uris,
            std::string snapshot = "", std::string owner = "me") {
    PlaylistSummary summary{.id = id,
                            .name = name,
                            .owner_id = owner,
                            .snapshot_id = snapshot.empty() ? "snap-" + id : snapshot,
                            .item_count = static_cast<std::int64_t>(uris.size())};
    std::vector<PlaylistItem> items;
    for (const auto& uri : uris) {
      PlaylistItem item{.uri = uri};
      if (uri.starts_with("spotify:local:")) item.is_local = true;
      if (uri.starts_with("spotify:track:")) item.track = TrackInfo{.uri = uri, .name = "T " + uri};
      items.push_back(item);
    }
    ASSERT_TRUE(store_.save_playlist(account_.id, position_++, summary, items));
  }

  /// Records a version of `id` with these URIs, made by `job_id` when given.
  std::int64_t record(const std::string& id, const std::vector<std::string>& uris,
                      VersionCauseKind cause, std::optional<std::int64_t> job_id = std::nullopt) {
    NewRecordedVersion version{.account_id = account_.id,
                               .playlist_id = id,
                               .snapshot_id = "v" + std::to_string(++recorded_),
                               .details = {"Mix", "", false, false}};
    for (const auto& uri : uris) version.items.push_back({.uri = uri});
    version.cause.kind = cause;
    version.cause.job_id = job_id;
    if (cause != VersionCauseKind::Sync) version.cause.origin = "web";
    auto done = store_.record_version(version);
    EXPECT_TRUE(done && *done);
    clock_.advance(std::chrono::hours{1});
    return done && *done ? (*done)->sequence : 0;
  }

  Result<BatchProposal> propose(std::vector<BatchPart> parts) {
    return propose_batch(store_, account_, BatchRequest{.parts = std::move(parts)}, options_);
  }

  static BatchPart add_to(BatchSelection selection, std::vector<std::string> uris) {
    BatchOperation operation{.kind = BatchOperation::Kind::Add, .uris = std::move(uris)};
    return BatchPart{.selection = std::move(selection), .operation = std::move(operation)};
  }

  test_support::ManualClock clock_;
  test_support::InMemoryStore store_{clock_};
  SpotifyAccount account_;
  std::int64_t position_ = 0;
  int recorded_ = 0;
  BatchPlanOptions options_{.today = clock_.now()};
};

// ---- propose_batch ---------------------------------------------------------------------------

TEST_F(BatchRequests, PlansTheSelectedPlaylistsWithASummary) {
  save(pid("a"), "A", {track("1"), track("2"), track("3")});
  save(pid("b"), "B", {track("n")});
  save(pid("c"), "Other", {});

  auto part = add_to({.selector = "search:a, " + pid("b")}, {track("n")});
  part.operation.at = BatchOperation::At::Position;
  part.operation.position = 2;
  auto proposal = propose({part});

  ASSERT_TRUE(proposal) << proposal.error().message;
  EXPECT_EQ(proposal->summary, "add 1 track at position 3 to 2 playlists");
  ASSERT_EQ(proposal->plan.entries.size(), 2u);
  EXPECT_EQ(proposal->plan.entries[0].proposal.desired,
            (std::vector<std::string>{track("1"), track("2"), track("n"), track("3")}));
  EXPECT_EQ(proposal->plan.entries[1].status, Status::Unchanged);
  EXPECT_EQ(proposal->plan.changed, 1);
  EXPECT_EQ(proposal->plan.calls, 2);
}

TEST_F(BatchRequests, JoinsThePartsInTheirOrderAndIdsInListOrder) {
  save(pid("a"), "A", {track("1")});
  save(pid("b"), "B", {track("1")});
  save(pid("c"), "C", {});

  auto proposal = propose(
      {add_to({.playlist_ids = {pid("c"), pid("a")}}, {track("2")}),
       BatchPart{.selection = {.playlist_ids = {pid("b")}},
                 .operation = {.kind = BatchOperation::Kind::Remove, .uris = {track("1")}}}});

  ASSERT_TRUE(proposal) << proposal.error().message;
  ASSERT_EQ(proposal->plan.entries.size(), 3u);
  EXPECT_EQ(proposal->plan.entries[0].playlist_id, pid("a"));
  EXPECT_EQ(proposal->plan.entries[1].playlist_id, pid("c"));
  EXPECT_EQ(proposal->plan.entries[2].playlist_id, pid("b"));
  EXPECT_EQ(proposal->summary,
            "add 1 track at the bottom to 2 playlists; remove 1 track from 1 playlist");
  EXPECT_EQ(proposal->plan.changed, 3);
  EXPECT_EQ(proposal->plan.calls, 6);
}

TEST_F(BatchRequests, RenamesWithoutNeedingTheItems) {
  save(pid("a"), "A", {track("1"), track("2")});
  save(pid("b"), "B", {}, "changed-since");
  ASSERT_TRUE(store_.save_playlist_summary(
      account_.id, 1,
      PlaylistSummary{
          .id = pid("b"), .name = "B", .owner_id = "me", .snapshot_id = "newer", .item_count = 4}));

  auto proposal = propose({BatchPart{
      .selection = {.selector = "owned"},
      .operation = {.kind = BatchOperation::Kind::Rename, .name_template = "{name} ({count})"}}});

  ASSERT_TRUE(proposal) << proposal.error().message;
  EXPECT_EQ(proposal->summary, "rename 2 playlists");
  ASSERT_EQ(proposal->plan.entries.size(), 2u);
  EXPECT_EQ(proposal->plan.entries[0].request.details.name, "A (2)");
  EXPECT_EQ(proposal->plan.entries[1].status, Status::Change);  // items not synced: no matter
  EXPECT_EQ(proposal->plan.entries[1].request.details.name, "B (4)");
  EXPECT_EQ(write_scope_of(BatchOperation::Kind::Rename), WriteScope::Details);
  EXPECT_EQ(write_scope_of(BatchOperation::Kind::Shuffle), WriteScope::Items);
}

TEST_F(BatchRequests, RefusesBadSelectionsAndAPlaylistInTwoParts) {
  save(pid("a"), "A", {track("1")});
  const auto code = [&](std::vector<BatchPart> parts) {
    auto proposal = propose(std::move(parts));
    return proposal ? std::optional<ErrorCode>() : proposal.error().code;
  };

  EXPECT_EQ(code({}), ErrorCode::InvalidInput);
  EXPECT_EQ(code({add_to({}, {track("2")})}), ErrorCode::InvalidInput);
  EXPECT_EQ(code({add_to({.playlist_ids = {pid("a")}, .selector = "all"}, {track("2")})}),
            ErrorCode::InvalidInput);
  EXPECT_EQ(code({add_to({.selector = "tag:none"}, {track("2")})}), ErrorCode::InvalidInput);
  EXPECT_EQ(code({add_to({.selector = "colour:red"}, {track("2")})}), ErrorCode::InvalidInput);
  EXPECT_EQ(code({add_to({.playlist_ids = {pid("z")}}, {track("2")})}), ErrorCode::NotFound);
  EXPECT_EQ(code({add_to({.selector = "all"}, {})}), ErrorCode::InvalidInput);
  EXPECT_EQ(code({add_to({.selector = "all"}, std::vector<std::string>(5001, track("1")))}),
            ErrorCode::InvalidInput);
  auto twice = propose({add_to({.selector = "all"}, {track("2")}),
                        add_to({.playlist_ids = {pid("a")}}, {track("3")})});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::InvalidInput);
  EXPECT_THAT(twice.error().message, HasSubstr("in two parts"));
}

TEST_F(BatchRequests, AddsTheTracksOfAnotherPlaylist) {
  save(pid("s"), "Source", {track("1"), "spotify:local:a:b:c:1", track("2")});
  save(pid("a"), "A", {track("2")});
  save(pid("e"), "Empty", {"spotify:local:a:b:c:1"});

  auto part = add_to({.playlist_ids = {pid("a")}}, {});
  part.add_from_playlist = pid("s");
  auto proposal = propose({part});
  part.add_from_playlist = pid("e");
  auto empty = propose({part});
  part.add_from_playlist = pid("z");
  auto missing = propose({part});

  ASSERT_TRUE(proposal) << proposal.error().message;
  const auto& entry = proposal->plan.entries.at(0);
  EXPECT_EQ(entry.request.uris, (std::vector<std::string>{track("1")}));
  ASSERT_EQ(entry.request.tracks.size(), 1u);
  EXPECT_EQ(entry.request.tracks[0].uri, track("1"));
  EXPECT_EQ(proposal->summary, "add 2 tracks at the bottom to 1 playlist");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::InvalidInput);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

// ---- plan_batch_undo -------------------------------------------------------------------------

JobDetails finished_batch(std::int64_t id, std::int64_t account_id,
                          std::vector<std::pair<std::string, ItemOutcome>> results) {
  JobDetails batch;
  batch.job.id = id;
  batch.job.kind = JobKind::BatchEdit;
  batch.job.state = JobState::Succeeded;
  batch.job.account_id = account_id;
  for (auto& [key, outcome] : results) batch.items.push_back({.key = key, .outcome = outcome});
  return batch;
}

TEST_F(BatchRequests, AnUndoRestoresWhatTheBatchChangedUnlessSomethingCameAfter) {
  save(pid("a"), "A", {track("1"), track("n")});
  record(pid("a"), {track("1")}, VersionCauseKind::Sync);
  record(pid("a"), {track("1"), track("n")}, VersionCauseKind::Edit, 41);
  save(pid("b"), "B", {track("n"), track("x")});
  record(pid("b"), {}, VersionCauseKind::Sync);
  record(pid("b"), {track("n")}, VersionCauseKind::Edit, 41);
  record(pid("b"), {track("n"), track("x")}, VersionCauseKind::Sync);
  save(pid("c"), "C", {track("n")});
  record(pid("c"), {track("n")}, VersionCauseKind::Sync);
  const auto batch = finished_batch(41, account_.id,
                                    {{pid("a"), ItemOutcome::Done},
                                     {pid("b"), ItemOutcome::Done},
                                     {pid("c"), ItemOutcome::Unchanged}});

  auto undo = plan_batch_undo(store_, store_, account_, batch, {}, options_);

  ASSERT_TRUE(undo) << undo.error().message;
  EXPECT_EQ(undo->summary, "undo of batch 41");
  ASSERT_EQ(undo->plan.entries.size(), 2u);
  const auto& a = undo->plan.entries[0];
  EXPECT_EQ(a.status, Status::Change);
  EXPECT_EQ(a.undo_version, 2);
  EXPECT_EQ(a.request.kind, EditRequest::Kind::Restore);
  EXPECT_EQ(a.proposal.desired, (std::vector<std::string>{track("1")}));
  EXPECT_EQ(a.planned_snapshot, "snap-" + pid("a"));
  const auto& b = undo->plan.entries[1];
  EXPECT_EQ(b.status, Status::Refused);
  EXPECT_THAT(b.reason, HasSubstr("a later change exists"));
  EXPECT_EQ(undo->plan.changed, 1);
  EXPECT_EQ(undo->plan.refused, 1);
}

TEST_F(BatchRequests, AnUndoIsOfAFinishedBatchAndOfPlaylistsItChanged) {
  save(pid("a"), "A", {track("1")});
  record(pid("a"), {}, VersionCauseKind::Sync);
  record(pid("a"), {track("1")}, VersionCauseKind::Edit, 41);
  auto batch = finished_batch(41, account_.id, {{pid("a"), ItemOutcome::Done}});

  auto only = plan_batch_undo(store_, store_, account_, batch, {pid("a")}, options_);
  ASSERT_TRUE(only) << only.error().message;
  EXPECT_EQ(only->plan.entries.size(), 1u);
  auto other = plan_batch_undo(store_, store_, account_, batch, {pid("z")}, options_);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::NotFound);

  ASSERT_TRUE(store_.remove_playlist(account_.id, pid("a")));
  batch.items[0].label = "A when planned";
  auto gone = plan_batch_undo(store_, store_, account_, batch, {}, options_);
  ASSERT_TRUE(gone) << gone.error().message;
  ASSERT_EQ(gone->plan.entries.size(), 1u);
  EXPECT_EQ(gone->plan.entries[0].status, Status::Refused);
  EXPECT_EQ(gone->plan.entries[0].name, "A when planned");
  EXPECT_THAT(gone->plan.entries[0].reason, HasSubstr("no longer stored"));

  batch.job.state = JobState::Running;
  auto running = plan_batch_undo(store_, store_, account_, batch, {}, options_);
  ASSERT_FALSE(running);
  EXPECT_EQ(running.error().code, ErrorCode::Conflict);

  batch.job.state = JobState::Succeeded;
  batch.job.kind = JobKind::EditPlaylist;
  auto edit = plan_batch_undo(store_, store_, account_, batch, {}, options_);
  ASSERT_FALSE(edit);
  EXPECT_EQ(edit.error().code, ErrorCode::InvalidInput);
}

// ---- where_is_track, duplicates --------------------------------------------------------------

TEST_F(BatchRequests, FindsATrackFromItsLinkWithItsHistory) {
  const std::string id = std::string(20, 'x') + "t1";
  const std::string uri = "spotify:track:" + id;
  save(pid("a"), "A", {track("1"), uri, uri});
  record(pid("a"), {track("1")}, VersionCauseKind::Sync);
  const TimePoint first_held = clock_.now();
  record(pid("a"), {track("1"), uri}, VersionCauseKind::Edit);
  record(pid("a"), {uri, track("1")}, VersionCauseKind::Edit);              // a move: adds nothing
  record(pid("a"), {uri, track("1"), track("2")}, VersionCauseKind::Sync);  // adds another
  record(pid("a"), {track("1"), uri, uri}, VersionCauseKind::Sync);
  save(pid("b"), "B", {track("2")});
  save(pid("c"), "C", {uri}, "", "someone");

  auto where = where_is_track(store_, store_, {account_},
                              "https://open.spotify.com/intl-fr/track/" + id + "?si=abc");

  ASSERT_TRUE(where) << where.error().message;
  EXPECT_EQ(where->uri, uri);
  ASSERT_TRUE(where->track);
  EXPECT_EQ(where->track->name, "T " + uri);
  ASSERT_EQ(where->playlists.size(), 2u);
  EXPECT_EQ(where->playlists[0].playlist_id, pid("a"));
  EXPECT_EQ(where->playlists[0].name, "A");
  EXPECT_THAT(where->playlists[0].positions, ElementsAre(1, 2));
  EXPECT_EQ(where->playlists[0].in_history_since, first_held);
  EXPECT_EQ(where->playlists[1].playlist_id, pid("c"));
  EXPECT_FALSE(where->playlists[1].in_history_since);

  // Removed and added again: the history counts from its return.
  record(pid("c"), {uri}, VersionCauseKind::Sync);
  record(pid("c"), {}, VersionCauseKind::Sync);
  const TimePoint back = clock_.now();
  record(pid("c"), {uri}, VersionCauseKind::Sync);
  auto again = where_is_track(store_, store_, {account_}, uri);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->playlists.at(1).in_history_since, back);

  auto bad = where_is_track(store_, store_, {account_}, "https://open.spotify.com/album/" + id);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::InvalidInput);
}

TEST_F(BatchRequests, FindsDuplicatesAmongTheSelectedPlaylists) {
  save(pid("a"), "A", {track("1"), track("1")});
  save(pid("b"), "B", {track("1")});
  save(pid("c"), "C", {track("1")}, "", "someone");

  auto report = find_batch_duplicates(store_, account_, {.selector = "owned"});

  ASSERT_TRUE(report) << report.error().message;
  EXPECT_THAT(report->across,
              ElementsAre(CrossDuplicate{track("1"), {{pid("a"), 2}, {pid("b"), 1}}}));
  EXPECT_THAT(report->within, ElementsAre(InnerDuplicate{pid("a"), track("1"), {0, 1}}));
}

}  // namespace
}  // namespace plm::core
