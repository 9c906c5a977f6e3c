#pragma once

// The users and playlists the emulator starts with, built from a seed JSON file (see
// SEED_FORMAT.md) and the catalog.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"

namespace spotify_emulator {

/// One playlist item.
struct SeedEntry {
  std::string uri;
  std::string added_at;  ///< ISO-8601, always set
  std::string added_by;  ///< user id, always set
  bool is_local = false;
  bool unavailable = false;  ///< a catalog-less/withdrawn track, rendered as item:null
  std::string local_name, local_artist, local_album;
  int local_duration_ms = 0;
};

/// A playlist and who follows it without owning it.
struct SeedPlaylist {
  std::string id;
  std::string owner_id;
  std::string name;
  std::string description;
  bool is_public = true;
  bool collaborative = false;  ///< collaborative playlists are never public, as on Spotify
  std::vector<SeedEntry> entries;
  std::vector<std::string> followers;  ///< user ids that follow it without owning it
};

/// A seeded user.
struct SeedUser {
  std::string id;
  std::string display_name;
  bool premium = true;
};

/// Everything the emulator starts with. Playlists are in creation order.
struct Seed {
  std::vector<SeedUser> users;
  std::vector<SeedPlaylist> playlists;
};

/// Builds the seed. Deterministic: the same file and catalog give the same ids and contents.
/// Throws std::invalid_argument naming the bad field (e.g. "users[0].generate.count: ...").
Seed build_seed(const nlohmann::json& seed_file, const Catalog& catalog);

/// Reads and builds a seed file; a JSON syntax error becomes std::invalid_argument too.
Seed load_seed_file(const std::filesystem::path& file, const Catalog& catalog);

}  // namespace spotify_emulator
