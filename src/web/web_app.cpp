// What every request goes through (the pipeline): request id, routing over the route table
// (routes.cpp; 404/405), authentication, CSRF, roles and the body the route's row asks for, the one
// exception edge (500 without internals), security headers, metrics and one access-log line. Also
// WebApp, the public face over one App.

#include "web/web_app.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iostream>
#include <random>

#include "http/compression.hpp"
#include "web/handlers.hpp"

namespace plm::web {

namespace {

/// The public URL taken apart, with its default port left out (browsers omit it in Origin, so
/// "https://host:443/" must compare equal to "https://host"); throws when it is not a URL.
Url parse_public_url(const std::string& text) {
  auto url = parse_url(text);
  if (!url || url->has_userinfo || url->query || url->fragment || !url->path.ends_with('/'))
    throw std::invalid_argument(
        "the public URL must be an http(s) URL ending in '/' without user "
        "information, query or fragment, got '" +
        text + "'");
  return *url;
}

bool is_state_changing(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t");
  return std::string(text.substr(begin, end - begin + 1));
}

/// Incoming request ids are kept when they are short and plain (they end up in logs).
bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return false;
  }
  return true;
}

std::string method_label(std::string_view method) {
  for (const char* known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

}  // namespace

/// The value of cookie `name` in a Cookie header, if any.
std::optional<std::string> cookie_value(const http::Request& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (!http::iequals(header, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      const std::string pair = trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      const auto equals = pair.find('=');
      if (equals != std::string::npos && pair.compare(0, equals, name) == 0 &&
          equals == name.size()) {
        return pair.substr(equals + 1);
      }
    }
  }
  return std::nullopt;
}

const std::string& Context::param(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return kEmpty;
}

App::App(WebDeps deps_in, WebOptions options_in, const std::vector<Route>& routes)
    : deps(std::move(deps_in)),
      options(std::move(options_in)),
      public_parts(parse_public_url(options.public_url)),
      events(options.max_streams_per_user),
      sessions(deps.sessions, deps.users, deps.clock, deps.crypto, options.session_ttl,
               options.session_idle),
      static_files(options.static_dir, public_parts.path),
      responses(options.response_cache_bytes) {
  // Everything derived from the public URL (the redirect URI, links back to the app) uses the
  // same spelling as the Origin browsers send.
  options.public_url = public_parts.normalized();
  if (!options.log) {
    options.log = [](std::string_view line) {
      // One write per line, so lines from several threads never interleave.
      std::string text(line);
      text.push_back('\n');
      std::fwrite(text.data(), 1, text.size(), stderr);
    };
  }
  // Images come from wherever playlists' image URLs point: Spotify's CDNs over https, or the
  // emulator on loopback http in tests and demos.
  std::string images = "'self' data: https:";
  if (const auto api = parse_url(options.spotify_api_url);
      api && api->scheme == "http" && is_loopback_literal(api->host))
    images += " http://" + api->host + ":*";
  content_security_policy = "default-src 'self'; img-src " + images +
                            "; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "connect-src 'self'; font-src 'self' data:; object-src 'none'; "
                            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
  std::random_device random;
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "%08x", random());
  request_id_prefix = prefix;

  for (const Route& route : routes) {
    // A public route has no CSRF token to check, only the Origin and a content type a cross-site
    // form cannot send: a file type could be one (text/plain, multipart/form-data).
    if (route.access == Access::Public && route.body.kind == BodyRule::Kind::Upload)
      throw std::logic_error("upload route " + route.path + " must be for signed-in users");
    router.add(route.method, route.path, route);
  }

  if (needs_setup()) setup_code = deps.crypto.random_token().substr(0, 12);
  sessions.set_test_hook(options.test_hook);
  if (options.maintenance_interval.count() > 0) {
    maintenance = std::jthread([this](std::stop_token stop) {
      std::unique_lock lock(maintenance_mutex);
      while (!maintenance_wake.wait_for(lock, stop, options.maintenance_interval,
                                        [&] { return stop.stop_requested(); })) {
        lock.unlock();
        try {
          maintain();
        } catch (const std::exception& problem) {
          log_error("web.maintenance_failed", problem.what());
        }
        lock.lock();
      }
    });
  }
}

void App::sweep_expired() {
  sessions.sweep();
  // Uploaded imports are kept for a week (their preview and apply read the file again).
  auto deleted = deps.imports.delete_imports_before(deps.clock.now() -
                                                    std::chrono::hours(24 * core::kImportKeepDays));
  if (!deleted) {
    log_error("web.import_housekeeping_failed", deleted.error().message);
  } else if (*deleted > 0) {
    log(Json{{"event", "web.imports_deleted"}, {"imports", *deleted}});
  }
}

void App::maintain() {
  if (const auto now = now_seconds(); now - last_sweep.load() >= 3600) {
    last_sweep = now;
    sweep_expired();
  }
  // Finished jobs are kept for options.job_retention, then go with their results and history.
  if (const auto now = now_seconds(); now - last_job_sweep.load() >= 24 * 3600) {
    last_job_sweep = now;
    auto deleted = deps.jobs.delete_finished_before(deps.clock.now() - options.job_retention);
    if (!deleted) {
      log_error("web.job_housekeeping_failed", deleted.error().message);
    } else if (*deleted > 0) {
      log(Json{{"event", "web.jobs_deleted"}, {"jobs", *deleted}});
    }
  }
  // Streams end with their session even when it ended elsewhere (the CLI, expiry), and after
  // their lifetime at the latest: EventSource reconnects, and authentication decides again.
  events.expire(deps.clock.now() - options.stream_lifetime,
                [this](const std::string& id_hash) { return sessions.still_valid(id_hash); });
}

core::Status App::end_session(const std::string& id_hash) {
  auto ended = sessions.end(id_hash);
  events.close_session(id_hash);
  return ended;
}

core::Status App::end_sessions_of(std::int64_t user_id, const std::string& except_id_hash) {
  auto ended = sessions.end_all_of(user_id, except_id_hash);
  events.close_user(user_id, except_id_hash);
  return ended;
}

std::optional<SignedIn> App::optional_session(const http::Request& request) {
  const auto token = cookie_value(request, kSessionCookie);
  if (!token) return std::nullopt;
  auto found = sessions.find(*token);
  if (!found || !*found) return std::nullopt;
  return std::move(*found);
}

App::~App() { shutdown(); }

void App::shutdown() {
  if (shut_down.exchange(true)) return;
  if (maintenance.joinable()) {
    maintenance.request_stop();
    maintenance.join();
  }
  events.close_all();  // first: nobody waits for a stream while the jobs stop
  deps.job_control.stop();
  events.close_all();
}

std::string App::spotify_redirect_uri() const {
  return options.public_url + "api/spotify/callback";
}

// ---- WebApp: the public face ----------------------------------------------------------------

WebApp::WebApp(WebDeps deps, WebOptions options)
    : app_(std::make_unique<App>(std::move(deps), std::move(options))) {
  Json line{{"event", "web.start"},
            {"static_files", app_->static_files.size()},
            {"spa", app_->static_files.has_index()}};
  if (!app_->static_files.has_index())
    line["note"] = "no index.html in PLM_STATIC_DIR: only the API is served";
  app_->log(line);
}

// The worker publishes through job_changed until it has stopped: stop it while app_ is whole.
WebApp::~WebApp() { app_->shutdown(); }

http::Response WebApp::handle(const http::Request& request) { return app_->handle(request); }

std::optional<http::Response> WebApp::handle_from_memory(const http::Request& request) {
  return app_->handle_from_memory(request);
}

std::string WebApp::setup_code() const {
  std::lock_guard lock(app_->setup_mutex);
  return app_->setup_code;
}

std::string WebApp::spotify_redirect_uri() const { return app_->spotify_redirect_uri(); }

void WebApp::maintain() { app_->maintain(); }

void WebApp::shutdown() { app_->shutdown(); }

// ---- the pipeline ----------------------------------------------------------------------------

namespace {

std::string request_id_of(const http::Request& request, const std::string& prefix,
                          std::atomic<std::uint64_t>& counter) {
  if (const auto incoming = request.header("X-Request-Id"); incoming && valid_request_id(*incoming))
    return std::string(*incoming);
  return prefix + "-" + std::to_string(++counter);
}

}  // namespace

http::Response App::handle(const http::Request& request) {
  const auto start = std::chrono::steady_clock::now();
  const std::string request_id = request_id_of(request, request_id_prefix, request_counter);
  std::string route = "unmatched";
  std::int64_t user_id = 0;
  http::Response response;
  try {
    response = dispatch(request, route, user_id);
  } catch (const std::exception& problem) {
    // The HTTP edge: the client learns that it failed and the request id, the log learns why.
    log(Json{{"level", "error"},
             {"event", "http.exception"},
             {"request_id", request_id},
             {"route", route},
             {"error", problem.what()}});
    response = error_response(500, "internal", "the server failed (request id " + request_id + ")");
  } catch (...) {
    log(Json{{"level", "error"}, {"event", "http.exception"}, {"request_id", request_id}});
    response = error_response(500, "internal", "the server failed (request id " + request_id + ")");
  }
  finish(request, response, request_id, route, user_id, start);
  return response;
}

std::optional<http::Response> App::handle_from_memory(const http::Request& request) {
  if (request.method != "GET" || request.path != "/api/playlists" || !request.query.empty())
    return std::nullopt;
  const auto start = std::chrono::steady_clock::now();
  const auto token = cookie_value(request, kSessionCookie);
  if (!token) return std::nullopt;
  const auto signed_in = sessions.find_cached(*token);
  if (!signed_in) return std::nullopt;
  const std::int64_t user_id = signed_in->user.id;
  const auto hit = cached(user_id, "list");
  if (!hit) return std::nullopt;
  // Reading the list needs the viewer role, which every signed-in user has.
  http::Response response = serve_cached(request, *hit);
  const std::string request_id = request_id_of(request, request_id_prefix, request_counter);
  finish(request, response, request_id, "/api/playlists", user_id, start);
  return response;
}

void App::finish(const http::Request& request, http::Response& response,
                 const std::string& request_id, const std::string& route, std::int64_t user_id,
                 std::chrono::steady_clock::time_point start) {
  response.set_header("X-Request-Id", request_id);
  add_security_headers(response);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  metrics.record_request(route, method_label(request.method), response.status, elapsed);
  if (!options.access_log) return;
  // Written by hand: this runs for every request, the hot path included. Path only: query
  // strings can hold OAuth codes and states. No headers: cookies, tokens.
  std::string line = "{\"event\":\"http.request\",\"level\":\"info\",\"ts\":";
  append_json_string(line, now_text());
  line += ",\"request_id\":";
  append_json_string(line, request_id);
  line += ",\"method\":";
  append_json_string(line, method_label(request.method));
  line += ",\"path\":";
  append_json_string(line, std::string_view(request.path).substr(0, 256));
  line += ",\"route\":";
  append_json_string(line, route);
  line += ",\"status\":" + std::to_string(response.status);
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3f", std::chrono::duration<double, std::milli>(elapsed).count());
  line += ",\"ms\":";
  line += ms;
  line += ",\"bytes\":" + std::to_string(response.body.size());
  line += ",\"remote\":";
  append_json_string(line, request.remote_address);
  if (user_id) line += ",\"user_id\":" + std::to_string(user_id);
  line += "}";
  options.log(line);
}

// ---- plumbing --------------------------------------------------------------------------------

http::Response App::dispatch(const http::Request& request, std::string& route, std::int64_t& user) {
  // Now and then, expired sessions and OAuth states leave the database.
  if (const auto now = now_seconds(); now - last_sweep.load() >= 3600) {
    last_sweep = now;
    sweep_expired();
  }
  if (!options.trust_proxy && is_loopback_address(request.remote_address) &&
      request.header("X-Forwarded-For") && !warned_forwarded.exchange(true)) {
    log(Json{{"level", "warn"},
             {"event", "web.proxy_not_trusted"},
             {"message",
              "requests from a loopback proxy carry X-Forwarded-For but PLM_TRUST_PROXY is off: "
              "every client shares the proxy's address for sign-in throttling (set "
              "PLM_TRUST_PROXY=1 behind a reverse proxy)"}});
  }
  auto match = router.match(request.method, request.path);
  const bool is_api = request.path == "/api" || request.path.starts_with("/api/");
  if (!match.route) {
    if (!match.allowed.empty()) {
      route = "unmatched";
      std::string allow;
      for (const auto& method : match.allowed) allow += (allow.empty() ? "" : ", ") + method;
      auto response = error_response(
          405, "method_not_allowed",
          request.method + " is not allowed on " + request.path + " (allowed: " + allow + ")");
      response.set_header("Allow", allow);
      return response;
    }
    if (!is_api && (request.method == "GET" || request.method == "HEAD")) {
      route = "static";
      if (auto file = static_files.serve(request.path, http::accepts_gzip(request))) return *file;
    }
    return error_response(404, "not_found",
                          "no route " + request.method + " " + request.path.substr(0, 200));
  }
  route = match.route->pattern.text();
  Context context{request, std::move(match.params), std::nullopt, {}, {}, std::nullopt, route};
  const Route& spec = match.route->value;
  if (auto refused = authenticate(context, spec)) return *refused;
  user = context.user_id();
  if (auto refused = check_body(context, spec)) return *refused;
  return spec.handler(*this, context);
}

std::optional<http::Response> App::authenticate(Context& context, const Route& spec) {
  if (spec.access == Access::Public) return std::nullopt;
  const auto token = cookie_value(context.request, kSessionCookie);
  if (token) {
    auto found = sessions.find(*token);
    if (!found) return fail(found.error());
    context.signed_in = std::move(*found);
  }
  if (!context.signed_in) {
    auto response = error_response(
        401, "unauthenticated", token ? "the session has ended; sign in again" : "sign in first");
    // A stale cookie is removed, so the browser stops sending it.
    if (token) response.set_header("Set-Cookie", session_cookie("", std::chrono::seconds(0)));
    return response;
  }
  context.session_token = *token;
  if (is_state_changing(context.request.method)) {
    const auto sent = context.request.header("X-CSRF-Token");
    if (!sent || !constant_time_equals(*sent, context.signed_in->session.csrf_token)) {
      return error_response(403, "csrf_failed",
                            sent ? "the X-CSRF-Token header does not match this session"
                                 : "the X-CSRF-Token header is missing (take it from GET "
                                   "/api/session)");
    }
  }
  if (role_rank(context.signed_in->user.role) < role_rank(spec.role)) {
    return error_response(403, "forbidden",
                          "a " + std::string(core::to_string(context.signed_in->user.role)) +
                              " may not do this (" + std::string(core::to_string(spec.role)) +
                              " or more needed)");
  }
  return std::nullopt;
}

std::optional<http::Response> App::check_body(Context& context, const Route& route) {
  const BodyRule& rule = route.body;
  if (rule.kind == BodyRule::Kind::None) return std::nullopt;
  const bool json = rule.kind == BodyRule::Kind::Json;
  const auto& request = context.request;
  if (json && rule.may_be_empty && request.body.empty()) {
    context.body = nullptr;
    return std::nullopt;
  }
  const auto type = request.header("Content-Type");
  const std::string media = type ? lower(trim(type->substr(0, type->find(';')))) : "";
  const bool accepted = json ? media == "application/json"
                             : std::find(rule.media_types.begin(), rule.media_types.end(), media) !=
                                   rule.media_types.end();
  if (!accepted) {
    std::string wanted = "JSON with Content-Type: application/json";
    if (!json) {
      wanted = "a file of type";
      for (const auto& accepted_type : rule.media_types)
        wanted += (&accepted_type == &rule.media_types.front() ? " " : " or ") + accepted_type;
    }
    return error_response(415, "unsupported_media_type",
                          "the body must be " + wanted +
                              (type ? ", got '" + std::string(type->substr(0, 100)) + "'"
                                    : std::string(", got no Content-Type")));
  }
  // No session yet, so no CSRF token: a cross-site form cannot send application/json without a
  // CORS preflight (which we never grant), and a browser's Origin must be ours.
  if (route.access == Access::Public && !origin_allowed(request)) {
    return error_response(403, "csrf_failed",
                          "the request comes from another origin than " + public_parts.origin());
  }
  const std::size_t limit =
      json && rule.max_bytes == 0 ? options.max_json_body_bytes : rule.max_bytes;
  if (request.body.size() > limit) {
    return error_response(413, "payload_too_large",
                          "the body has " + std::to_string(request.body.size()) +
                              " bytes; at most " + std::to_string(limit) + " are accepted");
  }
  if (!json) {
    context.upload = Context::Upload{media, request.body};
    return std::nullopt;
  }
  try {
    context.body = Json::parse(request.body);
  } catch (const Json::exception& problem) {
    // A syntax error (parse_error) or a number beyond a double (out_of_range, "1e400"): a bad
    // body either way, never a server fault.
    std::string what = problem.what();
    if (const auto colon = what.find("] "); colon != std::string::npos)
      what = what.substr(colon + 2);
    return error_response(400, "invalid_input", "the body is not valid JSON: " + what);
  }
  if (!context.body.is_object())
    return error_response(400, "invalid_input", "the body must be a JSON object");
  return std::nullopt;
}

bool App::origin_allowed(const http::Request& request) const {
  const auto origin = request.header("Origin");
  if (!origin) return true;  // not a browser, or a same-origin GET-like navigation
  // Compared as parsed origins: a default port written out on either side changes nothing.
  const auto parsed = parse_url(*origin);
  return parsed && parsed->path == "/" && !parsed->has_userinfo &&
         parsed->origin() == public_parts.origin();
}

std::string App::client_address(const http::Request& request) const {
  if (options.trust_proxy && is_loopback_address(request.remote_address)) {
    if (const auto forwarded = request.header("X-Forwarded-For")) {
      const auto comma = forwarded->rfind(',');
      const std::string last =
          trim(comma == std::string_view::npos ? *forwarded : forwarded->substr(comma + 1));
      if (!last.empty()) return last.substr(0, 64);
    }
  }
  return request.remote_address;
}

std::string App::session_cookie(const std::string& token, std::chrono::seconds max_age) const {
  std::string cookie = std::string(kSessionCookie) + "=" + token + "; Path=" + public_parts.path +
                       "; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Lax";
  if (public_parts.scheme == "https") cookie += "; Secure";
  return cookie;
}

void App::log(const Json& line) const {
  Json full = line;
  full["ts"] = now_text();
  if (!full.contains("level")) full["level"] = "info";
  options.log(dump(full));
}

void App::log_error(std::string_view event, const std::string& message) const {
  log(Json{{"level", "error"}, {"event", event}, {"error", message}});
}

std::int64_t App::now_seconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(deps.clock.now().time_since_epoch())
      .count();
}

std::string App::now_text() const { return core::format_utc(deps.clock.now()); }

http::Response App::fail(const core::Error& error) const {
  // The log is where an Internal error's detail (the database's own text) is read.
  if (error.code == core::ErrorCode::Internal)
    log_error("web.internal",
              error.detail.empty() ? error.message : error.message + ": " + error.detail);
  return error_response(api_error(error, deps.clock.now()));
}

void App::add_security_headers(http::Response& response) const {
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Referrer-Policy", "same-origin");
  response.set_header("X-Frame-Options", "DENY");
  response.set_header("Content-Security-Policy", content_security_policy);
  if (!response.header("Cache-Control")) response.set_header("Cache-Control", "no-store");
}

// ---- cache -----------------------------------------------------------------------------------

std::shared_ptr<const CachedBody> App::cached(std::int64_t user_id, const std::string& key) {
  return responses.get(user_id, key, now_ms());
}

std::uint64_t App::cache_generation(std::int64_t user_id) { return responses.generation(user_id); }

std::shared_ptr<const CachedBody> App::store_cached(std::int64_t user_id, std::uint64_t generation,
                                                    const std::string& key, std::string json) {
  return responses.put(user_id, generation, key, std::move(json), now_ms());
}

void App::invalidate(std::int64_t user_id) { responses.invalidate(user_id); }

std::int64_t App::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deps.clock.now().time_since_epoch())
      .count();
}

http::Response App::serve_cached(const http::Request& request, const CachedBody& body) const {
  http::Response response;
  if (const auto match = request.header("If-None-Match");
      match && (match->find(body.etag) != std::string_view::npos || trim(*match) == "*")) {
    response.status = 304;
  } else {
    response.status = 200;
    response.set_header("Content-Type", "application/json; charset=utf-8");
    if (!body.gzipped.empty() && http::accepts_gzip(request)) {
      response.set_header("Content-Encoding", "gzip");
      response.body = body.gzipped;
    } else {
      response.body = body.json;
    }
  }
  response.set_header("ETag", body.etag);
  // The browser keeps it but asks every time (If-None-Match), so changes show at once.
  response.set_header("Cache-Control", "private, no-cache");
  response.set_header("Vary", "Accept-Encoding, Cookie");
  return response;
}

// ---- ownership -------------------------------------------------------------------------------

core::Result<core::SpotifyAccount> App::owned_account(const Context& context,
                                                      const std::string& text) {
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  const auto not_found =
      core::make_error(core::ErrorCode::NotFound, "account " + text.substr(0, 40) + " not found");
  if (error != std::errc{} || end != text.data() + text.size()) return not_found;
  auto account = deps.accounts.find_account(id);
  if (!account) return account.error();
  // Another user's account answers exactly like one that does not exist.
  if (!*account || (*account)->app_user_id != context.user_id()) return not_found;
  return **account;
}

core::Result<App::OwnedPlaylist> App::owned_playlist(const Context& context) {
  auto account = owned_account(context, context.param("account_id"));
  if (!account) return account.error();
  const std::string& id = context.param("playlist_id");
  auto found = deps.playlists.find_playlist(account->id, id);
  if (!found) return found.error();
  if (!*found)
    return core::make_error(core::ErrorCode::NotFound,
                            "playlist " + id.substr(0, 64) + " not found");
  return OwnedPlaylist{std::move(*account), std::move(**found)};
}

bool App::needs_setup() {
  auto users = deps.users.list_users();
  if (!users) return false;  // the database is down: nothing to set up now
  for (const auto& user : *users) {
    if (!user.password_hash.empty()) return false;
  }
  return true;
}

}  // namespace plm::web
