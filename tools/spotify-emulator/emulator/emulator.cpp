#include "emulator/emulator.hpp"

#include <cstdio>

#include "emulator/internal.hpp"

namespace spotify_emulator {

namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::string_view kTokenAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::uint64_t mix(std::uint64_t x) {  // splitmix64: well-spread deterministic ids
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::string base_url_for(const World& world, const Request& request) {
  if (!world.options.public_url.empty()) return world.options.public_url;
  return "http://" + std::string(request.header("Host").value_or("127.0.0.1"));
}

Response rate_limited_response(const RateDecision& decision) {
  if (decision.kind == RateDecision::Kind::QuotaExceeded) {
    auto response = api_error(429, "Too many requests", "QUOTA_EXCEEDED");
    response.set_header("Retry-After", std::to_string(decision.retry_after_s));
    return response;
  }
  auto response = api_error(429, "API rate limit exceeded");
  response.set_header("Retry-After", std::to_string(decision.retry_after_s));
  return response;
}

/// `accounts`: the fault hits the accounts service, whose 4xx errors have the OAuth shape
/// ({"error":"invalid_request",...}); its 5xx keep the Web API shape unless `empty_body` (real
/// ones are HTML or empty).
Response fault_response(const FaultRule& rule, bool accounts) {
  Response response;
  switch (rule.kind) {
    case FaultRule::Kind::ExpiredToken:
      return api_error(401, "The access token expired");
    case FaultRule::Kind::RateLimited:
    case FaultRule::Kind::QuotaExceeded: {
      const bool quota = rule.kind == FaultRule::Kind::QuotaExceeded;
      response = rule.empty_body
                     ? Response::empty(429)
                     : api_error(429, fault_message(rule, 429), quota ? "QUOTA_EXCEEDED" : "");
      if (rule.retry_after_s >= 0)
        response.set_header("Retry-After", std::to_string(rule.retry_after_s));
      return response;
    }
    case FaultRule::Kind::ApplyThen502:
      return rule.empty_body ? Response::empty(502) : api_error(502, fault_message(rule, 502));
    case FaultRule::Kind::FailStatus:
      if (rule.empty_body) return Response::empty(rule.status);
      if (accounts && rule.status >= 400 && rule.status < 500 && rule.status != 429) {
        response = auth_error(rule.status == 401 ? "invalid_client" : "invalid_request",
                              fault_message(rule, rule.status));
        response.status = rule.status;
        return response;
      }
      return api_error(rule.status, fault_message(rule, rule.status));
  }
  return response;
}

/// The GETs Spotify answers with an ETag (and `Cache-Control: private, max-age=0`): a playlist,
/// its items and the lists of playlists (spotify/web-api#28, mopidy-spotify#182). Catalog reads
/// and search carry only cache lifetimes (spotify-web-api-ts-sdk#68), so they get no tag here.
bool tagged_route(std::string_view label) {
  return label == "GET /v1/playlists/{}" || label == "GET /v1/playlists/{}/items" ||
         label == "GET /v1/playlists/{}/tracks" || label == "GET /v1/me/playlists" ||
         label == "GET /v1/users/{}/playlists";
}

/// With `--etags`: tags a successful response of a tagged route with a strong ETag of its body and
/// answers a matching If-None-Match with 304 and no body. An items page's tag also follows the
/// playlist's snapshot, so even a page whose bytes did not change is re-sent after any change to
/// the playlist (clients use a page's tag as the playlist's version).
void apply_etag(const Call& call, std::string_view label, Response& response) {
  if (!call.world.options.etags || response.status != 200 || !tagged_route(label)) return;
  std::string basis = response.body;
  if (label.ends_with("/items") || label.ends_with("/tracks")) {
    const auto found = call.world.playlists.find(call.params.at(0));
    if (found != call.world.playlists.end()) basis += snapshot_id(call.world, found->second);
  }
  char text[24];
  std::snprintf(text, sizeof text, "\"%016llx\"", static_cast<unsigned long long>(fnv1a(basis)));
  const std::string etag = text;
  const auto match = call.request.header("If-None-Match");
  if (match && (match->find(etag) != std::string_view::npos || *match == "*")) {
    response = Response::empty(304);
  }
  response.set_header("ETag", etag);
  response.set_header("Cache-Control", "private, max-age=0");
}

/// Authenticates a Web API call; returns a response when it must stop here.
std::optional<Response> authenticate(Call& call) {
  const auto header = call.request.header("Authorization");
  if (!header || header->empty()) {
    // Spotify's challenge for a request without credentials names no error (RFC 6750 section 3.1;
    // seen in spotify-web-api-node#362): only the realm.
    auto response = api_error(401, "No token provided");
    response.set_header("WWW-Authenticate", "Bearer realm=\"spotify\"");
    return response;
  }
  if (!header->starts_with("Bearer ") || header->size() <= 7) {
    return api_error(400, "Only valid bearer authentication supported");
  }
  call.access_token = std::string(header->substr(7));
  const auto found = call.world.tokens.find(call.access_token);
  if (found == call.world.tokens.end()) return api_error(401, "Invalid access token");
  if (call.now_ms >= found->second.expires_at_ms) return api_error(401, "The access token expired");
  call.token = &found->second;
  const auto app = call.world.apps.find(found->second.client_id);
  if (app == call.world.apps.end()) return api_error(401, "Invalid access token");
  call.app = &app->second;
  if (!call.app->owner_premium) {
    return api_error(403, "Active premium subscription required for the owner of the app.");
  }
  if (!call.token->user_id.empty() && !call.app->allowlist.empty() &&
      !call.app->allowlist.count(call.token->user_id)) {
    return api_error(
        403, "Check settings on developer.spotify.com/dashboard, the user may not be registered.");
  }
  return std::nullopt;
}

}  // namespace

namespace {

/// `length` characters of `alphabet`, each from its own mix of `seed` and its position, so no two
/// ids share more than a chance run of characters (a shared leftover state used to repeat whole
/// suffixes).
std::string random_text(std::uint64_t seed, std::size_t length, std::string_view alphabet) {
  std::string text;
  text.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    const std::uint64_t state = mix(seed ^ mix(static_cast<std::uint64_t>(i) + 1));
    text.push_back(alphabet[state % alphabet.size()]);
  }
  return text;
}

}  // namespace

std::string World::new_id() {
  return random_text(mix(options.id_seed * 1'000'003ULL + ++id_counter), 22, kBase62);
}

std::string World::new_token(std::string_view prefix) {
  return std::string(prefix) +
         random_text(mix(options.id_seed * 7'919ULL + ++id_counter), 100, kTokenAlphabet);
}

void World::load_seed(const Seed& seed) {
  ++generation;
  users.clear();
  playlists.clear();
  playlist_order.clear();
  history.clear();
  for (const auto& seeded : seed.users) {
    User user;
    user.id = seeded.id;
    user.display_name = seeded.display_name;
    user.premium = seeded.premium;
    // A stable, opaque account id (May 2026 field), derived from the user id.
    std::uint64_t hash = 1469598103934665603ULL;
    for (const char c : seeded.id) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    for (int i = 0; i < 22; ++i) {
      user.account_id.push_back(kBase62[hash % 62]);
      hash = i % 8 == 7 ? mix(hash) : hash / 62;
    }
    users[user.id] = std::move(user);
  }
  for (const auto& seeded : seed.playlists) {
    Playlist playlist;
    playlist.id = seeded.id;
    playlist.owner_id = seeded.owner_id;
    playlist.name = seeded.name;
    if (!seeded.description.empty()) playlist.description = seeded.description;
    playlist.is_public = seeded.is_public;
    playlist.collaborative = seeded.collaborative;
    playlist.followers.insert(seeded.followers.begin(), seeded.followers.end());
    playlist.entries.reserve(seeded.entries.size());
    for (const auto& seeded_entry : seeded.entries) {
      Entry entry;
      entry.key = ++entry_counter;
      entry.uri = seeded_entry.uri;
      entry.added_at_ms = parse_iso8601(seeded_entry.added_at).value_or(1'577'836'800'000LL);
      entry.added_by = seeded_entry.added_by.empty() ? seeded.owner_id : seeded_entry.added_by;
      entry.is_local = seeded_entry.is_local;
      entry.unavailable = seeded_entry.unavailable;
      if (entry.is_local) {
        entry.local.artist = seeded_entry.local_artist;
        entry.local.album = seeded_entry.local_album;
        entry.local.title = seeded_entry.local_name;
        entry.local.duration_ms = seeded_entry.local_duration_ms;
      }
      playlist.entries.push_back(std::move(entry));
    }
    playlist_order.push_back(playlist.id);
    playlists[playlist.id] = std::move(playlist);
  }
}

void World::apply_limits_and_faults() {
  limiter.set_settings(options.rate_limits);
  limiter.clear();
  faults.set_latency(options.latency);
  faults.set_standing_rules(options.standing_faults);
  faults.seed(options.fault_seed);
}

Emulator::Emulator(const Catalog& catalog, Seed seed, EmulatorOptions options, Clock& clock)
    : search_(std::make_unique<SearchIndex>(catalog)),
      seed_(std::move(seed)),
      initial_options_(options),
      world_(catalog, *search_, std::move(options), clock) {
  world_.apply_limits_and_faults();
  world_.load_seed(seed_);
}

Emulator::~Emulator() = default;

void Emulator::register_app(App app) {
  std::lock_guard lock(mutex_);
  if (app.developer_id.empty()) app.developer_id = app.client_id;
  const std::string id = app.client_id;
  world_.apps[id] = std::move(app);
}

Response Emulator::handle(const Request& request) {
  std::lock_guard lock(mutex_);
  Call call{request, world_, base_url_for(world_, request), world_.clock.now_ms()};
  const auto& path = request.path;
  if (path.starts_with("/__emulator/") || path == "/__emulator") {
    return handle_admin(call, seed_, initial_options_);
  }
  if (path == "/authorize" || path.starts_with("/authorize/") || path == "/api/token") {
    // The accounts service takes faults too, but only from rules that name its paths.
    Response response;
    if (auto fault = world_.faults.on_call(request.method, path, /*web_api=*/false)) {
      ++world_.stats.faults;
      if (fault->kind == FaultRule::Kind::ApplyThen502) (void)handle_accounts(call);
      response = fault_response(*fault, /*accounts=*/true);
    } else {
      response = handle_accounts(call);
    }
    response.delay = world_.faults.next_latency();
    return response;
  }
  if (path.starts_with("/image/")) return handle_image(call);
  if (!path.starts_with("/v1/")) return api_error(404, "Service not found");

  // Web API: authenticate, count, rate-limit, inject faults, then serve.
  Response response;
  const std::string label = web_route_label(call);
  ++world_.stats.total;
  ++world_.stats.by_endpoint[label];
  if (auto stop = authenticate(call)) {
    response = std::move(*stop);
  } else {
    ++world_.stats.by_client[call.token->client_id];
    const auto decision =
        world_.limiter.on_call(call.token->client_id, call.app->developer_id, call.now_ms);
    if (decision.kind != RateDecision::Kind::Allowed) {
      ++(decision.kind == RateDecision::Kind::QuotaExceeded ? world_.stats.quota_exceeded
                                                            : world_.stats.rate_limited);
      response = rate_limited_response(decision);
    } else if (auto fault = world_.faults.on_call(request.method, path)) {
      ++world_.stats.faults;
      if (fault->kind == FaultRule::Kind::RateLimited) ++world_.stats.rate_limited;
      if (fault->kind == FaultRule::Kind::QuotaExceeded) ++world_.stats.quota_exceeded;
      if (fault->kind == FaultRule::Kind::ApplyThen502) (void)handle_web_api(call);
      response = fault_response(*fault, /*accounts=*/false);
    } else {
      response = handle_web_api(call);
      apply_etag(call, label, response);
    }
  }
  response.delay = world_.faults.next_latency();
  return response;
}

}  // namespace spotify_emulator
