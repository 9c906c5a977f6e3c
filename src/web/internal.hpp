#pragma once
// Internal to plm::web: the application's state and the handlers' shared helpers. Handlers are
// member functions of WebApp::Impl, grouped by resource in handlers_*.cpp; the route table is in
// web_app.cpp.

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
#include "web/jobs.hpp"
#include "web/metrics.hpp"
#include "web/response_cache.hpp"
#include "web/router.hpp"
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

/// What one request carries through the handlers.
struct Context {
  const http::Request& request;
  PathParams params;
  std::optional<SignedIn> signed_in;  ///< set on routes that need a session
  std::string session_token;          ///< the cookie's token, when signed in
  Json body;                          ///< parsed JSON body on routes that take one
  std::string route;                  ///< template, for logs and metrics
  std::int64_t user_id() const { return signed_in ? signed_in->user.id : 0; }
  const std::string& param(std::string_view name) const;
};

struct WebApp::Impl {
  using Handler = http::Response (Impl::*)(Context&);
  enum class Access { Public, SignedIn };
  struct RouteSpec {
    Access access = Access::SignedIn;
    core::Role role = core::Role::Viewer;  ///< the least role allowed
    bool json_body = false;                ///< requires a JSON body (415/413/400 otherwise)
    Handler handler = nullptr;
  };

  Impl(WebDeps deps, WebOptions options);

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
  Router<RouteSpec> router;
  std::mutex setup_mutex;
  std::string setup_code;  ///< guarded by setup_mutex; empty once used or when not needed
  std::atomic<std::uint64_t> request_counter{0};
  std::string request_id_prefix;
  std::atomic<std::int64_t> last_sweep{0};

  // Rendered bodies per user; a generation per user makes a build that raced an invalidation
  // harmless (it is not stored); a byte budget over all users with LRU eviction.
  ResponseCache responses;
  /// Serializes user-management changes (check, then change: the last admin stays).
  std::mutex users_mutex;
  std::atomic<bool> warned_forwarded{false};

  std::unique_ptr<JobRunner> jobs;  // its workers use everything above
  std::atomic<bool> shut_down{false};
  std::mutex maintenance_mutex;
  std::condition_variable_any maintenance_wake;
  std::jthread maintenance;  // last: calls maintain() every options.maintenance_interval

  void hook(std::string_view point) const {
    if (options.test_hook) options.test_hook(point);
  }
  /// Session sweep (hourly) and event streams past their lifetime or session.
  void maintain();
  /// Ends a session and its event streams.
  core::Status end_session(const std::string& id_hash);
  /// Ends the user's sessions and their event streams, except session `except_id_hash`.
  core::Status end_sessions_of(std::int64_t user_id, const std::string& except_id_hash);
  /// The signed-in user of the request's cookie, if any (for public routes that look).
  std::optional<SignedIn> optional_session(const http::Request& request);

  // ---- plumbing (web_app.cpp) ----
  http::Response dispatch(const http::Request& request, std::string& route, std::int64_t& user);
  std::optional<http::Response> authenticate(Context& context, const RouteSpec& spec);
  std::optional<http::Response> check_json_body(Context& context, bool session_less);
  bool origin_allowed(const http::Request& request) const;
  std::string client_address(const http::Request& request) const;
  std::string session_cookie(const std::string& token, std::chrono::seconds max_age) const;
  void log(const Json& line) const;
  void log_error(std::string_view event, const std::string& message) const;
  std::int64_t now_seconds() const;
  std::int64_t now_ms() const;
  std::string now_text() const;
  http::Response fail(const core::Error& error) const;
  void add_security_headers(http::Response& response) const;

  // ---- cache ----
  std::shared_ptr<const CachedBody> cached(std::int64_t user_id, const std::string& key);
  std::uint64_t cache_generation(std::int64_t user_id);
  std::shared_ptr<const CachedBody> store_cached(std::int64_t user_id, std::uint64_t generation,
                                                 const std::string& key, std::string json);
  void invalidate(std::int64_t user_id);
  http::Response serve_cached(const http::Request& request, const CachedBody& body) const;
  /// What every response gets on its way out: request id, security headers, metrics, log line.
  void finish(const http::Request& request, http::Response& response, const std::string& request_id,
              const std::string& route, std::int64_t user_id,
              std::chrono::steady_clock::time_point start);

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
  core::Result<std::optional<core::AppUser>> load_user(std::int64_t id);
  bool needs_setup();

  // ---- handlers: system and auth (handlers_auth.cpp) ----
  http::Response get_health(Context&);
  http::Response get_metrics(Context&);
  http::Response get_setup(Context&);
  http::Response post_setup(Context&);
  http::Response get_session(Context&);
  http::Response post_session(Context&);
  http::Response delete_session(Context&);
  http::Response post_password(Context&);
  http::Response list_users(Context&);
  http::Response create_user(Context&);
  http::Response patch_user(Context&);
  http::Response delete_user(Context&);
  http::Response signed_in_response(const core::AppUser& user, const http::Request& request,
                                    int status);
  http::Response session_response(const SessionManager::Created& created, int status);

  // ---- handlers: Spotify accounts (handlers_accounts.cpp) ----
  http::Response get_spotify_setup(Context&);
  http::Response spotify_callback(Context&);
  http::Response list_accounts(Context&);
  http::Response connect_account(Context&);
  http::Response delete_account(Context&);
  http::Response sync_account(Context&);
  Json account_json(const core::SpotifyAccount& account);

  // ---- handlers: playlists and jobs (handlers_playlists.cpp) ----
  http::Response list_playlists(Context&);
  http::Response get_playlist(Context&);
  http::Response get_items(Context&);
  http::Response put_tags(Context&);
  http::Response sync_playlist(Context&);
  http::Response list_jobs(Context&);
  http::Response get_job(Context&);
  http::Response get_events(Context&);
  http::Response start_job(const Context& context, const core::SpotifyAccount& account,
                           std::string kind, std::string playlist_id);
  void run_job(Job& job, const std::function<void()>& progress, std::stop_token stop);
  void publish_job(const Job& job);
};

// ---- JSON bodies of the schemas (dto.cpp) ----
Json user_json(const core::AppUser& user);
Json job_json(const Job& job);
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
/// True when `text` is a valid username: 1-64 characters of [A-Za-z0-9._@-].
bool valid_username(std::string_view text);

}  // namespace plm::web
