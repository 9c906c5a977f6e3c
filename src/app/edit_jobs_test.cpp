#include "app/edit_jobs.hpp"

#include <gtest/gtest.h>

namespace plm::app {
namespace {

using core::ErrorCode;

EditJob sample_edit() {
  EditJob edit;
  edit.request.kind = core::EditRequest::Kind::Move;
  edit.request.uris = {"spotify:track:a", ""};
  edit.request.items = {{"spotify:track:b", 3}, {"", 7}};
  edit.request.placement = core::Placement::before_item({"spotify:track:c", 1});
  edit.request.keep = core::DedupeKeep::Last;
  edit.request.sort_by = core::SortKey::Release;
  edit.request.descending = true;
  edit.request.shuffle_seed = 18'446'744'073'709'551'615ULL;  // the largest seed survives JSON
  edit.request.details.name = "Name";
  edit.request.details.is_public = false;
  edit.request.cover_jpeg = std::string("\xFF\xD8\xFF\x00\x01", 5);  // binary, a NUL included
  edit.request.tracks = {core::TrackInfo{.uri = "spotify:track:a",
                                         .name = "A",
                                         .artists = {"X", "Y"},
                                         .album = "Al",
                                         .duration_ms = 123,
                                         .release_date = "1999"}};
  edit.request.allow_replace = true;
  edit.planned_snapshot = "snap-1";
  edit.planned_version = 12;
  edit.cause = core::VersionCause{.kind = core::VersionCauseKind::Restore,
                                  .app_user_id = 4,
                                  .origin = "cli",
                                  .action = "playlist restore",
                                  .why = "oops",
                                  .restored_version = 9};
  return edit;
}

TEST(EditPayload, RoundTripsEveryField) {
  const auto edit = sample_edit();
  const auto decoded = decode_edit_payload(encode_edit_payload(edit));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& request = decoded->request;
  EXPECT_EQ(request.kind, edit.request.kind);
  EXPECT_EQ(request.uris, edit.request.uris);
  EXPECT_EQ(request.items, edit.request.items);
  EXPECT_EQ(request.placement, edit.request.placement);
  EXPECT_EQ(request.keep, edit.request.keep);
  EXPECT_EQ(request.sort_by, edit.request.sort_by);
  EXPECT_EQ(request.descending, edit.request.descending);
  EXPECT_EQ(request.shuffle_seed, edit.request.shuffle_seed);
  EXPECT_EQ(request.details.name, edit.request.details.name);
  EXPECT_EQ(request.details.description, std::nullopt);
  EXPECT_EQ(request.details.is_public, false);
  EXPECT_EQ(request.details.collaborative, std::nullopt);
  EXPECT_EQ(request.cover_jpeg, edit.request.cover_jpeg);
  EXPECT_EQ(request.tracks, edit.request.tracks);
  EXPECT_EQ(request.allow_replace, edit.request.allow_replace);
  EXPECT_EQ(decoded->planned_snapshot, edit.planned_snapshot);
  EXPECT_EQ(decoded->planned_version, edit.planned_version);
  EXPECT_EQ(decoded->cause, edit.cause);

  EditJob plain;
  plain.planned_snapshot = "s";
  const auto decoded_plain = decode_edit_payload(encode_edit_payload(plain));
  ASSERT_TRUE(decoded_plain) << decoded_plain.error().message;
  EXPECT_EQ(decoded_plain->planned_version, std::nullopt);
  EXPECT_EQ(decoded_plain->cause, plain.cause);
  EXPECT_EQ(decoded_plain->request.placement, core::Placement::bottom());
}

TEST(EditPayload, RefusesWhatThisVersionDidNotWrite) {
  for (const std::string payload : {"", "not json", "[]", R"({"version":2})", R"({"version":1})",
                                    R"({"version":1,"request":{"kind":"teleport"}})"}) {
    const auto decoded = decode_edit_payload(payload);
    ASSERT_FALSE(decoded) << payload;
    EXPECT_EQ(decoded.error().code, ErrorCode::InvalidInput) << payload;
  }
  auto edit = sample_edit();
  auto text = encode_edit_payload(edit);
  text.replace(text.find("\"release\""), 9, "\"colour\"");
  EXPECT_FALSE(decode_edit_payload(text));
}

TEST(EditPlaylistJob, RunsOnThePlaylistsKeyWithThePayload) {
  const auto edit = sample_edit();
  const auto job = edit_playlist_job(3, 5, "pl", edit);
  EXPECT_EQ(job.kind, core::JobKind::EditPlaylist);
  EXPECT_EQ(job.owner_user_id, 3);
  EXPECT_EQ(job.account_id, 5);
  EXPECT_EQ(job.playlist_id, "pl");
  EXPECT_EQ(job.concurrency_key, core::concurrency_key_for_playlist(5, "pl"));
  EXPECT_FALSE(job.unique_while_active);
  EXPECT_EQ(job.payload, encode_edit_payload(edit));
}

TEST(WaitOrStop, ReturnsAtOnceWhenStopped) {
  std::stop_source stop;
  stop.request_stop();
  const auto start = std::chrono::steady_clock::now();
  wait_or_stop(std::chrono::hours(1), stop.get_token());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace plm::app
