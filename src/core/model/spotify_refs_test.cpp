#include "core/model/spotify_refs.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace plm::core {
namespace {

constexpr const char* kId = "37i9dQZF1DXcBWIGoYBM5M";

TEST(PlaylistIdFrom, ReadsAnIdAUriAndEveryFormOfShareLink) {
  const std::string id = kId;
  for (const std::string& text : std::vector<std::string>{
           id, "spotify:playlist:" + std::string(kId),
           "https://open.spotify.com/playlist/" + std::string(kId),
           "https://open.spotify.com/playlist/" + std::string(kId) + "?si=a1b2c3d4e5f6",
           "https://open.spotify.com/intl-de/playlist/" + std::string(kId) + "?si=x&pi=y",
           "http://open.spotify.com/playlist/" + std::string(kId),
           "open.spotify.com/playlist/" + std::string(kId) + "/",
           "  spotify:playlist:" + std::string(kId) + "\n"}) {
    EXPECT_EQ(playlist_id_from(text), kId) << text;
  }
}

TEST(PlaylistIdFrom, RefusesWhatNamesNoPlaylist) {
  for (const std::string& text : std::vector<std::string>{
           "37i9dQZF1DXcBWIGoYBM5", "spotify:album:" + std::string(kId), "spotify:playlist:short",
           "https://open.spotify.com/album/" + std::string(kId),
           "https://open.spotify.com/track/" + std::string(kId),
           "https://example.com/playlist/" + std::string(kId), std::string("")}) {
    EXPECT_EQ(playlist_id_from(text), std::nullopt) << text;
  }
}

TEST(ItemUriFrom, ReadsTrackAndEpisodeUrisAndLinks) {
  EXPECT_EQ(item_uri_from("spotify:track:" + std::string(kId)),
            "spotify:track:" + std::string(kId));
  EXPECT_EQ(item_uri_from("https://open.spotify.com/intl-fr/track/" + std::string(kId) + "?si=q"),
            "spotify:track:" + std::string(kId));
  EXPECT_EQ(item_uri_from("https://open.spotify.com/episode/" + std::string(kId)),
            "spotify:episode:" + std::string(kId));
  EXPECT_EQ(item_uri_from("https://open.spotify.com/playlist/" + std::string(kId)), std::nullopt);
  EXPECT_EQ(item_uri_from(kId), std::nullopt);
}

TEST(LooksLikeUriOrLink, TellsAMistypedUriFromAPlainWord) {
  EXPECT_TRUE(looks_like_uri_or_link("spotify:album:x"));
  EXPECT_TRUE(looks_like_uri_or_link("https://open.spotify.com/artist/x"));
  EXPECT_FALSE(looks_like_uri_or_link("DjRoadTrip"));
}

}  // namespace
}  // namespace plm::core
