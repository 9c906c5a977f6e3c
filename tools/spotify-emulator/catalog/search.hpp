#pragma once

// Spotify-like search over the catalog: accent- and case-insensitive, field filters, deterministic
// relevance ranking.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.hpp"

namespace spotify_emulator {

/// A parsed `q` parameter. Filter values are kept as typed; the index folds them.
struct SearchQuery {
  std::vector<std::string> terms;  ///< folded free-text tokens, in query order
  std::string track, artist, album, isrc, upc, genre;
  std::optional<int> year_from, year_to;
  bool tag_new = false, tag_hipster = false;
};

/// Parses free text plus `track:`, `artist:`, `album:`, `year:1999`, `year:1990-1999`, `isrc:`,
/// `upc:`, `genre:`, `tag:new`, `tag:hipster`. Values may be quoted (`track:"Doxy Two"`); field
/// names are case-insensitive; unknown `foo:bar` is free text; an unparsable year is ignored.
SearchQuery parse_search_query(std::string_view q);

/// Inverted indexes over a Catalog for tracks, artists and albums.
///
/// Matching: every free term must occur in the title, an artist name or the album name (the last
/// free term may be a prefix, as in a search box); `track:`/`artist:`/`album:`/`genre:` tokens
/// must occur in that field; `isrc:` is exact and case-insensitive; `year:` uses the album release
/// year. Filters that Spotify does not apply to a type are ignored for it (`isrc:`/`track:` only
/// apply to tracks, `upc:`/`tag:` only to albums). There are no UPCs in the data, so `upc:`
/// matches no album. `tag:new` is the newest release year in the catalog; `tag:hipster` is
/// popularity <= 10. A query without any applicable criterion matches nothing.
///
/// Ranking (deterministic): exact title > title contains all terms > artist match > album only;
/// then popularity descending, then id.
class SearchIndex {
 public:
  /// Builds the indexes; `catalog` must outlive the index and not change while it is used.
  explicit SearchIndex(const Catalog& catalog);

  struct TrackPage {
    std::vector<const Track*> items;
    std::size_t total = 0;  ///< number of matches before offset/limit
  };
  struct ArtistHit {
    const Artist* artist;
  };
  struct AlbumHit {
    const Album* album;
  };

  TrackPage search_tracks(const SearchQuery& query, std::size_t offset, std::size_t limit) const;
  std::vector<const Artist*> search_artists(const SearchQuery& query, std::size_t offset,
                                            std::size_t limit, std::size_t& total) const;
  std::vector<const Album*> search_albums(const SearchQuery& query, std::size_t offset,
                                          std::size_t limit, std::size_t& total) const;

  /// Field bits stored in postings.
  enum Field : std::uint8_t { kTitle = 1, kArtist = 2, kAlbum = 4, kGenre = 8 };

  /// One inverted index over documents 0..size-1 (public only so the implementation's helpers
  /// can name it).
  struct TextIndex {
    struct Posting {
      std::uint32_t doc;
      std::uint8_t fields;
    };
    std::vector<std::string> vocabulary;         ///< sorted tokens
    std::vector<std::vector<Posting>> postings;  ///< parallel to vocabulary
    std::vector<std::string> name_keys;          ///< per doc: folded name tokens joined by ' '
    std::vector<int> popularity;                 ///< per doc
    std::vector<std::string_view> ids;           ///< per doc, for tie-breaks
    std::vector<std::vector<int>> years;         ///< per doc: sorted distinct release years
  };

 private:
  const Catalog& catalog_;
  TextIndex tracks_;
  TextIndex artists_;
  TextIndex albums_;
  std::vector<const Artist*> artist_docs_;
  std::vector<const Album*> album_docs_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> isrc_;  ///< upper-case ISRC → docs
  int newest_year_ = 0;
};

}  // namespace spotify_emulator
