#pragma once
/// The emulator's in-memory world: apps, users, playlists, tokens, faults, limits and statistics.
/// Plain data; the handlers in accounts.cpp, web_api.cpp and admin.cpp read and change it under the
/// Emulator's lock.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.hpp"
#include "catalog/search.hpp"
#include "catalog/seed.hpp"
#include "emulator/clock.hpp"
#include "emulator/faults.hpp"
#include "emulator/rate_limiter.hpp"

namespace spotify_emulator {

enum class ApiMode {
  Dev2026,   ///< Development-Mode app after February 2026: /items, search max 10, removed endpoints
             ///< 403
  Extended,  ///< Extended-Quota app: legacy paths and field names, search max 50
};

struct EmulatorOptions {
  ApiMode mode = ApiMode::Dev2026;
  std::string public_url;  ///< base of absolute links; empty = from the request's Host header
  std::int64_t access_token_ttl_s = 3600;
  int refresh_token_lifetime_months = 6;
  bool rotate_refresh_tokens = false;    ///< pre-2026 PKCE behaviour; 2026 default is no rotation
  bool emit_legacy_track_field = false;  ///< also send `track` beside `item` (deprecation window)
  bool auto_approve = false;             ///< /authorize approves at once for auto_approve_user
  std::string auto_approve_user = "demo-pro";
  bool real_image_urls = false;  ///< keep i.scdn.co URLs instead of serving placeholder covers
  int max_playlist_items = 10'000;
  std::uint64_t id_seed = 1;  ///< seeds generated ids (tokens, codes, new playlists)
  RateLimitSettings rate_limits;
  LatencySettings latency;
  std::vector<FaultRule> standing_faults;  ///< a profile's background faults (FaultPlan standing)
  std::uint64_t fault_seed = 1;            ///< seeds the draws of probabilistic fault rules
  std::string profile = "default";         ///< the profile last applied (profile.hpp)
};

struct App {
  std::string client_id;
  std::string client_secret;
  std::vector<std::string> redirect_uris;
  std::string developer_id;  ///< quota is shared by a developer's client IDs
  bool owner_premium = true;
  std::set<std::string> allowlist;  ///< user ids allowed; empty = everyone
};

struct User {
  std::string id;
  std::string display_name;
  std::string account_id;
  bool premium = true;
  std::set<std::string> saved_uris;  ///< /me/library items other than playlists
};

struct Entry {
  std::string uri;
  std::int64_t added_at_ms = 0;
  std::string added_by;
  bool is_local = false;
  bool unavailable = false;
  LocalFile local;
};

struct Playlist {
  std::string id;
  std::string owner_id;
  std::string name;
  std::optional<std::string> description;  ///< stored unescaped; rendered HTML-escaped
  std::optional<bool> is_public;
  bool collaborative = false;
  std::vector<Entry> entries;
  std::uint64_t version = 1;
  std::string cover_jpeg;           ///< custom cover bytes; empty = generated mosaic
  std::set<std::string> followers;  ///< users following it, the owner excluded
  bool owner_follows = true;        ///< false once the owner "deleted" (unfollowed) it
};

struct AuthCode {
  std::string client_id, user_id, redirect_uri, code_challenge;  ///< challenge empty = no PKCE
  std::set<std::string> scopes;
  std::int64_t expires_at_ms = 0;
  bool used = false;
};

struct AccessToken {
  std::string client_id, user_id;  ///< user_id empty for client-credentials tokens
  std::set<std::string> scopes;
  std::int64_t expires_at_ms = 0;
  std::string refresh_token;  ///< the grant it came from, for revocation
};

struct RefreshGrant {
  std::string client_id, user_id;
  std::set<std::string> scopes;
  std::int64_t authorized_at_ms = 0;
  std::int64_t expires_at_ms = 0;
  bool revoked = false;
  /// Authorized with PKCE: refreshes with the client ID alone. Code-flow grants need the secret.
  bool pkce = false;
};

struct CallStats {
  std::map<std::string, std::uint64_t> by_endpoint;  ///< "GET /v1/playlists/{id}/items"
  std::map<std::string, std::uint64_t> by_client;
  std::uint64_t total = 0, rate_limited = 0, quota_exceeded = 0, faults = 0;
};

struct World {
  World(const Catalog& catalog_in, const SearchIndex& search_in, EmulatorOptions options_in,
        Clock& clock_in)
      : catalog(catalog_in), search(search_in), options(std::move(options_in)), clock(clock_in) {}

  const Catalog& catalog;
  const SearchIndex& search;
  EmulatorOptions options;
  Clock& clock;

  std::map<std::string, User> users;
  std::map<std::string, Playlist> playlists;
  std::vector<std::string> playlist_order;  ///< creation order, for stable listings
  std::map<std::string, App> apps;
  std::map<std::string, AuthCode> codes;
  std::map<std::string, AccessToken> tokens;
  std::map<std::string, RefreshGrant> refresh_grants;
  RateLimiter limiter{RateLimitSettings{}};
  FaultPlan faults;
  CallStats stats;
  std::uint64_t id_counter = 0;
  /// Bumped by every load_seed (start, /seed, /reset); mixed into snapshot ids.
  std::uint64_t generation = 0;
  /// Rendered track JSON by shape and id (see track_json_text in render.cpp).
  std::unordered_map<std::string, std::string> track_json_cache;

  /// Deterministic 22-character base-62 id, unique within this world.
  std::string new_id();
  /// Deterministic opaque token ("BQ" + 100 url-safe characters, like Spotify's).
  std::string new_token(std::string_view prefix);
  /// Replaces users and playlists with the seed's (apps, tokens and grants are kept) and starts a
  /// new generation.
  void load_seed(const Seed& seed);
  /// Hands the options' rate limits, latency, standing faults and fault seed to the limiter and
  /// the fault plan, forgetting their state (windows, penalties, the draw sequence). Rules added
  /// through the admin API stay.
  void apply_limits_and_faults();
};

}  // namespace spotify_emulator
