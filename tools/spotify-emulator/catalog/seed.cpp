#include "catalog/seed.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "catalog/text.hpp"

namespace spotify_emulator {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw std::invalid_argument("seed: " + path + ": " + message);
}

void check_keys(const json& object, const std::string& path,
                std::initializer_list<const char*> allowed) {
  if (!object.is_object()) fail(path, "expected an object");
  for (const auto& [key, value] : object.items()) {
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* name) { return key == name; }))
      fail(path + "." + key, "unknown field");
  }
}

std::string get_string(const json& object, const char* key, const std::string& path, bool required,
                       std::string fallback = "") {
  const auto found = object.find(key);
  if (found == object.end()) {
    if (required) fail(path + "." + key, "missing (expected a string)");
    return fallback;
  }
  if (!found->is_string()) fail(path + "." + key, "expected a string");
  std::string value = found->get<std::string>();
  if (required && value.empty()) fail(path + "." + key, "must not be empty");
  return value;
}

bool get_bool(const json& object, const char* key, const std::string& path, bool fallback) {
  const auto found = object.find(key);
  if (found == object.end()) return fallback;
  if (!found->is_boolean()) fail(path + "." + key, "expected true or false");
  return found->get<bool>();
}

int get_int(const json& object, const char* key, const std::string& path, int fallback,
            int minimum = 0, int maximum = 1'000'000) {
  const auto found = object.find(key);
  if (found == object.end()) return fallback;
  if (!found->is_number_integer()) fail(path + "." + key, "expected an integer");
  const auto value = found->get<long long>();
  if (value < minimum || value > maximum) {
    fail(path + "." + key, "must be between " + std::to_string(minimum) + " and " +
                               std::to_string(maximum) + ", got " + std::to_string(value));
  }
  return static_cast<int>(value);
}

const json& get_array(const json& object, const char* key, const std::string& path) {
  static const json kEmpty = json::array();
  const auto found = object.find(key);
  if (found == object.end()) return kEmpty;
  if (!found->is_array()) fail(path + "." + key, "expected an array");
  return *found;
}

// Days since 1970-01-01 → civil date (Howard Hinnant's public-domain algorithm).
std::string iso_time(long long seconds) {
  long long days = seconds / 86400;
  const long long rest = seconds % 86400;
  days += 719468;
  const long long era = (days >= 0 ? days : days - 146096) / 146097;
  const long long doe = days - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long year = yoe + era * 400;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long day = doy - (153 * mp + 2) / 5 + 1;
  const long long month = mp < 10 ? mp + 3 : mp - 9;
  if (month <= 2) ++year;
  char buffer[96];  // generous: GCC cannot bound the %lld fields
  std::snprintf(buffer, sizeof buffer, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", year, month,
                day, rest / 3600, (rest / 60) % 60, rest % 60);
  return buffer;
}

constexpr long long kSeedEpoch = 1'514'764'800;  // 2018-01-01T00:00:00Z: plausible add dates

/// A synthesised add date: playlists a week apart, items an hour apart, so order is visible.
std::string synthetic_added_at(std::size_t playlist_index, std::size_t entry_index) {
  return iso_time(kSeedEpoch + static_cast<long long>(playlist_index) * 7 * 86400 +
                  static_cast<long long>(entry_index) * 3600);
}

std::string playlist_id(const std::string& owner, const std::string& name, std::size_t index) {
  return base62_id(fnv1a64(owner + '\n' + name + '\n' + std::to_string(index)));
}

std::string encode_local_part(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == ' ') {
      out.push_back('+');
    } else if (c == ':' || c == '+' || c == '%') {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", static_cast<unsigned char>(c));
      out += buffer;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

SeedEntry local_entry(std::string title, std::string artist, std::string album, int duration_ms) {
  SeedEntry entry;
  entry.is_local = true;
  entry.uri = "spotify:local:" + encode_local_part(artist) + ":" + encode_local_part(album) + ":" +
              encode_local_part(title) + ":" + std::to_string(duration_ms / 1000);
  entry.local_name = std::move(title);
  entry.local_artist = std::move(artist);
  entry.local_album = std::move(album);
  entry.local_duration_ms = duration_ms;
  return entry;
}

/// Turns a URI or bare id into an entry, checking it against the catalog.
bool entry_from_uri(std::string_view text, const Catalog& catalog, SeedEntry& entry) {
  entry.uri.clear();
  if (text.rfind("spotify:local:", 0) == 0) {
    LocalFile local;
    parse_local_uri(text, local);
    entry.is_local = true;
    entry.uri = std::string(text);
    entry.local_name = local.title;
    entry.local_artist = local.artist;
    entry.local_album = local.album;
    entry.local_duration_ms = local.duration_ms;
    return true;
  }
  std::string_view id = text;
  std::string prefix = "spotify:track:";
  if (text.rfind("spotify:track:", 0) == 0) {
    id.remove_prefix(14);
  } else if (text.rfind("spotify:episode:", 0) == 0) {
    id.remove_prefix(16);
    prefix = "spotify:episode:";
  }
  const Track* track = catalog.find(id);
  if (track == nullptr) return false;
  entry.uri = (track->kind == "episode" ? "spotify:episode:" : "spotify:track:") + track->id;
  return true;
}

struct Candidate {
  std::string name;
  std::string description;
  const SourcePlaylist* source = nullptr;  ///< either a whole source playlist ...
  std::vector<std::uint32_t> tracks;       ///< ... or these catalog track indexes
};

std::string capitalize_words(std::string text) {
  bool start = true;
  for (char& c : text) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    start = (c == ' ' || c == '-' || c == '&');
  }
  return text;
}

/// Orders track indexes by popularity, then id, and keeps the first `limit`.
std::vector<std::uint32_t> top_tracks(std::vector<std::uint32_t> indexes, const Catalog& catalog,
                                      std::size_t limit) {
  const auto& tracks = catalog.tracks();
  std::sort(indexes.begin(), indexes.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (tracks[a].popularity != tracks[b].popularity)
      return tracks[a].popularity > tracks[b].popularity;
    return tracks[a].id < tracks[b].id;
  });
  if (indexes.size() > limit) indexes.resize(limit);
  return indexes;
}

/// Playlist ideas in a fixed order: real source playlists (interleaving the sources so a small
/// count still mixes them), then derived ones (decades, genres, artists, parts of big playlists,
/// numbered mixes) until `needed` exist.
std::vector<Candidate> make_candidates(const Catalog& catalog, bool from_sources,
                                       std::size_t min_tracks, std::size_t max_tracks,
                                       std::size_t needed) {
  std::vector<Candidate> result;
  if (from_sources) {
    std::vector<std::string> source_order;
    std::map<std::string, std::vector<const SourcePlaylist*>> by_source;
    for (const SourcePlaylist& playlist : catalog.source_playlists()) {
      if (playlist.entries.size() < min_tracks) continue;
      if (!by_source.count(playlist.source)) source_order.push_back(playlist.source);
      by_source[playlist.source].push_back(&playlist);
    }
    for (std::size_t round = 0; result.size() < needed; ++round) {
      bool any = false;
      for (const std::string& source : source_order) {
        const auto& list = by_source[source];
        if (round >= list.size()) continue;
        any = true;
        Candidate candidate;
        candidate.name = list[round]->name;
        candidate.description = list[round]->description;
        candidate.source = list[round];
        result.push_back(std::move(candidate));
      }
      if (!any) break;
    }
  }
  if (result.size() >= needed) return result;

  const auto& tracks = catalog.tracks();
  std::map<int, std::vector<std::uint32_t>> by_decade;
  std::map<std::string, std::vector<std::uint32_t>> by_genre;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_artist;
  std::unordered_map<std::string_view, std::string_view> artist_names;
  for (std::uint32_t i = 0; i < tracks.size(); ++i) {
    const Track& track = tracks[i];
    if (track.kind != "track") continue;
    int year = 0;
    const std::string& date = track.album.release_date;
    if (date.size() >= 4) std::from_chars(date.data(), date.data() + 4, year);
    if (year >= 1900) by_decade[year / 10 * 10].push_back(i);
    for (const std::string& genre : track.genres) by_genre[genre].push_back(i);
    if (!track.artists.empty() && !track.artists.front().name.empty()) {
      by_artist[track.artists.front().id].push_back(i);
      artist_names.emplace(track.artists.front().id, track.artists.front().name);
    }
  }
  std::vector<Candidate> decades, genres, artists, parts;
  for (auto it = by_decade.rbegin(); it != by_decade.rend(); ++it) {
    if (it->second.size() < std::max<std::size_t>(min_tracks, 5)) continue;
    decades.push_back({std::to_string(it->first) + "s Essentials",
                       "The most popular tracks of the " + std::to_string(it->first) + "s.",
                       nullptr, top_tracks(it->second, catalog, max_tracks)});
  }
  for (const auto& [genre, list] : by_genre) {
    if (list.size() < std::max<std::size_t>(min_tracks, 5)) continue;
    genres.push_back({"Best of " + capitalize_words(genre), "Hand-picked " + genre + " favourites.",
                      nullptr, top_tracks(list, catalog, max_tracks)});
  }
  std::vector<std::pair<std::string_view, std::vector<std::uint32_t>*>> artist_list;
  for (auto& [id, list] : by_artist)
    if (list.size() >= std::max<std::size_t>(min_tracks, 5)) artist_list.emplace_back(id, &list);
  std::sort(artist_list.begin(), artist_list.end(), [](const auto& a, const auto& b) {
    if (a.second->size() != b.second->size()) return a.second->size() > b.second->size();
    return a.first < b.first;
  });
  for (const auto& [id, list] : artist_list) {
    const std::string name(artist_names[id]);
    artists.push_back({"This Is " + name, "All the essentials from " + name + ".", nullptr,
                       top_tracks(*list, catalog, max_tracks)});
  }
  for (const SourcePlaylist& playlist : catalog.source_playlists()) {
    if (playlist.entries.size() <= 2 * max_tracks) continue;
    std::vector<std::uint32_t> indexes;
    for (const SourceEntry& entry : playlist.entries) {
      const std::size_t colon = entry.uri.rfind(':');
      const Track* track = catalog.find(std::string_view(entry.uri).substr(colon + 1));
      if (track != nullptr) indexes.push_back(static_cast<std::uint32_t>(track - tracks.data()));
    }
    for (std::size_t start = 0, part = 1; start < indexes.size(); start += max_tracks, ++part) {
      const std::size_t end = std::min(indexes.size(), start + max_tracks);
      parts.push_back({playlist.name + " (Part " + std::to_string(part) + ")",
                       playlist.description,
                       nullptr,
                       {indexes.begin() + static_cast<std::ptrdiff_t>(start),
                        indexes.begin() + static_cast<std::ptrdiff_t>(end)}});
    }
  }
  std::vector<std::vector<Candidate>*> kinds = {&decades, &genres, &artists, &parts};
  for (std::size_t round = 0; result.size() < needed; ++round) {
    bool any = false;
    for (auto* kind : kinds) {
      if (round >= kind->size()) continue;
      any = true;
      result.push_back(std::move((*kind)[round]));
    }
    if (!any) break;
  }
  // Last resort for tiny catalogs: numbered mixes of deterministically chosen tracks.
  std::vector<std::uint32_t> playable;
  for (std::uint32_t i = 0; i < tracks.size(); ++i)
    if (tracks[i].kind == "track") playable.push_back(i);
  for (std::size_t mix = 1; result.size() < needed && !playable.empty(); ++mix) {
    Candidate candidate{"Mix #" + std::to_string(mix), "A little bit of everything.", nullptr, {}};
    const std::size_t size = std::min(playable.size(), std::max<std::size_t>(min_tracks, 20));
    const std::size_t start = fnv1a64(candidate.name) % playable.size();
    for (std::size_t i = 0; i < size; ++i)
      candidate.tracks.push_back(playable[(start + i * 7) % playable.size()]);
    result.push_back(std::move(candidate));
  }
  return result;
}

class SeedBuilder {
 public:
  SeedBuilder(const json& file, const Catalog& catalog) : file_(file), catalog_(catalog) {}

  Seed build() {
    check_keys(file_, "$", {"users", "playlists", "$comment"});
    const json& users = get_array(file_, "users", "$");
    if (users.empty()) fail("$.users", "at least one user is required");
    for (std::size_t i = 0; i < users.size(); ++i)
      add_user(users[i], "users[" + std::to_string(i) + "]");
    for (std::size_t i = 0; i < users.size(); ++i) {
      const std::string path = "users[" + std::to_string(i) + "]";
      if (users[i].contains("generate"))
        generate(users[i]["generate"], seed_.users[i].id, path + ".generate");
    }
    const json& playlists = get_array(file_, "playlists", "$");
    for (std::size_t i = 0; i < playlists.size(); ++i)
      add_explicit(playlists[i], "playlists[" + std::to_string(i) + "]");
    for (std::size_t i = 0; i < users.size(); ++i) {
      const json& follows = get_array(users[i], "follows", "users[" + std::to_string(i) + "]");
      for (std::size_t f = 0; f < follows.size(); ++f)
        follow(follows[f], seed_.users[i].id,
               "users[" + std::to_string(i) + "].follows[" + std::to_string(f) + "]");
    }
    return std::move(seed_);
  }

 private:
  void add_user(const json& user, const std::string& path) {
    check_keys(user, path, {"id", "display_name", "premium", "generate", "follows", "$comment"});
    SeedUser seeded;
    seeded.id = get_string(user, "id", path, true);
    seeded.display_name = get_string(user, "display_name", path, false, seeded.id);
    seeded.premium = get_bool(user, "premium", path, true);
    if (!user_ids_.insert(seeded.id).second)
      fail(path + ".id", "duplicate user id '" + seeded.id + "'");
    seed_.users.push_back(std::move(seeded));
  }

  SeedPlaylist& new_playlist(const std::string& owner, std::string name, std::string description) {
    SeedPlaylist& playlist = seed_.playlists.emplace_back();
    const std::size_t index = owned_count_[owner]++;
    playlist.id = playlist_id(owner, name, index);
    playlist.owner_id = owner;
    playlist.name = std::move(name);
    playlist.description = std::move(description);
    return playlist;
  }

  void finish_entries(SeedPlaylist& playlist) {
    const std::size_t playlist_index = seed_.playlists.size();
    for (std::size_t i = 0; i < playlist.entries.size(); ++i) {
      SeedEntry& entry = playlist.entries[i];
      if (entry.added_at.empty()) entry.added_at = synthetic_added_at(playlist_index, i);
      if (entry.added_by.empty()) entry.added_by = playlist.owner_id;
    }
  }

  SeedEntry unavailable_entry(const std::string& salt) const {
    SeedEntry entry;
    entry.uri = "spotify:track:" + base62_id(fnv1a64("unavailable:" + salt));
    entry.unavailable = true;
    return entry;
  }

  void generate(const json& options, const std::string& owner, const std::string& path) {
    check_keys(options, path,
               {"from_source_playlists", "count", "offset", "min_tracks", "max_tracks",
                "collaborative_every", "private_every", "duplicates_every", "local_files_every",
                "unavailable_every", "big_playlist_tracks", "$comment"});
    const bool from_sources = get_bool(options, "from_source_playlists", path, true);
    const auto count = static_cast<std::size_t>(get_int(options, "count", path, 0, 0, 100'000));
    const auto offset = static_cast<std::size_t>(get_int(options, "offset", path, 0, 0, 100'000));
    const auto min_tracks =
        static_cast<std::size_t>(get_int(options, "min_tracks", path, 1, 0, 10'000));
    const auto max_tracks =
        static_cast<std::size_t>(get_int(options, "max_tracks", path, 100, 1, 100'000));
    const int collaborative_every = get_int(options, "collaborative_every", path, 0);
    const int private_every = get_int(options, "private_every", path, 0);
    const int duplicates_every = get_int(options, "duplicates_every", path, 0);
    const int local_every = get_int(options, "local_files_every", path, 0);
    const int unavailable_every = get_int(options, "unavailable_every", path, 0);
    const auto big =
        static_cast<std::size_t>(get_int(options, "big_playlist_tracks", path, 0, 0, 1'000'000));
    if (count > 0 && catalog_.size() == 0) fail(path + ".count", "the catalog is empty");

    auto every = [](int n, std::size_t k) { return n > 0 && k % static_cast<std::size_t>(n) == 0; };
    const std::vector<Candidate> candidates =
        make_candidates(catalog_, from_sources, min_tracks, max_tracks, offset + count);
    const auto& tracks = catalog_.tracks();
    for (std::size_t n = 0; n < count && offset + n < candidates.size(); ++n) {
      const Candidate& candidate = candidates[offset + n];
      const std::size_t k = n + 1;
      std::string name = candidate.name.empty() ? "Untitled " + std::to_string(k) : candidate.name;
      SeedPlaylist& playlist = new_playlist(owner, std::move(name), candidate.description);
      if (candidate.source != nullptr) {
        for (const SourceEntry& source : candidate.source->entries) {
          SeedEntry entry;
          if (!entry_from_uri(source.uri, catalog_, entry)) entry = unavailable_entry(source.uri);
          entry.added_at = source.added_at;
          entry.added_by = source.added_by;
          playlist.entries.push_back(std::move(entry));
        }
      } else {
        for (const std::uint32_t index : candidate.tracks) {
          SeedEntry entry;
          entry.uri = "spotify:track:" + tracks[index].id;
          playlist.entries.push_back(std::move(entry));
        }
      }
      if (every(duplicates_every, k) && !playlist.entries.empty()) {
        // Re-adding an earlier track later, as people do by accident.
        SeedEntry first = playlist.entries.front();
        SeedEntry middle = playlist.entries[playlist.entries.size() / 2];
        first.added_at.clear();
        middle.added_at.clear();
        playlist.entries.push_back(std::move(first));
        playlist.entries.push_back(std::move(middle));
      }
      if (every(local_every, k)) {
        const auto at =
            static_cast<std::ptrdiff_t>(std::min<std::size_t>(2, playlist.entries.size()));
        playlist.entries.insert(
            playlist.entries.begin() + at,
            local_entry("Demo Take " + std::to_string(k), "Nova Sound Studio", "Studio Sessions",
                        120'000 + static_cast<int>(k % 60) * 1000));
      }
      if (every(unavailable_every, k)) {
        const auto at =
            static_cast<std::ptrdiff_t>(std::min<std::size_t>(3, playlist.entries.size()));
        playlist.entries.insert(playlist.entries.begin() + at,
                                unavailable_entry(owner + ":" + std::to_string(k)));
      }
      if (every(collaborative_every, k)) {
        playlist.collaborative = true;
        playlist.is_public = false;
      }
      if (every(private_every, k)) playlist.is_public = false;
      finish_entries(playlist);
    }
    if (big > 0) {
      std::vector<std::uint32_t> order;
      for (std::uint32_t i = 0; i < tracks.size(); ++i)
        if (tracks[i].kind == "track") order.push_back(i);
      if (order.empty()) fail(path + ".big_playlist_tracks", "the catalog has no tracks");
      // A stable shuffle: ordered by a hash of the id, independent of load order.
      std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        const auto ha = fnv1a64(tracks[a].id);
        const auto hb = fnv1a64(tracks[b].id);
        return ha != hb ? ha < hb : tracks[a].id < tracks[b].id;
      });
      SeedPlaylist& playlist = new_playlist(owner, "Everything \xE2\x80\x94 Master Library",
                                            "Every track in the library, in one place.");
      playlist.entries.reserve(big);
      for (std::size_t i = 0; i < big; ++i) {
        SeedEntry entry;
        entry.uri = "spotify:track:" + tracks[order[i % order.size()]].id;
        playlist.entries.push_back(std::move(entry));
      }
      finish_entries(playlist);
    }
  }

  void add_explicit(const json& spec, const std::string& path) {
    check_keys(spec, path,
               {"owner", "name", "description", "public", "collaborative", "followers", "tracks",
                "random_tracks", "$comment"});
    const std::string owner = get_string(spec, "owner", path, true);
    if (!user_ids_.count(owner)) fail(path + ".owner", "unknown user '" + owner + "'");
    const std::string name = get_string(spec, "name", path, true);
    SeedPlaylist& playlist =
        new_playlist(owner, name, get_string(spec, "description", path, false));
    playlist.collaborative = get_bool(spec, "collaborative", path, false);
    playlist.is_public = get_bool(spec, "public", path, !playlist.collaborative);
    if (playlist.collaborative && playlist.is_public)
      fail(path + ".public", "a collaborative playlist cannot be public");
    const json& tracks = get_array(spec, "tracks", path);
    for (std::size_t i = 0; i < tracks.size(); ++i)
      playlist.entries.push_back(
          explicit_entry(tracks[i], path + ".tracks[" + std::to_string(i) + "]"));
    const int random = get_int(spec, "random_tracks", path, 0, 0, 100'000);
    const auto& catalog_tracks = catalog_.tracks();
    if (random > 0 && catalog_tracks.empty()) fail(path + ".random_tracks", "the catalog is empty");
    for (int i = 0; i < random; ++i) {
      const std::size_t index =
          fnv1a64(playlist.id + ":" + std::to_string(i)) % catalog_tracks.size();
      SeedEntry entry;
      entry.uri =
          (catalog_tracks[index].kind == "episode" ? "spotify:episode:" : "spotify:track:") +
          catalog_tracks[index].id;
      playlist.entries.push_back(std::move(entry));
    }
    const json& followers = get_array(spec, "followers", path);
    for (std::size_t i = 0; i < followers.size(); ++i) {
      const std::string item_path = path + ".followers[" + std::to_string(i) + "]";
      if (!followers[i].is_string()) fail(item_path, "expected a user id string");
      const std::string follower = followers[i].get<std::string>();
      if (!user_ids_.count(follower)) fail(item_path, "unknown user '" + follower + "'");
      add_follower(playlist, follower);
    }
    finish_entries(playlist);
  }

  SeedEntry explicit_entry(const json& item, const std::string& path) const {
    SeedEntry entry;
    if (item.is_string()) {
      const std::string text = item.get<std::string>();
      if (!entry_from_uri(text, catalog_, entry))
        fail(path, "unknown track '" + text + "' (mark it {\"unavailable\": true} if intended)");
      return entry;
    }
    check_keys(item, path, {"uri", "added_at", "added_by", "unavailable", "local"});
    if (item.contains("local")) {
      const json& local = item["local"];
      const std::string local_path = path + ".local";
      check_keys(local, local_path, {"name", "artist", "album", "duration_ms"});
      entry = local_entry(get_string(local, "name", local_path, true),
                          get_string(local, "artist", local_path, false),
                          get_string(local, "album", local_path, false),
                          get_int(local, "duration_ms", local_path, 0, 0, 86'400'000));
    } else if (get_bool(item, "unavailable", path, false)) {
      const std::string uri = get_string(item, "uri", path, false);
      entry = unavailable_entry(path);
      if (!uri.empty()) entry.uri = uri;
    } else {
      const std::string uri = get_string(item, "uri", path, true);
      if (!entry_from_uri(uri, catalog_, entry)) fail(path + ".uri", "unknown track '" + uri + "'");
    }
    entry.added_at = get_string(item, "added_at", path, false);
    entry.added_by = get_string(item, "added_by", path, false);
    return entry;
  }

  static void add_follower(SeedPlaylist& playlist, const std::string& user) {
    if (user == playlist.owner_id) return;  // owners do not follow their own playlists
    if (std::find(playlist.followers.begin(), playlist.followers.end(), user) ==
        playlist.followers.end())
      playlist.followers.push_back(user);
  }

  void follow(const json& spec, const std::string& user, const std::string& path) {
    if (spec.is_string()) {
      const std::string id = spec.get<std::string>();
      for (SeedPlaylist& playlist : seed_.playlists) {
        if (playlist.id == id) return add_follower(playlist, user);
      }
      fail(path, "unknown playlist id '" + id + "'");
    }
    check_keys(spec, path, {"owner", "name", "count"});
    const std::string owner = get_string(spec, "owner", path, true);
    if (!user_ids_.count(owner)) fail(path + ".owner", "unknown user '" + owner + "'");
    if (spec.contains("name")) {
      const std::string name = get_string(spec, "name", path, true);
      for (SeedPlaylist& playlist : seed_.playlists) {
        if (playlist.owner_id == owner && playlist.name == name)
          return add_follower(playlist, user);
      }
      fail(path + ".name", "user '" + owner + "' owns no playlist named '" + name + "'");
    }
    // Only public playlists can be followed by others.
    int remaining = get_int(spec, "count", path, 1, 1, 100'000);
    for (SeedPlaylist& playlist : seed_.playlists) {
      if (remaining == 0) break;
      if (playlist.owner_id != owner || !playlist.is_public) continue;
      add_follower(playlist, user);
      --remaining;
    }
    if (remaining > 0) fail(path + ".count", "user '" + owner + "' has too few public playlists");
  }

  const json& file_;
  const Catalog& catalog_;
  Seed seed_;
  std::set<std::string> user_ids_;
  std::map<std::string, std::size_t> owned_count_;
};

}  // namespace

Seed build_seed(const nlohmann::json& seed_file, const Catalog& catalog) {
  return SeedBuilder(seed_file, catalog).build();
}

Seed load_seed_file(const std::filesystem::path& file, const Catalog& catalog) {
  std::ifstream in(file);
  if (!in) throw std::invalid_argument("seed: cannot open " + file.string());
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& error) {
    throw std::invalid_argument("seed: " + file.string() + ": invalid JSON: " + error.what());
  }
  return build_seed(parsed, catalog);
}

}  // namespace spotify_emulator
