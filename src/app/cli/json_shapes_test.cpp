// Each shape's keys are the json_fields its commands declare (--json FIELDS accepts exactly them).

#include "app/cli/json_shapes.hpp"

#include <gtest/gtest.h>

#include <set>

namespace plm::app::cli {
namespace {

std::set<std::string> keys_of(const nlohmann::json& value) {
  std::set<std::string> keys;
  for (const auto& [key, ignored] : value.items()) keys.insert(key);
  return keys;
}

std::set<std::string> names(const std::vector<std::string_view>& fields) {
  return {fields.begin(), fields.end()};
}

TEST(JsonShapes, EachShapesKeysAreItsDeclaredFields) {
  core::AppUser user{.id = 1, .username = "bob", .password_hash = "x", .role = core::Role::Editor};
  EXPECT_EQ(keys_of(user_shape(user)), names(kUserJsonFields));
  core::SpotifyAccount account;
  account.id = 2;
  EXPECT_EQ(keys_of(account_shape(account, core::TimePoint{}, 0, false, nullptr)),
            names(kAccountJsonFields));
  core::StoredPlaylist playlist;
  playlist.summary.id = "p";
  EXPECT_EQ(keys_of(playlist_shape(2, "dj", playlist)), names(kPlaylistJsonFields));
  EXPECT_EQ(keys_of(playlist_with_items_shape(2, "dj", playlist, {core::PlaylistItem{}})),
            names(playlist_with_items_fields()));
  core::Job job;
  job.id = 3;
  EXPECT_EQ(keys_of(job_shape(job)), names(kJobJsonFields));
  EXPECT_EQ(keys_of(job_details_shape(core::JobDetails{.job = job})), names(kJobDetailsJsonFields));
}

TEST(JsonShapes, AnItemWithoutCatalogDataKeepsEveryKey) {
  core::PlaylistItem local;
  local.uri = "spotify:local:a:b:c:1";
  local.is_local = true;
  const auto shape = playlist_item_shape(local, 4);
  EXPECT_EQ(shape["position"], 4);
  EXPECT_EQ(shape["name"], "");
  EXPECT_EQ(shape["artists"], nlohmann::json::array());
  EXPECT_EQ(shape["is_local"], true);
}

}  // namespace
}  // namespace plm::app::cli
