#include "spotify/parse.hpp"

#include <gtest/gtest.h>

namespace plm::spotify {
namespace {

using core::ErrorCode;

core::TimePoint utc(std::string_view text) { return core::parse_utc(text).value(); }

TEST(HtmlEntities, DecodesWhatSpotifySends) {
  EXPECT_EQ(decode_html_entities("Mix of &#x27;90s &amp; more &#x2F; &lt;b&gt;loud&lt;&#x2F;b&gt;"),
            "Mix of '90s & more / <b>loud</b>");
  EXPECT_EQ(decode_html_entities("&quot;hi&quot; it&#39;s &apos;x&apos;"), "\"hi\" it's 'x'");
  EXPECT_EQ(decode_html_entities("caf&#233; &#x1F3B5;"), "caf\xC3\xA9 \xF0\x9F\x8E\xB5");
}

TEST(HtmlEntities, LeavesAnythingElseAlone) {
  EXPECT_EQ(decode_html_entities("R&B & Soul"), "R&B & Soul");
  EXPECT_EQ(decode_html_entities("&nbsp;&unknown; &#xZZ; &#; &"), "&nbsp;&unknown; &#xZZ; &#; &");
  EXPECT_EQ(decode_html_entities("&amp;amp;"), "&amp;");  // decoded once, not twice
  EXPECT_EQ(decode_html_entities(""), "");
  EXPECT_EQ(decode_html_entities("&#0;&#xD800;&#x110000;"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Parse, MalformedJsonIsABadResponseNeverACrash) {
  for (const char* body : {"", "{", "not json", "<html><body>502 Bad Gateway</body></html>",
                           "{\"items\": [", "[1,2", "\xff\xfe", "nul", "{\"a\":}"}) {
    const auto page = parse_item_page(body);
    ASSERT_FALSE(page) << body;
    EXPECT_EQ(page.error().code, ErrorCode::BadResponse) << body;
    EXPECT_FALSE(parse_playlist(body));
    EXPECT_FALSE(parse_playlist_page(body));
    EXPECT_FALSE(parse_profile(body));
    EXPECT_FALSE(parse_track(body));
    EXPECT_FALSE(parse_track_search(body));
    EXPECT_FALSE(parse_token_response(body));
  }
}

TEST(Parse, WrongShapesAreBadResponses) {
  EXPECT_EQ(parse_item_page("[]").error().code, ErrorCode::BadResponse);
  EXPECT_EQ(parse_item_page("{\"items\": 5}").error().code, ErrorCode::BadResponse);
  EXPECT_EQ(parse_item_page("{\"items\": null}").error().code, ErrorCode::BadResponse);
  EXPECT_EQ(parse_playlist("{\"name\": \"no id\"}").error().code, ErrorCode::BadResponse);
  EXPECT_EQ(parse_track_search("{\"artists\": {\"items\": []}}").error().code,
            ErrorCode::BadResponse);
  EXPECT_NE(parse_item_page("{\"items\": 5}").error().message.find("items"), std::string::npos);
  // Wrong types inside elements are tolerated field by field.
  const auto page = parse_item_page(
      R"({"items":[{"added_at":5,"is_local":"yes","item":{"uri":7,"name":["x"],"artists":"y"}}],
          "total":"1","offset":null,"next":3})");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].added_at, std::nullopt);
  EXPECT_FALSE(page->has_next);
}

TEST(Parse, AddedAtIsATimeOrUnknown) {
  const auto page = parse_item_page(R"({"items": [
      {"added_at": "2015-01-25T07:51:45Z", "item": null},
      {"added_at": "2015-01-25T08:51:45.250+01:00", "item": null},
      {"added_at": null, "item": null},
      {"item": null},
      {"added_at": "2015-01-25", "item": null},
      {"added_at": "x", "item": null},
      {"added_at": 1422172305, "item": null}],
    "total": 7, "offset": 0, "next": null})");
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 7u);
  EXPECT_EQ(page->items[0].added_at, utc("2015-01-25T07:51:45Z"));
  EXPECT_EQ(page->items[1].added_at, utc("2015-01-25T07:51:45Z") + std::chrono::milliseconds(250));
  for (std::size_t i = 2; i < page->items.size(); ++i) {
    EXPECT_EQ(page->items[i].added_at, std::nullopt) << i;  // none, or nothing we can read
  }
}

TEST(Parse, ItemPageWithNewShapeNullItemsAndLocalFiles) {
  const auto page = parse_item_page(R"({
    "href": "x", "limit": 50, "offset": 100, "total": 103, "previous": null,
    "next": "https://api.spotify.com/v1/playlists/p/items?offset=150&limit=50",
    "items": [
      {"added_at": "2025-01-01T10:00:00Z", "added_by": {"id": "alice"}, "is_local": false,
       "primary_color": null, "video_thumbnail": {"url": null},
       "item": {"type": "track", "uri": "spotify:track:abc", "id": "abc", "name": "Song",
                "artists": [{"name": "A"}, {"name": "B"}], "duration_ms": 1234, "explicit": true,
                "external_ids": {"isrc": "USX"},
                "album": {"name": "Alb", "images": [{"url": "small", "width": 64, "height": 64},
                                                      {"url": "big", "width": 640, "height": 640}]}}},
      {"added_at": null, "added_by": {"id": ""}, "is_local": false, "item": null},
      {"added_at": "2024-05-01T00:00:00Z", "added_by": null, "is_local": true,
       "item": {"type": "track", "uri": "spotify:local:Artist:Album:Title:200", "id": null,
                "href": null, "name": "Title", "artists": [{"name": "Artist", "id": null}],
                "album": {"name": "Album", "id": null, "images": []}, "duration_ms": 200000,
                "is_local": true}}
    ]})");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->offset, 100);
  EXPECT_EQ(page->total, 103);
  EXPECT_TRUE(page->has_next);
  ASSERT_EQ(page->items.size(), 3u);
  const auto& song = page->items[0];
  EXPECT_EQ(song.uri, "spotify:track:abc");
  EXPECT_EQ(song.added_at, utc("2025-01-01T10:00:00Z"));
  EXPECT_EQ(page->items[1].added_at, std::nullopt);  // "null for some very old playlists"
  EXPECT_EQ(song.added_by, "alice");
  ASSERT_TRUE(song.track);
  EXPECT_EQ(song.track->artists, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(song.track->album, "Alb");
  EXPECT_EQ(song.track->album_image_url, "big");
  EXPECT_EQ(song.track->isrc, "USX");
  EXPECT_EQ(song.track->duration_ms, 1234);
  EXPECT_TRUE(song.track->explicit_content);
  EXPECT_TRUE(page->items[1].unavailable);
  EXPECT_EQ(page->items[1].uri, "");
  EXPECT_FALSE(page->items[1].track);
  const auto& local = page->items[2];
  EXPECT_TRUE(local.is_local);
  EXPECT_FALSE(local.unavailable);
  EXPECT_EQ(local.uri, "spotify:local:Artist:Album:Title:200");
  EXPECT_EQ(local.added_by, "");
  EXPECT_EQ(local.track->duration_ms, 200000);
}

TEST(Parse, ItemPageWithLegacyShapeAndBothFields) {
  const auto page = parse_item_page(R"({"items": [
      {"added_at": "x", "track": {"uri": "spotify:track:old", "name": "Old", "popularity": 50,
                                  "available_markets": ["DE"], "linked_from": null}},
      {"item": null, "track": {"uri": "spotify:track:both"}},
      {"item": {"uri": "spotify:track:new"}, "track": {"uri": "spotify:track:ignored"}},
      null],
    "total": 4, "offset": 0, "next": null})");
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 4u);
  EXPECT_EQ(page->items[0].uri, "spotify:track:old");
  EXPECT_EQ(page->items[1].uri, "spotify:track:both");
  EXPECT_EQ(page->items[2].uri, "spotify:track:new");
  EXPECT_TRUE(page->items[3].unavailable);
  EXPECT_FALSE(page->has_next);
}

TEST(Parse, PlaylistSummaryReadsBothTotalsAndDecodesTheDescription) {
  const auto summary = parse_playlist(R"({
    "id": "p1", "name": "N", "description": "Fresh &amp; new &lt;b&gt;picks&lt;&#x2F;b&gt;",
    "owner": {"id": "alice", "display_name": null}, "public": null, "collaborative": true,
    "snapshot_id": "snap", "images": null, "tracks": {"href": "h", "total": 7},
    "unknown_new_field": {"deep": [1, 2]}})");
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->description, "Fresh & new <b>picks</b>");
  EXPECT_EQ(summary->owner_id, "alice");
  EXPECT_EQ(summary->owner_name, "");
  EXPECT_FALSE(summary->is_public);
  EXPECT_TRUE(summary->collaborative);
  EXPECT_EQ(summary->item_count, 7);
  EXPECT_EQ(summary->image_url, "");

  const auto dm = parse_playlist(R"({"id": "p2", "items": {"total": 3}, "description": null,
      "images": [{"url": "u", "width": null, "height": null}]})");
  ASSERT_TRUE(dm);
  EXPECT_EQ(dm->item_count, 3);
  EXPECT_EQ(dm->description, "");
  EXPECT_EQ(dm->image_url, "u");

  const auto no_items = parse_playlist(R"({"id": "p3"})");  // a followed playlist in dev mode
  ASSERT_TRUE(no_items);
  EXPECT_EQ(no_items->item_count, 0);
}

TEST(Parse, SearchSkipsNullTracks) {
  const auto page = parse_track_search(R"({"tracks": {"items": [null, {"uri": "spotify:track:a"}],
      "total": 2, "offset": 0, "next": "n"}})");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_TRUE(page->has_next);
}

TEST(Parse, ReleaseDateInItsThreePrecisionsElseEmpty) {
  const auto release_of = [](std::string_view date_json) {
    const auto track = parse_track(R"({"uri": "spotify:track:a", "album": {"name": "A",
        "release_date": )" + std::string(date_json) +
                                   "}}");
    EXPECT_TRUE(track);
    return track ? track->release_date : std::string("(failed)");
  };
  EXPECT_EQ(release_of(R"("1981")"), "1981");
  EXPECT_EQ(release_of(R"("1981-12")"), "1981-12");
  EXPECT_EQ(release_of(R"("1981-12-04")"), "1981-12-04");
  // Spotify's "unknown", and anything not of its three shapes, read as unknown.
  for (const char* unknown :
       {R"("0000")", R"("0000-00-00")", R"("")", "null", "1981", R"("81")", R"("1981-1")",
        R"("1981/12/04")", R"("19a1")", R"("1981-12-04T00:00:00Z")"}) {
    EXPECT_EQ(release_of(unknown), "") << unknown;
  }
  // Episodes have a show, not an album: no release date.
  const auto episode = parse_track(
      R"({"uri": "spotify:episode:e", "show": {"name": "S"}, "release_date": "2020-01-01"})");
  ASSERT_TRUE(episode);
  EXPECT_EQ(episode->release_date, "");
}

TEST(Parse, SnapshotAcceptsEmptyBodies) {
  EXPECT_EQ(*parse_snapshot(R"({"snapshot_id": "abc"})"), "abc");
  EXPECT_EQ(*parse_snapshot(""), "");
  EXPECT_EQ(*parse_snapshot("{}"), "");
  EXPECT_EQ(parse_snapshot("<html>").error().code, ErrorCode::BadResponse);
}

TEST(Parse, ErrorsInBothShapesAndNone) {
  auto error = parse_api_error(
      429,
      R"({"error": {"status": 429, "message": "Too many requests", "reason": "QUOTA_EXCEEDED"}})");
  EXPECT_EQ(error.message, "Too many requests");
  EXPECT_EQ(error.reason, "QUOTA_EXCEEDED");
  error = parse_api_error(
      400, R"({"error": "invalid_grant", "error_description": "Refresh token revoked"})");
  EXPECT_EQ(error.oauth_error, "invalid_grant");
  EXPECT_EQ(error.message, "Refresh token revoked");
  EXPECT_EQ(parse_api_error(502, "").message, "HTTP 502");
  EXPECT_EQ(parse_api_error(502, "<html>Bad Gateway</html>").message, "HTTP 502");
  EXPECT_EQ(parse_api_error(400, R"({"error": "invalid_client"})").message, "invalid_client");
}

TEST(Parse, TokenResponseWithoutRefreshToken) {
  const auto token = parse_token_response(
      R"({"access_token": "BQx", "token_type": "Bearer", "expires_in": 3600, "scope": "a b"})");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->refresh_token, "");
  EXPECT_EQ(token->expires_in, 3600);
  EXPECT_EQ(parse_token_response(R"({"token_type": "Bearer"})").error().code,
            ErrorCode::BadResponse);
}

TEST(Parse, ItemWithoutAStringUriIsUnavailableButKeepsItsTrackInfo) {
  const auto page = parse_item_page(R"({"items": [
      {"added_at": "2025-01-01T00:00:00Z", "item": {"uri": null, "name": "Gone", "duration_ms": 5,
                                                   "artists": [{"name": "A"}]}},
      {"added_at": "2025-01-02T00:00:00Z", "item": {}},
      {"track": {"uri": 42, "name": "Odd"}},
      {"item": {"uri": "spotify:track:ok"}}],
    "total": 4, "offset": 0, "next": null})");
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(page->items[i].unavailable) << i;
    EXPECT_EQ(page->items[i].uri, "") << i;
  }
  ASSERT_TRUE(page->items[0].track);
  EXPECT_EQ(page->items[0].track->name, "Gone");
  EXPECT_EQ(page->items[0].track->artists, std::vector<std::string>{"A"});
  EXPECT_EQ(page->items[0].added_at, utc("2025-01-01T00:00:00Z"));
  EXPECT_EQ(page->items[1].added_at, utc("2025-01-02T00:00:00Z"));
  EXPECT_EQ(page->items[2].track->name, "Odd");
  EXPECT_FALSE(page->items[3].unavailable);
}

TEST(Parse, NextOffsetCountsEveryElementNullsIncluded) {
  // The playlist page drops a null playlist, but the next page still starts after it.
  const auto playlists = parse_playlist_page(R"({"items": [{"id": "p1"}, null, {"id": "p3"}],
      "total": 10, "offset": 50, "next": "n"})");
  ASSERT_TRUE(playlists) << playlists.error().message;
  EXPECT_EQ(playlists->items.size(), 2u);
  EXPECT_EQ(playlists->next_offset, 53);
  const auto items =
      parse_item_page(R"({"items": [null, {"item": null}], "total": 2, "offset": 0})");
  ASSERT_TRUE(items);
  EXPECT_EQ(items->items.size(), 2u);
  EXPECT_EQ(items->next_offset, 2);
  const auto search = parse_track_search(R"({"tracks": {"items": [null, null, {"uri": "u"}],
      "total": 30, "offset": 20, "next": null}})");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->items.size(), 1u);
  EXPECT_EQ(search->next_offset, 23);
  const auto empty = parse_playlist_page(R"({"items": [], "total": 0})");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->next_offset, 0);
}

TEST(Parse, NumbersAreRangeChecked) {
  // Negative totals and offsets read as 0; doubles far outside int64 and huge unsigned values are
  // clamped rather than cast (UBSan watches the casts under the asan preset).
  const auto page = parse_item_page(R"({"items": [{"item": {"uri": "u", "duration_ms": -5}},
                                                 {"item": {"uri": "v", "duration_ms": 1e300}},
                                                 {"item": {"uri": "w", "duration_ms": 12.9}}],
      "total": -3, "offset": -1e300, "next": null})");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->total, 0);
  EXPECT_EQ(page->offset, 0);
  EXPECT_EQ(page->next_offset, 3);
  EXPECT_EQ(page->items[0].track->duration_ms, 0);
  EXPECT_EQ(page->items[1].track->duration_ms, std::int64_t{1} << 53);
  EXPECT_EQ(page->items[2].track->duration_ms, 12);
  const auto big = parse_playlist_page(
      R"({"items": [], "total": 18446744073709551615, "offset": 9223372036854775807})");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->total, std::int64_t{1} << 53);
  EXPECT_GT(big->next_offset, 0);
  const auto version = parse_playlist_version(R"({"snapshot_id": "s", "items": {"total": -7}})");
  ASSERT_TRUE(version);
  EXPECT_EQ(version->item_count, 0);
  EXPECT_EQ(parse_playlist(R"({"id": "p", "tracks": {"total": -1}})")->item_count, 0);
}

TEST(Parse, PlaylistVersionInBothShapes) {
  // dev2026 (`items`) and extended mode (`tracks`), as `fields=snapshot_id,items(total),
  // tracks(total)` returns them.
  auto version = parse_playlist_version(R"({"snapshot_id": "s1", "items": {"total": 12}})");
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(*version, (core::PlaylistVersion{"s1", 12}));
  version = parse_playlist_version(R"({"snapshot_id": "s2", "tracks": {"total": 3}})");
  ASSERT_TRUE(version) << version.error().message;
  EXPECT_EQ(*version, (core::PlaylistVersion{"s2", 3}));
  // Without a count or a snapshot it could pass for "unchanged": refused. Development mode leaves
  // the items out of others' playlists: their contents are not ours to read.
  EXPECT_EQ(parse_playlist_version(R"({"snapshot_id": "s"})").error().code, ErrorCode::Forbidden);
  EXPECT_EQ(parse_playlist_version(R"({"snapshot_id": "s", "items": {}})").error().code,
            ErrorCode::BadResponse);
  EXPECT_EQ(parse_playlist_version(R"({"items": {"total": 1}})").error().code,
            ErrorCode::BadResponse);
  EXPECT_EQ(parse_playlist_version(R"({"snapshot_id": null, "items": {"total": 1}})").error().code,
            ErrorCode::BadResponse);
}

TEST(Parse, ImageSizesCannotOverflow) {
  const auto summary = parse_playlist(R"({"id": "p", "images": [
      {"url": "small", "width": 64, "height": 64},
      {"url": "huge", "width": 9007199254740993, "height": 9007199254740993},
      {"url": "negative", "width": -1000000, "height": -1000000},
      {"url": "bad", "width": 1e300, "height": "x"}]})");
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->image_url, "huge");
}

TEST(Parse, TokenLifetimeIsClampedToADay) {
  auto token = parse_token_response(R"({"access_token": "a", "expires_in": 99999999999999000})");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->expires_in, kMaxExpiresIn);
  token = parse_token_response(R"({"access_token": "a", "expires_in": 1e300})");
  EXPECT_EQ(token->expires_in, 86400);
  token = parse_token_response(R"({"access_token": "a", "expires_in": -5})");
  EXPECT_EQ(token->expires_in, 3600);
  token = parse_token_response(R"({"access_token": "a", "expires_in": 1800})");
  EXPECT_EQ(token->expires_in, 1800);
}

TEST(Parse, ProfileWithAndWithoutAccountId) {
  auto profile = parse_profile(R"({"id": "alice", "display_name": "Alice", "account_id": "X1",
                                   "country": "DE"})");
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->account_id, "X1");
  profile = parse_profile(R"({"id": "bob", "display_name": null})");
  ASSERT_TRUE(profile);
  EXPECT_EQ(profile->display_name, "");
  EXPECT_EQ(profile->account_id, "");
}

}  // namespace
}  // namespace plm::spotify
