#include "web/sessions.hpp"

#include <gtest/gtest.h>

#include "support/fakes.hpp"

namespace plm::web {
namespace {

using namespace std::chrono_literals;

TEST(ConstantTimeEquals, ComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
  EXPECT_TRUE(constant_time_equals("", ""));
}

class SessionManagerTest : public ::testing::Test {
 protected:
  SessionManagerTest() {
    crypto_.random_token = [this] { return "token-" + std::to_string(++tokens_); };
    crypto_.token_digest = [](std::string_view token) { return "digest:" + std::string(token); };
    user_ = *store_.create_user("ann", "hash", core::Role::Editor);
  }
  test_support::InMemoryStore store_;
  test_support::ManualClock clock_;
  Crypto crypto_;
  int tokens_ = 0;
  core::AppUser user_;
  SessionManager sessions_{store_, store_, clock_, crypto_, 336h, 72h};
};

TEST_F(SessionManagerTest, StoresOnlyTheDigestAndFindsTheSessionByItsToken) {
  const auto created = sessions_.create(user_, "agent", "127.0.0.1");

  ASSERT_TRUE(created);
  EXPECT_FALSE(store_.find_session(created->token)->has_value());
  const auto stored = *store_.find_session("digest:" + created->token);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->expires_at - stored->created_at, 72h);
  const auto found = sessions_.find(created->token);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->user.username, "ann");
  EXPECT_TRUE((*found)->user.password_hash.empty());
  EXPECT_FALSE(*sessions_.find("unknown"));
}

TEST_F(SessionManagerTest, IdleAndAbsoluteExpiryEndAndDeleteSessions) {
  const auto created = *sessions_.create(user_, "", "");
  clock_.advance(70h);
  ASSERT_TRUE(*sessions_.find(created.token));
  const auto touched = *store_.find_session("digest:" + created.token);
  EXPECT_EQ(touched->expires_at - touched->created_at, 70h + 72h);

  clock_.advance(72h);

  EXPECT_FALSE(*sessions_.find(created.token));
  EXPECT_FALSE(store_.find_session("digest:" + created.token)->has_value());
}

TEST_F(SessionManagerTest, KeepsSessionTimesToTheSecondAsTheStoreDoes) {
  clock_.advance(1500ms);
  const auto created = *sessions_.create(user_, "", "");

  const auto stored = *store_.find_session("digest:" + created.token);
  ASSERT_TRUE(stored);
  EXPECT_EQ(created.signed_in.session, *stored);  // the cached copy is the stored one
  EXPECT_EQ(stored->created_at, test_support::ManualClock().now() + 1s);
  EXPECT_EQ(stored->expires_at, stored->created_at + 72h);
}

TEST_F(SessionManagerTest, EndingAllSessionsOfAUserKeepsTheCurrentOneAndOthersUsers) {
  const auto first = *sessions_.create(user_, "", "");
  const auto second = *sessions_.create(user_, "", "");
  const auto other_user = *store_.create_user("bo", "hash", core::Role::Viewer);
  const auto others = *sessions_.create(other_user, "", "");

  ASSERT_TRUE(sessions_.end_all_of(user_.id, first.signed_in.session.id_hash));

  EXPECT_TRUE(*sessions_.find(first.token));
  EXPECT_FALSE(*sessions_.find(second.token));
  EXPECT_TRUE(*sessions_.find(others.token));
}

TEST_F(SessionManagerTest, ForgettingAUserReloadsTheirRole) {
  const auto created = *sessions_.create(user_, "", "");
  ASSERT_TRUE(store_.set_role(user_.id, core::Role::Viewer));
  EXPECT_EQ((*sessions_.find(created.token))->user.role, core::Role::Editor);  // cached

  sessions_.forget_user(user_.id);

  EXPECT_EQ((*sessions_.find(created.token))->user.role, core::Role::Viewer);
}

}  // namespace
}  // namespace plm::web

namespace plm::web {
namespace {

class SessionRaceTest : public SessionManagerTest {
 protected:
  /// The stored copy of the user as a sign-in reads it (with the hash it verified).
  core::AppUser stored_user() { return **store_.find_user(user_.id); }
  bool stored(const std::string& token) {
    return store_.find_session("digest:" + token)->has_value();
  }
};

TEST_F(SessionRaceTest, ARoleChangeWhileSigningInRefusesTheSessionAndLeavesNoRow) {
  const core::AppUser verified = stored_user();  // password verified with this copy
  sessions_.set_test_hook([&](std::string_view point) {
    if (point != "session.create.verified") return;
    ASSERT_TRUE(store_.set_role(user_.id, core::Role::Viewer));
    sessions_.forget_user(user_.id);
  });

  const auto created = sessions_.create(verified, "", "");

  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, core::ErrorCode::Conflict);
  EXPECT_FALSE(stored("token-1"));
}

TEST_F(SessionRaceTest, APasswordResetWhileSigningInRefusesTheSessionWithTheOldPassword) {
  const core::AppUser verified = stored_user();
  sessions_.set_test_hook([&](std::string_view point) {
    if (point != "session.create.verified") return;
    ASSERT_TRUE(store_.set_password_hash(user_.id, "new hash"));
    ASSERT_TRUE(sessions_.end_all_of(user_.id, ""));
  });

  const auto created = sessions_.create(verified, "", "");

  ASSERT_FALSE(created);
  EXPECT_FALSE(stored("token-1"));
}

TEST_F(SessionRaceTest, AnInvalidationBetweenTheCheckAndTheCacheRefusesTheSessionToo) {
  const core::AppUser verified = stored_user();
  sessions_.set_test_hook([&](std::string_view point) {
    // The store still says "editor" when create() looked; the change lands just after.
    if (point == "session.create.before_cache") sessions_.forget_user(user_.id);
  });

  const auto created = sessions_.create(verified, "", "");

  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().code, core::ErrorCode::Conflict);
  EXPECT_FALSE(stored("token-1"));
  sessions_.set_test_hook(nullptr);
  EXPECT_TRUE(sessions_.create(stored_user(), "", ""));  // without a race: fine
}

TEST_F(SessionRaceTest, ALookupThatRacedARoleChangeIsNotCached) {
  const auto created = *sessions_.create(stored_user(), "", "");
  // Another manager over the same store: its cache is empty, so find() loads from the store.
  SessionManager fresh{store_, store_, clock_, crypto_, 336h, 72h};
  bool changed = false;
  fresh.set_test_hook([&](std::string_view point) {
    if (point != "session.find.before_cache" || changed) return;
    changed = true;
    ASSERT_TRUE(store_.set_role(user_.id, core::Role::Viewer));
    fresh.forget_user(user_.id);
  });

  const auto racing = *fresh.find(created.token);  // read before the change: may say editor
  const auto next = *fresh.find(created.token);

  ASSERT_TRUE(racing && next);
  EXPECT_EQ(next->user.role, core::Role::Viewer);  // the old copy was not kept
}

TEST_F(SessionRaceTest, TheMinuteTouchReadsTheUserAgainForChangesByAnotherProcess) {
  const auto created = *sessions_.create(stored_user(), "", "");
  ASSERT_TRUE(store_.set_role(user_.id, core::Role::Viewer));  // e.g. `plm` on the command line
  EXPECT_EQ((*sessions_.find(created.token))->user.role, core::Role::Editor);
  EXPECT_TRUE(sessions_.find_cached(created.token));

  clock_.advance(61s);

  EXPECT_FALSE(sessions_.find_cached(created.token));  // the fast path leaves it to find()
  EXPECT_EQ((*sessions_.find(created.token))->user.role, core::Role::Viewer);
  EXPECT_EQ(sessions_.find_cached(created.token)->user.role, core::Role::Viewer);
  ASSERT_TRUE(store_.delete_user(user_.id));
  clock_.advance(61s);
  EXPECT_FALSE(*sessions_.find(created.token));
}

TEST_F(SessionRaceTest, StillValidAsksTheStoreNotTheCache) {
  const auto created = *sessions_.create(stored_user(), "", "");
  const std::string id_hash = created.signed_in.session.id_hash;
  EXPECT_TRUE(sessions_.still_valid(id_hash));
  ASSERT_TRUE(store_.delete_session(id_hash));  // another process signed it out
  EXPECT_FALSE(sessions_.still_valid(id_hash));
}

}  // namespace
}  // namespace plm::web
