#pragma once

// The emulator's track catalog and the real playlists it was loaded from.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace spotify_emulator {

/// A simplified artist as embedded in tracks and albums.
struct Artist {
  std::string id;
  std::string name;
};

/// A simplified album as embedded in a track.
struct Album {
  std::string id;
  std::string name;
  std::string album_type = "album";            ///< album | single | compilation
  std::string release_date;                    ///< "1979-05-01" | "1979-05" | "1979" | "" unknown
  std::string release_date_precision = "day";  ///< day | month | year
  std::string image_url;                       ///< may be empty
  int total_tracks = 1;
  std::vector<Artist> artists;
};

/// A catalog track (or podcast episode: the Exportify data has a few).
struct Track {
  std::string id;
  std::string name;
  std::vector<Artist> artists;
  Album album;
  int duration_ms = 0;
  bool is_explicit = false;
  std::string isrc;  ///< may be empty
  int popularity = 0;
  int track_number = 1;
  int disc_number = 1;
  std::string kind = "track";       ///< "track" or "episode"
  std::vector<std::string> genres;  ///< from TidyTuesday playlist genre/subgenre; may be empty
  /// Metadata synthesised from a "Artist - Title" text line; any real record replaces it.
  bool generated = false;
};

/// One row of a real playlist. `uri` may be spotify:track:, spotify:episode: or spotify:local:.
struct SourceEntry {
  std::string uri;
  std::string added_at;  ///< ISO-8601 "2019-09-17T01:02:03Z" or empty
  std::string added_by;  ///< Spotify user id (without "spotify:user:") or empty
};

/// A real playlist from the catalog data, in its original order.
struct SourcePlaylist {
  std::string source;  ///< "robbednark", "tidytuesday", "harisekhon" or "exportify"
  std::string key;     ///< unique within the source
  std::string name;
  std::string description;
  std::vector<SourceEntry> entries;
  std::string genre;  ///< TidyTuesday playlist_genre, else empty
};

/// A parsed `spotify:local:artist:album:title:seconds` URI.
struct LocalFile {
  std::string artist;
  std::string album;
  std::string title;
  int duration_ms = 0;
};

/// Decodes a local-file URI (`+` for spaces, percent-encoding). Returns false if `uri` is not one.
bool parse_local_uri(std::string_view uri, LocalFile& out);

/// Tracks by id plus the source playlists. Not thread-safe for writes; read-only once loaded.
class Catalog {
 public:
  /// First wins on a duplicate id, except that a richer record (album id or ISRC, not generated)
  /// replaces a bare or generated one. Genres of duplicates are merged.
  void add(Track track);
  const Track* find(std::string_view id) const;
  const std::vector<Track>& tracks() const { return tracks_; }
  std::size_t size() const { return tracks_.size(); }
  const std::vector<SourcePlaylist>& source_playlists() const { return source_playlists_; }
  void add_source_playlist(SourcePlaylist playlist);
  /// Fills what only the whole catalog knows: album total_tracks (highest track number seen)
  /// and album_type guesses. The loaders call it; call it again after adding tracks by hand.
  void finalize();

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<Track> tracks_;
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> index_;
  std::vector<SourcePlaylist> source_playlists_;
};

/// What a load did, for logs and tests.
struct LoadReport {
  std::size_t files = 0;      ///< CSV files recognised and read
  std::size_t rows = 0;       ///< data rows read (headers excluded)
  std::size_t tracks = 0;     ///< catalog size after the load
  std::size_t playlists = 0;  ///< source playlists added
  std::vector<std::string> warnings;
};

/// Loads every *.csv in `dir` (sorted, richest format first), recognising each by its header:
/// Exportify (with or without leading playlist_key,position), TidyTuesday, HariSekhon lines and
/// index, RobBednark index. Unknown CSVs and malformed rows produce warnings, not failures.
/// Throws std::runtime_error if `dir` cannot be read.
LoadReport load_catalog_dir(const std::filesystem::path& dir, Catalog& catalog);

/// Loads one CSV file as above; a plain Exportify file becomes a playlist named after the file.
LoadReport load_catalog_file(const std::filesystem::path& file, Catalog& catalog);

}  // namespace spotify_emulator
