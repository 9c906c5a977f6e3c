// The admin API under /__emulator/: a prefix the real Spotify cannot have. Tests and scripts use it
// to reset state, load seeds, register apps, mint tokens without the browser dance, inject faults,
// move the clock, read statistics and dump a user's playlists for assertions.

#include <sstream>

#include "emulator/consistency.hpp"
#include "emulator/internal.hpp"
#include "emulator/profile.hpp"

namespace spotify_emulator {

namespace {

Response admin_error(int status, std::string_view message) {
  return json_response(status, Json{{"error", Json{{"status", status}, {"message", message}}}});
}

std::optional<Json> admin_body(const Call& call, Response& error) {
  if (call.request.body.empty()) return Json::object();
  try {
    Json body = Json::parse(call.request.body);
    if (!body.is_object()) {
      error = admin_error(400, "body must be a JSON object");
      return std::nullopt;
    }
    return body;
  } catch (const Json::parse_error& parse_error) {
    error = admin_error(400, std::string("invalid JSON: ") + parse_error.what());
    return std::nullopt;
  }
}

std::set<std::string> scopes_from(const Json& value) {
  std::set<std::string> scopes;
  if (value.is_string()) {
    std::istringstream stream(value.get<std::string>());
    std::string scope;
    while (stream >> scope) scopes.insert(scope);
  } else if (value.is_array()) {
    for (const auto& scope : value) scopes.insert(scope.get<std::string>());
  }
  return scopes;
}

Json app_json(const App& app) {
  return Json{{"client_id", app.client_id},
              {"redirect_uris", app.redirect_uris},
              {"developer_id", app.developer_id},
              {"owner_premium", app.owner_premium},
              {"allowlist", app.allowlist}};
}

/// A non-negative integer setting, or an exception naming it.
std::int64_t non_negative(const Json& body, const char* name) {
  const std::int64_t value = body.at(name);
  if (value < 0) throw std::invalid_argument(std::string(name) + " must not be negative");
  return value;
}

Json options_json(const EmulatorOptions& options) {
  return Json{{"mode", options.mode == ApiMode::Dev2026 ? "dev2026" : "extended"},
              {"access_token_ttl_s", options.access_token_ttl_s},
              {"refresh_token_lifetime_months", options.refresh_token_lifetime_months},
              {"rotate_refresh_tokens", options.rotate_refresh_tokens},
              {"emit_legacy_track_field", options.emit_legacy_track_field},
              {"auto_approve", options.auto_approve},
              {"auto_approve_user", options.auto_approve_user},
              {"max_playlist_items", options.max_playlist_items},
              {"description_errors",
               options.description_errors == DescriptionErrors::Observed ? "observed" : "clear"},
              {"etags", options.etags},
              {"snapshot_mode", to_string(options.snapshot_mode)},
              {"stale_read_ms", options.consistency.stale_read_ms},
              {"stale_reads", options.consistency.stale_reads},
              {"cover_delay_ms", options.consistency.cover_delay_ms}};
}

FaultRule::Kind fault_kind(const std::string& name) {
  if (name == "status") return FaultRule::Kind::FailStatus;
  if (name == "apply_then_502") return FaultRule::Kind::ApplyThen502;
  if (name == "expired_token") return FaultRule::Kind::ExpiredToken;
  if (name == "rate_limit") return FaultRule::Kind::RateLimited;
  if (name == "quota_exceeded") return FaultRule::Kind::QuotaExceeded;
  throw std::invalid_argument(
      "unknown fault kind '" + name +
      "' (status, apply_then_502, expired_token, rate_limit, quota_exceeded)");
}

Json dump_playlists(const Call& call, const std::string& user_id) {
  Json playlists = Json::array();
  for (const auto& id : call.world.playlist_order) {
    const Playlist& playlist = call.world.playlists.at(id);
    const bool owns = playlist.owner_id == user_id && playlist.owner_follows;
    if (!owns && !playlist.followers.count(user_id)) continue;
    Json entries = Json::array();
    for (const auto& entry : playlist.entries) {
      entries.push_back(Json{{"uri", entry.uri},
                             {"added_at", format_iso8601(entry.added_at_ms)},
                             {"added_by", entry.added_by},
                             {"is_local", entry.is_local},
                             {"unavailable", entry.unavailable}});
    }
    playlists.push_back(
        Json{{"id", playlist.id},
             {"name", playlist.name},
             {"description", playlist.description ? Json(*playlist.description) : Json(nullptr)},
             {"owner_id", playlist.owner_id},
             {"public", playlist.is_public ? Json(*playlist.is_public) : Json(nullptr)},
             {"collaborative", playlist.collaborative},
             {"snapshot_id", snapshot_id(call.world, playlist)},
             {"version", playlist.version},
             {"has_custom_cover", !playlist.cover_jpeg.empty()},
             {"cover_version", playlist.cover_version},
             {"followers", playlist.followers},
             {"entries", std::move(entries)}});
  }
  return playlists;
}

/// A fault rule's `nth` or `count`: any JSON number, clamped to [1, FaultRule::kMaxCount] without
/// an out-of-range conversion.
std::int64_t fault_count(const Json& item, const char* name) {
  const auto found = item.find(name);
  if (found == item.end() || found->is_null()) return 1;
  if (!found->is_number()) throw std::invalid_argument(std::string(name) + " must be a number");
  const double value = found->get<double>();
  if (!(value >= 1)) return 1;  // also NaN
  if (value >= static_cast<double>(FaultRule::kMaxCount)) return FaultRule::kMaxCount;
  return static_cast<std::int64_t>(value);
}

/// A fault seed: any non-negative whole JSON number.
std::uint64_t fault_seed_of(const Json& value) {
  if (!value.is_number_unsigned())
    throw std::invalid_argument("seed must be a non-negative whole number");
  return value.get<std::uint64_t>();
}

/// A fault rule's `probability`: absent, or a number from 0 to 1.
std::optional<double> fault_probability(const Json& item) {
  const auto found = item.find("probability");
  if (found == item.end() || found->is_null()) return std::nullopt;
  const double value = found->is_number() ? found->get<double>() : -1;
  if (!(value >= 0 && value <= 1))
    throw std::invalid_argument("probability must be a number from 0 to 1");
  return value;
}

Json fault_rule_json(const FaultRule& rule) {
  Json json{{"status", rule.status}, {"nth", rule.nth}, {"count", rule.count}, {"seen", rule.seen}};
  if (rule.probability) json["probability"] = *rule.probability;
  return json;
}

Json fault_rules_json(const std::vector<FaultRule>& rules) {
  Json json = Json::array();
  for (const auto& rule : rules) json.push_back(fault_rule_json(rule));
  return json;
}

Json latency_json(const LatencySettings& latency) {
  return Json{{"fixed_ms", latency.fixed_ms}, {"jitter_ms", latency.jitter_ms}};
}

Json rate_limits_json(const RateLimitSettings& settings) {
  return Json{
      {"window_budget", settings.window_budget},     {"window_ms", settings.window_ms},
      {"penalty_step_ms", settings.penalty_step_ms}, {"max_penalty_ms", settings.max_penalty_ms},
      {"quota_budget", settings.quota_budget},       {"quota_period_ms", settings.quota_period_ms}};
}

/// The active profile as it was applied (later /rate-limits or /faults calls are not folded in),
/// its background faults with their live counts.
Json profile_json(const World& world) {
  return Json{{"name", world.options.profile},
              {"seed", world.options.fault_seed},
              {"rate_limits", rate_limits_json(world.options.rate_limits)},
              {"latency", latency_json(world.options.latency)},
              {"stale_read_ms", world.options.consistency.stale_read_ms},
              {"stale_reads", world.options.consistency.stale_reads},
              {"cover_delay_ms", world.options.consistency.cover_delay_ms},
              {"background_faults", fault_rules_json(world.faults.standing_rules())}};
}

Response handle(Call& call, const Seed& seed, const EmulatorOptions& initial_options) {
  const auto& method = call.request.method;
  const std::string path = call.request.path.substr(std::string_view("/__emulator").size());
  World& world = call.world;
  Response error;

  if (path == "/health" && method == "GET") return json_response(200, Json{{"status", "ok"}});
  if (path == "/reset" && method == "POST") {
    // Back to the state at start-up, apps and the clock excepted: ids and tokens repeat the
    // sequence they had after start (snapshot ids do not: a new generation).
    world.options = initial_options;
    world.load_seed(seed);
    world.codes.clear();
    world.tokens.clear();
    world.refresh_grants.clear();
    world.id_counter = 0;
    world.track_json_cache.clear();
    world.faults = FaultPlan{};       // rules, counters and the jitter sequence
    world.apply_limits_and_faults();  // the start-up profile, limits, latency and fault seed
    world.stats = {};
    return json_response(
        200, Json{{"users", world.users.size()}, {"playlists", world.playlists.size()}});
  }
  if (path == "/seed" && method == "POST") {
    const auto body = admin_body(call, error);
    if (!body) return error;
    try {
      world.load_seed(build_seed(*body, world.catalog));
    } catch (const std::exception& problem) {
      return admin_error(400, std::string("invalid seed: ") + problem.what());
    }
    return json_response(
        200, Json{{"users", world.users.size()}, {"playlists", world.playlists.size()}});
  }
  if (path == "/config") {
    if (method == "GET") return json_response(200, options_json(world.options));
    if (method != "POST") return admin_error(405, "use GET or POST");
    const auto body = admin_body(call, error);
    if (!body) return error;
    try {
      auto options = world.options;
      if (body->contains("mode")) {
        const std::string mode = (*body)["mode"];
        if (mode != "dev2026" && mode != "extended")
          return admin_error(400, "mode must be dev2026 or extended");
        options.mode = mode == "dev2026" ? ApiMode::Dev2026 : ApiMode::Extended;
      }
      if (body->contains("access_token_ttl_s"))
        options.access_token_ttl_s = (*body)["access_token_ttl_s"];
      if (body->contains("rotate_refresh_tokens"))
        options.rotate_refresh_tokens = (*body)["rotate_refresh_tokens"];
      if (body->contains("emit_legacy_track_field"))
        options.emit_legacy_track_field = (*body)["emit_legacy_track_field"];
      if (body->contains("auto_approve")) options.auto_approve = (*body)["auto_approve"];
      if (body->contains("auto_approve_user"))
        options.auto_approve_user = (*body)["auto_approve_user"];
      if (body->contains("max_playlist_items"))
        options.max_playlist_items = (*body)["max_playlist_items"];
      if (body->contains("description_errors")) {
        const std::string errors = (*body)["description_errors"];
        if (errors != "clear" && errors != "observed")
          return admin_error(400, "description_errors must be clear or observed");
        options.description_errors =
            errors == "observed" ? DescriptionErrors::Observed : DescriptionErrors::Clear;
      }
      if (body->contains("etags")) options.etags = (*body)["etags"];
      if (body->contains("refresh_token_lifetime_months")) {
        options.refresh_token_lifetime_months = (*body)["refresh_token_lifetime_months"];
      }
      if (body->contains("snapshot_mode")) {
        const auto mode = parse_snapshot_mode((*body)["snapshot_mode"].get<std::string>());
        if (!mode) {
          return admin_error(400, "snapshot_mode must be one of " + snapshot_mode_names());
        }
        options.snapshot_mode = *mode;
      }
      if (body->contains("stale_read_ms"))
        options.consistency.stale_read_ms = non_negative(*body, "stale_read_ms");
      if (body->contains("stale_reads"))
        options.consistency.stale_reads = non_negative(*body, "stale_reads");
      if (body->contains("cover_delay_ms"))
        options.consistency.cover_delay_ms = non_negative(*body, "cover_delay_ms");
      world.options = options;
      // Versions kept for a mode that is now off would be shown again if it came back.
      if (!keeps_history(world.options)) world.history.clear();
    } catch (const std::exception& problem) {
      return admin_error(400, std::string("invalid config value: ") + problem.what());
    }
    return json_response(200, options_json(world.options));
  }
  if (path == "/apps") {
    if (method == "GET") {
      Json apps = Json::array();
      for (const auto& [id, app] : world.apps) apps.push_back(app_json(app));
      return json_response(200, apps);
    }
    if (method != "POST") return admin_error(405, "use GET or POST");
    const auto body = admin_body(call, error);
    if (!body) return error;
    try {
      App app;
      app.client_id = body->at("client_id");
      app.client_secret = body->value("client_secret", "");
      app.redirect_uris = body->value("redirect_uris", std::vector<std::string>{});
      app.developer_id = body->value("developer_id", app.client_id);
      app.owner_premium = body->value("owner_premium", true);
      const auto allowlist = body->value("allowlist", std::vector<std::string>{});
      app.allowlist.insert(allowlist.begin(), allowlist.end());
      if (app.client_id.empty()) return admin_error(400, "client_id must not be empty");
      for (const auto& uri : app.redirect_uris) {
        if (auto problem = redirect_uri_problem(uri); !problem.empty()) {
          return admin_error(400,
                             "redirect URI " + uri + " would be refused by Spotify: " + problem);
        }
      }
      const Json json = app_json(app);
      world.apps[app.client_id] = std::move(app);
      return json_response(201, json);
    } catch (const Json::exception& problem) {
      return admin_error(400, std::string("invalid app: ") + problem.what());
    }
  }
  if (path == "/tokens" && method == "POST") {
    const auto body = admin_body(call, error);
    if (!body) return error;
    try {
      const std::string client_id = body->at("client_id");
      const std::string user_id = body->value("user_id", "");
      if (!world.apps.count(client_id))
        return admin_error(404, "no app with client_id " + client_id);
      if (!user_id.empty() && !world.users.count(user_id))
        return admin_error(404, "no user " + user_id);
      const auto scopes = scopes_from(body->value("scopes", Json(nullptr)));
      Json tokens = issue_tokens(call, client_id, user_id, scopes, body->value("pkce", false));
      if (body->contains("expires_in")) {
        const std::int64_t seconds = body->at("expires_in");
        world.tokens[tokens["access_token"]].expires_at_ms = call.now_ms + seconds * 1000;
        tokens["expires_in"] = seconds;
      }
      if (user_id.empty()) {  // client credentials: no refresh token
        world.refresh_grants.erase(tokens["refresh_token"].get<std::string>());
        tokens.erase("refresh_token");
      }
      return json_response(201, tokens);
    } catch (const Json::exception& problem) {
      return admin_error(400, std::string("invalid token request: ") + problem.what());
    }
  }
  if (path == "/revoke" && method == "POST") {
    const auto body = admin_body(call, error);
    if (!body) return error;
    const std::string user_id = body->value("user_id", "");
    const std::string client_id = body->value("client_id", "");
    int revoked = 0;
    for (auto& [token, grant] : world.refresh_grants) {
      if ((user_id.empty() || grant.user_id == user_id) &&
          (client_id.empty() || grant.client_id == client_id)) {
        grant.revoked = true;
        ++revoked;
      }
    }
    std::erase_if(world.tokens, [&](const auto& item) {
      return (user_id.empty() || item.second.user_id == user_id) &&
             (client_id.empty() || item.second.client_id == client_id);
    });
    return json_response(200, Json{{"revoked_grants", revoked}});
  }
  if (path == "/faults") {
    if (method == "DELETE") {
      world.faults.clear();
      world.faults.set_latency({});
      return Response::empty(204);
    }
    if (method == "GET") {
      return json_response(200,
                           Json{{"rules", fault_rules_json(world.faults.rules())},
                                {"standing_rules", fault_rules_json(world.faults.standing_rules())},
                                {"seed", world.faults.seed()},
                                {"latency", latency_json(world.faults.latency())}});
    }
    if (method != "POST") return admin_error(405, "use GET, POST or DELETE");
    const auto body = admin_body(call, error);
    if (!body) return error;
    try {
      if (body->contains("latency")) {
        const auto& latency = (*body)["latency"];
        world.faults.set_latency({latency.value("fixed_ms", 0), latency.value("jitter_ms", 0)});
      }
      if (body->contains("seed")) world.faults.seed(fault_seed_of((*body)["seed"]));
      for (const auto& item : body->value("rules", Json::array())) {
        FaultRule rule;
        rule.kind = fault_kind(item.value("kind", "status"));
        rule.status = item.value("status", rule.kind == FaultRule::Kind::ApplyThen502 ? 502 : 503);
        rule.method = item.value("method", "");
        rule.path_contains = item.value("path_contains", "");
        rule.nth = fault_count(item, "nth");
        rule.count = fault_count(item, "count");
        rule.empty_body = item.value("empty_body", false);
        rule.retry_after_s = item.value("retry_after_s", std::int64_t{1});
        rule.message = item.value("message", "");
        rule.probability = fault_probability(item);
        if (rule.probability && !item.contains("count")) rule.count = FaultRule::kMaxCount;
        if (rule.status < 100 || rule.status > 599)
          return admin_error(400, "status must be 100-599");
        world.faults.add(std::move(rule));
      }
    } catch (const std::exception& problem) {
      return admin_error(400, std::string("invalid fault: ") + problem.what());
    }
    return json_response(201, Json{{"rules", world.faults.rules().size()}});
  }
  if (path == "/rate-limits") {
    if (method == "POST") {
      const auto body = admin_body(call, error);
      if (!body) return error;
      try {
        RateLimitSettings settings = world.limiter.settings();
        settings.window_budget = body->value("window_budget", settings.window_budget);
        settings.window_ms = body->value("window_ms", settings.window_ms);
        settings.penalty_step_ms = body->value("penalty_step_ms", settings.penalty_step_ms);
        settings.max_penalty_ms = body->value("max_penalty_ms", settings.max_penalty_ms);
        settings.quota_budget = body->value("quota_budget", settings.quota_budget);
        settings.quota_period_ms = body->value("quota_period_ms", settings.quota_period_ms);
        world.limiter.set_settings(settings);
        world.limiter.clear();
      } catch (const Json::exception& problem) {
        return admin_error(400, std::string("invalid rate limits: ") + problem.what());
      }
    } else if (method != "GET") {
      return admin_error(405, "use GET or POST");
    }
    return json_response(200, rate_limits_json(world.limiter.settings()));
  }
  if (path == "/profile") {
    if (method == "GET") return json_response(200, profile_json(world));
    if (method != "POST") return admin_error(405, "use GET or POST");
    const auto body = admin_body(call, error);
    if (!body) return error;
    const std::string name = body->value("name", "");
    const auto profile = find_profile(name);
    if (!profile)
      return admin_error(400, "unknown profile '" + name + "' (" + profile_names() + ")");
    try {
      const std::uint64_t fault_seed =
          body->contains("seed") ? fault_seed_of((*body)["seed"]) : world.options.fault_seed;
      world.options = apply_profile(world.options, *profile, fault_seed);
    } catch (const std::invalid_argument& problem) {
      return admin_error(400, std::string("invalid profile request: ") + problem.what());
    }
    world.apply_limits_and_faults();
    return json_response(200, profile_json(world));
  }
  if (path == "/clock") {
    if (method == "POST") {
      const auto body = admin_body(call, error);
      if (!body) return error;
      try {
        if (body->contains("frozen")) world.clock.set_frozen((*body)["frozen"]);
        if (body->contains("advance_ms")) {
          const std::int64_t delta = (*body)["advance_ms"];
          if (delta < 0) return admin_error(400, "advance_ms must not be negative");
          world.clock.advance_ms(delta);
        }
      } catch (const Json::exception& problem) {
        return admin_error(400, std::string("invalid clock request: ") + problem.what());
      }
    } else if (method != "GET") {
      return admin_error(405, "use GET or POST");
    }
    const auto now = world.clock.now_ms();
    return json_response(
        200, Json{{"now_ms", now}, {"now", format_iso8601(now)}, {"frozen", world.clock.frozen()}});
  }
  if (path == "/stats") {
    if (method == "DELETE") {
      world.stats = {};
      return Response::empty(204);
    }
    return json_response(200, Json{{"total", world.stats.total},
                                   {"rate_limited", world.stats.rate_limited},
                                   {"quota_exceeded", world.stats.quota_exceeded},
                                   {"faults", world.stats.faults},
                                   {"by_endpoint", world.stats.by_endpoint},
                                   {"by_client", world.stats.by_client}});
  }
  if (path.starts_with("/users/") && method == "GET") {
    std::string rest = path.substr(7);
    const auto slash = rest.find('/');
    const std::string user_id = rest.substr(0, slash);
    if (!world.users.count(user_id)) return admin_error(404, "no user " + user_id);
    if (slash == std::string::npos) {
      const User& user = world.users.at(user_id);
      return json_response(
          200,
          Json{{"id", user.id}, {"display_name", user.display_name}, {"premium", user.premium}});
    }
    if (rest.substr(slash) == "/playlists")
      return json_response(200, dump_playlists(call, user_id));
  }
  if (path == "/users" && method == "GET") {
    Json users = Json::array();
    for (const auto& [id, user] : world.users)
      users.push_back(Json{{"id", id}, {"display_name", user.display_name}});
    return json_response(200, users);
  }
  return admin_error(404, "no admin endpoint " + method + " " + call.request.path);
}

}  // namespace

Response handle_admin(Call& call, const Seed& seed, const EmulatorOptions& initial_options) {
  try {
    return handle(call, seed, initial_options);
  } catch (const Json::exception& problem) {
    // A field of the wrong type that a handler did not check on its own.
    return admin_error(400, std::string("invalid request: ") + problem.what());
  }
}

Response handle_image(Call& call) {
  // Covers are served by the emulator itself, so the demo works offline: custom uploads as the
  // JPEG that was sent, everything else as a generated placeholder.
  const std::string key = call.request.path.substr(7);
  if (key.starts_with("cover-")) {
    // "cover-<playlist id>-<version of the upload>": the upload, or the one before it while a
    // delayed upload is not shown yet (cover_delay_ms).
    const auto rest = key.substr(6);
    const auto dash = rest.find('-');
    const auto found = call.world.playlists.find(rest.substr(0, dash));
    if (found == call.world.playlists.end()) return Response::text(404, "not found");
    const Playlist& playlist = found->second;
    const std::string version = dash == std::string::npos ? "" : rest.substr(dash + 1);
    const bool previous = !playlist.previous_cover_jpeg.empty() &&
                          version == std::to_string(playlist.previous_cover_version);
    const std::string& jpeg = previous ? playlist.previous_cover_jpeg : playlist.cover_jpeg;
    if (jpeg.empty()) return Response::text(404, "not found");
    auto response = Response::text(200, jpeg, "image/jpeg");
    response.set_header("Cache-Control", "public, max-age=86400");
    return response;
  }
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : key) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  const int hue = static_cast<int>(hash % 360);
  const int hue2 = (hue + 40 + static_cast<int>((hash >> 12) % 80)) % 360;
  std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"640\" viewBox=\"0 0 64 "
      "64\">"
      "<defs><linearGradient id=\"g\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\"><stop offset=\"0\" "
      "stop-color=\"hsl(" +
      std::to_string(hue) + ",65%,45%)\"/><stop offset=\"1\" stop-color=\"hsl(" +
      std::to_string(hue2) +
      ",70%,25%)\"/></linearGradient></defs><rect width=\"64\" height=\"64\" fill=\"url(#g)\"/>"
      "<circle cx=\"32\" cy=\"32\" r=\"14\" fill=\"none\" stroke=\"rgba(255,255,255,.35)\" "
      "stroke-width=\"3\"/>"
      "<circle cx=\"32\" cy=\"32\" r=\"3\" fill=\"rgba(255,255,255,.5)\"/></svg>";
  auto response = Response::text(200, std::move(svg), "image/svg+xml");
  response.set_header("Cache-Control", "public, max-age=86400");
  return response;
}

}  // namespace spotify_emulator
