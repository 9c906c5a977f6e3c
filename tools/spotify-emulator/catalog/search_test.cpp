#include "catalog/search.hpp"

#include <gtest/gtest.h>

namespace spotify_emulator {
namespace {

Track make_track(std::string id, std::string name, std::string artist, std::string album,
                 std::string date = "2000-01-01", int popularity = 50, std::string isrc = "") {
  Track track;
  track.id = std::move(id);
  track.name = std::move(name);
  track.artists.push_back(Artist{"artist-" + artist, artist});
  track.album.id = "album-" + album;
  track.album.name = std::move(album);
  track.album.artists = track.artists;
  track.album.release_date = std::move(date);
  track.popularity = popularity;
  track.isrc = std::move(isrc);
  return track;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  SearchIndexTest() {
    catalog_.add(make_track("t01", "Halo", "Beyoncé", "I Am... Sasha Fierce", "2008-11-14", 80,
                            "USSM10804556"));
    catalog_.add(make_track("t02", "Halo Theme", "Orchestra", "Game Music", "2001", 40));
    catalog_.add(make_track("t03", "Song For Beyonce", "Fan Band", "Tributes", "2010-05", 30));
    catalog_.add(
        make_track("t04", "Crazy In Love", "Beyoncé", "Dangerously In Love", "2003-06-23", 85));
    catalog_.add(make_track("t05", "Blueprint 2", "JAŸ-Z", "The Blueprint 2", "2002-11-12", 60));
    catalog_.add(make_track("t06", "Intro", "Various", "Halo Soundtrack", "2001-11-15", 90));
    catalog_.add(
        make_track("t07", "Doxy", "Miles Davis", "Bags' Groove", "1957", 55, "usrc15700001"));
    catalog_.add(make_track("t08", "Doxy Two", "Miles Davis", "Live", "1964", 20));
    Track genre = make_track("t09", "Dance Track", "DJ", "Club", "2019-01-01", 10);
    genre.genres = {"pop", "dance pop"};
    catalog_.add(genre);
    index_.emplace(catalog_);
  }

  std::vector<std::string> ids(std::string_view q, std::size_t offset = 0, std::size_t limit = 50) {
    std::vector<std::string> result;
    for (const Track* track : index_->search_tracks(parse_search_query(q), offset, limit).items)
      result.push_back(track->id);
    return result;
  }

  Catalog catalog_;
  std::optional<SearchIndex> index_;
};

TEST(ParseSearchQuery, SplitsFreeTextAndFieldFilters) {
  const SearchQuery query = parse_search_query(
      "Remaster TRACK:\"Doxy Two\" Artist:Miles year:1990-1999 isrc:usrc1 tag:new foo:bar "
      "genre:jazz");

  EXPECT_EQ(query.terms, (std::vector<std::string>{"remaster", "foo", "bar"}));
  EXPECT_EQ(query.track, "Doxy Two");
  EXPECT_EQ(query.artist, "Miles");
  EXPECT_EQ(query.isrc, "usrc1");
  EXPECT_EQ(query.genre, "jazz");
  EXPECT_EQ(query.year_from, 1990);
  EXPECT_EQ(query.year_to, 1999);
  EXPECT_TRUE(query.tag_new);
  EXPECT_FALSE(query.tag_hipster);
}

TEST(ParseSearchQuery, ReadsASingleYearAndIgnoresAnUnparsableOne) {
  EXPECT_EQ(parse_search_query("year:1999").year_from, 1999);
  EXPECT_EQ(parse_search_query("year:1999").year_to, 1999);
  EXPECT_FALSE(parse_search_query("year:abc").year_from.has_value());
}

TEST_F(SearchIndexTest, MatchesAccentAndCaseInsensitively) {
  EXPECT_EQ(ids("beyonce crazy"), (std::vector<std::string>{"t04"}));
  EXPECT_EQ(ids("BEYONCÉ crazy"), (std::vector<std::string>{"t04"}));
  EXPECT_EQ(ids("jay z blueprint"), (std::vector<std::string>{"t05"}));
  EXPECT_EQ(ids("JAŸ-Z"), (std::vector<std::string>{"t05"}));
}

TEST_F(SearchIndexTest, RequiresEveryFreeTermAndAllowsAPrefixForTheLastOne) {
  EXPECT_EQ(ids("crazy lov"), (std::vector<std::string>{"t04"}));
  EXPECT_TRUE(ids("cra love").empty());  // only the last term may be a prefix
  EXPECT_TRUE(ids("crazy nothing").empty());
}

TEST_F(SearchIndexTest, RanksExactTitleAboveTitleContainsAboveArtistAboveAlbumOnlyMatch) {
  EXPECT_EQ(ids("halo"), (std::vector<std::string>{"t01", "t02", "t06"}));
  EXPECT_EQ(ids("beyonce"), (std::vector<std::string>{"t03", "t04", "t01"}));
}

TEST_F(SearchIndexTest, RanksExactTitleWithArtistTermsFirst) {
  EXPECT_EQ(ids("halo beyonce").front(), "t01");
}

TEST_F(SearchIndexTest, RestrictsFieldFiltersToTheirField) {
  EXPECT_EQ(ids("track:halo"), (std::vector<std::string>{"t01", "t02"}));
  EXPECT_EQ(ids("album:halo"), (std::vector<std::string>{"t06"}));
  EXPECT_EQ(ids("artist:beyonce"), (std::vector<std::string>{"t04", "t01"}));
  EXPECT_EQ(ids("track:\"Doxy Two\" artist:miles"), (std::vector<std::string>{"t08"}));
  EXPECT_EQ(ids("genre:\"dance pop\""), (std::vector<std::string>{"t09"}));
}

TEST_F(SearchIndexTest, MatchesIsrcExactlyAndCaseInsensitively) {
  EXPECT_EQ(ids("isrc:ussm10804556"), (std::vector<std::string>{"t01"}));
  EXPECT_EQ(ids("isrc:USRC15700001"), (std::vector<std::string>{"t07"}));
  EXPECT_TRUE(ids("isrc:USSM1080455").empty());
}

TEST_F(SearchIndexTest, FiltersByReleaseYearAndYearRange) {
  EXPECT_EQ(ids("doxy year:1957"), (std::vector<std::string>{"t07"}));
  EXPECT_EQ(ids("year:2001-2002"), (std::vector<std::string>{"t06", "t05", "t02"}));
  EXPECT_EQ(ids("halo year:2005-2010"), (std::vector<std::string>{"t01"}));
}

TEST_F(SearchIndexTest, PagesWithOffsetLimitAndReportsTotal) {
  const SearchQuery query = parse_search_query("year:1900-2100");

  const auto first = index_->search_tracks(query, 0, 2);
  const auto second = index_->search_tracks(query, 2, 2);
  const auto past = index_->search_tracks(query, 100, 2);

  EXPECT_EQ(first.total, 9u);
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0]->id, "t06");  // popularity 90
  EXPECT_EQ(second.items.size(), 2u);
  EXPECT_NE(second.items[0]->id, first.items[1]->id);
  EXPECT_TRUE(past.items.empty());
  EXPECT_EQ(past.total, 9u);
}

TEST_F(SearchIndexTest, MatchesNothingForAnEmptyQuery) {
  EXPECT_EQ(index_->search_tracks(parse_search_query("  "), 0, 10).total, 0u);
}

TEST_F(SearchIndexTest, FindsArtistsByNameWithExactNameFirst) {
  std::size_t total = 0;

  const auto artists = index_->search_artists(parse_search_query("beyonce"), 0, 10, total);

  EXPECT_EQ(total, 1u);
  ASSERT_EQ(artists.size(), 1u);
  EXPECT_EQ(artists[0]->name, "Beyoncé");
}

TEST_F(SearchIndexTest, FindsAlbumsByNameArtistAndYear) {
  std::size_t total = 0;

  const auto albums = index_->search_albums(parse_search_query("halo"), 0, 10, total);
  const auto by_artist =
      index_->search_albums(parse_search_query("artist:miles year:1964"), 0, 10, total);
  const auto upc = index_->search_albums(parse_search_query("upc:123"), 0, 10, total);

  ASSERT_EQ(albums.size(), 1u);
  EXPECT_EQ(albums[0]->name, "Halo Soundtrack");
  ASSERT_EQ(by_artist.size(), 1u);
  EXPECT_EQ(by_artist[0]->name, "Live");
  EXPECT_TRUE(upc.empty());
}

}  // namespace
}  // namespace spotify_emulator
