#pragma once
/// The emulator's in-memory world: apps, users, playlists, tokens, faults, limits and statistics.
/// Plain data; the handlers in accounts.cpp, web_api.cpp and admin.cpp read and change it under the
/// Emulator's lock.

#include <cstdint>
#include <deque>
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

/// How change-details and create-playlist answer a description Spotify does not take (more than
/// 300 characters, or a line break).
enum class DescriptionErrors {
  Clear,     ///< 400 with a message naming the problem (the emulator's default)
  Observed,  ///< 500 "Server error.", as projects report from Spotify (spotify-api.md section 7.17)
};

/// What a `snapshot_id` sent on `DELETE /items` or on a reorder `PUT /items` does
/// (spotify-api.md §2.10, §2.11, §2.14). The three refusing modes refuse every snapshot_id, the
/// current one included: the reports saw clients fail for sending one at all, with a snapshot they
/// had just read.
enum class SnapshotMode {
  Ignore,         ///< accepted and ignored (default)
  BadVersionTag,  ///< 400 "Missing or bad version tag" (jwilsson/spotify-web-api-php#271)
  ErrorLoading,   ///< 502 "Error while loading resource" (jwilsson/spotify-web-api-php#284)
  InvalidBase62,  ///< 502 "Invalid base62" (the same report)
  /// A reorder naming an older snapshot is applied as it was meant on that version
  /// (spotify/web-api#193): see reorder_by_identity in consistency.hpp. A snapshot the playlist
  /// never had (or one older than the kept history) answers 400 "Missing or bad version tag".
  ApplyToNamed,
};

/// Reads lagging writes (spotify-api.md §2.12, §2.14). All 0: every read sees every write at once.
struct ConsistencySettings {
  /// After a write, reads of the playlist show the version before it until this much of the
  /// emulator's clock has passed since the write ...
  std::int64_t stale_read_ms = 0;
  /// ... or until this many reads of the playlist were answered since the write, whichever
  /// comes first; a 0 takes no part.
  std::int64_t stale_reads = 0;
  /// An uploaded cover shows in `images` this long after the upload (the previous one until then).
  std::int64_t cover_delay_ms = 0;

  bool stale() const { return stale_read_ms > 0 || stale_reads > 0; }
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
  DescriptionErrors description_errors = DescriptionErrors::Clear;
  /// ETag on the GETs Spotify tags (playlists, their items, /me/playlists) and 304 for a matching
  /// If-None-Match. Off by default: plm's client never sends If-None-Match and takes a 304 as an
  /// error.
  bool etags = false;
  std::uint64_t id_seed = 1;  ///< seeds generated ids (tokens, codes, new playlists)
  RateLimitSettings rate_limits;
  LatencySettings latency;
  SnapshotMode snapshot_mode = SnapshotMode::Ignore;
  ConsistencySettings consistency;
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
  /// Unique within the world: tells two copies of a URI apart when a reorder names an older
  /// snapshot (SnapshotMode::ApplyToNamed).
  std::uint64_t key = 0;
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
  std::uint64_t cover_version = 0;  ///< the playlist's version the upload made (its image URL)
  /// With ConsistencySettings::cover_delay_ms: the upload shows from then on; until then the
  /// previous cover (empty: the mosaic) does.
  std::int64_t cover_shown_from_ms = 0;
  std::string previous_cover_jpeg;
  std::uint64_t previous_cover_version = 0;
  std::set<std::string> followers;  ///< users following it, the owner excluded
  bool owner_follows = true;        ///< false once the owner "deleted" (unfollowed) it
};

/// A version of a playlist that reads may still show (stale reads) or a reorder may name
/// (apply-to-named), kept only while a mode needs it.
struct KeptVersion {
  Playlist state;  ///< the playlist as this version left it
  std::int64_t written_at_ms = 0;
  std::int64_t reads_since = 0;  ///< reads of the playlist answered since the write
  bool settled = false;          ///< shown to every read from now on, whatever the settings
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
  std::uint64_t entry_counter = 0;  ///< Entry::key
  /// Versions per playlist id, oldest first, the last one the truth (consistency.hpp); empty
  /// unless a snapshot or consistency mode needs them.
  std::map<std::string, std::deque<KeptVersion>> history;
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
