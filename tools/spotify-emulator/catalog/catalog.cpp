#include "catalog/catalog.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "catalog/csv.hpp"
#include "catalog/text.hpp"

namespace spotify_emulator {

// ---------------------------------------------------------------------------------------------
// Catalog

namespace {

bool is_richer(const Track& candidate, const Track& existing) {
  const bool existing_bare =
      existing.generated || (existing.album.id.empty() && existing.isrc.empty());
  const bool candidate_rich =
      !candidate.generated && (!candidate.album.id.empty() || !candidate.isrc.empty());
  return existing_bare && candidate_rich;
}

}  // namespace

void Catalog::add(Track track) {
  const auto found = index_.find(std::string_view(track.id));
  if (found == index_.end()) {
    index_.emplace(track.id, tracks_.size());
    tracks_.push_back(std::move(track));
    return;
  }
  Track& existing = tracks_[found->second];
  std::vector<std::string> genres = std::move(existing.genres);
  if (is_richer(track, existing)) existing = std::move(track);
  for (std::string& genre : genres) {
    if (std::find(existing.genres.begin(), existing.genres.end(), genre) == existing.genres.end())
      existing.genres.push_back(std::move(genre));
  }
  for (const std::string& genre : track.genres) {  // track is only moved-from if it replaced
    if (std::find(existing.genres.begin(), existing.genres.end(), genre) == existing.genres.end())
      existing.genres.push_back(genre);
  }
}

const Track* Catalog::find(std::string_view id) const {
  const auto found = index_.find(id);
  return found == index_.end() ? nullptr : &tracks_[found->second];
}

void Catalog::add_source_playlist(SourcePlaylist playlist) {
  source_playlists_.push_back(std::move(playlist));
}

void Catalog::finalize() {
  std::unordered_map<std::string, int> highest_track_number;
  for (const Track& track : tracks_) {
    if (track.album.id.empty()) continue;
    int& highest = highest_track_number[track.album.id];
    highest = std::max(highest, track.track_number);
  }
  for (Track& track : tracks_) {
    if (track.album.id.empty()) continue;
    track.album.total_tracks = std::max(1, highest_track_number[track.album.id]);
    if (track.generated) continue;
    // The sources carry no album type; these guesses match Spotify's usual labelling.
    const bool various = !track.album.artists.empty() &&
                         fold_for_search(track.album.artists.front().name) == "various artists";
    if (various) {
      track.album.album_type = "compilation";
    } else if (track.album.total_tracks <= 3 &&
               fold_for_search(track.album.name) == fold_for_search(track.name)) {
      track.album.album_type = "single";
    }
  }
}

bool parse_local_uri(std::string_view uri, LocalFile& out) {
  constexpr std::string_view kPrefix = "spotify:local:";
  if (uri.substr(0, kPrefix.size()) != kPrefix) return false;
  uri.remove_prefix(kPrefix.size());
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < uri.size(); ++i) {
    const char c = uri[i];
    if (c == ':') {
      parts.emplace_back();
    } else if (c == '+') {
      parts.back().push_back(' ');
    } else if (c == '%' && i + 2 < uri.size()) {
      int value = 0;
      const auto result = std::from_chars(uri.data() + i + 1, uri.data() + i + 3, value, 16);
      if (result.ec == std::errc() && result.ptr == uri.data() + i + 3) {
        parts.back().push_back(static_cast<char>(value));
        i += 2;
      } else {
        parts.back().push_back(c);
      }
    } else {
      parts.back().push_back(c);
    }
  }
  out = LocalFile{};
  if (parts.size() < 4) {  // malformed but still a local file: keep what we have as the title
    out.title = parts.back();
    return true;
  }
  out.artist = parts[0];
  out.album = parts[1];
  out.title = parts[2];
  int seconds = 0;
  std::from_chars(parts[3].data(), parts[3].data() + parts[3].size(), seconds);
  out.duration_ms = seconds * 1000;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Loading

namespace {

enum class Format { Unknown, RobIndex, HariIndex, Exportify, TidyTuesday, HariLines };

int load_priority(Format format) {
  switch (format) {
    case Format::RobIndex:
    case Format::HariIndex:
      return 0;  // names first, so playlists are created in index order
    case Format::Exportify:
      return 1;  // richest records (ISRC, artist ids) first
    case Format::TidyTuesday:
      return 2;
    case Format::HariLines:
      return 3;  // only creates tracks nobody else knows
    case Format::Unknown:
      return 4;
  }
  return 4;
}

/// Header name → column index.
class Columns {
 public:
  explicit Columns(const std::vector<std::string>& header) {
    for (std::size_t i = 0; i < header.size(); ++i)
      names_.emplace_back(header[i], static_cast<int>(i));
  }
  int operator[](std::string_view name) const {
    for (const auto& [column, index] : names_)
      if (column == name) return index;
    return -1;
  }
  bool has(std::string_view name) const { return (*this)[name] >= 0; }

 private:
  std::vector<std::pair<std::string, int>> names_;
};

Format detect_format(const Columns& columns) {
  if (columns.has("Track URI") && columns.has("Track Name")) return Format::Exportify;
  if (columns.has("track_id") && columns.has("track_name") && columns.has("track_artist"))
    return Format::TidyTuesday;
  if (columns.has("playlist_key") && columns.has("uri") && columns.has("line_text"))
    return Format::HariLines;
  if (columns.has("playlist_key") && columns.has("playlist_name")) return Format::HariIndex;
  if (columns.has("playlist_key") && columns.has("playlist_name_from_filename"))
    return Format::RobIndex;
  return Format::Unknown;
}

int to_int(std::string_view text, int fallback = 0) {
  int value = fallback;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() ? value : fallback;
}

bool is_spotify_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

std::string_view strip_prefix(std::string_view text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) == prefix) text.remove_prefix(prefix.size());
  return text;
}

std::string trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

std::vector<std::string> split(std::string_view text, std::string_view separator) {
  std::vector<std::string> parts;
  if (text.empty()) return parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      parts.push_back(trim(text.substr(start)));
      break;
    }
    parts.push_back(trim(text.substr(start, at - start)));
    start = at + separator.size();
  }
  return parts;
}

std::string generated_artist_id(std::string_view name) {
  return base62_id(fnv1a64(name, fnv1a64("artist:")));
}

/// Pairs artist URIs with names. Names may themselves contain ", " ("Tyler, The Creator"), so when
/// there are more name pieces than URIs, glue the piece that looks like a continuation.
std::vector<Artist> pair_artists(std::string_view uris, std::string_view names) {
  std::vector<std::string> ids = split(uris, ",");
  std::vector<std::string> pieces = split(names, ", ");
  for (std::string& id : ids) id = std::string(strip_prefix(id, "spotify:artist:"));
  while (!ids.empty() && pieces.size() > ids.size()) {
    std::size_t glue = pieces.size() - 1;
    for (std::size_t i = 1; i < pieces.size(); ++i) {
      const std::string& piece = pieces[i];
      if (piece.rfind("The ", 0) == 0 || piece.rfind("the ", 0) == 0 ||
          (!piece.empty() && piece[0] >= 'a' && piece[0] <= 'z') || piece.rfind("Jr", 0) == 0 ||
          piece.rfind("Inc", 0) == 0) {
        glue = i;
        break;
      }
    }
    pieces[glue - 1] += ", " + pieces[glue];
    pieces.erase(pieces.begin() + static_cast<std::ptrdiff_t>(glue));
  }
  std::vector<Artist> artists;
  const std::size_t count = std::max(ids.size(), pieces.size());
  for (std::size_t i = 0; i < count; ++i) {
    Artist artist;
    artist.name = i < pieces.size() ? pieces[i] : std::string();
    artist.id = i < ids.size() && is_spotify_id(ids[i]) ? ids[i] : generated_artist_id(artist.name);
    artists.push_back(std::move(artist));
  }
  return artists;
}

void set_release_date(Album& album, std::string_view date) {
  album.release_date = std::string(date);
  album.release_date_precision = date.size() >= 10 ? "day" : date.size() == 7 ? "month" : "year";
}

class Loader {
 public:
  explicit Loader(Catalog& catalog) : catalog_(catalog) {}

  void load_file(const std::filesystem::path& file, const std::string& text, Format format,
                 const std::vector<std::string>& header) {
    ++report_.files;
    const Columns columns(header);
    CsvReader reader(text);
    std::vector<std::string> row;
    reader.next_row(row);  // header
    std::size_t malformed = 0;
    std::size_t first_bad_line = 0;
    const std::string file_name = file.filename().string();
    while (reader.next_row(row)) {
      if (row.size() == 1 && row[0].empty()) continue;  // blank line
      ++report_.rows;
      bool ok = !reader.last_row_malformed() && row.size() == header.size();
      if (ok) {
        switch (format) {
          case Format::Exportify:
            ok = exportify_row(columns, row, file);
            break;
          case Format::TidyTuesday:
            ok = tidytuesday_row(columns, row);
            break;
          case Format::HariLines:
            ok = hari_line_row(columns, row);
            break;
          case Format::HariIndex:
            ok = hari_index_row(columns, row);
            break;
          case Format::RobIndex:
            ok = rob_index_row(columns, row);
            break;
          case Format::Unknown:
            break;
        }
      }
      if (!ok) {
        if (malformed++ == 0) first_bad_line = reader.last_row_line();
      }
    }
    if (malformed > 0) {
      report_.warnings.push_back(file_name + ": skipped " + std::to_string(malformed) +
                                 " malformed row(s), first at line " +
                                 std::to_string(first_bad_line));
    }
  }

  LoadReport finish() {
    for (SourcePlaylist& playlist : playlists_) catalog_.add_source_playlist(std::move(playlist));
    report_.playlists = playlists_.size();
    playlists_.clear();
    catalog_.finalize();
    report_.tracks = catalog_.size();
    return std::move(report_);
  }

  LoadReport& report() { return report_; }

 private:
  SourcePlaylist& playlist(std::string_view source, std::string_view key) {
    std::string lookup = std::string(source) + '\x1f' + std::string(key);
    const auto found = playlist_index_.find(lookup);
    if (found != playlist_index_.end()) return playlists_[found->second];
    playlist_index_.emplace(std::move(lookup), playlists_.size());
    SourcePlaylist& created = playlists_.emplace_back();
    created.source = std::string(source);
    created.key = std::string(key);
    created.name = "Playlist " + std::string(key);  // replaced when an index file names it
    return created;
  }

  static std::string_view field(const std::vector<std::string>& row, int column) {
    return column >= 0 && static_cast<std::size_t>(column) < row.size()
               ? std::string_view(row[static_cast<std::size_t>(column)])
               : std::string_view();
  }

  bool exportify_row(const Columns& c, const std::vector<std::string>& row,
                     const std::filesystem::path& file) {
    const std::string_view uri = field(row, c["Track URI"]);
    const bool has_key = c.has("playlist_key");
    SourcePlaylist* target = nullptr;
    if (has_key) {
      const std::string_view key = field(row, c["playlist_key"]);
      if (key.empty()) return false;
      target = &playlist("robbednark", key);
    } else {
      std::string name = file.stem().string();
      // Exportify names files after the playlist with spaces turned into underscores.
      std::replace(name.begin(), name.end(), '_', ' ');
      SourcePlaylist& created = playlist("exportify", file.filename().string());
      created.name = name;
      target = &created;
    }
    if (uri.rfind("spotify:local:", 0) != 0) {
      const bool episode = uri.rfind("spotify:episode:", 0) == 0;
      const std::string_view id =
          episode ? strip_prefix(uri, "spotify:episode:") : strip_prefix(uri, "spotify:track:");
      if (id.size() == uri.size() || !is_spotify_id(id)) return false;
      Track track;
      track.id = std::string(id);
      track.kind = episode ? "episode" : "track";
      track.name = std::string(field(row, c["Track Name"]));
      track.artists = pair_artists(field(row, c["Artist URI(s)"]), field(row, c["Artist Name(s)"]));
      track.album.id = std::string(strip_prefix(field(row, c["Album URI"]), "spotify:album:"));
      track.album.name = std::string(field(row, c["Album Name"]));
      track.album.artists =
          pair_artists(field(row, c["Album Artist URI(s)"]), field(row, c["Album Artist Name(s)"]));
      if (track.album.artists.empty()) track.album.artists = track.artists;
      set_release_date(track.album, field(row, c["Album Release Date"]));
      track.album.image_url = std::string(field(row, c["Album Image URL"]));
      track.disc_number = to_int(field(row, c["Disc Number"]), 1);
      track.track_number = to_int(field(row, c["Track Number"]), 1);
      track.duration_ms = to_int(field(row, c["Track Duration (ms)"]));
      track.is_explicit = field(row, c["Explicit"]) == "true";
      track.popularity = to_int(field(row, c["Popularity"]));
      track.isrc = std::string(field(row, c["ISRC"]));
      catalog_.add(std::move(track));
    }
    SourceEntry entry;
    entry.uri = std::string(uri);
    entry.added_at = std::string(field(row, c["Added At"]));
    entry.added_by = std::string(strip_prefix(field(row, c["Added By"]), "spotify:user:"));
    target->entries.push_back(std::move(entry));
    return true;
  }

  bool tidytuesday_row(const Columns& c, const std::vector<std::string>& row) {
    const std::string_view id = field(row, c["track_id"]);
    if (!is_spotify_id(id)) return false;
    Track track;
    track.id = std::string(id);
    track.name = std::string(field(row, c["track_name"]));
    // One name string per track: keep it whole ("Tyler, The Creator" is one artist).
    std::string artist_name(field(row, c["track_artist"]));
    track.artists.push_back(Artist{generated_artist_id(artist_name), std::move(artist_name)});
    track.popularity = to_int(field(row, c["track_popularity"]));
    track.album.id = std::string(field(row, c["track_album_id"]));
    track.album.name = std::string(field(row, c["track_album_name"]));
    track.album.artists = track.artists;
    set_release_date(track.album, field(row, c["track_album_release_date"]));
    track.duration_ms = to_int(field(row, c["duration_ms"]));
    const std::string genre(field(row, c["playlist_genre"]));
    const std::string subgenre(field(row, c["playlist_subgenre"]));
    if (!genre.empty()) track.genres.push_back(genre);
    if (!subgenre.empty() && subgenre != genre) track.genres.push_back(subgenre);
    catalog_.add(std::move(track));

    const std::string_view playlist_id = field(row, c["playlist_id"]);
    if (!playlist_id.empty()) {
      SourcePlaylist& target = playlist("tidytuesday", playlist_id);
      if (target.entries.empty()) {
        target.name = std::string(field(row, c["playlist_name"]));
        target.genre = genre;
        if (!genre.empty()) target.description = genre + (subgenre.empty() ? "" : " / " + subgenre);
      }
      target.entries.push_back(SourceEntry{"spotify:track:" + std::string(id), "", ""});
    }
    return true;
  }

  bool hari_line_row(const Columns& c, const std::vector<std::string>& row) {
    const std::string_view key = field(row, c["playlist_key"]);
    const std::string_view uri = field(row, c["uri"]);
    if (key.empty() || uri.empty()) return false;
    const bool local = uri.rfind("spotify:local:", 0) == 0;
    const bool episode = uri.rfind("spotify:episode:", 0) == 0;
    if (!local) {
      const std::string_view id =
          episode ? strip_prefix(uri, "spotify:episode:") : strip_prefix(uri, "spotify:track:");
      if (id.size() == uri.size() || !is_spotify_id(id)) return false;
      if (catalog_.find(id) == nullptr)
        catalog_.add(track_from_line(id, field(row, c["line_text"]), episode));
    }
    playlist("harisekhon", key).entries.push_back(SourceEntry{std::string(uri), "", ""});
    return true;
  }

  static Track track_from_line(std::string_view id, std::string_view text, bool episode) {
    Track track;
    track.id = std::string(id);
    track.kind = episode ? "episode" : "track";
    track.generated = true;
    const std::size_t dash = text.find(" - ");
    std::string artist_text;
    if (dash == std::string_view::npos) {
      track.name = trim(text);
    } else {
      artist_text = std::string(text.substr(0, dash));
      track.name = trim(text.substr(dash + 3));
    }
    for (std::string& name : split(artist_text, ", ")) {
      if (!name.empty())
        track.artists.push_back(Artist{generated_artist_id(name), std::move(name)});
    }
    if (track.artists.empty())
      track.artists.push_back(Artist{generated_artist_id(""), "Unknown Artist"});
    const std::uint64_t hash = fnv1a64(id);
    track.duration_ms = 150'000 + static_cast<int>(hash % 150'001);
    track.album.name = track.name;
    track.album.album_type = "single";
    track.album.id = base62_id(fnv1a64(artist_text + " - " + track.name, fnv1a64("album:")));
    track.album.artists = track.artists;
    track.album.release_date_precision = "year";
    return track;
  }

  bool hari_index_row(const Columns& c, const std::vector<std::string>& row) {
    const std::string_view key = field(row, c["playlist_key"]);
    if (key.empty()) return false;
    SourcePlaylist& target = playlist("harisekhon", key);
    target.name = std::string(field(row, c["playlist_name"]));
    target.description = std::string(field(row, c["description"]));
    return true;
  }

  bool rob_index_row(const Columns& c, const std::vector<std::string>& row) {
    const std::string_view key = field(row, c["playlist_key"]);
    if (key.empty()) return false;
    SourcePlaylist& target = playlist("robbednark", key);
    const std::string_view name = field(row, c["playlist_name_from_filename"]);
    if (!name.empty()) target.name = std::string(name);
    return true;
  }

  Catalog& catalog_;
  LoadReport report_;
  std::vector<SourcePlaylist> playlists_;
  std::unordered_map<std::string, std::size_t> playlist_index_;
};

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::string text;
  in.seekg(0, std::ios::end);
  text.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0, std::ios::beg);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

struct PendingFile {
  std::filesystem::path path;
  std::string text;
  Format format = Format::Unknown;
  std::vector<std::string> header;
};

PendingFile inspect(const std::filesystem::path& path) {
  PendingFile pending{path, read_file(path), Format::Unknown, {}};
  CsvReader reader(pending.text);
  reader.next_row(pending.header);
  pending.format = detect_format(Columns(pending.header));
  return pending;
}

void load_pending(std::vector<PendingFile>& files, Loader& loader) {
  std::stable_sort(files.begin(), files.end(), [](const PendingFile& a, const PendingFile& b) {
    return load_priority(a.format) < load_priority(b.format);
  });
  for (PendingFile& file : files) {
    if (file.format == Format::Unknown) {
      loader.report().warnings.push_back(file.path.filename().string() +
                                         ": unrecognised CSV header, file ignored");
      continue;
    }
    loader.load_file(file.path, file.text, file.format, file.header);
    std::string().swap(file.text);  // release memory early
  }
}

}  // namespace

LoadReport load_catalog_dir(const std::filesystem::path& dir, Catalog& catalog) {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".csv")
      paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());  // directory order is not deterministic
  std::vector<PendingFile> files;
  files.reserve(paths.size());
  for (const auto& path : paths) files.push_back(inspect(path));
  Loader loader(catalog);
  load_pending(files, loader);
  return loader.finish();
}

LoadReport load_catalog_file(const std::filesystem::path& file, Catalog& catalog) {
  std::vector<PendingFile> files;
  files.push_back(inspect(file));
  Loader loader(catalog);
  load_pending(files, loader);
  return loader.finish();
}

}  // namespace spotify_emulator
