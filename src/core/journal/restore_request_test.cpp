#include "core/journal/restore_request.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/fakes.hpp"

namespace plm::core {
namespace {

using ::testing::HasSubstr;
using Kind = EditRequest::Kind;

class RestoreAndUndo : public ::testing::Test {
 protected:
  void SetUp() override {
    auto user = store_.create_user("alice", "", core::Role::Admin);
    ASSERT_TRUE(user);
    auto account = store_.upsert_account(
        core::SpotifyAccount{.app_user_id = user->id, .spotify_user_id = "alice"});
    ASSERT_TRUE(account) << account.error().message;
    account_ = *account;
  }

  void record(std::vector<std::string> uris, core::VersionCauseKind cause,
              core::PlaylistDetails details = {"Mix", "", false, false}) {
    core::NewRecordedVersion version{.account_id = account_,
                                     .playlist_id = "p1",
                                     .snapshot_id = "s" + std::to_string(++recorded_),
                                     .details = std::move(details)};
    for (auto& uri : uris) version.items.push_back({.uri = std::move(uri)});
    version.cause.kind = cause;
    if (cause != core::VersionCauseKind::Sync) version.cause.origin = "web";
    auto done = store_.record_version(version);
    ASSERT_TRUE(done && *done) << (done ? "not new" : done.error().message);
  }

  test_support::InMemoryStore store_;
  std::int64_t account_ = 0;
  int recorded_ = 0;
  const core::PlaylistDetails now_{"Mix", "", false, false};
};

TEST_F(RestoreAndUndo, ARestoreTakesTheItemsAndDetailsOfTheVersion) {
  record({"a", "b"}, core::VersionCauseKind::Sync, {"Old name", "", false, false});
  record({"b"}, core::VersionCauseKind::Edit);

  auto restore = restore_request(store_, account_, "p1", 1, now_);
  auto missing = restore_request(store_, account_, "p1", 9, now_);

  ASSERT_TRUE(restore) << restore.error().message;
  EXPECT_EQ(restore->kind, Kind::Restore);
  EXPECT_EQ(restore->uris, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(restore->details.name, "Old name");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::ErrorCode::NotFound);
}

TEST_F(RestoreAndUndo, AnUndoRestoresTheVersionBeforeTheLatestChangeByPlm) {
  record({"a", "b"}, core::VersionCauseKind::Sync);
  record({"b"}, core::VersionCauseKind::Edit);

  auto undo = undo_request(store_, account_, "p1", 2, now_);

  ASSERT_TRUE(undo) << undo.error().message;
  EXPECT_EQ(undo->uris, (std::vector<std::string>{"a", "b"}));
}

TEST_F(RestoreAndUndo, NoUndoAfterALaterChangeOrOfAChangeOutsidePlm) {
  record({"a", "b"}, core::VersionCauseKind::Sync);
  record({"b"}, core::VersionCauseKind::Edit);
  record({"b", "c"}, core::VersionCauseKind::Sync);

  auto later = undo_request(store_, account_, "p1", 2, now_);
  auto outside = undo_request(store_, account_, "p1", 3, now_);
  auto unknown = undo_request(store_, account_, "p1", 4, now_);

  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().code, core::ErrorCode::Conflict);
  EXPECT_THAT(later.error().message, HasSubstr("a later change exists (version 3)"));
  ASSERT_FALSE(outside);
  EXPECT_EQ(outside.error().code, core::ErrorCode::Conflict);
  EXPECT_THAT(outside.error().message, HasSubstr("was not made by plm"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, core::ErrorCode::NotFound);
}

}  // namespace
}  // namespace plm::core
