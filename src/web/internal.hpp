#pragma once
// Internal to plm::web: the application's state (App), what a request carries (Context) and the
// helpers handlers share. Handlers are free functions (handlers.hpp), grouped by resource in
// handlers_*.cpp; the route table is in routes.cpp.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "web/errors.hpp"
#include "web/events.hpp"
#include "web/metrics.hpp"
#include "web/response_cache.hpp"
#include "web/router.hpp"
#include "web/routes.hpp"
#include "web/sessions.hpp"
#include "web/spotify_setup.hpp"
#include "web/static_files.hpp"
#include "web/throttle.hpp"
#include "web/url.hpp"
#include "web/web_app.hpp"

namespace plm::web {

using Json = nlohmann::json;

inline constexpr const char* kSessionCookie = "plm_session";

/// A peer address (as the server reports it) on this host: 127.0.0.0/8, ::1, ::ffff:127.x.
inline bool is_loopback_address(std::string_view address) {
  if (address == "::1" || address == "[::1]") return true;
  if (address.starts_with("::ffff:")) address.remove_prefix(7);
  return is_loopback_literal(address);
}

/// Viewer 0 < editor 1 < admin 2.
inline int role_rank(core::Role role) {
  switch (role) {
    case core::Role::Viewer:
      return 0;
    case core::Role::Editor:
      return 1;
    case core::Role::Admin:
      return 2;
  }
  return 0;
}
/// The value of cookie `name` in the request's Cookie headers, if any.
std::optional<std::string> cookie_value(const http::Request& request, std::string_view name);

/// What one request carries through the pipeline to its handler.
struct Context {
  /// An upload route's file: the request body as sent, after the route's type and size checks.
  struct Upload {
    std::string media_type;  ///< lower case, without parameters
    std::string_view bytes;  ///< the request body (valid while the request is)
  };

  const http::Request& request;
  PathParams params;
  std::optional<SignedIn> signed_in;  ///< set on signed-in routes (public ones may look)
  std::string session_token;          ///< the cookie's token, when signed in
  Json body;                          ///< JSON routes: the parsed object
  std::optional<Upload> upload;       ///< upload routes
  std::string route;                  ///< template, for logs and metrics
  std::int64_t user_id() const { return signed_in ? signed_in->user.id : 0; }
  const std::string& param(std::string_view name) const;
};

/// The application: its dependencies, its state and what every request goes through (the
/// pipeline in web_app.cpp). Handlers are free functions of an App and a Context (routes.hpp,
/// handlers.hpp); WebApp is the public face over one App.
struct App {
  /// `routes` is the table requests are matched against: api_routes() in production, a table of
  /// a test's own in the pipeline's tests. Throws std::invalid_argument for a public URL that is
  /// not one, std::logic_error for a public upload route.
  App(WebDeps deps, WebOptions options, const std::vector<Route>& routes = api_routes());
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  WebDeps deps;
  WebOptions options;
  Url public_parts;  ///< options.public_url taken apart (default port left out)
  std::string content_security_policy;
  Metrics metrics;
  EventHub events;
  SessionManager sessions;
  SignInThrottle sign_in_throttle;
  LoginThrottle setup_throttle;
  LoginThrottle password_throttle;
  StaticFiles static_files;
  Router<Route> router;
  std::mutex setup_mutex;
  std::string setup_code;  ///< guarded by setup_mutex; empty once used or when not needed
  std::atomic<std::uint64_t> request_counter{0};
  std::string request_id_prefix;
  std::atomic<std::int64_t> last_sweep{0};
  std::atomic<std::int64_t> last_job_sweep{0};  ///< seconds; finished jobs are deleted daily

  // Rendered bodies per user; a generation per user makes a build that raced an invalidation
  // harmless (it is not stored); a byte budget over all users with LRU eviction.
  ResponseCache responses;
  /// Serializes user-management changes (check, then change: the last admin stays).
  std::mutex users_mutex;
  std::atomic<bool> warned_forwarded{false};

  /// Spotify calls of the jobs this process runs, as last published, by job id: /metrics adds
  /// what each publication adds (a job resumed here starts from what it had).
  std::mutex job_calls_mutex;
  std::unordered_map<std::int64_t, core::ApiCounters> job_calls;
  std::atomic<bool> shut_down{false};
  std::mutex maintenance_mutex;
  std::condition_variable_any maintenance_wake;
  std::jthread maintenance;  // last: calls maintain() every options.maintenance_interval

  // ---- the pipeline (web_app.cpp) ----
  /// Every request: request id → route (404/405) → the row's checks → handler → security headers,
  /// metrics, access log; exceptions become 500. Never throws.
  http::Response handle(const http::Request& request);
  /// WebApp::handle_from_memory.
  std::optional<http::Response> handle_from_memory(const http::Request& request);
  http::Response dispatch(const http::Request& request, std::string& route, std::int64_t& user);
  /// Session, CSRF and role, as the route's row asks; the refusal, if any.
  std::optional<http::Response> authenticate(Context& context, const Route& route);
  /// The body the route's row asks for (415/403/413/400); the refusal, if any.
  std::optional<http::Response> check_body(Context& context, const Route& route);
  /// What every response gets on its way out: request id, security headers, metrics, log line.
  void finish(const http::Request& request, http::Response& response, const std::string& request_id,
              const std::string& route, std::int64_t user_id,
              std::chrono::steady_clock::time_point start);
  void add_security_headers(http::Response& response) const;

  // ---- shared by handlers (web_app.cpp) ----
  void hook(std::string_view point) const {
    if (options.test_hook) options.test_hook(point);
  }
  /// Session sweep (hourly), old finished jobs (daily) and event streams past their lifetime or
  /// session.
  void maintain();
  /// Expired sessions and OAuth states, and imports older than core::kImportKeepDays (hourly,
  /// from maintain() and from requests).
  void sweep_expired();
  /// Stops the maintenance thread, the job worker and the event streams; idempotent.
  void shutdown();
  /// WebApp::job_changed.
  void job_changed(const core::Job& job);
  /// Ends a session and its event streams.
  core::Status end_session(const std::string& id_hash);
  /// Ends the user's sessions and their event streams, except session `except_id_hash`.
  core::Status end_sessions_of(std::int64_t user_id, const std::string& except_id_hash);
  /// The signed-in user of the request's cookie, if any (for public routes that look).
  std::optional<SignedIn> optional_session(const http::Request& request);
  bool origin_allowed(const http::Request& request) const;
  std::string client_address(const http::Request& request) const;
  std::string session_cookie(const std::string& token, std::chrono::seconds max_age) const;
  /// "<public URL>api/spotify/callback".
  std::string spotify_redirect_uri() const;
  void log(const Json& line) const;
  void log_error(std::string_view event, const std::string& message) const;
  std::int64_t now_seconds() const;
  std::int64_t now_ms() const;
  std::string now_text() const;
  http::Response fail(const core::Error& error) const;

  // ---- cache ----
  std::shared_ptr<const CachedBody> cached(std::int64_t user_id, const std::string& key);
  std::uint64_t cache_generation(std::int64_t user_id);
  std::shared_ptr<const CachedBody> store_cached(std::int64_t user_id, std::uint64_t generation,
                                                 const std::string& key, std::string json);
  void invalidate(std::int64_t user_id);
  http::Response serve_cached(const http::Request& request, const CachedBody& body) const;

  // ---- resources owned by the signed-in user (404 otherwise) ----
  core::Result<core::SpotifyAccount> owned_account(const Context& context,
                                                   const std::string& account_id_text);
  struct OwnedPlaylist {
    core::SpotifyAccount account;
    core::StoredPlaylist playlist;
  };
  /// The playlist named by the route's {account_id} and {playlist_id}, if the signed-in user owns
  /// the account and the playlist is stored; NotFound otherwise (the same for both cases).
  core::Result<OwnedPlaylist> owned_playlist(const Context& context);
  /// The job named by the route's {job_id}, with its items and history, if the signed-in user
  /// asked for it; NotFound otherwise (the same for both cases).
  core::Result<core::JobDetails> owned_job(const Context& context);
  bool needs_setup();
};

// ---- JSON bodies of the schemas (dto.cpp) ----
Json user_json(const core::AppUser& user);
/// The Job and JobDetails schemas (job_json.hpp has them as text).
Json job_value(const core::Job& job);
Json job_details_value(const core::JobDetails& details);
/// A job's error as the Job schema has it ({code, message, retry_at}; an Internal error's message
/// replaced).
Json job_error_value(const core::Error& error, const std::optional<core::TimePoint>& retry_at);
/// Appends the Playlist schema of one stored playlist.
void append_playlist_json(std::string& out, std::int64_t account_id,
                          const std::string& account_user_id, const core::StoredPlaylist& playlist);
/// The PlaylistItems schema.
std::string items_json(const std::vector<core::PlaylistItem>& items,
                       const std::string& snapshot_id);
/// Dumps without throwing on invalid UTF-8 (replaced).
std::string dump(const Json& json);
/// A strong ETag of a body ("\"…\"").
std::string etag_for(std::string_view body);

// ---- request validation (dto.cpp) ----
/// Reads a required string property of `body` with length limits (in characters).
core::Result<std::string> string_field(const Json& body, const std::string& name,
                                       std::size_t min_length, std::size_t max_length);
core::Result<core::Role> role_field(const Json& body, const std::string& name);
/// A query or path parameter that is a whole decimal number (ids, version numbers), or nullopt.
std::optional<std::int64_t> whole_number(std::string_view text);

}  // namespace plm::web
