#pragma once
// The start of the contract suites of ports that store things of a user's account (MatchStore,
// ImportStore): a fresh store of `BackendType` (store_backends.hpp, in_memory_backend.hpp) with
// user alice and her account, and helpers to add more.

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/time.hpp"
#include "in_memory_backend.hpp"
#include "store_backends.hpp"
#include "support/fakes.hpp"

namespace plm::contract {

template <typename BackendType>
class OwnedAccountFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto reason = backend_.skip_reason()) GTEST_SKIP() << *reason;
    store_ = backend_.open(cipher_, clock_);
    alice_ = add_user("alice");
    account_ = add_account(alice_, "sp-alice");
  }

  std::int64_t add_user(const std::string& name) {
    auto user = store_->create_user(name, "$argon2id$hash", core::Role::Editor);
    EXPECT_TRUE(user.has_value()) << user.error().message;
    return user.has_value() ? user->id : 0;
  }

  std::int64_t add_account(std::int64_t user, const std::string& spotify_id) {
    auto id = store_->upsert_account(
        core::SpotifyAccount{.app_user_id = user,
                             .spotify_user_id = spotify_id,
                             .display_name = spotify_id,
                             .client_id = "client",
                             .tokens = {.access_token = "a",
                                        .refresh_token = "r",
                                        .expires_at = core::from_unix_seconds(1'800'000'000)}});
    EXPECT_TRUE(id.has_value()) << id.error().message;
    return id.has_value() ? *id : 0;
  }

  security::TokenCipher cipher_{security::SecretKey::generate()};
  test_support::ManualClock clock_;
  BackendType backend_;
  decltype(std::declval<BackendType&>().open(std::declval<security::TokenCipher&>(),
                                             std::declval<const core::Clock&>())) store_;
  std::int64_t alice_ = 0;
  std::int64_t account_ = 0;
};

}  // namespace plm::contract
